/*
 * test_rollup_soap.c — the rollup operations of the reporting service
 * against a running wsusd (docs/ROLLUP.md): the [MS-WSUSSS] §4 sample 3
 * requests in order (configuration, servers, computers, out-of-sync,
 * status), then delta and duplicate status rollups, a computer moving to
 * another site, a site sending status for a computer it does not own,
 * the `rollup` setting, wsusctl downstream/report, and hostile requests
 * (bad GUIDs, arrays over the limits, unknown parents, bad states) that
 * must fault and leave the database byte for byte the same.  Every
 * answer is validated against the WSDL schema.
 *
 *   test_rollup_soap WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/xmalloc.h"
#include "wusp_harness.h"

#define FX	"soap/wsusss-rollup/sample3-"
#define SITE1	"050cee4a-aaff-470c-8fc3-7a94cb3a4293"	/* the sample's DSS */
#define SITE2	"7e57e57e-0000-4000-8000-000000000002"
#define PC	"d07a4d51-7cb2-46d1-ad86-91195cb4325a"

static struct {
	struct tl_wsusd srv;
	struct buf before;
} T;

static char *
fixture(const char *op)
{
	char rel[128];

	snprintf(rel, sizeof(rel), FX "%s.request.xml", op);
	return wh_fixture(rel, NULL);
}

/* Replace every `from` with `to`; frees xml. */
static char *
replace(char *xml, const char *from, const char *to)
{
	struct buf b;
	const char *p = xml, *q;

	buf_init(&b, 1u << 26);
	while ((q = strstr(p, from)) != NULL) {
		buf_append(&b, p, (size_t)(q - p));
		buf_puts(&b, to);
		p = q + strlen(from);
	}
	buf_puts(&b, p);
	free(xml);
	return buf_steal(&b, NULL);
}

/* POST to the reporting service; check status, schema, fault code.
 * Returns the parsed answer (caller frees). */
static struct soap_request *
call(const char *what, const char *xml, long status, const char *code)
{
	struct wh_reply r;
	struct soap_request *q;
	char err[2048];

	wh_soap(&T.srv, WH_REPORTING, xml, &r);
	if (r.rc != CURLE_OK)
		fail_msg("%s: %s", what, curl_easy_strerror(r.rc));
	if (r.status != status)
		fail_msg("%s: HTTP %ld, want %ld: %.800s", what, r.status,
		    status, r.body.data ? r.body.data : "");
	if (wh_validate(&T.srv, r.body.data, r.body.len, err, sizeof(err))
	    != 0)
		fail_msg("%s: answer does not validate: %s\n%s", what, err,
		    r.body.data);
	q = wh_parse(r.body.data, r.body.len);
	assert_non_null(q);
	if (code != NULL) {
		const char *ec = wh_text(q->op, "detail/ErrorCode");

		if (ec == NULL || strcmp(ec, code) != 0)
			fail_msg("%s: want %s: %s", what, code, r.body.data);
	}
	wh_reply_free(&r);
	return q;
}

static void
call_free(const char *what, const char *xml, long status, const char *code)
{
	soap_request_free(call(what, xml, status, code));
}

static char *
ctl(const char *a1, const char *a2, const char *a3, const char *a4)
{
	struct buf out;
	int rc;

	buf_init(&out, 1u << 24);
	rc = tl_ctl(&T.srv, &out, "--json", a1, a2, a3, a4, (char *)NULL);
	if (rc != 0)
		fail_msg("wsusctl %s %s: exit %d: %s", a1, a2 ? a2 : "", rc,
		    out.data ? out.data : "");
	buf_putc(&out, '\0');
	return buf_steal(&out, NULL);
}

#define SS	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define DSSAUTH	"/DssAuthWebService/DssAuthWebService.asmx"
#define CAP	"soap/wsusss-capture/"
#define SITE1_NAME "yasufs64.ntdev.corp.microsoft.com"
#define SITE2_NAME "site2.ntdev.corp.microsoft.com"
#define EVIL	"e0e0e0e0-0bad-4bad-8bad-000000000666"
#define CHILD	"c41d0000-0000-4000-8000-000000000001"	/* below SITE1 */

/*
 * A server-sync session of downstream guid (accountName name) from this
 * address: GetAuthorizationCookie, then GetCookie.  0 and the session
 * cookie in exp/data (may be NULL), or the fault's ErrorCode in code.
 */
