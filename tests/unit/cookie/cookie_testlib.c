/*
 * cookie_testlib.c — the fixtures and sample cookies the cookie test
 * programs share (cookie_test.h).
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

const char *const ALL_COMPUTERS = "a0a08746-4dbe-4a37-9adf-9e7652c0b421";
const char *const UNASSIGNED = "b73ca6ed-5727-47f3-84de-015e03f6a88a";
const char *const CLIENT = "d4a2b6c8-1e3f-4a5b-9c7d-0e1f2a3b4c5d";
const char *const INSTANCE = "6f1d2c4e-9a3b-4c5d-8e7f-0123456789ab";

void
master_key(uint8_t m[COOKIE_KEY_LEN], uint8_t base)
{
	for (int i = 0; i < COOKIE_KEY_LEN; i++)
		m[i] = (uint8_t)(base + i);
}

void
init_kr(struct cookie_keyring *kr, uint8_t keybase, const char *instance,
    uint64_t generation)
{
	uint8_t m[COOKIE_KEY_LEN], inst[COOKIE_INSTANCE_LEN];
	char err[128];

	master_key(m, keybase);
	assert_int_equal(cookie_guid_parse(instance, inst), 0);
	assert_int_equal(cookie_keyring_init(kr, m, inst, generation, err,
	    sizeof(err)), 0);
}

int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	init_kr(&f->kr, 0, INSTANCE, 7);
	*state = f;
	return 0;
}

int
teardown(void **state)
{
	struct fx *f = *state;

	cookie_keyring_clear(&f->kr);
	free(f);
	return 0;
}

/* ---- sample cookies ---- */

void
guid(const char *s, uint8_t g[COOKIE_GUID_LEN])
{
	assert_int_equal(cookie_guid_parse(s, g), 0);
}

void
sample_session(struct wusp_session_cookie *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->client_id, sizeof(s->client_id), "%s", CLIENT);
	s->n_groups = 1;
	guid(ALL_COMPUTERS, s->groups[0]);
	s->flags = 0x5;
	s->issued_at = NOW;
	s->expires_at = NOW + HOUR;
	s->config_last_change = 1791119827590LL;	/* 13:17:07.59Z in ms */
	s->deployment_watermark = 42;
	s->proto_major = 2;
	s->proto_minor = 90;
}

void
sample_auth(struct wusp_auth_cookie *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->client_id, sizeof(a->client_id), "%s", CLIENT);
	assert_int_equal(cookie_hash("redacted3", 9, a->dns_name_hash), 0);
	a->target_claimed = true;
	assert_int_equal(cookie_hash("Servers;Ring 1", 14,
	    a->target_claim_hash), 0);
	a->n_groups = 2;
	guid(ALL_COMPUTERS, a->groups[0]);
	guid(UNASSIGNED, a->groups[1]);
	a->issued_at = NOW;
	a->expires_at = NOW + HOUR;
}

void
sample_ss_auth(struct wsusss_auth_cookie *a)
{
	memset(a, 0, sizeof(*a));
	guid("0f0e0d0c-0b0a-4908-8706-050403020100", a->dss_id);
	snprintf(a->account_name, sizeof(a->account_name),
	    "dss1.Branch-Office.example_lan");
	a->n_groups = 1;
	guid(ALL_COMPUTERS, a->groups[0]);
	a->flags = 1;
	a->issued_at = NOW;
	a->expires_at = NOW + 4 * HOUR;
}

void
sample_ss_session(struct wsusss_session_cookie *s)
{
	memset(s, 0, sizeof(*s));
	guid("0f0e0d0c-0b0a-4908-8706-050403020100", s->dss_id);
	s->n_groups = 0;
	s->issued_at = NOW;
	s->expires_at = NOW + 4 * HOUR;
	s->proto_major = 1;
	s->proto_minor = 20;
}

/* Largest legal cookie of each kind: 255-char id, 32 groups. */
void
fill_max(char *id, unsigned *n, uint8_t groups[][COOKIE_GUID_LEN],
    const char *alphabet)
{
	size_t al = strlen(alphabet);

	if (id != NULL) {
		for (int i = 0; i < COOKIE_ID_MAX; i++)
			id[i] = alphabet[i % al];
		id[COOKIE_ID_MAX] = '\0';
	}
	*n = COOKIE_GROUPS_MAX;
	for (int i = 0; i < COOKIE_GROUPS_MAX; i++)
		memset(groups[i], 0xa0 + i, COOKIE_GUID_LEN);
}

/*
 * Generic seal/open of any kind, so that loops can treat kinds alike.
 * c is a struct of that kind; clear is the clear Expiration to present.
 */
int
seal_any(const struct cookie_keyring *kr, enum cookie_kind k, const void *c,
    char *out, size_t outlen)
{
	char err[128] = "";
	int rc = -1;

	switch (k) {
	case COOKIE_WUSP_AUTH:
		rc = cookie_seal_wusp_auth(kr, c, out, outlen, err, sizeof(err));
		break;
	case COOKIE_WUSP_SESSION:
		rc = cookie_seal_wusp_session(kr, c, out, outlen, err,
		    sizeof(err));
		break;
	case COOKIE_WSUSSS_AUTH:
		rc = cookie_seal_wsusss_auth(kr, c, out, outlen, err,
		    sizeof(err));
		break;
	case COOKIE_WSUSSS_SESSION:
		rc = cookie_seal_wsusss_session(kr, c, out, outlen, err,
		    sizeof(err));
		break;
	}
	if (rc != 0)
		assert_true(err[0] != '\0');
	return rc;
}

enum cookie_result
open_any(const struct cookie_keyring *kr, enum cookie_kind k, const char *b64,
    size_t len, int64_t clear, int64_t now, union anycookie *out)
{
	switch (k) {
	case COOKIE_WUSP_AUTH:
		return cookie_open_wusp_auth(kr, b64, len, now, &out->wa);
	case COOKIE_WUSP_SESSION:
		return cookie_open_wusp_session(kr, b64, len, clear, now,
		    &out->ws);
	case COOKIE_WSUSSS_AUTH:
		return cookie_open_wsusss_auth(kr, b64, len, now, &out->sa);
	case COOKIE_WSUSSS_SESSION:
		return cookie_open_wsusss_session(kr, b64, len, clear, now,
		    &out->ss);
	}
	fail();
	return COOKIE_ERROR;
}

size_t
struct_size(enum cookie_kind k)
{
	switch (k) {
	case COOKIE_WUSP_AUTH: return sizeof(struct wusp_auth_cookie);
	case COOKIE_WUSP_SESSION: return sizeof(struct wusp_session_cookie);
	case COOKIE_WSUSSS_AUTH: return sizeof(struct wsusss_auth_cookie);
	case COOKIE_WSUSSS_SESSION: return sizeof(struct wsusss_session_cookie);
	}
	return 0;
}

/* One sample of each kind; its clear Expiration in *clear. */
void
sample_any(enum cookie_kind k, union anycookie *c, int64_t *clear)
{
	switch (k) {
	case COOKIE_WUSP_AUTH:
		sample_auth(&c->wa);
		*clear = 0;
		break;
	case COOKIE_WUSP_SESSION:
		sample_session(&c->ws);
		*clear = c->ws.expires_at;
		break;
	case COOKIE_WSUSSS_AUTH:
		sample_ss_auth(&c->sa);
		*clear = 0;
		break;
	case COOKIE_WSUSSS_SESSION:
		sample_ss_session(&c->ss);
		*clear = c->ss.expires_at;
		break;
	}
}

bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}
