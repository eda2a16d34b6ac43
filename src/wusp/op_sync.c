/*
 * op_sync.c — StartCategoryScan, SyncUpdates, SyncPrinterCatalog and
 * RefreshCache: reading the request into a struct sync_request, running
 * the algorithm of sync_updates.h on the current catalogue snapshot, and
 * writing SyncInfo as the captured WSUS answers (scan/06-09).
 *
 * Element rules of the answers (WSDL sequence order; empty arrays are
 * left out, as real WSUS does: scan/09 has no NewUpdates element):
 *   SyncInfo: NewUpdates, OutOfScopeRevisionIDs, ChangedUpdates,
 *     Truncated, NewCookie, DeployedOutOfScopeRevisionIds (only when
 *     NeedTwoGroupOutOfScopeUpdates), DriverSyncNotNeeded (clients >= 1.7)
 *   Deployment: ID, Action, Deadline (when set), IsAssigned,
 *     LastChangeTime (date only), HardwareIds (drivers, clients >= 1.6),
 *     AutoSelect, AutoDownload, SupersedenceBehavior (clients >= 1.8,
 *     always 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap_value.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "catalog/catalog.h"
#include "wusp/service_internal.h"
#include "wusp/sync_updates.h"

/* ---- shared helpers ---------------------------------------------------- */

const struct catalog *
wusp_catalog(struct svc_call *c, const char *client_id,
    struct catalog_groups *groups, int64_t *registered)
{
	struct store_group_ref refs[COMPUTER_GROUPS_MAX];
	int64_t ids[COMPUTER_GROUPS_MAX], reg = 0;
	const struct catalog *cat;
	struct store *st;
	size_t n = 0;
	int rc;

	if ((st = svc_store(c)) == NULL)
		return NULL;
	if (client_id != NULL) {
		rc = store_computer_groups(st, client_id, refs,
		    COMPUTER_GROUPS_MAX, &n, &reg);
		if (rc == STORE_BUSY) {
			svc_fault(c, SOAP_EC_SERVER_BUSY, NULL);
			return NULL;
		}
		if (rc != STORE_OK && rc != STORE_NOTFOUND) {
			log_error("computer_groups %s: %s", client_id,
			    store_errmsg(st));
			svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
			return NULL;
		}
		if (rc == STORE_NOTFOUND)
			reg = 0;
	}
	cat = catalog_holder_get(WUSP_SVC(c)->catalog, st);
	if (cat == NULL) {
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "no catalogue");
		return NULL;
	}
	if (client_id != NULL) {
		for (size_t i = 0; i < n; i++)
			ids[i] = refs[i].id;
		catalog_groups_from_ids(cat, ids, (unsigned)n, groups);
	}
	if (registered != NULL)
		*registered = reg;
	return cat;
}

bool
wusp_client_at_least(const struct wusp_session_cookie *s, unsigned major,
    unsigned minor)
{
	return s->proto_major > major ||
	    (s->proto_major == major && s->proto_minor >= minor);
}

void
wusp_write_deployment(struct svc_call *c, const struct catalog_deployment *d,
    const char *hardware_id, const struct wusp_session_cookie *s)
{
	struct xmlw *w = &c->w;

	xmlw_start(w, "Deployment");
	xmlw_elem_int(w, "ID", d->id);
	xmlw_elem(w, "Action", catalog_action_name(d->action));
	if (d->deadline != 0) {
		struct soap_datetime dt;
		char text[SOAP_DATETIME_MAX];

		soap_datetime_from_unix(d->deadline, 0, &dt);
		if (soap_format_datetime(&dt, text) == 0)
			xmlw_elem(w, "Deadline", text);
	}
	xmlw_elem_bool(w, "IsAssigned", d->is_assigned);
	xmlw_elem(w, "LastChangeTime", d->last_change_date);
	if (hardware_id != NULL && wusp_client_at_least(s, 1, 6)) {
		xmlw_start(w, "HardwareIds");
		xmlw_elem(w, "string", hardware_id);
		xmlw_end(w);
	}
	if (wusp_client_at_least(s, 1, 8)) {
		xmlw_elem(w, "AutoSelect", "0");
		xmlw_elem(w, "AutoDownload", "0");
		xmlw_elem(w, "SupersedenceBehavior", "0");
	}
	xmlw_end(w);
}

