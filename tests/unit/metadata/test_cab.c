/*
 * test_cab.c — cab_extract_first() on the real LZX cabinets, generated
 * MSZIP cabinets, and damaged ones (every truncation, bit flips, lying
 * headers, limits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metadata/cab.h"
#include "util/xmalloc.h"
#include "mdtest.h"

static const char *const real_cabs[] = {
	"wsusss-getupdatedata-docs/56309036-4c77-4dd9-951a-99ee9c246a94-r101"
	    ".XmlUpdateBlobCompressed.cab",
	"wsusss-getupdatedata-docs/266f6222-c89d-43f2-9f8a-69340271e677-r200"
	    ".XmlUpdateBlobCompressed.cab",
	"wsusss-getupdatedata-docs/a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200"
	    ".XmlUpdateBlobCompressed.cab",
	"generated/56309036-4c77-4dd9-951a-99ee9c246a94-r101.mszip.cab",
	"generated/a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.mszip.cab",
};
static const char *const real_docs[] = {
	"56309036-4c77-4dd9-951a-99ee9c246a94-r101",
	"266f6222-c89d-43f2-9f8a-69340271e677-r200",
	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200",
	"56309036-4c77-4dd9-951a-99ee9c246a94-r101",
	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200",
};
#define NCABS (sizeof(real_cabs) / sizeof(real_cabs[0]))

/* The UTF-16LE of an ASCII/UTF-8 document, for comparison. */
static int
utf16le_equals_utf8(const char *u16, size_t n16, const char *u8, size_t n8)
{
	size_t i = 0, o = 0;

	while (i < n8) {
		unsigned char c = (unsigned char)u8[i];
		uint32_t cp;
		int k;

		if (c < 0x80) { cp = c; k = 1; }
		else if (c < 0xe0) { cp = c & 0x1f; k = 2; }
		else if (c < 0xf0) { cp = c & 0x0f; k = 3; }
		else { cp = c & 0x07; k = 4; }
		for (int j = 1; j < k; j++)
			cp = cp << 6 | ((unsigned char)u8[i + j] & 0x3f);
		i += (size_t)k;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | v >> 10);
			uint16_t lo = (uint16_t)(0xdc00 | (v & 0x3ff));
			if (o + 4 > n16 ||
			    (unsigned char)u16[o] != (hi & 0xff) ||
			    (unsigned char)u16[o + 1] != hi >> 8 ||
			    (unsigned char)u16[o + 2] != (lo & 0xff) ||
			    (unsigned char)u16[o + 3] != lo >> 8)
				return 0;
			o += 4;
		} else {
			if (o + 2 > n16 ||
			    (unsigned char)u16[o] != (cp & 0xff) ||
			    (unsigned char)u16[o + 1] != cp >> 8)
				return 0;
			o += 2;
		}
	}
	return o == n16;
}

static void
test_is_cabinet(void **state)
{
	(void)state;
	assert_true(cab_is_cabinet("MSCF\0\0\0\0", 8));
	assert_true(cab_is_cabinet("MSCF", 4));
	assert_false(cab_is_cabinet("MSC", 3));
	assert_false(cab_is_cabinet("<upd:Update", 11));
	assert_false(cab_is_cabinet(NULL, 0));
}

static void
test_extract_real_cabinets(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCABS; i++) {
		char *cab, *doc, *out, err[160];
		size_t clen, dlen, olen;

		cab = md_read(&clen, 1, "%s", real_cabs[i]);
		doc = md_read(&dlen, 1, "wsusss-getupdatedata-docs/%s.xml",
		    real_docs[i]);
		if (cab_extract_first(cab, clen, CAB_MAX_OUTPUT, &out, &olen,
		    err, sizeof(err)) != 0) {
			print_error("%s: %s\n", real_cabs[i], err);
			fail();
		}
		/* the member is the document in UTF-16LE, no BOM */
		assert_true(utf16le_equals_utf8(out, olen, doc, dlen));
		free(out);
		free(cab);
		free(doc);
	}
}

/* 56309036's member is 9834 bytes (cabextract -l). */
static void
test_member_limit(void **state)
{
	char *cab, *out, err[160];
	size_t clen, olen;

	(void)state;
	cab = md_read(&clen, 1, "%s", real_cabs[0]);
	assert_int_equal(cab_extract_first(cab, clen, 9834, &out, &olen, err,
	    sizeof(err)), 0);
	assert_int_equal(olen, 9834);
	free(out);
	out = (char *)1;
	assert_int_equal(cab_extract_first(cab, clen, 9833, &out, &olen, err,
	    sizeof(err)), -1);
	assert_null(out);
	assert_int_equal(olen, 0);
	assert_non_null(strstr(err, "member larger than limit"));
	free(cab);
}

