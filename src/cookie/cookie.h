/*
 * cookie.h — sealed cookies of the client-server (MS-WUSP) and the
 * server-server (MS-WSUSSS) protocols.
 *
 * Both protocols let the server keep its per-peer state in opaque blobs
 * that the peer echoes: AuthorizationCookie.CookieData and
 * Cookie.EncryptedData.  wsusd seals a FIXED little-endian binary layout
 * with AES-256-GCM under a per-kind subkey derived (HKDF-SHA256) from the
 * server's cookie_key.  Nothing is ever deserialized as an object: opening
 * is "check length, check tag, read fixed fields, check every field" (the
 * cookie handling of real WSUS deserialized .NET objects from decrypted
 * cookies, CVE-2025-59287).  Byte layouts, key derivation and the
 * result-to-fault mapping are in docs/COOKIES.md.
 *
 * What it is not: it neither parses nor writes XML or dateTime text (the
 * protocol layers do), and it keeps no state besides the keyring.
 *
 * Thread safety: a keyring is read-only after cookie_keyring_init(); any
 * number of threads may seal and open with one keyring at once.  Every
 * call makes its own OpenSSL context (a fixed-size allocation that does not
 * depend on the input); opening copies the input into fixed-size buffers
 * on the stack and rejects anything longer than COOKIE_B64_MAX before
 * reading it.
 *
 * Times are Unix seconds (UTC).  A session cookie's expires_at is the
 * clear-text Cookie.Expiration: the protocol layer writes Expiration as
 * exactly expires_at (whole seconds) and, on the way back, passes the
 * parsed Expiration (fraction dropped) as clear_expiration; the two are
 * bound together by the tag.
 */
#ifndef WSUSD_COOKIE_COOKIE_H
#define WSUSD_COOKIE_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/guid.h"

#define COOKIE_KEY_LEN		32	/* master key: setting cookie_key */
#define COOKIE_INSTANCE_LEN	16	/* server instance id (a GUID) */
#define COOKIE_GUID_LEN		16	/* a GUID in text byte order */
#define COOKIE_HASH_LEN		32	/* SHA-256, see cookie_hash() */
#define COOKIE_ID_MAX		255	/* ClientIdString / accountName chars */
#define COOKIE_GROUPS_MAX	32	/* target group ids per cookie */
#define COOKIE_NONCE_LEN	12	/* AES-GCM nonce */
#define COOKIE_TAG_LEN		16	/* AES-GCM tag */

/* Sizes of the sealed form; see docs/COOKIES.md for the layouts. */
#define COOKIE_HDR_LEN		48	/* plaintext header, every kind */
#define COOKIE_PT_MAX		(COOKIE_HDR_LEN + 68 + COOKIE_ID_MAX + \
				    16 * COOKIE_GROUPS_MAX)	/* 883 */
#define COOKIE_OVERHEAD		(1 + COOKIE_NONCE_LEN + COOKIE_TAG_LEN)
#define COOKIE_BLOB_MAX		(COOKIE_OVERHEAD + COOKIE_PT_MAX)	/* 912 */
/* Longest base64 text of any cookie, without the NUL (1216). */
#define COOKIE_B64_MAX		(4 * ((COOKIE_BLOB_MAX + 2) / 3))
/* Size of an output buffer that fits every cookie. */
#define COOKIE_B64_BUFSZ	(COOKIE_B64_MAX + 1)

enum cookie_kind {
	COOKIE_WUSP_AUTH = 1,		/* SimpleTargeting CookieData */
	COOKIE_WUSP_SESSION = 2,	/* client Cookie.EncryptedData */
	COOKIE_WSUSSS_AUTH = 3,		/* DssTargeting CookieData */
	COOKIE_WSUSSS_SESSION = 4,	/* server-server Cookie.EncryptedData */
};
#define COOKIE_KIND_COUNT	4

/*
 * What opening found.  The out struct is filled for COOKIE_OK,
 * COOKIE_EXPIRED and COOKIE_SERVER_CHANGED (the contents are authentic:
 * GetCookie may carry state over from an expired oldCookie) and zeroed for
 * COOKIE_INVALID and COOKIE_ERROR.
 */
enum cookie_result {
	COOKIE_OK = 0,
	/*
	 * Not a cookie of this kind sealed with this key: empty, too short or
	 * too long, not canonical base64, unknown version, tag mismatch
	 * (forged, tampered, other key, other kind, clear Expiration changed),
	 * or an authentic plaintext that breaks the layout rules.
	 */
	COOKIE_INVALID = 1,
	/* Authentic, this server instance, but now >= expires_at. */
	COOKIE_EXPIRED = 2,
	/* Authentic, but sealed by another server instance or generation. */
	COOKIE_SERVER_CHANGED = 3,
	/* OpenSSL failed (out of memory); not the peer's fault. */
	COOKIE_ERROR = 4,
};

