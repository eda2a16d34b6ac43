/*
 * soapclient.c — the libcurl SOAP client shared by the sync engine and
 * wsus-client; see soapclient.h.  No protocol here: what an answer means
 * is the caller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "soapclient/soapclient.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/log.h"

#define HDR_MAX		1024	/* one header line we build */
#define PATH_MAX_REC	4096	/* a recording's file name */

void
soapclient_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct soapclient *sc = arg;

	if (buf_append(&sc->body, p, sz * n) != 0)
		return 0;	/* over the bound: curl aborts the transfer */
	return sz * n;
}

/* Keep the Content-Encoding and Retry-After of the last answer (reset
 * per status line). */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct soapclient *sc = arg;
	size_t len = size * n;

	if (soapclient_header_value(p, len, "Content-Encoding:", sc->encoding,
	    sizeof(sc->encoding)) == SOAPCLIENT_HDR_STATUS)
		sc->encoding[0] = '\0';
	if (soapclient_header_value(p, len, "Retry-After:", sc->retry_after,
	    sizeof(sc->retry_after)) == SOAPCLIENT_HDR_STATUS)
		sc->retry_after[0] = '\0';
	return len;
}

enum soapclient_hdr
soapclient_header_value(const char *line, size_t len, const char *name,
    char *out, size_t outlen)
{
	size_t nlen = strlen(name), vlen;
	const char *v;

	if (len >= 5 && memcmp(line, "HTTP/", 5) == 0)
		return SOAPCLIENT_HDR_STATUS;
	if (len < nlen || strncasecmp(line, name, nlen) != 0)
		return SOAPCLIENT_HDR_OTHER;
	v = line + nlen;
	vlen = len - nlen;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
	    v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen >= outlen)
		vlen = outlen - 1;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return SOAPCLIENT_HDR_MATCH;
}

/* CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer. */
static int
on_xferinfo(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	const struct soapclient *sc = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return sc->o.abort(sc->o.abort_arg) ? 1 : 0;
}

static void
easy_setup(struct soapclient *sc)
{
	CURL *e = sc->easy;
	const struct soapclient_opts *o = &sc->o;

	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (o->user_agent != NULL)
		curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout > 0 ? o->timeout :
	    SOAPCLIENT_TIMEOUT_DEFAULT);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout > 0 ?
	    o->connect_timeout : SOAPCLIENT_CONNECT_TIMEOUT);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	if (o->tcp_keepalive)
		curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, sc);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, sc);
	if (o->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o->cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
	if (o->tls_min != 0)
		curl_easy_setopt(e, CURLOPT_SSLVERSION, o->tls_min);
	if (o->proxy != NULL)
		curl_easy_setopt(e, CURLOPT_PROXY, o->proxy);
	if (o->proxy_user != NULL)
		curl_easy_setopt(e, CURLOPT_PROXYUSERNAME, o->proxy_user);
	if (o->proxy_password != NULL)
		curl_easy_setopt(e, CURLOPT_PROXYPASSWORD, o->proxy_password);
	if (o->client_cert != NULL)
		curl_easy_setopt(e, CURLOPT_SSLCERT, o->client_cert);
	if (o->client_key != NULL)
		curl_easy_setopt(e, CURLOPT_SSLKEY, o->client_key);
	if (o->http_user != NULL) {
		/* Basic only: sent with the first request, never on plain
		 * redirects to other hosts (libcurl's default) */
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, o->http_user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, o->http_password != NULL ?
		    o->http_password : "");
	}
	if (o->abort != NULL) {
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, sc);
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}
}

