/*
 * wsusd — the update server daemon.
 *
 *   wsusd [-c FILE] [-n] [-d] [-v] [-h] [-V]
 *
 * Runs in the foreground (systemd, containers, or a terminal), reads one
 * configuration file, serves every configured listener until SIGTERM or
 * SIGINT.  With NOTIFY_SOCKET set it speaks the sd_notify datagram
 * protocol (READY=1, STOPPING=1), so the unit can be Type=notify.  This
 * file only wires the layers together; the work is in src/http and below.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "http/content_handler.h"
#include "http/http_server.h"
#include "store/store.h"
#include "util/log.h"
#include "daemon/services.h"
#include "daemon/sync_runner.h"
#include "sync/sync.h"
#include "wsusd_build.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusd [-c FILE] [-n] [-d] [-v] [-h] [-V]\n"
	    "  -c FILE  configuration file (default %s; when that does\n"
	    "           not exist, the built-in defaults)\n"
	    "  -n       check the configuration, print every error as\n"
	    "           FILE:LINE: reason, and exit (0 when it is valid)\n"
	    "  -d       log to stderr whatever log_target says\n"
	    "  -v       log at debug level; with -n also print the effective\n"
	    "           configuration\n"
	    "  -h       this help\n"
	    "  -V       print the version and exit\n"
	    "wsusd runs in the foreground; SIGTERM or SIGINT stop it.\n",
	    WSUSD_DEFAULT_CONF);
}

/* Send one sd_notify message if systemd asked for them; errors ignored. */
static void
notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	size_t plen;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	plen = strlen(path);
	if (plen >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	close(fd);
}

static void
print_errors(const char *path, const struct config_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		if (errs->e[i].line > 0)
			fprintf(stderr, "%s:%d: %s\n", path, errs->e[i].line,
			    errs->e[i].msg);
		else
			fprintf(stderr, "%s: %s\n", path, errs->e[i].msg);
	}
}

/*
 * What the configuration file cannot say about itself: the TLS files of
 * every TLS listener must be readable.  Adds errors tied to the
 * listener's section line.
 */
static void
check_tls_files(const struct config *cfg, struct config_errors *errs)
{
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		const char *files[2], *what[2] = { "certificate", "key" };

		if (!l->tls)
			continue;
		files[0] = l->tls_certificate ? l->tls_certificate :
		    cfg->tls_certificate;
		files[1] = l->tls_key ? l->tls_key : cfg->tls_key;
		for (int k = 0; k < 2; k++) {
			struct config_error *e;
			if (files[k] != NULL && access(files[k], R_OK) == 0)
				continue;
			if (errs->n >= CONFIG_MAX_ERRORS)
				return;
			e = &errs->e[errs->n++];
			e->line = l->line;
			snprintf(e->msg, sizeof(e->msg),
			    "[listener %s]: TLS %s %s: %s (run 'wsusctl "
			    "postinstall' to create a self-signed one)",
			    l->name, what[k], files[k] ? files[k] : "(none)",
			    files[k] ? strerror(errno) : "not set");
		}
	}
}

static void
log_listeners(const struct config *cfg, const struct http_server *srv)
{
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		bool v6 = strchr(l->address, ':') != NULL &&
		    l->address[0] != '[';

		log_info("listening on %s%s%s:%u (%s)", v6 ? "[" : "",
		    l->address, v6 ? "]" : "", http_server_port(srv, i),
		    l->tls ? "https" : "http");
	}
}

/* How often the main thread does store housekeeping (store_maintain). */
#define STORE_MAINTAIN_SECONDS	60

/*
 * Periodic store housekeeping on the main thread, which otherwise only
 * waits for signals: a WAL checkpoint that keeps the log from growing
 * without bound under continuous writes.  Failures are logged and retried
 * at the next tick; serving is never affected.
 */
static void
maintain_store(const struct config *cfg, struct store **maint)
{
	char err[512];
	int rc;

	if (*maint == NULL &&
	    store_open(cfg->database_url, maint, err, sizeof(err)) != STORE_OK) {
		log_warnx("store housekeeping: %s", err);
		*maint = NULL;
		return;
	}
	rc = store_maintain(*maint);
	if (rc != STORE_OK && rc != STORE_BUSY)
		log_warnx("store housekeeping: %s", store_errmsg(*maint));
}

