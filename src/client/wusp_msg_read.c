/*
 * wusp_msg_read.c — the MS-WUSP answer readers of wsus-client: the
 * envelope and its fault (wmsg_parse), then one reader per operation,
 * each checking what it keeps (lengths, base64, actions, dates), and
 * the SOAP dateTime helpers.  See wusp_msg.h.
 *
 * Not here: building requests (wusp_msg.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/wusp_msg.h"
#include "soap/soap.h"
#include "soap/soap_value.h"
#include "util/xmalloc.h"

/* ---- answers ------------------------------------------------------------------ */

static void
copy_text(char *dst, size_t dstlen, const char *s)
{
	size_t n = 0;

	if (s == NULL) {
		dst[0] = '\0';
		return;
	}
	/* printable ASCII only: these end up in messages */
	for (; *s != '\0' && n + 1 < dstlen; s++)
		dst[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	dst[n] = '\0';
}

enum wmsg_rc
wmsg_parse(const void *body, size_t len, struct soap_request **out,
    struct wmsg_fault *fault, char *err, size_t errlen)
{
	struct soap_parse_opts o;
	struct soap_request *req = NULL;
	enum soap_err e;

	*out = NULL;
	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION;
	o.limits.max_body = WMSG_MAX_RESPONSE;
	o.limits.max_text = WMSG_MAX_TEXT;
	o.limits.max_elements = 4 * WMSG_MAX_ITEMS;
	o.limits.max_children = WMSG_MAX_ITEMS;
	o.limits.max_arena = 2 * WMSG_MAX_RESPONSE;
	o.limits.max_parser_mem = 2 * WMSG_MAX_RESPONSE;
	e = soap_request_parse(body, len, NULL, NULL, &o, &req, err, errlen);
	if (e != SOAP_OK)
		return WMSG_ERR;
	if (soap_node_is(req->op, SOAP_NS_ENV11, "Fault")) {
		const struct soap_node *d = soap_child_ns(req->op, NULL,
		    "detail");
		copy_text(fault->faultstring, sizeof(fault->faultstring),
		    soap_child_ns(req->op, NULL, "faultstring") ?
		    soap_child_ns(req->op, NULL, "faultstring")->text : NULL);
		copy_text(fault->code, sizeof(fault->code),
		    soap_child_ns(d, NULL, "ErrorCode") ?
		    soap_child_ns(d, NULL, "ErrorCode")->text : NULL);
		copy_text(fault->message, sizeof(fault->message),
		    soap_child_ns(d, NULL, "Message") ?
		    soap_child_ns(d, NULL, "Message")->text : NULL);
		soap_request_free(req);
		return WMSG_FAULT;
	}
	*out = req;
	return WMSG_OK;
}

static const struct soap_node *
result(const struct soap_request *r, const char *ns, const char *op,
    const char *res, char *err, size_t errlen)
{
	const struct soap_node *n;

	if (!soap_node_is(r->op, ns, op)) {
		snprintf(err, errlen, "expected %s, got %s", op, r->op->name);
		return NULL;
	}
	if (res == NULL)
		return r->op;
	if ((n = soap_child(r->op, res)) == NULL)
		snprintf(err, errlen, "%s: no %s", op, res);
	return n;
}

static char *
dup_text(const struct soap_node *n)
{
	return n == NULL ? NULL : xstrndup(n->text, n->text_len);
}

int
wmsg_read_config(const struct soap_request *r, struct wmsg_config *c,
    char *err, size_t errlen)
{
	const struct soap_node *res, *n, *p;
	struct soap_datetime dt;
	int b;

	memset(c, 0, sizeof(*c));
	c->max_extended = 50;
	if ((res = result(r, SOAP_NS_CLIENT, "GetConfigResponse",
	    "GetConfigResult", err, errlen)) == NULL)
		return -1;
	n = soap_child(res, "LastChange");
	if (soap_node_datetime(n, &dt) == -1) {
		snprintf(err, errlen, "GetConfig: no valid LastChange");
		goto fail;
	}
	c->last_change = dup_text(n);
	if (soap_node_bool(soap_child(res, "IsRegistrationRequired"), &b) == -1) {
		snprintf(err, errlen, "GetConfig: no valid "
		    "IsRegistrationRequired");
		goto fail;
	}
	c->registration_required = b != 0;
	n = soap_child(soap_child(res, "AuthInfo"), "AuthPlugInInfo");
	if (n == NULL || soap_child(n, "PlugInID") == NULL ||
	    soap_child(n, "ServiceUrl") == NULL) {
		snprintf(err, errlen, "GetConfig: no AuthPlugInInfo with "
		    "PlugInID and ServiceUrl");
		goto fail;
	}
	c->plugin_id = dup_text(soap_child(n, "PlugInID"));
	c->service_url = dup_text(soap_child(n, "ServiceUrl"));
	SOAP_FOREACH_CHILD(p, soap_child(res, "Properties"),
	    "ConfigurationProperty") {
		const char *name = soap_child_text(p, "Name");
		const struct soap_node *v = soap_child(p, "Value");
		int32_t x;

		c->nproperties++;
		if (name == NULL || v == NULL)
			continue;
		if (strcmp(name, "MaxExtendedUpdatesPerRequest") == 0) {
			if (soap_node_int32(v, &x) == -1 || x < 1 || x > 100000) {
				snprintf(err, errlen, "GetConfig: bad "
				    "MaxExtendedUpdatesPerRequest");
				goto fail;
			}
			c->max_extended = x;
		} else if (strcmp(name, "ProtocolVersion") == 0) {
			free(c->protocol_version);
			c->protocol_version = dup_text(v);
		}
	}
	return 0;
fail:
	wmsg_config_free(c);
	return -1;
}

/* base64 text of at most max characters. */
static bool
b64_ok(const struct soap_node *n, size_t max)
{
	size_t outlen;
	uint8_t *tmp;
	bool ok;

	if (n == NULL || n->text_len == 0 || n->text_len > max)
		return false;
	tmp = xmalloc(soap_base64_maxlen(n->text_len) + 1);
	ok = soap_node_base64(n, tmp, soap_base64_maxlen(n->text_len) + 1,
	    &outlen) == 0 && outlen > 0;
	free(tmp);
	return ok;
}

int
wmsg_read_auth_cookie(const struct soap_request *r, char **plugin_id,
    char **cookie_data, char *err, size_t errlen)
{
	const struct soap_node *res;

	if ((res = result(r, SOAP_NS_SIMPLEAUTH,
	    "GetAuthorizationCookieResponse", "GetAuthorizationCookieResult",
	    err, errlen)) == NULL)
		return -1;
	if (soap_child(res, "PlugInId") == NULL ||
	    !b64_ok(soap_child(res, "CookieData"), 65536)) {
		snprintf(err, errlen, "GetAuthorizationCookie: no PlugInId or "
		    "no valid CookieData");
		return -1;
	}
	*plugin_id = dup_text(soap_child(res, "PlugInId"));
	*cookie_data = dup_text(soap_child(res, "CookieData"));
	return 0;
}

/* A Cookie element (Expiration + EncryptedData) into c. */
static int
read_cookie_node(const struct soap_node *n, struct wmsg_cookie *c,
    const char *what, char *err, size_t errlen)
{
	struct soap_datetime dt;

	if (n == NULL) {
		snprintf(err, errlen, "%s: no cookie", what);
		return -1;
	}
	if (soap_node_datetime(soap_child(n, "Expiration"), &dt) == -1) {
		snprintf(err, errlen, "%s: cookie without a valid Expiration",
		    what);
		return -1;
	}
	if (!b64_ok(soap_child(n, "EncryptedData"), 65536)) {
		snprintf(err, errlen, "%s: cookie without valid EncryptedData",
		    what);
		return -1;
	}
	c->expiration = dup_text(soap_child(n, "Expiration"));
	c->data = dup_text(soap_child(n, "EncryptedData"));
	return 0;
}

int
wmsg_read_cookie(const struct soap_request *r, struct wmsg_cookie *c,
    char *err, size_t errlen)
{
	const struct soap_node *res;

	memset(c, 0, sizeof(*c));
	if ((res = result(r, SOAP_NS_CLIENT, "GetCookieResponse",
	    "GetCookieResult", err, errlen)) == NULL)
		return -1;
	return read_cookie_node(res, c, "GetCookie", err, errlen);
}

int
wmsg_read_register(const struct soap_request *r, char *err, size_t errlen)
{
	return result(r, SOAP_NS_CLIENT, "RegisterComputerResponse", NULL, err,
	    errlen) == NULL ? -1 : 0;
}

static bool
valid_action(const char *a)
{
	static const char *const ok[] = { "OptionalInstall", "Install",
	    "Uninstall", "PreDeploymentCheck", "Block", "Evaluate", "Bundle" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(a, ok[i]) == 0)
			return true;
	return false;
}

/* xs:date "YYYY-MM-DD", what WUA's timeutil accepts. */
static bool
valid_date(const char *s, size_t n)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int
read_deployment(const struct soap_node *d, struct wmsg_update *u,
    const char *what, char *err, size_t errlen)
{
	const struct soap_node *n;
	int b;

	if (d == NULL) {
		snprintf(err, errlen, "%s %d: no Deployment (Windows fails "
		    "with 0x80070057)", what, u->id);
		return -1;
	}
	if (soap_node_int32(soap_child(d, "ID"), &u->deployment_id) == -1) {
		snprintf(err, errlen, "%s %d: Deployment without a valid ID",
		    what, u->id);
		return -1;
	}
	n = soap_child(d, "Action");
	if (n == NULL || n->text_len >= sizeof(u->action) ||
	    !valid_action(n->text)) {
		snprintf(err, errlen, "%s %d: bad Deployment/Action", what,
		    u->id);
		return -1;
	}
	memcpy(u->action, n->text, n->text_len + 1);
	if (soap_node_bool(soap_child(d, "IsAssigned"), &b) == -1) {
		snprintf(err, errlen, "%s %d: Deployment without IsAssigned",
		    what, u->id);
		return -1;
	}
	u->is_assigned = b != 0;
	n = soap_child(d, "LastChangeTime");
	if (n == NULL || !valid_date(n->text, n->text_len)) {
		snprintf(err, errlen, "%s %d: Deployment/LastChangeTime is not "
		    "a date YYYY-MM-DD", what, u->id);
		return -1;
	}
	memcpy(u->last_change, n->text, n->text_len + 1);
	n = soap_child(d, "Deadline");
	if (n != NULL) {
		struct soap_datetime dt;
		if (n->text_len >= sizeof(u->deadline) ||
		    soap_node_datetime(n, &dt) == -1) {
			snprintf(err, errlen, "%s %d: bad Deployment/Deadline",
			    what, u->id);
			return -1;
		}
		memcpy(u->deadline, n->text, n->text_len + 1);
	}
	return 0;
}

static int
read_update_infos(const struct soap_node *arr, struct wmsg_update **out,
    size_t *nout, bool need_xml, char *err, size_t errlen)
{
	const struct soap_node *n;
	size_t cnt = soap_count_children(arr, "UpdateInfo"), i = 0;

	*out = NULL;
	*nout = 0;
	if (cnt == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	SOAP_FOREACH_CHILD(n, arr, "UpdateInfo") {
		struct wmsg_update *u = &(*out)[i];
		const struct soap_node *x;
		int b;

		if (soap_node_int32(soap_child(n, "ID"), &u->id) == -1) {
			snprintf(err, errlen, "UpdateInfo without a valid ID");
			goto fail;
		}
		if (read_deployment(soap_child(n, "Deployment"), u,
		    "UpdateInfo", err, errlen) == -1)
			goto fail;
		if (soap_node_bool(soap_child(n, "IsLeaf"), &b) == -1) {
			snprintf(err, errlen, "UpdateInfo %d: no valid IsLeaf",
			    u->id);
			goto fail;
		}
		u->is_leaf = b != 0;
		x = soap_child(n, "Xml");
		if (x != NULL && x->text_len > 0) {
			u->xml = x->text;
			u->xml_len = x->text_len;
		} else if (need_xml) {
			snprintf(err, errlen, "UpdateInfo %d: no Xml", u->id);
			goto fail;
		}
		i++;
	}
	*nout = i;
	return 0;
fail:
	free(*out);
	*out = NULL;
	return -1;
}

static int
read_ints(const struct soap_node *arr, int32_t **out, size_t *nout,
    const char *what, char *err, size_t errlen)
{
	const struct soap_node *n;
	size_t cnt = soap_count_children(arr, "int"), i = 0;

	*out = NULL;
	*nout = 0;
	if (cnt == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(int32_t));
	SOAP_FOREACH_CHILD(n, arr, "int") {
		if (soap_node_int32(n, &(*out)[i]) == -1) {
			snprintf(err, errlen, "%s: bad int", what);
			free(*out);
			*out = NULL;
			return -1;
		}
		i++;
	}
	*nout = i;
	return 0;
}

int
wmsg_read_sync(const struct soap_request *r, struct wmsg_sync *s, char *err,
    size_t errlen)
{
	const struct soap_node *res, *n;
	int b;

	memset(s, 0, sizeof(*s));
	s->driver_sync_not_needed = -1;
	if ((res = result(r, SOAP_NS_CLIENT, "SyncUpdatesResponse",
	    "SyncUpdatesResult", err, errlen)) == NULL)
		return -1;
	if (read_update_infos(soap_child(res, "NewUpdates"), &s->new_updates,
	    &s->nnew, true, err, errlen) == -1 ||
	    read_update_infos(soap_child(res, "ChangedUpdates"), &s->changed,
	    &s->nchanged, false, err, errlen) == -1 ||
	    read_ints(soap_child(res, "OutOfScopeRevisionIDs"),
	    &s->out_of_scope, &s->nout_of_scope, "OutOfScopeRevisionIDs", err,
	    errlen) == -1)
		goto fail;
	if (soap_node_bool(soap_child(res, "Truncated"), &b) == -1) {
		snprintf(err, errlen, "SyncUpdates: no valid Truncated");
		goto fail;
	}
	s->truncated = b != 0;
	if (read_cookie_node(soap_child(res, "NewCookie"), &s->new_cookie,
	    "SyncUpdates NewCookie", err, errlen) == -1)
		goto fail;
	if ((n = soap_child(res, "DriverSyncNotNeeded")) != NULL) {
		if (soap_node_bool(n, &b) == -1) {
			snprintf(err, errlen, "SyncUpdates: bad "
			    "DriverSyncNotNeeded");
			goto fail;
		}
		s->driver_sync_not_needed = b;
	}
	return 0;
fail:
	wmsg_sync_free(s);
	return -1;
}

int
wmsg_read_extended(const struct soap_request *r, struct wmsg_extended *e,
    char *err, size_t errlen)
{
	const struct soap_node *res, *arr, *n;
	size_t cnt, i;

	memset(e, 0, sizeof(*e));
	if ((res = result(r, SOAP_NS_CLIENT, "GetExtendedUpdateInfoResponse",
	    "GetExtendedUpdateInfoResult", err, errlen)) == NULL)
		return -1;
	arr = soap_child(res, "Updates");
	if ((cnt = soap_count_children(arr, "Update")) > 0) {
		e->updates = xcalloc(cnt, sizeof(*e->updates));
		i = 0;
		SOAP_FOREACH_CHILD(n, arr, "Update") {
			const struct soap_node *x = soap_child(n, "Xml");
			if (soap_node_int32(soap_child(n, "ID"),
			    &e->updates[i].id) == -1 || x == NULL) {
				snprintf(err, errlen, "GetExtendedUpdateInfo: "
				    "Update without ID or Xml");
				goto fail;
			}
			e->updates[i].xml = x->text;
			e->updates[i].len = x->text_len;
			i++;
		}
		e->nupdates = i;
	}
	arr = soap_child(res, "FileLocations");
	if ((cnt = soap_count_children(arr, "FileLocation")) > 0) {
		e->files = xcalloc(cnt, sizeof(*e->files));
		i = 0;
		SOAP_FOREACH_CHILD(n, arr, "FileLocation") {
			size_t dlen;
			const struct soap_node *u = soap_child(n, "Url");
			if (soap_node_base64(soap_child(n, "FileDigest"),
			    e->files[i].sha1, 20, &dlen) == -1 || dlen != 20 ||
			    u == NULL || u->text_len == 0) {
				snprintf(err, errlen, "GetExtendedUpdateInfo: "
				    "FileLocation without a 20-byte FileDigest "
				    "or Url");
				goto fail;
			}
			e->files[i].url = u->text;
			i++;
		}
		e->nfiles = i;
	}
	if (read_ints(soap_child(res, "OutOfScopeRevisionIDs"),
	    &e->out_of_scope, &e->nout_of_scope, "OutOfScopeRevisionIDs", err,
	    errlen) == -1)
		goto fail;
	return 0;
fail:
	wmsg_extended_free(e);
	return -1;
}

int
wmsg_read_refresh(const struct soap_request *r, struct wmsg_update **out,
    size_t *nout, char *err, size_t errlen)
{
	const struct soap_node *res, *n;
	size_t cnt, i = 0;

	*out = NULL;
	*nout = 0;
	if ((res = result(r, SOAP_NS_CLIENT, "RefreshCacheResponse", NULL, err,
	    errlen)) == NULL)
		return -1;
	res = soap_child(res, "RefreshCacheResult");
	if ((cnt = soap_count_children(res, "RefreshCacheResult")) == 0)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	SOAP_FOREACH_CHILD(n, res, "RefreshCacheResult") {
		struct wmsg_update *u = &(*out)[i];
		const struct soap_node *g = soap_child(n, "GlobalID");
		char gs[SOAP_GUID_STRLEN];
		int32_t rev;
		int b;

		if (soap_node_int32(soap_child(n, "RevisionID"), &u->id) == -1 ||
		    soap_node_guid(soap_child(g, "UpdateID"), gs) == -1 ||
		    guid_parsez(gs, &u->global_id) == -1 ||
		    soap_node_int32(soap_child(g, "RevisionNumber"), &rev) == -1 ||
		    soap_node_bool(soap_child(n, "IsLeaf"), &b) == -1) {
			snprintf(err, errlen, "RefreshCache: result without "
			    "RevisionID, GlobalID or IsLeaf");
			goto fail;
		}
		u->global_rev = rev;
		u->is_leaf = b != 0;
		if (read_deployment(soap_child(n, "Deployment"), u,
		    "RefreshCacheResult", err, errlen) == -1)
			goto fail;
		i++;
	}
	*nout = i;
	return 0;
fail:
	free(*out);
	*out = NULL;
	return -1;
}

static int
read_guids(const struct soap_node *arr, struct guid **out, size_t *n,
    char *err, size_t errlen)
{
	const struct soap_node *g;
	size_t cnt = soap_count_children(arr, "guid"), i = 0;

	*out = xcalloc(cnt + 1, sizeof(struct guid));
	SOAP_FOREACH_CHILD(g, arr, "guid") {
		char s[SOAP_GUID_STRLEN];
		if (soap_node_guid(g, s) == -1 ||
		    guid_parsez(s, &(*out)[i]) == -1) {
			snprintf(err, errlen, "bad guid in %s", arr->name);
			free(*out);
			*out = NULL;
			return -1;
		}
		i++;
	}
	*n = i;
	return 0;
}

int
wmsg_read_start_category(const struct soap_request *r,
    struct guid **preferred, size_t *n, size_t *nerror, char *err,
    size_t errlen)
{
	const struct soap_node *res;
	struct guid *e = NULL;

	*preferred = NULL;
	*n = *nerror = 0;
	if ((res = result(r, SOAP_NS_CLIENT, "StartCategoryScanResponse", NULL,
	    err, errlen)) == NULL)
		return -1;
	if (read_guids(soap_child(res, "preferredCategoryIds"), preferred, n,
	    err, errlen) == -1)
		return -1;
	if (read_guids(soap_child(res, "requestedCategoryIdsInError"), &e,
	    nerror, err, errlen) == -1) {
		free(*preferred);
		*preferred = NULL;
		return -1;
	}
	free(e);
	return 0;
}

int
wmsg_read_report(const struct soap_request *r, bool *ok, char *err,
    size_t errlen)
{
	const struct soap_node *res;
	int b;

	if ((res = result(r, SOAP_NS_SWDIST, "ReportEventBatchResponse",
	    "ReportEventBatchResult", err, errlen)) == NULL)
		return -1;
	if (soap_node_bool(res, &b) == -1) {
		snprintf(err, errlen, "ReportEventBatch: bad result");
		return -1;
	}
	*ok = b != 0;
	return 0;
}

void
wmsg_time_now(char out[40], bool millis)
{
	struct timespec ts;
	struct soap_datetime dt;

	clock_gettime(CLOCK_REALTIME, &ts);
	soap_datetime_from_unix(ts.tv_sec, millis ?
	    (uint32_t)(ts.tv_nsec / 1000000) * 10000 : 0, &dt);
	if (soap_format_datetime(&dt, out) == -1)
		snprintf(out, 40, "1970-01-01T00:00:00Z");
}

int64_t
wmsg_time_parse(const char *s)
{
	struct soap_datetime dt;

	if (s == NULL || soap_parse_datetime(s, strlen(s), &dt) == -1)
		return -1;
	return dt.sec;
}
