/*
 * cmd_syncrun.c — the sync service verbs of wsusctl that look at runs,
 * over the store's sync-service domain (store/sync_service.h):
 *   wsusctl sync now [--json] [--timeout S]  request a run, follow it
 *   wsusctl sync status [--json]       running or idle, last result, next
 *   wsusctl sync history [--json] [--limit N]
 *   wsusctl sync cancel [--json]       request the running one stop
 * and the dispatch of `wsusctl sync VERB`.  The store is the channel to
 * wsusd; nothing here talks to a port.  Not here: configure
 * (cmd_syncsvc.c), the one-shot `wsusctl sync --upstream` (cmd_sync.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cmd_common.h"
#include "cli/cmd_syncsvc.h"
#include "cli/output.h"
#include "cli/wsusctl.h"

/* ---- status and history ---- */

struct runs {
	json_t		*arr;		/* --json */
	struct table	*t;		/* text */
	bool		 got;
	struct store_sync_run r;	/* status: the row seen (strings copied) */
	char		 phase[64];
	char		 error[STORE_SYNC_ERROR_MAX + 1];
	char		 note[STORE_SYNC_ERROR_MAX + 1];
};

static json_t *
run_json(const struct store_sync_run *r)
{
	char a[32], b[32];
	json_t *j;

	output_time(r->start, a, sizeof(a));
	output_time(r->end, b, sizeof(b));
	j = json_pack("{s:I,s:s,s:o,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I,"
	    "s:I,s:o}",
	    "id", (json_int_t)r->id, "start", a,
	    "end", b[0] ? json_string(b) : json_null(),
	    "result", store_sync_result_name(r->result),
	    "trigger", store_sync_trigger_name(r->trigger),
	    "phase", output_json_str(r->phase),
	    "done", (json_int_t)r->done, "total", (json_int_t)r->total,
	    "new_updates", (json_int_t)r->new_updates,
	    "revised", (json_int_t)r->revised,
	    "expired", (json_int_t)r->expired,
	    "files", (json_int_t)r->files, "bytes", (json_int_t)r->bytes,
	    "error", output_json_str(r->error));
	json_object_set_new(j, "full_resync", json_boolean(r->full_resync));
	json_object_set_new(j, "note", output_json_str(r->note));
	return j;
}

static int
history_row(const struct store_sync_run *r, void *arg)
{
	struct runs *l = arg;
	char a[32], b[32], n[5][24];

	if (l->arr != NULL) {
		json_array_append_new(l->arr, run_json(r));
		return 0;
	}
	output_time(r->start, a, sizeof(a));
	output_time(r->end, b, sizeof(b));
	snprintf(n[0], sizeof(n[0]), "%lld", (long long)r->new_updates);
	snprintf(n[1], sizeof(n[1]), "%lld", (long long)r->revised);
	snprintf(n[2], sizeof(n[2]), "%lld", (long long)r->expired);
	snprintf(n[3], sizeof(n[3]), "%lld", (long long)r->files);
	snprintf(n[4], sizeof(n[4]), "%lld", (long long)r->bytes);
	table_addf(l->t, a, b, store_sync_result_name(r->result),
	    store_sync_trigger_name(r->trigger), n[0], n[1], n[2], n[3], n[4],
	    r->error != NULL ? r->error : r->note != NULL ? r->note : "");
	return 0;
}

static const struct table_col history_cols[] = {
	{ "START", 0 }, { "END", 0 }, { "RESULT", 0 }, { "TRIGGER", 0 },
	{ "NEW", TABLE_RIGHT }, { "REVISED", TABLE_RIGHT },
	{ "EXPIRED", TABLE_RIGHT }, { "FILES", TABLE_RIGHT },
	{ "BYTES", TABLE_RIGHT }, { "ERROR/NOTE", TABLE_SHRINK },
};

