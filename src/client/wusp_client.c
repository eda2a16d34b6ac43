/*
 * wusp_client.c — transport (over src/soapclient: the Windows Update
 * Agent's headers, xpress decoding), statistics, recording and the
 * session with fault recovery.  See wusp_client.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "client/wusp_client.h"
#include "client/xpress.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char *const op_names[WC_NOPS] = {
	"GetConfig", "GetAuthorizationCookie", "GetCookie", "RegisterComputer",
	"StartCategoryScan", "SyncUpdates", "SyncUpdates(drivers)", "GetExtendedUpdateInfo",
	"RefreshCache", "ReportEventBatch", "download", "scan",
};

const char *
wc_op_name(enum wc_op op)
{
	return op < WC_NOPS ? op_names[op] : "?";
}

/* ---- statistics ---------------------------------------------------------- */

#define HIST_STEPS	16.0	/* buckets per doubling */

void
wc_hist_add(struct wc_hist *h, double s)
{
	double us = s * 1e6;
	int b = us <= 1.0 ? 0 : (int)(log2(us) * HIST_STEPS);

	if (b >= WC_HIST_BUCKETS)
		b = WC_HIST_BUCKETS - 1;
	h->buckets[b]++;
	h->count++;
	h->sum += s;
	if (s > h->max)
		h->max = s;
}

