/*
 * test_e2e.c — wsus-client against a running wsusd with real metadata:
 * scan -> download -> install -> report, on a plain and a TLS listener,
 * then what `wsusctl report computer` says about each client.
 *
 *   test_e2e WSUSD_EXE WSUSCTL_EXE WSUS_CLIENT_EXE FIXTURES_DIR
 *
 * The group setup makes a temporary installation with `wsusctl
 * postinstall`, imports the real update documents of
 * tests/fixtures/update-metadata/wsusss-getupdatedata-docs, plus
 *   - stand-ins for the five prerequisites of the real KB2267602 bundle
 *     and its deltas that the test data does not have (three detectoids
 *     that are always installed, the "Definition Updates" classification
 *     and the "Microsoft Defender Antivirus" product under the real
 *     "Windows" family), so the real bundle can be offered at all;
 *   - one synthetic update (KB9900001) with one 2.5 MiB file made here,
 *     because the real content bytes are not in the test data;
 * imports that file with `wsusctl import-content`, turns on client-side
 * targeting, approves KB2267602 and KB9900001 for a group "E2E Clients",
 * and starts wsusd on two free loopback ports (HTTP and HTTPS with the
 * certificate postinstall made).
 *
 * Simulated machines (INI files written here):
 *   ok      the Defender files and registry of KB2267602's delta, and the
 *           two hidden bundles it needs, installed: KB2267602 evaluates
 *           installed, KB9900001 needed -> downloaded -> installed (183).
 *   fail    the same, but KB9900001's install fails (182).
 *   bare    nothing of Defender: KB2267602 is needed and its content is
 *           not on the server, so its download fails (404) and the
 *           client exits 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "content/content_store.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define CONTENT_SIZE	(2 * 1024 * 1024 + 512 * 1024)	/* 3 Range pieces */
#define E2E_UPDATE	"e2e00000-0000-4000-8000-000000000001"
#define KB2267602_ID	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"
#define GROUP		"E2E Clients"

static const char *client_exe, *fixtures;

static struct {
	struct tl_wsusd w;		/* dir, conf, log; w.port: HTTP */
	char	 cert[128];
	uint16_t tls_port;
	char	 sha1hex[41];
} T;

/* ---- helpers ----------------------------------------------------------- */

static void
write_text(const char *path, const char *text)
{
	if (write_file_atomic(path, text, strlen(text), 0644) != 0) {
		fprintf(stderr, "write %s: %s\n", path, strerror(errno));
		abort();
	}
}

/*
 * Run argv; stdout into out (may be NULL), stderr into the file
 * T.w.dir/stderr.txt (echoed on failure by the caller).  Exit status.
 */
static int
run(char *const argv[], struct buf *out)
{
	char errpath[160];

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", T.w.dir);
	return tl_run(argv, out, errpath);
}

static void
show_stderr(void)
{
	char path[160], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/stderr.txt", T.w.dir);
	if (read_file(path, 1 << 20, &text, &len) == 0) {
		fprintf(stderr, "%s", text);
		free(text);
	}
}

/* wsusctl -c CONF ARGS...; exit status (out: stdout). */
static int
ctl(struct buf *out, ...)
{
	char errpath[160];
	const char *what;
	va_list ap;
	int rc;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", T.w.dir);
	va_start(ap, out);
	rc = tl_vctl(&T.w, out, errpath, ap);
	va_end(ap);
	if (rc != 0) {
		va_start(ap, out);
		what = va_arg(ap, const char *);
		va_end(ap);
		fprintf(stderr, "wsusctl %s exited %d:\n", what, rc);
		show_stderr();
	}
	return rc;
}

/* ---- the installation ---------------------------------------------------- */

