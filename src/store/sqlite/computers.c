/*
 * computers.c — computers, their group membership, targeting mode and
 * duplicate detection in the SQLite backend.
 *
 * Rules (docs/REPORTING.md): a computer is keyed by its SusClientId; it is
 * created at its first contact (GetAuthorizationCookie) or registration
 * and starts in Unassigned Computers.  Server-side memberships (source 0)
 * come from computer_move, client-side ones (source 1) from the
 * targetGroupName claim; the targeting_mode setting picks the kind that
 * counts.  Every identity (DnsName + hardware) a client id is seen with is
 * remembered (at most COMPUTER_IDENTITIES_MAX); coming back to an earlier
 * identity within DUP_WINDOW is counted as a duplicate (two machines, one
 * SusClientId: cloned images).
 *
 * Not here: events and update states (reporting.c); the targeting mode,
 * group membership and computer_move (targeting.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

#define DUP_WINDOW	(30 * 86400)	/* an identity seen this recently comes back: duplicate */
#define IP_MAX		64

/* ---- shared helpers ---- */

int
sq_client_id_check(struct sq *s, const char *cid)
{
	size_t i, n;

	if (cid == NULL || (n = strlen(cid)) == 0 || n > COMPUTER_ID_MAX)
		return store_seterr(&s->base, STORE_INVALID, "a client id has "
		    "1 to %d characters", COMPUTER_ID_MAX);
	for (i = 0; i < n; i++) {
		char c = cid[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return store_seterr(&s->base, STORE_INVALID, "client id "
			    "\"%.64s\" has a character other than a-z, 0-9 and "
			    "'-'", cid);
	}
	return STORE_OK;
}

static const char SQL_COMPUTER_ID[] =
    "SELECT id FROM computers WHERE client_id = ?1";

int
sq_computer_id(struct sq *s, const char *cid, int64_t *id)
{
	return sq_one_int64_by_text(s, SQL_COMPUTER_ID, cid, "find computer",
	    id, NULL);
}

/* A string from the client: NULL or at most max bytes, no NUL inside
 * (C strings cannot have one), no control characters other than TAB. */
static int
text_check(struct sq *s, const char *what, const char *v, size_t max)
{
	const unsigned char *p;

	if (v == NULL)
		return STORE_OK;
	if (strlen(v) > max)
		return store_seterr(&s->base, STORE_INVALID, "%s is longer "
		    "than %zu bytes", what, max);
	for (p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return store_seterr(&s->base, STORE_INVALID, "%s has a "
			    "control character", what);
	return STORE_OK;
}

/* ---- identities (duplicate detection) ---- */

struct ident {
	const char *dns;		/* never NULL */
	const char *manufacturer, *model, *bios_name, *bios_version;
};

/* "dns|manufacturer|model|bios name|bios version", dns lower-cased. */
static char *
fingerprint(const struct ident *id)
{
	char *fp, *p;

	fp = xasprintf("%s|%s|%s|%s|%s", id->dns,
	    id->manufacturer ? id->manufacturer : "",
	    id->model ? id->model : "", id->bios_name ? id->bios_name : "",
	    id->bios_version ? id->bios_version : "");
	for (p = fp; *p && *p != '|'; p++)
		*p = (char)tolower((unsigned char)*p);
	return fp;
}

static char *
bios_text(const struct ident *id)
{
	if (id->bios_name == NULL && id->bios_version == NULL)
		return NULL;
	return xasprintf("%s%s%s", id->bios_name ? id->bios_name : "",
	    id->bios_name && id->bios_version ? " " : "",
	    id->bios_version ? id->bios_version : "");
}

static const char SQL_IDENT_CURRENT[] =
    "SELECT fingerprint FROM computer_identities WHERE computer_id = ?1 "
    "ORDER BY seen_seq DESC LIMIT 1";
static const char SQL_IDENT_GET[] =
    "SELECT last_seen FROM computer_identities WHERE computer_id = ?1 AND "
    "fingerprint = ?2";
static const char SQL_IDENT_BY_DNS[] =
    "SELECT fingerprint, last_seen FROM computer_identities WHERE "
    "computer_id = ?1 AND dns_name = ?2 COLLATE NOCASE "
    "ORDER BY seen_seq DESC LIMIT 1";
static const char SQL_IDENT_TOUCH[] =
    "UPDATE computer_identities SET last_seen = ?3, times = times + 1, "
    "seen_seq = (SELECT coalesce(max(seen_seq), 0) + 1 FROM "
    "computer_identities WHERE computer_id = ?1) "
    "WHERE computer_id = ?1 AND fingerprint = ?2";
static const char SQL_IDENT_INSERT[] =
    "INSERT INTO computer_identities(computer_id, fingerprint, dns_name, "
    "manufacturer, model, bios, first_seen, last_seen, seen_seq) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, (SELECT coalesce(max(seen_seq), "
    "0) + 1 FROM computer_identities WHERE computer_id = ?1))";
static const char SQL_IDENT_PRUNE[] =
    "DELETE FROM computer_identities WHERE computer_id = ?1 AND "
    "fingerprint IN (SELECT fingerprint FROM computer_identities WHERE "
    "computer_id = ?1 ORDER BY seen_seq DESC LIMIT -1 OFFSET ?2)";
static const char SQL_DUP_MARK[] =
    "UPDATE computers SET duplicate_count = duplicate_count + 1, "
    "duplicate_seen = ?2 WHERE id = ?1";

static char *
col_dup(sqlite3_stmt *stmt, int i)
{
	const char *v = (const char *)sqlite3_column_text(stmt, i);

	return v != NULL ? xstrdup(v) : NULL;
}

/* Fingerprint of the identity used last (*fp NULL when none). */
static int
identity_current(struct sq *s, int64_t cid, char **fp)
{
	sqlite3_stmt *stmt;

	*fp = NULL;
	if ((stmt = sq_stmt(s, SQL_IDENT_CURRENT)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, cid);
	return sq_one_text(s, stmt, "read identity", fp, NULL);
}

static int
identity_touch(struct sq *s, int64_t cid, const char *fp, int64_t now)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_stmt(s, SQL_IDENT_TOUCH)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, cid);
	sq_bind_text(stmt, 2, fp);
	sqlite3_bind_int64(stmt, 3, now);
	return sq_exec_stmt(s, stmt, "update identity");
}

static int
dup_mark(struct sq *s, int64_t cid, int64_t now)
{
	sqlite3_stmt *stmt;

	if ((stmt = sq_stmt(s, SQL_DUP_MARK)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, now);
	return sq_exec_stmt(s, stmt, "mark duplicate");
}

/*
 * Registration with identity nw.  Inside a transaction.  Coming back,
 * within DUP_WINDOW, to an identity that is not the one used last is the
 * cloned-image pattern: *dup.
 */
static int
identity_register(struct sq *s, int64_t cid, const struct ident *nw,
    int64_t now, bool *dup)
{
	sqlite3_stmt *stmt;
	char *fp, *cur = NULL, *bios = NULL;
	int64_t last_seen = -1;
	bool found;
	int rc;

	*dup = false;
	fp = fingerprint(nw);
	if ((rc = identity_current(s, cid, &cur)) != STORE_OK)
		goto out;
	if ((stmt = sq_stmt(s, SQL_IDENT_GET)) == NULL) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, cid);
	sq_bind_text(stmt, 2, fp);
	if ((rc = sq_one_int64(s, stmt, "read identity", &last_seen,
	    &found)) != STORE_OK)
		goto out;
	if (!found)
		last_seen = -1;
	if (last_seen >= 0) {
		if (cur != NULL && strcmp(cur, fp) != 0 &&
		    last_seen >= now - DUP_WINDOW)
			*dup = true;
		if ((rc = identity_touch(s, cid, fp, now)) != STORE_OK)
			goto out;
	} else {
		bios = bios_text(nw);
		if ((stmt = sq_stmt(s, SQL_IDENT_INSERT)) == NULL) {
			rc = STORE_ERROR;
			goto out;
		}
		sqlite3_bind_int64(stmt, 1, cid);
		sq_bind_text(stmt, 2, fp);
		sq_bind_text(stmt, 3, nw->dns);
		sq_bind_text(stmt, 4, nw->manufacturer);
		sq_bind_text(stmt, 5, nw->model);
		sq_bind_text(stmt, 6, bios);
		sqlite3_bind_int64(stmt, 7, now);
		if ((rc = sq_exec_stmt(s, stmt, "record identity")) != STORE_OK)
			goto out;
		if ((stmt = sq_stmt(s, SQL_IDENT_PRUNE)) == NULL) {
			rc = STORE_ERROR;
			goto out;
		}
		sqlite3_bind_int64(stmt, 1, cid);
		sqlite3_bind_int(stmt, 2, COMPUTER_IDENTITIES_MAX);
		if ((rc = sq_exec_stmt(s, stmt, "prune identities")) !=
		    STORE_OK)
			goto out;
	}
	rc = *dup ? dup_mark(s, cid, now) : STORE_OK;
out:
	free(fp);
	free(cur);
	free(bios);
	return rc;
}

/*
 * A contact names only the DnsName: the identity last registered with
 * that name (if any) becomes the current one; coming back to it from
 * another one within DUP_WINDOW is a duplicate as above.
 */
/* An identity's fingerprint (copied) and when it was last seen. */
struct ident_seen {
	char	*fp;
	int64_t	 last_seen;
};

static void
ident_row(sqlite3_stmt *stmt, void *arg)
{
	struct ident_seen *r = arg;

	r->fp = col_dup(stmt, 0);
	r->last_seen = sqlite3_column_int64(stmt, 1);
}

static int
identity_contact(struct sq *s, int64_t cid, const char *dns, int64_t now,
    bool *dup)
{
	sqlite3_stmt *stmt;
	struct ident_seen ir = { NULL, 0 };
	char *fp = NULL, *cur = NULL;
	int64_t last_seen = 0;
	int rc;

	*dup = false;
	if ((stmt = sq_stmt(s, SQL_IDENT_BY_DNS)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, cid);
	sq_bind_text(stmt, 2, dns);
	if ((rc = sq_one_row(s, stmt, "read identity", ident_row, &ir,
	    NULL)) != STORE_OK)
		return rc;
	fp = ir.fp;
	last_seen = ir.last_seen;
	if (fp == NULL)
		return STORE_OK;	/* a new name: registration records it */
	if ((rc = identity_current(s, cid, &cur)) != STORE_OK)
		goto out;
	if (cur != NULL && strcmp(cur, fp) != 0 &&
	    last_seen >= now - DUP_WINDOW)
		*dup = true;
	if ((rc = identity_touch(s, cid, fp, now)) != STORE_OK)
		goto out;
	rc = *dup ? dup_mark(s, cid, now) : STORE_OK;
out:
	free(fp);
	free(cur);
	return rc;
}

/* ---- contact, registration, sync ---- */

static const char SQL_COMPUTER_INSERT[] =
    "INSERT INTO computers(client_id, dns_name, created) VALUES (?1, '', ?2)";
static const char SQL_CONTACT[] =
    "UPDATE computers SET last_contact = ?2, "
    "dns_name = coalesce(?3, dns_name), "
    "ip_address = coalesce(?4, ip_address), target_claim = ?5 WHERE id = ?1";
static const char SQL_CLAIMS_CLEAR[] =
    "DELETE FROM computer_groups WHERE computer_id = ?1 AND source = 1";
static const char SQL_CLAIM_ADD[] =
    "INSERT OR IGNORE INTO computer_groups(computer_id, source, group_id) "
    "SELECT ?1, 1, id FROM target_groups WHERE name = ?2 AND id > 2";

/* Create the computer if absent; *id, *created.  Inside a transaction. */
static int
computer_ensure(struct sq *s, const char *cid, int64_t now, int64_t *id,
    bool *created)
{
	sqlite3_stmt *stmt;
	int rc;

	*created = false;
	if ((rc = sq_computer_id(s, cid, id)) != STORE_OK || *id != 0)
		return rc;
	if ((stmt = sq_stmt(s, SQL_COMPUTER_INSERT)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, cid);
	sqlite3_bind_int64(stmt, 2, now);
	if ((rc = sq_exec_stmt(s, stmt, "create computer")) != STORE_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	*created = true;
	return STORE_OK;
}

/*
 * Client-side memberships from a claim: names separated by ';', blanks
 * around them ignored, compared ignoring case; unknown names and the two
 * built-in groups are skipped; at most COMPUTER_GROUPS_MAX names are read.
 */
static int
claims_set(struct sq *s, int64_t cid, const char *claim)
{
	sqlite3_stmt *stmt;
	const char *p, *e;
	char name[GROUP_NAME_MAX + 1];
	size_t n, seen = 0;
	int rc;

	if ((rc = sq_exec_by_id(s, SQL_CLAIMS_CLEAR, cid,
	    "clear claimed groups")) != STORE_OK)
		return rc;
	for (p = claim; p != NULL && *p != '\0' && seen < COMPUTER_GROUPS_MAX;
	    p = *e ? e + 1 : e) {
		if ((e = strchr(p, ';')) == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n > GROUP_NAME_MAX)
			continue;
		seen++;
		memcpy(name, p, n);
		name[n] = '\0';
		if ((stmt = sq_stmt(s, SQL_CLAIM_ADD)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, cid);
		sq_bind_text(stmt, 2, name);
		if ((rc = sq_exec_stmt(s, stmt, "add claimed group")) !=
		    STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
sq_computer_contact(struct store *st, const char *client_id,
    const char *dns_name, const char *claim, const char *ip, int64_t now)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int64_t id;
	bool created, dup;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_client_id_check(s, client_id)) != STORE_OK ||
	    (rc = text_check(s, "the DNS name", dns_name, COMPUTER_STR_MAX)) !=
	    STORE_OK ||
	    (rc = text_check(s, "the target group claim", claim,
	    COMPUTER_CLAIM_MAX)) != STORE_OK ||
	    (rc = text_check(s, "the address", ip, IP_MAX)) != STORE_OK)
		return rc;
	if (dns_name != NULL && *dns_name == '\0')
		dns_name = NULL;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = computer_ensure(s, client_id, now, &id, &created)) !=
	    STORE_OK)
		goto fail;
	if (dns_name != NULL &&
	    (rc = identity_contact(s, id, dns_name, now, &dup)) != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_CONTACT)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	sq_bind_text(stmt, 3, dns_name);
	sq_bind_text(stmt, 4, ip);
	sq_bind_text(stmt, 5, claim);
	if ((rc = sq_exec_stmt(s, stmt, "record contact")) != STORE_OK ||
	    (rc = claims_set(s, id, claim)) != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

static const char SQL_DNS_OF[] =
    "SELECT dns_name FROM computers WHERE id = ?1";
static const char SQL_REGISTER[] =
    "UPDATE computers SET dns_name = coalesce(?2, dns_name), "
    "ip_address = coalesce(?3, ip_address), os_major = ?4, os_minor = ?5, "
    "os_build = ?6, sp_major = ?7, sp_minor = ?8, os_locale = ?9, "
    "manufacturer = ?10, model = ?11, bios_name = ?12, bios_version = ?13, "
    "bios_release_date = ?14, processor_arch = ?15, suite_mask = ?16, "
    "old_product_type = ?17, new_product_type = ?18, system_metrics = ?19, "
    "client_version = ?20, os_description = ?21, oem = ?22, "
    "device_type = ?23, firmware_version = ?24, mobile_operator = ?25, "
    "registered = ?26, last_contact = ?26 WHERE id = ?1";

int
sq_computer_register(struct store *st, const char *client_id,
    const struct store_computer_info *ci, int64_t now,
    struct store_register_result *res)
{
	struct sq *s = (struct sq *)st;
	struct store_register_result r;
	sqlite3_stmt *stmt;
	struct ident nw;
	char ver[64];
	const char *dns;
	int rc;
	static const struct {
		const char *what;
		size_t off;
	} strs[] = {
#define F(f, w) { w, offsetof(struct store_computer_info, f) }
		F(dns_name, "DnsName"), F(os_locale, "OSLocale"),
		F(manufacturer, "ComputerManufacturer"),
		F(model, "ComputerModel"), F(bios_name, "BiosName"),
		F(bios_version, "BiosVersion"),
		F(processor_arch, "ProcessorArchitecture"),
		F(os_description, "OSDescription"), F(oem, "OEM"),
		F(device_type, "DeviceType"),
		F(firmware_version, "FirmwareVersion"),
		F(mobile_operator, "MobileOperator"),
#undef F
	};

	memset(&r, 0, sizeof(r));
	if (res != NULL)
		*res = r;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_client_id_check(s, client_id)) != STORE_OK)
		return rc;
	if (ci == NULL)
		return store_seterr(st, STORE_INVALID, "no computer "
		    "information");
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		const char *v = *(const char *const *)(const void *)
		    ((const char *)ci + strs[i].off);

		if ((rc = text_check(s, strs[i].what, v, COMPUTER_STR_MAX)) !=
		    STORE_OK)
			return rc;
	}
	if ((rc = text_check(s, "the address", ci->ip_address, IP_MAX)) !=
	    STORE_OK)
		return rc;
	dns = ci->dns_name != NULL && *ci->dns_name != '\0' ? ci->dns_name :
	    NULL;
	snprintf(ver, sizeof(ver), "%d.%d.%d.%d", (int)ci->client_major,
	    (int)ci->client_minor, (int)ci->client_build, (int)ci->client_qfe);

	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = computer_ensure(s, client_id, now, &r.computer_id,
	    &r.created)) != STORE_OK)
		goto fail;
	nw.dns = dns != NULL ? dns : "";
	nw.manufacturer = ci->manufacturer;
	nw.model = ci->model;
	nw.bios_name = ci->bios_name;
	nw.bios_version = ci->bios_version;
	if (dns == NULL) {
		/* No DnsName sent: the identity keeps the stored one. */
		sqlite3_stmt *q;
		char *d = NULL;

		if ((q = sq_stmt(s, SQL_DNS_OF)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sqlite3_bind_int64(q, 1, r.computer_id);
		if ((rc = sq_one_text(s, q, "read computer", &d, NULL)) !=
		    STORE_OK)
			goto fail;
		nw.dns = d != NULL ? d : "";
		rc = identity_register(s, r.computer_id, &nw, now,
		    &r.duplicate);
		free(d);
	} else
		rc = identity_register(s, r.computer_id, &nw, now,
		    &r.duplicate);
	if (rc != STORE_OK)
		goto fail;
	if ((stmt = sq_stmt(s, SQL_REGISTER)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, r.computer_id);
	sq_bind_text(stmt, 2, dns);
	sq_bind_text(stmt, 3, ci->ip_address);
	sqlite3_bind_int(stmt, 4, ci->os_major);
	sqlite3_bind_int(stmt, 5, ci->os_minor);
	sqlite3_bind_int(stmt, 6, ci->os_build);
	sqlite3_bind_int(stmt, 7, ci->sp_major);
	sqlite3_bind_int(stmt, 8, ci->sp_minor);
	sq_bind_text(stmt, 9, ci->os_locale);
	sq_bind_text(stmt, 10, ci->manufacturer);
	sq_bind_text(stmt, 11, ci->model);
	sq_bind_text(stmt, 12, ci->bios_name);
	sq_bind_text(stmt, 13, ci->bios_version);
	sqlite3_bind_int64(stmt, 14, ci->bios_release_date);
	sq_bind_text(stmt, 15, ci->processor_arch);
	sqlite3_bind_int(stmt, 16, ci->suite_mask);
	sqlite3_bind_int(stmt, 17, ci->old_product_type);
	sqlite3_bind_int(stmt, 18, ci->new_product_type);
	sqlite3_bind_int(stmt, 19, ci->system_metrics);
	sq_bind_text(stmt, 20, ver);
	sq_bind_text(stmt, 21, ci->os_description);
	sq_bind_text(stmt, 22, ci->oem);
	sq_bind_text(stmt, 23, ci->device_type);
	sq_bind_text(stmt, 24, ci->firmware_version);
	sq_bind_text(stmt, 25, ci->mobile_operator);
	sqlite3_bind_int64(stmt, 26, now);
	if ((rc = sq_exec_stmt(s, stmt, "register computer")) != STORE_OK)
		goto fail;
	if ((rc = sq_commit(s)) != STORE_OK)
		return rc;
	if (res != NULL)
		*res = r;
	return STORE_OK;
fail:
	sq_rollback(s);
	return rc;
}

static const char SQL_SYNCED[] =
    "UPDATE computers SET last_sync = ?2, last_contact = max(last_contact, ?2) "
    "WHERE client_id = ?1";

int
sq_computer_synced(struct store *st, const char *client_id, int64_t now)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_client_id_check(s, client_id)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SYNCED)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, client_id);
	sqlite3_bind_int64(stmt, 2, now);
	if ((rc = sq_exec_stmt(s, stmt, "record sync")) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) == 0)
		return store_seterr(st, STORE_NOTFOUND, "no computer with "
		    "client id %s", client_id);
	return STORE_OK;
}

