/*
 * transport.c — the sync engine's session over soapclient: one call is
 * build -> post (with retries for the read-only Server Sync calls) ->
 * record -> parse -> fault.  Calls and bytes are counted into the run's
 * result.  Also the small request helpers every step uses.
 *
 * Not here: what any operation means (auth.c, metadata.c, ...), nor the
 * HTTP client itself (src/soapclient).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SYNC_TRIES	4	/* attempts of one Server Sync call */
#define SYNC_BACKOFF_MS	1000	/* first wait before a retry; doubles */
#define BUSY_FAULT	"fault ServerBusy"	/* busy_answer's reason */

void
sync_seterr(struct sess *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
}

/* What the .NET SoapHttpClientProtocol of each WSUS release sends. */
static const char *
profile_agent(enum sync_profile p)
{
	return p == SYNC_PROFILE_WSUS3SP2 ?
	    "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.5485)" :
	    "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)";
}

int
sync_transport_open(struct sess *s)
{
	struct soapclient_opts so;
	char e[SOAPCLIENT_ERR_MAX];

	memset(&so, 0, sizeof(so));
	so.user_agent = profile_agent(s->o->profile);
	so.timeout = s->o->timeout > 0 ? s->o->timeout : 300;
	so.connect_timeout = 30;
	so.insecure = s->o->insecure;
	so.cacert = s->o->cacert;
	/* TLS 1.2 at least on every upstream connection (Microsoft Update
	 * takes nothing older, wsusss.md §2.2); 1.3 when configured. */
	if (s->o->tls_min == NULL || strcmp(s->o->tls_min, "1.2") == 0)
		so.tls_min = CURL_SSLVERSION_TLSv1_2;
	else if (strcmp(s->o->tls_min, "1.3") == 0)
		so.tls_min = CURL_SSLVERSION_TLSv1_3;
	else {
		sync_seterr(s, "TLS minimum %s: 1.2 or 1.3", s->o->tls_min);
		return -1;
	}
	so.tcp_keepalive = true;
	so.max_response = s->o->max_response ? s->o->max_response :
	    SYNC_MAX_RESPONSE_DEFAULT;
	so.record_dir = s->o->record_dir;
	so.record_width = 3;
	so.abort = s->o->cancel;	/* stops a call in flight too */
	so.abort_arg = s->o->hook_arg;
	so.proxy = s->o->proxy;
	so.proxy_user = s->o->proxy_user;
	so.proxy_password = s->o->proxy_password;
	so.client_cert = s->o->client_cert;
	so.client_key = s->o->client_key;
	if (soapclient_init(&s->sc, &so, e, sizeof(e)) != 0) {
		sync_seterr(s, "%s", e);
		return -1;
	}
	s->sc_open = true;
	return 0;
}

