/*
 * service.c — the MS-WSUSSS upstream services: the operation tables of the
 * Server Sync and DSS authorization services, the request pipeline
 * (read, dispatch, answer or fault), per-thread store handles, the
 * server key, answer and URL helpers the operations share, and the fuzz
 * entry point.  The operations are in op_*.c, their helpers in session.c
 * and common.c, the view of the shared catalog in snapshot.c.  See
 * service.h and docs/WSUSSS.md.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "util/encode.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

/* ---- the operation tables ------------------------------------------- */

static const struct ws_op serversync_ops[] = {
	{ "GetAuthConfig", SOAP_NS_SWDIST, wsusss_op_get_auth_config },
	{ "GetCookie", SOAP_NS_SWDIST, wsusss_op_get_cookie },
	{ "GetConfigData", SOAP_NS_SWDIST, wsusss_op_get_config_data },
	{ "GetRevisionIdList", SOAP_NS_SWDIST, wsusss_op_get_revision_id_list },
	{ "GetUpdateData", SOAP_NS_SWDIST, wsusss_op_get_update_data },
	{ "GetDeployments", SOAP_NS_SWDIST, wsusss_op_get_deployments },
	{ "DownloadFiles", SOAP_NS_SWDIST, wsusss_op_download_files },
	{ "GetRelatedRevisionsForUpdates", SOAP_NS_SWDIST, wsusss_op_get_related },
	{ "Ping", SOAP_NS_MONITOR, wsusss_op_ping },
	{ NULL, NULL, NULL },
};

static const struct ws_op dssauth_ops[] = {
	{ "GetAuthorizationCookie", SOAP_NS_DSSAUTH,
	    wsusss_op_get_authorization_cookie },
	{ "Ping", SOAP_NS_MONITOR, wsusss_op_ping },
	{ NULL, NULL, NULL },
};

static const struct ws_def defs[2] = {
	{ WS_SERVERSYNC, WSUSSS_PATH_SERVERSYNC, SOAP_NS_SWDIST, serversync_ops },
	{ WS_DSSAUTH, WSUSSS_PATH_DSSAUTH, SOAP_NS_DSSAUTH, dssauth_ops },
};

/* ---- faults ------------------------------------------------------------- */

