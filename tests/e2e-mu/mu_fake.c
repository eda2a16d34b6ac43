/*
 * mu_fake.c — the local Microsoft Update of tests/e2e-mu (mu_fake.h):
 * libmicrohttpd over GnuTLS with a priority string that leaves out every
 * protocol below TLS 1.2, as Microsoft Update does (wsusss.md §13).
 *
 * Answers are WCF-shaped (s: envelope prefix, the i: namespace declared,
 * nil elements as i:nil) like the captured Microsoft Update GetConfigData;
 * faults carry their code in the faultstring (the reason text upsync
 * matches the codes in, wsusss.md §14.1), not in a detail ErrorCode.
 * Not a WSUS: nothing is filtered or stored; the test reads the record.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "mu_fake.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define TLS_PRIO	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define REQ_BODY_MAX	(4u << 20)
#define ENV_HEAD	"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/" \
	"soap/envelope/\"><s:Body>"
#define ENV_TAIL	"</s:Body></s:Envelope>"
#define NS_SS		"http://www.microsoft.com/SoftwareDistribution"
#define NS_I		"http://www.w3.org/2001/XMLSchema-instance"

static pthread_mutex_t mu_lock = PTHREAD_MUTEX_INITIALIZER;

/* src appended to the string dst of size dstlen, cut to fit */
static void
append(char *dst, const char *src, size_t dstlen)
{
	size_t n = strlen(dst);

	if (n + 1 < dstlen)
		snprintf(dst + n, dstlen - n, "%s", src);
}

void
mu_anchor(int run, char *out, size_t outlen)
{
	snprintf(out, outlen, "%d,2026-10-06 0%d:00:00.000", 4000 + run,
	    run % 10);
}

/* The run an anchor we gave names (0: none or not ours). */
static int
anchor_run(const char *body)
{
	const char *p = strstr(body, "<Anchor>");
	long n;

	if (p == NULL)
		return 0;
	n = strtol(p + 8, NULL, 10) - 4000;
	return n > 0 && n < 100 ? (int)n : 0;
}

/* text with &, < and > escaped, appended to b */
static void
put_escaped(struct buf *b, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '&')
			buf_puts(b, "&amp;");
		else if (*text == '<')
			buf_puts(b, "&lt;");
		else if (*text == '>')
			buf_puts(b, "&gt;");
		else
			buf_append(b, text, 1);
	}
}

static char *
fault(const char *code, int *status)
{
	struct buf b;

	*status = 500;
	buf_init(&b, 4096);
	buf_printf(&b, ENV_HEAD "<s:Fault><faultcode>s:Client</faultcode>"
	    "<faultstring xml:lang=\"en-US\">%s</faultstring></s:Fault>"
	    ENV_TAIL, code);
	return buf_steal(&b, NULL);
}

static char *
revision_list(struct mu_fake *f, const char *body)
{
	bool config = strstr(body, "<GetConfig>true</GetConfig>") != NULL;
	int from = anchor_run(body);
	char anchor[64];
	struct buf b;

	mu_anchor(f->run, anchor, sizeof(anchor));
	buf_init(&b, 1 << 20);
	buf_printf(&b, ENV_HEAD "<GetRevisionIdListResponse xmlns=\"" NS_SS
	    "\" xmlns:i=\"" NS_I "\"><GetRevisionIdListResult><Anchor>%s"
	    "</Anchor><NewRevisions>", anchor);
	for (size_t i = 0; i < f->ndocs; i++) {
		const struct mu_doc *d = &f->docs[i];

		if (d->config != config || d->since <= from ||
		    d->since > f->run)
			continue;
		buf_printf(&b, "<UpdateIdentity><UpdateID>%s</UpdateID>"
		    "<RevisionNumber>%d</RevisionNumber></UpdateIdentity>",
		    d->id, d->rev);
	}
	buf_puts(&b, "</NewRevisions></GetRevisionIdListResult>"
	    "</GetRevisionIdListResponse>" ENV_TAIL);
	return buf_steal(&b, NULL);
}

static char *
update_data(struct mu_fake *f, const char *body)
{
	struct buf b;
	size_t i;

	buf_init(&b, 8u << 20);
	buf_puts(&b, ENV_HEAD "<GetUpdateDataResponse xmlns=\"" NS_SS
	    "\" xmlns:i=\"" NS_I "\"><GetUpdateDataResult><updates>");
	for (i = 0; i < f->ndocs; i++) {
		const struct mu_doc *d = &f->docs[i];

		if (strstr(body, d->id) == NULL)
			continue;
		buf_printf(&b, "<ServerSyncUpdateData><Id><UpdateID>%s"
		    "</UpdateID><RevisionNumber>%d</RevisionNumber></Id>"
		    "<XmlUpdateBlob>", d->id, d->rev);
		put_escaped(&b, d->xml);
		buf_puts(&b, "</XmlUpdateBlob>");
		if (d->digest != NULL)
			buf_printf(&b, "<FileDigestList><base64Binary>%s"
			    "</base64Binary></FileDigestList>", d->digest);
		else
			buf_puts(&b, "<FileDigestList i:nil=\"true\"/>");
		buf_puts(&b, "</ServerSyncUpdateData>");
	}
	buf_puts(&b, "</updates><fileUrls>");
	for (i = 0; i < f->ndocs; i++) {
		const struct mu_doc *d = &f->docs[i];

		if (strstr(body, d->id) == NULL || d->digest == NULL)
			continue;
		buf_printf(&b, "<ServerSyncUrlData><FileDigest>%s</FileDigest>"
		    "<MUUrl>%s</MUUrl><UssUrl i:nil=\"true\"/>"
		    "</ServerSyncUrlData>", d->digest, d->muurl);
	}
	buf_puts(&b, "</fileUrls></GetUpdateDataResult>"
	    "</GetUpdateDataResponse>" ENV_TAIL);
	return buf_steal(&b, NULL);
}