/*
 * Where nonces come from: RAND_bytes() unless a test installs its own
 * source with cookie_keyring_set_nonce_source().  Returns 0 or -1.
 */
typedef int (*cookie_nonce_fn)(uint8_t *nonce, size_t len, void *arg);

struct evp_cipher_st;

/*
 * Subkeys and server identity.  Fill with cookie_keyring_init(), release
 * with cookie_keyring_clear(); never copy it by value (it owns an OpenSSL
 * cipher reference); share it by const pointer.
 */
struct cookie_keyring {
	uint8_t	 subkey[COOKIE_KIND_COUNT][COOKIE_KEY_LEN];	/* HKDF outputs */
	uint8_t	 instance[COOKIE_INSTANCE_LEN];	/* stamped, compared */
	uint64_t generation;		/* stamped, compared */
	struct evp_cipher_st *aead;	/* owned: fetched AES-256-GCM */
	cookie_nonce_fn nonce_fn;	/* NULL: RAND_bytes (tests only) */
	void	*nonce_arg;		/* borrowed; for nonce_fn */
};

/*
 * The client's SimpleTargeting authorization cookie (GetAuthorizationCookie
 * -> GetCookie authCookies).
 */
struct wusp_auth_cookie {
	char	 client_id[COOKIE_ID_MAX + 1];	/* 1..255 of [a-z0-9-], NUL-ended */
	uint8_t	 dns_name_hash[COOKIE_HASH_LEN];	/* cookie_hash(dnsName) */
	bool	 target_claimed;	/* targetGroupName was sent */
	uint8_t	 target_claim_hash[COOKIE_HASH_LEN]; /* its hash; 0s if not */
	unsigned n_groups;		/* resolved groups, <= COOKIE_GROUPS_MAX */
	uint8_t	 groups[COOKIE_GROUPS_MAX][COOKIE_GUID_LEN];
	uint32_t flags;			/* opaque here; meaning: wusp layer */
	int64_t	 issued_at;
	int64_t	 expires_at;		/* >= issued_at */
};

/* The client's session cookie (Cookie.EncryptedData). */
struct wusp_session_cookie {
	char	 client_id[COOKIE_ID_MAX + 1];	/* 1..255 of [a-z0-9-], NUL-ended */
	unsigned n_groups;		/* target groups, <= COOKIE_GROUPS_MAX */
	uint8_t	 groups[COOKIE_GROUPS_MAX][COOKIE_GUID_LEN];
	uint32_t flags;			/* opaque here; meaning: wusp layer */
	int64_t	 issued_at;
	int64_t	 expires_at;		/* = clear-text Expiration, >= issued_at */
	int64_t	 config_last_change;	/* Config.LastChange seen (wusp units) */
	int64_t	 deployment_watermark;	/* newest deployment change sent */
	uint16_t proto_major;		/* client protocolVersion, e.g. 2 of "2.90" */
	uint16_t proto_minor;		/* e.g. 90 of "2.90" */
};

/* A downstream server's DssTargeting authorization cookie. */
struct wsusss_auth_cookie {
	uint8_t	 dss_id[COOKIE_GUID_LEN];	/* accountGuid */
	char	 account_name[COOKIE_ID_MAX + 1]; /* 1..255 of [A-Za-z0-9._-] */
	unsigned n_groups;		/* <= COOKIE_GROUPS_MAX */
	uint8_t	 groups[COOKIE_GROUPS_MAX][COOKIE_GUID_LEN];
	uint32_t flags;			/* opaque here; meaning: wsusss layer */
	int64_t	 issued_at;
	int64_t	 expires_at;		/* >= issued_at */
};

/* A downstream server's session cookie (Cookie.EncryptedData). */
struct wsusss_session_cookie {
	uint8_t	 dss_id[COOKIE_GUID_LEN];	/* accountGuid */
	unsigned n_groups;		/* <= COOKIE_GROUPS_MAX */
	uint8_t	 groups[COOKIE_GROUPS_MAX][COOKIE_GUID_LEN];
	uint32_t flags;			/* opaque here; meaning: wsusss layer */
	int64_t	 issued_at;
	int64_t	 expires_at;		/* = clear-text Expiration, >= issued_at */
	uint16_t proto_major;		/* GetCookie protocolVersion, e.g. 1 */
	uint16_t proto_minor;		/* e.g. 20 of "1.20" */
};

