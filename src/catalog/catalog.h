/*
 * catalog.h — the in-memory update catalog that both protocols answer
 * from: the MS-WUSP client service (SyncUpdates, extended info, file
 * locations) and the MS-WSUSSS server-sync service (revision lists,
 * update data, deployments).
 *
 * A struct catalog is an immutable snapshot built from the store in one
 * read transaction: the newest revision of every update (revision id <->
 * update id maps), prerequisite clauses (AND of OR), bundle members,
 * IsLeaf, types, files, driver metadata, the approvals of every computer
 * target group with the group tree (inheritance through nested groups),
 * declines, and every core fragment already XML-escaped for the <Xml>
 * element of an UpdateInfo (so a response copies it with memcpy).  For
 * the server-sync protocol it also keeps every approval row and approval
 * tombstone as the store lists them, the IsCategory prerequisites of
 * each revision by update id, and (read lazily, kept across snapshots)
 * what the extended fragment says of a revision's protocol version and
 * EULA.
 *
 * Snapshots are reference counted and shared read-only by all HTTP worker
 * threads.  A struct catalog_holder keeps the current one and rebuilds it
 * (in the one thread that notices, while the others go on with the old
 * snapshot) when the store's change counter moves.
 *
 * What it is not: it parses no SOAP and writes no XML (the protocol
 * folders do), and it does not run SyncUpdates (src/wusp/sync_updates.h)
 * or rank drivers (src/wusp/driver_rank.h).  Extended and localized
 * fragments are NOT kept here: read them from the store by revision id
 * (store_fragment_get).
 *
 * Files: load.c (the store sink, growth, the build), index.c (lookups by
 * revision id, update id, digest, group; the server-sync lists),
 * scope.c (approvals, scope, deployments), holder.c (the shared,
 * refcounted current snapshot), driver_meta.c (driver metadata).
 *
 * The rules (scope, deployments, synthetic deployment ids) are described
 * in docs/SYNCUPDATES.md.
 */
#ifndef WSUSD_CATALOG_CATALOG_H
#define WSUSD_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata/update.h"
#include "store/store.h"

/* Groups a computer can be in at once (= COOKIE_GROUPS_MAX). */
#define CATALOG_GROUPS_MAX	32
/* Deepest group nesting followed when inheriting approvals. */
#define CATALOG_GROUP_DEPTH_MAX	64
/*
 * Synthetic deployment ids (Evaluate, Bundle, PreDeploymentCheck) live
 * at and above this value: id = BASE + 4 * (revision_id mod 2^28) + kind.
 * Real approvals keep the store's deployment_id, which must stay below
 * it (the store hands them out from 1 upwards).  docs/SYNCUPDATES.md.
 */
#define CATALOG_SYNTH_DEPLOYMENT_BASE	0x40000000

struct catalog;
struct catalog_holder;

/* The Deployment/Action values wsusd sends ([MS-WUSP] 2.2.2.2.4). */
enum catalog_action {
	CATALOG_ACTION_INSTALL = 0,
	CATALOG_ACTION_UNINSTALL = 1,
	CATALOG_ACTION_PREDEPLOYMENT_CHECK = 2,
	CATALOG_ACTION_EVALUATE = 3,
	CATALOG_ACTION_BUNDLE = 4,
};

/* One file of a revision (its <Files><File>). */
struct catalog_file {
	uint8_t	    sha1[20];	/* Digest */
	uint64_t    size;
	const char *name;	/* FileName; points into the snapshot */
};

/*
 * One revision in the snapshot (always the newest revision of its
 * update).  Read-only; valid while the caller holds the snapshot.
 */
struct catalog_rev {
	int32_t	    revision_id;	/* RevisionID clients see */
	int32_t	    revision_number;	/* RevisionNumber */
	char	    update_id[GUID_STRLEN + 1];	/* lower-case GUID */
	enum update_type type;
	enum category_kind category_kind;
	bool	    is_leaf;		/* nothing names this update as a prerequisite */
	bool	    declined;		/* never offered, never in scope */
	bool	    explicitly_deployable;
	bool	    approved;		/* has an Install approval for some group */
	int64_t	    change_seq;		/* store change number of the revision and
					 * its update (import, decline) */
	const char *core_xml;		/* core fragment, escaped for <Xml>, NUL-ended */
	size_t	    core_xml_len;
	uint32_t    nfiles;
	const struct catalog_file *files;	/* nfiles entries */
	/* Update ids named by its IsCategory prerequisite clauses, as
	 * listed (the category itself need not be in the catalog). */
	uint32_t    ncategories;
	const char (*categories)[GUID_STRLEN + 1];
	/* Its bundled members (snapshot indexes for catalog_rev_at()). */
	uint32_t    nbundled;
	const uint32_t *bundled;
	uint32_t    idx;		/* index in the snapshot (internal) */
};

