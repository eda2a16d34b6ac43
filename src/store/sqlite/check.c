/*
 * check.c — the consistency check of the SQLite backend (core.h:
 * quick_check), run by wsusd before it says it is ready: PRAGMA
 * quick_check, every message, with the false "NULL value in" messages of
 * SQLite 3.40.0-3.41.0 checked against the table and dropped.  It does
 * not repair anything.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"

/*
 * Is "NULL value in TABLE.COLUMN" from quick_check true?  SQLite 3.40.0
 * to 3.41.0 (Debian 12 has 3.40.1) report it falsely for every row of a
 * WITHOUT ROWID table whose PRIMARY KEY lists columns in another order
 * than the table (prerequisites, bundled): look with typeof(), which the
 * planner cannot answer from the NOT NULL constraint.  1 true, 0 false,
 * -1 when the names cannot be checked (then it counts as true).
 */
static int
sq_null_claim(struct sq *s, const char *row)
{
	static const char pre[] = "NULL value in ";
	char sql[512], tbl[128], col[128];
	const char *dot;
	sqlite3_stmt *stmt;
	int rc;

	if (strncmp(row, pre, sizeof(pre) - 1) != 0)
		return 1;
	row += sizeof(pre) - 1;
	if ((dot = strchr(row, '.')) == NULL || strchr(row, '"') != NULL ||
	    (size_t)(dot - row) >= sizeof(tbl) || strlen(dot + 1) >= sizeof(col))
		return -1;
	snprintf(tbl, sizeof(tbl), "%.*s", (int)(dot - row), row);
	snprintf(col, sizeof(col), "%s", dot + 1);
	snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" WHERE "
	    "typeof(\"%s\") = 'null' LIMIT 1", tbl, col);
	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A quick_check message on one line: without the "*** in database main
 * ***" header, newlines as "; ", cut to outlen.
 */
static const char *
one_line(const char *row, char *out, size_t outlen)
{
	static const char hdr[] = "*** in database main ***\n";
	size_t n = 0;

	if (row == NULL)
		row = "?";
	if (strncmp(row, hdr, sizeof(hdr) - 1) == 0)
		row += sizeof(hdr) - 1;
	for (; *row != '\0' && n + 3 < outlen; row++) {
		if (*row == '\n') {
			out[n++] = ';';
			out[n++] = ' ';
		} else {
			out[n++] = *row;
		}
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == ';'))
		n--;
	out[n] = '\0';
	return out;
}

/* Is row one of the lines of list? */
static bool
seen(const char *list, const char *row)
{
	size_t n = strlen(row);

	for (const char *p = list; (p = strstr(p, row)) != NULL; p++)
		if ((p == list || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

int
sq_quick_check(struct store *st)
{
	struct sq *s = (struct sq *)st;
	char checked[512] = "";		/* NULL claims found false */
	char line[256];
	sqlite3_stmt *stmt;
	int rc;

	/* every message: the false ones above can be one per row */
	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(2147483647)", -1,
	    &stmt, NULL) != SQLITE_OK)
		return sq_fail(s, "quick_check");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(stmt, 0);
		size_t n;

		if (row != NULL && strcmp(row, "ok") == 0)
			break;
		if (row != NULL && seen(checked, row))
			continue;
		if (row == NULL || sq_null_claim(s, row) != 0) {
			store_seterr(&s->base, STORE_ERROR, "%s: database is "
			    "damaged (quick_check: %s)", s->path,
			    one_line(row, line, sizeof(line)));
			sqlite3_finalize(stmt);
			return STORE_ERROR;
		}
		n = strlen(checked);
		if (n + strlen(row) + 2 < sizeof(checked))
			snprintf(checked + n, sizeof(checked) - n, "%s\n", row);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = sq_fail(s, "quick_check");
		sqlite3_finalize(stmt);
		return rc;
	}
	sqlite3_finalize(stmt);
	return STORE_OK;
}
