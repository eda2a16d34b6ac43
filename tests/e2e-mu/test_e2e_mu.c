/*
 * test_e2e_mu.c — Microsoft Update as the upstream of a wsusd site, end
 * to end through the product's own code path (issue 8, item 4):
 *
 *   mu    a local stand-in for Microsoft Update (mu_fake.c): HTTPS only,
 *         TLS 1.2 at least; GetAuthConfig names the DssTargeting service
 *         by a relative ServiceUrl, the authorization cookie is given only
 *         at that URL appended to the base (wsusss.md §13); GetConfigData
 *         is the captured Microsoft Update answer (CatalogOnlySync true,
 *         ProtocolVersion 1.21); the catalog is real update documents of
 *         tests/fixtures (two of them with their one file replaced by
 *         synthetic bytes, digests and sizes rewritten to match); every
 *         file's MUUrl names
 *   dl    the file host (for download.windowsupdate.com), HTTPS too.
 *   site  a wsusd configured with `wsusctl sync configure --upstream
 *         https://... --cacert ... --autonomous --product --classification
 *         --content approved`, driven by `wsusctl sync now`.
 *
 * Proven: TLS 1.1 is refused by mu and dl; the authentication sequence
 * and the URL of GetAuthorizationCookie; exactly the configured product
 * and classification in GetRevisionIdList, the anchor of the first run
 * in the second; the catalog stored; nothing asked of mu that Microsoft
 * Update does not offer (no GetDeployments, DownloadFiles or /Content/);
 * the approved update's file fetched from its MUUrl, verified, published
 * on the site's own /Content/ and handed to its clients there (and
 * fetched there by wsus-client download); the unapproved one not
 * fetched; history; InvalidAuthorizationCookie restarting the
 * authentication; a fault naming no code stopping the run.
 *
 * Program: test_e2e_mu WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR; the
 * environment names wsus-client (WSUS_CLIENT).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "content/content_store.h"
#include "mu_fake.h"
#include "soap/soap_request.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/xmalloc.h"
#include "wusp_harness.h"

#define PROD	"dd78b8a1-0b20-45c1-add6-4da72e9364cf"
#define CLS	"e0789628-ce08-4437-be74-2495b842f43b"
#define BUNDLE	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* KB2267602 */
#define LEAF_X	"266f6222-c89d-43f2-9f8a-69340271e677"	/* in BUNDLE */
#define LEAF_Y	"7366a74a-ef29-44e1-b738-570b516aca1f"	/* new in run 2 */
#define DOCS	"update-metadata/wsusss-getupdatedata-docs/"
#define CAP	"soap/wusp-native-capture/"

/* A synthetic file standing for a real one of a real document. */
struct synth {
	size_t		 size;
	char		*data;		/* owned */
	uint8_t		 sha1[20];
	char		 b64[32];	/* SHA-1 in base64 */
	char		 b64_256[48];	/* SHA-256 in base64 */
	char		 hex[41];
	char		 rel[128];	/* its path under a content dir */
	char		 muurl[256];
};

static struct mu_fake F;
static struct tl_wsusd site, certs;
static struct synth X, Y;
static char crt[256];

/* ---- the catalog ---- */

/* s with every old replaced by new (malloc'd; s freed). */
static char *
replace_all(char *s, const char *old, const char *new)
{
	struct buf b;
	const char *p = s, *q;

	buf_init(&b, 16u << 20);
	while ((q = strstr(p, old)) != NULL) {
		buf_append(&b, p, (size_t)(q - p));
		buf_puts(&b, new);
		p = q + strlen(old);
	}
	buf_puts(&b, p);
	free(s);
	return buf_steal(&b, NULL);
}

static void
make_synth(struct synth *s, size_t size, uint32_t seed)
{
	uint8_t h256[32];
	uint32_t x = seed;

	s->size = size;
	s->data = xmalloc(size);
	for (size_t i = 0; i < size; i++) {
		x = x * 1664525u + 1013904223u;
		s->data[i] = (char)(x >> 24);
	}
	assert_int_equal(tl_digest("SHA1", s->data, size, s->sha1), 0);
	assert_int_equal(tl_digest("SHA256", s->data, size, h256), 0);
	base64_encode(s->sha1, 20, s->b64);
	base64_encode(h256, 32, s->b64_256);
	hex_encode(s->sha1, 20, s->hex, 0);
	assert_int_equal(content_relpath(s->sha1, "AM_Delta.exe", s->rel,
	    sizeof(s->rel)), 0);
}

