/*
 * sync_runner.c — the sync runner thread of wsusd (sync_runner.h).
 *
 * Once a second (SYNC_RUNNER_POLL_MS, or at once when stopping) it takes
 * the request rows (store/sync_service.h) and reads the configuration:
 * a "now" request starts a manual run; when a schedule is set and its
 * next_run has come, a scheduled run starts; next_run is computed again
 * after every scheduled run and whenever `wsusctl sync configure` reset
 * it to 0 (sync/schedule.h: next slot + jitter; two retries 15 minutes
 * apart after a failure).  Files downstream servers asked for with
 * DownloadFiles (store content_requests) start a content-only run
 * (sync_content_run, trigger "downloadfiles") at once when more are
 * waiting than after the last run.  During a run the cancel hook
 * takes requests too (at most once a second): "cancel" stops the run
 * between calls; a "now" is the run already going, unless that is a
 * content-only run: then the sync asked for starts after it.
 *
 * Rollups (wsusss.md §11): the rollup step of every sync, and a rollup
 * of its own (sync_rollup_run) when rollup_schedule.every minutes have
 * passed since the last one (next_rollup); each is recorded in
 * rollup_runs.  A rollup of its own is not a sync: it writes no
 * sync_history row, and a "now" request waits for its end.
 *
 * Not here: the protocol (src/sync) and the schedule arithmetic.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "daemon/sync_runner.h"
#include "store/settings.h"
#include "store/store.h"
#include "sync/schedule.h"
#include "sync/sync.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define LIST_MAX	SYNC_FILTER_MAX

struct sync_runner {
	const struct config *cfg;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	atomic_bool	 stop;
	struct store	*st;		/* the thread's handle */
	int		 failures;	/* scheduled runs failed in a row */
	size_t		 req_seen;	/* content requests after the last run */
	bool		 warned;	/* the store error was logged */
	/* the run going on */
	int64_t		 run_id;
	int		 trigger;	/* of the run going on */
	int64_t		 now_after;	/* a "now" taken during a content-only
					 * run: that run is not the sync asked
					 * for, one starts after it */
	bool		 cancel;	/* a cancel request was taken */
	double		 last_poll;	/* clock_mono() of the last take */
	int64_t		 rollup_start;	/* when the run's rollup step began */
};

/* ---- hooks ---- */

static void
take_requests(struct sync_runner *r, bool running, int64_t *now_req)
{
	int kind, rc;
	int64_t id;

	for (;;) {
		rc = store_sync_request_take(r->st, &kind, &id);
		if (rc != STORE_OK) {
			if (!r->warned)	/* once: e.g. no schema yet */
				log_warnx("sync runner: %s",
				    store_errmsg(r->st));
			r->warned = true;
			return;
		}
		r->warned = false;
		if (id == 0)
			return;
		if (kind == SYNC_REQUEST_CANCEL) {
			if (running)
				r->cancel = true;
		} else if (kind == SYNC_REQUEST_NOW && !running &&
		    *now_req == 0)
			*now_req = id;
		else if (kind == SYNC_REQUEST_NOW && running &&
		    r->trigger == SYNC_TRIGGER_DOWNLOADFILES && r->now_after == 0)
			r->now_after = id;
		/* any other "now" while running is that run */
	}
}

static bool
hook_cancel(void *arg)
{
	struct sync_runner *r = arg;
	double t = clock_mono();
	int64_t ignored = 0;

	if (atomic_load(&r->stop))
		return true;
	if (t - r->last_poll >= SYNC_RUNNER_POLL_MS / 1000.0) {
		r->last_poll = t;
		take_requests(r, true, &ignored);
	}
	return r->cancel;
}

