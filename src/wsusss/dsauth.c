/*
 * dsauth.c — downstream authentication beyond the allow-list (issue 9
 * finding 3): whether the caller of an MS-WSUSSS upstream operation
 * proved that it is the downstream it names, by a verified client
 * certificate bound to it (src/http/tls_client_auth.h) or by its secret
 * sent as HTTP Basic (user name = the downstream's GUID), against
 * [server] downstream_auth and the bindings of the store
 * (store_downstream_auth_get).  Not the session cookie (session.c) nor
 * the binding commands (src/cli/cmd_downstream.c).  docs/SECURITY.md
 * "Downstream authentication".
 *
 * HTTP Basic carries the secret because real WSUS's DssTargeting plug-in
 * has no field for one (the authorization cookie is the server's own
 * output) and every server-sync and rollup call is a separate POST: a
 * header on each request needs no protocol change, works through proxies
 * and is what libcurl sends up front.  It is only safe over TLS.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "http/tls_client_auth.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/secret.h"
#include "wsusss/service_internal.h"

#define BASIC_MAX	512	/* longest Basic credentials decoded */

struct presented {
	bool	 cert;			/* a verified client certificate */
	char	 cert_hex[DS_CERT_HEX_LEN + 1];
	bool	 basic;			/* an Authorization: Basic header */
	bool	 basic_bad;		/* one that does not decode */
	char	 user[GUID_STRLEN + 1];	/* its user, lower case when a GUID */
	char	 pass[BASIC_MAX];
	size_t	 passlen;
};

static void
read_basic(struct svc_call *c, struct presented *p)
{
	const char *h = c->http != NULL ? http_header(c->http,
	    "Authorization") : NULL;
	char user[BASIC_MAX];

	if (h == NULL)
		return;
	p->basic = true;
	if (secret_basic_parse(h, user, sizeof(user), p->pass,
	    sizeof(p->pass), &p->passlen) != 0) {
		p->basic_bad = true;
		return;
	}
	if (guid_canon(user, strlen(user), 0, p->user) != 0)
		p->user[0] = '\0';	/* not a GUID: binds to nothing */
}

static void
read_presented(struct svc_call *c, struct presented *p)
{
	uint8_t fp[HTTP_CERT_SHA256_LEN];

	memset(p, 0, sizeof(*p));
	if (c->http != NULL && http_client_cert_sha256(c->http, fp) == 1) {
		p->cert = true;
		hex_encode(fp, sizeof(fp), p->cert_hex, 0);
	}
	read_basic(c, p);
}

static enum downstream_auth
mode(struct svc_call *c)
{
	return c->host != NULL && c->host->cfg != NULL ?
	    c->host->cfg->downstream_auth : DOWNSTREAM_AUTH_ANONYMOUS;
}

/*
 * Does p prove id under the configured mode?  1 yes, 0 no (why in
 * reason), -1 store error.
 */
static int
proves(struct svc_call *c, struct store *st, const struct presented *p,
    const char *id, const char **reason)
{
	struct store_downstream_auth b;
	bool bound, cert_ok, cred_ok;
	int rc;

	rc = store_downstream_auth_get(st, id, &b);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		log_error("downstream %s: %s", id, store_errmsg(st));
		return -1;
	}
	bound = rc == STORE_OK;
	/* a credential of another identity never acts as this one */
	if (p->basic && (p->basic_bad || strcmp(p->user, id) != 0)) {
		*reason = "credential of another downstream";
		return 0;
	}
	cert_ok = bound && p->cert && b.cert_sha256[0] != '\0' &&
	    strcmp(p->cert_hex, b.cert_sha256) == 0;
	cred_ok = bound && p->basic && b.secret_hash[0] != '\0' &&
	    secret_verify(p->pass, p->passlen, b.secret_hash);
	if (p->basic && !cred_ok) {
		*reason = "wrong or revoked secret";
		return 0;
	}
	switch (mode(c)) {
	case DOWNSTREAM_AUTH_ANONYMOUS:
		if (!bound || cert_ok || cred_ok)
			return 1;
		*reason = "no certificate or secret it is bound to";
		return 0;
	case DOWNSTREAM_AUTH_CERTIFICATE:
		*reason = "no client certificate bound to it";
		return cert_ok ? 1 : 0;
	case DOWNSTREAM_AUTH_CREDENTIAL:
		*reason = "no secret";
		return cred_ok ? 1 : 0;
	case DOWNSTREAM_AUTH_ANY_OF:
	default:
		*reason = "no certificate or secret bound to it";
		return cert_ok || cred_ok ? 1 : 0;
	}
}

int
ws_check_dsauth(struct svc_call *c, const char *id, enum soap_error_code ec)
{
	struct store *st = svc_store(c);
	struct presented p;
	const char *reason = "";
	char addr[INET6_ADDRSTRLEN + 1];
	int r;

	if (st == NULL)
		return -1;
	read_presented(c, &p);
	r = proves(c, st, &p, id, &reason);
	explicit_bzero(p.pass, sizeof(p.pass));
	if (r > 0)
		return 0;
	if (r < 0)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	ws_peer_addr(c, addr, sizeof(addr));
	log_info("%s as downstream %s from %s refused: %s", c->op->name, id,
	    addr, reason);
	return svc_fault(c, ec, "downstream authentication");
}

int
ws_dsauth_filter(struct svc_call *c, char (*ids)[GUID_STRLEN + 1],
    size_t *n)
{
	struct store *st = svc_store(c);
	struct presented p;
	const char *reason = "";
	size_t k = 0;
	int r = 0;

	if (st == NULL)
		return -1;
	read_presented(c, &p);
	for (size_t i = 0; i < *n; i++) {
		if ((r = proves(c, st, &p, ids[i], &reason)) < 0)
			break;
		if (r > 0 && k != i)
			memcpy(ids[k], ids[i], sizeof(ids[0]));
		k += r > 0 ? 1 : 0;
	}
	explicit_bzero(p.pass, sizeof(p.pass));
	if (r < 0)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	*n = k;
	return 0;
}
