/*
 * test_cookie.c — sealed cookies (src/cookie/cookie.c): round trips of every
 * kind, tampering of every character and bit, truncation and extension,
 * wrong key, kind confusion, expiry, server change, bound clear Expiration,
 * size limits (a PROT_NONE mapping proves oversized text is never read),
 * base64 garbage and canonical base64, sealing refusals and nonce failure.
 * The layout rules, known answers, real cookies and threads are in
 * test_cookie_layout.c; shared fixtures in cookie_testlib.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "util/encode.h"
#include "util/fsutil.h"
#include "cookie/cookie.h"

#include "cookie_test.h"

/* ---- round trips ---- */

static void
test_roundtrip_every_kind(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ];

	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie in, out;
		int64_t clear;

		sample_any(k, &in, &clear);
		assert_int_equal(seal_any(&f->kr, k, &in, b64, sizeof(b64)), 0);
		assert_true(strlen(b64) % 4 == 0);
		memset(&out, 0xee, sizeof(out));
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    NOW, &out), COOKIE_OK);
		assert_memory_equal(&in, &out, struct_size(k));
	}
}

static void
test_roundtrip_largest(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ];
	union anycookie in, out;
	size_t maxlen = 0;
	int64_t clear;

	sample_auth(&in.wa);
	fill_max(in.wa.client_id, &in.wa.n_groups, in.wa.groups,
	    "abcdefghijklmnopqrstuvwxyz0123456789-");
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_AUTH, &in, b64,
	    sizeof(b64)), 0);
	/* The largest kind at its largest is exactly COOKIE_B64_MAX. */
	assert_int_equal(strlen(b64), COOKIE_B64_MAX);
	assert_int_equal(cookie_open_wusp_auth(&f->kr, b64, strlen(b64), NOW,
	    &out.wa), COOKIE_OK);
	assert_memory_equal(&in, &out, sizeof(in.wa));

	sample_session(&in.ws);
	fill_max(in.ws.client_id, &in.ws.n_groups, in.ws.groups, "z9-");
	in.ws.proto_major = 65535;
	in.ws.proto_minor = 65535;
	in.ws.deployment_watermark = INT64_MAX;
	in.ws.config_last_change = INT64_MIN;
	in.ws.flags = 0xffffffffu;
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &in, b64,
	    sizeof(b64)), 0);
	maxlen = strlen(b64);
	assert_true(maxlen <= COOKIE_B64_MAX);
	assert_int_equal(cookie_open_wusp_session(&f->kr, b64, maxlen,
	    in.ws.expires_at, NOW, &out.ws), COOKIE_OK);
	assert_memory_equal(&in, &out, sizeof(in.ws));

	sample_ss_auth(&in.sa);
	fill_max(in.sa.account_name, &in.sa.n_groups, in.sa.groups,
	    "ABCxyz019._-");
	assert_int_equal(seal_any(&f->kr, COOKIE_WSUSSS_AUTH, &in, b64,
	    sizeof(b64)), 0);
	assert_int_equal(cookie_open_wsusss_auth(&f->kr, b64, strlen(b64), NOW,
	    &out.sa), COOKIE_OK);
	assert_memory_equal(&in, &out, sizeof(in.sa));

	sample_ss_session(&in.ss);
	fill_max(NULL, &in.ss.n_groups, in.ss.groups, "");
	in.ss.issued_at = INT64_MIN;	/* extremes survive the layout */
	in.ss.expires_at = INT64_MAX;
	clear = INT64_MAX;
	assert_int_equal(seal_any(&f->kr, COOKIE_WSUSSS_SESSION, &in, b64,
	    sizeof(b64)), 0);
	assert_int_equal(cookie_open_wsusss_session(&f->kr, b64, strlen(b64),
	    clear, NOW, &out.ss), COOKIE_OK);
	assert_memory_equal(&in, &out, sizeof(in.ss));
}

static void
test_nonce_is_fresh(void **state)
{
	struct fx *f = *state;
	struct wusp_session_cookie s, o;
	char a[COOKIE_B64_BUFSZ], b[COOKIE_B64_BUFSZ];

	sample_session(&s);
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, a,
	    sizeof(a)), 0);
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, b,
	    sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), strlen(b));
	assert_int_equal(cookie_open_wusp_session(&f->kr, b, strlen(b),
	    s.expires_at, NOW, &o), COOKIE_OK);
	assert_int_equal(cookie_open_wusp_session(&f->kr, a, strlen(a),
	    s.expires_at, NOW, &o), COOKIE_OK);
}