static int
session(const char *guid, const char *name, char *exp, char *data,
    char code[64])
{
	struct wh_reply r;
	char *x, *y, auth[2048];
	struct soap_request *q;
	const char *t;

	code[0] = '\0';
	x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL);
	y = wh_set_text(x, NULL, "accountName", name);
	free(x);
	x = wh_set_text(y, NULL, "accountGuid", guid);
	free(y);
	wh_soap(&T.srv, DSSAUTH, x, &r);
	free(x);
	assert_int_equal(r.rc, CURLE_OK);
	q = wh_parse(r.body.data, r.body.len);
	assert_non_null(q);
	if (r.status != 200) {
		snprintf(code, 64, "%s", wh_text(q->op, "detail/ErrorCode"));
		soap_request_free(q);
		wh_reply_free(&r);
		return -1;
	}
	snprintf(auth, sizeof(auth), "%s", wh_text(q->op,
	    "GetAuthorizationCookieResult/CookieData"));
	soap_request_free(q);
	wh_reply_free(&r);
	x = wh_fixture(CAP "000003-GetCookie.request.xml", NULL);
	y = wh_set_text(x, NULL, "CookieData", auth);
	free(x);
	wh_soap(&T.srv, SS, y, &r);
	free(y);
	assert_int_equal(r.rc, CURLE_OK);
	q = wh_parse(r.body.data, r.body.len);
	assert_non_null(q);
	if (r.status != 200) {
		t = wh_text(q->op, "detail/ErrorCode");
		snprintf(code, 64, "%s", t != NULL ? t : "");
		soap_request_free(q);
		wh_reply_free(&r);
		return -1;
	}
	if (exp != NULL)
		snprintf(exp, 64, "%s", wh_text(q->op,
		    "GetCookieResult/Expiration"));
	if (data != NULL)
		snprintf(data, 2048, "%s", wh_text(q->op,
		    "GetCookieResult/EncryptedData"));
	soap_request_free(q);
	wh_reply_free(&r);
	return 0;
}

static void
session_ok(const char *guid, const char *name, char *exp, char *data)
{
	char code[64];

	if (session(guid, name, exp, data, code) != 0)
		fail_msg("session %s %s: %s", guid, name, code);
}

/* Run SQL on the database of the running server. */
static void
sql(const char *stmt)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"%s\"", T.srv.db, stmt);
	assert_int_equal(system(cmd), 0);
}

