/*
 * cli_fx.h — the fixture the wsusctl end-to-end tests of tests/cli share
 * (test_backup.c, test_movecontent.c): one wsusd (tests/lib) and the
 * output of the last wsusctl run, with CTL (exit status as wanted, else
 * fail with the output) and HAS (the output holds a string).
 */
#ifndef WSUSD_TESTS_CLI_FX_H
#define WSUSD_TESTS_CLI_FX_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "util/buf.h"

struct fx {
	struct tl_wsusd w;
	char	 out[1 << 16];	/* stdout and stderr of the last wsusctl */
};

static inline int
ctl(struct fx *fx, ...)
{
	struct buf b;
	va_list ap;
	int st;

	buf_init(&b, sizeof(fx->out) - 1);
	va_start(ap, fx);
	st = tl_vctl(&fx->w, &b, NULL, ap);
	va_end(ap);
	snprintf(fx->out, sizeof(fx->out), "%.*s", (int)b.len,
	    b.data ? b.data : "");
	buf_free(&b);
	return st;
}

#define CTL(fx, want, ...) do { \
	int st_ = ctl((fx), __VA_ARGS__, (char *)NULL); \
	if (st_ != (want)) \
		fail_msg("wsusctl: exit %d, want %d:\n%s", st_, (want), \
		    (fx)->out); \
} while (0)

#define HAS(fx, s) do { \
	if (strstr((fx)->out, (s)) == NULL) \
		fail_msg("output lacks \"%s\":\n%s", (s), (fx)->out); \
} while (0)

#endif
