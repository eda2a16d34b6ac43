/*
 * test_fragments.c — fragments_build() against what a real WSUS sent a
 * real client: the golden fragment files and the fragments inside real
 * SyncUpdates / GetExtendedUpdateInfo answers.  Each comparison is done
 * twice: element by element (both sides parsed inside a dummy root:
 * names, attributes in order, text, children) and byte for byte.  The
 * only normalisation is the source's own redaction (LinkId=REDACTED in
 * localized SupportUrl, see docs/FRAGMENTS.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <expat.h>

#include "metadata/fragments.h"
#include "metadata/update.h"
#include "metadata/update_parse.h"
#include "util/buf.h"
#include "util/xmalloc.h"
#include "mdtest.h"

#define UPD_NS "http://schemas.microsoft.com/msus/2002/12/Update"

/* ------------------------------------------------------------------ */
/* A tiny DOM for structural comparison                                */
/* ------------------------------------------------------------------ */

struct node {
	char		 *name;
	size_t		  nattrs;
	char		**attrs;	/* name, value, name, value ... */
	struct buf	  text;		/* all direct character data */
	size_t		  nkids;
	struct node	**kids;
	struct node	 *parent;
};

struct dom {
	struct node	*root;
	struct node	*cur;
};

static void XMLCALL
dom_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct dom *d = ud;
	struct node *n = xcalloc(1, sizeof(*n));
	size_t i;

	n->name = xstrdup(name);
	for (i = 0; atts[i] != NULL; i++)
		;
	n->nattrs = i / 2;
	n->attrs = xcalloc(i + 1, sizeof(char *));
	for (i = 0; atts[i] != NULL; i++)
		n->attrs[i] = xstrdup(atts[i]);
	buf_init(&n->text, 64u << 20);
	n->parent = d->cur;
	if (d->cur != NULL) {
		d->cur->kids = xreallocarray(d->cur->kids, d->cur->nkids + 1,
		    sizeof(*d->cur->kids));
		d->cur->kids[d->cur->nkids++] = n;
	} else
		d->root = n;
	d->cur = n;
}

static void XMLCALL
dom_end(void *ud, const XML_Char *name)
{
	struct dom *d = ud;

	(void)name;
	d->cur = d->cur->parent;
}

static void XMLCALL
dom_text(void *ud, const XML_Char *s, int len)
{
	struct dom *d = ud;

	if (d->cur != NULL)
		buf_append(&d->cur->text, s, (size_t)len);
}

static void
dom_free(struct node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		dom_free(n->kids[i]);
	for (size_t i = 0; i < 2 * n->nattrs; i++)
		free(n->attrs[i]);
	free(n->attrs);
	free(n->kids);
	free(n->name);
	buf_free(&n->text);
	free(n);
}

/* Parse a fragment (several top-level elements) inside <r>...</r>. */
static struct node *
dom_parse_fragment(const char *frag, size_t len)
{
	struct dom d = { NULL, NULL };
	XML_Parser p = XML_ParserCreate("UTF-8");
	char *wrapped = xasprintf("<r>%.*s</r>", (int)len, frag);

	XML_SetUserData(p, &d);
	XML_SetElementHandler(p, dom_start, dom_end);
	XML_SetCharacterDataHandler(p, dom_text);
	if (XML_Parse(p, wrapped, (int)strlen(wrapped), XML_TRUE) !=
	    XML_STATUS_OK) {
		print_error("fragment does not parse (line %lu: %s): %.200s\n",
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    XML_ErrorString(XML_GetErrorCode(p)), frag);
		fail();
	}
	XML_ParserFree(p);
	free(wrapped);
	return d.root;
}

