/*
 * test_upstream_more.c — the tests of test_wsusss_upstream past the
 * captured exchanges: bad input (the spec's fault, nothing stored),
 * protocol versions, replica mode (GetDeployments) and the allow-list,
 * ping and related operations.  The fixture and helpers: test_upstream.c.
 */
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <stddef.h>

#include <cmocka.h>

#include "metadata/cab.h"
#include "soap/soap_request.h"
#include "upstream_test.h"
#include "util/buf.h"
#include "util/encode.h"
#include "wusp_harness.h"

/* ---- bad input: the spec's fault, nothing stored ----------------------------- */

void
t_bad_input(void **state)
{
	struct buf before, after;
	struct wh_reply r;
	char *x, *y, forged[2048], ids[16384];
	size_t n = 0;

	(void)state;
	buf_init(&before, 256u << 20);
	buf_init(&after, 256u << 20);
	wh_db_dump(&g.srv, &before);

	/* forged session cookie */
	snprintf(forged, sizeof(forged), "%s", g.data);
	forged[10] = forged[10] == 'A' ? 'B' : 'A';
	x = session_req(CAP "000005-GetConfigData.request.xml");
	y = wh_set_text(x, NULL, "EncryptedData", forged);
	post_fault(SS, y, "InvalidCookie", NULL);
	free(x);
	free(y);

	/* forged authorization cookie */
	x = wh_fixture(CAP "000003-GetCookie.request.xml", NULL);
	post(SS, x, &r);	/* the redacted AAAA... of the capture */
	expect_fault(&r, "InvalidAuthorizationCookie", NULL);
	wh_reply_free(&r);
	/* wrong protocol majors, malformed versions */
	y = wh_set_text(x, NULL, "CookieData", g.auth);
	{
		char *z = wh_set_text(y, NULL, "protocolVersion", "2.0");

		post_fault(SS, z, "IncompatibleProtocolVersion", NULL);
		free(z);
		z = wh_set_text(y, NULL, "protocolVersion", "0.9");
		post_fault(SS, z, "IncompatibleProtocolVersion", NULL);
		free(z);
		z = wh_set_text(y, NULL, "protocolVersion", "1.x");
		post_fault(SS, z, "InvalidParameters", "protocolVersion");
		free(z);
	}
	free(x);
	free(y);

	/* absurd batch sizes: 0 and 101 ids (limit 100) */
	x = update_data_req(g.exp, g.data, "");
	post_fault(SS, x, "InvalidParameters", "updateIds");
	free(x);
	ids[0] = '\0';
	for (int i = 0; i < 101; i++)
		n += (size_t)snprintf(ids + n, sizeof(ids) - n,
		    "<UpdateIdentity><UpdateID>" SMALL "</UpdateID>"
		    "<RevisionNumber>200</RevisionNumber></UpdateIdentity>");
	x = update_data_req(g.exp, g.data, ids);
	post_fault(SS, x, "InvalidParameters", "updateIds");
	free(x);
	/* known id, wrong revision: the whole call fails (observed) */
	x = update_data_req(g.exp, g.data, "<UpdateIdentity><UpdateID>" SMALL
	    "</UpdateID><RevisionNumber>199</RevisionNumber></UpdateIdentity>");
	post_fault(SS, x, "InternalServerError", NULL);
	free(x);

	/* anchors from the future: ServerChanged (reset anchors) */
	x = session_req(CAP "000006-GetRevisionIdList-GetConfig-true.request.xml");
	y = wh_set_text(x, NULL, "filter", "<Anchor>999999999,2026-01-01 "
	    "00:00:00.000</Anchor><GetConfig>true</GetConfig>");
	post_fault(SS, y, "ServerChanged", NULL);
	free(y);
	y = wh_set_text(x, NULL, "filter", "<Anchor>1,2999-01-01 "
	    "00:00:00.000</Anchor><GetConfig>true</GetConfig>");
	post_fault(SS, y, "ServerChanged", NULL);
	free(y);
	/* a malformed filter */
	y = wh_set_text(x, NULL, "filter", "<GetConfig>maybe</GetConfig>");
	post_fault(SS, y, "InvalidParameters", "filter");
	free(y);
	free(x);
	/* GetDeployments without syncAnchor */
	x = session_req(SPEC "sample2-GetDeployments.request.xml");
	y = wh_set_text(x, NULL, "syncAnchor", "");
	post_fault(SS, y, "InvalidParameters", "syncAnchor");
	free(y);
	free(x);
	/* DownloadFiles: unknown digests, listed with '|' */
	x = session_req(SPEC "sample2-GetConfigData.request.xml");
	{
		char *p = strstr(x, "</cookie>"), body[8192];

		snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>"
		    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		    "<soap:Body><DownloadFiles xmlns=\"" NS "\"><cookie>"
		    "<Expiration>%s</Expiration><EncryptedData>%s</EncryptedData>"
		    "</cookie><fileDigestList><base64Binary>AAAAAAAAAAAAAAAAAAAAAAAAAAA="
		    "</base64Binary><base64Binary>h/W9BGlYUAaqXTp30cZi/SiV3c0="
		    "</base64Binary></fileDigestList></DownloadFiles></soap:Body>"
		    "</soap:Envelope>", g.exp, g.data);
		(void)p;
		post_fault(SS, body, "FileDigestsMissing",
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAA=|h/W9BGlYUAaqXTp30cZi/SiV3c0=");
	}
	free(x);
	/* an unknown operation */
	post(SS, "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap="
	    "\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
	    "<GetDriverIdList xmlns=\"" NS "\"/></soap:Body></soap:Envelope>", &r);
	assert_int_equal(r.status, 500);
	wh_reply_free(&r);

	wh_db_dump(&g.srv, &after);
	if (before.len != after.len || memcmp(before.data, after.data,
	    before.len) != 0) {
		FILE *fp = fopen("/tmp/wsusss-before.sql", "w");

		fwrite(before.data, 1, before.len, fp);
		fclose(fp);
		fp = fopen("/tmp/wsusss-after.sql", "w");
		fwrite(after.data, 1, after.len, fp);
		fclose(fp);
		fail_msg("bad input changed the database (see "
		    "/tmp/wsusss-before.sql, /tmp/wsusss-after.sql)");
	}
	assert_memory_equal(before.data, after.data, before.len);
	buf_free(&before);
	buf_free(&after);
}

