/*
 * test_cookie_layout.c — sealed cookies (src/cookie/cookie.c), second part:
 * the layout rules of the plaintext, known-answer vectors with a fixed
 * nonce, the real (redacted) WSUS cookies of the captures, GUID and hash
 * helpers, and concurrent use of one keyring.  Shared fixtures:
 * cookie_testlib.c.
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

static void
test_layout_rules(void **state)
{
	struct fx *f = *state;
	struct wusp_auth_cookie a;
	union anycookie out;
	uint8_t pt[COOKIE_PT_MAX], m[COOKIE_PT_MAX];
	size_t n;

	sample_auth(&a);
	n = cookie_pack(&f->kr, COOKIE_WUSP_AUTH, &a, pt, NULL, 0);
	assert_int_equal(n, COOKIE_HDR_LEN + 68 + 36 + 2 * 16);
	/* header fields where docs/COOKIES.md says they are */
	assert_int_equal(pt[0], 1);
	assert_int_equal(pt[1], COOKIE_WUSP_AUTH);
	assert_int_equal(pt[2], 36);
	assert_int_equal(pt[3], 2);
	assert_memory_equal(pt + 8, f->kr.instance, 16);
	assert_int_equal(pt[24], 7);
	assert_memory_equal(pt + COOKIE_HDR_LEN + 68, CLIENT, 36);
	assert_int_equal(cookie_unpack(&f->kr, COOKIE_WUSP_AUTH, pt, n, 0, NOW,
	    &out), COOKIE_OK);
	assert_memory_equal(&a, &out.wa, sizeof(a));

#define MUTATE(off, val) do {						\
	memcpy(m, pt, n);						\
	m[off] = (uint8_t)(val);					\
	assert_int_equal(cookie_unpack(&f->kr, COOKIE_WUSP_AUTH, m, n,	\
	    0, NOW, &out), COOKIE_INVALID);				\
	assert_true(all_zero(&out, sizeof(out.wa)));			\
} while (0)
	MUTATE(0, 2);			/* layout version */
	MUTATE(0, 0);
	MUTATE(1, COOKIE_WUSP_SESSION);	/* kind */
	MUTATE(2, 35);			/* id length disagrees with size */
	MUTATE(2, 0);			/* empty id */
	MUTATE(3, 3);			/* group count disagrees */
	MUTATE(3, 33);
	MUTATE(47, 0x80);		/* expires far before issued */
	MUTATE(COOKIE_HDR_LEN + 64, 2);	/* target_claimed not 0/1 */
	MUTATE(COOKIE_HDR_LEN + 65, 1);	/* reserved */
	MUTATE(COOKIE_HDR_LEN + 67, 1);
	MUTATE(COOKIE_HDR_LEN + 64, 0);	/* unclaimed but hash present */
	MUTATE(COOKIE_HDR_LEN + 68, 'A');	/* id charset */
	MUTATE(COOKIE_HDR_LEN + 68 + 5, '\0');
	MUTATE(COOKIE_HDR_LEN + 68 + 35, '/');
#undef MUTATE
	/* wrong total sizes */
	for (size_t len = 0; len < n; len++)
		assert_int_equal(cookie_unpack(&f->kr, COOKIE_WUSP_AUTH, pt, len,
		    0, NOW, &out), COOKIE_INVALID);
	memcpy(m, pt, n);
	m[n] = 0;
	assert_int_equal(cookie_unpack(&f->kr, COOKIE_WUSP_AUTH, m, n + 1, 0,
	    NOW, &out), COOKIE_INVALID);

	/* session reserved bytes, and the bound expiry */
	{
		struct wusp_session_cookie s;
		sample_session(&s);
		n = cookie_pack(&f->kr, COOKIE_WUSP_SESSION, &s, pt, NULL, 0);
		assert_int_equal(n, COOKIE_HDR_LEN + 24 + 36 + 16);
		assert_int_equal(cookie_unpack(&f->kr, COOKIE_WUSP_SESSION, pt,
		    n, s.expires_at, NOW, &out), COOKIE_OK);
		assert_int_equal(cookie_unpack(&f->kr, COOKIE_WUSP_SESSION, pt,
		    n, s.expires_at + 1, NOW, &out), COOKIE_INVALID);
		for (int off = 20; off < 24; off++) {
			memcpy(m, pt, n);
			m[COOKIE_HDR_LEN + off] = 1;
			assert_int_equal(cookie_unpack(&f->kr,
			    COOKIE_WUSP_SESSION, m, n, s.expires_at, NOW, &out),
			    COOKIE_INVALID);
		}
	}
	/* wsusss session carries no id */
	{
		struct wsusss_session_cookie ss;
		sample_ss_session(&ss);
		n = cookie_pack(&f->kr, COOKIE_WSUSSS_SESSION, &ss, pt, NULL, 0);
		for (int off = 20; off < 24; off++) {	/* reserved */
			memcpy(m, pt, n);
			m[COOKIE_HDR_LEN + off] = 0x80;
			assert_int_equal(cookie_unpack(&f->kr,
			    COOKIE_WSUSSS_SESSION, m, n, ss.expires_at, NOW,
			    &out), COOKIE_INVALID);
		}
		memcpy(m, pt, n);
		m[2] = 1;
		m[n] = 'a';
		assert_int_equal(cookie_unpack(&f->kr, COOKIE_WSUSSS_SESSION, m,
		    n + 1, ss.expires_at, NOW, &out), COOKIE_INVALID);
	}
	/* hooks refuse nonsense kinds */
	assert_int_equal(cookie_pack(&f->kr, 0, &a, pt, NULL, 0), 0);
	assert_int_equal(cookie_pack(&f->kr, 5, &a, pt, NULL, 0), 0);
	assert_int_equal(cookie_unpack(&f->kr, 9, pt, n, 0, NOW, &out),
	    COOKIE_ERROR);
}

