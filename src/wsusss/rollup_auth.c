/*
 * rollup_auth.c — who may roll up what: the five rollup operations of
 * rollup.c are bound to a server-sync session of the calling downstream
 * and to the allow-list ([server] upstream_allow), and each may write
 * only the caller's own branch of the downstream registry.  Not the
 * parser nor the store calls (rollup.c), not the session cookie format
 * (src/cookie).  docs/ROLLUP.md "Authorization", docs/SECURITY.md.
 *
 * Real WSUS downstreams send the fixed dummy cookie on every reporting
 * call (wsusss.md §3, §11: Expiration 9999-12-31, empty EncryptedData),
 * so the session is found by the caller's address: a direct downstream
 * whose last authenticated server-sync call (GetCookie and the calls
 * after it, store_downstream_touch) came from this address within the
 * session lifetime.  A caller that sends a real session cookie instead
 * is bound to the downstream of that cookie.  Either way the caller
 * must also prove it is that downstream when downstream authentication
 * asks for it (dsauth.c): a candidate found by address that it does not
 * prove is dropped.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "util/log.h"
#include "wsusss/rollup.h"
#include "wsusss/service_internal.h"

static int
caller_cb(const char *id, void *arg)
{
	struct rollup_caller *who = arg;

	if (who->n < ROLLUP_CALLERS_MAX)
		snprintf(who->ids[who->n++], sizeof(who->ids[0]), "%s", id);
	return 0;
}

static bool
is_caller(const struct rollup_caller *who, const char *id)
{
	for (size_t i = 0; i < who->n; i++)
		if (strcmp(who->ids[i], id) == 0)
			return true;
	return false;
}

/* A real session cookie in the request: 1 opened into who, 0 the dummy
 * (or none), -1 a cookie that does not open (fault set). */
static int
session_cookie(struct svc_call *c, struct rollup_caller *who)
{
	const struct soap_node *n = soap_child(c->body, "cookie");
	const struct soap_node *exp = soap_child(n, "Expiration");
	const struct soap_node *data = soap_child(n, "EncryptedData");
	struct wsusss_session_cookie s;
	struct soap_datetime dt;
	const char *b64;
	size_t len;

	if (data == NULL || soap_is_nil(data))
		return 0;
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	if (len == 0)
		return 0;
	if (exp == NULL || soap_node_datetime(exp, &dt) != 0 ||
	    cookie_open_wsusss_session(&c->host->kr, b64, len, dt.sec, c->now,
	    &s) != COOKIE_OK || s.proto_major != 1)
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, NULL);
	cookie_guid_format(s.dss_id, who->ids[0]);
	who->n = 1;
	return 1;
}

int
rollup_authorize(struct svc_call *c, struct store *st,
    struct rollup_caller *who)
{
	char addr[INET6_ADDRSTRLEN + 1];
	int r;

	memset(who, 0, sizeof(*who));
	if (ws_check_allowed(c, SOAP_EC_INVALID_COOKIE) != 0)
		return -1;
	if ((r = session_cookie(c, who)) != 0) {
		if (r < 0 || ws_check_dsauth(c, who->ids[0],
		    SOAP_EC_INVALID_COOKIE) != 0)
			return -1;
		return 0;
	}
	ws_peer_addr(c, addr, sizeof(addr));
	if (addr[0] != '\0' && store_downstream_sessions(st, addr,
	    c->now - WSUSSS_SESSION_LIFETIME, caller_cb, who) != STORE_OK) {
		log_error("rollup: %s", store_errmsg(st));
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	/* only the downstreams the caller proves it is (dsauth.c) */
	if (who->n > 0 && ws_dsauth_filter(c, who->ids, &who->n) != 0)
		return -1;
	if (who->n == 0) {
		log_info("%s from %s refused: no server-sync session from this "
		    "address", c->op->name, addr);
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, "no server-sync "
		    "session");
	}
	return 0;
}

/*
 * Is server id in a caller's branch?  1 yes, 0 it belongs to another
 * downstream's branch, 2 unknown, -1 store error (fault set).
 */
static int
in_branch(struct svc_call *c, struct store *st,
    const struct rollup_caller *who, const char *id)
{
	char root[GUID_STRLEN + 1];
	int rc;

	rc = store_downstream_root(st, id, root);
	if (rc == STORE_NOTFOUND || rc == STORE_INVALID)
		return 2;
	if (rc != STORE_OK) {
		log_error("rollup: %s", store_errmsg(st));
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	return is_caller(who, root) ? 1 : 0;
}

static int
refuse(struct svc_call *c, const struct rollup_caller *who, const char *param,
    const char *id)
{
	log_info("%s refused: %s %s is not in the branch of downstream %s",
	    c->op->name, param, id, who->n > 0 ? who->ids[0] : "-");
	return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", param);
}

int
rollup_check_servers(struct svc_call *c, struct store *st,
    const struct rollup_caller *who, const struct store_rollup_server *s,
    size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		bool earlier = false;

		/* a direct child of ours is only ever the caller itself */
		if (s[i].parent_id[0] == '\0' && !is_caller(who, s[i].server_id))
			return refuse(c, who, "ServerId", s[i].server_id);
		/* a known server: only one of the caller's branch */
		if ((r = in_branch(c, st, who, s[i].server_id)) < 0)
			return -1;
		if (r == 0)
			return refuse(c, who, "ServerId", s[i].server_id);
		if (s[i].parent_id[0] == '\0')
			continue;
		/* a parent: earlier in the request, or of the caller's branch */
		for (size_t k = 0; k < i && !earlier; k++)
			earlier = strcmp(s[k].server_id, s[i].parent_id) == 0;
		if (earlier)
			continue;
		if ((r = in_branch(c, st, who, s[i].parent_id)) < 0)
			return -1;
		if (r == 0)
			return refuse(c, who, "ParentServerId", s[i].parent_id);
	}
	return 0;
}

int
rollup_check_parent(struct svc_call *c, struct store *st,
    const struct rollup_caller *who, const char *parent, const char *param)
{
	int r;

	if (parent[0] == '\0')
		return 0;	/* this server: nothing is owned there */
	if ((r = in_branch(c, st, who, parent)) < 0)
		return -1;
	if (r == 0)
		return refuse(c, who, param, parent);
	return 0;	/* unknown: the store ignores it or refuses it */
}