/* ---- tampering ---- */

static const char B64CHARS[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

static void
test_tamper_every_char(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ], t[COOKIE_B64_BUFSZ];

	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie c, out;
		int64_t clear;
		size_t len;

		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&f->kr, k, &c, b64, sizeof(b64)), 0);
		len = strlen(b64);
		for (size_t i = 0; i < len; i++) {
			for (const char *p = B64CHARS; *p != '\0'; p++) {
				if (*p == b64[i])
					continue;
				memcpy(t, b64, len + 1);
				t[i] = *p;
				memset(&out, 0x55, sizeof(out));
				assert_int_equal(open_any(&f->kr, k, t, len,
				    clear, NOW, &out), COOKIE_INVALID);
				assert_true(all_zero(&out, struct_size(k)));
			}
		}
		/* The untouched text still opens. */
		assert_int_equal(open_any(&f->kr, k, b64, len, clear, NOW,
		    &out), COOKIE_OK);
	}
}

static void
test_tamper_every_bit(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ], t[COOKIE_B64_BUFSZ];
	uint8_t blob[COOKIE_BLOB_MAX];
	union anycookie c, out;
	int64_t clear;
	size_t n;

	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&f->kr, k, &c, b64, sizeof(b64)), 0);
		assert_int_equal(base64_decode(b64, strlen(b64), blob,
		    sizeof(blob), &n), 0);
		for (size_t i = 0; i < n; i++) {
			for (int bit = 0; bit < 8; bit++) {
				blob[i] ^= (uint8_t)(1u << bit);
				base64_encode(blob, n, t);
				assert_int_equal(open_any(&f->kr, k, t,
				    strlen(t), clear, NOW, &out),
				    COOKIE_INVALID);
				blob[i] ^= (uint8_t)(1u << bit);
			}
		}
	}
}

static void
test_truncated_and_extended(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ], t[COOKIE_B64_BUFSZ + 16];
	uint8_t blob[COOKIE_BLOB_MAX + 8];
	static const char *suffix[] = { "A", "AA", "AAA", "AAAA", "====", "=",
	    " ", "\n", "\r\n", "\t", "\0", "QUJD" };
	struct wusp_session_cookie s, o;
	size_t len, n;

	sample_session(&s);
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, b64,
	    sizeof(b64)), 0);
	len = strlen(b64);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(cookie_open_wusp_session(&f->kr, b64, i,
		    s.expires_at, NOW, &o), COOKIE_INVALID);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t sl = suffix[i][0] == '\0' ? 1 : strlen(suffix[i]);
		memcpy(t, b64, len);
		memcpy(t + len, suffix[i], sl);
		assert_int_equal(cookie_open_wusp_session(&f->kr, t, len + sl,
		    s.expires_at, NOW, &o), COOKIE_INVALID);
		/* and in front */
		memcpy(t, suffix[i], sl);
		memcpy(t + sl, b64, len);
		assert_int_equal(cookie_open_wusp_session(&f->kr, t, len + sl,
		    s.expires_at, NOW, &o), COOKIE_INVALID);
	}
	/* Whole bytes cut from or added to the sealed blob, re-encoded. */
	assert_int_equal(base64_decode(b64, len, blob, sizeof(blob), &n), 0);
	for (size_t cut = 1; cut <= n; cut++) {
		base64_encode(blob, n - cut, t);
		assert_int_equal(cookie_open_wusp_session(&f->kr, t, strlen(t),
		    s.expires_at, NOW, &o), COOKIE_INVALID);
	}
	for (size_t add = 1; add <= 8; add++) {
		memset(blob + n, 0, add);
		base64_encode(blob, n + add, t);
		assert_int_equal(cookie_open_wusp_session(&f->kr, t, strlen(t),
		    s.expires_at, NOW, &o), COOKIE_INVALID);
	}
	/* NULL text, and the text with its real length still opens. */
	assert_int_equal(cookie_open_wusp_session(&f->kr, NULL, 0,
	    s.expires_at, NOW, &o), COOKIE_INVALID);
	assert_int_equal(cookie_open_wusp_session(&f->kr, b64, len,
	    s.expires_at, NOW, &o), COOKIE_OK);
}

