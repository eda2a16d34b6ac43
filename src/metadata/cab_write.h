/*
 * cab_write.h — writing a one-member Microsoft Cabinet (MSCF) with MSZIP
 * compression, the container of XmlUpdateBlobCompressed (MS-WSUSSS
 * GetUpdateData).  The reverse of cab.h; everything in memory, bounded.
 *
 * Layout written: CFHEADER (no reserve, no previous/next cabinet), one
 * CFFOLDER with typeCompress 1 (MSZIP), one CFFILE, then CFDATA blocks of
 * at most 32768 uncompressed bytes, each "CK" + a raw deflate stream
 * finished in the block (no reference into earlier blocks), with the
 * cabinet checksum filled in (cabextract -t checks it).
 */
#ifndef WSUSD_METADATA_CAB_WRITE_H
#define WSUSD_METADATA_CAB_WRITE_H

#include <stddef.h>

#include "util/buf.h"

#define CAB_WRITE_MAX_INPUT	(32u * 1024 * 1024)	/* member bytes */
#define CAB_WRITE_NAME_MAX	255			/* member name bytes */

/*
 * Append a cabinet holding data[0..len) as the member name (1..255
 * printable ASCII bytes, no '/' or '\\') to out.  0, or -1 with a reason
 * in err (too large, bad name, zlib failure, out full); out is then left
 * as it was.
 */
int	cab_write_single(const void *data, size_t len, const char *name,
	    struct buf *out, char *err, size_t errlen);

#endif
