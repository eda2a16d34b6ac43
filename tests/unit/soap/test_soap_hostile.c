/*
 * test_soap_hostile.c — the bounded SOAP request reader against hostile
 * input: garbage, truncation, wrong namespaces and envelope structure,
 * bad headers, DTDs and entity bombs, bad UTF-8, oversize bodies, deep
 * nesting, huge arrays, tight memory limits.  The real captures are in
 * test_soap_request.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "soap/soap.h"
#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "soap_request_test.h"
#include "soap_test_util.h"
#include "util/buf.h"

/* ------------------------------------------------------------------ */
/* Hostile input                                                       */
/* ------------------------------------------------------------------ */

static void
test_garbage_and_truncation(void **state)
{
	size_t len;
	char *d = fixture("wusp-native-capture/scan/06-SyncUpdates-first.request.xml", &len);
	const char *act = ACT_CLIENT("SyncUpdates");

	assert_int_equal(try_str("hello", NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_parse("", 0, CT11, NULL, NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_str("   ", NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_str("<", NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_parse("\0\0\0\0", 4, CT11, NULL, NULL),
	    SOAP_ERR_MALFORMED);
	assert_int_equal(try_str("{\"json\": true}", NULL), SOAP_ERR_MALFORMED);
	/* every truncation of a real request fails cleanly */
	for (size_t cut = 0; cut < len; cut += 97)
		assert_int_equal(try_parse(d, cut, CT11, act, NULL) != SOAP_OK, 1);
	assert_int_equal(try_parse(d, len - 1, CT11, act, NULL),
	    SOAP_ERR_MALFORMED);
	/* junk after the document */
	{
		char *j = malloc(len + 8);
		memcpy(j, d, len);
		memcpy(j + len, "<x/>", 4);
		assert_int_equal(try_parse(j, len + 4, CT11, act, NULL),
		    SOAP_ERR_MALFORMED);
		free(j);
	}
	/* mismatched tags */
	assert_int_equal(try_str(ENV11_OPEN "<a xmlns=\"urn:x\"></b>" ENV11_CLOSE,
	    NULL), SOAP_ERR_MALFORMED);
	/* undeclared prefix */
	assert_int_equal(try_str(ENV11_OPEN "<q:a/>" ENV11_CLOSE, NULL),
	    SOAP_ERR_MALFORMED);
	/* duplicate attribute after namespace expansion */
	assert_int_equal(try_str(ENV11_OPEN "<a xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" "
	    "p:z=\"1\" q:z=\"2\"/>" ENV11_CLOSE, NULL), SOAP_ERR_MALFORMED);
	free(d);
}

static void
test_wrong_namespace_and_structure(void **state)
{
	/* Envelope in another namespace, or none */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"urn:not-soap\"><s:Body>"
	    "<a/></s:Body></s:Envelope>", NULL), SOAP_ERR_VERSION_MISMATCH);
	assert_int_equal(try_str("<Envelope><Body><a/></Body></Envelope>", NULL),
	    SOAP_ERR_VERSION_MISMATCH);
	/* not an Envelope */
	assert_int_equal(try_str("<GetConfig xmlns=\"" SOAP_NS_CLIENT "\"/>",
	    NULL), SOAP_ERR_NOT_SOAP);
	/* Body in another namespace */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<Body><a/></Body></s:Envelope>", NULL), SOAP_ERR_NOT_SOAP);
	/* no Body, empty Body, two operations, two Bodies */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\"/>",
	    NULL), SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Header/></s:Envelope>", NULL), SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str(ENV11_OPEN ENV11_CLOSE, NULL), SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str(ENV11_OPEN " \r\n\t" ENV11_CLOSE, NULL),
	    SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str(ENV11_OPEN "<a/><b/>" ENV11_CLOSE, NULL),
	    SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Body><a/></s:Body><s:Body><b/></s:Body></s:Envelope>", NULL),
	    SOAP_ERR_NOT_SOAP);
	/* Header after Body, two Headers, unknown envelope child */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Body><a/></s:Body><s:Header/></s:Envelope>", NULL),
	    SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Header/><s:Header/><s:Body><a/></s:Body></s:Envelope>", NULL),
	    SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Trailer/><s:Body><a/></s:Body></s:Envelope>", NULL),
	    SOAP_ERR_NOT_SOAP);
	/* stray text in Envelope, Body, Header */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">x"
	    "<s:Body><a/></s:Body></s:Envelope>", NULL), SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str(ENV11_OPEN "x<a/>" ENV11_CLOSE, NULL),
	    SOAP_ERR_NOT_SOAP);
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Header>x</s:Header><s:Body><a/></s:Body></s:Envelope>", NULL),
	    SOAP_ERR_NOT_SOAP);
	/* white space between envelope elements is fine */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">\r\n "
	    "<s:Body>\n<a/>\n</s:Body>\n</s:Envelope>", NULL), SOAP_OK);
}

