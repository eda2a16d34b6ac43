/*
 * fragments.c — deriving the MS-WUSP client fragments (core, extended,
 * localized) from a full <upd:Update> document in one streaming Expat
 * pass.  Every rule, and the evidence for it, is listed in
 * docs/FRAGMENTS.md; in short:
 *
 *  core      = UpdateIdentity + Properties (rebuilt: UpdateType,
 *              ExplicitlyDeployable and AutoSelectOnWebSites when true,
 *              OSUpgrade, EulaID; no children) + Relationships +
 *              ApplicabilityRules (children of driver metadata dropped)
 *  extended  = Properties renamed ExtendedProperties, minus the core-only
 *              and server-only attributes, with its children + Files +
 *              HandlerSpecificData
 *  localized = each LocalizedProperties, keyed by its Language child
 *
 * Copied elements lose their namespace: names in BaseApplicabilityRules,
 * MsiApplicabilityRules and WindowsDriver get "b.", "m.", "d.", other
 * Microsoft update namespaces and no namespace give the bare local name;
 * attributes keep only their local name (xsi:type becomes type).
 * Elements of a foreign namespace (e.g. a CBS assembly manifest) keep
 * their URI as a default namespace declaration.  Output is written the
 * way the real server writes it: no whitespace between elements, empty
 * elements as <X a="1" />.  Not here: EULA fragments, storage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/fragments.h"
#include "metadata/mdxml.h"
#include "metadata/update.h"
#include "util/buf.h"
#include "util/xml_escape.h"
#include "util/xmalloc.h"

/* Output buffers; the fragments are concatenations of these. */
enum {
	O_NONE = 0,
	O_CORE_ID,
	O_CORE_PROPS,
	O_CORE_REL,
	O_CORE_RULES,
	O_EXT_PROPS,
	O_EXT_FILES,
	O_EXT_HSD,
	O_LP,			/* the LocalizedProperties being read */
	O_COUNT
};

enum fkind {
	FK_SKIP = 0,		/* ignored subtree */
	FK_UPDATE,
	FK_COPY,		/* copied element */
	FK_PROPS,		/* /Update/Properties */
	FK_LPC,			/* /Update/LocalizedPropertiesCollection */
	FK_LP,			/* .../LocalizedProperties (copied) */
	FK_LP_LANG,		/* .../LocalizedProperties/Language (copied) */
	FK_RULES,		/* /Update/ApplicabilityRules (copied) */
	FK_RULES_META,		/* .../Metadata (copied) */
	FK_DRVMETA,		/* .../d.WindowsDriverMetaData: no children */
};

enum {
	FSEEN_IDENTITY = 1 << 0,
	FSEEN_PROPS = 1 << 1,
	FSEEN_LPC = 1 << 2,
	FSEEN_REL = 1 << 3,
	FSEEN_RULES = 1 << 4,
	FSEEN_FILES = 1 << 5,
	FSEEN_HSD = 1 << 6,
};

struct frame {
	unsigned char	 kind;		/* enum fkind */
	unsigned char	 out;		/* O_*; O_NONE: not written */
	bool		 pending;	/* start tag written, '>' not yet */
	bool		 suppress;	/* children are dropped */
	const char	*out_ns;	/* default namespace in the output;
					 * "" or owned when own_ns */
	bool		 own_ns;
};

struct fstate {
	struct mdxml	 x;		/* must be first (mdxml.h) */
	unsigned	 depth;
	struct frame	 stack[UPDATE_MAX_DEPTH];
	unsigned	 seen;		/* FSEEN_* */
	struct buf	 out[O_COUNT];
	struct buf	 text;		/* pending character data */
	struct buf	 lang;		/* text of the current Language */
	bool		 lp_has_lang;
	size_t		 nloc, caploc;
	struct update_localized_fragment *loc;	/* owned until handed out */
};

/* Attributes of Properties that are not copied to ExtendedProperties
 * ([MS-WUSP] 3.1.1.1 plus PerUser, as Microsoft's transformer and the
 * real server do). */