/* ---- versions ------------------------------------------------------------- */

/* A WSUS 3.0 SP2 downstream (1.8), Microsoft's library (1.7), 2012 R2
 * (1.8 per the spec), WSUS 3.0 (1.3): the whole metadata sequence. */
void
t_versions(void **state)
{
	static const char *const versions[] = { "1.8", "1.7", "1.6", "1.3",
	    "1.20", "1.21" };

	(void)state;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char exp[64], data[2048], *x;
		struct wh_reply r;
		struct soap_request *q;
		struct buf ids;

		get_session(versions[i], exp, sizeof(exp), data, sizeof(data));
		x = wh_fixture(CAP "000005-GetConfigData.request.xml", NULL);
		{
			char *y = with_cookie(x, exp, data);

			post(SS, y, &r);
			q = ok(&r);
			assert_string_equal(wh_text(q->op,
			    "GetConfigDataResult/ProtocolVersion"), "1.20");
			soap_request_free(q);
			wh_reply_free(&r);
			free(y);
		}
		free(x);
		q = revision_list(exp, data, "<GetConfig>true</GetConfig>"
		    "<Get63LanguageOnly>false</Get63LanguageOnly>", &r);
		revisions(q, &ids);
		assert_non_null(strstr(ids.data, COMPANY));
		buf_free(&ids);
		soap_request_free(q);
		wh_reply_free(&r);
		q = revision_list(exp, data, "<GetConfig>false</GetConfig>"
		    "<Get63LanguageOnly>false</Get63LanguageOnly>"
		    "<Categories><IdAndDelta><Id>" PROD "</Id><Delta>false</Delta>"
		    "</IdAndDelta></Categories><Classifications><IdAndDelta><Id>"
		    CLASS "</Id><Delta>false</Delta></IdAndDelta></Classifications>"
		    "<Languages><LanguageAndDelta><Id>1033</Id><Delta>false</Delta>"
		    "</LanguageAndDelta></Languages>", &r);
		revisions(q, &ids);
		assert_non_null(strstr(ids.data, KB2267602));
		buf_free(&ids);
		/* a replica's deployments call with that anchor */
		{
			char body[8192];
			struct wh_reply r2;

			snprintf(body, sizeof(body), "<?xml version=\"1.0\"?>"
			    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap."
			    "org/soap/envelope/\"><soap:Body><GetDeployments "
			    "xmlns=\"" NS "\"><cookie><Expiration>%s</Expiration>"
			    "<EncryptedData>%s</EncryptedData></cookie>"
			    "<syncAnchor>%s</syncAnchor></GetDeployments>"
			    "</soap:Body></soap:Envelope>", exp, data,
			    wh_text(q->op, "GetRevisionIdListResult/Anchor"));
			post(SS, body, &r2);
			soap_request_free(ok(&r2));
			wh_reply_free(&r2);
		}
		soap_request_free(q);
		wh_reply_free(&r);
		x = update_data_req(exp, data, "<UpdateIdentity><UpdateID>" LEAF
		    "</UpdateID><RevisionNumber>200</RevisionNumber></UpdateIdentity>"
		    "<UpdateIdentity><UpdateID>" SMALL "</UpdateID><RevisionNumber>"
		    "200</RevisionNumber></UpdateIdentity>");
		post_ok(SS, x);
		free(x);
	}
}

