/*
 * test_confedit.c — confedit_content_dir (cli/confedit.c): the key's line
 * replaced in place, added to [server] (also "[ server ]", after a byte
 * order mark, without a final newline), or a [server] section added; all
 * else byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/confedit.h"

static void
expect(const char *in, const char *want)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	confedit_content_dir(in, "/srv/c", &b);
	assert_false(b.failed);
	assert_string_equal(b.data ? b.data : "", want);
	buf_free(&b);
}

static void
test_edit(void **state)
{
	(void)state;
	/* replaced where it is, comments and order kept */
	expect("# top\n[server]\nname = a\ncontent_dir = /old # x\n"
	    "state_dir = /s\n\n[listener http]\nport = 1\n",
	    "# top\n[server]\nname = a\ncontent_dir = /srv/c\n"
	    "state_dir = /s\n\n[listener http]\nport = 1\n");
	expect("[server]\n  content_dir\t= /old\r\n",
	    "[server]\ncontent_dir = /srv/c\n");
	/* absent: at the end of [server], before the next section */
	expect("[ server ]\nname = x\n[limits]\nthreads = 2\n",
	    "[ server ]\nname = x\ncontent_dir = /srv/c\n[limits]\n"
	    "threads = 2\n");
	expect("\xEF\xBB\xBF[server]\nname = x\n",
	    "\xEF\xBB\xBF[server]\nname = x\ncontent_dir = /srv/c\n");
	expect("[server]", "[server]\ncontent_dir = /srv/c\n");
	/* a content_dir of another section is not ours */
	expect("[limits]\ncontent_dir = /x\n",
	    "[limits]\ncontent_dir = /x\n\n[server]\ncontent_dir = /srv/c\n");
	/* no [server]: one added */
	expect("", "\n[server]\ncontent_dir = /srv/c\n");
	expect("[listener a]\nport = 1", "[listener a]\nport = 1\n\n[server]\n"
	    "content_dir = /srv/c\n");
	/* only the first content_dir line is replaced */
	expect("[server]\ncontent_dirx = 1\ncontent_dir=/a\n",
	    "[server]\ncontent_dirx = 1\ncontent_dir = /srv/c\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
