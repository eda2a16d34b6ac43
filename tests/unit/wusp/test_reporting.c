/*
 * test_reporting.c — ReportEventBatch: the real captured requests of a
 * native Windows 11 client (tests/fixtures/soap/wusp-native-capture/flow),
 * synthetic batches for every derived state, and hostile batches that
 * must be refused without changing anything (docs/REPORTING.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "soap/soap_request.h"
#include "store/store.h"
#include "store_test.h"
#include "util/buf.h"
#include "util/xmalloc.h"
#include "wusp/reporting.h"

#define CID	"e1da06a3-5601-43c9-bac3-52d5db701494"	/* the capture's client */
#define CT	"text/xml; charset=utf-8"
#define ACTION	"\"http://www.microsoft.com/SoftwareDistribution/ReportEventBatch\""
#define BUNDLE	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* KB2267602, in U= of flow/17 */
#define STUB	"0daf8592-9e3f-4a8a-9141-d83fafebd09f"	/* its MpSigStub child */
#define U_2	"1594b429-a8c5-4b0d-ac86-79b0a826a847"	/* first id of U= */
#define X1	"11111111-1111-4111-8111-111111111111"
#define X2	"22222222-2222-4222-8222-222222222222"
#define X3	"33333333-3333-4333-8333-333333333333"
#define X4	"44444444-4444-4444-8444-444444444444"
#define X5	"55555555-5555-4555-8555-555555555555"
#define NOW	1800000000	/* after the capture (2026-10-04) */

static char *
slurp(const char *name, size_t *len)
{
	const char *dir = getenv("REPORTING_FIXTURES");
	char path[1024];
	FILE *fp;
	char *d;
	long n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	d = xmalloc((size_t)n + 1);
	assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
	d[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return d;
}

static struct soap_request *
parse(const char *xml, size_t len, const struct soap_parse_opts *o)
{
	struct soap_request *req = NULL;
	char err[256];

	if (soap_request_parse(xml, len, CT, ACTION, o, &req, err,
	    sizeof(err)) != SOAP_OK)
		fail_msg("soap parse: %s", err);
	return req;
}

/* A store with the computer and a few of the capture's updates. */
struct env {
	struct tdb	 t;
	struct store	*st;
};

static void
env_open(struct env *e, bool with_computer)
{
	static const char *const uids[] = { BUNDLE, U_2, X1, X2, X3, X4, X5 };
	struct store_computer_info ci;

	tdb_make(&e->t);
	e->st = tdb_open(&e->t);
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		struct tu *u = tu_new(uids[i], 200, UPDATE_TYPE_SOFTWARE,
		    "some update");

		t_import(e->st, u, NULL);
		tu_free(u);
	}
	if (with_computer) {
		memset(&ci, 0, sizeof(ci));
		ci.dns_name = "REDACTED1";
		assert_int_equal(store_computer_register(e->st, CID, &ci, NOW,
		    NULL), STORE_OK);
	}
}

static void
env_close(struct env *e)
{
	store_close(e->st);
	tdb_remove(&e->t);
}

/* Ingest an XML text; returns the reporting rc. */
static enum reporting_rc
ingest(struct env *e, const char *cid, const char *xml, size_t len,
    struct reporting_result *res)
{
	struct soap_request *req = parse(xml, len, NULL);
	enum reporting_rc rc;

	rc = reporting_ingest(e->st, cid, req->op, NOW + 100, res);
	soap_request_free(req);
	return rc;
}

static int
state(struct env *e, const char *uid)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT s.state FROM "
	    "update_status s JOIN updates u ON u.local_id = s.update_local_id "
	    "WHERE u.update_id = '%s'), 0)", uid);
	return (int)t_sql_int(e->st, sql);
}

/* The states of X1, X2, X3, X4 and X5 are s1 .. s5. */
static void
assert_states(struct env *e, int s1, int s2, int s3, int s4, int s5)
{
	assert_int_equal(state(e, X1), s1);
	assert_int_equal(state(e, X2), s2);
	assert_int_equal(state(e, X3), s3);
	assert_int_equal(state(e, X4), s4);
	assert_int_equal(state(e, X5), s5);
}

