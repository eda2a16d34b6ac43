/*
 * test_store_computers.c — computers, targeting, duplicate detection,
 * events with their bounds, per-update states and the compliance
 * listings of the SQLite backend (docs/REPORTING.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "store/store.h"
#include "store_test.h"
#include "testlib.h"
#include "util/xmalloc.h"

#define CID_A	"e1da06a3-5601-43c9-bac3-52d5db701494"
#define CID_B	"7b1e5c53-0000-4000-8000-000000000002"
#define CID_C	"7b1e5c53-0000-4000-8000-000000000003"
#define U1	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"
#define U2	"0daf8592-9e3f-4a8a-9141-d83fafebd09f"
#define U3	"1594b429-a8c5-4b0d-ac86-79b0a826a847"
#define U_UNKNOWN "99999999-9999-4999-8999-999999999999"

#define T0	1790000000	/* a fixed "now" (2026) */

/* ---- helpers ---- */

static struct store_computer_info
info(const char *dns, const char *model, const char *bios)
{
	struct store_computer_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.dns_name = dns;
	ci.os_major = 10;
	ci.os_minor = 0;
	ci.os_build = 26200;
	ci.os_locale = "en-US";
	ci.manufacturer = "QEMU";
	ci.model = model;
	ci.bios_name = "EDK II";
	ci.bios_version = bios;
	ci.processor_arch = "AMD64";
	ci.client_major = 1507;
	ci.client_minor = 2601;
	ci.client_build = 30012;
	ci.client_qfe = 0;
	ci.os_description = "Windows 10 Pro";
	ci.ip_address = "192.0.2.10";
	return ci;
}

/* A copy of the interesting fields of one computer row. */
struct crow {
	int	 n;
	int64_t	 id;
	char	 client_id[64];
	char	 dns[128];
	char	 model[128];
	char	 version[64];
	char	 groups[256];
	char	 claim[256];
	char	 ip[64];
	int32_t	 build;
	int64_t	 registered, last_contact, last_sync, last_report, last_status;
	int	 dup;
	int	 identities;
	int	 counts[UPDATE_STATE_COUNT];
};

static int
crow_cb(const struct store_computer *c, void *arg)
{
	struct crow *r = arg;

	r->n++;
	r->id = c->id;
	snprintf(r->client_id, sizeof(r->client_id), "%s", c->client_id);
	snprintf(r->dns, sizeof(r->dns), "%s", c->dns_name);
	snprintf(r->model, sizeof(r->model), "%s", c->model ? c->model : "");
	snprintf(r->version, sizeof(r->version), "%s",
	    c->client_version ? c->client_version : "");
	snprintf(r->groups, sizeof(r->groups), "%s", c->groups);
	snprintf(r->claim, sizeof(r->claim), "%s",
	    c->target_claim ? c->target_claim : "(none)");
	snprintf(r->ip, sizeof(r->ip), "%s", c->ip_address ? c->ip_address : "");
	r->build = c->os_build;
	r->registered = c->registered;
	r->last_contact = c->last_contact;
	r->last_sync = c->last_sync;
	r->last_report = c->last_report;
	r->last_status = c->last_status;
	r->dup = c->duplicate_count;
	r->identities = c->identities;
	memcpy(r->counts, c->counts, sizeof(r->counts));
	return 0;
}

static struct crow
get(struct store *st, int64_t id)
{
	struct crow r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(store_computer_get(st, id, crow_cb, &r), STORE_OK);
	assert_int_equal(r.n, 1);
	return r;
}

