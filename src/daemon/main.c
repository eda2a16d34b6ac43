/*
 * wsusd — the update server daemon.
 *
 *   wsusd [-c FILE] [-n] [-d] [-v] [-h|--help] [-V|--version]
 *
 * Runs in the foreground (systemd, containers, or a terminal), reads one
 * configuration file, checks the store (startup.h), serves every
 * configured listener until SIGTERM or SIGINT and reloads the
 * configuration on SIGHUP (reload.h).  With NOTIFY_SOCKET set it speaks
 * the sd_notify datagram protocol (READY=1 once the store was checked and
 * the listeners are up, RELOADING=1 then READY=1 around a reload,
 * STOPPING=1), so the unit can be Type=notify.  This file only wires the
 * layers together; the work is in src/http and below.
 *
 * Ownership: main() owns every configuration it read: the first one is
 * borrowed by the services and the sync engine for the whole run, later
 * ones by the HTTP listeners a reload started; all are freed at exit.
 */
#include <errno.h>
#include <getopt.h>
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
#include "http/access_log.h"
#include "http/content_handler.h"
#include "http/http_server.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "daemon/reload.h"
#include "daemon/services.h"
#include "daemon/startup.h"
#include "daemon/sync_runner.h"
#include "sync/sync.h"
#include "wsusd_build.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusd [-c FILE] [-n] [-d] [-v] [-h|--help] [-V|--version]\n"
	    "  -c FILE  configuration file (default %s; when that does\n"
	    "           not exist, the built-in defaults)\n"
	    "  -n       check the configuration, print every error as\n"
	    "           FILE:LINE: reason, and exit (0 when it is valid)\n"
	    "  -d       log to stderr whatever log_target says\n"
	    "  -v       log at debug level; with -n also print the effective\n"
	    "           configuration\n"
	    "  -h, --help     this help\n"
	    "  -V, --version  print the version and exit\n"
	    "wsusd runs in the foreground; SIGTERM or SIGINT stop it, SIGHUP\n"
	    "reloads the configuration (log level, limits, TLS certificates,\n"
	    "access log, upstream_allow; the log says which changes need a\n"
	    "restart).\n",
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
/* How often it looks for listeners a reload replaced that have drained. */
#define MAIN_TICK_SECONDS	5

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

/* The configurations read so far (see Ownership above). */
struct configs {
	struct config	**v;
	size_t		  n;
};

static struct config *
configs_new(struct configs *c)
{
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n] = xcalloc(1, sizeof(**c->v));
	return c->v[c->n++];
}

static void
configs_free(struct configs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		config_free(c->v[i]);
		free(c->v[i]);
	}
	free(c->v);
}

