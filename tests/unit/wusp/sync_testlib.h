/*
 * sync_testlib.h — what the SyncUpdates and driver tests add to the
 * catalog test helpers (tests/unit/catalog/catalog_testlib.h): finding
 * an UpdateInfo in a SyncUpdates result.
 */
#ifndef WSUSD_TESTS_SYNC_TESTLIB_H
#define WSUSD_TESTS_SYNC_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "wusp/sync_updates.h"
#include "catalog_testlib.h"

/* The UpdateInfo of a revision id in a result list, or NULL. */
const struct sync_update_info *tl_find(const struct sync_update_info *, size_t n,
	    int32_t revision_id);

#endif