static void
expect_fail(const void *data, size_t len, const char *want)
{
	char *out = (char *)1, err[160] = "";
	size_t olen = 7;

	assert_int_equal(cab_extract_first(data, len, CAB_MAX_OUTPUT, &out,
	    &olen, err, sizeof(err)), -1);
	assert_null(out);
	assert_int_equal(olen, 0);
	assert_true(err[0] != '\0');
	if (want != NULL && strstr(err, want) == NULL) {
		print_error("error \"%s\" does not contain \"%s\"\n", err,
		    want);
		fail();
	}
}

static void
test_rejects_non_cabinets(void **state)
{
	char *big;

	(void)state;
	expect_fail(NULL, 0, "empty cabinet");
	expect_fail("", 0, "empty cabinet");
	expect_fail("<upd:Update/>", 13, "not a cabinet");
	expect_fail("MSCF", 4, NULL);
	expect_fail("MSCF\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 24, NULL);
	big = xcalloc(1, (size_t)CAB_MAX_INPUT + 1);
	memcpy(big, "MSCF", 4);
	expect_fail(big, (size_t)CAB_MAX_INPUT + 1, "cabinet larger than");
	free(big);
}

/* Every prefix of every cabinet is refused with a message. */
static void
test_every_truncation_fails(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCABS; i++) {
		char *cab;
		size_t clen, n, step;

		cab = md_read(&clen, 1, "%s", real_cabs[i]);
		step = clen > 4000 ? 7 : 1;	/* keep the big ones quick */
		for (n = 0; n < clen; n += step) {
			char *copy = xmalloc(n ? n : 1);	/* exact size for ASan */

			memcpy(copy, cab, n);
			expect_fail(copy, n, NULL);
			free(copy);
		}
		/* the last bytes one by one, too */
		for (n = clen > 64 ? clen - 64 : 0; n < clen; n++) {
			char *copy = xmalloc(n ? n : 1);

			memcpy(copy, cab, n);
			expect_fail(copy, n, NULL);
			free(copy);
		}
		free(cab);
	}
}

static void
test_truncation_message(void **state)
{
	char *cab;
	size_t clen;

	(void)state;
	cab = md_read(&clen, 1, "%s", real_cabs[2]);
	expect_fail(cab, clen - 100, "truncated cabinet");
	expect_fail(cab, clen / 2, "truncated cabinet");
	free(cab);
}

/*
 * Bit flips: every bit of the small cabinets, a sample of the big ones.
 * Each run either fails with a message or succeeds within the limit;
 * ASan/UBSan (the asan build) catch memory errors.  Most flips in data
 * blocks must be caught by the checksums.
 */
static void
test_bit_flips(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCABS; i++) {
		char *cab, *copy, *out, err[160];
		size_t clen, olen, pos, nfail = 0, nrun = 0;

		cab = md_read(&clen, 1, "%s", real_cabs[i]);
		copy = xmalloc(clen);
		size_t step = clen > 2000 ? 13 : 1;
		for (pos = 0; pos < clen; pos += step) {
			for (int bit = 0; bit < 8; bit++) {
				memcpy(copy, cab, clen);
				copy[pos] ^= (char)(1 << bit);
				out = NULL;
				err[0] = '\0';
				if (cab_extract_first(copy, clen, 1u << 20,
				    &out, &olen, err, sizeof(err)) == 0) {
					assert_non_null(out);
					assert_true(olen <= (1u << 20));
					free(out);
				} else {
					assert_null(out);
					assert_true(err[0] != '\0');
					nfail++;
				}
				nrun++;
			}
		}
		/* flips in the header/folder/data are mostly detected */
		assert_true(nfail > nrun / 2);
		free(copy);
		free(cab);
	}
}

static void
put_le32(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xff);
	p[1] = (char)(v >> 8 & 0xff);
	p[2] = (char)(v >> 16 & 0xff);
	p[3] = (char)(v >> 24 & 0xff);
}

/* A header that claims a huge member, or a member past the folder. */
static void
test_lying_headers(void **state)
{
	char *cab;
	size_t clen;
	uint32_t coff;

	(void)state;
	cab = md_read(&clen, 1, "%s", real_cabs[0]);
	/* CFHEADER.coffFiles at 0x10; CFFILE.cbFile is its first field */
	coff = (uint32_t)(unsigned char)cab[0x10] |
	    (uint32_t)(unsigned char)cab[0x11] << 8;
	assert_true(coff + 4 < clen);
	put_le32(cab + coff, 0x7fffffffu);
	expect_fail(cab, clen, NULL);
	put_le32(cab + coff, 200u << 20);
	expect_fail(cab, clen, "member larger than limit");
	free(cab);

	/* multi-part flag set */
	cab = md_read(&clen, 1, "%s", real_cabs[0]);
	cab[0x1e] |= 0x02;	/* flags: NEXTCAB (then needs names) */
	expect_fail(cab, clen, NULL);
	free(cab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_cabinet),
		cmocka_unit_test(test_extract_real_cabinets),
		cmocka_unit_test(test_member_limit),
		cmocka_unit_test(test_rejects_non_cabinets),
		cmocka_unit_test(test_every_truncation_fails),
		cmocka_unit_test(test_truncation_message),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_lying_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
