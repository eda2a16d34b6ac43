/*
 * mdxml.c — the hardened Expat set-up shared by update_parse.c and
 * fragments.c; see mdxml.h.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metadata/mdxml.h"
#include "metadata/update.h"
#include "util/log.h"

/* Entity expansion limits.  No entity can be declared (DOCTYPE is
 * refused), these are a second fence. */
#define MDXML_AMPLIFICATION	4.0f
#define MDXML_AMP_THRESHOLD	(1024ull * 1024)

unsigned long
mdxml_line(const struct mdxml *m)
{
	return (unsigned long)XML_GetCurrentLineNumber(m->p);
}

void
mdxml_fail(struct mdxml *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->failed)
		return;
	m->failed = true;
	n = snprintf(m->err, sizeof(m->err), "line %lu: ", mdxml_line(m));
	if (n < 0 || (size_t)n >= sizeof(m->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(m->err + n, sizeof(m->err) - (size_t)n, fmt, ap);
	va_end(ap);
	XML_StopParser(m->p, XML_FALSE);
}

int
mdxml_once(struct mdxml *m, unsigned *seen, unsigned bit, const char *name)
{
	if (*seen & bit) {
		mdxml_fail(m, "more than one %s", name);
		return -1;
	}
	*seen |= bit;
	return 0;
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	mdxml_fail(ud, "DOCTYPE is not allowed in an update document");
}

static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	mdxml_fail(ud, "entity declarations are not allowed");
}

void
mdxml_init(struct mdxml *m, void *userdata)
{
	memset(m, 0, sizeof(*m));
	/* "UTF-8" overrides any encoding named in the XML declaration:
	 * the bytes were converted to UTF-8 before they got here. */
	m->p = XML_ParserCreateNS("UTF-8", MDXML_NS_SEP);
	if (m->p == NULL)
		fatalx("mdxml: cannot create an Expat parser");
	XML_SetUserData(m->p, userdata);
	XML_SetParamEntityParsing(m->p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetStartDoctypeDeclHandler(m->p, on_doctype);
	XML_SetEntityDeclHandler(m->p, on_entity_decl);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(m->p,
	    MDXML_AMPLIFICATION);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(m->p,
	    MDXML_AMP_THRESHOLD);
#endif
}

void
mdxml_free(struct mdxml *m)
{
	if (m->p != NULL)
		XML_ParserFree(m->p);
	m->p = NULL;
}

int
mdxml_parse(struct mdxml *m, const char *xml, size_t len, char *err,
    size_t errlen)
{
	enum XML_Status st;

	if (len > UPDATE_DOC_MAX_BYTES || len > INT_MAX) {
		snprintf(err, errlen, "document larger than %u bytes",
		    UPDATE_DOC_MAX_BYTES);
		return -1;
	}
	st = XML_Parse(m->p, xml != NULL ? xml : "", (int)len, XML_TRUE);
	if (m->failed) {
		snprintf(err, errlen, "%s", m->err);
		return -1;
	}
	if (st != XML_STATUS_OK) {
		snprintf(err, errlen, "line %lu: %s", mdxml_line(m),
		    XML_ErrorString(XML_GetErrorCode(m->p)));
		return -1;
	}
	return 0;
}

void
mdxml_split(const char *raw, struct mdxml_name *out)
{
	const char *sep = strchr(raw, MDXML_NS_SEP);

	if (sep == NULL) {
		out->ns = "";
		out->nslen = 0;
		out->local = raw;
	} else {
		out->ns = raw;
		out->nslen = (size_t)(sep - raw);
		out->local = sep + 1;
	}
}

bool
mdxml_ns_is(const struct mdxml_name *n, const char *ns)
{
	size_t l = strlen(ns);

	return n->nslen == l && memcmp(n->ns, ns, l) == 0;
}

bool
mdxml_is(const struct mdxml_name *n, const char *ns, const char *local)
{
	return mdxml_ns_is(n, ns) && strcmp(n->local, local) == 0;
}

const char *
mdxml_attr(const XML_Char **atts, const char *ns, const char *local)
{
	struct mdxml_name an;

	for (size_t i = 0; atts[i] != NULL; i += 2) {
		mdxml_split(atts[i], &an);
		if (ns == NULL) {
			if (an.nslen == 0 && strcmp(an.local, local) == 0)
				return atts[i + 1];
		} else if (mdxml_is(&an, ns, local))
			return atts[i + 1];
	}
	return NULL;
}

const char *
mdxml_snip(const char *s, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (outlen == 0)
		return "";
	for (i = 0; s[i] != '\0' && o + 1 < outlen && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
	}
	if (s[i] != '\0' && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

int
mdxml_bool(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		return 0;
	return -1;
}

int
mdxml_u64(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
mdxml_enter(struct mdxml *m, unsigned depth, const struct mdxml_name *n)
{
	char snip[48];

	if (depth >= UPDATE_MAX_DEPTH) {
		mdxml_fail(m, "elements nested deeper than %d",
		    UPDATE_MAX_DEPTH);
		return -1;
	}
	if (depth == 0 && !mdxml_is(n, NS_UPD, "Update")) {
		mdxml_fail(m, "not an upd:Update document (root element is "
		    "<%s>)", mdxml_snip(n->local, snip, sizeof(snip)));
		return -1;
	}
	return 0;
}

static bool
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *
mdxml_trim(const char *s, size_t *n)
{
	while (*n > 0 && xml_space(*s)) {
		s++;
		(*n)--;
	}
	while (*n > 0 && xml_space(s[*n - 1]))
		(*n)--;
	return s;
}
