/*
 * rollup_status.c — the incremental half of the status rollup of our
 * own computers (wsusss.md §11 steps 5-6): GetOutOfSyncComputers asks
 * the upstream which computers it needs in full, and each other
 * computer's ComputerStatusRollupInfo carries only the update states
 * that changed since they were last rolled up (IsFullRollup false).
 * What was last rolled up is kept per computer in the store
 * (store_rollup_sent_*, written only after the upstream took the batch),
 * so a change is found by comparing states, not by clocks: a client
 * report that arrives late with an old TimeAtTarget is still sent.
 *
 * A computer goes in full when the rollup number starts over (first
 * rollup, or a new RollupResetGuid), when the upstream lists it out of
 * sync, when nothing was rolled up for it yet, or when a state rolled
 * up before is gone (a delta cannot remove one).
 *
 * Not here: the rest of the rollup step (rollup.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

static void
rows_add(struct sync_status_rows *l, const char *uid, int state,
    int64_t changed)
{
	struct store_rollup_sent *x;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->update_id, sizeof(x->update_id), "%s", uid);
	x->state = state;
	x->changed = changed;
}

void
sync_status_rows_free(struct sync_status_rows *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
cur_cb(const struct store_update_status *u, void *arg)
{
	if (u->stored)
		rows_add(arg, u->update_id, (int)u->state, u->changed);
	return 0;
}

static int
sent_cb(const struct store_rollup_sent *r, void *arg)
{
	rows_add(arg, r->update_id, r->state, r->changed);
	return 0;
}

static const struct store_rollup_sent *
find_row(const struct sync_status_rows *l, const char *uid)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i].update_id, uid) == 0)
			return &l->v[i];
	return NULL;
}

int
sync_rollup_out_of_sync(struct sess *s, const char *const *cids, size_t n,
    int64_t number, size_t batch, bool *full)
{
	struct buf req;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *e;
	size_t off, i;
	int rc = -1;

	buf_init(&req, REQ_MAX);
	for (off = 0; off < n; off += batch) {
		size_t k = n - off < batch ? n - off : batch;

		sync_req_begin(&w, &req, NS_SS, "GetOutOfSyncComputers");
		sync_put_dummy_cookie(&w);
		xmlw_elem(&w, "parentServerId", s->account_guid);
		xmlw_start(&w, "lastRollupNumbers");
		for (i = off; i < off + k; i++) {
			xmlw_start(&w, "ComputerLastRollupNumber");
			xmlw_elem(&w, "ComputerId", cids[i]);
			xmlw_elem_int(&w, "RollupNumber", number);
			xmlw_end(&w);
		}
		xmlw_end(&w);
		if (sync_req_end(s, &w) != 0 || sync_call(s, PATH_REP, NS_SS,
		    "GetOutOfSyncComputers", &req, &r) != 0)
			goto out;
		SOAP_FOREACH_CHILD(e, sync_result_of(r,
		    "GetOutOfSyncComputers"), "string")
			for (i = off; i < off + k; i++)
				if (strcasecmp(cids[i], e->text) == 0)
					full[i] = true;
		soap_request_free(r);
		r = NULL;
	}
	rc = 0;
out:
	soap_request_free(r);
	buf_free(&req);
	return rc;
}

static void
put_row(struct xmlw *w, const struct store_rollup_sent *x)
{
	struct soap_datetime dt;

	xmlw_start(w, "ComputerStatusRollupUpdateStatus");
	xmlw_elem(w, "UpdateId", x->update_id);
	xmlw_elem_int(w, "SummarizationState", x->state);
	if (x->changed <= 0)
		xmlw_elem(w, "LastChangeTime", "0001-01-01T00:00:00");
	else {
		soap_datetime_from_unix(x->changed, 0, &dt);
		xmlw_elem_datetime(w, "LastChangeTime", &dt);
	}
	xmlw_end(w);
}

bool
sync_rollup_put_own(struct sess *s, struct xmlw *w, const char *instance,
    const char *cid, const char *dns, int64_t detection, int64_t number,
    bool full, struct sync_status_rows *cur)
{
	struct sync_status_rows sent = { 0 };
	struct soap_datetime dt;
	int64_t id;
	size_t i;

	cur->n = 0;
	if (store_computer_find(s->st, cid, &id) == STORE_OK ||
	    (dns != NULL && store_computer_find(s->st, dns, &id) == STORE_OK))
		store_status_list(s->st, id, cur_cb, cur);
	if (!full) {
		if (store_rollup_sent_list(s->st, cid, sent_cb, &sent) !=
		    STORE_OK || sent.n == 0)
			full = true;
		for (i = 0; i < sent.n && !full; i++)
			if (find_row(cur, sent.v[i].update_id) == NULL)
				full = true;	/* gone: only a full one says so */
	}
	xmlw_start(w, "ComputerStatusRollupInfo");
	xmlw_elem(w, "InstanceId", instance);
	xmlw_elem(w, "ComputerId", cid);
	if (detection <= 0)
		xmlw_elem(w, "EffectiveLastDetectionTime", "0001-01-01T00:00:00");
	else {
		soap_datetime_from_unix(detection, 0, &dt);
		xmlw_elem_datetime(w, "EffectiveLastDetectionTime", &dt);
	}
	xmlw_elem_int(w, "RollupNumber", number);
	xmlw_elem_bool(w, "IsFullRollup", full);
	xmlw_start(w, "UpdateStatus");
	for (i = 0; i < cur->n; i++) {
		const struct store_rollup_sent *o;

		if (!full && (o = find_row(&sent, cur->v[i].update_id)) != NULL &&
		    o->state == cur->v[i].state &&
		    o->changed == cur->v[i].changed)
			continue;	/* unchanged since the last rollup */
		put_row(w, &cur->v[i]);
		if (!full)
			s->res->status_changed++;
	}
	xmlw_end(w);
	xmlw_end(w);
	if (full)
		s->res->status_full++;
	sync_status_rows_free(&sent);
	return full;
}

int
sync_rollup_sent_save(struct sess *s, const char *cid,
    const struct sync_status_rows *cur)
{
	if (store_rollup_sent_set(s->st, cid, cur->v, cur->n) != STORE_OK) {
		sync_seterr(s, "rollup: %s", store_errmsg(s->st));
		return -1;
	}
	return 0;
}
