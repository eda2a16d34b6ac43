/*
 * wusp_harness.c — the MS-WUSP test harness, a layer on tests/lib; see
 * wusp_harness.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/fsutil.h"
#include "util/xmalloc.h"
#include "wusp_harness.h"

const char *wh_wsusd, *wh_wsusctl, *wh_fixtures;

int
wh_main_args(int argc, char **argv)
{
	if (tl_main_args(argc, argv, 3, "WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR")
	    != 0)
		return -1;
	wh_wsusd = argv[1];
	wh_wsusctl = argv[2];
	wh_fixtures = argv[3];
	return 0;
}

int
wh_run(int argc, char **argv, const char *name,
    const struct CMUnitTest *tests, size_t n, int (*setup)(void **),
    int (*teardown)(void **))
{
	int rc;

	if (wh_main_args(argc, argv) != 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = _cmocka_run_group_tests(name, tests, n, setup, teardown);
	curl_global_cleanup();
	return rc;
}

/* ---- the installation ----------------------------------------------------- */

void
wh_db_dump(struct tl_wsusd *s, struct buf *out)
{
	char *argv[] = { (char *)"sqlite3", s->db, (char *)".dump", NULL };

	if (tl_run(argv, out, NULL) != 0)
		fail_msg("sqlite3 %s .dump failed", s->db);
}

void
wh_db_snapshot(struct tl_wsusd *s, struct buf *before)
{
	buf_free(before);
	buf_init(before, 64u << 20);
	wh_db_dump(s, before);
}

void
wh_db_unchanged(struct tl_wsusd *s, const struct buf *before,
    const char *what)
{
	struct buf now;

	buf_init(&now, 64u << 20);
	wh_db_dump(s, &now);
	if (now.len != before->len ||
	    memcmp(now.data, before->data, now.len) != 0)
		fail_msg("%s changed the database", what);
	buf_free(&now);
}

int
wh_setup(struct tl_wsusd *s, const char *extra)
{
	struct buf out;
	char docs[512];
	int rc;

	if (tl_wsusd_setup(s, "wusp", extra) != 0)
		return -1;
	s->debug = true;
	snprintf(s->schema, sizeof(s->schema),
	    "%s/soap/wusp-schema/soap11-envelope.xsd", wh_fixtures);
	buf_init(&out, 1 << 20);
	snprintf(docs, sizeof(docs),
	    "%s/update-metadata/wsusss-getupdatedata-docs", wh_fixtures);
	rc = tl_ctl(s, &out, "-q", "import-updates", docs, (char *)NULL);
	if (rc != 0) {
		fprintf(stderr, "import-updates: %d\n%s\n", rc,
		    out.data ? out.data : "");
		buf_free(&out);
		return -1;
	}
	buf_free(&out);
	return 0;
}

/* ---- HTTP ----------------------------------------------------------------- */

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	buf_append(arg, p, size * n);
	return size * n;
}

void
wh_send(struct tl_wsusd *s, const struct wh_post *p, struct wh_reply *r)
{
	CURL *e = curl_easy_init();
	struct curl_slist *hl = NULL;
	char url[512], line[1024];

	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 64u << 20);
	buf_init(&r->headers, 1 << 16);
	assert_non_null(e);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", s->port, p->path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	snprintf(line, sizeof(line), "Content-Type: %s",
	    p->content_type != NULL ? p->content_type :
	    "text/xml; charset=utf-8");
	hl = curl_slist_append(hl, line);
	if (p->action != NULL) {
		snprintf(line, sizeof(line), "SOAPAction: %s", p->action);
		hl = curl_slist_append(hl, line);
	}
	for (int i = 0; i < 4 && p->hdr[i] != NULL; i++)
		hl = curl_slist_append(hl, p->hdr[i]);
	hl = curl_slist_append(hl, "Expect:");
	hl = curl_slist_append(hl, "User-Agent: Windows-Update-Agent/"
	    "1507.2601.30012.0 Client-Protocol/2.90");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
	if (p->method != NULL)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, p->method);
	if (p->method == NULL || strcmp(p->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, p->body != NULL ?
		    (const char *)p->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)p->len);
	}
	r->rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(e);
}