/* ---- known answers (fixed nonce) ---- */

static int
counting_nonce(uint8_t *nonce, size_t len, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < len; i++)
		nonce[i] = (uint8_t)i;
	return 0;
}

/*
 * Master key 00 01 .. 1f, instance 6f1d2c4e-9a3b-4c5d-8e7f-0123456789ab,
 * generation 7, nonce 00 01 .. 0b; cookies as in sample_session() and
 * sample_ss_session().  The expected texts were cross-checked with an
 * independent implementation of docs/COOKIES.md (Python, cryptography's
 * HKDF and AESGCM); they pin the layout, the key derivation and the AAD.
 */
static const char KAT_WUSP_SESSION[] =
    "AQABAgMEBQYHCAkKCxyFb9u8OuVE6VbIBbkYgiA/4N9gg6ewktco4JPV"
    "vuhT/yTrO1jlw58fSbVAjRO4ff8r9CByqnqduHwWv9/yU3npqAQMKonC"
    "zDA5/sSPX+wCM420w/k6pdmmQECQrVMZpUV9JyVxhfZu4qDJdJdYa9J7"
    "PgXL3dUA5M6/5/UxjsrHl4G5b2JxL1fM3lGk";
static const char KAT_WSUSSS_SESSION[] =
    "AQABAgMEBQYHCAkKC11RgF0tqsA8yDdFbDOFiB7gFmRC9UMnZ4rhaWxq"
    "Qk03TPYhTUOk1svpyV5/flT1I1yE9nYKx4n83ROIuxMlOc95BTQ0cdya"
    "7Hmyqi9E/8eJkInlP33L1Xk=";

static void
test_known_answer(void **state)
{
	struct fx *f = *state;
	struct wusp_session_cookie s, o;
	struct wsusss_session_cookie ss, oo;
	char b64[COOKIE_B64_BUFSZ];

	cookie_keyring_set_nonce_source(&f->kr, counting_nonce, NULL);
	sample_session(&s);
	assert_int_equal(seal_any(&f->kr, COOKIE_WUSP_SESSION, &s, b64,
	    sizeof(b64)), 0);
	assert_string_equal(b64, KAT_WUSP_SESSION);
	sample_ss_session(&ss);
	assert_int_equal(seal_any(&f->kr, COOKIE_WSUSSS_SESSION, &ss, b64,
	    sizeof(b64)), 0);
	assert_string_equal(b64, KAT_WSUSSS_SESSION);
	cookie_keyring_set_nonce_source(&f->kr, NULL, NULL);

	/* and the pinned texts open with the ordinary keyring */
	assert_int_equal(cookie_open_wusp_session(&f->kr, KAT_WUSP_SESSION,
	    strlen(KAT_WUSP_SESSION), NOW + HOUR, NOW, &o), COOKIE_OK);
	assert_memory_equal(&s, &o, sizeof(s));
	assert_int_equal(cookie_open_wsusss_session(&f->kr, KAT_WSUSSS_SESSION,
	    strlen(KAT_WSUSSS_SESSION), NOW + 4 * HOUR, NOW, &oo), COOKIE_OK);
	assert_memory_equal(&ss, &oo, sizeof(ss));
}

/* ---- real cookies of a real WSUS (redacted by the capture) ---- */

static void
capture_value(const char *rel, const char *tag, char *val, size_t cap,
    size_t *len)
{
	const char *dir = getenv("COOKIE_FIXTURES");
	char path[1024], open_tag[64];
	char *data, *p, *e;
	size_t n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(read_file(path, 1 << 20, &data, &n), 0);
	snprintf(open_tag, sizeof(open_tag), "<%s>", tag);
	p = strstr(data, open_tag);
	assert_non_null(p);
	p += strlen(open_tag);
	e = strchr(p, '<');
	assert_non_null(e);
	assert_true((size_t)(e - p) < cap);
	memcpy(val, p, (size_t)(e - p));
	val[e - p] = '\0';
	*len = (size_t)(e - p);
	free(data);
}