static void
write_standins(const char *dir)
{
	static const struct { const char *id, *title; } det[] = {
		{ "be4048db-157c-4532-9582-7f05099590c9", "stand-in detectoid 1" },
		{ "59653007-e2e9-4f71-8525-2ff588527978", "stand-in detectoid 2" },
		{ "0aac58ee-82a0-4452-a7fa-19f68398f1fa", "stand-in detectoid 3" },
	};
	char path[512], *doc;

	mkdir(dir, 0755);
	for (size_t i = 0; i < sizeof(det) / sizeof(det[0]); i++) {
		doc = xasprintf("<upd:Update xmlns:upd=\"http://schemas.microsoft"
		    ".com/msus/2002/12/Update\" xmlns:lar=\"http://schemas."
		    "microsoft.com/msus/2002/12/LogicalApplicabilityRules\">"
		    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"1\" />"
		    "<upd:Properties UpdateType=\"Detectoid\" "
		    "DefaultPropertiesLanguage=\"en\" PublicationState=\"Published"
		    "\" CreationDate=\"2020-01-01T00:00:00.000Z\" />"
		    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
		    "<upd:Language>en</upd:Language><upd:Title>%s</upd:Title>"
		    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>"
		    "<upd:ApplicabilityRules><upd:IsInstalled><lar:True />"
		    "</upd:IsInstalled></upd:ApplicabilityRules></upd:Update>",
		    det[i].id, det[i].title);
		snprintf(path, sizeof(path), "%s/%s-r1.xml", dir, det[i].id);
		write_text(path, doc);
		free(doc);
	}
	for (int i = 0; i < 2; i++) {
		const char *id = i == 0 ? "e0789628-ce08-4437-be74-2495b842f43b" :
		    "8c3fcc84-7410-4a95-8b89-a166a0190486";
		doc = xasprintf("<upd:Update xmlns:upd=\"http://schemas.microsoft"
		    ".com/msus/2002/12/Update\" xmlns:cat=\"http://schemas."
		    "microsoft.com/msus/2002/12/UpdateHandlers/Category\" "
		    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
		    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"1\" />"
		    "<upd:Properties UpdateType=\"Category\" "
		    "DefaultPropertiesLanguage=\"en\" Handler=\"http://schemas."
		    "microsoft.com/msus/2002/12/UpdateHandlers/Category\" "
		    "PublicationState=\"Published\" CreationDate=\"2020-01-01T00:"
		    "00:00.000Z\" /><upd:LocalizedPropertiesCollection>"
		    "<upd:LocalizedProperties><upd:Language>en</upd:Language>"
		    "<upd:Title>%s</upd:Title></upd:LocalizedProperties>"
		    "</upd:LocalizedPropertiesCollection>%s"
		    "<upd:HandlerSpecificData xsi:type=\"cat:Category\">"
		    "<cat:CategoryInformation CategoryType=\"%s\" "
		    "ProhibitsSubcategories=\"true\" /></upd:HandlerSpecificData>"
		    "</upd:Update>", id, i == 0 ? "Definition Updates" :
		    "Microsoft Defender Antivirus", i == 0 ? "" :
		    "<upd:Relationships><upd:Prerequisites><upd:AtLeastOne "
		    "IsCategory=\"true\"><upd:UpdateIdentity UpdateID=\"6964aab4-"
		    "c5b5-43bd-a17d-ffb4346a8e1d\" /></upd:AtLeastOne>"
		    "</upd:Prerequisites></upd:Relationships>",
		    i == 0 ? "UpdateClassification" : "Product");
		snprintf(path, sizeof(path), "%s/%s-r1.xml", dir, id);
		write_text(path, doc);
		free(doc);
	}
}