static int64_t
find(struct store *st, const char *name)
{
	int64_t id = 0;

	assert_int_equal(store_computer_find(st, name, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

/* The effective groups as "id,id,..." */
static int
groups_of(struct store *st, const char *cid, char *out, size_t len)
{
	struct store_group_ref g[COMPUTER_GROUPS_MAX];
	size_t n = 0, i, o = 0;
	int rc;

	rc = store_computer_groups(st, cid, g, COMPUTER_GROUPS_MAX, &n, NULL);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%lld", i ? "," : "",
		    (long long)g[i].id);
	return rc;
}

struct names {
	int	 n;
	char	 s[16][128];
};

static int
names_cb(const struct store_computer *c, void *arg)
{
	struct names *nm = arg;

	if (nm->n < 16)
		snprintf(nm->s[nm->n], sizeof(nm->s[0]), "%s", c->dns_name);
	nm->n++;
	return 0;
}

static struct names
list(struct store *st, int64_t group, bool dups, const char *name,
    size_t limit, size_t offset)
{
	struct store_computer_filter f;
	struct names nm;

	memset(&f, 0, sizeof(f));
	memset(&nm, 0, sizeof(nm));
	f.group_id = group;
	f.duplicates = dups;
	f.name = name;
	f.limit = limit;
	f.offset = offset;
	assert_int_equal(store_computer_list(st, &f, names_cb, &nm), STORE_OK);
	return nm;
}

static void
reg(struct store *st, const char *cid, const char *dns, const char *model,
    int64_t now, bool expect_dup)
{
	struct store_computer_info ci = info(dns, model, "1.0");
	struct store_register_result r;

	assert_int_equal(store_computer_register(st, cid, &ci, now, &r),
	    STORE_OK);
	assert_true(r.computer_id > 0);
	assert_int_equal(r.duplicate, expect_dup);
}

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

/* ---- events and their bounds ---- */

static struct store_event
ev(int n, int32_t id, const char *uid, int64_t tat)
{
	struct store_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.instance_id, sizeof(e.instance_id),
	    "00000000-0000-4000-8000-%012d", n);
	e.event_id = id;
	e.namespace_id = 1;
	e.source_id = 101;
	e.time_at_target = tat;
	if (uid != NULL)
		snprintf(e.update_id, sizeof(e.update_id), "%s", uid);
	e.revision = 200;
	e.misc = "C=1";
	return e;
}

static int
batch(struct store *st, const char *cid, struct store_event *e, size_t n,
    struct store_status_op *ops, size_t nops, struct store_inventory *inv,
    size_t ninv, int64_t now, struct store_batch_result *r)
{
	struct store_event_batch b;
	struct store_batch_result dummy;

	memset(&b, 0, sizeof(b));
	b.events = e;
	b.nevents = n;
	b.ops = ops;
	b.nops = nops;
	b.inventories = inv;
	b.ninventories = ninv;
	return store_event_batch(st, cid, &b, now, r ? r : &dummy);
}

struct evs {
	int	 n;
	int32_t	 ids[32];
	char	 title[128];
};

static int
evs_cb(const struct store_event_row *e, void *arg)
{
	struct evs *x = arg;

	if (x->n < 32)
		x->ids[x->n] = e->event_id;
	if (e->title != NULL)
		snprintf(x->title, sizeof(x->title), "%s", e->title);
	x->n++;
	return 0;
}

static void
test_events(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[12];
	struct store_batch_result r;
	struct evs x;
	size_t n;
	int64_t a;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "Defender KB2267602");
	reg(st, CID_A, "pc-a", "M", T0, false);
	a = find(st, CID_A);

	for (int i = 0; i < 12; i++)
		e[i] = ev(i + 1, 147, NULL, T0 + i);
	e[3] = ev(4, 181, U1, T0 + 3);
	assert_int_equal(batch(st, CID_A, e, 8, NULL, 0, NULL, 0, T0 + 10, &r),
	    STORE_OK);
	assert_int_equal(r.stored, 8);
	assert_int_equal(r.duplicates, 0);
	assert_int_equal(get(st, a).last_report, T0 + 10);
	/* A resent batch is recognised by the instance ids. */
	assert_int_equal(batch(st, CID_A, e, 8, NULL, 0, NULL, 0, T0 + 20, &r),
	    STORE_OK);
	assert_int_equal(r.stored, 0);
	assert_int_equal(r.duplicates, 8);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_event_list(st, a, 0, evs_cb, &x), STORE_OK);
	assert_int_equal(x.n, 8);
	assert_string_equal(x.title, "Defender KB2267602");
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_event_list(st, a, 3, evs_cb, &x), STORE_OK);
	assert_int_equal(x.n, 3);

	/* Per-computer bound: the oldest go. */
	assert_int_equal(store_setting_set(st, SETTING_EVENTS_PER_COMPUTER, "5"),
	    STORE_OK);
	assert_int_equal(batch(st, CID_A, e + 8, 4, NULL, 0, NULL, 0, T0 + 30,
	    &r), STORE_OK);
	assert_int_equal(r.stored, 4);
	assert_int_equal(r.pruned, 7);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 5);
	assert_int_equal(t_sql_int(st, "SELECT min(received) FROM events"),
	    T0 + 10);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events WHERE "
	    "received = " "1790000030"), 4);

	/* Retention: older than N days goes at the next report. */
	assert_int_equal(store_setting_set(st, SETTING_EVENT_RETENTION_DAYS, "1"),
	    STORE_OK);
	e[0] = ev(100, 147, NULL, T0 + 86400);
	assert_int_equal(batch(st, CID_A, e, 1, NULL, 0, NULL, 0,
	    T0 + 86400 + 15, &r), STORE_OK);
	assert_int_equal(r.pruned, 1);	/* the one received at T0 + 10 */
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 5);
	/* The global prune does the same for every computer. */
	assert_int_equal(store_event_prune(st, T0 + 3 * 86400, &n), STORE_OK);
	assert_int_equal(n, 5);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"), 0);
	/* A bad setting falls back to the default. */
	assert_int_equal(store_setting_set(st, SETTING_EVENTS_PER_COMPUTER,
	    "-3"), STORE_OK);

	/* Unknown computer; bad batches change nothing. */
	e[0] = ev(200, 147, NULL, T0);
	assert_int_equal(batch(st, CID_B, e, 1, NULL, 0, NULL, 0, T0, &r),
	    STORE_NOTFOUND);
	snprintf(e[0].instance_id, sizeof(e[0].instance_id), "%s",
	    "00000000-0000-4000-8000-00000000000G");
	assert_int_equal(batch(st, CID_A, e, 1, NULL, 0, NULL, 0, T0, &r),
	    STORE_INVALID);
	e[0] = ev(201, 147, NULL, T0);
	snprintf(e[0].update_id, sizeof(e[0].update_id), "%s",
	    "A2FEF9B0-7951-4C2C-A42B-9E351DD1C1FE");	/* not normalised */
	assert_int_equal(batch(st, CID_A, e, 1, NULL, 0, NULL, 0, T0, &r),
	    STORE_INVALID);
	{
		struct store_event_batch b;
		struct store_event *many = xcalloc(STORE_EVENTS_BATCH_MAX + 1,
		    sizeof(*many));

		for (int i = 0; i <= STORE_EVENTS_BATCH_MAX; i++)
			many[i] = ev(1000 + i, 147, NULL, T0);
		memset(&b, 0, sizeof(b));
		b.events = many;
		b.nevents = STORE_EVENTS_BATCH_MAX + 1;
		assert_int_equal(store_event_batch(st, CID_A, &b, T0, &r),
		    STORE_INVALID);
		b.nevents = STORE_EVENTS_BATCH_MAX;
		assert_int_equal(store_event_batch(st, CID_A, &b, T0 + 3 * 86400,
		    &r), STORE_OK);
		assert_int_equal(r.stored, STORE_EVENTS_BATCH_MAX);
		/* the default bound applies again (the setting was bad) */
		assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events"),
		    EVENTS_PER_COMPUTER_DEFAULT);
		free(many);
	}
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM update_status"), 0);

	store_close(st);
	tdb_remove(&t);
}

