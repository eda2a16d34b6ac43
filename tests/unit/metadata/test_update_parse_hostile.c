/*
 * test_update_parse_hostile.c — update_parse() on hand-made documents:
 * the minimal and prefix-free forms, and hostile ones (malformed XML,
 * DOCTYPE and entities, wrong roots, bad identities, properties, files,
 * relationships and languages, deep nesting, oversize input): each
 * refused with its reason and nothing left behind.  Part of the program
 * test_metadata_update_parse (main() in test_update_parse.c).
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
#include "update_parse_test.h"

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

/* The document with body must fail with a message containing want. */
static void
body_fails(const char *body, const char *want)
{
	char *d = doc_with(body);

	parse_fails(d, want);
	free(d);
}

void
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

void
test_rejects_malformed_xml(void **state)
{
	char *d;

	(void)state;
	parse_fails("", "line 1: no element found");
	parse_fails("<upd:Update xmlns:upd=\"" UPD_NS "\">", "line 1:");
	body_fails("<upd:Files></upd:File>",
	    "mismatched tag");
	parse_fails("\n\n<x:Update>", "line 3: unbound prefix");
	/* invalid UTF-8 given straight to the parser */
	body_fails("<upd:Files>\xff</upd:Files>",
	    "not well-formed");
	d = doc_with("&undefined;");
	parse_fails(d, "undefined entity");
	free(d);
}

void
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

void
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

void
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

void
test_rejects_bad_identity_values(void **state)
{
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
	body_fails("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne>"
	    "<upd:UpdateIdentity UpdateID=\"zz78b8a1-0b20-45c1-add6-"
	    "4da72e9364cf\"/></upd:AtLeastOne></upd:Prerequisites>"
	    "</upd:Relationships>",
	    "is not a GUID");
	body_fails("<upd:UpdateIdentity UpdateID=\"dd78b8a1-0b20-45c1-add6-"
	    "4da72e9364cf\" RevisionNumber=\"1\"/>",
	    "more than one UpdateIdentity");
}

void
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

void
test_rejects_bad_files(void **state)
{
	char *d;

	(void)state;
	body_fails("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c\""
	    " FileName=\"a\" Size=\"1\"/></upd:Files>",
	    "File/@Digest \"h/W9BGlYUAaqXTp30cZi/SiV3c\" is not "
	    "the base64 of a 20-byte SHA-1");
	body_fails("<upd:Files><upd:File Digest=\"!!!!\" FileName=\"a\" "
	    "Size=\"1\"/></upd:Files>",
	    "File/@Digest");
	/* a valid base64 of the wrong length (SHA-256 in the SHA-1 slot) */
	body_fails("<upd:Files><upd:File Digest=\"Amt0qymy5KsROiwIXm4QIIV75Ju4"
	    "r+Cl28Pg8gaLXUA=\" FileName=\"a\" Size=\"1\"/></upd:Files>",
	    "20-byte SHA-1");
	body_fails("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" FileName=\"a\" Size=\"1\"><upd:AdditionalDigest Algorithm="
	    "\"SHA256\">not base64</upd:AdditionalDigest></upd:File>"
	    "</upd:Files>",
	    "AdditionalDigest \"not base64\" is not the base64 of "
	    "a 32-byte SHA-256");
	body_fails("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" DigestAlgorithm=\"MD5\" FileName=\"a\" Size=\"1\"/>"
	    "</upd:Files>",
	    "DigestAlgorithm \"MD5\"");
	body_fails("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" Size=\"1\"/></upd:Files>",
	    "missing File/@FileName");
	body_fails("<upd:Files><upd:File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0"
	    "=\" FileName=\"a\" Size=\"1x\"/></upd:Files>",
	    "File/@Size \"1x\" is not a size");
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

void
test_rejects_bad_relationships_and_languages(void **state)
{
	(void)state;
	body_fails("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne/>"
	    "</upd:Prerequisites></upd:Relationships>",
	    "empty Prerequisites/AtLeastOne");
	body_fails("<upd:Relationships><upd:Prerequisites><upd:AtLeastOne "
	    "IsCategory=\"maybe\"/></upd:Prerequisites></upd:Relationships>",
	    "IsCategory \"maybe\" is not a boolean");
	body_fails("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Title>t</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>",
	    "LocalizedProperties without Language");
	body_fails("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language></upd:LocalizedProperties>"
	    "<upd:LocalizedProperties><upd:Language>en</upd:Language>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>",
	    "language \"en\" given twice");
	body_fails("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en/../x</upd:Language></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection>",
	    "is not a language tag");
	body_fails("<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>abcdefghijklmnopq</upd:Language>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>",
	    "empty or too long");
}

void
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

void
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
void
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
void
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
