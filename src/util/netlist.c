/*
 * netlist.c — address allow-list syntax.  See netlist.h.
 */
#include <stdlib.h>
#include <string.h>

#include "util/netlist.h"

#define NETLIST_SEP	",; \t"

int
netlist_next(const char **p, char *item, size_t itemlen)
{
	const char *s = *p + strspn(*p, NETLIST_SEP);
	size_t k;

	if (*s == '\0') {
		*p = s;
		return 0;
	}
	k = strcspn(s, NETLIST_SEP);
	if (k >= itemlen)
		return -1;
	memcpy(item, s, k);
	item[k] = '\0';
	s += k;
	*p = s + strspn(s, NETLIST_SEP);
	return 1;
}

long
netlist_prefix(const char *s, long max)
{
	char *end;
	long bits;

	if (*s < '0' || *s > '9')
		return -1;
	bits = strtol(s, &end, 10);
	if (bits > max || *end != '\0')
		return -1;
	return bits;
}
