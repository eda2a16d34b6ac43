/*
 * op_auth.c — the handshake: GetAuthorizationCookie (SimpleAuth
 * service), GetCookie and RegisterComputer (client service).
 *
 * The authorization cookie seals the client id, a hash of its DNS name
 * and of the target group names it claimed; the session cookie seals the
 * client id, LastChange of the configuration it saw, its protocol version
 * and the deployment watermark of ChangedUpdates (cookie.h, docs/COOKIES.md).
 * Group membership is NOT frozen in cookies: the store resolves it on
 * every SyncUpdates (store_computer_groups), so `wsusctl computers move`
 * and a change of the targeting mode take effect at the next call.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "soap/soap_value.h"
#include "util/log.h"
#include "wusp/service_internal.h"

/* Session flags (cookie.h leaves their meaning to us). */
#define SESSION_FLAG_CLAIMED	0x01	/* the client claimed target groups */

/* The peer address as text, or NULL. */
static const char *
peer_address(struct svc_call *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	ci = MHD_get_connection_info(c->http->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return NULL;
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)outlen);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    out, (socklen_t)outlen);
	return NULL;
}

/*
 * ClientIdString: 1..255 of [a-z0-9-] ([MS-WUSP] 1.1).  WUA sends a
 * lower-case GUID; upper-case letters are folded.  -1 when invalid.
 */
static int
client_id(const char *in, char out[COOKIE_ID_MAX + 1])
{
	const char *s = in;
	size_t n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	soap_trim(&s, &n);
	if (n == 0 || n > COOKIE_ID_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-'))
			return -1;
		out[i] = ch;
	}
	out[n] = '\0';
	return 0;
}

/*
 * GetAuthorizationCookie(clientId, targetGroupName, dnsName) ->
 * AuthorizationCookie{PlugInId, CookieData}.  Records the contact and
 * the claimed target groups in the store (computer_contact).  Invalid
 * clientId or dnsName: InternalServerError, as WSUS ([MS-WUSP] <50>, <51>).
 */
int
wusp_op_get_authorization_cookie(struct svc_call *c)
{
	const char *dns = soap_child_text(c->body, "dnsName");
	const struct soap_node *tg = soap_child(c->body, "targetGroupName");
	const char *claim = NULL;
	struct wusp_auth_cookie a;
	char b64[COOKIE_B64_BUFSZ], err[160], ipbuf[64];
	struct store *st;
	int rc;

	memset(&a, 0, sizeof(a));
	if (client_id(soap_child_text(c->body, "clientId"), a.client_id) != 0)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "bad clientId");
	if (dns == NULL || strlen(dns) > COMPUTER_STR_MAX - 1)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "bad dnsName");
	if (tg != NULL && !soap_is_nil(tg) && tg->text_len > 0) {
		if (tg->text_len > COMPUTER_CLAIM_MAX)
			return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
			    "targetGroupName too long");
		claim = tg->text;
		a.target_claimed = true;
		if (cookie_hash(claim, tg->text_len, a.target_claim_hash) != 0)
			return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
			    NULL);
	}
	if (cookie_hash(dns, strlen(dns), a.dns_name_hash) != 0)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);

	if ((st = svc_store(c)) == NULL)
		return -1;
	rc = store_computer_contact(st, a.client_id, dns, claim,
	    peer_address(c, ipbuf, sizeof(ipbuf)), c->now);
	if (rc == STORE_INVALID)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "%s",
		    store_errmsg(st));
	if (rc == STORE_BUSY)
		return svc_fault(c, SOAP_EC_SERVER_BUSY, NULL);
	if (rc != STORE_OK) {
		log_error("computer_contact %s: %s", a.client_id,
		    store_errmsg(st));
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}

	a.issued_at = c->now;
	a.expires_at = c->now + WUSP_AUTH_LIFETIME;
	if (cookie_seal_wusp_auth(&c->host->kr, &a, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal an authorization cookie: %s", err);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetAuthorizationCookieResult");
	xmlw_elem(&c->w, "PlugInId", WUSP_PLUGIN_ID);
	xmlw_elem(&c->w, "CookieData", b64);
	xmlw_end(&c->w);
	svc_end(c);
	return 0;
}

