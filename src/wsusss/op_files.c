/*
 * op_files.c — DownloadFiles (which content this upstream has) and Ping
 * (both services) of the MS-WSUSSS upstream.  docs/WSUSSS.md.
 *
 * DownloadFiles (SPEC §3.1.4.11): a digest no update lists is missing
 * (FileDigestsMissing).  A listed file this server lacks is queued
 * (store_file_request_put) when this server has an upstream of its own
 * and a content policy that downloads (approved or all): its next sync's
 * content step fetches it, and the downstream's GET succeeds after that.
 * Without one it is missing too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/encode.h"
#include "wsusss/service_internal.h"

/* ---- DownloadFiles ---------------------------------------------------------- */

int
wsusss_op_download_files(struct svc_call *c)
{
	const struct soap_node *l = soap_child(c->body, "fileDigestList"), *e;
	struct store *st;
	size_t n, used = 0;
	bool missing = false;

	struct store_sync_config cfg;
	bool fetches;

	if (ws_session(c) != 0 || (st = svc_store(c)) == NULL)
		return -1;
	n = l == NULL ? 0 : soap_count_children(l, "base64Binary");
	if (n == 0 || n > WSUSSS_DIGESTS_MAX || l->nchildren != n)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "fileDigestList");
	if (store_sync_config_get(st, &cfg) != STORE_OK)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	/* can this server fetch a file from an upstream of its own? */
	fetches = cfg.upstream != NULL &&
	    (cfg.content == STORE_SYNC_CONTENT_APPROVED ||
	    cfg.content == STORE_SYNC_CONTENT_ALL);
	store_sync_config_free(&cfg);
	SOAP_FOREACH_CHILD(e, l, "base64Binary") {
		uint8_t d[20];
		size_t dl = 0;
		struct store_file sf;
		char *name = NULL;
		int r;

		if (soap_node_base64(e, d, sizeof(d), &dl) != 0 || dl != 20)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "fileDigestList");
		r = store_file_lookup(st, d, &sf, &name);
		free(name);
		if (r == STORE_OK && sf.present)
			continue;
		if (r != STORE_OK && r != STORE_NOTFOUND)
			return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
		if (r == STORE_OK && fetches) {
			/* listed, not here: our next sync fetches it */
			if (store_file_request_put(st, d, (int64_t)time(NULL))
			    != STORE_OK)
				return svc_fault(c,
				    SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
			continue;
		}
		/* unknown, or known but not in the content store: this
		 * upstream has no parent to fetch it from */
		{
			char b64[32];
			int w;

			base64_encode(d, 20, b64);
			w = snprintf(c->fault_msg + used,
			    sizeof(c->fault_msg) - used, "%s%s",
			    missing ? "|" : "", b64);
			if (w > 0 && (size_t)w < sizeof(c->fault_msg) - used)
				used += (size_t)w;
			missing = true;
		}
	}
	if (missing) {
		c->fault = SOAP_EC_FILE_DIGESTS_MISSING;
		return -1;
	}
	svc_begin(c);
	svc_end(c);
	return 0;
}

/* ---- Ping (both services) ------------------------------------------------- */

int
wsusss_op_ping(struct svc_call *c)
{
	struct soap_datetime dt, never;
	int32_t level;

	if (soap_node_int32(soap_child(c->body, "pingLevel"), &level) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "pingLevel");
	ws_now_datetime(&dt);
	soap_datetime_from_unix(c->host->started, 0, &never);
	svc_begin(c);
	xmlw_start(&c->w, "PingResult");
	xmlw_elem_bool(&c->w, "SuccessFlag", 1);
	xmlw_elem_datetime(&c->w, "ServicesTime", &dt);
	xmlw_elem(&c->w, "ServicesName", c->def->name);
	xmlw_elem_bool(&c->w, "IsHttps", c->http->listener->tls);
	xmlw_elem_datetime(&c->w, "ConfigFileLastModifiedTime", &never);
	xmlw_elem_datetime(&c->w, "ConfigFileNextExpirationTime", &never);
	xmlw_elem_int(&c->w, "ConfigFileExpirationModuloInMinutes", 0);
	svc_end(c);
	return 0;
}

