/*
 * test_catalog.c — the in-memory update catalog (src/wusp/catalog.c):
 * building from a store loaded through the real importer with the real
 * update documents, core fragments escaped exactly as the real WSUS sent
 * them, IsLeaf, lookups, scope with approvals inherited through nested
 * groups, NotApproved blocks, conflicting approvals of several groups,
 * declines, synthetic deployment ids, and the shared holder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/encode.h"
#include "util/xml_escape.h"
#include "catalog/catalog.h"
#include "catalog_testlib.h"

/* XML-escape as WSUS does for <Xml> (& < > CR; quotes literal): the
 * catalog's own mode, XML_ESC_TEXT. */
static char *
escape(const char *s)
{
	struct buf b;

	buf_init(&b, 1 << 24);
	assert_int_equal(xml_escape(&b, s, strlen(s), XML_ESC_TEXT, NULL), 0);
	assert_false(b.failed);
	return buf_steal(&b, NULL);
}

/* Every fixture revision's core fragment, escaped, equals the escaped
 * core fragment the real WSUS sent for it; two of them byte for byte
 * against the <Xml> of the native captures scan/06 and scan/08. */
static void
test_core_fragments_match_real_server(void **state)
{
	static const char *docs[][2] = {
		{ U_MICROSOFT, "56309036-4c77-4dd9-951a-99ee9c246a94-r101" },
		{ U_WINDOWS, "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100" },
		{ U_OOBE_ZDP, "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202" },
		{ U_KB2267602, "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200" },
		{ U_DELTA547, "266f6222-c89d-43f2-9f8a-69340271e677-r200" },
		{ U_DELTA539, "7366a74a-ef29-44e1-b738-570b516aca1f-r200" },
		{ U_ENGINE, "ff36f0b5-dded-4780-8664-cd78af8b62c1-r200" },
		{ U_HIDDEN24, "1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200" },
		{ U_HIDDEN4, "ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200" },
	};
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	const struct catalog_rev *rev;
	char path[256], *core, *esc, *cap;
	size_t i;

	(void)state;
	assert_int_equal(catalog_revision_count(c), 9 + 6);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		rev = catalog_rev_by_update(c, docs[i][0]);
		assert_non_null(rev);
		assert_int_equal(rev->revision_id, tl_rev(st, docs[i][0]));
		snprintf(path, sizeof(path), "wusp-client-fragments/%s.core.xml",
		    docs[i][1]);
		core = tl_read(tl_fixture(path), NULL);
		esc = escape(core);
		assert_string_equal(rev->core_xml, esc);
		assert_int_equal(rev->core_xml_len, strlen(esc));
		free(core);
		free(esc);
	}
	cap = tl_capture_xml(tl_fixture("wusp-native-capture/"
	    "06-SyncUpdates-first.response.xml"), 0);
	assert_string_equal(catalog_rev_by_update(c, U_MICROSOFT)->core_xml, cap);
	free(cap);
	cap = tl_capture_xml(tl_fixture("wusp-native-capture/"
	    "08-SyncUpdates-third-leaf.response.xml"), 0);
	assert_string_equal(catalog_rev_by_update(c, U_OOBE_ZDP)->core_xml, cap);
	free(cap);
	catalog_release(c);
	store_close(st);
}

static void
test_escaping_of_synthetic_core(void **state)
{
	struct store *st = tl_store();
	struct catalog *c;
	const struct catalog_rev *rev;
	char *d;

	(void)state;
	d = tl_doc_software("11111111-2222-3333-4444-555555555555", 5, true,
	    NULL, NULL, NULL);
	tl_import_xml(st, d);
	free(d);
	c = tl_build(st, true);
	rev = catalog_rev_by_update(c, "11111111-2222-3333-4444-555555555555");
	assert_non_null(rev);
	/* The attribute value "Test &amp; Co" in the fragment becomes
	 * "&amp;amp;" in the <Xml> text; no raw markup remains. */
	assert_non_null(strstr(rev->core_xml, "Test &amp;amp; Co"));
	assert_null(strchr(rev->core_xml, '<'));
	assert_null(strchr(rev->core_xml, '>'));
	assert_non_null(strstr(rev->core_xml, "UpdateID=\""));	/* quotes literal */
	assert_int_equal(strlen(rev->core_xml), rev->core_xml_len);
	catalog_release(c);
	store_close(st);
}