/* A catalog entry: the fixture document of id at rev. */
static struct mu_doc *
add_doc(const char *id, int rev, bool config, int since)
{
	char rel[256];
	size_t len;
	struct mu_doc *d = &F.docs[F.ndocs++];

	snprintf(rel, sizeof(rel), DOCS "%s-r%d.xml", id, rev);
	d->id = id;
	d->rev = rev;
	d->config = config;
	d->since = since;
	d->xml = wh_fixture(rel, &len);
	return d;
}

/* The document's one file becomes s: digest, SHA-256 and size. */
static void
give_file(struct mu_doc *d, struct synth *s, const char *sha1, const char *size,
    const char *sha256)
{
	char n[32];

	snprintf(n, sizeof(n), "%zu", s->size);
	assert_non_null(strstr(d->xml, sha1));
	d->xml = replace_all(d->xml, sha1, s->b64);
	d->xml = replace_all(d->xml, sha256, s->b64_256);
	d->xml = replace_all(d->xml, size, n);
	d->digest = s->b64;
	d->muurl = s->muurl;
}

static void
serve_file(struct synth *s)
{
	struct mu_file *f = &F.files[F.nfiles++];

	/* the form of the MUUrls Microsoft Update gives (wsusss.md §6.6) */
	snprintf(f->path, sizeof(f->path), "/c/msdownload/update/software/"
	    "defu/2026/10/am_delta_%s.exe", s->hex);
	f->data = s->data;
	f->len = s->size;
	snprintf(s->muurl, sizeof(s->muurl), "https://127.0.0.1:%u%s",
	    F.dl_port, f->path);
}

/* ---- wsusctl ---- */

static int
ctl(char **out, ...)
{
	struct buf b;
	va_list ap;
	int rc;

	buf_init(&b, 8u << 20);
	va_start(ap, out);
	rc = tl_vctl(&site, &b, NULL, ap);
	va_end(ap);
	if (out != NULL)
		*out = xstrdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return rc;
}

/* `sync now --json` on the site; its last line (the outcome). */
static json_t *
sync_now(void)
{
	char *o = NULL, *p;
	json_t *j;
	int rc;

	rc = ctl(&o, "sync", "now", "--json", (char *)NULL);
	p = o + strlen(o);
	while (p > o && p[-1] == '\n')
		*--p = '\0';
	while (p > o && p[-1] != '\n')
		p--;
	j = json_loads(p, 0, NULL);
	if (rc != 0 || j == NULL) {
		tl_show_file("site log", site.log);
		fail_msg("sync now: exit %d:\n%s", rc, o);
	}
	free(o);
	return j;
}

static json_t *
history(void)
{
	char *o = NULL;
	json_t *j;

	if (ctl(&o, "sync", "history", "--json", (char *)NULL) != 0 ||
	    (j = json_loads(o, 0, NULL)) == NULL)
		fail_msg("sync history:\n%s", o);
	free(o);
	return j;
}

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : "(none)";
}

static long long
jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		fail_msg("no integer %s", k);
	return json_integer_value(v);
}

static struct store *
open_store(void)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", site.db);
	if (store_open(url, &st, err, sizeof(err)) != STORE_OK)
		fail_msg("store_open %s: %s", url, err);
	return st;
}

static size_t
revisions(void)
{
	struct store *st = open_store();
	size_t revs = 0, upds = 0;

	assert_int_equal(store_update_count(st, &revs, &upds), STORE_OK);
	store_close(st);
	return revs;
}

/* Every doc of the catalog listed up to run is in the site's store. */
static void
assert_catalog(int run)
{
	struct store *st = open_store();
	size_t want = 0;
	int64_t rid;

	for (size_t i = 0; i < F.ndocs; i++) {
		int rc = store_revision_lookup(st, F.docs[i].id, F.docs[i].rev,
		    &rid);

		if (F.docs[i].since <= run) {
			want++;
			if (rc != STORE_OK)
				fail_msg("%s r%d not stored", F.docs[i].id,
				    F.docs[i].rev);
		} else
			assert_int_not_equal(rc, STORE_OK);
	}
	store_close(st);
	assert_int_equal(revisions(), want);
}

