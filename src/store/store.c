/*
 * store.c — backend dispatch: pick a backend by the URL scheme, and the
 * backend-independent helpers (error text, rc names).  The operations
 * themselves are the inline wrappers of the domain headers calling
 * st->ops; store_sync_state_free() and rollup_summary_names[] are here as
 * they need no backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "store/sqlite/store_sqlite.h"

static const struct store_ops *const backends[] = {
	&store_sqlite_ops,
};

/* Length of "scheme" when url begins with "scheme:", else 0. */
static size_t
scheme_len(const char *url)
{
	size_t i;

	for (i = 0; url[i] != '\0'; i++) {
		char c = url[i];

		if (c == ':')
			return i;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (i > 0 && ((c >= '0' && c <= '9') || c == '+' ||
		    c == '-' || c == '.'))))
			return 0;
	}
	return 0;
}

const struct store_ops *
store_backend_find(const char *url)
{
	size_t i, n;

	if (url == NULL || (n = scheme_len(url)) == 0)
		return NULL;
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strlen(backends[i]->scheme) == n &&
		    strncasecmp(url, backends[i]->scheme, n) == 0)
			return backends[i];
	return NULL;
}

int
store_open(const char *url, struct store **out, char *err, size_t errlen)
{
	const struct store_ops *ops;
	size_t n;

	*out = NULL;
	if (url == NULL || *url == '\0') {
		snprintf(err, errlen, "no database URL configured");
		return STORE_INVALID;
	}
	if ((ops = store_backend_find(url)) != NULL)
		return ops->open(url, out, err, errlen);
	n = scheme_len(url);
	if ((n == 10 && strncasecmp(url, "postgresql", n) == 0) ||
	    (n == 8 && strncasecmp(url, "postgres", n) == 0)) {
		snprintf(err, errlen, "database URL \"%.*s:...\": the PostgreSQL "
		    "backend is not supported yet; use sqlite:///path/to/"
		    "wsusd.db", (int)n, url);
		return STORE_INVALID;
	}
	if (n == 0)
		snprintf(err, errlen, "database URL \"%.64s\" has no scheme; "
		    "expected sqlite:///absolute/path.db or sqlite:relative.db",
		    url);
	else
		snprintf(err, errlen, "database URL scheme \"%.*s\" is not "
		    "known; expected sqlite:", (int)(n > 32 ? 32 : n), url);
	return STORE_INVALID;
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

const char *
store_errmsg(const struct store *st)
{
	if (st == NULL)
		return "no store";
	return st->errmsg;
}

const char *
store_rc_name(int rc)
{
	switch (rc) {
	case STORE_OK:
		return "ok";
	case STORE_NOTFOUND:
		return "not found";
	case STORE_EXISTS:
		return "already exists";
	case STORE_INVALID:
		return "invalid request";
	case STORE_BUSY:
		return "database busy";
	case STORE_ERROR:
		return "database error";
	default:
		return "unknown store error";
	}
}

const char *const rollup_summary_names[ROLLUP_SUMMARY_FIELDS] = {
	"UpdateCount", "DeclinedUpdateCount", "ApprovedUpdateCount",
	"NotApprovedUpdateCount", "UpdatesWithStaleUpdateApprovalsCount",
	"ExpiredUpdateCount",
	"CriticalOrSecurityUpdatesNotApprovedForInstallCount",
	"WsusInfrastructureUpdatesNotApprovedForInstallCount",
	"UpdatesWithClientErrorsCount", "UpdatesWithServerErrorsCount",
	"UpdatesNeedingFilesCount", "UpdatesNeededByComputersCount",
	"UpdatesUpToDateCount", "CustomComputerTargetGroupCount",
	"ComputerTargetCount", "ComputerTargetsNeedingUpdatesCount",
	"ComputerTargetsWithUpdateErrorsCount", "ComputersUpToDateCount",
};

void
store_sync_state_free(struct store_sync_state *s)
{
	int i;

	if (s == NULL)
		return;
	free(s->upstream);
	free(s->account);
	for (i = 0; i < SYNC_PHASE_COUNT; i++)
		free(s->anchor[i]);
	free(s->filter);
	free(s->rollup_reset);
	free(s->replica_of);
	memset(s, 0, sizeof(*s));
}

void
store_sync_config_free(struct store_sync_config *c)
{
	if (c == NULL)
		return;
	free(c->upstream);
	free(c->products);
	free(c->classifications);
	free(c->languages);
	free(c->proxy);
	free(c->proxy_user);
	free(c->proxy_password);
	free(c->cacert);
	free(c->tls_min);
	free(c->protocol);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

const char *
store_sync_result_name(int result)
{
	static const char *const names[] = { "running", "ok", "failed",
	    "cancelled" };

	return result >= 0 && result < 4 ? names[result] : "unknown";
}

const char *
store_sync_trigger_name(int trigger)
{
	if (trigger == SYNC_TRIGGER_DOWNLOADFILES)
		return "downloadfiles";
	return trigger == SYNC_TRIGGER_SCHEDULED ? "scheduled" : "manual";
}

const char *
store_sync_content_name(int content)
{
	static const char *const names[] = { "approved", "all", "none",
	    "origin" };

	return content >= 0 && content < 4 ? names[content] : "unknown";
}

const char *
store_rollup_trigger_name(int trigger)
{
	return trigger == ROLLUP_TRIGGER_SCHEDULED ? "scheduled" : "sync";
}