static void
test_isleaf_types_files(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c = tl_build(st, true);
	const struct catalog_rev *rev;
	const struct catalog_file *f;
	uint8_t sha1[20];
	size_t n;

	(void)state;
	/* Named by some prerequisite (category chains count) -> non-leaf. */
	assert_false(catalog_rev_by_update(c, U_MICROSOFT)->is_leaf);
	assert_false(catalog_rev_by_update(c, U_WINDOWS)->is_leaf);
	assert_false(catalog_rev_by_update(c, U_DEFENDER)->is_leaf);
	assert_false(catalog_rev_by_update(c, U_DEFS)->is_leaf);
	assert_false(catalog_rev_by_update(c, U_DET_A)->is_leaf);
	/* Bundle membership does not make non-leaf (wusp.md 4.6 item 5). */
	assert_true(catalog_rev_by_update(c, U_OOBE_ZDP)->is_leaf);
	assert_true(catalog_rev_by_update(c, U_KB2267602)->is_leaf);
	assert_true(catalog_rev_by_update(c, U_DELTA547)->is_leaf);
	assert_true(catalog_rev_by_update(c, U_HIDDEN24)->is_leaf);

	rev = catalog_rev_by_update(c, "266F6222-C89D-43F2-9F8A-69340271E677");
	assert_non_null(rev);			/* any case */
	assert_int_equal(rev->type, UPDATE_TYPE_SOFTWARE);
	assert_int_equal(rev->revision_number, 200);
	assert_int_equal(rev->nfiles, 1);
	assert_non_null(strstr(rev->files[0].name, ".exe"));
	assert_true(rev->files[0].size > 1000000);
	f = catalog_file_find(c, rev->files[0].sha1);
	assert_ptr_equal(f, &rev->files[0]);
	assert_int_equal(catalog_rev_by_update(c, U_WINDOWS)->category_kind,
	    CATEGORY_KIND_PRODUCT_FAMILY);
	assert_int_equal(catalog_rev_by_update(c, U_DET_A)->type,
	    UPDATE_TYPE_DETECTOID);

	/* Lookups of things that are not there. */
	memset(sha1, 0xAB, sizeof(sha1));
	assert_null(catalog_file_find(c, sha1));
	assert_null(catalog_rev_by_update(c, "not-a-guid"));
	assert_null(catalog_rev_by_update(c, NULL));
	assert_null(catalog_rev_by_update(c, "00000000-0000-0000-0000-000000000001"));
	assert_null(catalog_rev_by_id(c, 0));
	assert_null(catalog_rev_by_id(c, -5));
	assert_null(catalog_rev_by_id(c, 999999));
	n = catalog_revision_count(c);
	assert_null(catalog_rev_at(c, n));
	assert_ptr_equal(catalog_rev_at(c, 0), catalog_rev_by_id(c,
	    catalog_rev_at(c, 0)->revision_id));
	catalog_release(c);
	store_close(st);
}

/* Approvals inherit down nested groups; a NotApproved on a child blocks
 * the inherited approval; Install beats Uninstall across groups; the
 * earliest deadline wins. */