static void
test_wrong_key(void **state)
{
	struct fx *f = *state;
	struct cookie_keyring other;
	char b64[COOKIE_B64_BUFSZ];

	/* Same instance and generation, master key differs in every byte. */
	init_kr(&other, 1, INSTANCE, 7);
	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie c, out;
		int64_t clear;

		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&other, k, &c, b64, sizeof(b64)), 0);
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    NOW, &out), COOKIE_INVALID);
		assert_int_equal(open_any(&other, k, b64, strlen(b64), clear,
		    NOW, &out), COOKIE_OK);
	}
	cookie_keyring_clear(&other);
	/* A cleared keyring refuses to work instead of using zero keys. */
	assert_null(other.aead);
	{
		struct wusp_session_cookie s;
		sample_session(&s);
		assert_int_equal(cookie_seal_wusp_session(&other, &s, b64,
		    sizeof(b64), NULL, 0), -1);
		assert_int_equal(cookie_open_wusp_session(&other, b64, 8, 0,
		    NOW, &s), COOKIE_ERROR);
	}
}

static void
test_subkeys_distinct(void **state)
{
	struct fx *f = *state;
	uint8_t m[COOKIE_KEY_LEN];

	master_key(m, 0);
	for (int i = 0; i < COOKIE_KIND_COUNT; i++) {
		assert_memory_not_equal(f->kr.subkey[i], m, COOKIE_KEY_LEN);
		for (int j = i + 1; j < COOKIE_KIND_COUNT; j++)
			assert_memory_not_equal(f->kr.subkey[i],
			    f->kr.subkey[j], COOKIE_KEY_LEN);
	}
}

/* Text length bounds of a kind, from the layout in docs/COOKIES.md. */
static void
b64_bounds(enum cookie_kind k, size_t *lo, size_t *hi)
{
	static const size_t body[] = { 0, 68, 24, 16, 24 };
	size_t min = COOKIE_OVERHEAD + COOKIE_HDR_LEN + body[k];
	size_t max = min + 16 * COOKIE_GROUPS_MAX;

	if (k != COOKIE_WSUSSS_SESSION) {
		min += 1;
		max += COOKIE_ID_MAX;
	}
	*lo = 4 * ((min + 2) / 3);
	*hi = 4 * ((max + 2) / 3);
}

/*
 * A cookie of one kind presented as another is INVALID.  The samples are
 * chosen so that most texts fall inside the other kind's length bounds:
 * then it is the tag (per-kind subkey and AAD) that rejects them.
 */
static void
test_kind_confusion(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ];
	int via_tag = 0;

	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie c, out;
		int64_t clear;

		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&f->kr, k, &c, b64, sizeof(b64)), 0);
		for (int as = 1; as <= COOKIE_KIND_COUNT; as++) {
			size_t lo, hi;
			if (as == k)
				continue;
			b64_bounds(as, &lo, &hi);
			if (strlen(b64) >= lo && strlen(b64) <= hi)
				via_tag++;
			/* present the session expiry too, in case it matters */
			assert_int_equal(open_any(&f->kr, as, b64, strlen(b64),
			    NOW + HOUR, NOW, &out), COOKIE_INVALID);
			assert_int_equal(open_any(&f->kr, as, b64, strlen(b64),
			    NOW + 4 * HOUR, NOW, &out), COOKIE_INVALID);
			assert_int_equal(open_any(&f->kr, as, b64, strlen(b64),
			    0, NOW, &out), COOKIE_INVALID);
		}
	}
	/* 10 of the 12 pairs get past the length check to the tag */
	assert_int_equal(via_tag, 10);

	/* Same plaintext size, same bytes, other kind: the kind byte says no. */
	{
		struct wsusss_session_cookie ss;
		union anycookie out;
		uint8_t pt[COOKIE_PT_MAX];
		size_t n;

		sample_ss_session(&ss);
		n = cookie_pack(&f->kr, COOKIE_WSUSSS_SESSION, &ss, pt, NULL, 0);
		assert_int_equal(n, COOKIE_HDR_LEN + 24);
		assert_int_equal(cookie_unpack(&f->kr, COOKIE_WSUSSS_SESSION, pt,
		    n, ss.expires_at, NOW, &out), COOKIE_OK);
		for (int as = 1; as <= COOKIE_KIND_COUNT; as++) {
			if (as != COOKIE_WSUSSS_SESSION)
				assert_int_equal(cookie_unpack(&f->kr, as, pt,
				    n, ss.expires_at, NOW, &out),
				    COOKIE_INVALID);
		}
	}
}

