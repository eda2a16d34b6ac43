/*
 * test_xmlw.c — the XML writer: escaping as the real server does it,
 * character and name checks, empty-element forms of both styles, the
 * envelope prologues, depth and buffer limits, sticky failure, and a
 * byte-exact re-creation of every captured WSUS answer (parse the
 * capture, write the tree back, compare with the file).
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
#include "soap_test_util.h"
#include "util/buf.h"

static char errbuf[256];

static void
test_text_escaping(void **state)
{
	struct buf b;
	struct xmlw w;

	buf_init(&b, 4096);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "Xml");
	/* as in the captured <Xml> fragments: quotes stay, < > & escaped */
	xmlw_textz(&w, "<UpdateIdentity UpdateID=\"56309036\" /><a b='c'>&amp;</a>");
	xmlw_textz(&w, "\t\n\r|");
	xmlw_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data, "<Xml>&lt;UpdateIdentity UpdateID=\"56309036\" /&gt;"
	    "&lt;a b='c'&gt;&amp;amp;&lt;/a&gt;\t\n&#xD;|</Xml>");
	buf_free(&b);
}

static void
test_attr_escaping(void **state)
{
	struct buf b;
	struct xmlw w;

	buf_init(&b, 4096);
	xmlw_init(&w, &b, SOAP_STYLE_ASMX);
	xmlw_start(&w, "a");
	xmlw_attr(&w, "v", "\"<>&\t\n\r'x");
	xmlw_attrn(&w, "w", "abc", 2);
	xmlw_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data,
	    "<a v=\"&quot;&lt;&gt;&amp;&#x9;&#xA;&#xD;'x\" w=\"ab\" />");
	buf_free(&b);
}

static void
test_empty_forms(void **state)
{
	struct buf b;
	struct xmlw w;

	buf_init(&b, 4096);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "r");
	xmlw_elem(&w, "Parameter", NULL);	/* no content */
	xmlw_elem(&w, "Message", "");		/* empty content */
	xmlw_start(&w, "x");
	xmlw_text(&w, "", 0);
	xmlw_end(&w);
	xmlw_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data,
	    "<r><Parameter/><Message></Message><x></x></r>");

	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_ASMX);
	xmlw_start(&w, "r");
	xmlw_elem(&w, "fileUrls", NULL);
	xmlw_elem(&w, "Message", "");
	xmlw_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data, "<r><fileUrls /><Message></Message></r>");
	buf_free(&b);
}

static void
test_typed_elements(void **state)
{
	struct buf b;
	struct xmlw w;
	struct soap_datetime dt;
	static const uint8_t digest[20] = { 0x86, 0x54, 0x2c, 0x97, 0x26, 0x1c,
	    0x46, 0xd5, 0xb3, 0x79, 0xa4, 0x3e, 0xc8, 0x95, 0xf9, 0x7e, 0xaf,
	    0x40, 0x9b, 0xa2 };
	uint8_t big[1000];

	buf_init(&b, 8192);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "r");
	xmlw_elem_int(&w, "ID", 108226);
	xmlw_elem_int(&w, "N", -2147483648LL);
	xmlw_elem_bool(&w, "IsLeaf", 0);
	xmlw_elem_bool(&w, "Truncated", 1);
	soap_datetime_from_unix(1791129815, 9967236, &dt);
	xmlw_elem_datetime(&w, "Expiration", &dt);
	xmlw_elem_base64(&w, "FileDigest", digest, sizeof(digest));
	xmlw_elem_base64(&w, "Empty", NULL, 0);
	xmlw_start(&w, "F");
	xmlw_textf(&w, "%d.%d", 3, 2);
	xmlw_end(&w);
	xmlw_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data, "<r><ID>108226</ID><N>-2147483648</N>"
	    "<IsLeaf>false</IsLeaf><Truncated>true</Truncated>"
	    "<Expiration>2026-10-04T16:03:35.9967236Z</Expiration>"
	    "<FileDigest>hlQslyYcRtWzeaQ+yJX5fq9Am6I=</FileDigest>"
	    "<Empty></Empty><F>3.2</F></r>");

	/* base64 spanning several internal chunks decodes back */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_elem_base64(&w, "B", big, sizeof(big));
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	{
		uint8_t back[1100];
		size_t n;
		const char *s = b.data + 3;
		size_t sl = b.len - 3 - 4;
		assert_int_equal(soap_parse_base64(s, sl, back, sizeof(back), &n), 0);
		assert_int_equal(n, sizeof(big));
		assert_memory_equal(back, big, sizeof(big));
	}
	/* a dateTime the format cannot express fails the writer */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	soap_datetime_from_unix(-62135596801LL, 0, &dt);
	assert_int_equal(xmlw_elem_datetime(&w, "T", &dt), -1);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), -1);
	buf_free(&b);
}