static void
test_inheritance_and_blocks(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c;
	struct catalog_groups g;
	struct catalog_deployment d;
	const struct catalog_rev *kb, *old;
	int64_t parent, child, other, all = 1, did_all, did_other, did_parent;

	(void)state;
	parent = tl_group(st, "Parent", 0);
	child = tl_group(st, "Child", parent);
	other = tl_group(st, "Other", 0);
	did_all = tl_approve(st, U_KB2267602, all, APPROVAL_INSTALL, 0);

	c = tl_build(st, false);
	kb = catalog_rev_by_update(c, U_KB2267602);
	old = catalog_rev_by_update(c, U_OLDBUNDLE);
	g = tl_groups(c, &child, 1);
	assert_true(catalog_deployment(c, &g, kb, &d));
	assert_int_equal(d.action, CATALOG_ACTION_INSTALL);
	assert_int_equal(d.id, did_all);
	assert_true(d.is_assigned);
	assert_int_equal(d.deadline, 0);
	assert_int_equal(strlen(d.last_change_date), 10);
	assert_int_equal(d.last_change_date[4], '-');
	/* Not approved and offer_unapproved off: out of scope. */
	assert_false(catalog_rev_in_scope(c, &g, old));
	assert_false(catalog_deployment(c, &g, old, &d));
	/* Bundle members and prerequisites of the approved one are in. */
	assert_true(catalog_in_scope(c, &g, tl_rev(st, U_DELTA547)));
	assert_true(catalog_in_scope(c, &g, tl_rev(st, U_ENGINE)));
	assert_true(catalog_in_scope(c, &g, tl_rev(st, U_DET_A)));
	assert_true(catalog_file_in_scope(c, &g,
	    catalog_rev_by_update(c, U_DELTA547)->files[0].sha1));
	assert_false(catalog_file_in_scope(c, &g,
	    catalog_rev_by_update(c, U_DELTA539)->files[0].sha1));
	catalog_release(c);

	/* A block on the child; the parent still inherits. */
	tl_approve(st, U_KB2267602, child, APPROVAL_NOT_APPROVED, 0);
	did_parent = tl_approve(st, U_OLDBUNDLE, parent, APPROVAL_UNINSTALL, 0);
	c = tl_build(st, false);
	kb = catalog_rev_by_update(c, U_KB2267602);
	old = catalog_rev_by_update(c, U_OLDBUNDLE);
	g = tl_groups(c, &child, 1);
	assert_false(catalog_rev_in_scope(c, &g, kb));
	assert_true(catalog_deployment(c, &g, old, &d));
	assert_int_equal(d.action, CATALOG_ACTION_UNINSTALL);
	assert_int_equal(d.id, did_parent);
	g = tl_groups(c, &parent, 1);
	assert_true(catalog_deployment(c, &g, kb, &d));
	assert_int_equal(d.action, CATALOG_ACTION_INSTALL);
	catalog_release(c);

	/* With offer_unapproved the blocked update is PreDeploymentCheck. */
	c = tl_build(st, true);
	kb = catalog_rev_by_update(c, U_KB2267602);
	g = tl_groups(c, &child, 1);
	assert_true(catalog_deployment(c, &g, kb, &d));
	assert_int_equal(d.action, CATALOG_ACTION_PREDEPLOYMENT_CHECK);
	assert_true(d.id >= CATALOG_SYNTH_DEPLOYMENT_BASE);
	catalog_release(c);

	/* Two groups: Install in one, Uninstall in the other -> Install;
	 * two Installs with deadlines -> the earlier deadline. */
	did_other = tl_approve(st, U_OLDBUNDLE, other, APPROVAL_INSTALL, 2000000000);
	tl_approve(st, U_OLDBUNDLE, all, APPROVAL_INSTALL, 1900000000);
	c = tl_build(st, false);
	{
		int64_t ids[2] = { parent, other };
		int64_t ids2[2] = { other, 2 /* Unassigned */ };

		old = catalog_rev_by_update(c, U_OLDBUNDLE);
		g = tl_groups(c, ids, 2);
		assert_int_equal(g.n, 2);
		assert_true(catalog_deployment(c, &g, old, &d));
		assert_int_equal(d.action, CATALOG_ACTION_INSTALL);
		assert_int_equal(d.id, did_other);
		assert_int_equal(d.deadline, 2000000000);
		g = tl_groups(c, ids2, 2);
		assert_true(catalog_deployment(c, &g, old, &d));
		assert_int_equal(d.deadline, 1900000000);	/* All Computers' */
	}
	catalog_release(c);
	store_close(st);
}

/* Declined updates are never in scope (not even as PreDeploymentCheck
 * or as a bundle member); unknown groups fall back to Unassigned. */