/* The synthetic update and its file; the file's path in file. */
static void
write_synthetic(const char *dir, char *file, size_t filelen)
{
	uint8_t h1[20], h2[32];
	char b1[32], b2[48], path[512], err[256], *doc, *data;
	uint64_t n;
	uint32_t x = 0x2468ace1;

	mkdir(dir, 0755);
	data = xmalloc(CONTENT_SIZE);
	for (size_t i = 0; i < CONTENT_SIZE; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (char)(x >> 24);
	}
	snprintf(file, filelen, "%s/wsusd-e2e-kb9900001.exe", T.w.dir);
	if (write_file_atomic(file, data, CONTENT_SIZE, 0644) != 0 ||
	    content_hash_file(file, h1, h2, &n, err, sizeof(err)) != 0)
		abort();
	free(data);
	base64_encode(h1, 20, b1);
	base64_encode(h2, 32, b2);
	hex_encode(h1, 20, T.sha1hex, 1);
	doc = xasprintf("<upd:Update xmlns:upd=\"http://schemas.microsoft.com/"
	    "msus/2002/12/Update\" xmlns:bar=\"http://schemas.microsoft.com/"
	    "msus/2002/12/BaseApplicabilityRules\" xmlns:cmd=\"http://schemas."
	    "microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<upd:UpdateIdentity UpdateID=\"" E2E_UPDATE "\" RevisionNumber="
	    "\"100\" /><upd:Properties UpdateType=\"Software\" "
	    "ExplicitlyDeployable=\"true\" AutoSelectOnWebSites=\"true\" "
	    "DefaultPropertiesLanguage=\"en\" Handler=\"http://schemas.microsoft"
	    ".com/msus/2002/12/UpdateHandlers/CommandLineInstallation\" "
	    "MaxDownloadSize=\"%d\" MinDownloadSize=\"0\" PublicationState="
	    "\"Published\" CreationDate=\"2026-01-01T00:00:00.000Z\" "
	    "MsrcSeverity=\"Important\"><upd:InstallationBehavior "
	    "RebootBehavior=\"NeverReboots\" /><upd:KBArticleID>9900001"
	    "</upd:KBArticleID></upd:Properties>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language><upd:Title>wsusd end-to-end test "
	    "update (KB9900001)</upd:Title><upd:Description>Made by "
	    "tests/e2e.</upd:Description></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection><upd:Relationships>"
	    "<upd:Prerequisites><upd:AtLeastOne IsCategory=\"true\">"
	    "<upd:UpdateIdentity UpdateID=\"8c3fcc84-7410-4a95-8b89-"
	    "a166a0190486\" /></upd:AtLeastOne><upd:AtLeastOne IsCategory="
	    "\"true\"><upd:UpdateIdentity UpdateID=\"e0789628-ce08-4437-be74-"
	    "2495b842f43b\" /></upd:AtLeastOne></upd:Prerequisites>"
	    "</upd:Relationships><upd:ApplicabilityRules><upd:IsInstalled>"
	    "<bar:RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\"
	    "wsusd-e2e\" Value=\"KB9900001\" Comparison=\"EqualTo\" Data=\"1\" "
	    "/></upd:IsInstalled><upd:IsInstallable><bar:WindowsVersion "
	    "Comparison=\"GreaterThanOrEqualTo\" MajorVersion=\"10\" />"
	    "</upd:IsInstallable></upd:ApplicabilityRules><upd:Files>"
	    "<upd:File Digest=\"%s\" DigestAlgorithm=\"SHA1\" FileName="
	    "\"wsusd-e2e-kb9900001.exe\" Size=\"%d\" Modified=\"2026-01-01T00:"
	    "00:00Z\"><upd:AdditionalDigest Algorithm=\"SHA256\">%s"
	    "</upd:AdditionalDigest></upd:File></upd:Files>"
	    "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\">"
	    "<cmd:InstallCommand Program=\"wsusd-e2e-kb9900001.exe\" "
	    "Arguments=\"/quiet\"><cmd:ReturnCode Code=\"0\" Result=\"Succeeded"
	    "\" /></cmd:InstallCommand></upd:HandlerSpecificData></upd:Update>",
	    CONTENT_SIZE, b1, CONTENT_SIZE, b2);
	snprintf(path, sizeof(path), "%s/" E2E_UPDATE "-r100.xml", dir);
	write_text(path, doc);
	free(doc);
}

static const char defender[] =
    "[registry]\n"
    "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\"
    "SignatureLocation = sz:C:\\ProgramData\\Microsoft\\Windows Defender\\"
    "Definition Updates\\{E2E}\n"
    "[files]\n"
    "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\{E2E}"
    "\\mpasdlta.vdm = 1.459.547.0\n"
    "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\{E2E}"
    "\\mpavdlta.vdm = 1.459.547.0\n"
    "[installed]\n"
    "ccb78947-6453-4ecc-9de8-bc0305c98f2d\n"
    "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583\n";

static void
write_machine(const char *name, const char *client_id, bool with_defender,
    bool fail)
{
	char path[256], *text;

	text = xasprintf("[machine]\nclient_id = %s\ndns_name = e2e-%s.example"
	    "\ntarget_groups = " GROUP "\n%s%s", client_id, name,
	    with_defender ? defender : "",
	    fail ? "[fail_install]\n" E2E_UPDATE "\n" : "");
	snprintf(path, sizeof(path), "%s/%s.ini", T.w.dir, name);
	write_text(path, text);
	free(text);
}

