/*
 * test_update_parse.c — update_blob_decode() and update_parse() on the
 * real documents (plain, LZX cabinet, MSZIP cabinet, UTF-16 forms) and on
 * hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metadata/update.h"
#include "metadata/update_parse.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/xmalloc.h"
#include "mdtest.h"

#define UPD_NS "http://schemas.microsoft.com/msus/2002/12/Update"

/* ---- helpers ---- */

static void
parse_ok(const char *xml, size_t len, struct update *u)
{
	char err[256] = "";

	if (update_parse(xml, len, u, err, sizeof(err)) != 0) {
		print_error("unexpected parse error: %s\n", err);
		fail();
	}
}

/* Parse must fail and the message must contain want. */
static void
parse_fails(const char *xml, const char *want)
{
	struct update u;
	char err[256] = "";

	memset(&u, 0xa5, sizeof(u));
	assert_int_equal(update_parse(xml, strlen(xml), &u, err, sizeof(err)),
	    -1);
	if (strstr(err, want) == NULL) {
		print_error("error \"%s\" does not contain \"%s\"\n", err,
		    want);
		fail();
	}
	/* *out is left empty */
	assert_null(u.files);
	assert_null(u.handler);
	assert_int_equal(u.nfiles, 0);
	assert_int_equal(u.nlocalized, 0);
}

static void
decode_fails(const void *data, size_t len, const char *want)
{
	char *xml = (char *)1, err[256] = "";
	size_t xl = 99;

	assert_int_equal(update_blob_decode(data, len, &xml, &xl, err,
	    sizeof(err)), -1);
	assert_null(xml);
	assert_int_equal(xl, 0);
	if (strstr(err, want) == NULL) {
		print_error("error \"%s\" does not contain \"%s\"\n", err,
		    want);
		fail();
	}
}

static void
assert_str_eq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_refs_equal(const struct update_ref *a, const struct update_ref *b,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].update_id, b[i].update_id);
		assert_int_equal(a[i].revision, b[i].revision);
	}
}

/* Deep equality of two parsed updates. */
static void
assert_update_equal(const struct update *a, const struct update *b)
{
	size_t i;

	assert_string_equal(a->id.update_id, b->id.update_id);
	assert_int_equal(a->id.revision, b->id.revision);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->category_kind, b->category_kind);
	assert_int_equal(a->explicitly_deployable, b->explicitly_deployable);
	assert_int_equal(a->is_public, b->is_public);
	assert_int_equal(a->is_beta, b->is_beta);
	assert_int_equal(a->has_driver_metadata, b->has_driver_metadata);
	assert_str_eq_null(a->default_language, b->default_language);
	assert_str_eq_null(a->handler, b->handler);
	assert_str_eq_null(a->creation_date, b->creation_date);
	assert_str_eq_null(a->publication_state, b->publication_state);
	assert_str_eq_null(a->msrc_severity, b->msrc_severity);
	assert_str_eq_null(a->kb_article_id, b->kb_article_id);
	assert_str_eq_null(a->security_bulletin_id, b->security_bulletin_id);
	assert_str_eq_null(a->eula_id, b->eula_id);
	assert_true(a->max_download_size == b->max_download_size);
	assert_true(a->min_download_size == b->min_download_size);
	assert_int_equal(a->nprereqs, b->nprereqs);
	for (i = 0; i < a->nprereqs; i++) {
		assert_int_equal(a->prereqs[i].is_category,
		    b->prereqs[i].is_category);
		assert_int_equal(a->prereqs[i].nids, b->prereqs[i].nids);
		assert_refs_equal(a->prereqs[i].ids, b->prereqs[i].ids,
		    a->prereqs[i].nids);
	}
	assert_int_equal(a->nbundled, b->nbundled);
	for (i = 0; i < a->nbundled; i++) {
		assert_int_equal(a->bundled[i].nids, b->bundled[i].nids);
		assert_refs_equal(a->bundled[i].ids, b->bundled[i].ids,
		    a->bundled[i].nids);
	}
	assert_int_equal(a->nsuperseded, b->nsuperseded);
	assert_refs_equal(a->superseded, b->superseded, a->nsuperseded);
	assert_int_equal(a->nfiles, b->nfiles);
	for (i = 0; i < a->nfiles; i++) {
		assert_string_equal(a->files[i].name, b->files[i].name);
		assert_true(a->files[i].size == b->files[i].size);
		assert_memory_equal(a->files[i].sha1, b->files[i].sha1, 20);
		assert_int_equal(a->files[i].has_sha256, b->files[i].has_sha256);
		assert_memory_equal(a->files[i].sha256, b->files[i].sha256, 32);
		assert_str_eq_null(a->files[i].modified, b->files[i].modified);
		assert_str_eq_null(a->files[i].patching_type,
		    b->files[i].patching_type);
	}
	assert_int_equal(a->nlocalized, b->nlocalized);
	for (i = 0; i < a->nlocalized; i++) {
		assert_string_equal(a->localized[i].language,
		    b->localized[i].language);
		assert_str_eq_null(a->localized[i].title, b->localized[i].title);
		assert_str_eq_null(a->localized[i].description,
		    b->localized[i].description);
	}
}

