/*
 * applic.c — core fragments: structure and applicability rules in one
 * Expat pass.  See applic.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "client/applic.h"
#include "client/xml_util.h"
#include "util/xmalloc.h"

/* Where an element sits. */
enum ctx {
	C_ROOT = 0,		/* the synthetic root */
	C_TOP,			/* a direct child we do not care about */
	C_RELATIONSHIPS,
	C_PREREQS,		/* Relationships/Prerequisites */
	C_PREREQ_GROUP,		/* .../AtLeastOne */
	C_BUNDLES,		/* Relationships/BundledUpdates */
	C_BUNDLE_GROUP,		/* .../AtLeastOne */
	C_RULES,		/* ApplicabilityRules */
	C_RULE_ROOT,		/* IsInstalled / IsInstallable */
	C_EXPR,			/* an expression element below a rule root */
	C_METADATA,		/* ApplicabilityRules/Metadata */
	C_SKIP,			/* inside something ignored */
};

enum op { OP_AND, OP_OR, OP_NOT, OP_VALUE };

struct frame {
	enum ctx	 ctx;
	enum op		 op;		/* C_EXPR / C_RULE_ROOT */
	bool		 value;
	unsigned	 nchildren;
	int		*target;	/* C_RULE_ROOT: where the result goes */
};

struct parser {
	XML_Parser		 p;
	const struct machine	*m;
	struct core		*c;
	struct frame		 stack[CORE_MAX_DEPTH + 2];
	unsigned		 depth;
	size_t			 elements;
	bool			 failed;
	bool			 have_identity;
	char			 err[256];
	size_t			 id_cap, bid_cap;
};

const char *
utype_name(enum utype t)
{
	switch (t) {
	case UT_SOFTWARE: return "Software";
	case UT_DRIVER: return "Driver";
	case UT_CATEGORY: return "Category";
	case UT_DETECTOID: return "Detectoid";
	default: return "Other";
	}
}

