/*
 * store.h — the one storage interface of wsusd.
 *
 * Callers use the store_* functions below; each backend (sqlite/, later
 * pgsql/) provides a struct store_ops and embeds struct store as the first
 * member of its own handle.  A handle is used by one thread at a time;
 * open one per thread.  Every mutating call is atomic: it commits whole or
 * changes nothing.
 *
 * Strings in result structs point into memory owned by the store for the
 * duration of the callback only (copy what you keep), unless a function
 * says otherwise.  Error text goes to the err buffer given at open time
 * and is readable with store_errmsg().
 */
#ifndef WSUSD_STORE_STORE_H
#define WSUSD_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata/update.h"

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND = 1,	/* the named object does not exist */
	STORE_EXISTS = 2,	/* a unique name or key is taken */
	STORE_INVALID = 3,	/* the request breaks a rule (e.g. cycle, built-in group) */
	STORE_BUSY = 4,		/* locked past busy_timeout */
	STORE_ERROR = 5,	/* anything else; see store_errmsg() */
};

/* Built-in computer target groups: the GUIDs a real WSUS uses. */
#define GROUP_ALL_COMPUTERS_GUID	"a0a08746-4dbe-4a37-9adf-9e7652c0b421"
#define GROUP_UNASSIGNED_GUID		"b73ca6ed-5727-47f3-84de-015e03f6a88a"
#define GROUP_NAME_MAX			256
/* Imports per transaction in a batch (store_batch_begin). */
#define STORE_BATCH_MAX			256

/* Well-known settings keys (store_setting_get/set). */
#define SETTING_SERVER_ID	"server_id"	/* GUID of this server */
#define SETTING_COOKIE_KEY	"cookie_key"	/* 64 hex chars: AES-256 key */
#define SETTING_CREATED		"created"	/* ISO time of first postinstall */

enum approval_action {
	APPROVAL_INSTALL = 0,
	APPROVAL_UNINSTALL = 1,
	APPROVAL_NOT_APPROVED = 2,	/* explicit block, overrides inherited */
};

enum approval_state_filter {
	APPROVAL_FILTER_ANY = 0,
	APPROVAL_FILTER_APPROVED,	/* some Install/Uninstall approval */
	APPROVAL_FILTER_UNAPPROVED,	/* none, and not declined */
	APPROVAL_FILTER_DECLINED,
};

struct store;

/* ---- results ---- */

struct store_group {
	int64_t	    id;		/* local integer id */
	char	    guid[GUID_STRLEN + 1];
	const char *name;
	int64_t	    parent_id;	/* 0 for All Computers */
	bool	    builtin;
};

struct store_update_row {
	int64_t	    revision_id;	/* local RevisionID of this revision */
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* RevisionNumber */
	enum update_type   type;
	enum category_kind category_kind;
	const char *title;		/* English or default-language title; may be "" */
	const char *kb_article_id;	/* may be NULL */
	const char *msrc_severity;	/* may be NULL */
	const char *creation_date;	/* may be NULL */
	const char *classification;	/* title of its UpdateClassification; may be NULL */
	const char *products;		/* titles of its Product categories, "; "-joined; may be NULL */
	bool	    is_latest;		/* newest revision of its update */
	bool	    declined;
	int	    napprovals;		/* Install/Uninstall approvals of the update */
	uint64_t    max_download_size;
	int64_t	    imported;		/* unix time of import */
};

struct store_update_filter {
	const char *text;		/* case-insensitive substring of title; NULL = any */
	const char *kb;			/* KB number, with or without "KB"; NULL = any */
	const char *product;		/* product title (substring) or GUID; NULL = any */
	const char *classification;	/* classification title (substring) or GUID */
	const char *update_id;		/* exactly this update; NULL = any */
	int	    type;		/* enum update_type, or -1 = any */
	enum approval_state_filter approval;
	bool	    all_revisions;	/* false: only the newest revision of each */
	size_t	    limit;		/* 0 = no limit */
	size_t	    offset;
};

struct store_approval {
	int64_t	    deployment_id;	/* local DeploymentID */
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* revision the approval applies to (newest) */
	int64_t	    revision_id;
	int64_t	    group_id;
	const char *group_name;
	enum approval_action action;
	int64_t	    deadline;		/* unix time, 0 = none */
	int64_t	    created;		/* unix time of the approval */
	const char *admin;		/* who approved; may be "" */
	const char *title;		/* update title, for listings */
};

