/*
 * test_sync_updates.c — the SyncUpdates algorithm (src/wusp/sync_updates.c)
 * against the real update documents (imported through the real importer)
 * and the real client/server exchanges of the native captures:
 *
 *   scan/06..08  a category scan (FilterCategoryIds = OOBE ZDP) with no
 *                approvals: the category chain Microsoft -> Windows ->
 *                OOBE ZDP arrives one level per round, Evaluate, IsLeaf
 *                false/false/true, Truncated false, DriverSyncNotNeeded true;
 *   scan/09      the driver pass with the client's SystemSpec and no
 *                drivers: no NewUpdates, DriverSyncNotNeeded true;
 *   flow/12      an unfiltered round with KB2267602 approved: the bundle
 *                as Install, the bundle it supersedes as
 *                PreDeploymentCheck, bundled leaves as Bundle, all IsLeaf.
 *
 * Facts from captures not kept in tests/fixtures (scan/07, scan/09,
 * flow/12) are quoted below with their source; see PROVENANCE.md of
 * tests/fixtures/soap/wusp-native-capture for the capture itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/encode.h"
#include "util/xmalloc.h"
#include "catalog/catalog.h"
#include "wusp/sync_updates.h"
#include "sync_testlib.h"

/* scan/07 response (CaddyGlow/wsus-rs docs/fixtures/wsus-m0-native/
 * scan/000007/response.body @1e4c805): the one UpdateInfo's <Xml>. */
static const char SCAN07_XML[] =
    "&lt;UpdateIdentity UpdateID=\"6964AAB4-C5B5-43BD-A17D-FFB4346A8E1D\" "
    "RevisionNumber=\"100\" /&gt;&lt;Properties UpdateType=\"Category\" /&gt;"
    "&lt;Relationships&gt;&lt;Prerequisites&gt;&lt;AtLeastOne "
    "IsCategory=\"true\"&gt;&lt;UpdateIdentity UpdateID=\"56309036-4c77-"
    "4dd9-951a-99ee9c246a94\" /&gt;&lt;/AtLeastOne&gt;&lt;/Prerequisites&gt;"
    "&lt;/Relationships&gt;&lt;ApplicabilityRules&gt;&lt;IsInstalled&gt;"
    "&lt;True /&gt;&lt;/IsInstalled&gt;&lt;/ApplicabilityRules&gt;";

struct client {
	int32_t	    installed[SYNC_MAX_INSTALLED_NONLEAF];
	size_t	    ninstalled;
	int32_t	   *other;
	size_t	    nother, other_cap;
	int64_t	    watermark;
};

static void
client_add(struct client *cl, const struct sync_result *r)
{
	size_t i;

	for (i = 0; i < r->n_new; i++) {
		if (!r->new_updates[i].is_leaf &&
		    cl->ninstalled < SYNC_MAX_INSTALLED_NONLEAF)
			cl->installed[cl->ninstalled++] =
			    r->new_updates[i].rev->revision_id;
		else {
			if (cl->nother == cl->other_cap) {
				cl->other_cap = cl->other_cap ? cl->other_cap * 2 :
				    64;
				cl->other = xreallocarray(cl->other,
				    cl->other_cap, sizeof(*cl->other));
			}
			cl->other[cl->nother++] =
			    r->new_updates[i].rev->revision_id;
		}
	}
	cl->watermark = r->new_watermark;
}

static void
request(struct sync_request *rq, const struct catalog_groups *g,
    const struct client *cl)
{
	memset(rq, 0, sizeof(*rq));
	rq->groups = g;
	rq->installed_nonleaf = cl->installed;
	rq->n_installed_nonleaf = cl->ninstalled;
	rq->other_cached = cl->other;
	rq->n_other_cached = cl->nother;
	rq->watermark = cl->watermark;
}

/* The same for a category scan: filter is the one category asked. */
static void
category_request(struct sync_request *rq, const struct catalog_groups *g,
    const struct client *cl, const char *const *filter)
{
	request(rq, g, cl);
	rq->filter_categories = filter;
	rq->n_filter_categories = 1;
}

static void
run_ok(const struct catalog *c, const struct sync_request *rq,
    struct sync_result *r)
{
	assert_int_equal(sync_updates_run(c, rq, r), SYNC_OK);
}