/*
 * One approval row as the store lists it, whatever its action, group or
 * deployment id (the server-sync protocol's deployments).  Read-only;
 * valid while the caller holds the snapshot (as the tombstones below).
 */
struct catalog_approval {
	char	    update_id[GUID_STRLEN + 1];
	const struct catalog_rev *rev;	/* NULL: the update is not in the catalog */
	int64_t	    deployment_id;
	int64_t	    group_id;		/* store group id */
	enum approval_action action;
	int64_t	    deadline;		/* 0 none */
	int64_t	    created;
	int64_t	    last_change;
	int64_t	    change_seq;
};

/* The newest removal of some approval of an update. */
struct catalog_tombstone {
	char	    update_id[GUID_STRLEN + 1];
	int64_t	    deleted;		/* unix time */
	int64_t	    change_seq;
};

/* What a revision's extended fragment says, for the server-sync protocol. */
struct catalog_extprops {
	uint16_t    cpv_major, cpv_minor;	/* CompatibleProtocolVersion; 0.0 none */
	char	    eula[GUID_STRLEN + 1];	/* EulaID; "" none */
};

/* The Deployment element of one UpdateInfo. */
struct catalog_deployment {
	int32_t	    id;			/* Deployment/ID */
	enum catalog_action action;
	bool	    is_assigned;	/* IsAssigned; true for every action (as real WSUS) */
	int64_t	    deadline;		/* unix seconds; 0 = no Deadline element */
	int64_t	    last_change;	/* unix seconds */
	char	    last_change_date[11];	/* LastChangeTime, "YYYY-MM-DD" (UTC) */
	int64_t	    change_seq;		/* store change number of the last change */
};

/* The computer target groups of one client, resolved in one snapshot. */
struct catalog_groups {
	unsigned    n;
	uint32_t    idx[CATALOG_GROUPS_MAX];	/* snapshot group indexes */
};

struct catalog_options {
	/*
	 * Offer every non-declined, explicitly deployable software update
	 * that has no Install/Uninstall approval for the computer as
	 * PreDeploymentCheck (detect and report only), as real WSUS does.
	 * false: only the approved updates and their dependencies.
	 */
	bool	    offer_unapproved;
};

/* offer_unapproved = true. */
void	catalog_options_default(struct catalog_options *);

/* ---- snapshots ---- */

/*
 * Build a snapshot from the store (one read transaction).  0, or -1
 * with a reason in err.  The snapshot starts with one reference.
 */
int	catalog_build(struct store *, const struct catalog_options *,
	    struct catalog **out, char *err, size_t errlen);
/* Take / drop a reference; the last release frees the snapshot. */
const struct catalog *catalog_ref(const struct catalog *);
void	catalog_release(const struct catalog *);

/* The store's change counter the snapshot was built at (the watermark
 * unit of ChangedUpdates). */
int64_t	catalog_change_seq(const struct catalog *);
size_t	catalog_revision_count(const struct catalog *);
/* Revision by index 0..count-1 (ascending revision id). */
const struct catalog_rev *catalog_rev_at(const struct catalog *, size_t i);

/* The newest revision with this RevisionID, or NULL (unknown, or an older
 * revision of its update). */
const struct catalog_rev *catalog_rev_by_id(const struct catalog *, int32_t revision_id);
/* The newest revision of an update (GUID in any case, no braces), or NULL. */
const struct catalog_rev *catalog_rev_by_update(const struct catalog *, const char *update_id);
/* A file by SHA-1 (any revision listing it), or NULL. */
const struct catalog_file *catalog_file_find(const struct catalog *, const uint8_t sha1[20]);

/* ---- the server-sync lists ---- */

/* Every approval row, in the store's order. */
size_t	catalog_approval_count(const struct catalog *);
const struct catalog_approval *catalog_approval_at(const struct catalog *, size_t i);
/* Every approval tombstone, in the store's order. */
size_t	catalog_tombstone_count(const struct catalog *);
const struct catalog_tombstone *catalog_tombstone_at(const struct catalog *, size_t i);

