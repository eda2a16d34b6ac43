/*
 * test_store_computers.c — computers in the SQLite backend: registration
 * and re-registration, groups and client-side targeting, duplicate
 * detection (cloned images), find, list and delete (docs/REPORTING.md).
 * Events, update states, compliance and wsusctl are in
 * test_store_reporting.c; shared helpers in computers_test.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"
#include "computers_test.h"
#include "store_test.h"

/* ---- registration ---- */

static void
test_register(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_computer_info ci;
	struct store_register_result r;
	struct crow c;
	int64_t id, registered = -1;
	char big[COMPUTER_STR_MAX + 2], gs[128];

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	/* Contact (GetAuthorizationCookie) creates an unregistered computer. */
	assert_int_equal(store_computer_contact(st, CID_A, "pc-a.corp.example",
	    NULL, "192.0.2.10", T0), STORE_OK);
	id = find(st, CID_A);
	c = get(st, id);
	assert_string_equal(c.dns, "pc-a.corp.example");
	assert_int_equal(c.registered, 0);
	assert_int_equal(c.last_contact, T0);
	assert_string_equal(c.groups, "Unassigned Computers");
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, "2");
	assert_int_equal(store_computer_groups(st, CID_A,
	    (struct store_group_ref[1]){ { 0, "" } }, 1, &(size_t){ 0 },
	    &registered), STORE_OK);
	assert_int_equal(registered, 0);

	/* RegisterComputer fills the rest. */
	ci = info("pc-a.corp.example", "Standard PC (Q35 + ICH9, 2009)", "1.0");
	assert_int_equal(store_computer_register(st, CID_A, &ci, T0 + 5, &r),
	    STORE_OK);
	assert_false(r.created);
	assert_false(r.duplicate);
	assert_int_equal(r.computer_id, id);
	c = get(st, id);
	assert_int_equal(c.registered, T0 + 5);
	assert_int_equal(c.build, 26200);
	assert_string_equal(c.version, "1507.2601.30012.0");
	assert_string_equal(c.model, "Standard PC (Q35 + ICH9, 2009)");
	assert_string_equal(c.ip, "192.0.2.10");

	/* Re-registering updates the fields, not the identity of the row. */
	ci.os_build = 26300;
	ci.client_build = 30100;
	ci.ip_address = "192.0.2.77";
	assert_int_equal(store_computer_register(st, CID_A, &ci, T0 + 60, &r),
	    STORE_OK);
	assert_int_equal(r.computer_id, id);
	c = get(st, id);
	assert_int_equal(c.build, 26300);
	assert_string_equal(c.version, "1507.2601.30100.0");
	assert_string_equal(c.ip, "192.0.2.77");
	assert_int_equal(c.registered, T0 + 60);
	assert_int_equal(c.identities, 1);
	assert_int_equal(c.dup, 0);

	/* A registration without contact creates the computer. */
	ci = info("pc-b", "m", "1.0");
	assert_int_equal(store_computer_register(st, CID_B, &ci, T0, &r),
	    STORE_OK);
	assert_true(r.created);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computers"), 2);

	/* SyncUpdates seen. */
	assert_int_equal(store_computer_synced(st, CID_A, T0 + 100), STORE_OK);
	assert_int_equal(get(st, id).last_sync, T0 + 100);
	assert_int_equal(store_computer_synced(st, CID_C, T0), STORE_NOTFOUND);

	/* Bad input changes nothing. */
	assert_int_equal(store_computer_register(st, "E1DA06A3", &ci, T0, &r),
	    STORE_INVALID);
	assert_int_equal(store_computer_register(st, "", &ci, T0, &r),
	    STORE_INVALID);
	assert_int_equal(store_computer_register(st, "a_b", &ci, T0, &r),
	    STORE_INVALID);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_computer_contact(st, big, NULL, NULL, NULL, T0),
	    STORE_INVALID);
	ci = info(big, "m", "1.0");
	assert_int_equal(store_computer_register(st, CID_C, &ci, T0, &r),
	    STORE_INVALID);
	ci = info("pc-c", "bad\001model", "1.0");
	assert_int_equal(store_computer_register(st, CID_C, &ci, T0, &r),
	    STORE_INVALID);
	assert_int_equal(store_computer_register(st, CID_C, NULL, T0, &r),
	    STORE_INVALID);
	assert_int_equal(store_computer_contact(st, CID_C, "pc-c", big, NULL,
	    T0), STORE_OK);	/* 258 bytes is a fine claim */
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computers"), 3);
	assert_int_equal(get(st, id).build, 26300);

	/* Unknown computer: NOTFOUND, but the caller still gets Unassigned. */
	assert_int_equal(groups_of(st, "no-such-client", gs, sizeof(gs)),
	    STORE_NOTFOUND);
	assert_string_equal(gs, "2");

	store_close(st);
	tdb_remove(&t);
}

/* ---- groups and targeting ---- */