/* CompatibleProtocolVersion: hidden from older downstreams */
#define NEWONLY	"c0c0c0c0-0000-4000-8000-000000000120"
#define OLDOK	"c0c0c0c0-0000-4000-8000-000000000104"

static void
import_variant(const char *dir, const char *uid, const char *cpv)
{
	size_t len;
	char *doc = wh_fixture(DOCS SMALL "-r200.xml", NULL), *a, *b, path[512];
	char attr[96];
	struct buf out;
	FILE *fp;

	a = wh_set_text(doc, NULL, "upd:Title", "wsusss version test");
	free(doc);
	/* another UpdateID, and the attribute on upd:Properties */
	b = strstr(a, SMALL);
	assert_non_null(b);
	memcpy(b, uid, 36);
	snprintf(attr, sizeof(attr), "<upd:Properties CompatibleProtocolVersion=\"%s\" ",
	    cpv);
	b = strstr(a, "<upd:Properties ");
	assert_non_null(b);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, uid);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fwrite(a, 1, (size_t)(b - a), fp);
	fputs(attr, fp);
	len = strlen(b + strlen("<upd:Properties "));
	fwrite(b + strlen("<upd:Properties "), 1, len, fp);
	fclose(fp);
	free(a);
	buf_init(&out, 1u << 20);
	if (tl_ctl(&g.srv, &out, "-q", "import-updates", path, (char *)NULL) != 0)
		fail_msg("import-updates %s: %s", path, out.data ? out.data : "");
	buf_free(&out);
}

void
t_compatible_version(void **state)
{
	char exp[64], data[2048];
	struct wh_reply r;
	struct soap_request *q;
	struct buf ids;

	(void)state;
	import_variant(g.srv.dir, NEWONLY, "1.20");
	import_variant(g.srv.dir, OLDOK, "1.4");
	/* 1.20 gets both */
	q = revision_list(g.exp, g.data, "<GetConfig>false</GetConfig>", &r);
	revisions(q, &ids);
	assert_non_null(strstr(ids.data, NEWONLY));
	assert_non_null(strstr(ids.data, OLDOK));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
	/* 1.8 (WSUS 3.0 SP2) only the one made for 1.4 */
	get_session("1.8", exp, sizeof(exp), data, sizeof(data));
	q = revision_list(exp, data, "<GetConfig>false</GetConfig>", &r);
	revisions(q, &ids);
	assert_null(strstr(ids.data, NEWONLY));
	assert_non_null(strstr(ids.data, OLDOK));
	assert_non_null(strstr(ids.data, KB2267602));
	buf_free(&ids);
	soap_request_free(q);
	wh_reply_free(&r);
}