static void
test_bad_characters(void **state)
{
	static const char *bad[] = {
		"a\x01" "b", "\x0b", "\x1f", "\xc3\x28", "\xc0\xaf", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xef\xbf\xbe", "\xef\xbf\xbf", "\x80", "\xe2\x82",
		"\xff",
	};
	struct buf b;
	struct xmlw w;

	buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int attr = 0; attr <= 1; attr++) {
			buf_reset(&b);
			xmlw_init(&w, &b, SOAP_STYLE_WCF);
			xmlw_start(&w, "a");
			if (attr)
				assert_int_equal(xmlw_attr(&w, "v", bad[i]), -1);
			else
				assert_int_equal(xmlw_textz(&w, bad[i]), -1);
			/* sticky: everything after fails, finish reports it */
			assert_int_equal(xmlw_end(&w), -1);
			assert_int_equal(xmlw_elem(&w, "x", "y"), -1);
			assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), -1);
			assert_non_null(strstr(errbuf, "XML character"));
		}
	}
	/* NUL inside a counted string */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "a");
	assert_int_equal(xmlw_text(&w, "a\0b", 3), -1);
	/* valid multi-byte and the highest characters pass */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_elem(&w, "a", "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xef\xbf\xbd \xf4\x8f\xbf\xbf \x7f");
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	buf_free(&b);
}

static void
test_names_and_order(void **state)
{
	static const char *badnames[] = {
		"", "1a", "-a", ".a", "a b", "a<", "a>", "a\"", ":a", "a:", "a:b:c",
		"a:1b", "a=b", "a&b", "a/b",
	};
	struct buf b;
	struct xmlw w;
	char longname[XMLW_MAX_NAME + 2];

	buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof(badnames) / sizeof(badnames[0]); i++) {
		buf_reset(&b);
		xmlw_init(&w, &b, SOAP_STYLE_WCF);
		if (xmlw_start(&w, badnames[i]) != -1)
			fail_msg("element name \"%s\" accepted", badnames[i]);
		buf_reset(&b);
		xmlw_init(&w, &b, SOAP_STYLE_WCF);
		xmlw_start(&w, "a");
		if (xmlw_attr(&w, badnames[i], "v") != -1)
			fail_msg("attribute name \"%s\" accepted", badnames[i]);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_start(&w, longname), -1);
	/* good names */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_start(&w, "s:Envelope"), 0);
	assert_int_equal(xmlw_attr(&w, "xmlns:s", SOAP_NS_ENV11), 0);
	assert_int_equal(xmlw_start(&w, "_a.b-c1"), 0);
	assert_int_equal(xmlw_start(&w, "\xc3\xa9l\xc3\xa9ment"), 0);
	assert_int_equal(xmlw_envelope_end(&w), 0);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);

	/* attribute after content */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "a");
	xmlw_textz(&w, "t");
	assert_int_equal(xmlw_attr(&w, "x", "1"), -1);
	/* end with nothing open; text outside elements */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_end(&w), -1);
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_textz(&w, "x"), -1);
	/* unclosed elements fail finish */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "a");
	xmlw_start(&w, "b");
	xmlw_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "not closed"));
	/* envelope inside an element */
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_start(&w, "a");
	assert_int_equal(xmlw_envelope_begin(&w, SOAP_V11), -1);
	buf_free(&b);
}

