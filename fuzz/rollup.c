/*
 * rollup.c — libFuzzer target for the rollup requests of the reporting
 * service (src/wsusss/rollup.c: rollup_parse) and the store operations
 * they feed (src/store/sqlite/rollup.c).
 *
 * Each input is read as a SOAP request body (Content-Type and SOAPAction
 * not checked); when it parses, the operation element's name picks the
 * rollup operation (an unknown name is tried as every operation).  The
 * parsed request is applied to a private in-memory database that knows
 * the spec sample's downstream server.  Properties (a broken one aborts):
 *   - an accepted request is within every bound (ROLLUP_*_MAX) and every
 *     id in it is a canonical lower-case GUID;
 *   - a refused request says why (parameter and message) and owns nothing;
 *   - the store never answers STORE_INVALID for a parsed request except
 *     for a server cycle, and a refused store call changes nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap_request.h"
#include "store/store.h"
#include "wsusss/rollup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SITE	"050cee4a-aaff-470c-8fc3-7a94cb3a4293"	/* spec sample 3 */
#define NOW	1800000000

static struct store *st;

static void
bug(const char *what, const char *detail)
{
	fprintf(stderr, "rollup: property broken: %s: %s\n", what,
	    detail != NULL ? detail : "");
	abort();
}

static void
setup(void)
{
	struct store_rollup_server s;
	char err[256];
	int from, to;

	if (store_open("sqlite::memory:", &st, err, sizeof(err)) != STORE_OK ||
	    store_migrate(st, &from, &to) != STORE_OK)
		bug("open store", err);
	memset(&s, 0, sizeof(s));
	snprintf(s.server_id, sizeof(s.server_id), "%s", SITE);
	s.name = "site";
	if (store_rollup_servers(st, &s, 1, NOW) != STORE_OK)
		bug("seed", store_errmsg(st));
}

static void
guid_ok(const char *g, const char *what)
{
	if (strlen(g) != 36)
		bug(what, g);
	for (int i = 0; i < 36; i++) {
		char c = g[i];
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c != '-' : !((c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'f')))
			bug(what, g);
	}
}

/* A cheap fingerprint of everything rollup writes. */
static int
ds_cb(const struct store_downstream *d, void *arg)
{
	uint64_t *h = arg;

	*h = *h * 31 + (uint64_t)d->last_rollup + (uint64_t)d->computers +
	    (uint64_t)d->client_summaries + (uint64_t)d->id;
	return 0;
}

static int
pc_cb(const struct store_rollup_computer *c, void *arg)
{
	uint64_t *h = arg;

	*h = *h * 31 + (uint64_t)c->last_sync + (uint64_t)c->rollup_number +
	    (uint64_t)c->id;
	for (int i = 0; i < UPDATE_STATE_COUNT; i++)
		*h = *h * 7 + (uint64_t)c->counts[i];
	return 0;
}

static uint64_t
fingerprint(void)
{
	uint64_t h = 1;

	if (store_downstream_list(st, ds_cb, &h) != STORE_OK ||
	    store_rollup_computer_list(st, NULL, pc_cb, &h) != STORE_OK)
		bug("read back", store_errmsg(st));
	return h;
}

static int
id_cb(const char *id, void *arg)
{
	(void)arg;
	guid_ok(id, "out-of-sync id");
	return 0;
}

static void
check_and_apply(struct rollup_request *r)
{
	struct store_rollup_computers_result cr;
	struct store_rollup_status_result sr;
	size_t states = 0, clients = 0;
	uint8_t *ch = NULL;
	uint64_t before, after;
	int rc = STORE_OK;

	if (r->nservers > ROLLUP_SERVERS_MAX ||
	    r->ncomputers > ROLLUP_COMPUTERS_MAX ||
	    r->nnumbers > ROLLUP_OUTOFSYNC_MAX || r->nstatus > ROLLUP_STATUS_MAX)
		bug("bounds", NULL);
	for (size_t i = 0; i < r->nservers; i++) {
		guid_ok(r->servers[i].server_id, "server id");
		if (r->servers[i].parent_id[0] != '\0')
			guid_ok(r->servers[i].parent_id, "parent id");
		clients += r->servers[i].nclients;
	}
	if (clients > ROLLUP_SERVERS_MAX)
		bug("client summaries", NULL);
	for (size_t i = 0; i < r->ncomputers; i++)
		guid_ok(r->computers[i].computer_id, "computer id");
	for (size_t i = 0; i < r->nstatus; i++) {
		guid_ok(r->status[i].computer_id, "status computer id");
		states += r->status[i].nstates;
		for (size_t k = 0; k < r->status[i].nstates; k++)
			if (r->status[i].states[k].state < 0 ||
			    r->status[i].states[k].state >= UPDATE_STATE_COUNT)
				bug("state", NULL);
	}
	if (states > ROLLUP_UPDATES_MAX)
		bug("states", NULL);
	rollup_adjust_times(r, NOW);

	before = fingerprint();
	switch (r->op) {
	case ROLLUP_OP_SERVERS:
		rc = store_rollup_servers(st, r->servers, r->nservers, NOW);
		break;
	case ROLLUP_OP_COMPUTERS:
		if (r->ncomputers > 0)
			ch = calloc(r->ncomputers, 1);
		memset(&cr, 0, sizeof(cr));
		cr.changes = ch;
		rc = store_rollup_computers(st, r->computers, r->ncomputers,
		    NOW, &cr);
		free(ch);
		break;
	case ROLLUP_OP_OUT_OF_SYNC:
		rc = store_rollup_out_of_sync(st, r->parent_id, r->numbers,
		    r->nnumbers, id_cb, NULL);
		break;
	case ROLLUP_OP_STATUS:
		rc = store_rollup_status(st, r->parent_id, r->status,
		    r->nstatus, NOW, &sr);
		break;
	default:
		break;
	}
	after = fingerprint();
	if (rc == STORE_INVALID && strstr(store_errmsg(st), "ancestor") == NULL)
		bug("the store refused a parsed request", store_errmsg(st));
	if (rc != STORE_OK && before != after)
		bug("a refused request changed the database", store_errmsg(st));
	if (rc != STORE_OK && rc != STORE_NOTFOUND && rc != STORE_INVALID)
		bug("store error", store_errmsg(st));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soap_parse_opts o;
	struct soap_request *req = NULL;
	struct rollup_request r;
	char err[256];
	int op, first, last;

	if (st == NULL)
		setup();
	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	if (soap_request_parse(data, size, NULL, NULL, &o, &req, err,
	    sizeof(err)) != SOAP_OK)
		return 0;
	op = rollup_op_from_name(req->op->name);
	first = op >= 0 ? op : ROLLUP_OP_CONFIGURATION;
	last = op >= 0 ? op : ROLLUP_OP_STATUS;
	for (op = first; op <= last; op++) {
		if (rollup_parse((enum rollup_op)op, req->op, &r) == 0)
			check_and_apply(&r);
		else if (r.param[0] == '\0' || r.message[0] == '\0')
			bug("no reason for a refusal", NULL);
		/* a refusal may leave partial arrays: free in both cases */
		rollup_request_free(&r);
	}
	soap_request_free(req);
	return 0;
}
