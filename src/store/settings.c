/*
 * settings.c — the settings registry (store/settings.h): the table of
 * every key with its type, default and bounds, value checks, and typed
 * accessors over the backends' raw setting_get/set.  Backend-independent:
 * no SQL here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/reporting.h"
#include "store/settings.h"
#include "store/store_util.h"
#include "util/xmalloc.h"

static const char *const targeting_words[] = { "server", "client", NULL };
static const char *const rollup_words[] = { "summary", "detailed" };


const struct store_setting_def store_settings[] = {
	{ SETTING_SERVER_ID, STORE_SETTING_GUID, NULL, 0, 0, NULL,
	    "GUID of this server (postinstall)" },
	{ SETTING_COOKIE_KEY, STORE_SETTING_HEX, NULL, 64, 64, NULL,
	    "AES-256 cookie key, 64 hex digits (postinstall)" },
	{ SETTING_CREATED, STORE_SETTING_STRING, NULL, 1, 64, NULL,
	    "ISO time of the first postinstall" },
	{ SETTING_CLIENT_CONFIG, STORE_SETTING_STRING, NULL, 3, 256, NULL,
	    "\"TIME FINGERPRINT\" of the client configuration (LastChange)" },
	{ SETTING_TARGETING_MODE, STORE_SETTING_ENUM, "server", 0, 0,
	    targeting_words, "who assigns computers to groups" },
	{ SETTING_EVENTS_PER_COMPUTER, STORE_SETTING_INT, "250", 0,
	    EVENTS_PER_COMPUTER_MAX, NULL, "events kept per computer" },
	{ SETTING_EVENT_RETENTION_DAYS, STORE_SETTING_INT, "30", 0,
	    EVENT_RETENTION_DAYS_MAX, NULL, "days events are kept" },
	{ SETTING_ROLLUP, STORE_SETTING_BOOL, "detailed", 0, 0, rollup_words,
	    "detailed rollup from downstream servers (DoDetailedRollup)" },
	{ SETTING_ROLLUP_RESET, STORE_SETTING_GUID, NULL, 0, 0, NULL,
	    "RollupResetGuid given to downstream servers" },
	{ SETTING_WSUSSS_ALLOW, STORE_SETTING_STRING, "", 0, 4096, NULL,
	    "downstream servers allowed to sync (addresses, networks)" },
	{ SETTING_WSUSSS_BATCH, STORE_SETTING_INT, "100", 1,
	    SETTING_WSUSSS_BATCH_MAX, NULL,
	    "MaxNumberOfUpdatesPerRequest given to downstream servers" },
	{ SETTING_WSUSSS_LANGUAGES, STORE_SETTING_STRING, NULL, 0, 4096, NULL,
	    "languages enabled for downstream servers (\"en,de\")" },
	{ SETTING_WSUSSS_COMPRESS, STORE_SETTING_BOOL, "yes", 0, 0, NULL,
	    "answer downstream servers with cabinets when they allow it" },
	{ SETTING_SYNC_CLIENT_CERT, STORE_SETTING_STRING, NULL, 1, 4096, NULL,
	    "client certificate (PEM file) presented to the upstream" },
	{ SETTING_SYNC_CLIENT_KEY, STORE_SETTING_STRING, NULL, 1, 4096, NULL,
	    "its private key (PEM file)" },
	{ SETTING_SYNC_CREDENTIAL, STORE_SETTING_HEX, NULL, 64, 64, NULL,
	    "secret presented to the upstream (wsusctl downstream credential "
	    "there)" },
	{ SETTING_CONTENT_WINDOW, STORE_SETTING_STRING, "", 0, 11, NULL,
	    "local time window of content downloads (\"HH:MM-HH:MM\"; "
	    "\"\": always)" },
};
const size_t store_settings_count =
    sizeof(store_settings) / sizeof(store_settings[0]);

const struct store_setting_def *
store_setting_find(const char *key)
{
	size_t i;

	if (key == NULL)
		return NULL;
	for (i = 0; i < store_settings_count; i++)
		if (strcmp(store_settings[i].key, key) == 0)
			return &store_settings[i];
	return NULL;
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
parse_int(const char *v, int64_t *out)
{
	char *end;
	long long n;

	if (v[0] == '\0' || v[0] == ' ' || v[0] == '\t')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

static bool
word_in(const char *v, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasecmp(v, *words) == 0)
			return true;
	return false;
}

/* BOOL: 0 false, 1 true, -1 neither. */
static int
parse_bool(const struct store_setting_def *d, const char *v)
{
	static const char *const no[] = { "no", "false", "0", "off", NULL };
	static const char *const yes[] = { "yes", "true", "1", "on", NULL };

	if (word_in(v, no) || (d->words != NULL &&
	    strcasecmp(v, d->words[0]) == 0))
		return 0;
	if (word_in(v, yes) || (d->words != NULL &&
	    strcasecmp(v, d->words[1]) == 0))
		return 1;
	return -1;
}

