/*
 * services.h — the SOAP services of wsusd, assembled: one service host
 * (service/host.h) with the MS-WUSP services (client, SimpleAuth,
 * reporting), the MS-WSUSSS upstream services (Server Sync, DSS
 * authorization) and the reporting service's table composed from the
 * client events (wusp_reporting_ops) and the server rollup operations
 * (wsusss_rollup_ops).  Only here do the two protocols meet.
 *
 * One update catalog for both: the daemon owns the single catalog holder
 * (catalog/catalog.h) and lends it to both protocols, so one snapshot is
 * in memory and one build follows a change of the store.  MS-WUSP reads
 * it with catalog_holder_get() (re-checked every WUSP_CATALOG_POLL_MS),
 * MS-WSUSSS with catalog_holder_get_at() (exactly at the change counter
 * its anchors carry); a build either of them starts serves the other.
 */
#ifndef WSUSD_DAEMON_SERVICES_H
#define WSUSD_DAEMON_SERVICES_H

#include <stddef.h>

#include "config/config.h"

struct daemon_services;

/*
 * Create the host for cfg (which must outlive it) and the catalog holder,
 * load the catalog once when the host is ready, and register every SOAP
 * route; call before http_server_start().  0 with *out, or -1 with err.
 */
int	daemon_services_start(const struct config *cfg,
	    struct daemon_services **out, char *err, size_t errlen);
/*
 * A reload read cfg: what the services take from it while they run
 * ([server] upstream_allow; copied, cfg need not outlive the call).
 */
void	daemon_services_reload(struct daemon_services *ds,
	    const struct config *cfg);
/* Free everything (the services, then the holder they borrowed, then the
 * host); after http_server_stop().  NULL is fine. */
void	daemon_services_free(struct daemon_services *ds);

#endif
