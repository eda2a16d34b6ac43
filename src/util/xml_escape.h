/*
 * xml_escape.h — the one XML escaper: text or attribute values into a
 * struct buf.
 *
 * Always escaped: & < >.  The flags add what a mode needs to survive a
 * re-parse unchanged:
 *   XML_ESC_QUOT   "  -> &quot;   (double-quoted attribute values)
 *   XML_ESC_WS     TAB LF -> &#x9; &#xA;  (attribute-value normalisation
 *                  would turn them into spaces)
 *   XML_ESC_CR     CR -> &#xD;    (end-of-line handling would drop it)
 *   XML_ESC_CHECK  refuse bytes that are not UTF-8 encoded XML 1.0
 *                  characters (util/utf8.h), instead of copying them
 * XML_ESC_TEXT and XML_ESC_ATTR are the round-trip-safe modes; the
 * legacy buf_xml_escape() is & < > (and " for attributes) only.
 *
 * Not here: element/attribute names and document structure
 * (soap/xmlw.h), parsing.
 */
#ifndef WSUSD_UTIL_XML_ESCAPE_H
#define WSUSD_UTIL_XML_ESCAPE_H

#include <stddef.h>

#include "util/buf.h"

#define XML_ESC_QUOT	0x01
#define XML_ESC_WS	0x02
#define XML_ESC_CR	0x04
#define XML_ESC_CHECK	0x08

#define XML_ESC_TEXT	(XML_ESC_CR)
#define XML_ESC_ATTR	(XML_ESC_QUOT | XML_ESC_WS | XML_ESC_CR)

/*
 * Append the n bytes at s to b, escaped as flags say.  Returns 0; -1 when
 * the buffer failed (see util/buf.h); -2 with XML_ESC_CHECK when the byte
 * at offset *bad (when bad is not NULL) does not start an XML character:
 * then only a prefix of the escaped text may have been appended (the
 * writer is expected to discard its output).
 */
int	xml_escape(struct buf *b, const char *s, size_t n, unsigned flags,
	    size_t *bad);
/* Bytes xml_escape() would append for s with flags (XML_ESC_CHECK is
 * ignored); for writers that size their own memory. */
size_t	xml_escaped_len(const char *s, size_t n, unsigned flags);
/*
 * Write the escaped form of the n bytes at s to out, which must have room
 * for xml_escaped_len(s, n, flags) bytes (XML_ESC_CHECK is ignored); no
 * NUL is added.  Returns the number of bytes written.  For writers that
 * keep their own memory (the catalog's string arena).
 */
size_t	xml_escape_mem(char *out, const char *s, size_t n, unsigned flags);

#endif
