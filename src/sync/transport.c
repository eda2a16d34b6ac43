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
#include <unistd.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SYNC_TRIES	3	/* attempts of one Server Sync call */

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
	struct soap_parse_opts po;
	struct soap_request *r = NULL;
	enum soap_err se;
	long status;
	int tries, prc;

	*out = NULL;
	s->fault[0] = '\0';
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
	 * Transport errors (connection reset, timeout, 502/503 from a proxy)
	 * are retried for the Server Sync calls, which only read; never
	 * when the answer was too large, and never for rollups.
	 */
	for (tries = 0;; tries++) {
		prc = soapclient_post(sc, &c);
		if (prc != 0 && s->o->cancel != NULL &&
		    s->o->cancel(s->o->hook_arg))
			break;		/* cancelled: no retry */
		if (tries + 1 >= SYNC_TRIES || sc->too_large ||
		    strcmp(path, PATH_SS) != 0 ||
		    (prc == 0 && sc->status != 502 && sc->status != 503 &&
		    sc->status != 504))
			break;
		log_warnx("sync: %s: %s; retrying", op, prc != 0 ?
		    sc->error : "upstream busy");
		sleep((unsigned)(tries + 1));
	}
	status = sc->status;
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
	soap_parse_opts_default(&po);
	po.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	po.limits.max_body = sc->body.max < 0x7fffffff ? sc->body.max :
	    0x7fffffff;
	po.limits.max_elements = 4000000;
	po.limits.max_children = 1000000;
	po.limits.max_text = 64u * 1024 * 1024;
	po.limits.max_arena = 1024u * 1024 * 1024;
	po.limits.max_parser_mem = 512u * 1024 * 1024;
	se = soap_request_parse(sc->body.data ? sc->body.data : "",
	    sc->body.len, NULL, NULL, &po, &r, perr, sizeof(perr));
	if (se != SOAP_OK) {
		sync_seterr(s, "%s: unreadable answer (HTTP %ld): %s: %s", op,
		    status, soap_err_name(se), perr);
		return -1;
	}
	if (strcmp(r->op->name, "Fault") == 0) {
		const struct soap_node *ec = find_deep(r->op, "ErrorCode");
		const struct soap_node *fs = find_deep(r->op, "faultstring");
		const struct soap_node *msg = find_deep(r->op, "Message");

		snprintf(s->fault, sizeof(s->fault), "%s",
		    ec ? ec->text : "unknown");
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
