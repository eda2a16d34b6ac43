/*
 * catalog.h — the catalog domain of the store: the snapshot the
 * in-memory catalog of the client protocol is built from
 * (src/wusp/catalog.h, docs/SYNCUPDATES.md), and the global change
 * counter.  Not the update, group or approval operations themselves
 * (store/updates.h, store/groups.h).
 *
 * Operations: the X-macro list STORE_OPS_CATALOG below (store/core.h
 * says how it is expanded).
 */
#ifndef WSUSD_STORE_CATALOG_H
#define WSUSD_STORE_CATALOG_H

#include "store/groups.h"

/* ==== catalog snapshot and change counter (wusp catalog engineer) ====
 * For the in-memory catalog of the client protocol (src/wusp/catalog.h,
 * docs/SYNCUPDATES.md).  catalog_load streams everything SyncUpdates
 * needs in ONE read transaction (a consistent snapshot) and reports the
 * change counter the snapshot corresponds to.  Order: all revisions,
 * then prerequisites, bundle members, files (each by revision_id, then
 * group_index / member / sha1), groups (by id), deployments (by
 * deployment_id), tombstones (by update_id), old revisions (by
 * revision_id).  Strings and blobs are valid during the callback only. */

/* The newest revision of one update. */
struct store_catalog_revision {
	int64_t	    revision_id;
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* RevisionNumber */
	enum update_type   type;
	enum category_kind category_kind;
	bool	    explicitly_deployable;
	bool	    has_driver_metadata;
	bool	    declined;		/* the update is declined */
	int64_t	    imported;		/* unix time of import */
	int64_t	    change_seq;		/* max of the revision's and the update's */
	int64_t	    revision_seq;	/* the revision's own (its import) */
	const char *core;		/* core fragment, inflated, NUL-ended */
	size_t	    core_len;
	/* The whole document, only for drivers and revisions with driver
	 * metadata (NULL otherwise), NUL-ended. */
	const char *document;
	size_t	    document_len;
};

/* One id of one prerequisite clause (clauses ANDed, ids in one ORed). */
struct store_catalog_prereq {
	int64_t	    revision_id;
	int	    group_index;	/* the clause */
	bool	    is_category;
	const char *required_update_id;	/* lower-case GUID */
};

/* One alternative of one bundled member. */
struct store_catalog_bundled {
	int64_t	    revision_id;
	int	    group_index;
	const char *member_update_id;	/* lower-case GUID */
	int32_t	    member_revision;	/* -1 when not given */
};

struct store_catalog_file {
	int64_t	    revision_id;
	uint8_t	    sha1[20];
	uint64_t    size;
	const char *name;		/* FileName */
};

struct store_catalog_group {
	int64_t	    id;
	char	    guid[GUID_STRLEN + 1];
	int64_t	    parent_id;		/* 0 for All Computers */
	int64_t	    change_seq;
};

/* An approval (deployment row), whatever the action. */
struct store_catalog_deployment {
	int64_t	    deployment_id;
	char	    update_id[GUID_STRLEN + 1];
	int64_t	    group_id;
	enum approval_action action;
	int64_t	    deadline;		/* 0 none */
	int64_t	    created;
	int64_t	    last_change;
	int64_t	    change_seq;
};

/* The newest removal of some approval of an update. */
struct store_catalog_tombstone {
	char	    update_id[GUID_STRLEN + 1];
	int64_t	    deleted;		/* unix time */
	int64_t	    change_seq;
};

/* An older revision of an update (clients may still hold its id). */
struct store_catalog_oldrev {
	int64_t	    revision_id;
	int64_t	    latest_revision_id;	/* the update's newest revision */
};

/* Callbacks of catalog_load (any may be NULL: that kind is skipped).
 * Return 0 to go on; non-zero stops the load with STORE_ERROR. */
struct store_catalog_sink {
	int  (*revision)(const struct store_catalog_revision *, void *arg);
	int  (*prereq)(const struct store_catalog_prereq *, void *arg);
	int  (*bundled)(const struct store_catalog_bundled *, void *arg);
	int  (*file)(const struct store_catalog_file *, void *arg);
	int  (*group)(const struct store_catalog_group *, void *arg);
	int  (*deployment)(const struct store_catalog_deployment *, void *arg);
	int  (*tombstone)(const struct store_catalog_tombstone *, void *arg);
	int  (*oldrev)(const struct store_catalog_oldrev *, void *arg);
	void *arg;
};
/* ==== end of the catalog types ==== */

/*
 * catalog_load: stream the newest revision of every update with its
 * relationships, files and core fragment, the groups, the approvals and
 * the newest tombstone per update, in one read transaction; *seq = the
 * change counter of that snapshot.  change_seq: the global change
 * counter (cheap: one indexed read).
 */
#define STORE_OPS_CATALOG(X, p)						\
	X(p, catalog_load, (struct store *st,				\
	    const struct store_catalog_sink *sink, int64_t *seq),	\
	    (st, sink, seq))						\
	X(p, change_seq, (struct store *st, int64_t *seq), (st, seq))

struct store_catalog_ops {
	STORE_OPS_CATALOG(STORE_OP_MEMBER, _)
};
STORE_OPS_CATALOG(STORE_OP_WRAPPER, catalog)

#endif
