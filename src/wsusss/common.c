/*
 * common.c — small helpers of the MS-WSUSSS upstream operations: anchors
 * in requests and answers, the current time as a SOAP dateTime, and
 * every store setting the operations read (SETTING_WSUSSS_*: the one
 * place that reads them).  Not the
 * anchor format itself (anchor.c).  docs/WSUSSS.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

static int
setting_int(struct store *st, const char *key, int def, int lo, int hi)
{
	char *v = NULL, *end;
	long n;

	if (store_setting_get(st, key, &v) != STORE_OK || v == NULL)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi) {
		log_warn("setting %s=%s ignored (want %d..%d)", key, v, lo, hi);
		n = def;
	}
	free(v);
	return (int)n;
}

static bool
setting_no(struct store *st, const char *key)
{
	char *v = NULL;
	bool no;

	if (store_setting_get(st, key, &v) != STORE_OK || v == NULL)
		return false;
	no = strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0;
	free(v);
	return no;
}

void
ws_now_datetime(struct soap_datetime *dt)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	soap_datetime_from_unix(ts.tv_sec, (uint32_t)(ts.tv_nsec / 100), dt);
}

/* ---- the settings the operations read (SETTING_WSUSSS_*) ---- */

int
ws_batch(struct store *st)
{
	return setting_int(st, SETTING_WSUSSS_BATCH, WSUSSS_BATCH_DEFAULT, 1,
	    WSUSSS_BATCH_MAX);
}

bool
ws_compress_ok(struct store *st)
{
	return !setting_no(st, SETTING_WSUSSS_COMPRESS);
}

char *
ws_languages(struct store *st)
{
	char *langs = NULL;

	if (store_setting_get(st, SETTING_WSUSSS_LANGUAGES, &langs) !=
	    STORE_OK)
		langs = NULL;
	return langs;
}

char *
ws_allow_list(struct svc_call *c, struct store *st)
{
	char *list = NULL;

	/* wsusd.conf [server] upstream_allow first, else the store setting */
	if (c->host->cfg->upstream_allow != NULL)
		list = xstrdup(c->host->cfg->upstream_allow);
	else if (store_setting_get(st, SETTING_WSUSSS_ALLOW, &list) !=
	    STORE_OK)
		list = NULL;
	return list;
}
