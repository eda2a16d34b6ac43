/*
 * xml_util.c — Expat handler chores shared by the fragment parsers.
 * See xml_util.h.
 */
#include <stdio.h>
#include <string.h>

#include "client/xml_util.h"

const char *
xml_attr(const XML_Char **atts, const char *name)
{
	for (; atts[0] != NULL; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

void
xml_vfail(XML_Parser p, bool *failed, char *err, size_t errlen,
    const char *fmt, va_list ap)
{
	if (*failed)
		return;
	*failed = true;
	vsnprintf(err, errlen, fmt, ap);
	XML_StopParser(p, XML_FALSE);
}
