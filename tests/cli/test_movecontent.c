/*
 * test_movecontent.c — `wsusctl movecontent NEWDIR` (cli/cmd_movecontent.c):
 * every file arrives byte for byte, content_dir of the configuration
 * points at NEWDIR and nothing else in the file changed, files already
 * there are kept (a resumed run), the old directory is left as it was;
 * refused while wsusd runs, for a relative NEWDIR and for directories
 * inside one another; --skip-copy only changes the configuration.
 *
 * usage: test_cli_movecontent WSUSD WSUSCTL
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_fx.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

#define F1	"49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe"
#define F2	"9D/A9993E364706816ABA3E25717850C26C9CD0D89D.cab"
#define F3	"quarantine/0123.cab.1765046400"

static void
put(const char *dir, const char *rel, const char *body)
{
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(mkdir_p(path, 0750), 0);
	*slash = '/';
	assert_int_equal(tl_write_file(path, body, strlen(body)), 0);
}

static void
same(const char *dir, const char *rel, const char *body)
{
	char path[512], *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (read_file(path, 1 << 20, &data, &len) != 0)
		fail_msg("%s: missing", path);
	assert_int_equal(len, strlen(body));
	assert_memory_equal(data, body, len);
	free(data);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(tl_wsusd_setup(&fx->w, "test-movecontent", NULL), 0);
	put(fx->w.content, F1, "first file");
	put(fx->w.content, F2, "abc");
	put(fx->w.content, F3, "damaged");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	tl_wsusd_cleanup(&fx->w);
	free(fx);
	return 0;
}

static void
test_move(void **state)
{
	struct fx *fx = *state;
	char newdir[256], inside[256], line[512], *before, *after, *want, *p;
	size_t len;

	snprintf(newdir, sizeof(newdir), "%s/new/content", fx->w.dir);
	snprintf(inside, sizeof(inside), "%s/sub", fx->w.content);
	assert_int_equal(read_file(fx->w.conf, 1 << 20, &before, &len), 0);

	/* refused: relative, nested, running */
	CTL(fx, 2, "movecontent", "new/content");
	HAS(fx, "NEWDIR must be an absolute path");
	CTL(fx, 2, "movecontent", inside);
	HAS(fx, "contain one another");
	CTL(fx, 2, "movecontent", fx->w.dir);
	CTL(fx, 2, "movecontent");
	assert_int_equal(tl_wsusd_start(&fx->w), 0);
	CTL(fx, 1, "movecontent", newdir);
	HAS(fx, "movecontent refused: wsusd (pid ");
	assert_int_equal(tl_wsusd_stop(&fx->w), 0);
	assert_int_equal(access(newdir, F_OK), -1);

	/* an earlier run got F1 across: kept, the rest copied */
	put(newdir, F1, "first file");
	CTL(fx, 0, "movecontent", newdir);
	HAS(fx, "movecontent: 2 files copied (10 bytes), 1 already there\n");
	snprintf(line, sizeof(line), "movecontent: content_dir = %s in %s\n",
	    newdir, fx->w.conf);
	HAS(fx, line);
	same(newdir, F1, "first file");
	same(newdir, F2, "abc");
	same(newdir, F3, "damaged");
	/* the old directory is untouched */
	same(fx->w.content, F1, "first file");
	same(fx->w.content, F2, "abc");

	/* the configuration: only the content_dir line changed */
	assert_int_equal(read_file(fx->w.conf, 1 << 20, &after, &len), 0);
	p = strstr(before, "content_dir = ");
	assert_non_null(p);
	want = calloc(1, strlen(before) + 512);
	assert_non_null(want);
	memcpy(want, before, (size_t)(p - before));
	snprintf(want + (p - before), 512 + strlen(before) - (size_t)(p -
	    before), "content_dir = %s%s", newdir, strchr(p, '\n'));
	assert_string_equal(after, want);
	free(want);
	free(after);
	free(before);

	/* wsusd and wsusctl now use the new place */
	CTL(fx, 0, "checkhealth");
	snprintf(line, sizeof(line), "OK    content_dir: %s", newdir);
	HAS(fx, line);
	assert_int_equal(tl_wsusd_start(&fx->w), 0);
	assert_int_equal(tl_wsusd_stop(&fx->w), 0);
}

/* The owner of path is uid:gid. */
static void
owned(const char *dir, const char *rel, uid_t uid, gid_t gid)
{
	char path[512];
	struct stat sb;

	snprintf(path, sizeof(path), "%s%s%s", dir, rel[0] ? "/" : "", rel);
	assert_int_equal(stat(path, &sb), 0);
	if (sb.st_uid != uid || sb.st_gid != gid)
		fail_msg("%s: owner %u:%u, want %u:%u", path,
		    (unsigned)sb.st_uid, (unsigned)sb.st_gid, (unsigned)uid,
		    (unsigned)gid);
}

/*
 * sudo wsusctl movecontent on the packaged layout (content owned by the
 * user wsusd): the new directory, its folders and files keep the owner
 * of the originals, so wsusd can serve and write them.  Run as another
 * user, everything is simply that user's.
 */
static void
test_move_owner(void **state)
{
	struct fx *fx = *state;
	char newdir[256], cmd[512];
	uid_t uid = geteuid() == 0 ? 4242 : geteuid();
	gid_t gid = geteuid() == 0 ? 4343 : getegid();

	if (geteuid() == 0) {
		snprintf(cmd, sizeof(cmd), "chown -R 4242:4343 '%s'",
		    fx->w.content);
		assert_int_equal(system(cmd), 0);
	}
	snprintf(newdir, sizeof(newdir), "%s/new/content", fx->w.dir);
	CTL(fx, 0, "movecontent", newdir);
	HAS(fx, "movecontent: 3 files copied (20 bytes), 0 already there\n");
	owned(newdir, "", uid, gid);
	owned(newdir, "49", uid, gid);
	owned(newdir, F1, uid, gid);
	owned(newdir, F2, uid, gid);
	owned(newdir, "quarantine", uid, gid);
	owned(newdir, F3, uid, gid);
	same(newdir, F3, "damaged");
}

static void
test_skip_copy(void **state)
{
	struct fx *fx = *state;
	char newdir[256];

	snprintf(newdir, sizeof(newdir), "%s/copied-by-hand", fx->w.dir);
	CTL(fx, 1, "movecontent", newdir, "--skip-copy");
	HAS(fx, "--skip-copy: ");
	assert_int_equal(mkdir(newdir, 0750), 0);
	CTL(fx, 0, "--json", "movecontent", newdir, "--skip-copy");
	HAS(fx, "\"copied\": 0");
	assert_int_equal(access(newdir, F_OK), 0);
	assert_int_equal(tl_count_files(newdir), 0);
	CTL(fx, 0, "checkhealth");
	HAS(fx, newdir);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_owner, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_skip_copy, setup,
		    teardown),
	};

	if (tl_main_args(argc, argv, 2, "WSUSD WSUSCTL") != 0)
		return 2;
	unsetenv("COLUMNS");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
