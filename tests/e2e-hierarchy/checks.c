/*
 * checks.c — what the hierarchy test asserts, with cmocka: a replica
 * holds exactly the upstream's groups (GUIDs, names, parents),
 * approvals (update, group, action, deadline), declines and accepted
 * EULAs, and its revision count; an autonomous site has the catalog and
 * none of that; every approved file is in a site's content store with
 * the upstream's exact bytes (so its SHA-1 and SHA-256); every client got
 * exactly its approved updates and downloaded them; the upstream's
 * hierarchy report shows every site (the second tier under its parent)
 * and every site's computers.
 *
 * Comparisons go through `wsusctl ... --json` of both servers, and the
 * store API where wsusctl has no listing (accepted EULAs, counts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hier.h"
#include "content/content_store.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

bool late_approved;

json_t *
ctl_json_of(struct tl_wsusd *w, ...)
{
	char *argv[24];
	const char *a;
	struct buf b;
	va_list ap;
	json_t *j;
	int n = 0, rc;

	argv[n++] = (char *)tl_wsusctl_exe;
	argv[n++] = (char *)"-c";
	argv[n++] = w->conf;
	va_start(ap, w);
	while (n < 22 && (a = va_arg(ap, const char *)) != NULL)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n++] = (char *)"--json";
	argv[n] = NULL;
	buf_init(&b, 64u << 20);
	rc = tl_run(argv, &b, "/dev/null");
	j = rc == 0 && b.data != NULL ? json_loads(b.data, 0, NULL) : NULL;
	if (j == NULL)
		fail_msg("wsusctl %s %s --json on %s: exit %d\n%s", argv[3],
		    argv[4] != NULL ? argv[4] : "", w->dir, rc,
		    b.data != NULL ? b.data : "");
	buf_free(&b);
	return j;
}

/* A sorted list of strings (owned). */
struct strs {
	char	**v;
	size_t	  n;
};

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
strs_add(struct strs *l, char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

static void
strs_free(struct strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Fail with the differences unless a and b hold the same strings. */
static void
strs_same(struct strs *a, struct strs *b, const char *what, const char *who)
{
	size_t i = 0, k = 0;
	int bad = 0;

	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), cmpstr);
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), cmpstr);
	while (i < a->n || k < b->n) {
		int c = i == a->n ? 1 : k == b->n ? -1 : strcmp(a->v[i],
		    b->v[k]);

		if (c == 0) {
			i++;
			k++;
			continue;
		}
		if (bad++ < 10)
			fprintf(stderr, "%s %s: %s %s\n", who, what, c < 0 ?
			    "missing" : "extra", c < 0 ? a->v[i] : b->v[k]);
		if (c < 0)
			i++;
		else
			k++;
	}
	if (bad != 0)
		fail_msg("%s: %d differences in %s (want %zu, have %zu)", who,
		    bad, what, a->n, b->n);
}

static const char *
js(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : "-";
}

static void
groups_of(struct tl_wsusd *w, struct strs *l)
{
	json_t *j = ctl_json_of(w, "groups", "list", NULL), *g;
	size_t i;

	json_array_foreach(j, i, g)
		strs_add(l, xasprintf("%s|%s|%s", js(g, "guid"), js(g, "name"),
		    js(g, "parent")));
	json_decref(j);
}

static void
approvals_list(struct tl_wsusd *w, struct strs *l)
{
	json_t *j = ctl_json_of(w, "approvals", NULL), *a;
	size_t i;

	json_array_foreach(j, i, a)
		strs_add(l, xasprintf("%s|%lld|%s|%s|%s", js(a, "update_id"),
		    (long long)json_integer_value(json_object_get(a,
		    "revision")), js(a, "group"), js(a, "action"),
		    js(a, "deadline")));
	json_decref(j);
}

static void
declines_of(struct tl_wsusd *w, struct strs *l)
{
	json_t *j = ctl_json_of(w, "updates", "list", "--approval", "declined",
	    NULL), *u;
	size_t i;

	json_array_foreach(j, i, u)
		strs_add(l, xasprintf("%s", js(u, "update_id")));
	json_decref(j);
}

static int
eula_cb(const char *id, void *arg)
{
	strs_add(arg, xasprintf("%s", id));
	return 0;
}

static struct store *
open_store(struct tl_wsusd *w)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", w->db);
	if (store_open(url, &st, err, sizeof(err)) != 0)
		fail_msg("store_open %s: %s", url, err);
	return st;
}

