/*
 * log.c — see log.h.  No allocation: messages are formatted into a
 * fixed stack buffer (truncated at LOG_LINE_MAX) and written with one
 * write(2) so lines from several threads never interleave.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

#define LOG_LINE_MAX 2048

static const char *log_ident = "wsusd";
static enum log_target log_target = LOG_TARGET_STDERR;
static enum log_level log_level = LOG_LEVEL_INFO;
static int log_journal;		/* stderr is the systemd journal */
static int log_stamps;		/* ISO 8601 UTC time in front of lines */

static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void
log_init(const char *ident, enum log_target target, enum log_level level)
{
	log_ident = ident;
	log_target = target;
	log_level = level;
	/* systemd sets JOURNAL_STREAM when stderr is connected to journald */
	log_journal = getenv("JOURNAL_STREAM") != NULL;
	if (target == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	/* a reload (SIGHUP) changes it while other threads log */
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

void
log_set_timestamps(int on)
{
	log_stamps = on;
}

/* "2026-12-06T18:30:00.123Z " into out; its length, 0 on failure. */
static size_t
stamp(char *out, size_t outlen)
{
	struct timespec ts;
	struct tm tm;
	size_t n;
	int r;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    (n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return 0;
	r = snprintf(out + n, outlen - n, ".%03ldZ ", ts.tv_nsec / 1000000);
	return r > 0 && (size_t)r < outlen - n ? n + (size_t)r : 0;
}

enum log_level
log_get_level(void)
{
	return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

int
log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(name, "warning") == 0) {
		*out = LOG_LEVEL_WARN;
		return 0;
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

void
vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved = errno;
	size_t n = 0;
	int r;

	if (level > __atomic_load_n(&log_level, __ATOMIC_RELAXED))
		return;
	if (log_target == LOG_TARGET_STDERR) {
		if (log_journal) {
			r = snprintf(line, sizeof(line), "<%d>", syslog_prio[level]);
		} else {
			if (log_stamps)
				n = stamp(line, sizeof(line));
			r = snprintf(line + n, sizeof(line) - n, "%s: ",
			    log_ident);
		}
		n += r > 0 ? (size_t)r : 0;
	}
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n += (size_t)r;
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	if (with_errno) {
		r = snprintf(line + n, sizeof(line) - n, ": %s", strerror(saved));
		if (r > 0)
			n += (size_t)r;
		if (n >= sizeof(line) - 1)
			n = sizeof(line) - 2;
	}
	if (log_target == LOG_TARGET_SYSLOG) {
		line[n] = '\0';
		syslog(syslog_prio[level], "%s", line);
	} else {
		line[n++] = '\n';
		(void)!write(STDERR_FILENO, line, n);
	}
	errno = saved;
}

#define LOGFN(name, lvl, e) \
void name(const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	vlog(lvl, e, fmt, ap); \
	va_end(ap); \
}

LOGFN(log_warn, LOG_LEVEL_WARN, 1)
LOGFN(log_warnx, LOG_LEVEL_WARN, 0)
LOGFN(log_info, LOG_LEVEL_INFO, 0)
LOGFN(log_debug, LOG_LEVEL_DEBUG, 0)
LOGFN(log_error, LOG_LEVEL_ERROR, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
