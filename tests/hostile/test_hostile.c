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

#include <cmocka.h>

#include "hostile.h"

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
		/* these two change the store or the rate limit: last */
		cmocka_unit_test(t_pipelining),
		cmocka_unit_test(t_registry_flood),
	};
	int rc;

	if (wh_main_args(argc, argv) != 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, hx_setup, hx_teardown);
	curl_global_cleanup();
	return rc;
}
