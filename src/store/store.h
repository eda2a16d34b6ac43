/*
 * store.h — the umbrella of the storage interface, kept for callers
 * written before the store was split by domain: it includes the core
 * (store/core.h), the settings registry (store/settings.h) and every
 * domain header, so `#include "store/store.h"` goes on giving every
 * store_* function and type.
 *
 * New code includes store/core.h and the domain headers it uses:
 * store/updates.h (revisions, fragments, files, update listings),
 * store/groups.h (groups, approvals, declines), store/computers.h
 * (computers, targeting), store/reporting.h (events, status,
 * compliance), store/catalog.h (catalog snapshot, change counter),
 * store/rollup.h (downstream servers, rollup), store/sync_state.h (the
 * downstream's sync state), store/settings.h (typed settings).
 * docs/STORE.md tells where a new operation or backend goes.
 */
#ifndef WSUSD_STORE_STORE_H
#define WSUSD_STORE_STORE_H

#include "store/core.h"
#include "store/settings.h"
#include "store/updates.h"
#include "store/groups.h"
#include "store/computers.h"
#include "store/reporting.h"
#include "store/catalog.h"
#include "store/rollup.h"
#include "store/sync_state.h"
#include "store/sync_service.h"

/*
 * Every operation of every domain, for a backend's prototypes:
 * STORE_OPS_ALL(STORE_OP_PROTO, prefix) declares int prefix_name(...)
 * for each; the backend's tables are then built per domain with
 * STORE_OP_INIT (see src/store/sqlite/store_sqlite.c).
 */
#define STORE_OPS_ALL(X, p)						\
	STORE_OPS_CORE(X, p)						\
	STORE_OPS_UPDATES(X, p)						\
	STORE_OPS_GROUPS(X, p)						\
	STORE_OPS_COMPUTERS(X, p)					\
	STORE_OPS_REPORTING(X, p)					\
	STORE_OPS_CATALOG(X, p)						\
	STORE_OPS_ROLLUP(X, p)						\
	STORE_OPS_SYNC_STATE(X, p)					\
	STORE_OPS_SYNC_SERVICE(X, p)
#define STORE_OPS_DECLARE(p)	STORE_OPS_ALL(STORE_OP_PROTO, p)

#endif