static void
test_headers(void **state)
{
	struct soap_request *r = NULL;
	static const char ok[] =
	    "<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\"><s:Header>"
	    "<h:Trace xmlns:h=\"urn:h\" s:mustUnderstand=\"0\">abc</h:Trace>"
	    "</s:Header><s:Body><a xmlns=\"urn:a\"/></s:Body></s:Envelope>";

	assert_int_equal(soap_request_parse(ok, strlen(ok), CT11, NULL, NULL, &r,
	    errbuf, sizeof(errbuf)), SOAP_OK);
	assert_non_null(r->header);
	assert_true(soap_node_is(r->header, SOAP_NS_ENV11, "Header"));
	assert_string_equal(soap_child_ns(r->header, "urn:h", "Trace")->text, "abc");
	assert_string_equal(soap_attr(r->header->children, SOAP_NS_ENV11,
	    "mustUnderstand"), "0");
	assert_true(soap_node_is(r->op, "urn:a", "a"));
	soap_request_free(r);

	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Header><h:T xmlns:h=\"urn:h\" s:mustUnderstand=\"1\"/></s:Header>"
	    "<s:Body><a/></s:Body></s:Envelope>", NULL), SOAP_ERR_MUST_UNDERSTAND);
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Header><h:T xmlns:h=\"urn:h\" s:mustUnderstand=\"true\"/></s:Header>"
	    "<s:Body><a/></s:Body></s:Envelope>", NULL), SOAP_ERR_MUST_UNDERSTAND);
	/* mustUnderstand in another namespace means nothing */
	assert_int_equal(try_str("<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\">"
	    "<s:Header><h:T xmlns:h=\"urn:h\" h:mustUnderstand=\"1\"/></s:Header>"
	    "<s:Body><a/></s:Body></s:Envelope>", NULL), SOAP_OK);
}