/* The answer to a POST of op at path; *status set.  Malloc'd. */
static char *
soap_answer(struct mu_fake *f, const char *op, const char *path,
    const char *body, int *status)
{
	*status = 200;
	if (strcmp(op, "GetAuthorizationCookie") == 0 &&
	    strcmp(path, MU_AUTH_PATH) == 0)
		return xstrdup(ENV_HEAD "<GetAuthorizationCookieResponse "
		    "xmlns=\"http://www.microsoft.com/SoftwareDistribution/"
		    "Server/DssAuthWebService\" xmlns:i=\"" NS_I "\">"
		    "<GetAuthorizationCookieResult><PlugInId>DssTargeting"
		    "</PlugInId><CookieData>bXUtYXV0aG9yaXphdGlvbg=="
		    "</CookieData>"
		    "</GetAuthorizationCookieResult>"
		    "</GetAuthorizationCookieResponse>" ENV_TAIL);
	/* the rollup a site tries after each run (wsusss.md §11):
	 * Microsoft Update takes none */
	if (strcmp(path, MU_REPORTING_PATH) == 0) {
		f->reporting++;
		if (f->reporting_404) {
			*status = 404;
			return xstrdup("not found");
		}
		return fault("InternalServerError", status);
	}
	if (strcmp(path, MU_SS_PATH) != 0)
		goto refuse;
	if (strcmp(op, "GetAuthConfig") == 0)
		return xstrdup(ENV_HEAD "<GetAuthConfigResponse xmlns=\"" NS_SS
		    "\" xmlns:i=\"" NS_I "\"><GetAuthConfigResult><AuthInfo>"
		    "<AuthPlugInInfo><Parameter i:nil=\"true\"/><PlugInID>"
		    "DssTargeting</PlugInID><ServiceUrl>DssAuthWebService/"
		    "DssAuthWebService.asmx</ServiceUrl></AuthPlugInInfo>"
		    "</AuthInfo><LastChange>2026-10-06T00:00:00Z</LastChange>"
		    "</GetAuthConfigResult></GetAuthConfigResponse>" ENV_TAIL);
	if (strcmp(op, "GetCookie") == 0) {
		if (strstr(body, "bXUtYXV0aG9yaXphdGlvbg==") == NULL)
			return fault("InvalidAuthorizationCookie", status);
		if (f->authcookie_faults > 0) {
			f->authcookie_faults--;
			return fault(f->fault_text != NULL ? f->fault_text :
			    "InvalidAuthorizationCookie", status);
		}
		return xstrdup(ENV_HEAD "<GetCookieResponse xmlns=\"" NS_SS
		    "\" xmlns:i=\"" NS_I "\"><GetCookieResult><Expiration>"
		    "2099-01-01T00:00:00Z</Expiration><EncryptedData>"
		    "bXUtc2Vzc2lvbg==</EncryptedData></GetCookieResult>"
		    "</GetCookieResponse>" ENV_TAIL);
	}
	/* every other call carries the session cookie */
	if (strstr(body, "bXUtc2Vzc2lvbg==") == NULL)
		return fault("InvalidCookie", status);
	if (strcmp(op, "GetConfigData") == 0)
		return xstrdup(f->config_answer);
	if (strcmp(op, "GetRevisionIdList") == 0)
		return revision_list(f, body);
	if (strcmp(op, "GetUpdateData") == 0)
		return update_data(f, body);
refuse:
	/* GetDeployments, DownloadFiles, drivers, anything else */
	f->refused++;
	return fault("InternalServerError", status);
}

struct conn {
	struct buf	 body;
};

static void
record(struct mu_fake *f, const char *op, const char *path, const char *body)
{
	struct mu_req *r;

	if (f->nreq >= MU_MAX_REQ)
		return;
	r = &f->req[f->nreq++];
	snprintf(r->op, sizeof(r->op), "%s", op);
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->body = xstrdup(body);
}