/* The GetRevisionIdList request of this run for updates (not config). */
static const char *
update_list_request(void)
{
	const struct mu_req *r;

	for (size_t i = 0; (r = mu_find(&F, "GetRevisionIdList", i)) != NULL;
	    i++)
		if (strstr(r->body, "<GetConfig>false</GetConfig>") != NULL)
			return r->body;
	fail_msg("no GetRevisionIdList for the updates");
	return NULL;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* ---- fixtures ---- */

static int
group_setup(void **state)
{
	char key[256], url[64];
	struct mu_doc *d;
	size_t len;

	(void)state;
	/* a key pair for mu and dl (wsusctl postinstall makes one with
	 * IP:127.0.0.1); the certificate is the site's CA bundle */
	if (tl_store_setup(&certs, "mucert", NULL) != 0)
		return -1;
	snprintf(crt, sizeof(crt), "%s/state/tls/wsusd.crt", certs.dir);
	snprintf(key, sizeof(key), "%s/state/tls/wsusd.key", certs.dir);

	make_synth(&X, 200 * 1024 + 13, 0x6d750001);
	make_synth(&Y, 150 * 1024 + 7, 0x6d750002);
	add_doc("56309036-4c77-4dd9-951a-99ee9c246a94", 101, true, 1);
	add_doc("6964aab4-c5b5-43bd-a17d-ffb4346a8e1d", 100, true, 1);
	add_doc(PROD, 202, true, 1);
	add_doc(BUNDLE, 200, false, 1);
	d = add_doc(LEAF_X, 200, false, 1);
	give_file(d, &X, "h/W9BGlYUAaqXTp30cZi/SiV3c0=", "11606440",
	    "Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA=");
	add_doc("ccb78947-6453-4ecc-9de8-bc0305c98f2d", 200, false, 1);
	add_doc("1f9bd9bb-7390-4aa3-bbdb-ded99fac2583", 200, false, 1);
	d = add_doc(LEAF_Y, 200, false, 2);
	give_file(d, &Y, "6LHXWIXPjwU6Ewe9ycP4e/DPeto=", "11610576",
	    "z53OiKDgnskhUnDhQeuuixJreIqwZq1X7COvqZM4+Tk=");
	F.config_answer = wh_fixture("soap/wsusss-microsoft-upstream/"
	    "microsoft_sync_config_20261006.xml", &len);
	if (mu_start(&F, crt, key) != 0)
		return -1;
	serve_file(&X);
	serve_file(&Y);

	if (tl_wsusd_setup(&site, "musite", NULL) != 0)
		return -1;
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", F.mu_port);
	if (ctl(NULL, "-q", "sync", "configure", "--upstream", url,
	    "--cacert", crt, "--autonomous", "--product", PROD,
	    "--classification", CLS, "--content", "approved", "--name",
	    "mu-site.example.invalid", (char *)NULL) != 0 ||
	    tl_wsusd_start(&site) != 0)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tl_wsusd_cleanup(&site);
	tl_wsusd_cleanup(&certs);
	mu_stop(&F);
	free(X.data);
	free(Y.data);
	return 0;
}

/* ---- tests ---- */

/* A TLS handshake with 127.0.0.1:port at exactly version v: 1 or 0. */
static int
handshake(uint16_t port, int v)
{
	struct sockaddr_in sin;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	int fd, ok;

	assert_non_null(ctx);
	/* our side must offer the old version, so the refusal is theirs */
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "DEFAULT@SECLEVEL=0"), 1);
	assert_int_equal(SSL_CTX_set_min_proto_version(ctx, v), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(ctx, v), 1);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	ok = SSL_connect(ssl) == 1;
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(ctx);
	return ok;
}

static void
test_tls(void **state)
{
	(void)state;
	assert_int_equal(handshake(F.mu_port, TLS1_1_VERSION), 0);
	assert_int_equal(handshake(F.dl_port, TLS1_1_VERSION), 0);
	assert_int_equal(handshake(F.mu_port, TLS1_2_VERSION), 1);
	assert_int_equal(handshake(F.dl_port, TLS1_2_VERSION), 1);
	assert_int_equal(F.nreq, 0);
}

