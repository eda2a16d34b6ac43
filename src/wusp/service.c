/*
 * service.c — the three MS-WUSP SOAP services: their operation tables,
 * their definitions for the service host (service/host.h), the protocol
 * state behind c->svc, and registration.  The operations are in op_*.c,
 * the protocol helpers in helpers.c; the request pipeline, faults, store
 * handles and URLs are the host's, the catalog holder the daemon's
 * (borrowed).  See service.h and docs/WUSP.md.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"
#include "wusp/service_internal.h"

/* ---- the operation tables ------------------------------------------- */

static const struct svc_op client_ops[] = {
	{ "GetConfig", NULL, wusp_op_get_config },
	{ "GetCookie", NULL, wusp_op_get_cookie },
	{ "RegisterComputer", NULL, wusp_op_register_computer },
	{ "StartCategoryScan", NULL, wusp_op_start_category_scan },
	{ "SyncUpdates", NULL, wusp_op_sync_updates },
	{ "SyncPrinterCatalog", NULL, wusp_op_sync_printer_catalog },
	{ "RefreshCache", NULL, wusp_op_refresh_cache },
	{ "GetExtendedUpdateInfo", NULL, wusp_op_get_extended_update_info },
	{ "GetExtendedUpdateInfo2", NULL, wusp_op_get_extended_update_info2 },
	{ "GetFileLocations", NULL, wusp_op_get_file_locations },
	{ NULL, NULL, NULL },
};

static const struct svc_op simpleauth_ops[] = {
	{ "GetAuthorizationCookie", NULL, wusp_op_get_authorization_cookie },
	{ NULL, NULL, NULL },
};

/*
 * The client operations of the reporting service.  The server-to-server
 * rollup operations of the same WSDL are another protocol's; the daemon
 * composes the whole table (src/daemon/services.c).
 */
const struct svc_op wusp_reporting_ops[] = {
	{ "ReportEventBatch", NULL, wusp_op_report_event_batch },
	{ NULL, NULL, NULL },
};

/* Before every operation: the client configuration of this call. */
static void
before_op(struct svc_call *c)
{
	wusp_client_config_refresh(c);
}

static const struct svc_def svc_defs[WUSP_SVC_COUNT] = {
	{ WUSP_PATH_CLIENT, "ClientWebService", SOAP_NS_CLIENT,
	    SOAP_STYLE_WCF, 0, client_ops, WUSP_RESPONSE_MAX, "private",
	    sizeof(struct wusp_call_state), before_op, NULL },
	{ WUSP_PATH_SIMPLEAUTH, "SimpleAuthWebService", SOAP_NS_SIMPLEAUTH,
	    SOAP_STYLE_ASMX, SOAP_PARSE_ALLOW_V12, simpleauth_ops,
	    WUSP_RESPONSE_MAX, "private", sizeof(struct wusp_call_state),
	    before_op, NULL },
	{ WUSP_PATH_REPORTING, "ReportingWebService", SOAP_NS_SWDIST,
	    SOAP_STYLE_ASMX, SOAP_PARSE_ALLOW_V12, wusp_reporting_ops,
	    WUSP_RESPONSE_MAX, "private", sizeof(struct wusp_call_state),
	    before_op, NULL },
};

/* ---- registration -------------------------------------------------------- */

int
wusp_service_register(struct svc_host *host, struct catalog_holder *catalog,
    const struct svc_op *reporting, struct wusp_service **out, char *err,
    size_t errlen)
{
	struct wusp_service *svc;

	*out = NULL;
	svc = xcalloc(1, sizeof(*svc));
	svc->host = host;
	svc->catalog = catalog;
	pthread_mutex_init(&svc->lock, NULL);
	memcpy(svc->defs, svc_defs, sizeof(svc->defs));
	if (reporting != NULL)
		svc->defs[WUSP_SVC_REPORTING].ops = reporting;

	for (int i = 0; i < WUSP_SVC_COUNT; i++)
		if (svc_host_add(host, &svc->defs[i], svc, err, errlen) != 0) {
			wusp_service_free(svc);
			return -1;
		}
	*out = svc;
	return 0;
}

void
wusp_service_free(struct wusp_service *svc)
{
	if (svc == NULL)
		return;
	/* svc->catalog is borrowed: the daemon frees it after us */
	pthread_mutex_destroy(&svc->lock);
	free(svc);
}
