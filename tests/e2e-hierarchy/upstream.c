/*
 * upstream.c — the datacentre of the hierarchy test: a wsusd with the
 * real update documents of tests/fixtures plus NSYNTH synthetic software
 * updates written here (each one small file with its true SHA-1 and
 * SHA-256, no applicability rules: needed by every simulated machine),
 * the files of the approved ones and of LATE_UPDATE + 1, + 2 and
 * BIG_UPDATE (BIG_SIZE bytes, approved later) imported into its content
 * store, nested
 * target groups, approvals with and without deadlines, declines, EULAs
 * (EulaID on the approved even-numbered updates), and four listeners:
 * 80 and 8530 plain, 443 and 8531 TLS with the certificate postinstall
 * made for its address (the sites' --cacert).
 *
 * It does not start sites or assert anything; sites.c and checks.c do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hier.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define DEFENDER	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* KB2267602 */
#define ENGINE		"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583"

const char *
synth_id(int i)
{
	static char b[8][40];
	static int slot;
	char *p = b[slot++ % 8];

	snprintf(p, 40, "4e1a0000-0000-4000-8000-%012x", (unsigned)i);
	return p;
}

const char *
synth_eula(int i)
{
	static char b[8][40];
	static int slot;
	char *p = b[slot++ % 8];

	if (i > LATE_UPDATE || i % 2 != 0)
		return "";
	snprintf(p, 40, "e01a0000-0000-4000-8000-%012x", (unsigned)i);
	return p;
}

int
up_ctl(const char *a1, ...)
{
	char *argv[40];
	struct buf out;
	va_list ap;
	const char *a;
	int n = 0, rc;

	argv[n++] = (char *)tl_wsusctl_exe;
	argv[n++] = (char *)"-c";
	argv[n++] = H.up.conf;
	argv[n++] = (char *)a1;
	va_start(ap, a1);
	while (n < 39 && (a = va_arg(ap, const char *)) != NULL)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	buf_init(&out, 4u << 20);
	rc = tl_run(argv, &out, NULL);
	if (rc != 0)
		fprintf(stderr, "upstream wsusctl %s: exit %d\n%s\n", a1, rc,
		    out.data != NULL ? out.data : "");
	buf_free(&out);
	return rc == 0 ? 0 : -1;
}

/* The payload of synthetic update i: deterministic bytes. */
size_t
synth_payload(int i, uint8_t **out)
{
	size_t len = i == BIG_UPDATE ? BIG_SIZE : 300 + (size_t)(i % 50) * 37;
	uint8_t *p = xmalloc(len);
	uint32_t x = 0x9e3779b9u ^ (uint32_t)i;

	for (size_t k = 0; k < len; k++) {
		x = x * 1664525u + 1013904223u;
		p[k] = (uint8_t)(x >> 24);
	}
	*out = p;
	return len;
}

/* The document of synthetic update i into dir; its file into pdir. */
static int
write_synth(int i, const char *dir, const char *pdir)
{
	uint8_t *data, h1[20], h2[32];
	char b1[32], b2[48], path[512], name[32], eula[80], *doc;
	const char *id = synth_id(i), *e = synth_eula(i);
	size_t len = synth_payload(i, &data);
	int rc = 0;

	snprintf(name, sizeof(name), "hier-%04d.exe", i);
	if (tl_digest("SHA1", data, len, h1) != 0 ||
	    tl_digest("SHA256", data, len, h2) != 0) {
		free(data);
		return -1;
	}
	base64_encode(h1, 20, b1);
	base64_encode(h2, 32, b2);
	if (*e != '\0')
		snprintf(eula, sizeof(eula), " EulaID=\"%s\"", e);
	else
		eula[0] = '\0';
	doc = xasprintf("<upd:Update xmlns:cmd=\"http://schemas.microsoft.com/"
	    "msus/2002/12/UpdateHandlers/CommandLineInstallation\" xmlns:upd="
	    "\"http://schemas.microsoft.com/msus/2002/12/Update\">"
	    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"200\" />"
	    "<upd:Properties UpdateType=\"Software\" DefaultPropertiesLanguage="
	    "\"en\" Handler=\"http://schemas.microsoft.com/msus/2002/12/"
	    "UpdateHandlers/CommandLineInstallation\" MaxDownloadSize=\"%zu\" "
	    "MinDownloadSize=\"0\" PublicationState=\"Published\"%s CreationDate="
	    "\"2026-01-01T00:00:00.000Z\"><upd:KBArticleID>98%05d"
	    "</upd:KBArticleID></upd:Properties><upd:LocalizedPropertiesCollection>"
	    "<upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>"
	    "wsusd hierarchy test update %d</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection><upd:Files><upd:File Digest=\"%s\""
	    " DigestAlgorithm=\"SHA1\" FileName=\"%s\" Size=\"%zu\" Modified="
	    "\"2026-01-01T00:00:00Z\"><upd:AdditionalDigest Algorithm=\"SHA256\">"
	    "%s</upd:AdditionalDigest></upd:File></upd:Files>"
	    "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<cmd:InstallCommand Program=\"%s\" Arguments=\"/quiet\">"
	    "<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" /></cmd:InstallCommand>"
	    "</upd:HandlerSpecificData></upd:Update>", id, len, eula, i, i, b1,
	    name, len, b2, name);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, id);
	if (write_file_atomic(path, doc, strlen(doc), 0644) != 0)
		rc = -1;
	if (rc == 0 && (i <= LATE_UPDATE + 2 || i == BIG_UPDATE)) {
		snprintf(path, sizeof(path), "%s/%s", pdir, name);
		if (tl_write_file(path, data, len) != 0)
			rc = -1;
	}
	free(doc);
	free(data);
	return rc;
}

