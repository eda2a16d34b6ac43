/*
 * services.h — the SOAP services of wsusd, assembled: one service host
 * (service/host.h) with the MS-WUSP services (client, SimpleAuth,
 * reporting), the MS-WSUSSS upstream services (Server Sync, DSS
 * authorization) and the reporting service's table composed from the
 * client events (wusp_reporting_ops) and the server rollup operations
 * (wsusss_rollup_ops).  Only here do the two protocols meet.
 */
#ifndef WSUSD_DAEMON_SERVICES_H
#define WSUSD_DAEMON_SERVICES_H

#include <stddef.h>

#include "config/config.h"

struct daemon_services;

/*
 * Create the host for cfg (which must outlive it) and register every
 * SOAP route; call before http_server_start().  0 with *out, or -1 with
 * err.
 */
int	daemon_services_start(const struct config *cfg,
	    struct daemon_services **out, char *err, size_t errlen);
/* Free everything; after http_server_stop().  NULL is fine. */
void	daemon_services_free(struct daemon_services *ds);

#endif