void
wh_soap(struct tl_wsusd *s, const char *path, const char *body,
    struct wh_reply *r)
{
	struct soap_request *req;
	struct soap_parse_opts o;
	char err[256], action[512];
	struct wh_post p;

	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	if (soap_request_parse(body, strlen(body), NULL, NULL, &o, &req, err,
	    sizeof(err)) != SOAP_OK)
		fail_msg("test request does not parse: %s", err);
	snprintf(action, sizeof(action), "\"%s/%s\"", req->op->ns,
	    req->op->name);
	soap_request_free(req);
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.action = action;
	p.body = body;
	p.len = strlen(body);
	wh_send(s, &p, r);
	if (r->rc != CURLE_OK)
		fail_msg("POST %s: %s", path, curl_easy_strerror(r->rc));
}

void
wh_reply_free(struct wh_reply *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

const char *
wh_header(const struct wh_reply *r, const char *name)
{
	static char val[512];

	return tl_header_value(r->headers.data, name, val, sizeof(val));
}

char *
wh_fixture(const char *rel, size_t *len)
{
	char path[1024], *text;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", wh_fixtures, rel);
	if (read_file(path, 64u << 20, &text, &n) != 0)
		fail_msg("fixture %s: %s", path, strerror(errno));
	if (len != NULL)
		*len = n;
	return text;
}

int
wh_validate(struct tl_wsusd *s, const char *xml, size_t len, char *err,
    size_t errlen)
{
	char path[256];
	struct buf out;
	int rc;

	snprintf(path, sizeof(path), "%s/answer.xml", s->dir);
	if (write_file_atomic(path, xml, len, 0644) != 0) {
		snprintf(err, errlen, "write %s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&out, 1 << 20);
	{
		char *argv[] = { (char *)"xmllint", (char *)"--noout",
		    (char *)"--nonet", (char *)"--schema", s->schema, path,
		    NULL };
		rc = tl_run(argv, &out, NULL);
	}
	if (rc != 0)
		snprintf(err, errlen, "xmllint (%d): %s", rc,
		    out.data != NULL ? out.data : "");
	buf_free(&out);
	return rc == 0 ? 0 : -1;
}

/* ---- parsed answers --------------------------------------------------------- */

struct soap_request *
wh_parse(const char *xml, size_t len)
{
	struct soap_request *req;
	struct soap_parse_opts o;
	char err[256];

	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION |
	    SOAP_PARSE_ALLOW_V12;
	o.limits.max_body = 64u << 20;
	if (soap_request_parse(xml, len, NULL, NULL, &o, &req, err,
	    sizeof(err)) != SOAP_OK) {
		fprintf(stderr, "answer does not parse: %s\n", err);
		return NULL;
	}
	return req;
}

const struct soap_node *
wh_node(const struct soap_node *n, const char *path)
{
	char part[128];

	while (n != NULL && *path != '\0') {
		const char *slash = strchr(path, '/');
		size_t l = slash ? (size_t)(slash - path) : strlen(path);
		const struct soap_node *c;

		snprintf(part, sizeof(part), "%.*s", (int)l, path);
		for (c = n->children; c != NULL; c = c->next)
			if (strcmp(c->name, part) == 0)
				break;
		n = c;
		path += l + (slash ? 1 : 0);
	}
	return n;
}

const char *
wh_text(const struct soap_node *n, const char *path)
{
	n = wh_node(n, path);
	return n != NULL ? n->text : NULL;
}

void
wh_reply_text(const struct wh_reply *r, const char *path, char *out,
    size_t outlen)
{
	struct soap_request *q = wh_parse(r->body.data, r->body.len);

	assert_non_null(q);
	snprintf(out, outlen, "%s", wh_text(q->op, path));
	soap_request_free(q);
}

/* ---- request rewriting ------------------------------------------------------- */

char *
wh_set_text(const char *xml, const char *after, const char *name,
    const char *text)
{
	char open[128], close[128];
	const char *from = xml, *a = NULL, *b = NULL;
	struct buf out;

	if (after != NULL && (from = strstr(xml, after)) == NULL)
		fail_msg("no %s in request", after);
	snprintf(open, sizeof(open), "<%s>", name);
	snprintf(close, sizeof(close), "</%s>", name);
	if ((a = strstr(from, open)) == NULL ||
	    (b = strstr(a, close)) == NULL)
		fail_msg("no <%s> in request", name);
	a += strlen(open);
	buf_init(&out, 64u << 20);
	buf_append(&out, xml, (size_t)(a - xml));
	buf_puts(&out, text);
	buf_puts(&out, b);
	return buf_steal(&out, NULL);
}

char *
wh_set_cookie(const char *xml, const char *expiration, const char *encrypted)
{
	char *a = wh_set_text(xml, "<cookie>", "Expiration", expiration);
	char *b = wh_set_text(a, "<cookie>", "EncryptedData", encrypted);

	free(a);
	return b;
}

int32_t
wh_int(const char *s)
{
	char *end;
	long v;

	if (s == NULL)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno != 0 || v < INT32_MIN || v > INT32_MAX)
		return 0;
	return (int32_t)v;
}

/* ---- revision id maps ----------------------------------------------------------- */

void
wh_map_add(struct wh_idmap *m, int32_t rid, const char *uid)
{
	char low[37];

	snprintf(low, sizeof(low), "%s", uid);
	for (char *p = low; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; i < m->n; i++)
		if (m->rid[i] == rid) {
			if (strcmp(m->uid[i], low) != 0)
				fail_msg("revision %d named %s and %s", (int)rid,
				    m->uid[i], low);
			return;
		}
	if (m->n >= WH_MAP_MAX)
		fail_msg("id map full");
	m->rid[m->n] = rid;
	memcpy(m->uid[m->n], low, 37);
	m->n++;
}

const char *
wh_map_uid(const struct wh_idmap *m, int32_t rid)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->rid[i] == rid)
			return m->uid[i];
	return NULL;
}

