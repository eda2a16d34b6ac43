/*
 * test_xpress.c — the xpress answer decoding: a stream written by hand
 * from the format description, round trips through a small encoder of
 * the same format written here (literals, short and every kind of long
 * match, shared length nibbles), multi-block bodies, and corrupt input.
 */
#include "client_test.h"

#include "client/xpress.h"
#include "util/buf.h"

/* ---- a reference encoder (greedy, brute force; tests only) ------------ */

struct enc {
	uint8_t	*out;
	size_t	 n;
	size_t	 flagpos;
	int	 nflags;
	uint32_t flags;
	size_t	 half;		/* pending shared nibble byte + 1, or 0 */
};

static void
put8(struct enc *e, uint8_t v)
{
	e->out[e->n++] = v;
}

static void
put16(struct enc *e, uint32_t v)
{
	put8(e, (uint8_t)v);
	put8(e, (uint8_t)(v >> 8));
}

static void
put32(struct enc *e, uint32_t v)
{
	put16(e, v & 0xffff);
	put16(e, v >> 16);
}

static void
flush_flags(struct enc *e)
{
	uint8_t *p = e->out + e->flagpos;

	p[0] = (uint8_t)e->flags;
	p[1] = (uint8_t)(e->flags >> 8);
	p[2] = (uint8_t)(e->flags >> 16);
	p[3] = (uint8_t)(e->flags >> 24);
}

static void
flag(struct enc *e, int bit)
{
	if (e->nflags == 32) {
		flush_flags(e);
		e->flagpos = e->n;
		e->n += 4;
		e->nflags = 0;
		e->flags = 0;
	}
	if (bit)
		e->flags |= 1u << (31 - e->nflags);
	e->nflags++;
}

static size_t
encode(const uint8_t *in, size_t n, uint8_t *out)
{
	struct enc e = { out, 4, 0, 0, 0, 0 };
	size_t i = 0;

	while (i < n) {
		size_t best = 0, off = 0;
		size_t maxoff = i < 8192 ? i : 8192;
		for (size_t d = 1; d <= maxoff; d++) {
			size_t l = 0;
			while (i + l < n && in[i + l - d] == in[i + l])
				l++;
			if (l > best) {
				best = l;
				off = d;
			}
		}
		if (best < 3) {
			flag(&e, 0);
			put8(&e, in[i++]);
			continue;
		}
		flag(&e, 1);
		{
			size_t L = best - 3;
			if (L < 7) {
				put16(&e, (uint32_t)((off - 1) << 3 | L));
			} else {
				size_t r = L - 7, nib = r < 15 ? r : 15;
				put16(&e, (uint32_t)((off - 1) << 3 | 7));
				if (e.half == 0) {
					e.half = e.n + 1;
					put8(&e, (uint8_t)nib);
				} else {
					e.out[e.half - 1] |= (uint8_t)(nib << 4);
					e.half = 0;
				}
				if (r >= 15) {
					size_t r2 = r - 15;
					if (r2 < 255)
						put8(&e, (uint8_t)r2);
					else {
						put8(&e, 255);
						if (r2 + 22 <= 0xffff)
							put16(&e, (uint32_t)(r2 +
							    22));
						else {
							put16(&e, 0);
							put32(&e, (uint32_t)(r2 +
							    22));
						}
					}
				}
			}
		}
		i += best;
	}
	/* end marker: the remaining flag bits set */
	if (e.nflags == 32) {
		flush_flags(&e);
		e.flagpos = e.n;
		e.n += 4;
		e.nflags = 0;
		e.flags = 0;
	}
	e.flags |= (uint32_t)((1ULL << (32 - e.nflags)) - 1);
	flush_flags(&e);
	return e.n;
}