int
ws_fault(struct ws_call *c, enum soap_error_code ec, const char *fmt, ...)
{
	va_list ap;

	if (c->fault != SOAP_EC_NONE)
		return -1;
	c->fault = ec;
	c->fault_msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(c->fault_msg, sizeof(c->fault_msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
service_url(struct ws_call *c, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s://127.0.0.1:%u%s",
	    c->http->listener->tls ? "https" : "http",
	    (unsigned)c->http->listener->port, c->def->path);
}

static int
write_fault(struct ws_call *c)
{
	struct soap_fault f;
	char actor[512], err[160];
	enum soap_version v = c->req != NULL ? c->req->version : SOAP_V11;
	int status;

	buf_reset(&c->out);
	c->out.failed = 0;
	soap_fault_init(&f, SOAP_STYLE_ASMX, v, c->fault);
	/* Message: the parameter name (InvalidParameters, as observed) or
	 * the missing digests (FileDigestsMissing); else empty. */
	if ((c->fault == SOAP_EC_INVALID_PARAMETERS ||
	    c->fault == SOAP_EC_FILE_DIGESTS_MISSING) && c->fault_msg[0] != '\0')
		f.message = c->fault_msg;
	f.method = c->req != NULL ? c->req->action : NULL;
	service_url(c, actor, sizeof(actor));
	f.actor = actor;
	status = soap_fault_write(&f, &c->out, err, sizeof(err));
	if (status < 0)
		log_error("cannot write a fault: %s", err);
	return status;
}

static int
write_unknown_op(struct ws_call *c)
{
	struct soap_fault f;
	char text[512];

	buf_reset(&c->out);
	c->out.failed = 0;
	snprintf(text, sizeof(text), "Server did not recognize the value of "
	    "HTTP Header SOAPAction: %.200s.", c->req->action);
	soap_fault_init(&f, SOAP_STYLE_ASMX, c->req->version, SOAP_EC_NONE);
	f.code = SOAP_FC_CLIENT;
	f.faultstring = text;
	return soap_fault_write(&f, &c->out, text, sizeof(text)) < 0 ? -1 :
	    SOAP_FAULT_HTTP_STATUS;
}

/* ---- store handles ----------------------------------------------------- */

static void
thread_destroy(void *arg)
{
	struct ws_thread *t = arg;
	struct wsusss_service *svc = t->svc;

	pthread_mutex_lock(&svc->lock);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		svc->threads = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&svc->lock);
	if (t->st != NULL)
		store_close(t->st);
	free(t);
}

static struct ws_thread *
thread_get(struct wsusss_service *svc)
{
	struct ws_thread *t = pthread_getspecific(svc->tkey);

	if (t != NULL)
		return t;
	t = xcalloc(1, sizeof(*t));
	t->svc = svc;
	pthread_mutex_lock(&svc->lock);
	t->next = svc->threads;
	if (svc->threads != NULL)
		svc->threads->prev = t;
	svc->threads = t;
	pthread_mutex_unlock(&svc->lock);
	if (pthread_setspecific(svc->tkey, t) != 0)
		fatalx("pthread_setspecific failed");
	return t;
}

struct store *
ws_store(struct ws_call *c)
{
	struct ws_thread *t = c->th;
	const struct config *cfg = c->svc->cfg;
	char err[256], path[4096];

	if (t->st != NULL)
		return t->st;
	if (t->st_failed != 0 && (time_t)c->now - t->st_failed < 1) {
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database unavailable");
		return NULL;
	}
	if (config_sqlite_path(cfg->database_url, path, sizeof(path)) == 0 &&
	    strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		t->st_failed = (time_t)c->now;
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database missing");
		return NULL;
	}
	if (store_open(cfg->database_url, &t->st, err, sizeof(err)) !=
	    STORE_OK) {
		t->st = NULL;
		t->st_failed = (time_t)c->now;
		log_error("database %s: %s", cfg->database_url, err);
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database unavailable");
		return NULL;
	}
	t->st_failed = 0;
	return t->st;
}

/* Read identity and key; svc->lock held. */
static int
service_init(struct wsusss_service *svc, struct store *st, char *err,
    size_t errlen)
{
	char *id = NULL, *key = NULL;
	uint8_t master[COOKIE_KEY_LEN], inst[COOKIE_INSTANCE_LEN];
	int rc = -1, cur = 0, latest = 0;

	if (store_schema_version(st, &cur, &latest) != STORE_OK ||
	    cur != latest) {
		snprintf(err, errlen, "database schema is version %d, this "
		    "wsusd needs %d: run 'wsusctl postinstall'", cur, latest);
		goto out;
	}
	if (store_setting_get(st, SETTING_SERVER_ID, &id) != STORE_OK ||
	    id == NULL || cookie_guid_parse(id, inst) != 0) {
		snprintf(err, errlen, "setting %s missing", SETTING_SERVER_ID);
		goto out;
	}
	if (store_setting_get(st, SETTING_COOKIE_KEY, &key) != STORE_OK ||
	    key == NULL || strlen(key) != 2 * COOKIE_KEY_LEN ||
	    hex_decode(key, master, COOKIE_KEY_LEN) != 0) {
		snprintf(err, errlen, "setting %s missing", SETTING_COOKIE_KEY);
		goto out;
	}
	if (cookie_keyring_init(&svc->kr, master, inst, WS_COOKIE_GEN, err,
	    errlen) != 0)
		goto out;
	cookie_guid_format(inst, svc->server_id);
	svc->ready = true;
	rc = 0;
out:
	explicit_bzero(master, sizeof(master));
	if (key != NULL) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	free(id);
	return rc;
}

static bool
service_ready(struct ws_call *c)
{
	struct wsusss_service *svc = c->svc;
	char err[256];
	struct store *st;
	bool ready;

	pthread_mutex_lock(&svc->lock);
	ready = svc->ready;
	if (ready || (time_t)c->now < svc->next_retry) {
		pthread_mutex_unlock(&svc->lock);
		return ready;
	}
	svc->next_retry = (time_t)c->now + WS_INIT_RETRY;
	pthread_mutex_unlock(&svc->lock);
	st = ws_store(c);
	pthread_mutex_lock(&svc->lock);
	if (st != NULL && !svc->ready) {
		if (service_init(svc, st, err, sizeof(err)) == 0)
			log_info("server-server services ready (server %s)",
			    svc->server_id);
		else
			log_error("server-server services unavailable: %s",
			    err);
	}
	ready = svc->ready;
	pthread_mutex_unlock(&svc->lock);
	c->fault = SOAP_EC_NONE;
	return ready;
}

/* ---- answers, URLs ---------------------------------------------------- */

/* A request header; none without a connection (the fuzz entry point). */
const char *
ws_header(const struct ws_call *c, const char *name)
{
	if (c->fuzz || c->http->conn == NULL)
		return NULL;
	return http_header(c->http, name);
}

void
ws_begin(struct ws_call *c)
{
	char name[96];

	xmlw_init(&c->w, &c->out, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(&c->w, c->req->version);
	snprintf(name, sizeof(name), "%sResponse", c->op->name);
	xmlw_start(&c->w, name);
	xmlw_attr(&c->w, "xmlns", c->op->ns);
}

void
ws_end(struct ws_call *c)
{
	xmlw_envelope_end(&c->w);
}

static bool
host_ok(const char *h)
{
	size_t n;

	if (h == NULL || (n = strlen(h)) == 0 || n > WS_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && strchr(".-_:[]", h[i]) ==
		    NULL)
			return false;
	return true;
}

/* scheme://host:port the downstream used (content is served on it too) */
void
ws_content_base(struct ws_call *c, char *out, size_t outlen)
{
	const char *h = ws_header(c, MHD_HTTP_HEADER_HOST);
	const struct config *cfg = c->svc->cfg;
	const char *scheme = c->http->listener->tls ? "https" : "http";

	if (host_ok(h) && (strchr(h, ':') != NULL && h[0] != '['))
		snprintf(out, outlen, "%s://%s", scheme, h);
	else if (host_ok(h) && strchr(h, ']') != NULL &&
	    strchr(strchr(h, ']'), ':') != NULL)
		snprintf(out, outlen, "%s://%s", scheme, h);
	else
		snprintf(out, outlen, "%s://%s:%u", scheme, host_ok(h) ? h :
		    cfg->server_name != NULL ? cfg->server_name : "localhost",
		    (unsigned)c->http->listener->port);
}

const struct catalog *
ws_snap(struct ws_call *c, struct store *st)
{
	const char *why = "catalogue";
	const struct catalog *s = snap_get(c->svc->snaps, st, &why);

	if (s == NULL)
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "%s", why);
	return s;
}

/* ---- pipeline ------------------------------------------------------------- */

static enum MHD_Result
send_answer(struct ws_call *c, int status, const char *ct)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *data;

	if (status < 0 || c->out.failed || c->out.data == NULL)
		return http_respond_status(c->http->conn, 500);
	data = buf_steal(&c->out, &len);
	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "private, max-age=0");
	ret = MHD_queue_response(c->http->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static const struct ws_op *
find_op(const struct ws_def *def, const struct soap_node *op)
{
	for (const struct ws_op *o = def->ops; o->name != NULL; o++)
		if (strcmp(o->name, op->name) == 0 && strcmp(o->ns, op->ns) == 0)
			return o;
	return NULL;
}

static enum MHD_Result
handle(struct http_request *hr)
{
	const struct ws_route *rt = hr->arg;
	struct ws_call c;
	struct soap_parse_opts opts;
	char err[256];
	const char *ct = http_header(hr, MHD_HTTP_HEADER_CONTENT_TYPE);
	enum soap_err se;
	enum soap_version v;
	enum MHD_Result ret;
	int status;

	memset(&c, 0, sizeof(c));
	c.svc = rt->svc;
	c.def = rt->def;
	c.http = hr;
	c.now = (int64_t)time(NULL);
	c.th = thread_get(c.svc);
	buf_init(&c.out, WS_RESPONSE_MAX);

	soap_parse_opts_default(&opts);
	opts.flags = SOAP_PARSE_ALLOW_V12;
	if (hr->cfg != NULL && hr->cfg->max_body_bytes > 0 &&
	    hr->cfg->max_body_bytes < opts.limits.max_body)
		opts.limits.max_body = hr->cfg->max_body_bytes;
	se = soap_request_parse(hr->body, hr->body_len, ct,
	    http_header(hr, "SOAPAction"), &opts, &c.req, err, sizeof(err));
	if (se != SOAP_OK) {
		struct soap_fault f;

		v = soap_content_type_version(ct) == SOAP_V12 ? SOAP_V12 :
		    SOAP_V11;
		log_debug("%s: refused request: %s (%s)", c.def->path,
		    soap_err_name(se), err);
		status = soap_fault_for_error(&f, SOAP_STYLE_ASMX, v, se, err);
		if (soap_fault_write(&f, &c.out, err, sizeof(err)) < 0)
			status = -1;
		ret = send_answer(&c, status, soap_version_content_type(v));
		buf_free(&c.out);
		return ret;
	}
	c.body = c.req->op;
	v = c.req->version;
	c.op = find_op(c.def, c.body);
	if (c.op == NULL) {
		status = write_unknown_op(&c);
	} else if (!service_ready(&c)) {
		ws_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR, "not ready");
		status = write_fault(&c);
	} else if (c.op->fn(&c) == 0 && xmlw_finish(&c.w, err,
	    sizeof(err)) == 0) {
		status = 200;
		ws_touch_downstream(&c);
	} else {
		if (c.fault == SOAP_EC_NONE) {
			log_error("%s %s: cannot write the answer: %s",
			    c.def->path, c.op->name, c.w.err);
			ws_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR, "answer");
		} else {
			log_debug("%s %s: fault %s: %s", c.def->path,
			    c.op->name, soap_error_code_name(c.fault),
			    c.fault_msg);
		}
		status = write_fault(&c);
	}
	ret = send_answer(&c, status, soap_version_content_type(v));
	soap_request_free(c.req);
	buf_free(&c.out);
	return ret;
}