/* Tell systemd a reload starts (with the clock it asks for). */
static void
notify_reloading(void)
{
	struct timespec ts;
	char msg[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
	notify(msg);
}

/*
 * SIGHUP: read the file again; a broken one is refused (each error, then
 * one line) and the running configuration stays.  Otherwise the HTTP
 * listeners are replaced (limits, TLS files) and the log level set, and
 * one line says what changed; the SOAP services take the new allow-list.
 * *cur becomes the new configuration.
 */
static void
reload(const char *path, bool path_given, bool verbose, struct configs *all,
    const struct config **cur, struct http_server *srv,
    struct daemon_services *soap)
{
	char live[1024], restart[1024], unused[1024], err[512];
	struct config_errors errs;
	struct config *nc;
	bool defaults;

	notify_reloading();
	nc = configs_new(all);
	if (daemon_config_read(path, path_given, nc, &errs, &defaults) == -1) {
		for (size_t i = 0; i < errs.n; i++)
			log_error("%s:%d: %s", path, errs.e[i].line,
			    errs.e[i].msg);
		log_error("reload refused: %s has %zu error%s; still running "
		    "with the configuration read before", path, errs.n,
		    errs.n == 1 ? "" : "s");
		goto done;
	}
	/* the access log first: reopened (logrotate), or refused */
	if (access_log_configure(nc->access_log, err, sizeof(err)) == -1) {
		log_error("reload refused: %s; still running with the "
		    "configuration read before", err);
		goto done;
	}
	if (http_server_reload(srv, nc, err, sizeof(err)) == -1) {
		log_error("reload refused: %s; still running with the "
		    "configuration read before", err);
		(void)access_log_configure((*cur)->access_log, err,
		    sizeof(err));
		goto done;
	}
	if (!verbose)
		log_set_level(nc->log_level);
	daemon_services_reload(soap, nc);
	/* applied: since the last reload; not applied: since the start */
	daemon_config_diff(*cur, nc, verbose, live, restart, sizeof(live));
	daemon_config_diff(all->v[0], nc, verbose, unused, restart,
	    sizeof(restart));
	log_info("configuration reloaded from %s (TLS certificates and keys "
	    "re-read): %s%s%s%s", defaults ? "built-in defaults" : path,
	    live[0] != '\0' ? "applied " : "no change to apply", live,
	    restart[0] != '\0' ? "; not applied, needs a restart: " : "",
	    restart);
	*cur = nc;
done:
	notify("READY=1\nSTATUS=serving");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = WSUSD_DEFAULT_CONF;
	bool check = false, debug = false, verbose = false;
	bool path_given = false, defaults = false;
	struct configs all = { NULL, 0 };
	struct config *cfg;
	const struct config *cur;	/* the one serving now */
	struct config_errors errs;
	struct content_handler *ch = NULL;
	struct http_server *srv = NULL;
	struct daemon_services *soap = NULL;
	struct store *maint = NULL;	/* housekeeping handle, opened lazily */
	struct sync_runner *syncr = NULL;	/* the sync engine's thread */
	sigset_t set;
	char err[512];
	unsigned ticks = 0;
	int c, sig;

	while ((c = getopt_long(argc, argv, "c:ndvhV", longopts, NULL)) != -1) {
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
	cfg = configs_new(&all);
	if (daemon_config_read(path, path_given, cfg, &errs, &defaults) == -1) {
		print_errors(path, &errs);
		if (check)
			fprintf(stderr, "%s: %zu error%s\n", path, errs.n,
			    errs.n == 1 ? "" : "s");
		configs_free(&all);
		return 1;
	}
	if (check) {
		if (verbose)
			config_dump(cfg, stdout);
		if (defaults)
			printf("configuration OK (built-in defaults: %s does "
			    "not exist)\n", path);
		else
			printf("configuration OK\n");
		configs_free(&all);
		return 0;
	}
	cur = cfg;

	log_init("wsusd", cfg->log_syslog && !debug ? LOG_TARGET_SYSLOG :
	    LOG_TARGET_STDERR, verbose ? LOG_LEVEL_DEBUG : cfg->log_level);
	log_set_timestamps(1);	/* not in the journal: it has its own */

	/* the store first: nothing is ready before it was checked */
	switch (daemon_store_check(cfg, err, sizeof(err))) {
	case 0:
		break;
	case 1:
		log_warnx("%s", err);	/* content still served meanwhile */
		break;
	default:
		log_error("%s", err);
		configs_free(&all);
		return 1;
	}

	/* signals are taken synchronously by sigwait(); the MHD threads
	 * inherit the blocked mask */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	sync_global_init();	/* libcurl, before any thread */
	if (content_handler_new(cfg->content_dir, &ch, err, sizeof(err)) == -1 ||
	    content_handler_route(ch) == -1) {
		log_error("%s", ch == NULL ? err : "cannot register /Content/");
		goto fail;
	}
	/* the SOAP services of both protocols (services.c) */
	if (daemon_services_start(cfg, &soap, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	if (access_log_configure(cfg->access_log, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	if (http_server_start(cfg, &srv, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	log_listeners(cfg, srv);
	/* the sync engine: schedule and `wsusctl sync now` (sync_runner.c) */
	if (sync_runner_start(cfg, &syncr, err, sizeof(err)) == -1) {
		log_error("%s", err);
		goto fail;
	}
	if (defaults)
		log_warnx("%s does not exist; running with built-in defaults",
		    path);
	log_info("wsusd %s started (content %s)", WSUSD_VERSION,
	    cfg->content_dir);
	notify("READY=1\nSTATUS=serving");

	for (;;) {
		struct timespec tick = { MAIN_TICK_SECONDS, 0 };

		if ((sig = sigtimedwait(&set, NULL, &tick)) == -1) {
			if (errno != EAGAIN)
				continue;
			/* listeners a reload replaced, once drained */
			http_server_reap(srv, false);
			access_log_flush();
			if (++ticks % (STORE_MAINTAIN_SECONDS /
			    MAIN_TICK_SECONDS) == 0)
				maintain_store(cfg, &maint);
			continue;
		}
		if (sig == SIGHUP) {
			reload(path, path_given, verbose, &all, &cur, srv, soap);
			continue;
		}
		log_info("%s received, shutting down",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	}
	notify("STOPPING=1");
	sync_runner_stop(syncr);	/* cancels a running sync */
	http_server_stop(srv);
	access_log_close();
	if (maint != NULL)
		store_close(maint);
	daemon_services_free(soap);
	content_handler_free(ch);
	configs_free(&all);
	log_info("stopped");
	return 0;
fail:
	http_server_stop(srv);
	access_log_close();
	daemon_services_free(soap);
	content_handler_free(ch);
	configs_free(&all);
	return 1;
}