static void
assert_unchanged(struct env *e)
{
	assert_int_equal(t_sql_int(e->st, "SELECT count(*) FROM events"), 0);
	assert_int_equal(t_sql_int(e->st, "SELECT count(*) FROM update_status"),
	    0);
	assert_int_equal(t_sql_int(e->st, "SELECT last_report FROM computers"),
	    0);
}

/* ---- synthetic batches ---- */

struct sb {
	struct buf	 b;
};

static unsigned instance_seq;	/* unique EventInstanceIDs across batches */

static void
sb_begin(struct sb *s)
{
	buf_init(&s->b, 64u * 1024 * 1024);
	buf_puts(&s->b, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
	    "envelope/\"><s:Body><ReportEventBatch xmlns=\"http://www.microsoft"
	    ".com/SoftwareDistribution\"><cookie><Expiration>2026-10-04T16:03:"
	    "35Z</Expiration><EncryptedData>AAAA</EncryptedData></cookie>"
	    "<clientTime>2026-10-04T15:20:47.397Z</clientTime><eventBatch>");
}

/* One event; extra is inserted into BasicData, misc is MiscData's body. */
static void
sb_event(struct sb *s, int event_id, const char *uid, int32_t hresult,
    const char *tat, const char *misc)
{
	buf_printf(&s->b, "<ReportingEvent><BasicData><TargetID><Sid>%s</Sid>"
	    "</TargetID><SequenceNumber>0</SequenceNumber><TimeAtTarget>%s"
	    "</TimeAtTarget><EventInstanceID>%08x-0000-4000-8000-000000000000"
	    "</EventInstanceID><NamespaceID>1</NamespaceID><EventID>%d</EventID>"
	    "<SourceID>101</SourceID><UpdateID><UpdateID>%s</UpdateID>"
	    "<RevisionNumber>200</RevisionNumber></UpdateID><Win32HResult>%d"
	    "</Win32HResult><AppName>test</AppName></BasicData><ExtendedData>"
	    "<ReplacementStrings><string>title</string></ReplacementStrings>"
	    "<MiscData>%s</MiscData><ProcessorArchitecture>Amd64Compatible"
	    "</ProcessorArchitecture><OSVersion><Major>10</Major><Minor>0</Minor>"
	    "<Build>26200</Build><Revision>0</Revision><ServicePackMajor>0"
	    "</ServicePackMajor><ServicePackMinor>0</ServicePackMinor>"
	    "</OSVersion><OSLocaleID>1033</OSLocaleID></ExtendedData>"
	    "<PrivateData/></ReportingEvent>", CID, tat, ++instance_seq,
	    event_id, uid ? uid : "00000000-0000-0000-0000-000000000000",
	    (int)hresult, misc ? misc : "<string>C=1</string>");
}

static void
sb_raw(struct sb *s, const char *xml)
{
	buf_puts(&s->b, xml);
}

static char *
sb_end(struct sb *s, size_t *len)
{
	buf_puts(&s->b, "</eventBatch></ReportEventBatch></s:Body></s:Envelope>");
	assert_false(s->b.failed);
	return buf_steal(&s->b, len);
}

/* ---- the real captures ---- */