int
main(int argc, char **argv)
{
	const char *path = WSUSD_DEFAULT_CONF;
	bool check = false, debug = false, verbose = false;
	bool path_given = false, defaults = false;
	struct config cfg;
	struct config_errors errs;
	struct content_handler *ch = NULL;
	struct http_server *srv = NULL;
	struct daemon_services *soap = NULL;
	struct store *maint = NULL;	/* housekeeping handle, opened lazily */
	struct sync_runner *syncr = NULL;	/* the sync engine's thread */
	sigset_t set;
	char err[512];
	int c, sig;

	while ((c = getopt(argc, argv, "c:ndvhV")) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			path_given = true;
			break;
		case 'n':
			check = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("wsusd %s\n", WSUSD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	log_init("wsusd", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	if (!path_given && access(path, F_OK) == -1 && errno == ENOENT) {
		/* as wsusctl: no default file means the built-in defaults */
		config_defaults(&cfg);
		memset(&errs, 0, sizeof(errs));
		defaults = true;
	} else if (config_load(path, &cfg, &errs) == 0) {
		check_tls_files(&cfg, &errs);
	}
	if (errs.n > 0) {
		print_errors(path, &errs);
		if (check)
			fprintf(stderr, "%s: %zu error%s\n", path, errs.n,
			    errs.n == 1 ? "" : "s");
		config_free(&cfg);
		return 1;
	}
	if (check) {
		if (verbose)
			config_dump(&cfg, stdout);
		if (defaults)
			printf("configuration OK (built-in defaults: %s does "
			    "not exist)\n", path);
		else
			printf("configuration OK\n");
		config_free(&cfg);
		return 0;
	}

	log_init("wsusd", cfg.log_syslog && !debug ? LOG_TARGET_SYSLOG :
	    LOG_TARGET_STDERR, verbose ? LOG_LEVEL_DEBUG : cfg.log_level);

	/* signals are taken synchronously by sigwait(); the MHD threads
	 * inherit the blocked mask */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	sync_global_init();	/* libcurl, before any thread */
	if (content_handler_new(cfg.content_dir, &ch, err, sizeof(err)) == -1 ||
	    content_handler_route(ch) == -1) {
		log_error("%s", ch == NULL ? err : "cannot register /Content/");
		goto fail;
	}
	/* the SOAP services of both protocols (services.c) */
	if (daemon_services_start(&cfg, &soap, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	if (http_server_start(&cfg, &srv, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	log_listeners(&cfg, srv);
	/* the sync engine: schedule and `wsusctl sync now` (sync_runner.c) */
	if (sync_runner_start(&cfg, &syncr, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	if (defaults)
		log_warnx("%s does not exist; running with built-in defaults",
		    path);
	log_info("wsusd %s started (content %s)", WSUSD_VERSION,
	    cfg.content_dir);
	notify("READY=1\nSTATUS=serving");

	for (;;) {
		struct timespec tick = { STORE_MAINTAIN_SECONDS, 0 };

		if ((sig = sigtimedwait(&set, NULL, &tick)) == -1) {
			if (errno == EAGAIN)
				maintain_store(&cfg, &maint);
			continue;
		}
		if (sig == SIGHUP) {
			log_info("SIGHUP received; configuration reload is not "
			    "implemented yet, restart wsusd to apply changes");
			continue;
		}
		log_info("%s received, shutting down",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	}
	notify("STOPPING=1");
	sync_runner_stop(syncr);	/* cancels a running sync */
	http_server_stop(srv);
	if (maint != NULL)
		store_close(maint);
	daemon_services_free(soap);
	content_handler_free(ch);
	config_free(&cfg);
	log_info("stopped");
	return 0;
fail:
	http_server_stop(srv);
	daemon_services_free(soap);
	content_handler_free(ch);
	config_free(&cfg);
	return 1;
}