static const char *const ext_drop[] = {
	"UpdateType", "ExplicitlyDeployable", "AutoSelectOnWebSites",
	"EulaID", "PublicationState", "PublisherID", "CreationDate",
	"IsPublic", "LegacyName", "DetectoidType", "OSUpgrade", "PerUser",
	NULL
};

static bool
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static bool
foreign_ns(const struct mdxml_name *n)
{
	size_t pl = sizeof(NS_MSUS_PREFIX) - 1;

	return n->nslen > 0 && !(n->nslen >= pl &&
	    memcmp(n->ns, NS_MSUS_PREFIX, pl) == 0);
}

static const char *
name_prefix(const struct mdxml_name *n)
{
	if (mdxml_ns_is(n, NS_BAR))
		return "b.";
	if (mdxml_ns_is(n, NS_MAR))
		return "m.";
	if (mdxml_ns_is(n, NS_DRV))
		return "d.";
	return "";
}

static void
put_name(struct buf *b, const struct mdxml_name *n)
{
	buf_puts(b, name_prefix(n));
	buf_puts(b, n->local);
}

/*
 * Escaping that survives a re-parse unchanged (util/xml_escape.h); a
 * buffer failure is sticky and checked once at the end.
 */
static void
put_attr_value(struct buf *b, const char *s, size_t n)
{
	(void)xml_escape(b, s, n, XML_ESC_ATTR, NULL);
}

static void
put_text(struct buf *b, const char *s, size_t n)
{
	(void)xml_escape(b, s, n, XML_ESC_TEXT, NULL);
}

static void
put_attr(struct buf *b, const char *name, const char *value)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	put_attr_value(b, value, strlen(value));
	buf_putc(b, '"');
}

static bool
all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static int
check_out(struct fstate *st, unsigned o)
{
	if (o != O_NONE && st->out[o].failed) {
		mdxml_fail(&st->x, "fragment larger than %u bytes",
		    FRAGMENT_MAX_BYTES);
		return -1;
	}
	return 0;
}

/* Close the start tag of the top frame if it is still open. */
static void
open_top(struct fstate *st)
{
	struct frame *f;

	if (st->depth == 0)
		return;
	f = &st->stack[st->depth - 1];
	if (f->pending && f->out != O_NONE) {
		buf_putc(&st->out[f->out], '>');
		f->pending = false;
	}
}

/* Write the character data gathered since the last tag. */
static void
flush_text(struct fstate *st)
{
	struct frame *f;

	if (st->text.len == 0 || st->depth == 0)
		goto done;
	f = &st->stack[st->depth - 1];
	if (f->kind == FK_LP_LANG)
		buf_append(&st->lang, st->text.data, st->text.len);
	if (f->out == O_NONE || f->suppress ||
	    all_space(st->text.data, st->text.len))
		goto done;
	open_top(st);
	put_text(&st->out[f->out], st->text.data, st->text.len);
	(void)check_out(st, f->out);
done:
	buf_reset(&st->text);
}

/* Write the attributes of a copied element, local names only. */
static int
put_attrs(struct fstate *st, struct buf *b, const XML_Char **atts,
    const char *const *drop)
{
	struct mdxml_name an, bn;
	size_t i, j, n = 0;

	for (i = 0; atts[i] != NULL; i += 2)
		n++;
	if (n > UPDATE_MAX_ATTRS) {
		mdxml_fail(&st->x, "more than %d attributes on one element",
		    UPDATE_MAX_ATTRS);
		return -1;
	}
	for (i = 0; atts[i] != NULL; i += 2) {
		mdxml_split(atts[i], &an);
		if (drop != NULL && in_list(drop, an.local))
			continue;
		for (j = 0; j < i; j += 2) {
			mdxml_split(atts[j], &bn);
			if (strcmp(an.local, bn.local) == 0) {
				mdxml_fail(&st->x, "two attributes named %s "
				    "once namespaces are removed", an.local);
				return -1;
			}
		}
		put_attr(b, an.local, atts[i + 1]);
	}
	return 0;
}

/*
 * Start a copied element in output o.  parent_ns is the default
 * namespace in effect in the output around it.
 */