static void
counts(struct store_sync_run *row, const struct sync_result *res)
{
	row->new_updates = (int64_t)res->new_updates;
	row->revised = (int64_t)res->revised;
	row->expired = (int64_t)res->declined;
	row->done = (int64_t)res->fetched;
	row->total = (int64_t)(res->category_revisions + res->update_revisions);
	row->files = (int64_t)res->files_downloaded;
	row->bytes = (int64_t)res->content_bytes;
}

/*
 * The stored content policy as sync_run() takes it.  "origin" (clients
 * fetch from the original URL) downloads nothing: the files stay where
 * the update metadata points (docs/SYNC.md).
 */
static enum sync_content_policy
content_policy(enum store_sync_content c)
{
	switch (c) {
	case STORE_SYNC_CONTENT_APPROVED:
		return SYNC_CONTENT_APPROVED;
	case STORE_SYNC_CONTENT_ALL:
		return SYNC_CONTENT_ALL;
	case STORE_SYNC_CONTENT_ORIGIN:
		return SYNC_CONTENT_ORIGIN;
	case STORE_SYNC_CONTENT_NONE:
		break;
	}
	return SYNC_CONTENT_NONE;
}

static void
hook_progress(void *arg, const char *phase, const struct sync_result *res)
{
	struct sync_runner *r = arg;
	struct store_sync_run row;

	if (strcmp(phase, "rollup") == 0)
		r->rollup_start = (int64_t)time(NULL);
	memset(&row, 0, sizeof(row));
	row.id = r->run_id;
	row.phase = phase;
	counts(&row, res);
	if (store_sync_run_progress(r->st, &row) != STORE_OK)
		log_warnx("sync runner: %s", store_errmsg(r->st));
}

/* ---- one run ---- */

/* Split the space-separated list l (modified) into v. */
static size_t
split(char *l, const char **v, size_t max)
{
	size_t n = 0;
	char *save = NULL, *w;

	for (w = l != NULL ? strtok_r(l, " ", &save) : NULL; w != NULL &&
	    n < max; w = strtok_r(NULL, " ", &save))
		v[n++] = w;
	return n;
}

/* The stored configuration c as sync_run() takes it (c's strings are
 * borrowed). */
static void
build_opts(struct sync_runner *r, struct store_sync_config *c,
    struct sync_opts *o, struct sync_auth *auth, struct sync_window *win)
{
	char err[512], *ws = NULL;

	o->upstream = c->upstream;
	o->replica = c->replica;
	o->rollup = true;
	o->cacert = c->cacert;
	o->tls_min = c->tls_min;
	o->proxy = c->proxy;
	o->proxy_user = c->proxy_user;
	o->proxy_password = c->proxy_password;
	o->profile = SYNC_PROFILE_WSUS10;
	if (c->protocol != NULL)
		(void)sync_profile_parse(c->protocol, &o->profile);
	o->account_name = c->name != NULL ? c->name : r->cfg->server_name;
	if (!c->replica) {
		o->nproducts = split(c->products, o->products, LIST_MAX);
		o->nclassifications = split(c->classifications,
		    o->classifications, LIST_MAX);
		o->nlanguages = split(c->languages, o->languages, LIST_MAX);
	}
	o->content = content_policy(c->content);
	o->content_dir = r->cfg->content_dir;
	o->express = c->express;
	/* wsusctl sync configure --content-window (win: the caller's) */
	if (store_setting_str(r->st, SETTING_CONTENT_WINDOW, &ws) == STORE_OK &&
	    ws != NULL && sync_window_parse(ws, strlen(ws), win) == 0)
		o->content_window = win;
	free(ws);
	o->cancel = hook_cancel;
	o->hook_arg = r;
	/* client certificate and credential of `sync configure` (auth is
	 * the owner of the strings o points at; sync_auth_free after) */
	if (sync_auth_load(r->st, auth, o, err, sizeof(err)) != 0)
		log_warnx("sync runner: %s (going on without)", err);
}

/*
 * Record a rollup that ran (from start to end) in rollup_runs, and
 * move the next rollup of its own to end + the interval.
 */
