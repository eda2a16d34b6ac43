/*
 * tls_client_auth.h — client certificates on TLS listeners
 * (tls_client_ca, tls_client_auth in [listener NAME]): making the
 * handshake require a certificate that verifies against the listener's
 * CA, and giving the SOAP layer the SHA-256 fingerprint of the verified
 * certificate of a request.  Not the binding of certificates to
 * downstream servers (src/wsusss/dsauth.c).  docs/HTTP.md, docs/SECURITY.md.
 */
#ifndef WSUSD_HTTP_TLS_CLIENT_AUTH_H
#define WSUSD_HTTP_TLS_CLIENT_AUTH_H

#include <stdint.h>

#include <microhttpd.h>

#include "http/http_server.h"

#define HTTP_CERT_SHA256_LEN	32

/*
 * For a connection of a listener with tls_client_auth = require, called
 * before its handshake (http_server.c, connection start): the handshake
 * fails unless the client presents a certificate that verifies against
 * the listener's CA.  0, or -1 when the connection has no TLS session.
 */
int	http_tls_require_client_cert(struct MHD_Connection *conn);

/*
 * The SHA-256 fingerprint (of the DER encoding, as "openssl x509
 * -fingerprint -sha256" prints it) of the certificate the client of req
 * presented, when it verifies against the listener's tls_client_ca now
 * (chain, validity dates).  1 with out filled, 0 when there is none or it
 * does not verify (plain listener, tls_client_auth = none, no
 * certificate, another CA, expired).
 */
int	http_client_cert_sha256(const struct http_request *req,
	    uint8_t out[HTTP_CERT_SHA256_LEN]);

#endif