/*
 * Carry state over from a valid (or expired) oldCookie of this server for
 * the same client: the deployment watermark.  A missing, foreign or
 * garbled oldCookie is ignored ([MS-WUSP] 3.1.5.4: SHOULD copy state;
 * Windows 11 sends one with only Expiration on its first call).
 */
static void
carry_old(struct svc_call *c, const struct soap_node *old,
    struct wusp_session_cookie *s)
{
	const struct soap_node *data = soap_child(old, "EncryptedData");
	struct wusp_session_cookie o;
	struct soap_datetime dt;
	const char *b64;
	size_t len;
	enum cookie_result r;

	if (old == NULL || data == NULL ||
	    soap_node_datetime(soap_child(old, "Expiration"), &dt) != 0)
		return;
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	if (len == 0)
		return;
	r = cookie_open_wusp_session(&c->host->kr, b64, len, dt.sec, c->now,
	    &o);
	if ((r == COOKIE_OK || r == COOKIE_EXPIRED) &&
	    strcmp(o.client_id, s->client_id) == 0)
		s->deployment_watermark = o.deployment_watermark;
}

/*
 * GetCookie(authCookies, oldCookie, lastChange, currentTime,
 * protocolVersion) -> Cookie.
 */
int
wusp_op_get_cookie(struct svc_call *c)
{
	const struct soap_node *ac = soap_child(c->body, "authCookies");
	const struct soap_node *one, *cd;
	struct wusp_auth_cookie a;
	struct wusp_session_cookie s;
	struct soap_datetime lc, ct;
	const char *pid, *b64;
	size_t len;
	uint16_t maj, min;

	if (soap_count_children(ac, "AuthorizationCookie") != 1)
		return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE,
		    "want exactly one AuthorizationCookie");
	one = soap_child(ac, "AuthorizationCookie");
	pid = soap_child_text(one, "PlugInId");
	cd = soap_child(one, "CookieData");
	if (pid == NULL || strcmp(pid, WUSP_PLUGIN_ID) != 0 || cd == NULL)
		return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE,
		    "not a %s cookie", WUSP_PLUGIN_ID);
	if (soap_node_datetime(soap_child(c->body, "lastChange"), &lc) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "lastChange");
	if (soap_node_datetime(soap_child(c->body, "currentTime"), &ct) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "currentTime");
	if (wusp_parse_version(soap_child_text(c->body, "protocolVersion"),
	    &maj, &min) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "protocolVersion");

	b64 = cd->text;
	len = cd->text_len;
	soap_trim(&b64, &len);
	switch (cookie_open_wusp_auth(&c->host->kr, b64, len, c->now, &a)) {
	case COOKIE_OK:
		break;
	case COOKIE_EXPIRED:
		return svc_fault(c, SOAP_EC_COOKIE_EXPIRED,
		    "authorization cookie expired");
	case COOKIE_SERVER_CHANGED:
		/* docs/COOKIES.md: the client fetches a new one */
		return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE,
		    "authorization cookie of another server");
	case COOKIE_ERROR:
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	case COOKIE_INVALID:
	default:
		return svc_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE,
		    "authorization cookie does not open");
	}
	if (WUSP_CALL(c)->ccfg.last_change == 0)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "configuration unavailable");
	if (wusp_ticks(&lc) != WUSP_CALL(c)->ccfg.last_change)
		return svc_fault(c, SOAP_EC_CONFIG_CHANGED, NULL);

	memset(&s, 0, sizeof(s));
	memcpy(s.client_id, a.client_id, sizeof(s.client_id));
	s.flags = a.target_claimed ? SESSION_FLAG_CLAIMED : 0;
	s.issued_at = c->now;
	s.expires_at = c->now + WUSP_SESSION_LIFETIME;
	s.config_last_change = WUSP_CALL(c)->ccfg.last_change;
	s.proto_major = maj;
	s.proto_minor = min;
	carry_old(c, soap_child(c->body, "oldCookie"), &s);

	svc_begin(c);
	if (wusp_write_session(c, "GetCookieResult", &s) != 0)
		return -1;
	svc_end(c);
	return 0;
}