/* ---- states ---- */

static struct store_status_op
op(const char *uid, enum update_state s, unsigned flags, size_t event)
{
	struct store_status_op o;

	memset(&o, 0, sizeof(o));
	snprintf(o.update_id, sizeof(o.update_id), "%s", uid);
	o.revision = -1;
	o.state = s;
	o.flags = flags;
	o.event = event;
	return o;
}

#define INV	(STATUS_OP_INVENTORY)

static int
state_of(struct store *st, const char *cid, const char *uid)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT s.state FROM "
	    "update_status s JOIN computers c ON c.id = s.computer_id JOIN "
	    "updates u ON u.local_id = s.update_local_id WHERE c.client_id = "
	    "'%s' AND u.update_id = '%s'), 0)", cid, uid);
	return (int)t_sql_int(st, sql);
}

struct stl {
	int	 n;
	char	 uid[8][GUID_STRLEN + 1];
	int	 state[8];
	bool	 approved[8];
};

static int
stl_cb(const struct store_update_status *u, void *arg)
{
	struct stl *x = arg;

	if (x->n < 8) {
		snprintf(x->uid[x->n], sizeof(x->uid[0]), "%s", u->update_id);
		x->state[x->n] = u->state;
		x->approved[x->n] = u->approved;
	}
	x->n++;
	return 0;
}

