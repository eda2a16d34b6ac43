/*
 * service.h — the MS-WUSP SOAP services of wsusd: the client web service
 * (/ClientWebService/client.asmx), SimpleAuth
 * (/SimpleAuthWebService/SimpleAuth.asmx) and the reporting web service
 * (/ReportingWebService/ReportingWebService.asmx), registered on the SOAP
 * service host (service/host.h).
 *
 * What it does: the operation tables and the operations: opens and seals
 * cookies (cookie/cookie.h), asks the update catalogue (catalog.h,
 * sync_updates.h) and the store, and writes answers element for element
 * as the captured real WSUS answers (docs/WUSP.md lists every deliberate
 * difference).  What it is not: the request pipeline, store handles and
 * URLs (src/service), the SyncUpdates algorithm (sync_updates.c), event
 * parsing (reporting.c), the rollup operations (src/wsusss/rollup.h),
 * HTTP (src/http), XML (src/soap).
 *
 * The update catalogue is not theirs: the daemon owns the one catalog
 * holder (catalog/catalog.h) that both protocols share and lends it here
 * (src/daemon/services.c); the client operations take its current
 * snapshot with catalog_holder_get(), so an answer may come from a
 * snapshot up to WUSP_CATALOG_POLL_MS older than the store.
 *
 * Threads: handlers run on the MHD worker threads at once; everything the
 * services share is read-only or guarded.
 */
#ifndef WSUSD_WUSP_SERVICE_H
#define WSUSD_WUSP_SERVICE_H

#include <stddef.h>

#include "service/host.h"

/* Service paths (matched ignoring ASCII case by the router). */
#define WUSP_PATH_CLIENT	"/ClientWebService/client.asmx"
#define WUSP_PATH_SIMPLEAUTH	"/SimpleAuthWebService/SimpleAuth.asmx"
#define WUSP_PATH_REPORTING	"/ReportingWebService/ReportingWebService.asmx"

/*
 * The poll interval (ms) of the catalog holder lent to the services: how
 * often catalog_holder_get() re-reads the store's change counter.
 */
#define WUSP_CATALOG_POLL_MS	1000

struct wusp_service;
struct catalog_holder;

/*
 * The client operations of the reporting service (ReportEventBatch),
 * NULL-name terminated; the daemon adds the rollup operations
 * (src/daemon/services.c).
 */
extern const struct svc_op wusp_reporting_ops[];

/*
 * Create the services and register their three routes on host (which
 * must outlive them); call before http_server_start().  catalog is the
 * update catalogue's holder, borrowed (it must outlive the services; it
 * should poll every WUSP_CATALOG_POLL_MS); the services never load or
 * free it.  The reporting service answers the operations of reporting
 * (NULL-name terminated, must outlive the services; NULL:
 * wusp_reporting_ops alone).  A server started before postinstall
 * answers InternalServerError faults until the host is ready
 * (service/host.h).  Returns 0, or -1 with err when the routes cannot be
 * added.
 */
int	wusp_service_register(struct svc_host *host,
	    struct catalog_holder *catalog, const struct svc_op *reporting,
	    struct wusp_service **out, char *err, size_t errlen);

/*
 * Free everything the services own (not the borrowed catalog holder).
 * Call after http_server_stop() (no handler may still run), before the
 * host and the holder.  NULL is fine.
 */
void	wusp_service_free(struct wusp_service *svc);

#endif
