/*
 * cookie.c — see cookie.h; byte layouts in docs/COOKIES.md.
 *
 * Sealed form:  version(1) || nonce(12) || AES-256-GCM(subkey[kind],
 *               plaintext, aad) || tag(16), then base64.
 * AAD (10 bytes, not sent):  version(1) || kind(1) || clear Expiration
 *               (int64 LE; 0 for the auth kinds, which have none).
 * Plaintext:    header(48) || body(kind) || id(L) || group ids(16 * N).
 *
 * Opening never allocates anything sized by the input: the text is
 * length-checked against the kind's bounds first, then decoded into a
 * COOKIE_BLOB_MAX stack buffer.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "util/encode.h"
#include "util/guid.h"
#include "util/le.h"
#include "cookie/cookie.h"

#define ENVELOPE_VERSION	1	/* AES-256-GCM, HKDF info ".../v1/..." */
#define LAYOUT_VERSION		1	/* plaintext byte 0 */
#define AAD_LEN			10

/* Header offsets (docs/COOKIES.md, "Plaintext header"). */
#define H_VERSION	0
#define H_KIND		1
#define H_IDLEN		2
#define H_NGROUPS	3
#define H_FLAGS		4
#define H_INSTANCE	8
#define H_GENERATION	24
#define H_ISSUED	32
#define H_EXPIRES	40

enum idset {
	ID_NONE,		/* no id: L must be 0 */
	ID_CLIENT,		/* ClientIdString: [a-z0-9-] */
	ID_ACCOUNT,		/* accountName (FQDN): [A-Za-z0-9._-] */
};

struct kind_desc {
	const char  *name;	/* HKDF info suffix and messages */
	size_t	     body_len;
	enum idset   idset;
	bool	     clear_exp;	/* a clear Expiration travels with it */
};

static const struct kind_desc kinds[COOKIE_KIND_COUNT + 1] = {
	[COOKIE_WUSP_AUTH] = { "wusp-auth", 68, ID_CLIENT, false },
	[COOKIE_WUSP_SESSION] = { "wusp-session", 24, ID_CLIENT, true },
	[COOKIE_WSUSSS_AUTH] = { "wsusss-auth", 16, ID_ACCOUNT, false },
	[COOKIE_WSUSSS_SESSION] = { "wsusss-session", 24, ID_NONE, true },
};

/*
 * Every typed cookie, seen through its common fields.  Pointers refer into
 * the typed struct (pack: const, unpack: written).
 */
struct common {
	char	 *id;			/* NUL-terminated, or NULL (ID_NONE) */
	unsigned *n_groups;
	uint8_t	(*groups)[COOKIE_GUID_LEN];
	uint32_t *flags;
	int64_t	 *issued_at;
	int64_t	 *expires_at;
};

