/*
 * sync_updates.h — the SyncUpdates algorithm of MS-WUSP ([MS-WUSP]
 * 3.1.5.7, shared/docs/wusp.md 4.6) as a pure function of a catalog
 * snapshot and one request.
 *
 * Software pass (skip_software false): the client's scope (catalog.h) is
 * cut down to the revisions whose every prerequisite clause is satisfied
 * by the updates of InstalledNonLeafUpdateIDs (so a category chain arrives
 * one level per round, as real WSUS does); of those, the ones the client
 * does not hold are NewUpdates (non-leaf first, then by revision id, at
 * most page_size, Truncated when more remain), the ones it holds whose
 * deployment changed after the cookie's watermark are ChangedUpdates, and
 * held revisions that are not (or no longer) in that set are
 * OutOfScopeRevisionIDs.
 *
 * Driver pass (skip_software true): approved drivers in scope whose
 * HardwareID matches a device of SystemSpec (or a ComputerSpec hardware
 * id), the best one per device by the ranking rules of [MS-WUSP] 3.1.5.7
 * (driver_rank.h); CachedDriverIDs play the part of the cached lists.
 *
 * What it is not: no XML, no cookie handling, no store access.  The result
 * points into the snapshot and into the request: keep both alive (and the
 * snapshot referenced) until the response is written.
 *
 * Rules and sources: docs/SYNCUPDATES.md.
 */
#ifndef WSUSD_WUSP_SYNC_UPDATES_H
#define WSUSD_WUSP_SYNC_UPDATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"

/*
 * UpdateInfos per response (NewUpdates).  Real WSUS on Windows Server
 * 2025 pages by 30 (shared/docs/wusp.md 4.6 item 7, from the lab notes
 * [INV 9.3] next to the native captures: full pages of 30 updates, one of
 * them with Truncated=false).  See docs/SYNCUPDATES.md.
 */
#define SYNC_PAGE_SIZE			30
#define SYNC_PAGE_SIZE_MAX		1000
/* Real WSUS answers InvalidParameters "parameters.InstalledNonLeafUpdateIDs"
 * to 401 ids (shared/testdata/real/soap/wusp-driver-capture). */
#define SYNC_MAX_INSTALLED_NONLEAF	400
/* Bounds of our own (real WSUS also limits OtherCachedUpdateIDs; see
 * shared/testdata/real/other/windowsupdate-log). */
#define SYNC_MAX_OTHER_CACHED		65536
#define SYNC_MAX_CACHED_DRIVERS		65536
#define SYNC_MAX_DEVICES		4096	/* SystemSpec Device entries */
#define SYNC_MAX_DEVICE_IDS		128	/* hardware or compatible ids per device */
#define SYNC_MAX_COMPUTER_HWIDS		64	/* ComputerSpec HardwareIDs */
/* WSUS 3.0 SP2 rejects 200 or more categories ([MS-WUSP] <52>). */
#define SYNC_MAX_FILTER_CATEGORIES	199

enum sync_rc {
	SYNC_OK = 0,
	SYNC_ERR_INSTALLED_NONLEAF,	/* more than SYNC_MAX_INSTALLED_NONLEAF */
	SYNC_ERR_OTHER_CACHED,		/* more than SYNC_MAX_OTHER_CACHED */
	SYNC_ERR_CACHED_DRIVERS,	/* more than SYNC_MAX_CACHED_DRIVERS */
	SYNC_ERR_SYSTEM_SPEC,		/* SystemSpec on a software pass, or too many devices/ids */
	SYNC_ERR_FILTER,		/* too many FilterCategoryIds */
	SYNC_ERR_PARAMETERS,		/* anything else wrong with the request */
};

/*
 * The InvalidParameters fault Message for an error: e.g.
 * "parameters.InstalledNonLeafUpdateIDs"; NULL for SYNC_OK.
 */
const char *sync_rc_message(enum sync_rc);

