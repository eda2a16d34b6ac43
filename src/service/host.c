/*
 * host.c — the SOAP service host: creation and readiness (server identity
 * and cookie key), per-thread store handles, route registration, the
 * request pipeline (read, dispatch, answer or fault) and the answer and
 * fault writers.  The Host/URL policy is in url.c.  Not any operation or
 * protocol state (src/wusp, src/wsusss).  See host.h.
 *
 * Ownership: the host owns its thread records (and their store handles),
 * its route records and the keyring; a call owns its answer buffer, its
 * parsed request and its proto block until the handler returns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "service/host.h"
#include "store/settings.h"
#include "soap/soap_value.h"
#include "util/encode.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Route arguments: the host, the service and its protocol state. */
struct svc_route {
	struct svc_host		*host;
	const struct svc_def	*def;
	void			*svc;
	struct svc_route	*next;
};

/* ---- readiness: key and identity ------------------------------------- */

/*
 * Read server_id and cookie_key and set up the keyring.  Called with
 * h->lock held.  0, or -1 with err.
 */
static int
host_init(struct svc_host *h, struct store *st, char *err, size_t errlen)
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
	/* through the registry (store/settings.h), which checks the form:
	 * a GUID, 64 hex digits */
	if (store_setting_str(st, SETTING_SERVER_ID, &id) != STORE_OK ||
	    id == NULL || cookie_guid_parse(id, inst) != 0) {
		snprintf(err, errlen, "setting %s is missing or not a GUID: "
		    "run 'wsusctl postinstall'", SETTING_SERVER_ID);
		goto out;
	}
	if (store_setting_str(st, SETTING_COOKIE_KEY, &key) != STORE_OK ||
	    key == NULL || strlen(key) != 2 * COOKIE_KEY_LEN ||
	    hex_decode(key, master, COOKIE_KEY_LEN) != 0) {
		snprintf(err, errlen, "setting %s is missing or not 64 hex "
		    "digits: run 'wsusctl postinstall'", SETTING_COOKIE_KEY);
		goto out;
	}
	if (cookie_keyring_init(&h->kr, master, inst, SVC_COOKIE_GENERATION,
	    err, errlen) != 0)
		goto out;
	cookie_guid_format(inst, h->server_id);
	h->ready = true;
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

int
svc_host_init_from(struct svc_host *h, struct store *st, char *err,
    size_t errlen)
{
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	if (!h->ready)
		rc = host_init(h, st, err, errlen);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

bool
svc_host_ready(struct svc_host *h)
{
	bool ready;

	pthread_mutex_lock(&h->lock);
	ready = h->ready;
	pthread_mutex_unlock(&h->lock);
	return ready;
}

/* Make the host ready if it is not; false when it still is not. */
static bool
call_ready(struct svc_call *c)
{
	struct svc_host *h = c->host;
	char err[256];
	struct store *st;
	bool ready;

	if (svc_host_ready(h))
		return true;
	pthread_mutex_lock(&h->lock);
	if (!h->ready && (time_t)c->now >= h->next_retry) {
		h->next_retry = (time_t)c->now + SVC_INIT_RETRY;
		pthread_mutex_unlock(&h->lock);
		st = svc_store(c);
		pthread_mutex_lock(&h->lock);
		if (st != NULL && !h->ready) {
			if (host_init(h, st, err, sizeof(err)) == 0)
				log_info("SOAP services ready (server %s)",
				    h->server_id);
			else
				log_error("SOAP services unavailable: %s", err);
		}
	}
	ready = h->ready;
	pthread_mutex_unlock(&h->lock);
	return ready;
}

/* ---- per-thread store handles ---------------------------------------- */

int
svc_host_open_store(struct svc_host *h, struct store **out, char *err,
    size_t errlen)
{
	const struct config *cfg = h->cfg;
	char path[4096];

	*out = NULL;
	/* never create a missing SQLite file: wsusctl postinstall does */
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
thread_unlink(struct svc_host *h, struct svc_thread *t)
{
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		h->threads = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
}

/* pthread key destructor: the worker thread is exiting. */
static void
thread_destroy(void *arg)
{
	struct svc_thread *t = arg;
	struct svc_host *h = t->host;

	pthread_mutex_lock(&h->lock);
	thread_unlink(h, t);
	pthread_mutex_unlock(&h->lock);
	if (t->st != NULL)
		store_close(t->st);
	free(t);
}

static struct svc_thread *
thread_get(struct svc_host *h)
{
	struct svc_thread *t = pthread_getspecific(h->tkey);

	if (t != NULL)
		return t;
	t = xcalloc(1, sizeof(*t));
	t->host = h;
	pthread_mutex_lock(&h->lock);
	t->next = h->threads;
	if (h->threads != NULL)
		h->threads->prev = t;
	h->threads = t;
	pthread_mutex_unlock(&h->lock);
	if (pthread_setspecific(h->tkey, t) != 0)
		fatalx("pthread_setspecific failed");
	return t;
}

struct store *
svc_store(struct svc_call *c)
{
	struct svc_thread *t = c->th;
	char err[256];

	if (t->st != NULL)
		return t->st;
	/* a failed open is retried at most once a second per thread */
	if (t->st_failed != 0 && (time_t)c->now - t->st_failed < 1) {
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database "
		    "unavailable");
		return NULL;
	}
	if (svc_host_open_store(c->host, &t->st, err, sizeof(err)) != 0) {
		t->st_failed = (time_t)c->now;
		log_error("database %s: %s", c->host->cfg->database_url, err);
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database "
		    "unavailable");
		return NULL;
	}
	t->st_failed = 0;
	return t->st;
}