/* The category scan of the native capture, round by round. */
static void
test_scan_capture_category_rounds(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g = tl_groups(c, NULL, 0);
	const char *filter[] = { U_OOBE_ZDP };
	struct client cl;
	struct sync_request rq;
	struct sync_result r;
	char *cap;

	(void)state;
	memset(&cl, 0, sizeof(cl));

	/* scan/06: first round, no id arrays at all. */
	category_request(&rq, &g, &cl, filter);
	rq.need_two_group = true;
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 1);
	assert_string_equal(r.new_updates[0].rev->update_id, U_MICROSOFT);
	assert_false(r.new_updates[0].is_leaf);
	assert_int_equal(r.new_updates[0].deployment.action,
	    CATALOG_ACTION_EVALUATE);
	assert_true(r.new_updates[0].deployment.is_assigned);
	assert_int_equal(r.new_updates[0].deployment.deadline, 0);
	assert_int_equal(strlen(r.new_updates[0].deployment.last_change_date), 10);
	assert_null(r.new_updates[0].hardware_id);
	cap = tl_capture_xml(tl_fixture("wusp-native-capture/"
	    "06-SyncUpdates-first.response.xml"), 0);
	assert_string_equal(r.new_updates[0].rev->core_xml, cap);
	free(cap);
	assert_false(r.truncated);
	assert_true(r.driver_sync_not_needed);
	assert_int_equal(r.n_changed, 0);
	assert_int_equal(r.n_out_of_scope, 0);
	assert_int_equal(r.n_deployed_out_of_scope, 0);
	assert_int_equal(r.new_watermark, catalog_change_seq(c));
	client_add(&cl, &r);
	sync_result_free(&r);

	/* scan/07: installed {Microsoft} -> Windows (IsLeaf false). */
	category_request(&rq, &g, &cl, filter);
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 1);
	assert_string_equal(r.new_updates[0].rev->update_id, U_WINDOWS);
	assert_false(r.new_updates[0].is_leaf);
	assert_int_equal(r.new_updates[0].deployment.action,
	    CATALOG_ACTION_EVALUATE);
	assert_string_equal(r.new_updates[0].rev->core_xml, SCAN07_XML);
	assert_false(r.truncated);
	assert_true(r.driver_sync_not_needed);
	client_add(&cl, &r);
	sync_result_free(&r);

	/* scan/08: installed {Microsoft, Windows} -> OOBE ZDP (IsLeaf true). */
	category_request(&rq, &g, &cl, filter);
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 1);
	assert_string_equal(r.new_updates[0].rev->update_id, U_OOBE_ZDP);
	assert_true(r.new_updates[0].is_leaf);
	cap = tl_capture_xml(tl_fixture("wusp-native-capture/"
	    "08-SyncUpdates-third-leaf.response.xml"), 0);
	assert_string_equal(r.new_updates[0].rev->core_xml, cap);
	free(cap);
	assert_false(r.truncated);
	client_add(&cl, &r);
	sync_result_free(&r);

	/* The client stops (only a leaf came); one more round is empty. */
	category_request(&rq, &g, &cl, filter);
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 0);
	assert_int_equal(r.n_out_of_scope, 0);
	sync_result_free(&r);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

/* scan/09: the driver pass, with devices of the captured SystemSpec
 * (CaddyGlow/wsus-rs docs/fixtures/wsus-m0-native/scan/000009/
 * request.body @1e4c805) and no drivers on the server. */
static void
test_scan_capture_driver_pass(void **state)
{
	struct sync_device dev[2];
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g = tl_groups(c, NULL, 0);
	struct sync_request rq;
	struct sync_result r;
	int32_t inst[2], cached[1];

	(void)state;
	tl_scan09_devices(dev, true);
	dev[0].installed.class_name = "{36FC9E60-C465-11CF-8056-444553540000}";
	inst[0] = tl_rev(st, U_MICROSOFT);
	inst[1] = tl_rev(st, U_WINDOWS);
	cached[0] = tl_rev(st, U_OOBE_ZDP);	/* not a driver */

	memset(&rq, 0, sizeof(rq));
	rq.groups = &g;
	rq.installed_nonleaf = inst;
	rq.n_installed_nonleaf = 2;
	rq.skip_software = true;
	rq.devices = dev;
	rq.n_devices = 2;
	rq.feature_score_key = "AMD64.10.0";
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 0);
	assert_false(r.truncated);
	assert_true(r.driver_sync_not_needed);
	assert_int_equal(r.n_out_of_scope, 0);
	sync_result_free(&r);

	/* A cached "driver" id that is not an offered driver is dropped. */
	rq.cached_drivers = cached;
	rq.n_cached_drivers = 1;
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_out_of_scope, 1);
	assert_int_equal(r.out_of_scope[0], cached[0]);
	sync_result_free(&r);
	catalog_release(c);
	store_close(st);
}

/* The flow/12 shape: KB2267602 approved for All Computers, the client's
 * prerequisites installed.  From the capture (CaddyGlow/wsus-rs
 * docs/fixtures/wsus-m0-native/flow/000012/response.body @1e4c805):
 * a2fef9b0 Install IsLeaf true (its approval's deployment id), 74e87997
 * PreDeploymentCheck IsLeaf true, bundled leaves Bundle IsLeaf true, all
 * IsAssigned true, date-only LastChangeTime, no Deadline. */