static void
test_first_run(void **state)
{
	char seq[2048], anchor[64];
	const char *req;
	const struct mu_req *r;
	json_t *j, *h;

	(void)state;
	mu_clear(&F);
	F.run = 1;
	j = sync_now();
	assert_string_equal(jstr(j, "result"), "ok");
	json_decref(j);

	mu_sequence(&F, seq, sizeof(seq));
	/* categories (listed, fetched), then the updates; then the rollup
	 * every run tries, refused: the run goes on */
	assert_string_equal(seq, "GetAuthConfig GetAuthorizationCookie "
	    "GetCookie GetConfigData GetRevisionIdList GetUpdateData "
	    "GetRevisionIdList GetUpdateData GetRollupConfiguration");
	assert_int_equal(F.reporting, 1);
	/* the DSS authorization service at ServiceUrl appended to the base */
	r = mu_find(&F, "GetAuthorizationCookie", 0);
	assert_string_equal(r->path, MU_AUTH_PATH);
	assert_non_null(strstr(r->body, "<accountName>mu-site.example.invalid"
	    "</accountName>"));
	assert_string_equal(mu_find(&F, "GetAuthConfig", 0)->path, MU_SS_PATH);
	/* the filter: the configured product and classification, no
	 * other, no languages; no anchor the first time */
	req = update_list_request();
	assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>" PROD
	    "</Id><Delta>false</Delta></IdAndDelta></Categories>"
	    "<Classifications><IdAndDelta><Id>" CLS "</Id><Delta>false"
	    "</Delta></IdAndDelta></Classifications>"));
	assert_int_equal(count(req, "<IdAndDelta>"), 2);
	assert_null(strstr(req, "<Languages>"));
	assert_null(strstr(req, "<Anchor>"));
	assert_int_equal(F.refused, 0);
	assert_int_equal(F.dl_gets, 0);		/* nothing approved yet */

	assert_catalog(1);
	{
		struct store *st = open_store();
		char *url = NULL;

		assert_int_equal(store_file_origin_get(st, X.sha1, &url),
		    STORE_OK);
		assert_string_equal(url != NULL ? url : "", X.muurl);
		free(url);
		store_close(st);
	}
	assert_int_equal(tl_count_files(site.content), 0);

	h = history();
	assert_int_equal(json_array_size(h), 1);
	assert_string_equal(jstr(json_array_get(h, 0), "result"), "ok");
	assert_string_equal(jstr(json_array_get(h, 0), "trigger"), "manual");
	assert_int_equal(jint(json_array_get(h, 0), "new_updates"), 4);
	json_decref(h);
	/* the anchor kept for the next run is the one mu gave */
	mu_anchor(1, anchor, sizeof(anchor));
	{
		struct store *st = open_store();
		struct store_sync_state ss;

		assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
		assert_string_equal(ss.anchor[SYNC_PHASE_UPDATE], anchor);
		assert_string_equal(ss.anchor[SYNC_PHASE_CONFIG],
		    "2026-10-05 17:27:44.393");
		store_sync_state_free(&ss);
		store_close(st);
	}
}

