/*
 * test_upstream_cache.c — the GetUpdateData item cache seen from a
 * downstream (src/wsusss/item_cache.c, op_revisions.c): a repeated
 * request gets the same bytes; turning compression off and on changes
 * the item and back; the stored document changed without a new change
 * number is not read again (the item is reused), and a new change number
 * of the revision makes the answer carry the new document.  And the
 * downstream's contact written once, not per call (session.c).  Runs
 * last in test_wsusss_upstream and leaves the documents as it found
 * them.  The fixture and helpers: test_upstream.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

#include "soap/soap_request.h"
#include "upstream_test.h"
#include "util/buf.h"
#include "wusp_harness.h"

/* the leaf's revision (store revision_id of LEAF/200), in SQL */
#define LEAF_RID "(SELECT r.revision_id FROM revisions r JOIN updates u " \
	"ON u.local_id = r.update_local_id WHERE u.update_id = '" LEAF \
	"' AND r.revision_number = 200)"
#define SMALL_RID "(SELECT r.revision_id FROM revisions r JOIN updates u " \
	"ON u.local_id = r.update_local_id WHERE u.update_id = '" SMALL \
	"' AND r.revision_number = 200)"

static void
sql(const char *stmt)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", g.srv.db, stmt);
	assert_int_equal(system(cmd), 0);
}

/* A new change number for the leaf's revision, as a store change does. */
static void
leaf_changed(void)
{
	sql("UPDATE counters SET value = value + 1 WHERE name = 'change';"
	    "UPDATE revisions SET change_seq = (SELECT value FROM counters "
	    "WHERE name = 'change') WHERE revision_id = " LEAF_RID ";");
}

/* The answer body of GetUpdateData for LEAF/200 (malloc'd, 200). */
static char *
leaf_answer(void)
{
	char *x = session_req(CAP "000014-GetUpdateData-leaf-with-file.request.xml");
	struct wh_reply r;
	struct soap_request *q;
	char *body;

	post(SS, x, &r);
	q = ok(&r);
	body = strdup(r.body.data);
	assert_non_null(body);
	soap_request_free(q);
	wh_reply_free(&r);
	free(x);
	return body;
}

void
t_item_cache(void **state)
{
	char *a1, *a, *plain;

	(void)state;
	a1 = leaf_answer();
	assert_non_null(strstr(a1, "<XmlUpdateBlobCompressed>"));
	assert_non_null(strstr(a1, "<FileDigestList>"));
	assert_non_null(strstr(a1, "<MUUrl>"));
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);

	/* compression off: another item (plain blob), then the cab again */
	sql("INSERT OR REPLACE INTO settings(key, value) "
	    "VALUES('upstream_compress', 'no');");
	plain = leaf_answer();
	assert_null(strstr(plain, "XmlUpdateBlobCompressed"));
	assert_non_null(strstr(plain, "<XmlUpdateBlob>"));
	assert_non_null(strstr(plain, "<FileDigestList>"));
	a = leaf_answer();
	assert_string_equal(a, plain);
	free(a);
	sql("DELETE FROM settings WHERE key = 'upstream_compress';");
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);

	/* the stored document replaced (SMALL's), the change number not
	 * moved: the built item is reused, the document not read */
	sql("CREATE TABLE keep_doc AS SELECT * FROM fragments WHERE "
	    "revision_id = " LEAF_RID " AND kind = 3;"
	    "UPDATE fragments SET (data, length) = (SELECT data, length FROM "
	    "fragments WHERE revision_id = " SMALL_RID " AND kind = 3) "
	    "WHERE revision_id = " LEAF_RID " AND kind = 3;");
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);

	/* the revision's change number moves: the new document is sent */
	leaf_changed();
	a = leaf_answer();
	assert_string_not_equal(a, a1);
	assert_null(strstr(a, "XmlUpdateBlobCompressed"));
	assert_non_null(strstr(a, "<XmlUpdateBlob>"));
	assert_non_null(strstr(a, "UpdateID=\"" SMALL "\""));
	/* the Id, digests and file URL are still the leaf's */
	assert_non_null(strstr(a, "<UpdateID>" LEAF "</UpdateID>"));
	assert_non_null(strstr(a, "<FileDigestList>"));
	assert_non_null(strstr(a, "<MUUrl>"));
	free(a);

	/* put the document back */
	sql("UPDATE fragments SET (data, length) = (SELECT data, length FROM "
	    "keep_doc) WHERE revision_id = " LEAF_RID " AND kind = 3;"
	    "DROP TABLE keep_doc;");
	leaf_changed();
	a = leaf_answer();
	assert_string_equal(a, a1);
	free(a);
	free(plain);
	free(a1);
}

/* One value of the store (the first row, first column), or "". */
static void
sql_value(const char *query, char *out, size_t outlen)
{
	char cmd[1024];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", g.srv.db, query);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	if (fgets(out, (int)outlen, fp) == NULL)
		out[0] = '\0';
	assert_int_equal(pclose(fp), 0);
	out[strcspn(out, "\n")] = '\0';
}

#define DS_ID	"6f1c2f6e-3f0b-4d3a-9b1e-0d2f6a1c5e12"	/* the session's DSS */

/*
 * The downstream's contact is written once, not on every call: the same
 * contact again (a second GetUpdateData) leaves the row alone; another
 * one (GetRevisionIdList for updates: a sync) is written.
 */
void
t_touch_once(void **state)
{
	char v[256], *a;
	struct wh_reply r;
	struct soap_request *q;

	(void)state;
	a = leaf_answer();
	free(a);
	sql("UPDATE downstream_servers SET last_contact = 12345, "
	    "last_sync = 12345 WHERE server_id = '" DS_ID "';");
	a = leaf_answer();
	free(a);
	sql_value("SELECT last_contact || ' ' || last_sync FROM "
	    "downstream_servers WHERE server_id = '" DS_ID "'", v, sizeof(v));
	assert_string_equal(v, "12345 12345");
	/* a sync: another contact, written */
	q = revision_list(g.exp, g.data, "<GetConfig>false</GetConfig>", &r);
	soap_request_free(q);
	wh_reply_free(&r);
	sql_value("SELECT last_contact > 12345, last_sync > 12345, name, "
	    "protocol FROM downstream_servers WHERE server_id = '" DS_ID "'",
	    v, sizeof(v));
	assert_string_equal(v, "1|1|probe.lab.invalid|1.20");
}
