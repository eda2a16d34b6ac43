/*
 * common.c — small helpers of the MS-WSUSSS upstream operations: anchors
 * in requests and answers, the current time as a SOAP dateTime, and
 * every store setting the operations read (SETTING_WSUSSS_*: the one
 * place that reads them, through the registry of store/settings.h).  Not
 * the anchor format itself (anchor.c).  docs/WSUSSS.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/settings.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/service_internal.h"

/* Parse an optional anchor element; absent/empty/nil: *has = false. */
int
ws_read_anchor(struct svc_call *c, const struct soap_node *n, const char *param,
    struct wsusss_anchor *a, bool *has, int64_t cur_seq)
{
	const char *t;
	size_t len;

	*has = false;
	memset(a, 0, sizeof(*a));
	if (n == NULL || soap_is_nil(n))
		return 0;
	t = n->text;
	len = n->text_len;
	soap_trim(&t, &len);
	if (len == 0)
		return 0;
	if (wsusss_anchor_parse(t, len, a) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", param);
	/* an anchor this server cannot have issued: from the future */
	if (a->counter > cur_seq || a->time > c->now + WS_FUTURE_SKEW)
		return svc_fault(c, SOAP_EC_SERVER_CHANGED, "%s from the "
		    "future", param);
	*has = true;
	return 0;
}

void
ws_write_anchor(struct svc_call *c, const char *name, int64_t seq)
{
	struct wsusss_anchor a;
	char text[WSUSSS_ANCHOR_MAX];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	a.counter = seq;
	a.time = ts.tv_sec;
	a.msec = (uint32_t)(ts.tv_nsec / 1000000);
	wsusss_anchor_format(&a, text, sizeof(text));
	xmlw_elem(&c->w, name, text);
}

void
ws_now_datetime(struct soap_datetime *dt)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	soap_datetime_from_unix(ts.tv_sec, (uint32_t)(ts.tv_nsec / 100), dt);
}

/* ---- the settings the operations read (SETTING_WSUSSS_*) ---- */

/*
 * A stored value the registry refuses (store/settings.h) gives the
 * default with a warning; a store that cannot be read gives the default
 * silently, as an absent setting would.
 */
static void
refused(struct store *st, int rc)
{
	if (rc == STORE_INVALID)
		log_warnx("%s; using the default", store_errmsg(st));
}

int
ws_batch(struct store *st)
{
	int64_t n = SETTING_WSUSSS_BATCH_DEFAULT;
	int rc;

	rc = store_setting_int(st, SETTING_WSUSSS_BATCH, &n);
	refused(st, rc);
	if (rc != STORE_OK && rc != STORE_INVALID)
		n = SETTING_WSUSSS_BATCH_DEFAULT;
	return (int)n;
}

bool
ws_compress_ok(struct store *st)
{
	bool on = true;
	int rc;

	rc = store_setting_bool(st, SETTING_WSUSSS_COMPRESS, &on);
	refused(st, rc);
	if (rc != STORE_OK && rc != STORE_INVALID)
		on = true;
	return on;
}

char *
ws_languages(struct store *st)
{
	char *langs = NULL;
	int rc;

	rc = store_setting_str(st, SETTING_WSUSSS_LANGUAGES, &langs);
	if (rc == STORE_INVALID)
		log_warnx("%s; no language list", store_errmsg(st));
	if (rc != STORE_OK) {
		free(langs);
		langs = NULL;
	}
	return langs;
}

int
ws_allow_list(struct svc_call *c, struct store *st, char **list, char *err,
    size_t errlen)
{
	int rc;

	*list = NULL;
	/* wsusd.conf [server] upstream_allow first (as the last reload
	 * left it), else the store setting */
	if ((*list = svc_host_upstream_allow(c->host)) != NULL)
		return 0;
	rc = store_setting_str(st, SETTING_WSUSSS_ALLOW, list);
	if (rc == STORE_INVALID) {
		/* a list the registry refuses refuses everyone */
		const char *m = store_errmsg(st);
		const char *pre = "setting " SETTING_WSUSSS_ALLOW ": ";

		if (strncmp(m, pre, strlen(pre)) == 0)
			m += strlen(pre);
		snprintf(err, errlen, "%s", m);
		free(*list);
		*list = NULL;
		return -1;
	}
	if (rc != STORE_OK) {
		/* unreadable: as absent (as before the registry) */
		free(*list);
		*list = NULL;
	}
	return 0;
}