static int
setup(void **state)
{
	(void)state;
	if (wh_setup(&T.srv, NULL) != 0 || tl_wsusd_start(&T.srv) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	buf_free(&T.before);
	tl_wsusd_cleanup(&T.srv);
	return 0;
}

static const char *const ops5[] = {
	"GetRollupConfiguration", "RollupDownstreamServers", "RollupComputers",
	"GetOutOfSyncComputers", "RollupComputerStatus",
};

/* `wsusctl downstream list --json` equals before (when before given). */
static char *
downstream_list(const char *before)
{
	char *out = ctl("downstream", "list", NULL, NULL);

	if (before != NULL && strcmp(out, before) != 0)
		fail_msg("downstream list changed:\n%s\nwas:\n%s", out,
		    before);
	return out;
}

/* xml (freed) with the cookie Expiration exp and EncryptedData data. */
static char *
with_cookie(char *xml, const char *exp, const char *data)
{
	char *y = wh_set_text(xml, "<cookie>", "Expiration", exp), tag[2200];

	free(xml);
	snprintf(tag, sizeof(tag), "<EncryptedData>%s</EncryptedData>", data);
	return replace(y, "<EncryptedData />", tag);
}

/* The five sample requests, each refused with code; nothing changes. */
static void
all_refused(const char *why, const char *code, const char *exp,
    const char *data)
{
	char *before = downstream_list(NULL), *after;

	wh_db_snapshot(&T.srv, &T.before);
	for (size_t i = 0; i < 5; i++) {
		char *x = fixture(ops5[i]), what[128];

		if (data != NULL)
			x = with_cookie(x, exp, data);
		snprintf(what, sizeof(what), "%s %s", why, ops5[i]);
		call_free(what, x, 500, code);
		free(x);
	}
	wh_db_unchanged(&T.srv, &T.before, why);
	after = downstream_list(before);
	free(after);
	free(before);
}

/* No server-sync session: every rollup operation is refused. */
static void
test_unauthenticated(void **state)
{
	char *out;

	(void)state;
	/* the reporting service's first call stores the client
	 * configuration of MS-WUSP (a setting): make it before comparing */
	{
		char *x = fixture("GetRollupConfiguration");

		call_free("first call", x, 500, "InvalidCookie");
		free(x);
	}
	all_refused("no session", "InvalidCookie", NULL, NULL);
	/* a forged session cookie does not help */
	all_refused("forged cookie", "InvalidCookie", "2030-01-01T00:00:00Z",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	out = ctl("downstream", "list", NULL, NULL);
	assert_null(strstr(out, SITE1));
	free(out);
	/* GetAuthorizationCookie alone records nothing */
	{
		struct wh_reply r;
		char *x = wh_fixture(CAP "000002-DssGetAuthorizationCookie."
		    "request.xml", NULL);

		wh_db_snapshot(&T.srv, &T.before);
		wh_soap(&T.srv, DSSAUTH, x, &r);
		assert_int_equal(r.status, 200);
		wh_reply_free(&r);
		free(x);
		wh_db_unchanged(&T.srv, &T.before, "GetAuthorizationCookie");
	}
}

/* The whole spec sequence, then delta/duplicate/move/foreign. */
static void
test_sequence(void **state)
{
	struct soap_request *q;
	char *x, *out;
	const char *t;

	(void)state;
	/* the downstream completes a server-sync session first */
	session_ok(SITE1, SITE1_NAME, NULL, NULL);
	/* 1. configuration */
	x = fixture("GetRollupConfiguration");
	q = call("GetRollupConfiguration", x, 200, NULL);
	assert_string_equal(wh_text(q->op,
	    "GetRollupConfigurationResult/DoDetailedRollup"), "true");
	assert_string_equal(wh_text(q->op,
	    "GetRollupConfigurationResult/RollupComputersMaxBatchSize"),
	    "1500");
	t = wh_text(q->op, "GetRollupConfigurationResult/RollupResetGuid");
	assert_non_null(t);
	assert_int_equal(strlen(t), 36);
	soap_request_free(q);
	free(x);

	/* 2. servers */
	x = fixture("RollupDownstreamServers");
	q = call("RollupDownstreamServers", x, 200, NULL);
	assert_string_equal(q->op->name, "RollupDownstreamServersResponse");
	assert_int_equal(q->op->nchildren, 0);
	soap_request_free(q);
	free(x);
	out = ctl("downstream", "list", NULL, NULL);
	assert_non_null(strstr(out, "yasufs64.ntdev.corp.microsoft.com"));
	assert_non_null(strstr(out, "\"replica\""));
	assert_non_null(strstr(out, "3.0.6000.354"));
	free(out);

	/* 3. computers: Details sent, nothing to ask back */
	x = fixture("RollupComputers");
	q = call("RollupComputers", x, 200, NULL);
	assert_null(wh_node(q->op, "RollupComputersResult/ChangedComputer"));
	soap_request_free(q);
	free(x);

	/* 4. out of sync: nothing received yet, the DSS says 2 */
	x = fixture("GetOutOfSyncComputers");
	q = call("GetOutOfSyncComputers", x, 200, NULL);
	assert_string_equal(wh_text(q->op,
	    "GetOutOfSyncComputersResult/string"), PC);
	soap_request_free(q);
	free(x);

	/* 5. status #3, full */
	x = fixture("RollupComputerStatus");
	q = call("RollupComputerStatus", x, 200, NULL);
	assert_string_equal(wh_text(q->op, "RollupComputerStatusResult"),
	    "true");
	soap_request_free(q);
	out = ctl("report", "compliance", "--site", "yasufs64");
	assert_non_null(strstr(out, "09de7a79-5c09-4f3a-972e-cc1bbb7ca7e4"));
	assert_non_null(strstr(out, "\"failed\": 1"));
	free(out);
	out = ctl("report", "hierarchy", NULL, NULL);
	assert_non_null(strstr(out, PC));
	assert_non_null(strstr(out, "yasufs64"));
	free(out);

	/* now in sync at 3 */
	{
		char *y = fixture("GetOutOfSyncComputers");

		y = replace(y, "<RollupNumber>2</RollupNumber>",
		    "<RollupNumber>3</RollupNumber>");
		q = call("GetOutOfSyncComputers at 3", y, 200, NULL);
		assert_null(wh_node(q->op,
		    "GetOutOfSyncComputersResult/string"));
		soap_request_free(q);
		free(y);
	}

	/* duplicate #3 (a resend): true, nothing changes */
	wh_db_snapshot(&T.srv, &T.before);
	x = replace(x, "<SummarizationState>5</SummarizationState>",
	    "<SummarizationState>4</SummarizationState>");
	q = call("duplicate RollupComputerStatus", x, 200, NULL);
	assert_string_equal(wh_text(q->op, "RollupComputerStatusResult"),
	    "true");
	soap_request_free(q);
	wh_db_unchanged(&T.srv, &T.before, "a duplicate rollup number");

	/* delta #4: the failed update is now installed */
	x = replace(x, "<RollupNumber>3</RollupNumber>",
	    "<RollupNumber>4</RollupNumber>");
	x = replace(x, "<IsFullRollup>true</IsFullRollup>",
	    "<IsFullRollup>false</IsFullRollup>");
	x = replace(x, "2007-03-05T22:25:11.64Z", "2007-03-06T02:00:00Z");
	call_free("delta RollupComputerStatus", x, 200, NULL);
	out = ctl("report", "compliance", "--site", SITE1);
	assert_null(strstr(out, "\"failed\": 1"));
	assert_non_null(strstr(out, "\"installed\": 1"));
	free(out);

	/* the computer moves to a second site (newer sync, no Details) */
	{
		char *s = fixture("RollupDownstreamServers");
		char *c = fixture("RollupComputers");
		const char *d0, *d1;

		session_ok(SITE2, SITE2_NAME, NULL, NULL);
		s = replace(s, SITE1, SITE2);
		s = replace(s, "yasufs64.ntdev", "site2.ntdev");
		call_free("second site", s, 200, NULL);
		free(s);
		c = replace(c, SITE1, SITE2);
		c = replace(c, "2007-03-06T03:22:28.137Z",
		    "2007-03-06T03:30:00Z");
		/* drop the Details element */
		d0 = strstr(c, "<Details");
		d1 = strstr(c, "</Details>");
		assert_non_null(d0);
		assert_non_null(d1);
		memmove((char *)d0, d1 + strlen("</Details>"),
		    strlen(d1 + strlen("</Details>")) + 1);
		q = call("moving RollupComputers", c, 200, NULL);
		{
			const struct soap_node *n = wh_node(q->op,
			    "RollupComputersResult/ChangedComputer");

			assert_non_null(n);
			assert_string_equal(soap_attr(n, NULL, "ComputerId"),
			    PC);
			assert_string_equal(soap_attr(n, NULL, "Change"),
			    "NewParent");
		}
		soap_request_free(q);
		free(c);
		out = ctl("report", "hierarchy", "--site", "site2");
		assert_non_null(strstr(out, PC));
		free(out);

		/* the old site reports it with its older sync: it stays */
		wh_db_snapshot(&T.srv, &T.before);
		c = fixture("RollupComputers");
		call_free("stale RollupComputers", c, 200, NULL);
		free(c);
		out = ctl("report", "hierarchy", "--site", "yasufs64");
		assert_null(strstr(out, PC));
		free(out);
	}

	/* the old site sends status for a computer it no longer owns:
	 * accepted (true) and ignored */
	x = replace(x, "<RollupNumber>4</RollupNumber>",
	    "<RollupNumber>9</RollupNumber>");
	wh_db_snapshot(&T.srv, &T.before);
	q = call("foreign RollupComputerStatus", x, 200, NULL);
	assert_string_equal(wh_text(q->op, "RollupComputerStatusResult"),
	    "true");
	soap_request_free(q);
	wh_db_unchanged(&T.srv, &T.before,
	    "status for a computer of another site");
	free(x);
}

/* ---- hostile requests: a fault, nothing changes ---- */

static char *
many(const char *item, int n)
{
	struct buf b;

	buf_init(&b, 1u << 26);
	for (int i = 0; i < n; i++) {
		char tmp[1024];

		snprintf(tmp, sizeof(tmp), item, i);
		buf_puts(&b, tmp);
	}
	return buf_steal(&b, NULL);
}

/* The fixture request of op with the content of <tag> replaced by items. */
static char *
with_items(const char *op, const char *tag, const char *items)
{
	char *x = fixture(op), open_[64], close_[64];
	struct buf b;

	snprintf(open_, sizeof(open_), "<%s>", tag);
	snprintf(close_, sizeof(close_), "</%s>", tag);
	buf_init(&b, 1u << 26);
	buf_append(&b, x, (size_t)(strstr(x, open_) - x));
	buf_puts(&b, open_);
	buf_puts(&b, items);
	buf_puts(&b, strstr(x, close_));
	free(x);
	return buf_steal(&b, NULL);
}

static void
test_hostile(void **state)
{
	/* one change to a sample request each: the fault it gets */
	static const struct {
		const char *what, *op, *from, *to, *fault;
	} bad[] = {
		{ "bad ComputerId", "RollupComputers", PC, "not-a-guid",
		  "InvalidParameters" },
		{ "unknown ParentServerId", "RollupComputers",
		  "ParentServerId=\"" SITE1,
		  "ParentServerId=\"99999999-9999-9999-9999-999999999999",
		  "InternalServerError" },
		{ "bad LastSyncResult", "RollupComputers",
		  "LastSyncResult=\"1\"", "LastSyncResult=\"7\"",
		  "InvalidParameters" },
		{ "unknown server parent", "RollupDownstreamServers",
		  "<ParentServerId>00000000-0000-0000-0000-000000000000",
		  "<ParentServerId>99999999-9999-9999-9999-999999999999",
		  "InternalServerError" },
		{ "bad Version", "RollupDownstreamServers", "3.0.6000.354",
		  "3.0.6000.354.1.2", "InvalidParameters" },
		{ "bad summary", "RollupDownstreamServers",
		  "<UpdateCount>1002</UpdateCount>",
		  "<UpdateCount>x</UpdateCount>", "InvalidParameters" },
		{ "bad SummarizationState", "RollupComputerStatus",
		  "<SummarizationState>4</SummarizationState>",
		  "<SummarizationState>9</SummarizationState>",
		  "InvalidParameters" },
		{ "RollupNumber 0", "RollupComputerStatus",
		  "<RollupNumber>3</RollupNumber>",
		  "<RollupNumber>0</RollupNumber>", "InvalidParameters" },
		{ "bad UpdateId", "RollupComputerStatus",
		  "<UpdateId>09de7a79-5c09-4f3a-972e-cc1bbb7ca7e4</UpdateId>",
		  "<UpdateId>{09de7a79-5c09-4f3a-972e-cc1bbb7ca7e4</UpdateId>",
		  "InvalidParameters" },
		{ "bad parentServerId", "GetOutOfSyncComputers",
		  "<parentServerId>" SITE1, "<parentServerId>zzz",
		  "InvalidParameters" },
	};
	char *x, *body, *items;

	(void)state;
	/* the servers and computer of the sample, known */
	x = fixture("RollupDownstreamServers");
	call_free("servers", x, 200, NULL);
	free(x);
	x = fixture("RollupComputers");
	call_free("computers", x, 200, NULL);
	free(x);
	wh_db_snapshot(&T.srv, &T.before);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = replace(fixture(bad[i].op), bad[i].from, bad[i].to);
		call_free(bad[i].what, x, 500, bad[i].fault);
		free(x);
	}

	/* 1501 computers (limit 1500) */
	items = many("<ComputerRollupInfo ComputerId=\"d07a4d51-7cb2-46d1-"
	    "ad86-%012d\" LastSyncTime=\"2007-03-06T03:22:28Z\" "
	    "LastSyncResult=\"1\" LastReportedRebootTime=\"0001-01-01T00:00:00\" "
	    "LastReportedStatusTime=\"0001-01-01T00:00:00\" "
	    "LastInventoryTime=\"0001-01-01T00:00:00\" ParentServerId=\""
	    SITE1 "\" />", 1501);
	body = with_items("RollupComputers", "computers", items);
	call_free("1501 computers", body, 500, "InvalidParameters");
	free(body);
	free(items);

	/* 501 status entries (limit 500) */
	items = many("<ComputerStatusRollupInfo><InstanceId>14720b83-5998-"
	    "41f7-b586-6088cd8acd0c</InstanceId><ComputerId>d07a4d51-7cb2-"
	    "46d1-ad86-%012d</ComputerId><EffectiveLastDetectionTime>"
	    "2007-03-06T01:47:46Z</EffectiveLastDetectionTime><RollupNumber>1"
	    "</RollupNumber><IsFullRollup>true</IsFullRollup>"
	    "</ComputerStatusRollupInfo>", 501);
	body = with_items("RollupComputerStatus", "computers", items);
	call_free("501 status entries", body, 500, "InvalidParameters");
	free(body);
	free(items);

	/* 20001 out-of-sync numbers (limit 20000): the SOAP reader's own
	 * element bound or ours, a fault either way */
	items = many("<ComputerLastRollupNumber><ComputerId>d07a4d51-7cb2-"
	    "46d1-ad86-%012d</ComputerId><RollupNumber>1</RollupNumber>"
	    "</ComputerLastRollupNumber>", 20001);
	body = with_items("GetOutOfSyncComputers", "lastRollupNumbers", items);
	{
		struct wh_reply r;

		wh_soap(&T.srv, WH_REPORTING, body, &r);
		assert_int_equal(r.rc, CURLE_OK);
		if (r.status != 500 && r.status != 413 && r.status != 400)
			fail_msg("20001 numbers: HTTP %ld", r.status);
		wh_reply_free(&r);
	}
	free(body);
	free(items);
	wh_db_unchanged(&T.srv, &T.before, "hostile rollups");
}

/* One RollupDownstreamServers entry (no summaries). */
#define ENTRY(id, name, parent, replica) "<DownstreamServerRollupInfo>" \
	"<ServerId>" id "</ServerId><FullDomainName>" name "</FullDomainName>" \
	"<LastSyncTime>2030-01-01T00:00:00Z</LastSyncTime><ParentServerId>" \
	parent "</ParentServerId><Version>10.0.1.2</Version><IsReplica>" \
	replica "</IsReplica><LastRollupTime>2030-01-01T00:00:00Z" \
	"</LastRollupTime><ServerSummary>" \
	"<UpdateCount>1</UpdateCount><DeclinedUpdateCount>0</DeclinedUpdateCount>" \
	"<ApprovedUpdateCount>0</ApprovedUpdateCount><NotApprovedUpdateCount>0" \
	"</NotApprovedUpdateCount><UpdatesWithStaleUpdateApprovalsCount>0" \
	"</UpdatesWithStaleUpdateApprovalsCount><ExpiredUpdateCount>0" \
	"</ExpiredUpdateCount><CriticalOrSecurityUpdatesNotApprovedForInstallCount>0" \
	"</CriticalOrSecurityUpdatesNotApprovedForInstallCount>" \
	"<WsusInfrastructureUpdatesNotApprovedForInstallCount>0" \
	"</WsusInfrastructureUpdatesNotApprovedForInstallCount>" \
	"<UpdatesWithClientErrorsCount>0</UpdatesWithClientErrorsCount>" \
	"<UpdatesWithServerErrorsCount>0</UpdatesWithServerErrorsCount>" \
	"<UpdatesNeedingFilesCount>0</UpdatesNeedingFilesCount>" \
	"<UpdatesNeededByComputersCount>0</UpdatesNeededByComputersCount>" \
	"<UpdatesUpToDateCount>0</UpdatesUpToDateCount>" \
	"<CustomComputerTargetGroupCount>0</CustomComputerTargetGroupCount>" \
	"<ComputerTargetCount>0</ComputerTargetCount>" \
	"<ComputerTargetsNeedingUpdatesCount>0</ComputerTargetsNeedingUpdatesCount>" \
	"<ComputerTargetsWithUpdateErrorsCount>0</ComputerTargetsWithUpdateErrorsCount>" \
	"<ComputersUpToDateCount>0</ComputersUpToDateCount></ServerSummary>" \
	"<ClientSummaries /></DownstreamServerRollupInfo>"
#define ZERO	"00000000-0000-0000-0000-000000000000"

/* The attacks of one caller (cookie exp/data, or the dummy when NULL):
 * each refused with the fault named, nothing changes. */
static void
takeover_attempts(const char *why, const char *exp, const char *data)
{
	static const struct {
		const char *op, *tag, *items, *from, *to, *code;
	} a[] = {
		/* the real site as a direct child of ours: not the caller */
		{ "RollupDownstreamServers", "downstreamServers",
		  ENTRY(SITE1, "evil.invalid", ZERO, "false"), NULL, NULL,
		  "InvalidParameters" },
		/* the real site under the caller: not of its branch */
		{ "RollupDownstreamServers", "downstreamServers",
		  ENTRY(EVIL, "evil.invalid", ZERO, "false")
		  ENTRY(SITE1, "evil.invalid", EVIL, "false"), NULL, NULL,
		  "InvalidParameters" },
		/* a new server under the real site */
		{ "RollupDownstreamServers", "downstreamServers",
		  ENTRY(EVIL, "evil.invalid", ZERO, "false")
		  ENTRY("e0e0e0e0-0bad-4bad-8bad-000000000667", "x.invalid",
		  SITE1, "false"), NULL, NULL, "InvalidParameters" },
		/* computers and status for the real sites */
		{ "RollupComputers", NULL, NULL, NULL, NULL,
		  "InvalidParameters" },
		{ "RollupComputerStatus", NULL, NULL, "<parentServerId>" SITE1,
		  "<parentServerId>" SITE2, "InvalidParameters" },
		{ "GetOutOfSyncComputers", NULL, NULL, NULL, NULL,
		  "InvalidParameters" },
	};
	char *before = downstream_list(NULL), *after;

	wh_db_snapshot(&T.srv, &T.before);
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		char *x, what[160];

		x = a[i].tag != NULL ? with_items(a[i].op, a[i].tag,
		    a[i].items) : fixture(a[i].op);
		if (a[i].from != NULL)
			x = replace(x, a[i].from, a[i].to);
		if (data != NULL)
			x = with_cookie(x, exp, data);
		snprintf(what, sizeof(what), "%s: %s #%zu", why, a[i].op, i);
		call_free(what, x, 500, a[i].code);
		free(x);
	}
	wh_db_unchanged(&T.srv, &T.before, why);
	after = downstream_list(before);
	free(after);
	free(before);
}

