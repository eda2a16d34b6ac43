/*
 * cmd_sync.c — `wsusctl sync --upstream URL [--replica] [--protocol 1.8|1.20]
 * [--insecure] ...`: one downstream synchronization run (src/sync/sync.h),
 * and `--bench N`: N concurrent sessions in load mode (nothing imported)
 * for bench/downstreams.sh.  Not here: the protocol itself.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/wsusctl.h"
#include "sync/sync.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define BENCH_MAX	1000

static const struct option sync_opts_long[] = {
	{ "upstream",	required_argument, NULL, 'u' },
	{ "replica",	no_argument,	   NULL, 'r' },
	{ "protocol",	required_argument, NULL, 'p' },
	{ "insecure",	no_argument,	   NULL, 'k' },
	{ "cacert",	required_argument, NULL, 'C' },
	{ "no-rollup",	no_argument,	   NULL, 'R' },
	{ "product",	required_argument, NULL, 'P' },
	{ "classification", required_argument, NULL, 'L' },
	{ "name",	required_argument, NULL, 'n' },
	{ "timeout",	required_argument, NULL, 't' },
	{ "bench",	required_argument, NULL, 'b' },
	{ "record",	required_argument, NULL, 'D' },
	{ "max-response", required_argument, NULL, 'M' },
	{ "content",	required_argument, NULL, 'c' },
	{ "download-connections", required_argument, NULL, 'N' },
	{ "bandwidth",	required_argument, NULL, 'B' },
	{ "express",	required_argument, NULL, 'E' },
	{ "split-min",	required_argument, NULL, 'S' },
	{ "language",	required_argument, NULL, 'G' },
	{ "tls-min",	required_argument, NULL, 'T' },
	{ "json",	no_argument,	   NULL, 'j' },
	{ "verbose",	no_argument,	   NULL, 'v' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void
sync_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl sync --upstream URL [--replica] [--protocol 1.8|1.20]\n"
	    "                    [--insecure] [--cacert FILE] [--no-rollup]\n"
	    "                    [--product GUID]... [--classification GUID]...\n"
	    "                    [--name FQDN] [--timeout SECS] [--max-response MIB]\n"
	    "                    [--content approved|all|none|origin]\n"
	    "                    [--download-connections N] [--bandwidth KBPS]\n"
	    "                    [--express yes|no] [--split-min MIB]\n"
	    "                    [--language CODE]... [--tls-min 1.2|1.3]\n"
	    "                    [--record DIR] [--json] [-v]\n"
	    "       wsusctl sync configure|now|status|history|cancel ... (--help of each)\n"
	    "       wsusctl sync --upstream URL --bench N [--protocol ...]\n"
	    "  Synchronize metadata (and, with --replica, groups and approvals)\n"
	    "  from an upstream server as a downstream WSUS does, then roll up\n"
	    "  status.  --content approved|all downloads the files of approved\n"
	    "  (or all) updates from the upstream's /Content/ (from each file's\n"
	    "  MUUrl when the upstream is catalog-only, e.g. Microsoft Update)\n"
	    "  into content_dir, verified by SHA-1 and SHA-256, N at once\n"
	    "  (default 4), resuming partial downloads, within KBPS kilobytes/s\n"
	    "  (default no limit); none (default) syncs metadata only; origin\n"
	    "  downloads nothing (clients fetch from the original URL).\n"
	    "  --express yes also downloads express installation files (PSF,\n"
	    "  -express.cab; default no).  A file of at least --split-min MiB\n"
	    "  (default 64) is fetched in N ranged parts at once, each resumed\n"
	    "  on its own, and verified as a whole.  --language (en, de, pt-br,\n"
	    "  ...; repeated) asks only for updates in those languages and\n"
	    "  downloads only their files (and those of language-neutral ones;\n"
	    "  default all).  Every https connection needs TLS 1.2 or later\n"
	    "  (--tls-min 1.3: 1.3).  --protocol 1.8 speaks as\n"
	    "  WSUS 3.0 SP2, 1.20 (default) as WSUS 10.  --bench N runs N\n"
	    "  concurrent full sessions that import nothing and prints\n"
	    "  revisions/s.  --record DIR writes every request and answer to\n"
	    "  DIR (an existing, writable directory).  --name defaults to\n"
	    "  [server] name of the configuration, then the host name.  The\n"
	    "  client certificate and credential of `sync configure` are\n"
	    "  presented to the upstream.\n"
	    "  -v prints each call and each phase with its counts.\n");
}

/* -v: each phase with the counts so far, on stderr. */
static void
sync_progress(void *arg, const char *phase, const struct sync_result *r)
{
	(void)arg;
	fprintf(stderr, "wsusctl sync: %s (categories %zu, updates %zu "
	    "listed; %zu documents fetched, %zu new, %zu rejected)\n", phase,
	    r->category_revisions, r->update_revisions, r->fetched,
	    r->created, r->failed);
}