static const struct update_localized *
find_lang(const struct update *u, const char *lang)
{
	for (size_t i = 0; i < u->nlocalized; i++)
		if (strcmp(u->localized[i].language, lang) == 0)
			return &u->localized[i];
	return NULL;
}

static void
load_doc(const char *base, struct update *u, char **xmlp, size_t *lenp)
{
	size_t len;
	char *xml = md_read(&len, 1, "wsusss-getupdatedata-docs/%s.xml", base);

	parse_ok(xml, len, u);
	if (xmlp != NULL) {
		*xmlp = xml;
		*lenp = len;
	} else
		free(xml);
}

static void
assert_hex(const uint8_t *b, size_t n, const char *hex)
{
	char h[2 * 32 + 1];

	hex_encode(b, n, h, 0);
	assert_string_equal(h, hex);
}

/* ---- real documents ---- */

static void
test_all_real_documents_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < MD_NDOCS; i++) {
		struct update u;
		char want[64];

		load_doc(md_docs[i], &u, NULL, NULL);
		snprintf(want, sizeof(want), "%s-r%d", u.id.update_id,
		    u.id.revision);
		assert_string_equal(want, md_docs[i]);
		assert_string_equal(u.default_language, "en");
		assert_string_equal(u.publication_state, "Published");
		assert_non_null(u.creation_date);
		assert_non_null(find_lang(&u, "en"));
		assert_non_null(find_lang(&u, "en")->title);
		update_free(&u);
	}
}

static void
test_category_company(void **state)
{
	struct update u;
	const struct update_localized *l;

	(void)state;
	load_doc("56309036-4c77-4dd9-951a-99ee9c246a94-r101", &u, NULL, NULL);
	/* the document has the GUID in upper case */
	assert_string_equal(u.id.update_id,
	    "56309036-4c77-4dd9-951a-99ee9c246a94");
	assert_int_equal(u.id.revision, 101);
	assert_int_equal(u.type, UPDATE_TYPE_CATEGORY);
	assert_int_equal(u.category_kind, CATEGORY_KIND_COMPANY);
	assert_true(u.is_public);
	assert_false(u.explicitly_deployable);
	assert_string_equal(u.handler,
	    "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category");
	assert_string_equal(u.creation_date, "2005-09-22T00:05:11.471Z");
	assert_int_equal(u.nprereqs, 0);
	assert_int_equal(u.nfiles, 0);
	assert_int_equal(u.nlocalized, 24);
	assert_non_null(l = find_lang(&u, "de"));
	assert_string_equal(l->title, "Microsoft");
	assert_string_equal(l->description, "Microsoft");
	update_free(&u);
}

static void
test_category_family_and_product(void **state)
{
	struct update u;

	(void)state;
	load_doc("6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100", &u, NULL, NULL);
	assert_string_equal(u.id.update_id,
	    "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d");
	assert_int_equal(u.category_kind, CATEGORY_KIND_PRODUCT_FAMILY);
	assert_int_equal(u.nprereqs, 1);
	assert_true(u.prereqs[0].is_category);
	assert_int_equal(u.prereqs[0].nids, 1);
	assert_string_equal(u.prereqs[0].ids[0].update_id,
	    "56309036-4c77-4dd9-951a-99ee9c246a94");
	assert_int_equal(u.prereqs[0].ids[0].revision, -1);
	update_free(&u);

	load_doc("dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202", &u, NULL, NULL);
	assert_int_equal(u.type, UPDATE_TYPE_CATEGORY);
	assert_int_equal(u.category_kind, CATEGORY_KIND_PRODUCT);
	assert_false(u.explicitly_deployable);	/* "false" in the document */
	assert_true(u.is_public);
	assert_int_equal(u.nprereqs, 1);
	assert_true(u.prereqs[0].is_category);
	assert_string_equal(u.prereqs[0].ids[0].update_id,
	    "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d");
	assert_int_equal(u.nlocalized, 1);
	assert_string_equal(u.localized[0].title, "OOBE ZDP");
	assert_false(u.has_driver_metadata);
	update_free(&u);
}

