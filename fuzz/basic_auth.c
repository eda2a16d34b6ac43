/*
 * fuzz/basic_auth.c — libFuzzer target for the downstream credential
 * parsers of util/secret.h: secret_basic_parse() over the input as an
 * Authorization header value, and secret_verify() of the input against a
 * fixed stored hash and of a fixed secret against the input as a stored
 * hash.  Invariants checked (abort on violation): a parsed user is
 * NUL-terminated and fits, the password fits; user:password encoded
 * again parses to the same; only the right secret verifies.
 *
 * Seeds (fuzz/corpus/basic_auth/): what a wsusd downstream sends (user =
 * its GUID, a 64-hex secret), RFC 7617's example, and hostile forms (no
 * colon, bad base64, other schemes, NUL in the user, stored-hash shapes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/encode.h"
#include "util/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* secret_hash(SECRET) with a fixed salt */
#define STORED	"pbkdf2-sha256$1000$000102030405060708090a0b0c0d0e0f$"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v, user[128], user2[128], pass[128], pass2[128];
	char line[300], b64[420], head[440];
	size_t plen = 0, plen2 = 0, ulen;

	if (size > 4096 || (v = malloc(size + 1)) == NULL)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	if (secret_basic_parse(v, user, sizeof(user), pass, sizeof(pass),
	    &plen) == 0) {
		ulen = strlen(user);
		if (ulen >= sizeof(user) || plen >= sizeof(pass))
			abort();
		memcpy(line, user, ulen);
		line[ulen] = ':';
		memcpy(line + ulen + 1, pass, plen);
		base64_encode((const uint8_t *)line, ulen + 1 + plen, b64);
		memcpy(head, "Basic ", 6);
		memcpy(head + 6, b64, strlen(b64) + 1);
		if (secret_basic_parse(head, user2, sizeof(user2), pass2,
		    sizeof(pass2), &plen2) != 0 || strcmp(user, user2) != 0 ||
		    plen != plen2 || memcmp(pass, pass2, plen) != 0)
			abort();
	}
	/* the input as a stored hash: never crashes; bounded work */
	if (strncmp(v, "pbkdf2-sha256$", 14) == 0 && size < 200 &&
	    (size < 15 || v[14] != '1' || strspn(v + 14, "0123456789") <= 4))
		(void)secret_verify(SECRET, strlen(SECRET), v);
	/* the input as a secret against a stored hash that matches no input
	 * shorter than 64 bytes (the hash part is not SECRET's) */
	if (size < 64 && secret_verify(v, size, STORED
	    "00000000000000000000000000000000"
	    "00000000000000000000000000000000"))
		abort();
	free(v);
	return 0;
}
