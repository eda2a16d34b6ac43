/*
 * service.c — the three MS-WUSP SOAP endpoints: route registration, the
 * request pipeline (read, dispatch, answer or fault), per-thread store
 * handles, the server key and the helpers the operations share.  The
 * operations themselves are in op_*.c.  See service.h and docs/WUSP.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "soap/soap_value.h"
#include "util/encode.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "catalog/catalog.h"
#include "wusp/service_internal.h"
#include "wsusss/rollup.h"

/* ---- the operation tables ------------------------------------------- */

static const struct wusp_op client_ops[] = {
	{ "GetConfig", wusp_op_get_config },
	{ "GetCookie", wusp_op_get_cookie },
	{ "RegisterComputer", wusp_op_register_computer },
	{ "StartCategoryScan", wusp_op_start_category_scan },
	{ "SyncUpdates", wusp_op_sync_updates },
	{ "SyncPrinterCatalog", wusp_op_sync_printer_catalog },
	{ "RefreshCache", wusp_op_refresh_cache },
	{ "GetExtendedUpdateInfo", wusp_op_get_extended_update_info },
	{ "GetExtendedUpdateInfo2", wusp_op_get_extended_update_info2 },
	{ "GetFileLocations", wusp_op_get_file_locations },
	{ NULL, NULL },
};

static const struct wusp_op simpleauth_ops[] = {
	{ "GetAuthorizationCookie", wusp_op_get_authorization_cookie },
	{ NULL, NULL },
};

/*
 * The reporting service.  The server-to-server rollup operations of the
 * same WSDL (ReportEventBatch2, GetRollupConfiguration, RollupComputers,
 * ...) are added here by a later issue; until then they get the
 * unknown-operation fault.
 */
static const struct wusp_op reporting_ops[] = {
	{ "ReportEventBatch", wusp_op_report_event_batch },
	/* server-to-server rollup (src/wsusss/rollup.h, docs/ROLLUP.md) */
	{ "GetRollupConfiguration", wusp_op_rollup_configuration },
	{ "RollupDownstreamServers", wusp_op_rollup_servers },
	{ "RollupComputers", wusp_op_rollup_computers },
	{ "GetOutOfSyncComputers", wusp_op_rollup_out_of_sync },
	{ "RollupComputerStatus", wusp_op_rollup_status },
	{ NULL, NULL },
};

static const struct wusp_svc_def svc_defs[WUSP_SVC_COUNT] = {
	{ WUSP_SVC_CLIENT, WUSP_PATH_CLIENT, SOAP_NS_CLIENT, SOAP_STYLE_WCF,
	    0, client_ops },
	{ WUSP_SVC_SIMPLEAUTH, WUSP_PATH_SIMPLEAUTH, SOAP_NS_SIMPLEAUTH,
	    SOAP_STYLE_ASMX, SOAP_PARSE_ALLOW_V12, simpleauth_ops },
	{ WUSP_SVC_REPORTING, WUSP_PATH_REPORTING, SOAP_NS_SWDIST,
	    SOAP_STYLE_ASMX, SOAP_PARSE_ALLOW_V12, reporting_ops },
};

/* Route arguments: the service and which endpoint. */
struct wusp_route {
	struct wusp_service		*svc;
	const struct wusp_svc_def	*def;
};

/* One allocation: the service and its three route arguments. */
struct wusp_service_box {
	struct wusp_service	svc;
	struct wusp_route	routes[WUSP_SVC_COUNT];
};

/* ---- start-up: key, identity, catalogue ------------------------------ */

/*
 * Read server_id and cookie_key and set up the keyring.  Called with
 * svc->lock held.  0, or -1 with err.
 */
static int
service_init(struct wusp_service *svc, struct store *st, char *err,
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
		snprintf(err, errlen, "setting %s is missing or not a GUID: "
		    "run 'wsusctl postinstall'", SETTING_SERVER_ID);
		goto out;
	}
	if (store_setting_get(st, SETTING_COOKIE_KEY, &key) != STORE_OK ||
	    key == NULL || strlen(key) != 2 * COOKIE_KEY_LEN ||
	    hex_decode(key, master, COOKIE_KEY_LEN) != 0) {
		snprintf(err, errlen, "setting %s is missing or not 64 hex "
		    "digits: run 'wsusctl postinstall'", SETTING_COOKIE_KEY);
		goto out;
	}
	if (cookie_keyring_init(&svc->kr, master, inst, WUSP_COOKIE_GENERATION,
	    err, errlen) != 0)
		goto out;
	cookie_guid_format(inst, svc->server_id);
	if (svc->catalog == NULL) {
		struct catalog_options o;

		catalog_options_default(&o);
		svc->catalog = catalog_holder_new(&o, 1000);
	}
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