static void
test_flow12_bundle_round(void **state)
{
	static const struct {
		const char *uid;
		enum catalog_action action;
	} want[] = {
		{ U_KB2267602, CATALOG_ACTION_INSTALL },
		{ U_OLDBUNDLE, CATALOG_ACTION_PREDEPLOYMENT_CHECK },
		{ U_DELTA547, CATALOG_ACTION_BUNDLE },	/* member of a2fef9b0 */
		{ U_HIDDEN24, CATALOG_ACTION_BUNDLE },	/* member of a2fef9b0 */
		{ U_HIDDEN4, CATALOG_ACTION_BUNDLE },	/* member of a2fef9b0 */
		{ U_ENGINE, CATALOG_ACTION_BUNDLE },	/* member of 1f9bd9bb */
		{ U_DELTA539, CATALOG_ACTION_BUNDLE },	/* member of 74e87997 */
	};
	struct store *st = tl_store_loaded();
	struct catalog *c;
	struct catalog_groups g;
	struct sync_request rq;
	struct sync_result r;
	struct client cl;
	const struct sync_update_info *u;
	int64_t did, all = 1;
	char *core, *esc;
	size_t i;

	(void)state;
	did = tl_approve(st, U_KB2267602, all, APPROVAL_INSTALL, 0);
	c = tl_build(st, true);
	g = tl_groups(c, NULL, 0);
	memset(&cl, 0, sizeof(cl));
	cl.installed[cl.ninstalled++] = tl_rev(st, U_MICROSOFT);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_WINDOWS);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DEFENDER);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DEFS);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DET_A);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DET_B);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DET_C);
	/* The client synced these before, after the approval. */
	cl.watermark = catalog_change_seq(c);
	request(&rq, &g, &cl);
	run_ok(c, &rq, &r);
	/* The leaves of this round (ascending revision id) plus OOBE ZDP,
	 * whose parent Windows is installed too. */
	assert_int_equal(r.n_new, 1 + sizeof(want) / sizeof(want[0]));
	assert_non_null(tl_find(r.new_updates, r.n_new, tl_rev(st, U_OOBE_ZDP)));
	for (i = 1; i < r.n_new; i++)
		assert_true(r.new_updates[i - 1].rev->revision_id <
		    r.new_updates[i].rev->revision_id);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		u = tl_find(r.new_updates, r.n_new, tl_rev(st, want[i].uid));
		assert_non_null(u);
		assert_true(u->is_leaf);
		assert_int_equal(u->deployment.action, want[i].action);
		assert_true(u->deployment.is_assigned);
		assert_int_equal(u->deployment.deadline, 0);
		assert_int_equal(strlen(u->deployment.last_change_date), 10);
		if (want[i].action == CATALOG_ACTION_INSTALL)
			assert_int_equal(u->deployment.id, did);
		else
			assert_true(u->deployment.id >=
			    CATALOG_SYNTH_DEPLOYMENT_BASE);
	}
	u = tl_find(r.new_updates, r.n_new, tl_rev(st, U_KB2267602));
	core = tl_read(tl_fixture("wusp-client-fragments/"
	    "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.core.xml"), NULL);
	{
		struct buf b;

		buf_init(&b, 1 << 24);
		buf_xml_escape(&b, core, strlen(core), 0);
		esc = buf_steal(&b, NULL);
	}
	assert_string_equal(u->rev->core_xml, esc);
	assert_non_null(strstr(esc, "&lt;BundledUpdates&gt;&lt;AtLeastOne&gt;"));
	assert_int_equal(strlen(esc), u->rev->core_xml_len);
	free(core);
	free(esc);
	assert_false(r.truncated);
	assert_true(r.driver_sync_not_needed);	/* no approved drivers */
	assert_int_equal(r.n_changed, 0);
	assert_int_equal(r.n_out_of_scope, 0);
	sync_result_free(&r);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

/* An unfiltered first scan from an empty cache, as the client loops:
 * the prerequisite graph arrives one level per round. */
static int
staged_session(const struct catalog *c, const struct catalog_groups *g,
    struct client *cl, unsigned page, int *round_of, size_t nround_of)
{
	struct sync_request rq;
	struct sync_result r;
	int round, more = 1;
	size_t i;

	for (round = 1; more && round < 1000; round++) {
		request(&rq, g, cl);
		rq.page_size = page;
		run_ok(c, &rq, &r);
		/* Non-leaf first within a page. */
		for (i = 1; i < r.n_new; i++)
			assert_false(r.new_updates[i - 1].is_leaf &&
			    !r.new_updates[i].is_leaf);
		assert_true(r.n_new <= (page ? page : SYNC_PAGE_SIZE));
		for (i = 0; i < r.n_new && round_of != NULL; i++) {
			uint32_t idx = r.new_updates[i].rev->idx;

			assert_true(idx < nround_of);
			assert_int_equal(round_of[idx], 0);	/* once only */
			round_of[idx] = round;
		}
		more = r.n_new > 0;
		client_add(cl, &r);
		sync_result_free(&r);
	}
	return round - 1;
}

