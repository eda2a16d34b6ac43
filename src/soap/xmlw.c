/* xmlw.c — see xmlw.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "soap/soap_request.h"
#include "soap/xmlw.h"
#include "util/encode.h"
#include "util/utf8.h"
#include "util/xml_escape.h"

static int
xfail(struct xmlw *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
xfail(struct xmlw *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->failed) {
		w->failed = 1;
		va_start(ap, fmt);
		vsnprintf(w->err, sizeof(w->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Append, turning a buffer failure into a writer failure. */
static int
put(struct xmlw *w, const char *s, size_t n)
{
	if (buf_append(w->out, s, n) == -1)
		return xfail(w, "output larger than %zu bytes", w->out->max);
	return 0;
}

static int
puts_(struct xmlw *w, const char *s)
{
	return put(w, s, strlen(s));
}

void
xmlw_init(struct xmlw *w, struct buf *out, enum soap_style style)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->style = style;
	w->max_depth = XMLW_MAX_DEPTH;
	if (out->failed)
		xfail(w, "output buffer already failed");
}

void
xmlw_set_max_depth(struct xmlw *w, unsigned d)
{
	if (d >= 1 && d <= XMLW_MAX_DEPTH)
		w->max_depth = d;
}

/*
 * Length of the UTF-8 encoded XML 1.0 character at s (n bytes left), or
 * 0 when it is not one (util/utf8.h).
 */
static size_t
xml_char(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t k = utf8_decode(s, n, &cp);

	return k != 0 && utf8_is_xml_char(cp) ? k : 0;
}

/*
 * Escape s (n bytes) for text (attr 0) or a double-quoted attribute,
 * refusing what is not UTF-8 encoded XML characters.
 */
static int
escape(struct xmlw *w, const char *s, size_t n, int attr)
{
	size_t bad = 0;

	switch (xml_escape(w->out, s, n, (attr ? XML_ESC_ATTR : XML_ESC_TEXT) |
	    XML_ESC_CHECK, &bad)) {
	case 0:
		return 0;
	case -2:
		return xfail(w, "byte %zu is not a UTF-8 encoded XML "
		    "character", bad);
	default:
		return xfail(w, "output larger than %zu bytes", w->out->max);
	}
}

static int
check_name(struct xmlw *w, const char *name)
{
	const unsigned char *u = (const unsigned char *)name;
	size_t n = strlen(name), i = 0, k;
	int colons = 0;

	if (n == 0 || n > XMLW_MAX_NAME)
		return xfail(w, "element or attribute name of %zu bytes", n);
	while (i < n) {
		unsigned char c = u[i];

		if (c >= 0x80) {
			if ((k = xml_char(u + i, n - i)) == 0)
				return xfail(w, "name is not UTF-8");
			i += k;
			continue;
		}
		if (c == ':') {
			if (i == 0 || i == n - 1 || ++colons > 1)
				return xfail(w, "bad name %.40s", name);
		} else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_' || (i > 0 && u[i - 1] != ':' &&
		    ((c >= '0' && c <= '9') || c == '-' || c == '.')))) {
			return xfail(w, "bad name %.40s", name);
		}
		i++;
	}
	return 0;
}

/* Finish a pending start tag with '>'. */
static int
close_tag(struct xmlw *w)
{
	if (!w->tag_open)
		return 0;
	w->tag_open = 0;
	return put(w, ">", 1);
}

int
xmlw_start(struct xmlw *w, const char *name)
{
	size_t nl;

	if (w->failed)
		return -1;
	if (w->depth >= w->max_depth)
		return xfail(w, "elements nested deeper than %u", w->max_depth);
	if (check_name(w, name) == -1)
		return -1;
	nl = strlen(name);
	if (w->names_len + nl + 1 > sizeof(w->names))
		return xfail(w, "names of open elements too long");
	if (close_tag(w) == -1 || put(w, "<", 1) == -1 || put(w, name, nl) == -1)
		return -1;
	w->name_off[w->depth++] = (unsigned short)w->names_len;
	memcpy(w->names + w->names_len, name, nl + 1);
	w->names_len += nl + 1;
	w->tag_open = 1;
	return 0;
}

