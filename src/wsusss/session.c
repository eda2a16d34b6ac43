/*
 * session.c — the session, allow-list and downstream-recording helpers of
 * the MS-WSUSSS upstream operations: opening the session cookie of a
 * request (ws_session), the downstream allow-list (ws_check_allowed), and
 * remembering the caller so that the store records it only after the
 * operation succeeded (ws_record_downstream, ws_touch_downstream).  Not
 * the cookie format (src/wusp/cookie.c).  docs/WSUSSS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

/* The peer's numeric address. */
static void
peer_addr(struct ws_call *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;

	out[0] = '\0';
	if (c->fuzz || c->http->conn == NULL)
		return;
	ci = MHD_get_connection_info(c->http->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)ci->client_addr)->sin_addr, out,
		    (socklen_t)outlen);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)ci->client_addr)->sin6_addr, out,
		    (socklen_t)outlen);
}

/*
 * The allow-list ([server] upstream_allow, else setting upstream_allow).  0 allowed; else the fault
 * ec is set.  A malformed list refuses everyone (and says so in the log).
 */
int
ws_check_allowed(struct ws_call *c, enum soap_error_code ec)
{
	struct store *st = ws_store(c);
	char *list = NULL, addr[INET6_ADDRSTRLEN + 1], err[160];
	int r;

	if (st == NULL)
		return -1;
	/* wsusd.conf [server] upstream_allow first, else the store setting */
	if (c->svc->cfg->upstream_allow != NULL)
		list = xstrdup(c->svc->cfg->upstream_allow);
	else if (store_setting_get(st, SETTING_WSUSSS_ALLOW, &list) !=
	    STORE_OK)
		list = NULL;
	peer_addr(c, addr, sizeof(addr));
	r = wsusss_allow_check(list, addr[0] != '\0' ? addr : NULL, err,
	    sizeof(err));
	free(list);
	if (r == 1)
		return 0;
	if (r < 0)
		log_error("setting %s: %s (refusing every downstream)",
		    SETTING_WSUSSS_ALLOW, err);
	log_info("downstream %s refused by the allow-list", addr);
	return ws_fault(c, ec, "peer %s not allowed", addr);
}

/*
 * Remember who called (ws_session, GetCookie, GetAuthorizationCookie);
 * the store records it only after the operation succeeded (handle()), so
 * a refused request changes nothing.
 */
void
ws_record_downstream(struct ws_call *c, const uint8_t dss_id[16],
    const char *name, bool replica)
{
	cookie_guid_format(dss_id, c->touch_id);
	snprintf(c->touch_name, sizeof(c->touch_name), "%s",
	    name != NULL ? name : "");
	c->touch_replica = replica;
	c->touch = true;
}

/* Record the downstream's successful call in the store (rollup's table). */
void
ws_touch_downstream(struct ws_call *c)
{
	struct store_downstream_contact dc;
	char proto[16], addr[INET6_ADDRSTRLEN + 1];
	struct store *st;

	if (!c->touch || (st = ws_store(c)) == NULL)
		return;
	memset(&dc, 0, sizeof(dc));
	snprintf(dc.server_id, sizeof(dc.server_id), "%s", c->touch_id);
	dc.name = c->touch_name[0] != '\0' ? c->touch_name : NULL;
	if (c->sess.proto_major != 0) {
		snprintf(proto, sizeof(proto), "%u.%u",
		    (unsigned)c->sess.proto_major,
		    (unsigned)c->sess.proto_minor);
		dc.protocol = proto;
	}
	dc.mode = c->touch_replica ? DOWNSTREAM_REPLICA :
	    DOWNSTREAM_MODE_UNKNOWN;
	peer_addr(c, addr, sizeof(addr));
	dc.address = addr[0] != '\0' ? addr : NULL;
	dc.synced = c->touch_synced;
	if (store_downstream_touch(st, &dc, c->now) != STORE_OK)
		log_warn("cannot record downstream %s: %s", c->touch_id,
		    store_errmsg(st));
}

/* Open the session cookie of the request (child "cookie"). */
int
ws_session(struct ws_call *c)
{
	const struct soap_node *n = soap_child(c->body, "cookie");
	const struct soap_node *exp = soap_child(n, "Expiration");
	const struct soap_node *data = soap_child(n, "EncryptedData");
	struct soap_datetime dt;
	const char *b64;
	size_t len;

	if (n == NULL || soap_is_nil(n) || data == NULL)
		return ws_fault(c, SOAP_EC_INVALID_COOKIE, "no cookie");
	if (exp == NULL || soap_node_datetime(exp, &dt) != 0)
		return ws_fault(c, SOAP_EC_INVALID_COOKIE, "bad Expiration");
	if (c->fuzz && data->text_len == 4 && memcmp(data->text, "FUZZ",
	    4) == 0) {
		/* the fuzz entry point only: reach the operation's parsers */
		memset(&c->sess, 0, sizeof(c->sess));
		c->sess.proto_major = 1;
		c->sess.proto_minor = dt.ticks % 2 ? 8 : 20;
		return 0;
	}
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	switch (cookie_open_wsusss_session(&c->svc->kr, b64, len, dt.sec,
	    c->now, &c->sess)) {
	case COOKIE_OK:
		break;
	case COOKIE_SERVER_CHANGED:
		return ws_fault(c, SOAP_EC_SERVER_CHANGED, NULL);
	case COOKIE_ERROR:
		return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "cookie");
	case COOKIE_EXPIRED:
	case COOKIE_INVALID:
	default:
		return ws_fault(c, SOAP_EC_INVALID_COOKIE, NULL);
	}
	if (c->sess.proto_major != 1)
		return ws_fault(c, SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION, NULL);
	if (ws_check_allowed(c, SOAP_EC_INVALID_COOKIE) != 0)
		return -1;
	ws_record_downstream(c, c->sess.dss_id, NULL,
	    strcmp(c->op->name, "GetDeployments") == 0);
	return 0;
}