static int
sync_history(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json",  no_argument,	      NULL, 'j' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help",  no_argument,	      NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct runs l;
	struct store *st;
	size_t limit = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 'n':
			if (parse_size(optarg, 1, 1000000, &limit) != 0) {
				fprintf(stderr, "wsusctl sync history: --limit "
				    "must be 1..1000000\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: wsusctl sync history [--json] "
			    "[--limit N]\n  Every sync run, newest first.\n");
			return EXIT_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "usage: wsusctl sync history [--json] "
			    "[--limit N]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: wsusctl sync history [--json] "
		    "[--limit N]\n");
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	memset(&l, 0, sizeof(l));
	if (ctl->json)
		l.arr = json_array();
	else
		l.t = table_new(history_cols, sizeof(history_cols) /
		    sizeof(history_cols[0]));
	rc = store_sync_run_list(st, limit, history_row, &l);
	if (rc != STORE_OK) {
		json_decref(l.arr);
		table_free(l.t);
		return store_fail(st, rc, "list sync runs");
	}
	if (l.arr != NULL)
		output_json_put(l.arr);
	else {
		if (table_rows(l.t) == 0)
			printf("no sync has run yet\n");
		else
			table_print(l.t, stdout, output_width(stdout), false);
		table_free(l.t);
	}
	return EXIT_OK;
}

/* Keep a copy of the row: strings are the store's during the call. */
static int
status_row(const struct store_sync_run *r, void *arg)
{
	struct runs *l = arg;

	l->got = true;
	l->r = *r;
	snprintf(l->phase, sizeof(l->phase), "%s", r->phase ? r->phase : "");
	snprintf(l->error, sizeof(l->error), "%s", r->error ? r->error : "");
	l->r.phase = l->phase[0] ? l->phase : NULL;
	l->r.error = l->error[0] ? l->error : NULL;
	snprintf(l->note, sizeof(l->note), "%s", r->note ? r->note : "");
	l->r.note = l->note[0] ? l->note : NULL;
	return 0;
}

/* Newest finished row (skipping a running one). */
static int
last_row(const struct store_sync_run *r, void *arg)
{
	if (r->result == SYNC_RESULT_RUNNING)
		return 0;
	status_row(r, arg);
	return 1;
}

static int
sync_status(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_sync_config c;
	struct runs cur, last;
	struct store *st;
	char next[32], t[32];
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 'h':
			printf("usage: wsusctl sync status [--json]\n  Running "
			    "or idle, phase, counts, last result, next run,\n"
			    "  last rollup and next rollup.\n");
			return EXIT_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "usage: wsusctl sync status [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: wsusctl sync status [--json]\n");
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	memset(&cur, 0, sizeof(cur));
	memset(&last, 0, sizeof(last));
	if ((rc = store_sync_config_get(st, &c)) != STORE_OK)
		return store_fail(st, rc, "read the sync configuration");
	rc = store_sync_run_get(st, 0, status_row, &cur);
	if (rc == STORE_OK)
		rc = store_sync_run_list(st, 0, last_row, &last);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		store_sync_config_free(&c);
		return store_fail(st, rc, "read sync runs");
	}
	bool running = cur.got && cur.r.result == SYNC_RESULT_RUNNING;

	output_time(c.next_run, next, sizeof(next));
	if (ctl->json) {
		json_t *j = json_object();

		json_object_set_new(j, "state", json_string(running ?
		    "running" : "idle"));
		json_object_set_new(j, "upstream", output_json_str(c.upstream));
		json_object_set_new(j, "running", running ?
		    run_json(&cur.r) : json_null());
		json_object_set_new(j, "last", last.got ? run_json(&last.r) :
		    json_null());
		json_object_set_new(j, "next_run", next[0] ?
		    json_string(next) : json_null());
		(void)syncsvc_rollup_status(st, j);
		output_json_put(j);
	} else {
		printf("state      %s\n", running ? "running" : "idle");
		printf("upstream   %s\n", c.upstream ? c.upstream :
		    "(not configured)");
		if (running) {
			output_time(cur.r.start, t, sizeof(t));
			printf("started    %s (%s)\n", t,
			    store_sync_trigger_name(cur.r.trigger));
			printf("phase      %s %lld/%lld\n", cur.r.phase ?
			    cur.r.phase : "", (long long)cur.r.done,
			    (long long)cur.r.total);
			printf("so far     %lld new, %lld revised, %lld expired, "
			    "%lld files\n", (long long)cur.r.new_updates,
			    (long long)cur.r.revised, (long long)cur.r.expired,
			    (long long)cur.r.files);
		}
		if (last.got) {
			output_time(last.r.end, t, sizeof(t));
			printf("last       %s at %s: %lld new, %lld revised, "
			    "%lld expired, %lld files, %lld bytes\n",
			    store_sync_result_name(last.r.result), t,
			    (long long)last.r.new_updates,
			    (long long)last.r.revised,
			    (long long)last.r.expired,
			    (long long)last.r.files, (long long)last.r.bytes);
			printf("trigger    %s\n",
			    store_sync_trigger_name(last.r.trigger));
			if (last.r.error != NULL)
				printf("error      %s\n", last.r.error);
			if (last.r.note != NULL)
				printf("note       %s\n", last.r.note);
		} else
			printf("last       (never synchronized)\n");
		printf("next run   %s\n", next[0] ? next : c.per_day == 0 ?
		    "(manual only)" : "(not scheduled: wsusd not running)");
		(void)syncsvc_rollup_status(st, NULL);
	}
	store_sync_config_free(&c);
	return EXIT_OK;
}