static void
test_bundle_kb2267602(void **state)
{
	struct update u;
	const struct update_localized *l;

	(void)state;
	load_doc("a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200", &u, NULL, NULL);
	assert_int_equal(u.type, UPDATE_TYPE_SOFTWARE);
	assert_int_equal(u.category_kind, CATEGORY_KIND_NONE);
	assert_true(u.explicitly_deployable);
	assert_false(u.is_public);
	assert_null(u.handler);
	assert_string_equal(u.kb_article_id, "2267602");
	assert_null(u.security_bulletin_id);
	assert_null(u.msrc_severity);
	assert_true(u.max_download_size == 0);
	assert_true(u.min_download_size == 0);
	assert_int_equal(u.nfiles, 0);
	/* prerequisites: two bare identities, two category clauses */
	assert_int_equal(u.nprereqs, 4);
	assert_false(u.prereqs[0].is_category);
	assert_int_equal(u.prereqs[0].nids, 1);
	assert_string_equal(u.prereqs[0].ids[0].update_id,
	    "be4048db-157c-4532-9582-7f05099590c9");
	assert_false(u.prereqs[1].is_category);
	assert_true(u.prereqs[2].is_category);
	assert_string_equal(u.prereqs[2].ids[0].update_id,
	    "e0789628-ce08-4437-be74-2495b842f43b");
	assert_true(u.prereqs[3].is_category);
	assert_string_equal(u.prereqs[3].ids[0].update_id,
	    "8c3fcc84-7410-4a95-8b89-a166a0190486");
	/* bundles: 4 groups of 7, 7, 7, 103 alternatives with revisions */
	assert_int_equal(u.nbundled, 4);
	assert_int_equal(u.bundled[0].nids, 7);
	assert_int_equal(u.bundled[1].nids, 7);
	assert_int_equal(u.bundled[2].nids, 7);
	assert_int_equal(u.bundled[3].nids, 103);
	assert_string_equal(u.bundled[0].ids[5].update_id,
	    "ccb78947-6453-4ecc-9de8-bc0305c98f2d");
	assert_int_equal(u.bundled[0].ids[5].revision, 200);
	assert_string_equal(u.bundled[3].ids[2].update_id,
	    "266f6222-c89d-43f2-9f8a-69340271e677");
	assert_string_equal(u.bundled[3].ids[102].update_id,
	    "3baa1bb8-21ec-4c3a-8bc7-f613ff818fd2");
	assert_int_equal(u.nsuperseded, 10);
	assert_string_equal(u.superseded[0].update_id,
	    "ce84983e-b20e-44d7-a412-1fd91fc7bda8");
	assert_int_equal(u.superseded[0].revision, -1);
	assert_string_equal(u.superseded[9].update_id,
	    "bb663b81-45db-43cb-8bfa-33411e0d8a1f");
	assert_int_equal(u.nlocalized, 35);
	assert_string_equal(u.localized[0].language, "en");
	assert_non_null(l = find_lang(&u, "zh-tw"));
	assert_non_null(strstr(l->title, "KB2267602"));
	assert_non_null(l = find_lang(&u, "fr"));
	assert_non_null(strstr(l->title, "\xc2\xa0"));	/* U+00A0 kept */
	assert_non_null(l = find_lang(&u, "ar"));
	assert_non_null(l->description);
	update_free(&u);
}

static void
test_leaf_with_file(void **state)
{
	struct update u;

	(void)state;
	load_doc("266f6222-c89d-43f2-9f8a-69340271e677-r200", &u, NULL, NULL);
	assert_string_equal(u.handler, "http://schemas.microsoft.com/msus/"
	    "2002/12/UpdateHandlers/CommandLineInstallation");
	assert_true(u.max_download_size == 11606440);
	assert_int_equal(u.nfiles, 1);
	assert_string_equal(u.files[0].name, "AM_Delta.exe");
	assert_true(u.files[0].size == 11606440);
	assert_hex(u.files[0].sha1, 20,
	    "87f5bd0469585006aa5d3a77d1c662fd2895ddcd");
	assert_true(u.files[0].has_sha256);
	assert_hex(u.files[0].sha256, 32, "026b74ab29b2e4ab113a2c085e6e1020"
	    "857be49bb8afe0a5dbc3e0f2068b5d40");
	assert_string_equal(u.files[0].modified, "2026-10-04T09:39:26Z");
	assert_null(u.files[0].patching_type);
	/* three bare prerequisites and one non-category AtLeastOne */
	assert_int_equal(u.nprereqs, 4);
	for (int i = 0; i < 4; i++) {
		assert_false(u.prereqs[i].is_category);
		assert_int_equal(u.prereqs[i].nids, 1);
	}
	assert_string_equal(u.prereqs[3].ids[0].update_id,
	    "8c3fcc84-7410-4a95-8b89-a166a0190486");
	assert_int_equal(u.nbundled, 0);
	update_free(&u);

	load_doc("ff36f0b5-dded-4780-8664-cd78af8b62c1-r200", &u, NULL, NULL);
	assert_string_equal(u.files[0].name, "AM_Engine.exe");
	assert_true(u.files[0].size == 6662560);
	assert_hex(u.files[0].sha1, 20,
	    "bd789d42a2e027008ee3e7c4fbee6720dd6dc4c9");
	update_free(&u);
}