static void
test_dtd_and_entities(void **state)
{
	static const char laughs[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
	    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
	    "]>" OP("<protocolVersion>&lol9;</protocolVersion>");

	assert_int_equal(try_str(laughs, NULL), SOAP_ERR_FORBIDDEN);
	assert_non_null(strstr(errbuf, "DOCTYPE"));
	/* external entity (XXE) */
	assert_int_equal(try_str("<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]>" OP("<protocolVersion>&x;</protocolVersion>"),
	    NULL), SOAP_ERR_FORBIDDEN);
	/* parameter entities / external DTD */
	assert_int_equal(try_str("<!DOCTYPE x SYSTEM \"http://evil/x.dtd\">"
	    OP(""), NULL), SOAP_ERR_FORBIDDEN);
	assert_int_equal(try_str("<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://e/\"> %p;]>"
	    OP(""), NULL), SOAP_ERR_FORBIDDEN);
	/* an entity that was never declared */
	assert_int_equal(try_str(OP("<protocolVersion>&lol9;</protocolVersion>"),
	    NULL), SOAP_ERR_MALFORMED);
	/* processing instructions (SOAP 1.1 §3: MUST NOT) */
	assert_int_equal(try_str("<?pi data?>" OP(""), NULL), SOAP_ERR_FORBIDDEN);
	assert_int_equal(try_str(OP("<?pi x?>"), NULL), SOAP_ERR_FORBIDDEN);
	/* predefined entities, character references, CDATA and comments are fine */
	{
		struct soap_request *r = NULL;
		const char *b = OP("<x>&lt;&amp;&gt;&quot;&apos;&#65;&#x42;"
		    "<![CDATA[<c>&amp;]]><!-- note --></x>");
		assert_int_equal(soap_request_parse(b, strlen(b), CT11, NULL,
		    NULL, &r, errbuf, sizeof(errbuf)), SOAP_OK);
		assert_string_equal(soap_child_text(r->op, "x"),
		    "<&>\"'AB<c>&amp;");
		soap_request_free(r);
	}
}

static void
test_encoding_and_utf8(void **state)
{
	/* invalid UTF-8: bad continuation, overlong, surrogate, > U+10FFFF,
	 * lone continuation, truncated sequence */
	static const char *bad[] = {
		"\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\x80", "\xe2\x82", "\xff", "\xef\xbf\xbe",
	};
	char body[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), OP("<x>a%sb</x>"), bad[i]);
		if (try_str(body, NULL) != SOAP_ERR_MALFORMED)
			fail_msg("bad UTF-8 #%zu accepted", i);
	}
	/* control characters, raw or as references */
	assert_int_equal(try_str(OP("<x>\x01</x>"), NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_str(OP("<x>&#1;</x>"), NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_str(OP("<x>&#0;</x>"), NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_str(OP("<x>&#xD800;</x>"), NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_parse(OP("<x>a\0b</x>"), sizeof(OP("<x>a\0b</x>")) - 1,
	    CT11, NULL, NULL), SOAP_ERR_MALFORMED);
	/* valid multi-byte text survives unchanged */
	{
		struct soap_request *r = NULL;
		const char *b = OP("<x>Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80</x>");
		assert_int_equal(soap_request_parse(b, strlen(b), CT11, NULL,
		    NULL, &r, errbuf, sizeof(errbuf)), SOAP_OK);
		assert_string_equal(soap_child_text(r->op, "x"),
		    "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80");
		soap_request_free(r);
	}
	/* declared encodings other than UTF-8, and UTF-16 bodies */
	assert_int_equal(try_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	    OP(""), NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_str("<?xml version=\"1.0\" encoding=\"utf-16\"?>"
	    OP(""), NULL), SOAP_ERR_MALFORMED);
	assert_int_equal(try_parse("\xff\xfe<\0a\0/\0>\0", 10, CT11, NULL, NULL),
	    SOAP_ERR_MALFORMED);
	assert_int_equal(try_parse("\xfe\xff\0<\0a\0/\0>", 10, CT11, NULL, NULL),
	    SOAP_ERR_MALFORMED);
	assert_int_equal(try_parse("<\0a\0/\0>\0", 8, CT11, NULL, NULL),
	    SOAP_ERR_MALFORMED);
	/* a UTF-8 byte order mark is allowed */
	assert_int_equal(try_str("\xef\xbb\xbf" OP(""), NULL), SOAP_OK);
	assert_int_equal(try_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    OP(""), NULL), SOAP_OK);
}

/* Build a request whose operation holds n copies of item. */
static char *
big_request(const char *item, size_t n, size_t *len)
{
	struct buf b;

	buf_init(&b, (size_t)1 << 30);
	buf_puts(&b, ENV11_OPEN "<GetExtendedUpdateInfo xmlns=\"" SOAP_NS_CLIENT
	    "\"><revisionIDs>");
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, item);
	buf_puts(&b, "</revisionIDs></GetExtendedUpdateInfo>" ENV11_CLOSE);
	assert_false(b.failed);
	return buf_steal(&b, len);
}

/*
 * A GetConfig whose opening ends with head, then SOAP_MAX_TEXT + 1 bytes
 * of text, then tail: refused as too large.
 */
static void
over_text_limit(const char *head, const char *tail)
{
	struct buf b;
	size_t len;
	char *t;

	buf_init(&b, 1u << 24);
	buf_puts(&b, ENV11_OPEN "<GetConfig xmlns=\"" SOAP_NS_CLIENT);
	buf_puts(&b, head);
	for (size_t i = 0; i < SOAP_MAX_TEXT + 1; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, tail);
	buf_puts(&b, ENV11_CLOSE);
	t = buf_steal(&b, &len);
	assert_int_equal(try_parse(t, len, CT11, NULL, NULL),
	    SOAP_ERR_TOO_LARGE);
	free(t);
}

static void
test_size_limits(void **state)
{
	size_t len;
	char *d;

	/* a 10 MB body is refused before parsing */
	len = 10u * 1024 * 1024;
	d = malloc(len);
	memset(d, ' ', len);
	memcpy(d, OP(""), strlen(OP("")));
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_ERR_TOO_LARGE);
	free(d);

	/* 100k array items: refused as too many, not built */
	d = big_request("<int>1</int>", 100000, &len);
	assert_true(len < SOAP_MAX_BODY);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_ERR_TOO_MANY);
	assert_non_null(strstr(errbuf, "child elements"));
	free(d);
	/* the limit itself passes */
	d = big_request("<int>1</int>", SOAP_MAX_CHILDREN, &len);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_OK);
	free(d);

	/* one text node over the per-element limit */
	over_text_limit("\"><protocolVersion>",
	    "</protocolVersion></GetConfig>");
	/* an attribute value over the limit */
	over_text_limit("\" a=\"", "\"/>");
}

