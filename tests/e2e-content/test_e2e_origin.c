/*
 * test_e2e_origin.c — content from the original URL (MUUrl), end to end
 * with real wsusd processes on loopback:
 *
 *   fs      a wsusd used only as a plain file server: the bytes of the
 *           synthetic files A and B lie under its content directory, no
 *           metadata.  It stands for download.windowsupdate.com.
 *   top     an upstream that stands for Microsoft Update: the real update
 *           documents plus the synthetic updates A and B (approved), no
 *           content of its own, each file's original URL set to fs, and
 *           the content policy "origin" (so its GetConfigData says
 *           CatalogOnlySync and its GetUpdateData MUUrl is fs).
 *
 *   catalog_only  a replica `wsusctl sync --content approved` of top takes
 *           A and B from fs (the MUUrl), verified, byte-identical, and
 *           keeps the MUUrl; nothing is asked of top's /Content/.
 *   origin  a replica with the content policy "origin" downloads nothing;
 *           its clients' GetFileLocations give fs's URLs; with the policy
 *           "approved" again they give its own /Content/ URLs.
 *   languages  another upstream (lup) with three approved updates whose
 *           files it has: D in German (Properties/Language de), E
 *           language-neutral, F in English: --language en takes E and F,
 *           --language de takes D and E, no --language all three.
 *
 * Program: test_e2e_origin WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "wusp_harness.h"
#include "e2e_content_fx.h"
#include "content/content_store.h"
#include "soap/soap_request.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/xmalloc.h"

#define UPD_A	"0c0e0000-0000-4000-8000-0000000000a1"
#define UPD_B	"0c0e0000-0000-4000-8000-0000000000b1"
#define SIZE	(512 * 1024 + 77)
#define CAP	"soap/wusp-native-capture/"

static struct tl_wsusd fs, top, mid, bot, lup, ld[3];
static struct synth A = { .id = UPD_A, .name = "wsusd-origin-a.exe",
    .size = SIZE };
static struct synth B = { .id = UPD_B, .name = "wsusd-origin-b.exe",
    .size = SIZE };
static char topurl[64];

/*
 * The update document of s into DIR/ID.xml (KBArticleID 99100, the
 * letter of its id, 1), its bytes onto fs.
 */
