/*
 * state.c — every read and write of the sync engine's state in the
 * store: the downstream's identity, the upstream the anchors belong to,
 * the anchors of each phase, the filter of the last run, the replica's
 * deployment map, the rollup number and reset GUID, the time of the
 * last success.  Today these are store settings (SETTING_SYNC_* in
 * sync.h); only this file knows that, so typed sync-state operations of
 * the store can replace them here alone.  In load mode (no store)
 * nothing is read and every write succeeds.
 *
 * Not here: when a phase is complete (the steps decide and call the
 * promote/save functions after their work committed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync/sync_internal.h"
#include "util/guid.h"
#include "util/log.h"
#include "util/xmalloc.h"

static char *
setting(struct sess *s, const char *k)
{
	char *v = NULL;

	if (s->st == NULL)
		return NULL;
	if (store_setting_get(s->st, k, &v) != STORE_OK)
		return NULL;
	if (v != NULL && v[0] == '\0') {
		free(v);
		return NULL;
	}
	return v;
}

static int
setting_put(struct sess *s, const char *k, const char *v)
{
	int rc;

	if (s->st == NULL)
		return 0;
	if ((rc = store_setting_set(s->st, k, v ? v : "")) != STORE_OK) {
		sync_seterr(s, "saving setting %s: %s", k, store_errmsg(s->st));
		return -1;
	}
	return 0;
}

int
sync_state_identity(struct sess *s)
{
	char *g, *up;

	if (s->o->account_name != NULL)
		snprintf(s->account, sizeof(s->account), "%s", s->o->account_name);
	else if (gethostname(s->account, sizeof(s->account) - 1) != 0)
		snprintf(s->account, sizeof(s->account), "wsusd-downstream");
	s->account[sizeof(s->account) - 1] = '\0';
	if ((g = setting(s, SETTING_SYNC_ACCOUNT)) != NULL &&
	    guid_normalize(g, s->account_guid) == 0) {
		free(g);
	} else {
		free(g);
		g = setting(s, SETTING_SERVER_ID);	/* postinstall's id */
		if (g == NULL || guid_normalize(g, s->account_guid) != 0)
			guid_random(s->account_guid);
		free(g);
		if (setting_put(s, SETTING_SYNC_ACCOUNT, s->account_guid) != 0)
			return -1;
	}
	up = setting(s, SETTING_SYNC_UPSTREAM);
	s->new_upstream = s->st != NULL && (up == NULL || strcmp(up, s->base) != 0);
	free(up);
	return 0;
}

/*
 * Anchors belong to one upstream: once a new upstream has answered
 * (so a mistyped URL changes nothing), start over.
 */
int
sync_state_adopt_upstream(struct sess *s)
{
	if (s->new_upstream) {
		static const char *const keys[] = {
			SETTING_SYNC_CONFIG_ANCHOR, SETTING_SYNC_CAT_ANCHOR,
			SETTING_SYNC_UPD_ANCHOR, SETTING_SYNC_FILTER,
			SETTING_SYNC_DEPL_ANCHOR, SETTING_SYNC_DEPLOYMENTS,
			SETTING_SYNC_ROLLUP_NUMBER, SETTING_SYNC_ROLLUP_RESET,
		};
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (setting_put(s, keys[i], "") != 0)
				return -1;
		if (setting_put(s, SETTING_SYNC_UPSTREAM, s->base) != 0)
			return -1;
		s->new_upstream = false;
	}
	return 0;
}

void
sync_state_reset_anchors(struct sess *s)
{
	setting_put(s, SETTING_SYNC_CONFIG_ANCHOR, "");
	setting_put(s, SETTING_SYNC_CAT_ANCHOR, "");
	setting_put(s, SETTING_SYNC_UPD_ANCHOR, "");
	setting_put(s, SETTING_SYNC_DEPL_ANCHOR, "");
}

