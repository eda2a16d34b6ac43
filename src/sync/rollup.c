/*
 * rollup.c — the rollup step of a sync (wsusss.md §11), against the
 * upstream's reporting web service: GetRollupConfiguration,
 * RollupDownstreamServers (ourselves, with a server summary and client
 * summaries, then every descendant downstream server that rolled up to
 * us, parents first, with its client summaries), and with DoDetailedRollup RollupComputers and
 * RollupComputerStatus for every local computer (incremental:
 * rollup_status.c) and every computer our descendants rolled up
 * (forwarded as received, in full), so that a site two or more tiers
 * down shows at the top.  RollupDownstreamServers goes in requests of
 * at most RollupDownstreamServersMaxBatchSize client summaries, with
 * the descendants' install activity (taken from the store once
 * accepted); RollupComputers answers NewParent (sent again with
 * details) and Deleted (our computer deleted).  An upstream that does
 * not take rollups stops only this step.
 *
 * Not here: the rollup number and reset GUID kept between runs (state.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/guid.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define NEVER_TIME "0001-01-01T00:00:00"	/* what spec sample 3 sends */

static void
put_time(struct xmlw *w, const char *name, int64_t t)
{
	struct soap_datetime dt;

	if (t <= 0) {
		xmlw_elem(w, name, NEVER_TIME);
		return;
	}
	soap_datetime_from_unix(t, 0, &dt);
	xmlw_elem_datetime(w, name, &dt);
}

static void
fmt_time(char out[SOAP_DATETIME_MAX], int64_t t)
{
	struct soap_datetime dt;

	if (t <= 0) {
		snprintf(out, SOAP_DATETIME_MAX, "%s", NEVER_TIME);
		return;
	}
	soap_datetime_from_unix(t, 0, &dt);
	soap_format_datetime(&dt, out);
}

struct comp {
	char	*cid, *dns, *ip, *os_locale, *arch, *make, *model, *desc;
	char	*bios_version, *bios_name, *client_version, *claim;
	int64_t	 bios_date;
	int32_t	 os_major, os_minor, os_build, sp_major, sp_minor;
	int64_t	 last_sync, last_status, last_contact;
	int	 counts[UPDATE_STATE_COUNT];
};

struct comps {
	struct comp	*v;
	size_t		 n, cap;
};

static char *
dupn(const char *p)
{
	return p != NULL ? sync_sdup(p) : NULL;
}

static int
comp_cb(const struct store_computer *c, void *arg)
{
	struct comps *l = arg;
	struct comp *x;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->cid = dupn(c->client_id);
	x->dns = dupn(c->dns_name);
	x->ip = dupn(c->ip_address);
	x->os_locale = dupn(c->os_locale);
	x->arch = dupn(c->processor_arch);
	x->make = dupn(c->manufacturer);
	x->model = dupn(c->model);
	x->desc = dupn(c->os_description);
	x->bios_version = dupn(c->bios_version);
	x->bios_name = dupn(c->bios_name);
	x->client_version = dupn(c->client_version);
	x->claim = dupn(c->target_claim);
	x->bios_date = c->bios_release_date;
	x->os_major = c->os_major;
	x->os_minor = c->os_minor;
	x->os_build = c->os_build;
	x->sp_major = c->sp_major;
	x->sp_minor = c->sp_minor;
	x->last_sync = c->last_sync;
	x->last_status = c->last_status;
	x->last_contact = c->last_contact;
	memcpy(x->counts, c->counts, sizeof(x->counts));
	return 0;
}

static void
comps_free(struct comps *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].cid);
		free(l->v[i].dns);
		free(l->v[i].ip);
		free(l->v[i].os_locale);
		free(l->v[i].arch);
		free(l->v[i].make);
		free(l->v[i].model);
		free(l->v[i].desc);
		free(l->v[i].bios_version);
		free(l->v[i].bios_name);
		free(l->v[i].client_version);
		free(l->v[i].claim);
	}
	free(l->v);
}

static void
attr_str(struct xmlw *w, const char *name, const char *v, size_t max)
{
	if (v != NULL && v[0] != '\0')
		xmlw_attrn(w, name, v, strlen(v) > max ? max : strlen(v));
}

static void
attr_int(struct xmlw *w, const char *name, long long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%lld", v);
	xmlw_attr(w, name, t);
}

static bool
str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/*
 * Our own client summaries: one per kind of computer (OS version,
 * service pack, locale, architecture) with its count, strings borrowed
 * from cl.  No install activity: the store keeps no per-rollup deltas
 * of our own clients.  The caller frees the array.
 */