static int
stl_state(const struct stl *x, const char *uid)
{
	for (int i = 0; i < x->n && i < 8; i++)
		if (strcmp(x->uid[i], uid) == 0)
			return x->state[i];
	return -1;
}

static void
test_states(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[8];
	struct store_status_op o[8];
	struct store_inventory inv[2];
	struct store_batch_result r;
	struct stl x;
	int64_t a, b;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "U1");
	t_import_new(st, U2, 200, UPDATE_TYPE_SOFTWARE, "U2");
	t_import_new(st, U3, 100, UPDATE_TYPE_SOFTWARE, "U3");
	reg(st, CID_A, "pc-a", "M", T0, false);
	reg(st, CID_B, "pc-b", "M", T0, false);
	a = find(st, CID_A);
	b = find(st, CID_B);

	/* Before any status: unknown; approved updates are listed. */
	assert_int_equal(store_approve(st, U3, 1, APPROVAL_INSTALL, 0, "t",
	    NULL), STORE_OK);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(stl_state(&x, U3), UPDATE_STATE_UNKNOWN);
	assert_true(x.approved[0]);

	/* A 156 inventory: U needed, V installed; unknown ids skipped. */
	e[0] = ev(1, 156, NULL, T0 + 100);
	inv[0].event = 0;
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV | STATUS_OP_KEEP_FAILED, 0);
	o[1] = op(U_UNKNOWN, UPDATE_STATE_NEEDED, INV, 0);
	o[2] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 3, inv, 1, T0 + 110, &r),
	    STORE_OK);
	assert_int_equal(r.changes, 2);
	assert_int_equal(r.unknown_updates, 1);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_NEEDED);
	assert_int_equal(state_of(st, CID_A, U2), UPDATE_STATE_INSTALLED);
	assert_int_equal(get(st, a).last_status, T0 + 100);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(x.n, 3);
	assert_int_equal(stl_state(&x, U3), UPDATE_STATE_NOT_APPLICABLE);
	assert_int_equal(get(st, a).counts[UPDATE_STATE_NEEDED], 1);

	/* Download (162) and install failure (182) events. */
	e[0] = ev(2, 162, U1, T0 + 200);
	e[1] = ev(3, 182, U1, T0 + 210);
	o[0] = op(U1, UPDATE_STATE_DOWNLOADED, STATUS_OP_IF_NOT_INSTALLED, 0);
	o[1] = op(U1, UPDATE_STATE_FAILED, 0, 1);
	assert_int_equal(batch(st, CID_A, e, 2, o, 2, NULL, 0, T0 + 220, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_FAILED);
	/* A later inventory naming it as needed keeps "failed"... */
	e[0] = ev(4, 156, NULL, T0 + 300);
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV | STATUS_OP_KEEP_FAILED, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, inv, 1, T0 + 310, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_FAILED);
	assert_int_equal(state_of(st, CID_A, U2), UPDATE_STATE_INSTALLED);
	/* ...one naming it installed replaces it. */
	e[0] = ev(5, 156, NULL, T0 + 400);
	o[0] = op(U1, UPDATE_STATE_INSTALLED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, inv, 1, T0 + 410, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_INSTALLED);
	/* A download event does not downgrade an installed update. */
	e[0] = ev(6, 162, U1, T0 + 450);
	o[0] = op(U1, UPDATE_STATE_DOWNLOADED, STATUS_OP_IF_NOT_INSTALLED, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, NULL, 0, T0 + 460, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_INSTALLED);

	/* An inventory that no longer names U2 drops it (not applicable). */
	e[0] = ev(7, 156, NULL, T0 + 500);
	o[0] = op(U1, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, inv, 1, T0 + 510, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_A, U2), 0);
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_status_list(st, a, stl_cb, &x), STORE_OK);
	assert_int_equal(stl_state(&x, U2), -1);	/* no row, not approved */
	assert_int_equal(stl_state(&x, U1), UPDATE_STATE_INSTALLED);

	/* Older news never replaces newer (events out of order). */
	e[0] = ev(8, 182, U1, T0 + 50);
	o[0] = op(U1, UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, NULL, 0, T0 + 600, &r),
	    STORE_OK);
	assert_int_equal(r.changes, 0);
	assert_int_equal(state_of(st, CID_A, U1), UPDATE_STATE_INSTALLED);

	/* Pending reboot, then reboot completed (only from pending). */
	e[0] = ev(9, 201, U3, T0 + 700);
	e[1] = ev(10, 202, U3, T0 + 710);
	e[2] = ev(11, 202, U2, T0 + 720);
	o[0] = op(U3, UPDATE_STATE_PENDING_REBOOT, 0, 0);
	o[1] = op(U3, UPDATE_STATE_INSTALLED, STATUS_OP_IF_PENDING, 1);
	o[2] = op(U2, UPDATE_STATE_INSTALLED, STATUS_OP_IF_PENDING, 2);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 705, &r),
	    STORE_OK);
	assert_int_equal(state_of(st, CID_B, U3), UPDATE_STATE_PENDING_REBOOT);
	assert_int_equal(batch(st, CID_B, e, 3, o, 3, NULL, 0, T0 + 730, &r),
	    STORE_OK);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(state_of(st, CID_B, U3), UPDATE_STATE_INSTALLED);
	assert_int_equal(state_of(st, CID_B, U2), 0);
	/* A client clock in the future is clamped to the time of receipt. */
	e[0] = ev(12, 182, U2, T0 + 100000000);
	o[0] = op(U2, UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 800, &r),
	    STORE_OK);
	assert_int_equal(t_sql_int(st, "SELECT max(changed) FROM update_status"),
	    T0 + 800);

	/* Bad ops: nothing stored. */
	e[0] = ev(13, 182, U2, T0 + 900);
	o[0] = op(U2, UPDATE_STATE_UNKNOWN, 0, 0);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 900, &r),
	    STORE_INVALID);
	o[0] = op(U2, UPDATE_STATE_FAILED, 0, 3);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 900, &r),
	    STORE_INVALID);
	o[0] = op("not-a-guid", UPDATE_STATE_FAILED, 0, 0);
	assert_int_equal(batch(st, CID_B, e, 1, o, 1, NULL, 0, T0 + 900, &r),
	    STORE_INVALID);
	inv[0].event = 5;
	assert_int_equal(batch(st, CID_B, e, 1, NULL, 0, inv, 1, T0 + 900, &r),
	    STORE_INVALID);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM events WHERE "
	    "instance_id = '00000000-0000-4000-8000-000000000013'"), 0);
	(void)b;

	store_close(st);
	tdb_remove(&t);
}