/* Another caller cannot take over a real downstream's identity. */
static void
test_takeover(void **state)
{
	char exp[64], data[2048], code[64], *out;

	(void)state;
	/* the attacker's own session; it sends its session cookie */
	session_ok(EVIL, "evil.invalid", exp, data);
	takeover_attempts("own session cookie", exp, data);
	/* the dummy cookie from an address where only the attacker has a
	 * live session (the real sites' sessions are older than 240 min) */
	sql("UPDATE downstream_servers SET last_contact = 1000 WHERE "
	    "server_id IN ('" SITE1 "', '" SITE2 "')");
	takeover_attempts("dummy cookie", NULL, NULL);
	/* a session as the real site under another account name */
	wh_db_snapshot(&T.srv, &T.before);
	assert_int_equal(session(SITE1, "evil.invalid", NULL, NULL, code), -1);
	assert_string_equal(code, "InvalidAuthorizationCookie");
	wh_db_unchanged(&T.srv, &T.before, "a session under another name");
	/* name and mode unchanged */
	out = ctl("downstream", "show", SITE1, NULL);
	assert_non_null(strstr(out, "\"name\": \"" SITE1_NAME "\""));
	assert_non_null(strstr(out, "\"mode\": \"replica\""));
	free(out);
	/* the real site comes back (any case of its name) */
	session_ok(SITE1, "YASUFS64.ntdev.corp.microsoft.com", NULL, NULL);
	session_ok(SITE2, SITE2_NAME, NULL, NULL);
	/* it rolls up a server below it; a session as that server under
	 * another name would detach it from the site: refused */
	{
		char *x = with_items("RollupDownstreamServers",
		    "downstreamServers", ENTRY(SITE1, SITE1_NAME, ZERO, "true")
		    ENTRY(CHILD, "child.ntdev.corp.microsoft.com", SITE1,
		    "false"));

		call_free("a server below the site", x, 200, NULL);
		free(x);
	}
	wh_db_snapshot(&T.srv, &T.before);
	assert_int_equal(session(CHILD, "evil.invalid", NULL, NULL, code), -1);
	assert_string_equal(code, "InvalidAuthorizationCookie");
	wh_db_unchanged(&T.srv, &T.before, "a session as a server below");
	out = ctl("downstream", "show", "child", NULL);
	assert_non_null(strstr(out, "\"parent_id\": \"" SITE1 "\""));
	free(out);
}

