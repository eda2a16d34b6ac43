/*
 * log.h — the one logging API of wsusd, wsusctl and wsus-client.
 *
 * Modelled on the OpenBSD daemons: *_warn variants append strerror(errno),
 * *_warnx variants do not; fatal/fatalx log and exit(1).  Messages go to
 * stderr (with an sd-daemon "<N>" priority prefix when stderr is the
 * journal) or to syslog(3).  Thread-safe: each message is one write(2).
 * A daemon in the foreground may ask for a UTC timestamp in front of each
 * stderr line (log_set_timestamps); the journal and syslog stamp lines
 * themselves, so they never get one.
 */
#ifndef WSUSD_UTIL_LOG_H
#define WSUSD_UTIL_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN  = 1,
	LOG_LEVEL_INFO  = 2,
	LOG_LEVEL_DEBUG = 3,
};

enum log_target {
	LOG_TARGET_STDERR = 0,
	LOG_TARGET_SYSLOG = 1,
};

/* Set up logging; ident is the program name used as syslog ident/prefix. */
void	log_init(const char *ident, enum log_target target, enum log_level level);
void	log_set_level(enum log_level level);
/* Start stderr lines (not the journal's) with "YYYY-MM-DDTHH:MM:SS.mmmZ ". */
void	log_set_timestamps(int on);
enum log_level log_get_level(void);
/* Parse "error|warn|info|debug"; returns -1 on an unknown name. */
int	log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);

void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));

#endif