/* ---- replica mode ----------------------------------------------------------- */

static struct soap_request *
deployments(const char *dep_anchor, const char *sync_anchor,
    struct wh_reply *r)
{
	char body[8192], da[256] = "";

	if (dep_anchor != NULL)
		snprintf(da, sizeof(da), "<deploymentAnchor>%s</deploymentAnchor>",
		    dep_anchor);
	snprintf(body, sizeof(body), "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetDeployments xmlns=\"" NS "\"><cookie>"
	    "<Expiration>%s</Expiration><EncryptedData>%s</EncryptedData>"
	    "</cookie>%s<syncAnchor>%s</syncAnchor></GetDeployments></soap:Body>"
	    "</soap:Envelope>", g.exp, g.data, da, sync_anchor);
	post(SS, body, r);
	return ok(r);
}

static void
sync_anchor(char *out, size_t outlen)
{
	struct wh_reply r;
	struct soap_request *q = revision_list(g.exp, g.data,
	    "<GetConfig>false</GetConfig>", &r);

	snprintf(out, outlen, "%s", wh_text(q->op,
	    "GetRevisionIdListResult/Anchor"));
	soap_request_free(q);
	wh_reply_free(&r);
}

void
t_deployments(void **state)
{
	struct wh_reply r;
	struct soap_request *q;
	struct buf out;
	char a1[128], a2[128], a3[128];

	(void)state;
	buf_init(&out, 1u << 20);
	assert_int_equal(tl_ctl(&g.srv, &out, "approve", KB2267602, "--group",
	    "All Computers", (char *)NULL), 0);
	assert_int_equal(tl_ctl(&g.srv, &out, "decline", SMALL, (char *)NULL), 0);
	buf_free(&out);
	sync_anchor(a1, sizeof(a1));
	q = deployments(NULL, a1, &r);
	assert_non_null(strstr(r.body.data, "<Name>All Computers</Name>"));
	assert_non_null(strstr(r.body.data, "<Name>Unassigned Computers</Name>"));
	assert_non_null(strstr(r.body.data, "<UpdateId>" KB2267602 "</UpdateId>"));
	assert_non_null(strstr(r.body.data, "<TargetGroupId>"
	    "a0a08746-4dbe-4a37-9adf-9e7652c0b421</TargetGroupId>"));
	assert_non_null(strstr(r.body.data, "<HiddenUpdates><guid>" SMALL));
	assert_non_null(wh_node(q->op, "GetDeploymentsResult/DeadDeployments"));
	assert_non_null(wh_node(q->op, "GetDeploymentsResult/AcceptedEulas"));
	snprintf(a2, sizeof(a2), "%s", wh_text(q->op, "GetDeploymentsResult/Anchor"));
	soap_request_free(q);
	wh_reply_free(&r);

	/* nothing changed: no deployments, full groups again */
	q = deployments(a2, a1, &r);
	assert_null(strstr(r.body.data, "<ServerSyncDeployment>"));
	assert_non_null(strstr(r.body.data, "<Name>All Computers</Name>"));
	assert_null(strstr(r.body.data, "<AcceptedEulas><guid>"));
	soap_request_free(q);
	wh_reply_free(&r);

	/* a replica passes on the EULAs its upstream accepted (stored by
	 * its replica sync): sorted, each once */
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"INSERT INTO "
		    "accepted_eulas VALUES ('e1e1e1e1-1111-4222-8333-444455556666'), "
		    "('e0e0e0e0-1111-4222-8333-444455556666')\"", g.srv.db);
		assert_int_equal(system(cmd), 0);
		q = deployments(a2, a1, &r);
		assert_non_null(strstr(r.body.data, "<AcceptedEulas><guid>"
		    "e0e0e0e0-1111-4222-8333-444455556666</guid><guid>"
		    "e1e1e1e1-1111-4222-8333-444455556666</guid></AcceptedEulas>"));
		soap_request_free(q);
		wh_reply_free(&r);
		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"DELETE FROM "
		    "accepted_eulas\"", g.srv.db);
		assert_int_equal(system(cmd), 0);
	}

	/* removed approval -> a dead deployment */
	buf_init(&out, 1u << 20);
	assert_int_equal(tl_ctl(&g.srv, &out, "unapprove", KB2267602,
	    (char *)NULL), 0);
	buf_free(&out);
	sync_anchor(a3, sizeof(a3));
	q = deployments(a2, a3, &r);
	assert_null(strstr(r.body.data, "<ServerSyncDeployment>"));
	assert_null(strstr(r.body.data, "<DeadDeployments />"));
	soap_request_free(q);
	wh_reply_free(&r);

	/* the spec's sample request: an anchor another server issued (its
	 * counter is ahead of ours) -> ServerChanged, the DSS resets */
	{
		char *x = session_req(SPEC "sample2-GetDeployments.request.xml");

		post_fault(SS, x, "ServerChanged", NULL);
		free(x);
	}
}

