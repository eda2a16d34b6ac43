/*
 * snapshot.h — the in-memory revision snapshot of the MS-WSUSSS upstream
 * services: every update revision of the store with its category
 * prerequisites, bundled members and files, the Install/Uninstall
 * approvals (deployments) and the tombstones of removed approvals, as of
 * one value of the store's change counter.  Loaded from
 * store_catalog_load(), shared read-only between the worker threads
 * with a reference count, replaced when the counter moves.
 *
 * What it is not: the client catalogue (src/wusp/catalog.h; a later
 * change replaces this file by the shared catalogue, so its interface
 * is kept narrow), the operations (op_*.c).
 *
 * Threads: snap_get() and snap_release() may be called at once from any
 * thread; a snapshot is immutable except for the lazily read properties
 * of snap_rev_props() (guarded by the snapshot's mutex, published with
 * an atomic flag).
 */
#ifndef WSUSD_WSUSSS_SNAPSHOT_H
#define WSUSD_WSUSSS_SNAPSHOT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metadata/update.h"
#include "store/store.h"

struct ss_file {
	uint8_t	 sha1[20];
	char	*name;
};

struct ss_rev {
	int64_t	 rid;
	char	 uid[GUID_STRLEN + 1];
	int32_t	 rev;
	uint8_t	 type;		/* enum update_type */
	uint8_t	 kind;		/* enum category_kind */
	bool	 declined;
	bool	 approved;	/* has an Install approval somewhere */
	int64_t	 seq;		/* change_seq */
	/* from the extended fragment, read on first need (snap_rev_props()) */
	int	 props;		/* 1 once the two below are set (atomic) */
	uint16_t cpv_major, cpv_minor;	/* CompatibleProtocolVersion; 0.0 none */
	char	 eula[GUID_STRLEN + 1];	/* EulaID; "" none */
	char	(*cats)[GUID_STRLEN + 1];	/* its category prerequisites */
	uint32_t ncats, capcats;
	uint32_t *members;	/* indexes of bundled members */
	uint32_t nmembers, capmembers;
	struct ss_file *files;
	uint32_t nfiles, capfiles;
};

struct ss_dep {
	char	 uid[GUID_STRLEN + 1];
	int64_t	 group_id;
	int	 action;
	int64_t	 deadline, created, seq;
};

struct ss_tomb {
	char	 uid[GUID_STRLEN + 1];
	int64_t	 seq;
};

struct snapshot {
	int		 refs;		/* guarded by the holder's lock */
	pthread_mutex_t	 mu;		/* rev_props() fills */
	int64_t		 seq;
	struct ss_rev	*revs;
	size_t		 nrevs, caprevs;
	uint32_t	*by_rid;	/* indexes sorted by rid */
	uint32_t	*by_uid;	/* indexes sorted by uid */
	struct ss_dep	*deps;
	size_t		 ndeps, capdeps;
	struct ss_tomb	*tombs;
	size_t		 ntombs, captombs;
};

/* The current snapshot of one service, and its lock.  Opaque. */
struct snap_holder;

/* A holder with no snapshot yet.  Never NULL. */
struct snap_holder *snap_holder_new(void);
/* Free the holder and its snapshot (no snapshot may still be in use). */
void	snap_holder_free(struct snap_holder *h);

/*
 * The snapshot for the store's current change counter, with a reference
 * taken (release it with snap_release()); loads it when the counter moved.
 * NULL with *why set to a short reason when the store cannot be read.
 */
struct snapshot *snap_get(struct snap_holder *h, struct store *st,
	    const char **why);
/* Drop a reference from snap_get(); NULL is fine. */
void	snap_release(struct snap_holder *h, struct snapshot *s);

/* Index of the revision with this revision id / update id; -1 none. */
long	snap_by_rid(const struct snapshot *s, int64_t rid);
long	snap_by_uid(const struct snapshot *s, const char *uid);

/*
 * Read CompatibleProtocolVersion and EulaID of v (a revision of s) from
 * its extended fragment in st, once.
 */
void	snap_rev_props(struct store *st, struct snapshot *s, struct ss_rev *v);

#endif