/* Make the service ready if it is not; false when it still is not. */
static bool
service_ready(struct wusp_call *c)
{
	struct wusp_service *svc = c->svc;
	char err[256];
	struct store *st;
	bool ready;

	pthread_mutex_lock(&svc->lock);
	ready = svc->ready;
	pthread_mutex_unlock(&svc->lock);
	if (ready)
		return true;

	pthread_mutex_lock(&svc->lock);
	if (!svc->ready && (time_t)c->now >= svc->next_retry) {
		svc->next_retry = (time_t)c->now + WUSP_INIT_RETRY;
		pthread_mutex_unlock(&svc->lock);
		st = wusp_store(c);
		pthread_mutex_lock(&svc->lock);
		if (st != NULL && !svc->ready) {
			if (service_init(svc, st, err, sizeof(err)) == 0)
				log_info("SOAP services ready (server %s)",
				    svc->server_id);
			else
				log_error("SOAP services unavailable: %s", err);
		}
	}
	ready = svc->ready;
	pthread_mutex_unlock(&svc->lock);
	return ready;
}

/* ---- per-thread store handles ---------------------------------------- */

/*
 * Open the configured store, but never create a missing SQLite file:
 * that is wsusctl postinstall's job (a wsusd started before it must not
 * leave an empty database behind).
 */
static int
open_store(const struct config *cfg, struct store **out, char *err,
    size_t errlen)
{
	char path[4096];

	*out = NULL;
	if (config_sqlite_path(cfg->database_url, path, sizeof(path)) == 0 &&
	    strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		snprintf(err, errlen, "%.200s: %s (run 'wsusctl postinstall')",
		    path, strerror(errno));
		return -1;
	}
	if (store_open(cfg->database_url, out, err, errlen) != STORE_OK) {
		*out = NULL;
		return -1;
	}
	return 0;
}

static void
thread_unlink(struct wusp_service *svc, struct wusp_thread *t)
{
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		svc->threads = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
}

/* pthread key destructor: the worker thread is exiting. */
static void
thread_destroy(void *arg)
{
	struct wusp_thread *t = arg;
	struct wusp_service *svc = t->svc;

	pthread_mutex_lock(&svc->lock);
	thread_unlink(svc, t);
	pthread_mutex_unlock(&svc->lock);
	if (t->st != NULL)
		store_close(t->st);
	free(t);
}

static struct wusp_thread *
thread_get(struct wusp_service *svc)
{
	struct wusp_thread *t = pthread_getspecific(svc->tkey);

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
wusp_store(struct wusp_call *c)
{
	struct wusp_thread *t = c->th;
	char err[256];

	if (t->st != NULL)
		return t->st;
	/* a failed open is retried at most once a second per thread */
	if (t->st_failed != 0 && (time_t)c->now - t->st_failed < 1) {
		wusp_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database "
		    "unavailable");
		return NULL;
	}
	if (open_store(c->svc->cfg, &t->st, err, sizeof(err)) != 0) {
		t->st_failed = (time_t)c->now;
		log_error("database %s: %s", c->svc->cfg->database_url, err);
		wusp_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database "
		    "unavailable");
		return NULL;
	}
	t->st_failed = 0;
	return t->st;
}

/* ---- faults ------------------------------------------------------------ */