static void
test_hidden_bundles(void **state)
{
	struct update u;

	(void)state;
	load_doc("1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200", &u, NULL, NULL);
	assert_int_equal(u.nbundled, 1);
	assert_int_equal(u.bundled[0].nids, 24);
	assert_string_equal(u.bundled[0].ids[1].update_id,
	    "ff36f0b5-dded-4780-8664-cd78af8b62c1");
	assert_int_equal(u.nprereqs, 2);
	assert_false(u.prereqs[0].is_category);
	update_free(&u);

	load_doc("ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200", &u, NULL, NULL);
	assert_int_equal(u.nbundled, 1);
	assert_int_equal(u.bundled[0].nids, 4);
	assert_null(u.handler);
	update_free(&u);
}

/* The cabinet form (real LZX and generated MSZIP) decodes to exactly the
 * plain document and parses to the same struct. */
static void
check_cab_equals_plain(const char *cabrel, const char *base)
{
	struct update a, b;
	char *plain, *cab, *xml, err[256];
	size_t plen, clen, xl;

	load_doc(base, &a, &plain, &plen);
	cab = md_read(&clen, 1, "%s", cabrel);
	if (update_blob_decode(cab, clen, &xml, &xl, err, sizeof(err))
	    != 0) {
		print_error("%s: %s\n", cabrel, err);
		fail();
	}
	assert_int_equal(xl, plen);
	assert_memory_equal(xml, plain, plen);
	assert_int_equal(xml[xl], '\0');
	parse_ok(xml, xl, &b);
	assert_update_equal(&a, &b);
	update_free(&a);
	update_free(&b);
	free(xml);
	free(cab);
	free(plain);
}

static void
test_cab_forms_equal_plain(void **state)
{
	(void)state;
	check_cab_equals_plain("wsusss-getupdatedata-docs/56309036-4c77-4dd9-"
	    "951a-99ee9c246a94-r101.XmlUpdateBlobCompressed.cab",
	    "56309036-4c77-4dd9-951a-99ee9c246a94-r101");
	check_cab_equals_plain("wsusss-getupdatedata-docs/266f6222-c89d-43f2-"
	    "9f8a-69340271e677-r200.XmlUpdateBlobCompressed.cab",
	    "266f6222-c89d-43f2-9f8a-69340271e677-r200");
	check_cab_equals_plain("wsusss-getupdatedata-docs/a2fef9b0-7951-4c2c-"
	    "a42b-9e351dd1c1fe-r200.XmlUpdateBlobCompressed.cab",
	    "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200");
	check_cab_equals_plain("generated/56309036-4c77-4dd9-951a-"
	    "99ee9c246a94-r101.mszip.cab",
	    "56309036-4c77-4dd9-951a-99ee9c246a94-r101");
	check_cab_equals_plain("generated/a2fef9b0-7951-4c2c-a42b-"
	    "9e351dd1c1fe-r200.mszip.cab",
	    "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200");
}

/* UTF-8 -> UTF-16 (le/be, with or without BOM), for the round trips. */
static char *
to_utf16(const char *s, size_t n, int be, int bom, size_t *outlen)
{
	struct buf b;

	buf_init(&b, 1u << 30);
	if (bom)
		buf_append(&b, be ? "\xfe\xff" : "\xff\xfe", 2);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int k;

		if (c < 0x80) { cp = c; k = 1; }
		else if (c < 0xe0) { cp = c & 0x1f; k = 2; }
		else if (c < 0xf0) { cp = c & 0x0f; k = 3; }
		else { cp = c & 0x07; k = 4; }
		for (int j = 1; j < k; j++)
			cp = cp << 6 | ((unsigned char)s[i + j] & 0x3f);
		i += (size_t)k;
		uint16_t u[2];
		int nu = 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = (uint16_t)(0xd800 | cp >> 10);
			u[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
			nu = 2;
		} else
			u[0] = (uint16_t)cp;
		for (int j = 0; j < nu; j++) {
			char o[2];
			o[be ? 0 : 1] = (char)(u[j] >> 8);
			o[be ? 1 : 0] = (char)(u[j] & 0xff);
			buf_append(&b, o, 2);
		}
	}
	return buf_steal(&b, outlen);
}

static void
test_utf16_forms_equal_plain(void **state)
{
	const char *base = "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200";
	char *plain, *x, *xml, err[256];
	size_t plen, xlen, xl;

	(void)state;
	plain = md_read(&plen, 1, "wsusss-getupdatedata-docs/%s.xml", base);
	for (int be = 0; be <= 1; be++) {
		for (int bom = 0; bom <= 1; bom++) {
			x = to_utf16(plain, plen, be, bom, &xlen);
			assert_int_equal(update_blob_decode(x, xlen, &xml, &xl,
			    err, sizeof(err)), 0);
			assert_int_equal(xl, plen);
			assert_memory_equal(xml, plain, plen);
			free(xml);
			free(x);
		}
	}
	/* UTF-8 with BOM: the BOM is dropped */
	x = xmalloc(plen + 3);
	memcpy(x, "\xef\xbb\xbf", 3);
	memcpy(x + 3, plain, plen);
	assert_int_equal(update_blob_decode(x, plen + 3, &xml, &xl, err,
	    sizeof(err)), 0);
	assert_int_equal(xl, plen);
	assert_memory_equal(xml, plain, plen);
	free(xml);
	free(x);
	/* supplementary-plane characters survive UTF-16 -> UTF-8 */
	const char *smp = "<a>\xf0\x9f\x98\x80 \xe2\x82\xac</a>";
	x = to_utf16(smp, strlen(smp), 0, 1, &xlen);
	assert_int_equal(update_blob_decode(x, xlen, &xml, &xl, err,
	    sizeof(err)), 0);
	assert_string_equal(xml, smp);
	free(xml);
	free(x);
	free(plain);
}

