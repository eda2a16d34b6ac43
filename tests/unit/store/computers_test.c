/*
 * computers_test.c — helpers shared by the computer store tests
 * (see computers_test.h).
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

struct store_computer_info
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

int
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

struct crow
get(struct store *st, int64_t id)
{
	struct crow r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(store_computer_get(st, id, crow_cb, &r), STORE_OK);
	assert_int_equal(r.n, 1);
	return r;
}

int64_t
find(struct store *st, const char *name)
{
	int64_t id = 0;

	assert_int_equal(store_computer_find(st, name, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

/* The effective groups as "id,id,..." */
int
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

static int
names_cb(const struct store_computer *c, void *arg)
{
	struct names *nm = arg;

	if (nm->n < 16)
		snprintf(nm->s[nm->n], sizeof(nm->s[0]), "%s", c->dns_name);
	nm->n++;
	return 0;
}

struct names
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

void
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