static int
copy_start(struct fstate *st, struct frame *f, unsigned o,
    const char *parent_ns, const struct mdxml_name *n,
    const XML_Char **atts)
{
	struct buf *b = &st->out[o];

	f->out = (unsigned char)o;
	f->out_ns = parent_ns;
	buf_putc(b, '<');
	put_name(b, n);
	if (foreign_ns(n)) {
		if (strlen(parent_ns) != n->nslen ||
		    memcmp(parent_ns, n->ns, n->nslen) != 0) {
			char *ns = xstrndup(n->ns, n->nslen);

			buf_puts(b, " xmlns=\"");
			put_attr_value(b, ns, n->nslen);
			buf_putc(b, '"');
			f->out_ns = ns;
			f->own_ns = true;
		}
	} else if (*parent_ns != '\0') {
		buf_puts(b, " xmlns=\"\"");
		f->out_ns = "";
	}
	if (put_attrs(st, b, atts, NULL) == -1)
		return -1;
	f->pending = true;
	return check_out(st, o);
}

/* The rebuilt core Properties: fixed attributes, fixed order, no children. */
static void
core_properties(struct fstate *st, const XML_Char **atts)
{
	struct buf *b = &st->out[O_CORE_PROPS];
	const char *v;

	buf_puts(b, "<Properties");
	if ((v = mdxml_attr(atts, NULL, "UpdateType")) != NULL)
		put_attr(b, "UpdateType", v);
	if ((v = mdxml_attr(atts, NULL, "ExplicitlyDeployable")) != NULL &&
	    mdxml_bool(v) == 1)
		put_attr(b, "ExplicitlyDeployable", "true");
	if ((v = mdxml_attr(atts, NULL, "AutoSelectOnWebSites")) != NULL &&
	    mdxml_bool(v) == 1)
		put_attr(b, "AutoSelectOnWebSites", "true");
	if ((v = mdxml_attr(atts, NULL, "OSUpgrade")) != NULL)
		put_attr(b, "OSUpgrade", v);
	if ((v = mdxml_attr(atts, NULL, "EulaID")) != NULL)
		put_attr(b, "EulaID", v);
	buf_puts(b, " />");
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct fstate *st = ud;
	struct frame *p, *f;
	struct mdxml_name n;
	bool upd;

	if (st->x.failed)
		return;
	flush_text(st);
	if (st->x.failed)
		return;
	mdxml_split(name, &n);
	if (mdxml_enter(&st->x, st->depth, &n) == -1)
		return;
	f = &st->stack[st->depth];
	memset(f, 0, sizeof(*f));
	f->out_ns = "";
	upd = mdxml_ns_is(&n, NS_UPD);
	if (st->depth == 0) {
		f->kind = FK_UPDATE;
		st->depth++;
		return;
	}
	p = &st->stack[st->depth - 1];
	st->depth++;	/* f is now the top; popped in on_end */

	switch (p->kind) {
	case FK_UPDATE:
		if (!upd) {
			f->kind = FK_SKIP;
		} else if (strcmp(n.local, "UpdateIdentity") == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_IDENTITY, n.local) == 0) {
				f->kind = FK_COPY;
				(void)copy_start(st, f, O_CORE_ID, "", &n,
				    atts);
			}
		} else if (strcmp(n.local, "Properties") == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_PROPS, n.local) == 0) {
				f->kind = FK_PROPS;
				core_properties(st, atts);
				f->out = O_EXT_PROPS;
				buf_puts(&st->out[O_EXT_PROPS],
				    "<ExtendedProperties");
				if (put_attrs(st, &st->out[O_EXT_PROPS], atts,
				    ext_drop) == 0)
					f->pending = true;
			}
		} else if (strcmp(n.local, "Relationships") == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_REL, n.local) == 0) {
				f->kind = FK_COPY;
				(void)copy_start(st, f, O_CORE_REL, "", &n,
				    atts);
			}
		} else if (strcmp(n.local, "ApplicabilityRules") == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_RULES, n.local) == 0) {
				f->kind = FK_RULES;
				(void)copy_start(st, f, O_CORE_RULES, "", &n,
				    atts);
			}
		} else if (strcmp(n.local, "Files") == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_FILES, n.local) == 0) {
				f->kind = FK_COPY;
				(void)copy_start(st, f, O_EXT_FILES, "", &n,
				    atts);
			}
		} else if (strcmp(n.local, "HandlerSpecificData") == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_HSD, n.local) == 0) {
				f->kind = FK_COPY;
				(void)copy_start(st, f, O_EXT_HSD, "", &n,
				    atts);
			}
		} else if (strcmp(n.local, "LocalizedPropertiesCollection")
		    == 0) {
			if (mdxml_once(&st->x, &st->seen, FSEEN_LPC, n.local) == 0)
				f->kind = FK_LPC;
		} else
			f->kind = FK_SKIP;
		return;
	case FK_LPC:
		if (upd && strcmp(n.local, "LocalizedProperties") == 0) {
			if (st->nloc >= UPDATE_MAX_LANGUAGES) {
				mdxml_fail(&st->x, "more than %d "
				    "LocalizedProperties", UPDATE_MAX_LANGUAGES);
				return;
			}
			f->kind = FK_LP;
			buf_reset(&st->out[O_LP]);
			buf_reset(&st->lang);
			st->lp_has_lang = false;
			(void)copy_start(st, f, O_LP, "", &n, atts);
		} else
			f->kind = FK_SKIP;	/* EulaFile: not derived */
		return;
	case FK_SKIP:
		f->kind = FK_SKIP;
		return;
	default:
		break;
	}

	/* Inside a copied section. */
	if (p->suppress) {
		f->kind = FK_COPY;
		f->suppress = true;	/* f->out stays O_NONE: not written */
		return;
	}
	if (p->pending && p->out != O_NONE) {
		buf_putc(&st->out[p->out], '>');
		p->pending = false;
	}
	f->kind = FK_COPY;
	if (p->kind == FK_LP && upd && strcmp(n.local, "Language") == 0 &&
	    !st->lp_has_lang) {
		f->kind = FK_LP_LANG;
		st->lp_has_lang = true;
	} else if (p->kind == FK_RULES && upd &&
	    strcmp(n.local, "Metadata") == 0) {
		f->kind = FK_RULES_META;
	} else if (p->kind == FK_RULES_META &&
	    mdxml_is(&n, NS_DRV, "WindowsDriverMetaData")) {
		/* [MS UpdateXmlTransformer.cs]: the core keeps the driver
		 * metadata element but not its children. */
		f->kind = FK_DRVMETA;
	}
	if (copy_start(st, f, p->out, p->out_ns, &n, atts) == -1)
		return;
	if (f->kind == FK_DRVMETA)
		f->suppress = true;
}