static int
group_setup(void **state)
{
	char conf[2048], path[256], file[256];

	(void)state;
	memset(&T, 0, sizeof(T));
	if (tl_wsusd_init(&T.w, "e2e") != 0)
		return -1;
	snprintf(T.cert, sizeof(T.cert), "%s/tls/wsusd.crt", T.w.dir);
	T.tls_port = tl_free_port();
	T.w.more_ports[0] = T.tls_port;
	snprintf(conf, sizeof(conf),
	    "[server]\ncontent_dir = %s/content\ndatabase = sqlite://%s/wsusd.db\n"
	    "state_dir = %s\nlog_level = info\n\n"
	    "[listener http]\naddress = 127.0.0.1\nport = %u\n\n"
	    "[listener https]\naddress = 127.0.0.1\nport = %u\ntls = yes\n",
	    T.w.dir, T.w.dir, T.w.dir, T.w.port, T.tls_port);
	if (tl_wsusd_write_conf(&T.w, conf) != 0)
		return -1;
	if (ctl(NULL, "-q", "postinstall", "--server-name", "localhost",
	    (char *)NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/update-metadata/"
	    "wsusss-getupdatedata-docs", fixtures);
	if (ctl(NULL, "import-updates", path, (char *)NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/standins", T.w.dir);
	write_standins(path);
	if (ctl(NULL, "import-updates", path, (char *)NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/synthetic", T.w.dir);
	write_synthetic(path, file, sizeof(file));
	if (ctl(NULL, "import-updates", path, (char *)NULL) != 0 ||
	    ctl(NULL, "import-content", file, (char *)NULL) != 0 ||
	    ctl(NULL, "targeting", "client", (char *)NULL) != 0 ||
	    ctl(NULL, "groups", "create", GROUP, (char *)NULL) != 0 ||
	    ctl(NULL, "approve", "KB2267602", "KB9900001", "--group", GROUP,
	    (char *)NULL) != 0)
		return -1;
	write_machine("ok", "0e2e0000-0000-4000-8000-00000000000a", true, false);
	write_machine("tls", "0e2e0000-0000-4000-8000-00000000000b", true,
	    false);
	write_machine("fail", "0e2e0000-0000-4000-8000-00000000000c", true,
	    true);
	write_machine("bare", "0e2e0000-0000-4000-8000-00000000000d", false,
	    false);
	return tl_wsusd_start(&T.w);
}

static int
group_teardown(void **state)
{
	int rc;

	(void)state;
	rc = tl_wsusd_stop(&T.w);
	tl_wsusd_cleanup(&T.w);
	return rc;
}

/* ---- scanning ------------------------------------------------------------- */

/* wsus-client scan ... --json; the parsed output (caller decrefs). */
static json_t *
scan(const char *machine, bool tls, int want_rc, const char *extra)
{
	char server[128], mpath[256], dl[256];
	char *argv[20];
	int argc = 0, rc;
	struct buf out;
	json_t *j;
	json_error_t je;

	snprintf(server, sizeof(server), "%s://127.0.0.1:%u", tls ? "https" :
	    "http", (unsigned)(tls ? T.tls_port : T.w.port));
	snprintf(mpath, sizeof(mpath), "%s/%s.ini", T.w.dir, machine);
	snprintf(dl, sizeof(dl), "%s/dl-%s", T.w.dir, machine);
	mkdir(dl, 0755);
	argv[argc++] = (char *)client_exe;
	argv[argc++] = "scan";
	argv[argc++] = "--server";
	argv[argc++] = server;
	argv[argc++] = "--machine";
	argv[argc++] = mpath;
	argv[argc++] = "--install";
	argv[argc++] = "--report";
	argv[argc++] = "--all";
	argv[argc++] = "--json";
	argv[argc++] = "--download-dir";
	argv[argc++] = dl;
	if (tls) {
		argv[argc++] = "--cacert";
		argv[argc++] = T.cert;
	}
	if (extra != NULL)
		argv[argc++] = (char *)extra;
	argv[argc] = NULL;
	buf_init(&out, 16 << 20);
	rc = run(argv, &out);
	if (rc != want_rc) {
		fprintf(stderr, "wsus-client scan (%s) exited %d, want %d\n%s\n",
		    machine, rc, want_rc, out.data ? out.data : "");
		show_stderr();
		fail();
	}
	j = json_loadb(out.data ? out.data : "", out.len, 0, &je);
	if (j == NULL)
		fail_msg("scan output is not JSON (%s): %s", je.text, out.data);
	buf_free(&out);
	return j;
}

static json_t *
find_update(json_t *scanout, const char *id)
{
	json_t *ups = json_object_get(scanout, "updates"), *u;
	size_t i;

	json_array_foreach(ups, i, u)
		if (strcmp(json_string_value(json_object_get(u, "update_id")),
		    id) == 0)
			return u;
	fail_msg("update %s not in the scan output", id);
	return NULL;
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "(null)";
}

/* The state `wsusctl report computer` gives the update on a client. */
static char *
reported_state(const char *client_id, const char *update_id)
{
	struct buf out;
	json_t *j, *u;
	json_error_t je;
	size_t i;
	char *state = NULL;

	buf_init(&out, 1 << 22);
	assert_int_equal(ctl(&out, "--json", "report", "computer", client_id,
	    (char *)NULL), 0);
	j = json_loadb(out.data ? out.data : "", out.len, 0, &je);
	if (j == NULL || !json_is_array(j))
		fail_msg("report computer: not a JSON array: %s", out.data);
	json_array_foreach(j, i, u)
		if (strcmp(str(u, "update_id"), update_id) == 0)
			state = xstrdup(str(u, "state"));
	json_decref(j);
	buf_free(&out);
	return state != NULL ? state : xstrdup("(absent)");
}

static void
expect_state(const char *client_id, const char *update_id, const char *want)
{
	char *got = reported_state(client_id, update_id);

	if (strcmp(got, want) != 0)
		fail_msg("report computer %s: %s is '%s', want '%s'", client_id,
		    update_id, got, want);
	free(got);
}

static void
check_ok_scan(json_t *j)
{
	json_t *u;
	char path[512];
	struct stat sb;

	assert_true(json_is_true(json_object_get(j, "ok")));
	/* staged: company/family/products/detectoids first, then the rest */
	assert_true(json_integer_value(json_object_get(j, "rounds")) >= 3);
	assert_true(json_integer_value(json_object_get(j,
	    "nonleaf_installed")) >= 5);
	u = find_update(j, E2E_UPDATE);
	assert_string_equal(str(u, "action"), "Install");
	assert_string_equal(str(u, "state"), "installed-now");
	assert_string_equal(str(u, "kb"), "9900001");
	assert_string_equal(str(u, "title"),
	    "wsusd end-to-end test update (KB9900001)");
	u = find_update(j, KB2267602_ID);
	assert_string_equal(str(u, "action"), "Install");
	assert_string_equal(str(u, "state"), "installed");
	assert_string_equal(str(u, "kb"), "2267602");
	/* its deltas came as bundle parts */
	assert_string_equal(str(find_update(j,
	    "266f6222-c89d-43f2-9f8a-69340271e677"), "action"), "Bundle");
	assert_int_equal(json_integer_value(json_object_get(j,
	    "files_downloaded")), 1);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "bytes_downloaded")), CONTENT_SIZE);
	assert_int_equal(json_integer_value(json_object_get(j, "installs_ok")),
	    1);
	/* 147, 156, then 167, 162, 181, 183 and 147, 156 after the install */
	assert_true(json_integer_value(json_object_get(j, "events_reported"))
	    >= 8);
	assert_int_equal(json_array_size(json_object_get(j, "warnings")), 0);
	(void)path;
	(void)sb;
}

static void
test_scan_http(void **state)
{
	json_t *j;
	char path[512];
	struct stat sb;

	(void)state;
	j = scan("ok", false, 0, NULL);
	check_ok_scan(j);
	json_decref(j);
	/* the verified file was kept in --download-dir */
	snprintf(path, sizeof(path), "%s/dl-ok/%s-wsusd-e2e-kb9900001.exe",
	    T.w.dir, T.sha1hex);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, CONTENT_SIZE);
	/* what the server made of the reports */
	expect_state("0e2e0000-0000-4000-8000-00000000000a", E2E_UPDATE,
	    "installed");
	expect_state("0e2e0000-0000-4000-8000-00000000000a", KB2267602_ID,
	    "installed");
}

static void
test_scan_https(void **state)
{
	json_t *j;

	(void)state;
	/* certificate verified against the one postinstall made */
	j = scan("tls", true, 0, NULL);
	check_ok_scan(j);
	assert_non_null(strstr(str(j, "server"), "https://"));
	json_decref(j);
	expect_state("0e2e0000-0000-4000-8000-00000000000b", E2E_UPDATE,
	    "installed");
}

static void
test_install_fails(void **state)
{
	json_t *j, *u;

	(void)state;
	j = scan("fail", false, 0, NULL);
	u = find_update(j, E2E_UPDATE);
	assert_string_equal(str(u, "state"), "install-failed");
	assert_int_equal(json_integer_value(json_object_get(u, "hresult")),
	    (int32_t)0x80070643);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "installs_failed")), 1);
	json_decref(j);
	expect_state("0e2e0000-0000-4000-8000-00000000000c", E2E_UPDATE,
	    "failed");
}

