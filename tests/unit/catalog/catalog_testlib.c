/*
 * catalog_testlib.c — see catalog_testlib.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "import/import.h"
#include "util/buf.h"
#include "util/xmalloc.h"
#include "catalog_testlib.h"

#define NS_DECLS \
    "xmlns:upd=\"http://schemas.microsoft.com/msus/2002/12/Update\" " \
    "xmlns:bar=\"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules\" " \
    "xmlns:lar=\"http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules\" " \
    "xmlns:cat=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category\" " \
    "xmlns:cmd=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation\" " \
    "xmlns:drv=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver\" " \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""

struct store *
tl_store(void)
{
	struct store *st = NULL;
	char err[512];
	int from, to;

	if (store_open("sqlite::memory:", &st, err, sizeof(err)) != STORE_OK)
		fail_msg("store_open: %s", err);
	if (store_migrate(st, &from, &to) != STORE_OK)
		fail_msg("migrate: %s", store_errmsg(st));
	return st;
}

const char *
tl_fixture(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("CATALOG_FIXTURES");

	if (dir == NULL)
		fail_msg("CATALOG_FIXTURES is not set");
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return path;
}

char *
tl_read(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	buf_init(&b, 64u * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_append(&b, chunk, n), 0);
	fclose(f);
	if (b.data == NULL)
		buf_append(&b, "", 0);
	if (lenp != NULL)
		*lenp = b.len;
	return buf_steal(&b, NULL);
}

static void
on_error(const char *path, const char *reason, void *arg)
{
	(void)arg;
	fail_msg("import %s: %s", path, reason);
}

void
tl_import_fixtures(struct store *st)
{
	struct import_stats stats;
	struct import_opts opts;

	memset(&stats, 0, sizeof(stats));
	memset(&opts, 0, sizeof(opts));
	opts.on_error = on_error;
	assert_int_equal(import_updates_path(st,
	    tl_fixture("wsusss-getupdatedata-docs"), &stats, &opts), 0);
	/* 9 documents, and 3 cabinets holding 3 of the same revisions. */
	assert_int_equal(stats.created, 9);
	assert_int_equal(stats.present, 3);
	assert_int_equal(stats.failed, 0);
}

void
tl_import_xml(struct store *st, const char *xml)
{
	struct update_ref id;
	bool created;
	char err[512];

	if (import_update_blob(st, xml, strlen(xml), &id, &created, err,
	    sizeof(err)) == -1)
		fail_msg("import: %s\n%s", err, xml);
}

static void
relationships(struct buf *b, const char *prereqs, const char *bundled)
{
	char *copy, *tok, *save, *alt, *save2;

	if (prereqs == NULL && bundled == NULL)
		return;
	buf_puts(b, "<upd:Relationships>");
	if (prereqs != NULL) {
		buf_puts(b, "<upd:Prerequisites>");
		copy = xstrdup(prereqs);
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			bool iscat = *tok == '@';

			if (iscat)
				tok++;
			if (!iscat && strchr(tok, '|') == NULL) {
				buf_printf(b, "<upd:UpdateIdentity UpdateID=\"%s\" />",
				    tok);
				continue;
			}
			buf_printf(b, "<upd:AtLeastOne%s>", iscat ?
			    " IsCategory=\"true\"" : "");
			for (alt = strtok_r(tok, "|", &save2); alt != NULL;
			    alt = strtok_r(NULL, "|", &save2))
				buf_printf(b, "<upd:UpdateIdentity UpdateID=\"%s\" />",
				    alt);
			buf_puts(b, "</upd:AtLeastOne>");
		}
		free(copy);
		buf_puts(b, "</upd:Prerequisites>");
	}
	if (bundled != NULL) {
		buf_puts(b, "<upd:BundledUpdates>");
		copy = xstrdup(bundled);
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save))
			buf_printf(b, "<upd:AtLeastOne><upd:UpdateIdentity "
			    "UpdateID=\"%s\" RevisionNumber=\"200\" />"
			    "</upd:AtLeastOne>", tok);
		free(copy);
		buf_puts(b, "</upd:BundledUpdates>");
	}
	buf_puts(b, "</upd:Relationships>");
}