/* ENUM: the index of v in words, -1 when none. */
static int
parse_enum(const struct store_setting_def *d, const char *v)
{
	int i;

	for (i = 0; d->words[i] != NULL; i++)
		if (strcasecmp(v, d->words[i]) == 0)
			return i;
	return -1;
}

static int
check_def(const struct store_setting_def *d, const char *v, char *err,
    size_t errlen)
{
	char g[GUID_STRLEN + 1];
	int64_t n;
	size_t len = strlen(v), i;

	switch (d->type) {
	case STORE_SETTING_STRING:
		if ((int64_t)len < d->min || (int64_t)len > d->max)
			return fail(err, errlen, "setting %s: %lld..%lld bytes, "
			    "not %zu", d->key, (long long)d->min,
			    (long long)d->max, len);
		return 0;
	case STORE_SETTING_INT:
		if (parse_int(v, &n) != 0)
			return fail(err, errlen, "setting %s: \"%.32s\" is not "
			    "a number", d->key, v);
		if (n < d->min || n > d->max)
			return fail(err, errlen, "setting %s: %lld is not in "
			    "%lld..%lld", d->key, (long long)n,
			    (long long)d->min, (long long)d->max);
		return 0;
	case STORE_SETTING_BOOL:
		if (parse_bool(d, v) < 0)
			return fail(err, errlen, "setting %s: \"%.32s\" is not "
			    "yes or no%s%s%s%s", d->key, v,
			    d->words != NULL ? " (or " : "",
			    d->words != NULL ? d->words[1] : "",
			    d->words != NULL ? ", " : "",
			    d->words != NULL ? d->words[0] : "");
		return 0;
	case STORE_SETTING_GUID:
		if (store_guid_norm(v, g) != 0)
			return fail(err, errlen, "setting %s: \"%.40s\" is not "
			    "a GUID", d->key, v);
		return 0;
	case STORE_SETTING_HEX:
		for (i = 0; i < len; i++)
			if (strchr("0123456789abcdefABCDEF", v[i]) == NULL)
				return fail(err, errlen, "setting %s: not hex "
				    "digits", d->key);
		if ((int64_t)len < d->min || (int64_t)len > d->max)
			return fail(err, errlen, "setting %s: %lld..%lld hex "
			    "digits, not %zu", d->key, (long long)d->min,
			    (long long)d->max, len);
		return 0;
	case STORE_SETTING_ENUM:
		if (parse_enum(d, v) < 0)
			return fail(err, errlen, "setting %s: \"%.32s\" is not "
			    "one of its words", d->key, v);
		return 0;
	}
	return fail(err, errlen, "setting %s: unknown type", d->key);
}

int
store_setting_check(const char *key, const char *value, char *err,
    size_t errlen)
{
	const struct store_setting_def *d;

	if ((d = store_setting_find(key)) == NULL)
		return fail(err, errlen, "setting %s is not registered",
		    key != NULL ? key : "(null)");
	if (value == NULL)
		return fail(err, errlen, "setting %s: no value", key);
	return check_def(d, value, err, errlen);
}

/*
 * The text to use for key: text itself when it passes, else the default
 * (rc STORE_INVALID when text was refused, STORE_NOTFOUND when absent
 * without a default).  *dp: the definition.
 */
static int
effective(const char *key, enum store_setting_type type, const char *text,
    const char **use, const struct store_setting_def **dp, char *err,
    size_t errlen)
{
	const struct store_setting_def *d;
	int rc = STORE_OK;

	*use = NULL;
	if ((d = store_setting_find(key)) == NULL || d->type != type) {
		fail(err, errlen, "setting %s is not registered as this type",
		    key != NULL ? key : "(null)");
		return STORE_INVALID;
	}
	*dp = d;
	if (text != NULL && text[0] != '\0') {
		if (check_def(d, text, err, errlen) == 0) {
			*use = text;
			return STORE_OK;
		}
		rc = STORE_INVALID;
	}
	if (d->def == NULL) {
		if (rc == STORE_OK)
			fail(err, errlen, "setting %s is not set", key);
		return rc == STORE_OK ? STORE_NOTFOUND : rc;
	}
	*use = d->def;
	return rc;
}