/* ---- bad encodings ---- */

static void
test_decode_rejects_bad_text(void **state)
{
	(void)state;
	decode_fails("", 0, "empty document");
	decode_fails(NULL, 0, "empty document");
	/* invalid UTF-8: lone continuation, overlong, surrogate, > U+10FFFF,
	 * truncated sequence, NUL */
	decode_fails("<a>\x80</a>", 8, "invalid UTF-8 at byte offset 3");
	decode_fails("<a>\xc0\xaf</a>", 9, "invalid UTF-8");
	decode_fails("<a>\xe0\x80\xaf</a>", 10, "invalid UTF-8");
	decode_fails("<a>\xed\xa0\x80</a>", 10, "invalid UTF-8");
	decode_fails("<a>\xf4\x90\x80\x80</a>", 11, "invalid UTF-8");
	decode_fails("<a>\xf8\x88\x80\x80\x80</a>", 12, "invalid UTF-8");
	decode_fails("<a>\xe2\x82", 5, "invalid UTF-8");
	decode_fails("<a>\0</a>", 8, "invalid UTF-8");
	/* UTF-16: odd length, unpaired surrogates, NUL */
	decode_fails("\xff\xfe<\0a\0>", 7, "odd number of bytes");
	decode_fails("\xff\xfe<\0\x00\xd8>\0", 8, "unpaired surrogate");
	decode_fails("\xff\xfe<\0\x00\xdc>\0", 8, "unpaired surrogate");
	decode_fails("\xff\xfe<\0\x00\xd8", 6, "unpaired surrogate");
	decode_fails("\xfe\xff\0<\xd8\x00\0a", 8, "unpaired surrogate");
	decode_fails("<\0a\0\0\0>\0", 8, "NUL character");
	/* a cabinet that is not one */
	decode_fails("MSCF\0\0\0\0garbage-garbage-garbage", 31, "cabinet:");
}

/* ---- hostile documents ---- */

static const char doc_head[] =
    "<upd:Update xmlns:upd=\"" UPD_NS "\">"
    "<upd:UpdateIdentity UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
    "RevisionNumber=\"202\" />"
    "<upd:Properties UpdateType=\"Software\" />";

static char *
doc_with(const char *body)
{
	return xasprintf("%s%s</upd:Update>", doc_head, body);
}

static void
test_minimal_and_prefix_free_document(void **state)
{
	struct update u;
	/* a default namespace instead of a prefix is the same document */
	const char *x = "<Update xmlns=\"" UPD_NS "\"><UpdateIdentity "
	    "UpdateID=\"DD78B8A1-0B20-45C1-ADD6-4DA72E9364CF\" "
	    "RevisionNumber=\"7\"/><Properties UpdateType=\"Detectoid\" "
	    "IsBeta=\"1\" MsrcSeverity=\"Critical\" EulaID=\"e\"><KBArticleID> "
	    "123 </KBArticleID><SecurityBulletinID>MS01-001"
	    "</SecurityBulletinID></Properties><Relationships><BundledUpdates>"
	    "<UpdateIdentity UpdateID=\"6964aab4-c5b5-43bd-a17d-ffb4346a8e1d\""
	    " RevisionNumber=\"3\"/></BundledUpdates></Relationships>"
	    "<ApplicabilityRules><Metadata><d:WindowsDriverMetaData xmlns:d="
	    "\"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/"
	    "WindowsDriver\" HardwareID=\"x\"/></Metadata></ApplicabilityRules>"
	    "</Update>";

	(void)state;
	parse_ok(x, strlen(x), &u);
	assert_string_equal(u.id.update_id,
	    "dd78b8a1-0b20-45c1-add6-4da72e9364cf");
	assert_int_equal(u.id.revision, 7);
	assert_int_equal(u.type, UPDATE_TYPE_DETECTOID);
	assert_int_equal(u.category_kind, CATEGORY_KIND_NONE);
	assert_true(u.is_beta);
	assert_string_equal(u.kb_article_id, "123");
	assert_string_equal(u.security_bulletin_id, "MS01-001");
	assert_string_equal(u.msrc_severity, "Critical");
	assert_string_equal(u.eula_id, "e");
	assert_int_equal(u.nbundled, 1);	/* bare identity: group of one */
	assert_int_equal(u.bundled[0].nids, 1);
	assert_int_equal(u.bundled[0].ids[0].revision, 3);
	assert_true(u.has_driver_metadata);
	assert_int_equal(u.nlocalized, 0);
	update_free(&u);
}