/* ---- StartCategoryScan ------------------------------------------------- */

struct scan_item {
	int32_t	 group;
	char	 guid[SOAP_GUID_STRLEN];
	const struct catalog_rev *rev;	/* NULL: unknown category */
};

static bool
guid_listed(char (*list)[SOAP_GUID_STRLEN], size_t n, const char *g)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], g) == 0)
			return true;
	return false;
}

/*
 * StartCategoryScan(requestedCategories) -> preferredCategoryIds,
 * requestedCategoryIdsInError ([MS-WUSP] 3.1.5.6).  The native request
 * carries no cookie (scan/05).
 */
int
wusp_op_start_category_scan(struct svc_call *c)
{
	const struct soap_node *arr = soap_child(c->body,
	    "requestedCategories"), *e;
	struct scan_item *items = NULL;
	char (*pref)[SOAP_GUID_STRLEN] = NULL, (*errs)[SOAP_GUID_STRLEN] = NULL;
	size_t n = 0, cnt, npref = 0, nerr = 0;
	const struct catalog *cat;
	bool *done = NULL, stop = false;

	cnt = soap_count_children(arr, "CategoryRelationship");
	if (cnt >= WUSP_MAX_CATEGORY_SCAN)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "requestedCategories");
	if ((cat = wusp_catalog(c, NULL, NULL, NULL)) == NULL)
		return -1;
	if (cnt > 0) {
		items = xcalloc(cnt, sizeof(*items));
		pref = xcalloc(cnt, sizeof(*pref));
		errs = xcalloc(cnt, sizeof(*errs));
		done = xcalloc(cnt, sizeof(*done));
	}
	SOAP_FOREACH_CHILD(e, arr, "CategoryRelationship") {
		struct scan_item *it = &items[n];

		if (soap_node_int32(soap_child(e, "IndexOfAndGroup"),
		    &it->group) != 0 ||
		    soap_node_guid(soap_child(e, "CategoryId"), it->guid) != 0) {
			svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "requestedCategories");
			goto out;
		}
		it->rev = catalog_rev_by_update(cat, it->guid);
		if (it->rev != NULL && it->rev->type != UPDATE_TYPE_CATEGORY)
			it->rev = NULL;
		n++;
	}
	/* one AND group at a time, in the order they first appear */
	for (size_t i = 0; i < n && !stop; i++) {
		const struct catalog_rev *product = NULL;
		size_t members = 0, products = 0, classes = 0;
		bool unknown = false;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++) {
			const struct catalog_rev *r = items[j].rev;

			if (items[j].group != items[i].group)
				continue;
			done[j] = true;
			members++;
			if (r == NULL) {
				unknown = true;
				if (!guid_listed(errs, nerr, items[j].guid))
					memcpy(errs[nerr++], items[j].guid,
					    SOAP_GUID_STRLEN);
			} else if (r->category_kind == CATEGORY_KIND_PRODUCT) {
				products++;
				product = r;
			} else if (r->category_kind ==
			    CATEGORY_KIND_UPDATE_CLASSIFICATION) {
				classes++;
			}
		}
		if (unknown)
			continue;	/* the group is dropped */
		if (product != NULL && ((members == 1 && products == 1) ||
		    (members == 2 && products == 1 && classes == 1))) {
			char g[SOAP_GUID_STRLEN];

			memcpy(g, product->update_id, SOAP_GUID_STRLEN);
			if (!guid_listed(pref, npref, g))
				memcpy(pref[npref++], g, SOAP_GUID_STRLEN);
			continue;
		}
		/* anything else: no preferred categories at all */
		npref = 0;
		stop = true;
	}

	svc_begin(c);
	if (npref > 0) {
		xmlw_start(&c->w, "preferredCategoryIds");
		for (size_t i = 0; i < npref; i++)
			xmlw_elem(&c->w, "guid", pref[i]);
		xmlw_end(&c->w);
	}
	if (nerr > 0) {
		xmlw_start(&c->w, "requestedCategoryIdsInError");
		for (size_t i = 0; i < nerr; i++)
			xmlw_elem(&c->w, "guid", errs[i]);
		xmlw_end(&c->w);
	}
	svc_end(c);
out:
	catalog_release(cat);
	free(items);
	free(pref);
	free(errs);
	free(done);
	return c->fault != SOAP_EC_NONE ? -1 : 0;
}