int
store_setting_parse_int(const char *key, const char *text, int64_t *out,
    char *err, size_t errlen)
{
	const struct store_setting_def *d;
	const char *use;
	int rc;

	*out = 0;
	rc = effective(key, STORE_SETTING_INT, text, &use, &d, err, errlen);
	if (use != NULL && parse_int(use, out) != 0)
		*out = 0;
	return rc;
}

int
store_setting_parse_bool(const char *key, const char *text, bool *out,
    char *err, size_t errlen)
{
	const struct store_setting_def *d;
	const char *use;
	int rc;

	*out = false;
	rc = effective(key, STORE_SETTING_BOOL, text, &use, &d, err, errlen);
	if (use != NULL)
		*out = parse_bool(d, use) == 1;
	return rc;
}

int
store_setting_parse_enum(const char *key, const char *text, int *out,
    char *err, size_t errlen)
{
	const struct store_setting_def *d;
	const char *use;
	int rc, i;

	*out = 0;
	rc = effective(key, STORE_SETTING_ENUM, text, &use, &d, err, errlen);
	if (use != NULL && (i = parse_enum(d, use)) >= 0)
		*out = i;
	return rc;
}

/* The raw text of key; NULL when absent.  rc of the read otherwise. */
static int
raw(struct store *st, const char *key, char **v)
{
	int rc;

	*v = NULL;
	rc = store_setting_get(st, key, v);
	if (rc == STORE_NOTFOUND) {
		*v = NULL;
		return STORE_OK;
	}
	return rc;
}

/* Map a parse answer to the store's error text. */
static int
answer(struct store *st, int rc, const char *err)
{
	if (rc != STORE_OK)
		return store_seterr(st, rc, "%s", err);
	return rc;
}

int
store_setting_int(struct store *st, const char *key, int64_t *out)
{
	char *v, err[256];
	int rc;

	*out = 0;
	if ((rc = raw(st, key, &v)) != STORE_OK)
		return rc;
	rc = store_setting_parse_int(key, v, out, err, sizeof(err));
	free(v);
	return answer(st, rc, err);
}

int
store_setting_bool(struct store *st, const char *key, bool *out)
{
	char *v, err[256];
	int rc;

	*out = false;
	if ((rc = raw(st, key, &v)) != STORE_OK)
		return rc;
	rc = store_setting_parse_bool(key, v, out, err, sizeof(err));
	free(v);
	return answer(st, rc, err);
}

int
store_setting_enum(struct store *st, const char *key, int *out)
{
	char *v, err[256];
	int rc;

	*out = 0;
	if ((rc = raw(st, key, &v)) != STORE_OK)
		return rc;
	rc = store_setting_parse_enum(key, v, out, err, sizeof(err));
	free(v);
	return answer(st, rc, err);
}

int
store_setting_str(struct store *st, const char *key, char **out)
{
	const struct store_setting_def *d;
	const char *use;
	char *v, err[256];
	int rc;

	*out = NULL;
	if ((d = store_setting_find(key)) == NULL ||
	    (d->type != STORE_SETTING_STRING && d->type != STORE_SETTING_GUID &&
	    d->type != STORE_SETTING_HEX))
		return store_seterr(st, STORE_INVALID, "setting %s is not "
		    "registered as text", key != NULL ? key : "(null)");
	if ((rc = raw(st, key, &v)) != STORE_OK)
		return rc;
	rc = effective(key, d->type, v, &use, &d, err, sizeof(err));
	if (use != NULL)
		*out = xstrdup(use);
	if (v != NULL) {
		/* the raw copy may be a key (cookie_key): leave no trace */
		explicit_bzero(v, strlen(v));
		free(v);
	}
	return answer(st, rc, err);
}

int
store_setting_set_checked(struct store *st, const char *key,
    const char *value)
{
	char err[256];

	if (store_setting_check(key, value, err, sizeof(err)) != 0)
		return store_seterr(st, STORE_INVALID, "%s", err);
	return store_setting_set(st, key, value);
}
