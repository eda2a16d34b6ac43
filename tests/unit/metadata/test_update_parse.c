/*
 * test_update_parse.c — update_blob_decode() and update_parse() on the
 * real documents (plain, LZX cabinet, MSZIP cabinet, UTF-16 forms) and on
 * bad text; the hostile and hand-made documents are
 * test_update_parse_hostile.c, linked into the same program.
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
#include "update_parse_test.h"

/* ---- helpers ---- */

void
parse_ok(const char *xml, size_t len, struct update *u)
{
	char err[256] = "";

	if (update_parse(xml, len, u, err, sizeof(err)) != 0) {
		print_error("unexpected parse error: %s\n", err);
		fail();
	}
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
void
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

void
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