static int
end_localized(struct fstate *st)
{
	struct update_localized_fragment *l;
	size_t i, n;
	const char *s;

	if (!st->lp_has_lang) {
		mdxml_fail(&st->x, "LocalizedProperties without Language");
		return -1;
	}
	n = st->lang.len;
	s = mdxml_trim(st->lang.data != NULL ? st->lang.data : "", &n);
	if (n == 0 || n >= sizeof(l->language)) {
		mdxml_fail(&st->x, "LocalizedProperties/Language is empty "
		    "or too long");
		return -1;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			mdxml_fail(&st->x, "LocalizedProperties/Language is "
			    "not a language tag");
			return -1;
		}
	}
	for (i = 0; i < st->nloc; i++) {
		if (strlen(st->loc[i].language) == n &&
		    memcmp(st->loc[i].language, s, n) == 0) {
			mdxml_fail(&st->x, "LocalizedProperties for language "
			    "\"%.*s\" given twice", (int)n, s);
			return -1;
		}
	}
	if (st->nloc == st->caploc) {
		st->caploc = st->caploc ? st->caploc * 2 : 8;
		st->loc = xreallocarray(st->loc, st->caploc, sizeof(*st->loc));
	}
	l = &st->loc[st->nloc];
	memset(l, 0, sizeof(*l));
	memcpy(l->language, s, n);
	l->language[n] = '\0';
	l->xml = buf_steal(&st->out[O_LP], &l->len);
	if (l->xml == NULL) {
		mdxml_fail(&st->x, "fragment larger than %u bytes",
		    FRAGMENT_MAX_BYTES);
		return -1;
	}
	st->nloc++;
	return 0;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct fstate *st = ud;
	struct frame *f;
	struct mdxml_name n;
	struct buf *b;

	if (st->x.failed || st->depth == 0)
		return;
	flush_text(st);
	if (st->x.failed)
		return;
	f = &st->stack[st->depth - 1];
	mdxml_split(name, &n);
	if (f->out != O_NONE) {
		b = &st->out[f->out];
		if (f->pending) {
			buf_puts(b, " />");
		} else {
			buf_puts(b, "</");
			if (f->kind == FK_PROPS)
				buf_puts(b, "ExtendedProperties");
			else
				put_name(b, &n);
			buf_putc(b, '>');
		}
		if (check_out(st, f->out) == -1)
			return;
	}
	if (f->kind == FK_LP)
		(void)end_localized(st);
	if (f->kind == FK_UPDATE) {
		if (!(st->seen & FSEEN_IDENTITY))
			mdxml_fail(&st->x, "missing UpdateIdentity");
		else if (!(st->seen & FSEEN_PROPS))
			mdxml_fail(&st->x, "missing Properties");
	}
	if (f->own_ns)
		free((char *)(uintptr_t)f->out_ns);
	f->own_ns = false;
	st->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct fstate *st = ud;

	if (st->x.failed)
		return;
	if (buf_append(&st->text, s, (size_t)len) == -1)
		mdxml_fail(&st->x, "text longer than %u bytes",
		    UPDATE_DOC_MAX_BYTES);
}

