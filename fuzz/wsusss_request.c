/*
 * fuzz/wsusss_request.c — libFuzzer target for the request parsers of the
 * MS-WSUSSS upstream services (src/wsusss/): every input is
 *   1. run as a SOAP request through the ServerSync / DssAuth operations
 *      (wsusss_fuzz_request(): an in-memory store, no HTTP; a cookie whose
 *      EncryptedData is "FUZZ" passes, so filters, anchors, update ids,
 *      digests and versions reach their parsers), and
 *   2. given to the pure parsers: anchor, protocol version, allow-list
 *      (with the input as the list), UTF-8 -> UTF-16LE, and the MSZIP
 *      cabinet writer, whose output must extract to the same bytes.
 * Seeds: fuzz/corpus/wsusss_request/ (the captured and spec-sample
 * downstream requests with the FUZZ cookie).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/cab.h"
#include "metadata/cab_write.h"
#include "util/buf.h"
#include "wsusss/anchor.h"
#include "wsusss/fuzz_entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wsusss_anchor a, b;
	char text[WSUSSS_ANCHOR_MAX], err[160], *str, *out = NULL;
	uint16_t ma, mi;
	struct buf u16, cab;
	size_t outlen = 0;

	if (size > (1u << 20))
		return 0;
	wsusss_fuzz_request(data, size);

	/* anchors: what parses formats back and parses to the same value */
	if (wsusss_anchor_parse((const char *)data, size, &a) == 0) {
		wsusss_anchor_format(&a, text, sizeof(text));
		if (wsusss_anchor_parse(text, strlen(text), &b) != 0 ||
		    a.counter != b.counter || a.time != b.time ||
		    a.msec != b.msec)
			abort();
	}
	(void)wsusss_version_parse((const char *)data, size, &ma, &mi);
	str = malloc(size + 1);
	if (str == NULL)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';
	(void)wsusss_allow_check(str, "10.1.2.3", err, sizeof(err));
	(void)wsusss_allow_check(str, "2001:db8::5", err, sizeof(err));
	free(str);

	buf_init(&u16, 4u << 20);
	if (wsusss_utf8_to_utf16le((const char *)data, size, &u16) == 0 &&
	    size <= 65536) {
		buf_init(&cab, 8u << 20);
		if (cab_write_single(u16.len ? u16.data : "", u16.len, "blob",
		    &cab, err, sizeof(err)) != 0)
			abort();
		if (cab_extract_first(cab.data, cab.len, CAB_MAX_OUTPUT, &out,
		    &outlen, err, sizeof(err)) != 0 || outlen != u16.len ||
		    (outlen > 0 && memcmp(out, u16.data, outlen) != 0))
			abort();
		free(out);
		buf_free(&cab);
	}
	buf_free(&u16);
	return 0;
}
