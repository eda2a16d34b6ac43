/*
 * downstream_auth.c — credentials bound to downstream servers (migration
 * 7): the fingerprint of a client certificate and the hash of a secret
 * per downstream GUID, set and revoked by wsusctl, read by the MS-WSUSSS
 * upstream side for every downstream call.  Not the hashing nor the
 * checks (src/wsusss/dsauth.c).  docs/SECURITY.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/guid.h"

static int
norm_id(struct store *st, const char *server_id, char g[GUID_STRLEN + 1])
{
	if (server_id == NULL || store_guid_norm(server_id, g) != 0)
		return store_seterr(st, STORE_INVALID, "'%.64s' is not a "
		    "downstream server GUID", server_id != NULL ? server_id :
		    "");
	return STORE_OK;
}

static bool
hex64(const char *h)
{
	if (strlen(h) != DS_CERT_HEX_LEN)
		return false;
	for (; *h != '\0'; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return false;
	return true;
}

static void
auth_row(sqlite3_stmt *stmt, struct store_downstream_auth *a)
{
	const char *t;

	memset(a, 0, sizeof(*a));
	snprintf(a->server_id, sizeof(a->server_id), "%s",
	    (t = sq_col_text(stmt, 0)) != NULL ? t : "");
	snprintf(a->cert_sha256, sizeof(a->cert_sha256), "%s",
	    (t = sq_col_text(stmt, 1)) != NULL ? t : "");
	snprintf(a->secret_hash, sizeof(a->secret_hash), "%s",
	    (t = sq_col_text(stmt, 2)) != NULL ? t : "");
	a->updated = sqlite3_column_int64(stmt, 3);
}

static void
auth_row_cb(sqlite3_stmt *stmt, void *arg)
{
	auth_row(stmt, arg);
}

static const char SQL_AUTH_GET[] =
    "SELECT server_id, cert_sha256, secret_hash, updated FROM downstream_auth"
    " WHERE server_id = ?1";

int
sq_downstream_auth_get(struct store *st, const char *server_id,
    struct store_downstream_auth *out)
{
	struct sq *s = (struct sq *)st;
	char g[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	bool found = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = norm_id(st, server_id, g)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_AUTH_GET)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, g);
	if ((rc = sq_one_row(s, stmt, "read downstream credentials",
	    auth_row_cb, out, &found)) != STORE_OK)
		return rc;
	if (!found || (out->cert_sha256[0] == '\0' &&
	    out->secret_hash[0] == '\0'))
		return store_seterr(st, STORE_NOTFOUND, "downstream server %s "
		    "has no credentials", g);
	return STORE_OK;
}

static const char SQL_AUTH_CERT_OWNER[] =
    "SELECT server_id FROM downstream_auth WHERE cert_sha256 = ?1"
    " AND server_id <> ?2";
static const char SQL_AUTH_SET[] =
    "INSERT INTO downstream_auth(server_id, cert_sha256, secret_hash, updated)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(server_id) DO UPDATE SET"
    " cert_sha256 = coalesce(?2, cert_sha256),"
    " secret_hash = coalesce(?3, secret_hash), updated = ?4";

int
sq_downstream_auth_set(struct store *st, const char *server_id,
    const char *cert_sha256, const char *secret_hash, int64_t now)
{
	struct sq *s = (struct sq *)st;
	char g[GUID_STRLEN + 1], *owner = NULL;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = norm_id(st, server_id, g)) != STORE_OK)
		return rc;
	if (cert_sha256 == NULL && secret_hash == NULL)
		return store_seterr(st, STORE_INVALID, "nothing to bind");
	if (cert_sha256 != NULL && !hex64(cert_sha256))
		return store_seterr(st, STORE_INVALID, "a certificate "
		    "fingerprint is 64 lower-case hex digits (SHA-256)");
	if (secret_hash != NULL && (secret_hash[0] == '\0' ||
	    strlen(secret_hash) > DS_SECRET_HASH_MAX))
		return store_seterr(st, STORE_INVALID, "bad secret hash");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if (cert_sha256 != NULL) {
		if ((stmt = sq_stmt(s, SQL_AUTH_CERT_OWNER)) == NULL) {
			rc = STORE_ERROR;
			goto fail;
		}
		sq_bind_text(stmt, 1, cert_sha256);
		sq_bind_text(stmt, 2, g);
		if ((rc = sq_one_text(s, stmt, "find a certificate's "
		    "downstream", &owner, NULL)) != STORE_OK)
			goto fail;
		if (owner != NULL) {
			rc = store_seterr(st, STORE_EXISTS, "certificate %s is "
			    "bound to downstream server %s (revoke it there "
			    "first)", cert_sha256, owner);
			free(owner);
			goto fail;
		}
	}
	if ((stmt = sq_stmt(s, SQL_AUTH_SET)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	sq_bind_text(stmt, 1, g);
	sq_bind_text(stmt, 2, cert_sha256);
	sq_bind_text(stmt, 3, secret_hash);
	sqlite3_bind_int64(stmt, 4, now);
	if ((rc = sq_exec_stmt(s, stmt, "bind downstream credentials"))
	    != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	sq_rollback(s);
	return rc;
}

static const char SQL_AUTH_REVOKE[] =
    "UPDATE downstream_auth SET"
    " cert_sha256 = CASE WHEN ?2 THEN NULL ELSE cert_sha256 END,"
    " secret_hash = CASE WHEN ?3 THEN NULL ELSE secret_hash END,"
    " updated = ?4"
    " WHERE server_id = ?1 AND ((?2 AND cert_sha256 IS NOT NULL)"
    "  OR (?3 AND secret_hash IS NOT NULL))";
static const char SQL_AUTH_EMPTY[] =
    "DELETE FROM downstream_auth WHERE cert_sha256 IS NULL"
    " AND secret_hash IS NULL";

int
sq_downstream_auth_revoke(struct store *st, const char *server_id, bool cert,
    bool secret, size_t *n)
{
	struct sq *s = (struct sq *)st;
	char g[GUID_STRLEN + 1];
	sqlite3_stmt *stmt;
	int rc;

	*n = 0;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = norm_id(st, server_id, g)) != STORE_OK)
		return rc;
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_AUTH_REVOKE)) == NULL) {
		sq_rollback(s);
		return STORE_ERROR;
	}
	sq_bind_text(stmt, 1, g);
	sqlite3_bind_int(stmt, 2, cert ? 1 : 0);
	sqlite3_bind_int(stmt, 3, secret ? 1 : 0);
	sqlite3_bind_int64(stmt, 4, (int64_t)time(NULL));
	if ((rc = sq_exec_stmt(s, stmt, "revoke downstream credentials"))
	    != STORE_OK)
		goto fail;
	*n = (size_t)sqlite3_changes(s->db);
	if ((stmt = sq_stmt(s, SQL_AUTH_EMPTY)) == NULL) {
		rc = STORE_ERROR;
		goto fail;
	}
	if ((rc = sq_exec_stmt(s, stmt, "revoke downstream credentials"))
	    != STORE_OK)
		goto fail;
	return sq_commit(s);
fail:
	*n = 0;
	sq_rollback(s);
	return rc;
}

static const char SQL_AUTH_LIST[] =
    "SELECT server_id, cert_sha256, secret_hash, updated FROM downstream_auth"
    " ORDER BY server_id";

int
sq_downstream_auth_list(struct store *st, store_downstream_auth_cb cb,
    void *arg)
{
	struct sq *s = (struct sq *)st;
	struct store_downstream_auth a;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_AUTH_LIST)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		auth_row(stmt, &a);
		if (cb(&a, arg) != 0) {
			sq_done(stmt);
			return STORE_OK;
		}
	}
	sq_done(stmt);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "list downstream credentials");
	return STORE_OK;
}