int
xmlw_attrn(struct xmlw *w, const char *name, const char *value, size_t n)
{
	if (w->failed)
		return -1;
	if (!w->tag_open)
		return xfail(w, "attribute %.40s after content", name);
	if (check_name(w, name) == -1)
		return -1;
	if (put(w, " ", 1) == -1 || puts_(w, name) == -1 ||
	    put(w, "=\"", 2) == -1 || escape(w, value, n, 1) == -1)
		return -1;
	return put(w, "\"", 1);
}

int
xmlw_attr(struct xmlw *w, const char *name, const char *value)
{
	return xmlw_attrn(w, name, value, strlen(value));
}

int
xmlw_text(struct xmlw *w, const char *s, size_t n)
{
	if (w->failed)
		return -1;
	if (w->depth == 0)
		return xfail(w, "text outside any element");
	if (close_tag(w) == -1)
		return -1;
	return escape(w, s, n, 0);
}

int
xmlw_textz(struct xmlw *w, const char *s)
{
	return xmlw_text(w, s, strlen(s));
}

int
xmlw_textf(struct xmlw *w, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	if (w->failed)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return xfail(w, "formatted text longer than %zu bytes",
		    sizeof(tmp) - 1);
	return xmlw_text(w, tmp, (size_t)n);
}

int
xmlw_raw(struct xmlw *w, const char *s, size_t n)
{
	if (w->failed)
		return -1;
	if (close_tag(w) == -1)
		return -1;
	return put(w, s, n);
}

int
xmlw_end(struct xmlw *w)
{
	const char *name;

	if (w->failed)
		return -1;
	if (w->depth == 0)
		return xfail(w, "end without an open element");
	name = w->names + w->name_off[--w->depth];
	w->names_len = w->name_off[w->depth];
	if (w->tag_open) {
		w->tag_open = 0;
		return puts_(w, w->style == SOAP_STYLE_ASMX ? " />" : "/>");
	}
	if (put(w, "</", 2) == -1 || puts_(w, name) == -1)
		return -1;
	return put(w, ">", 1);
}

int
xmlw_elem(struct xmlw *w, const char *name, const char *text)
{
	if (xmlw_start(w, name) == -1)
		return -1;
	if (text != NULL && xmlw_textz(w, text) == -1)
		return -1;
	return xmlw_end(w);
}

int
xmlw_elem_int(struct xmlw *w, const char *name, long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	return xmlw_elem(w, name, tmp);
}

int
xmlw_elem_bool(struct xmlw *w, const char *name, int v)
{
	return xmlw_elem(w, name, v ? "true" : "false");
}

int
xmlw_elem_datetime(struct xmlw *w, const char *name,
    const struct soap_datetime *dt)
{
	char tmp[SOAP_DATETIME_MAX];

	if (w->failed)
		return -1;
	if (soap_format_datetime(dt, tmp) == -1)
		return xfail(w, "dateTime out of range for %.40s", name);
	return xmlw_elem(w, name, tmp);
}

int
xmlw_elem_base64(struct xmlw *w, const char *name, const uint8_t *p, size_t n)
{
	char tmp[4 * 256 + 1];

	if (xmlw_start(w, name) == -1 || close_tag(w) == -1)
		return -1;
	while (n > 0) {
		size_t chunk = n > 3 * 256 ? 3 * 256 : n;

		base64_encode(p, chunk, tmp);
		if (puts_(w, tmp) == -1)
			return -1;
		p += chunk;
		n -= chunk;
	}
	return xmlw_end(w);
}

const char *
xmlw_env_prefix(const struct xmlw *w)
{
	return w->style == SOAP_STYLE_ASMX ? "soap" : "s";
}

