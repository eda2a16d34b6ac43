/*
 * guid.h — GUIDs as 16 bytes for wsus-client's tables: a struct guid
 * wrapper over util/guid.h (parse any case with optional braces, print in
 * lower case for SOAP or upper case for reporting lists), ordering and a
 * hash.  The byte order is util/guid.h's text order.  GUID_STRLEN is
 * util/guid.h's (36, without the NUL).
 */
#ifndef WSUSD_CLIENT_GUID_H
#define WSUSD_CLIENT_GUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/guid.h"

struct guid {
	uint8_t	b[GUID_BYTES];
};

/*
 * 8-4-4-4-12 hex digits, any case, optionally in braces: guid_to_bytes()
 * with GUID_BRACES; 0 or -1 (out untouched).
 */
int	guid_parse(const char *s, size_t n, struct guid *out);
int	guid_parsez(const char *s, struct guid *out);
void	guid_format(const struct guid *, char out[GUID_STRLEN + 1],
	    bool upper);
int	guid_cmp(const struct guid *, const struct guid *);
bool	guid_is_zero(const struct guid *);
uint32_t guid_hash(const struct guid *);
/* Sort an array and drop duplicates; returns the new count. */
size_t	guid_sort_unique(struct guid *, size_t n);
/* Binary search in a sorted array. */
bool	guid_in(const struct guid *sorted, size_t n, const struct guid *);

#endif