int
wusp_fault(struct wusp_call *c, enum soap_error_code ec, const char *fmt, ...)
{
	va_list ap;

	/* the first fault wins (e.g. the store's reason) */
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

/*
 * The fault message sent in detail/Message.  Real WSUS names the bad
 * parameter for InvalidParameters ("parameters.InstalledNonLeafUpdateIDs")
 * and sends an empty Message otherwise; our reasons for the other codes
 * go to the log only.
 */
static const char *
fault_message(const struct wusp_call *c)
{
	if (c->fault == SOAP_EC_INVALID_PARAMETERS && c->fault_msg[0] != '\0')
		return c->fault_msg;
	return NULL;
}

/* Write c->fault as the whole answer; returns the HTTP status. */
static int
write_fault(struct wusp_call *c)
{
	struct soap_fault f;
	char actor[512], err[160];
	enum soap_version v = c->req != NULL ? c->req->version : SOAP_V11;
	int status;

	buf_reset(&c->out);
	c->out.failed = 0;
	soap_fault_init(&f, c->def->style, v, c->fault);
	f.message = fault_message(c);
	f.method = c->req != NULL ? c->req->action : NULL;
	if (c->def->style == SOAP_STYLE_ASMX) {
		wusp_service_url(c, actor, sizeof(actor));
		f.actor = actor;
	}
	status = soap_fault_write(&f, &c->out, err, sizeof(err));
	if (status < 0) {
		log_error("cannot write a fault: %s", err);
		return -1;
	}
	return status;
}

/*
 * The answer to an operation this endpoint does not have.  The client
 * web service is WCF: it answers an action no contract has with an
 * a:ActionNotSupported fault (HTTP 500).  The ASMX services answer
 * soap:Client "Server did not recognize the value of HTTP Header
 * SOAPAction".  Neither was captured from WSUS; both are the framework's
 * well-known answers (docs/WUSP.md).
 */
static int
write_unknown_op(struct wusp_call *c)
{
	struct xmlw *w = &c->w;
	const char *action = c->req->action;
	char text[768];

	buf_reset(&c->out);
	c->out.failed = 0;
	if (c->def->style != SOAP_STYLE_WCF || c->req->version != SOAP_V11) {
		struct soap_fault f;

		snprintf(text, sizeof(text), "Server did not recognize the "
		    "value of HTTP Header SOAPAction: %.200s.", action);
		soap_fault_init(&f, c->def->style, c->req->version,
		    SOAP_EC_NONE);
		f.code = SOAP_FC_CLIENT;
		f.faultstring = text;
		return soap_fault_write(&f, &c->out, text, sizeof(text)) < 0 ?
		    -1 : SOAP_FAULT_HTTP_STATUS;
	}
	xmlw_init(w, &c->out, c->def->style);
	xmlw_envelope_begin_fault(w, c->req->version);
	xmlw_start(w, "s:Fault");
	xmlw_start(w, "faultcode");
	xmlw_attr(w, "xmlns:a",
	    "http://schemas.microsoft.com/ws/2005/05/addressing/none");
	xmlw_textz(w, "a:ActionNotSupported");
	xmlw_end(w);
	xmlw_start(w, "faultstring");
	xmlw_attr(w, "xml:lang", "en-US");
	snprintf(text, sizeof(text), "The message with Action '%.200s' "
	    "cannot be processed at the receiver, due to a ContractFilter "
	    "mismatch at the EndpointDispatcher. This may be because of "
	    "either a contract mismatch (mismatched Actions between sender "
	    "and receiver) or a binding/security mismatch between the sender "
	    "and the receiver.  Check that sender and receiver have the same "
	    "contract and the same binding (including security requirements, "
	    "e.g. Message, Transport, None).", action);
	xmlw_textz(w, text);
	xmlw_end(w);
	xmlw_end(w);
	xmlw_envelope_end(w);
	if (xmlw_finish(w, text, sizeof(text)) != 0) {
		log_error("cannot write a fault: %s", text);
		return -1;
	}
	return SOAP_FAULT_HTTP_STATUS;
}

/* ---- answers --------------------------------------------------------- */

void
wusp_begin(struct wusp_call *c)
{
	char name[96];

	xmlw_init(&c->w, &c->out, c->def->style);
	xmlw_envelope_begin(&c->w, c->req->version);
	snprintf(name, sizeof(name), "%sResponse", c->op->name);
	xmlw_start(&c->w, name);
	xmlw_attr(&c->w, "xmlns", c->def->ns);
}

void
wusp_end(struct wusp_call *c)
{
	xmlw_envelope_end(&c->w);
}

static enum MHD_Result
send_answer(struct wusp_call *c, int status, const char *content_type)
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
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private");
	ret = MHD_queue_response(c->http->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the request pipeline ---------------------------------------------- */

static const struct wusp_op *
find_op(const struct wusp_svc_def *def, const struct soap_node *op)
{
	if (strcmp(op->ns, def->ns) != 0)
		return NULL;
	for (const struct wusp_op *o = def->ops; o->name != NULL; o++)
		if (strcmp(o->name, op->name) == 0)
			return o;
	return NULL;
}

static enum MHD_Result
handle(struct http_request *hr)
{
	const struct wusp_route *rt = hr->arg;
	struct wusp_call c;
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
	buf_init(&c.out, WUSP_RESPONSE_MAX);

	soap_parse_opts_default(&opts);
	opts.flags = c.def->parse_flags;
	if (hr->cfg != NULL && hr->cfg->max_body_bytes > 0 &&
	    hr->cfg->max_body_bytes < opts.limits.max_body)
		opts.limits.max_body = hr->cfg->max_body_bytes;
	se = soap_request_parse(hr->body, hr->body_len, ct,
	    http_header(hr, "SOAPAction"), &opts, &c.req, err, sizeof(err));
	if (se != SOAP_OK) {
		struct soap_fault f;
		int ctv = soap_content_type_version(ct);

		v = ctv == SOAP_V12 && (c.def->parse_flags &
		    SOAP_PARSE_ALLOW_V12) ? SOAP_V12 : SOAP_V11;
		log_debug("%s: refused request: %s (%s)", c.def->path,
		    soap_err_name(se), err);
		status = soap_fault_for_error(&f, c.def->style, v, se, err);
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
		log_debug("%s: unknown operation %s", c.def->path,
		    c.req->action);
		status = write_unknown_op(&c);
	} else if (!service_ready(&c)) {
		wusp_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR, "service not "
		    "ready");
		status = write_fault(&c);
	} else {
		wusp_client_config_refresh(&c);
		if (c.op->fn(&c) == 0 &&
		    xmlw_finish(&c.w, err, sizeof(err)) == 0) {
			status = 200;
		} else {
			if (c.fault == SOAP_EC_NONE) {
				log_error("%s %s: cannot write the answer: %s",
				    c.def->path, c.op->name, c.w.err);
				wusp_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR,
				    "answer too large or not writable");
			} else {
				log_debug("%s %s: fault %s: %s", c.def->path,
				    c.op->name,
				    soap_error_code_name(c.fault),
				    c.fault_msg);
			}
			status = write_fault(&c);
		}
	}
	ret = send_answer(&c, status, soap_version_content_type(v));
	soap_request_free(c.req);
	buf_free(&c.out);
	return ret;
}

