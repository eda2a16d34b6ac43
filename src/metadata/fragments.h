/*
 * fragments.h — deriving the MS-WUSP client fragments (core, extended,
 * localized per language) from a full update document, once, at import.
 *
 * The rules follow [MS-WUSP] §3.1.1.1 and what a real WSUS (Server 2025)
 * sends; see docs/FRAGMENTS.md for every rule and its source.
 */
#ifndef WSUSD_METADATA_FRAGMENTS_H
#define WSUSD_METADATA_FRAGMENTS_H

#include <stddef.h>

#include "metadata/update.h"

/* Hard limit on one fragment (escaping can make a fragment longer than
 * the part of the document it comes from). */
#define FRAGMENT_MAX_BYTES	(4u * UPDATE_DOC_MAX_BYTES)

/*
 * Build all fragments of one UTF-8 document into out->core, out->extended
 * and out->localized (out->xml is not touched).  Returns 0, or -1 with err
 * set and *out unchanged.  On success the previous core, extended and
 * localized members of *out are freed and replaced, so *out must be
 * initialised (e.g. zeroed) before the first call.
 */
int	fragments_build(const char *xml, size_t len, struct update_doc *out,
	    char *err, size_t errlen);

#endif