static void
rollup_record(struct sync_runner *r, int trigger, int64_t start,
    int64_t end, const struct sync_result *res, bool ok, const char *err)
{
	struct store_rollup_run rr;
	int every;
	int64_t next;

	memset(&rr, 0, sizeof(rr));
	rr.start = start > 0 && start <= end ? start : end;
	rr.end = end;
	rr.trigger = trigger;
	rr.servers = (int64_t)res->rollup_servers;
	rr.computers = (int64_t)res->computers_rolled_up;
	if (ok && !res->rolled_up) {
		ok = false;
		err = "the upstream takes no rollups (GetRollupConfiguration "
		    "refused)";
	}
	rr.result = ok ? SYNC_RESULT_OK : SYNC_RESULT_FAILED;
	rr.error = ok ? NULL : err;
	if (store_rollup_run_add(r->st, &rr) != STORE_OK)
		log_warnx("sync runner: %s", store_errmsg(r->st));
	if (store_rollup_schedule_get(r->st, &every, &next) == STORE_OK &&
	    every > 0)
		(void)store_rollup_next_set(r->st, end + (int64_t)every * 60);
}

/*
 * The run's note (history and status): what it noticed that is no
 * error.  "" when nothing.
 */
static void
run_note(const struct sync_result *res, char *out, size_t outlen)
{
	size_t n = 0;

	out[0] = '\0';
	if (res->express_unhosted)
		n = (size_t)snprintf(out, outlen, "express files not fetched: "
		    "the upstream does not host them (ServerHostsPsfFiles "
		    "false)");
	if (res->retry_after_waits > 0 && n < outlen)
		(void)snprintf(out + n, outlen - n, "%swaited %u s as the "
		    "upstream asked (Retry-After, %zu %s)", n > 0 ? "; " : "",
		    res->retry_after_secs, res->retry_after_waits,
		    res->retry_after_waits == 1 ? "time" : "times");
}

/* One run; true when it succeeded.  *end: when it ended (the time the
 * history row shows).  Trigger "downloadfiles": content only. */
static bool
run(struct sync_runner *r, int trigger, int64_t request, int64_t *end)
{
	struct store_sync_config c;
	struct sync_auth auth;
	struct store_sync_run row;
	struct sync_opts *o;
	struct sync_result res;
	struct sync_window win;
	char err[1024], note[512];
	int rc;

	memset(&res, 0, sizeof(res));
	err[0] = '\0';
	*end = (int64_t)time(NULL);
	if (store_sync_config_get(r->st, &c) != STORE_OK) {
		log_warnx("sync runner: %s", store_errmsg(r->st));
		return false;
	}
	if (store_sync_run_begin(r->st, trigger, request, (int64_t)time(NULL),
	    &r->run_id) != STORE_OK) {
		log_warnx("sync runner: %s", store_errmsg(r->st));
		store_sync_config_free(&c);
		return false;
	}
	r->cancel = false;
	r->trigger = trigger;
	r->last_poll = clock_mono();
	r->rollup_start = 0;
	o = xcalloc(1, sizeof(*o));
	build_opts(r, &c, o, &auth, &win);
	o->progress = hook_progress;
	log_info("sync: %s run from %s started",
	    store_sync_trigger_name(trigger), c.upstream ? c.upstream : "-");
	if (c.upstream == NULL) {
		snprintf(err, sizeof(err), "no upstream configured (wsusctl "
		    "sync configure --upstream URL)");
		rc = -1;
	} else if (trigger == SYNC_TRIGGER_DOWNLOADFILES)
		rc = sync_content_run(r->st, o, &res, err, sizeof(err));
	else
		rc = sync_run(r->st, o, &res, err, sizeof(err));
	memset(&row, 0, sizeof(row));
	row.id = r->run_id;
	/* content outside its window: left for a run inside it */
	row.phase = res.content_deferred ? "content-deferred" : "done";
	counts(&row, &res);
	row.full_resync = res.full_resync;
	row.end = *end = (int64_t)time(NULL);
	if (res.rollup_attempted)
		rollup_record(r, ROLLUP_TRIGGER_SYNC, r->rollup_start, *end,
		    &res, rc == 0, err);
	row.result = rc == 0 ? SYNC_RESULT_OK : res.cancelled ?
	    SYNC_RESULT_CANCELLED : SYNC_RESULT_FAILED;
	row.error = rc == 0 ? NULL : err;
	run_note(&res, note, sizeof(note));
	row.note = note[0] != '\0' ? note : NULL;
	if (store_sync_run_end(r->st, &row) != STORE_OK)
		log_warnx("sync runner: %s", store_errmsg(r->st));
	if (rc == 0)
		log_info("sync: ok (%zu new revisions, %zu documents)",
		    res.created, res.fetched);
	else
		log_warnx("sync: %s: %s", store_sync_result_name(row.result),
		    err);
	r->run_id = 0;
	free(o);
	sync_auth_free(&auth);
	store_sync_config_free(&c);
	(void)store_file_request_count(r->st, &r->req_seen);
	return rc == 0;
}