/* ---- now and cancel ---- */

#define TAKE_WAIT_MS	15000	/* for wsusd to take a "now" request */
#define POLL_MS		250

struct find_req {
	int64_t	 request;
	int64_t	 id;		/* the run it started; 0 none yet */
};

static int
find_req_row(const struct store_sync_run *r, void *arg)
{
	struct find_req *f = arg;

	if (r->request == f->request) {
		f->id = r->id;
		return 1;
	}
	return 0;
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The newest run when it is running: 0 with *id (and *trigger when not
 * NULL), else *id 0. */
static int
running_run(struct store *st, int64_t *id, int *trigger)
{
	struct runs cur;
	int rc;

	*id = 0;
	memset(&cur, 0, sizeof(cur));
	rc = store_sync_run_get(st, 0, status_row, &cur);
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc == STORE_OK && cur.r.result == SYNC_RESULT_RUNNING) {
		*id = cur.r.id;
		if (trigger != NULL)
			*trigger = cur.r.trigger;
	}
	return rc;
}

/* Print one progress step: JSON line, terminal line or plain line. */
static void
progress_out(struct wsusctl *ctl, bool tty, const struct store_sync_run *r)
{
	if (ctl->json) {
		json_t *j = run_json(r);

		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	} else if (tty)
		printf("\r\033[Ksync %s: %s %lld/%lld, %lld new",
		    store_sync_result_name(r->result), r->phase ? r->phase : "",
		    (long long)r->done, (long long)r->total,
		    (long long)r->new_updates);
	else if (!ctl->quiet)
		printf("sync %s: %s %lld/%lld, %lld new\n",
		    store_sync_result_name(r->result), r->phase ? r->phase : "",
		    (long long)r->done, (long long)r->total,
		    (long long)r->new_updates);
	fflush(stdout);
}

/*
 * Follow run id until it ends: the exit status of its result.  deadline
 * (clock_mono seconds, 0: none): then give up with EXIT_TIMEOUT, since
 * a wsusd killed during the run leaves its row "running" until it
 * starts again.
 */
