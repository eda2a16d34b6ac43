/*
 * test_hostile_text.c — client-supplied strings in wsusctl's text output:
 * a computer name with a right-to-left override (U+202E) or control
 * characters is shown escaped by `wsusctl computers list` and `computers
 * show`, and kept exact in --json (issue 9, finding 11).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "cli/postinstall.h"
#include "cli/wsusctl.h"
#include "cli_test.h"
#include "store/store.h"

#define CID	"0f9e8d7c-6b5a-4948-8372-6150a4b3c2d1"
/*
 * "PC-" U+202E "exe.txt" CSI (U+009B, the C1 form of ESC "[") "2J": shows
 * as "PC-txt.exe" and clears the screen when obeyed.  (The store already
 * refuses C0 controls in names.)
 */
#define EVIL	"PC-\xe2\x80\xae" "exe.txt\xc2\x9b" "2J"

static int
setup(void **state)
{
	struct wsusctl ctl;
	char *argv[] = { (char *)"postinstall", (char *)"-q", NULL };

	(void)state;
	cli_root_make("hostile-text");
	cli_config(&ctl, "text.test.example", "test.conf",
	    "[listener http]\nport = 8530\n");
	fflush(stdout);
	assert_int_equal(cmd_postinstall(&ctl, 2, argv), EXIT_OK);
	assert_int_equal(store_computer_contact(wsusctl_store(&ctl), CID, EVIL,
	    NULL, "192.0.2.7", 1700000000), STORE_OK);
	cli_ctl_done(&ctl);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cli_root_remove();
	return 0;
}

static char *
run(int argc, char **argv, int want)
{
	struct wsusctl ctl;
	char *text = NULL;

	cli_config(&ctl, "text.test.example", "test.conf",
	    "[listener http]\nport = 8530\n");
	ctl.quiet = false;
	if (strcmp(argv[argc - 1], "--json") == 0)
		ctl.json = true;
	assert_int_equal(cli_capture(cmd_computers, &ctl, argc, argv, &text),
	    want);
	cli_ctl_done(&ctl);
	return text;
}

static void
test_computers_text_escaped_json_exact(void **state)
{
	char *list[] = { (char *)"computers", (char *)"list", NULL };
	char *show[] = { (char *)"computers", (char *)"show", (char *)CID,
	    NULL };
	char *ljson[] = { (char *)"computers", (char *)"list",
	    (char *)"--json", NULL };
	char *text;
	json_t *j, *c;
	json_error_t je;
	size_t i;

	(void)state;
	/* text: the override is shown as \u202E, CSI as '?', nothing raw */
	text = run(2, list, EXIT_OK);
	assert_non_null(strstr(text, "PC-\\u202Eexe.txt?2J"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_null(strstr(text, "\xc2\x9b"));
	free(text);
	text = run(3, show, EXIT_OK);
	assert_non_null(strstr(text, "Name:              PC-\\u202Eexe.txt?2J\n"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_null(strstr(text, "\xc2\x9b"));
	free(text);

	/* JSON: the name exactly as the client sent it */
	text = run(3, ljson, EXIT_OK);
	j = json_loads(text, 0, &je);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", je.text, text);
	json_array_foreach(json_is_array(j) ? j : json_object_get(j,
	    "computers"), i, c) {
		const char *name = json_string_value(json_object_get(c,
		    "name"));
		assert_non_null(name);
		assert_string_equal(name, EVIL);
	}
	assert_int_equal(json_array_size(json_is_array(j) ? j :
	    json_object_get(j, "computers")), 1);
	json_decref(j);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_computers_text_escaped_json_exact, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
