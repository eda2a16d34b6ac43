/*
 * helpers.c — the MS-WUSP helpers the operations share: 100 ns ticks,
 * protocol versions, session cookies in requests and answers, and the
 * ArrayOfInt reader.  Not the cookie format (src/cookie), not the SOAP
 * pipeline (src/service).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap_value.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wusp/service_internal.h"

int64_t
wusp_ticks(const struct soap_datetime *dt)
{
	return dt->sec * 10000000 + (int64_t)dt->ticks;
}

void
wusp_from_ticks(int64_t t, struct soap_datetime *dt)
{
	int64_t s = t / 10000000, f = t % 10000000;

	if (f < 0) {
		f += 10000000;
		s--;
	}
	soap_datetime_from_unix(s, (uint32_t)f, dt);
}

int
wusp_parse_version(const char *s, uint16_t *major, uint16_t *minor)
{
	unsigned long v[2] = { 0, 0 };
	const char *p = s;

	if (s == NULL)
		return -1;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	for (int k = 0; k < 2; k++) {
		int nd = 0;

		while (*p >= '0' && *p <= '9') {
			if (++nd > 5)
				return -1;
			v[k] = v[k] * 10 + (unsigned long)(*p++ - '0');
		}
		if (nd == 0 || v[k] > UINT16_MAX)
			return -1;
		if (k == 0 && *p++ != '.')
			return -1;
	}
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p != '\0')
		return -1;
	*major = (uint16_t)v[0];
	*minor = (uint16_t)v[1];
	return 0;
}

int
wusp_open_session(struct svc_call *c, const struct soap_node *n,
    struct wusp_session_cookie *out)
{
	const struct soap_node *exp = soap_child(n, "Expiration");
	const struct soap_node *data = soap_child(n, "EncryptedData");
	struct soap_datetime dt;
	const char *b64;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (n == NULL || soap_is_nil(n) || data == NULL)
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, "no cookie");
	if (exp == NULL || soap_node_datetime(exp, &dt) != 0)
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, "bad Expiration");
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	switch (cookie_open_wusp_session(&c->host->kr, b64, len, dt.sec,
	    c->now, out)) {
	case COOKIE_OK:
		return 0;
	case COOKIE_EXPIRED:
		return svc_fault(c, SOAP_EC_COOKIE_EXPIRED, NULL);
	case COOKIE_SERVER_CHANGED:
		return svc_fault(c, SOAP_EC_SERVER_CHANGED, NULL);
	case COOKIE_ERROR:
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "cannot open cookie");
	case COOKIE_INVALID:
	default:
		return svc_fault(c, SOAP_EC_INVALID_COOKIE, NULL);
	}
}

int
wusp_write_session(struct svc_call *c, const char *name,
    const struct wusp_session_cookie *s)
{
	char b64[COOKIE_B64_BUFSZ], err[160];
	struct soap_datetime dt;

	if (cookie_seal_wusp_session(&c->host->kr, s, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal a session cookie: %s", err);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	soap_datetime_from_unix(s->expires_at, 0, &dt);
	xmlw_start(&c->w, name);
	xmlw_elem_datetime(&c->w, "Expiration", &dt);
	xmlw_elem(&c->w, "EncryptedData", b64);
	xmlw_end(&c->w);
	return 0;
}

int
wusp_int_array(struct svc_call *c, const struct soap_node *arr,
    const char *item, size_t max, const char *param, int32_t **out,
    size_t *n)
{
	const struct soap_node *e;
	size_t k = 0, cnt;
	int32_t *v;

	*out = NULL;
	*n = 0;
	if (arr == NULL || soap_is_nil(arr))
		return 0;
	cnt = soap_count_children(arr, item);
	if (cnt > max)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", param);
	if (cnt == 0)
		return 0;
	v = xreallocarray(NULL, cnt, sizeof(*v));
	SOAP_FOREACH_CHILD(e, arr, item) {
		if (soap_node_int32(e, &v[k]) != 0) {
			free(v);
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s",
			    param);
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}