/* ---- compliance ---- */

struct comp {
	int	 n;
	char	 uid[8][GUID_STRLEN + 1];
	char	 group[8][64];
	size_t	 computers[8];
	size_t	 counts[8][UPDATE_STATE_COUNT];
	bool	 approved[8];
};

static int
comp_cb(const struct store_compliance_row *r, void *arg)
{
	struct comp *x = arg;

	if (x->n < 8) {
		snprintf(x->uid[x->n], sizeof(x->uid[0]), "%s", r->update_id);
		snprintf(x->group[x->n], sizeof(x->group[0]), "%s",
		    r->group_name ? r->group_name : "");
		x->computers[x->n] = r->computers;
		memcpy(x->counts[x->n], r->counts, sizeof(r->counts));
		x->approved[x->n] = r->approved;
	}
	x->n++;
	return 0;
}

static int
comp_find(const struct comp *x, const char *key)
{
	for (int i = 0; i < x->n && i < 8; i++)
		if (strcmp(x->uid[i], key) == 0 || strcmp(x->group[i], key) == 0)
			return i;
	fail_msg("no row %s", key);
	return -1;
}

static void
test_compliance(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[2];
	struct store_status_op o[3];
	struct store_inventory inv = { 0 };
	struct store_compliance_filter f;
	struct comp x;
	int64_t ring, c;
	int i;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "U1");
	t_import_new(st, U2, 200, UPDATE_TYPE_SOFTWARE, "U2");
	t_import_new(st, U3, 100, UPDATE_TYPE_SOFTWARE, "U3 not reported");
	assert_int_equal(store_group_create(st, "Ring", 0, &ring), STORE_OK);
	reg(st, CID_A, "pc-a", "M", T0, false);
	reg(st, CID_B, "pc-b", "M", T0, false);
	reg(st, CID_C, "pc-c", "M", T0, false);	/* never reports */
	c = find(st, CID_B);
	assert_int_equal(store_computer_move(st, c, ring), STORE_OK);
	assert_int_equal(store_approve(st, U1, ring, APPROVAL_INSTALL, 0, "t",
	    NULL), STORE_OK);

	/* A: U1 needed, U2 installed.  B: U1 installed, U2 failed. */
	e[0] = ev(1, 156, NULL, T0 + 10);
	o[0] = op(U1, UPDATE_STATE_NEEDED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_INSTALLED, INV, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 2, &inv, 1, T0 + 10, NULL),
	    STORE_OK);
	e[0] = ev(2, 156, NULL, T0 + 10);
	e[1] = ev(3, 182, U2, T0 + 11);
	o[0] = op(U1, UPDATE_STATE_INSTALLED, INV, 0);
	o[1] = op(U2, UPDATE_STATE_FAILED, 0, 1);
	assert_int_equal(batch(st, CID_B, e, 2, o, 2, &inv, 1, T0 + 12, NULL),
	    STORE_OK);

	/* Every update with a state or an approval, All Computers. */
	memset(&f, 0, sizeof(f));
	memset(&x, 0, sizeof(x));
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 2);
	i = comp_find(&x, U1);
	assert_int_equal(x.computers[i], 3);
	assert_int_equal(x.counts[i][UPDATE_STATE_NEEDED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_UNKNOWN], 1);	/* C */
	assert_int_equal(x.counts[i][UPDATE_STATE_NOT_APPLICABLE], 0);
	assert_true(x.approved[i]);
	i = comp_find(&x, U2);
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_FAILED], 1);
	assert_false(x.approved[i]);

	/* One update: U3 has no state: 2 not applicable (they reported), 1 unknown. */
	memset(&x, 0, sizeof(x));
	f.update_id = U3;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.counts[0][UPDATE_STATE_NOT_APPLICABLE], 2);
	assert_int_equal(x.counts[0][UPDATE_STATE_UNKNOWN], 1);

	/* One group: Ring holds B only. */
	memset(&x, 0, sizeof(x));
	f.update_id = NULL;
	f.group_id = ring;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	i = comp_find(&x, U2);
	assert_int_equal(x.computers[i], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_FAILED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 0);
	memset(&x, 0, sizeof(x));
	f.group_id = 2;		/* Unassigned: A and C */
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	i = comp_find(&x, U1);
	assert_int_equal(x.computers[i], 2);
	assert_int_equal(x.counts[i][UPDATE_STATE_NEEDED], 1);
	assert_int_equal(x.counts[i][UPDATE_STATE_UNKNOWN], 1);

	/* Per group for one update. */
	memset(&x, 0, sizeof(x));
	memset(&f, 0, sizeof(f));
	f.update_id = "A2FEF9B0-7951-4C2C-A42B-9E351DD1C1FE";
	f.by_group = true;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_OK);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.group[0], "All Computers");
	i = comp_find(&x, "Ring");
	assert_int_equal(x.counts[i][UPDATE_STATE_INSTALLED], 1);
	i = comp_find(&x, "Unassigned Computers");
	assert_int_equal(x.counts[i][UPDATE_STATE_NEEDED], 1);

	/* Errors. */
	f.update_id = U_UNKNOWN;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_NOTFOUND);
	f.update_id = "nope";
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_INVALID);
	f.update_id = NULL;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_INVALID);
	memset(&f, 0, sizeof(f));
	f.group_id = 9999;
	assert_int_equal(store_compliance(st, &f, comp_cb, &x), STORE_NOTFOUND);

	store_close(st);
	tdb_remove(&t);
}