/* upstream_allow covers rollup: a live session from a refused address
 * does not help. */
static void
test_allow_list(void **state)
{
	char *x;

	(void)state;
	sql("INSERT OR REPLACE INTO settings(key, value) VALUES("
	    "'upstream_allow', '10.9.9.0/24')");
	all_refused("not allowed", "InvalidCookie", NULL, NULL);
	sql("DELETE FROM settings WHERE key = 'upstream_allow'");
	x = fixture("GetRollupConfiguration");
	call_free("allowed again", x, 200, NULL);
	free(x);
}

/* DoDetailedRollup off: configuration says false, detail calls fault. */
static void
test_summary_only(void **state)
{
	struct soap_request *q;
	char *x, *out;

	(void)state;
	out = ctl("downstream", "rollup", "summary", NULL);
	free(out);
	x = fixture("GetRollupConfiguration");
	q = call("GetRollupConfiguration off", x, 200, NULL);
	assert_string_equal(wh_text(q->op,
	    "GetRollupConfigurationResult/DoDetailedRollup"), "false");
	soap_request_free(q);
	free(x);
	wh_db_snapshot(&T.srv, &T.before);
	x = fixture("RollupComputers");
	call_free("RollupComputers off", x, 500, "InternalServerError");
	free(x);
	x = fixture("RollupComputerStatus");
	call_free("RollupComputerStatus off", x, 500, "InternalServerError");
	free(x);
	wh_db_unchanged(&T.srv, &T.before, "detail calls with rollup off");
	/* summaries are still taken */
	x = fixture("RollupDownstreamServers");
	call_free("RollupDownstreamServers off", x, 200, NULL);
	free(x);
	out = ctl("downstream", "rollup", "detailed", NULL);
	free(out);

	/* remove: the site and its computers go */
	out = ctl("downstream", "remove", "yasufs64", NULL);
	assert_non_null(strstr(out, "\"removed\""));
	free(out);
	out = ctl("downstream", "list", NULL, NULL);
	assert_null(strstr(out, SITE1));
	assert_non_null(strstr(out, SITE2));
	free(out);
	/* the computer that moved to site 2 stays */
	out = ctl("report", "hierarchy", NULL, NULL);
	assert_non_null(strstr(out, PC));
	free(out);
}

