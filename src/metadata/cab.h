/*
 * cab.h — decoding of XmlUpdateBlobCompressed and other single-member
 * cabinets, through libmspack, entirely in memory and bounded.
 */
#ifndef WSUSD_METADATA_CAB_H
#define WSUSD_METADATA_CAB_H

#include <stddef.h>

#define CAB_MAX_INPUT	(64u * 1024 * 1024)	/* cabinet bytes */
#define CAB_MAX_OUTPUT	(64u * 1024 * 1024)	/* one extracted member */

/* True when data starts with the cabinet signature "MSCF". */
int	cab_is_cabinet(const void *data, size_t len);

/*
 * Extract the first (normally only) member of an in-memory cabinet.
 * On success *out is a malloc'd buffer of *outlen bytes (caller frees) and
 * 0 is returned.  On error -1 is returned and err holds a reason
 * ("truncated cabinet", "member larger than limit", ...).
 */
int	cab_extract_first(const void *data, size_t len, size_t maxout,
	    char **out, size_t *outlen, char *err, size_t errlen);

#endif