static void
test_targeting(void **state)
{
	struct store *st;
	struct tdb t;
	enum targeting_mode mode = TARGETING_CLIENT;
	int64_t ring1, ring2, sub, a, b;
	char gs[128], want[64];

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	assert_int_equal(store_group_create(st, "Ring1", 0, &ring1), STORE_OK);
	assert_int_equal(store_group_create(st, "Ring2", 0, &ring2), STORE_OK);
	assert_int_equal(store_group_create(st, "Ring1 Sub", ring1, &sub),
	    STORE_OK);

	/* Default: server-side targeting, as WSUS. */
	assert_int_equal(store_targeting_get(st, &mode), STORE_OK);
	assert_int_equal(mode, TARGETING_SERVER);

	assert_int_equal(store_computer_contact(st, CID_A, "pc-a", " ring1 ;"
	    "RING2;Nope;;All Computers", NULL, T0), STORE_OK);
	assert_int_equal(store_computer_contact(st, CID_B, "pc-b", "Nope",
	    NULL, T0), STORE_OK);
	a = find(st, CID_A);
	b = find(st, CID_B);
	/* Server mode ignores the claims: everyone Unassigned. */
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, "2");
	assert_string_equal(get(st, a).claim, " ring1 ;RING2;Nope;;All Computers");

	/* Server-side assignment. */
	assert_int_equal(store_computer_move(st, a, sub), STORE_OK);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)sub);
	assert_string_equal(gs, want);
	assert_string_equal(get(st, a).groups, "Ring1 Sub");
	/* Members of Ring1 include its subgroups; Unassigned is the rest. */
	assert_int_equal(list(st, ring1, false, NULL, 0, 0).n, 1);
	assert_int_equal(list(st, sub, false, NULL, 0, 0).n, 1);
	assert_int_equal(list(st, ring2, false, NULL, 0, 0).n, 0);
	assert_int_equal(list(st, 2, false, NULL, 0, 0).n, 1);
	assert_int_equal(list(st, 1, false, NULL, 0, 0).n, 2);
	assert_int_equal(list(st, 0, false, NULL, 0, 0).n, 2);
	/* All Computers is not a target; missing objects are NOTFOUND. */
	assert_int_equal(store_computer_move(st, a, 1), STORE_INVALID);
	assert_int_equal(store_computer_move(st, a, 9999), STORE_NOTFOUND);
	assert_int_equal(store_computer_move(st, 9999, ring1), STORE_NOTFOUND);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, want);
	/* Moving again replaces; Unassigned clears. */
	assert_int_equal(store_computer_move(st, a, ring2), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)ring2);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, want);
	assert_int_equal(store_computer_move(st, b, 2), STORE_OK);
	assert_int_equal(groups_of(st, CID_B, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, "2");

	/* Client-side targeting: the claimed groups that exist count. */
	assert_int_equal(store_targeting_set(st, TARGETING_CLIENT), STORE_OK);
	assert_int_equal(store_targeting_get(st, &mode), STORE_OK);
	assert_int_equal(mode, TARGETING_CLIENT);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	snprintf(want, sizeof(want), "%lld,%lld", (long long)ring1,
	    (long long)ring2);
	assert_string_equal(gs, want);
	assert_string_equal(get(st, a).groups, "Ring1; Ring2");
	/* Unknown names only: Unassigned, as WSUS. */
	assert_int_equal(groups_of(st, CID_B, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, "2");
	/* A new claim replaces the old one; no claim means none. */
	assert_int_equal(store_computer_contact(st, CID_A, "pc-a", "Ring1 Sub",
	    NULL, T0 + 1), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)sub);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, want);
	assert_int_equal(list(st, ring1, false, NULL, 0, 0).n, 1);
	assert_int_equal(store_computer_contact(st, CID_A, "pc-a", NULL, NULL,
	    T0 + 2), STORE_OK);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, "2");
	/* Back to server mode: the administrator's assignment is kept. */
	assert_int_equal(store_targeting_set(st, TARGETING_SERVER), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)ring2);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, want);
	assert_int_equal(store_targeting_set(st, (enum targeting_mode)7),
	    STORE_INVALID);

	/* Deleting a group moves its members up to the parent... */
	assert_int_equal(store_computer_move(st, a, sub), STORE_OK);
	assert_int_equal(store_group_delete(st, sub), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)ring1);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, want);
	/* ...and under All Computers to Unassigned. */
	assert_int_equal(store_group_delete(st, ring1), STORE_OK);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	assert_string_equal(gs, "2");

	store_close(st);
	tdb_remove(&t);
}

/* ---- duplicates (cloned images) ---- */

struct idents {
	int	 n;
	char	 dns[8][64];
	bool	 current[8];
};

static int
ident_cb(const struct store_computer_identity *i, void *arg)
{
	struct idents *x = arg;

	if (x->n < 8) {
		snprintf(x->dns[x->n], sizeof(x->dns[0]), "%s", i->dns_name);
		x->current[x->n] = i->current;
	}
	x->n++;
	return 0;
}

