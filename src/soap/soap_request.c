/*
 * soap_request.c — see soap_request.h.  The header parsing is in
 * soap_headers.c, the lookups in a parsed tree in soap_node.c.
 *
 * One Expat pass builds the tree straight into the arena.  Character
 * data of all open elements is stacked in one struct buf (each open
 * element remembers where its text starts); when an element ends its
 * text is copied into the arena and the stack is cut back, so mixed
 * content and nesting cost no extra allocations.  Expat's own memory
 * goes through a counting allocator with a hard cap (thread-local
 * accounting: the daemon parses on several threads at once).
 */
#include <limits.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "soap/soap.h"
#include "soap/soap_headers.h"
#include "soap/soap_request.h"
#include "soap/soap_value.h"
#include "soap/xmlw.h"
#include "util/buf.h"

#define NS_SEP		'\x01'
#define ARENA_BLOCK	(64u * 1024)

const char *
soap_version_ns(enum soap_version v)
{
	return v == SOAP_V12 ? SOAP_NS_ENV12 : SOAP_NS_ENV11;
}

const char *
soap_version_content_type(enum soap_version v)
{
	return v == SOAP_V12 ? SOAP_CT_V12 : SOAP_CT_V11;
}

const char *
soap_err_name(enum soap_err e)
{
	switch (e) {
	case SOAP_OK:			return "ok";
	case SOAP_ERR_MALFORMED:	return "malformed";
	case SOAP_ERR_FORBIDDEN:	return "forbidden";
	case SOAP_ERR_TOO_LARGE:	return "too-large";
	case SOAP_ERR_TOO_DEEP:		return "too-deep";
	case SOAP_ERR_TOO_MANY:		return "too-many";
	case SOAP_ERR_CONTENT_TYPE:	return "content-type";
	case SOAP_ERR_VERSION_MISMATCH:	return "version-mismatch";
	case SOAP_ERR_NOT_SOAP:		return "not-soap";
	case SOAP_ERR_MUST_UNDERSTAND:	return "must-understand";
	case SOAP_ERR_ACTION_MISMATCH:	return "action-mismatch";
	case SOAP_ERR_INTERNAL:		return "internal";
	}
	return "unknown";
}

void
soap_parse_opts_default(struct soap_parse_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->limits.max_body = SOAP_MAX_BODY;
	o->limits.max_depth = SOAP_MAX_DEPTH;
	o->limits.max_elements = SOAP_MAX_ELEMENTS;
	o->limits.max_attrs = SOAP_MAX_ATTRS;
	o->limits.max_name = SOAP_MAX_NAME;
	o->limits.max_text = SOAP_MAX_TEXT;
	o->limits.max_children = SOAP_MAX_CHILDREN;
	o->limits.max_arena = SOAP_MAX_ARENA;
	o->limits.max_parser_mem = SOAP_MAX_PARSER_MEM;
	o->flags = 0;
}

/* ------------------------------------------------------------------ */
/* Arena                                                               */
/* ------------------------------------------------------------------ */

struct arena_block {
	struct arena_block	*next;	/* older block */
	size_t			 used;	/* bytes handed out from data */
	size_t			 cap;	/* bytes in data */
	alignas(max_align_t) unsigned char data[];
};

struct soap_arena {
	struct arena_block	*head;	/* owned; newest block */
	size_t			 total;	/* bytes allocated for blocks */
	size_t			 max;	/* hard maximum for total */
};

static struct soap_arena *
arena_new(size_t max)
{
	struct soap_arena *a = calloc(1, sizeof(*a));

	if (a != NULL)
		a->max = max;
	return a;
}