static enum MHD_Result
reply(struct MHD_Connection *c, int status, char *text, const char *ctype)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), text,
	    MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", ctype);
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
mu_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct mu_fake *f = cls;
	struct conn *k = *con_cls;
	const char *sa, *op;
	char action[128], *ans;
	int status;

	(void)version;
	if (k == NULL) {
		k = xcalloc(1, sizeof(*k));
		buf_init(&k->body, REQ_BODY_MAX);
		*con_cls = k;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		buf_append(&k->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&mu_lock);
	if (strcmp(method, "POST") != 0) {
		char what[200];

		snprintf(what, sizeof(what), "%s %s", method, url);
		record(f, what, url, "");
		f->refused++;
		pthread_mutex_unlock(&mu_lock);
		return reply(c, 404, xstrdup("not here"), "text/plain");
	}
	sa = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "SOAPAction");
	snprintf(action, sizeof(action), "%s", sa != NULL ? sa : "");
	action[strcspn(action, "\"")] = '\0';
	if (action[0] == '\0' && sa != NULL && sa[0] == '"')
		snprintf(action, sizeof(action), "%s", sa + 1);
	action[strcspn(action, "\"")] = '\0';
	op = strrchr(action, '/') != NULL ? strrchr(action, '/') + 1 : action;
	record(f, op, url, k->body.data != NULL ? k->body.data : "");
	ans = soap_answer(f, op, url, k->body.data != NULL ? k->body.data : "",
	    &status);
	pthread_mutex_unlock(&mu_lock);
	return reply(c, status, ans, "text/xml; charset=utf-8");
}

static enum MHD_Result
dl_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct mu_fake *f = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	const struct mu_file *file = NULL;

	(void)version;
	(void)upload;
	(void)upload_size;
	if (*con_cls == NULL) {
		*con_cls = f;
		return MHD_YES;
	}
	pthread_mutex_lock(&mu_lock);
	f->dl_gets++;
	if (strlen(f->dl_paths) + strlen(url) + 2 < sizeof(f->dl_paths)) {
		append(f->dl_paths, f->dl_paths[0] ? " " : "",
		    sizeof(f->dl_paths));
		append(f->dl_paths, url, sizeof(f->dl_paths));
	}
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].path, url) == 0)
			file = &f->files[i];
	pthread_mutex_unlock(&mu_lock);
	if (file == NULL || (strcmp(method, "GET") != 0 &&
	    strcmp(method, "HEAD") != 0))
		return reply(c, 404, xstrdup("no such file"), "text/plain");
	r = MHD_create_response_from_buffer(file->len, (void *)file->data,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/octet-stream");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct conn *k = *con_cls;

	(void)c;
	(void)why;
	if (k != NULL && k != cls) {
		buf_free(&k->body);
		free(k);
	}
	*con_cls = NULL;
}

static void *
start_one(struct mu_fake *f, uint16_t port, MHD_AccessHandlerCallback h)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS |
	    MHD_USE_ERROR_LOG, port, NULL, NULL, h, f,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_HTTPS_MEM_CERT, f->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, f->key,
	    MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIO,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, f,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_END);
}

int
mu_start(struct mu_fake *f, const char *certfile, const char *keyfile)
{
	size_t len;

	if (read_file(certfile, 1 << 20, &f->cert, &len) != 0 ||
	    read_file(keyfile, 1 << 20, &f->key, &len) != 0) {
		fprintf(stderr, "mu_fake: cannot read %s or %s\n", certfile,
		    keyfile);
		return -1;
	}
	f->mu_port = tl_free_port();
	f->dl_port = tl_free_port();
	f->mu_d = start_one(f, f->mu_port, mu_handler);
	f->dl_d = start_one(f, f->dl_port, dl_handler);
	if (f->mu_d == NULL || f->dl_d == NULL) {
		fprintf(stderr, "mu_fake: MHD_start_daemon failed\n");
		return -1;
	}
	return 0;
}

void
mu_clear(struct mu_fake *f)
{
	pthread_mutex_lock(&mu_lock);
	for (size_t i = 0; i < f->nreq; i++)
		free(f->req[i].body);
	f->nreq = 0;
	f->refused = 0;
	f->reporting = 0;
	f->dl_gets = 0;
	f->dl_paths[0] = '\0';
	pthread_mutex_unlock(&mu_lock);
}

void
mu_stop(struct mu_fake *f)
{
	if (f->mu_d != NULL)
		MHD_stop_daemon(f->mu_d);
	if (f->dl_d != NULL)
		MHD_stop_daemon(f->dl_d);
	f->mu_d = f->dl_d = NULL;
	mu_clear(f);
	for (size_t i = 0; i < f->ndocs; i++)
		free(f->docs[i].xml);
	f->ndocs = 0;
	free(f->config_answer);
	free(f->cert);
	free(f->key);
	f->config_answer = f->cert = f->key = NULL;
}

void
mu_sequence(const struct mu_fake *f, char *out, size_t outlen)
{
	out[0] = '\0';
	pthread_mutex_lock(&mu_lock);
	for (size_t i = 0; i < f->nreq; i++) {
		append(out, i > 0 ? " " : "", outlen);
		append(out, f->req[i].op, outlen);
	}
	pthread_mutex_unlock(&mu_lock);
}

const struct mu_req *
mu_find(const struct mu_fake *f, const char *op, size_t n)
{
	for (size_t i = 0; i < f->nreq; i++)
		if (strcmp(f->req[i].op, op) == 0 && n-- == 0)
			return &f->req[i];
	return NULL;
}
