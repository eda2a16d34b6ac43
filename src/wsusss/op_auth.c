/*
 * op_auth.c — the MS-WSUSSS authentication operations: GetAuthConfig
 * (ServerSync), GetAuthorizationCookie (DssAuth) and GetCookie (ServerSync),
 * which issue the DssTargeting authorization cookie and the session
 * cookie (src/cookie/cookie.h).  Both check the allow-list and the
 * downstream authentication (dsauth.c) first.  Not the session check of
 * the other operations (session.c).  docs/WSUSSS.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "wsusss/service_internal.h"

/* ---- GetAuthConfig ---------------------------------------------------- */

int
wsusss_op_get_auth_config(struct svc_call *c)
{
	struct soap_datetime dt;

	soap_datetime_from_unix(c->host->started, 0, &dt);
	svc_begin(c);
	xmlw_start(&c->w, "GetAuthConfigResult");
	xmlw_elem_datetime(&c->w, "LastChange", &dt);
	xmlw_start(&c->w, "AuthInfo");
	xmlw_start(&c->w, "AuthPlugInInfo");
	xmlw_elem(&c->w, "PlugInID", "DssTargeting");
	xmlw_elem(&c->w, "ServiceUrl", "DssAuthWebService/DssAuthWebService.asmx");
	xmlw_elem(&c->w, "Parameter", NULL);
	svc_end(c);
	return 0;
}

/* ---- GetAuthorizationCookie (DssAuth) ---------------------------------- */

static bool
account_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > COOKIE_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

int
wsusss_op_get_authorization_cookie(struct svc_call *c)
{
	const struct soap_node *name = soap_child(c->body, "accountName");
	const struct soap_node *guid = soap_child(c->body, "accountGuid");
	struct wsusss_auth_cookie a;
	char b64[COOKIE_B64_BUFSZ], err[160], gtxt[SOAP_GUID_STRLEN];
	const char *t;
	size_t len;

	memset(&a, 0, sizeof(a));
	if (ws_rate_take(c) != 0)
		return -1;
	if (name == NULL)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "accountName");
	t = name->text;
	len = name->text_len;
	soap_trim(&t, &len);
	if (!account_name_ok(t, len))
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "accountName");
	memcpy(a.account_name, t, len);
	a.account_name[len] = '\0';
	if (guid == NULL || soap_node_guid(guid, gtxt) != 0 ||
	    cookie_guid_parse(gtxt, a.dss_id) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "accountGuid");
	if (ws_check_allowed(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE) != 0)
		return -1;
	cookie_guid_format(a.dss_id, gtxt);
	if (ws_check_dsauth(c, gtxt, SOAP_EC_INVALID_AUTHORIZATION_COOKIE) != 0)
		return -1;
	a.issued_at = c->now;
	a.expires_at = c->now + WSUSSS_AUTH_LIFETIME;
	if (cookie_seal_wsusss_auth(&c->host->kr, &a, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal an authorization cookie: %s", err);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	/* not recorded: a downstream is recorded once it completed a
	 * session (GetCookie), so anonymous callers cannot fill the
	 * registry (docs/SECURITY.md) */
	svc_begin(c);
	xmlw_start(&c->w, "GetAuthorizationCookieResult");
	xmlw_elem(&c->w, "PlugInId", "DssTargeting");
	xmlw_elem(&c->w, "CookieData", b64);
	svc_end(c);
	return 0;
}

/* ---- GetCookie ----------------------------------------------------------- */

int
wsusss_op_get_cookie(struct svc_call *c)
{
	const struct soap_node *auths = soap_child(c->body, "authCookies");
	const struct soap_node *ac, *data, *ver;
	struct wsusss_auth_cookie a;
	struct wsusss_session_cookie s;
	char b64[COOKIE_B64_BUFSZ], err[160], id[GUID_STRLEN + 1];
	struct soap_datetime dt;
	const char *t;
	size_t len;
	uint16_t ma, mi;

	if (ws_rate_take(c) != 0)
		return -1;
	if (auths == NULL || soap_count_children(auths,
	    "AuthorizationCookie") != 1)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "authCookies");
	ac = soap_child(auths, "AuthorizationCookie");
	ver = soap_child(c->body, "protocolVersion");
	if (ver == NULL || wsusss_version_parse(ver->text, ver->text_len,
	    &ma, &mi) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "protocolVersion");
	if (ma != 1)
		return svc_fault(c, SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION, NULL);
	data = soap_child(ac, "CookieData");
	if (data == NULL)
		return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE, NULL);
	t = data->text;
	len = data->text_len;
	soap_trim(&t, &len);
	switch (cookie_open_wsusss_auth(&c->host->kr, t, len, c->now, &a)) {
	case COOKIE_OK:
		break;
	case COOKIE_ERROR:
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	default:
		return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE, NULL);
	}
	cookie_guid_format(a.dss_id, id);
	if (ws_check_allowed(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE) != 0 ||
	    ws_check_dsauth(c, id, SOAP_EC_INVALID_AUTHORIZATION_COOKIE) != 0 ||
	    ws_check_identity(c, a.dss_id, a.account_name) != 0)
		return -1;
	memset(&s, 0, sizeof(s));
	memcpy(s.dss_id, a.dss_id, sizeof(s.dss_id));
	s.n_groups = a.n_groups;
	memcpy(s.groups, a.groups, sizeof(s.groups));
	s.issued_at = c->now;
	s.expires_at = c->now + WSUSSS_SESSION_LIFETIME;
	if (s.expires_at > a.expires_at)
		s.expires_at = a.expires_at;
	s.proto_major = ma;
	s.proto_minor = mi;
	if (cookie_seal_wsusss_session(&c->host->kr, &s, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal a session cookie: %s", err);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	WS(c)->sess = s;
	ws_record_downstream(c, a.dss_id, a.account_name, false);
	soap_datetime_from_unix(s.expires_at, 0, &dt);
	svc_begin(c);
	xmlw_start(&c->w, "GetCookieResult");
	xmlw_elem_datetime(&c->w, "Expiration", &dt);
	xmlw_elem(&c->w, "EncryptedData", b64);
	svc_end(c);
	return 0;
}

