/*
 * secret.c — random shared secrets and their PBKDF2-HMAC-SHA-256 hashes
 * (secret.h).  Not the storage of the hash nor the protocol that carries
 * the secret.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/encode.h"
#include "util/hex.h"
#include "util/secret.h"

#define SALT_BYTES	16
#define HASH_BYTES	32
#define PREFIX		"pbkdf2-sha256$"

int
secret_new(char out[SECRET_STRLEN + 1])
{
	uint8_t r[SECRET_BYTES];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	hex_encode(r, sizeof(r), out, 0);
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

static int
derive(const char *secret, size_t len, const uint8_t *salt, unsigned iter,
    uint8_t out[HASH_BYTES])
{
	return PKCS5_PBKDF2_HMAC(secret, (int)len, salt, SALT_BYTES,
	    (int)iter, EVP_sha256(), HASH_BYTES, out) == 1 ? 0 : -1;
}

int
secret_hash(const char *secret, size_t len, char out[SECRET_HASH_BUFSZ])
{
	uint8_t salt[SALT_BYTES], h[HASH_BYTES];
	char shex[2 * SALT_BYTES + 1], hhex[2 * HASH_BYTES + 1];

	if (len > 1024 || RAND_bytes(salt, sizeof(salt)) != 1 ||
	    derive(secret, len, salt, SECRET_PBKDF2_ITER, h) != 0)
		return -1;
	hex_encode(salt, sizeof(salt), shex, 0);
	hex_encode(h, sizeof(h), hhex, 0);
	snprintf(out, SECRET_HASH_BUFSZ, PREFIX "%u$%s$%s",
	    (unsigned)SECRET_PBKDF2_ITER, shex, hhex);
	return 0;
}

bool
secret_verify(const char *secret, size_t len, const char *stored)
{
	uint8_t salt[SALT_BYTES], want[HASH_BYTES], got[HASH_BYTES];
	const char *p, *d1, *d2;
	unsigned long iter;
	char *end;
	bool ok;

	if (stored == NULL || len > 1024 ||
	    strncmp(stored, PREFIX, sizeof(PREFIX) - 1) != 0)
		return false;
	p = stored + sizeof(PREFIX) - 1;
	if (*p < '1' || *p > '9')
		return false;
	iter = strtoul(p, &end, 10);
	if (*end != '$' || iter > 10000000)
		return false;
	d1 = end + 1;
	if ((d2 = strchr(d1, '$')) == NULL ||
	    hex_decode_n(d1, (size_t)(d2 - d1), salt, sizeof(salt)) != 0 ||
	    hex_decode(d2 + 1, want, sizeof(want)) != 0)
		return false;
	if (derive(secret, len, salt, (unsigned)iter, got) != 0)
		return false;
	ok = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

#define BASIC_MAX	1024	/* decoded user:password bytes */

int
secret_basic_parse(const char *value, char *user, size_t usercap,
    char *pass, size_t passcap, size_t *passlen)
{
	uint8_t dec[BASIC_MAX];
	const char *colon;
	size_t n = 0, ulen, vlen;
	int r = -1;

	*passlen = 0;
	if (usercap == 0)
		return -1;
	user[0] = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	if (strncasecmp(value, "Basic", 5) != 0 ||
	    (value[5] != ' ' && value[5] != '\t'))
		return -1;
	value += 5;
	while (*value == ' ' || *value == '\t')
		value++;
	vlen = strlen(value);
	while (vlen > 0 && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
		vlen--;
	if (vlen == 0 || base64_decode(value, vlen, dec, sizeof(dec), &n) != 0 ||
	    (colon = memchr(dec, ':', n)) == NULL)
		goto out;
	ulen = (size_t)(colon - (const char *)dec);
	if (ulen >= usercap || n - ulen - 1 >= passcap ||
	    memchr(dec, '\0', ulen) != NULL)
		goto out;
	memcpy(user, dec, ulen);
	user[ulen] = '\0';
	*passlen = n - ulen - 1;
	memcpy(pass, colon + 1, *passlen);
	r = 0;
out:
	OPENSSL_cleanse(dec, sizeof(dec));
	return r;
}