static struct store_rollup_client_summary *
own_client_summaries(const struct comps *cl, size_t *np)
{
	struct store_rollup_client_summary *v;
	size_t i, k, n = 0;

	v = xcalloc(cl->n ? cl->n : 1, sizeof(*v));
	for (i = 0; i < cl->n; i++) {
		const struct comp *c = &cl->v[i];

		for (k = 0; k < n; k++)
			if (v[k].os_major == c->os_major &&
			    v[k].os_minor == c->os_minor &&
			    v[k].os_build == c->os_build &&
			    v[k].sp_major == c->sp_major &&
			    v[k].sp_minor == c->sp_minor &&
			    str_eq(v[k].os_locale, c->os_locale) &&
			    str_eq(v[k].processor_arch, c->arch))
				break;
		if (k == n) {
			v[n].os_major = c->os_major;
			v[n].os_minor = c->os_minor;
			v[n].os_build = c->os_build;
			v[n].sp_major = c->sp_major;
			v[n].sp_minor = c->sp_minor;
			v[n].os_locale = c->os_locale;
			v[n].processor_arch = c->arch;
			n++;
		}
		v[k].count++;
	}
	*np = n;
	return v;
}

static void	put_group_names(struct xmlw *, const char *);

/* The computer's groups (GUIDs) and the group names it asked for. */
static void
put_computer_groups(struct sess *s, struct xmlw *w, const struct comp *c)
{
	struct store_group_ref g[COMPUTER_GROUPS_MAX];
	size_t n = 0, i;

	xmlw_start(w, "TargetGroupIdList");
	if (store_computer_groups(s->st, c->cid, g, COMPUTER_GROUPS_MAX, &n,
	    NULL) == STORE_OK)
		for (i = 0; i < n && i < COMPUTER_GROUPS_MAX; i++)
			xmlw_elem(w, "guid", g[i].guid);
	xmlw_end(w);
	put_group_names(w, c->claim);
}

/* ---- descendants: what our downstream servers rolled up to us ---- */

struct desc {
	char	 server_id[GUID_STRLEN + 1];
	char	 parent_id[GUID_STRLEN + 1];	/* "" = us */
	char	*name, *version;
	bool	 replica;
	int64_t	 last_sync, last_rollup;
	int32_t	 summary[ROLLUP_SUMMARY_FIELDS];
	/* its client summaries as received (strings owned) */
	struct store_rollup_client_summary *clients;
	size_t	 nclients, cap;
	/* its install activity not passed on yet (deltas): sent with its
	 * first client summary, taken from the store once accepted */
	struct store_rollup_activity *act;
	size_t	 nact, actcap;
	bool	 act_pending;	/* in the request on its way */
};

static int
client_cb(const struct store_rollup_client_summary *c, void *arg)
{
	struct desc *d = arg;
	struct store_rollup_client_summary *x;

	if (d->nclients == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->clients = xreallocarray(d->clients, d->cap,
		    sizeof(*d->clients));
	}
	x = &d->clients[d->nclients++];
	*x = *c;
	x->os_locale = sync_sdup(c->os_locale);
	x->processor_arch = sync_sdup(c->processor_arch);
	x->activity = NULL;
	x->nactivity = 0;
	return 0;
}

static int
act_cb(const struct store_rollup_activity *a, void *arg)
{
	struct desc *d = arg;

	if (d->nact == d->actcap) {
		d->actcap = d->actcap ? d->actcap * 2 : 8;
		d->act = xreallocarray(d->act, d->actcap, sizeof(*d->act));
	}
	d->act[d->nact++] = *a;
	return 0;
}

struct descs {
	struct desc	*v;
	size_t		 n, cap;
};

static int
desc_cb(const struct store_downstream *d, void *arg)
{
	struct descs *l = arg;
	struct desc *x;

	if (d->last_rollup <= 0)
		return 0;	/* never rolled up: nothing to pass on */
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->server_id, sizeof(x->server_id), "%s", d->server_id);
	snprintf(x->parent_id, sizeof(x->parent_id), "%s", d->parent_id);
	x->name = sync_sdup(d->name);
	x->version = sync_sdup(d->version != NULL && d->version[0] != '\0' ?
	    d->version : "0.0.0.0");
	x->replica = d->mode == DOWNSTREAM_REPLICA;
	x->last_sync = d->last_sync;
	x->last_rollup = d->last_rollup;
	if (d->has_summary)
		memcpy(x->summary, d->summary, sizeof(x->summary));
	return 0;
}