/* Compare two trees; print the first difference with its path. */
static int
dom_equal(const struct node *a, const struct node *b, const char *path)
{
	char sub[1024];
	size_t i;

	if (strcmp(a->name, b->name) != 0) {
		print_error("%s: element <%s> vs <%s>\n", path, a->name,
		    b->name);
		return 0;
	}
	snprintf(sub, sizeof(sub), "%s/%s", path, a->name);
	if (a->nattrs != b->nattrs) {
		print_error("%s: %zu attributes vs %zu\n", sub, a->nattrs,
		    b->nattrs);
		return 0;
	}
	for (i = 0; i < 2 * a->nattrs; i += 2) {
		if (strcmp(a->attrs[i], b->attrs[i]) != 0 ||
		    strcmp(a->attrs[i + 1], b->attrs[i + 1]) != 0) {
			print_error("%s: attribute %zu %s=\"%s\" vs %s=\"%s\"\n",
			    sub, i / 2, a->attrs[i], a->attrs[i + 1],
			    b->attrs[i], b->attrs[i + 1]);
			return 0;
		}
	}
	if (a->text.len != b->text.len || (a->text.len &&
	    memcmp(a->text.data, b->text.data, a->text.len) != 0)) {
		print_error("%s: text \"%s\" vs \"%s\"\n", sub,
		    a->text.data ? a->text.data : "",
		    b->text.data ? b->text.data : "");
		return 0;
	}
	if (a->nkids != b->nkids) {
		print_error("%s: %zu children vs %zu\n", sub, a->nkids,
		    b->nkids);
		return 0;
	}
	for (i = 0; i < a->nkids; i++)
		if (!dom_equal(a->kids[i], b->kids[i], sub))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Comparing a derived fragment with a real one                        */
/* ------------------------------------------------------------------ */

/* The source redacted LinkId values of localized SupportUrl; make both
 * sides say LinkId=X. */
static char *
unredact(const char *s, size_t n, size_t *outlen)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b, 64u << 20);
	while (i < n) {
		if (n - i >= 7 && memcmp(s + i, "LinkId=", 7) == 0) {
			buf_append(&b, "LinkId=X", 8);
			i += 7;
			while (i < n && ((s[i] >= '0' && s[i] <= '9') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= 'a' && s[i] <= 'z')))
				i++;
			continue;
		}
		buf_putc(&b, s[i++]);
	}
	return buf_steal(&b, outlen);
}

static int ncompared;

static void
compare_fragment(const char *what, const char *mine, size_t mlen,
    const char *real, size_t rlen)
{
	struct node *a, *b;
	char *m, *r;
	size_t ml, rl;

	m = unredact(mine, mlen, &ml);
	r = unredact(real, rlen, &rl);
	a = dom_parse_fragment(m, ml);
	b = dom_parse_fragment(r, rl);
	if (!dom_equal(a, b, what)) {
		print_error("%s: derived and real fragments differ "
		    "(structure)\n", what);
		fail();
	}
	if (ml != rl || memcmp(m, r, ml) != 0) {
		size_t i = 0;

		while (i < ml && i < rl && m[i] == r[i])
			i++;
		print_error("%s: bytes differ at offset %zu:\n derived: %.80s\n"
		    " real:    %.80s\n", what, i, m + i, r + i);
		fail();
	}
	ncompared++;
	dom_free(a);
	dom_free(b);
	free(m);
	free(r);
}

static void
derive(const char *base, struct update_doc *d)
{
	char *xml, err[256];
	size_t len;

	memset(d, 0, sizeof(*d));
	xml = md_read(&len, 1, "wsusss-getupdatedata-docs/%s.xml", base);
	if (fragments_build(xml, len, d, err, sizeof(err)) != 0) {
		print_error("%s: %s\n", base, err);
		fail();
	}
	d->xml = xml;
	d->xml_len = len;
}