static void
seterr(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

static bool
kind_ok(enum cookie_kind kind)
{
	return kind >= COOKIE_WUSP_AUTH && kind <= COOKIE_WSUSSS_SESSION;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* ---- ids ---- */

static bool
id_char_ok(enum idset set, unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
		return set == ID_CLIENT || set == ID_ACCOUNT;
	if ((c >= 'A' && c <= 'Z') || c == '.' || c == '_')
		return set == ID_ACCOUNT;
	return false;
}

/* An id of len bytes obeys its set's rules. */
static bool
id_ok(enum idset set, const char *s, size_t len)
{
	if (set == ID_NONE)
		return len == 0;
	if (len < 1 || len > COOKIE_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!id_char_ok(set, (unsigned char)s[i]))
			return false;
	return true;
}

/* ---- typed <-> common views ---- */

/* c is a struct of the kind; pack passes a const one and only reads. */
static void
view(enum cookie_kind kind, void *c, struct common *v)
{
	switch (kind) {
	case COOKIE_WUSP_AUTH: {
		struct wusp_auth_cookie *a = c;
		*v = (struct common){ a->client_id, &a->n_groups, a->groups,
		    &a->flags, &a->issued_at, &a->expires_at };
		break;
	}
	case COOKIE_WUSP_SESSION: {
		struct wusp_session_cookie *s = c;
		*v = (struct common){ s->client_id, &s->n_groups, s->groups,
		    &s->flags, &s->issued_at, &s->expires_at };
		break;
	}
	case COOKIE_WSUSSS_AUTH: {
		struct wsusss_auth_cookie *a = c;
		*v = (struct common){ a->account_name, &a->n_groups, a->groups,
		    &a->flags, &a->issued_at, &a->expires_at };
		break;
	}
	case COOKIE_WSUSSS_SESSION: {
		struct wsusss_session_cookie *s = c;
		*v = (struct common){ NULL, &s->n_groups, s->groups,
		    &s->flags, &s->issued_at, &s->expires_at };
		break;
	}
	}
}

static size_t
kind_struct_size(enum cookie_kind kind)
{
	switch (kind) {
	case COOKIE_WUSP_AUTH:
		return sizeof(struct wusp_auth_cookie);
	case COOKIE_WUSP_SESSION:
		return sizeof(struct wusp_session_cookie);
	case COOKIE_WSUSSS_AUTH:
		return sizeof(struct wsusss_auth_cookie);
	case COOKIE_WSUSSS_SESSION:
		return sizeof(struct wsusss_session_cookie);
	}
	return 0;
}

/* ---- plaintext ---- */

size_t
cookie_pack(const struct cookie_keyring *kr, enum cookie_kind kind,
    const void *c, uint8_t pt[COOKIE_PT_MAX], char *err, size_t errlen)
{
	const struct kind_desc *k;
	struct common v;
	size_t idlen, len;
	uint8_t *body, *tail;

	if (!kind_ok(kind) || c == NULL) {
		seterr(err, errlen, "cookie: unknown kind");
		return 0;
	}
	k = &kinds[kind];
	view(kind, (void *)(uintptr_t)c, &v);
	idlen = v.id != NULL ? strnlen(v.id, COOKIE_ID_MAX + 1) : 0;
	if (!id_ok(k->idset, v.id, idlen)) {
		seterr(err, errlen, k->idset == ID_CLIENT ?
		    "cookie: client id must be 1-255 of [a-z0-9-]" :
		    "cookie: account name must be 1-255 of [A-Za-z0-9._-]");
		return 0;
	}
	if (*v.n_groups > COOKIE_GROUPS_MAX) {
		seterr(err, errlen, "cookie: more than 32 target groups");
		return 0;
	}
	if (*v.expires_at < *v.issued_at) {
		seterr(err, errlen, "cookie: expires before it is issued");
		return 0;
	}
	len = COOKIE_HDR_LEN + k->body_len + idlen + 16 * (size_t)*v.n_groups;
	memset(pt, 0, len);
	pt[H_VERSION] = LAYOUT_VERSION;
	pt[H_KIND] = (uint8_t)kind;
	pt[H_IDLEN] = (uint8_t)idlen;
	pt[H_NGROUPS] = (uint8_t)*v.n_groups;
	le_put32(pt + H_FLAGS, *v.flags);
	memcpy(pt + H_INSTANCE, kr->instance, COOKIE_INSTANCE_LEN);
	le_put64(pt + H_GENERATION, kr->generation);
	le_put64(pt + H_ISSUED, (uint64_t)*v.issued_at);
	le_put64(pt + H_EXPIRES, (uint64_t)*v.expires_at);

	body = pt + COOKIE_HDR_LEN;
	switch (kind) {
	case COOKIE_WUSP_AUTH: {
		const struct wusp_auth_cookie *a = c;
		if (!a->target_claimed &&
		    !all_zero(a->target_claim_hash, COOKIE_HASH_LEN)) {
			seterr(err, errlen,
			    "cookie: target claim hash without a claim");
			return 0;
		}
		memcpy(body, a->dns_name_hash, COOKIE_HASH_LEN);
		memcpy(body + 32, a->target_claim_hash, COOKIE_HASH_LEN);
		body[64] = a->target_claimed ? 1 : 0;
		break;
	}
	case COOKIE_WUSP_SESSION: {
		const struct wusp_session_cookie *s = c;
		le_put64(body, (uint64_t)s->config_last_change);
		le_put64(body + 8, (uint64_t)s->deployment_watermark);
		le_put16(body + 16, s->proto_major);
		le_put16(body + 18, s->proto_minor);
		break;
	}
	case COOKIE_WSUSSS_AUTH: {
		const struct wsusss_auth_cookie *a = c;
		memcpy(body, a->dss_id, COOKIE_GUID_LEN);
		break;
	}
	case COOKIE_WSUSSS_SESSION: {
		const struct wsusss_session_cookie *s = c;
		memcpy(body, s->dss_id, COOKIE_GUID_LEN);
		le_put16(body + 16, s->proto_major);
		le_put16(body + 18, s->proto_minor);
		break;
	}
	}
	tail = body + k->body_len;
	if (idlen > 0)
		memcpy(tail, v.id, idlen);
	if (*v.n_groups > 0)
		memcpy(tail + idlen, v.groups, 16 * (size_t)*v.n_groups);
	return len;
}

/* Layout checks of an authentic plaintext; fills out (zeroed by caller). */
static bool
unpack_fields(enum cookie_kind kind, const uint8_t *pt, size_t len,
    int64_t clear_expiration, void *out)
{
	const struct kind_desc *k = &kinds[kind];
	const uint8_t *body, *tail;
	struct common v;
	size_t idlen, ngroups;
	int64_t issued, expires;

	if (len < COOKIE_HDR_LEN + k->body_len || len > COOKIE_PT_MAX)
		return false;
	if (pt[H_VERSION] != LAYOUT_VERSION || pt[H_KIND] != (uint8_t)kind)
		return false;
	idlen = pt[H_IDLEN];
	ngroups = pt[H_NGROUPS];
	if (ngroups > COOKIE_GROUPS_MAX ||
	    len != COOKIE_HDR_LEN + k->body_len + idlen + 16 * ngroups)
		return false;
	body = pt + COOKIE_HDR_LEN;
	tail = body + k->body_len;
	if (!id_ok(k->idset, (const char *)tail, idlen))
		return false;
	issued = (int64_t)le_get64(pt + H_ISSUED);
	expires = (int64_t)le_get64(pt + H_EXPIRES);
	if (expires < issued)
		return false;
	if (k->clear_exp && expires != clear_expiration)
		return false;

	switch (kind) {
	case COOKIE_WUSP_AUTH: {
		struct wusp_auth_cookie *a = out;
		if (body[64] > 1 || !all_zero(body + 65, 3))
			return false;
		if (body[64] == 0 && !all_zero(body + 32, COOKIE_HASH_LEN))
			return false;
		memcpy(a->dns_name_hash, body, COOKIE_HASH_LEN);
		memcpy(a->target_claim_hash, body + 32, COOKIE_HASH_LEN);
		a->target_claimed = body[64] == 1;
		break;
	}
	case COOKIE_WUSP_SESSION: {
		struct wusp_session_cookie *s = out;
		if (!all_zero(body + 20, 4))
			return false;
		s->config_last_change = (int64_t)le_get64(body);
		s->deployment_watermark = (int64_t)le_get64(body + 8);
		s->proto_major = le_get16(body + 16);
		s->proto_minor = le_get16(body + 18);
		break;
	}
	case COOKIE_WSUSSS_AUTH: {
		struct wsusss_auth_cookie *a = out;
		memcpy(a->dss_id, body, COOKIE_GUID_LEN);
		break;
	}
	case COOKIE_WSUSSS_SESSION: {
		struct wsusss_session_cookie *s = out;
		if (!all_zero(body + 20, 4))
			return false;
		memcpy(s->dss_id, body, COOKIE_GUID_LEN);
		s->proto_major = le_get16(body + 16);
		s->proto_minor = le_get16(body + 18);
		break;
	}
	}
	view(kind, out, &v);
	if (v.id != NULL) {
		memcpy(v.id, tail, idlen);
		v.id[idlen] = '\0';
	}
	*v.n_groups = (unsigned)ngroups;
	if (ngroups > 0)
		memcpy(v.groups, tail + idlen, 16 * ngroups);
	*v.flags = le_get32(pt + H_FLAGS);
	*v.issued_at = issued;
	*v.expires_at = expires;
	return true;
}

enum cookie_result
cookie_unpack(const struct cookie_keyring *kr, enum cookie_kind kind,
    const uint8_t *pt, size_t len, int64_t clear_expiration, int64_t now,
    void *out)
{
	if (!kind_ok(kind) || out == NULL)
		return COOKIE_ERROR;
	memset(out, 0, kind_struct_size(kind));
	if (kr == NULL)
		return COOKIE_ERROR;
	if (pt == NULL ||
	    !unpack_fields(kind, pt, len, clear_expiration, out)) {
		memset(out, 0, kind_struct_size(kind));
		return COOKIE_INVALID;
	}
	/* Another instance first: its cookie state is wrong even if fresh. */
	if (memcmp(pt + H_INSTANCE, kr->instance, COOKIE_INSTANCE_LEN) != 0 ||
	    le_get64(pt + H_GENERATION) != kr->generation)
		return COOKIE_SERVER_CHANGED;
	if (now >= (int64_t)le_get64(pt + H_EXPIRES))
		return COOKIE_EXPIRED;
	return COOKIE_OK;
}

/* ---- envelope ---- */

static void
make_aad(uint8_t aad[AAD_LEN], enum cookie_kind kind, int64_t clear_exp)
{
	aad[0] = ENVELOPE_VERSION;
	aad[1] = (uint8_t)kind;
	le_put64(aad + 2, kinds[kind].clear_exp ? (uint64_t)clear_exp : 0);
}

static int
seal(const struct cookie_keyring *kr, enum cookie_kind kind, const void *c,
    char *out, size_t outlen, char *err, size_t errlen)
{
	uint8_t pt[COOKIE_PT_MAX], blob[COOKIE_BLOB_MAX], aad[AAD_LEN];
	EVP_CIPHER_CTX *ctx = NULL;
	struct common v;
	size_t ptlen, bloblen;
	int n, rc = -1;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (kr == NULL || kr->aead == NULL || out == NULL) {
		seterr(err, errlen, "cookie: keyring not initialised");
		return -1;
	}
	if ((ptlen = cookie_pack(kr, kind, c, pt, err, errlen)) == 0)
		return -1;
	bloblen = COOKIE_OVERHEAD + ptlen;
	if (outlen < 4 * ((bloblen + 2) / 3) + 1) {
		seterr(err, errlen, "cookie: output buffer too small");
		goto done;
	}
	view(kind, (void *)(uintptr_t)c, &v);
	make_aad(aad, kind, *v.expires_at);
	blob[0] = ENVELOPE_VERSION;
	if ((kr->nonce_fn != NULL ?
	    kr->nonce_fn(blob + 1, COOKIE_NONCE_LEN, kr->nonce_arg) :
	    (RAND_bytes(blob + 1, COOKIE_NONCE_LEN) == 1 ? 0 : -1)) != 0) {
		seterr(err, errlen, "cookie: no random nonce");
		goto done;
	}
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex2(ctx, kr->aead, kr->subkey[kind - 1],
	    blob + 1, NULL) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, AAD_LEN) != 1 ||
	    EVP_EncryptUpdate(ctx, blob + 1 + COOKIE_NONCE_LEN, &n, pt,
	    (int)ptlen) != 1 || (size_t)n != ptlen ||
	    EVP_EncryptFinal_ex(ctx, blob + 1 + COOKIE_NONCE_LEN + ptlen,
	    &n) != 1 || n != 0 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, COOKIE_TAG_LEN,
	    blob + 1 + COOKIE_NONCE_LEN + ptlen) != 1) {
		seterr(err, errlen, "cookie: AES-GCM encryption failed");
		goto done;
	}
	base64_encode(blob, bloblen, out);
	rc = 0;
done:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}

/*
 * Shortest and longest base64 text of a kind: the header and body are
 * fixed; the id and the groups may each be empty or full.
 */
static void
b64_bounds(enum cookie_kind kind, size_t *min, size_t *max)
{
	const struct kind_desc *k = &kinds[kind];
	size_t lo = COOKIE_OVERHEAD + COOKIE_HDR_LEN + k->body_len;
	size_t hi = lo + 16 * COOKIE_GROUPS_MAX;

	if (k->idset != ID_NONE) {
		lo += 1;
		hi += COOKIE_ID_MAX;
	}
	*min = 4 * ((lo + 2) / 3);
	*max = 4 * ((hi + 2) / 3);
}

static enum cookie_result
open_blob(const struct cookie_keyring *kr, enum cookie_kind kind,
    const char *b64, size_t len, int64_t clear_exp, int64_t now, void *out)
{
	uint8_t blob[COOKIE_BLOB_MAX], pt[COOKIE_PT_MAX], aad[AAD_LEN];
	char canon[COOKIE_B64_BUFSZ];
	EVP_CIPHER_CTX *ctx = NULL;
	enum cookie_result r = COOKIE_INVALID;
	size_t lo, hi, bloblen, ptlen;
	int n;

	if (!kind_ok(kind) || out == NULL)
		return COOKIE_ERROR;
	memset(out, 0, kind_struct_size(kind));
	if (kr == NULL || kr->aead == NULL)
		return COOKIE_ERROR;
	/* Size first: nothing is read from a text of the wrong length. */
	b64_bounds(kind, &lo, &hi);
	if (b64 == NULL || len < lo || len > hi || len % 4 != 0)
		return COOKIE_INVALID;
	if (base64_decode(b64, len, blob, sizeof(blob), &bloblen) != 0)
		return COOKIE_INVALID;
	/* Canonical text only: one cookie has exactly one spelling. */
	base64_encode(blob, bloblen, canon);
	if (memcmp(canon, b64, len) != 0)
		return COOKIE_INVALID;
	if (bloblen < COOKIE_OVERHEAD + COOKIE_HDR_LEN ||
	    blob[0] != ENVELOPE_VERSION)
		return COOKIE_INVALID;
	ptlen = bloblen - COOKIE_OVERHEAD;
	make_aad(aad, kind, clear_exp);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex2(ctx, kr->aead, kr->subkey[kind - 1],
	    blob + 1, NULL) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, AAD_LEN) != 1 ||
	    EVP_DecryptUpdate(ctx, pt, &n, blob + 1 + COOKIE_NONCE_LEN,
	    (int)ptlen) != 1 || (size_t)n != ptlen ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, COOKIE_TAG_LEN,
	    blob + 1 + COOKIE_NONCE_LEN + ptlen) != 1) {
		r = COOKIE_ERROR;
		goto done;
	}
	/* The tag comparison inside is constant-time (CRYPTO_memcmp). */
	if (EVP_DecryptFinal_ex(ctx, pt + ptlen, &n) != 1)
		goto done;	/* COOKIE_INVALID */
	r = cookie_unpack(kr, kind, pt, ptlen, clear_exp, now, out);
done:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(pt, sizeof(pt));
	return r;
}

/* ---- keyring ---- */

static int
hkdf(const uint8_t master[COOKIE_KEY_LEN], const char *info,
    uint8_t out[COOKIE_KEY_LEN])
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *kctx = NULL;
	OSSL_PARAM params[5];
	int rc = -1;

	if ((kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL)) == NULL)
		return -1;
	if ((kctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto done;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)(uintptr_t)master, COOKIE_KEY_LEN);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)"wsusd-cookie", strlen("wsusd-cookie"));
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info, strlen(info));
	params[4] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, COOKIE_KEY_LEN, params) == 1)
		rc = 0;
done:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

int
cookie_keyring_init(struct cookie_keyring *kr,
    const uint8_t master[COOKIE_KEY_LEN],
    const uint8_t instance[COOKIE_INSTANCE_LEN], uint64_t generation,
    char *err, size_t errlen)
{
	memset(kr, 0, sizeof(*kr));
	for (int kind = 1; kind <= COOKIE_KIND_COUNT; kind++) {
		char info[64];
		snprintf(info, sizeof(info), "wsusd/cookie/v1/%s",
		    kinds[kind].name);
		if (hkdf(master, info, kr->subkey[kind - 1]) != 0) {
			seterr(err, errlen, "cookie: HKDF-SHA256 failed");
			cookie_keyring_clear(kr);
			return -1;
		}
	}
	if ((kr->aead = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)) == NULL) {
		seterr(err, errlen, "cookie: AES-256-GCM not available");
		cookie_keyring_clear(kr);
		return -1;
	}
	memcpy(kr->instance, instance, COOKIE_INSTANCE_LEN);
	kr->generation = generation;
	return 0;
}