static void
test_rejects_malformed_xml(void **state)
{
	char *d;

	(void)state;
	parse_fails("", "line 1: no element found");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\">", "line 1:");
	d = doc_with("<upd:Files></upd:File>");
	parse_fails(d, "mismatched tag");
	free(d);
	parse_fails("\n\n<x:Update>", "line 3: unbound prefix");
	/* invalid UTF-8 given straight to the parser */
	d = doc_with("<upd:Files>\xff</upd:Files>");
	parse_fails(d, "not well-formed");
	free(d);
	d = doc_with("&undefined;");
	parse_fails(d, "undefined entity");
	free(d);
}

static void
test_rejects_doctype_and_entity_bomb(void **state)
{
	static const char lol[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    "]>\n"
	    "<lolz>&lol9;</lolz>";
	static const char xxe[] =
	    "<!DOCTYPE u [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<upd:Update xmlns:upd=\"" UPD_NS "\">&x;</upd:Update>";
	static const char plain[] =
	    "<!DOCTYPE upd:Update><upd:Update xmlns:upd=\"" UPD_NS "\"/>";

	(void)state;
	parse_fails(lol, "line 2: DOCTYPE is not allowed");
	parse_fails(xxe, "DOCTYPE is not allowed");
	parse_fails(plain, "DOCTYPE is not allowed");
}

static void
test_rejects_wrong_root(void **state)
{
	(void)state;
	parse_fails("<foo/>", "line 1: not an upd:Update document");
	parse_fails("<Update/>", "not an upd:Update document");
	parse_fails("<u:Update xmlns:u=\"urn:other\"/>",
	    "not an upd:Update document");
	parse_fails("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
	    "envelope/\"/>", "not an upd:Update document (root element is "
	    "<Envelope>)");
}

static void
test_rejects_missing_identity(void **state)
{
	(void)state;
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\">"
	    "<upd:Properties UpdateType=\"Software\"/></upd:Update>",
	    "missing UpdateIdentity");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\">\n"
	    "<upd:Properties UpdateType=\"Software\"/>\n"
	    "<upd:UpdateIdentity RevisionNumber=\"1\"/></upd:Update>",
	    "line 3: missing UpdateIdentity/@UpdateID");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\"/></upd:Update>",
	    "missing UpdateIdentity/@RevisionNumber");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"1\"/></upd:Update>", "missing Properties");
}

static void
test_rejects_bad_identity_values(void **state)
{
	char *d;

	(void)state;
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"not-a-guid\" RevisionNumber=\"1\"/></upd:Update>",
	    "line 1: UpdateIdentity/@UpdateID \"not-a-guid\" is not a GUID");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"{dd78b8a1-0b20-45c1-add6-4da72e9364cf}\" "
	    "RevisionNumber=\"1\"/></upd:Update>", "is not a GUID");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"-1\"/></upd:Update>", "RevisionNumber \"-1\"");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"2147483648\"/></upd:Update>", "RevisionNumber");
	d = doc_with("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne>"
	    "<upd:UpdateIdentity UpdateID=\"zz78b8a1-0b20-45c1-add6-"
	    "4da72e9364cf\"/></upd:AtLeastOne></upd:Prerequisites>"
	    "</upd:Relationships>");
	parse_fails(d, "is not a GUID");
	free(d);
	d = doc_with("<upd:UpdateIdentity UpdateID=\"dd78b8a1-0b20-45c1-add6-"
	    "4da72e9364cf\" RevisionNumber=\"1\"/>");
	parse_fails(d, "more than one UpdateIdentity");
	free(d);
}

static void
test_rejects_bad_properties(void **state)
{
	(void)state;
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"1\"/><upd:Properties/></upd:Update>",
	    "missing Properties/@UpdateType");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"1\"/><upd:Properties UpdateType=\"Virus\"/>"
	    "</upd:Update>", "unknown Properties/@UpdateType \"Virus\"");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"1\"/><upd:Properties UpdateType=\"Software\" "
	    "IsPublic=\"yes\"/></upd:Update>",
	    "Properties/@IsPublic \"yes\" is not a boolean");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\"><upd:UpdateIdentity "
	    "UpdateID=\"dd78b8a1-0b20-45c1-add6-4da72e9364cf\" "
	    "RevisionNumber=\"1\"/><upd:Properties UpdateType=\"Software\" "
	    "MaxDownloadSize=\"18446744073709551616\"/></upd:Update>",
	    "MaxDownloadSize");
}