/*
 * The extended-fragment properties of a revision: true with *out once
 * someone stored them (catalog_extprops_set), false before.  Revisions
 * never change, so the holder carries what was stored over to the next
 * snapshot.  Thread-safe; the first store wins.
 */
bool	catalog_extprops_get(const struct catalog *, const struct catalog_rev *,
	    struct catalog_extprops *out);
void	catalog_extprops_set(const struct catalog *, const struct catalog_rev *,
	    const struct catalog_extprops *);

/* ---- groups, scope and deployments ---- */

/*
 * Resolve group GUIDs (16 bytes in text order, as in cookie.h) or store
 * group ids into snapshot indexes.  Unknown groups are skipped; when none
 * is left the computer counts as a member of Unassigned Computers.
 * Duplicates are dropped.  Returns the number of groups in out (>= 1).
 */
unsigned catalog_groups_from_guids(const struct catalog *,
	    const uint8_t (*guids)[16], unsigned n, struct catalog_groups *out);
unsigned catalog_groups_from_ids(const struct catalog *,
	    const int64_t *ids, unsigned n, struct catalog_groups *out);
/* Snapshot index of a group by store id / GUID text, or -1. */
int	catalog_group_index(const struct catalog *, int64_t group_id);
int	catalog_group_index_guid(const struct catalog *, const char *guid);

/*
 * Is this revision in the client's scope: the newest revision, not
 * declined, and deployed to one of the groups (an approval, inherited
 * through parent groups, or PreDeploymentCheck when offer_unapproved) or
 * reached from such an update through prerequisites (recursively, incl.
 * category chains) or bundle membership.  Drivers only when approved.
 * For GetExtendedUpdateInfo, GetFileLocations and RefreshCache.
 */
bool	catalog_in_scope(const struct catalog *, const struct catalog_groups *,
	    int32_t revision_id);
bool	catalog_rev_in_scope(const struct catalog *, const struct catalog_groups *,
	    const struct catalog_rev *);
/* Some in-scope revision lists a file with this SHA-1. */
bool	catalog_file_in_scope(const struct catalog *, const struct catalog_groups *,
	    const uint8_t sha1[20]);
/*
 * The Deployment of an in-scope revision for these groups; false (and
 * *out untouched) when the revision is out of scope.
 */
bool	catalog_deployment(const struct catalog *, const struct catalog_groups *,
	    const struct catalog_rev *, struct catalog_deployment *out);
/* "Install", "Uninstall", "PreDeploymentCheck", "Evaluate", "Bundle". */
const char *catalog_action_name(enum catalog_action);

/* ---- the holder shared by the worker threads ---- */

/*
 * poll_ms: how often catalog_holder_get() asks the store for its change
 * counter (0 = on every call).  The holder starts empty.
 */
struct catalog_holder *catalog_holder_new(const struct catalog_options *,
	    unsigned poll_ms);
/* Frees the holder and drops its snapshot (callers' references stay valid). */
void	catalog_holder_free(struct catalog_holder *);
/*
 * Build a new snapshot now if the store's change counter differs from the
 * current snapshot's (or always with force, or when there is none).  0, or
 * -1 with err (the old snapshot stays).  Serialised: one build at a time.
 */
int	catalog_holder_refresh(struct catalog_holder *, struct store *, bool force,
	    char *err, size_t errlen);
/*
 * The current snapshot with a reference taken (release it with
 * catalog_release()).  When st is not NULL and poll_ms has passed since the
 * last check, this thread checks the change counter and, if it moved,
 * rebuilds (other threads meanwhile get the old snapshot).  NULL only when
 * no snapshot could ever be built.  Thread-safe; st must be the caller's
 * own store handle.
 */
const struct catalog *catalog_holder_get(struct catalog_holder *, struct store *st);
/*
 * A snapshot at least as new as change counter seq (which the caller has
 * just read with its own store handle st), with a reference taken: the
 * current one when it is at seq, else one built now (waiting for a build
 * in progress).  NULL with err when the build fails.  This is what a
 * protocol whose answers carry the change counter (MS-WSUSSS anchors)
 * uses; catalog_holder_get() may answer from an older snapshot.
 */
const struct catalog *catalog_holder_get_at(struct catalog_holder *,
	    struct store *st, int64_t seq, char *err, size_t errlen);

#endif