/* ---- SyncUpdates -------------------------------------------------------- */

/* Everything parsed out of SyncUpdateParameters; freed by params_free. */
struct sync_params {
	struct sync_request req;
	int32_t		*installed, *other, *drivers;
	struct sync_device *devices;
	const char	**ids;		/* all device id pointers */
	char		(*filters)[SOAP_GUID_STRLEN];
	const char	**filter_ptrs;
	char		(*hwids)[SOAP_GUID_STRLEN];
	const char	**hwid_ptrs;
};

static void
params_free(struct sync_params *p)
{
	free(p->installed);
	free(p->other);
	free(p->drivers);
	free(p->devices);
	free(p->ids);
	free(p->filters);
	free(p->filter_ptrs);
	free(p->hwids);
	free(p->hwid_ptrs);
}

/* Text of an optional child, NULL when absent or nil. */
static const char *
opt_text(const struct soap_node *parent, const char *name)
{
	const struct soap_node *n = soap_child(parent, name);

	return n == NULL || soap_is_nil(n) ? NULL : n->text;
}

/* The string items of an ArrayOfString into ids[*k..]. */
static unsigned
take_strings(const struct soap_node *arr, const char **ids, size_t *k)
{
	const struct soap_node *e;
	unsigned n = 0;

	SOAP_FOREACH_CHILD(e, arr, "string") {
		if (soap_is_nil(e))
			continue;
		ids[(*k)++] = e->text;
		n++;
	}
	return n;
}

static int
parse_devices(struct svc_call *c, const struct soap_node *spec,
    struct sync_params *p)
{
	const struct soap_node *d;
	size_t ndev, nids = 0, k = 0, i = 0;

	ndev = soap_count_children(spec, "Device");
	if (ndev == 0)
		return 0;
	if (ndev > SYNC_MAX_DEVICES)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "parameters.SystemSpec");
	SOAP_FOREACH_CHILD(d, spec, "Device") {
		size_t h = soap_count_children(soap_child(d, "HardwareIDs"),
		    "string");
		size_t cp = soap_count_children(soap_child(d,
		    "CompatibleIDs"), "string");

		if (h > SYNC_MAX_DEVICE_IDS || cp > SYNC_MAX_DEVICE_IDS)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "parameters.SystemSpec");
		nids += h + cp;
	}
	p->devices = xcalloc(ndev, sizeof(*p->devices));
	if (nids > 0)
		p->ids = xcalloc(nids, sizeof(*p->ids));
	SOAP_FOREACH_CHILD(d, spec, "Device") {
		struct sync_device *dev = &p->devices[i++];
		const struct soap_node *inst = soap_child(d, "installedDriver");

		dev->hardware_ids = p->ids + k;
		dev->n_hardware_ids = take_strings(soap_child(d,
		    "HardwareIDs"), p->ids, &k);
		dev->compatible_ids = p->ids + k;
		dev->n_compatible_ids = take_strings(soap_child(d,
		    "CompatibleIDs"), p->ids, &k);
		if (inst != NULL && !soap_is_nil(inst)) {
			struct sync_installed_driver *in = &dev->installed;

			dev->has_installed_driver = true;
			in->matching_id = opt_text(inst, "MatchingID");
			in->driver_ver_date = opt_text(inst, "DriverVerDate");
			in->driver_ver_version = opt_text(inst,
			    "DriverVerVersion");
			in->class_name = opt_text(inst, "Class");
			in->manufacturer = opt_text(inst, "Manufacturer");
			in->provider = opt_text(inst, "Provider");
			in->matching_computer_hwid = opt_text(inst,
			    "MatchingComputerHWID");
			in->driver_rank = opt_text(inst, "DriverRank");
		}
	}
	p->req.devices = p->devices;
	p->req.n_devices = ndev;
	return 0;
}

/* An array of GUID items (Id children when sub is not NULL) into out. */
static int
parse_guids(struct svc_call *c, const struct soap_node *arr,
    const char *item, const char *sub, size_t max, const char *param,
    char (**out)[SOAP_GUID_STRLEN], const char ***ptrs, size_t *n)
{
	const struct soap_node *e;
	size_t cnt = soap_count_children(arr, item), k = 0;

	*n = 0;
	if (cnt == 0)
		return 0;
	if (cnt > max)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", param);
	*out = xcalloc(cnt, sizeof(**out));
	*ptrs = xcalloc(cnt, sizeof(**ptrs));
	SOAP_FOREACH_CHILD(e, arr, item) {
		const struct soap_node *g = sub != NULL ? soap_child(e, sub) : e;

		if (soap_node_guid(g, (*out)[k]) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s",
			    param);
		(*ptrs)[k] = (*out)[k];
		k++;
	}
	*n = k;
	return 0;
}