double
wc_hist_quantile(const struct wc_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (h->count == 0)
		return 0;
	want = (uint64_t)ceil(q * (double)h->count);
	if (want < 1)
		want = 1;
	for (int b = 0; b < WC_HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= want) {
			/* the middle of the bucket, never above the maximum */
			double v = exp2(((double)b + 0.5) / HIST_STEPS) / 1e6;
			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

void
wc_stats_merge(struct wc_stats *d, const struct wc_stats *s)
{
	for (int i = 0; i < WC_NOPS; i++) {
		d->op[i].count += s->op[i].count;
		d->op[i].sum += s->op[i].sum;
		if (s->op[i].max > d->op[i].max)
			d->op[i].max = s->op[i].max;
		for (int b = 0; b < WC_HIST_BUCKETS; b++)
			d->op[i].buckets[b] += s->op[i].buckets[b];
		d->faults[i] += s->faults[i];
		d->errors[i] += s->errors[i];
	}
	d->bytes_in += s->bytes_in;
	d->bytes_out += s->bytes_out;
	d->recoveries += s->recoveries;
}

/* ---- connection ------------------------------------------------------------ */

static void
new_cv(struct wc_conn *c)
{
	uint8_t r[12];
	char b64[17];

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0x5a, sizeof(r));
	base64_encode(r, sizeof(r), b64);
	snprintf(c->cv, sizeof(c->cv), "%s", b64);
	c->cvn = 0;
}

int
wc_conn_init(struct wc_conn *c, const struct wc_opts *o, struct wc_stats *st,
    char *err, size_t errlen)
{
	struct soapclient_opts so;

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->stats = st;
	memset(&so, 0, sizeof(so));
	so.user_agent = o->user_agent ? o->user_agent : WC_USER_AGENT;
	so.timeout = o->timeout > 0 ? o->timeout : 60L;
	so.connect_timeout = 30L;
	so.insecure = o->insecure;
	so.cacert = o->cacert;
	so.max_response = WMSG_MAX_RESPONSE;
	so.record_dir = o->record_dir;
	so.record_width = 4;
	so.record_encoding = true;
	if (soapclient_init(&c->sc, &so, err, errlen) != 0) {
		snprintf(err, errlen, "libcurl: no easy handle");
		return -1;
	}
	buf_init(&c->decoded, WMSG_MAX_RESPONSE);
	new_cv(c);
	if (o->record_dir != NULL && mkdir_p(o->record_dir, 0755) != 0) {
		snprintf(err, errlen, "%s: %s", o->record_dir, strerror(errno));
		wc_conn_free(c);
		return -1;
	}
	return 0;
}

void
wc_conn_free(struct wc_conn *c)
{
	soapclient_free(&c->sc);
	buf_free(&c->decoded);
	memset(c, 0, sizeof(*c));
}

void
wc_conn_reset(struct wc_conn *c)
{
	if (soapclient_reset(&c->sc) != 0)
		fatalx("libcurl: no easy handle");
	new_cv(c);
}

enum wmsg_rc
wc_post(struct wc_conn *c, enum wc_op op, const char *url, const char *action,
    const struct buf *body, struct soap_request **resp,
    struct wmsg_fault *fault, char *err, size_t errlen)
{
	/* the order of the Windows Update Agent's headers */
	const char *hdrs[12];
	struct soapclient_call call;
	struct soapclient *sc = &c->sc;
	char cv[64];
	const char *data;
	size_t len, nh = 0;
	int prc;
	enum wmsg_rc r;

	*resp = NULL;
	memset(fault, 0, sizeof(*fault));
	hdrs[nh++] = "Cache-Control: no-cache";
	hdrs[nh++] = "Connection: Keep-Alive";
	hdrs[nh++] = "Pragma: no-cache";
	hdrs[nh++] = "Content-Type";
	if (c->o->xpress)
		hdrs[nh++] = "Accept-Encoding: xpress";
	hdrs[nh++] = "SOAPAction";
	if (strstr(url, "/ClientWebService/") != NULL) {
		snprintf(cv, sizeof(cv), "MS-CV: %s.1.0.0.%u", c->cv, ++c->cvn);
		hdrs[nh++] = cv;
	}
	hdrs[nh++] = "Accept:";
	hdrs[nh++] = "Expect:";
	hdrs[nh] = NULL;
	memset(&call, 0, sizeof(call));
	call.url = url;
	call.action = action;
	call.version = SOAP_V11;
	call.name = op_names[op];
	call.body = body->data;
	call.len = body->len;
	call.headers = hdrs;
	prc = soapclient_post(sc, &call);
	if (c->stats != NULL) {
		wc_hist_add(&c->stats->op[op], sc->seconds);
		c->stats->bytes_out += body->len;
		c->stats->bytes_in += sc->body.len;
	}
	if (prc != 0) {
		snprintf(err, errlen, "%s %s: %s", op_names[op], url,
		    sc->too_large ? "answer larger than the limit" :
		    sc->error);
		goto error;
	}
	data = sc->body.data ? sc->body.data : "";
	len = sc->body.len;
	if (strcasecmp(sc->encoding, "xpress") == 0) {
		buf_reset(&c->decoded);
		if (xpress_decode((const uint8_t *)data, len, &c->decoded, err,
		    errlen) == -1)
			goto error;
		data = c->decoded.data ? c->decoded.data : "";
		len = c->decoded.len;
	} else if (sc->encoding[0] != '\0' &&
	    strcasecmp(sc->encoding, "identity") != 0) {
		snprintf(err, errlen, "%s: unexpected Content-Encoding '%s'",
		    op_names[op], sc->encoding);
		goto error;
	}
	if (c->o->record_dir != NULL) {
		soapclient_record_request(sc, &call);
		soapclient_record_response(sc, &call, "response.xml", data, len,
		    false);
		soapclient_record_response(sc, &call, "response.raw",
		    sc->body.data, sc->body.len, true);
	}
	if (sc->status != 200 && sc->status != 500) {
		snprintf(err, errlen, "%s %s: HTTP status %ld", op_names[op],
		    url, sc->status);
		goto error;
	}
	r = wmsg_parse(data, len, resp, fault, err, errlen);
	if (r == WMSG_FAULT) {
		fault->http_status = (int)sc->status;
		if (c->stats != NULL)
			c->stats->faults[op]++;
		if (c->o->verbose > 0)
			fprintf(stderr, "wsus-client: %s: fault %s (%s)\n",
			    op_names[op], fault->code[0] ? fault->code : "-",
			    fault->message);
		return r;
	}
	if (r == WMSG_ERR) {
		char e2[512];
		snprintf(e2, sizeof(e2), "%s: bad answer (HTTP %ld): %s",
		    op_names[op], sc->status, err);
		snprintf(err, errlen, "%s", e2);
		goto error;
	}
	if (sc->status != 200) {
		soap_request_free(*resp);
		*resp = NULL;
		snprintf(err, errlen, "%s: HTTP status %ld without a fault",
		    op_names[op], sc->status);
		goto error;
	}
	return WMSG_OK;
error:
	if (c->stats != NULL)
		c->stats->errors[op]++;
	return WMSG_ERR;
}

/* ---- session ------------------------------------------------------------------ */

void
wc_session_init(struct wc_session *s, struct wc_conn *c, struct machine *m,
    const char *client_id)
{
	const struct wc_opts *o = c->o;
	const char *status = o->status_server ? o->status_server : o->server;

	memset(s, 0, sizeof(*s));
	s->conn = c;
	s->o = o;
	s->m = m;
	snprintf(s->client_id, sizeof(s->client_id), "%s", client_id);
	s->client_url = xasprintf("%s/ClientWebService/client.asmx", o->server);
	s->report_url = xasprintf("%s/ReportingWebService/"
	    "ReportingWebService.asmx", status);
	s->device_attributes = wmsg_device_attributes(m, o->server);
	if (m->ntarget_groups > 0) {
		struct buf b;
		buf_init(&b, 65536);
		for (size_t i = 0; i < m->ntarget_groups; i++) {
			if (i > 0)
				buf_putc(&b, ';');
			buf_puts(&b, m->target_groups[i]);
		}
		if (!b.failed)
			s->target_groups = buf_steal(&b, NULL);
		buf_free(&b);
	}
}

void
wc_session_free(struct wc_session *s)
{
	free(s->client_url);
	free(s->auth_url);
	free(s->report_url);
	free(s->device_attributes);
	free(s->target_groups);
	wmsg_config_free(&s->cfg);
	free(s->plugin_id);
	free(s->auth_data);
	wmsg_cookie_free(&s->cookie);
	memset(s, 0, sizeof(*s));
}

/* One call without recovery (the handshake calls themselves). */
static int
plain_call(struct wc_session *s, enum wc_op op, const char *url,
    const char *action, const struct buf *body, struct soap_request **resp,
    char *err, size_t errlen)
{
	enum wmsg_rc r;

	s->calls++;
	r = wc_post(s->conn, op, url, action, body, resp, &s->last_fault, err,
	    errlen);
	if (r == WMSG_FAULT) {
		snprintf(err, errlen, "%s: SOAP fault %s%s%s", wc_op_name(op),
		    s->last_fault.code[0] ? s->last_fault.code : "(no ErrorCode)",
		    s->last_fault.message[0] ? ": " : "", s->last_fault.message);
		return WMSG_FAULT;
	}
	return r;
}

static int
get_config(struct wc_session *s, char *err, size_t errlen)
{
	struct buf b;
	struct soap_request *r;
	int rc;

	buf_init(&b, 1 << 16);
	wmsg_get_config(&b, s->m->protocol_version);
	rc = plain_call(s, WC_GET_CONFIG, s->client_url,
	    WC_ACTION_CLIENT("GetConfig"), &b, &r, err, errlen);
	buf_free(&b);
	if (rc != WMSG_OK)
		return -1;
	wmsg_config_free(&s->cfg);
	rc = wmsg_read_config(r, &s->cfg, err, errlen);
	soap_request_free(r);
	if (rc == -1)
		return -1;
	if (s->cfg.nproperties == 0 ||
	    strcmp(s->cfg.plugin_id, "SimpleTargeting") != 0) {
		/* what Windows needs: see wusp.md §10 */
		snprintf(err, errlen, "GetConfig: plug-in '%s' with %u "
		    "properties; Windows needs SimpleTargeting and the "
		    "properties of wusp.md §10", s->cfg.plugin_id,
		    s->cfg.nproperties);
		return -1;
	}
	free(s->auth_url);
	if (strncmp(s->cfg.service_url, "http://", 7) == 0 ||
	    strncmp(s->cfg.service_url, "https://", 8) == 0)
		s->auth_url = xstrdup(s->cfg.service_url);
	else
		s->auth_url = xasprintf("%s/%s", s->o->server,
		    s->cfg.service_url[0] == '/' ? s->cfg.service_url + 1 :
		    s->cfg.service_url);
	s->have_config = true;
	return 0;
}

static int
get_auth(struct wc_session *s, char *err, size_t errlen)
{
	struct buf b;
	struct soap_request *r;
	int rc;

	buf_init(&b, 1 << 16);
	wmsg_get_auth_cookie(&b, s->client_id, s->target_groups,
	    s->m->dns_name);
	rc = plain_call(s, WC_GET_AUTH, s->auth_url, WC_ACTION_AUTH, &b, &r,
	    err, errlen);
	buf_free(&b);
	if (rc != WMSG_OK)
		return -1;
	free(s->plugin_id);
	free(s->auth_data);
	s->plugin_id = s->auth_data = NULL;
	rc = wmsg_read_auth_cookie(r, &s->plugin_id, &s->auth_data, err,
	    errlen);
	soap_request_free(r);
	return rc;
}

static int
get_cookie(struct wc_session *s, char *err, size_t errlen)
{
	struct buf b;
	struct soap_request *r;
	struct wmsg_cookie c;
	char now[40];
	int rc;

	wmsg_time_now(now, false);
	buf_init(&b, 1 << 17);
	wmsg_get_cookie(&b, s->plugin_id, s->auth_data,
	    s->cookie.data ? &s->cookie : NULL, s->cfg.last_change, now,
	    s->m->protocol_version);
	rc = plain_call(s, WC_GET_COOKIE, s->client_url,
	    WC_ACTION_CLIENT("GetCookie"), &b, &r, err, errlen);
	buf_free(&b);
	if (rc != WMSG_OK)
		return -1;
	rc = wmsg_read_cookie(r, &c, err, errlen);
	soap_request_free(r);
	if (rc == -1)
		return -1;
	if (wmsg_time_parse(c.expiration) <= time(NULL)) {
		snprintf(err, errlen, "GetCookie: the new cookie expires at "
		    "%s, which is not in the future", c.expiration);
		wmsg_cookie_free(&c);
		return -1;
	}
	wmsg_cookie_free(&s->cookie);
	s->cookie = c;
	return 0;
}

static int
register_computer(struct wc_session *s, char *err, size_t errlen)
{
	struct buf b;
	struct soap_request *r;
	int rc;

	buf_init(&b, 1 << 17);
	wmsg_register_computer(&b, &s->cookie, s->m);
	rc = plain_call(s, WC_REGISTER, s->client_url,
	    WC_ACTION_CLIENT("RegisterComputer"), &b, &r, err, errlen);
	buf_free(&b);
	if (rc != WMSG_OK)
		return -1;
	rc = wmsg_read_register(r, err, errlen);
	soap_request_free(r);
	if (rc == 0)
		s->registered = true;
	return rc;
}

/* GetAuthorizationCookie + GetCookie (the old cookie is passed on). */
static int
reauth(struct wc_session *s, char *err, size_t errlen)
{
	if (get_auth(s, err, errlen) == -1 || get_cookie(s, err, errlen) == -1)
		return -1;
	return 0;
}

int
wc_handshake(struct wc_session *s, char *err, size_t errlen)
{
	wmsg_cookie_free(&s->cookie);
	s->registered = false;
	if (get_config(s, err, errlen) == -1 || reauth(s, err, errlen) == -1)
		return -1;
	if (s->cfg.registration_required &&
	    register_computer(s, err, errlen) == -1)
		return -1;
	return 0;
}

static void
backoff(unsigned attempt)
{
	struct timespec ts = { 0, 200000000L * (long)(attempt + 1) };

	nanosleep(&ts, NULL);
}

#define WC_ATTEMPTS	4

int
wc_call(struct wc_session *s, enum wc_op op, const char *url,
    const char *action, wc_build_fn build, void *arg, bool ids_in_body,
    struct soap_request **resp, char *err, size_t errlen)
{
	struct buf b;
	struct wmsg_fault fault;
	int rc = WMSG_ERR;

	*resp = NULL;
	memset(&fault, 0, sizeof(fault));
	buf_init(&b, 256u * 1024 * 1024);
	for (unsigned attempt = 0; attempt < WC_ATTEMPTS; attempt++) {
		const char *code;
		bool remap = false;

		/* a cookie past its clear-text expiry is renewed first */
		if (s->cookie.expiration != NULL &&
		    wmsg_time_parse(s->cookie.expiration) <= time(NULL)) {
			if (reauth(s, err, errlen) == -1)
				goto done;
			s->recoveries++;
		}
		buf_reset(&b);
		if (build(&b, arg, s) == -1 || b.failed) {
			snprintf(err, errlen, "%s: request too large",
			    wc_op_name(op));
			goto done;
		}
		s->calls++;
		rc = wc_post(s->conn, op, url, action, &b, resp, &fault, err,
		    errlen);
		if (rc != WMSG_FAULT)
			goto done;
		/* recovery calls overwrite last_fault; keep this one */
		s->last_fault = fault;
		code = fault.code;
		if (strcmp(code, "CookieExpired") == 0) {
			if (reauth(s, err, errlen) == -1)
				goto fail;
		} else if (strcmp(code, "ConfigChanged") == 0) {
			if (get_config(s, err, errlen) == -1 ||
			    reauth(s, err, errlen) == -1)
				goto fail;
		} else if (strcmp(code, "InvalidCookie") == 0 ||
		    strcmp(code, "ServerChanged") == 0) {
			if (wc_handshake(s, err, errlen) == -1)
				goto fail;
			remap = ids_in_body;
		} else if (strcmp(code, "RegistrationRequired") == 0) {
			if (register_computer(s, err, errlen) == -1)
				goto fail;
		} else if (strcmp(code, "ServerBusy") == 0 ||
		    strcmp(code, "InternalServerError") == 0) {
			backoff(attempt);
		} else
			break;
		s->recoveries++;
		if (s->conn->stats != NULL)
			s->conn->stats->recoveries++;
		if (s->o->verbose > 0)
			fprintf(stderr, "wsus-client: %s: recovered from %s\n",
			    wc_op_name(op), code);
		if (remap) {
			rc = WC_REMAP;
			goto done;
		}
	}
	s->last_fault = fault;
	snprintf(err, errlen, "%s: SOAP fault %s%s%s", wc_op_name(op),
	    fault.code[0] ? fault.code : "(no ErrorCode)",
	    fault.message[0] ? ": " : "", fault.message);
	rc = WMSG_FAULT;
	goto done;
fail:
	rc = WMSG_ERR;
done:
	buf_free(&b);
	return rc;
}