static const struct update_localized_fragment *
find_loc(const struct update_doc *d, const char *lang)
{
	for (size_t i = 0; i < d->nlocalized; i++)
		if (strcmp(d->localized[i].language, lang) == 0)
			return &d->localized[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Golden files                                                        */
/* ------------------------------------------------------------------ */

static void
test_golden_fragment_files(void **state)
{
	int files = 0;

	(void)state;
	ncompared = 0;
	for (size_t i = 0; i < MD_NDOCS; i++) {
		struct update_doc d;
		const struct update_localized_fragment *en;
		char what[128], *g;
		size_t glen;

		derive(md_docs[i], &d);
		if ((g = md_read(&glen, 0, "wusp-client-fragments/%s.core.xml",
		    md_docs[i])) != NULL) {
			snprintf(what, sizeof(what), "%s core", md_docs[i]);
			compare_fragment(what, d.core, d.core_len, g, glen);
			free(g);
			files++;
		}
		if ((g = md_read(&glen, 0,
		    "wusp-client-fragments/%s.extended.xml", md_docs[i]))
		    != NULL) {
			snprintf(what, sizeof(what), "%s extended", md_docs[i]);
			compare_fragment(what, d.extended, d.extended_len, g,
			    glen);
			free(g);
			files++;
		}
		if ((g = md_read(&glen, 0,
		    "wusp-client-fragments/%s.localized-en.xml", md_docs[i]))
		    != NULL) {
			snprintf(what, sizeof(what), "%s localized-en",
			    md_docs[i]);
			assert_non_null(en = find_loc(&d, "en"));
			compare_fragment(what, en->xml, en->len, g, glen);
			free(g);
			files++;
		}
		update_doc_free(&d);
	}
	/* 8 files from shared + 12 from the same source folder */
	assert_int_equal(files, 20);
	assert_int_equal(ncompared, 20);
}

/* ------------------------------------------------------------------ */
/* Fragments inside real SOAP answers                                  */
/* ------------------------------------------------------------------ */

struct soap_item {
	long	 id;
	char	*xml;
	size_t	 len;
};

struct soap_scan {
	struct soap_item items[128];
	size_t		 n;
	int		 in_id, in_xml;
	long		 cur_id;
	struct buf	 text;
};

static void XMLCALL
soap_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct soap_scan *s = ud;
	const char *local = strrchr(name, '|');

	(void)atts;
	local = local ? local + 1 : name;
	if (strcmp(local, "ID") == 0 || strcmp(local, "Xml") == 0) {
		buf_reset(&s->text);
		s->in_id = strcmp(local, "ID") == 0;
		s->in_xml = !s->in_id;
	}
}

static void XMLCALL
soap_end(void *ud, const XML_Char *name)
{
	struct soap_scan *s = ud;
	const char *local = strrchr(name, '|');

	local = local ? local + 1 : name;
	if (s->in_id && strcmp(local, "ID") == 0) {
		/* Deployment/ID also matches; the UpdateInfo/ID comes first
		 * and Xml follows the last ID of an entry, so keep the first
		 * ID seen since the last Xml. */
		if (s->cur_id < 0)
			s->cur_id = strtol(s->text.data ? s->text.data : "0",
			    NULL, 10);
		s->in_id = 0;
	} else if (s->in_xml && strcmp(local, "Xml") == 0) {
		assert_true(s->n < 128);
		s->items[s->n].id = s->cur_id;
		s->items[s->n].xml = buf_steal(&s->text, &s->items[s->n].len);
		s->n++;
		s->cur_id = -1;
		s->in_xml = 0;
	}
}

static void XMLCALL
soap_text(void *ud, const XML_Char *t, int len)
{
	struct soap_scan *s = ud;

	if (s->in_id || s->in_xml)
		buf_append(&s->text, t, (size_t)len);
}

static void
soap_scan(const char *rel, struct soap_scan *s)
{
	XML_Parser p = XML_ParserCreateNS("UTF-8", '|');
	char *body;
	size_t len;

	memset(s, 0, sizeof(*s));
	s->cur_id = -1;
	buf_init(&s->text, 1u << 20);
	body = md_read(&len, 1, "wusp-native-capture/%s", rel);
	XML_SetUserData(p, s);
	XML_SetElementHandler(p, soap_start, soap_end);
	XML_SetCharacterDataHandler(p, soap_text);
	assert_int_equal(XML_Parse(p, body, (int)len, XML_TRUE),
	    XML_STATUS_OK);
	XML_ParserFree(p);
	free(body);
	buf_free(&s->text);
}

static void
soap_free(struct soap_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i].xml);
}

/* Server revision ids -> documents (see the fixtures' PROVENANCE.md). */
static const struct {
	long		 id;
	const char	*base;
} revmap[] = {
	{ 108226, "56309036-4c77-4dd9-951a-99ee9c246a94-r101" },
	{ 108231, "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100" },
	{ 72571, "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202" },
	{ 192576, "7366a74a-ef29-44e1-b738-570b516aca1f-r200" },
	{ 197762, "266f6222-c89d-43f2-9f8a-69340271e677-r200" },
	{ 200373, "ff36f0b5-dded-4780-8664-cd78af8b62c1-r200" },
	{ 200712, "ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200" },
	{ 200724, "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200" },
	{ 200996, "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200" },
};