static void
test_rejects_bad_files(void **state)
{
	char *d;

	(void)state;
	d = doc_with("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c\""
	    " FileName=\"a\" Size=\"1\"/></upd:Files>");
	parse_fails(d, "File/@Digest \"h/W9BGlYUAaqXTp30cZi/SiV3c\" is not "
	    "the base64 of a 20-byte SHA-1");
	free(d);
	d = doc_with("<upd:Files><upd:File Digest=\"!!!!\" FileName=\"a\" "
	    "Size=\"1\"/></upd:Files>");
	parse_fails(d, "File/@Digest");
	free(d);
	/* a valid base64 of the wrong length (SHA-256 in the SHA-1 slot) */
	d = doc_with("<upd:Files><upd:File Digest=\"Amt0qymy5KsROiwIXm4QIIV75Ju4"
	    "r+Cl28Pg8gaLXUA=\" FileName=\"a\" Size=\"1\"/></upd:Files>");
	parse_fails(d, "20-byte SHA-1");
	free(d);
	d = doc_with("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" FileName=\"a\" Size=\"1\"><upd:AdditionalDigest Algorithm="
	    "\"SHA256\">not base64</upd:AdditionalDigest></upd:File>"
	    "</upd:Files>");
	parse_fails(d, "AdditionalDigest \"not base64\" is not the base64 of "
	    "a 32-byte SHA-256");
	free(d);
	d = doc_with("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" DigestAlgorithm=\"MD5\" FileName=\"a\" Size=\"1\"/>"
	    "</upd:Files>");
	parse_fails(d, "DigestAlgorithm \"MD5\"");
	free(d);
	d = doc_with("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" Size=\"1\"/></upd:Files>");
	parse_fails(d, "missing File/@FileName");
	free(d);
	d = doc_with("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" FileName=\"a\" Size=\"1x\"/></upd:Files>");
	parse_fails(d, "File/@Size \"1x\" is not a size");
	free(d);
	/* other AdditionalDigest algorithms are ignored */
	struct update u;
	d = doc_with("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" FileName=\"a\" Size=\"1\" PatchingType=\"SelfContained\">"
	    "<upd:AdditionalDigest Algorithm=\"SHA512\">x</upd:AdditionalDigest>"
	    "</upd:File></upd:Files>");
	parse_ok(d, strlen(d), &u);
	assert_int_equal(u.nfiles, 1);
	assert_false(u.files[0].has_sha256);
	assert_string_equal(u.files[0].patching_type, "SelfContained");
	update_free(&u);
	free(d);
}

static void
test_rejects_bad_relationships_and_languages(void **state)
{
	char *d;

	(void)state;
	d = doc_with("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne/>"
	    "</upd:Prerequisites></upd:Relationships>");
	parse_fails(d, "empty Prerequisites/AtLeastOne");
	free(d);
	d = doc_with("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne "
	    "IsCategory=\"maybe\"/></upd:Prerequisites></upd:Relationships>");
	parse_fails(d, "IsCategory \"maybe\" is not a boolean");
	free(d);
	d = doc_with("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Title>t</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>");
	parse_fails(d, "LocalizedProperties without Language");
	free(d);
	d = doc_with("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language></upd:LocalizedProperties>"
	    "<upd:LocalizedProperties><upd:Language>en</upd:Language>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>");
	parse_fails(d, "language \"en\" given twice");
	free(d);
	d = doc_with("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en/../x</upd:Language></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>");
	parse_fails(d, "is not a language tag");
	free(d);
	d = doc_with("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>abcdefghijklmnopq</upd:Language>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>");
	parse_fails(d, "empty or too long");
	free(d);
}