int32_t
wh_map_rid(const struct wh_idmap *m, const char *uid)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcasecmp(m->uid[i], uid) == 0)
			return m->rid[i];
	return -1;
}

static void
learn(struct wh_idmap *m, const struct soap_node *n)
{
	for (const struct soap_node *c = n->children; c != NULL; c = c->next) {
		if (strcmp(c->name, "UpdateInfo") == 0) {
			const char *id = wh_text(c, "ID"), *x = wh_text(c, "Xml");
			const char *u = x != NULL ? strstr(x, "UpdateID=\"") : NULL;
			char uid[37];

			if (id != NULL && u != NULL && strlen(u) >= 10 + 36) {
				snprintf(uid, sizeof(uid), "%.36s", u + 10);
				wh_map_add(m, wh_int(id), uid);
			}
		} else if (strcmp(c->name, "RefreshCacheResult") == 0 &&
		    wh_text(c, "RevisionID") != NULL) {
			const char *u = wh_text(c, "GlobalID/UpdateID");

			if (u != NULL)
				wh_map_add(m, wh_int(wh_text(c,
				    "RevisionID")), u);
		}
		learn(m, c);
	}
}

void
wh_map_learn(struct wh_idmap *m, const struct soap_node *op)
{
	if (op != NULL)
		learn(m, op);
}

char *
wh_map_ints(const char *xml, const char *array, const struct wh_idmap *cap,
    const struct wh_idmap *ours, bool unknown_ok, int32_t unknown_id)
{
	char open[128], close[128];
	const char *a = NULL, *b = NULL, *p;
	struct buf out;

	snprintf(open, sizeof(open), "<%s>", array);
	snprintf(close, sizeof(close), "</%s>", array);
	if ((a = strstr(xml, open)) == NULL || (b = strstr(a, close)) == NULL)
		fail_msg("no <%s> in request", array);
	a += strlen(open);
	buf_init(&out, 64u << 20);
	buf_append(&out, xml, (size_t)(a - xml));
	for (p = a; p < b && (p = strstr(p, "<int>")) != NULL && p < b;) {
		int32_t rid = wh_int(p + 5), mine;
		const char *uid = wh_map_uid(cap, rid);

		mine = uid != NULL ? wh_map_rid(ours, uid) : -1;
		if (mine < 0) {
			if (!unknown_ok)
				fail_msg("captured revision %d (%s) has no id "
				    "here", (int)rid, uid ? uid : "unknown");
			mine = unknown_id++;
		}
		buf_printf(&out, "<int>%d</int>", (int)mine);
		p = strstr(p, "</int>");
		if (p == NULL)
			fail_msg("bad <int>");
		p += 6;
	}
	buf_puts(&out, b);
	return buf_steal(&out, NULL);
}

