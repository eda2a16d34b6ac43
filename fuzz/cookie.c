/*
 * fuzz/cookie.c — libFuzzer target for the sealed cookies (src/wusp/
 * cookie.c) with a fixed key.
 *
 * Input: byte 0 selects the mode, bytes 1..8 are the clear Expiration
 * (int64 LE) presented with session cookies, the rest is the payload.
 *   mode bit 7 clear: the payload is cookie text, opened as every kind.
 *     Anything that opens must re-seal and re-open to the same struct.
 *   mode bit 7 set: the payload is a plaintext (the bytes after a matching
 *     tag), checked by cookie_unpack() as kind (mode & 3) + 1.  What is
 *     accepted must pack back to the very same bytes (one encoding per
 *     cookie) and survive a seal/open round trip.
 * The seeds in fuzz/corpus/cookie/ are real cookies and plaintexts made
 * with this key (see docs/COOKIES.md, "Fuzzing").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookie/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW	1791126216	/* 2026-10-04T15:03:36Z */

static const struct cookie_keyring *
keyring(void)
{
	static struct cookie_keyring kr;
	static int ready;
	uint8_t master[COOKIE_KEY_LEN], inst[COOKIE_INSTANCE_LEN];

	if (!ready) {
		for (int i = 0; i < COOKIE_KEY_LEN; i++)
			master[i] = (uint8_t)i;
		if (cookie_guid_parse("6f1d2c4e-9a3b-4c5d-8e7f-0123456789ab",
		    inst) != 0 ||
		    cookie_keyring_init(&kr, master, inst, 7, NULL, 0) != 0)
			abort();
		ready = 1;
	}
	return &kr;
}

union anycookie {
	struct wusp_auth_cookie wa;
	struct wusp_session_cookie ws;
	struct wsusss_auth_cookie sa;
	struct wsusss_session_cookie ss;
};

static size_t
struct_size(enum cookie_kind k)
{
	switch (k) {
	case COOKIE_WUSP_AUTH: return sizeof(struct wusp_auth_cookie);
	case COOKIE_WUSP_SESSION: return sizeof(struct wusp_session_cookie);
	case COOKIE_WSUSSS_AUTH: return sizeof(struct wsusss_auth_cookie);
	case COOKIE_WSUSSS_SESSION: return sizeof(struct wsusss_session_cookie);
	}
	abort();
}

static enum cookie_result
open_any(enum cookie_kind k, const char *b64, size_t len, int64_t clear,
    union anycookie *out)
{
	const struct cookie_keyring *kr = keyring();

	switch (k) {
	case COOKIE_WUSP_AUTH:
		return cookie_open_wusp_auth(kr, b64, len, FUZZ_NOW, &out->wa);
	case COOKIE_WUSP_SESSION:
		return cookie_open_wusp_session(kr, b64, len, clear, FUZZ_NOW,
		    &out->ws);
	case COOKIE_WSUSSS_AUTH:
		return cookie_open_wsusss_auth(kr, b64, len, FUZZ_NOW,
		    &out->sa);
	case COOKIE_WSUSSS_SESSION:
		return cookie_open_wsusss_session(kr, b64, len, clear,
		    FUZZ_NOW, &out->ss);
	}
	abort();
}

static int
seal_any(enum cookie_kind k, const union anycookie *c, char *out)
{
	const struct cookie_keyring *kr = keyring();

	switch (k) {
	case COOKIE_WUSP_AUTH:
		return cookie_seal_wusp_auth(kr, &c->wa, out, COOKIE_B64_BUFSZ,
		    NULL, 0);
	case COOKIE_WUSP_SESSION:
		return cookie_seal_wusp_session(kr, &c->ws, out,
		    COOKIE_B64_BUFSZ, NULL, 0);
	case COOKIE_WSUSSS_AUTH:
		return cookie_seal_wsusss_auth(kr, &c->sa, out,
		    COOKIE_B64_BUFSZ, NULL, 0);
	case COOKIE_WSUSSS_SESSION:
		return cookie_seal_wsusss_session(kr, &c->ss, out,
		    COOKIE_B64_BUFSZ, NULL, 0);
	}
	abort();
}

static int64_t
expiry_of(enum cookie_kind k, const union anycookie *c)
{
	switch (k) {
	case COOKIE_WUSP_AUTH: return c->wa.expires_at;
	case COOKIE_WUSP_SESSION: return c->ws.expires_at;
	case COOKIE_WSUSSS_AUTH: return c->sa.expires_at;
	case COOKIE_WSUSSS_SESSION: return c->ss.expires_at;
	}
	abort();
}

/* An accepted cookie must seal again and open to the same struct. */
static void
reseal(enum cookie_kind k, const union anycookie *c, enum cookie_result r)
{
	char b64[COOKIE_B64_BUFSZ];
	union anycookie again;

	if (seal_any(k, c, b64) != 0)
		abort();
	/* re-sealing stamps our own instance: SERVER_CHANGED turns into
	 * OK or EXPIRED */
	if (r == COOKIE_SERVER_CHANGED)
		r = FUZZ_NOW >= expiry_of(k, c) ? COOKIE_EXPIRED : COOKIE_OK;
	if (open_any(k, b64, strlen(b64), expiry_of(k, c), &again) != r ||
	    memcmp(c, &again, struct_size(k)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union anycookie out;
	uint8_t mode;
	int64_t clear = 0;

	if (size < 9)
		return 0;
	mode = data[0];
	for (int i = 7; i >= 0; i--)
		clear = (int64_t)((uint64_t)clear << 8 | data[1 + i]);
	data += 9;
	size -= 9;

	if ((mode & 0x80) == 0) {
		for (int k = 1; k <= COOKIE_KIND_COUNT; k++) {
			enum cookie_result r = open_any(k, (const char *)data,
			    size, clear, &out);
			if (r == COOKIE_ERROR)
				abort();
			if (r != COOKIE_INVALID)
				reseal(k, &out, r);
		}
		return 0;
	}

	enum cookie_kind k = (enum cookie_kind)((mode & 3) + 1);
	enum cookie_result r = cookie_unpack(keyring(), k, data, size, clear,
	    FUZZ_NOW, &out);
	if (r == COOKIE_ERROR)
		abort();
	if (r == COOKIE_INVALID)
		return 0;
	if (r != COOKIE_SERVER_CHANGED) {
		uint8_t pt[COOKIE_PT_MAX];
		size_t n = cookie_pack(keyring(), k, &out, pt, NULL, 0);
		if (n != size || memcmp(pt, data, n) != 0)
			abort();
	}
	reseal(k, &out, r);
	return 0;
}
