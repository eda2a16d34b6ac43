/*
 * service.h — the MS-WUSP SOAP services of wsusd: the client web service
 * (/ClientWebService/client.asmx), SimpleAuth
 * (/SimpleAuthWebService/SimpleAuth.asmx) and the reporting web service
 * (/ReportingWebService/ReportingWebService.asmx), registered on every
 * listener through http_route_add().
 *
 * What it does: reads each POST with the bounded SOAP reader, dispatches
 * on the operation (a table per service, so the server-to-server rollup
 * operations of the reporting service can be added later), opens and
 * seals cookies (cookie.h), asks the update catalogue (catalog.h,
 * sync_updates.h) and the store, and writes answers element for element
 * as the captured real WSUS answers (docs/WUSP.md lists every deliberate
 * difference).  What it is not: the SyncUpdates algorithm (sync_updates.c),
 * event parsing (reporting.c), HTTP (src/http), XML (src/soap).
 *
 * Threads: handlers run on the MHD worker threads at once.  Each worker
 * thread lazily opens its own store handle (docs/STORE.md: one handle per
 * thread); everything else the service shares is read-only or guarded.
 */
#ifndef WSUSD_WUSP_SERVICE_H
#define WSUSD_WUSP_SERVICE_H

#include <stddef.h>

#include "config/config.h"

/* Service paths (matched ignoring ASCII case by the router). */
#define WUSP_PATH_CLIENT	"/ClientWebService/client.asmx"
#define WUSP_PATH_SIMPLEAUTH	"/SimpleAuthWebService/SimpleAuth.asmx"
#define WUSP_PATH_REPORTING	"/ReportingWebService/ReportingWebService.asmx"

struct wusp_service;

/*
 * Create the services for cfg (which must outlive them) and register
 * their three routes with http_route_add(); call before
 * http_server_start().  The store named by cfg->database_url is opened
 * once here to read the server identity and cookie key (settings
 * server_id and cookie_key, written by wsusctl postinstall).  When that
 * fails the routes are still registered, the reason is logged, and every
 * SOAP request answers an InternalServerError fault while the service
 * retries (at most every few seconds) until the database is ready, so a
 * server started before postinstall serves content and recovers by
 * itself.  Returns 0, or -1 with err when the routes cannot be added.
 */
int	wusp_service_register(const struct config *cfg,
	    struct wusp_service **out, char *err, size_t errlen);

/*
 * Free everything.  Call after http_server_stop() (no handler may still
 * run).  NULL is fine.
 */
void	wusp_service_free(struct wusp_service *svc);

#endif