static void
descs_free(struct descs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].version);
		for (size_t k = 0; k < l->v[i].nclients; k++) {
			free((char *)l->v[i].clients[k].os_locale);
			free((char *)l->v[i].clients[k].processor_arch);
		}
		free(l->v[i].clients);
		free(l->v[i].act);
	}
	free(l->v);
}

/* A computer a descendant rolled up, copied out of the store. */
struct fwd {
	struct store_rollup_computer_in	 c;	/* strings owned */
	int64_t				 detection;
	struct store_rollup_update_state *states;	/* owned */
	size_t				 nstates;
};

struct fwds {
	struct fwd	*v;
	size_t		 n, cap;
};

static const char *
odup(const char *p)
{
	return p != NULL ? sync_sdup(p) : NULL;
}

static int
fwd_cb(const struct store_rollup_computer_in *c, int64_t detection,
    const struct store_rollup_update_state *states, size_t nstates,
    void *arg)
{
	struct fwds *l = arg;
	struct fwd *x;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	x = &l->v[l->n++];
	x->c = *c;
	x->c.ip_address = odup(c->ip_address);
	x->c.dns_name = odup(c->dns_name);
	x->c.os_locale = odup(c->os_locale);
	x->c.os_family = odup(c->os_family);
	x->c.os_description = odup(c->os_description);
	x->c.make = odup(c->make);
	x->c.model = odup(c->model);
	x->c.bios_version = odup(c->bios_version);
	x->c.bios_name = odup(c->bios_name);
	x->c.processor_arch = odup(c->processor_arch);
	x->c.client_version = odup(c->client_version);
	x->c.groups = odup(c->groups);
	x->detection = detection;
	x->nstates = nstates;
	x->states = xreallocarray(NULL, nstates ? nstates : 1,
	    sizeof(*x->states));
	if (nstates > 0)
		memcpy(x->states, states, nstates * sizeof(*states));
	return 0;
}

static void
fwds_free(struct fwds *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct store_rollup_computer_in *c = &l->v[i].c;

		free((char *)c->ip_address);
		free((char *)c->dns_name);
		free((char *)c->os_locale);
		free((char *)c->os_family);
		free((char *)c->os_description);
		free((char *)c->make);
		free((char *)c->model);
		free((char *)c->bios_version);
		free((char *)c->bios_name);
		free((char *)c->processor_arch);
		free((char *)c->client_version);
		free((char *)c->groups);
		free(l->v[i].states);
	}
	free(l->v);
}

/* One DownstreamServerRollupInfo for a descendant, as it rolled up. */
/*
 * One DownstreamServerRollupInfo: the server d with its client
 * summaries [from, to).  An entry with more client summaries than a
 * request may carry goes in parts, each with the same LastRollupTime,
 * which the upstream adds to what it has of that rollup (wsusss.md §11
 * step 2).  self: d is this server (ParentServerId all-zero).
 */
static void
put_entry(struct sess *s, struct xmlw *w, struct desc *d, bool self,
    size_t from, size_t to)
{
	size_t k;

	xmlw_start(w, "DownstreamServerRollupInfo");
	xmlw_elem(w, "ServerId", d->server_id);
	xmlw_elem(w, "FullDomainName", d->name);
	put_time(w, "LastSyncTime", d->last_sync);
	xmlw_elem(w, "ParentServerId", self ? GUID_ZERO :
	    d->parent_id[0] != '\0' ? d->parent_id : s->account_guid);
	xmlw_elem(w, "Version", d->version);
	xmlw_elem_bool(w, "IsReplica", d->replica);
	put_time(w, "LastRollupTime", d->last_rollup);
	xmlw_start(w, "ServerSummary");
	for (k = 0; k < ROLLUP_SUMMARY_FIELDS; k++)
		xmlw_elem_int(w, rollup_summary_names[k], d->summary[k]);
	xmlw_end(w);
	xmlw_start(w, "ClientSummaries");
	if (from == 0 && to > 0 && d->nact > 0)
		d->act_pending = true;
	for (k = from; k < to && k < d->nclients; k++) {
		const struct store_rollup_client_summary *c = &d->clients[k];

		xmlw_start(w, "DownstreamServerRollupClientSummary");
		xmlw_elem_int(w, "OSMajorVersion", c->os_major);
		xmlw_elem_int(w, "OSMinorVersion", c->os_minor);
		xmlw_elem_int(w, "OSBuildNumber", c->os_build);
		xmlw_elem_int(w, "OSServicePackMajorNumber", c->sp_major);
		xmlw_elem_int(w, "OSServicePackMinorNumber", c->sp_minor);
		xmlw_elem(w, "OSLocale", c->os_locale ? c->os_locale : "");
		xmlw_elem_int(w, "SuiteMask", c->suite_mask);
		xmlw_elem_int(w, "OldProductType", c->old_product_type);
		xmlw_elem_int(w, "NewProductType", c->new_product_type);
		xmlw_elem_int(w, "SystemMetrics", c->system_metrics);
		xmlw_elem(w, "ProcessorArchitecture", c->processor_arch ?
		    c->processor_arch : "");
		xmlw_elem_int(w, "Count", c->count);
		xmlw_start(w, "ActivitySummaries");
		/* the server's activity, kept per server: with its first
		 * summary (the upstream adds it up per server too) */
		for (size_t a = 0; k == 0 && a < d->nact; a++) {
			xmlw_start(w, "DownstreamServerRollupClientActivitySummary");
			xmlw_elem(w, "UpdateId", d->act[a].update_id);
			xmlw_elem_int(w, "RevisionNumber", d->act[a].revision);
			xmlw_elem_int(w, "InstallSuccessCount",
			    d->act[a].success);
			xmlw_elem_int(w, "InstallFailureCount",
			    d->act[a].failure);
			xmlw_end(w);
		}
		xmlw_end(w);
		xmlw_end(w);
	}
	xmlw_end(w);
	xmlw_end(w);
}