void
sync_transport_close(struct sess *s)
{
	if (s->sc_open)
		soapclient_free(&s->sc);
	s->sc_open = false;
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
 * The fault codes of wsusss.md §4.  Real WSUS names the code in the
 * detail's ErrorCode; Microsoft Update, a WCF service, is read by
 * Microsoft's own DSS client (upsync, wsusss.md §14.1) from the fault's
 * reason text, so a fault without ErrorCode whose faultstring names one
 * of these as a whole word is taken as that code.
 */
static const char *const fault_codes[] = {
	"InvalidParameters", "InvalidCookie", "CookieExpired",
	"InternalServerError", "IncompatibleProtocolVersion",
	"InvalidAuthorizationCookie", "FileDigestsMissing", "ServerChanged",
	"ServerBusy", "TooManyIds",
};

static bool
word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The code of a fault (its ErrorCode, else a code its faultstring
 * names), or NULL. */
static const char *
fault_code(const struct soap_node *fault)
{
	const struct soap_node *ec = find_deep(fault, "ErrorCode");
	const struct soap_node *fs = find_deep(fault, "faultstring");
	size_t i;

	if (ec != NULL)
		return ec->text != NULL && ec->text[0] != '\0' ? ec->text :
		    NULL;
	if (fs == NULL || fs->text == NULL)
		return NULL;
	for (i = 0; i < sizeof(fault_codes) / sizeof(fault_codes[0]); i++) {
		const char *p = fs->text;
		size_t n = strlen(fault_codes[i]);

		while ((p = strstr(p, fault_codes[i])) != NULL) {
			if ((p == fs->text || !word_char(p[-1])) &&
			    !word_char(p[n]))
				return fault_codes[i];
			p += n;
		}
	}
	return NULL;
}

/* Parse the answer in sc's body with the bounds of sync answers. */
static enum soap_err
parse_answer(struct soapclient *sc, struct soap_request **r, char *perr,
    size_t perrlen)
{
	struct soap_parse_opts po;

	soap_parse_opts_default(&po);
	po.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	po.limits.max_body = sc->body.max < 0x7fffffff ? sc->body.max :
	    0x7fffffff;
	po.limits.max_elements = 4000000;
	po.limits.max_children = 1000000;
	po.limits.max_text = 64u * 1024 * 1024;
	po.limits.max_arena = 1024u * 1024 * 1024;
	po.limits.max_parser_mem = 512u * 1024 * 1024;
	return soap_request_parse(sc->body.data ? sc->body.data : "",
	    sc->body.len, NULL, NULL, &po, r, perr, perrlen);
}

/*
 * Is the HTTP 500 answer in s->sc transient?  The reason when it is no
 * SOAP message at all or the fault ServerBusy; NULL for any other fault.
 */
static const char *
busy_answer(struct sess *s)
{
	struct soap_request *r = NULL;
	const char *ec, *why = NULL;
	char perr[64];

	if (parse_answer(&s->sc, &r, perr, sizeof(perr)) != SOAP_OK)
		return "HTTP 500 without a SOAP answer";
	if (strcmp(r->op->name, "Fault") == 0 &&
	    (ec = fault_code(r->op)) != NULL && strcmp(ec, "ServerBusy") == 0)
		why = BUSY_FAULT;
	soap_request_free(r);
	return why;
}

/*
 * The wait the upstream asked for with a Retry-After on a 503 or a
 * ServerBusy answer, in seconds: 0 with *secs, 1 when it asked for more
 * than SYNC_RETRY_AFTER_MAX (*secs too), -1 when there is none usable
 * (then the doubling backoff).
 */
static int
retry_after(struct sess *s, uint32_t *secs)
{
	const char *v = s->sc.retry_after;

	if (v[0] == '\0' || sync_retry_after_parse(v, strlen(v), time(NULL),
	    secs) != 0)
		return -1;
	return *secs > SYNC_RETRY_AFTER_MAX ? 1 : 0;
}

/*
 * Wait ms milliseconds, asking the cancel hook every 100 ms; *waited
 * (when not NULL) the milliseconds waited.  0, or -1 when cancelled:
 * then the run is marked cancelled (a cancel or a stop during a long
 * Retry-After wait is a cancel, not a failed call).
 */
static int
backoff(struct sess *s, unsigned ms, unsigned *waited)
{
	unsigned w;

	for (w = 0; w < ms; w += 100) {
		if (s->o->cancel != NULL && s->o->cancel(s->o->hook_arg)) {
			if (waited != NULL)
				*waited = w;
			s->res->cancelled = true;
			sync_seterr(s, "cancelled");
			return -1;
		}
		usleep(100 * 1000);
	}
	if (waited != NULL)
		*waited = w;
	return 0;
}

int
sync_call(struct sess *s, const char *path, const char *ns, const char *op,
    const struct buf *req, struct soap_request **out)
{
	static const char *const hdrs[] = {
		"Content-Type", "SOAPAction", "Expect:", "Accept:",
		"Connection: Keep-Alive", NULL,
	};
	char url[URL_MAX + 128], action[512], perr[256];
	struct soapclient_call c;
	struct soapclient *sc = &s->sc;
	struct soap_request *r = NULL;
	enum soap_err se;
	long status;
	uint32_t ra;
	int tries, prc, rarc;

	*out = NULL;
	s->fault[0] = '\0';
	s->http_status = 0;
	if (s->o->cancel != NULL && s->o->cancel(s->o->hook_arg)) {
		s->res->cancelled = true;
		sync_seterr(s, "cancelled");
		return -1;
	}
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	snprintf(action, sizeof(action), "%s/%s", ns, op);
	memset(&c, 0, sizeof(c));
	c.url = url;
	c.action = action;
	c.version = SOAP_V11;
	c.name = op;
	c.body = req->data;
	c.len = req->len;
	c.headers = hdrs;
	if (s->o->verbose)
		log_info("sync: %s %s (%zu bytes)", op, url, req->len);
	soapclient_record_request(sc, &c);
	/*
	 * Transient failures are retried for the Server Sync calls, which
	 * only read, with a doubling wait (1 s, 2 s, 4 s): a transport
	 * error (connection reset, timeout), HTTP 502/503/504 (a proxy or
	 * a restarting upstream), a 500 that is no SOAP answer (an IIS
	 * error page), and the fault ServerBusy (wsusss.md §4: "MAY back
	 * off and retry").  Never when the answer was too large, never
	 * for rollups (RollupDownstreamServers sends deltas).
	 */
	for (tries = 0;; tries++) {
		const char *why;

		prc = soapclient_post(sc, &c);
		if (prc != 0 && s->o->cancel != NULL &&
		    s->o->cancel(s->o->hook_arg))
			break;		/* cancelled: no retry */
		if (prc != 0)
			why = sc->error;
		else if (sc->status == 502 || sc->status == 503 ||
		    sc->status == 504)
			why = "upstream unavailable";
		else if (sc->status == 500 && (why = busy_answer(s)) != NULL)
			;
		else
			break;
		if (tries + 1 >= SYNC_TRIES || sc->too_large ||
		    strcmp(path, PATH_SS) != 0)
			break;
		/* a busy upstream that said when to come back (503 or
		 * ServerBusy with Retry-After): that long, when it is not
		 * longer than we wait; longer: the call fails and the run's
		 * retry rule (the next slot) applies */
		rarc = prc == 0 && (sc->status == 503 || (sc->status == 500 &&
		    strcmp(why, BUSY_FAULT) == 0)) ? retry_after(s, &ra) : -1;
		if (rarc > 0) {
			log_warnx("sync: %s: %s; the upstream asks to retry "
			    "after %u s (more than %d): not waiting", op, why,
			    ra, SYNC_RETRY_AFTER_MAX);
			break;
		}
		s->res->retries++;
		if (rarc == 0) {
			unsigned waited = 0;
			int brc;

			log_warnx("sync: %s: %s; retrying after %u s "
			    "(Retry-After)", op, why, ra);
			s->res->retry_after_waits++;
			brc = backoff(s, ra * 1000u, &waited);
			/* what was waited, not what was asked */
			s->res->retry_after_secs += waited / 1000u;
			if (brc != 0)
				return -1;	/* cancelled while waiting */
			continue;
		}
		log_warnx("sync: %s: %s; retrying", op, why);
		if (backoff(s, SYNC_BACKOFF_MS << tries, NULL) != 0)
			return -1;	/* cancelled while waiting */
	}
	status = sc->status;
	s->http_status = status;
	s->res->calls++;
	s->res->bytes_out += req->len;
	if (prc != 0 && s->o->cancel != NULL && s->o->cancel(s->o->hook_arg)) {
		s->res->cancelled = true;
		sync_seterr(s, "cancelled");
		return -1;
	}
	if (prc != 0) {
		sync_seterr(s, "%s: %s", op, sc->error);
		return -1;
	}
	s->res->bytes_in += sc->body.len;
	soapclient_record_response(sc, &c, NULL, sc->body.data, sc->body.len,
	    true);
	if (status != 200 && status != 500) {
		sync_seterr(s, "%s: HTTP status %ld from %s", op, status, url);
		return -1;
	}
	se = parse_answer(sc, &r, perr, sizeof(perr));
	if (se != SOAP_OK) {
		sync_seterr(s, "%s: unreadable answer (HTTP %ld): %s: %s", op,
		    status, soap_err_name(se), perr);
		return -1;
	}
	if (strcmp(r->op->name, "Fault") == 0) {
		const char *ec = fault_code(r->op);
		const struct soap_node *fs = find_deep(r->op, "faultstring");
		const struct soap_node *msg = find_deep(r->op, "Message");

		snprintf(s->fault, sizeof(s->fault), "%s", ec ? ec : "unknown");
		sync_seterr(s, "%s: fault %s (%s)%s%s", op, s->fault,
		    fs ? fs->text : "", msg && msg->text_len ? ": " : "",
		    msg ? msg->text : "");
		soap_request_free(r);
		return -1;
	}
	if (status != 200) {
		sync_seterr(s, "%s: HTTP status %ld without a fault", op,
		    status);
		soap_request_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* Is fault a refusal of the session cookie (wsusss.md §4)? */
static bool
cookie_fault(const char *fault)
{
	return strcmp(fault, "InvalidCookie") == 0 ||
	    strcmp(fault, "CookieExpired") == 0;
}

int
sync_call_ss(struct sess *s, const char *op, sync_build_fn build, void *arg,
    struct soap_request **out)
{
	struct buf req;
	struct xmlw w;
	int rc = -1, attempt;

	*out = NULL;
	buf_init(&req, REQ_MAX);
	for (attempt = 0; attempt < 2; attempt++) {
		/* Renew a session cookie about to expire (long runs). */
		if (s->ck_expires > 0 &&
		    (int64_t)time(NULL) > s->ck_expires - COOKIE_RENEW_SECS &&
		    sync_renew(s) != 0)
			break;
		sync_req_begin(&w, &req, NS_SS, op);
		sync_put_cookie(s, &w);
		if (build != NULL)
			build(s, &w, arg);
		if (sync_req_end(s, &w) != 0)
			break;
		if ((rc = sync_call(s, PATH_SS, NS_SS, op, &req, out)) == 0)
			break;
		/* A cookie the upstream no longer takes: authenticate
		 * again and send the call once more. */
		if (attempt > 0 || !cookie_fault(s->fault))
			break;
		log_warnx("sync: %s: fault %s; authenticating again", op,
		    s->fault);
		if (sync_renew(s) != 0) {
			rc = -1;
			break;
		}
	}
	buf_free(&req);
	return rc;
}

/* Start an ASMX envelope and the operation element. */
void
sync_req_begin(struct xmlw *w, struct buf *b, const char *ns, const char *op)
{
	buf_reset(b);
	xmlw_init(w, b, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(w, SOAP_V11);
	xmlw_start(w, op);
	xmlw_attr(w, "xmlns", ns);
}

int
sync_req_end(struct sess *s, struct xmlw *w)
{
	char e[XMLW_ERR_MAX];

	xmlw_envelope_end(w);
	if (xmlw_finish(w, e, sizeof(e)) != 0) {
		sync_seterr(s, "building request: %s", e);
		return -1;
	}
	return 0;
}

/* What a downstream WSUS sends to the reporting service (spec sample 3). */
void
sync_put_dummy_cookie(struct xmlw *w)
{
	xmlw_start(w, "cookie");
	xmlw_elem(w, "Expiration", "9999-12-31T23:59:59.9999999");
	xmlw_elem(w, "EncryptedData", NULL);
	xmlw_end(w);
}

void
sync_put_cookie(struct sess *s, struct xmlw *w)
{
	xmlw_start(w, "cookie");
	xmlw_elem(w, "Expiration", s->ck_exp);
	xmlw_elem(w, "EncryptedData", s->ck_data);
	xmlw_end(w);
}

/* A copy of a possibly absent string ("" for NULL). */
char *
sync_sdup(const char *p)
{
	return xstrdup(p ? p : "");
}

/* The result element: Body/<op>Response/<op>Result. */
const struct soap_node *
sync_result_of(const struct soap_request *r, const char *op)
{
	char name[128];

	snprintf(name, sizeof(name), "%sResult", op);
	return soap_child(r->op, name);
}