/* ---- time, server identity, clear Expiration ---- */

static void
test_expired(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ];

	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie c, out;
		int64_t clear, exp;

		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&f->kr, k, &c, b64, sizeof(b64)), 0);
		exp = k == COOKIE_WUSP_AUTH || k == COOKIE_WUSP_SESSION ?
		    NOW + HOUR : NOW + 4 * HOUR;
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    exp - 1, &out), COOKIE_OK);
		memset(&out, 0, sizeof(out));
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    exp, &out), COOKIE_EXPIRED);
		/* authentic content is handed out (GetCookie's oldCookie) */
		assert_memory_equal(&c, &out, struct_size(k));
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    INT64_MAX, &out), COOKIE_EXPIRED);
		/* a cookie from the "future" (clock stepped back) is fine */
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    NOW - 86400, &out), COOKIE_OK);
	}
}

static void
test_server_changed(void **state)
{
	struct fx *f = *state;
	struct cookie_keyring other_inst, other_gen;
	char b64[COOKIE_B64_BUFSZ];

	/* Same master key: authentic, but another instance / generation. */
	init_kr(&other_inst, 0, "6f1d2c4e-9a3b-4c5d-8e7f-0123456789ac", 7);
	init_kr(&other_gen, 0, INSTANCE, 8);
	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie c, out;
		int64_t clear;

		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&other_inst, k, &c, b64, sizeof(b64)),
		    0);
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    NOW, &out), COOKIE_SERVER_CHANGED);
		assert_memory_equal(&c, &out, struct_size(k));
		/* server change wins over expiry */
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    INT64_MAX, &out), COOKIE_SERVER_CHANGED);

		assert_int_equal(seal_any(&other_gen, k, &c, b64, sizeof(b64)),
		    0);
		assert_int_equal(open_any(&f->kr, k, b64, strlen(b64), clear,
		    NOW, &out), COOKIE_SERVER_CHANGED);
		assert_int_equal(open_any(&other_gen, k, b64, strlen(b64),
		    clear, NOW, &out), COOKIE_OK);
	}
	cookie_keyring_clear(&other_inst);
	cookie_keyring_clear(&other_gen);
}

static void
test_clear_expiration_bound(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ];
	static const int64_t delta[] = { 1, -1, 3600, -3600, 1LL << 32 };

	for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
		union anycookie c, out;
		int64_t clear;

		sample_any(k, &c, &clear);
		assert_int_equal(seal_any(&f->kr, k, &c, b64, sizeof(b64)), 0);
		for (size_t i = 0; i < sizeof(delta) / sizeof(delta[0]); i++) {
			enum cookie_result r = open_any(&f->kr, k, b64,
			    strlen(b64), clear + delta[i], NOW, &out);
			if (k == COOKIE_WUSP_SESSION ||
			    k == COOKIE_WSUSSS_SESSION)
				assert_int_equal(r, COOKIE_INVALID);
			else	/* auth cookies have no clear Expiration */
				assert_int_equal(r, COOKIE_OK);
		}
	}
}

/* ---- sizes and garbage ---- */

