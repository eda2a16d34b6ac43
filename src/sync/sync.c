/*
 * sync.c — the downstream side of MS-WSUSSS; see sync.h and docs/SYNC.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "import/import.h"
#include "soap/soap_request.h"
#include "soap/soap_value.h"
#include "soap/xmlw.h"
#include "sync/sync.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define NS_SS	"http://www.microsoft.com/SoftwareDistribution"
#define NS_DSS	"http://www.microsoft.com/SoftwareDistribution/Server/DssAuthWebService"
#define PATH_SS	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define PATH_REP "/ReportingWebService/ReportingWebService.asmx"
#define ZERO_GUID "00000000-0000-0000-0000-000000000000"
#define NEVER_TIME "0001-01-01T00:00:00"	/* what spec sample 3 sends */
#define COOKIE_TEXT_MAX	8192
#define URL_MAX		1024
#define REQ_MAX		(64u * 1024 * 1024)
#define SYNC_TRIES	3	/* attempts of one Server Sync call */
#define COOKIE_RENEW_SECS 300	/* renew a session cookie this long before it expires */
#define SYNC_REAUTH_MAX	16	/* cookie renewals in one run */

struct rev {
	char	 uid[GUID_STRLEN + 1];
	int32_t	 rev;
};

struct revlist {
	struct rev	*v;
	size_t		 n, cap;
};

struct sess {
	CURL			*easy;
	const struct sync_opts	*o;
	struct sync_result	*res;
	struct store		*st;
	char			 base[URL_MAX];
	char			 account[256];
	char			 account_guid[GUID_STRLEN + 1];
	char			 auth_plugin[64];
	char			*auth_data;		/* CookieData */
	char			*ck_exp, *ck_data;	/* session cookie */
	int			 batch;
	uint16_t		 up_major, up_minor;
	struct buf		 body;
	char			*err;
	size_t			 errlen;
	char			 fault[64];		/* ErrorCode of the last fault */
	bool			 new_upstream;		/* anchors are another upstream's */
	int64_t			 ck_expires;		/* unix time; 0 unknown */
	int			 reauths;		/* renewals in this run */
};

static void
seterr(struct sess *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
}

int
sync_profile_parse(const char *s, enum sync_profile *out)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "1.8") == 0 || strcasecmp(s, "wsus3") == 0 ||
	    strcmp(s, "3") == 0) {
		*out = SYNC_PROFILE_WSUS3SP2;
		return 0;
	}
	if (strcmp(s, "1.20") == 0 || strcasecmp(s, "wsus10") == 0 ||
	    strcmp(s, "10") == 0) {
		*out = SYNC_PROFILE_WSUS10;
		return 0;
	}
	return -1;
}

const char *
sync_profile_version(enum sync_profile p)
{
	return p == SYNC_PROFILE_WSUS3SP2 ? "1.8" : "1.20";
}

/* What the .NET SoapHttpClientProtocol of each WSUS release sends. */
static const char *
profile_agent(enum sync_profile p)
{
	return p == SYNC_PROFILE_WSUS3SP2 ?
	    "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.5485)" :
	    "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)";
}

void
sync_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---------------------------------------------------------------- */
/* HTTP + SOAP                                                        */
/* ---------------------------------------------------------------- */

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_append(b, p, sz * n) != 0)
		return 0;	/* over the bound: curl aborts */
	return sz * n;
}

static int
sess_open(struct sess *s)
{
	CURL *e;
	long to = s->o->timeout > 0 ? s->o->timeout : 300;

	if ((e = curl_easy_init()) == NULL) {
		seterr(s, "curl_easy_init failed");
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, profile_agent(s->o->profile));
	curl_easy_setopt(e, CURLOPT_TIMEOUT, to);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &s->body);
	if (s->o->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (s->o->cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, s->o->cacert);
	s->easy = e;
	return 0;
}

/* Recursively find the first element named local below n. */
static const struct soap_node *
find_deep(const struct soap_node *n, const char *local)
{
	const struct soap_node *c, *r;

	if (n == NULL)
		return NULL;
	if (strcmp(n->name, local) == 0)
		return n;
	for (c = n->children; c != NULL; c = c->next)
		if ((r = find_deep(c, local)) != NULL)
			return r;
	return NULL;
}

/*
 * POST body (a whole envelope) to path with SOAPAction "<ns>/<op>" and
 * parse the answer.  Faults are turned into an error with the ErrorCode
 * kept in s->fault.  *out must be freed with soap_request_free().
 */
