/*
 * cli_test.c — temporary roots, configurations and captured stdout for
 * the in-process wsusctl command tests; see cli_test.h.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli_test.h"
#include "testlib.h"
#include "util/buf.h"
#include "util/fsutil.h"

char cli_root[64];

void
cli_root_make(const char *tag)
{
	snprintf(cli_root, sizeof(cli_root), "/tmp/wsusd-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(cli_root));
}

void
cli_root_remove(void)
{
	tl_rmtree(cli_root);
}

char *
cli_path(const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", cli_root, rel);
	return buf[i];
}

void
cli_config(struct wsusctl *ctl, const char *name, const char *config_path,
    const char *extra)
{
	char text[4096];
	struct config_errors errs;

	memset(ctl, 0, sizeof(*ctl));
	snprintf(text, sizeof(text),
	    "[server]\n"
	    "name = %s\n"
	    "content_dir = %s/content\n"
	    "database = sqlite://%s/db/wsusd.db\n"
	    "state_dir = %s/state\n"
	    "%s", name, cli_root, cli_root, cli_root, extra ? extra : "");
	if (config_load_string(text, &ctl->cfg, &errs) != 0) {
		config_errors_print(&errs, NULL, stderr);
		fail();
	}
	ctl->config_path = config_path;
	ctl->quiet = true;
}

void
cli_ctl_done(struct wsusctl *ctl)
{
	if (ctl->store != NULL)
		store_close(ctl->store);
	ctl->store = NULL;
	config_free(&ctl->cfg);
}

int
cli_capture(int (*cmd)(struct wsusctl *, int, char **), struct wsusctl *ctl,
    int argc, char **argv, char **text)
{
	const char *cap = cli_path("stdout.json");
	size_t len;
	int rc, saved, fd;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	rc = cmd(ctl, argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);

	assert_int_equal(read_file(cap, 1 << 20, text, &len), 0);
	unlink(cap);
	return rc;
}

static char *
read_all(const char *path, size_t max)
{
	char *p = NULL;
	size_t len;

	if (read_file(path, max, &p, &len) == -1)
		return strdup("");
	return p;
}

int
cli_ctl_run(const struct tl_wsusd *w, size_t out_max, char **out,
    char **err, va_list ap)
{
	char errp[PATH_MAX];
	struct buf b;
	int status;

	snprintf(errp, sizeof(errp), "%s/stderr", w->dir);
	buf_init(&b, out_max);
	status = tl_vctl(w, &b, errp, ap);
	assert_true(status >= 0);
	free(*out);
	free(*err);
	*out = b.data != NULL && !b.failed ? buf_steal(&b, NULL) :
	    strdup("");
	buf_free(&b);
	*err = read_all(errp, out_max);
	if (strstr(*err, "Sanitizer") || strstr(*err, "runtime error"))
		fail_msg("sanitizer report:\n%s", *err);
	assert_true(status < 128);
	return status;
}

json_t *
cli_json(const char *out)
{
	json_error_t je;
	json_t *j = json_loads(out, 0, &je);

	if (j == NULL)
		fail_msg("stdout is not JSON (%s):\n%s", je.text, out);
	return j;
}