/* RequestedTargetGroupNames from a "; "-joined list. */
static void
put_group_names(struct xmlw *w, const char *claim)
{
	xmlw_start(w, "RequestedTargetGroupNames");
	if (claim != NULL) {
		const char *p = claim;

		while (*p != '\0') {
			size_t len = strcspn(p, ";,");
			const char *e = p + len;

			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e > p && e - p <= 256) {
				xmlw_start(w, "string");
				xmlw_text(w, p, (size_t)(e - p));
				xmlw_end(w);
			}
			p += len;
			if (*p != '\0')
				p++;
		}
	}
	xmlw_end(w);
}

/* One ComputerRollupInfo for a descendant's computer, as received. */
static void
put_forwarded_computer(struct xmlw *w, const struct store_rollup_computer_in *c)
{
	char t[SOAP_DATETIME_MAX];

	xmlw_start(w, "ComputerRollupInfo");
	xmlw_attr(w, "ComputerId", c->computer_id);
	fmt_time(t, c->last_sync);
	xmlw_attr(w, "LastSyncTime", t);
	attr_int(w, "LastSyncResult", c->last_sync_result);
	fmt_time(t, c->last_reboot);
	xmlw_attr(w, "LastReportedRebootTime", t);
	fmt_time(t, c->last_status);
	xmlw_attr(w, "LastReportedStatusTime", t);
	fmt_time(t, c->last_inventory);
	xmlw_attr(w, "LastInventoryTime", t);
	xmlw_attr(w, "ParentServerId", c->parent_id);
	if (c->has_details) {
		xmlw_start(w, "Details");
		attr_str(w, "IPAddress", c->ip_address, 64);
		attr_str(w, "FullDomainName", c->dns_name, 255);
		attr_int(w, "OSMajorVersion", c->os_major);
		attr_int(w, "OSMinorVersion", c->os_minor);
		attr_int(w, "OSBuildNumber", c->os_build);
		attr_int(w, "OSServicePackMajorNumber", c->sp_major);
		attr_int(w, "OSServicePackMinorNumber", c->sp_minor);
		attr_str(w, "OSLocale", c->os_locale, 32);
		attr_str(w, "OSFamily", c->os_family, 64);
		attr_str(w, "OSDescription", c->os_description, 256);
		attr_str(w, "ComputerMake", c->make, 64);
		attr_str(w, "ComputerModel", c->model, 64);
		attr_str(w, "BiosVersion", c->bios_version, 64);
		attr_str(w, "BiosName", c->bios_name, 64);
		fmt_time(t, c->bios_release_date);
		xmlw_attr(w, "BiosReleaseDate", t);
		attr_str(w, "ProcessorArchitecture", c->processor_arch, 50);
		attr_int(w, "SuiteMask", c->suite_mask);
		attr_int(w, "OldProductType", c->old_product_type);
		attr_int(w, "NewProductType", c->new_product_type);
		attr_int(w, "SystemMetrics", c->system_metrics);
		attr_str(w, "ClientVersion", c->client_version, 20);
		xmlw_start(w, "TargetGroupIdList");
		xmlw_end(w);
		put_group_names(w, c->groups);
		xmlw_end(w);
	}
	xmlw_end(w);
}