static void
test_declined_and_groups(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c;
	struct catalog_groups g;
	const struct catalog_rev *old;
	int64_t bogus[3] = { 999, 1, 1 };
	uint8_t guids[2][16];

	(void)state;
	assert_int_equal(store_decline(st, U_OLDBUNDLE, true), STORE_OK);
	c = tl_build(st, true);
	old = catalog_rev_by_update(c, U_OLDBUNDLE);
	assert_true(old->declined);
	g = tl_groups(c, NULL, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.idx[0], catalog_group_index_guid(c,
	    GROUP_UNASSIGNED_GUID));
	assert_false(catalog_rev_in_scope(c, &g, old));
	/* 7366a74a was only there as a member of the declined bundle and is
	 * not explicitly deployable. */
	assert_false(catalog_in_scope(c, &g, tl_rev(st, U_DELTA539)));
	assert_true(catalog_in_scope(c, &g, tl_rev(st, U_KB2267602)));
	assert_true(catalog_in_scope(c, &g, tl_rev(st, U_OOBE_ZDP)));
	assert_false(catalog_in_scope(c, &g, 424242));

	/* Unknown and duplicate ids; GUIDs. */
	g = tl_groups(c, bogus, 3);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.idx[0], catalog_group_index(c, 1));
	assert_int_equal(catalog_group_index(c, 12345), -1);
	assert_int_equal(catalog_group_index_guid(c, "junk"), -1);
	memset(guids, 0x11, sizeof(guids));
	assert_int_equal(catalog_groups_from_guids(c, guids, 2, &g), 1);
	assert_int_equal(g.idx[0], catalog_group_index_guid(c,
	    GROUP_UNASSIGNED_GUID));
	assert_int_equal(catalog_groups_from_guids(c, NULL, 0, &g), 1);
	catalog_release(c);
	store_close(st);
}

/* Synthetic deployment ids: Evaluate / Bundle / PreDeploymentCheck ids
 * are above the base, distinct per kind, and stable across rebuilds. */
static void
test_synthetic_deployments(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog *c1, *c2;
	struct catalog_groups g;
	struct catalog_deployment d1, d2;
	const char *uids[] = { U_MICROSOFT, U_DET_A, U_DELTA539, U_OLDBUNDLE,
	    U_KB2267602 };
	const enum catalog_action want[] = { CATALOG_ACTION_EVALUATE,
	    CATALOG_ACTION_EVALUATE, CATALOG_ACTION_BUNDLE,
	    CATALOG_ACTION_PREDEPLOYMENT_CHECK,
	    CATALOG_ACTION_PREDEPLOYMENT_CHECK };
	size_t i;

	(void)state;
	c1 = tl_build(st, true);
	c2 = tl_build(st, true);
	g = tl_groups(c1, NULL, 0);
	for (i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		const struct catalog_rev *r1 = catalog_rev_by_update(c1, uids[i]);
		const struct catalog_rev *r2 = catalog_rev_by_update(c2, uids[i]);

		assert_true(catalog_deployment(c1, &g, r1, &d1));
		assert_true(catalog_deployment(c2, &g, r2, &d2));
		assert_int_equal(d1.action, want[i]);
		assert_string_equal(catalog_action_name(d1.action),
		    i < 2 ? "Evaluate" : i == 2 ? "Bundle" : "PreDeploymentCheck");
		assert_int_equal(d1.id, d2.id);
		assert_true(d1.id >= CATALOG_SYNTH_DEPLOYMENT_BASE);
		assert_int_equal(d1.id, CATALOG_SYNTH_DEPLOYMENT_BASE +
		    4 * r1->revision_id + (i < 2 ? 0 : i == 2 ? 1 : 2));
		assert_true(d1.is_assigned);
		assert_int_equal(d1.deadline, 0);
		assert_string_equal(d1.last_change_date, d2.last_change_date);
	}
	/* A revision of another snapshot is refused. */
	assert_false(catalog_deployment(c1, &g, catalog_rev_by_update(c2,
	    U_KB2267602), &d1));
	assert_string_equal(catalog_action_name(CATALOG_ACTION_INSTALL),
	    "Install");
	assert_string_equal(catalog_action_name(CATALOG_ACTION_UNINSTALL),
	    "Uninstall");
	catalog_release(c1);
	catalog_release(c2);
	store_close(st);
}

/* Older revisions: only the newest is in the catalog, the old id maps to
 * the update (for InstalledNonLeafUpdateIDs). */