static int
follow(struct wsusctl *ctl, struct store *st, int64_t id, double deadline)
{
	struct runs cur;
	char last[128] = "", key[128];
	bool tty = !ctl->json && isatty(STDOUT_FILENO);
	int rc;

	for (;;) {
		memset(&cur, 0, sizeof(cur));
		if ((rc = store_sync_run_get(st, id, status_row, &cur)) !=
		    STORE_OK)
			return store_fail(st, rc, "read the sync run");
		snprintf(key, sizeof(key), "%d %s %lld %lld", cur.r.result,
		    cur.phase, (long long)cur.r.done, (long long)cur.r.total);
		if (strcmp(key, last) != 0) {
			snprintf(last, sizeof(last), "%s", key);
			progress_out(ctl, tty, &cur.r);
		}
		if (cur.r.result != SYNC_RESULT_RUNNING)
			break;
		if (deadline > 0 && mono_now() >= deadline) {
			if (tty)
				putchar('\n');
			fprintf(stderr, "wsusctl sync now: gave up waiting: "
			    "sync run %lld is still running (phase %s); is "
			    "wsusd still running on this store?  If it is, the "
			    "run goes on (wsusctl sync status)\n",
			    (long long)id, cur.phase[0] ? cur.phase : "-");
			return EXIT_TIMEOUT;
		}
		sleep_ms(POLL_MS);
	}
	if (tty)
		putchar('\n');
	if (!ctl->json && !ctl->quiet) {
		printf("sync %s: %lld new, %lld revised, %lld expired, %lld "
		    "files, %lld bytes\n", store_sync_result_name(cur.r.result),
		    (long long)cur.r.new_updates, (long long)cur.r.revised,
		    (long long)cur.r.expired, (long long)cur.r.files,
		    (long long)cur.r.bytes);
		if (cur.r.error != NULL)
			printf("error: %s\n", cur.r.error);
		if (cur.r.note != NULL)
			printf("note: %s\n", cur.r.note);
	}
	return cur.r.result == SYNC_RESULT_OK ? EXIT_OK : EXIT_FAIL;
}

static int
simple_opts(struct wsusctl *ctl, int argc, char **argv, const char *usage)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 'h':
			printf("%s", usage);
			return EXIT_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "%s", usage);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	return -1;
}

#define NOW_TIMEOUT_DEFAULT	21600	/* seconds: 6 hours */
#define NOW_TIMEOUT_MAX		604800	/* a week */