/* One ComputerStatusRollupInfo (full) for a descendant's computer. */
static void
put_forwarded_status(struct xmlw *w, const char *instance,
    const struct fwd *f, int64_t number)
{
	size_t k;

	xmlw_start(w, "ComputerStatusRollupInfo");
	xmlw_elem(w, "InstanceId", instance);
	xmlw_elem(w, "ComputerId", f->c.computer_id);
	put_time(w, "EffectiveLastDetectionTime", f->detection);
	xmlw_elem_int(w, "RollupNumber", number);
	xmlw_elem_bool(w, "IsFullRollup", true);
	xmlw_start(w, "UpdateStatus");
	for (k = 0; k < f->nstates; k++) {
		xmlw_start(w, "ComputerStatusRollupUpdateStatus");
		xmlw_elem(w, "UpdateId", f->states[k].update_id);
		xmlw_elem_int(w, "SummarizationState",
		    (long long)f->states[k].state);
		put_time(w, "LastChangeTime", f->states[k].last_change);
		xmlw_end(w);
	}
	xmlw_end(w);
	xmlw_end(w);
}

/* One of our computers in RollupComputers, with its details. */
static void
put_own_computer(struct sess *s, struct xmlw *w, const struct comp *c)
{
	char t[SOAP_DATETIME_MAX];

	xmlw_start(w, "ComputerRollupInfo");
	xmlw_attr(w, "ComputerId", c->cid);
	fmt_time(t, c->last_sync);
	xmlw_attr(w, "LastSyncTime", t);
	xmlw_attr(w, "LastSyncResult", c->last_sync > 0 ? "1" : "0");
	xmlw_attr(w, "LastReportedRebootTime", NEVER_TIME);
	fmt_time(t, c->last_status);
	xmlw_attr(w, "LastReportedStatusTime", t);
	xmlw_attr(w, "LastInventoryTime", NEVER_TIME);
	xmlw_attr(w, "ParentServerId", s->account_guid);
	xmlw_start(w, "Details");
	attr_str(w, "IPAddress", c->ip, 64);
	attr_str(w, "FullDomainName", c->dns, 255);
	attr_int(w, "OSMajorVersion", c->os_major);
	attr_int(w, "OSMinorVersion", c->os_minor);
	attr_int(w, "OSBuildNumber", c->os_build);
	attr_int(w, "OSServicePackMajorNumber", c->sp_major);
	attr_int(w, "OSServicePackMinorNumber", c->sp_minor);
	attr_str(w, "OSLocale", c->os_locale, 32);
	attr_str(w, "OSDescription", c->desc, 256);
	attr_str(w, "ComputerMake", c->make, 64);
	attr_str(w, "ComputerModel", c->model, 64);
	attr_str(w, "BiosVersion", c->bios_version, 64);
	attr_str(w, "BiosName", c->bios_name, 64);
	fmt_time(t, c->bios_date);
	xmlw_attr(w, "BiosReleaseDate", t);
	attr_str(w, "ProcessorArchitecture", c->arch, 50);
	/* Not kept by the store yet: required, sent as 0. */
	attr_int(w, "SuiteMask", 0);
	attr_int(w, "OldProductType", 0);
	attr_int(w, "NewProductType", 0);
	attr_int(w, "SystemMetrics", 0);
	attr_str(w, "ClientVersion", c->client_version, 20);
	put_computer_groups(s, w, c);
	xmlw_end(w);
	xmlw_end(w);
}

/*
 * The ChangedComputer answers of RollupComputers for the computers
 * [off, off + k) (wsusss.md §11 step 4): NewParent marks it to be sent
 * again with its details, Deleted marks it deleted upstream.
 */
static void
changed_computers(const struct soap_node *res, const struct comps *cl,
    const struct fwds *fw, size_t off, size_t k, bool *again, bool *gone)
{
	const struct soap_node *ch;
	size_t i;

	SOAP_FOREACH_CHILD(ch, res, "ChangedComputer") {
		const char *id = soap_attr(ch, NULL, "ComputerId");
		const char *what = soap_attr(ch, NULL, "Change");

		if (id == NULL || what == NULL)
			continue;
		for (i = off; i < off + k; i++) {
			const char *cid = i < cl->n ? cl->v[i].cid :
			    fw->v[i - cl->n].c.computer_id;

			if (strcasecmp(cid, id) != 0)
				continue;
			if (strcmp(what, "NewParent") == 0)
				again[i] = true;
			else if (strcmp(what, "Deleted") == 0)
				gone[i] = true;
			break;
		}
	}
}

