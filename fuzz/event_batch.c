/*
 * event_batch.c — libFuzzer target for ReportEventBatch handling
 * (src/wusp/reporting.c on top of the SOAP reader and the store).
 *
 * Each input is read as a SOAP request body (Content-Type and SOAPAction
 * not checked) and, when it parses, handed to reporting_parse() and then
 * reporting_ingest() against a private in-memory database (opened once,
 * with one registered computer and a few updates, so state changes are
 * exercised).  Properties that must always hold (a broken one aborts):
 *   - a batch that reporting_parse() accepts is within every bound and
 *     ordered as store_event_batch() requires, so the store never refuses
 *     it as invalid;
 *   - reporting_ingest() of the same input agrees with reporting_parse();
 *   - a refused batch changes nothing in the database.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap_request.h"
#include "store/store.h"
#include "wusp/reporting.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CID	"e1da06a3-5601-43c9-bac3-52d5db701494"
#define NOW	1800000000

static struct store *st;

static void
bug(const char *what, const char *detail)
{
	fprintf(stderr, "event_batch: property broken: %s: %s\n", what,
	    detail != NULL ? detail : "");
	abort();
}

static int
count_cb(const struct store_event_row *e, void *arg)
{
	(void)e;
	(*(size_t *)arg)++;
	return 0;
}

static int
report_cb(const struct store_computer *c, void *arg)
{
	int64_t *r = arg;

	r[0] = c->last_report;
	r[1] = 0;
	for (int i = 0; i < UPDATE_STATE_COUNT; i++)
		r[1] += c->counts[i];
	return 0;
}

static void
state_of(int64_t id, int64_t out[3])
{
	size_t n = 0;

	if (store_computer_get(st, id, report_cb, out) != STORE_OK ||
	    store_event_list(st, id, 0, count_cb, &n) != STORE_OK)
		bug("read back", store_errmsg(st));
	out[2] = (int64_t)n;
}

static int64_t
setup(void)
{
	static const char *const uids[] = {
		"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe",
		"1594b429-a8c5-4b0d-ac86-79b0a826a847",
		"11111111-1111-4111-8111-111111111111",
	};
	struct store_computer_info ci;
	struct store_register_result r;
	char err[256];
	int from, to;

	if (store_open("sqlite::memory:", &st, err, sizeof(err)) != STORE_OK ||
	    store_migrate(st, &from, &to) != STORE_OK)
		bug("open store", err);
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		struct update u;
		struct update_doc d;
		char core[256];

		memset(&u, 0, sizeof(u));
		memset(&d, 0, sizeof(d));
		snprintf(u.id.update_id, sizeof(u.id.update_id), "%s", uids[i]);
		u.id.revision = 200;
		u.type = UPDATE_TYPE_SOFTWARE;
		snprintf(core, sizeof(core), "<UpdateIdentity UpdateID=\"%s\" "
		    "RevisionNumber=\"200\" />", uids[i]);
		d.core = core;
		d.core_len = strlen(core);
		d.xml = core;
		d.xml_len = strlen(core);
		if (store_revision_import(st, &u, &d, NULL, NULL) != STORE_OK)
			bug("import", store_errmsg(st));
	}
	memset(&ci, 0, sizeof(ci));
	ci.dns_name = "fuzz";
	if (store_computer_register(st, CID, &ci, NOW, &r) != STORE_OK)
		bug("register", store_errmsg(st));
	return r.computer_id;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int64_t id;
	struct soap_parse_opts o;
	struct soap_request *req = NULL;
	struct reporting_batch *rb = NULL;
	struct reporting_result res;
	const struct store_event_batch *b;
	enum reporting_rc prc, irc;
	int64_t before[3], after[3];
	char err[256];
	size_t i;

	if (st == NULL)
		id = setup();
	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	if (soap_request_parse(data, size, NULL, NULL, &o, &req, err,
	    sizeof(err)) != SOAP_OK)
		return 0;

	prc = reporting_parse(req->op, CID, &rb, &res);
	if (prc == REPORTING_OK) {
		b = reporting_batch_get(rb);
		if (b->nevents > REPORTING_MAX_EVENTS ||
		    b->nops > STORE_STATUS_OPS_MAX ||
		    b->ninventories > b->nevents)
			bug("bounds", NULL);
		for (i = 0; i < b->nops; i++) {
			if (b->ops[i].event >= b->nevents ||
			    (i > 0 && b->ops[i].event < b->ops[i - 1].event))
				bug("op order", b->ops[i].update_id);
			if (strlen(b->ops[i].update_id) != 36)
				bug("op update id", b->ops[i].update_id);
		}
		for (i = 0; i < b->ninventories; i++)
			if (b->inventories[i].event >= b->nevents ||
			    b->events[b->inventories[i].event].event_id != 156)
				bug("inventory", NULL);
		reporting_batch_free(rb);
	} else if (rb != NULL)
		bug("batch returned on failure", res.message);
	else if (res.message[0] == '\0')
		bug("no reason for a refusal", NULL);

	state_of(id, before);
	irc = reporting_ingest(st, CID, req->op, NOW, &res);
	state_of(id, after);
	if (irc != prc)
		bug(prc == REPORTING_OK ? "the store refused a parsed batch" :
		    "ingest and parse disagree", res.message);
	if (irc != REPORTING_OK && memcmp(before, after, sizeof(before)) != 0)
		bug("a refused batch changed the database", res.message);
	soap_request_free(req);
	return 0;
}