struct store_file {
	uint8_t	    sha1[20];
	bool	    has_sha256;
	uint8_t	    sha256[32];
	uint64_t    size;
	const char *name;		/* FileName of one update that lists it */
	bool	    present;		/* imported into the content store */
};

enum store_fragment_kind {
	FRAGMENT_CORE = 0,
	FRAGMENT_EXTENDED = 1,
	FRAGMENT_LOCALIZED = 2,		/* needs a language */
	FRAGMENT_DOCUMENT = 3,		/* the full document as imported */
};

/*
 * Listing callbacks: return 0 to go on, non-zero to stop (the listing
 * then returns STORE_OK).  Do not call the same handle from a callback.
 */
typedef int (*store_group_cb)(const struct store_group *, void *arg);
typedef int (*store_update_cb)(const struct store_update_row *, void *arg);
typedef int (*store_approval_cb)(const struct store_approval *, void *arg);
typedef int (*store_file_cb)(const struct store_file *, void *arg);

/* ---- the backend interface ---- */

struct store_ops {
	const char *scheme;		/* "sqlite", "postgresql" */
	int  (*open)(const char *url, struct store **out, char *err, size_t errlen);
	void (*close)(struct store *);

	/* schema: version now and newest this build knows; migrate applies the rest */
	int  (*schema_version)(struct store *, int *current, int *latest);
	int  (*migrate)(struct store *, int *from, int *to);

	int  (*setting_get)(struct store *, const char *key, char **value);	/* caller frees */
	int  (*setting_set)(struct store *, const char *key, const char *value);
	/* set only when absent; *created tells which happened */
	int  (*setting_init)(struct store *, const char *key, const char *value, bool *created);

	/* import one revision with its fragments; idempotent on (update_id, revision) */
	int  (*revision_import)(struct store *, const struct update *, const struct update_doc *,
		    int64_t *revision_id, bool *created);
	/*
	 * Bulk import (added by the store layer): between batch_begin and
	 * batch_end, revision_import calls share transactions, committed
	 * every STORE_BATCH_MAX imports and at batch_end.  Each import stays
	 * atomic on its own (a savepoint): a failed one leaves nothing and
	 * the batch goes on.  An import that returned STORE_OK is committed
	 * only by the next batch commit; batch_end returns an error if any
	 * batch commit failed (then re-run the import: it is idempotent).
	 * Any other mutating call commits the pending batch first; close
	 * commits it too.
	 */
	int  (*batch_begin)(struct store *);
	int  (*batch_end)(struct store *);
	int  (*revision_lookup)(struct store *, const char *update_id, int32_t revision /* -1 newest */,
		    int64_t *revision_id);
	int  (*fragment_get)(struct store *, int64_t revision_id, enum store_fragment_kind,
		    const char *language, char **xml, size_t *len);	/* caller frees */
	int  (*update_list)(struct store *, const struct store_update_filter *,
		    store_update_cb, void *arg);
	int  (*update_count)(struct store *, size_t *revisions, size_t *updates);

	int  (*file_lookup)(struct store *, const uint8_t sha1[20], struct store_file *,
		    char **name);	/* *name: caller frees */
	int  (*file_set_present)(struct store *, const uint8_t sha1[20], bool present);
	/* files of the latest revisions; approved_only: of approved updates only */
	int  (*file_list)(struct store *, bool approved_only, store_file_cb, void *arg);

	int  (*group_create)(struct store *, const char *name, int64_t parent_id, int64_t *id);
	int  (*group_rename)(struct store *, int64_t id, const char *name);
	int  (*group_delete)(struct store *, int64_t id);	/* moves members up to the parent */
	int  (*group_move)(struct store *, int64_t id, int64_t new_parent_id);
	int  (*group_find)(struct store *, const char *name_or_guid, int64_t *id);
	int  (*group_list)(struct store *, store_group_cb, void *arg);	/* parents before children */

	int  (*approve)(struct store *, const char *update_id, int64_t group_id,
		    enum approval_action, int64_t deadline, const char *admin, int64_t *deployment_id);
	/* group 0 = all; STORE_NOTFOUND when there was no approval to remove */
	int  (*unapprove)(struct store *, const char *update_id, int64_t group_id);
	int  (*decline)(struct store *, const char *update_id, bool declined);
	int  (*approval_list)(struct store *, const char *update_id /* NULL all */,
		    int64_t group_id /* 0 all */, store_approval_cb, void *arg);
};