static void
test_depth_limit(void **state)
{
	struct buf b;
	struct xmlw w;

	buf_init(&b, 1 << 16);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	for (int i = 0; i < XMLW_MAX_DEPTH; i++)
		assert_int_equal(xmlw_start(&w, "a"), 0);
	assert_int_equal(xmlw_start(&w, "a"), -1);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "deeper"));

	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_set_max_depth(&w, 3);
	assert_int_equal(xmlw_start(&w, "a"), 0);
	assert_int_equal(xmlw_start(&w, "b"), 0);
	assert_int_equal(xmlw_start(&w, "c"), 0);
	assert_int_equal(xmlw_start(&w, "d"), -1);

	/* a lot of open name bytes: refused, not overflowed */
	{
		char nm[200];
		int i, failed = 0;
		memset(nm, 'n', sizeof(nm) - 1);
		nm[sizeof(nm) - 1] = '\0';
		buf_reset(&b);
		xmlw_init(&w, &b, SOAP_STYLE_WCF);
		for (i = 0; i < XMLW_MAX_DEPTH; i++)
			if (xmlw_start(&w, nm) == -1) {
				failed = 1;
				break;
			}
		assert_true(failed);
		assert_true(i * 200 <= XMLW_NAMEBUF);
	}
	buf_free(&b);
}

static void
test_buffer_limit(void **state)
{
	struct buf b;
	struct xmlw w;

	buf_init(&b, 16);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_elem(&w, "a", "0123456789"), -1);
	assert_true(w.failed);
	assert_int_equal(xmlw_elem(&w, "b", NULL), -1);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "larger than 16"));
	buf_free(&b);

	/* exactly at the limit is fine */
	buf_init(&b, 17);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_elem(&w, "a", "0123456789"), 0);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(b.len, 17);
	buf_free(&b);

	/* a buffer that failed before is noticed */
	buf_init(&b, 2);
	buf_puts(&b, "xyz");
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_start(&w, "a"), -1);
	buf_free(&b);
}

static void
test_envelopes(void **state)
{
	struct buf b;
	struct xmlw w;

	buf_init(&b, 4096);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_envelope_begin(&w, SOAP_V11);
	assert_string_equal(xmlw_env_prefix(&w), "s");
	xmlw_envelope_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data,
	    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<s:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"/></s:Envelope>");

	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(&w, SOAP_V11);
	assert_string_equal(xmlw_env_prefix(&w), "soap");
	xmlw_elem(&w, "X", "1");
	xmlw_envelope_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(b.data, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body><X>1</X>"
	    "</soap:Body></soap:Envelope>");

	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(&w, SOAP_V12);
	xmlw_envelope_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_non_null(strstr(b.data,
	    "xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\""));
	buf_free(&b);
}

/* Build two real answers through the API and compare byte for byte. */
static void
test_build_real_answers(void **state)
{
	struct buf b;
	struct xmlw w;
	size_t len;
	char *want;
	struct soap_datetime dt;

	/* WCF style: the empty RegisterComputerResponse */
	want = fixture("wusp-native-capture/scan/04-RegisterComputer.response.xml", &len);
	buf_init(&b, 1 << 20);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_envelope_begin(&w, SOAP_V11);
	xmlw_start(&w, "RegisterComputerResponse");
	xmlw_attr(&w, "xmlns", SOAP_NS_CLIENT);
	xmlw_envelope_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, want, len);
	free(want);

	/* ASMX style: GetAuthConfig of the server-server protocol */
	want = fixture("wsusss-capture/000001-GetAuthConfig.response.xml", &len);
	buf_reset(&b);
	xmlw_init(&w, &b, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(&w, SOAP_V11);
	xmlw_start(&w, "GetAuthConfigResponse");
	xmlw_attr(&w, "xmlns", SOAP_NS_SWDIST);
	xmlw_start(&w, "GetAuthConfigResult");
	assert_int_equal(soap_parse_datetime("2026-10-04T13:16:35.433Z", 24, &dt), 0);
	xmlw_elem_datetime(&w, "LastChange", &dt);
	xmlw_start(&w, "AuthInfo");
	xmlw_start(&w, "AuthPlugInInfo");
	xmlw_elem(&w, "PlugInID", "DssTargeting");
	xmlw_elem(&w, "ServiceUrl", "DssAuthWebService/DssAuthWebService.asmx");
	xmlw_elem(&w, "Parameter", NULL);
	xmlw_envelope_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, want, len);
	free(want);
	buf_free(&b);
}

/*
 * Every captured answer, parsed and written back with the style its
 * bytes show, equals the capture: prologue, escaping, empty elements.
 */