/* Twenty sites behind one address (a NAT, or replicas on one machine)
 * each roll themselves up: every one of them is a caller (the limit was
 * 16: the 17th and later got InvalidParameters, bench/hierarchy-content). */
#define NAT_LAST	"5a5a5a5a-0000-4000-8000-000000000019"
static void
test_many_behind_one_address(void **state)
{
	char guid[40], name[64];
	char *x;

	(void)state;
	for (int i = 0; i < 19; i++) {
		snprintf(guid, sizeof(guid), "5a5a5a5a-0000-4000-8000-%012d", i);
		snprintf(name, sizeof(name), "nat%02d.example.test", i);
		session_ok(guid, name, NULL, NULL);
	}
	session_ok(NAT_LAST, "nat19.example.test", NULL, NULL);
	x = with_items("RollupDownstreamServers", "downstreamServers",
	    ENTRY(NAT_LAST, "nat19.example.test", ZERO, "false"));
	call_free("the 20th site behind one address", x, 200, NULL);
	free(x);
	free(ctl("downstream", "show", NAT_LAST, NULL));
}

/*
 * 2,000 GetAuthorizationCookie calls with random GUIDs (last: it empties
 * this address's bucket): no row is recorded, and past the burst the
 * calls get ServerBusy; GetCookie too.
 */