static void
test_real_wsus_cookies_rejected(void **state)
{
	struct fx *f = *state;
	char v[4096];
	size_t n;
	union anycookie out;

	/* WUSP: CookieData (664 chars) and EncryptedData (300 chars). */
	capture_value("wusp-native-capture/scan/03-GetCookie.request.xml",
	    "CookieData", v, sizeof(v), &n);
	assert_int_equal(n, 664);
	for (int k = 1; k <= COOKIE_KIND_COUNT; k++)
		assert_int_equal(open_any(&f->kr, k, v, n, NOW + HOUR, NOW,
		    &out), COOKIE_INVALID);
	capture_value("wusp-native-capture/scan/04-RegisterComputer.request.xml",
	    "EncryptedData", v, sizeof(v), &n);
	assert_int_equal(n, 300);
	for (int k = 1; k <= COOKIE_KIND_COUNT; k++)
		assert_int_equal(open_any(&f->kr, k, v, n, NOW + HOUR, NOW,
		    &out), COOKIE_INVALID);
	/* WSUSSS: the DSS's CookieData and the session EncryptedData. */
	capture_value("wsusss-capture/000003-GetCookie.request.xml",
	    "CookieData", v, sizeof(v), &n);
	for (int k = 1; k <= COOKIE_KIND_COUNT; k++)
		assert_int_equal(open_any(&f->kr, k, v, n, 0, NOW, &out),
		    COOKIE_INVALID);
	capture_value("wsusss-capture/000005-GetConfigData.request.xml",
	    "EncryptedData", v, sizeof(v), &n);
	for (int k = 1; k <= COOKIE_KIND_COUNT; k++)
		assert_int_equal(open_any(&f->kr, k, v, n, 0, NOW, &out),
		    COOKIE_INVALID);
}

/* ---- helpers ---- */

static void
test_guid_and_hash(void **state)
{
	uint8_t g[16], h[32];
	char s[37], hex[65];

	assert_int_equal(cookie_guid_parse("A0A08746-4DBE-4A37-9ADF-9E7652C0B421",
	    g), 0);
	assert_int_equal(g[0], 0xa0);
	assert_int_equal(g[15], 0x21);
	cookie_guid_format(g, s);
	assert_string_equal(s, ALL_COMPUTERS);
	assert_int_equal(cookie_guid_parse("a0a08746-4dbe-4a37-9adf-9e7652c0b42",
	    g), -1);
	assert_int_equal(cookie_guid_parse("a0a08746-4dbe-4a37-9adf-9e7652c0b4211",
	    g), -1);
	assert_int_equal(cookie_guid_parse("a0a087464dbe-4a37-9adf-9e7652c0b4211",
	    g), -1);
	assert_int_equal(cookie_guid_parse("{0a08746-4dbe-4a37-9adf-9e7652c0b421",
	    g), -1);
	assert_int_equal(cookie_guid_parse("", g), -1);
	assert_int_equal(cookie_guid_parse(NULL, g), -1);
	/* FIPS 180-2 "abc" */
	assert_int_equal(cookie_hash("abc", 3, h), 0);
	hex_encode(h, 32, hex, 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(cookie_result_name(COOKIE_OK), "ok");
	assert_string_equal(cookie_result_name(COOKIE_INVALID), "invalid");
	assert_string_equal(cookie_result_name(COOKIE_EXPIRED), "expired");
	assert_string_equal(cookie_result_name(COOKIE_SERVER_CHANGED),
	    "server-changed");
	assert_string_equal(cookie_result_name(COOKIE_ERROR), "error");
}

/* ---- one keyring, many threads ---- */

struct worker {
	const struct cookie_keyring *kr;
	int id;
	int failures;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char b64[COOKIE_B64_BUFSZ];

	for (int i = 0; i < 300; i++) {
		struct wusp_session_cookie s, o;
		sample_session(&s);
		s.deployment_watermark = w->id * 1000 + i;
		if (cookie_seal_wusp_session(w->kr, &s, b64, sizeof(b64), NULL,
		    0) != 0 ||
		    cookie_open_wusp_session(w->kr, b64, strlen(b64),
		    s.expires_at, NOW, &o) != COOKIE_OK ||
		    o.deployment_watermark != s.deployment_watermark)
			w->failures++;
		b64[10] ^= 1;	/* and a broken one */
		if (cookie_open_wusp_session(w->kr, b64, strlen(b64),
		    s.expires_at, NOW, &o) != COOKIE_INVALID)
			w->failures++;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct fx *f = *state;
	pthread_t t[4];
	struct worker w[4];

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ &f->kr, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]),
		    0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_layout_rules),
		T(test_known_answer),
		T(test_real_wsus_cookies_rejected),
		T(test_guid_and_hash),
		T(test_threads),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