/*
 * Files downstream servers asked for (DownloadFiles): true when more are
 * waiting than after the last run, so that they are fetched now rather
 * than at the next slot.
 */
static bool
content_wanted(struct sync_runner *r)
{
	size_t n = 0;

	if (store_file_request_count(r->st, &n) != STORE_OK)
		return false;
	/* only requests that came since the last look start a run: one the
	 * run could not satisfy (the upstream lacks the file too) waits for
	 * the next slot instead of starting run after run */
	if (n <= r->req_seen) {
		r->req_seen = n;
		return false;
	}
	r->req_seen = n;
	return true;
}

/* ---- the thread ---- */

static uint32_t
rnd32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint32_t)time(NULL);
	return v;
}

/* A scheduled run when its time has come; next_run kept up to date. */
static void
schedule(struct sync_runner *r)
{
	struct store_sync_config c;
	int64_t now = (int64_t)time(NULL), next, end;
	bool ok;

	if (store_sync_config_get(r->st, &c) != STORE_OK)
		return;
	if (c.upstream == NULL || c.per_day == 0) {
		if (c.next_run != 0)
			(void)store_sync_next_set(r->st, 0);
		store_sync_config_free(&c);
		return;
	}
	if (c.next_run == 0) {
		r->failures = 0;
		next = sync_schedule_next(now, c.per_day, c.first, c.jitter, 0,
		    rnd32());
		(void)store_sync_next_set(r->st, next);
	} else if (now >= c.next_run) {
		ok = run(r, SYNC_TRIGGER_SCHEDULED, 0, &end);
		r->failures = ok ? 0 : r->failures + 1;
		next = sync_schedule_next(end, c.per_day,
		    c.first, c.jitter, r->failures, rnd32());
		if (r->failures > SYNC_RETRIES)
			r->failures = 0;
		/* a configure during the run set next_run 0: keep that */
		store_sync_config_free(&c);
		if (store_sync_config_get(r->st, &c) == STORE_OK &&
		    c.next_run != 0)
			(void)store_sync_next_set(r->st, next);
	}
	store_sync_config_free(&c);
}

static bool
hook_stop_only(void *arg)
{
	struct sync_runner *r = arg;

	return atomic_load(&r->stop);
}

/* A rollup of its own when its time has come; next_rollup kept up to
 * date (0 when there is no upstream or no interval). */