/* Device/installedDriver of SystemSpec; strings as sent (NUL-ended) or NULL. */
struct sync_installed_driver {
	const char *matching_id;	/* MatchingID */
	const char *driver_ver_date;	/* DriverVerDate, xs:dateTime text */
	const char *driver_ver_version;	/* DriverVerVersion, decimal uint64 text */
	const char *class_name;		/* Class */
	const char *manufacturer;
	const char *provider;
	const char *matching_computer_hwid;	/* MatchingComputerHWID GUID text; NULL when nil */
	const char *driver_rank;	/* DriverRank, decimal int text */
};

/* One Device of SystemSpec. */
struct sync_device {
	const char *const *hardware_ids;	/* HardwareIDs, most specific first */
	unsigned    n_hardware_ids;
	const char *const *compatible_ids;	/* CompatibleIDs, most specific first */
	unsigned    n_compatible_ids;
	bool	    has_installed_driver;
	struct sync_installed_driver installed;
};

struct sync_request {
	const struct catalog_groups *groups;	/* the computer's groups; required */
	const int32_t *installed_nonleaf;	/* InstalledNonLeafUpdateIDs */
	size_t	    n_installed_nonleaf;
	const int32_t *other_cached;		/* OtherCachedUpdateIDs */
	size_t	    n_other_cached;
	const int32_t *cached_drivers;		/* CachedDriverIDs (driver pass) */
	size_t	    n_cached_drivers;
	bool	    skip_software;		/* SkipSoftwareSync: the driver pass */
	const struct sync_device *devices;	/* SystemSpec (driver pass only) */
	size_t	    n_devices;
	const char *const *computer_hwids;	/* ComputerSpec/HardwareIDs (GUID text) */
	size_t	    n_computer_hwids;
	const char *feature_score_key;		/* FeatureScoreMatchingKey, e.g. "AMD64.10.0"; may be NULL */
	/* FilterCategoryIds (GUID text, any case): a category scan; NULL/0 = all */
	const char *const *filter_categories;
	size_t	    n_filter_categories;
	/* NeedTwoGroupOutOfScopeUpdates: on a category scan, split the
	 * dropped cached revisions into OutOfScopeRevisionIDs (no longer
	 * deployed) and DeployedOutOfScopeRevisionIds (deployed, outside the
	 * filter).  Without it everything goes to OutOfScopeRevisionIDs. */
	bool	    need_two_group;
	int64_t	    watermark;			/* deployment watermark from the cookie (0 = none) */
	unsigned    page_size;			/* 0 = SYNC_PAGE_SIZE; capped at SYNC_PAGE_SIZE_MAX */
};

/* One UpdateInfo of NewUpdates / ChangedUpdates. */
struct sync_update_info {
	const struct catalog_rev *rev;		/* ID = rev->revision_id, Xml = rev->core_xml */
	struct catalog_deployment deployment;
	bool	    is_leaf;			/* IsLeaf */
	/* Drivers: the device id the driver matched (Deployment/HardwareIds);
	 * points into the request; NULL for software. */
	const char *hardware_id;
};

struct sync_result {
	struct sync_update_info *new_updates;	/* owned; n_new entries */
	size_t	    n_new;
	/* Same shape as NewUpdates (the spec says Xml MUST be populated). */
	struct sync_update_info *changed_updates;	/* owned */
	size_t	    n_changed;
	int32_t	   *out_of_scope;		/* owned; OutOfScopeRevisionIDs */
	size_t	    n_out_of_scope;
	/* DeployedOutOfScopeRevisionIds; only with need_two_group (send the
	 * element only then, and only to clients >= 1.7). */
	int32_t	   *deployed_out_of_scope;	/* owned */
	size_t	    n_deployed_out_of_scope;
	bool	    truncated;
	bool	    driver_sync_not_needed;	/* DriverSyncNotNeeded */
	int64_t	    new_watermark;		/* put into NewCookie */
};

/*
 * Run one SyncUpdates round.  On SYNC_OK fills *out (free it with
 * sync_result_free); on an error *out is empty.  Thread-safe (the
 * snapshot is read-only); allocates only the result arrays and one
 * scratch block.
 */
enum sync_rc sync_updates_run(const struct catalog *, const struct sync_request *,
	    struct sync_result *out);
void	sync_result_free(struct sync_result *);

#endif