static int
parse_params(struct svc_call *c, const struct soap_node *prm,
    struct sync_params *p)
{
	const struct soap_node *n;
	size_t cnt;
	int v;

	memset(p, 0, sizeof(*p));
	if (prm == NULL || soap_is_nil(prm))
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "parameters");
	if (wusp_int_array(c, soap_child(prm, "InstalledNonLeafUpdateIDs"),
	    "int", SYNC_MAX_INSTALLED_NONLEAF,
	    "parameters.InstalledNonLeafUpdateIDs", &p->installed,
	    &p->req.n_installed_nonleaf) != 0 ||
	    wusp_int_array(c, soap_child(prm, "OtherCachedUpdateIDs"), "int",
	    SYNC_MAX_OTHER_CACHED, "parameters.OtherCachedUpdateIDs",
	    &p->other, &p->req.n_other_cached) != 0 ||
	    wusp_int_array(c, soap_child(prm, "CachedDriverIDs"), "int",
	    SYNC_MAX_CACHED_DRIVERS, "parameters.CachedDriverIDs",
	    &p->drivers, &p->req.n_cached_drivers) != 0)
		return -1;
	p->req.installed_nonleaf = p->installed;
	p->req.other_cached = p->other;
	p->req.cached_drivers = p->drivers;

	n = soap_child(prm, "SkipSoftwareSync");
	if (n != NULL) {
		if (soap_node_bool(n, &v) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "parameters.SkipSoftwareSync");
		p->req.skip_software = v != 0;
	}
	n = soap_child(prm, "NeedTwoGroupOutOfScopeUpdates");
	if (n != NULL && !soap_is_nil(n)) {
		if (soap_node_bool(n, &v) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "parameters.NeedTwoGroupOutOfScopeUpdates");
		p->req.need_two_group = v != 0;
	}
	if (parse_devices(c, soap_child(prm, "SystemSpec"), p) != 0)
		return -1;
	if (parse_guids(c, soap_child(prm, "FilterCategoryIds"),
	    "CategoryIdentifier", "Id", SYNC_MAX_FILTER_CATEGORIES,
	    "parameters.FilterCategoryIds", &p->filters, &p->filter_ptrs,
	    &cnt) != 0)
		return -1;
	p->req.filter_categories = p->filter_ptrs;
	p->req.n_filter_categories = cnt;
	if (parse_guids(c, soap_child(soap_child(prm, "ComputerSpec"),
	    "HardwareIDs"), "guid", NULL, SYNC_MAX_COMPUTER_HWIDS,
	    "parameters.ComputerSpec", &p->hwids, &p->hwid_ptrs, &cnt) != 0)
		return -1;
	p->req.computer_hwids = p->hwid_ptrs;
	p->req.n_computer_hwids = cnt;
	p->req.feature_score_key = opt_text(prm, "FeatureScoreMatchingKey");
	return 0;
}

static void
write_update_infos(struct svc_call *c, const char *name,
    const struct sync_update_info *u, size_t n,
    const struct wusp_session_cookie *s)
{
	struct xmlw *w = &c->w;

	if (n == 0)
		return;
	xmlw_start(w, name);
	for (size_t i = 0; i < n; i++) {
		xmlw_start(w, "UpdateInfo");
		xmlw_elem_int(w, "ID", u[i].rev->revision_id);
		wusp_write_deployment(c, &u[i].deployment, u[i].hardware_id,
		    s);
		xmlw_elem_bool(w, "IsLeaf", u[i].is_leaf);
		xmlw_start(w, "Xml");
		/* pre-escaped for <Xml> by the catalogue */
		xmlw_raw(w, u[i].rev->core_xml, u[i].rev->core_xml_len);
		xmlw_end(w);
		xmlw_end(w);
	}
	xmlw_end(w);
}