static void
test_missing_content(void **state)
{
	json_t *j, *u;

	(void)state;
	/* KB2267602 is needed here, and its files are not on the server */
	j = scan("bare", false, 1, NULL);
	u = find_update(j, KB2267602_ID);
	assert_string_equal(str(u, "state"), "download-failed");
	assert_non_null(strstr(str(u, "message"), "404"));
	/* the other update still installed */
	assert_string_equal(str(find_update(j, E2E_UPDATE), "state"),
	    "installed-now");
	json_decref(j);
	expect_state("0e2e0000-0000-4000-8000-00000000000d", KB2267602_ID,
	    "needed");
	expect_state("0e2e0000-0000-4000-8000-00000000000d", E2E_UPDATE,
	    "installed");
}

static void
test_compliance(void **state)
{
	struct buf out;
	json_t *j;
	json_error_t je;

	(void)state;
	buf_init(&out, 1 << 22);
	assert_int_equal(ctl(&out, "--json", "computers", "list", (char *)NULL),
	    0);
	j = json_loadb(out.data ? out.data : "", out.len, 0, &je);
	assert_non_null(j);
	assert_true(json_array_size(j) >= 4);
	json_decref(j);
	buf_free(&out);
	buf_init(&out, 1 << 22);
	assert_int_equal(ctl(&out, "report", "compliance", "--group", GROUP,
	    (char *)NULL), 0);
	assert_non_null(strstr(out.data, "2267602"));
	buf_free(&out);
}

