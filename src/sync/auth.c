/*
 * auth.c — how the sync engine authenticates to its upstream (wsusss.md
 * §3, §8): GetAuthConfig names the DssTargeting plug-in's service,
 * DssAuth GetAuthorizationCookie gives the authorization cookie, and
 * ServerSync GetCookie turns it into the session cookie the other calls
 * carry.  sync_renew() does it again when the upstream refuses a cookie
 * (sync_call_ss); a refused authorization cookie restarts the sequence
 * once.
 *
 * Not here: the transport (transport.c); where the identity comes from
 * (state.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SYNC_REAUTH_MAX	16	/* cookie renewals in one run */

/* GetAuthConfig, GetAuthorizationCookie, GetCookie once; 0 or -1. */
static int
auth_once(struct sess *s)
{
	struct xmlw w;
	struct soap_request *r = NULL;
	const struct soap_node *res, *pi, *ac;
	const char *svc = NULL;
	char path[512];

	/* 1. GetAuthConfig */
	{
		struct buf req;

		buf_init(&req, REQ_MAX);
		sync_req_begin(&w, &req, NS_SS, "GetAuthConfig");
		if (sync_req_end(s, &w) != 0 ||
		    sync_call(s, PATH_SS, NS_SS, "GetAuthConfig", &req, &r) != 0) {
			buf_free(&req);
			return -1;
		}
		buf_free(&req);
	}
	res = sync_result_of(r, "GetAuthConfig");
	SOAP_FOREACH_CHILD(pi, soap_child(res, "AuthInfo"), "AuthPlugInInfo") {
		const char *id = soap_child_text(pi, "PlugInID");

		if (id != NULL && strcmp(id, "DssTargeting") == 0) {
			svc = soap_child_text(pi, "ServiceUrl");
			break;
		}
	}
	if (svc == NULL || svc[0] == '\0' || strlen(svc) > 256 ||
	    strstr(svc, "://") != NULL || strstr(svc, "..") != NULL) {
		sync_seterr(s, "GetAuthConfig: no usable DssTargeting ServiceUrl");
		soap_request_free(r);
		return -1;
	}
	/* The DSS forms the URL as base + "/" + ServiceUrl. */
	snprintf(path, sizeof(path), "/%s", svc[0] == '/' ? svc + 1 : svc);
	soap_request_free(r);

	/* 2. GetAuthorizationCookie */
	{
		struct buf req;
		struct xmlw w2;

		buf_init(&req, REQ_MAX);
		sync_req_begin(&w2, &req, NS_DSS, "GetAuthorizationCookie");
		xmlw_elem(&w2, "accountName", s->account);
		xmlw_elem(&w2, "accountGuid", s->account_guid);
		if (sync_req_end(s, &w2) != 0 ||
		    sync_call(s, path, NS_DSS, "GetAuthorizationCookie", &req,
		    &r) != 0) {
			buf_free(&req);
			return -1;
		}
		buf_free(&req);
	}
	ac = sync_result_of(r, "GetAuthorizationCookie");
	if (ac == NULL || soap_child_text(ac, "CookieData") == NULL) {
		sync_seterr(s, "GetAuthorizationCookie: no CookieData");
		soap_request_free(r);
		return -1;
	}
	snprintf(s->auth_plugin, sizeof(s->auth_plugin), "%s",
	    soap_child_text(ac, "PlugInId") ? soap_child_text(ac, "PlugInId") :
	    "DssTargeting");
	if (strlen(soap_child_text(ac, "CookieData")) > COOKIE_TEXT_MAX) {
		sync_seterr(s, "GetAuthorizationCookie: CookieData too long");
		soap_request_free(r);
		return -1;
	}
	free(s->auth_data);
	s->auth_data = sync_sdup(soap_child_text(ac, "CookieData"));
	soap_request_free(r);

	/* 3. GetCookie */
	{
		struct buf req;
		struct xmlw w3;
		const struct soap_node *ck;

		buf_init(&req, REQ_MAX);
		sync_req_begin(&w3, &req, NS_SS, "GetCookie");
		xmlw_start(&w3, "authCookies");
		xmlw_start(&w3, "AuthorizationCookie");
		xmlw_elem(&w3, "PlugInId", s->auth_plugin);
		xmlw_elem(&w3, "CookieData", s->auth_data);
		xmlw_end(&w3);
		xmlw_end(&w3);
		if (s->ck_data != NULL) {
			xmlw_start(&w3, "oldCookie");
			xmlw_elem(&w3, "Expiration", s->ck_exp);
			xmlw_elem(&w3, "EncryptedData", s->ck_data);
			xmlw_end(&w3);
		}
		xmlw_elem(&w3, "protocolVersion",
		    sync_profile_version(s->o->profile));
		if (sync_req_end(s, &w3) != 0 ||
		    sync_call(s, PATH_SS, NS_SS, "GetCookie", &req, &r) != 0) {
			buf_free(&req);
			return -1;
		}
		buf_free(&req);
		ck = sync_result_of(r, "GetCookie");
		if (soap_child_text(ck, "EncryptedData") == NULL ||
		    strlen(soap_child_text(ck, "EncryptedData")) > COOKIE_TEXT_MAX) {
			sync_seterr(s, "GetCookie: no usable cookie");
			soap_request_free(r);
			return -1;
		}
		free(s->ck_exp);
		free(s->ck_data);
		s->ck_exp = sync_sdup(soap_child_text(ck, "Expiration"));
		s->ck_data = sync_sdup(soap_child_text(ck, "EncryptedData"));
		{
			struct soap_datetime dt;

			/* An expiration already past by our clock (clocks
			 * differ): rely on the InvalidCookie fault instead. */
			s->ck_expires = soap_node_datetime(soap_child(ck,
			    "Expiration"), &dt) == 0 &&
			    dt.sec > (int64_t)time(NULL) + 2 * COOKIE_RENEW_SECS ?
			    dt.sec : 0;
		}
		soap_request_free(r);
	}
	return 0;
}

/*
 * Authenticate.  An upstream that refuses the authorization cookie in
 * GetCookie (InvalidAuthorizationCookie: "restart from the beginning",
 * wsusss.md §4) gets the whole sequence once more.
 */
int
sync_auth(struct sess *s)
{
	if (auth_once(s) == 0)
		return 0;
	if (strcmp(s->fault, "InvalidAuthorizationCookie") != 0)
		return -1;
	log_warnx("sync: GetCookie: fault InvalidAuthorizationCookie; "
	    "authenticating from the beginning");
	s->res->reauths++;
	return auth_once(s);
}

/* Authenticate again (new authorization and session cookies). */
int
sync_renew(struct sess *s)
{
	if (++s->reauths > SYNC_REAUTH_MAX) {
		sync_seterr(s, "the upstream keeps refusing our cookies");
		return -1;
	}
	log_info("sync: renewing the session cookie");
	s->res->reauths++;
	return sync_auth(s);
}

