/*
 * e2e_sync_shapes.c — the shape of every request `wsusctl sync` sent in
 * the full syncs of test_e2e_sync.c (recorded with --record) against the
 * spec's sample requests and the captured ones: the same element names
 * in the same order at every level, the same namespaces; each request
 * valid against the WSDL schema; the protocol version each profile
 * announces.  It runs no sync of its own: it reads what the downstreams
 * d18 and d120 recorded.  The rollup test compares its requests with the
 * same two helpers (recorded, compare_shapes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "e2e_sync_test.h"
#include "wusp_harness.h"
#include "soap/soap_request.h"
#include "util/buf.h"

/* Element structure: names in order, repeated siblings collapsed. */
static void
shape(const struct soap_node *n, struct buf *out)
{
	const struct soap_node *c;
	const char *prev = NULL;

	buf_printf(out, "%s(", n->name);
	for (c = n->children; c != NULL; c = c->next) {
		if (prev != NULL && strcmp(prev, c->name) == 0)
			continue;
		shape(c, out);
		prev = c->name;
	}
	buf_puts(out, ")");
}

/* The next child after c with another name (repeats collapsed). */
static const struct soap_node *
next_kind(const struct soap_node *c)
{
	const struct soap_node *n = c->next;

	while (n != NULL && strcmp(n->name, c->name) == 0)
		n = n->next;
	return n;
}

/*
 * Same element names in the same order at every level, repeats
 * collapsed, namespaces equal.  An element of ours without children
 * matches any content of theirs (an empty array we have nothing for).
 */
static bool
same_shape(const struct soap_node *a, const struct soap_node *b)
{
	const struct soap_node *x, *y;

	if (strcmp(a->name, b->name) != 0 || strcmp(a->ns, b->ns) != 0)
		return false;
	if (a->children == NULL)
		return true;
	for (x = a->children, y = b->children; x != NULL && y != NULL;
	    x = next_kind(x), y = next_kind(y))
		if (!same_shape(x, y))
			return false;
	return x == NULL && y == NULL;
}

static struct soap_request *
parse_file(const char *path)
{
	struct soap_request *r = NULL;
	struct soap_parse_opts po;
	char err[256];
	char *data;
	size_t len;

	data = read_file_all(path, 1u << 24, &len);
	if (data == NULL)
		fail_msg("cannot read %s", path);
	soap_parse_opts_default(&po);
	po.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	if (soap_request_parse(data, len, NULL, NULL, &po, &r, err,
	    sizeof(err)) != SOAP_OK)
		fail_msg("%s: %s", path, err);
	free(data);
	return r;
}

void
compare_shapes(const char *ours, const char *theirs)
{
	struct soap_request *a = parse_file(ours), *b = parse_file(theirs);

	if (!same_shape(a->op, b->op)) {
		struct buf sa, sb;

		buf_init(&sa, 1 << 20);
		buf_init(&sb, 1 << 20);
		shape(a->op, &sa);
		shape(b->op, &sb);
		fail_msg("%s vs %s:\n  ours:   %s\n  theirs: %s", ours, theirs,
		    sa.data, sb.data);
	}
	soap_request_free(a);
	soap_request_free(b);
}

void
assert_valid_request(const char *path, const char *schema)
{
	char err[1024], *data;
	size_t len;

	data = read_file_all(path, 1u << 24, &len);
	assert_non_null(data);
	snprintf(up.schema, sizeof(up.schema),
	    "%s/soap/%s/soap11-envelope.xsd", wh_fixtures, schema);
	if (wh_validate(&up, data, len, err, sizeof(err)) != 0)
		fail_msg("%s does not validate: %s", path, err);
	free(data);
}

/* The first recorded request of operation op in dir. */
void
recorded(const char *dir, const char *op, char *path, size_t len)
{
	int i;

	for (i = 1; i < 100; i++) {
		struct stat sb;

		snprintf(path, len, "%s/%03d-%s.request.xml", dir, i, op);
		if (stat(path, &sb) == 0)
			return;
	}
	fail_msg("no recorded %s in %s", op, dir);
}

