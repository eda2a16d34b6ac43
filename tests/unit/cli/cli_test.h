/*
 * cli_test.h — the plumbing the in-process wsusctl command tests share
 * (test_checkhealth.c, test_postinstall.c): one temporary root per test,
 * paths below it, a configuration with everything under the root, and a
 * command run with its stdout captured.  cmocka-aware: failures fail the
 * test.  Tests that run the built wsusctl use tests/lib (testlib.h) and
 * cli_ctl_run() / CLI_RUN below (test_commands.c, test_syncsvc.c).
 */
#ifndef WSUSD_TESTS_UNIT_CLI_CLI_TEST_H
#define WSUSD_TESTS_UNIT_CLI_CLI_TEST_H

#include <stdarg.h>
#include <stddef.h>

#include "cli/wsusctl.h"

struct tl_wsusd;

/* The temporary root: /tmp/wsusd-TAG-XXXXXX; "" when there is none. */
extern char cli_root[64];

/* Make the root (mkdtemp; asserts). */
void	 cli_root_make(const char *tag);
/* Remove the root and everything below it (no symlinks followed). */
void	 cli_root_remove(void);
/* ROOT/rel in one of four rotating static buffers. */
char	*cli_path(const char *rel);

/*
 * Zero ctl and load the configuration
 *   [server] name = NAME, content_dir = ROOT/content,
 *   database = sqlite://ROOT/db/wsusd.db, state_dir = ROOT/state
 * followed by extra (may be NULL); config_path is set, quiet is on.
 */
void	 cli_config(struct wsusctl *ctl, const char *name,
	    const char *config_path, const char *extra);
/* Close the store a command opened and free the configuration. */
void	 cli_ctl_done(struct wsusctl *ctl);

/*
 * Run cmd(ctl, argc, argv) with stdout into ROOT/stdout.json; *text gets
 * what it wrote (caller frees).  The command's exit status.
 */
int	 cli_capture(int (*cmd)(struct wsusctl *, int, char **),
	    struct wsusctl *ctl, int argc, char **argv, char **text);

/*
 * Run the built wsusctl of w (tests/lib tl_vctl) with the NULL-terminated
 * arguments ap; *out and *err are freed, then get its stdout (at most
 * out_max bytes, "" when more) and stderr (caller frees).  Fails the test
 * on a sanitizer report in stderr or on death by a signal.  The exit
 * status.
 */
int	 cli_ctl_run(const struct tl_wsusd *w, size_t out_max, char **out,
	    char **err, va_list ap);

/*
 * Expect exit status want from run(fx, ARGS..., NULL), run being the
 * test's wrapper of cli_ctl_run; show fx->out and fx->err when it
 * differs.
 */
#define CLI_RUN(run, fx, want, ...) do { \
	int rc_ = run((fx), __VA_ARGS__, (char *)NULL); \
	if (rc_ != (want)) \
		fail_msg("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", rc_, \
		    (want), (fx)->out, (fx)->err); \
} while (0)

/* Fail unless fx->out (fx->err) holds s; show the output when not. */
#define OUT_HAS(fx, s) do { \
	if (strstr((fx)->out, (s)) == NULL) \
		fail_msg("stdout lacks \"%s\":\n%s\nstderr:\n%s", (s), \
		    (fx)->out, (fx)->err); \
} while (0)

#define ERR_HAS(fx, s) do { \
	if (strstr((fx)->err, (s)) == NULL) \
		fail_msg("stderr lacks \"%s\":\n%s", (s), (fx)->err); \
} while (0)

/* out parsed as JSON (caller json_decref()s); fails the test when not. */
struct json_t;
struct json_t *cli_json(const char *out);

#endif
