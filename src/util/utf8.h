/*
 * utf8.h — strict UTF-8 decoding and validation (RFC 3629).
 *
 * Refused everywhere: bytes C0 C1 F5..FF, stray continuation bytes,
 * overlong forms, surrogates (U+D800..U+DFFF), code points above
 * U+10FFFF and sequences cut short by the end of the input.  What else a
 * caller refuses (NUL, C0/C1 controls, non-XML characters) it checks on
 * the decoded code point; utf8_is_xml_char() is the XML 1.0 rule.
 *
 * Not here: conversion to or from UTF-16, display width (cli/output.c).
 */
#ifndef WSUSD_UTIL_UTF8_H
#define WSUSD_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the sequence at s (n bytes available, n may be 0).  Returns its
 * length 1..4 and, when cp is not NULL, the code point in *cp; 0 when the
 * bytes are not valid UTF-8 (or n is 0).  A NUL byte decodes as U+0000,
 * length 1.  Reading stops at the first byte that does not continue the
 * sequence, so on NUL-terminated text n may simply be 4.
 */
size_t	utf8_decode(const void *s, size_t n, uint32_t *cp);
/*
 * Check that the n bytes at s are valid UTF-8 holding no NUL.  0, or -1
 * with *bad (when not NULL) set to the offset of the first offending
 * byte.
 */
int	utf8_check(const void *s, size_t n, size_t *bad);
/*
 * Where to cut the n bytes at s to keep at most max of them without
 * splitting a sequence: max backed off over continuation bytes (10xxxxxx)
 * while the byte at the cut is one; n when n <= max.  Byte-wise, so it
 * also works on text that is not valid UTF-8.
 */
size_t	utf8_cut(const void *s, size_t n, size_t max);
/* The code point is an XML 1.0 Char (TAB LF CR, U+0020..U+D7FF,
 * U+E000..U+FFFD, U+10000..U+10FFFF). */
bool	utf8_is_xml_char(uint32_t cp);

#endif