static void
check_shapes(struct dss *d)
{
	static const char *const pairs[][2] = {
		{ "GetAuthConfig", "soap/wsusss-spec/sample1-GetAuthConfig.request.xml" },
		{ "GetAuthorizationCookie", "soap/wsusss-spec/sample1-GetAuthorizationCookie.request.xml" },
		{ "GetAuthorizationCookie", "soap/wsusss-capture/000002-DssGetAuthorizationCookie.request.xml" },
		{ "GetCookie", "soap/wsusss-spec/sample1-GetCookie.request.xml" },
		{ "GetCookie", "soap/wsusss-capture/000003-GetCookie.request.xml" },
		{ "GetConfigData", "soap/wsusss-spec/sample2-GetConfigData.request.xml" },
		{ "GetConfigData", "soap/wsusss-capture/000005-GetConfigData.request.xml" },
		{ "GetRevisionIdList", "soap/wsusss-spec/sample2-GetRevisionIdList.request.xml" },
		{ "GetUpdateData", "soap/wsusss-spec/sample2-GetUpdateData.request.xml" },
		{ "GetUpdateData", "soap/wsusss-capture/000014-GetUpdateData-leaf-with-file.request.xml" },
	};
	char ours[512], theirs[512];
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		recorded(d->rec, pairs[i][0], ours, sizeof(ours));
		snprintf(theirs, sizeof(theirs), "%s/%s", wh_fixtures, pairs[i][1]);
		compare_shapes(ours, theirs);
	}
	/* Every Server Sync / DssAuth request validates against the WSDL schema. */
	for (i = 1; i < 100; i++) {
		char p[256];
		struct stat sb;
		int k, found = 0;

		for (k = 0; k < 2 && !found; k++) {
			static const char *const ops[] = {
				"GetAuthConfig", "GetAuthorizationCookie", "GetCookie",
				"GetConfigData", "GetRevisionIdList", "GetUpdateData",
				"GetDeployments",
			};
			size_t o;

			for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
				snprintf(p, sizeof(p), "%s/%03zu-%s.request.xml",
				    d->rec, i, ops[o]);
				if (stat(p, &sb) == 0) {
					found = 1;
					break;
				}
			}
		}
		if (found)
			assert_valid_request(p, "wsusss-schema");
	}
}

void
test_request_shapes(void **state)
{
	char *data, p[512];
	size_t len;

	(void)state;
	/* The comparison notices a different operation, a missing element
	 * and an extra one. */
	{
		char a[512], b[512];
		struct soap_request *x, *y;

		recorded(d120.rec, "GetCookie", a, sizeof(a));
		snprintf(b, sizeof(b), "%s/soap/wsusss-spec/sample2-GetConfigData.request.xml",
		    wh_fixtures);
		x = parse_file(a);
		y = parse_file(b);
		assert_false(same_shape(x->op, y->op));
		soap_request_free(y);
		/* GetRevisionIdList of the capture lacks Get63LanguageOnly. */
		recorded(d120.rec, "GetRevisionIdList", a, sizeof(a));
		snprintf(b, sizeof(b), "%s/soap/wsusss-capture/000006-GetRevisionIdList-GetConfig-true.request.xml",
		    wh_fixtures);
		soap_request_free(x);
		x = parse_file(a);
		y = parse_file(b);
		assert_false(same_shape(x->op, y->op));
		assert_false(same_shape(y->op, x->op));
		soap_request_free(x);
		soap_request_free(y);
	}
	check_shapes(&d18);
	check_shapes(&d120);
	/* The protocol version each profile announces. */
	recorded(d18.rec, "GetCookie", p, sizeof(p));
	data = read_file_all(p, 1 << 20, &len);
	assert_non_null(strstr(data, "<protocolVersion>1.8</protocolVersion>"));
	free(data);
	recorded(d120.rec, "GetCookie", p, sizeof(p));
	data = read_file_all(p, 1 << 20, &len);
	assert_non_null(strstr(data, "<protocolVersion>1.20</protocolVersion>"));
	free(data);
	/* Categories before updates: GetConfig=true is the first list. */
	recorded(d120.rec, "GetRevisionIdList", p, sizeof(p));
	data = read_file_all(p, 1 << 20, &len);
	assert_non_null(strstr(data, "<GetConfig>true</GetConfig>"));
	free(data);
}