int
wsusss_service_register(const struct config *cfg, struct wsusss_service **out,
    char *err, size_t errlen)
{
	struct wsusss_service *svc = xcalloc(1, sizeof(*svc));

	*out = NULL;
	svc->cfg = cfg;
	svc->started = (int64_t)time(NULL);
	svc->snaps = snap_holder_new();
	pthread_mutex_init(&svc->lock, NULL);
	if (pthread_key_create(&svc->tkey, thread_destroy) != 0) {
		snprintf(err, errlen, "pthread_key_create failed");
		pthread_mutex_destroy(&svc->lock);
		free(svc);
		return -1;
	}
	svc->tkey_made = true;
	for (int i = 0; i < 2; i++) {
		svc->routes[i].svc = svc;
		svc->routes[i].def = &defs[i];
		if (http_route_add(defs[i].path, HTTP_POST, handle,
		    &svc->routes[i]) != 0) {
			snprintf(err, errlen, "cannot add the route %s",
			    defs[i].path);
			wsusss_service_free(svc);
			return -1;
		}
	}
	*out = svc;
	return 0;
}

void
wsusss_service_free(struct wsusss_service *svc)
{
	struct ws_thread *t, *next;

	if (svc == NULL)
		return;
	if (svc->tkey_made)
		pthread_key_delete(svc->tkey);
	for (t = svc->threads; t != NULL; t = next) {
		next = t->next;
		if (t->st != NULL)
			store_close(t->st);
		free(t);
	}
	snap_holder_free(svc->snaps);
	if (svc->ready)
		cookie_keyring_clear(&svc->kr);
	pthread_mutex_destroy(&svc->lock);
	free(svc);
}

