/*
 * test_soapclient.c — unit tests of src/soapclient against a tiny
 * libmicrohttpd server on 127.0.0.1: the headers of each SOAP version
 * and their order, answers of every status, the bounded body, timeouts,
 * connection errors, Content-Encoding, byte counters and recording.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "soapclient/soapclient.h"
#include "util/fsutil.h"

#define ENVELOPE "<Envelope><Body><Op/></Body></Envelope>"

static struct {
	struct MHD_Daemon	*d;
	uint16_t		 port;
	/* what the last request carried */
	char			 ct[256];
	char			 action[256];
	char			 order[1024];	/* header names, ';'-joined */
	size_t			 body_len;
} S;

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *k,
    const char *v)
{
	size_t n = strlen(S.order);

	(void)cls;
	(void)kind;
	(void)v;
	snprintf(S.order + n, sizeof(S.order) - n, "%s;", k);
	return MHD_YES;
}

/*
 * /ok: 200 and the envelope; /fault: 500; /missing: 404; /big: 4096
 * bytes; /slow: 3 s late; /xpress: Content-Encoding: xpress.
 */
static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **ctx)
{
	static int first;
	struct MHD_Response *r;
	const char *v;
	unsigned status = 200;
	size_t len = strlen(ENVELOPE);
	char *ans;
	enum MHD_Result rc;

	(void)cls;
	(void)method;
	(void)version;
	(void)upload;
	if (*ctx == NULL) {
		*ctx = &first;
		S.body_len = 0;
		return MHD_YES;
	}
	if (*upload_len > 0) {
		S.body_len += *upload_len;
		*upload_len = 0;
		return MHD_YES;
	}
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	snprintf(S.ct, sizeof(S.ct), "%s", v ? v : "");
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "SOAPAction");
	snprintf(S.action, sizeof(S.action), "%s", v ? v : "");
	S.order[0] = '\0';
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, NULL);
	if (strcmp(url, "/fault") == 0)
		status = 500;
	else if (strcmp(url, "/missing") == 0)
		status = 404;
	else if (strcmp(url, "/big") == 0)
		len = 4096;
	else if (strcmp(url, "/slow") == 0)
		sleep(3);
	ans = malloc(len);
	assert_non_null(ans);
	memset(ans, 'x', len);
	if (len == strlen(ENVELOPE))
		memcpy(ans, ENVELOPE, len);
	r = MHD_create_response_from_buffer(len, ans, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "text/xml; charset=utf-8");
	if (strcmp(url, "/xpress") == 0)
		MHD_add_response_header(r, "Content-Encoding", "xpress");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	memset(&S, 0, sizeof(S));
	S.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_END);
	if (S.d == NULL)
		return -1;
	S.port = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT)->port;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	MHD_stop_daemon(S.d);
	return 0;
}

static void
url_of(char *out, size_t len, const char *path)
{
	snprintf(out, len, "http://127.0.0.1:%u%s", (unsigned)S.port, path);
}

static void
open_client(struct soapclient *sc, size_t max, long timeout,
    const char *record)
{
	struct soapclient_opts o;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.user_agent = "test-agent";
	o.timeout = timeout;
	o.max_response = max;
	o.record_dir = record;
	o.record_width = 3;
	assert_int_equal(soapclient_init(sc, &o, err, sizeof(err)), 0);
}

static int
post(struct soapclient *sc, const char *path, enum soap_version v,
    const char *const *headers)
{
	char url[256];
	struct soapclient_call c;

	url_of(url, sizeof(url), path);
	memset(&c, 0, sizeof(c));
	c.url = url;
	c.action = "http://example.org/ns/Op";
	c.version = v;
	c.name = "Op";
	c.body = ENVELOPE;
	c.len = strlen(ENVELOPE);
	c.headers = headers;
	return soapclient_post(sc, &c);
}

static void
test_ok_soap11(void **state)
{
	struct soapclient sc;

	(void)state;
	open_client(&sc, 0, 10, NULL);
	assert_int_equal(post(&sc, "/ok", SOAP_V11, NULL), 0);
	assert_int_equal(sc.status, 200);
	assert_int_equal(sc.body.len, strlen(ENVELOPE));
	assert_memory_equal(sc.body.data, ENVELOPE, strlen(ENVELOPE));
	assert_string_equal(S.ct, "text/xml; charset=utf-8");
	assert_string_equal(S.action, "\"http://example.org/ns/Op\"");
	assert_int_equal(S.body_len, strlen(ENVELOPE));
	assert_false(sc.too_large);
	assert_string_equal(sc.encoding, "");
	assert_true(sc.seconds >= 0);
	assert_int_equal(sc.posts, 1);
	assert_int_equal(sc.bytes_out, strlen(ENVELOPE));
	assert_int_equal(sc.bytes_in, strlen(ENVELOPE));
	/* a second call on the same handle adds to the counters */
	assert_int_equal(post(&sc, "/ok", SOAP_V11, NULL), 0);
	assert_int_equal(sc.posts, 2);
	assert_int_equal(sc.bytes_in, 2 * strlen(ENVELOPE));
	soapclient_free(&sc);
}

static void
test_soap12(void **state)
{
	struct soapclient sc;

	(void)state;
	open_client(&sc, 0, 10, NULL);
	assert_int_equal(post(&sc, "/ok", SOAP_V12, NULL), 0);
	assert_string_equal(S.ct, "application/soap+xml; charset=utf-8; "
	    "action=\"http://example.org/ns/Op\"");
	assert_string_equal(S.action, "");
	soapclient_free(&sc);
}