static int
round_of_uid(const struct catalog *c, const int *round_of, const char *uid)
{
	return round_of[catalog_rev_by_update(c, uid)->idx];
}

static void
test_staged_unfiltered_session(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g = tl_groups(c, NULL, 0);
	struct client cl;
	int round_of[64];
	int rounds;
	size_t i;

	(void)state;
	memset(&cl, 0, sizeof(cl));
	memset(round_of, 0, sizeof(round_of));
	rounds = staged_session(c, &g, &cl, 0, round_of, 64);
	assert_int_equal(rounds, 4);	/* 3 with updates, 1 empty */
	assert_int_equal(round_of_uid(c, round_of, U_MICROSOFT), 1);
	assert_int_equal(round_of_uid(c, round_of, U_DEFS), 1);
	assert_int_equal(round_of_uid(c, round_of, U_DET_A), 1);
	assert_int_equal(round_of_uid(c, round_of, U_WINDOWS), 2);
	assert_int_equal(round_of_uid(c, round_of, U_DEFENDER), 2);
	assert_int_equal(round_of_uid(c, round_of, U_OOBE_ZDP), 3);
	assert_int_equal(round_of_uid(c, round_of, U_KB2267602), 3);
	/* Needs only detectoids and the classification (round 1 roots). */
	assert_int_equal(round_of_uid(c, round_of, U_ENGINE), 2);
	assert_int_equal(round_of_uid(c, round_of, U_DELTA547), 2);
	/* Needs the product Defender (round 2). */
	assert_int_equal(round_of_uid(c, round_of, U_HIDDEN24), 3);
	/* Everything in scope was delivered (all 15 revisions). */
	for (i = 0; i < catalog_revision_count(c); i++)
		assert_true(round_of[i] > 0);
	assert_int_equal(cl.ninstalled + cl.nother, 15);
	free(cl.other);

	/* The same with 3 per page: more rounds, Truncated, same set. */
	memset(&cl, 0, sizeof(cl));
	memset(round_of, 0, sizeof(round_of));
	rounds = staged_session(c, &g, &cl, 3, round_of, 64);
	assert_true(rounds >= 6);
	for (i = 0; i < catalog_revision_count(c); i++)
		assert_true(round_of[i] > 0);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

static void
test_paging_truncated(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g = tl_groups(c, NULL, 0);
	struct client cl;
	struct sync_request rq;
	struct sync_result r;

	(void)state;
	/* Round 1 has 5 roots (company, classification, 3 detectoids). */
	memset(&cl, 0, sizeof(cl));
	request(&rq, &g, &cl);
	rq.page_size = 2;
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 2);
	assert_true(r.truncated);
	client_add(&cl, &r);
	sync_result_free(&r);
	request(&rq, &g, &cl);
	rq.page_size = 4;
	run_ok(c, &rq, &r);
	/* 3 roots left + Windows + Defender (their parent is in). */
	assert_int_equal(r.n_new, 4);
	assert_true(r.truncated);
	sync_result_free(&r);
	rq.page_size = 5;
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 5);
	assert_false(r.truncated);	/* a full page, nothing left */
	sync_result_free(&r);
	rq.page_size = 100000;		/* capped, not an error */
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 5);
	sync_result_free(&r);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