/* A client session on the site (the captured WUA handshake). */
static void
client_session(char *exp, size_t explen, char *sess, size_t sesslen)
{
	struct wh_reply r;
	struct soap_request *q;
	char last[64], auth[4096], *req, *tmp;

	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	wh_soap(&site, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetConfigResult/LastChange", last, sizeof(last));
	wh_reply_free(&r);
	free(req);
	tmp = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml",
	    NULL);
	req = wh_set_text(tmp, NULL, "clientId",
	    "6d750000-0000-4000-8000-00000000c11e");
	free(tmp);
	wh_soap(&site, WH_SIMPLEAUTH, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetAuthorizationCookieResult/CookieData", auth,
	    sizeof(auth));
	wh_reply_free(&r);
	free(req);
	req = wh_fixture(CAP "scan/03-GetCookie.request.xml", NULL);
	tmp = wh_set_text(req, "<AuthorizationCookie>", "CookieData", auth);
	free(req);
	req = wh_set_text(tmp, NULL, "lastChange", last);
	free(tmp);
	wh_soap(&site, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	q = wh_parse(r.body.data, r.body.len);
	assert_non_null(q);
	snprintf(exp, explen, "%s",
	    wh_text(q->op, "GetCookieResult/Expiration"));
	snprintf(sess, sesslen, "%s",
	    wh_text(q->op, "GetCookieResult/EncryptedData"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);
}

/* GetFileLocations of X on the site: its one Url. */
static void
file_url(char *url, size_t urllen)
{
	char exp[64], sess[4096], *body;
	struct wh_reply r;
	struct soap_request *q;
	const struct soap_node *fl;

	client_session(exp, sizeof(exp), sess, sizeof(sess));
	body = xasprintf("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><s:Body><GetFileLocations xmlns=\"" WH_NS_CLIENT
	    "\"><cookie><Expiration>%s</Expiration><EncryptedData>%s"
	    "</EncryptedData></cookie><fileDigests><base64Binary>%s"
	    "</base64Binary></fileDigests></GetFileLocations></s:Body>"
	    "</s:Envelope>", exp, sess, X.b64);
	wh_soap(&site, WH_CLIENT, body, &r);
	free(body);
	if (r.status != 200)
		fail_msg("GetFileLocations: %ld %s", r.status, r.body.data);
	q = wh_parse(r.body.data, r.body.len);
	fl = wh_node(q->op, "GetFileLocationsResult/FileLocations");
	assert_non_null(fl);
	assert_int_equal(fl->nchildren, 1);
	assert_string_equal(wh_text(fl->children, "FileDigest"), X.b64);
	snprintf(url, urllen, "%s", wh_text(fl->children, "Url"));
	soap_request_free(q);
	wh_reply_free(&r);
}

static void
test_approved_second_run(void **state)
{
	char seq[2048], anchor[96], want[512], url[512], path[512], out[256];
	char sizearg[32], *data = NULL;
	const char *req, *client = getenv("WSUS_CLIENT");
	size_t len = 0;
	json_t *j, *h;

	(void)state;
	assert_non_null(client);
	assert_int_equal(ctl(NULL, "-q", "approve", BUNDLE, "--group",
	    "All Computers", (char *)NULL), 0);
	mu_clear(&F);
	F.run = 2;
	j = sync_now();
	assert_string_equal(jstr(j, "result"), "ok");
	json_decref(j);

	/* incremental: the first run's anchor, Delta true */
	mu_sequence(&F, seq, sizeof(seq));
	assert_string_equal(seq, "GetAuthConfig GetAuthorizationCookie "
	    "GetCookie GetConfigData GetRevisionIdList GetRevisionIdList "
	    "GetUpdateData GetRollupConfiguration");
	req = update_list_request();
	mu_anchor(1, anchor, sizeof(anchor));
	snprintf(want, sizeof(want), "<Anchor>%s</Anchor>", anchor);
	assert_non_null(strstr(req, want));
	assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>" PROD
	    "</Id><Delta>true</Delta></IdAndDelta></Categories>"
	    "<Classifications><IdAndDelta><Id>" CLS "</Id><Delta>true"
	    "</Delta></IdAndDelta></Classifications>"));
	assert_int_equal(count(req, "<IdAndDelta>"), 2);
	assert_non_null(strstr(mu_find(&F, "GetUpdateData", 0)->body, LEAF_Y));
	assert_null(strstr(mu_find(&F, "GetUpdateData", 0)->body, LEAF_X));
	/* no replica calls, no content asked of mu */
	assert_null(mu_find(&F, "GetDeployments", 0));
	assert_null(mu_find(&F, "DownloadFiles", 0));
	assert_int_equal(F.refused, 0);
	assert_catalog(2);

	/* X from its MUUrl only; Y (not approved) not at all */
	snprintf(want, sizeof(want), "/c/msdownload/update/software/defu/2026/"
	    "10/am_delta_%s.exe", X.hex);
	assert_string_equal(F.dl_paths, want);
	snprintf(path, sizeof(path), "%s/%s", site.content, X.rel);
	assert_int_equal(read_file(path, X.size * 2, &data, &len), 0);
	assert_int_equal(len, X.size);
	assert_memory_equal(data, X.data, X.size);
	free(data);
	assert_int_equal(tl_count_files(site.content), 1);

	h = history();
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(jstr(json_array_get(h, 0), "result"), "ok");
	assert_int_equal(jint(json_array_get(h, 0), "new_updates"), 1);
	json_decref(h);

	/* the site's clients get it on the site's own /Content/ ... */
	file_url(url, sizeof(url));
	snprintf(want, sizeof(want), "http://127.0.0.1:%u/Content/%s",
	    site.port, X.rel);
	assert_string_equal(url, want);
	/* ... and fetch it there, verified, as Windows does */
	snprintf(out, sizeof(out), "%s/fetched.exe", site.dir);
	snprintf(sizearg, sizeof(sizearg), "%zu", X.size);
	{
		char *argv[] = { (char *)client, "download", url, "-o", out,
		    "--size", sizearg, "--sha1", X.hex, "--quiet", NULL };

		assert_int_equal(tl_run(argv, NULL, NULL), 0);
	}
	assert_int_equal(read_file(out, X.size * 2, &data, &len), 0);
	assert_int_equal(len, X.size);
	free(data);
	unlink(out);
	assert_int_equal(F.nreq, 8);		/* nothing more asked of mu */
}

