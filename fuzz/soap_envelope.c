/*
 * soap_envelope.c — libFuzzer target for the SOAP layer (src/soap).
 *
 * Each input is parsed as a request body three ways (SOAP 1.1 with no
 * SOAPAction; as a document with SOAP 1.2 allowed; with tight limits).
 * Whatever parses is then checked for properties that must always hold:
 *   - every typed getter runs on every node without crashing;
 *   - the action the reader reports is accepted when sent back as the
 *     SOAPAction header;
 *   - the operation subtree written with xmlw (both styles) parses again
 *     into an identical tree (escaping, names and namespaces round-trip);
 *   - a fault carrying text from the input is always writable.
 * A broken property aborts (a finding), as a crash would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX	(64u * 1024 * 1024)

static void
bug(const char *what, const char *detail)
{
	fprintf(stderr, "soap_envelope: property broken: %s: %s\n", what,
	    detail != NULL ? detail : "");
	abort();
}

static int
attrs_equal(const struct soap_attr *a, const struct soap_attr *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next)
		if (strcmp(a->ns, b->ns) != 0 || strcmp(a->name, b->name) != 0 ||
		    a->value_len != b->value_len ||
		    memcmp(a->value, b->value, a->value_len) != 0)
			return 0;
	return a == NULL && b == NULL;
}

static int
tree_equal(const struct soap_node *a, const struct soap_node *b)
{
	const struct soap_node *x, *y;

	if (strcmp(a->ns, b->ns) != 0 || strcmp(a->name, b->name) != 0 ||
	    a->text_len != b->text_len ||
	    memcmp(a->text, b->text, a->text_len) != 0 ||
	    a->nchildren != b->nchildren || !attrs_equal(a->attrs, b->attrs))
		return 0;
	for (x = a->children, y = b->children; x != NULL && y != NULL;
	    x = x->next, y = y->next)
		if (!tree_equal(x, y))
			return 0;
	return x == NULL && y == NULL;
}

/* Run every getter on every node (results ignored: must not crash). */
static void
touch(const struct soap_node *n)
{
	const struct soap_node *c;
	int32_t i32;
	int64_t i64;
	uint32_t u32;
	int b;
	struct soap_datetime dt;
	char g[SOAP_GUID_STRLEN], dts[SOAP_DATETIME_MAX];
	uint8_t bin[64];
	size_t blen;

	(void)soap_node_int32(n, &i32);
	(void)soap_node_int64(n, &i64);
	(void)soap_node_uint32(n, &u32);
	(void)soap_node_bool(n, &b);
	if (soap_node_datetime(n, &dt) == 0 && soap_format_datetime(&dt, dts) == 0) {
		struct soap_datetime dt2;
		if (soap_parse_datetime(dts, strlen(dts), &dt2) != 0 ||
		    dt2.sec != dt.sec || dt2.ticks != dt.ticks)
			bug("dateTime format/parse", dts);
	}
	(void)soap_node_guid(n, g);
	(void)soap_node_base64(n, bin, sizeof(bin), &blen);
	(void)soap_is_nil(n);
	(void)soap_attr(n, SOAP_NS_XSI, "type");
	(void)soap_child(n, "int");
	(void)soap_count_children(n, n->name);
	(void)soap_next_same(n);
	for (c = n->children; c != NULL; c = c->next) {
		if (c->parent != n)
			bug("parent link", c->name);
		touch(c);
	}
}