static void
test_roundtrip_real_answers(void **state)
{
	static const char *files[] = {
		SOAP_REAL_ANSWERS,
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct soap_request *r = NULL;
		struct buf b;
		struct xmlw w;
		size_t len;
		char *d = fixture(files[i], &len);
		enum soap_style st = strncmp(d, "<?xml", 5) == 0 ?
		    SOAP_STYLE_ASMX : SOAP_STYLE_WCF;

		assert_int_equal(parse_doc(d, len, 0, &r, errbuf, sizeof(errbuf)),
		    SOAP_OK);
		buf_init(&b, 1 << 22);
		xmlw_init(&w, &b, st);
		xmlw_envelope_begin(&w, r->version);
		xmlw_copy_node(&w, r->op, "");
		xmlw_envelope_end(&w);
		assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
		if (b.len != len || memcmp(b.data, d, len) != 0) {
			size_t k = 0;
			while (k < len && k < b.len && b.data[k] == d[k])
				k++;
			fail_msg("%s differs at byte %zu: ...%.40s", files[i], k,
			    b.data + (k > 20 ? k - 20 : 0));
		}
		buf_free(&b);
		soap_request_free(r);
		free(d);
	}
}

/* Namespaced attributes, xml:lang, no-namespace children: copy + reparse. */
static void
test_copy_node_namespaces(void **state)
{
	static const char in[] =
	    "<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\"><s:Body>"
	    "<Op xmlns=\"urn:a\" xmlns:x=\"urn:x\" xmlns:i=\"" SOAP_NS_XSI "\">"
	    "<v i:nil=\"true\" x:k=\"1\" plain=\"&quot;&#9;&#10;&#13;\"/>"
	    "<t xml:lang=\"en\">hi</t><n xmlns=\"\"><m>z&#13;</m></n><x:o/>"
	    "<xml:e><f/></xml:e>"
	    "</Op></s:Body></s:Envelope>";
	struct soap_request *r = NULL, *r2 = NULL;
	struct buf b;
	struct xmlw w;
	const struct soap_node *n;

	assert_int_equal(parse_doc(in, strlen(in), 0, &r, errbuf, sizeof(errbuf)),
	    SOAP_OK);
	buf_init(&b, 1 << 16);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	xmlw_envelope_begin(&w, SOAP_V11);
	xmlw_copy_node(&w, r->op, "");
	xmlw_envelope_end(&w);
	assert_int_equal(xmlw_finish(&w, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(parse_doc(b.data, b.len, 0, &r2, errbuf, sizeof(errbuf)),
	    SOAP_OK);
	n = soap_child(r2->op, "v");
	assert_true(soap_is_nil(n));
	assert_string_equal(soap_attr(n, "urn:x", "k"), "1");
	assert_string_equal(soap_attr(n, NULL, "plain"), "\"\t\n\r");
	assert_string_equal(soap_attr(soap_child(r2->op, "t"), SOAP_NS_XML,
	    "lang"), "en");
	n = soap_child_ns(r2->op, "", "n");
	assert_non_null(n);
	assert_string_equal(soap_child_ns(n, "", "m")->text, "z\r");
	assert_non_null(soap_child_ns(r2->op, "urn:x", "o"));
	assert_null(soap_child_ns(r2->op, "urn:a", "n"));
	/* an element in the xml namespace keeps its reserved prefix */
	n = soap_child_ns(r2->op, SOAP_NS_XML, "e");
	assert_non_null(n);
	assert_non_null(soap_child_ns(n, "urn:a", "f"));
	soap_request_free(r);
	soap_request_free(r2);
	buf_free(&b);
	/* NULL node */
	buf_init(&b, 64);
	xmlw_init(&w, &b, SOAP_STYLE_WCF);
	assert_int_equal(xmlw_copy_node(&w, NULL, ""), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escaping),
		cmocka_unit_test(test_attr_escaping),
		cmocka_unit_test(test_empty_forms),
		cmocka_unit_test(test_typed_elements),
		cmocka_unit_test(test_bad_characters),
		cmocka_unit_test(test_names_and_order),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_buffer_limit),
		cmocka_unit_test(test_envelopes),
		cmocka_unit_test(test_build_real_answers),
		cmocka_unit_test(test_roundtrip_real_answers),
		cmocka_unit_test(test_copy_node_namespaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
