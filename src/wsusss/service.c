/*
 * service.c — the MS-WSUSSS upstream services on the SOAP service host:
 * the operation tables and definitions of the Server Sync and DSS
 * authorization services, the protocol state behind c->svc, the
 * snapshot accessor and registration.  The operations are in op_*.c,
 * their helpers in session.c and common.c, the view of the shared
 * catalog in snapshot.c; the request pipeline, faults, store handles and
 * URLs are the host's (src/service), the catalog holder the daemon's
 * (borrowed, shared with MS-WUSP).  See service.h and docs/WSUSSS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

/* ---- the operation tables ------------------------------------------- */

static const struct svc_op serversync_ops[] = {
	{ "GetAuthConfig", SOAP_NS_SWDIST, wsusss_op_get_auth_config },
	{ "GetCookie", SOAP_NS_SWDIST, wsusss_op_get_cookie },
	{ "GetConfigData", SOAP_NS_SWDIST, wsusss_op_get_config_data },
	{ "GetRevisionIdList", SOAP_NS_SWDIST,
	    wsusss_op_get_revision_id_list },
	{ "GetUpdateData", SOAP_NS_SWDIST, wsusss_op_get_update_data },
	{ "GetDeployments", SOAP_NS_SWDIST, wsusss_op_get_deployments },
	{ "DownloadFiles", SOAP_NS_SWDIST, wsusss_op_download_files },
	{ "GetRelatedRevisionsForUpdates", SOAP_NS_SWDIST,
	    wsusss_op_get_related },
	{ "Ping", SOAP_NS_MONITOR, wsusss_op_ping },
	{ NULL, NULL, NULL },
};

static const struct svc_op dssauth_ops[] = {
	{ "GetAuthorizationCookie", SOAP_NS_DSSAUTH,
	    wsusss_op_get_authorization_cookie },
	{ "Ping", SOAP_NS_MONITOR, wsusss_op_ping },
	{ NULL, NULL, NULL },
};

/* After a successful answer: record the downstream that called. */
static void
after_op(struct svc_call *c)
{
	ws_touch_downstream(c);
}

const struct svc_def wsusss_defs[2] = {
	{ WSUSSS_PATH_SERVERSYNC, "ServerSyncWebService", SOAP_NS_SWDIST,
	    SOAP_STYLE_ASMX, SOAP_PARSE_ALLOW_V12, serversync_ops,
	    WS_RESPONSE_MAX, "private, max-age=0",
	    sizeof(struct ws_call_state), NULL, after_op },
	{ WSUSSS_PATH_DSSAUTH, "DssAuthWebService", SOAP_NS_DSSAUTH,
	    SOAP_STYLE_ASMX, SOAP_PARSE_ALLOW_V12, dssauth_ops,
	    WS_RESPONSE_MAX, "private, max-age=0",
	    sizeof(struct ws_call_state), NULL, after_op },
};

const struct catalog *
ws_snap(struct svc_call *c, struct store *st)
{
	const char *why = "catalogue";
	const struct catalog *s = snap_get(WS_SVC(c)->catalog, st, &why);

	if (s == NULL)
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "%s", why);
	return s;
}

/* ---- registration -------------------------------------------------------- */

struct wsusss_service *
wsusss_service_new(struct svc_host *host, struct catalog_holder *catalog)
{
	struct wsusss_service *svc = xcalloc(1, sizeof(*svc));

	svc->host = host;
	svc->catalog = catalog;
	pthread_mutex_init(&svc->rate_mu, NULL);
	svc->items = item_cache_new(ITEM_CACHE_DEFAULT_BYTES);
	svc->answers = answer_cache_new(ANSWER_CACHE_DEFAULT_BYTES);
	pthread_mutex_init(&svc->touch_mu, NULL);
	return svc;
}

int
wsusss_service_register(struct svc_host *host, struct catalog_holder *catalog,
    struct wsusss_service **out, char *err, size_t errlen)
{
	struct wsusss_service *svc = wsusss_service_new(host, catalog);

	*out = NULL;
	for (int i = 0; i < 2; i++)
		if (svc_host_add(host, &wsusss_defs[i], svc, err, errlen) !=
		    0) {
			wsusss_service_free(svc);
			return -1;
		}
	*out = svc;
	return 0;
}

void
wsusss_service_free(struct wsusss_service *svc)
{
	if (svc == NULL)
		return;
	/* svc->catalog is borrowed: the daemon frees it after us */
	pthread_mutex_destroy(&svc->rate_mu);
	item_cache_free(svc->items);
	answer_cache_free(svc->answers);
	pthread_mutex_destroy(&svc->touch_mu);
	free(svc);
}
