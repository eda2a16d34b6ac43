/* xml_escape.c — see xml_escape.h. */
#include <string.h>

#include "util/utf8.h"
#include "util/xml_escape.h"

/* The replacement for byte c under flags, or NULL to copy it. */
static const char *
replacement(unsigned char c, unsigned flags)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return (flags & XML_ESC_QUOT) ? "&quot;" : NULL;
	case '\t': return (flags & XML_ESC_WS) ? "&#x9;" : NULL;
	case '\n': return (flags & XML_ESC_WS) ? "&#xA;" : NULL;
	case '\r': return (flags & XML_ESC_CR) ? "&#xD;" : NULL;
	default: return NULL;
	}
}

int
xml_escape(struct buf *b, const char *s, size_t n, unsigned flags,
    size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	uint32_t cp;
	const char *rep;

	while (i < n) {
		if ((rep = replacement(u[i], flags)) != NULL) {
			if (buf_append(b, s + run, i - run) == -1 ||
			    buf_puts(b, rep) == -1)
				return -1;
			run = ++i;
			continue;
		}
		if (!(flags & XML_ESC_CHECK)) {
			i++;
			continue;
		}
		if ((k = utf8_decode(u + i, n - i, &cp)) == 0 ||
		    !utf8_is_xml_char(cp)) {
			if (bad != NULL)
				*bad = i;
			return -2;
		}
		i += k;
	}
	return buf_append(b, s + run, n - run);
}

size_t
xml_escaped_len(const char *s, size_t n, unsigned flags)
{
	size_t len = n;
	const char *rep;

	for (size_t i = 0; i < n; i++)
		if ((rep = replacement((unsigned char)s[i], flags)) != NULL)
			len += strlen(rep) - 1;
	return len;
}

size_t
xml_escape_mem(char *out, const char *s, size_t n, unsigned flags)
{
	size_t o = 0, run = 0, k;
	const char *rep;

	for (size_t i = 0; i < n; i++) {
		if ((rep = replacement((unsigned char)s[i], flags)) == NULL)
			continue;
		memcpy(out + o, s + run, i - run);
		o += i - run;
		k = strlen(rep);
		memcpy(out + o, rep, k);
		o += k;
		run = i + 1;
	}
	memcpy(out + o, s + run, n - run);
	return o + n - run;
}