/* A URL the one-shot sync can use: http:// or https:// and a host. */
static int
upstream_check(const char *u)
{
	const char *h;

	if (strncmp(u, "http://", 7) == 0)
		h = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		h = u + 8;
	else
		return -1;
	return *h == '\0' || *h == '/' || *h == ':' ? -1 : 0;
}

/* No --upstream: say what to do, naming the stored upstream if any. */
static void
no_upstream(struct wsusctl *ctl)
{
	struct store_sync_config c;
	struct store *st;
	char file[4096];

	fprintf(stderr, "wsusctl sync: no --upstream URL given.  Give one "
	    "(wsusctl sync --upstream http://HOST:8530), or run `wsusctl "
	    "sync now` to have wsusd sync from the upstream stored with "
	    "`wsusctl sync configure --upstream URL`");
	memset(&c, 0, sizeof(c));
	if (config_sqlite_path(ctl->cfg.database_url, file, sizeof(file)) ==
	    0 && access(file, F_OK) == 0 && (st = wsusctl_store(ctl)) != NULL &&
	    store_sync_config_get(st, &c) == STORE_OK) {
		if (c.upstream != NULL)
			fprintf(stderr, " (stored: %s)", c.upstream);
		else
			fprintf(stderr, " (none stored yet)");
	}
	store_sync_config_free(&c);
	fprintf(stderr, ".\n");
}

struct bench_arg {
	struct sync_opts	 o;
	struct sync_result	 r;
	char			 name[64];
	char			 err[512];
	int			 rc;
};

static void *
bench_thread(void *p)
{
	struct bench_arg *a = p;

	a->rc = sync_run(NULL, &a->o, &a->r, a->err, sizeof(a->err));
	return NULL;
}