static void
make_synth(struct synth *s, const char *dir, uint32_t seed)
{
	char path[512], kb[16];

	snprintf(path, sizeof(path), "%s/%s", top.dir, s->name);
	snprintf(kb, sizeof(kb), "99100%c1", s->id[strlen(s->id) - 2]);
	if (synth_file(s, path, seed) != 0)
		abort();
	/* the file server's copy */
	snprintf(path, sizeof(path), "%s/%s", fs.content, s->rel);
	*strrchr(path, '/') = '\0';
	if (mkdir_p(path, 0755) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/%s", fs.content, s->rel);
	if (write_file_atomic(path, s->data, SIZE, 0644) != 0)
		abort();
	snprintf(s->origin, sizeof(s->origin), "http://127.0.0.1:%u/Content/%s",
	    fs.port, s->rel);
	if (synth_doc(s, dir, kb, "origin") != 0)
		abort();
}

static int
group_setup(void **state)
{
	char dir[256];
	struct store *st;

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (tl_wsusd_setup(&fs, "ofs", NULL) != 0 || tl_wsusd_start(&fs) != 0)
		return -1;
	if (wh_setup(&top, NULL) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/synthetic", top.dir);
	if (mkdir(dir, 0755) != 0)
		return -1;
	make_synth(&A, dir, 0x0badcafe);
	make_synth(&B, dir, 0x5eed1234);
	if (ctl_ok(&top, "-q", "import-updates", dir, (char *)NULL) != 0 ||
	    ctl_ok(&top, "-q", "approve", UPD_A, UPD_B, "--group",
	    "All Computers", (char *)NULL) != 0 ||
	    ctl_ok(&top, "-q", "sync", "configure", "--upstream",
	    "http://127.0.0.1:9", "--content", "origin", (char *)NULL) != 0)
		return -1;
	/* the metadata of "Microsoft Update": where each file really is */
	st = open_store(&top);
	if (store_file_origin_set(st, A.sha1, A.origin) != STORE_OK ||
	    store_file_origin_set(st, B.sha1, B.origin) != STORE_OK)
		return -1;
	store_close(st);
	if (tl_wsusd_start(&top) != 0)
		return -1;
	snprintf(topurl, sizeof(topurl), "http://127.0.0.1:%u", top.port);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tl_wsusd_cleanup(&fs);
	tl_wsusd_cleanup(&top);
	dss_cleanup(&mid);
	dss_cleanup(&bot);
	dss_cleanup(&lup);
	for (size_t i = 0; i < 3; i++)
		dss_cleanup(&ld[i]);
	free(A.data);
	free(B.data);
	curl_global_cleanup();
	return 0;
}

/* wsusctl --json sync --replica --no-rollup --content POLICY --record REC
 * from top: the parsed result (fails the test unless it exited 0). */
static json_t *
run_sync_lang(struct tl_wsusd *d, const char *from, const char *policy,
    const char *rec, const char *lang)
{
	/* an option not given is replaced by a repeated --no-rollup */
	return sync_result(d, "--json", "sync", "--upstream", from, "--name",
	    "origin-dss.site.invalid", "--replica", "--no-rollup", "--content",
	    policy, rec ? "--record" : "--no-rollup", rec ? rec : "--no-rollup",
	    lang ? "--language" : "--no-rollup", lang ? lang : "--no-rollup",
	    (char *)NULL);
}

static json_t *
run_sync(struct tl_wsusd *d, const char *policy, const char *rec)
{
	return run_sync_lang(d, topurl, policy, rec, NULL);
}

/* The original URL d's store keeps for s ("" none). */
static void
assert_origin(struct tl_wsusd *d, const struct synth *s, const char *want)
{
	struct store *st = open_store(d);
	char *url = NULL;

	assert_int_equal(store_file_origin_get(st, s->sha1, &url), STORE_OK);
	assert_string_equal(url != NULL ? url : "", want);
	free(url);
	store_close(st);
}

/* How often needle occurs in the recorded answers of op. */
static size_t
recorded(const char *rec, const char *op, const char *needle)
{
	char pat[512];
	glob_t g;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "%s/*-%s.response.xml", rec, op);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++)
		n += tl_count_in_file(g.gl_pathv[i], needle);
	globfree(&g);
	return n;
}