static void
test_depth_limit(void **state)
{
	struct buf b;
	char *d;
	size_t len;

	buf_init(&b, 1u << 20);
	buf_puts(&b, ENV11_OPEN "<a xmlns=\"urn:x\">");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "<a>");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "</a>");
	buf_puts(&b, "</a>" ENV11_CLOSE);
	d = buf_steal(&b, &len);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_ERR_TOO_DEEP);
	free(d);

	/* exactly SOAP_MAX_DEPTH levels pass, one more fails */
	for (int extra = 0; extra <= 1; extra++) {
		buf_init(&b, 1u << 20);
		buf_puts(&b, ENV11_OPEN);
		for (int i = 3; i <= SOAP_MAX_DEPTH + extra; i++)
			buf_puts(&b, "<a xmlns=\"urn:x\">");
		for (int i = 3; i <= SOAP_MAX_DEPTH + extra; i++)
			buf_puts(&b, "</a>");
		buf_puts(&b, ENV11_CLOSE);
		d = buf_steal(&b, &len);
		assert_int_equal(try_parse(d, len, CT11, NULL, NULL),
		    extra ? SOAP_ERR_TOO_DEEP : SOAP_OK);
		free(d);
	}
}

static void
test_count_limits(void **state)
{
	struct soap_parse_opts o;
	struct buf b;
	char *d;
	size_t len;

	/* total elements (spread over many parents) */
	soap_parse_opts_default(&o);
	o.limits.max_elements = 100;
	d = big_request("<a><b/></a>", 49, &len);	/* 4 + 98 = 102 elements */
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_ERR_TOO_MANY);
	assert_non_null(strstr(errbuf, "elements"));
	free(d);
	d = big_request("<a><b/></a>", 48, &len);	/* 100: the limit */
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_OK);
	free(d);

	/* names longer than SOAP_MAX_NAME (they could not be written back) */
	buf_init(&b, 1u << 20);
	buf_puts(&b, ENV11_OPEN "<a xmlns=\"urn:x\"><");
	for (int i = 0; i < SOAP_MAX_NAME + 1; i++)
		buf_putc(&b, 'n');
	buf_puts(&b, "/></a>" ENV11_CLOSE);
	d = buf_steal(&b, &len);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_ERR_TOO_LARGE);
	assert_non_null(strstr(errbuf, "element name"));
	free(d);
	buf_init(&b, 1u << 20);
	buf_puts(&b, ENV11_OPEN "<a xmlns=\"urn:x\" ");
	for (int i = 0; i < SOAP_MAX_NAME + 1; i++)
		buf_putc(&b, 'n');
	buf_puts(&b, "=\"1\"/>" ENV11_CLOSE);
	d = buf_steal(&b, &len);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_ERR_TOO_LARGE);
	assert_non_null(strstr(errbuf, "attribute name"));
	free(d);
	buf_init(&b, 1u << 20);
	buf_puts(&b, ENV11_OPEN "<");
	for (int i = 0; i < SOAP_MAX_NAME; i++)
		buf_putc(&b, 'n');
	buf_puts(&b, " xmlns=\"urn:x\"/>" ENV11_CLOSE);
	d = buf_steal(&b, &len);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_OK);
	free(d);

	/* attributes on one element */
	buf_init(&b, 1u << 20);
	buf_puts(&b, ENV11_OPEN "<a xmlns=\"urn:x\"");
	for (int i = 0; i < SOAP_MAX_ATTRS + 1; i++)
		buf_printf(&b, " a%d=\"%d\"", i, i);
	buf_puts(&b, "/>" ENV11_CLOSE);
	d = buf_steal(&b, &len);
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_ERR_TOO_MANY);
	free(d);
}

static void
test_memory_limits(void **state)
{
	struct soap_parse_opts o;
	size_t len;
	char *d = fixture("wusp-native-capture/scan/06-SyncUpdates-first.request.xml", &len);

	/* the tree arena */
	soap_parse_opts_default(&o);
	o.limits.max_arena = 2048;
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_ERR_TOO_LARGE);
	/* Expat's own allocations */
	soap_parse_opts_default(&o);
	o.limits.max_parser_mem = 4096;
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_ERR_TOO_LARGE);
	/* a body limit below the body */
	soap_parse_opts_default(&o);
	o.limits.max_body = len - 1;
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_ERR_TOO_LARGE);
	/* a bad depth or name configuration is an internal error, not a crash */
	soap_parse_opts_default(&o);
	o.limits.max_depth = 2;
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_ERR_INTERNAL);
	soap_parse_opts_default(&o);
	o.limits.max_name = XMLW_MAX_NAME;
	assert_int_equal(try_parse(d, len, CT11, NULL, &o), SOAP_ERR_INTERNAL);
	/* and the defaults are enough */
	assert_int_equal(try_parse(d, len, CT11, NULL, NULL), SOAP_OK);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage_and_truncation),
		cmocka_unit_test(test_wrong_namespace_and_structure),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_dtd_and_entities),
		cmocka_unit_test(test_encoding_and_utf8),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_count_limits),
		cmocka_unit_test(test_memory_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