/* Concatenate bufs[from..to] into a new string. */
static char *
concat(struct fstate *st, unsigned from, unsigned to, size_t *lenp)
{
	struct buf b;

	buf_init(&b, FRAGMENT_MAX_BYTES);
	for (unsigned i = from; i <= to; i++)
		buf_append(&b, st->out[i].data != NULL ? st->out[i].data : "",
		    st->out[i].len);
	return buf_steal(&b, lenp);
}

int
fragments_build(const char *xml, size_t len, struct update_doc *out,
    char *err, size_t errlen)
{
	struct fstate st;
	char *core = NULL, *ext = NULL;
	size_t core_len = 0, ext_len = 0, i;
	int rc;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < O_COUNT; i++)
		buf_init(&st.out[i], FRAGMENT_MAX_BYTES);
	buf_init(&st.text, UPDATE_DOC_MAX_BYTES);
	buf_init(&st.lang, 256);
	mdxml_init(&st.x, &st);
	XML_SetElementHandler(st.x.p, on_start, on_end);
	XML_SetCharacterDataHandler(st.x.p, on_text);
	rc = mdxml_parse(&st.x, xml, len, err, errlen);
	if (rc == 0) {
		core = concat(&st, O_CORE_ID, O_CORE_RULES, &core_len);
		ext = concat(&st, O_EXT_PROPS, O_EXT_HSD, &ext_len);
		if (core == NULL || ext == NULL) {
			snprintf(err, errlen, "fragment larger than %u bytes",
			    FRAGMENT_MAX_BYTES);
			rc = -1;
		}
	}
	if (rc == 0) {
		free(out->core);
		free(out->extended);
		for (i = 0; i < out->nlocalized; i++)
			free(out->localized[i].xml);
		free(out->localized);
		out->core = core;
		out->core_len = core_len;
		out->extended = ext;
		out->extended_len = ext_len;
		out->localized = st.loc;
		out->nlocalized = st.nloc;
		st.loc = NULL;
		st.nloc = 0;
	} else {
		free(core);
		free(ext);
	}
	for (i = 0; i < st.depth; i++)
		if (st.stack[i].own_ns)
			free((char *)(uintptr_t)st.stack[i].out_ns);
	for (i = 0; i < st.nloc; i++)
		free(st.loc[i].xml);
	free(st.loc);
	for (i = 0; i < O_COUNT; i++)
		buf_free(&st.out[i]);
	buf_free(&st.text);
	buf_free(&st.lang);
	mdxml_free(&st.x);
	return rc;
}