static void
write_ints(struct xmlw *w, const char *name, const int32_t *v, size_t n)
{
	if (n == 0)
		return;
	xmlw_start(w, name);
	for (size_t i = 0; i < n; i++)
		xmlw_elem_int(w, "int", v[i]);
	xmlw_end(w);
}

/* The SyncInfo of a finished sync into c->w (the Result element open). */
static int
write_sync_info(struct svc_call *c, const struct sync_result *r,
    const struct sync_request *req, struct wusp_session_cookie *s)
{
	struct xmlw *w = &c->w;

	write_update_infos(c, "NewUpdates", r->new_updates, r->n_new, s);
	write_ints(w, "OutOfScopeRevisionIDs", r->out_of_scope,
	    r->n_out_of_scope);
	write_update_infos(c, "ChangedUpdates", r->changed_updates,
	    r->n_changed, s);
	xmlw_elem_bool(w, "Truncated", r->truncated);
	s->deployment_watermark = r->new_watermark;
	if (wusp_write_session(c, "NewCookie", s) != 0)
		return -1;
	if (req->need_two_group && wusp_client_at_least(s, 1, 7))
		write_ints(w, "DeployedOutOfScopeRevisionIds",
		    r->deployed_out_of_scope, r->n_deployed_out_of_scope);
	if (wusp_client_at_least(s, 1, 7))
		xmlw_elem(w, "DriverSyncNotNeeded",
		    r->driver_sync_not_needed ? "true" : "false");
	return 0;
}

/*
 * Does this answer end a sync, so the computer's last-sync time is worth
 * a store write?  The driver pass, or a software round the client will
 * not repeat (not truncated, no non-leaf update: [MS-WUSP] 3.1.5.7 client
 * loop).  The other rounds of a scan cost no write.
 */
static bool
sync_finished(const struct sync_request *req, const struct sync_result *r)
{
	if (req->skip_software)
		return true;
	if (r->truncated)
		return false;
	for (size_t i = 0; i < r->n_new; i++)
		if (!r->new_updates[i].is_leaf)
			return false;
	return true;
}

/* Session checks shared by SyncUpdates and SyncPrinterCatalog. */
static int
open_sync_session(struct svc_call *c, struct wusp_session_cookie *s)
{
	if (wusp_open_session(c, soap_child(c->body, "cookie"), s) != 0)
		return -1;
	if (s->config_last_change != WUSP_CALL(c)->ccfg.last_change)
		return svc_fault(c, SOAP_EC_CONFIG_CHANGED, NULL);
	return 0;
}

/* SyncUpdates(cookie, parameters) -> SyncInfo. */
int
wusp_op_sync_updates(struct svc_call *c)
{
	struct wusp_session_cookie s;
	struct sync_params p;
	struct sync_result r;
	struct catalog_groups groups;
	const struct catalog *cat = NULL;
	enum sync_rc rc;
	int64_t registered = 0;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	if (open_sync_session(c, &s) != 0)
		return -1;
	if (parse_params(c, soap_child(c->body, "parameters"), &p) != 0)
		goto out;
	if (p.req.n_devices > 0 && !p.req.skip_software) {
		svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "parameters.SystemSpec");
		goto out;
	}
	if ((cat = wusp_catalog(c, s.client_id, &groups, &registered)) ==
	    NULL)
		goto out;
	if (registered == 0) {
		svc_fault(c, SOAP_EC_REGISTRATION_REQUIRED, NULL);
		goto out;
	}
	p.req.groups = &groups;
	p.req.watermark = s.deployment_watermark;
	p.req.page_size = SYNC_PAGE_SIZE;
	rc = sync_updates_run(cat, &p.req, &r);
	if (rc != SYNC_OK) {
		svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s",
		    sync_rc_message(rc) != NULL ? sync_rc_message(rc) :
		    "parameters");
		goto out;
	}
	if (sync_finished(&p.req, &r) &&
	    store_computer_synced(c->th->st, s.client_id, c->now) != STORE_OK)
		log_warnx("computer_synced %s: %s", s.client_id,
		    store_errmsg(c->th->st));

	svc_begin(c);
	xmlw_start(&c->w, "SyncUpdatesResult");
	if (write_sync_info(c, &r, &p.req, &s) != 0)
		goto out;
	svc_end(c);
	ret = 0;
out:
	sync_result_free(&r);
	params_free(&p);
	if (cat != NULL)
		catalog_release(cat);
	return ret;
}