static void
test_header_order(void **state)
{
	static const char *const h[] = {
		"X-First: 1", "Content-Type", "X-Middle: 2", "SOAPAction",
		"X-Last: 3", "Accept:", NULL,
	};
	struct soapclient sc;

	(void)state;
	open_client(&sc, 0, 10, NULL);
	assert_int_equal(post(&sc, "/ok", SOAP_V11, h), 0);
	assert_non_null(strstr(S.order,
	    "X-First;Content-Type;X-Middle;SOAPAction;X-Last;"));
	assert_null(strstr(S.order, "Accept;"));
	soapclient_free(&sc);
}

static void
test_status_codes(void **state)
{
	struct soapclient sc;

	(void)state;
	open_client(&sc, 0, 10, NULL);
	assert_int_equal(post(&sc, "/fault", SOAP_V11, NULL), 0);
	assert_int_equal(sc.status, 500);
	assert_int_equal(sc.body.len, strlen(ENVELOPE));
	assert_int_equal(post(&sc, "/missing", SOAP_V11, NULL), 0);
	assert_int_equal(sc.status, 404);
	soapclient_free(&sc);
}

static void
test_bounded_body(void **state)
{
	struct soapclient sc;

	(void)state;
	open_client(&sc, 1024, 10, NULL);
	assert_int_equal(post(&sc, "/big", SOAP_V11, NULL), -1);
	assert_true(sc.too_large);
	assert_non_null(strstr(sc.error, "larger than 1024 bytes"));
	/* the handle stays usable; an answer within the bound passes */
	assert_int_equal(post(&sc, "/ok", SOAP_V11, NULL), 0);
	assert_false(sc.too_large);
	assert_int_equal(sc.body.len, strlen(ENVELOPE));
	soapclient_free(&sc);
	open_client(&sc, 4096, 10, NULL);
	assert_int_equal(post(&sc, "/big", SOAP_V11, NULL), 0);
	assert_int_equal(sc.body.len, 4096);
	soapclient_free(&sc);
}

static void
test_timeout(void **state)
{
	struct soapclient sc;

	(void)state;
	open_client(&sc, 0, 1, NULL);
	assert_int_equal(post(&sc, "/slow", SOAP_V11, NULL), -1);
	assert_false(sc.too_large);
	assert_true(sc.error[0] != '\0');
	assert_true(sc.seconds < 2.9);
	soapclient_free(&sc);
}

static void
test_refused(void **state)
{
	struct soapclient sc;
	struct soapclient_call c;

	(void)state;
	open_client(&sc, 0, 5, NULL);
	memset(&c, 0, sizeof(c));
	c.url = "http://127.0.0.1:1/nothing";
	c.action = "urn:x";
	c.name = "Op";
	c.body = ENVELOPE;
	c.len = strlen(ENVELOPE);
	assert_int_equal(soapclient_post(&sc, &c), -1);
	assert_int_equal(sc.status, 0);
	assert_true(sc.error[0] != '\0');
	assert_int_equal(soapclient_reset(&sc), 0);
	assert_int_equal(post(&sc, "/ok", SOAP_V11, NULL), 0);
	soapclient_free(&sc);
}

static void
test_encoding(void **state)
{
	struct soapclient sc;

	(void)state;
	open_client(&sc, 0, 10, NULL);
	assert_int_equal(post(&sc, "/xpress", SOAP_V11, NULL), 0);
	assert_string_equal(sc.encoding, "xpress");
	assert_int_equal(post(&sc, "/ok", SOAP_V11, NULL), 0);
	assert_string_equal(sc.encoding, "");
	soapclient_free(&sc);
}

static void
test_recording(void **state)
{
	char dir[] = "/tmp/test_soapclient.XXXXXX", url[256], path[512];
	struct soapclient sc;
	struct soapclient_call c;
	char *text = NULL, want[512];
	size_t len = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	open_client(&sc, 0, 10, dir);
	url_of(url, sizeof(url), "/fault");
	memset(&c, 0, sizeof(c));
	c.url = url;
	c.action = "http://example.org/ns/Op";
	c.name = "Op";
	c.body = ENVELOPE;
	c.len = strlen(ENVELOPE);
	soapclient_record_request(&sc, &c);
	assert_int_equal(soapclient_post(&sc, &c), 0);
	soapclient_record_response(&sc, &c, NULL, sc.body.data, sc.body.len,
	    true);
	snprintf(path, sizeof(path), "%s/001-Op.request.xml", dir);
	assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
	assert_int_equal(len, strlen(ENVELOPE));
	free(text);
	snprintf(path, sizeof(path), "%s/001-Op.response.xml", dir);
	assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
	assert_int_equal(len, strlen(ENVELOPE));
	free(text);
	snprintf(path, sizeof(path), "%s/index.tsv", dir);
	assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
	snprintf(want, sizeof(want), "001\tOp\t/fault\t%s\t500\n", c.action);
	assert_string_equal(text, want);
	free(text);
	soapclient_free(&sc);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_soap11),
		cmocka_unit_test(test_soap12),
		cmocka_unit_test(test_header_order),
		cmocka_unit_test(test_status_codes),
		cmocka_unit_test(test_bounded_body),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_recording),
	};

	soapclient_global_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