/* ---- comparison -------------------------------------------------------------------- */

static bool
is_date(const char *s)
{
	return strlen(s) == 10 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	    isdigit((unsigned char)s[3]) && s[4] == '-' &&
	    isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6]) &&
	    s[7] == '-' && isdigit((unsigned char)s[8]) &&
	    isdigit((unsigned char)s[9]);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void canon(struct buf *out, const struct soap_node *n,
    const struct wh_idmap *m);

static void
canon_text(struct buf *out, const struct soap_node *n,
    const struct wh_idmap *m)
{
	const char *name = n->name, *t = n->text;
	const char *parent = n->parent != NULL ? n->parent->name : "";

	if (strcmp(name, "EncryptedData") == 0 ||
	    strcmp(name, "CookieData") == 0 ||
	    strcmp(name, "Expiration") == 0 ||
	    strcmp(name, "LastChange") == 0 ||
	    (strcmp(name, "ID") == 0 && (strcmp(parent, "Deployment") == 0 ||
	    strcmp(parent, "detail") == 0))) {
		buf_puts(out, t[0] != '\0' ? "*" : "");
		return;
	}
	if (strcmp(name, "Value") == 0 && n->parent != NULL &&
	    wh_text(n->parent, "Name") != NULL &&
	    strcmp(wh_text(n->parent, "Name"), "PackageServerShare") == 0) {
		buf_puts(out, "*");
		return;
	}
	if (strcmp(name, "LastChangeTime") == 0) {
		buf_puts(out, is_date(t) ? "DATE" : t);
		return;
	}
	if ((strcmp(name, "ID") == 0 && (strcmp(parent, "UpdateInfo") == 0 ||
	    strcmp(parent, "Update") == 0)) ||
	    (strcmp(name, "int") == 0 &&
	    (strcmp(parent, "OutOfScopeRevisionIDs") == 0 ||
	    strcmp(parent, "DeployedOutOfScopeRevisionIds") == 0)) ||
	    strcmp(name, "RevisionID") == 0) {
		const char *uid = wh_map_uid(m, wh_int(t));

		if (uid != NULL)
			buf_printf(out, "U:%s", uid);
		else
			buf_printf(out, "R?%p:%s", (const void *)m, t);
		return;
	}
	if (strcmp(name, "Url") == 0) {
		const char *p = strstr(t, "://");

		if (p != NULL && (p = strchr(p + 3, '/')) != NULL) {
			buf_printf(out, "BASE%s", p);
			return;
		}
	}
	buf_puts(out, t);
}

static void
canon(struct buf *out, const struct soap_node *n, const struct wh_idmap *m)
{
	buf_printf(out, "<{%s}%s", n->ns, n->name);
	for (const struct soap_attr *a = n->attrs; a != NULL; a = a->next)
		buf_printf(out, " {%s}%s=\"%s\"", a->ns, a->name, a->value);
	buf_putc(out, '>');
	canon_text(out, n, m);
	if (strcmp(n->name, "Updates") == 0 ||
	    strcmp(n->name, "FileLocations") == 0) {
		/* order is the server's choice: compare as a multiset */
		char **items = xcalloc(n->nchildren + 1, sizeof(*items));
		size_t k = 0;

		for (const struct soap_node *c = n->children; c != NULL;
		    c = c->next) {
			struct buf b;

			buf_init(&b, 64u << 20);
			canon(&b, c, m);
			items[k++] = buf_steal(&b, NULL);
		}
		qsort(items, k, sizeof(*items), cmp_str);
		for (size_t i = 0; i < k; i++) {
			buf_puts(out, items[i]);
			free(items[i]);
		}
		free(items);
	} else {
		for (const struct soap_node *c = n->children; c != NULL;
		    c = c->next)
			canon(out, c, m);
	}
	buf_puts(out, "</>");
}