static const char SQL_COMPUTER_EXISTS[] =
    "SELECT 1 FROM computers WHERE id = ?1";

static const char SQL_COMPUTER_DELETE[] =
    "DELETE FROM computers WHERE id = ?1";

int
sq_computer_delete(struct store *st, int64_t computer_id)
{
	struct sq *s = (struct sq *)st;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((rc = sq_exec_by_id(s, SQL_COMPUTER_DELETE, computer_id,
	    "delete computer")) != STORE_OK)
		goto fail;
	if (sqlite3_changes(s->db) == 0) {
		rc = store_seterr(st, STORE_NOTFOUND, "computer %lld does not "
		    "exist", (long long)computer_id);
		goto fail;
	}
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

/* ---- lookup and listings ---- */

static const char SQL_FIND_DNS[] =
    "SELECT id FROM computers WHERE dns_name = ?1 COLLATE NOCASE "
    "ORDER BY id LIMIT 2";
static const char SQL_FIND_LABEL[] =
    "SELECT id FROM computers WHERE dns_name LIKE ?1 ESCAPE '\\' "
    "ORDER BY id LIMIT 2";

/* Up to two ids; *count how many (0..2). */
static int
find_by(struct sq *s, const char *sql, const char *key, int64_t *id,
    int *count)
{
	sqlite3_stmt *stmt;
	int rc;

	*count = 0;
	if ((stmt = sq_stmt(s, sql)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, key);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if ((*count)++ == 0)
			*id = sqlite3_column_int64(stmt, 0);
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "find computer");
	sq_done(stmt);
	return rc;
}

int
sq_computer_find(struct store *st, const char *name, int64_t *computer_id)
{
	struct sq *s = (struct sq *)st;
	char lower[COMPUTER_ID_MAX + 1], *like = NULL, *q;
	const char *p;
	size_t n;
	int rc, count;
	int64_t one;
	bool yes;

	*computer_id = 0;
	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (name == NULL || (n = strlen(name)) == 0 || n > COMPUTER_STR_MAX)
		return store_seterr(st, STORE_INVALID, "no computer name "
		    "given");
	if (name[0] == '#' && n > 1 && n < 20 &&
	    strspn(name + 1, "0123456789") == n - 1) {
		int64_t id = strtoll(name + 1, NULL, 10);

		if ((rc = sq_one_int64_by_id(s, SQL_COMPUTER_EXISTS, id,
		    "lookup", &one, &yes)) != STORE_OK)
			return rc;
		if (yes) {
			*computer_id = id;
			return STORE_OK;
		}
		return store_seterr(st, STORE_NOTFOUND, "no computer %s", name);
	}
	if (n <= COMPUTER_ID_MAX) {
		for (size_t i = 0; i <= n; i++)
			lower[i] = (char)tolower((unsigned char)name[i]);
		if (sq_client_id_check(s, lower) == STORE_OK) {
			if ((rc = sq_computer_id(s, lower, computer_id)) !=
			    STORE_OK)
				return rc;
			if (*computer_id != 0)
				return STORE_OK;
		}
	}
	if ((rc = find_by(s, SQL_FIND_DNS, name, computer_id, &count)) !=
	    STORE_OK)
		return rc;
	if (count == 0 && strchr(name, '.') == NULL) {
		/* "pc1" for "pc1.corp.example": LIKE with % and _ escaped. */
		like = xmalloc(2 * n + 3);
		for (p = name, q = like; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				*q++ = '\\';
			*q++ = *p;
		}
		memcpy(q, ".%", 3);
		rc = find_by(s, SQL_FIND_LABEL, like, computer_id, &count);
		free(like);
		if (rc != STORE_OK)
			return rc;
	}
	if (count == 1)
		return STORE_OK;
	*computer_id = 0;
	if (count > 1)
		return store_seterr(st, STORE_INVALID, "several computers are "
		    "named \"%.200s\"; name one by its client id", name);
	return store_seterr(st, STORE_NOTFOUND, "no computer named \"%.200s\"",
	    name);
}

/* The SELECT list shared by get and list; ?1 is the targeting mode. */
#define COMPUTER_COLS \
    "c.id, c.client_id, c.dns_name, c.ip_address, c.os_major, c.os_minor, " \
    "c.os_build, c.sp_major, c.sp_minor, c.os_locale, c.os_description, " \
    "c.manufacturer, c.model, c.bios_name, c.bios_version, " \
    "c.bios_release_date, c.processor_arch, c.client_version, " \
    "c.target_claim, coalesce((SELECT group_concat(name, '; ') FROM " \
    "(SELECT g.name FROM computer_groups cg JOIN target_groups g ON " \
    "g.id = cg.group_id WHERE cg.computer_id = c.id AND cg.source = ?1 " \
    "ORDER BY g.name COLLATE NOCASE)), 'Unassigned Computers'), " \
    "c.created, c.registered, c.last_contact, c.last_sync, c.last_report, " \
    "c.last_status, c.duplicate_count, c.duplicate_seen, " \
    "(SELECT count(*) FROM computer_identities i WHERE i.computer_id = c.id) "


static const char SQL_COMPUTER_GET[] =
    "SELECT " COMPUTER_COLS "FROM computers c WHERE c.id = ?2";
static const char SQL_COMPUTER_LIST[] =
    GROUP_CTE "SELECT " COMPUTER_COLS "FROM computers c WHERE " GROUP_COND
    " AND (?3 = 0 OR c.duplicate_count > 0) AND (?4 IS NULL OR "
    "instr(lower(c.dns_name), lower(?4)) > 0) "
    "ORDER BY c.dns_name COLLATE NOCASE, c.id LIMIT ?5 OFFSET ?6";
static const char SQL_STATE_COUNTS[] =
    "SELECT state, count(*) FROM update_status WHERE computer_id = ?1 "
    "GROUP BY state";

static int
computer_row(struct sq *s, sqlite3_stmt *stmt, struct store_computer *c)
{
	sqlite3_stmt *q;
	int i = 0, rc;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(stmt, i++);
	c->client_id = sq_col_text(stmt, i++);
	c->dns_name = sq_col_text(stmt, i++);
	c->ip_address = sq_col_text(stmt, i++);
	c->os_major = sqlite3_column_int(stmt, i++);
	c->os_minor = sqlite3_column_int(stmt, i++);
	c->os_build = sqlite3_column_int(stmt, i++);
	c->sp_major = sqlite3_column_int(stmt, i++);
	c->sp_minor = sqlite3_column_int(stmt, i++);
	c->os_locale = sq_col_text(stmt, i++);
	c->os_description = sq_col_text(stmt, i++);
	c->manufacturer = sq_col_text(stmt, i++);
	c->model = sq_col_text(stmt, i++);
	c->bios_name = sq_col_text(stmt, i++);
	c->bios_version = sq_col_text(stmt, i++);
	c->bios_release_date = sqlite3_column_int64(stmt, i++);
	c->processor_arch = sq_col_text(stmt, i++);
	c->client_version = sq_col_text(stmt, i++);
	c->target_claim = sq_col_text(stmt, i++);
	c->groups = sq_col_text(stmt, i++);
	c->created = sqlite3_column_int64(stmt, i++);
	c->registered = sqlite3_column_int64(stmt, i++);
	c->last_contact = sqlite3_column_int64(stmt, i++);
	c->last_sync = sqlite3_column_int64(stmt, i++);
	c->last_report = sqlite3_column_int64(stmt, i++);
	c->last_status = sqlite3_column_int64(stmt, i++);
	c->duplicate_count = sqlite3_column_int(stmt, i++);
	c->duplicate_seen = sqlite3_column_int64(stmt, i++);
	c->identities = sqlite3_column_int(stmt, i++);
	if (c->client_id == NULL)
		c->client_id = "";
	if (c->dns_name == NULL)
		c->dns_name = "";
	if (c->groups == NULL)
		c->groups = "";
	if ((q = sq_stmt(s, SQL_STATE_COUNTS)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, c->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int st = sqlite3_column_int(q, 0);

		if (st > 0 && st < UPDATE_STATE_COUNT)
			c->counts[st] = sqlite3_column_int(q, 1);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "count states");
	sq_done(q);
	return rc;
}

static int
computer_rows(struct sq *s, sqlite3_stmt *stmt, store_computer_cb cb,
    void *arg, bool *any)
{
	struct store_computer c;
	int rc;

	*any = false;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*any = true;
		if ((rc = computer_row(s, stmt, &c)) != STORE_OK) {
			sq_done(stmt);
			return rc;
		}
		if (cb(&c, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list computers");
	sq_done(stmt);
	return rc;
}

int
sq_computer_get(struct store *st, int64_t computer_id, store_computer_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	enum targeting_mode mode;
	sqlite3_stmt *stmt;
	bool any;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_targeting_mode(s, &mode)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_COMPUTER_GET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(stmt, 1, (int)mode);
	sqlite3_bind_int64(stmt, 2, computer_id);
	if ((rc = computer_rows(s, stmt, cb, arg, &any)) != STORE_OK)
		return rc;
	if (!any)
		return store_seterr(st, STORE_NOTFOUND, "computer %lld does not "
		    "exist", (long long)computer_id);
	return STORE_OK;
}

int
sq_computer_list(struct store *st, const struct store_computer_filter *f,
    store_computer_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_computer_filter none;
	enum targeting_mode mode;
	sqlite3_stmt *stmt;
	bool any;
	int rc;

	if (f == NULL) {
		memset(&none, 0, sizeof(none));
		f = &none;
	}
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = sq_targeting_mode(s, &mode)) != STORE_OK)
		return rc;
	if (f->name != NULL && strlen(f->name) > COMPUTER_STR_MAX)
		return store_seterr(st, STORE_INVALID, "name filter too long");
	if ((stmt = sq_stmt(s, SQL_COMPUTER_LIST)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(stmt, 1, (int)mode);
	sqlite3_bind_int64(stmt, 2, f->group_id);
	sqlite3_bind_int(stmt, 3, f->duplicates ? 1 : 0);
	sq_bind_text(stmt, 4, f->name);
	sqlite3_bind_int64(stmt, 5, f->limit ? (int64_t)f->limit : -1);
	sqlite3_bind_int64(stmt, 6, (int64_t)f->offset);
	return computer_rows(s, stmt, cb, arg, &any);
}

static const char SQL_IDENTITIES[] =
    "SELECT dns_name, manufacturer, model, bios, first_seen, last_seen, "
    "times FROM computer_identities WHERE computer_id = ?1 "
    "ORDER BY seen_seq DESC";

int
sq_computer_identities(struct store *st, int64_t computer_id,
    store_identity_cb cb, void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_computer_identity id;
	sqlite3_stmt *stmt;
	int64_t one;
	bool yes, first = true;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((rc = sq_one_int64_by_id(s, SQL_COMPUTER_EXISTS, computer_id,
	    "lookup", &one, &yes)) !=
	    STORE_OK)
		return rc;
	if (!yes)
		return store_seterr(st, STORE_NOTFOUND, "computer %lld does not "
		    "exist", (long long)computer_id);
	if ((stmt = sq_stmt(s, SQL_IDENTITIES)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, computer_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&id, 0, sizeof(id));
		id.dns_name = sq_col_text(stmt, 0);
		if (id.dns_name == NULL)
			id.dns_name = "";
		id.manufacturer = sq_col_text(stmt, 1);
		id.model = sq_col_text(stmt, 2);
		id.bios = sq_col_text(stmt, 3);
		id.first_seen = sqlite3_column_int64(stmt, 4);
		id.last_seen = sqlite3_column_int64(stmt, 5);
		id.times = sqlite3_column_int64(stmt, 6);
		id.current = first;
		first = false;
		if (cb(&id, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	rc = rc == SQLITE_DONE ? STORE_OK : sq_fail(s, "list identities");
	sq_done(stmt);
	return rc;
}