/* ---- fuzz entry point (fuzz/wsusss_request.c) ------------------------------ */

static struct {
	struct config		 cfg;
	struct wsusss_service	*svc;
	struct http_listener_info li;
	bool			 inited;
} fz;

static int
fuzz_init(void)
{
	struct store *st = NULL;
	struct ws_thread *t;
	char err[256];
	int from, to;

	config_defaults(&fz.cfg);
	free(fz.cfg.database_url);
	fz.cfg.database_url = xstrdup("sqlite::memory:");
	fz.svc = xcalloc(1, sizeof(*fz.svc));
	fz.svc->cfg = &fz.cfg;
	fz.svc->started = 1700000000;
	fz.svc->snaps = snap_holder_new();
	pthread_mutex_init(&fz.svc->lock, NULL);
	if (pthread_key_create(&fz.svc->tkey, NULL) != 0)
		return -1;
	fz.svc->tkey_made = true;
	if (store_open(fz.cfg.database_url, &st, err, sizeof(err)) !=
	    STORE_OK || store_migrate(st, &from, &to) != STORE_OK ||
	    store_setting_set(st, SETTING_SERVER_ID,
	    "0f0e0d0c-0b0a-0908-0706-050403020100") != STORE_OK ||
	    store_setting_set(st, SETTING_COOKIE_KEY,
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	    != STORE_OK) {
		fprintf(stderr, "wsusss fuzz: store: %s\n", err);
		return -1;
	}
	if (service_init(fz.svc, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "wsusss fuzz: %s\n", err);
		return -1;
	}
	t = thread_get(fz.svc);
	t->st = st;
	fz.li.name = "fuzz";
	fz.li.port = 8530;
	fz.inited = true;
	return 0;
}

int
wsusss_fuzz_request(const uint8_t *data, size_t len)
{
	struct ws_call c;
	struct http_request hr;
	struct soap_parse_opts opts;
	char err[256];

	if (!fz.inited && fuzz_init() != 0)
		abort();
	soap_parse_opts_default(&opts);
	opts.flags = SOAP_PARSE_ALLOW_V12 | SOAP_PARSE_ANY_CT;
	memset(&c, 0, sizeof(c));
	memset(&hr, 0, sizeof(hr));
	hr.listener = &fz.li;
	hr.cfg = &fz.cfg;
	c.svc = fz.svc;
	c.http = &hr;
	c.fuzz = true;
	c.now = 1750000000;
	c.th = thread_get(fz.svc);
	if (soap_request_parse(data, len, "text/xml; charset=utf-8", NULL,
	    &opts, &c.req, err, sizeof(err)) != SOAP_OK)
		return 0;
	c.body = c.req->op;
	for (int i = 0; i < 2 && c.op == NULL; i++) {
		c.def = &defs[i];
		c.op = find_op(c.def, c.body);
	}
	buf_init(&c.out, WS_RESPONSE_MAX);
	if (c.op != NULL) {
		if (c.op->fn(&c) != 0 || xmlw_finish(&c.w, err,
		    sizeof(err)) != 0) {
			if (c.fault == SOAP_EC_NONE)
				c.fault = SOAP_EC_INTERNAL_SERVER_ERROR;
			(void)write_fault(&c);
		}
	}
	buf_free(&c.out);
	soap_request_free(c.req);
	return 0;
}