static int
check_capture(const char *rel)
{
	struct soap_scan s;
	int checked = 0;

	soap_scan(rel, &s);
	assert_true(s.n > 0);
	for (size_t i = 0; i < s.n; i++) {
		const char *base = NULL, *mine = NULL;
		struct update_doc d;
		size_t mlen = 0;
		char what[160];

		for (size_t k = 0; k < sizeof(revmap) / sizeof(revmap[0]); k++)
			if (revmap[k].id == s.items[i].id)
				base = revmap[k].base;
		if (base == NULL)
			continue;	/* a revision whose document we lack */
		derive(base, &d);
		if (strncmp(s.items[i].xml, "<UpdateIdentity", 15) == 0) {
			mine = d.core;
			mlen = d.core_len;
		} else if (strncmp(s.items[i].xml, "<ExtendedProperties",
		    19) == 0) {
			mine = d.extended;
			mlen = d.extended_len;
		} else if (strncmp(s.items[i].xml, "<LocalizedProperties>"
		    "<Language>en</Language>", 44) == 0) {
			const struct update_localized_fragment *en =
			    find_loc(&d, "en");
			assert_non_null(en);
			mine = en->xml;
			mlen = en->len;
		} else {
			print_error("%s: unexpected fragment %.40s\n", rel,
			    s.items[i].xml);
			fail();
		}
		snprintf(what, sizeof(what), "%s id %ld (%s)", rel,
		    s.items[i].id, base);
		compare_fragment(what, mine, mlen, s.items[i].xml,
		    s.items[i].len);
		checked++;
		update_doc_free(&d);
	}
	soap_free(&s);
	return checked;
}

static void
test_real_soap_answers(void **state)
{
	(void)state;
	/* scan/06: core of the Company category */
	assert_int_equal(check_capture("06-SyncUpdates-first.response.xml"), 1);
	/* scan/08: core of the OOBE ZDP product */
	assert_int_equal(check_capture("08-SyncUpdates-third-leaf.response.xml"),
	    1);
	/* scan/10: extended + localized of the three categories */
	assert_int_equal(check_capture("10-GetExtendedUpdateInfo.response.xml"),
	    6);
	/* flow/15: extended + localized of KB2267602 and 5 of its parts */
	assert_int_equal(check_capture("15-GetExtendedUpdateInfo-with-"
	    "FileLocations.response.xml"), 12);
}

/* ------------------------------------------------------------------ */
/* All languages, namespaces and text                                  */
/* ------------------------------------------------------------------ */

static void
test_every_language(void **state)
{
	struct update_doc d;
	struct update u;
	char err[256];

	(void)state;
	derive("a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200", &d);
	assert_int_equal(update_parse(d.xml, d.xml_len, &u, err, sizeof(err)),
	    0);
	assert_int_equal(d.nlocalized, 35);
	assert_int_equal(d.nlocalized, u.nlocalized);
	for (size_t i = 0; i < d.nlocalized; i++) {
		char *head = xasprintf("<LocalizedProperties><Language>%s"
		    "</Language><Title>", u.localized[i].language);
		struct node *n;

		assert_string_equal(d.localized[i].language,
		    u.localized[i].language);
		assert_int_equal(strlen(d.localized[i].xml), d.localized[i].len);
		assert_memory_equal(d.localized[i].xml, head, strlen(head));
		/* the title and description survive unchanged */
		n = dom_parse_fragment(d.localized[i].xml, d.localized[i].len);
		assert_int_equal(n->nkids, 1);
		assert_string_equal(n->kids[0]->kids[1]->text.data,
		    u.localized[i].title);
		assert_string_equal(n->kids[0]->kids[2]->text.data,
		    u.localized[i].description);
		dom_free(n);
		free(head);
	}
	update_free(&u);
	update_doc_free(&d);
}

/* ------------------------------------------------------------------ */
/* Servicing updates (CBS, OSInstaller): only fragments are available  */
/* ------------------------------------------------------------------ */

static void
replace_all(struct buf *out, const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	const char *p;

	while ((p = strstr(s, from)) != NULL) {
		buf_append(out, s, (size_t)(p - s));
		buf_puts(out, to);
		s = p + fl;
	}
	buf_puts(out, s);
}

static char *
replace(const char *s, const char *from, const char *to)
{
	struct buf b;

	buf_init(&b, 64u << 20);
	replace_all(&b, s, from, to);
	return buf_steal(&b, NULL);
}

/*
 * Rebuild a source document from a real core + extended pair: the
 * sections in the upd namespace, b.X as bar:X, type as xsi:type, the
 * Properties attributes of both fragments merged.  Inner elements are
 * left without a namespace (the derivation treats no namespace and the
 * Microsoft update namespaces alike).  This is NOT a real document; it
 * checks that the serializer reproduces real fragments byte for byte.
 */
