/*
 * guid.h — GUIDs as 16 bytes for wsus-client: parsing the textual forms
 * update metadata and SOAP use (any case, optional braces), printing in
 * lower case (SOAP) or upper case (reporting lists), ordering and a hash
 * for the client's tables.  The byte order is the text order (not the
 * mixed-endian Windows GUID layout): only equality and order matter here.
 */
#ifndef WSUSD_CLIENT_GUID_H
#define WSUSD_CLIENT_GUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUID_STRLEN	37	/* 36 characters + NUL */

struct guid {
	uint8_t	b[16];
};

/* 8-4-4-4-12 hex digits, any case, optionally in braces; 0 or -1. */
int	guid_parse(const char *s, size_t n, struct guid *out);
int	guid_parsez(const char *s, struct guid *out);
void	guid_format(const struct guid *, char out[GUID_STRLEN], bool upper);
int	guid_cmp(const struct guid *, const struct guid *);
bool	guid_is_zero(const struct guid *);
uint32_t guid_hash(const struct guid *);
/* Sort an array and drop duplicates; returns the new count. */
size_t	guid_sort_unique(struct guid *, size_t n);
/* Binary search in a sorted array. */
bool	guid_in(const struct guid *sorted, size_t n, const struct guid *);

#endif
