/*
 * test_host.c — the SOAP service host (src/service): the one Host/URL rule
 * (svc_host_header_ok, svc_content_base and svc_service_url without a
 * connection, i.e. the fallback side) and the operation lookup by
 * namespace and name.  The Host-header side of the URLs is covered against
 * a running wsusd by tests/wusp (file URLs) and tests/wsusss (MUUrl).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "service/host.h"
#include "util/xmalloc.h"

static void
t_host_header(void **state)
{
	static const char *const good[] = { "wsus", "wsus.example.org",
	    "wsus_1-a", "10.0.0.1", "10.0.0.1:8530", "[::1]", "[::1]:8531",
	    "[fe80::1]:1", "h:65535", NULL };
	static const char *const bad[] = { "", ":8530", "h:", "h:0",
	    "h:65536", "h:000080", "h:8a", "h:-1", "h :80", "h/x", "a@b",
	    "[]", "[::1", "[::1]x", "[::g]", "[::1]:", "h:80:80", NULL };
	char longname[300];

	(void)state;
	for (size_t i = 0; good[i] != NULL; i++)
		if (!svc_host_header_ok(good[i]))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; bad[i] != NULL; i++)
		if (svc_host_header_ok(bad[i]))
			fail_msg("accepted %s", bad[i]);
	assert_false(svc_host_header_ok(NULL));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(svc_host_header_ok(longname));
	longname[SVC_HOST_MAX] = '\0';
	assert_true(svc_host_header_ok(longname));
}

static const struct svc_op ops[] = {
	{ "GetCookie", NULL, NULL },
	{ "Ping", "urn:monitor", NULL },
	{ NULL, NULL, NULL },
};

static const struct svc_def def = {
	.path = "/X/x.asmx", .name = "X", .ns = "urn:x",
	.style = SOAP_STYLE_ASMX, .ops = ops, .response_max = 1 << 20,
};

static void
t_find_op(void **state)
{
	struct soap_node n;

	(void)state;
	memset(&n, 0, sizeof(n));
	n.name = "GetCookie";
	n.ns = "urn:x";
	assert_ptr_equal(svc_find_op(&def, &n), &ops[0]);
	n.ns = "urn:other";
	assert_null(svc_find_op(&def, &n));
	n.name = "Ping";
	n.ns = "urn:monitor";
	assert_ptr_equal(svc_find_op(&def, &n), &ops[1]);
	n.ns = "urn:x";
	assert_null(svc_find_op(&def, &n));
	n.name = "getcookie";
	assert_null(svc_find_op(&def, &n));
}

/* URLs of a call with no connection (no Host header): the fallback. */
static void
urls(struct config *cfg, const struct http_listener_info *li, char *base,
    char *url, size_t len)
{
	struct svc_host *h;
	struct svc_call c;
	struct http_request hr;
	char err[128];

	h = svc_host_new(cfg, err, sizeof(err));
	assert_non_null(h);
	memset(&hr, 0, sizeof(hr));
	hr.listener = li;
	hr.cfg = cfg;
	svc_call_init(&c, h, &def, NULL, &hr);
	svc_content_base(&c, base, len);
	svc_service_url(&c, url, len);
	svc_call_done(&c);
	svc_host_free(h);
}

static void
t_fallback_urls(void **state)
{
	struct config cfg;
	struct http_listener_info plain = { "plain", false, 8530 };
	struct http_listener_info tls = { "tls", true, 8531 };
	char base[512], url[512];

	(void)state;
	config_defaults(&cfg);
	cfg.nlisteners = 2;
	snprintf(cfg.listeners[0].name, sizeof(cfg.listeners[0].name),
	    "plain");
	free(cfg.listeners[0].address);
	cfg.listeners[0].address = xstrdup("192.0.2.7");
	cfg.listeners[0].port = 8530;
	cfg.listeners[0].tls = false;
	snprintf(cfg.listeners[1].name, sizeof(cfg.listeners[1].name), "tls");
	cfg.listeners[1].address = xstrdup("2001:db8::7");
	cfg.listeners[1].port = 8531;
	cfg.listeners[1].tls = true;

	/* no server name: the listener's address and port */
	urls(&cfg, &plain, base, url, sizeof(base));
	assert_string_equal(base, "http://192.0.2.7:8530");
	assert_string_equal(url, "http://192.0.2.7:8530/X/x.asmx");
	/* TLS: content on the first plain listener's port */
	urls(&cfg, &tls, base, url, sizeof(base));
	assert_string_equal(base, "http://[2001:db8::7]:8530");
	assert_string_equal(url, "https://[2001:db8::7]:8531/X/x.asmx");
	/* [server] name first */
	cfg.server_name = xstrdup("wsus.example.org");
	urls(&cfg, &plain, base, url, sizeof(base));
	assert_string_equal(base, "http://wsus.example.org:8530");
	assert_string_equal(url, "http://wsus.example.org:8530/X/x.asmx");
	/* TLS only: https on its own port */
	cfg.listeners[0].tls = true;
	urls(&cfg, &tls, base, url, sizeof(base));
	assert_string_equal(base, "https://wsus.example.org:8531");
	config_free(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_host_header),
		cmocka_unit_test(t_find_op),
		cmocka_unit_test(t_fallback_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
