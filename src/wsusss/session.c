/*
 * session.c — the session, allow-list and downstream-recording helpers of
 * the MS-WSUSSS upstream operations: opening the session cookie of a
 * request (ws_session), the downstream allow-list (ws_check_allowed), and
 * remembering the caller so that the store records it only after the
 * operation succeeded (ws_record_downstream, ws_touch_downstream), the
 * account a known downstream is bound to (ws_check_identity) and the
 * rate of authorization calls per address (ws_rate_take).  Not the
 * cookie format (src/cookie/cookie.c).  docs/WSUSSS.md, docs/SECURITY.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

/* The peer's numeric address ("" when unknown). */
void
ws_peer_addr(struct svc_call *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;

	out[0] = '\0';
	if (c->http == NULL || c->http->conn == NULL)
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
ws_check_allowed(struct svc_call *c, enum soap_error_code ec)
{
	struct store *st = svc_store(c);
	char *list = NULL, addr[INET6_ADDRSTRLEN + 1], err[160];
	int r;

	if (st == NULL)
		return -1;
	ws_peer_addr(c, addr, sizeof(addr));
	if (ws_allow_list(c, st, &list, err, sizeof(err)) != 0)
		r = -1;
	else
		r = wsusss_allow_check(list, addr[0] != '\0' ? addr : NULL,
		    err, sizeof(err));
	free(list);
	if (r == 1)
		return 0;
	if (r < 0)
		log_error("setting %s: %s (refusing every downstream)",
		    SETTING_WSUSSS_ALLOW, err);
	log_info("downstream %s refused by the allow-list", addr);
	return svc_fault(c, ec, "peer %s not allowed", addr);
}

int
ws_rate_take(struct svc_call *c)
{
	struct wsusss_service *svc = WS_SVC(c);
	char addr[INET6_ADDRSTRLEN + 1];
	struct ws_bucket *b;
	uint32_t h = 2166136261u;	/* FNV-1a */
	bool ok;

	ws_peer_addr(c, addr, sizeof(addr));
	if (addr[0] == '\0')
		return 0;	/* no address (not over HTTP): nothing to bound */
	for (const char *p = addr; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	pthread_mutex_lock(&svc->rate_mu);
	b = &svc->rate[h % WS_AUTH_SLOTS];
	if (!b->used || c->now < b->last) {
		b->used = true;
		b->tokens = WS_AUTH_BURST;
		b->last = c->now;
	} else if (c->now > b->last) {
		int64_t add = (c->now - b->last) * WS_AUTH_RATE;

		b->tokens = add >= WS_AUTH_BURST - b->tokens ? WS_AUTH_BURST :
		    b->tokens + (int32_t)add;
		b->last = c->now;
	}
	ok = b->tokens > 0;
	if (ok)
		b->tokens--;
	pthread_mutex_unlock(&svc->rate_mu);
	if (ok)
		return 0;
	log_info("%s from %s refused: over %d calls a second", c->op->name,
	    addr, WS_AUTH_RATE);
	return svc_fault(c, SOAP_EC_SERVER_BUSY, NULL);
}

/*
 * Remember who called (ws_session, GetCookie, GetAuthorizationCookie);
 * the store records it only after the operation succeeded (handle()), so
 * a refused request changes nothing.
 */
void
ws_record_downstream(struct svc_call *c, const uint8_t dss_id[16],
    const char *name, bool replica)
{
	cookie_guid_format(dss_id, WS(c)->touch_id);
	snprintf(WS(c)->touch_name, sizeof(WS(c)->touch_name), "%s",
	    name != NULL ? name : "");
	WS(c)->touch_replica = replica;
	WS(c)->touch = true;
}

struct ident {
	const char *account;
	bool	    other;
	char	    name[256];
};

static int
ident_cb(const struct store_downstream *d, void *arg)
{
	struct ident *x = arg;

	if (d->name != NULL && d->name[0] != '\0' &&
	    strcasecmp(d->name, x->account) != 0) {
		x->other = true;
		snprintf(x->name, sizeof(x->name), "%s", d->name);
	}
	return 0;
}

/*
 * A known downstream (direct, or below another one: a session would
 * detach it from its parent) keeps its account: a session for its id
 * under another accountName is refused (InvalidAuthorizationCookie), so
 * its identity cannot be taken over (docs/SECURITY.md).  0 or -1.
 */
int
ws_check_identity(struct svc_call *c, const uint8_t dss_id[16],
    const char *account)
{
	struct store *st = svc_store(c);
	struct ident x = { .account = account, .other = false };
	char id[GUID_STRLEN + 1];
	int64_t local = 0;
	int rc;

	if (st == NULL)
		return -1;
	cookie_guid_format(dss_id, id);
	rc = store_downstream_find(st, id, &local);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK || store_downstream_get(st, local, ident_cb, &x)
	    != STORE_OK) {
		log_error("downstream %s: %s", id, store_errmsg(st));
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	if (!x.other)
		return 0;
	log_info("downstream %s is registered as %s: a session as %s "
	    "refused (wsusctl downstream remove to register it anew)", id,
	    x.name, account);
	return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE, NULL);
}


static uint64_t
fnv(uint64_t h, const char *s)
{
	if (s == NULL)
		s = "\x01";	/* NULL differs from "" */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static uint64_t
contact_hash(const struct store_downstream_contact *dc)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char bits[8];

	snprintf(bits, sizeof(bits), "%d%d", (int)dc->mode, dc->synced ? 1 : 0);
	h = fnv(h, dc->server_id);
	h = fnv(h, dc->name);
	h = fnv(h, dc->protocol);
	h = fnv(h, dc->address);
	return fnv(h, bits);
}

static struct ws_touch_slot *
touch_slot(struct wsusss_service *svc, const char *id)
{
	return &svc->touched[fnv(0xcbf29ce484222325ULL, id) % WS_TOUCH_SLOTS];
}

/* Was exactly this contact written less than WS_TOUCH_INTERVAL ago? */
static bool
touched_lately(struct wsusss_service *svc,
    const struct store_downstream_contact *dc, uint64_t h, int64_t now)
{
	struct ws_touch_slot *t;
	bool r;

	pthread_mutex_lock(&svc->touch_mu);
	t = touch_slot(svc, dc->server_id);
	r = strcmp(t->id, dc->server_id) == 0 && t->hash == h &&
	    now >= t->at && now - t->at < WS_TOUCH_INTERVAL;
	pthread_mutex_unlock(&svc->touch_mu);
	return r;
}

static void
touched_now(struct wsusss_service *svc,
    const struct store_downstream_contact *dc, uint64_t h, int64_t now)
{
	struct ws_touch_slot *t;

	pthread_mutex_lock(&svc->touch_mu);
	t = touch_slot(svc, dc->server_id);
	snprintf(t->id, sizeof(t->id), "%s", dc->server_id);
	t->hash = h;
	t->at = now;
	pthread_mutex_unlock(&svc->touch_mu);
}

/*
 * Record the downstream's successful call in the store (rollup's table);
 * the same contact written less than WS_TOUCH_INTERVAL seconds ago is not
 * written again (last contact and last sync are then up to that old).
 */
void
ws_touch_downstream(struct svc_call *c)
{
	struct store_downstream_contact dc;
	char proto[16], addr[INET6_ADDRSTRLEN + 1];
	struct store *st;
	uint64_t h;

	if (!WS(c)->touch || (st = svc_store(c)) == NULL)
		return;
	memset(&dc, 0, sizeof(dc));
	snprintf(dc.server_id, sizeof(dc.server_id), "%s", WS(c)->touch_id);
	dc.name = WS(c)->touch_name[0] != '\0' ? WS(c)->touch_name : NULL;
	if (WS(c)->sess.proto_major != 0) {
		snprintf(proto, sizeof(proto), "%u.%u",
		    (unsigned)WS(c)->sess.proto_major,
		    (unsigned)WS(c)->sess.proto_minor);
		dc.protocol = proto;
	}
	dc.mode = WS(c)->touch_replica ? DOWNSTREAM_REPLICA :
	    DOWNSTREAM_MODE_UNKNOWN;
	ws_peer_addr(c, addr, sizeof(addr));
	dc.address = addr[0] != '\0' ? addr : NULL;
	dc.synced = WS(c)->touch_synced;
	h = contact_hash(&dc);
	if (touched_lately(WS_SVC(c), &dc, h, c->now))
		return;
	if (store_downstream_touch(st, &dc, c->now) != STORE_OK)
		log_warn("cannot record downstream %s: %s", WS(c)->touch_id,
		    store_errmsg(st));
	else
		touched_now(WS_SVC(c), &dc, h, c->now);
}

/* Open the session cookie of the request (child "cookie"). */
int
ws_session(struct svc_call *c)
{
	const struct soap_node *n = soap_child(c->body, "cookie");
	const struct soap_node *exp = soap_child(n, "Expiration");
	const struct soap_node *data = soap_child(n, "EncryptedData");
	struct soap_datetime dt;
	const char *b64;
	size_t len;

	if (n == NULL || soap_is_nil(n) || data == NULL)
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, "no cookie");
	if (exp == NULL || soap_node_datetime(exp, &dt) != 0)
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, "bad Expiration");
#ifdef WSUSD_FUZZING
	/*
	 * Fuzz builds only (src/wsusss/meson.build: wsusss_fuzz_lib, never
	 * linked into wsusd): reach the operation's parsers without a key.
	 */
	if (data->text_len == 4 && memcmp(data->text, "FUZZ", 4) == 0) {
		memset(&WS(c)->sess, 0, sizeof(WS(c)->sess));
		WS(c)->sess.proto_major = 1;
		WS(c)->sess.proto_minor = dt.ticks % 2 ? 8 : 20;
		return 0;
	}
#endif
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	switch (cookie_open_wsusss_session(&c->host->kr, b64, len, dt.sec,
	    c->now, &WS(c)->sess)) {
	case COOKIE_OK:
		break;
	case COOKIE_SERVER_CHANGED:
		return svc_fault(c, SOAP_EC_SERVER_CHANGED, NULL);
	case COOKIE_ERROR:
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "cookie");
	case COOKIE_EXPIRED:
	case COOKIE_INVALID:
	default:
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, NULL);
	}
	if (WS(c)->sess.proto_major != 1)
		return svc_fault(c, SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION, NULL);
	if (ws_check_allowed(c, SOAP_EC_INVALID_COOKIE) != 0)
		return -1;
	{
		char id[GUID_STRLEN + 1];

		/* every call, not only GetCookie: a session cookie alone
		 * does not let another caller act for the downstream */
		cookie_guid_format(WS(c)->sess.dss_id, id);
		if (ws_check_dsauth(c, id, SOAP_EC_INVALID_COOKIE) != 0)
			return -1;
	}
	ws_record_downstream(c, WS(c)->sess.dss_id, NULL,
	    strcmp(c->op->name, "GetDeployments") == 0);
	return 0;
}