static void
test_duplicates(void **state)
{
	struct store *st;
	struct tdb t;
	struct idents ids;
	int64_t a, c;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);

	/* Two machines from one image alternate under one SusClientId. */
	assert_int_equal(store_computer_contact(st, CID_A, "clone-1", NULL,
	    NULL, T0), STORE_OK);
	reg(st, CID_A, "clone-1", "Model X", T0 + 1, false);
	assert_int_equal(store_computer_contact(st, CID_A, "clone-2", NULL,
	    NULL, T0 + 100), STORE_OK);
	reg(st, CID_A, "clone-2", "Model Y", T0 + 101, false);
	a = find(st, CID_A);
	assert_int_equal(get(st, a).dup, 0);
	assert_int_equal(list(st, 0, true, NULL, 0, 0).n, 0);
	/* The first one comes back: flagged, once per switch. */
	assert_int_equal(store_computer_contact(st, CID_A, "clone-1", NULL,
	    NULL, T0 + 200), STORE_OK);
	assert_int_equal(get(st, a).dup, 1);
	reg(st, CID_A, "clone-1", "Model X", T0 + 201, false);
	assert_int_equal(get(st, a).dup, 1);
	reg(st, CID_A, "clone-2", "Model Y", T0 + 300, true);
	assert_int_equal(get(st, a).dup, 2);
	assert_int_equal(get(st, a).identities, 2);
	memset(&ids, 0, sizeof(ids));
	assert_int_equal(store_computer_identities(st, a, ident_cb, &ids),
	    STORE_OK);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.dns[0], "clone-2");
	assert_true(ids.current[0]);
	assert_false(ids.current[1]);
	assert_int_equal(list(st, 0, true, NULL, 0, 0).n, 1);
	/* Same name, other hardware (a clone that kept the host name). */
	reg(st, CID_B, "same-name", "Model X", T0, false);
	reg(st, CID_B, "same-name", "Model Y", T0 + 10, false);
	reg(st, CID_B, "same-name", "Model X", T0 + 20, true);

	/* A renamed computer is not a duplicate; nor a return after long. */
	reg(st, CID_C, "old-name", "M", T0, false);
	reg(st, CID_C, "new-name", "M", T0 + 10, false);
	reg(st, CID_C, "old-name", "M", T0 + 10 + 31 * 86400, false);
	c = find(st, CID_C);
	assert_int_equal(get(st, c).dup, 0);
	assert_int_equal(store_computer_identities(st, 9999, ident_cb, &ids),
	    STORE_NOTFOUND);

	/* At most COMPUTER_IDENTITIES_MAX identities are kept. */
	for (int i = 0; i < 20; i++) {
		char dns[32];

		snprintf(dns, sizeof(dns), "rename-%d", i);
		reg(st, CID_C, dns, "M", T0 + 100 * 86400 + i, false);
	}
	assert_int_equal(get(st, c).identities, COMPUTER_IDENTITIES_MAX);

	store_close(st);
	tdb_remove(&t);
}

/* ---- find, list, delete ---- */

static void
test_find_list_delete(void **state)
{
	struct store *st;
	struct tdb t;
	struct names nm;
	int64_t a, id;
	char ref[32];

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	reg(st, CID_A, "PC1.corp.example", "M", T0, false);
	reg(st, CID_B, "pc2.corp.example", "M", T0, false);
	reg(st, CID_C, "pc2.other.example", "M", T0, false);
	a = find(st, CID_A);
	assert_int_equal(find(st, "E1DA06A3-5601-43C9-BAC3-52D5DB701494"), a);
	assert_int_equal(find(st, "pc1.CORP.example"), a);
	assert_int_equal(find(st, "pc1"), a);
	snprintf(ref, sizeof(ref), "#%lld", (long long)a);
	assert_int_equal(find(st, ref), a);
	assert_int_equal(store_computer_find(st, "pc2", &id), STORE_INVALID);
	assert_int_equal(store_computer_find(st, "pc9", &id), STORE_NOTFOUND);
	assert_int_equal(store_computer_find(st, "#99999", &id), STORE_NOTFOUND);
	assert_int_equal(store_computer_find(st, "", &id), STORE_INVALID);
	assert_int_equal(store_computer_find(st, "p%", &id), STORE_NOTFOUND);

	nm = list(st, 0, false, NULL, 0, 0);
	assert_int_equal(nm.n, 3);
	assert_string_equal(nm.s[0], "PC1.corp.example");	/* by name */
	assert_string_equal(nm.s[2], "pc2.other.example");
	assert_int_equal(list(st, 0, false, "CORP", 0, 0).n, 2);
	nm = list(st, 0, false, NULL, 1, 1);
	assert_int_equal(nm.n, 1);
	assert_string_equal(nm.s[0], "pc2.corp.example");

	/* Delete takes its events and states along. */
	t_sql_exec(st, "INSERT INTO events(computer_id, instance_id, event_id, "
	    "namespace_id, source_id, time_at_target, received) VALUES "
	    "((SELECT id FROM computers WHERE client_id = '" CID_A "'), "
	    "'x', 147, 1, 101, 0, 0)");
	assert_int_equal(store_computer_delete(st, a), STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computers"), 2);
	assert_int_equal(store_computer_delete(st, a), STORE_NOTFOUND);
	assert_int_equal(store_computer_get(st, a, crow_cb, &(struct crow){ 0 }),
	    STORE_NOTFOUND);

	store_close(st);
	tdb_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_targeting),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_find_list_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