static void
test_newest_revision_only(void **state)
{
	struct store *st = tl_store();
	struct catalog *c;
	const char *uid = "abcdefab-0000-4000-8000-000000000001";
	int64_t r100, r101;
	char *d;

	(void)state;
	d = tl_doc_detectoid(uid, 100, NULL);
	tl_import_xml(st, d);
	free(d);
	assert_int_equal(store_revision_lookup(st, uid, 100, &r100), STORE_OK);
	d = tl_doc_detectoid(uid, 101, NULL);
	tl_import_xml(st, d);
	free(d);
	assert_int_equal(store_revision_lookup(st, uid, 101, &r101), STORE_OK);
	c = tl_build(st, true);
	assert_int_equal(catalog_revision_count(c), 1);
	assert_null(catalog_rev_by_id(c, (int32_t)r100));
	assert_non_null(catalog_rev_by_id(c, (int32_t)r101));
	assert_int_equal(catalog_rev_by_update(c, uid)->revision_number, 101);
	catalog_release(c);
	store_close(st);
}

static void
test_empty_store(void **state)
{
	struct store *st = tl_store();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g;

	(void)state;
	assert_int_equal(catalog_revision_count(c), 0);
	g = tl_groups(c, NULL, 0);
	assert_false(catalog_in_scope(c, &g, 1));
	assert_null(catalog_rev_at(c, 0));
	assert_true(catalog_change_seq(c) >= 0);
	catalog_release(c);
	store_close(st);
}

/* A database without the schema: a clear error, no snapshot; the
 * holder has nothing to give out. */