static int
run_bench(struct wsusctl *ctl, const struct sync_opts *o, int n)
{
	struct bench_arg *a;
	pthread_t *th;
	double t0, t1;
	size_t revs = 0, docs = 0, calls = 0;
	uint64_t bytes = 0;
	int i, failed = 0;

	a = xcalloc((size_t)n, sizeof(*a));
	th = xcalloc((size_t)n, sizeof(*th));
	t0 = clock_mono();
	for (i = 0; i < n; i++) {
		a[i].o = *o;
		snprintf(a[i].name, sizeof(a[i].name), "bench-dss-%d.invalid", i);
		a[i].o.account_name = a[i].name;
		if (pthread_create(&th[i], NULL, bench_thread, &a[i]) != 0) {
			log_error("pthread_create failed");
			n = i;
			failed++;
			break;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	t1 = clock_mono();
	for (i = 0; i < n; i++) {
		if (a[i].rc != 0) {
			failed++;
			log_error("session %d: %s", i, a[i].err);
		}
		revs += a[i].r.category_revisions + a[i].r.update_revisions;
		docs += a[i].r.fetched;
		calls += a[i].r.calls;
		bytes += a[i].r.bytes_in;
	}
	if (ctl->json) {
		json_t *j = json_pack("{s:i,s:i,s:I,s:I,s:I,s:I,s:f,s:f}",
		    "sessions", n, "failed", failed, "revisions_listed",
		    (json_int_t)revs, "documents", (json_int_t)docs,
		    "calls", (json_int_t)calls, "bytes_in", (json_int_t)bytes,
		    "seconds", t1 - t0,
		    "revisions_per_second", t1 > t0 ? (double)docs / (t1 - t0) : 0.0);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		printf("sessions %d (failed %d), protocol %s\n", n, failed,
		    sync_profile_version(o->profile));
		printf("documents %zu (revisions listed %zu), calls %zu, "
		    "%.1f MB received\n", docs, revs, calls, (double)bytes / 1e6);
		printf("wall %.2f s, %.0f revisions/s served\n", t1 - t0,
		    t1 > t0 ? (double)docs / (t1 - t0) : 0.0);
	}
	free(a);
	free(th);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/*
 * --record DIR must name a directory we can write into: the recorder
 * writes one file per request and answer and would otherwise warn for
 * each and record nothing.  -1 with the reason on stderr.
 */
static int
record_dir_check(const char *dir)
{
	struct stat sb;

	if (stat(dir, &sb) == -1) {
		fprintf(stderr, "wsusctl sync: --record %s: %s%s\n", dir,
		    strerror(errno), errno == ENOENT ? " (create the "
		    "directory first)" : "");
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "wsusctl sync: --record %s: not a directory\n",
		    dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) == -1) {
		fprintf(stderr, "wsusctl sync: --record %s: cannot write into "
		    "it: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_sync(struct wsusctl *ctl, int argc, char **argv)
{
	struct sync_opts o;
	struct sync_result r;
	struct sync_auth auth;
	struct store *st;
	char err[1024], *end;
	int c, rc, bench = 0;

	if ((c = cmd_sync_service(ctl, argc, argv)) >= 0)
		return c;
	memset(&o, 0, sizeof(o));
	o.profile = SYNC_PROFILE_WSUS10;
	o.rollup = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "u:p:kvjh", sync_opts_long,
	    NULL)) != -1) {
		switch (c) {
		case 'u':
			o.upstream = optarg;
			break;
		case 'r':
			o.replica = true;
			break;
		case 'p':
			if (sync_profile_parse(optarg, &o.profile) != 0) {
				fprintf(stderr, "wsusctl sync: --protocol must be "
				    "1.8 or 1.20\n");
				return EXIT_USAGE;
			}
			break;
		case 'k':
			o.insecure = true;
			break;
		case 'C':
			o.cacert = optarg;
			break;
		case 'R':
			o.rollup = false;
			break;
		case 'P':
			if (o.nproducts >= SYNC_FILTER_MAX)
				return EXIT_USAGE;
			o.products[o.nproducts++] = optarg;
			break;
		case 'L':
			if (o.nclassifications >= SYNC_FILTER_MAX)
				return EXIT_USAGE;
			o.classifications[o.nclassifications++] = optarg;
			break;
		case 'T':
			if (strcmp(optarg, "1.2") != 0 &&
			    strcmp(optarg, "1.3") != 0) {
				fprintf(stderr, "wsusctl sync: --tls-min must be "
				    "1.2 or 1.3\n");
				return EXIT_USAGE;
			}
			o.tls_min = optarg;
			break;
		case 'n':
			o.account_name = optarg;
			break;
		case 't':
			o.timeout = strtol(optarg, NULL, 10);
			if (o.timeout <= 0 || o.timeout > 86400) {
				fprintf(stderr, "wsusctl sync: bad --timeout\n");
				return EXIT_USAGE;
			}
			break;
		case 'b':
			bench = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || bench < 1 || bench > BENCH_MAX) {
				fprintf(stderr, "wsusctl sync: --bench 1..%d\n",
				    BENCH_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'D':
			o.record_dir = optarg;
			break;
		case 'M': {
			long mb = strtol(optarg, NULL, 10);

			if (mb < 1 || mb > 4096) {
				fprintf(stderr, "wsusctl sync: --max-response "
				    "1..4096 (MiB)\n");
				return EXIT_USAGE;
			}
			o.max_response = (size_t)mb * 1024 * 1024;
			break;
		}
		case 'c':
			if (sync_content_policy_parse(optarg, &o.content) != 0) {
				fprintf(stderr, "wsusctl sync: --content must be "
				    "approved, all, none or origin\n");
				return EXIT_USAGE;
			}
			break;
		case 'N': {
			long v = strtol(optarg, &end, 10);

			if (*end != '\0' || v < 1 ||
			    v > SYNC_CONTENT_CONNECTIONS_MAX) {
				fprintf(stderr, "wsusctl sync: --download-connections "
				    "1..%d\n", SYNC_CONTENT_CONNECTIONS_MAX);
				return EXIT_USAGE;
			}
			o.download_connections = (unsigned)v;
			break;
		}
		case 'B': {
			long long v = strtoll(optarg, &end, 10);

			if (*end != '\0' || v < 1 || v > 100000000) {
				fprintf(stderr, "wsusctl sync: --bandwidth "
				    "1..100000000 (KB/s)\n");
				return EXIT_USAGE;
			}
			o.bandwidth = (uint64_t)v * 1024;
			break;
		}
		case 'G': {
			size_t k = strlen(optarg);

			if (k == 0 || k > 16 || strspn(optarg,
			    "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != k ||
			    o.nlanguages >= SYNC_FILTER_MAX) {
				fprintf(stderr, "wsusctl sync: --language "
				    "takes a language code (en, pt-br)\n");
				return EXIT_USAGE;
			}
			o.languages[o.nlanguages++] = optarg;
			break;
		}
		case 'S': {
			long long v = strtoll(optarg, &end, 10);

			if (*end != '\0' || v < 1 || v > 1048576) {
				fprintf(stderr, "wsusctl sync: --split-min "
				    "1..1048576 (MiB)\n");
				return EXIT_USAGE;
			}
			o.split_min = (uint64_t)v * 1024 * 1024;
			break;
		}
		case 'E':
			if (strcmp(optarg, "yes") != 0 &&
			    strcmp(optarg, "no") != 0) {
				fprintf(stderr, "wsusctl sync: --express "
				    "must be yes or no\n");
				return EXIT_USAGE;
			}
			o.express = strcmp(optarg, "yes") == 0;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			sync_usage(stdout);
			return EXIT_OK;
		default:
			sync_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		sync_usage(stderr);
		return EXIT_USAGE;
	}
	if (o.upstream == NULL) {
		no_upstream(ctl);
		return EXIT_USAGE;
	}
	if (upstream_check(o.upstream) == -1) {
		fprintf(stderr, "wsusctl sync: --upstream \"%s\" is not a URL "
		    "(http://HOST[:PORT] or https://HOST[:PORT])\n", o.upstream);
		return EXIT_USAGE;
	}
	/* announce ourselves as the configuration names this server */
	if (o.account_name == NULL)
		o.account_name = ctl->cfg.server_name;
	if (o.verbose) {
		log_set_level(LOG_LEVEL_INFO);
		o.progress = sync_progress;
	}
	if (o.record_dir != NULL && record_dir_check(o.record_dir) == -1)
		return EXIT_USAGE;
	if ((o.nproducts > 0) != (o.nclassifications > 0)) {
		fprintf(stderr, "wsusctl sync: give --product and --classification "
		    "together (an upstream matches on both)\n");
		return EXIT_USAGE;
	}
	sync_global_init();
	if (bench > 0) {
		if (o.record_dir != NULL && bench != 1) {
			fprintf(stderr, "wsusctl sync: --record with --bench 1 only\n");
			return EXIT_USAGE;
		}
		o.rollup = false;
		o.replica = false;
		return run_bench(ctl, &o, bench);
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	o.content_dir = ctl->cfg.content_dir;
	/* the client certificate and credential of sync configure */
	if (sync_auth_load(st, &auth, &o, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return EXIT_FAIL;
	}
	rc = sync_run(st, &o, &r, err, sizeof(err));
	sync_auth_free(&auth);
	if (rc != 0) {
		log_error("sync from %s failed: %s", o.upstream, err);
		if (!ctl->json)
			return EXIT_FAIL;
	}
	if (ctl->json) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,"
		    "s:I,s:I,s:I,s:I,s:b,s:I,s:I,s:s}",
		    "upstream", o.upstream, "protocol", sync_profile_version(o.profile),
		    "upstream_protocol", r.upstream_version, "replica", o.replica,
		    "category_revisions", (json_int_t)r.category_revisions,
		    "update_revisions", (json_int_t)r.update_revisions,
		    "fetched", (json_int_t)r.fetched, "created", (json_int_t)r.created,
		    "present", (json_int_t)r.present, "failed", (json_int_t)r.failed,
		    "groups", (json_int_t)r.groups,
		    "approvals_set", (json_int_t)r.approvals_set,
		    "approvals_removed", (json_int_t)r.approvals_removed,
		    "declined", (json_int_t)r.declined, "rolled_up", r.rolled_up,
		    "computers_rolled_up", (json_int_t)r.computers_rolled_up,
		    "calls", (json_int_t)r.calls, "error", err);

		json_object_set_new(j, "content",
		    json_string(sync_content_policy_name(o.content)));
		json_object_set_new(j, "files_downloaded",
		    json_integer((json_int_t)r.files_downloaded));
		json_object_set_new(j, "content_bytes",
		    json_integer((json_int_t)r.content_bytes));
		json_object_set_new(j, "files_failed",
		    json_integer((json_int_t)r.files_failed));
		json_object_set_new(j, "files_pending",
		    json_integer((json_int_t)r.files_pending));
		json_object_set_new(j, "new_updates",
		    json_integer((json_int_t)r.new_updates));
		json_object_set_new(j, "revised",
		    json_integer((json_int_t)r.revised));
		json_object_set_new(j, "retries",
		    json_integer((json_int_t)r.retries));
		json_object_set_new(j, "reauths",
		    json_integer((json_int_t)r.reauths));
		json_object_set_new(j, "full_resync",
		    json_boolean(r.full_resync));
		json_object_set_new(j, "retry_after_waits",
		    json_integer((json_int_t)r.retry_after_waits));
		json_object_set_new(j, "retry_after_secs",
		    json_integer((json_int_t)r.retry_after_secs));
		json_object_set_new(j, "express_unhosted",
		    json_boolean(r.express_unhosted));
		json_object_set_new(j, "rollup_servers",
		    json_integer((json_int_t)r.rollup_servers));
		json_object_set_new(j, "status_full",
		    json_integer((json_int_t)r.status_full));
		json_object_set_new(j, "status_changed",
		    json_integer((json_int_t)r.status_changed));
		json_object_set_new(j, "files_express_skipped",
		    json_integer((json_int_t)r.files_express_skipped));
		json_object_set_new(j, "files_split",
		    json_integer((json_int_t)r.files_split));
		json_object_set_new(j, "files_language_skipped",
		    json_integer((json_int_t)r.files_language_skipped));

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		return err[0] ? EXIT_FAIL : EXIT_OK;
	}
	if (!ctl->quiet) {
		printf("synchronized from %s (upstream protocol %s, ours %s%s)\n",
		    o.upstream, r.upstream_version, sync_profile_version(o.profile),
		    o.replica ? ", replica" : "");
		printf("categories: %zu revisions listed; updates: %zu listed\n",
		    r.category_revisions, r.update_revisions);
		printf("documents fetched %zu: %zu new, %zu already present, "
		    "%zu rejected\n", r.fetched, r.created, r.present, r.failed);
		if (o.replica)
			printf("replica: %zu groups, %zu approvals set, %zu removed, "
			    "%zu declined\n", r.groups, r.approvals_set,
			    r.approvals_removed, r.declined);
		if (o.content != SYNC_CONTENT_NONE &&
		    o.content != SYNC_CONTENT_ORIGIN)
			printf("content (%s): %zu files downloaded (%llu bytes), "
			    "%zu failed, %zu pending upstream\n",
			    sync_content_policy_name(o.content),
			    r.files_downloaded,
			    (unsigned long long)r.content_bytes,
			    r.files_failed, r.files_pending);
		if (r.rolled_up)
			printf("rollup: done (%zu computers)\n", r.computers_rolled_up);
	}
	return EXIT_OK;
}
