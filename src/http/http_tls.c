/*
 * http_tls.c — TLS settings of a listener: the GnuTLS priority string
 * for tls_min_version/tls_ciphers and the PEM files it serves (see
 * http_tls.h).  It does not start listeners (http_server.c) and does
 * not look into certificates: libmicrohttpd and GnuTLS do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_server.h"
#include "http/http_tls.h"
#include "util/fsutil.h"

#define TLS_PEM_MAX	(1024 * 1024)	/* largest certificate/key file read */

/*
 * MODERN suites: TLS 1.2 only with ECDHE (forward secrecy) and AEAD
 * ciphers (GCM, ChaCha20-Poly1305): no static RSA key exchange, no CBC,
 * no SHA-1 MAC.  TLS 1.3 suites are all AEAD with ephemeral keys anyway.
 */
#define TLS_MODERN_SUITES \
	":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA" \
	":-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305" \
	":-MAC-ALL:+AEAD"

const char *
http_tls_priorities(enum tls_version min, enum tls_ciphers ciphers,
    char *out, size_t outlen)
{
	const char *vers;

	switch (min) {
	case TLS_VERSION_1_0:
		vers = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
		    "+VERS-TLS1.1:+VERS-TLS1.0";
		break;
	case TLS_VERSION_1_1:
		vers = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
		    "+VERS-TLS1.1";
		break;
	case TLS_VERSION_1_3:
		vers = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
		break;
	case TLS_VERSION_1_2:
	default:
		vers = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
		break;
	}
	if (ciphers == TLS_CIPHERS_AUTO)
		ciphers = min < TLS_VERSION_1_2 ? TLS_CIPHERS_COMPATIBLE :
		    TLS_CIPHERS_MODERN;
	snprintf(out, outlen, "%s%s", vers, ciphers == TLS_CIPHERS_MODERN ?
	    TLS_MODERN_SUITES : "");
	return out;
}

int
http_tls_load_pem(const char *what, const char *path, const char *lname,
    char **out, char *err, size_t errlen)
{
	size_t len;

	if (path == NULL) {
		snprintf(err, errlen, "listener %s: no TLS %s configured",
		    lname, what);
		return -1;
	}
	if (read_file(path, TLS_PEM_MAX, out, &len) == -1) {
		snprintf(err, errlen, "listener %s: TLS %s %s: %s%s", lname,
		    what, path, strerror(errno), strcmp(what, "client CA") == 0 ?
		    " (tls_client_ca)" : " (run 'wsusctl postinstall' to create "
		    "a self-signed one, or set tls_certificate/tls_key)");
		return -1;
	}
	if (strstr(*out, "-----BEGIN") == NULL) {
		snprintf(err, errlen, "listener %s: TLS %s %s: not a PEM file",
		    lname, what, path);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