void
cookie_keyring_clear(struct cookie_keyring *kr)
{
	if (kr == NULL)
		return;
	EVP_CIPHER_free(kr->aead);
	OPENSSL_cleanse(kr, sizeof(*kr));
}

void
cookie_keyring_set_nonce_source(struct cookie_keyring *kr, cookie_nonce_fn fn,
    void *arg)
{
	kr->nonce_fn = fn;
	kr->nonce_arg = arg;
}

/* ---- typed API ---- */

int
cookie_seal_wusp_auth(const struct cookie_keyring *kr,
    const struct wusp_auth_cookie *c, char *out, size_t outlen,
    char *err, size_t errlen)
{
	return seal(kr, COOKIE_WUSP_AUTH, c, out, outlen, err, errlen);
}

int
cookie_seal_wusp_session(const struct cookie_keyring *kr,
    const struct wusp_session_cookie *c, char *out, size_t outlen,
    char *err, size_t errlen)
{
	return seal(kr, COOKIE_WUSP_SESSION, c, out, outlen, err, errlen);
}

int
cookie_seal_wsusss_auth(const struct cookie_keyring *kr,
    const struct wsusss_auth_cookie *c, char *out, size_t outlen,
    char *err, size_t errlen)
{
	return seal(kr, COOKIE_WSUSSS_AUTH, c, out, outlen, err, errlen);
}