/* Text of child name, or NULL when absent/nil or longer than the store takes. */
static const char *
info_str(const struct soap_node *ci, const char *name)
{
	const struct soap_node *n = soap_child(ci, name);

	if (n == NULL || soap_is_nil(n))
		return NULL;
	return n->text;
}

static int
info_int(const struct soap_node *ci, const char *name, int32_t *out)
{
	const struct soap_node *n = soap_child(ci, name);

	*out = 0;
	if (n == NULL || soap_is_nil(n))
		return 0;
	return soap_node_int32(n, out);
}

/*
 * RegisterComputer(cookie, computerInfo) -> empty response.  Numbers are
 * read as 32-bit ints (the WSDL's short is too small for real values:
 * ClientVersionBuildNumber 30012 fits, but QFE numbers may not).
 */
int
wusp_op_register_computer(struct svc_call *c)
{
	const struct soap_node *ci = soap_child(c->body, "computerInfo");
	static const struct {
		const char *name;
		size_t off;
	} ints[] = {
#define F(n, f) { n, offsetof(struct store_computer_info, f) }
		F("OSMajorVersion", os_major),
		F("OSMinorVersion", os_minor),
		F("OSBuildNumber", os_build),
		F("OSServicePackMajorNumber", sp_major),
		F("OSServicePackMinorNumber", sp_minor),
		F("SuiteMask", suite_mask),
		F("OldProductType", old_product_type),
		F("NewProductType", new_product_type),
		F("SystemMetrics", system_metrics),
		F("ClientVersionMajorNumber", client_major),
		F("ClientVersionMinorNumber", client_minor),
		F("ClientVersionBuildNumber", client_build),
		F("ClientVersionQfeNumber", client_qfe),
#undef F
	};
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
#define F(n, f) { n, offsetof(struct store_computer_info, f) }
		F("DnsName", dns_name),
		F("OSLocale", os_locale),
		F("ComputerManufacturer", manufacturer),
		F("ComputerModel", model),
		F("BiosVersion", bios_version),
		F("BiosName", bios_name),
		F("ProcessorArchitecture", processor_arch),
		F("OSDescription", os_description),
		F("OEM", oem),
		F("DeviceType", device_type),
		F("FirmwareVersion", firmware_version),
		F("MobileOperator", mobile_operator),
#undef F
	};
	struct wusp_session_cookie s;
	struct store_computer_info info;
	struct store_register_result res;
	struct soap_datetime dt;
	const struct soap_node *bd;
	struct store *st;
	char ipbuf[64];
	int rc;

	if (wusp_open_session(c, soap_child(c->body, "cookie"), &s) != 0)
		return -1;
	if (ci == NULL || soap_is_nil(ci))
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "computerInfo");
	memset(&info, 0, sizeof(info));
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (info_int(ci, ints[i].name,
		    (int32_t *)(void *)((char *)&info + ints[i].off)) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "computerInfo.%s", ints[i].name);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		const char *v = info_str(ci, strs[i].name);

		if (v != NULL && strlen(v) >= COMPUTER_STR_MAX)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "computerInfo.%s", strs[i].name);
		*(const char **)(void *)((char *)&info + strs[i].off) = v;
	}
	bd = soap_child(ci, "BiosReleaseDate");
	if (bd != NULL && !soap_is_nil(bd)) {
		if (soap_node_datetime(bd, &dt) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "computerInfo.BiosReleaseDate");
		info.bios_release_date = dt.sec;
	}
	info.ip_address = peer_address(c, ipbuf, sizeof(ipbuf));

	if ((st = svc_store(c)) == NULL)
		return -1;
	rc = store_computer_register(st, s.client_id, &info, c->now, &res);
	if (rc == STORE_INVALID)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "computerInfo");
	if (rc == STORE_BUSY)
		return svc_fault(c, SOAP_EC_SERVER_BUSY, NULL);
	if (rc != STORE_OK) {
		log_error("computer_register %s: %s", s.client_id,
		    store_errmsg(st));
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	if (res.duplicate)
		log_warnx("computer %s registered with another identity "
		    "(cloned image? see wsusctl computers list --duplicates)",
		    s.client_id);
	svc_begin(c);
	svc_end(c);
	return 0;
}
