/*
 * secret.h — random shared secrets and their stored hashes: a downstream
 * server's credential (wsusctl downstream credential prints the secret
 * once and stores only the hash; the MS-WSUSSS upstream side verifies
 * what a downstream presents, src/wsusss/dsauth.c).  Not where the hash
 * is kept (store/rollup.h) nor the cookie keys (src/cookie).
 *
 * A secret is 32 random bytes as 64 lower-case hex digits.  The hash is
 * "pbkdf2-sha256$ITERATIONS$SALTHEX$HASHHEX" (16-byte salt, 32-byte
 * PBKDF2-HMAC-SHA-256).  The secret has 256 bits of entropy, so the
 * iteration count (SECRET_PBKDF2_ITER) is modest on purpose: guessing is
 * out of reach anyway, and every server-sync call of a downstream
 * verifies it once.
 */
#ifndef WSUSD_UTIL_SECRET_H
#define WSUSD_UTIL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_BYTES		32
#define SECRET_STRLEN		(2 * SECRET_BYTES)
#define SECRET_PBKDF2_ITER	1000
#define SECRET_HASH_BUFSZ	160	/* enough for a hash string + NUL */

/* A new random secret (SECRET_STRLEN hex digits + NUL).  0 or -1. */
int	secret_new(char out[SECRET_STRLEN + 1]);
/* The stored form of the len bytes at secret, fresh salt.  0 or -1. */
int	secret_hash(const char *secret, size_t len,
	    char out[SECRET_HASH_BUFSZ]);
/*
 * The value of an HTTP Authorization header "Basic BASE64(user:password)"
 * (scheme in any case, blanks around; RFC 7617): user (NUL-terminated,
 * shorter than usercap) and the password bytes (*passlen, fewer than
 * passcap, not terminated).  0, or -1 when it is no such value, does not
 * decode, has no ':' or does not fit.
 */
int	secret_basic_parse(const char *value, char *user, size_t usercap,
	    char *pass, size_t passcap, size_t *passlen);
/* Does the len bytes at secret match stored (a secret_hash() string)?
 * Constant time in the secret; false for a malformed stored string. */
bool	secret_verify(const char *secret, size_t len, const char *stored);

#endif