/*
 * SyncPrinterCatalog(cookie, installedNonLeafUpdateIDs, printerUpdateIDs)
 * -> SyncInfo with printer drivers only.  wsusd offers printer drivers
 * through the driver pass of SyncUpdates only; this answers an empty,
 * complete SyncInfo (what a server without printer drivers sends,
 * wusp.md 4.11) after the same checks as SyncUpdates.
 */
int
wusp_op_sync_printer_catalog(struct svc_call *c)
{
	struct wusp_session_cookie s;
	struct sync_result r;
	struct sync_request req;
	int32_t *a = NULL, *b = NULL;
	size_t na, nb;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	memset(&req, 0, sizeof(req));
	if (open_sync_session(c, &s) != 0)
		return -1;
	if (wusp_int_array(c, soap_child(c->body, "installedNonLeafUpdateIDs"),
	    "int", SYNC_MAX_INSTALLED_NONLEAF, "installedNonLeafUpdateIDs",
	    &a, &na) != 0 ||
	    wusp_int_array(c, soap_child(c->body, "printerUpdateIDs"), "int",
	    SYNC_MAX_CACHED_DRIVERS, "printerUpdateIDs", &b, &nb) != 0)
		goto out;
	r.driver_sync_not_needed = true;
	r.new_watermark = s.deployment_watermark;
	svc_begin(c);
	xmlw_start(&c->w, "SyncPrinterCatalogResult");
	if (write_sync_info(c, &r, &req, &s) != 0)
		goto out;
	svc_end(c);
	ret = 0;
out:
	free(a);
	free(b);
	return ret;
}

/* ---- RefreshCache ------------------------------------------------------- */

/*
 * RefreshCache(cookie, globalIDs) -> one RefreshCacheResult per requested
 * identity that is the newest revision of an update in the client's scope.
 * Bundle-action revisions are left out, as real WSUS does (observed by a
 * third-party client, wusp.md 4.7); the client syncs them again.
 */
int
wusp_op_refresh_cache(struct svc_call *c)
{
	const struct soap_node *arr = soap_child(c->body, "globalIDs"), *e;
	struct wusp_session_cookie s;
	struct catalog_groups groups;
	const struct catalog *cat;
	struct xmlw *w = &c->w;
	size_t cnt;
	bool open = false;

	if (wusp_open_session(c, soap_child(c->body, "cookie"), &s) != 0)
		return -1;
	cnt = soap_count_children(arr, "UpdateIdentity");
	if (cnt > SYNC_MAX_OTHER_CACHED)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "globalIDs");
	/* check every identity before answering anything */
	SOAP_FOREACH_CHILD(e, arr, "UpdateIdentity") {
		char g[SOAP_GUID_STRLEN];
		int32_t rn;

		if (soap_node_guid(soap_child(e, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(e, "RevisionNumber"), &rn) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "globalIDs");
	}
	if ((cat = wusp_catalog(c, s.client_id, &groups, NULL)) == NULL)
		return -1;
	svc_begin(c);
	SOAP_FOREACH_CHILD(e, arr, "UpdateIdentity") {
		const struct catalog_rev *rev;
		struct catalog_deployment d;
		char g[SOAP_GUID_STRLEN];
		int32_t rn;

		soap_node_guid(soap_child(e, "UpdateID"), g);
		soap_node_int32(soap_child(e, "RevisionNumber"), &rn);
		rev = catalog_rev_by_update(cat, g);
		if (rev == NULL || rev->revision_number != rn ||
		    !catalog_deployment(cat, &groups, rev, &d) ||
		    d.action == CATALOG_ACTION_BUNDLE)
			continue;
		if (!open) {
			xmlw_start(w, "RefreshCacheResult");
			open = true;
		}
		xmlw_start(w, "RefreshCacheResult");
		xmlw_elem_int(w, "RevisionID", rev->revision_id);
		xmlw_start(w, "GlobalID");
		xmlw_elem(w, "UpdateID", rev->update_id);
		xmlw_elem_int(w, "RevisionNumber", rev->revision_number);
		xmlw_end(w);
		xmlw_elem_bool(w, "IsLeaf", rev->is_leaf);
		wusp_write_deployment(c, &d, NULL, &s);
		xmlw_end(w);
	}
	if (open)
		xmlw_end(w);
	svc_end(c);
	catalog_release(cat);
	return 0;
}