static void
test_real_flow17(void **st_)
{
	struct env e;
	struct reporting_result res;
	struct reporting_batch *rb = NULL;
	struct soap_request *req;
	const struct store_event_batch *b;
	size_t len, needed = 0;
	char *xml;

	(void)st_;
	xml = slurp("17-ReportEventBatch.request.xml", &len);
	req = parse(xml, len, NULL);
	/* Parse only: 9 events, two inventories, one U= list of 6 ids. */
	assert_int_equal(reporting_parse(req->op, CID, &rb, &res),
	    REPORTING_OK);
	b = reporting_batch_get(rb);
	assert_int_equal(b->nevents, 9);
	assert_int_equal(b->ninventories, 2);
	assert_int_equal(b->inventories[0].event, 3);
	assert_int_equal(b->inventories[1].event, 5);
	assert_int_equal(b->nops, 6);
	for (size_t i = 0; i < b->nops; i++) {
		assert_int_equal(b->ops[i].event, 5);
		if (b->ops[i].state == UPDATE_STATE_NEEDED)
			needed++;
		assert_true(b->ops[i].flags & STATUS_OP_INVENTORY);
	}
	assert_int_equal(needed, 6);
	assert_string_equal(b->ops[0].update_id, U_2);	/* lower-cased */
	assert_string_equal(b->ops[3].update_id, BUNDLE);
	assert_int_equal(b->events[6].event_id, 161);
	assert_string_equal(b->events[6].update_id, STUB);
	assert_int_equal(b->events[6].hresult, -2147467262);
	assert_string_equal(b->events[2].instance_id,
	    "0e04969a-7b8c-43bf-b23a-a19d7a7f4093");
	assert_non_null(strstr(b->events[5].misc, "U=1594B429"));
	assert_string_equal(b->events[8].replacement, "Security Intelligence "
	    "Update for Microsoft Defender Antivirus - KB2267602 (Version "
	    "1.459.547.0) - Current Channel (Broad)");
	reporting_batch_free(rb);

	/* Stored: the two known ids become needed, the rest are skipped. */
	env_open(&e, true);
	assert_int_equal(reporting_ingest(e.st, CID, req->op, NOW + 100, &res),
	    REPORTING_OK);
	assert_int_equal(res.events, 9);
	assert_int_equal(res.stored, 9);
	assert_int_equal(res.unknown_updates, 4);
	assert_int_equal(state(&e, BUNDLE), UPDATE_STATE_NEEDED);
	assert_int_equal(state(&e, U_2), UPDATE_STATE_NEEDED);
	/* 161 (download failed) and 181 (started) change nothing. */
	assert_int_equal(t_sql_int(e.st, "SELECT count(*) FROM update_status"),
	    2);
	assert_int_equal(t_sql_int(e.st, "SELECT last_report FROM computers"),
	    NOW + 100);
	/* The clock of the client: 2026-10-04T15:20:47Z. */
	assert_int_equal(t_sql_int(e.st, "SELECT last_status FROM computers"),
	    1791127247);
	/* Sent again: recognised, nothing new. */
	assert_int_equal(reporting_ingest(e.st, CID, req->op, NOW + 200, &res),
	    REPORTING_OK);
	assert_int_equal(res.duplicates, 9);
	assert_int_equal(res.stored, 0);
	soap_request_free(req);
	free(xml);

	/* flow/18: the install failed (182). */
	xml = slurp("18-ReportEventBatch.request.xml", &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(res.stored, 2);
	assert_int_equal(res.unknown_updates, 1);	/* the stub is not imported */
	assert_int_equal(state(&e, BUNDLE), UPDATE_STATE_FAILED);
	free(xml);
	env_close(&e);
}

static void
test_real_flow16(void **st_)
{
	struct env e;
	struct reporting_result res;
	size_t len;
	char *xml;

	(void)st_;
	env_open(&e, true);
	xml = slurp("16-ReportEventBatch.request.xml", &len);
	/* Another client's cookie may not report for this computer. */
	assert_int_equal(ingest(&e, "7b1e5c53-0000-4000-8000-000000000002", xml,
	    len, &res), REPORTING_INVALID);
	assert_string_equal(res.parameter,
	    "eventBatch.ReportingEvent[0].BasicData.TargetID.Sid");
	assert_unchanged(&e);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(res.stored, 4);
	assert_int_equal(res.changes, 0);
	assert_int_equal(t_sql_int(e.st, "SELECT count(*) FROM events WHERE "
	    "event_id = 148 AND hresult = -2145123272"), 3);
	assert_int_equal(t_sql_int(e.st, "SELECT count(*) FROM events WHERE "
	    "app_name = 'Appraiser Driver Scan'"), 2);
	free(xml);
	env_close(&e);

	/* A computer that never contacted the server. */
	env_open(&e, false);
	xml = slurp("16-ReportEventBatch.request.xml", &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res),
	    REPORTING_UNKNOWN_CLIENT);
	assert_int_equal(t_sql_int(e.st, "SELECT count(*) FROM events"), 0);
	free(xml);
	env_close(&e);
}