static void
test_unmigrated_store(void **state)
{
	struct store *st = NULL;
	struct catalog *c = (struct catalog *)1;
	struct catalog_holder *h;
	char err[512];
	int64_t seq;

	(void)state;
	assert_int_equal(store_open("sqlite::memory:", &st, err, sizeof(err)),
	    STORE_OK);
	assert_int_equal(catalog_build(st, NULL, &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_non_null(strstr(err, "postinstall"));
	assert_int_not_equal(store_change_seq(st, &seq), STORE_OK);
	h = catalog_holder_new(NULL, 0);
	assert_null(catalog_holder_get(h, st));
	assert_int_equal(catalog_holder_refresh(h, st, false, err,
	    sizeof(err)), -1);
	catalog_holder_free(h);
	store_close(st);
}

/* The holder: builds on first use, keeps the snapshot while nothing
 * changes, rebuilds after a change, and old references stay valid. */
static void
test_holder(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog_holder *h = catalog_holder_new(NULL, 0);
	const struct catalog *c1, *c2, *c3;
	char err[256];

	(void)state;
	assert_null(catalog_holder_get(h, NULL));	/* nothing built yet */
	c1 = catalog_holder_get(h, st);
	assert_non_null(c1);
	c2 = catalog_holder_get(h, st);
	assert_ptr_equal(c1, c2);			/* no change: same snapshot */
	catalog_release(c2);
	tl_approve(st, U_KB2267602, 1, APPROVAL_INSTALL, 0);
	c3 = catalog_holder_get(h, st);
	assert_ptr_not_equal(c1, c3);
	assert_true(catalog_change_seq(c3) > catalog_change_seq(c1));
	/* c1 is still usable after the holder dropped it. */
	assert_non_null(catalog_rev_by_update(c1, U_KB2267602));
	catalog_release(c1);
	catalog_release(c3);
	assert_int_equal(catalog_holder_refresh(h, st, true, err, sizeof(err)), 0);
	c1 = catalog_holder_get(h, NULL);
	assert_non_null(c1);
	catalog_release(c1);
	catalog_holder_free(h);

	/* A long poll interval: no rebuild until refresh. */
	h = catalog_holder_new(NULL, 3600 * 1000);
	c1 = catalog_holder_get(h, st);
	tl_approve(st, U_OLDBUNDLE, 1, APPROVAL_INSTALL, 0);
	c2 = catalog_holder_get(h, st);
	assert_ptr_equal(c1, c2);
	catalog_release(c2);
	assert_int_equal(catalog_holder_refresh(h, st, false, err, sizeof(err)), 0);
	c2 = catalog_holder_get(h, st);
	assert_ptr_not_equal(c1, c2);
	catalog_release(c1);
	catalog_release(c2);
	catalog_holder_free(h);
	store_close(st);
}

/*
 * What the server-sync protocol (MS-WSUSSS) reads: every approval row and
 * tombstone as the store lists them, IsCategory prerequisites by id,
 * bundled members, the change number, "approved", the extended-fragment
 * properties (kept across snapshots) and the counter-exact holder.
 */
static void
test_server_sync_view(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog_holder *h = catalog_holder_new(NULL, 3600 * 1000);
	const struct catalog *c1, *c2;
	const struct catalog_rev *v, *m;
	const struct catalog_approval *a;
	const struct catalog_tombstone *t;
	struct catalog_extprops p, q;
	int64_t grp, seq;
	char err[256];
	size_t i;
	bool seen_defender = false, seen_defs = false, seen_member = false;

	(void)state;
	grp = tl_group(st, "Servers", 0);
	tl_approve(st, U_KB2267602, 1, APPROVAL_INSTALL, 0);
	tl_approve(st, U_OLDBUNDLE, grp, APPROVAL_UNINSTALL, 0);
	tl_approve(st, U_ENGINE, grp, APPROVAL_INSTALL, 0);
	assert_int_equal(store_unapprove(st, U_ENGINE, grp), STORE_OK);
	assert_int_equal(store_change_seq(st, &seq), STORE_OK);
	c1 = catalog_holder_get_at(h, st, seq, err, sizeof(err));
	assert_non_null(c1);
	assert_int_equal(catalog_change_seq(c1), seq);

	assert_int_equal(catalog_approval_count(c1), 2);
	assert_null(catalog_approval_at(c1, 2));
	for (i = 0; i < catalog_approval_count(c1); i++) {
		a = catalog_approval_at(c1, i);
		assert_non_null(a->rev);
		assert_string_equal(a->rev->update_id, a->update_id);
		assert_true(a->deployment_id > 0);
		assert_true(a->change_seq > 0 && a->change_seq <= seq);
		assert_true(a->created > 0);
		if (strcmp(a->update_id, U_KB2267602) == 0) {
			assert_int_equal(a->group_id, 1);
			assert_int_equal(a->action, APPROVAL_INSTALL);
		} else {
			assert_string_equal(a->update_id, U_OLDBUNDLE);
			assert_int_equal(a->group_id, grp);
			assert_int_equal(a->action, APPROVAL_UNINSTALL);
		}
	}
	assert_int_equal(catalog_tombstone_count(c1), 1);
	t = catalog_tombstone_at(c1, 0);
	assert_string_equal(t->update_id, U_ENGINE);
	assert_true(t->change_seq > 0 && t->deleted > 0);
	assert_null(catalog_tombstone_at(c1, 1));

	/* Install approvals only make "approved". */
	assert_true(catalog_rev_by_update(c1, U_KB2267602)->approved);
	assert_false(catalog_rev_by_update(c1, U_OLDBUNDLE)->approved);
	assert_false(catalog_rev_by_update(c1, U_ENGINE)->approved);

	/* 74e87997: @Defender @Definitions, bundles 7366a74a. */
	v = catalog_rev_by_update(c1, U_OLDBUNDLE);
	assert_true(v->change_seq > 0);
	assert_int_equal(v->ncategories, 2);
	for (i = 0; i < v->ncategories; i++) {
		seen_defender |= strcmp(v->categories[i], U_DEFENDER) == 0;
		seen_defs |= strcmp(v->categories[i], U_DEFS) == 0;
	}
	assert_true(seen_defender && seen_defs);
	m = catalog_rev_by_update(c1, U_DELTA539);
	for (i = 0; i < v->nbundled; i++)
		seen_member |= catalog_rev_at(c1, v->bundled[i]) == m;
	assert_true(seen_member);
	assert_int_equal(catalog_rev_by_update(c1, U_DET_A)->ncategories, 0);

	/* Extended-fragment properties: unset, then the first store wins. */
	assert_false(catalog_extprops_get(c1, v, &p));
	memset(&p, 0, sizeof(p));
	p.cpv_major = 1;
	p.cpv_minor = 20;
	memcpy(p.eula, U_DEFS, sizeof(p.eula));
	catalog_extprops_set(c1, v, &p);
	memset(&q, 0, sizeof(q));
	q.cpv_major = 3;
	catalog_extprops_set(c1, v, &q);
	assert_true(catalog_extprops_get(c1, v, &q));
	assert_int_equal(q.cpv_major, 1);
	assert_int_equal(q.cpv_minor, 20);
	assert_string_equal(q.eula, U_DEFS);

	/* Same counter: the same snapshot, even with a long poll interval. */
	c2 = catalog_holder_get_at(h, st, seq, err, sizeof(err));
	assert_ptr_equal(c1, c2);
	catalog_release(c2);
	/* The counter moved: a new snapshot at once, properties kept. */
	tl_approve(st, U_ENGINE, grp, APPROVAL_INSTALL, 0);
	assert_int_equal(store_change_seq(st, &seq), STORE_OK);
	c2 = catalog_holder_get_at(h, st, seq, err, sizeof(err));
	assert_ptr_not_equal(c1, c2);
	assert_int_equal(catalog_change_seq(c2), seq);
	assert_true(catalog_rev_by_update(c2, U_ENGINE)->approved);
	assert_true(catalog_extprops_get(c2,
	    catalog_rev_by_update(c2, U_OLDBUNDLE), &q));
	assert_int_equal(q.cpv_minor, 20);
	assert_false(catalog_extprops_get(c2,
	    catalog_rev_by_update(c2, U_KB2267602), &q));
	/* A revision of another snapshot is not ours. */
	assert_false(catalog_extprops_get(c2, v, &q));
	catalog_release(c1);
	catalog_release(c2);
	catalog_holder_free(h);
	store_close(st);
}

struct hthread {
	struct catalog_holder *h;
	const char *url;
	int	    ok;
};

static void *
holder_reader(void *arg)
{
	struct hthread *t = arg;
	struct catalog_groups g;
	const struct catalog *c;
	struct store *st = NULL;
	char err[256];
	int i;

	if (store_open(t->url, &st, err, sizeof(err)) != STORE_OK)
		return NULL;
	for (i = 0; i < 200; i++) {
		c = catalog_holder_get(t->h, st);
		if (c == NULL)
			break;
		catalog_groups_from_ids(c, NULL, 0, &g);
		if (catalog_in_scope(c, &g, catalog_rev_at(c, 0)->revision_id) ||
		    catalog_revision_count(c) > 0)
			t->ok++;
		catalog_release(c);
	}
	store_close(st);
	return NULL;
}

/* Several threads share one holder while another thread changes the
 * store (a file database: each thread has its own handle). */
static void
test_holder_threads(void **state)
{
	char dir[] = "/tmp/catalog-test-XXXXXX", url[300], path[280];
	struct hthread t[4];
	pthread_t th[4];
	struct store *st = NULL;
	struct catalog_holder *h;
	char err[256];
	int from, to, i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db", dir);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(store_open(url, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_migrate(st, &from, &to), STORE_OK);
	tl_import_fixtures(st);
	tl_import_standins(st);
	h = catalog_holder_new(NULL, 0);
	for (i = 0; i < 4; i++) {
		t[i].h = h;
		t[i].url = url;
		t[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, holder_reader,
		    &t[i]), 0);
	}
	for (i = 0; i < 20; i++)
		tl_approve(st, i % 2 ? U_KB2267602 : U_OLDBUNDLE, 1,
		    i % 3 ? APPROVAL_INSTALL : APPROVAL_UNINSTALL, 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].ok, 200);
	}
	catalog_holder_free(h);
	store_close(st);
	unlink(path);
	snprintf(path, sizeof(path), "%s/db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/db-shm", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_fragments_match_real_server),
		cmocka_unit_test(test_escaping_of_synthetic_core),
		cmocka_unit_test(test_isleaf_types_files),
		cmocka_unit_test(test_inheritance_and_blocks),
		cmocka_unit_test(test_declined_and_groups),
		cmocka_unit_test(test_synthetic_deployments),
		cmocka_unit_test(test_newest_revision_only),
		cmocka_unit_test(test_empty_store),
		cmocka_unit_test(test_unmigrated_store),
		cmocka_unit_test(test_holder),
		cmocka_unit_test(test_server_sync_view),
		cmocka_unit_test(test_holder_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
