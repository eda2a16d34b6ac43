/*
 * test_hostile.c — the hostile-input suite (issue 9's quality bar): one
 * real wsusd, every hostile case of hostile_http.c and hostile_soap.c in
 * one group, the store compared before and after each.  What the files
 * share: hostile.h.
 *
 *   test_hostile WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 *
 * HOSTILE_SHOW=1 prints every SOAP answer's status and fault code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hostile.h"

/*
 * Finding 9 (secrets at rest), the local user's side: a database any
 * user may read fails checkhealth with the line that says so, and
 * passes again once it is 0600.  (Findings 3, 8 and 10 are no hostile
 * input: mutual TLS, disk full and TLS suites have tests of their own,
 * docs/SECURITY.md "Tests".)
 */
static void
t_secrets(void **state)
{
	struct buf out;
	char want[512];

	(void)state;
	assert_int_equal(chmod(H.srv.db, 0644), 0);
	buf_init(&out, 1u << 20);
	assert_int_equal(tl_ctl(&H.srv, &out, "checkhealth", (char *)NULL), 1);
	buf_putc(&out, '\0');
	snprintf(want, sizeof(want), "FAIL  secret database: %s is readable or "
	    "writable by everyone (mode 0644; chmod 600 it)\n", H.srv.db);
	if (strstr(out.data, want) == NULL)
		fail_msg("checkhealth of a 0644 database:\n%s", out.data);
	buf_free(&out);
	assert_int_equal(chmod(H.srv.db, 0600), 0);
	assert_int_equal(tl_ctl(&H.srv, NULL, "checkhealth", (char *)NULL), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_smuggling),
		cmocka_unit_test(t_header_floods),
		cmocka_unit_test(t_traversal),
		cmocka_unit_test(t_bodies),
		cmocka_unit_test(t_cookies_wusp),
		cmocka_unit_test(t_cookies_wsusss),
		cmocka_unit_test(t_xml),
		cmocka_unit_test(t_findings),
		cmocka_unit_test(t_slow_clients),
		cmocka_unit_test(t_secrets),
		cmocka_unit_test(t_first_calls),
		/* these two change the store or the rate limit: last */
		cmocka_unit_test(t_pipelining),
		cmocka_unit_test(t_registry_flood),
	};

	return WH_RUN(argc, argv, tests, hx_setup, hx_teardown);
}
