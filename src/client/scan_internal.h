/*
 * scan_internal.h — what the files of one detection cycle share (scan.h
 * is the public side).  Only src/client/scan*.c, cache.c, evaluation.c,
 * passes.c and report.c include it.
 *
 *   cache.c		the client's metadata cache: the revisions held
 *			(struct scan_state, by revision id and update id) and
 *			the core fragments shared by a load thread
 *   evaluation.c	applicability of the cached updates (a fixpoint)
 *   passes.c		the SyncUpdates passes (software rounds, driver
 *			pass), RefreshCache, GetExtendedUpdateInfo,
 *			StartCategoryScan
 *   report.c		ReportEventBatch: building and sending the events
 *   scan.c		the sequence (scan_run) and the content step
 *   scan_output.c	human and JSON output
 */
#ifndef WSUSD_CLIENT_SCAN_INTERNAL_H
#define WSUSD_CLIENT_SCAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/applic.h"
#include "client/extinfo.h"
#include "client/scan.h"

#define MAX_WARNINGS	64
#define EVENTS_PER_BATCH 50
#define MAX_PARTS	256	/* an update and its needed bundle parts */

/* HRESULTs the simulated client reports. */
#define HR_DOWNLOAD_FAILED	((int32_t)0x80246007)	/* WU_E_DM_NOTDOWNLOADED */
#define HR_HASH_MISMATCH	((int32_t)0x80246002)	/* WU_E_DM_INCORRECTFILEHASH */
#define HR_INSTALL_FAILED	((int32_t)0x80070643)	/* ERROR_INSTALL_FAILURE */

enum outcome { O_NONE, O_DOWNLOADED, O_DOWNLOAD_FAILED, O_INSTALLED,
	O_INSTALL_FAILED };

/* One cached revision. */
struct rev {
	int32_t		 id;
	bool		 alive;
	bool		 is_leaf;
	bool		 driver_pass;	/* came from the driver pass */
	char		 action[24];
	int32_t		 deployment_id;
	char		 deadline[40];
	struct core	*core;		/* owned unless core_cached */
	bool		 core_cached;
	bool		 prereq_ok, installed, needed;
	bool		 part;		/* needed part of a needed bundle */
	struct ext_info	 ext;
	enum outcome	 outcome;
	int32_t		 hresult;
	uint64_t	 bytes;
	char		*message;	/* owned; why it failed */
};

struct fileloc {
	uint8_t		 sha1[20];
	char		*url;		/* owned */
};

struct scan_state {
	struct rev	*v;		/* owned */
	size_t		 n, cap;
	uint32_t	*idmap;		/* owned; revision id -> index + 1 */
	size_t		 idcap;
	uint32_t	*umap;		/* owned; update id -> index + 1 */
	size_t		 ucap, ucount, idcount;
	struct fileloc	*files;		/* owned */
	size_t		 nfiles;
	char		*warnings[MAX_WARNINGS];	/* owned */
	size_t		 nwarnings;
	bool		 evaluated;
};

/* Events to report; every string they point at is owned by the list. */
struct evlist {
	struct wmsg_event *ev;		/* owned */
	size_t		 n, cap;
	char		**strings;	/* owned; every string the events point at */
	size_t		 nstrings, scap;
	const char	*app_name;	/* borrowed */
	const struct machine *m;	/* borrowed */
};

/* cache.c */
void	scan_warn(struct scan_state *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
struct rev *scan_by_id(struct scan_state *, int32_t id);
struct rev *scan_by_uid(const struct scan_state *, const struct guid *);
void	scan_kill(struct scan_state *, struct rev *);
/* Compact dead revisions away and rebuild the maps. */
void	scan_compact(struct scan_state *);
/* Add or replace revision id with core c; returns it. */
struct rev *scan_put(struct scan_state *, int32_t id, struct core *c,
	    bool cached);
/* The parsed core fragment of u, through the load thread's cache. */
struct core *scan_get_core(struct scan_state *, const struct scan_opts *,
	    const struct machine *, const struct wmsg_update *u, bool *cached,
	    char *err, size_t errlen);

/* evaluation.c */
void	scan_evaluate(struct scan_state *, const struct machine *);
/* Leaf updates the client reports (not dependencies or bundle parts). */
bool	scan_reportable(const struct rev *);
bool	scan_to_install(const struct rev *);
void	scan_count(const struct scan_state *, struct scan_result *);
/* r, then its needed parts, then theirs (nested bundles); the count. */
size_t	scan_collect_parts(struct scan_state *, struct rev *r,
	    struct rev **parts);

/* passes.c */
int	scan_cmp_i32(const void *, const void *);
int	scan_sync_pass(struct wc_session *, struct scan_state *,
	    const struct scan_opts *, struct scan_result *, bool drivers,
	    int *driver_not_needed, char *err, size_t errlen);
/* RefreshCache after the server's revision ids changed. */
int	scan_refresh(struct wc_session *, struct scan_state *, char *err,
	    size_t errlen);
int	scan_extended(struct wc_session *, struct scan_state *,
	    struct scan_result *, char *err, size_t errlen);
int	scan_start_category(struct wc_session *, const struct scan_opts *,
	    struct scan_opts *filt, char *err, size_t errlen);

/* report.c */
void	scan_evlist_free(struct evlist *);
void	scan_add_status(struct evlist *, const struct guid *needed,
	    size_t nneeded, const struct guid *inst, size_t ninst,
	    size_t evaluated);
void	scan_add_update_events(struct evlist *, const struct rev *,
	    bool install);
int	scan_send_events(struct wc_session *, struct evlist *,
	    struct scan_result *, char *err, size_t errlen);
int	scan_report(struct wc_session *, struct scan_state *,
	    const struct scan_opts *, struct scan_result *, char *err,
	    size_t errlen);

#endif