static void
arena_free(struct soap_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* NULL when the arena limit would be passed or malloc fails. */
static void *
arena_alloc(struct soap_arena *a, size_t n)
{
	const size_t al = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t off, cap;

	if (n > a->max)
		return NULL;
	if (b != NULL) {
		off = (b->used + al - 1) & ~(al - 1);
		if (off <= b->cap && b->cap - off >= n) {
			b->used = off + n;
			return b->data + off;
		}
	}
	cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
	if (a->total > a->max || n + sizeof(*b) > a->max - a->total)
		return NULL;
	if (cap + sizeof(*b) > a->max - a->total)
		cap = n;	/* a last, smaller block still fits */
	if ((b = malloc(sizeof(*b) + cap)) == NULL)
		return NULL;
	b->cap = cap;
	b->used = n;
	b->next = a->head;
	a->head = b;
	a->total += sizeof(*b) + cap;
	return b->data;
}

static char *
arena_strndup(struct soap_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ------------------------------------------------------------------ */
/* Expat memory accounting                                             */
/* ------------------------------------------------------------------ */

/* Each block carries its size in front; alignment kept at max_align_t. */
#define MEMHDR	(sizeof(max_align_t) > sizeof(size_t) ? sizeof(max_align_t) : sizeof(size_t))

static _Thread_local size_t mem_used;
static _Thread_local size_t mem_max;

static void *
mm_malloc(size_t n)
{
	unsigned char *p;

	if (n > mem_max || mem_used > mem_max - n)
		return NULL;
	if ((p = malloc(MEMHDR + n)) == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	mem_used += n;
	return p + MEMHDR;
}

static void
mm_free(void *ptr)
{
	unsigned char *p = ptr;
	size_t n;

	if (p == NULL)
		return;
	p -= MEMHDR;
	memcpy(&n, p, sizeof(n));
	mem_used -= n;
	free(p);
}

static void *
mm_realloc(void *ptr, size_t n)
{
	unsigned char *p = ptr, *q;
	size_t old;

	if (p == NULL)
		return mm_malloc(n);
	p -= MEMHDR;
	memcpy(&old, p, sizeof(old));
	if (n > old && (n - old > mem_max || mem_used > mem_max - (n - old)))
		return NULL;
	if ((q = realloc(p, MEMHDR + n)) == NULL)
		return NULL;
	memcpy(q, &n, sizeof(n));
	mem_used = mem_used - old + n;
	return q + MEMHDR;
}

static const XML_Memory_Handling_Suite mm_suite = {
	mm_malloc, mm_realloc, mm_free
};

/* ------------------------------------------------------------------ */
/* Parser state                                                        */
/* ------------------------------------------------------------------ */

/* A recently seen namespace URI, shared by the nodes that use it. */
#define NS_CACHE	4

struct parse {
	XML_Parser		 p;		/* owned */
	const struct soap_limits *lim;		/* borrowed */
	struct soap_arena	*arena;		/* borrowed from req */
	struct soap_request	*req;		/* in the arena */
	enum soap_version	 version;	/* expected envelope version */
	int			 version_known;	/* from the Content-Type */
	int			 check_action;
	int			 lines;		/* record soap_node.line */
	const char		*action;	/* unquoted action sent, or NULL */
	size_t			 action_len;

	enum soap_err		 rc;		/* first failure */
	char			*err;		/* borrowed: caller's buffer */
	size_t			 errlen;

	unsigned		 depth;		/* open elements */
	int			 in_header;	/* the open depth-2 element is Header */
	int			 seen_header;
	int			 seen_body;
	int			 body_closed;
	struct soap_node	**stack;	/* open nodes by depth, NULL when none */
	size_t			*text_start;	/* text offset by depth */
	struct buf		 text;		/* stacked character data */
	size_t			 nelements;

	const char		*ns_cache[NS_CACHE];
	size_t			 ns_next;
};

static void
fail(struct parse *ps, enum soap_err rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct parse *ps, enum soap_err rc, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->rc != SOAP_OK)
		return;
	ps->rc = rc;
	if (ps->err != NULL && ps->errlen > 0) {
		if (ps->p != NULL)
			n = snprintf(ps->err, ps->errlen, "line %lu: ",
			    (unsigned long)XML_GetCurrentLineNumber(ps->p));
		if (n < 0 || (size_t)n >= ps->errlen)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	if (ps->p != NULL)
		XML_StopParser(ps->p, XML_FALSE);
}

/*
 * A short, printable copy of untrusted text for messages: at most 48
 * bytes, anything outside printable ASCII as '?'.
 */
static const char *
snip(const char *s, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < outlen && i < 48; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return out;
}

/* Split Expat's "uri<SEP>local" (or "local") in place of pointers. */
static void
split_name(const char *raw, const char **ns, size_t *nslen, const char **local)
{
	const char *sep = strchr(raw, NS_SEP);

	if (sep == NULL) {
		*ns = "";
		*nslen = 0;
		*local = raw;
	} else {
		*ns = raw;
		*nslen = (size_t)(sep - raw);
		*local = sep + 1;
	}
}

static int
ns_eq(const char *ns, size_t nslen, const char *want)
{
	return strlen(want) == nslen && memcmp(ns, want, nslen) == 0;
}

static const char *
intern_ns(struct parse *ps, const char *ns, size_t nslen)
{
	char *p;

	if (nslen == 0)
		return "";
	for (size_t i = 0; i < NS_CACHE; i++) {
		const char *c = ps->ns_cache[i];
		if (c != NULL && strncmp(c, ns, nslen) == 0 && c[nslen] == '\0')
			return c;
	}
	if ((p = arena_strndup(ps->arena, ns, nslen)) == NULL)
		return NULL;
	ps->ns_cache[ps->ns_next] = p;
	ps->ns_next = (ps->ns_next + 1) % NS_CACHE;
	return p;
}

static int
all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* Build a node for the element; attributes checked and copied. */
static struct soap_node *
make_node(struct parse *ps, const char *ns, size_t nslen, const char *local,
    const char **atts, struct soap_node *parent)
{
	struct soap_node *n;
	struct soap_attr *last = NULL;

	if ((n = arena_alloc(ps->arena, sizeof(*n))) == NULL)
		goto mem;
	memset(n, 0, sizeof(*n));
	if ((n->ns = intern_ns(ps, ns, nslen)) == NULL ||
	    (n->name = arena_strndup(ps->arena, local, strlen(local))) == NULL)
		goto mem;
	n->text = "";
	n->parent = parent;
	/* Expat counts lines by scanning the bytes since its last count:
	 * about a tenth of a server's parse, for a field only clients read */
	n->line = ps->lines ?
	    (unsigned long)XML_GetCurrentLineNumber(ps->p) : 0;
	for (size_t i = 0; atts[i] != NULL; i += 2) {
		struct soap_attr *a;
		const char *ans, *alocal;
		size_t anslen, vlen = strlen(atts[i + 1]);

		split_name(atts[i], &ans, &anslen, &alocal);
		if ((a = arena_alloc(ps->arena, sizeof(*a))) == NULL ||
		    (a->ns = intern_ns(ps, ans, anslen)) == NULL ||
		    (a->name = arena_strndup(ps->arena, alocal,
		    strlen(alocal))) == NULL ||
		    (a->value = arena_strndup(ps->arena, atts[i + 1],
		    vlen)) == NULL)
			goto mem;
		a->value_len = vlen;
		a->next = NULL;
		if (last == NULL)
			n->attrs = a;
		else
			last->next = a;
		last = a;
	}
	return n;
mem:
	fail(ps, SOAP_ERR_TOO_LARGE, "request needs more than %zu bytes of memory",
	    ps->lim->max_arena);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Handlers                                                            */
/* ------------------------------------------------------------------ */

static struct soap_node **lastchild_of(struct parse *ps);

static int
check_action(struct parse *ps, const char *ns, size_t nslen, const char *local)
{
	size_t ll = strlen(local), an;
	char act[200], b1[64], b2[64];

	if (!ps->check_action || ps->action == NULL)
		return 0;
	/* the action is "<namespace>/<operation>" for every WSUS service */
	if (ps->action_len == nslen + 1 + ll &&
	    memcmp(ps->action, ns, nslen) == 0 && ps->action[nslen] == '/' &&
	    memcmp(ps->action + nslen + 1, local, ll) == 0)
		return 0;
	an = ps->action_len < sizeof(act) - 1 ? ps->action_len : sizeof(act) - 1;
	memcpy(act, ps->action, an);
	act[an] = '\0';
	fail(ps, SOAP_ERR_ACTION_MISMATCH,
	    "SOAPAction \"%s\" does not name the operation %s",
	    snip(act, b1, sizeof(b1)), snip(local, b2, sizeof(b2)));
	return -1;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct parse *ps = ud;
	const struct soap_limits *lim = ps->lim;
	const char *ns, *local, *envns = soap_version_ns(ps->version);
	size_t nslen, nattrs = 0;
	unsigned d;
	struct soap_node *parent, *n;
	char sb[64];

	if (ps->rc != SOAP_OK)
		return;
	d = ++ps->depth;
	if (d > lim->max_depth) {
		fail(ps, SOAP_ERR_TOO_DEEP, "elements nested deeper than %u",
		    lim->max_depth);
		return;
	}
	if (++ps->nelements > lim->max_elements) {
		fail(ps, SOAP_ERR_TOO_MANY, "more than %zu elements",
		    lim->max_elements);
		return;
	}
	for (size_t i = 0; atts[i] != NULL; i += 2) {
		if (++nattrs > lim->max_attrs) {
			fail(ps, SOAP_ERR_TOO_MANY,
			    "more than %u attributes on one element",
			    lim->max_attrs);
			return;
		}
		if (strlen(atts[i + 1]) > lim->max_text) {
			fail(ps, SOAP_ERR_TOO_LARGE,
			    "attribute value longer than %zu bytes",
			    lim->max_text);
			return;
		}
	}
	split_name(name, &ns, &nslen, &local);
	if (strlen(local) > lim->max_name) {
		fail(ps, SOAP_ERR_TOO_LARGE, "element name longer than %zu bytes",
		    lim->max_name);
		return;
	}
	for (size_t i = 0; atts[i] != NULL; i += 2) {
		const char *ans, *alocal;
		size_t anslen;

		split_name(atts[i], &ans, &anslen, &alocal);
		if (strlen(alocal) > lim->max_name) {
			fail(ps, SOAP_ERR_TOO_LARGE,
			    "attribute name longer than %zu bytes",
			    lim->max_name);
			return;
		}
	}
	ps->stack[d] = NULL;
	ps->text_start[d] = ps->text.len;
	lastchild_of(ps)[d] = NULL;

	if (d == 1) {
		if (strcmp(local, "Envelope") != 0) {
			fail(ps, SOAP_ERR_NOT_SOAP,
			    "root element is %s, not a SOAP Envelope",
			    snip(local, sb, sizeof(sb)));
			return;
		}
		if (ps->version_known) {
			if (!ns_eq(ns, nslen, envns)) {
				fail(ps, SOAP_ERR_VERSION_MISMATCH,
				    "Envelope is not in the SOAP %s namespace %s",
				    ps->version == SOAP_V12 ? "1.2" : "1.1",
				    envns);
				return;
			}
		} else if (ns_eq(ns, nslen, SOAP_NS_ENV11)) {
			ps->version = SOAP_V11;
		} else if (ns_eq(ns, nslen, SOAP_NS_ENV12)) {
			ps->version = SOAP_V12;
		} else {
			fail(ps, SOAP_ERR_VERSION_MISMATCH,
			    "Envelope is in no SOAP namespace");
			return;
		}
		return;
	}
	if (d == 2) {
		if (!ns_eq(ns, nslen, envns)) {
			fail(ps, SOAP_ERR_NOT_SOAP,
			    "element %s directly inside the Envelope",
			    snip(local, sb, sizeof(sb)));
			return;
		}
		if (strcmp(local, "Header") == 0) {
			if (ps->seen_header || ps->seen_body) {
				fail(ps, SOAP_ERR_NOT_SOAP,
				    "Header repeated or after Body");
				return;
			}
			ps->seen_header = 1;
			ps->in_header = 1;
			if ((n = make_node(ps, ns, nslen, local, atts,
			    NULL)) == NULL)
				return;
			ps->stack[d] = n;
			ps->req->header = n;
			return;
		}
		if (strcmp(local, "Body") == 0) {
			if (ps->seen_body) {
				fail(ps, SOAP_ERR_NOT_SOAP, "two Body elements");
				return;
			}
			ps->seen_body = 1;
			ps->in_header = 0;
			return;
		}
		fail(ps, SOAP_ERR_NOT_SOAP, "element %s inside the Envelope",
		    snip(local, sb, sizeof(sb)));
		return;
	}

	parent = ps->stack[d - 1];
	if (d == 3 && !ps->in_header) {
		/* the operation element */
		if (ps->req->op != NULL) {
			fail(ps, SOAP_ERR_NOT_SOAP,
			    "more than one element in the Body");
			return;
		}
		if (check_action(ps, ns, nslen, local) == -1)
			return;
		parent = NULL;
	} else if (d == 3) {
		/* a header block: refuse what we are told to understand */
		for (size_t i = 0; atts[i] != NULL; i += 2) {
			const char *ans, *alocal;
			size_t anslen;

			split_name(atts[i], &ans, &anslen, &alocal);
			if (ns_eq(ans, anslen, envns) &&
			    strcmp(alocal, "mustUnderstand") == 0 &&
			    (strcmp(atts[i + 1], "1") == 0 ||
			    strcmp(atts[i + 1], "true") == 0)) {
				fail(ps, SOAP_ERR_MUST_UNDERSTAND,
				    "header block %s must be understood",
				    snip(local, sb, sizeof(sb)));
				return;
			}
		}
	}
	if (parent != NULL && parent->nchildren >= lim->max_children) {
		fail(ps, SOAP_ERR_TOO_MANY,
		    "more than %zu child elements in %s", lim->max_children,
		    snip(parent->name, sb, sizeof(sb)));
		return;
	}
	if ((n = make_node(ps, ns, nslen, local, atts, parent)) == NULL)
		return;
	if (parent != NULL) {
		struct soap_node **lc = lastchild_of(ps);
		if (lc[d - 1] == NULL)
			parent->children = n;
		else
			lc[d - 1]->next = n;
		lc[d - 1] = n;
		parent->nchildren++;
	}
	if (d == 3 && !ps->in_header)
		ps->req->op = n;
	ps->stack[d] = n;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct parse *ps = ud;
	unsigned d = ps->depth;
	struct soap_node *n;

	(void)name;
	if (ps->rc != SOAP_OK)
		return;
	n = ps->stack[d];
	if (n != NULL) {
		size_t start = ps->text_start[d], len = ps->text.len - start;

		if (len > 0) {
			char *t = arena_strndup(ps->arena,
			    ps->text.data + start, len);
			if (t == NULL) {
				fail(ps, SOAP_ERR_TOO_LARGE,
				    "request needs more than %zu bytes of memory",
				    ps->lim->max_arena);
				return;
			}
			n->text = t;
			n->text_len = len;
			ps->text.len = start;
			ps->text.data[start] = '\0';
		}
	}
	if (d == 2 && !ps->in_header && ps->seen_body && ps->stack[d] == NULL) {
		if (ps->req->op == NULL) {
			fail(ps, SOAP_ERR_NOT_SOAP, "the Body is empty");
			return;
		}
		ps->body_closed = 1;
	}
	if (d == 2)
		ps->in_header = 0;
	ps->stack[d] = NULL;
	ps->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct parse *ps = ud;
	unsigned d = ps->depth;

	if (ps->rc != SOAP_OK || len <= 0)
		return;
	if (ps->stack[d] == NULL) {
		/* Envelope or Body: only white space between elements */
		if (!all_space(s, (size_t)len))
			fail(ps, SOAP_ERR_NOT_SOAP,
			    "text directly inside the %s",
			    d <= 1 ? "Envelope" : "Body");
		return;
	}
	if (d == 2 && !all_space(s, (size_t)len)) {
		fail(ps, SOAP_ERR_NOT_SOAP, "text directly inside the Header");
		return;
	}
	if (ps->text.len - ps->text_start[d] > ps->lim->max_text - (size_t)len ||
	    (size_t)len > ps->lim->max_text) {
		fail(ps, SOAP_ERR_TOO_LARGE, "element text longer than %zu bytes",
		    ps->lim->max_text);
		return;
	}
	if (buf_append(&ps->text, s, (size_t)len) == -1)
		fail(ps, SOAP_ERR_TOO_LARGE, "element text too large");
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name; (void)sysid; (void)pubid; (void)has_internal_subset;
	fail(ud, SOAP_ERR_FORBIDDEN, "DOCTYPE is not allowed in SOAP");
}

static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param,
    const XML_Char *value, int value_length, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name; (void)is_param; (void)value; (void)value_length;
	(void)base; (void)sysid; (void)pubid; (void)notation;
	fail(ud, SOAP_ERR_FORBIDDEN, "entity declarations are not allowed");
}

static void XMLCALL
on_pi(void *ud, const XML_Char *target, const XML_Char *data)
{
	(void)target; (void)data;
	fail(ud, SOAP_ERR_FORBIDDEN,
	    "processing instructions are not allowed in SOAP");
}

static void XMLCALL
on_xmldecl(void *ud, const XML_Char *version, const XML_Char *encoding,
    int standalone)
{
	(void)version; (void)standalone;
	if (encoding != NULL && strcasecmp(encoding, "utf-8") != 0)
		fail(ud, SOAP_ERR_MALFORMED,
		    "XML declaration names an encoding other than UTF-8");
}

/*
 * The last child appended to each open node, so appending is O(1): the
 * second half of the stack allocation, indexed by depth like the stack.
 */
static struct soap_node **
lastchild_of(struct parse *ps)
{
	return (struct soap_node **)(ps->stack + ps->lim->max_depth + 2);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

#define ACTION_MAX	1024

static const XML_Char ns_sep[] = { NS_SEP, '\0' };

static const char *
xml_error_reason(enum XML_Error e)
{
	switch (e) {
	case XML_ERROR_NO_MEMORY:
		return "XML parser memory limit reached";
	default:
		return XML_ErrorString(e);
	}
}

enum soap_err
soap_request_parse(const void *body, size_t len, const char *content_type,
    const char *soap_action, const struct soap_parse_opts *opts,
    struct soap_request **out, char *err, size_t errlen)
{
	struct soap_parse_opts defopts;
	struct parse ps;
	struct soap_arena *arena = NULL;
	char mt[64], cs[64], ctaction[ACTION_MAX], hdraction[ACTION_MAX];
	const char *act = NULL;
	enum soap_err rc;
	size_t sdepth;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (opts == NULL) {
		soap_parse_opts_default(&defopts);
		opts = &defopts;
	}
	memset(&ps, 0, sizeof(ps));
	ps.lim = &opts->limits;
	ps.err = err;
	ps.errlen = errlen;
	ps.check_action = !(opts->flags & SOAP_PARSE_NO_ACTION);
	ps.lines = !(opts->flags & SOAP_PARSE_NO_LINES);

	if (len > opts->limits.max_body || len > INT_MAX) {
		fail(&ps, SOAP_ERR_TOO_LARGE, "body of %zu bytes is over %zu",
		    len, opts->limits.max_body);
		return ps.rc;
	}
	if (opts->limits.max_depth < 3 || opts->limits.max_depth > 4096) {
		fail(&ps, SOAP_ERR_INTERNAL, "max_depth must be 3..4096");
		return ps.rc;
	}
	if (opts->limits.max_name < 1 || opts->limits.max_name > XMLW_MAX_NAME - 8) {
		fail(&ps, SOAP_ERR_INTERNAL, "max_name must be 1..%d",
		    XMLW_MAX_NAME - 8);
		return ps.rc;
	}

	/*
	 * Only UTF-8: Expat would honour a UTF-16 byte order mark even when
	 * told "UTF-8", and a UTF-16 (or -32) body always holds NUL bytes,
	 * which no UTF-8 XML document may contain.
	 */
	if (len > 0 && (((const unsigned char *)body)[0] == 0xff ||
	    ((const unsigned char *)body)[0] == 0xfe)) {
		fail(&ps, SOAP_ERR_MALFORMED, "body is not UTF-8 (byte order mark)");
		return ps.rc;
	}
	if (len > 0 && memchr(body, '\0', len) != NULL) {
		fail(&ps, SOAP_ERR_MALFORMED, "NUL byte in the body");
		return ps.rc;
	}

	/* Content-Type decides the version and may carry the action. */
	ctaction[0] = '\0';
	if (!(opts->flags & SOAP_PARSE_ANY_CT)) {
		if (content_type == NULL) {
			fail(&ps, SOAP_ERR_CONTENT_TYPE, "no Content-Type");
			return ps.rc;
		}
		if (soap_parse_content_type(content_type, mt, sizeof(mt), cs,
		    sizeof(cs), ctaction, sizeof(ctaction)) == -1) {
			fail(&ps, SOAP_ERR_CONTENT_TYPE, "bad Content-Type");
			return ps.rc;
		}
		if (strcmp(mt, "text/xml") == 0)
			ps.version = SOAP_V11;
		else if (strcmp(mt, "application/soap+xml") == 0 &&
		    (opts->flags & SOAP_PARSE_ALLOW_V12))
			ps.version = SOAP_V12;
		else {
			char sb[64];
			fail(&ps, SOAP_ERR_CONTENT_TYPE,
			    "Content-Type %s is not %s", snip(mt, sb, sizeof(sb)),
			    opts->flags & SOAP_PARSE_ALLOW_V12 ?
			    "text/xml or application/soap+xml" : "text/xml");
			return ps.rc;
		}
		if (cs[0] != '\0' && strcasecmp(cs, "utf-8") != 0) {
			fail(&ps, SOAP_ERR_CONTENT_TYPE,
			    "charset is not utf-8");
			return ps.rc;
		}
		ps.version_known = 1;
	}

	/* The action: SOAP 1.2 Content-Type parameter, else SOAPAction. */
	if (ps.version_known && ps.version == SOAP_V12 && ctaction[0] != '\0')
		act = ctaction;
	else if (soap_action != NULL) {
		if (soap_unquote_action(soap_action, hdraction,
		    sizeof(hdraction)) == -1) {
			fail(&ps, SOAP_ERR_ACTION_MISMATCH,
			    "malformed SOAPAction header");
			return ps.rc;
		}
		act = hdraction;
	}
	if (act != NULL && act[0] != '\0') {
		ps.action = act;
		ps.action_len = strlen(act);
	}

	if ((arena = arena_new(opts->limits.max_arena)) == NULL ||
	    (ps.req = arena_alloc(arena, sizeof(*ps.req))) == NULL) {
		arena_free(arena);
		fail(&ps, SOAP_ERR_INTERNAL, "out of memory");
		return ps.rc;
	}
	memset(ps.req, 0, sizeof(*ps.req));
	ps.req->arena = arena;
	ps.arena = arena;

	/* stack, lastchild and text_start: max_depth + 2 slots each */
	sdepth = (size_t)opts->limits.max_depth + 2;
	ps.stack = calloc(2 * sdepth, sizeof(*ps.stack));
	ps.text_start = calloc(sdepth, sizeof(*ps.text_start));
	buf_init(&ps.text, opts->limits.max_body + 1);
	if (ps.stack == NULL || ps.text_start == NULL) {
		fail(&ps, SOAP_ERR_INTERNAL, "out of memory");
		goto done;
	}

	mem_used = 0;
	mem_max = opts->limits.max_parser_mem;
	/* "UTF-8" overrides the declaration: a UTF-16 body is refused. */
	ps.p = XML_ParserCreate_MM("UTF-8", &mm_suite, ns_sep);
	if (ps.p == NULL) {
		fail(&ps, SOAP_ERR_INTERNAL, "cannot create the XML parser");
		goto done;
	}
	XML_SetUserData(ps.p, &ps);
	XML_SetParamEntityParsing(ps.p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetStartDoctypeDeclHandler(ps.p, on_doctype);
	XML_SetEntityDeclHandler(ps.p, on_entity_decl);
	XML_SetProcessingInstructionHandler(ps.p, on_pi);
	XML_SetXmlDeclHandler(ps.p, on_xmldecl);
	XML_SetElementHandler(ps.p, on_start, on_end);
	XML_SetCharacterDataHandler(ps.p, on_text);
#if defined(XML_DTD) && (XML_MAJOR_VERSION > 2 || \
    (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4))
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(ps.p,
	    SOAP_MAX_AMPLIFICATION);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(ps.p,
	    1024 * 1024);
#endif

	if (XML_Parse(ps.p, body, (int)len, XML_TRUE) == XML_STATUS_ERROR &&
	    ps.rc == SOAP_OK) {
		enum XML_Error xe = XML_GetErrorCode(ps.p);
		fail(&ps, xe == XML_ERROR_NO_MEMORY ? SOAP_ERR_TOO_LARGE :
		    SOAP_ERR_MALFORMED, "%s", xml_error_reason(xe));
	}
	if (ps.rc == SOAP_OK && (!ps.seen_body || !ps.body_closed ||
	    ps.req->op == NULL))
		fail(&ps, SOAP_ERR_NOT_SOAP, "no Body in the Envelope");
	if (ps.rc == SOAP_OK) {
		const struct soap_node *op = ps.req->op;
		char *a;

		ps.req->version = ps.version;
		ps.req->nelements = ps.nelements;
		if (ps.action != NULL) {
			a = arena_strndup(arena, ps.action, ps.action_len);
			ps.req->action_sent = 1;
		} else {
			size_t nl = strlen(op->ns), ll = strlen(op->name);
			if ((a = arena_alloc(arena, nl + ll + 2)) != NULL) {
				memcpy(a, op->ns, nl);
				a[nl] = '/';
				memcpy(a + nl + 1, op->name, ll + 1);
			}
		}
		if (a == NULL)
			fail(&ps, SOAP_ERR_TOO_LARGE,
			    "request needs more than %zu bytes of memory",
			    opts->limits.max_arena);
		ps.req->action = a;
	}
done:
	if (ps.p != NULL)
		XML_ParserFree(ps.p);
	ps.p = NULL;
	free(ps.stack);
	free(ps.text_start);
	buf_free(&ps.text);
	rc = ps.rc;
	if (rc == SOAP_OK)
		*out = ps.req;
	else
		arena_free(arena);
	return rc;
}

void
soap_request_free(struct soap_request *r)
{
	if (r != NULL)
		arena_free(r->arena);
}