static size_t
revisions(struct tl_wsusd *w)
{
	struct store *st = open_store(w);
	size_t revs = 0, upds = 0;

	assert_int_equal(store_update_count(st, &revs, &upds), STORE_OK);
	store_close(st);
	return revs;
}

void
check_replica_equal(struct site *s)
{
	struct strs a = { 0 }, b = { 0 };
	struct store *st;
	char who[32];

	snprintf(who, sizeof(who), "site %02d", (int)(s - H.s));
	assert_int_equal(revisions(&s->w), revisions(&H.up));
	groups_of(&H.up, &a);
	groups_of(&s->w, &b);
	strs_same(&a, &b, "groups", who);
	strs_free(&a);
	strs_free(&b);
	approvals_list(&H.up, &a);
	approvals_list(&s->w, &b);
	strs_same(&a, &b, "approvals", who);
	strs_free(&a);
	strs_free(&b);
	declines_of(&H.up, &a);
	declines_of(&s->w, &b);
	assert_true(a.n >= NDECLINED + 1);
	strs_same(&a, &b, "declines", who);
	strs_free(&a);
	strs_free(&b);
	/* the EulaIDs of the approved revisions, nothing else */
	for (int i = 0; i <= LATE_UPDATE; i++)
		if ((i < NAPPROVED || late_approved) && *synth_eula(i) != '\0')
			strs_add(&a, xasprintf("%s", synth_eula(i)));
	st = open_store(&s->w);
	assert_int_equal(store_eulas_accepted_list(st, eula_cb, &b), STORE_OK);
	store_close(st);
	strs_same(&a, &b, "accepted EULAs", who);
	strs_free(&a);
	strs_free(&b);
}

void
check_autonomous(struct site *s)
{
	json_t *j;

	assert_int_equal(revisions(&s->w), revisions(&H.up));
	j = ctl_json_of(&s->w, "approvals", NULL);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	j = ctl_json_of(&s->w, "groups", "list", NULL);
	/* All Computers and Unassigned Computers only */
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	j = ctl_json_of(&s->w, "updates", "list", "--approval", "declined",
	    NULL);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

/*
 * Empty part files under CONTENT/.partial: a download that is just
 * starting (site 0 fetches, for its second tier's DownloadFiles, a file
 * its upstream lacks; the product deletes an empty part when the
 * transfer ends).  A part with bytes in it still counts as left over.
 */
static size_t
empty_parts(const char *content)
{
	char dir[512], path[1024];
	struct dirent *e;
	struct stat sb;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/.partial", content);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.' && stat(path, &sb) == 0 &&
		    S_ISREG(sb.st_mode) && sb.st_size == 0)
			n++;
	}
	closedir(d);
	return n;
}

void
check_files_ids(struct site *s, const int *ids, size_t n)
{
	char rel[128], path[512], name[32];
	size_t files;

	for (size_t k = 0; k < n; k++) {
		uint8_t *want, h1[20];
		char *have = NULL;
		int i = ids[k];
		size_t wlen = synth_payload(i, &want), hlen = 0;

		snprintf(name, sizeof(name), "hier-%04d.exe", i);
		assert_int_equal(tl_digest("SHA1", want, wlen, h1), 0);
		assert_int_equal(content_relpath(h1, name, rel, sizeof(rel)), 0);
		snprintf(path, sizeof(path), "%s/%s", s->w.content, rel);
		if (read_file(path, 64u << 20, &have, &hlen) != 0)
			fail_msg("site %02d: no file %s", (int)(s - H.s), rel);
		/* the exact bytes: SHA-1 and SHA-256 as the metadata says */
		assert_int_equal(hlen, wlen);
		assert_memory_equal(have, want, wlen);
		free(have);
		free(want);
	}
	/* nothing else (no part file left either) */
	/* counted again until no part came or went in between */
	for (int t = 0; t < 20; t++) {
		size_t before = tl_count_files(s->w.content);
		size_t empty = empty_parts(s->w.content);

		files = tl_count_files(s->w.content);
		if (files == before) {
			files -= empty;
			break;
		}
	}
	if (files != n) {
		char cmd[700];
		int rc;

		/* what is there, for the one reading the failure */
		snprintf(cmd, sizeof(cmd), "find '%s' -type f -printf "
		    "'%%P %%s\\n' >&2", s->w.content);
		rc = system(cmd);
		(void)rc;
		fail_msg("site %02d: %zu files in the content store, want %zu",
		    (int)(s - H.s), files, n);
	}
}