static void
test_limits_and_bad_requests(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g = tl_groups(c, NULL, 0), g0;
	struct sync_request rq;
	struct sync_result r;
	struct sync_device dev;
	int32_t *ids = xcalloc(SYNC_MAX_OTHER_CACHED + 1, sizeof(*ids));
	const char *f[SYNC_MAX_FILTER_CATEGORIES + 1];
	size_t i;

	(void)state;
	for (i = 0; i < SYNC_MAX_OTHER_CACHED + 1; i++)
		ids[i] = (int32_t)(i + 1000000);	/* not revisions here */
	memset(&rq, 0, sizeof(rq));
	rq.groups = &g;
	rq.installed_nonleaf = ids;
	rq.n_installed_nonleaf = 400;		/* the real limit: accepted */
	run_ok(c, &rq, &r);
	sync_result_free(&r);
	rq.n_installed_nonleaf = 401;		/* real WSUS: InvalidParameters */
	memset(&r, 0x5A, sizeof(r));
	assert_int_equal(sync_updates_run(c, &rq, &r),
	    SYNC_ERR_INSTALLED_NONLEAF);
	assert_null(r.new_updates);
	assert_int_equal(r.n_new, 0);
	assert_string_equal(sync_rc_message(SYNC_ERR_INSTALLED_NONLEAF),
	    "parameters.InstalledNonLeafUpdateIDs");
	rq.n_installed_nonleaf = 0;

	rq.other_cached = ids;
	rq.n_other_cached = SYNC_MAX_OTHER_CACHED + 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_OTHER_CACHED);
	rq.n_other_cached = SYNC_MAX_OTHER_CACHED;	/* all unknown ids */
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_out_of_scope, SYNC_MAX_OTHER_CACHED);
	sync_result_free(&r);
	rq.n_other_cached = 3;
	rq.other_cached = NULL;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_OTHER_CACHED);
	rq.n_other_cached = 0;

	/* SystemSpec on a software pass ([MS-WUSP] 3.1.5.7). */
	memset(&dev, 0, sizeof(dev));
	rq.devices = &dev;
	rq.n_devices = 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_SYSTEM_SPEC);
	assert_string_equal(sync_rc_message(SYNC_ERR_SYSTEM_SPEC),
	    "parameters.SystemSpec");
	rq.skip_software = true;
	dev.n_hardware_ids = SYNC_MAX_DEVICE_IDS + 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_SYSTEM_SPEC);
	dev.n_hardware_ids = 1;			/* but no array */
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_SYSTEM_SPEC);
	rq.n_devices = SYNC_MAX_DEVICES + 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_SYSTEM_SPEC);
	rq.devices = NULL;
	rq.n_devices = 0;
	rq.cached_drivers = ids;
	rq.n_cached_drivers = SYNC_MAX_CACHED_DRIVERS + 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_CACHED_DRIVERS);
	rq.n_cached_drivers = 0;
	rq.skip_software = false;

	for (i = 0; i <= SYNC_MAX_FILTER_CATEGORIES; i++)
		f[i] = U_OOBE_ZDP;
	rq.filter_categories = f;
	rq.n_filter_categories = SYNC_MAX_FILTER_CATEGORIES + 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_FILTER);
	rq.n_filter_categories = 2;
	f[1] = "not a guid";			/* unknown ids are ignored */
	run_ok(c, &rq, &r);
	sync_result_free(&r);
	rq.n_filter_categories = 0;

	rq.computer_hwids = NULL;
	rq.n_computer_hwids = 2;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_PARAMETERS);
	rq.n_computer_hwids = 0;
	rq.groups = NULL;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_PARAMETERS);
	memset(&g0, 0, sizeof(g0));
	rq.groups = &g0;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_ERR_PARAMETERS);
	assert_int_equal(sync_updates_run(c, NULL, &r),
	    SYNC_ERR_PARAMETERS);
	assert_null(sync_rc_message(SYNC_OK));
	assert_string_equal(sync_rc_message(SYNC_ERR_OTHER_CACHED),
	    "parameters.OtherCachedUpdateIDs");
	sync_result_free(NULL);
	free(ids);
	catalog_release(c);
	store_close(st);
}

/* ChangedUpdates: cached, in scope, deployment changed after the
 * watermark the cookie carries. */
static void
test_changed_updates(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true), *c2;
	struct catalog_groups g = tl_groups(c, NULL, 0);
	struct client cl;
	struct sync_request rq;
	struct sync_result r;
	const struct sync_update_info *u;
	int64_t did, wm;

	(void)state;
	memset(&cl, 0, sizeof(cl));
	staged_session(c, &g, &cl, 0, NULL, 0);
	wm = cl.watermark;
	assert_int_equal(wm, catalog_change_seq(c));

	/* Nothing changed since: no ChangedUpdates. */
	request(&rq, &g, &cl);
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 0);
	assert_int_equal(r.n_changed, 0);
	assert_int_equal(r.n_out_of_scope, 0);
	sync_result_free(&r);

	/* A fresh cookie (watermark 0): every cached revision is sent. */
	rq.watermark = 0;
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_changed, 15);
	sync_result_free(&r);

	/* Approve the superseded bundle: it and its member change. */
	did = tl_approve(st, U_OLDBUNDLE, 1, APPROVAL_INSTALL, 0);
	c2 = tl_build(st, true);
	g = tl_groups(c2, NULL, 0);
	request(&rq, &g, &cl);
	run_ok(c2, &rq, &r);
	assert_int_equal(r.n_new, 0);
	assert_int_equal(r.n_changed, 2);
	u = tl_find(r.changed_updates, r.n_changed, tl_rev(st, U_OLDBUNDLE));
	assert_non_null(u);
	assert_int_equal(u->deployment.action, CATALOG_ACTION_INSTALL);
	assert_int_equal(u->deployment.id, did);
	assert_non_null(u->rev->core_xml);
	u = tl_find(r.changed_updates, r.n_changed, tl_rev(st, U_DELTA539));
	assert_non_null(u);
	assert_int_equal(u->deployment.action, CATALOG_ACTION_BUNDLE);
	assert_true(r.new_watermark > wm);
	assert_int_equal(r.new_watermark, catalog_change_seq(c2));
	cl.watermark = r.new_watermark;
	sync_result_free(&r);
	request(&rq, &g, &cl);
	run_ok(c2, &rq, &r);
	assert_int_equal(r.n_changed, 0);
	sync_result_free(&r);
	/* An older snapshot never moves the watermark back. */
	g = tl_groups(c, NULL, 0);
	request(&rq, &g, &cl);
	run_ok(c, &rq, &r);
	assert_int_equal(r.new_watermark, cl.watermark);
	sync_result_free(&r);

	/* Removing the approval is a change too (tombstone). */
	assert_int_equal(store_unapprove(st, U_OLDBUNDLE, 0), STORE_OK);
	catalog_release(c2);
	c2 = tl_build(st, true);
	g = tl_groups(c2, NULL, 0);
	request(&rq, &g, &cl);
	run_ok(c2, &rq, &r);
	u = tl_find(r.changed_updates, r.n_changed, tl_rev(st, U_OLDBUNDLE));
	assert_non_null(u);
	assert_int_equal(u->deployment.action,
	    CATALOG_ACTION_PREDEPLOYMENT_CHECK);
	sync_result_free(&r);
	free(cl.other);
	catalog_release(c);
	catalog_release(c2);
	store_close(st);
}