int
cookie_seal_wsusss_session(const struct cookie_keyring *kr,
    const struct wsusss_session_cookie *c, char *out, size_t outlen,
    char *err, size_t errlen)
{
	return seal(kr, COOKIE_WSUSSS_SESSION, c, out, outlen, err, errlen);
}

enum cookie_result
cookie_open_wusp_auth(const struct cookie_keyring *kr, const char *b64,
    size_t len, int64_t now, struct wusp_auth_cookie *out)
{
	return open_blob(kr, COOKIE_WUSP_AUTH, b64, len, 0, now, out);
}

enum cookie_result
cookie_open_wusp_session(const struct cookie_keyring *kr, const char *b64,
    size_t len, int64_t clear_expiration, int64_t now,
    struct wusp_session_cookie *out)
{
	return open_blob(kr, COOKIE_WUSP_SESSION, b64, len, clear_expiration,
	    now, out);
}

enum cookie_result
cookie_open_wsusss_auth(const struct cookie_keyring *kr, const char *b64,
    size_t len, int64_t now, struct wsusss_auth_cookie *out)
{
	return open_blob(kr, COOKIE_WSUSSS_AUTH, b64, len, 0, now, out);
}

enum cookie_result
cookie_open_wsusss_session(const struct cookie_keyring *kr, const char *b64,
    size_t len, int64_t clear_expiration, int64_t now,
    struct wsusss_session_cookie *out)
{
	return open_blob(kr, COOKIE_WSUSSS_SESSION, b64, len,
	    clear_expiration, now, out);
}

/* ---- helpers ---- */

const char *
cookie_result_name(enum cookie_result r)
{
	switch (r) {
	case COOKIE_OK:
		return "ok";
	case COOKIE_INVALID:
		return "invalid";
	case COOKIE_EXPIRED:
		return "expired";
	case COOKIE_SERVER_CHANGED:
		return "server-changed";
	case COOKIE_ERROR:
		return "error";
	}
	return "unknown";
}

int
cookie_hash(const void *data, size_t len, uint8_t out[COOKIE_HASH_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != COOKIE_HASH_LEN)
		return -1;
	return 0;
}

/* Thin wrappers kept for the many callers (cookies, tests, fuzzers). */
int
cookie_guid_parse(const char *s, uint8_t out[COOKIE_GUID_LEN])
{
	if (s == NULL)
		return -1;
	return guid_to_bytes(s, strlen(s), 0, out);
}

void
cookie_guid_format(const uint8_t g[COOKIE_GUID_LEN],
    char out[GUID_STRLEN + 1])
{
	guid_from_bytes(g, 0, out);
}
