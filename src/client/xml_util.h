/*
 * xml_util.h — the two Expat handler chores that applic.c (core
 * fragments) and extinfo.c (extended fragments) share: finding an
 * attribute by its exact name, and failing a parse once with a message.
 * Not here: the parsers themselves (applic.h, extinfo.h).
 */
#ifndef WSUSD_CLIENT_XML_UTIL_H
#define WSUSD_CLIENT_XML_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <expat.h>

/* The value of the attribute called exactly name, or NULL. */
const char *xml_attr(const XML_Char **atts, const char *name);

/*
 * Fail the parse p: unless *failed is already set, set it, format the
 * message into err (errlen bytes) and stop the parser.  The first
 * failure's message is the one kept.
 */
void	xml_vfail(XML_Parser p, bool *failed, char *err, size_t errlen,
	    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

#endif