/* every successful call recorded the downstream (rollup's table) */
void
t_downstream_recorded(void **state)
{
	char cmd[512], line[512] = "";
	FILE *fp;

	(void)state;
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT name, protocol, mode, "
	    "address, last_sync > 0 FROM downstream_servers WHERE server_id = "
	    "'6f1c2f6e-3f0b-4d3a-9b1e-0d2f6a1c5e12'\"", g.srv.db);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	assert_int_equal(pclose(fp), 0);
	line[strcspn(line, "\n")] = '\0';
	assert_string_equal(line, "probe.lab.invalid|1.20|1|127.0.0.1|1");
}

/* ---- allow-list, ping, related ----------------------------------------------- */

static void
set_allow(const char *v)
{
	char sql[512];
	struct buf out;
	char *argv_sql;

	if (v != NULL)
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO settings"
		    "(key, value) VALUES('upstream_allow', '%s');", v);
	else
		snprintf(sql, sizeof(sql), "DELETE FROM settings WHERE "
		    "key = 'upstream_allow';");
	argv_sql = sql;
	buf_init(&out, 1u << 16);
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", g.srv.db,
		    argv_sql);
		assert_int_equal(system(cmd), 0);
	}
	buf_free(&out);
}

void
t_allow_list(void **state)
{
	char *x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	char *c = session_req(CAP "000005-GetConfigData.request.xml");
	struct wh_reply r;

	(void)state;
	set_allow("10.9.9.0/24, 2001:db8::/32");
	post_fault(DSS, x, "InvalidAuthorizationCookie", NULL);
	post(SS, c, &r);	/* a cookie from before does not help */
	expect_fault(&r, "InvalidCookie", NULL);
	wh_reply_free(&r);
	set_allow("10.9.9.0/24 127.0.0.0/8");
	post_ok(DSS, x);
	set_allow("not-an-address");	/* malformed: refuse everyone */
	post_fault(DSS, x, "InvalidAuthorizationCookie", NULL);
	set_allow(NULL);
	post_ok(DSS, x);
	free(x);
	free(c);
}

/*
 * SIGHUP to s, then wait (up to 30 s: an event, not a time) for its
 * n-th "configuration reloaded" line; that line ends with tail.
 */
static void
allow_reload(struct tl_wsusd *s, size_t n, const char *tail)
{
	char want[512];

	assert_int_equal(kill(s->pid, SIGHUP), 0);
	for (int i = 0; i < 300 &&
	    tl_count_in_file(s->log, "configuration reloaded from ") < n; i++)
		usleep(100000);
	assert_int_equal(tl_count_in_file(s->log,
	    "configuration reloaded from "), n);
	snprintf(want, sizeof(want), "(TLS certificates and keys re-read): "
	    "%s", tail);
	assert_int_equal(tl_count_in_file(s->log, want), n);
}