static void
test_auth_restart(void **state)
{
	char seq[2048];
	json_t *j, *h;

	(void)state;
	mu_clear(&F);
	F.run = 3;
	F.authcookie_faults = 1;
	j = sync_now();
	assert_string_equal(jstr(j, "result"), "ok");
	json_decref(j);
	mu_sequence(&F, seq, sizeof(seq));
	assert_string_equal(seq, "GetAuthConfig GetAuthorizationCookie "
	    "GetCookie GetAuthConfig GetAuthorizationCookie GetCookie "
	    "GetConfigData GetRevisionIdList GetRevisionIdList "
	    "GetRollupConfiguration");
	assert_int_equal(F.authcookie_faults, 0);
	assert_int_equal(F.refused, 0);
	assert_int_equal(F.dl_gets, 0);
	assert_catalog(3);
	h = history();
	assert_int_equal(json_array_size(h), 3);
	assert_string_equal(jstr(json_array_get(h, 0), "result"), "ok");
	assert_int_equal(jint(json_array_get(h, 0), "new_updates"), 0);
	json_decref(h);
}

/*
 * A fault whose faultstring names no code as a whole word is no code:
 * the run stops there (wsusss.md §4: a fault without an ErrorCode stops
 * the DSS), recorded failed; nothing is stored.
 */
static void
test_fault_without_code(void **state)
{
	char seq[2048], *o = NULL;
	json_t *h, *r;

	(void)state;
	mu_clear(&F);
	F.run = 3;
	F.authcookie_faults = 1;
	F.fault_text = "refused: InvalidAuthorizationCookies";
	assert_int_equal(ctl(&o, "sync", "now", "--json", (char *)NULL), 1);
	free(o);
	F.fault_text = NULL;
	mu_sequence(&F, seq, sizeof(seq));
	assert_string_equal(seq, "GetAuthConfig GetAuthorizationCookie "
	    "GetCookie");
	assert_int_equal(F.authcookie_faults, 0);
	assert_catalog(3);
	h = history();
	assert_int_equal(json_array_size(h), 4);
	r = json_array_get(h, 0);
	assert_string_equal(jstr(r, "result"), "failed");
	assert_string_equal(jstr(r, "error"), "GetCookie: fault unknown "
	    "(refused: InvalidAuthorizationCookies)");
	json_decref(h);
}

/*
 * The Reporting service answering 404, as a host without one does: the
 * rollup step alone is skipped, the run is ok (it was recorded failed
 * when only a fault meant "no rollups").
 */
static void
test_no_reporting_service(void **state)
{
	char seq[2048];
	json_t *j, *h;

	(void)state;
	mu_clear(&F);
	F.run = 3;
	F.reporting_404 = 1;
	j = sync_now();
	F.reporting_404 = 0;
	assert_string_equal(jstr(j, "result"), "ok");
	json_decref(j);
	mu_sequence(&F, seq, sizeof(seq));
	assert_string_equal(seq, "GetAuthConfig GetAuthorizationCookie "
	    "GetCookie GetConfigData GetRevisionIdList GetRevisionIdList "
	    "GetRollupConfiguration");
	assert_int_equal(F.reporting, 1);
	assert_catalog(3);
	h = history();
	assert_int_equal(json_array_size(h), 5);
	assert_string_equal(jstr(json_array_get(h, 0), "result"), "ok");
	json_decref(h);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_first_run),
		cmocka_unit_test(test_approved_second_run),
		cmocka_unit_test(test_auth_restart),
		cmocka_unit_test(test_fault_without_code),
		cmocka_unit_test(test_no_reporting_service),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