/* ---- wsusctl computers / targeting / report (the real program) ---- */

static char cli_out[65536];

/*
 * Run wsusctl -c conf ARGS... (tl_run: stdin and stderr /dev/null);
 * stdout into cli_out; the exit status.
 */
static int
cli(const char *conf, ...)
{
	const char *exe = getenv("WSUSCTL");
	char *argv[32];
	struct buf out;
	va_list ap;
	int n = 0, status;
	size_t len;

	assert_non_null(exe);
	argv[n++] = (char *)exe;
	argv[n++] = (char *)"-c";
	argv[n++] = (char *)conf;
	va_start(ap, conf);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	unsetenv("COLUMNS");
	buf_init(&out, 1 << 20);
	status = tl_run(argv, &out, "/dev/null");
	assert_true(status >= 0 && status < 128);
	len = out.len < sizeof(cli_out) - 1 ? out.len : sizeof(cli_out) - 1;
	if (out.data != NULL)
		memcpy(cli_out, out.data, len);
	else
		len = 0;
	cli_out[len] = '\0';
	buf_free(&out);
	return status;
}

static void
test_cli(void **state)
{
	struct store *st;
	struct tdb t;
	struct store_event e[1];
	struct store_status_op o[1];
	struct store_inventory inv = { 0 };
	enum targeting_mode mode;
	char conf[400], gs[64], want[64];
	int64_t ring;
	FILE *fp;

	(void)state;
	tdb_make(&t);
	st = tdb_open(&t);
	snprintf(conf, sizeof(conf), "%s/wsusd.conf", t.dir);
	fp = fopen(conf, "w");
	assert_non_null(fp);
	fprintf(fp, "[server]\ncontent_dir = %s/content\ndatabase = %s\n"
	    "state_dir = %s/state\n", t.dir, t.url, t.dir);
	fclose(fp);
	t_import_new(st, U1, 200, UPDATE_TYPE_SOFTWARE, "Defender KB2267602");
	assert_int_equal(store_group_create(st, "Ring", 0, &ring), STORE_OK);
	reg(st, CID_A, "pc-a.corp.example", "M", T0, false);
	reg(st, CID_B, "dup.corp.example", "M", T0, false);
	reg(st, CID_C, "dup.corp.example", "M", T0, false);
	e[0] = ev(1, 156, NULL, T0 + 10);
	o[0] = op(U1, UPDATE_STATE_NEEDED, STATUS_OP_INVENTORY, 0);
	assert_int_equal(batch(st, CID_A, e, 1, o, 1, &inv, 1, T0 + 10, NULL),
	    STORE_OK);

	assert_int_equal(cli(conf, "computers", "list", NULL), 0);
	assert_non_null(strstr(cli_out, "pc-a.corp.example"));
	assert_non_null(strstr(cli_out, "LAST CONTACT"));
	assert_int_equal(cli(conf, "--json", "computers", "list",
	    "--duplicates", NULL), 0);
	assert_string_equal(cli_out, "[]\n");
	assert_int_equal(cli(conf, "computers", "show", "pc-a", NULL), 0);
	assert_non_null(strstr(cli_out, CID_A));
	assert_non_null(strstr(cli_out, "1 needed"));
	assert_int_equal(cli(conf, "computers", "show", "nope", NULL), 3);
	assert_int_equal(cli(conf, "computers", "show", "dup", NULL), 2);
	assert_int_equal(cli(conf, "computers", "show", NULL), 2);
	assert_int_equal(cli(conf, "computers", "frob", NULL), 2);

	/* move, then the store agrees */
	assert_int_equal(cli(conf, "computers", "move", "pc-a",
	    "--group", "Ring", NULL), 0);
	assert_int_equal(groups_of(st, CID_A, gs, sizeof(gs)), STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)ring);
	assert_string_equal(gs, want);
	assert_int_equal(cli(conf, "computers", "move", "pc-a",
	    "--group", "No Such Group", NULL), 3);
	assert_int_equal(cli(conf, "computers", "move", "pc-a", NULL),
	    2);
	assert_int_equal(cli(conf, "computers", "list", "--group",
	    "Ring", NULL), 0);
	assert_non_null(strstr(cli_out, "pc-a.corp.example"));
	assert_null(strstr(cli_out, "dup.corp.example"));

	/* targeting */
	assert_int_equal(cli(conf, "targeting", "client", NULL), 0);
	assert_int_equal(store_targeting_get(st, &mode), STORE_OK);
	assert_int_equal(mode, TARGETING_CLIENT);
	assert_int_equal(cli(conf, "--json", "targeting", NULL), 0);
	assert_non_null(strstr(cli_out, "\"client\""));
	assert_int_equal(cli(conf, "targeting", "sideways", NULL), 2);
	assert_int_equal(cli(conf, "targeting", "server", NULL), 0);

	/* reports */
	assert_int_equal(cli(conf, "--json", "report", "compliance",
	    NULL), 0);
	assert_non_null(strstr(cli_out, "\"needed\": 1"));
	assert_non_null(strstr(cli_out, "\"unknown\": 2"));
	assert_int_equal(cli(conf, "report", "compliance", "--update",
	    U1, NULL), 0);
	assert_non_null(strstr(cli_out, "Ring"));
	assert_non_null(strstr(cli_out, "All Computers"));
	assert_int_equal(cli(conf, "report", "compliance", "--group",
	    "Nope", NULL), 3);
	assert_int_equal(cli(conf, "--json", "report", "computer",
	    "pc-a", NULL), 0);
	assert_non_null(strstr(cli_out, "\"state\": \"needed\""));
	assert_int_equal(cli(conf, "report", NULL), 2);
	assert_int_equal(cli(conf, "report", "settings",
	    "--retention-days", "7", NULL), 0);
	assert_int_equal(t_sql_int(st, "SELECT value FROM settings WHERE key = "
	    "'event_retention_days'"), 7);
	assert_int_equal(cli(conf, "report", "settings",
	    "--retention-days", "-1", NULL), 2);

	/* delete */
	assert_int_equal(cli(conf, "computers", "delete", CID_B, NULL),
	    0);
	assert_int_equal(t_sql_int(st, "SELECT count(*) FROM computers"), 2);
	assert_int_equal(cli(conf, "computers", "delete", CID_B, NULL),
	    3);

	unlink(conf);
	{
		char p[512];

		snprintf(p, sizeof(p), "%s/cli.out", t.dir);
		unlink(p);
	}
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
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_compliance),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
