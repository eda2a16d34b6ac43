/*
 * guid.h — GUID text: syntax check, canonical lower-case form, text <->
 * 16 bytes, random version-4 GUIDs.
 *
 * Text is 8-4-4-4-12 hex digits, any case; with GUID_BRACES the same
 * enclosed in { } is accepted too.  Nothing else: no surrounding blanks
 * (callers trim with their own rule), no "urn:uuid:", no missing dashes.
 *
 * Byte order: the 16 bytes are the hex digit pairs in the order they are
 * written ("text order"), NOT the mixed-endian Windows GUID struct layout
 * (Data1..Data3 little-endian).  Every user here (sealed cookies, driver
 * ranking, the client's tables) needs only equality and order, and text
 * order makes byte order equal text order.  guid_from_bytes() inverts
 * guid_to_bytes() exactly.
 *
 * Not here: the client's struct guid tables (client/guid.h), the SOAP
 * value trimming rules (soap/soap_value.h).
 */
#ifndef WSUSD_UTIL_GUID_H
#define WSUSD_UTIL_GUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUID_STRLEN	36	/* text without braces and without NUL */
#define GUID_BYTES	16
#define GUID_ZERO	"00000000-0000-0000-0000-000000000000"	/* the nil GUID */

/* flags */
#define GUID_BRACES	0x01	/* parse: also accept "{...}" (38 chars) */
#define GUID_UPPER	0x02	/* format: A-F instead of a-f */

/* The n bytes at s are a GUID (see flags); s needs no NUL. */
bool	guid_valid(const char *s, size_t n, unsigned flags);
/*
 * Canonical form of the n bytes at s: 36 lower-case characters + NUL,
 * braces dropped.  0, or -1 with out = "" when s is not a GUID.
 */
int	guid_canon(const char *s, size_t n, unsigned flags,
	    char out[GUID_STRLEN + 1]);
/* The n bytes at s into 16 bytes in text order; 0 or -1 (out untouched). */
int	guid_to_bytes(const char *s, size_t n, unsigned flags,
	    uint8_t out[GUID_BYTES]);
/* 16 bytes in text order -> 36 characters + NUL (GUID_UPPER: A-F). */
void	guid_from_bytes(const uint8_t g[GUID_BYTES], unsigned flags,
	    char out[GUID_STRLEN + 1]);
/* A random version-4 GUID in lower case, from OpenSSL's RAND_bytes. 0/-1 */
int	guid_random(char out[GUID_STRLEN + 1]);

#endif