int
sync_rollup(struct sess *s)
{
	struct buf req;
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res;
	struct comps cl = { 0 };
	struct descs ds = { 0 };
	struct fwds fw = { 0 };
	struct sync_status_rows *cur = NULL;
	bool *full = NULL, *again = NULL, *gone = NULL;
	int pass;
	char upid[SOAP_GUID_STRLEN], rg[SOAP_GUID_STRLEN];
	int detailed = 0, rc = -1;
	int32_t maxc = 0, maxs = 0, maxo = 0, maxd = 0;
	struct desc me;
	size_t i, e, off, nupd = 0, napproved = 0, ndeclined = 0, total;
	int64_t now = (int64_t)time(NULL), number = 0, lastsync = 0;

	memset(&me, 0, sizeof(me));
	buf_init(&req, REQ_MAX);
	sync_req_begin(&w, &req, NS_SS, "GetRollupConfiguration");
	sync_put_dummy_cookie(&w);
	if (sync_req_end(s, &w) != 0)
		goto out;
	if (sync_call(s, PATH_REP, NS_SS, "GetRollupConfiguration", &req, &r) != 0) {
		/*
		 * An upstream that does not take rollups: only this step stops
		 * (wsusss.md §11).  It says so with a fault (WSUS) or has no
		 * reporting service at all (404: Microsoft Update has none;
		 * found by tests/e2e-mu).
		 */
		if (s->fault[0] != '\0' || s->http_status == 404) {
			log_warnx("sync: no rollup: %s", s->err);
			s->err[0] = '\0';
			rc = 0;
		}
		goto out;
	}
	res = sync_result_of(r, "GetRollupConfiguration");
	if (res == NULL || soap_node_bool(soap_child(res, "DoDetailedRollup"),
	    &detailed) != 0) {
		sync_seterr(s, "GetRollupConfiguration: no DoDetailedRollup");
		goto out;
	}
	if (soap_node_guid(soap_child(res, "ServerId"), upid) != 0)
		snprintf(upid, sizeof(upid), "%s", GUID_ZERO);
	if (soap_node_guid(soap_child(res, "RollupResetGuid"), rg) != 0)
		rg[0] = '\0';
	soap_node_int32(soap_child(res, "RollupDownstreamServersMaxBatchSize"),
	    &maxd);
	soap_node_int32(soap_child(res, "RollupComputersMaxBatchSize"), &maxc);
	soap_node_int32(soap_child(res, "RollupComputerStatusMaxBatchSize"), &maxs);
	soap_node_int32(soap_child(res, "GetOutOfSyncComputersMaxBatchSize"),
	    &maxo);
	if (maxo <= 0 || maxo > 100000)
		maxo = 20000;
	if (maxd <= 0 || maxd > 100000)
		maxd = 1000;
	if (maxc <= 0 || maxc > 100000)
		maxc = 1500;
	if (maxs <= 0 || maxs > 100000)
		maxs = 500;
	soap_request_free(r);
	r = NULL;

	/* Local numbers for the server summary. */
	if (s->st != NULL) {
		size_t revs = 0;
		struct sync_idlist dc = { 0 };

		store_update_count(s->st, &revs, &nupd);
		sync_list_updates(s, APPROVAL_FILTER_DECLINED, &dc);
		ndeclined = dc.n;
		dc.n = 0;
		sync_list_updates(s, APPROVAL_FILTER_APPROVED, &dc);
		napproved = dc.n;
		free(dc.v);
		store_computer_list(s->st, NULL, comp_cb, &cl);
		/* what our descendants rolled up to us (parents first) */
		if (store_downstream_list(s->st, desc_cb, &ds) != STORE_OK ||
		    store_rollup_forward(s->st, fwd_cb, &fw) != STORE_OK) {
			sync_seterr(s, "rollup: %s", store_errmsg(s->st));
			goto out;
		}
		for (i = 0; i < ds.n; i++)
			if (store_rollup_client_summaries(s->st,
			    ds.v[i].server_id, client_cb, &ds.v[i]) !=
			    STORE_OK || store_rollup_activity(s->st,
			    ds.v[i].server_id, act_cb, &ds.v[i]) != STORE_OK) {
				sync_seterr(s, "rollup: %s",
				    store_errmsg(s->st));
				goto out;
			}
		/* 0 with a new reset GUID: full rollup */
		sync_state_rollup_load(s, rg, &number, &lastsync);
	}
	if (lastsync == 0)
		lastsync = now;

	/* RollupDownstreamServers: ourselves, then our descendants. */
	snprintf(me.server_id, sizeof(me.server_id), "%s", s->account_guid);
	me.name = (char *)s->account;
	me.version = (char *)(s->o->profile == SYNC_PROFILE_WSUS3SP2 ?
	    "3.2.7600.256" : "10.0.17763.1");
	me.replica = s->o->replica;
	me.last_sync = lastsync;
	me.last_rollup = now;
	me.summary[0] = (int32_t)nupd;
	me.summary[1] = (int32_t)ndeclined;
	me.summary[2] = (int32_t)napproved;
	me.summary[3] = (int32_t)(nupd > napproved + ndeclined ?
	    nupd - napproved - ndeclined : 0);
	me.summary[14] = (int32_t)cl.n;
	for (i = 0; i < cl.n; i++) {
		if (cl.v[i].counts[UPDATE_STATE_NEEDED] +
		    cl.v[i].counts[UPDATE_STATE_DOWNLOADED] > 0)
			me.summary[15]++;
		else if (cl.v[i].counts[UPDATE_STATE_FAILED] > 0)
			me.summary[16]++;
		else
			me.summary[17]++;
		if (cl.v[i].counts[UPDATE_STATE_FAILED] > 0 &&
		    cl.v[i].counts[UPDATE_STATE_NEEDED] +
		    cl.v[i].counts[UPDATE_STATE_DOWNLOADED] > 0)
			me.summary[16]++;
	}
	me.clients = own_client_summaries(&cl, &me.nclients);
	/*
	 * At most maxd client summaries and maxd entries per request
	 * (wsusss.md §11 step 2, the upstream refuses more): entries in
	 * order (parents before children), an entry with more client
	 * summaries than the room left split over requests.
	 */
	for (e = 0, off = 0; e < 1 + ds.n;) {
		size_t room = (size_t)maxd, nent = 0;

		sync_req_begin(&w, &req, NS_SS, "RollupDownstreamServers");
		sync_put_dummy_cookie(&w);
		put_time(&w, "clientTime", now);
		xmlw_start(&w, "downstreamServers");
		while (e < 1 + ds.n && nent < (size_t)maxd) {
			struct desc *d = e == 0 ? &me : &ds.v[e - 1];
			size_t left = d->nclients - off;
			size_t take = left < room ? left : room;

			if (take == 0 && left > 0)
				break;	/* no room: the rest in the next one */
			put_entry(s, &w, d, e == 0, off, off + take);
			nent++;
			room -= take;
			off += take;
			if (off == d->nclients) {
				e++;
				off = 0;
			}
		}
		xmlw_end(&w);
		if (sync_req_end(s, &w) != 0 ||
		    sync_call(s, PATH_REP, NS_SS, "RollupDownstreamServers",
		    &req, &r) != 0)
			goto out;
		soap_request_free(r);
		r = NULL;
		/* accepted: the activity sent is the upstream's now
		 * (deltas, wsusss.md §11 step 2); what arrived since
		 * stays for the next rollup */
		for (i = 0; i < ds.n; i++) {
			if (!ds.v[i].act_pending)
				continue;
			ds.v[i].act_pending = false;
			if (store_rollup_activity_taken(s->st,
			    ds.v[i].server_id, ds.v[i].act, ds.v[i].nact) !=
			    STORE_OK) {
				sync_seterr(s, "rollup: %s",
				    store_errmsg(s->st));
				goto out;
			}
		}
	}
	s->res->rollup_servers = 1 + ds.n;
	s->res->rolled_up = true;
	if (!detailed || s->st == NULL) {
		rc = 0;
		goto out;
	}

	/*
	 * RollupComputers: our computers, with details, then our
	 * descendants' as they were rolled up to us.  The upstream's
	 * answers (step 4): NewParent, the computer once more with its
	 * details; Deleted, our computer is deleted here too (a
	 * descendant's is left to its own site) and its status not sent.
	 */
	total = cl.n + fw.n;
	again = xcalloc(total ? total : 1, sizeof(*again));
	gone = xcalloc(total ? total : 1, sizeof(*gone));
	for (pass = 0; pass < 2; pass++)
	for (off = 0; off < total; off += (size_t)maxc) {
		size_t k = total - off < (size_t)maxc ? total - off : (size_t)maxc;
		size_t sent = 0;

		sync_req_begin(&w, &req, NS_SS, "RollupComputers");
		sync_put_dummy_cookie(&w);
		put_time(&w, "clientTime", now);
		xmlw_start(&w, "computers");
		for (i = off; i < off + k; i++) {
			if (pass == 1 && (!again[i] || gone[i]))
				continue;
			sent++;
			if (i >= cl.n)
				put_forwarded_computer(&w, &fw.v[i - cl.n].c);
			else
				put_own_computer(s, &w, &cl.v[i]);
		}
		xmlw_end(&w);
		if (sent == 0)
			continue;
		if (sync_req_end(s, &w) != 0 ||
		    sync_call(s, PATH_REP, NS_SS, "RollupComputers", &req, &r) != 0)
			goto out;
		if (pass == 0) {
			changed_computers(sync_result_of(r, "RollupComputers"),
			    &cl, &fw, off, k, again, gone);
			s->res->computers_rolled_up += k;
		}
		soap_request_free(r);
		r = NULL;
	}
	for (i = 0; i < cl.n; i++) {
		int64_t lid = 0;

		if (!gone[i])
			continue;
		if (store_computer_find(s->st, cl.v[i].cid, &lid) != STORE_OK ||
		    store_computer_delete(s->st, lid) != STORE_OK) {
			sync_seterr(s, "rollup: delete %s: %s", cl.v[i].cid,
			    store_errmsg(s->st));
			goto out;
		}
		log_info("sync: computer %s deleted upstream, deleted here",
		    cl.v[i].cid);
	}

	/*
	 * RollupComputerStatus: our computers, in full or only what changed
	 * since their last rollup (rollup_status.c; GetOutOfSyncComputers
	 * first names those the upstream needs in full), then our
	 * descendants' computers, in full.  number 0: the first rollup or
	 * a new RollupResetGuid, everything in full.
	 */
	full = xcalloc(cl.n ? cl.n : 1, sizeof(*full));
	cur = xcalloc(maxs, sizeof(*cur));
	if (number == 0)
		for (i = 0; i < cl.n; i++)
			full[i] = true;
	else if (cl.n > 0) {
		const char **ids = xreallocarray(NULL, cl.n, sizeof(*ids));

		for (i = 0; i < cl.n; i++)
			ids[i] = cl.v[i].cid;
		i = (size_t)(maxo > 0 ? maxo : 20000);
		if (sync_rollup_out_of_sync(s, ids, cl.n, number, i, full) !=
		    0) {
			free(ids);
			goto out;
		}
		free(ids);
	}
	number++;
	for (off = 0; off < total; off += (size_t)maxs) {
		size_t k = total - off < (size_t)maxs ? total - off : (size_t)maxs;
		int ok = 0;

		sync_req_begin(&w, &req, NS_SS, "RollupComputerStatus");
		sync_put_dummy_cookie(&w);
		put_time(&w, "clientTime", now);
		xmlw_elem(&w, "parentServerId", s->account_guid);
		xmlw_start(&w, "computers");
		for (i = off; i < off + k; i++) {
			char ig[GUID_STRLEN + 1];

			if (gone[i])
				continue;
			guid_random(ig);
			if (i >= cl.n)
				put_forwarded_status(&w, ig, &fw.v[i - cl.n],
				    number);
			else
				(void)sync_rollup_put_own(s, &w, ig,
				    cl.v[i].cid, cl.v[i].dns, cl.v[i].last_sync,
				    number, full[i], &cur[i - off]);
		}
		xmlw_end(&w);
		if (sync_req_end(s, &w) != 0 ||
		    sync_call(s, PATH_REP, NS_SS, "RollupComputerStatus", &req, &r) != 0)
			goto out;
		res = sync_result_of(r, "RollupComputerStatus");
		if (soap_node_bool(res, &ok) != 0 || !ok) {
			sync_seterr(s, "RollupComputerStatus: upstream busy");
			goto out;
		}
		soap_request_free(r);
		r = NULL;
		/* taken: what was rolled up is the base of the next delta */
		for (i = off; i < off + k && i < cl.n; i++)
			if (!gone[i] && sync_rollup_sent_save(s, cl.v[i].cid,
			    &cur[i - off]) != 0)
				goto out;
	}
	if (sync_state_rollup_save(s, number, rg) != 0)
		goto out;
	rc = 0;
out:
	if (cur != NULL)
		for (i = 0; i < (size_t)maxs; i++)
			sync_status_rows_free(&cur[i]);
	free(cur);
	free(full);
	free(again);
	free(gone);
	comps_free(&cl);
	descs_free(&ds);
	free(me.clients);
	fwds_free(&fw);
	soap_request_free(r);
	buf_free(&req);
	return rc;
}
