/*
 * test_origin.c — what this server says of its content by the stored
 * update source (content/origin.c): content_origin_policy() and
 * content_hosts_express(), the GetConfigData ServerHostsPsfFiles answer.
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

#include "content/origin.h"
#include "store/store.h"

static void
set_source(struct store *st, const char *upstream, int content, bool express)
{
	struct store_sync_config in;

	memset(&in, 0, sizeof(in));
	in.upstream = (char *)upstream;
	in.content = content;
	in.express = express;
	assert_int_equal(store_sync_config_set(st, &in), STORE_OK);
}

static void
test_hosts_express(void **state)
{
	char dir[64] = "/tmp/wsusd-origin-XXXXXX", url[128], path[96];
	char err[256];
	struct store *st = NULL;
	int from, to;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/wsusd.db", dir);
	snprintf(url, sizeof(url), "sqlite://%s", path);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);

	/* never configured: a top server serves what it holds */
	assert_false(content_origin_policy(st));
	assert_true(content_hosts_express(st));
	/* a downstream fetching no express files has none to give */
	set_source(st, "http://dc-wsus:8530", STORE_SYNC_CONTENT_APPROVED,
	    false);
	assert_false(content_hosts_express(st));
	set_source(st, "http://dc-wsus:8530", STORE_SYNC_CONTENT_ALL, true);
	assert_true(content_hosts_express(st));
	/* catalog-only: no files here at all */
	set_source(st, "http://dc-wsus:8530", STORE_SYNC_CONTENT_ORIGIN, true);
	assert_true(content_origin_policy(st));
	assert_false(content_hosts_express(st));
	set_source(st, NULL, STORE_SYNC_CONTENT_ORIGIN, false);
	assert_false(content_hosts_express(st));
	/* no upstream, content approved: yes again */
	set_source(st, NULL, STORE_SYNC_CONTENT_APPROVED, false);
	assert_false(content_origin_policy(st));
	assert_true(content_hosts_express(st));
	/* no store: no */
	assert_false(content_hosts_express(NULL));

	store_close(st);
	unlink(path);
	{
		char p[128];

		snprintf(p, sizeof(p), "%s-wal", path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", path);
		unlink(p);
	}
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_express),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