static void
test_rejects_deep_nesting(void **state)
{
	struct buf b;
	struct update u;
	char err[256];
	int depth;

	(void)state;
	/* 64 levels (Update + 63) are allowed, 65 are not */
	for (depth = 64; depth <= 65; depth++) {
		buf_init(&b, 1 << 20);
		buf_puts(&b, doc_head);
		for (int i = 1; i < depth; i++)
			buf_puts(&b, "<upd:x>");
		for (int i = 1; i < depth; i++)
			buf_puts(&b, "</upd:x>");
		buf_puts(&b, "</upd:Update>");
		int rc = update_parse(b.data, b.len, &u, err, sizeof(err));
		if (depth == 64) {
			assert_int_equal(rc, 0);
			update_free(&u);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "nested deeper than 64"));
		}
		buf_free(&b);
	}
	/* a million-deep document stops at the limit, without recursion */
	buf_init(&b, 16u << 20);
	buf_puts(&b, doc_head);
	for (int i = 0; i < 1000000; i++)
		buf_puts(&b, "<x>");
	assert_int_equal(update_parse(b.data, b.len, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nested deeper than"));
	buf_free(&b);
}

static void
test_rejects_oversize(void **state)
{
	struct update u;
	char err[256], *big, *xml;
	size_t xl, n = UPDATE_DOC_MAX_BYTES + 1;

	(void)state;
	big = xmalloc(n);
	memset(big, ' ', n);
	memcpy(big, "<a>", 3);
	assert_int_equal(update_parse(big, n, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "document larger than"));
	assert_int_equal(update_blob_decode(big, n, &xml, &xl, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "document larger than"));
	free(big);

	/* a title above UPDATE_MAX_TEXT */
	struct buf b;
	buf_init(&b, 4u << 20);
	buf_puts(&b, doc_head);
	buf_puts(&b, "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language><upd:Title>");
	for (int i = 0; i < UPDATE_MAX_TEXT / 8 + 1; i++)
		buf_puts(&b, "abcdefgh");
	buf_puts(&b, "</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection></upd:Update>");
	assert_int_equal(update_parse(b.data, b.len, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "text longer than"));
	buf_free(&b);

	/* more files than UPDATE_MAX_FILES */
	buf_init(&b, 16u << 20);
	buf_puts(&b, doc_head);
	buf_puts(&b, "<upd:Files>");
	for (int i = 0; i <= UPDATE_MAX_FILES; i++)
		buf_puts(&b, "<upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0=\" "
		    "FileName=\"a\" Size=\"1\"/>");
	buf_puts(&b, "</upd:Files></upd:Update>");
	assert_int_equal(update_parse(b.data, b.len, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 4096 files"));
	buf_free(&b);
}

/* The real documents, pretty-printed with comments, parse the same. */
static void
test_whitespace_and_comments_do_not_matter(void **state)
{
	const char *base = "266f6222-c89d-43f2-9f8a-69340271e677-r200";
	struct update a, b;
	struct buf pb;
	char *plain;
	size_t plen;

	(void)state;
	load_doc(base, &a, &plain, &plen);
	buf_init(&pb, 1 << 20);
	buf_puts(&pb, "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n"
	    "<!-- comment -->\n");
	for (size_t i = 0; i < plen; i++) {
		if (plain[i] == '<' && i > 0 && plain[i + 1] != '/')
			buf_puts(&pb, "\n  ");
		buf_putc(&pb, plain[i]);
	}
	buf_puts(&pb, "\n<!-- end -->\n");
	parse_ok(pb.data, pb.len, &b);
	assert_update_equal(&a, &b);
	update_free(&a);
	update_free(&b);
	buf_free(&pb);
	free(plain);
}

/* Properties/Language: lower case, each once, junk left out (the
 * content step's language filter, docs/SYNC.md). */
static void
test_properties_languages(void **state)
{
	static const char doc[] = "<upd:Update xmlns:upd=\"" UPD_NS "\">"
	    "<upd:UpdateIdentity UpdateID=\"0c0e0000-0000-4000-8000-"
	    "0000000000d1\" RevisionNumber=\"1\" /><upd:Properties "
	    "UpdateType=\"Software\"><upd:Language>de</upd:Language>"
	    "<upd:Language> pt-BR </upd:Language><upd:Language>DE"
	    "</upd:Language><upd:Language>a b</upd:Language></upd:Properties>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>fr</upd:Language><upd:Title>t</upd:Title>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>"
	    "</upd:Update>";
	static const char neutral[] = "<upd:Update xmlns:upd=\"" UPD_NS "\">"
	    "<upd:UpdateIdentity UpdateID=\"0c0e0000-0000-4000-8000-"
	    "0000000000e1\" RevisionNumber=\"1\" /><upd:Properties "
	    "UpdateType=\"Software\" /></upd:Update>";
	struct update u;

	(void)state;
	parse_ok(doc, strlen(doc), &u);
	assert_string_equal(u.languages, "de pt-br");
	update_free(&u);
	parse_ok(neutral, strlen(neutral), &u);
	assert_null(u.languages);
	update_free(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_real_documents_parse),
		cmocka_unit_test(test_category_company),
		cmocka_unit_test(test_category_family_and_product),
		cmocka_unit_test(test_bundle_kb2267602),
		cmocka_unit_test(test_leaf_with_file),
		cmocka_unit_test(test_hidden_bundles),
		cmocka_unit_test(test_cab_forms_equal_plain),
		cmocka_unit_test(test_utf16_forms_equal_plain),
		cmocka_unit_test(test_decode_rejects_bad_text),
		cmocka_unit_test(test_minimal_and_prefix_free_document),
		cmocka_unit_test(test_rejects_malformed_xml),
		cmocka_unit_test(test_rejects_doctype_and_entity_bomb),
		cmocka_unit_test(test_rejects_wrong_root),
		cmocka_unit_test(test_rejects_missing_identity),
		cmocka_unit_test(test_rejects_bad_identity_values),
		cmocka_unit_test(test_rejects_bad_properties),
		cmocka_unit_test(test_rejects_bad_files),
		cmocka_unit_test(test_rejects_bad_relationships_and_languages),
		cmocka_unit_test(test_rejects_deep_nesting),
		cmocka_unit_test(test_rejects_oversize),
		cmocka_unit_test(test_whitespace_and_comments_do_not_matter),
		cmocka_unit_test(test_properties_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
