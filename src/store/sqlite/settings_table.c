/*
 * settings_table.c — the settings table of the SQLite backend: raw get, set and
 * set-if-absent with the key and value bounds every backend applies
 * (STORE_SETTING_KEY_MAX, STORE_SETTING_VALUE_MAX).  The registry of keys,
 * types and defaults is backend-independent (src/store/settings.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

static int
setting_key_check(struct sq *s, const char *key)
{
	size_t i, n;

	if (key == NULL || (n = strlen(key)) == 0 ||
	    n > STORE_SETTING_KEY_MAX)
		return store_seterr(&s->base, STORE_INVALID,
		    "setting key must be 1..%d characters",
		    STORE_SETTING_KEY_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] <= 0x20 || key[i] == 0x7f)
			return store_seterr(&s->base, STORE_INVALID,
			    "setting key contains a blank or control "
			    "character");
	return STORE_OK;
}

static int
setting_value_check(struct sq *s, const char *value)
{
	if (value == NULL)
		return store_seterr(&s->base, STORE_INVALID,
		    "setting value is NULL");
	if (strlen(value) > STORE_SETTING_VALUE_MAX)
		return store_seterr(&s->base, STORE_INVALID,
		    "setting value is longer than %d bytes",
		    STORE_SETTING_VALUE_MAX);
	return STORE_OK;
}

static const char SQL_SETTING_GET[] =
    "SELECT value FROM settings WHERE key = ?1";
static const char SQL_SETTING_SET[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
static const char SQL_SETTING_INIT[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO NOTHING";

int
sq_setting_get(struct store *st, const char *key, char **value)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	bool found;
	int rc;

	*value = NULL;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = setting_key_check(s, key)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SETTING_GET)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, key);
	if ((rc = sq_one_text(s, stmt, "read setting", value, &found)) !=
	    STORE_OK)
		return rc;
	if (!found)
		return store_seterr(st, STORE_NOTFOUND, "setting %s is not set",
		    key);
	if (*value == NULL)
		*value = xstrdup("");
	return STORE_OK;
}

int
sq_setting_set(struct store *st, const char *key, const char *value)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = setting_key_check(s, key)) != STORE_OK ||
	    (rc = setting_value_check(s, value)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SETTING_SET)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, key);
	sq_bind_text(stmt, 2, value);
	return sq_exec_stmt(s, stmt, "write setting");
}

int
sq_setting_init(struct store *st, const char *key, const char *value,
    bool *created)
{
	struct sq *s = (struct sq *)st;
	sqlite3_stmt *stmt;
	int rc;

	if (created != NULL)
		*created = false;
	if ((rc = sq_ready(s)) != STORE_OK ||
	    (rc = setting_key_check(s, key)) != STORE_OK ||
	    (rc = setting_value_check(s, value)) != STORE_OK)
		return rc;
	if ((stmt = sq_stmt(s, SQL_SETTING_INIT)) == NULL)
		return STORE_ERROR;
	sq_bind_text(stmt, 1, key);
	sq_bind_text(stmt, 2, value);
	if ((rc = sq_exec_stmt(s, stmt, "write setting")) != STORE_OK)
		return rc;
	if (created != NULL)
		*created = sqlite3_changes(s->db) > 0;
	return STORE_OK;
}
