/*
 * update_parse.h — reading <upd:Update> documents into struct update.
 *
 * The parser is Expat with namespaces, no DTD or external entities,
 * billion-laughs protection, and the limits of update.h.  Elements are
 * matched on namespace URI + local name, so any prefixes work.
 */
#ifndef WSUSD_METADATA_UPDATE_PARSE_H
#define WSUSD_METADATA_UPDATE_PARSE_H

#include <stddef.h>

#include "metadata/update.h"

/*
 * Turn the bytes of an update document as it arrives (a file, a
 * GetUpdateData field) into UTF-8 XML: a cabinet is extracted (cab.h);
 * UTF-16LE/BE (BOM or "<\0" sniffing) is converted; a UTF-8 BOM is
 * dropped; invalid UTF-8 or UTF-16 is an error.  *xml is malloc'd and
 * NUL-terminated; caller frees.  Returns 0 or -1 with err set.
 */
int	update_blob_decode(const void *data, size_t len, char **xml,
	    size_t *xml_len, char *err, size_t errlen);

/*
 * Parse one UTF-8 document.  On success fills *out (caller calls
 * update_free) and returns 0; on error returns -1 with a message naming
 * the line and reason in err, and *out is left empty.
 */
int	update_parse(const char *xml, size_t len, struct update *out,
	    char *err, size_t errlen);

#endif
