/*
 * fuzz_entry.h — FUZZ BUILDS ONLY: the entry point of fuzz/wsusss_request.c
 * into the MS-WSUSSS operations.  Compiled into wsusss_fuzz_lib alone
 * (with WSUSD_FUZZING, src/wsusss/meson.build), never into wsusd.
 */
#ifndef WSUSD_WSUSSS_FUZZ_ENTRY_H
#define WSUSD_WSUSSS_FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Run one request body through the operations of both services against
 * a private in-memory store (created on the first call), without HTTP.
 * A session cookie whose EncryptedData is "FUZZ" is accepted so the
 * operations' own parsers are reached.  Always 0.
 */
int	wsusss_fuzz_request(const uint8_t *data, size_t len);

#endif