static int
envelope_begin(struct xmlw *w, enum soap_version v, int fault)
{
	const char *ns = soap_version_ns(v);

	if (w->failed)
		return -1;
	if (w->depth != 0)
		return xfail(w, "envelope inside an element");
	w->version = v;
	if (w->style == SOAP_STYLE_ASMX) {
		if (puts_(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>") == -1 ||
		    xmlw_start(w, "soap:Envelope") == -1 ||
		    xmlw_attr(w, "xmlns:soap", ns) == -1 ||
		    xmlw_attr(w, "xmlns:xsi", SOAP_NS_XSI) == -1 ||
		    xmlw_attr(w, "xmlns:xsd", SOAP_NS_XSD) == -1)
			return -1;
		return xmlw_start(w, "soap:Body");
	}
	if (xmlw_start(w, "s:Envelope") == -1 ||
	    xmlw_attr(w, "xmlns:s", ns) == -1 ||
	    xmlw_start(w, "s:Body") == -1)
		return -1;
	if (fault)
		return 0;
	if (xmlw_attr(w, "xmlns:xsi", SOAP_NS_XSI) == -1)
		return -1;
	return xmlw_attr(w, "xmlns:xsd", SOAP_NS_XSD);
}

int
xmlw_envelope_begin(struct xmlw *w, enum soap_version v)
{
	return envelope_begin(w, v, 0);
}

int
xmlw_envelope_begin_fault(struct xmlw *w, enum soap_version v)
{
	return envelope_begin(w, v, 1);
}

int
xmlw_envelope_end(struct xmlw *w)
{
	while (w->depth > 0)
		if (xmlw_end(w) == -1)
			return -1;
	return w->failed ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Copying a parsed tree                                               */
/* ------------------------------------------------------------------ */

static int
copy_node(struct xmlw *w, const struct soap_node *n, const char *inherited)
{
	const struct soap_attr *a;
	const struct soap_node *c;
	const char *n_ns_for_children;
	unsigned k = 0;

	if (strcmp(n->ns, SOAP_NS_XML) == 0) {
		/* the xml namespace may not be declared as the default */
		char qn[XMLW_MAX_NAME + 1];

		if ((size_t)snprintf(qn, sizeof(qn), "xml:%s", n->name) >=
		    sizeof(qn))
			return xfail(w, "element name too long");
		if (xmlw_start(w, qn) == -1)
			return -1;
		/* children see the namespace of this element's parent */
		n_ns_for_children = inherited;
	} else {
		if (xmlw_start(w, n->name) == -1)
			return -1;
		if (strcmp(n->ns, inherited) != 0 &&
		    xmlw_attr(w, "xmlns", n->ns) == -1)
			return -1;
		n_ns_for_children = n->ns;
	}
	for (a = n->attrs; a != NULL; a = a->next) {
		char pname[24], decl[32], qname[XMLW_MAX_NAME + 1];

		if (a->ns[0] == '\0') {
			if (xmlw_attrn(w, a->name, a->value, a->value_len) == -1)
				return -1;
			continue;
		}
		if (strcmp(a->ns, SOAP_NS_XML) == 0) {
			/* "xml" is bound already; no other prefix may be */
			snprintf(pname, sizeof(pname), "xml");
		} else {
			/* a fresh prefix per attribute, declared right here */
			snprintf(pname, sizeof(pname), "a%u", k++);
			snprintf(decl, sizeof(decl), "xmlns:%s", pname);
			if (xmlw_attr(w, decl, a->ns) == -1)
				return -1;
		}
		if ((size_t)snprintf(qname, sizeof(qname), "%s:%s", pname,
		    a->name) >= sizeof(qname))
			return xfail(w, "attribute name too long");
		if (xmlw_attrn(w, qname, a->value, a->value_len) == -1)
			return -1;
	}
	if (n->text_len > 0 && xmlw_text(w, n->text, n->text_len) == -1)
		return -1;
	for (c = n->children; c != NULL; c = c->next)
		if (copy_node(w, c, n_ns_for_children) == -1)
			return -1;
	return xmlw_end(w);
}

int
xmlw_copy_node(struct xmlw *w, const struct soap_node *n, const char *inherited)
{
	if (w->failed)
		return -1;
	if (n == NULL)
		return xfail(w, "no node to copy");
	return copy_node(w, n, inherited != NULL ? inherited : "");
}

int
xmlw_finish(struct xmlw *w, char *err, size_t errlen)
{
	if (!w->failed && w->out->failed)
		xfail(w, "output larger than %zu bytes", w->out->max);
	if (!w->failed && (w->depth != 0 || w->tag_open))
		xfail(w, "%u element(s) not closed", w->depth);
	if (w->failed) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", w->err);
		return -1;
	}
	return 0;
}