static void
test_dssauth_flood(void **state)
{
	char *x = wh_fixture(CAP "000002-DssGetAuthorizationCookie.request.xml",
	    NULL), *before = downstream_list(NULL), *after, code[64];
	int ok = 0, busy = 0;

	(void)state;
	wh_db_snapshot(&T.srv, &T.before);
	for (int i = 0; i < 2000; i++) {
		struct wh_reply r;
		char guid[40], *y;

		snprintf(guid, sizeof(guid), "f1f1f1f1-0000-4000-8000-%012d",
		    i);
		y = wh_set_text(x, NULL, "accountGuid", guid);
		wh_soap(&T.srv, DSSAUTH, y, &r);
		free(y);
		assert_int_equal(r.rc, CURLE_OK);
		if (r.status == 200)
			ok++;
		else if (r.status == 500 && strstr(r.body.data,
		    "<ErrorCode>ServerBusy</ErrorCode>") != NULL)
			busy++;
		else
			fail_msg("call %d: HTTP %ld: %s", i, r.status,
			    r.body.data);
		wh_reply_free(&r);
	}
	/* the burst (120, less what the tests before used) passes, then
	 * ServerBusy; a few more per second may refill */
	assert_true(ok >= 1);
	assert_true(busy >= 1000);
	assert_int_equal(ok + busy, 2000);
	wh_db_unchanged(&T.srv, &T.before, "2,000 GetAuthorizationCookie");
	after = downstream_list(before);
	free(after);
	free(before);
	free(x);
	/* and no new session can start from this address: the bucket
	 * refills at 2 a second, so on a slow machine one attempt may find
	 * a token; of 20 attempts in a row at least one is refused busy */
	busy = 0;
	for (int i = 0; i < 20 && busy == 0; i++)
		if (session(EVIL, "evil.invalid", NULL, NULL, code) == -1) {
			assert_string_equal(code, "ServerBusy");
			busy++;
		}
	assert_int_equal(busy, 1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unauthenticated),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_takeover),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test(test_summary_only),
		cmocka_unit_test(test_many_behind_one_address),
		cmocka_unit_test(test_dssauth_flood),
	};

	if (wh_main_args(argc, argv) != 0)
		return 2;
	return cmocka_run_group_tests(tests, setup, teardown);
}