static int
write_conf(void)
{
	char conf[2048];
	const char *a = H.upaddr;

	snprintf(conf, sizeof(conf),
	    "[server]\ncontent_dir = %s\ndatabase = sqlite://%s\n"
	    "state_dir = %s/state\nname = %s\nlog_level = info\n\n"
	    "[listener old]\naddress = %s\nport = %u\n\n"
	    "[listener oldtls]\naddress = %s\nport = %u\ntls = yes\n\n"
	    "[listener new]\naddress = %s\nport = %u\n\n"
	    "[listener newtls]\naddress = %s\nport = %u\ntls = yes\n\n"
	    "[limits]\nconnection_timeout = 30\nthreads = 4\n",
	    H.up.content, H.up.db, H.up.dir, a, a, H.upport[0], a, H.upport[1],
	    a, H.upport[2], a, H.upport[3]);
	return tl_wsusd_write_conf(&H.up, conf);
}

int
up_setup(void)
{
	char synth[256], pdir[256], docs[512];

	if (tl_wsusd_init(&H.up, "hier-up") != 0 || write_conf() != 0 ||
	    up_ctl("-q", "postinstall", "--server-name", H.upaddr,
	    (char *)NULL) != 0)
		return -1;
	snprintf(H.cacert, sizeof(H.cacert), "%s/state/tls/wsusd.crt",
	    H.up.dir);
	snprintf(synth, sizeof(synth), "%s/synthetic", H.up.dir);
	snprintf(pdir, sizeof(pdir), "%s/payload", H.up.dir);
	if (mkdir(synth, 0755) != 0 || mkdir(pdir, 0755) != 0)
		return -1;
	for (int i = 0; i < NSYNTH; i++)
		if (write_synth(i, synth, pdir) != 0)
			return -1;
	snprintf(docs, sizeof(docs), "%s/update-metadata/"
	    "wsusss-getupdatedata-docs", H.fixtures);
	if (up_ctl("-q", "import-updates", docs, (char *)NULL) != 0 ||
	    up_ctl("-q", "import-updates", synth, (char *)NULL) != 0 ||
	    up_ctl("-q", "import-content", pdir, (char *)NULL) != 0)
		return -1;
	/* nested groups */
	if (up_ctl("-q", "groups", "create", "Servers", (char *)NULL) != 0 ||
	    up_ctl("-q", "groups", "create", "Web", "--parent", "Servers",
	    (char *)NULL) != 0 ||
	    up_ctl("-q", "groups", "create", "Database", "--parent", "Servers",
	    (char *)NULL) != 0 ||
	    up_ctl("-q", "groups", "create", "Workstations", (char *)NULL) != 0 ||
	    up_ctl("-q", "groups", "create", "Laptops", "--parent",
	    "Workstations", (char *)NULL) != 0)
		return -1;
	/* approvals: All Computers with and without a deadline, nested
	 * groups, one notapproved; declines */
	for (int i = 0; i < NAPPROVED; i++) {
		const char *g = i < NALL ? "All Computers" : i < 9 ? "Web" :
		    "Laptops";

		if (i % 3 == 0) {
			if (up_ctl("-q", "approve", synth_id(i), "--group", g,
			    "--deadline", "2027-03-01T12:00:00Z",
			    (char *)NULL) != 0)
				return -1;
		} else if (up_ctl("-q", "approve", synth_id(i), "--group", g,
		    (char *)NULL) != 0)
			return -1;
	}
	if (up_ctl("-q", "approve", synth_id(9), "--group", "Database",
	    "--action", "notapproved", (char *)NULL) != 0 ||
	    up_ctl("-q", "approve", DEFENDER, "--group", "Servers",
	    (char *)NULL) != 0 ||
	    up_ctl("-q", "decline", ENGINE, (char *)NULL) != 0)
		return -1;
	for (int i = 20; i < 20 + NDECLINED; i++)
		if (up_ctl("-q", "decline", synth_id(i), (char *)NULL) != 0)
			return -1;
	/* computers and their status roll up in detail */
	if (up_ctl("-q", "downstream", "rollup", "detailed", (char *)NULL) != 0)
		return -1;
	return topo_start_wsusd(&H.up, H.upns, 4);
}

int
up_more_updates(int from, int to)
{
	char dir[256], pdir[256];

	snprintf(dir, sizeof(dir), "%s/more-%d", H.up.dir, from);
	snprintf(pdir, sizeof(pdir), "%s/payload", H.up.dir);
	if (mkdir(dir, 0755) != 0)
		return -1;
	for (int i = from; i < to; i++)
		if (write_synth(i, dir, pdir) != 0)
			return -1;
	return up_ctl("-q", "import-updates", dir, (char *)NULL);
}
