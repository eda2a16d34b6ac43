/*
 * cookie_test.h — what the cookie test programs (test_cookie.c,
 * test_cookie_layout.c) share: the fixed clock, sample GUIDs, a keyring
 * fixture, one sample cookie of each kind, and seal/open of any kind so
 * that loops can treat the kinds alike (cookie_testlib.c).
 */
#ifndef WSUSD_TESTS_COOKIE_TEST_H
#define WSUSD_TESTS_COOKIE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cookie/cookie.h"

#define NOW		1791126216	/* 2026-10-04T15:03:36Z, the capture's */
#define HOUR		3600

extern const char *const ALL_COMPUTERS, *const UNASSIGNED, *const CLIENT,
    *const INSTANCE;

struct fx {
	struct cookie_keyring kr;	/* master 00..1f, INSTANCE, generation 7 */
};

union anycookie {
	struct wusp_auth_cookie wa;
	struct wusp_session_cookie ws;
	struct wsusss_auth_cookie sa;
	struct wsusss_session_cookie ss;
};

void	master_key(uint8_t m[COOKIE_KEY_LEN], uint8_t base);
void	init_kr(struct cookie_keyring *kr, uint8_t keybase,
	    const char *instance, uint64_t generation);
/* cmocka group fixtures: a struct fx in *state. */
int	setup(void **state);
int	teardown(void **state);
void	guid(const char *s, uint8_t g[COOKIE_GUID_LEN]);
void	sample_session(struct wusp_session_cookie *s);
void	sample_auth(struct wusp_auth_cookie *a);
void	sample_ss_auth(struct wsusss_auth_cookie *a);
void	sample_ss_session(struct wsusss_session_cookie *s);
/* Largest legal cookie of each kind: 255-char id, 32 groups. */
void	fill_max(char *id, unsigned *n, uint8_t groups[][COOKIE_GUID_LEN],
	    const char *alphabet);
int	seal_any(const struct cookie_keyring *kr, enum cookie_kind k,
	    const void *c, char *out, size_t outlen);
enum cookie_result open_any(const struct cookie_keyring *kr,
	    enum cookie_kind k, const char *b64, size_t len, int64_t clear,
	    int64_t now, union anycookie *out);
size_t	struct_size(enum cookie_kind k);
/* One sample of each kind; its clear Expiration in *clear. */
void	sample_any(enum cookie_kind k, union anycookie *c, int64_t *clear);
bool	all_zero(const void *p, size_t n);

#endif
