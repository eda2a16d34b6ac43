/*
 * snapshot.h — how the MS-WSUSSS upstream services read the shared update
 * catalog (src/catalog/catalog.h): the snapshot at the store's current
 * change counter (their anchors carry that counter, so they never answer
 * from an older snapshot), and what a revision's extended fragment says
 * of its CompatibleProtocolVersion and EulaID (read on first need, kept
 * in the catalog and carried over to later snapshots).
 *
 * What it is not: the catalog itself (src/catalog: revisions, category
 * prerequisites, bundled members, files, approvals, tombstones, lookups
 * by revision and update id), the operations (op_*.c).
 *
 * Threads: every function may be called at once from any thread.
 */
#ifndef WSUSD_WSUSSS_SNAPSHOT_H
#define WSUSD_WSUSSS_SNAPSHOT_H

#include "catalog/catalog.h"
#include "store/store.h"

/* A holder with no snapshot yet, checking the counter on every call.
 * Never NULL. */
struct catalog_holder *snap_holder_new(void);
/* Free the holder (snapshots still referenced stay valid). */
void	snap_holder_free(struct catalog_holder *h);

/*
 * The snapshot for the store's current change counter, with a reference
 * taken (release it with snap_release()); built when the counter moved.
 * NULL with *why set to a short reason when the store cannot be read.
 */
const struct catalog *snap_get(struct catalog_holder *h, struct store *st,
	    const char **why);
/* Drop a reference from snap_get(); NULL is fine. */
void	snap_release(const struct catalog *c);

/*
 * CompatibleProtocolVersion and EulaID of v (a revision of c), read from
 * its extended fragment in st the first time anyone asks.
 */
void	snap_rev_props(struct store *st, const struct catalog *c,
	    const struct catalog_rev *v, struct catalog_extprops *out);

#endif