static void
test_huge_input_never_read(void **state)
{
	struct fx *f = *state;
	const size_t huge = (size_t)1 << 30;
	struct wusp_session_cookie s;
	struct wusp_auth_cookie a;
	long page = 4096;
	char *p, *q;

	/* 1 GiB that cannot be read: any access would crash the test. */
	p = mmap(NULL, huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(cookie_open_wusp_session(&f->kr, p, huge, 0, NOW, &s),
	    COOKIE_INVALID);
	assert_int_equal(cookie_open_wusp_auth(&f->kr, p, huge, NOW, &a),
	    COOKIE_INVALID);
	assert_int_equal(cookie_open_wusp_auth(&f->kr, p, SIZE_MAX, NOW, &a),
	    COOKIE_INVALID);
	/* Just over the largest cookie, and odd lengths: not read either. */
	assert_int_equal(cookie_open_wusp_auth(&f->kr, p, COOKIE_B64_MAX + 4,
	    NOW, &a), COOKIE_INVALID);
	assert_int_equal(cookie_open_wusp_auth(&f->kr, p, 401, NOW, &a),
	    COOKIE_INVALID);
	munmap(p, huge);

	/* Ending right before an unreadable page: only len bytes are read. */
	p = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + page, (size_t)page, PROT_NONE), 0);
	memset(p, 'A', (size_t)page);
	q = p + page - 400;
	assert_int_equal(cookie_open_wusp_auth(&f->kr, q, 400, NOW, &a),
	    COOKIE_INVALID);
	munmap(p, 2 * (size_t)page);
}

static void
test_base64_garbage(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ], t[COOKIE_B64_BUFSZ];
	struct wusp_session_cookie s, o;
	static const char bad[] = { ' ', '-', '_', '.', '\0', '\n', '*',
	    (char)0x80, (char)0xff, '=' };
	size_t len;

	sample_session(&s);
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, b64,
	    sizeof(b64)), 0);
	len = strlen(b64);
	/* any non-alphabet byte anywhere (base64url, spaces, NUL, high) */
	for (size_t i = 0; i < len; i++) {
		for (size_t j = 0; j < sizeof(bad); j++) {
			memcpy(t, b64, len);
			t[i] = bad[j];
			assert_int_equal(cookie_open_wusp_session(&f->kr, t,
			    len, s.expires_at, NOW, &o), COOKIE_INVALID);
		}
	}
	/* all 'A' (the redaction of the captures) and all '/' */
	memset(t, 'A', len);
	assert_int_equal(cookie_open_wusp_session(&f->kr, t, len, s.expires_at,
	    NOW, &o), COOKIE_INVALID);
	memset(t, '/', len);
	assert_int_equal(cookie_open_wusp_session(&f->kr, t, len, s.expires_at,
	    NOW, &o), COOKIE_INVALID);
	/* text of the empty cookie */
	assert_int_equal(cookie_open_wusp_session(&f->kr, "", 0, s.expires_at,
	    NOW, &o), COOKIE_INVALID);
}

/* A blob whose length is not a multiple of 3 has exactly one spelling. */
static void
test_base64_canonical(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ], t[COOKIE_B64_BUFSZ];
	struct wusp_session_cookie s, o;
	size_t len;
	int padded = 0;

	sample_session(&s);
	for (int idlen = 1; idlen <= 3; idlen++) {
		s.client_id[idlen] = '\0';
		memset(s.client_id, 'a', (size_t)idlen);
		assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, b64,
		    sizeof(b64)), 0);
		len = strlen(b64);
		assert_int_equal(cookie_open_wusp_session(&f->kr, b64, len,
		    s.expires_at, NOW, &o), COOKIE_OK);
		if (b64[len - 1] != '=')
			continue;
		padded++;
		/* Change the unused low bits of the last data character:
		 * decodes to the same bytes, but is not our spelling. */
		size_t last = b64[len - 2] == '=' ? len - 3 : len - 2;
		const char *pos = strchr(B64CHARS, b64[last]);
		int mask = b64[len - 2] == '=' ? 15 : 3;
		assert_non_null(pos);
		for (int bits = 1; bits <= mask; bits++) {
			memcpy(t, b64, len);
			t[last] = B64CHARS[((pos - B64CHARS) & ~mask) | bits];
			uint8_t d1[COOKIE_BLOB_MAX], d2[COOKIE_BLOB_MAX];
			size_t n1, n2;
			assert_int_equal(base64_decode(b64, len, d1, sizeof(d1),
			    &n1), 0);
			assert_int_equal(base64_decode(t, len, d2, sizeof(d2),
			    &n2), 0);
			assert_int_equal(n1, n2);
			assert_memory_equal(d1, d2, n1);
			assert_int_equal(cookie_open_wusp_session(&f->kr, t,
			    len, s.expires_at, NOW, &o), COOKIE_INVALID);
		}
	}
	assert_int_equal(padded, 2);	/* both padding cases were covered */
}

