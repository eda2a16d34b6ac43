/*
 * settings.h — the one registry of the store's settings: every key the
 * tree keeps in the settings table, with its type, default and bounds,
 * and typed accessors over the raw store_setting_get/set of
 * store/core.h.
 *
 * It is not a configuration file (src/config/ reads wsusd.conf) and not
 * the replica's sync state, which has typed tables of its own
 * (store/sync_state.h; migration 4 moved the old sync_* settings into
 * those tables).
 *
 * The SETTING_* macros below are the key names, defined here only.
 *
 * Reading: absent (or stored as "") gives the default and STORE_OK; a
 * stored value the registry refuses (not a number, out of bounds, not a
 * word of the enum) gives the default too, but returns STORE_INVALID
 * with the reason in store_errmsg(), so a caller can either warn or go
 * on with the default.  A key without a default that is absent gives
 * STORE_NOTFOUND.  Writing with store_setting_set_checked() refuses what
 * the registry would refuse to read.
 */
#ifndef WSUSD_STORE_SETTINGS_H
#define WSUSD_STORE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/core.h"

/* Raw limits of every setting (the backends enforce them). */
#define STORE_SETTING_KEY_MAX	128
#define STORE_SETTING_VALUE_MAX	(1024 * 1024)

/* ---- the keys (same names and text as before the registry) ---- */

/* identity (wsusctl postinstall) */
#define SETTING_SERVER_ID	"server_id"	/* GUID of this server */
#define SETTING_COOKIE_KEY	"cookie_key"	/* 64 hex chars: AES-256 key */
#define SETTING_CREATED		"created"	/* ISO time of first postinstall */
/* clients (src/wusp) */
#define SETTING_CLIENT_CONFIG	"wusp_client_config"	/* "TIME FINGERPRINT" */
#define SETTING_TARGETING_MODE	"targeting_mode"	/* "server" (default) | "client" */
#define SETTING_EVENTS_PER_COMPUTER "events_per_computer" /* default 250 */
#define SETTING_EVENT_RETENTION_DAYS "event_retention_days" /* default 30 */
/* downstream servers (src/wsusss) */
#define SETTING_ROLLUP		"rollup"	/* "detailed" (default) or "summary":
						 * GetRollupConfiguration.DoDetailedRollup */
#define SETTING_ROLLUP_RESET	"rollup_reset_guid"	/* RollupResetGuid; created on first use */
#define SETTING_WSUSSS_ALLOW	"upstream_allow"	/* allow-list, anchor.h */
#define SETTING_WSUSSS_BATCH	"upstream_batch"	/* MaxNumberOfUpdatesPerRequest */
#define SETTING_WSUSSS_LANGUAGES "upstream_languages"	/* "en,de": enabled */
#define SETTING_WSUSSS_COMPRESS	"upstream_compress"	/* "no": never a cab */
/* this server as a downstream (wsusctl sync configure; docs/SECURITY.md) */
#define SETTING_SYNC_CLIENT_CERT "sync_client_certificate" /* PEM path */
#define SETTING_SYNC_CLIENT_KEY	"sync_client_key"	/* PEM path */
#define SETTING_SYNC_CREDENTIAL	"sync_credential"	/* secret, 64 hex */
/* the sync service (src/daemon/sync_runner.c, src/sync/content_window.c) */
#define SETTING_CONTENT_WINDOW	"content_window"	/* "HH:MM-HH:MM" */

/* Bounds of the integer settings whose owners publish them. */
#define SETTING_WSUSSS_BATCH_DEFAULT	100	/* MaxNumberOfUpdatesPerRequest */
#define SETTING_WSUSSS_BATCH_MAX	1000	/* largest value it may take */

enum store_setting_type {
	STORE_SETTING_STRING = 0,	/* text; min..max bytes */
	STORE_SETTING_INT,		/* decimal integer in min..max */
	STORE_SETTING_BOOL,		/* no/false/0/off, yes/true/1/on, or
					 * words[0] (false) / words[1] (true) */
	STORE_SETTING_GUID,		/* 8-4-4-4-12 hex digits */
	STORE_SETTING_HEX,		/* hex digits; min..max of them */
	STORE_SETTING_ENUM,		/* one of words[] (any case); value =
					 * its index */
};

/* One registered setting. */
struct store_setting_def {
	const char *key;
	enum store_setting_type type;
	const char *def;		/* text when absent; NULL: no default */
	int64_t	    min, max;		/* INT: value; STRING, HEX: length */
	const char *const *words;	/* ENUM: NULL-ended; BOOL: 2 or NULL */
	const char *what;		/* one line, for docs and errors */
};

/* The registry, in the order above, and its size. */
extern const struct store_setting_def store_settings[];
extern const size_t store_settings_count;

/* The registered definition of key; NULL when not registered. */
const struct store_setting_def *store_setting_find(const char *key);

/*
 * Check a value against the registry: 0, or -1 with the reason in err
 * (unknown key, wrong type, out of bounds).  "" is refused for every
 * type but STRING with min 0.
 */
int	store_setting_check(const char *key, const char *value, char *err,
	    size_t errlen);

/*
 * Parse text (NULL or "": absent) as key's type; the same answers as
 * the accessors below (STORE_OK, STORE_INVALID with the default in *out,
 * STORE_NOTFOUND when absent without a default), with the reason in err
 * (may be NULL).  For callers that already hold the text.
 */
int	store_setting_parse_int(const char *key, const char *text,
	    int64_t *out, char *err, size_t errlen);
int	store_setting_parse_bool(const char *key, const char *text,
	    bool *out, char *err, size_t errlen);
int	store_setting_parse_enum(const char *key, const char *text,
	    int *out, char *err, size_t errlen);

/* Typed reads (see the head comment for the answers). */
int	store_setting_int(struct store *, const char *key, int64_t *out);
int	store_setting_bool(struct store *, const char *key, bool *out);
int	store_setting_enum(struct store *, const char *key, int *out);
/* STRING, GUID, HEX: *out is the stored text or the default, caller
 * frees; NULL with STORE_NOTFOUND when absent without a default. */
int	store_setting_str(struct store *, const char *key, char **out);

/* store_setting_set after store_setting_check (STORE_INVALID, nothing
 * written, when the registry refuses the value). */
int	store_setting_set_checked(struct store *, const char *key,
	    const char *value);

#endif
