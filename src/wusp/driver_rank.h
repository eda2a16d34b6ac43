/*
 * driver_rank.h — the driver ranking rules of MS-WUSP SyncUpdates
 * ([MS-WUSP] 3.1.5.7): ranks candidate drivers for one device of a
 * client's SystemSpec.  The driver metadata it ranks is read by the
 * catalog (catalog/driver_meta.h, included here for its users).
 *
 * Ranking, best first ("a is better than b" when the first rule that
 * differs says so):
 *   1. computer hardware id: matched a ComputerSpec HardwareID listed
 *      earlier (a driver that names no computer hardware id ranks after
 *      every driver that matched one);
 *   2. feature score for the client's FeatureScoreMatchingKey: lower;
 *   3. device id: the driver's HardwareID matched a device id listed
 *      earlier (HardwareIDs first, then CompatibleIDs);
 *   4. DriverVerDate: newer;
 *   5. DriverVerVersion (four 16-bit parts as one 64-bit number): higher.
 *
 * Not here: scope, approvals, paging (sync_updates.c).
 */
#ifndef WSUSD_WUSP_DRIVER_RANK_H
#define WSUSD_WUSP_DRIVER_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/driver_meta.h"

#define DRIVER_RANK_NO_CHID	UINT32_MAX	/* no computer hardware id matched */
#define DRIVER_RANK_NO_HWID	UINT32_MAX	/* no device id matched */
#define DRIVER_FEATURE_NONE	0xFFu		/* no feature score for the key */

struct driver_rank {
	uint32_t    chid;		/* index in ComputerSpec; DRIVER_RANK_NO_CHID */
	uint32_t    feature;		/* 0..255 */
	uint32_t    hwid;		/* index among the device's ids; DRIVER_RANK_NO_HWID */
	int32_t	    date;		/* days; DRIVER_DATE_UNKNOWN */
	uint64_t    version;
};

/* <0: a is the better driver, >0: b is, 0: equal matches. */
int	driver_rank_cmp(const struct driver_rank *a, const struct driver_rank *b);

/* Feature score of m for key (case-insensitive), DRIVER_FEATURE_NONE when absent. */
uint32_t driver_feature_for(const struct driver_meta *m, const char *key);

#endif
