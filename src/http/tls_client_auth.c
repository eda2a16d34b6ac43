/*
 * tls_client_auth.c — client certificates on TLS listeners: libmicrohttpd
 * 0.9.75 only asks for a certificate (GNUTLS_CERT_REQUEST) when the
 * daemon has a trust list (MHD_OPTION_HTTPS_MEM_TRUST, the listener's
 * tls_client_ca) and never verifies it; this module makes a "require"
 * listener's handshake verify it and fail without one, and verifies the
 * certificate of each request for the SOAP layer.  Not the listener
 * set-up (http_server.c) nor what a certificate is bound to
 * (src/wsusss/dsauth.c).
 *
 * MHD calls the connection-start notification (http_server.c
 * connection_cb) after it created the connection's GnuTLS session and
 * before the first handshake step, in the thread that then runs the
 * connection, so the session can still be changed there.
 */
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "http/tls_client_auth.h"

static gnutls_session_t
tls_session(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	if (conn == NULL)
		return NULL;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL)
		return NULL;
	return (gnutls_session_t)ci->tls_session;
}

int
http_tls_require_client_cert(struct MHD_Connection *conn)
{
	gnutls_session_t s = tls_session(conn);

	if (s == NULL)
		return -1;
	/* no certificate: the handshake fails (GNUTLS_E_NO_CERTIFICATE_FOUND);
	 * one that does not verify against the trust list: it fails too */
	gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	gnutls_session_set_verify_cert(s, NULL, 0);
	return 0;
}

int
http_client_cert_sha256(const struct http_request *req,
    uint8_t out[HTTP_CERT_SHA256_LEN])
{
	gnutls_session_t s;
	const gnutls_datum_t *peers;
	unsigned int n = 0, status = 0;

	if (req == NULL || req->listener == NULL || !req->listener->tls ||
	    (s = tls_session(req->conn)) == NULL)
		return 0;
	if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509)
		return 0;
	peers = gnutls_certificate_get_peers(s, &n);
	if (peers == NULL || n == 0)
		return 0;
	/* against the listener's trust list (tls_client_ca), dates now */
	if (gnutls_certificate_verify_peers2(s, &status) != GNUTLS_E_SUCCESS ||
	    status != 0)
		return 0;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, peers[0].data, peers[0].size,
	    out) != 0)
		return 0;
	return 1;
}