/* ---- faults ------------------------------------------------------------ */

int
svc_fault(struct svc_call *c, enum soap_error_code ec, const char *fmt, ...)
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
 * and the missing digests for FileDigestsMissing, and sends an empty
 * Message otherwise; our reasons for the other codes go to the log only.
 */
static const char *
fault_message(const struct svc_call *c)
{
	if ((c->fault == SOAP_EC_INVALID_PARAMETERS ||
	    c->fault == SOAP_EC_FILE_DIGESTS_MISSING) &&
	    c->fault_msg[0] != '\0')
		return c->fault_msg;
	return NULL;
}

static void ref_drop(struct svc_call *c);

int
svc_write_fault(struct svc_call *c)
{
	struct soap_fault f;
	char actor[512], err[160];
	enum soap_version v = c->req != NULL ? c->req->version : SOAP_V11;
	int status;

	ref_drop(c);	/* a fault replaces any answer */
	buf_reset(&c->out);
	c->out.failed = 0;
	soap_fault_init(&f, c->def->style, v, c->fault);
	f.message = fault_message(c);
	f.method = c->req != NULL ? c->req->action : NULL;
	if (c->def->style == SOAP_STYLE_ASMX) {
		svc_service_url(c, actor, sizeof(actor));
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
 * The answer to an operation this endpoint does not have.  A WCF service
 * (the client web service) answers an action no contract has with an
 * a:ActionNotSupported fault (HTTP 500).  The ASMX services answer
 * soap:Client "Server did not recognize the value of HTTP Header
 * SOAPAction".  Neither was captured from WSUS; both are the framework's
 * well-known answers (docs/WUSP.md).  action: the action to name ("" for
 * a SOAP 1.1 request without SOAPAction).
 */
static int
write_unknown_op(struct svc_call *c, const char *action)
{
	struct xmlw *w = &c->w;
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
svc_begin(struct svc_call *c)
{
	char name[96];

	xmlw_init(&c->w, &c->out, c->def->style);
	xmlw_envelope_begin(&c->w, c->req->version);
	snprintf(name, sizeof(name), "%sResponse", c->op->name);
	xmlw_start(&c->w, name);
	xmlw_attr(&c->w, "xmlns", c->op->ns != NULL ? c->op->ns :
	    c->def->ns);
}

void
svc_end(struct svc_call *c)
{
	xmlw_envelope_end(&c->w);
}

void
svc_answer_ref(struct svc_call *c, const char *data, size_t len,
    void (*release)(void *), void *arg)
{
	if (c->ref_free != NULL)
		c->ref_free(c->ref_arg);
	c->ref_data = data;
	c->ref_len = len;
	c->ref_free = release;
	c->ref_arg = arg;
}

/* Drop the answer held by reference, if any (not handed to a response). */
static void
ref_drop(struct svc_call *c)
{
	if (c->ref_free != NULL)
		c->ref_free(c->ref_arg);
	c->ref_data = NULL;
	c->ref_len = 0;
	c->ref_free = NULL;
	c->ref_arg = NULL;
}

int
svc_finish(struct svc_call *c, char *err, size_t errlen)
{
	if (c->ref_data != NULL)
		return 0;
	return xmlw_finish(&c->w, err, errlen);
}

const char *
svc_header(const struct svc_call *c, const char *name)
{
	if (c->http == NULL || c->http->conn == NULL)
		return NULL;
	return http_header(c->http, name);
}

static enum MHD_Result
send_answer(struct svc_call *c, int status, const char *content_type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *data;

	if (status >= 0 && c->ref_data != NULL) {
		/* the bytes stay where they are: the response owes the
		 * release from here on (called when it is destroyed) */
		r = MHD_create_response_from_buffer_with_free_callback_cls(
		    c->ref_len, (void *)c->ref_data, c->ref_free, c->ref_arg);
		if (r == NULL)
			return MHD_NO;	/* svc_call_done() releases */
		c->ref_data = NULL;
		c->ref_len = 0;
		c->ref_free = NULL;
		c->ref_arg = NULL;
	} else {
		if (status < 0 || c->out.failed || c->out.data == NULL)
			return http_respond_status(c->http->conn, 500);
		data = buf_steal(&c->out, &len);
		r = MHD_create_response_from_buffer(len, data,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL) {
			free(data);
			return MHD_NO;
		}
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    c->def->cache_control != NULL ? c->def->cache_control :
	    "private");
	ret = MHD_queue_response(c->http->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the request pipeline ---------------------------------------------- */

const struct svc_op *
svc_find_op(const struct svc_def *def, const struct soap_node *op)
{
	for (const struct svc_op *o = def->ops; o->name != NULL; o++)
		if (strcmp(o->name, op->name) == 0 &&
		    strcmp(o->ns != NULL ? o->ns : def->ns, op->ns) == 0)
			return o;
	return NULL;
}

void
svc_call_init(struct svc_call *c, struct svc_host *h,
    const struct svc_def *def, void *svc, struct http_request *hr)
{
	memset(c, 0, sizeof(*c));
	c->host = h;
	c->def = def;
	c->svc = svc;
	c->http = hr;
	c->now = (int64_t)time(NULL);
	c->th = thread_get(h);
	if (def->proto_size > 0)
		c->proto = xcalloc(1, def->proto_size);
	buf_init(&c->out, def->response_max);
}

void
svc_call_done(struct svc_call *c)
{
	soap_request_free(c->req);
	c->req = NULL;
	ref_drop(c);
	buf_free(&c->out);
	free(c->proto);
	c->proto = NULL;
}

/* Run the operation; the HTTP status, or -1. */
static int
run_op(struct svc_call *c)
{
	char err[256];

	if (c->def->before != NULL)
		c->def->before(c);
	if (c->op->fn(c) == 0 && svc_finish(c, err, sizeof(err)) == 0) {
		if (c->def->after != NULL)
			c->def->after(c);
		return 200;
	}
	if (c->fault == SOAP_EC_NONE) {
		log_error("%s %s: cannot write the answer: %s", c->def->path,
		    c->op->name, c->w.err);
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "answer too large "
		    "or not writable");
	} else {
		log_debug("%s %s: fault %s: %s", c->def->path, c->op->name,
		    soap_error_code_name(c->fault), c->fault_msg);
	}
	return svc_write_fault(c);
}

static enum MHD_Result
handle(struct http_request *hr)
{
	const struct svc_route *rt = hr->arg;
	struct svc_call c;
	struct soap_parse_opts opts;
	char err[256];
	const char *ct = http_header(hr, MHD_HTTP_HEADER_CONTENT_TYPE);
	enum soap_err se;
	enum soap_version v;
	enum MHD_Result ret;
	int status;

	svc_call_init(&c, rt->host, rt->def, rt->svc, hr);
	soap_parse_opts_default(&opts);
	opts.flags = c.def->parse_flags | SOAP_PARSE_NO_LINES;
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
		svc_call_done(&c);
		return ret;
	}
	c.body = c.req->op;
	v = c.req->version;
	c.op = svc_find_op(c.def, c.body);
	if (v == SOAP_V11 && http_header(hr, "SOAPAction") == NULL) {
		/*
		 * SOAP 1.1 §6.1.1: a client MUST send SOAPAction (an empty
		 * "" is allowed and means no intent).  ASMX and WCF route by
		 * it and fault a request without it as an action they do not
		 * know (''), whatever the body holds; so do we.
		 */
		log_debug("%s: SOAP 1.1 request without SOAPAction",
		    c.def->path);
		status = write_unknown_op(&c, "");
	} else if (c.op == NULL) {
		log_debug("%s: unknown operation %s", c.def->path,
		    c.req->action);
		status = write_unknown_op(&c, c.req->action);
	} else if (!call_ready(&c)) {
		c.fault = SOAP_EC_NONE;
		svc_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR, "service not "
		    "ready");
		status = svc_write_fault(&c);
	} else {
		status = run_op(&c);
	}
	ret = send_answer(&c, status, soap_version_content_type(v));
	svc_call_done(&c);
	return ret;
}

/* ---- creation and registration -------------------------------------------- */

struct svc_host *
svc_host_new(const struct config *cfg, char *err, size_t errlen)
{
	struct svc_host *h = xcalloc(1, sizeof(*h));

	h->cfg = cfg;
	h->started = (int64_t)time(NULL);
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->allow_lock, NULL);
	if (pthread_key_create(&h->tkey, thread_destroy) != 0) {
		snprintf(err, errlen, "pthread_key_create: %s",
		    strerror(errno));
		pthread_mutex_destroy(&h->allow_lock);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	h->tkey_made = true;
	if (cfg != NULL && cfg->upstream_allow != NULL)
		h->upstream_allow = xstrdup(cfg->upstream_allow);
	if (gethostname(h->host_name, sizeof(h->host_name) - 1) != 0 ||
	    h->host_name[0] == '\0')
		snprintf(h->host_name, sizeof(h->host_name), "localhost");
	return h;
}

bool
svc_host_load(struct svc_host *h)
{
	struct store *st = NULL;
	char why[256];

	/* the key and identity, once, from a handle of our own */
	if (svc_host_open_store(h, &st, why, sizeof(why)) != 0) {
		log_error("SOAP services unavailable until the database is "
		    "ready: %s: %s", h->cfg->database_url, why);
		return false;
	}
	if (svc_host_init_from(h, st, why, sizeof(why)) != 0)
		log_error("SOAP services unavailable until this is fixed: %s",
		    why);
	store_close(st);
	return svc_host_ready(h);
}

int
svc_host_add(struct svc_host *h, const struct svc_def *def, void *svc,
    char *err, size_t errlen)
{
	struct svc_route *rt = xcalloc(1, sizeof(*rt));

	rt->host = h;
	rt->def = def;
	rt->svc = svc;
	rt->next = h->routes;
	h->routes = rt;
	/* refuse bodies over the SOAP limit before they are buffered */
	if (http_route_add_bounded(def->path, HTTP_POST, SOAP_MAX_BODY, handle,
	    rt) != 0) {
		snprintf(err, errlen, "cannot register %s", def->path);
		return -1;
	}
	return 0;
}

void
svc_host_free(struct svc_host *h)
{
	struct svc_thread *t;
	struct svc_route *rt;

	if (h == NULL)
		return;
	/* threads that are still alive (e.g. the caller's own) */
	pthread_mutex_lock(&h->lock);
	while ((t = h->threads) != NULL) {
		thread_unlink(h, t);
		if (t->st != NULL)
			store_close(t->st);
		free(t);
	}
	pthread_mutex_unlock(&h->lock);
	if (h->tkey_made) {
		pthread_setspecific(h->tkey, NULL);
		pthread_key_delete(h->tkey);
	}
	while ((rt = h->routes) != NULL) {
		h->routes = rt->next;
		free(rt);
	}
	if (h->ready)
		cookie_keyring_clear(&h->kr);
	free(h->upstream_allow);
	pthread_mutex_destroy(&h->allow_lock);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

char *
svc_host_upstream_allow(struct svc_host *h)
{
	char *list = NULL;

	/* copied under the lock: a reload may free the one we read */
	pthread_mutex_lock(&h->allow_lock);
	if (h->upstream_allow != NULL)
		list = xstrdup(h->upstream_allow);
	pthread_mutex_unlock(&h->allow_lock);
	return list;
}

void
svc_host_set_upstream_allow(struct svc_host *h, const char *list)
{
	char *nl = list != NULL ? xstrdup(list) : NULL, *old;

	pthread_mutex_lock(&h->allow_lock);
	old = h->upstream_allow;
	h->upstream_allow = nl;
	pthread_mutex_unlock(&h->allow_lock);
	free(old);
}
