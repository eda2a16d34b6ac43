/*
 * syncsvc_test.h — what the files of test_e2e_syncsvc share: the
 * upstream and downstream wsusd (test_e2e_syncsvc.c starts them), the
 * upstream that never answers, wsusctl on the downstream, JSON reading
 * and a `sync now` in the background.  Not a library: one test program.
 */
#ifndef WSUSD_TESTS_E2E_SYNCSVC_SYNCSVC_TEST_H
#define WSUSD_TESTS_E2E_SYNCSVC_SYNCSVC_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "testlib.h"

extern struct tl_wsusd up, down;
extern char upurl[64];		/* http://127.0.0.1:PORT of up */
extern uint16_t stuck_port;	/* listens, never accepts */

/* wsusctl on the downstream; stdout+stderr into *out (caller frees). */
int	ctl(char **out, ...);
/* `wsusctl sync VERB --json`, parsed (fails the test otherwise). */
json_t	*ctl_json(const char *verb);
/* A string member ("(null)" for none or null); an integer member. */
const char *jstr(json_t *o, const char *k);
long long jint(json_t *o, const char *k);
/* Revisions in s's store. */
size_t	revisions(struct tl_wsusd *s);
void	sleep_ms(int ms);
/* Wait (bounded: 30 s) until `sync status` says running, phase "auth". */
void	wait_running(void);
/* Queue the (skip + 1)th absent file of down, as a DownloadFiles does
 * (syncsvc_files.c). */
void	ask_file(int skip);

#define CTL_OK(...) do {						\
	char *o_ = NULL;						\
	int rc_ = ctl(&o_, __VA_ARGS__, (char *)NULL);			\
	if (rc_ != 0)							\
		fail_msg("wsusctl exit %d:\n%s", rc_, o_);		\
	free(o_);							\
} while (0)

/* `wsusctl sync now` in a child, its output into a file. */
struct bg {
	pid_t	 pid;
	int	 rc;
	char	 path[256];
	char	*out;
};
void	bg_start(struct bg *b);
void	bg_wait(struct bg *b);	/* b->rc, b->out (caller frees) */

/* syncsvc_files.c */
void	test_downloadfiles(void **state);
/* syncsvc_proxy.c */
void	test_proxy(void **state);
void	test_busy_cancel(void **state);

#endif