static void
test_catalog_only(void **state)
{
	char rec[192];
	json_t *j;

	(void)state;
	dss_setup(&mid, "omid");
	snprintf(rec, sizeof(rec), "%s/rec", mid.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	j = run_sync(&mid, "approved", rec);
	/* both from fs: top has no content and was not asked (no 404s) */
	assert_counts(j, 2, 2 * SIZE, 0, 0);
	json_decref(j);
	assert_file_is(&mid, &A);
	assert_file_is(&mid, &B);
	assert_int_equal(tl_count_files(top.content), 0);
	assert_origin(&mid, &A, A.origin);
	assert_origin(&mid, &B, B.origin);
	/* what top said: catalog-only, and the MUUrl of each file */
	assert_int_equal(recorded(rec, "GetConfigData",
	    "<CatalogOnlySync>true</CatalogOnlySync>"), 1);
	assert_int_equal(recorded(rec, "GetUpdateData", A.origin), 1);
	assert_int_equal(recorded(rec, "GetUpdateData", B.origin), 1);
	assert_int_equal(recorded(rec, "DownloadFiles", "Response"), 0);
}

/* A client session on d (the captured WUA handshake) and its cookie. */
static void
client_session(struct tl_wsusd *d, char *exp, size_t explen, char *sess,
    size_t sesslen)
{
	struct wh_reply r;
	struct soap_request *q;
	char last[64], auth[4096], *req, *tmp;

	req = wh_fixture(CAP "scan/01-GetConfig.request.xml", NULL);
	wh_soap(d, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	wh_reply_text(&r, "GetConfigResult/LastChange", last, sizeof(last));
	wh_reply_free(&r);
	free(req);
	tmp = wh_fixture(CAP "scan/02-GetAuthorizationCookie.request.xml", NULL);
	req = wh_set_text(tmp, NULL, "clientId",
	    "0c0e0000-0000-4000-8000-0000000c11e7");
	free(tmp);
	wh_soap(d, WH_SIMPLEAUTH, req, &r);
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
	wh_soap(d, WH_CLIENT, req, &r);
	assert_int_equal(r.status, 200);
	q = wh_parse(r.body.data, r.body.len);
	assert_non_null(q);
	snprintf(exp, explen, "%s", wh_text(q->op, "GetCookieResult/Expiration"));
	snprintf(sess, sesslen, "%s",
	    wh_text(q->op, "GetCookieResult/EncryptedData"));
	soap_request_free(q);
	wh_reply_free(&r);
	free(req);
}

/* GetFileLocations for A and B on d: the two Urls, in request order. */
static void
file_urls(struct tl_wsusd *d, char ua[512], char ub[512])
{
	char exp[64], sess[4096], *body;
	struct wh_reply r;
	struct soap_request *q;
	const struct soap_node *fl, *f;

	client_session(d, exp, sizeof(exp), sess, sizeof(sess));
	body = xasprintf("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/"
	    "soap/envelope/\"><s:Body><GetFileLocations xmlns=\"" WH_NS_CLIENT
	    "\"><cookie><Expiration>%s</Expiration><EncryptedData>%s"
	    "</EncryptedData></cookie><fileDigests><base64Binary>%s"
	    "</base64Binary><base64Binary>%s</base64Binary></fileDigests>"
	    "</GetFileLocations></s:Body></s:Envelope>", exp, sess, A.b64,
	    B.b64);
	wh_soap(d, WH_CLIENT, body, &r);
	free(body);
	if (r.status != 200)
		fail_msg("GetFileLocations: %ld %s", r.status, r.body.data);
	q = wh_parse(r.body.data, r.body.len);
	fl = wh_node(q->op, "GetFileLocationsResult/FileLocations");
	assert_non_null(fl);
	assert_int_equal(fl->nchildren, 2);
	f = fl->children;
	assert_string_equal(wh_text(f, "FileDigest"), A.b64);
	snprintf(ua, 512, "%s", wh_text(f, "Url"));
	f = f->next;
	assert_string_equal(wh_text(f, "FileDigest"), B.b64);
	snprintf(ub, 512, "%s", wh_text(f, "Url"));
	soap_request_free(q);
	wh_reply_free(&r);
}

static void
test_origin_clients(void **state)
{
	char rec[192], ua[512], ub[512], want[512];
	json_t *j;

	(void)state;
	dss_setup(&bot, "obot");
	snprintf(rec, sizeof(rec), "%s/rec", bot.dir);
	assert_int_equal(mkdir(rec, 0755), 0);
	assert_int_equal(ctl_ok(&bot, "-q", "sync", "configure", "--upstream",
	    topurl, "--content", "origin", (char *)NULL), 0);
	j = run_sync(&bot, "origin", rec);
	assert_string_equal(json_string_value(json_object_get(j, "content")),
	    "origin");
	assert_counts(j, 0, 0, 0, 0);
	json_decref(j);
	/* nothing downloaded, not even a part file */
	assert_int_equal(tl_count_files(bot.content), 0);
	assert_origin(&bot, &A, A.origin);

	assert_int_equal(tl_wsusd_start(&bot), 0);
	file_urls(&bot, ua, ub);
	assert_string_equal(ua, A.origin);
	assert_string_equal(ub, B.origin);
	/* the policy is read per call: "approved" gives our own /Content/ */
	assert_int_equal(ctl_ok(&bot, "-q", "sync", "configure", "--content",
	    "approved", (char *)NULL), 0);
	file_urls(&bot, ua, ub);
	snprintf(want, sizeof(want), "http://127.0.0.1:%u/Content/%s",
	    bot.port, A.rel);
	assert_string_equal(ua, want);
	snprintf(want, sizeof(want), "http://127.0.0.1:%u/Content/%s",
	    bot.port, B.rel);
	assert_string_equal(ub, want);
	assert_int_equal(tl_wsusd_stop(&bot), 0);
}

/* An update with one file of SIZE bytes (in the language lang, or
 * neutral) into DIR/ID.xml, the file into DIR/NAME; s filled in. */
static void
make_lang(struct synth *s, const char *dir, const char *id, const char *name,
    const char *lang, uint32_t seed)
{
	char path[512], *doc;

	s->id = id;
	s->name = name;
	s->size = SIZE;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(synth_file(s, path, seed), 0);
	doc = xasprintf("<upd:Update xmlns:upd=\"http://schemas.microsoft.com/"
	    "msus/2002/12/Update\"><upd:UpdateIdentity UpdateID=\"%s\" "
	    "RevisionNumber=\"200\" /><upd:Properties UpdateType=\"Software\" "
	    "DefaultPropertiesLanguage=\"en\" MaxDownloadSize=\"%d\" "
	    "PublicationState=\"Published\" CreationDate=\"2026-01-01T00:00:"
	    "00.000Z\">%s%s%s</upd:Properties>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language><upd:Title>wsusd language test %s"
	    "</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection><upd:Files><upd:File Digest="
	    "\"%s\" DigestAlgorithm=\"SHA1\" FileName=\"%s\" Size=\"%d\" "
	    "Modified=\"2026-01-01T00:00:00Z\"><upd:AdditionalDigest Algorithm="
	    "\"SHA256\">%s</upd:AdditionalDigest></upd:File></upd:Files>"
	    "</upd:Update>", id, SIZE, lang ? "<upd:Language>" : "",
	    lang ? lang : "", lang ? "</upd:Language>" : "", id, s->b64, name,
	    SIZE, s->b64_256);
	snprintf(path, sizeof(path), "%s/docs/%s.xml", dir, id);
	assert_int_equal(write_file_atomic(path, doc, strlen(doc), 0644), 0);
	free(doc);
}

static void
test_languages(void **state)
{
	static struct synth D, E, F;
	char dir[256], docs[300], url[64], path[512];
	static const struct {
		const char *lang;
		const struct synth *want[3];
		long long skipped;
	} runs[] = {
		{ "en", { &E, &F, NULL }, 1 },
		{ "de", { &D, &E, NULL }, 1 },
		{ NULL, { &D, &E, &F }, 0 },
	};
	json_t *j;

	(void)state;
	memset(&D, 0, sizeof(D));
	memset(&E, 0, sizeof(E));
	memset(&F, 0, sizeof(F));
	assert_int_equal(tl_wsusd_setup(&lup, "olup", NULL), 0);
	snprintf(dir, sizeof(dir), "%s/lang", lup.dir);
	snprintf(docs, sizeof(docs), "%s/docs", dir);
	assert_int_equal(mkdir_p(docs, 0755), 0);
	make_lang(&D, dir, "0c0e0000-0000-4000-8000-0000000000d1",
	    "wsusd-lang-d.exe", "de", 0xd1d1d1d1);
	make_lang(&E, dir, "0c0e0000-0000-4000-8000-0000000000e1",
	    "wsusd-lang-e.exe", NULL, 0xe1e1e1e1);
	make_lang(&F, dir, "0c0e0000-0000-4000-8000-0000000000f1",
	    "wsusd-lang-f.exe", "EN", 0xf1f1f1f1);
	assert_int_equal(ctl_ok(&lup, "-q", "import-updates", docs,
	    (char *)NULL), 0);
	for (const struct synth *s = &D; s != NULL;
	    s = s == &D ? &E : s == &E ? &F : NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, s->name);
		assert_int_equal(ctl_ok(&lup, "-q", "import-content", path,
		    (char *)NULL), 0);
		assert_int_equal(ctl_ok(&lup, "-q", "approve", s->id, "--group",
		    "All Computers", (char *)NULL), 0);
	}
	assert_int_equal(tl_wsusd_start(&lup), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", lup.port);
	for (size_t i = 0; i < 3; i++) {
		char tag[16];
		size_t nwant = 0;

		snprintf(tag, sizeof(tag), "old%zu", i);
		dss_setup(&ld[i], tag);
		j = run_sync_lang(&ld[i], url, "approved", NULL, runs[i].lang);
		while (nwant < 3 && runs[i].want[nwant] != NULL)
			nwant++;
		assert_counts(j, (long long)nwant, (long long)nwant * SIZE, 0,
		    0);
		assert_int_equal(jint(j, "files_language_skipped"),
		    runs[i].skipped);
		json_decref(j);
		for (size_t k = 0; k < nwant; k++)
			assert_file_is(&ld[i], runs[i].want[k]);
		assert_int_equal(tl_count_files(ld[i].content), nwant);
	}
	free(D.data);
	free(E.data);
	free(F.data);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_only),
		cmocka_unit_test(test_origin_clients),
		cmocka_unit_test(test_languages),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
