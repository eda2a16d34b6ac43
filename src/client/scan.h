/*
 * scan.h — one detection cycle of a simulated Windows client, as the
 * Windows Update Agent runs it against a WSUS (wusp.md §1, §4.6):
 *
 *   handshake (GetConfig, GetAuthorizationCookie, GetCookie,
 *   RegisterComputer) -> SyncUpdates software rounds, each sending the
 *   non-leaf revisions evaluated installed (InstalledNonLeafUpdateIDs) and
 *   every other cached revision (OtherCachedUpdateIDs), until an answer
 *   is neither Truncated nor holds a non-leaf update -> one driver pass
 *   with SystemSpec (unless DriverSyncNotNeeded) -> GetExtendedUpdateInfo
 *   (Extended + LocalizedProperties) in batches of
 *   MaxExtendedUpdatesPerRequest -> optionally the content of the updates
 *   to install (1 MiB Range pieces, SHA-1 and SHA-256 checked) and a
 *   simulated install -> ReportEventBatch (147, 156 with the U=/V= lists,
 *   167/162 or 161, 181/183 or 182, and a final 156).
 *
 * Applicability is evaluated on the machine of the session (applic.h):
 * an update is installed when the machine lists it or its IsInstalled
 * rule holds (a bundle: every bundled group with a known member has an
 * installed member; a category without rules counts as installed), and
 * needed when it is not installed, every prerequisite clause has an
 * installed member, and it is installable (IsInstallable, absent = true;
 * a bundle: some known member is needed; a driver: a hardware id of the
 * machine matches).  Evaluation is a fixpoint over the whole cache.
 */
#ifndef WSUSD_CLIENT_SCAN_H
#define WSUSD_CLIENT_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "client/guid.h"
#include "client/wusp_client.h"

/* Parsed core fragments kept across the sessions of one load thread. */
struct core_cache;
struct core_cache *core_cache_new(void);
void	core_cache_free(struct core_cache *);

struct scan_opts {
	bool		 drivers;	/* driver pass unless DriverSyncNotNeeded */
	bool		 extended;	/* GetExtendedUpdateInfo */
	bool		 download;	/* content of the updates to install */
	bool		 install;	/* simulate the installs (implies download) */
	bool		 report;	/* ReportEventBatch */
	const char	*download_dir;	/* where files go (download) */
	const struct guid *filter;	/* FilterCategoryIds, NULL: none */
	size_t		 nfilter;
	unsigned	 max_rounds;	/* software rounds at most (0: 100) */
	unsigned	 connections;	/* per download (0: 1) */
	bool		 insecure;	/* TLS of the downloads */
	const char	*cacert;	/* CA file for the downloads or NULL */
	struct core_cache *cache;	/* NULL: parse every fragment */
	const char	*app_name;	/* AppName in events */
};

struct scan_result {
	unsigned	 rounds, driver_rounds, extended_calls, report_calls;
	unsigned	 remaps;	/* RefreshCache after InvalidCookie... */
	size_t		 cached;	/* revisions held at the end */
	size_t		 nonleaf_installed;
	size_t		 needed, installed, not_applicable;
	size_t		 to_install;	/* needed with an Install deployment */
	size_t		 files, files_failed;
	uint64_t	 bytes;
	size_t		 installs_ok, installs_failed;
	size_t		 events;
	size_t		 unknown_rules;	/* rules the simulator did not know */
};

struct scan_state;
struct scan_state *scan_state_new(void);
void	scan_state_free(struct scan_state *);

/*
 * Run one detection cycle (the handshake included when the session has
 * no cookie yet).  0, or -1 with err; *res is filled either way with
 * what was done.
 */
int	scan_run(struct wc_session *, struct scan_state *,
	    const struct scan_opts *, struct scan_result *, char *err,
	    size_t errlen);

/*
 * The U= and V= lists of the last evaluation (leaf software and driver
 * updates that are deployed, not Evaluate or Bundle); owned arrays.
 */
void	scan_status_lists(const struct scan_state *, struct guid **needed,
	    size_t *nneeded, struct guid **installed, size_t *ninstalled);
/*
 * Report detection results without a scan (load mode's registration of
 * many computers): events 147 and 156 with the given lists.
 */
int	scan_report_status(struct wc_session *, const struct guid *needed,
	    size_t nneeded, const struct guid *installed, size_t ninstalled,
	    const char *app_name, char *err, size_t errlen);

/* Human output: the updates that matter, one per line. */
void	scan_print(FILE *, const struct wc_session *, const struct scan_state *,
	    const struct scan_result *, bool all);
/* The same as a JSON object (new reference). */
json_t	*scan_json(const struct wc_session *, const struct scan_state *,
	    const struct scan_result *, bool all);
/* Protocol problems noticed on the way (server bugs), one per line. */
size_t	scan_warnings(const struct scan_state *, const char *const **list);

#endif