static void
head(struct buf *b, const char *uid, int rev, const char *props)
{
	buf_printf(b, "<upd:Update " NS_DECLS "><upd:UpdateIdentity "
	    "UpdateID=\"%s\" RevisionNumber=\"%d\" /><upd:Properties "
	    "DefaultPropertiesLanguage=\"en\" %s PublicationState=\"Published\" "
	    "CreationDate=\"2024-05-01T10:00:00Z\"></upd:Properties>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language><upd:Title>Synthetic %s</upd:Title>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>",
	    uid, rev, props, uid);
}

char *
tl_doc_category(const char *uid, int rev, const char *kind,
    const char *prereqs)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	head(&b, uid, rev, "UpdateType=\"Category\" Handler=\"http://schemas."
	    "microsoft.com/msus/2002/12/UpdateHandlers/Category\"");
	relationships(&b, prereqs, NULL);
	buf_printf(&b, "<upd:ApplicabilityRules><upd:IsInstalled><lar:True />"
	    "</upd:IsInstalled></upd:ApplicabilityRules><upd:HandlerSpecificData "
	    "xsi:type=\"cat:Category\"><cat:CategoryInformation CategoryType="
	    "\"%s\" ProhibitsSubcategories=\"false\" ExcludedByDefault=\"false\" "
	    "/></upd:HandlerSpecificData></upd:Update>", kind);
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

char *
tl_doc_detectoid(const char *uid, int rev, const char *prereqs)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	head(&b, uid, rev, "UpdateType=\"Detectoid\"");
	relationships(&b, prereqs, NULL);
	buf_puts(&b, "<upd:ApplicabilityRules><upd:IsInstalled><bar:RegDword "
	    "Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\Test\" Value=\"V\" "
	    "Comparison=\"EqualTo\" Data=\"1\" /></upd:IsInstalled>"
	    "</upd:ApplicabilityRules></upd:Update>");
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