static int
soap_call(struct sess *s, const char *path, const char *ns, const char *op,
    const struct buf *req, struct soap_request **out)
{
	char url[URL_MAX + 128], hdr[512], perr[256];
	struct curl_slist *h = NULL;
	struct soap_parse_opts po;
	struct soap_request *r = NULL;
	CURLcode rc;
	long status = 0;
	enum soap_err se;
	int tries;

	*out = NULL;
	s->fault[0] = '\0';
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	buf_reset(&s->body);
	h = curl_slist_append(h, "Content-Type: text/xml; charset=utf-8");
	snprintf(hdr, sizeof(hdr), "SOAPAction: \"%s/%s\"", ns, op);
	h = curl_slist_append(h, hdr);
	h = curl_slist_append(h, "Expect:");
	h = curl_slist_append(h, "Accept:");
	h = curl_slist_append(h, "Connection: Keep-Alive");
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, req->data);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)req->len);
	if (s->o->verbose)
		log_info("sync: %s %s (%zu bytes)", op, url, req->len);
	if (s->o->record_dir != NULL) {
		char rp[1200];

		snprintf(rp, sizeof(rp), "%s/%03zu-%s.request.xml",
		    s->o->record_dir, s->res->calls + 1, op);
		if (write_file_atomic(rp, req->data, req->len, 0644) != 0)
			log_warn("sync: recording %s", rp);
	}
	/*
	 * Transport errors (connection reset, timeout, 502/503 from a proxy)
	 * are retried for the Server Sync calls, which only read; never
	 * when the answer was too large, and never for rollups.
	 */
	for (tries = 0;; tries++) {
		buf_reset(&s->body);
		rc = curl_easy_perform(s->easy);
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
		if (tries + 1 >= SYNC_TRIES || s->body.failed ||
		    strcmp(path, PATH_SS) != 0 ||
		    (rc == CURLE_OK && status != 502 && status != 503 &&
		    status != 504))
			break;
		log_warnx("sync: %s: %s; retrying", op, rc != CURLE_OK ?
		    curl_easy_strerror(rc) : "upstream busy");
		sleep((unsigned)(tries + 1));
	}
	curl_slist_free_all(h);
	s->res->calls++;
	s->res->bytes_out += req->len;
	if (rc != CURLE_OK) {
		if (s->body.failed)
			seterr(s, "%s: answer larger than %zu bytes", op,
			    s->body.max);
		else
			seterr(s, "%s: %s", op, curl_easy_strerror(rc));
		return -1;
	}
	s->res->bytes_in += s->body.len;
	if (s->o->record_dir != NULL) {
		char rp[1200];
		FILE *fp;

		snprintf(rp, sizeof(rp), "%s/%03zu-%s.response.xml",
		    s->o->record_dir, s->res->calls, op);
		if (write_file_atomic(rp, s->body.data ? s->body.data : "",
		    s->body.len, 0644) != 0)
			log_warn("sync: recording %s", rp);
		snprintf(rp, sizeof(rp), "%s/index.tsv", s->o->record_dir);
		if ((fp = fopen(rp, "a")) != NULL) {
			fprintf(fp, "%03zu\t%s\t%s\t%s/%s\t%ld\n", s->res->calls,
			    op, path, ns, op, status);
			fclose(fp);
		}
	}
	if (status != 200 && status != 500) {
		seterr(s, "%s: HTTP status %ld from %s", op, status, url);
		return -1;
	}
	soap_parse_opts_default(&po);
	po.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	po.limits.max_body = s->body.max < 0x7fffffff ? s->body.max : 0x7fffffff;
	po.limits.max_elements = 4000000;
	po.limits.max_children = 1000000;
	po.limits.max_text = 64u * 1024 * 1024;
	po.limits.max_arena = 1024u * 1024 * 1024;
	po.limits.max_parser_mem = 512u * 1024 * 1024;
	se = soap_request_parse(s->body.data ? s->body.data : "", s->body.len,
	    NULL, NULL, &po, &r, perr, sizeof(perr));
	if (se != SOAP_OK) {
		seterr(s, "%s: unreadable answer (HTTP %ld): %s: %s", op,
		    status, soap_err_name(se), perr);
		return -1;
	}
	if (strcmp(r->op->name, "Fault") == 0) {
		const struct soap_node *ec = find_deep(r->op, "ErrorCode");
		const struct soap_node *fs = find_deep(r->op, "faultstring");
		const struct soap_node *msg = find_deep(r->op, "Message");

		snprintf(s->fault, sizeof(s->fault), "%s",
		    ec ? ec->text : "unknown");
		seterr(s, "%s: fault %s (%s)%s%s", op, s->fault,
		    fs ? fs->text : "", msg && msg->text_len ? ": " : "",
		    msg ? msg->text : "");
		soap_request_free(r);
		return -1;
	}
	if (status != 200) {
		seterr(s, "%s: HTTP status %ld without a fault", op, status);
		soap_request_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* Start an ASMX envelope and the operation element. */
static void
req_begin(struct xmlw *w, struct buf *b, const char *ns, const char *op)
{
	buf_reset(b);
	xmlw_init(w, b, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(w, SOAP_V11);
	xmlw_start(w, op);
	xmlw_attr(w, "xmlns", ns);
}

static int
req_end(struct sess *s, struct xmlw *w)
{
	char e[XMLW_ERR_MAX];

	xmlw_envelope_end(w);
	if (xmlw_finish(w, e, sizeof(e)) != 0) {
		seterr(s, "building request: %s", e);
		return -1;
	}
	return 0;
}

/* What a downstream WSUS sends to the reporting service (spec sample 3). */
static void
put_dummy_cookie(struct xmlw *w)
{
	xmlw_start(w, "cookie");
	xmlw_elem(w, "Expiration", "9999-12-31T23:59:59.9999999");
	xmlw_elem(w, "EncryptedData", NULL);
	xmlw_end(w);
}

static void
put_cookie(struct sess *s, struct xmlw *w)
{
	xmlw_start(w, "cookie");
	xmlw_elem(w, "Expiration", s->ck_exp);
	xmlw_elem(w, "EncryptedData", s->ck_data);
	xmlw_end(w);
}

/* A copy of a possibly absent string ("" for NULL). */
static char *
sdup(const char *p)
{
	return xstrdup(p ? p : "");
}

/* The result element: Body/<op>Response/<op>Result. */
static const struct soap_node *
result_of(const struct soap_request *r, const char *op)
{
	char name[128];

	snprintf(name, sizeof(name), "%sResult", op);
	return soap_child(r->op, name);
}

/* ---------------------------------------------------------------- */
/* Settings                                                           */
/* ---------------------------------------------------------------- */

static char *
setting(struct sess *s, const char *k)
{
	char *v = NULL;

	if (s->st == NULL)
		return NULL;
	if (store_setting_get(s->st, k, &v) != STORE_OK)
		return NULL;
	if (v != NULL && v[0] == '\0') {
		free(v);
		return NULL;
	}
	return v;
}

static int
setting_put(struct sess *s, const char *k, const char *v)
{
	int rc;

	if (s->st == NULL)
		return 0;
	if ((rc = store_setting_set(s->st, k, v ? v : "")) != STORE_OK) {
		seterr(s, "saving setting %s: %s", k, store_errmsg(s->st));
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Authentication                                                     */
/* ---------------------------------------------------------------- */

static int
do_auth(struct sess *s)
{
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res, *pi, *ac;
	const char *svc = NULL;
	char path[512];

	/* 1. GetAuthConfig */
	{
		struct buf req;

		buf_init(&req, REQ_MAX);
		req_begin(&w, &req, NS_SS, "GetAuthConfig");
		if (req_end(s, &w) != 0 ||
		    soap_call(s, PATH_SS, NS_SS, "GetAuthConfig", &req, &r) != 0) {
			buf_free(&req);
			return -1;
		}
		buf_free(&req);
	}
	res = result_of(r, "GetAuthConfig");
	SOAP_FOREACH_CHILD(pi, soap_child(res, "AuthInfo"), "AuthPlugInInfo") {
		const char *id = soap_child_text(pi, "PlugInID");

		if (id != NULL && strcmp(id, "DssTargeting") == 0) {
			svc = soap_child_text(pi, "ServiceUrl");
			break;
		}
	}
	if (svc == NULL || svc[0] == '\0' || strlen(svc) > 256 ||
	    strstr(svc, "://") != NULL || strstr(svc, "..") != NULL) {
		seterr(s, "GetAuthConfig: no usable DssTargeting ServiceUrl");
		soap_request_free(r);
		return -1;
	}
	/* The DSS forms the URL as base + "/" + ServiceUrl. */
	snprintf(path, sizeof(path), "/%s", svc[0] == '/' ? svc + 1 : svc);
	soap_request_free(r);

	/* 2. GetAuthorizationCookie */
	{
		struct buf req;
		struct xmlw w2;

		buf_init(&req, REQ_MAX);
		req_begin(&w2, &req, NS_DSS, "GetAuthorizationCookie");
		xmlw_elem(&w2, "accountName", s->account);
		xmlw_elem(&w2, "accountGuid", s->account_guid);
		if (req_end(s, &w2) != 0 ||
		    soap_call(s, path, NS_DSS, "GetAuthorizationCookie", &req,
		    &r) != 0) {
			buf_free(&req);
			return -1;
		}
		buf_free(&req);
	}
	ac = result_of(r, "GetAuthorizationCookie");
	if (ac == NULL || soap_child_text(ac, "CookieData") == NULL) {
		seterr(s, "GetAuthorizationCookie: no CookieData");
		soap_request_free(r);
		return -1;
	}
	snprintf(s->auth_plugin, sizeof(s->auth_plugin), "%s",
	    soap_child_text(ac, "PlugInId") ? soap_child_text(ac, "PlugInId") :
	    "DssTargeting");
	if (strlen(soap_child_text(ac, "CookieData")) > COOKIE_TEXT_MAX) {
		seterr(s, "GetAuthorizationCookie: CookieData too long");
		soap_request_free(r);
		return -1;
	}
	free(s->auth_data);
	s->auth_data = sdup(soap_child_text(ac, "CookieData"));
	soap_request_free(r);

	/* 3. GetCookie */
	{
		struct buf req;
		struct xmlw w3;
		const struct soap_node *ck;

		buf_init(&req, REQ_MAX);
		req_begin(&w3, &req, NS_SS, "GetCookie");
		xmlw_start(&w3, "authCookies");
		xmlw_start(&w3, "AuthorizationCookie");
		xmlw_elem(&w3, "PlugInId", s->auth_plugin);
		xmlw_elem(&w3, "CookieData", s->auth_data);
		xmlw_end(&w3);
		xmlw_end(&w3);
		if (s->ck_data != NULL) {
			xmlw_start(&w3, "oldCookie");
			xmlw_elem(&w3, "Expiration", s->ck_exp);
			xmlw_elem(&w3, "EncryptedData", s->ck_data);
			xmlw_end(&w3);
		}
		xmlw_elem(&w3, "protocolVersion",
		    sync_profile_version(s->o->profile));
		if (req_end(s, &w3) != 0 ||
		    soap_call(s, PATH_SS, NS_SS, "GetCookie", &req, &r) != 0) {
			buf_free(&req);
			return -1;
		}
		buf_free(&req);
		ck = result_of(r, "GetCookie");
		if (soap_child_text(ck, "EncryptedData") == NULL ||
		    strlen(soap_child_text(ck, "EncryptedData")) > COOKIE_TEXT_MAX) {
			seterr(s, "GetCookie: no usable cookie");
			soap_request_free(r);
			return -1;
		}
		free(s->ck_exp);
		free(s->ck_data);
		s->ck_exp = sdup(soap_child_text(ck, "Expiration"));
		s->ck_data = sdup(soap_child_text(ck, "EncryptedData"));
		{
			struct soap_datetime dt;

			/* An expiration already past by our clock (clocks
			 * differ): rely on the InvalidCookie fault instead. */
			s->ck_expires = soap_node_datetime(soap_child(ck,
			    "Expiration"), &dt) == 0 &&
			    dt.sec > (int64_t)time(NULL) + 2 * COOKIE_RENEW_SECS ?
			    dt.sec : 0;
		}
		soap_request_free(r);
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Metadata                                                           */
/* ---------------------------------------------------------------- */

static int
do_config(struct sess *s)
{
	struct buf req;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res;
	char *anchor = setting(s, SETTING_SYNC_CONFIG_ANCHOR);
	const char *na, *pv;
	int32_t batch;
	int rc = -1;

	buf_init(&req, REQ_MAX);
	req_begin(&w, &req, NS_SS, "GetConfigData");
	put_cookie(s, &w);
	if (anchor != NULL)
		xmlw_elem(&w, "configAnchor", anchor);
	if (req_end(s, &w) != 0 ||
	    soap_call(s, PATH_SS, NS_SS, "GetConfigData", &req, &r) != 0)
		goto out;
	res = result_of(r, "GetConfigData");
	if (soap_node_int32(soap_child(res, "MaxNumberOfUpdatesPerRequest"),
	    &batch) != 0 || batch < 1) {
		seterr(s, "GetConfigData: no usable MaxNumberOfUpdatesPerRequest");
		goto out;
	}
	s->batch = batch > SYNC_BATCH_MAX ? SYNC_BATCH_MAX : batch;
	na = soap_child_text(res, "NewConfigAnchor");
	pv = soap_child_text(res, "ProtocolVersion");
	if (na == NULL || strlen(na) > 256) {
		seterr(s, "GetConfigData: no NewConfigAnchor");
		goto out;
	}
	snprintf(s->res->upstream_version, sizeof(s->res->upstream_version),
	    "%s", pv ? pv : "");
	s->up_major = 1;
	s->up_minor = 3;
	if (pv != NULL) {
		unsigned ma, mi;

		if (sscanf(pv, "%u.%u", &ma, &mi) == 2 && ma < 65536 &&
		    mi < 65536) {
			s->up_major = (uint16_t)ma;
			s->up_minor = (uint16_t)mi;
		}
	}
	if (s->up_major != 1) {
		seterr(s, "GetConfigData: upstream protocol %s is not 1.x", pv);
		goto out;
	}
	if (setting_put(s, SETTING_SYNC_CONFIG_ANCHOR, na) != 0)
		goto out;
	rc = 0;
out:
	soap_request_free(r);
	buf_free(&req);
	free(anchor);
	return rc;
}

static int
rev_push(struct revlist *l, const char *uid, int32_t rev)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 1024;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	memcpy(l->v[l->n].uid, uid, GUID_STRLEN + 1);
	l->v[l->n].rev = rev;
	l->n++;
	return 0;
}

/* Was id in the stored filter of the last run (then Delta = true)? */
static bool
in_old_filter(const char *old, const char *id)
{
	const char *p;
	size_t n = strlen(id);

	if (old == NULL)
		return false;
	for (p = old; (p = strcasestr(p, id)) != NULL; p += n)
		if ((p == old || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void
put_idlist(struct xmlw *w, const char *name, const char *const *ids,
    size_t n, bool have_anchor, const char *old)
{
	size_t i;

	xmlw_start(w, name);
	for (i = 0; i < n; i++) {
		xmlw_start(w, "IdAndDelta");
		xmlw_elem(w, "Id", ids[i]);
		xmlw_elem_bool(w, "Delta", have_anchor &&
		    in_old_filter(old, ids[i]));
		xmlw_end(w);
	}
	xmlw_end(w);
}

/*
 * GetRevisionIdList; the new anchor goes to *new_anchor (caller frees),
 * kept by the caller until the phase committed.
 */
static int
do_revlist(struct sess *s, bool config, const char *anchor,
    struct revlist *out, char **new_anchor)
{
	struct buf req;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res, *ui;
	const char *a;
	char *old = NULL;
	int rc = -1;

	*new_anchor = NULL;
	buf_init(&req, REQ_MAX);
	req_begin(&w, &req, NS_SS, "GetRevisionIdList");
	put_cookie(s, &w);
	xmlw_start(&w, "filter");
	if (anchor != NULL)
		xmlw_elem(&w, "Anchor", anchor);
	xmlw_elem_bool(&w, "GetConfig", config);
	xmlw_elem_bool(&w, "Get63LanguageOnly", false);
	if (!config && (s->o->nproducts > 0 || s->o->nclassifications > 0)) {
		old = setting(s, SETTING_SYNC_FILTER);
		put_idlist(&w, "Categories", s->o->products, s->o->nproducts,
		    anchor != NULL, old);
		put_idlist(&w, "Classifications", s->o->classifications,
		    s->o->nclassifications, anchor != NULL, old);
	}
	xmlw_end(&w);
	if (req_end(s, &w) != 0 ||
	    soap_call(s, PATH_SS, NS_SS, "GetRevisionIdList", &req, &r) != 0)
		goto out;
	res = result_of(r, "GetRevisionIdList");
	a = soap_child_text(res, "Anchor");
	if (a == NULL || a[0] == '\0' || strlen(a) > 256) {
		seterr(s, "GetRevisionIdList: no Anchor");
		goto out;
	}
	SOAP_FOREACH_CHILD(ui, soap_child(res, "NewRevisions"), "UpdateIdentity") {
		char g[SOAP_GUID_STRLEN];
		int32_t rv;

		if (soap_node_guid(soap_child(ui, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(ui, "RevisionNumber"), &rv) != 0) {
			seterr(s, "GetRevisionIdList: bad UpdateIdentity (line %lu)",
			    ui->line);
			goto out;
		}
		if (rev_push(out, g, rv) != 0) {
			seterr(s, "out of memory");
			goto out;
		}
	}
	*new_anchor = sdup(a);
	rc = 0;
out:
	free(old);
	soap_request_free(r);
	buf_free(&req);
	return rc;
}

static int
import_doc(struct sess *s, const void *p, size_t n, const struct rev *want)
{
	struct update_ref id;
	bool created = false;
	char e[256];

	s->res->fetched++;
	if (s->st == NULL)
		return 0;
	if (import_update_blob(s->st, p, n, &id, &created, e, sizeof(e)) != 0) {
		s->res->failed++;
		log_warnx("sync: %s rev %d rejected: %s", want->uid, want->rev, e);
		return 0;
	}
	if (strcasecmp(id.update_id, want->uid) != 0 ||
	    id.revision != want->rev)
		log_warnx("sync: asked for %s/%d, document is %s/%d", want->uid,
		    want->rev, id.update_id, id.revision);
	if (created)
		s->res->created++;
	else
		s->res->present++;
	return 0;
}

static int
do_updatedata(struct sess *s, const struct rev *ids, size_t n)
{
	struct buf req;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res, *ud;
	uint8_t *bin = NULL;
	size_t i, got = 0;
	int rc = -1;

	buf_init(&req, REQ_MAX);
	req_begin(&w, &req, NS_SS, "GetUpdateData");
	put_cookie(s, &w);
	xmlw_start(&w, "updateIds");
	for (i = 0; i < n; i++) {
		xmlw_start(&w, "UpdateIdentity");
		xmlw_elem(&w, "UpdateID", ids[i].uid);
		xmlw_elem_int(&w, "RevisionNumber", ids[i].rev);
		xmlw_end(&w);
	}
	xmlw_end(&w);
	if (req_end(s, &w) != 0 ||
	    soap_call(s, PATH_SS, NS_SS, "GetUpdateData", &req, &r) != 0)
		goto out;
	res = result_of(r, "GetUpdateData");
	SOAP_FOREACH_CHILD(ud, soap_child(res, "updates"), "ServerSyncUpdateData") {
		const struct soap_node *x = soap_child(ud, "XmlUpdateBlob");
		const struct soap_node *c = soap_child(ud, "XmlUpdateBlobCompressed");
		const struct soap_node *id = soap_child(ud, "Id");
		struct rev want;
		char g[SOAP_GUID_STRLEN];

		if (soap_node_guid(soap_child(id, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(id, "RevisionNumber"), &want.rev) != 0) {
			seterr(s, "GetUpdateData: item without a valid Id");
			goto out;
		}
		memcpy(want.uid, g, sizeof(want.uid));
		if (c != NULL && c->text_len > 0) {
			size_t cap = soap_base64_maxlen(c->text_len), blen = 0;

			free(bin);
			bin = xmalloc(cap ? cap : 1);
			if (soap_node_base64(c, bin, cap, &blen) != 0) {
				seterr(s, "GetUpdateData: %s/%d: bad base64",
				    want.uid, want.rev);
				goto out;
			}
			import_doc(s, bin, blen, &want);
		} else if (x != NULL && x->text_len > 0) {
			import_doc(s, x->text, x->text_len, &want);
		} else {
			seterr(s, "GetUpdateData: %s/%d carries no document",
			    want.uid, want.rev);
			goto out;
		}
		got++;
	}
	if (got != n) {
		seterr(s, "GetUpdateData: asked for %zu documents, got %zu", n, got);
		goto out;
	}
	rc = 0;
out:
	free(bin);
	soap_request_free(r);
	buf_free(&req);
	return rc;
}

/* Authenticate again (new authorization and session cookies). */
static int
renew(struct sess *s)
{
	if (++s->reauths > SYNC_REAUTH_MAX) {
		seterr(s, "the upstream keeps refusing our cookies");
		return -1;
	}
	log_info("sync: renewing the session cookie");
	return do_auth(s);
}

/* Fetch the revisions of l that the store does not have, in batches. */
static int
fetch_all(struct sess *s, const struct revlist *l)
{
	struct rev *need;
	size_t i, n = 0, off;

	need = xreallocarray(NULL, l->n ? l->n : 1, sizeof(*need));
	for (i = 0; i < l->n; i++) {
		int64_t rid;

		if (s->st != NULL && store_revision_lookup(s->st, l->v[i].uid,
		    l->v[i].rev, &rid) == STORE_OK) {
			s->res->present++;
			continue;
		}
		need[n++] = l->v[i];
	}
	for (off = 0; off < n; off += (size_t)s->batch) {
		size_t k = n - off < (size_t)s->batch ? n - off : (size_t)s->batch;

		/* Renew the session cookie before it expires (long runs). */
		if (s->ck_expires > 0 &&
		    (int64_t)time(NULL) > s->ck_expires - COOKIE_RENEW_SECS &&
		    renew(s) != 0) {
			free(need);
			return -1;
		}
		if (do_updatedata(s, need + off, k) == 0)
			continue;
		/* A cookie the upstream no longer takes: renew, once per batch. */
		if ((strcmp(s->fault, "InvalidCookie") != 0 &&
		    strcmp(s->fault, "CookieExpired") != 0) || renew(s) != 0 ||
		    do_updatedata(s, need + off, k) != 0) {
			free(need);
			return -1;
		}
	}
	free(need);
	return 0;
}

static int
do_metadata(struct sess *s)
{
	struct revlist l = { 0 };
	char *anchor = NULL, *na = NULL;
	int rc = -1;
	struct buf f;
	size_t i;

	/* Categories, classifications, detectoids first. */
	anchor = setting(s, SETTING_SYNC_CAT_ANCHOR);
	if (do_revlist(s, true, anchor, &l, &na) != 0)
		goto out;
	s->res->category_revisions = l.n;
	if (fetch_all(s, &l) != 0)
		goto out;
	if (s->res->failed == 0 &&
	    setting_put(s, SETTING_SYNC_CAT_ANCHOR, na) != 0)
		goto out;
	free(anchor);
	free(na);
	anchor = na = NULL;
	l.n = 0;

	/* Then the updates. */
	anchor = setting(s, SETTING_SYNC_UPD_ANCHOR);
	if (do_revlist(s, false, anchor, &l, &na) != 0)
		goto out;
	s->res->update_revisions = l.n;
	if (fetch_all(s, &l) != 0)
		goto out;
	if (s->res->failed != 0) {
		seterr(s, "%zu documents were rejected; anchors not advanced",
		    s->res->failed);
		goto out;
	}
	buf_init(&f, 1u << 20);
	for (i = 0; i < s->o->nproducts; i++)
		buf_printf(&f, "%s%s", f.len ? " " : "", s->o->products[i]);
	for (i = 0; i < s->o->nclassifications; i++)
		buf_printf(&f, "%s%s", f.len ? " " : "", s->o->classifications[i]);
	if (setting_put(s, SETTING_SYNC_UPD_ANCHOR, na) != 0 ||
	    setting_put(s, SETTING_SYNC_FILTER, f.data ? f.data : "") != 0) {
		buf_free(&f);
		goto out;
	}
	buf_free(&f);
	rc = 0;
out:
	free(l.v);
	free(anchor);
	free(na);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Replica: groups and approvals                                      */
/* ---------------------------------------------------------------- */

struct lgroup {
	int64_t	 id;
	char	 guid[GUID_STRLEN + 1];
	char	*name;
	int64_t	 parent;
	bool	 builtin;
};

struct lgroups {
	struct lgroup	*v;
	size_t		 n, cap;
};

static int
lgroup_cb(const struct store_group *g, void *arg)
{
	struct lgroups *l = arg;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	l->v[l->n].id = g->id;
	memcpy(l->v[l->n].guid, g->guid, sizeof(l->v[l->n].guid));
	l->v[l->n].name = sdup(g->name);
	l->v[l->n].parent = g->parent_id;
	l->v[l->n].builtin = g->builtin;
	l->n++;
	return 0;
}

static void
lgroups_free(struct lgroups *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
lgroups_load(struct sess *s, struct lgroups *l)
{
	lgroups_free(l);
	if (store_group_list(s->st, lgroup_cb, l) != STORE_OK) {
		seterr(s, "listing groups: %s", store_errmsg(s->st));
		return -1;
	}
	return 0;
}

/* Upstream group GUID -> local id, through builtin GUIDs or names. */
struct upgroup {
	char	 guid[GUID_STRLEN + 1];
	char	 parent[GUID_STRLEN + 1];
	const char *name;
	bool	 builtin;
	int64_t	 local;
};

static int64_t
local_for(const struct upgroup *u, size_t n, const char *guid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(u[i].guid, guid) == 0)
			return u[i].local;
	return 0;
}

struct declined_ctx {
	char	(*v)[GUID_STRLEN + 1];
	size_t	 n, cap;
};

static int
declined_cb(const struct store_update_row *u, void *arg)
{
	struct declined_ctx *d = arg;

	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 64;

		d->v = xreallocarray(d->v, nc, sizeof(*d->v));
		d->cap = nc;
	}
	memcpy(d->v[d->n++], u->update_id, GUID_STRLEN + 1);
	return 0;
}

static int
do_deployments(struct sess *s)
{
	struct buf req, map;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res, *g, *d, *x;
	struct upgroup *ug = NULL;
	struct lgroups lg = { 0 };
	struct declined_ctx dc = { 0 };
	char *danchor = setting(s, SETTING_SYNC_DEPL_ANCHOR);
	char *sanchor = setting(s, SETTING_SYNC_UPD_ANCHOR);
	char *oldmap = setting(s, SETTING_SYNC_DEPLOYMENTS);
	const char *na;
	size_t nug = 0, i, j;
	int rc = -1, progress;

	buf_init(&req, REQ_MAX);
	buf_init(&map, 64u * 1024 * 1024);
	if (sanchor == NULL) {
		seterr(s, "GetDeployments: no sync anchor (metadata sync first)");
		goto out;
	}
	req_begin(&w, &req, NS_SS, "GetDeployments");
	put_cookie(s, &w);
	if (danchor != NULL)
		xmlw_elem(&w, "deploymentAnchor", danchor);
	xmlw_elem(&w, "syncAnchor", sanchor);
	if (req_end(s, &w) != 0 ||
	    soap_call(s, PATH_SS, NS_SS, "GetDeployments", &req, &r) != 0)
		goto out;
	res = result_of(r, "GetDeployments");
	na = soap_child_text(res, "Anchor");
	if (res == NULL || na == NULL || strlen(na) > 256) {
		seterr(s, "GetDeployments: no Anchor");
		goto out;
	}
	if (s->st == NULL) {
		rc = 0;
		goto out;
	}

	/* Groups: every upstream group, mapped to a local one. */
	nug = soap_count_children(soap_child(res, "Groups"), "ServerSyncTargetGroup");
	ug = xcalloc(nug ? nug : 1, sizeof(*ug));
	i = 0;
	SOAP_FOREACH_CHILD(g, soap_child(res, "Groups"), "ServerSyncTargetGroup") {
		char a[SOAP_GUID_STRLEN], b[SOAP_GUID_STRLEN];
		int bi = 0;

		if (soap_node_guid(soap_child(g, "TargetGroupID"), a) != 0 ||
		    soap_node_guid(soap_child(g, "ParentGroupId"), b) != 0 ||
		    soap_child_text(g, "Name") == NULL ||
		    strlen(soap_child_text(g, "Name")) > GROUP_NAME_MAX) {
			seterr(s, "GetDeployments: bad ServerSyncTargetGroup");
			goto out;
		}
		soap_node_bool(soap_child(g, "IsBuiltin"), &bi);
		memcpy(ug[i].guid, a, sizeof(ug[i].guid));
		memcpy(ug[i].parent, b, sizeof(ug[i].parent));
		ug[i].name = soap_child_text(g, "Name");
		ug[i].builtin = bi != 0;
		i++;
	}
	s->res->groups = nug;
	if (lgroups_load(s, &lg) != 0)
		goto out;
	for (i = 0; i < nug; i++)		/* builtins by GUID */
		for (j = 0; j < lg.n; j++)
			if (lg.v[j].builtin && strcmp(lg.v[j].guid, ug[i].guid) == 0)
				ug[i].local = lg.v[j].id;
	do {					/* parents before children */
		progress = 0;
		for (i = 0; i < nug; i++) {
			int64_t parent, id = 0;

			if (ug[i].local != 0)
				continue;
			if ((parent = local_for(ug, nug, ug[i].parent)) == 0)
				continue;
			if (store_group_find(s->st, ug[i].name, &id) == STORE_OK) {
				for (j = 0; j < lg.n; j++)
					if (lg.v[j].id == id && lg.v[j].parent != parent)
						store_group_move(s->st, id, parent);
			} else if (store_group_create(s->st, ug[i].name, parent,
			    &id) != STORE_OK) {
				seterr(s, "creating group %s: %s", ug[i].name,
				    store_errmsg(s->st));
				goto out;
			}
			ug[i].local = id;
			progress = 1;
		}
	} while (progress);
	if (lgroups_load(s, &lg) != 0)
		goto out;
	for (j = 0; j < lg.n; j++) {		/* groups the upstream no longer has */
		bool keep = lg.v[j].builtin;

		for (i = 0; i < nug && !keep; i++)
			keep = ug[i].local == lg.v[j].id;
		if (!keep && store_group_delete(s->st, lg.v[j].id) != STORE_OK)
			log_warnx("sync: removing group %s: %s", lg.v[j].name,
			    store_errmsg(s->st));
	}

	/* Dead deployments: through the map of what we applied. */
	if (oldmap != NULL) {
		char *line, *nl;

		for (line = oldmap; line != NULL && *line != '\0';
		    line = nl != NULL ? nl + 1 : NULL) {
			char dg[GUID_STRLEN + 1], uid[GUID_STRLEN + 1],
			    gg[GUID_STRLEN + 1];
			bool dead = false, group_gone;
			int64_t lid;

			if ((nl = strchr(line, '\n')) != NULL)
				*nl = '\0';
			if (sscanf(line, "%36s %36s %36s", dg, uid, gg) != 3)
				continue;
			SOAP_FOREACH_CHILD(x, soap_child(res, "DeadDeployments"), "guid") {
				char t[SOAP_GUID_STRLEN];

				if (soap_node_guid(x, t) == 0 && strcmp(t, dg) == 0)
					dead = true;
			}
			lid = local_for(ug, nug, gg);
			group_gone = lid == 0;
			if (dead || group_gone) {
				if (!group_gone) {
					int e = store_unapprove(s->st, uid, lid);

					if (e != STORE_OK && e != STORE_NOTFOUND)
						log_warnx("sync: unapprove %s: %s",
						    uid, store_errmsg(s->st));
					else
						s->res->approvals_removed++;
				}
				continue;
			}
			buf_printf(&map, "%s %s %s\n", dg, uid, gg);
		}
	}

	/* New or changed deployments. */
	SOAP_FOREACH_CHILD(d, soap_child(res, "Deployments"), "ServerSyncDeployment") {
		char uid[SOAP_GUID_STRLEN], dg[SOAP_GUID_STRLEN], tg[SOAP_GUID_STRLEN];
		struct soap_datetime dl;
		int32_t action;
		int64_t lid, deadline = 0, did;
		enum approval_action aa;

		if (soap_node_guid(soap_child(d, "UpdateId"), uid) != 0 ||
		    soap_node_guid(soap_child(d, "DeploymentGuid"), dg) != 0 ||
		    soap_node_guid(soap_child(d, "TargetGroupId"), tg) != 0 ||
		    soap_node_int32(soap_child(d, "Action"), &action) != 0) {
			seterr(s, "GetDeployments: bad ServerSyncDeployment");
			goto out;
		}
		if (soap_node_datetime(soap_child(d, "Deadline"), &dl) == 0 &&
		    dl.sec < 253402300000LL - 86400 * 365)
			deadline = dl.sec;
		if ((lid = local_for(ug, nug, tg)) == 0) {
			log_warnx("sync: deployment %s names unknown group %s", dg, tg);
			continue;
		}
		switch (action) {
		case 0: aa = APPROVAL_INSTALL; break;
		case 1: aa = APPROVAL_UNINSTALL; break;
		case 3: aa = APPROVAL_NOT_APPROVED; break;
		default: continue;	/* scan for presence: nothing local */
		}
		if (store_approve(s->st, uid, lid, aa, deadline,
		    soap_child_text(d, "AdminName") ? soap_child_text(d, "AdminName") : "",
		    &did) != STORE_OK) {
			log_warnx("sync: approving %s: %s", uid, store_errmsg(s->st));
			continue;
		}
		s->res->approvals_set++;
		buf_printf(&map, "%s %s %s\n", dg, uid, tg);
	}

	/* Hidden (declined) updates: the full list. */
	{
		struct store_update_filter f;

		memset(&f, 0, sizeof(f));
		f.type = -1;
		f.approval = APPROVAL_FILTER_DECLINED;
		store_update_list(s->st, &f, declined_cb, &dc);
	}
	SOAP_FOREACH_CHILD(x, soap_child(res, "HiddenUpdates"), "guid") {
		char t[SOAP_GUID_STRLEN];

		if (soap_node_guid(x, t) != 0)
			continue;
		for (i = 0; i < dc.n; i++)
			if (strcmp(dc.v[i], t) == 0)
				dc.v[i][0] = '\0';	/* stays declined */
		if (store_decline(s->st, t, true) == STORE_OK)
			s->res->declined++;
	}
	for (i = 0; i < dc.n; i++)
		if (dc.v[i][0] != '\0')
			store_decline(s->st, dc.v[i], false);

	if (map.failed) {
		seterr(s, "deployment map too large");
		goto out;
	}
	if (setting_put(s, SETTING_SYNC_DEPLOYMENTS, map.data ? map.data : "") != 0 ||
	    setting_put(s, SETTING_SYNC_DEPL_ANCHOR, na) != 0)
		goto out;
	rc = 0;
out:
	free(dc.v);
	lgroups_free(&lg);
	free(ug);
	soap_request_free(r);
	buf_free(&req);
	buf_free(&map);
	free(danchor);
	free(sanchor);
	free(oldmap);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Rollup                                                             */
/* ---------------------------------------------------------------- */

static void
put_time(struct xmlw *w, const char *name, int64_t t)
{
	struct soap_datetime dt;

	if (t <= 0) {
		xmlw_elem(w, name, NEVER_TIME);
		return;
	}
	soap_datetime_from_unix(t, 0, &dt);
	xmlw_elem_datetime(w, name, &dt);
}

static void
fmt_time(char out[SOAP_DATETIME_MAX], int64_t t)
{
	struct soap_datetime dt;

	if (t <= 0) {
		snprintf(out, SOAP_DATETIME_MAX, "%s", NEVER_TIME);
		return;
	}
	soap_datetime_from_unix(t, 0, &dt);
	soap_format_datetime(&dt, out);
}

struct comp {
	char	*cid, *dns, *ip, *os_locale, *arch, *make, *model, *desc;
	char	*bios_version, *bios_name, *client_version, *claim;
	int64_t	 bios_date;
	int32_t	 os_major, os_minor, os_build, sp_major, sp_minor;
	int64_t	 last_sync, last_status, last_contact;
	int	 counts[UPDATE_STATE_COUNT];
};

struct comps {
	struct comp	*v;
	size_t		 n, cap;
};

static char *
dupn(const char *p)
{
	return p != NULL ? sdup(p) : NULL;
}

static int
comp_cb(const struct store_computer *c, void *arg)
{
	struct comps *l = arg;
	struct comp *x;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->cid = dupn(c->client_id);
	x->dns = dupn(c->dns_name);
	x->ip = dupn(c->ip_address);
	x->os_locale = dupn(c->os_locale);
	x->arch = dupn(c->processor_arch);
	x->make = dupn(c->manufacturer);
	x->model = dupn(c->model);
	x->desc = dupn(c->os_description);
	x->bios_version = dupn(c->bios_version);
	x->bios_name = dupn(c->bios_name);
	x->client_version = dupn(c->client_version);
	x->claim = dupn(c->target_claim);
	x->bios_date = c->bios_release_date;
	x->os_major = c->os_major;
	x->os_minor = c->os_minor;
	x->os_build = c->os_build;
	x->sp_major = c->sp_major;
	x->sp_minor = c->sp_minor;
	x->last_sync = c->last_sync;
	x->last_status = c->last_status;
	x->last_contact = c->last_contact;
	memcpy(x->counts, c->counts, sizeof(x->counts));
	return 0;
}

static void
comps_free(struct comps *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].cid);
		free(l->v[i].dns);
		free(l->v[i].ip);
		free(l->v[i].os_locale);
		free(l->v[i].arch);
		free(l->v[i].make);
		free(l->v[i].model);
		free(l->v[i].desc);
		free(l->v[i].bios_version);
		free(l->v[i].bios_name);
		free(l->v[i].client_version);
		free(l->v[i].claim);
	}
	free(l->v);
}

static void
attr_str(struct xmlw *w, const char *name, const char *v, size_t max)
{
	if (v != NULL && v[0] != '\0')
		xmlw_attrn(w, name, v, strlen(v) > max ? max : strlen(v));
}

static void
attr_int(struct xmlw *w, const char *name, long long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%lld", v);
	xmlw_attr(w, name, t);
}

struct statusrows {
	struct buf	*b;
	struct xmlw	*w;
	size_t		 n;
};

static int
status_cb(const struct store_update_status *u, void *arg)
{
	struct statusrows *sr = arg;

	if (!u->stored)
		return 0;
	xmlw_start(sr->w, "ComputerStatusRollupUpdateStatus");
	xmlw_elem(sr->w, "UpdateId", u->update_id);
	xmlw_elem_int(sr->w, "SummarizationState", (long long)u->state);
	put_time(sr->w, "LastChangeTime", u->changed);
	xmlw_end(sr->w);
	sr->n++;
	return 0;
}

static bool
str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/*
 * One DownstreamServerRollupClientSummary per kind of computer (OS
 * version, service pack, locale, architecture) with its count.  No
 * install activity: the store keeps no per-rollup deltas yet.
 */
static void
put_client_summaries(struct xmlw *w, const struct comps *cl)
{
	size_t i, k;

	xmlw_start(w, "ClientSummaries");
	for (i = 0; i < cl->n; i++) {
		const struct comp *c = &cl->v[i];
		long long count = 0;
		bool seen = false;

		for (k = 0; k < i && !seen; k++) {
			const struct comp *o = &cl->v[k];

			seen = o->os_major == c->os_major &&
			    o->os_minor == c->os_minor &&
			    o->os_build == c->os_build &&
			    o->sp_major == c->sp_major &&
			    o->sp_minor == c->sp_minor &&
			    str_eq(o->os_locale, c->os_locale) &&
			    str_eq(o->arch, c->arch);
		}
		if (seen)
			continue;
		for (k = i; k < cl->n; k++) {
			const struct comp *o = &cl->v[k];

			if (o->os_major == c->os_major &&
			    o->os_minor == c->os_minor &&
			    o->os_build == c->os_build &&
			    o->sp_major == c->sp_major &&
			    o->sp_minor == c->sp_minor &&
			    str_eq(o->os_locale, c->os_locale) &&
			    str_eq(o->arch, c->arch))
				count++;
		}
		xmlw_start(w, "DownstreamServerRollupClientSummary");
		xmlw_elem_int(w, "OSMajorVersion", c->os_major);
		xmlw_elem_int(w, "OSMinorVersion", c->os_minor);
		xmlw_elem_int(w, "OSBuildNumber", c->os_build);
		xmlw_elem_int(w, "OSServicePackMajorNumber", c->sp_major);
		xmlw_elem_int(w, "OSServicePackMinorNumber", c->sp_minor);
		xmlw_elem(w, "OSLocale", c->os_locale ? c->os_locale : "");
		xmlw_elem_int(w, "SuiteMask", 0);
		xmlw_elem_int(w, "OldProductType", 0);
		xmlw_elem_int(w, "NewProductType", 0);
		xmlw_elem_int(w, "SystemMetrics", 0);
		xmlw_elem(w, "ProcessorArchitecture", c->arch ? c->arch : "");
		xmlw_elem_int(w, "Count", count);
		xmlw_start(w, "ActivitySummaries");
		xmlw_end(w);
		xmlw_end(w);
	}
	xmlw_end(w);
}

/* The computer's groups (GUIDs) and the group names it asked for. */
static void
put_computer_groups(struct sess *s, struct xmlw *w, const struct comp *c)
{
	struct store_group_ref g[COMPUTER_GROUPS_MAX];
	size_t n = 0, i;

	xmlw_start(w, "TargetGroupIdList");
	if (store_computer_groups(s->st, c->cid, g, COMPUTER_GROUPS_MAX, &n,
	    NULL) == STORE_OK)
		for (i = 0; i < n && i < COMPUTER_GROUPS_MAX; i++)
			xmlw_elem(w, "guid", g[i].guid);
	xmlw_end(w);
	xmlw_start(w, "RequestedTargetGroupNames");
	if (c->claim != NULL) {
		const char *p = c->claim;

		while (*p != '\0') {
			size_t len = strcspn(p, ";,");
			const char *e = p + len;

			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e > p && e - p <= 256) {
				xmlw_start(w, "string");
				xmlw_text(w, p, (size_t)(e - p));
				xmlw_end(w);
			}
			p += len;
			if (*p != '\0')
				p++;
		}
	}
	xmlw_end(w);
}

static int
do_rollup(struct sess *s)
{
	struct buf req;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res;
	struct comps cl = { 0 };
	char *reset = NULL, *numtxt = NULL, t[SOAP_DATETIME_MAX];
	char upid[SOAP_GUID_STRLEN], rg[SOAP_GUID_STRLEN];
	int detailed = 0, rc = -1;
	int32_t maxc = 0, maxs = 0;
	size_t i, off, nupd = 0, napproved = 0, ndeclined = 0;
	int64_t now = (int64_t)time(NULL), number = 0, lastsync = 0;
	char *ls;

	buf_init(&req, REQ_MAX);
	req_begin(&w, &req, NS_SS, "GetRollupConfiguration");
	put_dummy_cookie(&w);
	if (req_end(s, &w) != 0)
		goto out;
	if (soap_call(s, PATH_REP, NS_SS, "GetRollupConfiguration", &req, &r) != 0) {
		/* An upstream that does not take rollups: only this step stops
		 * (wsusss.md §11). */
		if (s->fault[0] != '\0') {
			log_warnx("sync: no rollup: %s", s->err);
			s->err[0] = '\0';
			rc = 0;
		}
		goto out;
	}
	res = result_of(r, "GetRollupConfiguration");
	if (res == NULL || soap_node_bool(soap_child(res, "DoDetailedRollup"),
	    &detailed) != 0) {
		seterr(s, "GetRollupConfiguration: no DoDetailedRollup");
		goto out;
	}
	if (soap_node_guid(soap_child(res, "ServerId"), upid) != 0)
		snprintf(upid, sizeof(upid), "%s", ZERO_GUID);
	if (soap_node_guid(soap_child(res, "RollupResetGuid"), rg) != 0)
		rg[0] = '\0';
	soap_node_int32(soap_child(res, "RollupComputersMaxBatchSize"), &maxc);
	soap_node_int32(soap_child(res, "RollupComputerStatusMaxBatchSize"), &maxs);
	if (maxc <= 0 || maxc > 100000)
		maxc = 1500;
	if (maxs <= 0 || maxs > 100000)
		maxs = 500;
	soap_request_free(r);
	r = NULL;

	/* Local numbers for the server summary. */
	if (s->st != NULL) {
		size_t revs = 0;
		struct store_update_filter f;
		struct declined_ctx dc = { 0 };

		store_update_count(s->st, &revs, &nupd);
		memset(&f, 0, sizeof(f));
		f.type = -1;
		f.approval = APPROVAL_FILTER_DECLINED;
		store_update_list(s->st, &f, declined_cb, &dc);
		ndeclined = dc.n;
		dc.n = 0;
		f.approval = APPROVAL_FILTER_APPROVED;
		store_update_list(s->st, &f, declined_cb, &dc);
		napproved = dc.n;
		free(dc.v);
		memset(&f, 0, sizeof(f));
		store_computer_list(s->st, NULL, comp_cb, &cl);
		reset = setting(s, SETTING_SYNC_ROLLUP_RESET);
		numtxt = setting(s, SETTING_SYNC_ROLLUP_NUMBER);
		if (numtxt != NULL)
			number = strtoll(numtxt, NULL, 10);
		if (reset == NULL || strcmp(reset, rg) != 0)
			number = 0;	/* new reset GUID: full rollup */
		if ((ls = setting(s, SETTING_SYNC_LAST)) != NULL) {
			lastsync = strtoll(ls, NULL, 10);
			free(ls);
		}
	}
	if (lastsync == 0)
		lastsync = now;

	/* RollupDownstreamServers: ourselves. */
	req_begin(&w, &req, NS_SS, "RollupDownstreamServers");
	put_dummy_cookie(&w);
	put_time(&w, "clientTime", now);
	xmlw_start(&w, "downstreamServers");
	xmlw_start(&w, "DownstreamServerRollupInfo");
	xmlw_elem(&w, "ServerId", s->account_guid);
	xmlw_elem(&w, "FullDomainName", s->account);
	put_time(&w, "LastSyncTime", lastsync);
	xmlw_elem(&w, "ParentServerId", ZERO_GUID);
	xmlw_elem(&w, "Version", s->o->profile == SYNC_PROFILE_WSUS3SP2 ?
	    "3.2.7600.256" : "10.0.17763.1");
	xmlw_elem_bool(&w, "IsReplica", s->o->replica);
	put_time(&w, "LastRollupTime", now);
	xmlw_start(&w, "ServerSummary");
	{
		static const char *const names[] = {
			"UpdateCount", "DeclinedUpdateCount", "ApprovedUpdateCount",
			"NotApprovedUpdateCount", "UpdatesWithStaleUpdateApprovalsCount",
			"ExpiredUpdateCount",
			"CriticalOrSecurityUpdatesNotApprovedForInstallCount",
			"WsusInfrastructureUpdatesNotApprovedForInstallCount",
			"UpdatesWithClientErrorsCount", "UpdatesWithServerErrorsCount",
			"UpdatesNeedingFilesCount", "UpdatesNeededByComputersCount",
			"UpdatesUpToDateCount", "CustomComputerTargetGroupCount",
			"ComputerTargetCount", "ComputerTargetsNeedingUpdatesCount",
			"ComputerTargetsWithUpdateErrorsCount", "ComputersUpToDateCount",
		};
		long long v[18] = { 0 };
		size_t k;

		v[0] = (long long)nupd;
		v[1] = (long long)ndeclined;
		v[2] = (long long)napproved;
		v[3] = (long long)(nupd > napproved + ndeclined ?
		    nupd - napproved - ndeclined : 0);
		v[14] = (long long)cl.n;
		for (i = 0; i < cl.n; i++) {
			if (cl.v[i].counts[UPDATE_STATE_NEEDED] +
			    cl.v[i].counts[UPDATE_STATE_DOWNLOADED] > 0)
				v[15]++;
			else if (cl.v[i].counts[UPDATE_STATE_FAILED] > 0)
				v[16]++;
			else
				v[17]++;
			if (cl.v[i].counts[UPDATE_STATE_FAILED] > 0 &&
			    cl.v[i].counts[UPDATE_STATE_NEEDED] +
			    cl.v[i].counts[UPDATE_STATE_DOWNLOADED] > 0)
				v[16]++;
		}
		for (k = 0; k < 18; k++)
			xmlw_elem_int(&w, names[k], v[k]);
	}
	xmlw_end(&w);
	put_client_summaries(&w, &cl);
	xmlw_end(&w);
	xmlw_end(&w);
	if (req_end(s, &w) != 0 ||
	    soap_call(s, PATH_REP, NS_SS, "RollupDownstreamServers", &req, &r) != 0)
		goto out;
	soap_request_free(r);
	r = NULL;
	s->res->rolled_up = true;
	if (!detailed || s->st == NULL) {
		rc = 0;
		goto out;
	}

	/* RollupComputers: our computers, with details. */
	for (off = 0; off < cl.n; off += (size_t)maxc) {
		size_t k = cl.n - off < (size_t)maxc ? cl.n - off : (size_t)maxc;

		req_begin(&w, &req, NS_SS, "RollupComputers");
		put_dummy_cookie(&w);
		put_time(&w, "clientTime", now);
		xmlw_start(&w, "computers");
		for (i = off; i < off + k; i++) {
			struct comp *c = &cl.v[i];

			xmlw_start(&w, "ComputerRollupInfo");
			xmlw_attr(&w, "ComputerId", c->cid);
			fmt_time(t, c->last_sync);
			xmlw_attr(&w, "LastSyncTime", t);
			xmlw_attr(&w, "LastSyncResult", c->last_sync > 0 ? "1" : "0");
			xmlw_attr(&w, "LastReportedRebootTime", NEVER_TIME);
			fmt_time(t, c->last_status);
			xmlw_attr(&w, "LastReportedStatusTime", t);
			xmlw_attr(&w, "LastInventoryTime", NEVER_TIME);
			xmlw_attr(&w, "ParentServerId", s->account_guid);
			xmlw_start(&w, "Details");
			attr_str(&w, "IPAddress", c->ip, 64);
			attr_str(&w, "FullDomainName", c->dns, 255);
			attr_int(&w, "OSMajorVersion", c->os_major);
			attr_int(&w, "OSMinorVersion", c->os_minor);
			attr_int(&w, "OSBuildNumber", c->os_build);
			attr_int(&w, "OSServicePackMajorNumber", c->sp_major);
			attr_int(&w, "OSServicePackMinorNumber", c->sp_minor);
			attr_str(&w, "OSLocale", c->os_locale, 32);
			attr_str(&w, "OSDescription", c->desc, 256);
			attr_str(&w, "ComputerMake", c->make, 64);
			attr_str(&w, "ComputerModel", c->model, 64);
			attr_str(&w, "BiosVersion", c->bios_version, 64);
			attr_str(&w, "BiosName", c->bios_name, 64);
			fmt_time(t, c->bios_date);
			xmlw_attr(&w, "BiosReleaseDate", t);
			attr_str(&w, "ProcessorArchitecture", c->arch, 50);
			/* Not kept by the store yet: required, sent as 0. */
			attr_int(&w, "SuiteMask", 0);
			attr_int(&w, "OldProductType", 0);
			attr_int(&w, "NewProductType", 0);
			attr_int(&w, "SystemMetrics", 0);
			attr_str(&w, "ClientVersion", c->client_version, 20);
			put_computer_groups(s, &w, c);
			xmlw_end(&w);
			xmlw_end(&w);
		}
		xmlw_end(&w);
		if (req_end(s, &w) != 0 ||
		    soap_call(s, PATH_REP, NS_SS, "RollupComputers", &req, &r) != 0)
			goto out;
		soap_request_free(r);
		r = NULL;
		s->res->computers_rolled_up += k;
	}

	/* RollupComputerStatus: full status of every computer. */
	number++;
	for (off = 0; off < cl.n; off += (size_t)maxs) {
		size_t k = cl.n - off < (size_t)maxs ? cl.n - off : (size_t)maxs;
		int ok = 0;

		req_begin(&w, &req, NS_SS, "RollupComputerStatus");
		put_dummy_cookie(&w);
		put_time(&w, "clientTime", now);
		xmlw_elem(&w, "parentServerId", s->account_guid);
		xmlw_start(&w, "computers");
		for (i = off; i < off + k; i++) {
			char ig[37];
			int64_t cid;
			struct statusrows sr = { &req, &w, 0 };

			guid_random(ig);
			xmlw_start(&w, "ComputerStatusRollupInfo");
			xmlw_elem(&w, "InstanceId", ig);
			xmlw_elem(&w, "ComputerId", cl.v[i].cid);
			put_time(&w, "EffectiveLastDetectionTime", cl.v[i].last_sync);
			xmlw_elem_int(&w, "RollupNumber", number);
			xmlw_elem_bool(&w, "IsFullRollup", true);
			xmlw_start(&w, "UpdateStatus");
			if (store_computer_find(s->st, cl.v[i].cid, &cid) == STORE_OK ||
			    (cl.v[i].dns && store_computer_find(s->st, cl.v[i].dns,
			    &cid) == STORE_OK))
				store_status_list(s->st, cid, status_cb, &sr);
			xmlw_end(&w);
			xmlw_end(&w);
		}
		xmlw_end(&w);
		if (req_end(s, &w) != 0 ||
		    soap_call(s, PATH_REP, NS_SS, "RollupComputerStatus", &req, &r) != 0)
			goto out;
		res = result_of(r, "RollupComputerStatus");
		if (soap_node_bool(res, &ok) != 0 || !ok) {
			seterr(s, "RollupComputerStatus: upstream busy");
			goto out;
		}
		soap_request_free(r);
		r = NULL;
	}
	{
		char nb[32];

		snprintf(nb, sizeof(nb), "%lld", (long long)number);
		if (setting_put(s, SETTING_SYNC_ROLLUP_NUMBER, nb) != 0 ||
		    setting_put(s, SETTING_SYNC_ROLLUP_RESET, rg) != 0)
			goto out;
	}
	rc = 0;
out:
	comps_free(&cl);
	soap_request_free(r);
	buf_free(&req);
	free(reset);
	free(numtxt);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The run                                                            */
/* ---------------------------------------------------------------- */

static int
identity(struct sess *s)
{
	char *g, *up;

	if (s->o->account_name != NULL)
		snprintf(s->account, sizeof(s->account), "%s", s->o->account_name);
	else if (gethostname(s->account, sizeof(s->account) - 1) != 0)
		snprintf(s->account, sizeof(s->account), "wsusd-downstream");
	s->account[sizeof(s->account) - 1] = '\0';
	if ((g = setting(s, SETTING_SYNC_ACCOUNT)) != NULL &&
	    guid_normalize(g, s->account_guid) == 0) {
		free(g);
	} else {
		free(g);
		g = setting(s, SETTING_SERVER_ID);	/* postinstall's id */
		if (g == NULL || guid_normalize(g, s->account_guid) != 0)
			guid_random(s->account_guid);
		free(g);
		if (setting_put(s, SETTING_SYNC_ACCOUNT, s->account_guid) != 0)
			return -1;
	}
	up = setting(s, SETTING_SYNC_UPSTREAM);
	s->new_upstream = s->st != NULL && (up == NULL || strcmp(up, s->base) != 0);
	free(up);
	return 0;
}

/*
 * Anchors belong to one upstream: once a new upstream has answered
 * (so a mistyped URL changes nothing), start over.
 */
static int
adopt_upstream(struct sess *s)
{
	if (s->new_upstream) {
		static const char *const keys[] = {
			SETTING_SYNC_CONFIG_ANCHOR, SETTING_SYNC_CAT_ANCHOR,
			SETTING_SYNC_UPD_ANCHOR, SETTING_SYNC_FILTER,
			SETTING_SYNC_DEPL_ANCHOR, SETTING_SYNC_DEPLOYMENTS,
			SETTING_SYNC_ROLLUP_NUMBER, SETTING_SYNC_ROLLUP_RESET,
		};
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (setting_put(s, keys[i], "") != 0)
				return -1;
		if (setting_put(s, SETTING_SYNC_UPSTREAM, s->base) != 0)
			return -1;
		s->new_upstream = false;
	}
	return 0;
}

static void
reset_anchors(struct sess *s)
{
	setting_put(s, SETTING_SYNC_CONFIG_ANCHOR, "");
	setting_put(s, SETTING_SYNC_CAT_ANCHOR, "");
	setting_put(s, SETTING_SYNC_UPD_ANCHOR, "");
	setting_put(s, SETTING_SYNC_DEPL_ANCHOR, "");
}

int
sync_run(struct store *st, const struct sync_opts *o, struct sync_result *res,
    char *err, size_t errlen)
{
	struct sess s;
	size_t n;
	int rc = -1, tries;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.res = res;
	s.st = st;
	s.err = err;
	s.errlen = errlen;
	err[0] = '\0';
	if (o->upstream == NULL || (strncmp(o->upstream, "http://", 7) != 0 &&
	    strncmp(o->upstream, "https://", 8) != 0) ||
	    strlen(o->upstream) >= sizeof(s.base)) {
		seterr(&s, "upstream must be an http:// or https:// URL");
		return -1;
	}
	snprintf(s.base, sizeof(s.base), "%s", o->upstream);
	n = strlen(s.base);
	while (n > 0 && s.base[n - 1] == '/')
		s.base[--n] = '\0';
	buf_init(&s.body, o->max_response ? o->max_response :
	    SYNC_MAX_RESPONSE_DEFAULT);
	if (sess_open(&s) != 0)
		goto out;
	if (identity(&s) != 0)
		goto out;
	/* ServerChanged: reset anchors and start over once (§7). */
	for (tries = 0; tries < 2; tries++) {
		if (do_auth(&s) == 0 && adopt_upstream(&s) == 0 &&
		    do_config(&s) == 0 && do_metadata(&s) == 0)
			break;
		if (strcmp(s.fault, "ServerChanged") != 0 || tries > 0)
			goto out;
		log_warnx("sync: upstream says ServerChanged; starting over");
		reset_anchors(&s);
	}
	if (o->replica && do_deployments(&s) != 0)
		goto out;
	if (st != NULL) {
		char t[32];

		snprintf(t, sizeof(t), "%lld", (long long)time(NULL));
		setting_put(&s, SETTING_SYNC_LAST, t);
	}
	if (o->rollup && (s.up_major > 1 || s.up_minor >= 3) &&
	    do_rollup(&s) != 0)
		goto out;
	rc = 0;
	err[0] = '\0';		/* a recovered fault is no error */
out:
	if (s.easy != NULL)
		curl_easy_cleanup(s.easy);
	buf_free(&s.body);
	free(s.auth_data);
	free(s.ck_exp);
	free(s.ck_data);
	return rc;
}
