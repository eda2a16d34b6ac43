/*
 * postinstall.h — helpers of wsusctl postinstall (postinstall.c) that
 * wsusctl checkhealth (checkhealth.c) shares: the self-signed TLS
 * certificate, PEM loading, and the format of the well-known settings.
 * The commands themselves are declared in cli/wsusctl.h.
 */
#ifndef WSUSD_CLI_POSTINSTALL_H
#define WSUSD_CLI_POSTINSTALL_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define POSTINSTALL_CERT_DAYS	(5 * 365 + 1)	/* validity of the self-signed one */
#define POSTINSTALL_RSA_BITS	2048
#define POSTINSTALL_PEM_MAX	(256 * 1024)	/* largest key/cert file read */

/* Load the first PEM private key / certificate of a file.  Caller frees
 * with EVP_PKEY_free / X509_free.  0, or -1 with err. */
int	admin_tls_load_key(const char *path, EVP_PKEY **out, char *err, size_t errlen);
int	admin_tls_load_cert(const char *path, X509 **out, char *err, size_t errlen);

/*
 * Make sure a key and a self-signed certificate exist at key_path and
 * cert_path.  Never overwrites: an existing key is reused for a missing
 * certificate (a half-finished earlier run); a certificate without its key
 * is an error.  The key is RSA (POSTINSTALL_RSA_BITS), mode 0600; the
 * certificate is X.509 v3, CN and subjectAltName from name (DNS: or IP:)
 * plus IP:127.0.0.1, valid POSTINSTALL_CERT_DAYS.  Files are written
 * atomically.  0, or -1 with err.
 */
int	admin_tls_ensure(const char *cert_path, const char *key_path, const char *name,
	    bool *key_created, bool *cert_created, char *err, size_t errlen);

/* Well-formed values of SETTING_SERVER_ID (a GUID) and SETTING_COOKIE_KEY
 * (64 hex digits). */
bool	admin_guid_valid(const char *s);
bool	admin_hexkey_valid(const char *s, size_t nbytes);

#endif