static void
test_load(void **state)
{
	char server[128], mpath[256];
	char *argv[] = { (char *)client_exe, "load", "--server", server,
	    "--clients", "12", "--concurrency", "3", "--machine", mpath,
	    "--json", NULL };
	struct buf out;
	json_t *j;
	json_error_t je;
	int rc;

	(void)state;
	snprintf(server, sizeof(server), "http://127.0.0.1:%u", T.w.port);
	snprintf(mpath, sizeof(mpath), "%s/ok.ini", T.w.dir);
	buf_init(&out, 1 << 22);
	rc = run(argv, &out);
	if (rc != 0) {
		fprintf(stderr, "%s\n", out.data ? out.data : "");
		show_stderr();
	}
	assert_int_equal(rc, 0);
	j = json_loadb(out.data, out.len, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "sessions")), 12);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 0);
	assert_non_null(json_object_get(json_object_get(j, "operations"),
	    "SyncUpdates"));
	json_decref(j);
	buf_free(&out);
}

static void
test_no_server(void **state)
{
	char server[64];
	char *argv[] = { (char *)client_exe, "scan", "--server", server, NULL };
	char *bad[] = { (char *)client_exe, "scan", "--server",
	    "ftp://127.0.0.1/", NULL };

	(void)state;
	/* nothing listens there */
	snprintf(server, sizeof(server), "http://127.0.0.1:%u", tl_free_port());
	assert_int_equal(run(argv, NULL), 1);
	assert_int_equal(run(bad, NULL), 2);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_http),
		cmocka_unit_test(test_scan_https),
		cmocka_unit_test(test_install_fails),
		cmocka_unit_test(test_missing_content),
		cmocka_unit_test(test_compliance),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_no_server),
	};

	if (tl_main_args(argc, argv, 4, "WSUSD WSUSCTL WSUS_CLIENT FIXTURES")
	    != 0)
		return 2;
	client_exe = argv[3];
	fixtures = argv[4];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