/* ---- every state from synthetic batches ---- */

static void
test_states(void **st_)
{
	struct env e;
	struct reporting_result res;
	struct sb s;
	size_t len;
	char *xml, misc[1024];

	(void)st_;
	env_open(&e, true);

	/* 156 with every list, lower- and upper-case, braces, blanks. */
	sb_begin(&s);
	snprintf(misc, sizeof(misc), "<string>G=1507</string>"
	    "<string>U=%s</string><string>V=%s</string>"
	    "<string>W={%s}</string><string>g=%s ; </string><string>h=%s</string>",
	    X1, X2, X3, "33333333-3333-4333-8333-33333333333 3", X5);
	/* (g= has a bad GUID on purpose: rejected as a whole) */
	sb_event(&s, 156, NULL, 0, "2026-10-04T15:00:00Z", misc);
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_INVALID);
	assert_string_equal(res.parameter,
	    "eventBatch.ReportingEvent[0].ExtendedData.MiscData");
	assert_unchanged(&e);
	free(xml);

	sb_begin(&s);
	snprintf(misc, sizeof(misc), "<string>G=1507</string>"
	    "<string>U=%s</string><string>V=22222222-2222-4222-8222-"
	    "222222222222</string><string>W={%s}</string>"
	    "<string>g= %s ; </string><string>h=%s;</string>"
	    "<string>u=%s</string>", X1, X3, X4, X5, X2);
	sb_event(&s, 156, NULL, 0, "2026-10-04T15:00:00Z", misc);
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(res.changes, 5);
	assert_states(&e, UPDATE_STATE_NEEDED, UPDATE_STATE_INSTALLED,
	    UPDATE_STATE_PENDING_REBOOT, UPDATE_STATE_FAILED,
	    UPDATE_STATE_DOWNLOADED);
	free(xml);

	/* Single-update events, in time order within one batch. */
	sb_begin(&s);
	sb_event(&s, 162, X1, 0, "2026-10-04T15:01:00Z", NULL);	/* downloaded */
	sb_event(&s, 182, X5, -2145099769, "2026-10-04T15:01:10Z", NULL);
	sb_event(&s, 183, X4, 0, "2026-10-04T15:01:20Z", NULL);
	sb_event(&s, 202, X3, 0, "2026-10-04T15:01:30Z", NULL);	/* rebooted */
	sb_event(&s, 201, X2, 0x00240005, "2026-10-04T15:01:40Z", NULL);
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(res.stored, 5);
	assert_states(&e, UPDATE_STATE_DOWNLOADED, UPDATE_STATE_PENDING_REBOOT,
	    UPDATE_STATE_INSTALLED, UPDATE_STATE_INSTALLED,
	    UPDATE_STATE_FAILED);
	free(xml);

	sb_begin(&s);
	sb_event(&s, 201, X1, 0, "2026-10-04T15:02:00Z", NULL);	/* no reboot: nothing */
	sb_event(&s, 184, X4, 0, "2026-10-04T15:02:10Z", NULL);
	sb_event(&s, 203, X2, 0, "2026-10-04T15:02:20Z", NULL);
	sb_event(&s, 204, X3, -1, "2026-10-04T15:02:30Z", NULL);
	sb_event(&s, 222, X5, 0, "2026-10-04T15:02:40Z", NULL);
	sb_event(&s, 181, X1, 0, "2026-10-04T15:02:50Z", NULL);	/* started: nothing */
	sb_event(&s, 161, X1, -1, "2026-10-04T15:03:00Z", NULL);	/* dl failed: nothing */
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_states(&e, UPDATE_STATE_DOWNLOADED, UPDATE_STATE_INSTALLED,
	    UPDATE_STATE_FAILED, UPDATE_STATE_PENDING_REBOOT,
	    UPDATE_STATE_NEEDED);
	free(xml);

	/* A later 156 replaces the inventory: unnamed ones are dropped
	 * unless an event set them; an empty one names nothing. */
	sb_begin(&s);
	snprintf(misc, sizeof(misc), "<string>V=%s</string>", X1);
	sb_event(&s, 156, NULL, 0, "2026-10-04T16:00:00Z", misc);
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(state(&e, X1), UPDATE_STATE_INSTALLED);
	assert_int_equal(state(&e, X4), UPDATE_STATE_PENDING_REBOOT);	/* event */
	free(xml);
	sb_begin(&s);
	sb_event(&s, 156, NULL, 0, "2026-10-04T17:00:00Z", NULL);
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(state(&e, X1), 0);
	free(xml);

	/* Events of another namespace (the server's) derive nothing. */
	sb_begin(&s);
	sb_raw(&s, "<ReportingEvent><BasicData><SequenceNumber>0</SequenceNumber>"
	    "<TimeAtTarget>2026-10-04T18:00:00</TimeAtTarget><EventInstanceID>"
	    "{ABCDEF00-0000-4000-8000-000000000001}</EventInstanceID>"
	    "<NamespaceID>2</NamespaceID><EventID>182</EventID><SourceID>1"
	    "</SourceID><UpdateID><UpdateID>" X2 "</UpdateID><RevisionNumber>1"
	    "</RevisionNumber></UpdateID><Win32HResult>-1</Win32HResult>"
	    "</BasicData></ReportingEvent><ReportingEvent xmlns:xsi=\"http://"
	    "www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>");
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(res.events, 1);
	assert_int_equal(state(&e, X2), UPDATE_STATE_INSTALLED);
	assert_int_equal(t_sql_int(e.st, "SELECT count(*) FROM events WHERE "
	    "instance_id = 'abcdef00-0000-4000-8000-000000000001'"), 1);
	free(xml);

	/* The spec prose spells it Win32Hresult: accepted as well. */
	sb_begin(&s);
	sb_event(&s, 183, X5, 0, "2026-10-04T19:00:00Z", NULL);
	xml = sb_end(&s, &len);
	for (char *p = xml; (p = strstr(p, "Win32HResult")) != NULL; p++)
		p[6] = 'r';
	assert_non_null(strstr(xml, "<Win32Hresult>0</Win32Hresult>"));
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(state(&e, X5), UPDATE_STATE_INSTALLED);
	free(xml);

	/* Empty and nil batches are fine. */
	sb_begin(&s);
	xml = sb_end(&s, &len);
	assert_int_equal(ingest(&e, CID, xml, len, &res), REPORTING_OK);
	assert_int_equal(res.events, 0);
	free(xml);
	env_close(&e);
}