void
check_files(struct site *s, int nupdates)
{
	int ids[NSYNTH];

	for (int i = 0; i < nupdates; i++)
		ids[i] = i;
	check_files_ids(s, ids, (size_t)nupdates);
}

void
check_clients(struct site *s)
{
	char path[256], *text = NULL;
	size_t len;

	for (int c = 0; c < NCLIENTS; c++) {
		struct strs want = { 0 }, got = { 0 };
		json_t *j = NULL, *u;
		size_t i;
		char who[48];

		snprintf(who, sizeof(who), "site %02d client %d",
		    (int)(s - H.s), c);
		snprintf(path, sizeof(path), "%s/client%02d.json", s->w.dir, c);
		if (read_file(path, 16u << 20, &text, &len) != 0 ||
		    (j = json_loads(text, 0, NULL)) == NULL)
			fail_msg("%s: no JSON output", who);
		free(text);
		assert_true(json_is_true(json_object_get(j, "ok")));
		json_array_foreach(json_object_get(j, "updates"), i, u)
			if (strcmp(js(u, "action"), "Install") == 0)
				strs_add(&got, xasprintf("%s %s",
				    js(u, "update_id"), js(u, "state")));
		if (s->role != ROLE_AUTONOMOUS)
			for (int k = 0; k < NALL; k++)
				strs_add(&want, xasprintf("%s downloaded",
				    synth_id(k)));
		strs_same(&want, &got, "updates to install", who);
		assert_int_equal(json_integer_value(json_object_get(j,
		    "files_downloaded")), (long long)want.n);
		assert_true(json_integer_value(json_object_get(j,
		    "events_reported")) >= 2);
		strs_free(&want);
		strs_free(&got);
		json_decref(j);
	}
}

long
approvals_of(struct tl_wsusd *w, const char *update_id)
{
	json_t *j = ctl_json_of(w, "approvals", "--update", update_id, NULL);
	long n = (long)json_array_size(j);

	json_decref(j);
	return n;
}

/*
 * The hierarchy report of server at shows exactly the sites of mask and
 * their NCLIENTS computers each, with their status: a replica's clients
 * need the NALL updates approved for all computers, an autonomous
 * site's nothing.
 */
void
check_rollup(struct tl_wsusd *at, const bool *mask, const char *who)
{
	json_t *j = ctl_json_of(at, "report", "hierarchy", NULL), *v;
	json_t *servers = json_object_get(j, "servers");
	json_t *comps = json_object_get(j, "computers");
	struct strs want = { 0 }, got = { 0 };
	size_t i;

	json_array_foreach(servers, i, v)
		strs_add(&got, xasprintf("%s", js(v, "name")));
	for (int s = 0; s < NSITES; s++)
		if (mask[s])
			strs_add(&want, xasprintf("site%02d.hier.test", s));
	strs_same(&want, &got, "rolled-up servers", who);
	strs_free(&want);
	strs_free(&got);
	json_array_foreach(comps, i, v)
		strs_add(&got, xasprintf("%s|%s", js(v, "name"), js(v, "site")));
	for (int s = 0; s < NSITES; s++)
		for (int c = 0; mask[s] && c < NCLIENTS; c++)
			strs_add(&want, xasprintf("pc%02d.site%02d.hier.test|"
			    "site%02d.hier.test", c, s, s));
	strs_same(&want, &got, "rolled-up computers", who);
	strs_free(&want);
	strs_free(&got);
	json_array_foreach(comps, i, v) {
		int s = (int)strtol(js(v, "site") + 4, NULL, 10);
		long long needed = json_integer_value(json_object_get(v,
		    "needed"));
		long long want_needed = H.s[s].role == ROLE_AUTONOMOUS ? 0 :
		    NALL;

		if (needed != want_needed)
			fail_msg("%s: %s needed %lld, want %lld", who,
			    js(v, "name"), needed, want_needed);
	}
	json_decref(j);
}

char *
approvals_text(struct tl_wsusd *w)
{
	struct strs l = { 0 };
	struct buf b;
	char *s;

	approvals_list(w, &l);
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), cmpstr);
	buf_init(&b, 16u << 20);
	for (size_t i = 0; i < l.n; i++) {
		buf_append(&b, l.v[i], strlen(l.v[i]));
		buf_append(&b, "\n", 1);
	}
	s = xasprintf("%s", b.data != NULL ? b.data : "");
	buf_free(&b);
	strs_free(&l);
	return s;
}
