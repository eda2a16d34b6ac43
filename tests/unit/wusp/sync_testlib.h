/*
 * sync_testlib.h — what the SyncUpdates and driver tests add to the
 * catalog test helpers (tests/unit/catalog/catalog_testlib.h): finding
 * an UpdateInfo in a SyncUpdates result, and the devices of the captured
 * SystemSpec (scan/09).
 */
#ifndef WSUSD_TESTS_SYNC_TESTLIB_H
#define WSUSD_TESTS_SYNC_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wusp/sync_updates.h"
#include "catalog_testlib.h"

/* The UpdateInfo of a revision id in a result list, or NULL. */
const struct sync_update_info *tl_find(const struct sync_update_info *, size_t n,
	    int32_t revision_id);

/* The PCI device and the Print to PDF device of the captured SystemSpec
 * (scan/09): their hardware ids (4, 1) and the PCI compatible ids (7). */
extern const char *tl_pci_hw[4];
extern const char *tl_pci_compat[7];
extern const char *tl_prn_hw[1];
/*
 * dev[0] the PCI device, with the captured inbox driver (2006, matched
 * on a compatible id) when installed; dev[1] the printer with its
 * installed Microsoft driver.  Everything else zero.
 */
void	tl_scan09_devices(struct sync_device dev[2], bool installed);

#endif
