/*
 * test_pure.c — the pure parts of the upstream service: the MSZIP cabinet
 * writer (round trip through cab.h and `cabextract -t`), anchors,
 * protocol versions, the allow-list and UTF-16LE conversion.
 *
 * Usage: test_wsusss_pure FIXTURES_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "metadata/cab.h"
#include "metadata/cab_write.h"
#include "util/buf.h"
#include "wsusss/anchor.h"

static const char *fixtures;

static char *
slurp(const char *rel, size_t *len)
{
	char path[1024];
	FILE *fp;
	char *d;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fixtures, rel);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	d = malloc((size_t)n + 1);
	assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
	d[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return d;
}

static void
roundtrip(const void *data, size_t len)
{
	struct buf cab;
	char err[160], *out = NULL, tmpl[] = "/tmp/wsusss-cab-XXXXXX", cmd[256];
	size_t outlen = 0;
	int fd;

	buf_init(&cab, 256u << 20);
	assert_int_equal(cab_write_single(data, len, "blob", &cab, err,
	    sizeof(err)), 0);
	assert_true(cab_is_cabinet(cab.data, cab.len));
	if (cab_extract_first(cab.data, cab.len, CAB_MAX_OUTPUT, &out, &outlen,
	    err, sizeof(err)) != 0)
		fail_msg("extract: %s", err);
	assert_int_equal(outlen, len);
	if (len > 0)
		assert_memory_equal(out, data, len);
	free(out);
	/* cabextract checks the structure and every block checksum */
	fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, cab.data, cab.len), (ssize_t)cab.len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cabextract -q -t '%s' >/dev/null 2>&1",
	    tmpl);
	assert_int_equal(system(cmd), 0);
	unlink(tmpl);
	buf_free(&cab);
}

static void
t_cab_roundtrip(void **state)
{
	size_t len;
	char *doc = slurp("update-metadata/wsusss-getupdatedata-docs/"
	    "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.xml", &len);
	struct buf u16;
	uint8_t *rnd;

	(void)state;
	/* a real document as UTF-16LE, as XmlUpdateBlobCompressed holds it */
	buf_init(&u16, 64u << 20);
	assert_int_equal(wsusss_utf8_to_utf16le(doc, len, &u16), 0);
	assert_true(u16.len >= len && u16.len <= 2 * len);
	roundtrip(u16.data, u16.len);
	/* sizes around the 32 KiB block, empty, incompressible */
	roundtrip("", 0);
	roundtrip("x", 1);
	rnd = malloc(200000);
	srand(7);
	for (size_t i = 0; i < 200000; i++)
		rnd[i] = (uint8_t)rand();
	roundtrip(rnd, 32768);
	roundtrip(rnd, 32769);
	roundtrip(rnd, 200000);
	free(rnd);
	buf_free(&u16);
	free(doc);
}

static void
t_cab_bad(void **state)
{
	struct buf cab;
	char err[160];

	(void)state;
	buf_init(&cab, 1u << 20);
	assert_int_equal(cab_write_single("a", 1, "", &cab, err, sizeof(err)), -1);
	assert_int_equal(cab_write_single("a", 1, "a/b", &cab, err, sizeof(err)), -1);
	assert_int_equal(cab_write_single("a", 1, NULL, &cab, err, sizeof(err)), -1);
	assert_int_equal(cab_write_single(NULL, (size_t)CAB_WRITE_MAX_INPUT + 1,
	    "blob", &cab, err, sizeof(err)), -1);
	assert_int_equal(cab.len, 0);
	buf_free(&cab);
}