static const char *const anchor_keys[] = {
	[SYNC_ANCHOR_CONFIG] = SETTING_SYNC_CONFIG_ANCHOR,
	[SYNC_ANCHOR_CATEGORY] = SETTING_SYNC_CAT_ANCHOR,
	[SYNC_ANCHOR_UPDATE] = SETTING_SYNC_UPD_ANCHOR,
	[SYNC_ANCHOR_DEPLOYMENT] = SETTING_SYNC_DEPL_ANCHOR,
};

char *
sync_state_anchor(struct sess *s, enum sync_anchor a)
{
	return setting(s, anchor_keys[a]);
}

int
sync_state_promote_anchor(struct sess *s, enum sync_anchor a, const char *v)
{
	return setting_put(s, anchor_keys[a], v);
}

char *
sync_state_filter(struct sess *s)
{
	return setting(s, SETTING_SYNC_FILTER);
}

int
sync_state_promote_updates(struct sess *s, const char *anchor,
    const char *filter)
{
	if (setting_put(s, SETTING_SYNC_UPD_ANCHOR, anchor) != 0 ||
	    setting_put(s, SETTING_SYNC_FILTER, filter) != 0)
		return -1;
	return 0;
}

char *
sync_state_deployments_load(struct sess *s)
{
	return setting(s, SETTING_SYNC_DEPLOYMENTS);
}

int
sync_state_deployments_save(struct sess *s, const char *map,
    const char *anchor)
{
	if (setting_put(s, SETTING_SYNC_DEPLOYMENTS, map) != 0 ||
	    setting_put(s, SETTING_SYNC_DEPL_ANCHOR, anchor) != 0)
		return -1;
	return 0;
}

/* One token of 1..GUID_STRLEN characters up to a space or the end. */
static const char *
map_token(const char *p, char out[GUID_STRLEN + 1])
{
	size_t n = strcspn(p, " ");

	if (n == 0 || n > GUID_STRLEN)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return p + n;
}

int
sync_state_map_line(const char *line, char dg[GUID_STRLEN + 1],
    char uid[GUID_STRLEN + 1], char gg[GUID_STRLEN + 1])
{
	const char *p = line;

	if ((p = map_token(p, dg)) == NULL || *p++ != ' ' ||
	    (p = map_token(p, uid)) == NULL || *p++ != ' ' ||
	    (p = map_token(p, gg)) == NULL || *p != '\0')
		return -1;
	return 0;
}

/* A decimal number kept by us; 0 when absent or not a whole number. */
static int64_t
setting_int(struct sess *s, const char *k)
{
	char *v = setting(s, k), *end;
	long long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		n = 0;
	free(v);
	return (int64_t)n;
}

void
sync_state_rollup_load(struct sess *s, const char *reset_guid,
    int64_t *number, int64_t *last_sync)
{
	char *reset;

	*number = 0;
	*last_sync = 0;
	if (s->st == NULL)
		return;
	reset = setting(s, SETTING_SYNC_ROLLUP_RESET);
	*number = setting_int(s, SETTING_SYNC_ROLLUP_NUMBER);
	if (reset == NULL || strcmp(reset, reset_guid) != 0)
		*number = 0;	/* new reset GUID: full rollup */
	free(reset);
	*last_sync = setting_int(s, SETTING_SYNC_LAST);
}

int
sync_state_rollup_save(struct sess *s, int64_t number, const char *reset_guid)
{
	char nb[32];

	snprintf(nb, sizeof(nb), "%lld", (long long)number);
	if (setting_put(s, SETTING_SYNC_ROLLUP_NUMBER, nb) != 0 ||
	    setting_put(s, SETTING_SYNC_ROLLUP_RESET, reset_guid) != 0)
		return -1;
	return 0;
}

void
sync_state_mark_synced(struct sess *s, int64_t when)
{
	char t[32];

	if (s->st == NULL)
		return;
	snprintf(t, sizeof(t), "%lld", (long long)when);
	setting_put(s, SETTING_SYNC_LAST, t);
}
