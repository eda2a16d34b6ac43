/*
 * xmlw.h — a small streaming XML writer into a struct buf, producing the
 * bytes a real WSUS produces: the two envelope prologues (WCF style for
 * the client web service, ASMX style for the others, see soap.h), the
 * empty-element form of each style, and the server's escaping:
 *
 *   text:       &amp; &lt; &gt;, CR as &#xD;; '"' and '\'' stay literal
 *               (real answers carry UpdateID="..." unescaped inside <Xml>)
 *   attribute:  &amp; &lt; &gt; &quot;, TAB/LF/CR as &#x9; &#xA; &#xD;
 *
 * Every string written is checked: it must be valid UTF-8 made of XML
 * 1.0 characters (no NUL, no C0 controls other than TAB/LF/CR, no
 * U+FFFE/U+FFFF); names must be ASCII XML names (at most one ':') or
 * UTF-8.  The first error, a nesting deeper than the limit, a call out of
 * order, or the buffer's own maximum marks the writer failed; later calls
 * do nothing and return -1, so a caller may check once with
 * xmlw_finish().  Not here: HTTP, faults (soap_fault.h).
 */
#ifndef WSUSD_SOAP_XMLW_H
#define WSUSD_SOAP_XMLW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "soap/soap.h"
#include "soap/soap_value.h"
#include "util/buf.h"

#define XMLW_MAX_DEPTH	64	/* hard nesting limit (xmlw_set_max_depth may lower it) */
#define XMLW_MAX_NAME	256	/* bytes in one element or attribute name */
#define XMLW_NAMEBUF	8192	/* bytes for the names of all open elements */
#define XMLW_ERR_MAX	160

struct soap_node;

struct xmlw {
	struct buf	*out;		/* borrowed; output is appended */
	enum soap_style	 style;		/* empty-element form and prologue */
	enum soap_version version;	/* of the envelope, once begun */
	unsigned	 depth;		/* open elements */
	unsigned	 max_depth;	/* <= XMLW_MAX_DEPTH */
	int		 tag_open;	/* "<name ..." written, '>' not yet */
	int		 failed;	/* sticky */
	char		 err[XMLW_ERR_MAX]; /* first failure */
	unsigned short	 name_off[XMLW_MAX_DEPTH]; /* open names in names[] */
	size_t		 names_len;
	char		 names[XMLW_NAMEBUF];
};

void	xmlw_init(struct xmlw *, struct buf *out, enum soap_style style);
/* Lower the nesting limit (1..XMLW_MAX_DEPTH). */
void	xmlw_set_max_depth(struct xmlw *, unsigned);

/* <name — attributes may follow until the first content or end. */
int	xmlw_start(struct xmlw *, const char *name);
int	xmlw_attr(struct xmlw *, const char *name, const char *value);
int	xmlw_attrn(struct xmlw *, const char *name, const char *value, size_t n);
/*
 * Escaped character data.  Even n == 0 counts as content: the element is
 * then closed as <a></a> (what WSUS writes for an empty detail Message),
 * while an element with no content at all is closed as <a/> (WCF) or
 * <a /> (ASMX).
 */
int	xmlw_text(struct xmlw *, const char *s, size_t n);
int	xmlw_textz(struct xmlw *, const char *s);
int	xmlw_textf(struct xmlw *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Bytes copied verbatim as content; the caller vouches for them. */
int	xmlw_raw(struct xmlw *, const char *s, size_t n);
/* Close the innermost open element. */
int	xmlw_end(struct xmlw *);

/* <name>text</name>; text NULL: the empty element. */
int	xmlw_elem(struct xmlw *, const char *name, const char *text);
int	xmlw_elem_int(struct xmlw *, const char *name, long long v);
int	xmlw_elem_bool(struct xmlw *, const char *name, int v);	/* true/false */
int	xmlw_elem_datetime(struct xmlw *, const char *name,
	    const struct soap_datetime *);
int	xmlw_elem_base64(struct xmlw *, const char *name, const uint8_t *p,
	    size_t n);

/*
 * The envelope prologue of the writer's style, leaving Body open:
 *   WCF:  <s:Envelope xmlns:s="..."><s:Body xmlns:xsi="..." xmlns:xsd="...">
 *   ASMX: <?xml version="1.0" encoding="utf-8"?><soap:Envelope
 *         xmlns:soap="..." xmlns:xsi="..." xmlns:xsd="..."><soap:Body>
 * xmlw_envelope_begin_fault() is the same except that the WCF style
 * declares nothing on s:Body (as in the real WCF fault).
 */
int	xmlw_envelope_begin(struct xmlw *, enum soap_version);
int	xmlw_envelope_begin_fault(struct xmlw *, enum soap_version);
/* Close everything still open (Body and Envelope included). */
int	xmlw_envelope_end(struct xmlw *);
/* The envelope prefix of the style: "s" (WCF) or "soap" (ASMX). */
const char *xmlw_env_prefix(const struct xmlw *);

/*
 * Write a parsed subtree (soap_request.h) back as XML: a default xmlns
 * wherever the namespace differs from inherited_ns ("" for none),
 * generated prefixes for namespaced attributes, the node's text before
 * its children.  Used to echo elements and by the round-trip tests.
 */
int	xmlw_copy_node(struct xmlw *, const struct soap_node *,
	    const char *inherited_ns);

/* 0 when nothing failed and every element is closed; else -1 and err. */
int	xmlw_finish(struct xmlw *, char *err, size_t errlen);

#endif