/* An xpress body of in (blocks of blocksize). */
static size_t
xpress_body(const uint8_t *in, size_t n, size_t blocksize, uint8_t *out)
{
	size_t o = 0;

	for (size_t off = 0; off < n; off += blocksize) {
		size_t len = n - off < blocksize ? n - off : blocksize;
		size_t c = encode(in + off, len, out + o + 8);
		for (int k = 0; k < 4; k++) {
			out[o + k] = (uint8_t)(len >> (8 * k));
			out[o + 4 + k] = (uint8_t)(c >> (8 * k));
		}
		o += 8 + c;
	}
	return o;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_by_hand(void **state)
{
	/* "abc" + (offset 3, length 9); flags 0001 then end-marker ones */
	static const uint8_t s[] = { 0xff, 0xff, 0xff, 0x1f, 'a', 'b', 'c',
	    0x16, 0x00 };
	uint8_t out[64];
	size_t n;

	(void)state;
	assert_int_equal(lz77_plain_decode(s, sizeof(s), out, sizeof(out), &n),
	    0);
	assert_int_equal(n, 12);
	assert_memory_equal(out, "abcabcabcabc", 12);
	/* the output must fit */
	assert_int_equal(lz77_plain_decode(s, sizeof(s), out, 11, &n), -1);
	/* literals only, stream ending without a marker */
	{
		static const uint8_t l[] = { 0, 0, 0, 0, 'x', 'y' };
		assert_int_equal(lz77_plain_decode(l, sizeof(l), out,
		    sizeof(out), &n), 0);
		assert_int_equal(n, 2);
	}
}

static void
roundtrip(const uint8_t *in, size_t n)
{
	uint8_t *enc = malloc(n * 2 + 64), *out = malloc(n + 1);
	size_t c = encode(in, n, enc), got;

	assert_int_equal(lz77_plain_decode(enc, c, out, n, &got), 0);
	assert_int_equal(got, n);
	assert_memory_equal(out, in, n);
	free(enc);
	free(out);
}

static void
test_roundtrip(void **state)
{
	uint8_t *v = malloc(65535);
	uint32_t x = 12345;

	(void)state;
	/* long runs: every length encoding (nibble, byte, 16 bit) */
	for (size_t len = 1; len < 400; len += 7) {
		memset(v, 'x', len);
		roundtrip(v, len);
	}
	memset(v, 'q', 65535);
	roundtrip(v, 65535);
	/* text-like data with repeats at many distances */
	for (size_t i = 0; i < 20000; i++) {
		x = x * 1103515245 + 12345;
		v[i] = "<UpdateInfo><ID>1</ID>"[(x >> 16) % 22];
		if ((x >> 8) % 5 == 0 && i > 100)
			v[i] = v[i - 1 - (x >> 20) % 100];
	}
	roundtrip(v, 20000);
	/* incompressible */
	for (size_t i = 0; i < 5000; i++) {
		x = x * 1103515245 + 12345;
		v[i] = (uint8_t)(x >> 16);
	}
	roundtrip(v, 5000);
	free(v);
}

static void
test_blocks(void **state)
{
	size_t n = 200000, c;
	uint8_t *in = malloc(n), *body = malloc(n * 2);
	struct buf out;
	char err[128];

	(void)state;
	for (size_t i = 0; i < n; i++)
		in[i] = (uint8_t)("<s:Envelope xmlns:s=\"x\">"[i % 24] + i / 5000);
	c = xpress_body(in, n, 65535, body);
	assert_true(c < n / 2);
	buf_init(&out, 1 << 20);
	assert_int_equal(xpress_decode(body, c, &out, err, sizeof(err)), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, in, n);
	buf_free(&out);
	/* an empty body is an empty answer */
	buf_init(&out, 1 << 20);
	assert_int_equal(xpress_decode(body, 0, &out, err, sizeof(err)), 0);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	/* the output is bounded by the buffer's maximum */
	buf_init(&out, 1000);
	assert_int_equal(xpress_decode(body, c, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
	buf_free(&out);
	free(in);
	free(body);
}

static void
test_corrupt(void **state)
{
	uint8_t in[300], body[1024];
	size_t c;
	struct buf out;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)("abcdefgh"[i % 8]);
	c = xpress_body(in, sizeof(in), 65535, body);
	buf_init(&out, 1 << 20);
	/* truncated anywhere: an error, never a crash */
	for (size_t cut = 1; cut < c; cut++) {
		buf_reset(&out);
		out.failed = 0;
		assert_int_equal(xpress_decode(body, cut, &out, err,
		    sizeof(err)), -1);
	}
	/* a header announcing more than one block may hold */
	{
		uint8_t h[8] = { 0, 0, 1, 0, 4, 0, 0, 0 };	/* 65536 */
		assert_int_equal(xpress_decode(h, 8, &out, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "bad sizes"));
	}
	/* the original size must match what the block decodes to */
	{
		uint8_t b2[1024];
		memcpy(b2, body, c);
		b2[0]++;	/* original size + 1 */
		assert_int_equal(xpress_decode(b2, c, &out, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "corrupt"));
	}
	/* a match reaching before the start of the output */
	{
		static const uint8_t s[] = { 0xff, 0xff, 0xff, 0xbf, 'a',
		    0x10, 0x00 };	/* offset 3 after one byte */
		uint8_t o[64];
		size_t n;
		assert_int_equal(lz77_plain_decode(s, sizeof(s), o, sizeof(o),
		    &n), -1);
	}
	/* a length byte missing after a 15 nibble */
	{
		static const uint8_t s[] = { 0xff, 0xff, 0xff, 0xbf, 'a',
		    0x07, 0x00, 0x0f };
		uint8_t o[64];
		size_t n;
		assert_int_equal(lz77_plain_decode(s, sizeof(s), o, sizeof(o),
		    &n), -1);
	}
	buf_free(&out);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_corrupt),
	};

	(void)argc;
	(void)argv;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