/* ---- sealing refuses bad cookies ---- */

static void
test_seal_rejects(void **state)
{
	struct fx *f = *state;
	char b64[COOKIE_B64_BUFSZ], err[128];
	struct wusp_session_cookie s;
	struct wusp_auth_cookie a;
	struct wsusss_auth_cookie sa;
	static const char *bad_ids[] = { "", "ABC", "a b", "a_b", "a.b",
	    "caf\xc3\xa9", "a\nb" };

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		sample_session(&s);
		snprintf(s.client_id, sizeof(s.client_id), "%s", bad_ids[i]);
		snprintf(b64, sizeof(b64), "%s", "untouched");
		assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, b64,
		    sizeof(b64), err, sizeof(err)), -1);
		assert_string_equal(b64, "");
		assert_non_null(strstr(err, "client id"));
	}
	/* 256 characters: no NUL inside the 256-byte field either */
	sample_session(&s);
	memset(s.client_id, 'a', sizeof(s.client_id));
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, b64, sizeof(b64),
	    err, sizeof(err)), -1);

	sample_session(&s);
	s.n_groups = COOKIE_GROUPS_MAX + 1;
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, b64, sizeof(b64),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "groups"));

	sample_session(&s);
	s.expires_at = s.issued_at - 1;
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, b64, sizeof(b64),
	    err, sizeof(err)), -1);

	sample_auth(&a);
	a.target_claimed = false;	/* hash left behind */
	assert_int_equal(cookie_seal_wusp_auth(&f->kr, &a, b64, sizeof(b64),
	    err, sizeof(err)), -1);

	sample_ss_auth(&sa);
	snprintf(sa.account_name, sizeof(sa.account_name), "dss/1");
	assert_int_equal(cookie_seal_wsusss_auth(&f->kr, &sa, b64, sizeof(b64),
	    err, sizeof(err)), -1);
	sa.account_name[0] = '\0';
	assert_int_equal(cookie_seal_wsusss_auth(&f->kr, &sa, b64, sizeof(b64),
	    err, sizeof(err)), -1);

	/* Output buffer: one byte short fails, exact fits. */
	sample_session(&s);
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, b64,
	    sizeof(b64)), 0);
	size_t need = strlen(b64) + 1;
	char small[COOKIE_B64_BUFSZ];
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, small, need - 1,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too small"));
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, small, need,
	    NULL, 0), 0);
	assert_int_equal(strlen(small), need - 1);
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, small, 0, err,
	    sizeof(err)), -1);
}

static int
failing_nonce(uint8_t *nonce, size_t len, void *arg)
{
	(void)nonce;
	(void)len;
	(void)arg;
	return -1;
}

static void
test_nonce_failure(void **state)
{
	struct fx *f = *state;
	struct wusp_session_cookie s;
	char b64[COOKIE_B64_BUFSZ], err[128];

	sample_session(&s);
	cookie_keyring_set_nonce_source(&f->kr, failing_nonce, NULL);
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, b64, sizeof(b64),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nonce"));
	assert_string_equal(b64, "");
	cookie_keyring_set_nonce_source(&f->kr, NULL, NULL);
	assert_int_equal(cookie_seal_wusp_session(&f->kr, &s, b64, sizeof(b64),
	    err, sizeof(err)), 0);
}

/* ---- plaintext layout rules (after a matching tag) ---- */

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_roundtrip_every_kind),
		T(test_roundtrip_largest),
		T(test_nonce_is_fresh),
		T(test_tamper_every_char),
		T(test_tamper_every_bit),
		T(test_truncated_and_extended),
		T(test_wrong_key),
		T(test_subkeys_distinct),
		T(test_kind_confusion),
		T(test_expired),
		T(test_server_changed),
		T(test_clear_expiration_bound),
		T(test_huge_input_never_read),
		T(test_base64_garbage),
		T(test_base64_canonical),
		T(test_seal_rejects),
		T(test_nonce_failure),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
