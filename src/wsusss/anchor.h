/*
 * anchor.h — the pure (no I/O, no state) pieces of the MS-WSUSSS upstream
 * service: anchors, protocol versions, the downstream allow-list and
 * UTF-8 -> UTF-16LE for compressed update blobs.  Fuzzed by
 * fuzz/wsusss_request.c.
 *
 * Anchors are the Windows form "<counter>,<yyyy-MM-dd HH:mm:ss.fff>"
 * (MS-WSUSSS <31>).  wsusd puts its global store change counter in the
 * counter part and the UTC time of issue in the timestamp part; see
 * docs/WSUSSS.md.
 */
#ifndef WSUSD_WSUSSS_ANCHOR_H
#define WSUSD_WSUSSS_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define WSUSSS_ANCHOR_MAX	64	/* longest anchor text accepted */
#define WSUSSS_ALLOW_MAX	4096	/* bytes of an allow-list */

struct wsusss_anchor {
	int64_t	 counter;	/* 0..INT64_MAX */
	int64_t	 time;		/* Unix seconds (UTC) */
	uint32_t msec;		/* 0..999 */
};

/*
 * Parse "digits,YYYY-MM-DD HH:MM:SS[.f{1,7}]" (len bytes, surrounding
 * XML whitespace allowed).  0, or -1 when malformed.
 */
int	wsusss_anchor_parse(const char *s, size_t len, struct wsusss_anchor *out);
/* Write the anchor (3 fractional digits); out needs WSUSSS_ANCHOR_MAX. */
void	wsusss_anchor_format(const struct wsusss_anchor *a, char *out,
	    size_t outlen);

/* "major.minor", 1..5 digits each, <= 65535.  0 or -1. */
int	wsusss_version_parse(const char *s, size_t len, uint16_t *major,
	    uint16_t *minor);
/* (major, minor) >= (ma, mi) */
bool	wsusss_version_at_least(uint16_t major, uint16_t minor, unsigned ma,
	    unsigned mi);

/*
 * Check an allow-list: addresses and networks ("10.1.2.3", "10.0.0.0/8",
 * "2001:db8::/32", "::1") separated by commas, spaces or semicolons.
 * An empty or NULL list allows every peer.  addr: the peer's numeric
 * address (IPv4-mapped IPv6 addresses match IPv4 entries).  1 allowed,
 * 0 refused, -1 when the list itself is malformed (reason in err): a
 * malformed list refuses everyone.
 */
int	wsusss_allow_check(const char *list, const char *addr, char *err,
	    size_t errlen);

/*
 * Append s[0..len) (UTF-8) as UTF-16LE without BOM to out.  0, or -1 for
 * invalid UTF-8 (overlong, surrogates, > U+10FFFF, truncated).
 */
int	wsusss_utf8_to_utf16le(const char *s, size_t len, struct buf *out);

#endif
