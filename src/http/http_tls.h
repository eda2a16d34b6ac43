/*
 * http_tls.h — internal to src/http: reading the PEM files of a TLS
 * listener.  The GnuTLS priority string (http_tls_priorities) is public
 * and declared in http_server.h.  Not the TLS handshake (libmicrohttpd)
 * nor client certificate checks (tls_client_auth.h).
 */
#ifndef WSUSD_HTTP_HTTP_TLS_H
#define WSUSD_HTTP_HTTP_TLS_H

#include <stddef.h>

/*
 * Read the PEM file path (what: "certificate", "key" or "client CA" of
 * listener lname) into *out, owned by the caller (free(); a key is
 * wiped first).  0, or -1 with err naming the file and what to do.
 */
int	http_tls_load_pem(const char *what, const char *path,
	    const char *lname, char **out, char *err, size_t errlen);

#endif