struct store {
	const struct store_ops *ops;
	char	errmsg[512];		/* last error text */
};

/* Open by URL: sqlite:///abs/path/wsusd.db or sqlite:relative.db.
 * postgresql:// is recognised and refused until its backend exists. */
int	store_open(const char *url, struct store **out, char *err, size_t errlen);
void	store_close(struct store *);
const char *store_errmsg(const struct store *);
const char *store_rc_name(int rc);
/* Registered backends, for --help and checkhealth. */
const struct store_ops *store_backend_find(const char *url);

#define STORE_CALL(st, fn, ...)	((st)->ops->fn((st), __VA_ARGS__))

static inline int store_schema_version(struct store *st, int *cur, int *latest)
{ return STORE_CALL(st, schema_version, cur, latest); }
static inline int store_migrate(struct store *st, int *from, int *to)
{ return STORE_CALL(st, migrate, from, to); }
static inline int store_setting_get(struct store *st, const char *k, char **v)
{ return STORE_CALL(st, setting_get, k, v); }
static inline int store_setting_set(struct store *st, const char *k, const char *v)
{ return STORE_CALL(st, setting_set, k, v); }
static inline int store_setting_init(struct store *st, const char *k, const char *v, bool *c)
{ return STORE_CALL(st, setting_init, k, v, c); }
static inline int store_revision_import(struct store *st, const struct update *u,
    const struct update_doc *d, int64_t *rid, bool *created)
{ return STORE_CALL(st, revision_import, u, d, rid, created); }
static inline int store_batch_begin(struct store *st)
{ return st->ops->batch_begin(st); }
static inline int store_batch_end(struct store *st)
{ return st->ops->batch_end(st); }
static inline int store_revision_lookup(struct store *st, const char *uid, int32_t rev, int64_t *rid)
{ return STORE_CALL(st, revision_lookup, uid, rev, rid); }
static inline int store_fragment_get(struct store *st, int64_t rid, enum store_fragment_kind k,
    const char *lang, char **xml, size_t *len)
{ return STORE_CALL(st, fragment_get, rid, k, lang, xml, len); }
static inline int store_update_list(struct store *st, const struct store_update_filter *f,
    store_update_cb cb, void *arg)
{ return STORE_CALL(st, update_list, f, cb, arg); }
static inline int store_update_count(struct store *st, size_t *revs, size_t *upds)
{ return STORE_CALL(st, update_count, revs, upds); }
static inline int store_file_lookup(struct store *st, const uint8_t sha1[20], struct store_file *f, char **name)
{ return STORE_CALL(st, file_lookup, sha1, f, name); }
static inline int store_file_set_present(struct store *st, const uint8_t sha1[20], bool p)
{ return STORE_CALL(st, file_set_present, sha1, p); }
static inline int store_file_list(struct store *st, bool approved_only, store_file_cb cb, void *arg)
{ return STORE_CALL(st, file_list, approved_only, cb, arg); }
static inline int store_group_create(struct store *st, const char *name, int64_t parent, int64_t *id)
{ return STORE_CALL(st, group_create, name, parent, id); }
static inline int store_group_rename(struct store *st, int64_t id, const char *name)
{ return STORE_CALL(st, group_rename, id, name); }
static inline int store_group_delete(struct store *st, int64_t id)
{ return STORE_CALL(st, group_delete, id); }
static inline int store_group_move(struct store *st, int64_t id, int64_t parent)
{ return STORE_CALL(st, group_move, id, parent); }
static inline int store_group_find(struct store *st, const char *name, int64_t *id)
{ return STORE_CALL(st, group_find, name, id); }
static inline int store_group_list(struct store *st, store_group_cb cb, void *arg)
{ return STORE_CALL(st, group_list, cb, arg); }
static inline int store_approve(struct store *st, const char *uid, int64_t gid,
    enum approval_action a, int64_t deadline, const char *admin, int64_t *did)
{ return STORE_CALL(st, approve, uid, gid, a, deadline, admin, did); }
static inline int store_unapprove(struct store *st, const char *uid, int64_t gid)
{ return STORE_CALL(st, unapprove, uid, gid); }
static inline int store_decline(struct store *st, const char *uid, bool declined)
{ return STORE_CALL(st, decline, uid, declined); }
static inline int store_approval_list(struct store *st, const char *uid, int64_t gid,
    store_approval_cb cb, void *arg)
{ return STORE_CALL(st, approval_list, uid, gid, cb, arg); }

#endif
