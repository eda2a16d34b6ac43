/*
 * testlib.h — the plumbing every test against a real wsusd shares: free
 * loopback ports, running a program and capturing its output, temporary
 * installations (a directory, a configuration, a SQLite store made by
 * `wsusctl postinstall`) and the life of a wsusd daemon on them (start,
 * wait until it answers, SIGTERM, exit status, cleanup).
 *
 * It is not a protocol harness: SOAP, schemas and answer comparison are
 * in tests/wusp/wusp_harness.h, which is a layer on this one.  It does not
 * use cmocka: failures come back as -1 with the reason on stderr, so a
 * group setup can return them.
 */
#ifndef WSUSD_TESTS_LIB_TESTLIB_H
#define WSUSD_TESTS_LIB_TESTLIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/buf.h"

/* The programs, set by the test's main() from its arguments; borrowed. */
extern const char *tl_wsusd_exe;
extern const char *tl_wsusctl_exe;

/*
 * A free TCP port on 127.0.0.1 (bind to port 0, read the port, close).
 * Never returns a port it returned before in this process, so several
 * calls give distinct ports.  Aborts when no socket can be bound.
 */
uint16_t tl_free_port(void);

/*
 * Run argv (argv[0] a path, else looked up in PATH) and wait for it.
 * Its stdin is /dev/null; its stdout goes to out (may be NULL:
 * discarded); its stderr too when errpath is NULL, else into the file
 * errpath (truncated).  Returns the exit status, 128 + signal when
 * killed, -1 when it could not be run.
 */
int	tl_run(char *const argv[], struct buf *out, const char *errpath);

/*
 * The value of header name (case-insensitive, leading spaces skipped,
 * without CRLF) in the CRLF-separated response headers (may be NULL),
 * copied into val (cut to vallen - 1 bytes).  val, or NULL when absent.
 */
const char *tl_header_value(const char *headers, const char *name,
	    char *val, size_t vallen);

/* Remove a directory tree (no symlinks followed).  Safe on "". */
void	tl_rmtree(const char *dir);

/* Regular files (hidden ones too) below path; 1 when path is one. */
size_t	tl_count_files(const char *path);

/* The digest md ("SHA1", "SHA256", ...) of data into out.  0 or -1. */
int	tl_digest(const char *md, const void *data, size_t len, uint8_t *out);

/* Write len bytes to path (created 0644 or truncated).  0 or -1. */
int	tl_write_file(const char *path, const void *data, size_t len);

/* How many times needle occurs in the file (0 when unreadable). */
size_t	tl_count_in_file(const char *path, const char *needle);

/* Print the file (up to 64 KiB) to stderr after a header line. */
void	tl_show_file(const char *what, const char *path);

#define TL_MORE_PORTS	6

/* A temporary installation and, once started, its daemon. */
struct tl_wsusd {
	char	 dir[64];		/* temp root: /tmp/wsusd-TAG-XXXXXX */
	char	 conf[128];		/* DIR/wsusd.conf */
	char	 log[128];		/* DIR/wsusd.log: the daemon's output */
	char	 db[160];		/* DIR/wsusd.db: the SQLite store */
	char	 content[160];		/* DIR/content */
	char	 schema[512];		/* the XSD answers are checked against
					   (wusp_harness.h); unused here */
	uint16_t port;			/* the plain listener: a free port */
	uint16_t more_ports[TL_MORE_PORTS]; /* other listeners start waits
					   for (0: none) */
	bool	 debug;			/* start wsusd with -d */
	const char *notify_socket;	/* NOTIFY_SOCKET for wsusd; borrowed */
	pid_t	 pid;			/* the running daemon, or 0 */
};

/*
 * Make the temporary directory /tmp/wsusd-TAG-XXXXXX, fill in the paths
 * and pick a free port.  Nothing else is written.  0 or -1.
 */
int	tl_wsusd_init(struct tl_wsusd *s, const char *tag);
/* Write text as the configuration file, exactly.  0 or -1. */
int	tl_wsusd_write_conf(struct tl_wsusd *s, const char *text);
/*
 * Write the usual configuration: [server] with content_dir, state_dir and
 * database = sqlite://DB, then (listener true) a plain listener on
 * 127.0.0.1:port and [limits] connection_timeout = 30, threads = 2, then
 * extra (more INI text; may be NULL).  0 or -1.
 */
int	tl_wsusd_conf(struct tl_wsusd *s, bool listener, const char *extra);
/* wsusctl -q postinstall ARGS... (NULL-terminated); 0 or -1 with its output. */
int	tl_postinstall(struct tl_wsusd *s, ...);
/*
 * A temporary store: init + configuration without a listener (extra
 * appended) + postinstall.  0 or -1.
 */
int	tl_store_setup(struct tl_wsusd *s, const char *tag, const char *extra);
/*
 * An installation ready to start: init + the usual configuration with a
 * plain listener (extra appended) + postinstall.  0 or -1.
 */
int	tl_wsusd_setup(struct tl_wsusd *s, const char *tag, const char *extra);

/*
 * Start wsusd -c CONF (with -d when s->debug), its output appended to
 * s->log, and wait (up to 10 s) until port and every more_ports answer a
 * TCP connect.  0, or -1 with the log on stderr.
 */
int	tl_wsusd_start(struct tl_wsusd *s);
/*
 * SIGTERM and wait; 0 when it exited with status 0 (or was not running),
 * else -1 with the status on stderr.
 */
int	tl_wsusd_stop(struct tl_wsusd *s);
/*
 * Stop (if running) and remove the directory, unless the environment has
 * WSUSD_TEST_KEEP (then the directory is named on stderr).
 */
void	tl_wsusd_cleanup(struct tl_wsusd *s);

/*
 * wsusctl -c CONF ARGS... (NULL-terminated); output (stdout and stderr)
 * into out (may be NULL).  The exit status.
 */
int	tl_ctl(const struct tl_wsusd *s, struct buf *out, ...);
/* The same with a va_list, stderr into errpath when not NULL. */
int	tl_vctl(const struct tl_wsusd *s, struct buf *out, const char *errpath,
	    va_list ap);

/*
 * A test program's arguments: exactly nargs of them (usage names them),
 * the first two wsusd and wsusctl (into tl_wsusd_exe, tl_wsusctl_exe).
 * 0, or -1 with the usage on stderr.
 */
int	tl_main_args(int argc, char **argv, int nargs, const char *usage);

#endif