/*
 * Derive the four subkeys from the 32-byte master key and remember the
 * server instance (e.g. the server_id GUID) and generation (bumped when the
 * revision-ID space is rebuilt) that every cookie is stamped with.
 * 0, or -1 with a reason in err (OpenSSL failure).
 */
int	cookie_keyring_init(struct cookie_keyring *kr,
	    const uint8_t master[COOKIE_KEY_LEN],
	    const uint8_t instance[COOKIE_INSTANCE_LEN], uint64_t generation,
	    char *err, size_t errlen);
/* Wipe the keys and drop the cipher; the keyring can be inited again. */
void	cookie_keyring_clear(struct cookie_keyring *kr);
/* TESTING ONLY: take nonces from fn (NULL restores RAND_bytes). */
void	cookie_keyring_set_nonce_source(struct cookie_keyring *kr,
	    cookie_nonce_fn fn, void *arg);

/*
 * Seal a cookie into NUL-terminated base64 in out (outlen bytes;
 * COOKIE_B64_BUFSZ always fits).  The cookie must obey the field rules
 * above.  0, or -1 with a reason in err (bad field, buffer too small,
 * no randomness, OpenSSL failure).  err may be NULL.
 */
int	cookie_seal_wusp_auth(const struct cookie_keyring *kr,
	    const struct wusp_auth_cookie *c, char *out, size_t outlen,
	    char *err, size_t errlen);
int	cookie_seal_wusp_session(const struct cookie_keyring *kr,
	    const struct wusp_session_cookie *c, char *out, size_t outlen,
	    char *err, size_t errlen);
int	cookie_seal_wsusss_auth(const struct cookie_keyring *kr,
	    const struct wsusss_auth_cookie *c, char *out, size_t outlen,
	    char *err, size_t errlen);
int	cookie_seal_wsusss_session(const struct cookie_keyring *kr,
	    const struct wsusss_session_cookie *c, char *out, size_t outlen,
	    char *err, size_t errlen);

/*
 * Open the base64 text b64[0..len) (no NUL needed; whitespace is not
 * allowed: trim it first) at time now.  Session kinds also take the clear
 * Expiration that came with the cookie.  See enum cookie_result.
 */
enum cookie_result cookie_open_wusp_auth(const struct cookie_keyring *kr,
	    const char *b64, size_t len, int64_t now,
	    struct wusp_auth_cookie *out);
enum cookie_result cookie_open_wusp_session(const struct cookie_keyring *kr,
	    const char *b64, size_t len, int64_t clear_expiration, int64_t now,
	    struct wusp_session_cookie *out);
enum cookie_result cookie_open_wsusss_auth(const struct cookie_keyring *kr,
	    const char *b64, size_t len, int64_t now,
	    struct wsusss_auth_cookie *out);
enum cookie_result cookie_open_wsusss_session(const struct cookie_keyring *kr,
	    const char *b64, size_t len, int64_t clear_expiration, int64_t now,
	    struct wsusss_session_cookie *out);

/* "ok", "invalid", "expired", "server-changed", "error". */
const char *cookie_result_name(enum cookie_result r);

/* SHA-256 of len bytes (dnsName, targetGroupName).  0 or -1. */
int	cookie_hash(const void *data, size_t len, uint8_t out[COOKIE_HASH_LEN]);
/*
 * GUID text <-> 16 bytes in text order (the hex digits as written, not
 * the Windows mixed-endian order): util/guid.h's guid_to_bytes() on the
 * NUL-terminated s without flags (exactly 8-4-4-4-12 hex digits of any
 * case, no braces; 0 or -1) and guid_from_bytes() (lower case).
 */
int	cookie_guid_parse(const char *s, uint8_t out[COOKIE_GUID_LEN]);
void	cookie_guid_format(const uint8_t g[COOKIE_GUID_LEN],
	    char out[GUID_STRLEN + 1]);

/*
 * Layout hooks for tests and the fuzz target: the plaintext without the
 * AEAD envelope.  cookie_pack() writes the plaintext of cookie c (a
 * struct of the given kind) stamped with kr's instance and generation;
 * returns its length or 0 if c breaks a rule (reason in err).
 * cookie_unpack() checks a plaintext exactly as cookie_open_*() does after
 * the tag has matched (clear_expiration is ignored for auth kinds).
 */
size_t	cookie_pack(const struct cookie_keyring *kr, enum cookie_kind kind,
	    const void *c, uint8_t pt[COOKIE_PT_MAX], char *err, size_t errlen);
enum cookie_result cookie_unpack(const struct cookie_keyring *kr,
	    enum cookie_kind kind, const uint8_t *pt, size_t len,
	    int64_t clear_expiration, int64_t now, void *out);

#endif