/* ---- hostile input ---- */

/* Each of these must be refused with nothing stored. */
static void
refuse(const char *what, const char *xml, const char *param)
{
	struct env e;
	struct reporting_result res;

	env_open(&e, true);
	if (ingest(&e, CID, xml, strlen(xml), &res) != REPORTING_INVALID)
		fail_msg("%s: accepted", what);
	if (param != NULL && strcmp(res.parameter, param) != 0)
		fail_msg("%s: parameter \"%s\", expected \"%s\"", what,
		    res.parameter, param);
	assert_true(res.message[0] != '\0');
	assert_unchanged(&e);
	env_close(&e);
}

static void
test_hostile(void **st_)
{
	struct sb s;
	size_t len;
	char *xml, *big, misc[256];
	struct env e;
	struct reporting_result res;
	struct soap_parse_opts o;
	struct soap_request *req;
	struct reporting_batch *rb;

	(void)st_;
	/* Bad values in the basic data. */
	static const struct {
		const char *what, *from, *to, *param;
	} edits[] = {
		{ "bad instance GUID", "<EventInstanceID>",
		  "<EventInstanceID>g", "BasicData.EventInstanceID" },
		{ "no TimeAtTarget",
		  "<TimeAtTarget>2026-10-04T15:00:00Z</TimeAtTarget>", "",
		  "BasicData.TimeAtTarget" },
		{ "EventID not a short", "<EventID>183", "<EventID>40000",
		  "BasicData.EventID" },
		{ "EventID text", "<EventID>183", "<EventID>x183",
		  "BasicData.EventID" },
		{ "bad update GUID", "<UpdateID>11111111-", "<UpdateID>1111111-",
		  "BasicData.UpdateID.UpdateID" },
		{ "no revision", "<RevisionNumber>200</RevisionNumber>", "",
		  "BasicData.UpdateID.RevisionNumber" },
		{ "bad HRESULT", "<Win32HResult>0<", "<Win32HResult>0x0<",
		  "BasicData.Win32HResult" },
		{ "bad OSVersion", "<Build>26200", "<Build>26200.1",
		  "ExtendedData.OSVersion" },
		{ "bad locale", "<OSLocaleID>1033", "<OSLocaleID>en",
		  "ExtendedData.OSLocaleID" },
		{ "bad clientTime", "<clientTime>2026", "<clientTime>20x6",
		  "clientTime" },
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *p, *edited, param[128];

		sb_begin(&s);
		sb_event(&s, 183, X1, 0, "2026-10-04T15:00:00Z", NULL);
		xml = sb_end(&s, &len);
		assert_non_null(p = strstr(xml, edits[i].from));
		edited = xasprintf("%.*s%s%s", (int)(p - xml), xml, edits[i].to,
		    p + strlen(edits[i].from));
		if (strcmp(edits[i].param, "clientTime") == 0)
			snprintf(param, sizeof(param), "%s", edits[i].param);
		else
			snprintf(param, sizeof(param),
			    "eventBatch.ReportingEvent[0].%s", edits[i].param);
		refuse(edits[i].what, edited, param);
		free(edited);
		free(xml);
	}

	/* The second event is bad: the first is not stored either. */
	sb_begin(&s);
	sb_event(&s, 183, X1, 0, "2026-10-04T15:00:00Z", NULL);
	sb_event(&s, 183, X2, 0, "2026-10-04T15:00:00Z",
	    "<string>x</string>");
	sb_raw(&s, "<ReportingEvent><ExtendedData/></ReportingEvent>");
	xml = sb_end(&s, &len);
	refuse("event without BasicData", xml,
	    "eventBatch.ReportingEvent[2].BasicData");
	free(xml);

	/* Huge strings. */
	{
		struct buf l;

		buf_init(&l, 1u << 20);
		buf_puts(&l, "<string>B=");
		for (size_t k = 0; k < REPORTING_MAX_STRING / 8; k++)
			buf_puts(&l, "77777777");
		buf_puts(&l, "</string>");
		sb_begin(&s);
		sb_event(&s, 147, NULL, 0, "2026-10-04T15:00:00Z", l.data);
		xml = sb_end(&s, &len);
		refuse("MiscData string over the bound", xml,
		    "eventBatch.ReportingEvent[0].ExtendedData.MiscData");
		free(xml);
		buf_free(&l);
	}
	big = calloc(1, REPORTING_MAX_TEXT + 64);
	assert_non_null(big);
	memset(big, 'n', REPORTING_MAX_TEXT + 1);
	big[REPORTING_MAX_TEXT + 1] = '\0';
	sb_begin(&s);
	sb_event(&s, 147, NULL, 0, "2026-10-04T15:00:00Z", NULL);
	xml = sb_end(&s, &len);
	{
		char *p = strstr(xml, "<AppName>test</AppName>"), *edited;

		assert_non_null(p);
		edited = xasprintf("%.*s<AppName>%s</AppName>%s",
		    (int)(p - xml), xml, big, p + 23);
		refuse("AppName over the bound", edited,
		    "eventBatch.ReportingEvent[0].BasicData.AppName");
		free(edited);
	}
	free(xml);
	free(big);

	/* Bad GUIDs in the status lists, and too many ids. */
	snprintf(misc, sizeof(misc), "<string>V=%s;not-a-guid</string>", X1);
	sb_begin(&s);
	sb_event(&s, 156, NULL, 0, "2026-10-04T15:00:00Z", misc);
	xml = sb_end(&s, &len);
	refuse("bad GUID in V=", xml,
	    "eventBatch.ReportingEvent[0].ExtendedData.MiscData");
	free(xml);
	{
		struct buf l;

		/* two strings of one tag, each within the string bound */
		buf_init(&l, 1u << 20);
		for (int i = 0; i <= REPORTING_MAX_LIST_IDS; i++) {
			if (i % 2048 == 0)
				buf_puts(&l, i ? "</string><string>U=" :
				    "<string>U=");
			buf_printf(&l, "%08X-0000-4000-8000-000000000000;", i);
		}
		buf_puts(&l, "</string>");
		sb_begin(&s);
		sb_event(&s, 156, NULL, 0, "2026-10-04T15:00:00Z", l.data);
		xml = sb_end(&s, &len);
		refuse("U= list over the bound", xml,
		    "eventBatch.ReportingEvent[0].ExtendedData.MiscData");
		free(xml);
		buf_free(&l);
	}

	/* Too many strings in one array. */
	{
		struct buf l;

		buf_init(&l, 1u << 20);
		for (int i = 0; i <= REPORTING_MAX_STRINGS; i++)
			buf_puts(&l, "<string>A=1</string>");
		sb_begin(&s);
		sb_event(&s, 147, NULL, 0, "2026-10-04T15:00:00Z", l.data);
		xml = sb_end(&s, &len);
		refuse("too many MiscData strings", xml,
		    "eventBatch.ReportingEvent[0].ExtendedData.MiscData");
		free(xml);
		buf_free(&l);
	}

	/* Too many events: 1001 real ones, and 100,000 empty ones. */
	sb_begin(&s);
	for (int i = 0; i <= REPORTING_MAX_EVENTS; i++)
		sb_event(&s, 147, NULL, 0, "2026-10-04T15:00:00Z", NULL);
	xml = sb_end(&s, &len);
	refuse("1001 events", xml, "eventBatch");
	free(xml);
	sb_begin(&s);
	for (int i = 0; i < 100000; i++)
		sb_raw(&s, "<ReportingEvent/>");
	xml = sb_end(&s, &len);
	{
		char err[256];

		/* The SOAP reader's own bound stops it first... */
		req = NULL;
		assert_int_equal(soap_request_parse(xml, len, CT, ACTION, NULL,
		    &req, err, sizeof(err)), SOAP_ERR_TOO_MANY);
		/* ...and with that bound lifted this layer refuses it. */
		soap_parse_opts_default(&o);
		o.limits.max_children = 200000;
		o.limits.max_elements = 300000;
		req = parse(xml, len, &o);
		env_open(&e, true);
		assert_int_equal(reporting_ingest(e.st, CID, req->op, NOW, &res),
		    REPORTING_INVALID);
		assert_string_equal(res.parameter, "eventBatch");
		assert_unchanged(&e);
		assert_int_equal(reporting_parse(req->op, CID, &rb, NULL),
		    REPORTING_INVALID);
		assert_null(rb);
		env_close(&e);
		soap_request_free(req);
	}
	free(xml);

	/* Not a ReportEventBatch; a bad client id. */
	{
		const char *other = "<s:Envelope xmlns:s=\"http://schemas."
		    "xmlsoap.org/soap/envelope/\"><s:Body><GetConfig xmlns=\""
		    "http://www.microsoft.com/SoftwareDistribution/Server/"
		    "ClientWebService\"><protocolVersion>2.90</protocolVersion>"
		    "</GetConfig></s:Body></s:Envelope>";
		char err[256];

		req = NULL;
		assert_int_equal(soap_request_parse(other, strlen(other), CT,
		    NULL, NULL, &req, err, sizeof(err)), SOAP_OK);
		assert_int_equal(reporting_parse(req->op, CID, &rb, &res),
		    REPORTING_INVALID);
		soap_request_free(req);
		sb_begin(&s);
		xml = sb_end(&s, &len);
		req = parse(xml, len, NULL);
		assert_int_equal(reporting_parse(req->op, "UPPER", &rb, &res),
		    REPORTING_INVALID);
		assert_int_equal(reporting_parse(req->op, "", &rb, &res),
		    REPORTING_INVALID);
		assert_int_equal(reporting_parse(NULL, CID, &rb, &res),
		    REPORTING_INVALID);
		soap_request_free(req);
		free(xml);
	}
	assert_string_equal(update_state_name(UPDATE_STATE_PENDING_REBOOT),
	    "pending-reboot");
	assert_string_equal(update_state_name((enum update_state)42), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_flow17),
		cmocka_unit_test(test_real_flow16),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