static void
first_diff(const char *what, const char *a, const char *b, char *err,
    size_t errlen)
{
	size_t i = 0, from;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	from = i > 120 ? i - 120 : 0;
	snprintf(err, errlen, "%s differ at %zu:\n  captured: ...%.300s\n"
	    "  ours:     ...%.300s", what, i, a + from, b + from);
}

/* The bytes before the operation element (envelope prologue). */
static char *
prologue(const char *xml, size_t len, const struct soap_request *req)
{
	char tag[256];
	const char *p;

	/* the first ":Body" is the start tag (namespace prefix any) */
	snprintf(tag, sizeof(tag), ":Body");
	p = strstr(xml, tag);
	(void)req;
	if (p == NULL || (p = strchr(p, '>')) == NULL)
		return xstrndup(xml, len);
	return xstrndup(xml, (size_t)(p + 1 - xml));
}

int
wh_compare(const char *cap, size_t clen, const struct wh_idmap *cmap,
    const char *ours, size_t olen, const struct wh_idmap *omap, char *err,
    size_t errlen)
{
	struct soap_request *a = wh_parse(cap, clen), *b = wh_parse(ours, olen);
	struct buf ca, cb;
	char *pa = NULL, *pb = NULL;
	int rc = -1;

	if (a == NULL || b == NULL) {
		snprintf(err, errlen, "%s answer does not parse",
		    a == NULL ? "captured" : "our");
		goto out;
	}
	pa = prologue(cap, clen, a);
	pb = prologue(ours, olen, b);
	if (strcmp(pa, pb) != 0) {
		first_diff("envelope prologues", pa, pb, err, errlen);
		goto out;
	}
	buf_init(&ca, 64u << 20);
	buf_init(&cb, 64u << 20);
	canon(&ca, a->op, cmap);
	canon(&cb, b->op, omap);
	if (strcmp(ca.data, cb.data) != 0)
		first_diff("answers", ca.data, cb.data, err, errlen);
	else
		rc = 0;
	buf_free(&ca);
	buf_free(&cb);
out:
	free(pa);
	free(pb);
	soap_request_free(a);
	soap_request_free(b);
	return rc;
}

static char *
mask(const char *xml, size_t len)
{
	static const char *const names[] = {
		"EncryptedData", "CookieData", "Expiration", "LastChange",
		"LastChangeTime", "ID", "RevisionID", "int",
	};
	struct buf out;
	const char *p = xml, *end = xml + len;

	buf_init(&out, 64u << 20);
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		bool masked = false;

		if (lt == NULL) {
			buf_append(&out, p, (size_t)(end - p));
			break;
		}
		buf_append(&out, p, (size_t)(lt - p));
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t nl = strlen(names[i]);

			if ((size_t)(end - lt) > nl + 2 &&
			    strncmp(lt + 1, names[i], nl) == 0 &&
			    lt[nl + 1] == '>') {
				const char *c = strchr(lt + 1, '<');

				buf_append(&out, lt, nl + 2);
				buf_puts(&out, "*");
				p = c != NULL ? c : end;
				masked = true;
				break;
			}
		}
		if (masked)
			continue;
		/* the PackageServerShare value and the host of a Url */
		if (strncmp(lt, "<Name>PackageServerShare</Name><Value>",
		    38) == 0) {
			const char *c = strstr(lt + 38, "</Value>");

			buf_append(&out, lt, 38);
			buf_puts(&out, "*");
			p = c != NULL ? c : end;
			continue;
		}
		if (strncmp(lt, "<Url>", 5) == 0) {
			const char *c = strstr(lt + 5, "/Content/");

			buf_puts(&out, "<Url>BASE");
			p = c != NULL ? c : lt + 5;
			continue;
		}
		buf_putc(&out, '<');
		p = lt + 1;
	}
	return buf_steal(&out, NULL);
}

int
wh_compare_masked(const char *cap, size_t clen, const char *ours, size_t olen,
    char *err, size_t errlen)
{
	char *a = mask(cap, clen), *b = mask(ours, olen);
	int rc = strcmp(a, b) == 0 ? 0 : -1;

	if (rc != 0)
		first_diff("masked bytes", a, b, err, errlen);
	free(a);
	free(b);
	return rc;
}