int
version_cmp(const uint16_t a[4], const uint16_t b[4])
{
	for (int i = 0; i < 4; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static void
pfail(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pfail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xml_vfail(ps->p, &ps->failed, ps->err, sizeof(ps->err), fmt, ap);
	va_end(ap);
}

/* Strict non-negative decimal; -1 when absent or bad. */
static long long
attr_num(const XML_Char **atts, const char *name)
{
	const char *s = xml_attr(atts, name);
	long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x7fffffffffffLL)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* ---- comparisons ---------------------------------------------------------- */

enum cmp { CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_CONTAINS,
	CMP_BEGINS, CMP_ENDS, CMP_BAD };

static enum cmp
comparison(const XML_Char **atts)
{
	const char *s = xml_attr(atts, "Comparison");

	if (s == NULL || strcmp(s, "EqualTo") == 0)
		return CMP_EQ;
	if (strcmp(s, "LessThan") == 0)
		return CMP_LT;
	if (strcmp(s, "LessThanOrEqualTo") == 0)
		return CMP_LE;
	if (strcmp(s, "GreaterThan") == 0)
		return CMP_GT;
	if (strcmp(s, "GreaterThanOrEqualTo") == 0)
		return CMP_GE;
	if (strcmp(s, "Contains") == 0)
		return CMP_CONTAINS;
	if (strcmp(s, "BeginsWith") == 0)
		return CMP_BEGINS;
	if (strcmp(s, "EndsWith") == 0)
		return CMP_ENDS;
	return CMP_BAD;
}

/* Apply an ordering comparison to r = sign(actual - wanted). */
static int
apply(enum cmp c, int r)
{
	switch (c) {
	case CMP_EQ: return r == 0;
	case CMP_LT: return r < 0;
	case CMP_LE: return r <= 0;
	case CMP_GT: return r > 0;
	case CMP_GE: return r >= 0;
	default: return -1;
	}
}

static int
sign_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* ---- rules -------------------------------------------------------------------- */

/* -1: unknown to the simulator (or malformed): the default applies. */
static int
rule_windows_version(const struct machine *m, const XML_Char **atts)
{
	static const char *const names[] = { "MajorVersion", "MinorVersion",
	    "BuildNumber", "ServicePackMajor", "ServicePackMinor" };
	long long have[5] = { m->os_major, m->os_minor, m->os_build,
	    m->sp_major, m->sp_minor };
	enum cmp c = comparison(atts);
	int r = 0, ok;
	long long pt, suite;
	const char *all;

	if (c > CMP_GE)
		return -1;
	for (int i = 0; i < 5 && r == 0; i++) {
		long long want = attr_num(atts, names[i]);
		if (xml_attr(atts, names[i]) == NULL)
			continue;
		if (want < 0)
			return -1;
		r = have[i] < want ? -1 : have[i] > want;
	}
	ok = apply(c, r);
	if ((pt = attr_num(atts, "ProductType")) >= 0 && pt != m->product_type)
		ok = 0;
	if ((suite = attr_num(atts, "SuiteMask")) >= 0) {
		all = xml_attr(atts, "AllSuitesMustBePresent");
		if (all != NULL && (strcmp(all, "true") == 0 ||
		    strcmp(all, "1") == 0)) {
			if ((m->suite_mask & suite) != suite)
				ok = 0;
		} else if (suite != 0 && (m->suite_mask & suite) == 0)
			ok = 0;
	}
	return ok;
}

static int
rule_language(const struct machine *m, const XML_Char **atts)
{
	const char *want = xml_attr(atts, "Language");
	size_t n;

	if (want == NULL)
		return -1;
	n = strlen(want);
	for (size_t i = 0; i < m->nlanguages; i++) {
		const char *have = m->languages[i];
		/* "en" matches "en" and "en-US"; "en-US" only "en-US" */
		if (strncasecmp(have, want, n) == 0 &&
		    (have[n] == '\0' || have[n] == '-'))
			return 1;
	}
	return 0;
}

static int
rule_processor(const struct machine *m, const XML_Char **atts)
{
	long long want = attr_num(atts, "Architecture");

	if (want < 0)
		return -1;
	return machine_processor_arch(m) == want;
}

static int
rule_reg_number(const struct machine *m, const XML_Char **atts, bool qword)
{
	const struct reg_entry *e = machine_reg_value(m, xml_attr(atts, "Key"),
	    xml_attr(atts, "Subkey"), xml_attr(atts, "Value"));
	const char *data = xml_attr(atts, "Data");
	enum cmp c = comparison(atts);
	unsigned long long want;
	char *end;

	if (data == NULL || c > CMP_GE || *data == '\0' || *data == '-')
		return -1;
	want = strtoull(data, &end, 10);
	if (*end != '\0')
		return -1;
	if (e == NULL || e->type != (qword ? REG_T_QWORD : REG_T_DWORD))
		return 0;
	return apply(c, sign_u64(e->num, want));
}

static int
rule_reg_string(const struct machine *m, const XML_Char **atts,
    enum reg_type type)
{
	const struct reg_entry *e = machine_reg_value(m, xml_attr(atts, "Key"),
	    xml_attr(atts, "Subkey"), xml_attr(atts, "Value"));
	const char *data = xml_attr(atts, "Data");
	enum cmp c = comparison(atts);
	size_t n, h;

	if (data == NULL || c == CMP_BAD)
		return -1;
	if (e == NULL || e->type != type)
		return 0;
	n = strlen(data);
	h = strlen(e->str);
	switch (c) {
	case CMP_EQ:
		return strcasecmp(e->str, data) == 0;
	case CMP_CONTAINS:
		return strcasestr(e->str, data) != NULL;
	case CMP_BEGINS:
		return strncasecmp(e->str, data, n) == 0;
	case CMP_ENDS:
		return h >= n && strcasecmp(e->str + h - n, data) == 0;
	default:
		/* ordering comparisons of strings: case-insensitive */
		return apply(c, strcasecmp(e->str, data));
	}
}

static const char *
reg_type_name(enum reg_type t)
{
	switch (t) {
	case REG_T_DWORD: return "REG_DWORD";
	case REG_T_QWORD: return "REG_QWORD";
	case REG_T_SZ: return "REG_SZ";
	case REG_T_EXPAND_SZ: return "REG_EXPAND_SZ";
	case REG_T_MULTI_SZ: return "REG_MULTI_SZ";
	case REG_T_BINARY: return "REG_BINARY";
	default: return "";
	}
}

static int
rule_reg_value_exists(const struct machine *m, const XML_Char **atts)
{
	const struct reg_entry *e = machine_reg_value(m, xml_attr(atts, "Key"),
	    xml_attr(atts, "Subkey"), xml_attr(atts, "Value"));
	const char *type = xml_attr(atts, "Type");

	if (e == NULL)
		return 0;
	return type == NULL || strcasecmp(type, reg_type_name(e->type)) == 0;
}

/* CSIDL folders of a typical Windows installation. */
static const char *
csidl_path(long long csidl)
{
	switch (csidl) {
	case 0x24: return "C:\\Windows";
	case 0x25: return "C:\\Windows\\System32";
	case 0x26: return "C:\\Program Files";
	case 0x29: return "C:\\Windows\\SysWOW64";
	case 0x2a: return "C:\\Program Files (x86)";
	case 0x2b: return "C:\\Program Files\\Common Files";
	case 0x23: return "C:\\ProgramData";
	default: return NULL;
	}
}

/*
 * The file a File* rule names into out; 0, -1 when the rule is malformed
 * or names a folder the simulator does not know, 1 when the registry
 * value it prepends does not exist (the rule is then false).
 */
static int
rule_file_path(const struct machine *m, const XML_Char **atts, bool prepend,
    char *out, size_t outlen)
{
	const char *path = xml_attr(atts, "Path"), *base;
	long long csidl;

	if (path == NULL)
		return -1;
	if (prepend) {
		const struct reg_entry *e = machine_reg_value(m,
		    xml_attr(atts, "Key"), xml_attr(atts, "Subkey"),
		    xml_attr(atts, "Value"));
		if (e == NULL || (e->type != REG_T_SZ &&
		    e->type != REG_T_EXPAND_SZ))
			return 1;
		base = e->str;
	} else if (xml_attr(atts, "Csidl") != NULL) {
		if ((csidl = attr_num(atts, "Csidl")) < 0 ||
		    (base = csidl_path(csidl)) == NULL)
			return -1;
	} else
		base = NULL;
	if ((size_t)snprintf(out, outlen, "%s%s%s", base ? base : "",
	    base && path[0] != '\\' ? "\\" : "", path) >= outlen)
		return -1;
	return 0;
}

static int
rule_file(const struct machine *m, const XML_Char **atts, bool prepend,
    bool version)
{
	const struct file_entry *f;
	char path[4096];
	uint16_t want[4];
	enum cmp c = comparison(atts);
	int r = rule_file_path(m, atts, prepend, path, sizeof(path));

	if (r != 0)
		return r < 0 ? -1 : 0;
	if (version) {
		const char *v = xml_attr(atts, "Version");
		if (v == NULL || parse_version4(v, want) == -1 || c > CMP_GE)
			return -1;
	}
	if ((f = machine_file(m, path)) == NULL)
		return 0;
	if (!version)
		return 1;
	if (!f->has_version)
		return 0;
	return apply(c, version_cmp(f->version, want));
}

/* Value of rule element name; -1 when not simulated. */
static int
eval_rule(const struct machine *m, const char *name, const XML_Char **atts)
{
	if (strncmp(name, "b.", 2) != 0)
		return -1;
	name += 2;
	if (strcmp(name, "WindowsVersion") == 0)
		return rule_windows_version(m, atts);
	if (strcmp(name, "WindowsLanguage") == 0)
		return rule_language(m, atts);
	if (strcmp(name, "Processor") == 0)
		return rule_processor(m, atts);
	if (strcmp(name, "RegDword") == 0)
		return rule_reg_number(m, atts, false);
	if (strcmp(name, "RegQword") == 0)
		return rule_reg_number(m, atts, true);
	if (strcmp(name, "RegSz") == 0)
		return rule_reg_string(m, atts, REG_T_SZ);
	if (strcmp(name, "RegExpandSz") == 0)
		return rule_reg_string(m, atts, REG_T_EXPAND_SZ);
	if (strcmp(name, "RegValueExists") == 0)
		return rule_reg_value_exists(m, atts);
	if (strcmp(name, "RegKeyExists") == 0)
		return machine_reg_key_exists(m, xml_attr(atts, "Key"),
		    xml_attr(atts, "Subkey"));
	if (strcmp(name, "FileExists") == 0)
		return rule_file(m, atts, false, false);
	if (strcmp(name, "FileVersion") == 0)
		return rule_file(m, atts, false, true);
	if (strcmp(name, "FileExistsPrependRegSz") == 0)
		return rule_file(m, atts, true, false);
	if (strcmp(name, "FileVersionPrependRegSz") == 0)
		return rule_file(m, atts, true, true);
	return -1;
}

/* ---- structure ------------------------------------------------------------------ */

static void
add_id(struct parser *ps, const XML_Char **atts, bool bundle)
{
	struct core *c = ps->c;
	const char *s = xml_attr(atts, "UpdateID");
	struct guid g;
	struct guid **ids = bundle ? &c->bundle_ids : &c->prereq_ids;
	size_t *n = bundle ? &c->nbundle_ids : &c->nprereq_ids;
	size_t *cap = bundle ? &ps->bid_cap : &ps->id_cap;
	struct clause *cl = bundle ? &c->bundles[c->nbundles - 1] :
	    &c->prereqs[c->nprereqs - 1];

	if (s == NULL || guid_parsez(s, &g) == -1) {
		pfail(ps, "line %lu: UpdateIdentity without a valid UpdateID",
		    (unsigned long)XML_GetCurrentLineNumber(ps->p));
		return;
	}
	if (*n >= CORE_MAX_IDS) {
		pfail(ps, "more than %d related update ids", CORE_MAX_IDS);
		return;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*ids = xreallocarray(*ids, *cap, sizeof(struct guid));
	}
	(*ids)[(*n)++] = g;
	cl->n++;
}

static void
new_clause(struct parser *ps, bool bundle, bool is_category)
{
	struct core *c = ps->c;
	struct clause **v = bundle ? &c->bundles : &c->prereqs;
	size_t *n = bundle ? &c->nbundles : &c->nprereqs;

	if (*n >= CORE_MAX_IDS) {
		pfail(ps, "more than %d clauses", CORE_MAX_IDS);
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(struct clause));
	(*v)[*n].first = (uint32_t)(bundle ? c->nbundle_ids : c->nprereq_ids);
	(*v)[*n].n = 0;
	(*v)[*n].is_category = is_category;
	(*n)++;
}

static bool
is_true_attr(const XML_Char **atts, const char *name)
{
	const char *v = xml_attr(atts, name);

	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static void
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct parser *ps = ud;
	struct frame *parent, *f;
	struct core *c = ps->c;

	if (ps->failed)
		return;
	if (++ps->elements > CORE_MAX_ELEMENTS) {
		pfail(ps, "more than %d elements", CORE_MAX_ELEMENTS);
		return;
	}
	if (ps->depth >= CORE_MAX_DEPTH) {
		pfail(ps, "nested deeper than %d elements", CORE_MAX_DEPTH);
		return;
	}
	parent = &ps->stack[ps->depth];
	f = &ps->stack[++ps->depth];
	memset(f, 0, sizeof(*f));
	f->ctx = C_SKIP;
	parent->nchildren++;

	switch (parent->ctx) {
	case C_ROOT:
		f->ctx = C_TOP;
		if (ps->depth == 1) {
			/* the synthetic root itself */
			f->ctx = C_ROOT;
			break;
		}
		if (strcmp(name, "UpdateIdentity") == 0) {
			const char *id = xml_attr(atts, "UpdateID");
			long long rev = attr_num(atts, "RevisionNumber");
			if (id == NULL || guid_parsez(id, &c->id) == -1 ||
			    rev < 0 || rev > 0x7fffffff) {
				pfail(ps, "UpdateIdentity: bad UpdateID or "
				    "RevisionNumber");
				return;
			}
			c->revision = (int)rev;
			ps->have_identity = true;
		} else if (strcmp(name, "Properties") == 0) {
			const char *t = xml_attr(atts, "UpdateType");
			if (t == NULL)
				c->type = UT_OTHER;
			else if (strcmp(t, "Software") == 0)
				c->type = UT_SOFTWARE;
			else if (strcmp(t, "Driver") == 0)
				c->type = UT_DRIVER;
			else if (strcmp(t, "Category") == 0)
				c->type = UT_CATEGORY;
			else if (strcmp(t, "Detectoid") == 0)
				c->type = UT_DETECTOID;
		} else if (strcmp(name, "Relationships") == 0)
			f->ctx = C_RELATIONSHIPS;
		else if (strcmp(name, "ApplicabilityRules") == 0)
			f->ctx = C_RULES;
		break;
	case C_RELATIONSHIPS:
		if (strcmp(name, "Prerequisites") == 0)
			f->ctx = C_PREREQS;
		else if (strcmp(name, "BundledUpdates") == 0)
			f->ctx = C_BUNDLES;
		break;
	case C_PREREQS:
	case C_BUNDLES: {
		bool bundle = parent->ctx == C_BUNDLES;
		if (strcmp(name, "AtLeastOne") == 0) {
			new_clause(ps, bundle, is_true_attr(atts,
			    "IsCategory"));
			f->ctx = bundle ? C_BUNDLE_GROUP : C_PREREQ_GROUP;
		} else if (strcmp(name, "UpdateIdentity") == 0) {
			new_clause(ps, bundle, false);
			if (!ps->failed)
				add_id(ps, atts, bundle);
		}
		break;
	}
	case C_PREREQ_GROUP:
	case C_BUNDLE_GROUP:
		if (strcmp(name, "UpdateIdentity") == 0)
			add_id(ps, atts, parent->ctx == C_BUNDLE_GROUP);
		break;
	case C_RULES:
		if (strcmp(name, "IsInstalled") == 0 ||
		    strcmp(name, "IsInstallable") == 0) {
			f->ctx = C_RULE_ROOT;
			f->op = OP_AND;
			f->value = true;
			f->target = strcmp(name, "IsInstalled") == 0 ?
			    &c->is_installed : &c->is_installable;
		} else if (strcmp(name, "Metadata") == 0)
			f->ctx = C_METADATA;
		break;
	case C_METADATA:
		if (strcmp(name, "d.WindowsDriverMetaData") == 0) {
			const char *h = xml_attr(atts, "HardwareID");
			if (h != NULL && c->nhwids < 256) {
				c->hwids = xreallocarray(c->hwids,
				    c->nhwids + 1, sizeof(char *));
				c->hwids[c->nhwids++] = xstrdup(h);
			}
		}
		break;
	case C_RULE_ROOT:
	case C_EXPR:
		if (parent->ctx == C_EXPR && parent->op == OP_VALUE)
			break;		/* children of a rule: ignored */
		f->ctx = C_EXPR;
		if (strcmp(name, "And") == 0) {
			f->op = OP_AND;
			f->value = true;
		} else if (strcmp(name, "Or") == 0) {
			f->op = OP_OR;
			f->value = false;
		} else if (strcmp(name, "Not") == 0) {
			f->op = OP_NOT;
			f->value = true;	/* Not() of nothing: true */
		} else if (strcmp(name, "True") == 0) {
			f->op = OP_VALUE;
			f->value = true;
		} else if (strcmp(name, "False") == 0) {
			f->op = OP_VALUE;
			f->value = false;
		} else {
			int v = eval_rule(ps->m, name, atts);
			f->op = OP_VALUE;
			if (v < 0) {
				c->unknown_rules++;
				f->value = ps->m->unknown_rule_value;
			} else
				f->value = v != 0;
		}
		break;
	default:
		break;
	}
}

static void
on_end(void *ud, const XML_Char *name)
{
	struct parser *ps = ud;
	struct frame *f, *parent;

	(void)name;
	if (ps->failed || ps->depth == 0)
		return;
	f = &ps->stack[ps->depth--];
	parent = &ps->stack[ps->depth];
	if (f->ctx == C_RULE_ROOT) {
		/* an empty IsInstalled counts as no rule */
		if (f->nchildren > 0)
			*f->target = f->value;
		return;
	}
	if (f->ctx != C_EXPR)
		return;
	if (f->op == OP_NOT && f->nchildren > 1) {
		pfail(ps, "Not with more than one operand");
		return;
	}
	switch (parent->op) {
	case OP_AND:
		parent->value = parent->value && f->value;
		break;
	case OP_OR:
		parent->value = parent->value || f->value;
		break;
	case OP_NOT:
		parent->value = !f->value;
		break;
	case OP_VALUE:
		break;
	}
}

static void
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	pfail(ud, "DOCTYPE not allowed");
}

static void
on_entity(void *ud, const XML_Char *name, int pe, const XML_Char *value,
    int vlen, const XML_Char *base, const XML_Char *sysid,
    const XML_Char *pubid, const XML_Char *notation)
{
	(void)name; (void)pe; (void)value; (void)vlen; (void)base;
	(void)sysid; (void)pubid; (void)notation;
	pfail(ud, "entity declarations not allowed");
}

void
core_free(struct core *c)
{
	free(c->prereq_ids);
	free(c->prereqs);
	free(c->bundle_ids);
	free(c->bundles);
	for (size_t i = 0; i < c->nhwids; i++)
		free(c->hwids[i]);
	free(c->hwids);
	memset(c, 0, sizeof(*c));
	c->is_installed = c->is_installable = -1;
}

int
core_parse(const char *xml, size_t len, const struct machine *m,
    struct core *out, char *err, size_t errlen)
{
	struct parser *ps;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->is_installed = out->is_installable = -1;
	if (len > (size_t)0x7fffffff - 16) {
		snprintf(err, errlen, "fragment too large");
		return -1;
	}
	ps = xcalloc(1, sizeof(*ps));
	ps->m = m;
	ps->c = out;
	if ((ps->p = XML_ParserCreate("UTF-8")) == NULL) {
		free(ps);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	XML_SetUserData(ps->p, ps);
	XML_SetElementHandler(ps->p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(ps->p, on_doctype);
	XML_SetEntityDeclHandler(ps->p, on_entity);
	XML_SetParamEntityParsing(ps->p, XML_PARAM_ENTITY_PARSING_NEVER);
	if (XML_Parse(ps->p, "<r>", 3, 0) == XML_STATUS_ERROR ||
	    XML_Parse(ps->p, xml, (int)len, 0) == XML_STATUS_ERROR ||
	    XML_Parse(ps->p, "</r>", 4, 1) == XML_STATUS_ERROR) {
		if (!ps->failed)
			snprintf(ps->err, sizeof(ps->err), "line %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(ps->p),
			    XML_ErrorString(XML_GetErrorCode(ps->p)));
		goto done;
	}
	if (ps->failed)
		goto done;
	if (!ps->have_identity) {
		snprintf(ps->err, sizeof(ps->err), "no UpdateIdentity");
		goto done;
	}
	rc = 0;
done:
	if (rc == -1) {
		snprintf(err, errlen, "core fragment: %s", ps->err);
		core_free(out);
	}
	XML_ParserFree(ps->p);
	free(ps);
	return rc;
}