/* ---- shared helpers ------------------------------------------------------- */

int64_t
wusp_ticks(const struct soap_datetime *dt)
{
	return dt->sec * 10000000 + (int64_t)dt->ticks;
}

void
wusp_from_ticks(int64_t t, struct soap_datetime *dt)
{
	int64_t s = t / 10000000, f = t % 10000000;

	if (f < 0) {
		f += 10000000;
		s--;
	}
	soap_datetime_from_unix(s, (uint32_t)f, dt);
}

int
wusp_parse_version(const char *s, uint16_t *major, uint16_t *minor)
{
	unsigned long v[2] = { 0, 0 };
	const char *p = s;

	if (s == NULL)
		return -1;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	for (int k = 0; k < 2; k++) {
		int nd = 0;

		while (*p >= '0' && *p <= '9') {
			if (++nd > 5)
				return -1;
			v[k] = v[k] * 10 + (unsigned long)(*p++ - '0');
		}
		if (nd == 0 || v[k] > UINT16_MAX)
			return -1;
		if (k == 0 && *p++ != '.')
			return -1;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p != '\0')
		return -1;
	*major = (uint16_t)v[0];
	*minor = (uint16_t)v[1];
	return 0;
}

int
wusp_open_session(struct wusp_call *c, const struct soap_node *n,
    struct wusp_session_cookie *out)
{
	const struct soap_node *exp = soap_child(n, "Expiration");
	const struct soap_node *data = soap_child(n, "EncryptedData");
	struct soap_datetime dt;
	const char *b64;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (n == NULL || soap_is_nil(n) || data == NULL)
		return wusp_fault(c, SOAP_EC_INVALID_COOKIE, "no cookie");
	if (exp == NULL || soap_node_datetime(exp, &dt) != 0)
		return wusp_fault(c, SOAP_EC_INVALID_COOKIE, "bad Expiration");
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	switch (cookie_open_wusp_session(&c->svc->kr, b64, len, dt.sec,
	    c->now, out)) {
	case COOKIE_OK:
		return 0;
	case COOKIE_EXPIRED:
		return wusp_fault(c, SOAP_EC_COOKIE_EXPIRED, NULL);
	case COOKIE_SERVER_CHANGED:
		return wusp_fault(c, SOAP_EC_SERVER_CHANGED, NULL);
	case COOKIE_ERROR:
		return wusp_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "cannot open cookie");
	case COOKIE_INVALID:
	default:
		return wusp_fault(c, SOAP_EC_INVALID_COOKIE, NULL);
	}
}