/* OutOfScopeRevisionIDs: unknown ids, older revisions, declined updates,
 * each once; NeedTwoGroupOutOfScopeUpdates on a category scan. */
static void
test_out_of_scope(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c;
	struct catalog_groups g;
	struct client cl;
	struct sync_request rq;
	struct sync_result r;
	const char *filter[] = { U_OOBE_ZDP };
	int32_t old_det, old_bundle;
	char *d;

	(void)state;
	old_det = tl_rev(st, U_DET_A);
	d = tl_doc_detectoid(U_DET_A, 101, NULL);	/* a newer revision */
	tl_import_xml(st, d);
	free(d);
	c = tl_build(st, true);
	g = tl_groups(c, NULL, 0);
	memset(&cl, 0, sizeof(cl));
	staged_session(c, &g, &cl, 0, NULL, 0);
	catalog_release(c);

	old_bundle = tl_rev(st, U_OLDBUNDLE);
	assert_int_equal(store_decline(st, U_OLDBUNDLE, true), STORE_OK);
	c = tl_build(st, true);
	g = tl_groups(c, NULL, 0);
	/* The client also holds the old detectoid revision and junk ids,
	 * some twice. */
	cl.other = xreallocarray(cl.other, cl.nother + 4, sizeof(*cl.other));
	cl.other[cl.nother++] = old_det;
	cl.other[cl.nother++] = 987654;
	cl.other[cl.nother++] = 987654;
	cl.other[cl.nother++] = -3;
	request(&rq, &g, &cl);
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_new, 0);
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope, old_det));
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope, 987654));
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope, -3));
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope, old_bundle));
	/* 7366a74a was there only as a member of the declined bundle. */
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope,
	    tl_rev(st, U_DELTA539)));
	assert_int_equal(r.n_out_of_scope, 5);
	assert_null(tl_find(r.new_updates, r.n_new, old_bundle));
	sync_result_free(&r);

	/* Category scan: the cached KB2267602 is outside the filter but
	 * still deployed. */
	category_request(&rq, &g, &cl, filter);
	rq.need_two_group = true;
	run_ok(c, &rq, &r);
	assert_true(tl_has_id(r.deployed_out_of_scope,
	    r.n_deployed_out_of_scope, tl_rev(st, U_KB2267602)));
	assert_false(tl_has_id(r.out_of_scope, r.n_out_of_scope,
	    tl_rev(st, U_KB2267602)));
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope, old_bundle));
	assert_false(tl_has_id(r.deployed_out_of_scope,
	    r.n_deployed_out_of_scope, tl_rev(st, U_OOBE_ZDP)));
	assert_true(r.driver_sync_not_needed);
	sync_result_free(&r);
	rq.need_two_group = false;
	run_ok(c, &rq, &r);
	assert_int_equal(r.n_deployed_out_of_scope, 0);
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope,
	    tl_rev(st, U_KB2267602)));
	sync_result_free(&r);

	/* The old revision id still counts as the update installed. */
	free(cl.other);
	memset(&cl, 0, sizeof(cl));
	cl.installed[cl.ninstalled++] = old_det;
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DET_B);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DET_C);
	cl.installed[cl.ninstalled++] = tl_rev(st, U_DEFS);
	request(&rq, &g, &cl);
	run_ok(c, &rq, &r);
	assert_non_null(tl_find(r.new_updates, r.n_new, tl_rev(st, U_DELTA547)));
	assert_true(tl_has_id(r.out_of_scope, r.n_out_of_scope, old_det));
	sync_result_free(&r);
	catalog_release(c);
	store_close(st);
}

/* Approvals only (offer_unapproved off): the approved update and its
 * closure; a computer in a group that blocks gets nothing of it. */