static char *
rebuild_document(const char *core, const char *ext)
{
	struct buf b;
	const char *props, *pe, *xa, *xe, *rest, *x;
	char *t1, *t2, *t3;

	buf_init(&b, 64u << 20);
	buf_puts(&b, "<upd:Update xmlns:upd=\"" UPD_NS "\" xmlns:bar=\""
	    "http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules"
	    "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
	/* <UpdateIdentity .../> */
	assert_int_equal(strncmp(core, "<UpdateIdentity ", 16), 0);
	props = strstr(core, "<Properties ");
	assert_non_null(props);
	buf_puts(&b, "<upd:");
	buf_append(&b, core + 1, (size_t)(props - core - 1));
	/* <Properties UpdateType="..." /> + ExtendedProperties attributes
	 * and children */
	pe = strstr(props, " />");
	assert_non_null(pe);
	assert_int_equal(strncmp(ext, "<ExtendedProperties", 19), 0);
	xa = ext + 19;
	xe = strchr(xa, '>');
	assert_non_null(xe);
	buf_puts(&b, "<upd:");
	buf_append(&b, props + 1, (size_t)(pe - props - 1));
	if (xe[-1] == '/') {
		buf_append(&b, xa, (size_t)(xe - 1 - xa));
		buf_puts(&b, "></upd:Properties>");
		x = xe + 1;
	} else {
		const char *endp = strstr(xe, "</ExtendedProperties>");
		assert_non_null(endp);
		buf_append(&b, xa, (size_t)(xe - xa + 1));
		buf_append(&b, xe + 1, (size_t)(endp - xe - 1));
		buf_puts(&b, "</upd:Properties>");
		x = endp + 21;
	}
	rest = pe + 3;
	t1 = replace(rest, "<b.", "<bar:");
	t2 = replace(t1, "</b.", "</bar:");
	free(t1);
	t1 = replace(t2, "<Relationships>", "<upd:Relationships>");
	free(t2);
	t2 = replace(t1, "</Relationships>", "</upd:Relationships>");
	free(t1);
	t1 = replace(t2, "<ApplicabilityRules>", "<upd:ApplicabilityRules>");
	free(t2);
	t2 = replace(t1, "</ApplicabilityRules>", "</upd:ApplicabilityRules>");
	free(t1);
	buf_puts(&b, t2);
	free(t2);
	/* Files and HandlerSpecificData of the extended fragment */
	t1 = replace(x, "<Files>", "<upd:Files>");
	t2 = replace(t1, "</Files>", "</upd:Files>");
	free(t1);
	t1 = replace(t2, "<HandlerSpecificData type=",
	    "<upd:HandlerSpecificData xsi:type=");
	free(t2);
	t3 = replace(t1, "</HandlerSpecificData>", "</upd:HandlerSpecificData>");
	free(t1);
	buf_puts(&b, t3);
	free(t3);
	buf_puts(&b, "</upd:Update>");
	return buf_steal(&b, NULL);
}

static void
check_servicing(const char *core_rel, const char *ext_rel, int reduced)
{
	struct update_doc d;
	char *core, *ext, *doc, *realcore, err[256];
	size_t clen, elen;

	core = md_read(&clen, 1, "wusp-client-fragments-servicing/%s",
	    core_rel);
	ext = md_read(&elen, 1, "wusp-client-fragments-servicing/%s", ext_rel);
	doc = rebuild_document(core, ext);
	memset(&d, 0, sizeof(d));
	if (fragments_build(doc, strlen(doc), &d, err, sizeof(err)) != 0) {
		print_error("%s: %s\n", core_rel, err);
		fail();
	}
	/* The "-reduced" core was cut by its source project, which left an
	 * empty <package ...></package>; the real server (and we) write an
	 * empty element as <package ... />.  See docs/FRAGMENTS.md. */
	realcore = reduced ? replace(core, "\"></package>", "\" />") :
	    xstrdup(core);
	compare_fragment(core_rel, d.core, d.core_len, realcore,
	    strlen(realcore));
	compare_fragment(ext_rel, d.extended, d.extended_len, ext, elen);
	update_doc_free(&d);
	free(realcore);
	free(doc);
	free(core);
	free(ext);
}

static void
test_servicing_fragments(void **state)
{
	(void)state;
	/* CBS: unprefixed CBS rules, a foreign-namespace assembly manifest
	 * keeping xmlns, PatchingType, type="cbs:Cbs" */
	check_servicing("cbs-rollupfix-core-reduced.xml",
	    "cbs-rollupfix-extended.xml", 1);
	/* OSInstaller: ProductName/ReleaseVersion, a Language child of
	 * ExtendedProperties, 14 files, sizes > 2^32 */
	check_servicing("osinstaller-core.xml", "osinstaller-extended.xml", 0);
}

/* ------------------------------------------------------------------ */
/* Serialisation rules on synthetic input                              */
/* ------------------------------------------------------------------ */

static void
build(const char *xml, struct update_doc *d)
{
	char err[256];

	memset(d, 0, sizeof(*d));
	if (fragments_build(xml, strlen(xml), d, err, sizeof(err)) != 0) {
		print_error("unexpected error: %s\n", err);
		fail();
	}
}

static void
build_fails(const char *xml, const char *want)
{
	struct update_doc d;
	char err[256] = "";

	memset(&d, 0, sizeof(d));
	d.core = (char *)"untouched";
	assert_int_equal(fragments_build(xml, strlen(xml), &d, err,
	    sizeof(err)), -1);
	assert_string_equal(d.core, "untouched");	/* *out unchanged */
	assert_null(d.extended);
	assert_int_equal(d.nlocalized, 0);
	if (strstr(err, want) == NULL) {
		print_error("error \"%s\" does not contain \"%s\"\n", err,
		    want);
		fail();
	}
}

#define HEAD "<upd:Update xmlns:upd=\"" UPD_NS "\" xmlns:xsi=\"http://www." \
    "w3.org/2001/XMLSchema-instance\" xmlns:bar=\"http://schemas.microsoft." \
    "com/msus/2002/12/BaseApplicabilityRules\" xmlns:mar=\"http://schemas." \
    "microsoft.com/msus/2002/12/MsiApplicabilityRules\" xmlns:drv=\"http:" \
    "//schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver\" " \
    "xmlns:lar=\"http://schemas.microsoft.com/msus/2002/12/Logical" \
    "ApplicabilityRules\"><upd:UpdateIdentity UpdateID=\"AB78B8A1-0B20-" \
    "45C1-ADD6-4DA72E9364CF\" RevisionNumber=\"5\" />"

static void
test_properties_rules(void **state)
{
	struct update_doc d;

	(void)state;
	/* core: fixed order, booleans only when true, no children;
	 * extended: the rest in document order, PerUser/IsPublic/... gone */
	build(HEAD "<upd:Properties EulaID=\"e1\" AutoSelectOnWebSites=\"1\" "
	    "PerUser=\"false\" IsBeta=\"false\" OSUpgrade=\"Upgrade\" "
	    "ExplicitlyDeployable=\"true\" UpdateType=\"Driver\" "
	    "MsrcSeverity=\"Critical\" LegacyName=\"L\" DetectoidType=\"D\" "
	    "IsPublic=\"false\" PublisherID=\"p\" CreationDate=\"c\" "
	    "PublicationState=\"Published\" DefaultPropertiesLanguage=\"en\">"
	    "<upd:InstallationBehavior RebootBehavior=\"CanRequestReboot\"/>"
	    "<upd:KBArticleID>5026368</upd:KBArticleID></upd:Properties>"
	    "</upd:Update>", &d);
	assert_string_equal(d.core, "<UpdateIdentity UpdateID=\"AB78B8A1-0B20-"
	    "45C1-ADD6-4DA72E9364CF\" RevisionNumber=\"5\" /><Properties "
	    "UpdateType=\"Driver\" ExplicitlyDeployable=\"true\" "
	    "AutoSelectOnWebSites=\"true\" OSUpgrade=\"Upgrade\" "
	    "EulaID=\"e1\" />");
	assert_string_equal(d.extended, "<ExtendedProperties IsBeta=\"false\" "
	    "MsrcSeverity=\"Critical\" DefaultPropertiesLanguage=\"en\">"
	    "<InstallationBehavior RebootBehavior=\"CanRequestReboot\" />"
	    "<KBArticleID>5026368</KBArticleID></ExtendedProperties>");
	assert_int_equal(d.nlocalized, 0);
	update_doc_free(&d);

	build(HEAD "<upd:Properties UpdateType=\"Software\" "
	    "ExplicitlyDeployable=\"false\" AutoSelectOnWebSites=\"0\">"
	    "</upd:Properties></upd:Update>", &d);
	assert_string_equal(strstr(d.core, "<Properties"),
	    "<Properties UpdateType=\"Software\" />");
	assert_string_equal(d.extended, "<ExtendedProperties />");
	update_doc_free(&d);
}

static void
test_names_and_namespaces(void **state)
{
	struct update_doc d;

	(void)state;
	build(HEAD "<upd:Properties UpdateType=\"Driver\"/>"
	    "<upd:ApplicabilityRules><upd:IsInstalled><lar:And>"
	    "<bar:WindowsVersion Comparison=\"EqualTo\"/>"
	    "<mar:MsiProductInstalled ProductCode=\"{X}\"/>"
	    "<drv:WindowsDriverInstalled/>"
	    "<x:Thing xmlns:x=\"http://schemas.microsoft.com/msus/2016/01/Other\""
	    " x:attr=\"1\"/>"
	    "</lar:And></upd:IsInstalled>"
	    "<upd:Metadata><drv:WindowsDriverMetaData HardwareID=\"pci\\ven\" "
	    "Class=\"Net\"><drv:FeatureScore OperatingSystem=\"x\"/>"
	    "<drv:TargetComputerHardwareId>{g}</drv:TargetComputerHardwareId>"
	    "</drv:WindowsDriverMetaData></upd:Metadata></upd:ApplicabilityRules>"
	    "<upd:HandlerSpecificData xsi:type=\"drv:WindowsDriver\">"
	    "<asm xmlns=\"urn:foreign\" a=\"1\"><b><upd:c/></b></asm>"
	    "<f:y xmlns:f=\"urn:foreign\"/>"
	    "</upd:HandlerSpecificData></upd:Update>", &d);
	assert_string_equal(strstr(d.core, "<ApplicabilityRules>"),
	    "<ApplicabilityRules><IsInstalled><And>"
	    "<b.WindowsVersion Comparison=\"EqualTo\" />"
	    "<m.MsiProductInstalled ProductCode=\"{X}\" />"
	    "<d.WindowsDriverInstalled />"
	    "<Thing attr=\"1\" />"
	    "</And></IsInstalled>"
	    /* the driver metadata keeps its attributes, loses its children */
	    "<Metadata><d.WindowsDriverMetaData HardwareID=\"pci\\ven\" "
	    "Class=\"Net\" /></Metadata></ApplicabilityRules>");
	/* foreign namespaces keep a default namespace declaration; an
	 * update element inside one resets it */
	assert_string_equal(d.extended, "<ExtendedProperties />"
	    "<HandlerSpecificData type=\"drv:WindowsDriver\">"
	    "<asm xmlns=\"urn:foreign\" a=\"1\"><b><c xmlns=\"\" /></b></asm>"
	    "<y xmlns=\"urn:foreign\" /></HandlerSpecificData>");
	update_doc_free(&d);
}

static void
test_text_and_escaping(void **state)
{
	struct update_doc d;
	struct node *n;
	const struct update_localized_fragment *l;

	(void)state;
	build(HEAD "<upd:Properties UpdateType=\"Software\"/>\n"
	    "  <!-- a comment -->\n"
	    "  <upd:LocalizedPropertiesCollection>\n"
	    "    <upd:LocalizedProperties>\n"
	    "      <upd:Language> de </upd:Language>\n"
	    "      <upd:Title>A &amp; B &lt;C&gt; \"q\" 'a' &#x9;t&#xD;"
	    "\xc2\xa0\xf0\x9f\x98\x80</upd:Title>\n"
	    "      <upd:Description><![CDATA[x < y & z]]></upd:Description>\n"
	    "    </upd:LocalizedProperties>\n"
	    "  </upd:LocalizedPropertiesCollection>\n"
	    "  <upd:Files><upd:File FileName=\"a&amp;b&lt;&gt;&quot;.exe\" "
	    "Modified=\"x&#9;y&#10;z&#13;w\" Digest=\"d\" /></upd:Files>\n"
	    "</upd:Update>", &d);
	assert_int_equal(d.nlocalized, 1);
	l = &d.localized[0];
	assert_string_equal(l->language, "de");
	assert_string_equal(l->xml, "<LocalizedProperties><Language> de "
	    "</Language><Title>A &amp; B &lt;C&gt; \"q\" 'a' \tt&#xD;"
	    "\xc2\xa0\xf0\x9f\x98\x80</Title><Description>x &lt; y &amp; z"
	    "</Description></LocalizedProperties>");
	assert_string_equal(d.extended, "<ExtendedProperties /><Files><File "
	    "FileName=\"a&amp;b&lt;&gt;&quot;.exe\" "
	    "Modified=\"x&#x9;y&#xA;z&#xD;w\" Digest=\"d\" /></Files>");
	/* and everything reads back to the same values */
	n = dom_parse_fragment(d.extended, d.extended_len);
	assert_string_equal(n->kids[1]->kids[0]->attrs[1], "a&b<>\".exe");
	assert_string_equal(n->kids[1]->kids[0]->attrs[3], "x\ty\nz\rw");
	dom_free(n);
	n = dom_parse_fragment(l->xml, l->len);
	assert_string_equal(n->kids[0]->kids[1]->text.data,
	    "A & B <C> \"q\" 'a' \tt\r\xc2\xa0\xf0\x9f\x98\x80");
	dom_free(n);
	update_doc_free(&d);
}

/* A pretty-printed copy of a real document gives the same fragments. */
static void
test_whitespace_between_elements_is_dropped(void **state)
{
	struct update_doc a, b;
	struct buf pb;

	(void)state;
	derive("266f6222-c89d-43f2-9f8a-69340271e677-r200", &a);
	buf_init(&pb, 1 << 20);
	for (size_t i = 0; i < a.xml_len; i++) {
		/* before start tags only: whitespace before an end tag
		 * would be part of a title's text */
		if (a.xml[i] == '<' && i > 0 && a.xml[i + 1] != '/')
			buf_puts(&pb, "\r\n\t ");
		buf_putc(&pb, a.xml[i]);
	}
	build(pb.data, &b);
	assert_string_equal(a.core, b.core);
	assert_string_equal(a.extended, b.extended);
	assert_string_equal(a.localized[0].xml, b.localized[0].xml);
	buf_free(&pb);
	update_doc_free(&a);
	update_doc_free(&b);
}

static void
test_errors_leave_output_unchanged(void **state)
{
	struct buf b;

	(void)state;
	build_fails("<foo/>", "line 1: not an upd:Update document");
	build_fails("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>",
	    "DOCTYPE is not allowed");
	build_fails("<upd:Update xmlns:upd=\"" UPD_NS "\">\n<upd:Properties "
	    "UpdateType=\"Software\"/></upd:Update>",
	    "line 2: missing UpdateIdentity");
	build_fails(HEAD "</upd:Update>", "missing Properties");
	build_fails(HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:Properties UpdateType=\"Software\"/></upd:Update>",
	    "more than one Properties");
	build_fails(HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:Files><upd:File a:x=\"1\" b:x=\"2\" xmlns:a=\"urn:a\" "
	    "xmlns:b=\"urn:b\"/></upd:Files></upd:Update>",
	    "two attributes named x");
	build_fails(HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Title>t</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection></upd:Update>",
	    "LocalizedProperties without Language");
	build_fails(HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:LocalizedPropertiesCollection><upd:LocalizedProperties>"
	    "<upd:Language>en</upd:Language></upd:LocalizedProperties>"
	    "<upd:LocalizedProperties><upd:Language>en</upd:Language>"
	    "</upd:LocalizedProperties></upd:LocalizedPropertiesCollection>"
	    "</upd:Update>", "language \"en\" given twice");
	build_fails(HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:Files>\xff</upd:Files></upd:Update>", "not well-formed");

	buf_init(&b, 1 << 20);
	buf_puts(&b, HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:Files>");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "<x>");
	build_fails(b.data, "nested deeper than 64");
	buf_free(&b);

	buf_init(&b, 1 << 20);
	buf_puts(&b, HEAD "<upd:Properties UpdateType=\"Software\"/>"
	    "<upd:Files><upd:File");
	for (int i = 0; i <= UPDATE_MAX_ATTRS; i++)
		buf_printf(&b, " a%d=\"1\"", i);
	buf_puts(&b, "/></upd:Files></upd:Update>");
	build_fails(b.data, "more than 256 attributes");
	buf_free(&b);
}

/* Building into a doc that already holds fragments replaces them (the
 * asan build checks nothing leaks). */
static void
test_rebuild_replaces(void **state)
{
	struct update_doc d;
	char *xml, err[256];
	size_t len;

	(void)state;
	derive("a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200", &d);
	xml = md_read(&len, 1, "wsusss-getupdatedata-docs/%s.xml",
	    "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202");
	assert_int_equal(fragments_build(xml, len, &d, err, sizeof(err)), 0);
	assert_int_equal(d.nlocalized, 1);
	assert_non_null(strstr(d.core, "dd78b8a1"));
	assert_null(strstr(d.core, "a2fef9b0"));
	assert_null(strstr(d.extended, "KBArticleID"));
	update_doc_free(&d);
	free(xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_fragment_files),
		cmocka_unit_test(test_real_soap_answers),
		cmocka_unit_test(test_every_language),
		cmocka_unit_test(test_servicing_fragments),
		cmocka_unit_test(test_properties_rules),
		cmocka_unit_test(test_names_and_namespaces),
		cmocka_unit_test(test_text_and_escaping),
		cmocka_unit_test(test_whitespace_between_elements_is_dropped),
		cmocka_unit_test(test_errors_leave_output_unchanged),
		cmocka_unit_test(test_rebuild_replaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