char *
tl_doc_software(const char *uid, int rev, bool deployable,
    const char *prereqs, const char *bundled, const char *sha1_b64)
{
	struct buf b;
	char props[512];

	snprintf(props, sizeof(props), "UpdateType=\"Software\" "
	    "ExplicitlyDeployable=\"%s\" AutoSelectOnWebSites=\"true\" "
	    "Handler=\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/"
	    "CommandLineInstallation\" MaxDownloadSize=\"1000\" "
	    "MinDownloadSize=\"0\"", deployable ? "true" : "false");
	buf_init(&b, 1 << 20);
	head(&b, uid, rev, props);
	relationships(&b, prereqs, bundled);
	buf_puts(&b, "<upd:ApplicabilityRules><upd:IsInstalled><bar:RegDword "
	    "Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\Test &amp; Co\" "
	    "Value=\"V\" Comparison=\"EqualTo\" Data=\"1\" /></upd:IsInstalled>"
	    "<upd:IsInstallable><lar:True /></upd:IsInstallable>"
	    "</upd:ApplicabilityRules>");
	if (sha1_b64 != NULL)
		buf_printf(&b, "<upd:Files><upd:File Digest=\"%s\" "
		    "DigestAlgorithm=\"SHA1\" FileName=\"payload-%.8s.exe\" "
		    "Size=\"1000\" Modified=\"2024-05-01T10:00:00Z\">"
		    "<upd:AdditionalDigest Algorithm=\"SHA256\">"
		    "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
		    "</upd:AdditionalDigest></upd:File></upd:Files>", sha1_b64,
		    uid);
	buf_puts(&b, "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLine"
	    "Installation\"><cmd:InstallCommand Program=\"payload.exe\" "
	    "Arguments=\"/q\"><cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" />"
	    "</cmd:InstallCommand></upd:HandlerSpecificData></upd:Update>");
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

char *
tl_doc_driver(const char *uid, int rev, const char *prereqs,
    const char *drv_meta)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	head(&b, uid, rev, "UpdateType=\"Driver\" Handler=\"http://schemas."
	    "microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver\"");
	relationships(&b, prereqs, NULL);
	buf_printf(&b, "<upd:ApplicabilityRules><upd:IsInstalled>"
	    "<drv:WindowsDriverInstalled /></upd:IsInstalled><upd:IsInstallable>"
	    "<drv:WindowsDriverInstallable /></upd:IsInstallable><upd:Metadata>"
	    "%s</upd:Metadata></upd:ApplicabilityRules>"
	    "<upd:HandlerSpecificData xsi:type=\"drv:WindowsDriver\" />"
	    "</upd:Update>", drv_meta);
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

void
tl_import_standins(struct store *st)
{
	char *d;

	/* Product under the Microsoft company, a classification, three
	 * detectoids, and the bundle KB2267602 supersedes (unapproved). */
	d = tl_doc_category(U_DEFENDER, 100, "Product", "@" U_MICROSOFT);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_category(U_DEFS, 100, "UpdateClassification", NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_detectoid(U_DET_A, 100, NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_detectoid(U_DET_B, 100, NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_detectoid(U_DET_C, 100, NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_software(U_OLDBUNDLE, 200, true, U_DET_A " " U_DET_B " @"
	    U_DEFENDER " @" U_DEFS, U_DELTA539, NULL);
	tl_import_xml(st, d);
	free(d);
}

struct store *
tl_store_loaded(void)
{
	struct store *st = tl_store();

	tl_import_fixtures(st);
	tl_import_standins(st);
	return st;
}

int32_t
tl_rev(struct store *st, const char *uid)
{
	int64_t rid;

	if (store_revision_lookup(st, uid, -1, &rid) != STORE_OK)
		fail_msg("revision of %s: %s", uid, store_errmsg(st));
	return (int32_t)rid;
}

int64_t
tl_group(struct store *st, const char *name, int64_t parent)
{
	int64_t id;

	if (store_group_create(st, name, parent, &id) != STORE_OK)
		fail_msg("group %s: %s", name, store_errmsg(st));
	return id;
}

int64_t
tl_approve(struct store *st, const char *uid, int64_t group,
    enum approval_action a, int64_t deadline)
{
	int64_t did;

	if (store_approve(st, uid, group, a, deadline, "test", &did) !=
	    STORE_OK)
		fail_msg("approve %s: %s", uid, store_errmsg(st));
	return did;
}

struct catalog *
tl_build(struct store *st, bool offer_unapproved)
{
	struct catalog_options o;
	struct catalog *c;
	char err[512];

	catalog_options_default(&o);
	o.offer_unapproved = offer_unapproved;
	if (catalog_build(st, &o, &c, err, sizeof(err)) == -1)
		fail_msg("catalog_build: %s", err);
	return c;
}

struct catalog_groups
tl_groups(const struct catalog *c, const int64_t *ids, unsigned n)
{
	struct catalog_groups g;

	assert_true(catalog_groups_from_ids(c, ids, n, &g) >= 1);
	return g;
}

bool
tl_has_id(const int32_t *ids, size_t n, int32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

char *
tl_capture_xml(const char *path, int nth)
{
	char *text = tl_read(path, NULL), *p = text, *e, *out;
	int i;

	for (i = 0; i <= nth; i++) {
		p = strstr(p, "<Xml>");
		assert_non_null(p);
		p += 5;
	}
	e = strstr(p, "</Xml>");
	assert_non_null(e);
	out = xstrndup(p, (size_t)(e - p));
	free(text);
	return out;
}
