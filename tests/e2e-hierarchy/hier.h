/*
 * hier.h — the shared state of the hierarchy test (tests/e2e-hierarchy):
 * one upstream wsusd ("datacentre") and NSITES downstream wsusd processes
 * ("sites"), each in its own network namespace (or, when namespaces are
 * refused, on its own 127.0.1.x address), run by wsusd's own sync runner.
 *
 *   topo.c      namespaces, veths, the bridge, addresses; running a
 *               program inside a site's namespace; cleanup on every exit
 *   upstream.c  the datacentre: real + synthetic catalog, content, groups,
 *               approvals, declines, EULAs, four listeners
 *   sites.c     the sites: installations, `sync configure`, `sync now`
 *               in parallel, simulated clients
 *   checks.c    what must hold: replicas equal to the upstream, files
 *               verified, clients' updates, rollup reports
 *   relay.c     a TCP relay (relay.h): throttled, for a download that is
 *               still going when the test looks; and, without
 *               namespaces, a source address of each site's own
 *
 * It is not a benchmark (bench/) and asserts no timings: every wait is a
 * bounded poll for a state.
 */
#ifndef WSUSD_TESTS_E2E_HIERARCHY_HIER_H
#define WSUSD_TESTS_E2E_HIERARCHY_HIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "testlib.h"

#define NSITES		20
#define NCLIENTS	10	/* simulated clients per site */
#define NSYNTH		2000	/* synthetic updates upstream */
#define NAPPROVED	12	/* synthetic 0..11 approved */
#define NALL		6	/* synthetic 0..5 for All Computers */
#define NDECLINED	5	/* synthetic 20..24 declined */
#define LATE_UPDATE	12	/* approved later (the scheduled sync) */
#define SECOND_TIER	19	/* the site below site 0 */
#define BIG_UPDATE	(NSYNTH - 1)	/* its file is BIG_SIZE bytes */
#define BIG_SIZE	(8 * 1024 * 1024 + 4321)
#define HIER_NS_PREFIX	"wsusdh"	/* every namespace the test makes */

enum site_role { ROLE_REPLICA, ROLE_AUTONOMOUS, ROLE_TIER2 };

struct site {
	struct tl_wsusd	 w;
	enum site_role	 role;
	char		 ns[48];	/* namespace name ("" fallback) */
	char		 addr[32];	/* its address */
	uint16_t	 port;		/* its plain listener */
	char		 upurl[96];	/* what it syncs from */
	const char	*protocol;	/* "1.8" or "1.20" */
	bool		 https;		/* upurl is https, --cacert */
	bool		 oldports;	/* 80/443 rather than 8530/8531 */
};

struct hier {
	bool		 netns;		/* namespaces (else 127.0.1.x) */
	char		 upns[48];	/* the upstream's namespace */
	char		 upaddr[32];
	uint16_t	 upport[4];	/* 80, 443, 8530, 8531 (or stand-ins) */
	struct tl_wsusd	 up;
	char		 cacert[192];	/* the upstream's certificate */
	struct site	 s[NSITES];
	const char	*client_exe;
	const char	*fixtures;
};

extern struct hier H;

/* topo.c */
int	topo_setup(void);		/* namespaces or fallback; prints mode */
void	topo_cleanup(void);		/* idempotent; every process and ns */
void	topo_track(pid_t pid);		/* killed at cleanup if still alive */
void	topo_untrack(pid_t pid);
/* fork + (enter ns when not NULL/"") + exec argv, stdout+stderr to path. */
pid_t	topo_spawn(const char *ns, char *const argv[], const char *outpath);
/* Wait for pid, bounded by secs (then SIGKILL); exit status or -1. */
int	topo_wait(pid_t pid, int secs);
/* Start wsusd of w in ns; wait until nlisteners listen (bounded). */
int	topo_start_wsusd(struct tl_wsusd *w, const char *ns, int nlisteners);
/* SIGKILL it and reap it. */
void	topo_kill_wsusd(struct tl_wsusd *w);

/* upstream.c */
int	up_setup(void);
const char *synth_id(int i);		/* static buffer per call slot */
const char *synth_eula(int i);		/* "" when it has none */
/* The file of synthetic update i (owned by the caller); its length. */
size_t	synth_payload(int i, uint8_t **out);
int	up_ctl(const char *a1, ...);	/* wsusctl on the upstream; 0 or -1 */
/* Synthetic updates from..to-1 written and imported upstream. */
int	up_more_updates(int from, int to);

/* sites.c */
int	sites_setup(void);
/* `sync now --json` on each site of the mask at once; 0 when all ok. */
int	sites_sync_now(const bool *mask, bool want_ok);
int	site_ctl(struct site *s, char **out, ...);
int	sites_clients(void);		/* NCLIENTS per site: scan+dl+report */
void	sites_cleanup(void);
void	sleep_ms(int ms);

/* checks.c */
extern bool late_approved;		/* LATE_UPDATE approved upstream */
json_t *ctl_json_of(struct tl_wsusd *w, ...);
void	check_replica_equal(struct site *s);
void	check_autonomous(struct site *s);
void	check_files(struct site *s, int nupdates);
/* The same for the synthetic updates ids[0..n-1]. */
void	check_files_ids(struct site *s, const int *ids, size_t n);
void	check_clients(struct site *s);
void	check_rollup(struct tl_wsusd *at, const bool *mask, const char *who);
char	*approvals_text(struct tl_wsusd *w);	/* sorted lines; owned */
long	approvals_of(struct tl_wsusd *w, const char *update_id);

#endif