int
wusp_write_session(struct wusp_call *c, const char *name,
    const struct wusp_session_cookie *s)
{
	char b64[COOKIE_B64_BUFSZ], err[160];
	struct soap_datetime dt;

	if (cookie_seal_wusp_session(&c->svc->kr, s, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal a session cookie: %s", err);
		return wusp_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	soap_datetime_from_unix(s->expires_at, 0, &dt);
	xmlw_start(&c->w, name);
	xmlw_elem_datetime(&c->w, "Expiration", &dt);
	xmlw_elem(&c->w, "EncryptedData", b64);
	xmlw_end(&c->w);
	return 0;
}

int
wusp_int_array(struct wusp_call *c, const struct soap_node *arr,
    const char *item, size_t max, const char *param, int32_t **out,
    size_t *n)
{
	const struct soap_node *e;
	size_t k = 0, cnt;
	int32_t *v;

	*out = NULL;
	*n = 0;
	if (arr == NULL || soap_is_nil(arr))
		return 0;
	cnt = soap_count_children(arr, item);
	if (cnt > max)
		return wusp_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", param);
	if (cnt == 0)
		return 0;
	v = xreallocarray(NULL, cnt, sizeof(*v));
	SOAP_FOREACH_CHILD(e, arr, item) {
		if (soap_node_int32(e, &v[k]) != 0) {
			free(v);
			return wusp_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s",
			    param);
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/*
 * A Host header value usable in a URL: host (name, IPv4, or [IPv6]) and
 * an optional :port.  Names: letters, digits, '-', '.', '_'.
 */
static bool
host_ok(const char *h)
{
	size_t n;
	const char *p, *colon;

	if (h == NULL || (n = strlen(h)) == 0 || n > WUSP_HOST_MAX)
		return false;
	if (h[0] == '[') {
		const char *end = strchr(h, ']');

		if (end == NULL || end == h + 1)
			return false;
		for (p = h + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				return false;
		colon = end + 1;
		if (*colon == '\0')
			return true;
		if (*colon != ':')
			return false;
	} else {
		colon = strchr(h, ':');
		for (p = h; *p != '\0' && p != colon; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.' && *p != '_')
				return false;
		if (p == h)
			return false;
		if (colon == NULL)
			return true;
	}
	/* the port */
	p = colon + 1;
	if (*p == '\0' || strlen(p) > 5)
		return false;
	for (; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return atoi(colon + 1) > 0 && atoi(colon + 1) <= 65535;
}

/* host part (without port) of the fallback name for URLs */
static void
fallback_host(struct wusp_call *c, char *out, size_t outlen)
{
	const struct config *cfg = c->svc->cfg;
	const char *addr = NULL;

	if (cfg->server_name != NULL && cfg->server_name[0] != '\0') {
		snprintf(out, outlen, "%s", cfg->server_name);
		return;
	}
	for (size_t i = 0; i < cfg->nlisteners; i++)
		if (strcmp(cfg->listeners[i].name, c->http->listener->name) ==
		    0)
			addr = cfg->listeners[i].address;
	if (addr != NULL && strcmp(addr, "0.0.0.0") != 0 &&
	    strcmp(addr, "::") != 0 && strcmp(addr, "[::]") != 0) {
		if (strchr(addr, ':') != NULL && addr[0] != '[')
			snprintf(out, outlen, "[%s]", addr);
		else
			snprintf(out, outlen, "%s", addr);
		return;
	}
	snprintf(out, outlen, "%s", c->svc->host_name);
}

/* Split a valid Host value into host and port (0 when absent). */
static void
split_host(const char *h, char *host, size_t hostlen, unsigned *port)
{
	const char *colon;

	if (h[0] == '[')
		colon = strchr(strchr(h, ']'), ':');
	else
		colon = strchr(h, ':');
	if (colon == NULL) {
		snprintf(host, hostlen, "%s", h);
		*port = 0;
	} else {
		snprintf(host, hostlen, "%.*s", (int)(colon - h), h);
		*port = (unsigned)atoi(colon + 1);
	}
}

void
wusp_content_base(struct wusp_call *c, char *out, size_t outlen)
{
	const struct config *cfg = c->svc->cfg;
	const struct http_listener_info *li = c->http->listener;
	const char *h = http_header(c->http, MHD_HTTP_HEADER_HOST);
	char host[WUSP_HOST_MAX + 1];
	unsigned port = 0;
	bool tls = li->tls;

	if (host_ok(h)) {
		/* the Host as the client sent it; no port = the default */
		split_host(h, host, sizeof(host), &port);
		if (port == 0)
			port = tls ? 443 : 80;
	} else {
		fallback_host(c, host, sizeof(host));
		port = li->port;
	}
	if (tls) {
		/* content goes over plain HTTP when there is a listener */
		for (size_t i = 0; i < cfg->nlisteners; i++)
			if (!cfg->listeners[i].tls) {
				tls = false;
				port = cfg->listeners[i].port;
				break;
			}
	}
	if ((tls && port == 443) || (!tls && port == 80))
		snprintf(out, outlen, "%s://%s", tls ? "https" : "http", host);
	else
		snprintf(out, outlen, "%s://%s:%u", tls ? "https" : "http",
		    host, port);
}

void
wusp_service_url(struct wusp_call *c, char *out, size_t outlen)
{
	const struct http_listener_info *li = c->http->listener;
	const char *h = http_header(c->http, MHD_HTTP_HEADER_HOST);
	char host[WUSP_HOST_MAX + 8];

	if (host_ok(h))
		snprintf(host, sizeof(host), "%s", h);
	else {
		char fb[WUSP_HOST_MAX + 1];

		fallback_host(c, fb, sizeof(fb));
		snprintf(host, sizeof(host), "%s:%u", fb, li->port);
	}
	snprintf(out, outlen, "%s://%s%s", li->tls ? "https" : "http", host,
	    c->def->path);
}

/* ---- registration -------------------------------------------------------- */

int
wusp_service_register(const struct config *cfg, struct wusp_service **out,
    char *err, size_t errlen)
{
	struct wusp_service_box *box;
	struct wusp_service *svc;
	struct store *st = NULL;
	char why[256];

	*out = NULL;
	box = xcalloc(1, sizeof(*box));
	svc = &box->svc;
	svc->cfg = cfg;
	pthread_mutex_init(&svc->lock, NULL);
	if (pthread_key_create(&svc->tkey, thread_destroy) != 0) {
		snprintf(err, errlen, "pthread_key_create: %s",
		    strerror(errno));
		pthread_mutex_destroy(&svc->lock);
		free(box);
		return -1;
	}
	svc->tkey_made = true;
	if (gethostname(svc->host_name, sizeof(svc->host_name) - 1) != 0 ||
	    svc->host_name[0] == '\0')
		snprintf(svc->host_name, sizeof(svc->host_name), "localhost");

	/* the key and identity, once, from a handle of our own */
	if (open_store(cfg, &st, why, sizeof(why)) != 0) {
		log_error("SOAP services unavailable until the database is "
		    "ready: %s: %s", cfg->database_url, why);
	} else {
		pthread_mutex_lock(&svc->lock);
		if (service_init(svc, st, why, sizeof(why)) != 0)
			log_error("SOAP services unavailable until this is "
			    "fixed: %s", why);
		else if (catalog_holder_refresh(svc->catalog, st, true, why,
		    sizeof(why)) != 0)
			log_warnx("update catalogue not loaded yet: %s", why);
		pthread_mutex_unlock(&svc->lock);
		store_close(st);
	}

	for (int i = 0; i < WUSP_SVC_COUNT; i++) {
		box->routes[i].svc = svc;
		box->routes[i].def = &svc_defs[i];
		if (http_route_add(svc_defs[i].path, HTTP_POST, handle,
		    &box->routes[i]) != 0) {
			snprintf(err, errlen, "cannot register %s",
			    svc_defs[i].path);
			wusp_service_free(svc);
			return -1;
		}
	}
	*out = svc;
	return 0;
}

void
wusp_service_free(struct wusp_service *svc)
{
	struct wusp_thread *t;

	if (svc == NULL)
		return;
	/* threads that are still alive (e.g. the caller's own) */
	pthread_mutex_lock(&svc->lock);
	while ((t = svc->threads) != NULL) {
		thread_unlink(svc, t);
		if (t->st != NULL)
			store_close(t->st);
		free(t);
	}
	pthread_mutex_unlock(&svc->lock);
	if (svc->tkey_made) {
		pthread_setspecific(svc->tkey, NULL);
		pthread_key_delete(svc->tkey);
	}
	if (svc->catalog != NULL)
		catalog_holder_free(svc->catalog);
	if (svc->ready)
		cookie_keyring_clear(&svc->kr);
	pthread_mutex_destroy(&svc->lock);
	/* svc is the first member of its box */
	free((struct wusp_service_box *)(void *)svc);
}