int
soapclient_init(struct soapclient *sc, const struct soapclient_opts *o,
    char *err, size_t errlen)
{
	memset(sc, 0, sizeof(*sc));
	sc->o = *o;
	if (sc->o.record_width < 1 || sc->o.record_width > 9)
		sc->o.record_width = 3;
	if ((sc->easy = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	buf_init(&sc->body, o->max_response > 0 ? o->max_response :
	    SOAPCLIENT_MAX_RESPONSE_DEFAULT);
	easy_setup(sc);
	return 0;
}

void
soapclient_free(struct soapclient *sc)
{
	if (sc->easy != NULL)
		curl_easy_cleanup(sc->easy);
	buf_free(&sc->body);
	memset(sc, 0, sizeof(*sc));
}

void
soapclient_set_login(struct soapclient *sc, const char *user,
    const char *password)
{
	sc->o.http_user = user;
	sc->o.http_password = password;
	if (sc->easy != NULL)
		easy_setup(sc);
}

int
soapclient_reset(struct soapclient *sc)
{
	/* a fresh handle has no cached connection */
	if (sc->easy != NULL)
		curl_easy_cleanup(sc->easy);
	if ((sc->easy = curl_easy_init()) == NULL)
		return -1;
	easy_setup(sc);
	return 0;
}

/* Append one header line; the list stays NULL on failure (curl's rule). */
static int
add_header(struct curl_slist **h, const char *line)
{
	struct curl_slist *n;

	if ((n = curl_slist_append(*h, line)) == NULL)
		return -1;
	*h = n;
	return 0;
}

/* The Content-Type and SOAPAction lines of a call's SOAP version. */
static void
style_headers(const struct soapclient_call *c, char *ct, size_t ctlen,
    char *act, size_t actlen)
{
	if (c->version == SOAP_V12) {
		/* SOAP 1.2 carries the action in the media type. */
		snprintf(ct, ctlen, "Content-Type: application/soap+xml; "
		    "charset=utf-8; action=\"%s\"", c->action);
		act[0] = '\0';
	} else {
		snprintf(ct, ctlen, "Content-Type: %s", SOAP_CT_V11);
		snprintf(act, actlen, "SOAPAction: \"%s\"", c->action);
	}
}

static struct curl_slist *
build_headers(const struct soapclient_call *c)
{
	char ct[HDR_MAX], act[HDR_MAX];
	struct curl_slist *h = NULL;
	bool have_ct = false, have_act = false;
	size_t i;
	int rc = 0;

	style_headers(c, ct, sizeof(ct), act, sizeof(act));
	for (i = 0; c->headers != NULL && c->headers[i] != NULL; i++) {
		if (strcmp(c->headers[i], "Content-Type") == 0)
			have_ct = true;
		else if (strcmp(c->headers[i], "SOAPAction") == 0)
			have_act = true;
	}
	if (!have_ct)
		rc |= add_header(&h, ct);
	if (!have_act && act[0] != '\0')
		rc |= add_header(&h, act);
	for (i = 0; c->headers != NULL && c->headers[i] != NULL; i++) {
		const char *line = c->headers[i];

		if (strcmp(line, "Content-Type") == 0)
			line = ct;
		else if (strcmp(line, "SOAPAction") == 0) {
			if (act[0] == '\0')
				continue;
			line = act;
		}
		rc |= add_header(&h, line);
	}
	if (rc != 0) {
		curl_slist_free_all(h);
		return NULL;
	}
	return h;
}

int
soapclient_post(struct soapclient *sc, const struct soapclient_call *c)
{
	struct curl_slist *h;
	CURLcode rc;
	double t0;

	buf_reset(&sc->body);
	sc->encoding[0] = '\0';
	sc->retry_after[0] = '\0';
	sc->status = 0;
	sc->seconds = 0;
	sc->too_large = false;
	sc->error[0] = '\0';
	if ((h = build_headers(c)) == NULL) {
		snprintf(sc->error, sizeof(sc->error), "out of memory");
		return -1;
	}
	curl_easy_setopt(sc->easy, CURLOPT_URL, c->url);
	curl_easy_setopt(sc->easy, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(sc->easy, CURLOPT_POSTFIELDS, c->body);
	curl_easy_setopt(sc->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)c->len);
	t0 = clock_mono();
	rc = curl_easy_perform(sc->easy);
	sc->seconds = clock_mono() - t0;
	curl_easy_setopt(sc->easy, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	curl_easy_getinfo(sc->easy, CURLINFO_RESPONSE_CODE, &sc->status);
	sc->posts++;
	sc->bytes_out += c->len;
	sc->bytes_in += sc->body.len;
	if (rc != CURLE_OK) {
		sc->too_large = sc->body.failed != 0;
		if (sc->too_large)
			snprintf(sc->error, sizeof(sc->error),
			    "answer larger than %zu bytes", sc->body.max);
		else
			snprintf(sc->error, sizeof(sc->error), "%s",
			    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* ---- recording ----------------------------------------------------------- */

static void
record_file(struct soapclient *sc, const char *name, const char *suffix,
    const void *data, size_t len)
{
	char path[PATH_MAX_REC];

	snprintf(path, sizeof(path), "%s/%0*u-%s.%s", sc->o.record_dir,
	    sc->o.record_width, sc->record_seq, name, suffix);
	if (write_file_atomic(path, data != NULL ? data : "", len, 0644) != 0)
		log_warn("soapclient: recording %s", path);
}

void
soapclient_record_request(struct soapclient *sc,
    const struct soapclient_call *c)
{
	if (sc->o.record_dir == NULL)
		return;
	sc->record_seq++;
	record_file(sc, c->name, "request.xml", c->body, c->len);
}

/* The path of an absolute URL ("/" when it has none). */
static const char *
url_path(const char *url)
{
	const char *p = strstr(url, "://");

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	return p != NULL ? p : "/";
}

void
soapclient_record_response(struct soapclient *sc,
    const struct soapclient_call *c, const char *suffix, const void *data,
    size_t len, bool index)
{
	char path[PATH_MAX_REC], line[8192];
	int fd, n;

	if (sc->o.record_dir == NULL)
		return;
	record_file(sc, c->name, suffix != NULL ? suffix : "response.xml",
	    data, len);
	if (!index)
		return;
	snprintf(path, sizeof(path), "%s/index.tsv", sc->o.record_dir);
	if (sc->o.record_encoding)
		n = snprintf(line, sizeof(line), "%0*u\t%s\t%s\t%s\t%ld\t%s\n",
		    sc->o.record_width, sc->record_seq, c->name,
		    url_path(c->url), c->action, sc->status,
		    sc->encoding[0] ? sc->encoding : "identity");
	else
		n = snprintf(line, sizeof(line), "%0*u\t%s\t%s\t%s\t%ld\n",
		    sc->o.record_width, sc->record_seq, c->name,
		    url_path(c->url), c->action, sc->status);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("soapclient: recording %s", path);
		return;
	}
	if (write(fd, line, (size_t)n) != n)
		log_warn("soapclient: recording %s", path);
	close(fd);
}