static void
roundtrip(const struct soap_request *r, enum soap_style style)
{
	struct soap_parse_opts o;
	struct soap_request *r2 = NULL;
	struct buf out;
	struct xmlw w;
	char err[256];
	enum soap_err e;

	buf_init(&out, OUT_MAX);
	xmlw_init(&w, &out, style);
	xmlw_envelope_begin(&w, r->version);
	xmlw_copy_node(&w, r->op, "");
	xmlw_envelope_end(&w);
	if (xmlw_finish(&w, err, sizeof(err)) == -1) {
		if (out.failed)	/* output cap: not a finding */
			goto done;
		bug("xmlw refused a parsed tree", err);
	}
	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION | SOAP_PARSE_ALLOW_V12;
	o.limits.max_body = out.len > o.limits.max_body ? out.len : o.limits.max_body;
	e = soap_request_parse(out.data, out.len, NULL, NULL, &o, &r2, err,
	    sizeof(err));
	if (e == SOAP_ERR_TOO_LARGE)
		goto done;
	if (e != SOAP_OK)
		bug("written tree does not parse", err);
	if (r2->version != r->version || !tree_equal(r->op, r2->op))
		bug("tree changed by write + parse", r->op->name);
done:
	soap_request_free(r2);
	buf_free(&out);
}

static void
check_action(const uint8_t *data, size_t size, const struct soap_request *r)
{
	char hdr[1100], err[256];
	struct soap_request *r2 = NULL;
	size_t al = strlen(r->action);
	enum soap_err e;

	if (al > 1000 || strchr(r->action, '"') != NULL)
		return;
	snprintf(hdr, sizeof(hdr), "\"%s\"", r->action);
	e = soap_request_parse(data, size, SOAP_CT_V11, hdr, NULL, &r2, err,
	    sizeof(err));
	if (e != SOAP_OK)
		bug("own action refused", err);
	soap_request_free(r2);
}

static void
check_fault(const struct soap_request *r)
{
	struct soap_fault f;
	struct buf out;
	char err[256];

	soap_fault_init(&f, SOAP_STYLE_ASMX, r->version, SOAP_EC_INVALID_PARAMETERS);
	f.message = r->op->children != NULL ? r->op->children->text : r->op->text;
	f.method = r->action;
	f.actor = r->op->ns;
	f.id = "00000000-0000-4000-8000-000000000000";
	buf_init(&out, OUT_MAX);
	if (soap_fault_write(&f, &out, err, sizeof(err)) != SOAP_FAULT_HTTP_STATUS &&
	    !out.failed)
		bug("fault not writable", err);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soap_parse_opts o;
	struct soap_request *r = NULL;
	char err[256];

	/* 1. a SOAP 1.1 request, no SOAPAction */
	if (soap_request_parse(data, size, SOAP_CT_V11, NULL, NULL, &r, err,
	    sizeof(err)) == SOAP_OK) {
		if (r->op == NULL || r->action == NULL || r->version != SOAP_V11)
			bug("incomplete result", NULL);
		touch(r->op);
		if (r->header != NULL)
			touch(r->header);
		check_action(data, size, r);
		roundtrip(r, SOAP_STYLE_WCF);
		roundtrip(r, SOAP_STYLE_ASMX);
		check_fault(r);
		soap_request_free(r);
		r = NULL;
	}

	/* 2. a document, either SOAP version */
	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION | SOAP_PARSE_ALLOW_V12;
	if (soap_request_parse(data, size, NULL, NULL, &o, &r, err,
	    sizeof(err)) == SOAP_OK) {
		touch(r->op);
		if (r->version == SOAP_V12)
			roundtrip(r, SOAP_STYLE_ASMX);
		soap_request_free(r);
		r = NULL;
	}

	/* 3. tight limits: every limit path gets exercised */
	soap_parse_opts_default(&o);
	o.limits.max_depth = 6;
	o.limits.max_elements = 40;
	o.limits.max_attrs = 3;
	o.limits.max_text = 64;
	o.limits.max_children = 8;
	o.limits.max_arena = 8192;
	o.limits.max_parser_mem = 64 * 1024;
	o.flags = SOAP_PARSE_ALLOW_V12;
	if (soap_request_parse(data, size, "application/soap+xml; action=\""
	    SOAP_NS_CLIENT "/SyncUpdates\"", "\"x\"", &o, &r, err,
	    sizeof(err)) == SOAP_OK) {
		if (r->nelements > 40)
			bug("element limit", NULL);
		touch(r->op);
		soap_request_free(r);
	}
	return 0;
}