static void
t_anchor(void **state)
{
	struct wsusss_anchor a;
	char out[WSUSSS_ANCHOR_MAX];

	(void)state;
	assert_int_equal(wsusss_anchor_parse("9438,2026-10-04 16:33:26.670",
	    28, &a), 0);
	assert_int_equal(a.counter, 9438);
	assert_int_equal(a.msec, 670);
	wsusss_anchor_format(&a, out, sizeof(out));
	assert_string_equal(out, "9438,2026-10-04 16:33:26.670");
	assert_int_equal(wsusss_anchor_parse(" 14030,2006-06-08 15:38:16.022\n",
	    31, &a), 0);
	assert_int_equal(a.counter, 14030);
	assert_int_equal(wsusss_anchor_parse("1,2006-06-08 15:38:16", 21, &a), 0);
	assert_int_equal(wsusss_anchor_parse("1,2024-02-29 00:00:00.1234567",
	    29, &a), 0);
	assert_int_equal(a.msec, 123);
	/* malformed */
	static const char *const bad[] = { "garbage", "", ",2006-06-08 15:38:16",
	    "1 2006-06-08 15:38:16", "1,2006-13-08 15:38:16",
	    "1,2023-02-29 00:00:00", "1,2006-06-08 24:00:00",
	    "1,2006-06-08 15:38:16.", "1,2006-06-08 15:38:16.12345678",
	    "1,2006-06-08T15:38:16", "-1,2006-06-08 15:38:16",
	    "1234567890123456789,2006-06-08 15:38:16", "1,1000-01-01 00:00:00" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (wsusss_anchor_parse(bad[i], strlen(bad[i]), &a) == 0)
			fail_msg("accepted '%s'", bad[i]);
}

static void
t_version(void **state)
{
	uint16_t ma, mi;

	(void)state;
	assert_int_equal(wsusss_version_parse("1.20", 4, &ma, &mi), 0);
	assert_int_equal(ma, 1);
	assert_int_equal(mi, 20);
	assert_true(wsusss_version_at_least(1, 20, 1, 8));
	assert_false(wsusss_version_at_least(1, 8, 1, 20));
	assert_true(wsusss_version_at_least(1, 8, 1, 3));
	assert_int_equal(wsusss_version_parse("1.", 2, &ma, &mi), -1);
	assert_int_equal(wsusss_version_parse("1.2.3", 5, &ma, &mi), -1);
	assert_int_equal(wsusss_version_parse("1.99999", 7, &ma, &mi), -1);
	assert_int_equal(wsusss_version_parse("x", 1, &ma, &mi), -1);
}

static void
t_allow(void **state)
{
	char err[160];

	(void)state;
	assert_int_equal(wsusss_allow_check(NULL, "1.2.3.4", err, sizeof(err)), 1);
	assert_int_equal(wsusss_allow_check(" , ", "1.2.3.4", err, sizeof(err)), 1);
	assert_int_equal(wsusss_allow_check("10.0.0.0/8", "10.9.8.7", err,
	    sizeof(err)), 1);
	assert_int_equal(wsusss_allow_check("10.0.0.0/8", "11.0.0.1", err,
	    sizeof(err)), 0);
	assert_int_equal(wsusss_allow_check("10.0.0.0/8", "::ffff:10.1.1.1", err,
	    sizeof(err)), 1);
	assert_int_equal(wsusss_allow_check("192.168.1.5;2001:db8::/32",
	    "2001:db8::1", err, sizeof(err)), 1);
	assert_int_equal(wsusss_allow_check("192.168.1.5", "192.168.1.6", err,
	    sizeof(err)), 0);
	assert_int_equal(wsusss_allow_check("10.0.0.0/33", "10.0.0.1", err,
	    sizeof(err)), -1);
	assert_int_equal(wsusss_allow_check("host.example", "10.0.0.1", err,
	    sizeof(err)), -1);
	assert_int_equal(wsusss_allow_check("10.0.0.0/", "10.0.0.1", err,
	    sizeof(err)), -1);
	assert_int_equal(wsusss_allow_check("10.0.0.1", NULL, err, sizeof(err)), 0);
}

static void
t_utf16(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(wsusss_utf8_to_utf16le("a\xc3\xa9\xf0\x9f\x98\x80", 7,
	    &b), 0);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "a\0\xe9\0\x3d\xd8\x00\xde", 8);
	buf_reset(&b);
	assert_int_equal(wsusss_utf8_to_utf16le("\xc0\xaf", 2, &b), -1);
	assert_int_equal(wsusss_utf8_to_utf16le("\xed\xa0\x80", 3, &b), -1);
	assert_int_equal(wsusss_utf8_to_utf16le("\xe2\x82", 2, &b), -1);
	assert_int_equal(wsusss_utf8_to_utf16le("\xf4\x90\x80\x80", 4, &b), -1);
	buf_free(&b);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_cab_roundtrip),
		cmocka_unit_test(t_cab_bad),
		cmocka_unit_test(t_anchor),
		cmocka_unit_test(t_version),
		cmocka_unit_test(t_allow),
		cmocka_unit_test(t_utf16),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