static void
test_approved_only_scope(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c;
	struct catalog_groups g;
	struct client cl;
	int64_t grp;
	int round_of[64];

	(void)state;
	grp = tl_group(st, "Blocked", 0);
	tl_approve(st, U_KB2267602, 1, APPROVAL_INSTALL, 0);
	tl_approve(st, U_KB2267602, grp, APPROVAL_NOT_APPROVED, 0);
	c = tl_build(st, false);

	g = tl_groups(c, NULL, 0);
	memset(&cl, 0, sizeof(cl));
	memset(round_of, 0, sizeof(round_of));
	staged_session(c, &g, &cl, 0, round_of, 64);
	assert_true(round_of_uid(c, round_of, U_KB2267602) > 0);
	assert_true(round_of_uid(c, round_of, U_ENGINE) > 0);
	assert_true(round_of_uid(c, round_of, U_DEFENDER) > 0);
	assert_int_equal(round_of_uid(c, round_of, U_OLDBUNDLE), 0);
	assert_int_equal(round_of_uid(c, round_of, U_DELTA539), 0);
	/* Categories are roots of every scope. */
	assert_true(round_of_uid(c, round_of, U_OOBE_ZDP) > 0);
	free(cl.other);

	g = tl_groups(c, &grp, 1);
	memset(&cl, 0, sizeof(cl));
	memset(round_of, 0, sizeof(round_of));
	staged_session(c, &g, &cl, 0, round_of, 64);
	assert_int_equal(round_of_uid(c, round_of, U_KB2267602), 0);
	assert_int_equal(round_of_uid(c, round_of, U_ENGINE), 0);
	assert_true(round_of_uid(c, round_of, U_MICROSOFT) > 0);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

/*
 * A prerequisite the catalog does not know is NOT satisfied.  The
 * software pass keeps an update only when every prerequisite clause has
 * at least one UpdateID among the client's InstalledNonLeafUpdateIDs
 * (../shared/docs/wusp.md section 4.6 "SyncUpdates", rule 3: AND of
 * OR-clauses; [MS-WUSP] 3.1.1, 3.1.5.7).  A client can never report an
 * update this server does not have as installed, so a clause naming only
 * unknown updates can never be met; section 10 (rule 5: "Prerequisites
 * that the client cannot satisfy silently make an update not
 * applicable") is what real WSUS clients see.  Treating an unknown
 * prerequisite as met would offer updates a real WSUS would not.
 */
#define U_PQ_DET	"a0000001-0000-4000-8000-000000000001"	/* detectoid */
#define U_PQ_GONE	"a0000002-0000-4000-8000-000000000002"	/* not imported */
#define U_PQ_AND	"a0000003-0000-4000-8000-000000000003"	/* DET and GONE */
#define U_PQ_OR		"a0000004-0000-4000-8000-000000000004"	/* DET or GONE */
#define U_PQ_ONLY	"a0000005-0000-4000-8000-000000000005"	/* GONE only */

static void
test_unknown_prerequisite_unsatisfied(void **state)
{
	struct store *st = tl_store();
	struct catalog *c;
	struct catalog_groups g;
	struct client cl;
	int round_of[8];
	char *d;

	(void)state;
	d = tl_doc_detectoid(U_PQ_DET, 1, NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_software(U_PQ_AND, 1, true, U_PQ_DET " " U_PQ_GONE, NULL,
	    NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_software(U_PQ_OR, 1, true, U_PQ_DET "|" U_PQ_GONE, NULL,
	    NULL);
	tl_import_xml(st, d);
	free(d);
	d = tl_doc_software(U_PQ_ONLY, 1, true, U_PQ_GONE, NULL, NULL);
	tl_import_xml(st, d);
	free(d);
	tl_approve(st, U_PQ_AND, 1, APPROVAL_INSTALL, 0);
	tl_approve(st, U_PQ_OR, 1, APPROVAL_INSTALL, 0);
	tl_approve(st, U_PQ_ONLY, 1, APPROVAL_INSTALL, 0);
	c = tl_build(st, true);
	assert_int_equal(catalog_revision_count(c), 4);
	assert_null(catalog_rev_by_update(c, U_PQ_GONE));

	g = tl_groups(c, NULL, 0);
	memset(&cl, 0, sizeof(cl));
	memset(round_of, 0, sizeof(round_of));
	staged_session(c, &g, &cl, 0, round_of, 8);
	/* The detectoid first; then the update whose OR clause it meets. */
	assert_int_equal(round_of_uid(c, round_of, U_PQ_DET), 1);
	assert_int_equal(round_of_uid(c, round_of, U_PQ_OR), 2);
	/* A clause naming only the unknown update is never met. */
	assert_int_equal(round_of_uid(c, round_of, U_PQ_AND), 0);
	assert_int_equal(round_of_uid(c, round_of, U_PQ_ONLY), 0);
	assert_int_equal(cl.ninstalled + cl.nother, 2);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

struct sthread {
	const struct catalog *c;
	size_t	    delivered;
};

static void *
sync_thread(void *arg)
{
	struct sthread *t = arg;
	struct catalog_groups g;
	struct client cl;
	int i;

	for (i = 0; i < 20; i++) {
		catalog_groups_from_ids(t->c, NULL, 0, &g);
		memset(&cl, 0, sizeof(cl));
		staged_session(t->c, &g, &cl, 4, NULL, 0);
		t->delivered = cl.ninstalled + cl.nother;
		free(cl.other);
	}
	return NULL;
}

/* One snapshot, many threads, scope bitmaps built lazily on first use. */
static void
test_concurrent_sessions(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	struct sthread t[6];
	pthread_t th[6];
	int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		t[i].c = c;
		t[i].delivered = 0;
		assert_int_equal(pthread_create(&th[i], NULL, sync_thread,
		    &t[i]), 0);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].delivered, 15);
	}
	catalog_release(c);
	store_close(st);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A larger synthetic catalog: 1,500 updates in 12 products, every third
 * approved; a full session delivers every update exactly once, in pages
 * of 30.  Times are printed (not asserted: the machine is shared). */
static void
test_larger_catalog_session(void **state)
{
	struct store *st = tl_store();
	struct catalog *c;
	struct catalog_groups g;
	struct client cl;
	char uid[40], cat[40], prereq[200], sha[32], *d;
	uint8_t digest[20];
	int *round_of;
	int i, rounds, n = 1500;
	double t0, t1, t2;
	size_t k;

	(void)state;
	assert_int_equal(store_batch_begin(st), STORE_OK);
	d = tl_doc_category("c0000000-0000-4000-8000-000000000000", 1,
	    "Company", NULL);
	tl_import_xml(st, d);
	free(d);
	for (i = 1; i <= 12; i++) {
		snprintf(cat, sizeof(cat), "c0000000-0000-4000-8000-%012d", i);
		d = tl_doc_category(cat, 1, "Product",
		    "@c0000000-0000-4000-8000-000000000000");
		tl_import_xml(st, d);
		free(d);
	}
	for (i = 0; i < n; i++) {
		snprintf(uid, sizeof(uid), "a0000000-0000-4000-8000-%012d", i);
		snprintf(prereq, sizeof(prereq),
		    "@c0000000-0000-4000-8000-%012d", 1 + i % 12);
		memset(digest, 0, sizeof(digest));
		memcpy(digest, &i, sizeof(i));
		base64_encode(digest, 20, sha);
		d = tl_doc_software(uid, 200, true, prereq, NULL, sha);
		tl_import_xml(st, d);
		free(d);
	}
	assert_int_equal(store_batch_end(st), STORE_OK);
	for (i = 0; i < n; i += 3) {
		snprintf(uid, sizeof(uid), "a0000000-0000-4000-8000-%012d", i);
		tl_approve(st, uid, 1, APPROVAL_INSTALL, 0);
	}
	t0 = now_s();
	c = tl_build(st, true);
	t1 = now_s();
	g = tl_groups(c, NULL, 0);
	round_of = xcalloc(catalog_revision_count(c), sizeof(*round_of));
	memset(&cl, 0, sizeof(cl));
	rounds = staged_session(c, &g, &cl, 0, round_of,
	    catalog_revision_count(c));
	t2 = now_s();
	for (k = 0; k < catalog_revision_count(c); k++)
		assert_true(round_of[k] > 0);
	assert_int_equal(cl.ninstalled + cl.nother, (size_t)n + 13);
	/* 2 category rounds + ceil(1500 / 30) leaf pages + the empty one. */
	assert_int_equal(rounds, 2 + (n + SYNC_PAGE_SIZE - 1) / SYNC_PAGE_SIZE + 1);
	print_message("catalog: build %d revisions %.1f ms; session of %d "
	    "rounds %.1f ms (%.1f us/round)\n", n + 13, (t1 - t0) * 1e3, rounds,
	    (t2 - t1) * 1e3, (t2 - t1) * 1e6 / rounds);
	free(round_of);
	free(cl.other);
	catalog_release(c);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_capture_category_rounds),
		cmocka_unit_test(test_scan_capture_driver_pass),
		cmocka_unit_test(test_flow12_bundle_round),
		cmocka_unit_test(test_staged_unfiltered_session),
		cmocka_unit_test(test_paging_truncated),
		cmocka_unit_test(test_limits_and_bad_requests),
		cmocka_unit_test(test_changed_updates),
		cmocka_unit_test(test_out_of_scope),
		cmocka_unit_test(test_approved_only_scope),
		cmocka_unit_test(test_unknown_prerequisite_unsatisfied),
		cmocka_unit_test(test_concurrent_sessions),
		cmocka_unit_test(test_larger_catalog_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