/* s's upstream_allow line in its file set to list, and a reload (the
 * n-th) that applies it. */
static void
allow_file_reload(struct tl_wsusd *s, const char *list, size_t n)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "sed -i 's|^upstream_allow = .*$|"
	    "upstream_allow = %s|' '%s'", list, s->conf);
	assert_int_equal(system(cmd), 0);
	allow_reload(s, n, "applied [server] upstream_allow\n");
}

/* The DssAuth request x to s: answered, or refused as not allowed. */
static void
assert_dss_allowed(struct tl_wsusd *s, const char *x, bool allowed)
{
	struct wh_reply r;

	wh_soap(s, DSS, x, &r);
	assert_int_equal(r.status, allowed ? 200 : 500);
	assert_non_null(strstr(r.body.data, allowed ?
	    "GetAuthorizationCookieResult" :
	    "<ErrorCode>InvalidAuthorizationCookie</ErrorCode>"));
	wh_reply_free(&r);
}

/* the allow-list from wsusd.conf ([server] upstream_allow), applied at
 * the start and by a reload (SIGHUP) */
void
t_allow_config(void **state)
{
	struct tl_wsusd s2;
	char *conf, *x, cmd[512];
	size_t len;
	FILE *fp;

	(void)state;
	assert_int_equal(wh_setup(&s2, NULL), 0);
	snprintf(s2.schema, sizeof(s2.schema),
	    "%s/soap/wsusss-schema/soap11-envelope.xsd", wh_fixtures);
	snprintf(cmd, sizeof(cmd), "sed -i 's|^\\[server\\]$|[server]\\n"
	    "upstream_allow = 10.9.9.0/24, 2001:db8::/32|' '%s'", s2.conf);
	assert_int_equal(system(cmd), 0);
	fp = fopen(s2.conf, "r");
	assert_non_null(fp);
	conf = calloc(1, 8192);
	len = fread(conf, 1, 8191, fp);
	fclose(fp);
	assert_true(len > 0);
	assert_non_null(strstr(conf, "upstream_allow = 10.9.9.0/24"));
	free(conf);
	assert_int_equal(tl_wsusd_start(&s2), 0);
	x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml", NULL);
	assert_dss_allowed(&s2, x, false);

	/* a reload applies the file's new list: 127.0.0.1 allowed */
	allow_file_reload(&s2, "10.9.9.0/24 127.0.0.0/8", 1);
	assert_dss_allowed(&s2, x, true);

	/* and a reload to a list without it refuses again */
	allow_file_reload(&s2, "192.0.2.7", 2);
	assert_dss_allowed(&s2, x, false);
	free(x);
	assert_int_equal(tl_count_in_file(s2.log, "needs a restart"), 0);
	assert_int_equal(tl_wsusd_stop(&s2), 0);
	tl_wsusd_cleanup(&s2);
}

void
t_ping_related(void **state)
{
	char body[4096];

	(void)state;
	post_ok(SS, "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap="
	    "\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
	    "<Ping xmlns=\"http://www.microsoft.com/SoftwareDistribution/"
	    "Server/IMonitorable\"><pingLevel>0</pingLevel></Ping>"
	    "</soap:Body></soap:Envelope>");
	snprintf(body, sizeof(body), "<?xml version=\"1.0\"?><soap:Envelope "
	    "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
	    "<soap:Body><GetRelatedRevisionsForUpdates xmlns=\"" NS "\">"
	    "<cookie><Expiration>%s</Expiration><EncryptedData>%s"
	    "</EncryptedData></cookie><updateIDs><guid>" SMALL "</guid>"
	    "</updateIDs></GetRelatedRevisionsForUpdates></soap:Body>"
	    "</soap:Envelope>", g.exp, g.data);
	post_ok(SS, body);
}