static void
rollup_schedule(struct sync_runner *r)
{
	struct store_sync_config c;
	struct sync_auth auth;
	struct sync_window win;
	struct sync_opts *o;
	struct sync_result res;
	int64_t now = (int64_t)time(NULL), next, start;
	char err[1024];
	int every, rc;

	if (store_rollup_schedule_get(r->st, &every, &next) != STORE_OK)
		return;
	if (store_sync_config_get(r->st, &c) != STORE_OK)
		return;
	if (c.upstream == NULL || every == 0) {
		if (next != 0)
			(void)store_rollup_next_set(r->st, 0);
	} else if (next == 0)
		(void)store_rollup_next_set(r->st, now + (int64_t)every * 60);
	else if (now >= next) {
		o = xcalloc(1, sizeof(*o));
		build_opts(r, &c, o, &auth, &win);
		o->cancel = hook_stop_only;
		o->content = SYNC_CONTENT_NONE;
		log_info("sync: scheduled rollup to %s started", c.upstream);
		start = (int64_t)time(NULL);
		rc = sync_rollup_run(r->st, o, &res, err, sizeof(err));
		if (rc == 0)
			log_info("sync: rollup ok (%zu servers, %zu computers)",
			    res.rollup_servers, res.computers_rolled_up);
		else
			log_warnx("sync: rollup failed: %s", err);
		rollup_record(r, ROLLUP_TRIGGER_SCHEDULED, start,
		    (int64_t)time(NULL), &res, rc == 0, err);
		sync_auth_free(&auth);
		free(o);
	}
	store_sync_config_free(&c);
}

/* The thread's store handle, opened when the store can be (wsusd serves
 * without one, e.g. before postinstall); 0 or -1 (logged once). */
static int
open_store(struct sync_runner *r)
{
	char err[512];

	if (store_open(r->cfg->database_url, &r->st, err, sizeof(err)) ==
	    STORE_OK) {
		/* a run a killed wsusd left "running" is over: else `sync
		 * status` shows it forever and `sync now` follows it */
		if (store_sync_run_abandon(r->st, (int64_t)time(NULL)) !=
		    STORE_OK)
			log_warnx("sync runner: %s", store_errmsg(r->st));
		return 0;
	}
	r->st = NULL;
	if (!r->warned)
		log_warnx("sync runner: %s", err);
	r->warned = true;
	return -1;
}

static void *
runner_main(void *arg)
{
	struct sync_runner *r = arg;
	struct timespec ts;
	int64_t now_req, end;

	while (!atomic_load(&r->stop)) {
		now_req = r->now_after;
		r->now_after = 0;
		r->cancel = false;
		if (r->st == NULL && open_store(r) != 0)
			goto wait;
		take_requests(r, false, &now_req);
		if (now_req != 0)
			(void)run(r, SYNC_TRIGGER_MANUAL, now_req, &end);
		else {
			/*
			 * A due slot and a due rollup come before the files
			 * downstreams asked for: a downstream sending one new
			 * DownloadFiles per run must not hold off the
			 * metadata sync and the rollup (a content-only run
			 * does neither).  A scheduled run fetches the
			 * requested files too.
			 */
			schedule(r);
			rollup_schedule(r);
			if (content_wanted(r))
				(void)run(r, SYNC_TRIGGER_DOWNLOADFILES, 0,
				    &end);
		}
wait:
		pthread_mutex_lock(&r->mu);
		if (!atomic_load(&r->stop)) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += SYNC_RUNNER_POLL_MS / 1000;
			ts.tv_nsec += (SYNC_RUNNER_POLL_MS % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			(void)pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		}
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

int
sync_runner_start(const struct config *cfg, struct sync_runner **out,
    char *err, size_t errlen)
{
	struct sync_runner *r = xcalloc(1, sizeof(*r));

	r->cfg = cfg;
	atomic_init(&r->stop, false);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if ((errno = pthread_create(&r->th, NULL, runner_main, r)) != 0) {
		snprintf(err, errlen, "sync runner: pthread_create: %s",
		    strerror(errno));
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void
sync_runner_stop(struct sync_runner *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	atomic_store(&r->stop, true);
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->th, NULL);
	if (r->st != NULL)
		store_close(r->st);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}