static int
sync_now(struct wsusctl *ctl, int argc, char **argv)
{
	static const char usage[] =
	    "usage: wsusctl sync now [--json] [--timeout SECONDS]\n"
	    "  Ask wsusd to synchronize now from the configured upstream and\n"
	    "  follow the run: a progress line on a terminal, JSON lines with\n"
	    "  --json.  Exit 0 when the run ends ok, 1 otherwise, 4 when it\n"
	    "  has not ended within --timeout seconds (default 21600; wsusd\n"
	    "  must take the request within 15 s or the timeout if less).\n";
	static const struct option lo[] = {
		{ "json",    no_argument,	NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help",    no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_sync_config c;
	struct find_req f;
	struct store *st;
	size_t timeout = NOW_TIMEOUT_DEFAULT;
	double deadline;
	int64_t id;
	bool behind;			/* a run was going when we asked */
	int ch, rc, trigger = SYNC_TRIGGER_MANUAL, waited, take_ms;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 't':
			if (parse_size(optarg, 1, NOW_TIMEOUT_MAX, &timeout) !=
			    0) {
				fprintf(stderr, "wsusctl sync now: --timeout "
				    "must be 1..%d seconds\n", NOW_TIMEOUT_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("%s", usage);
			return EXIT_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "%s", usage);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	deadline = mono_now() + (double)timeout;
	take_ms = timeout * 1000 < TAKE_WAIT_MS ? (int)timeout * 1000 :
	    TAKE_WAIT_MS;
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if ((rc = store_sync_config_get(st, &c)) != STORE_OK)
		return store_fail(st, rc, "read the sync configuration");
	rc = c.upstream == NULL;
	store_sync_config_free(&c);
	if (rc) {
		fprintf(stderr, "wsusctl sync now: no upstream configured "
		    "(wsusctl sync configure --upstream URL)\n");
		return EXIT_USAGE;
	}
	if ((rc = running_run(st, &id, &trigger)) != STORE_OK)
		return store_fail(st, rc, "read sync runs");
	/* a content-only run (DownloadFiles) is not the sync asked for:
	 * wsusd starts that one after it */
	if (id != 0 && trigger != SYNC_TRIGGER_DOWNLOADFILES) {
		fprintf(stderr, "wsusctl sync now: a sync is already running; "
		    "following it\n");
		return follow(ctl, st, id, deadline);
	}
	behind = id != 0;
	memset(&f, 0, sizeof(f));
	if ((rc = store_sync_request_put(st, SYNC_REQUEST_NOW, &f.request)) !=
	    STORE_OK)
		return store_fail(st, rc, "write the sync request");
	for (waited = 0;; waited += POLL_MS) {
		if ((rc = store_sync_run_list(st, 20, find_req_row, &f)) !=
		    STORE_OK)
			return store_fail(st, rc, "read sync runs");
		if (f.id != 0)
			return follow(ctl, st, f.id, deadline);
		/* behind a content-only run: wait for it too (the gap
		 * between it and the next run counts as waiting) */
		if (behind && running_run(st, &id, &trigger) == STORE_OK &&
		    id != 0 && mono_now() < deadline) {
			/* the sync another `sync now` asked for behind the
			 * same content-only run: wsusd took ours as that one
			 * (src/daemon/sync_runner.c take_requests) */
			if (trigger != SYNC_TRIGGER_DOWNLOADFILES) {
				fprintf(stderr, "wsusctl sync now: a sync is "
				    "already running; following it\n");
				return follow(ctl, st, id, deadline);
			}
			sleep_ms(POLL_MS);
			waited = 0;
			continue;
		}
		if (waited >= take_ms)
			break;
		sleep_ms(POLL_MS);
	}
	/* taken as part of a run that started meanwhile? */
	if (running_run(st, &id, &trigger) == STORE_OK && id != 0 &&
	    trigger != SYNC_TRIGGER_DOWNLOADFILES) {
		fprintf(stderr, "wsusctl sync now: a sync is already running; "
		    "following it\n");
		return follow(ctl, st, id, deadline);
	}
	fprintf(stderr, "wsusctl sync now: wsusd did not take the request "
	    "within %d s: is wsusd running on this store? (it will start "
	    "the sync when it starts)\n", take_ms / 1000);
	return EXIT_TIMEOUT;
}

static int
sync_cancel(struct wsusctl *ctl, int argc, char **argv)
{
	static const char usage[] =
	    "usage: wsusctl sync cancel [--json]\n"
	    "  Stop the running sync (wsusd stops it between calls and\n"
	    "  records it as cancelled); waits until it has stopped.\n";
	struct store *st;
	int64_t id, req;
	int rc;

	if ((rc = simple_opts(ctl, argc, argv, usage)) >= 0)
		return rc;
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if ((rc = running_run(st, &id, NULL)) != STORE_OK)
		return store_fail(st, rc, "read sync runs");
	if (id == 0) {
		fprintf(stderr, "wsusctl sync cancel: no sync is running\n");
		return EXIT_FAIL;
	}
	if ((rc = store_sync_request_put(st, SYNC_REQUEST_CANCEL, &req)) !=
	    STORE_OK)
		return store_fail(st, rc, "write the cancel request");
	rc = follow(ctl, st, id, 0);
	return rc == EXIT_FAIL ? EXIT_OK : rc;	/* cancelled is success */
}

/* `wsusctl sync VERB ...` for the service verbs; -1 when argv[1] is none
 * of them (then cmd_sync runs the one-shot sync). */
int
cmd_sync_service(struct wsusctl *ctl, int argc, char **argv)
{
	if (argc < 2)
		return -1;
	if (strcmp(argv[1], "configure") == 0)
		return cmd_sync_configure(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return sync_status(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "history") == 0)
		return sync_history(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "now") == 0)
		return sync_now(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "cancel") == 0)
		return sync_cancel(ctl, argc - 1, argv + 1);
	return -1;
}
