/*
 * wsusctl.h — what every wsusctl command gets: parsed global options, the
 * configuration, and a store opened on first use.
 *
 * Exit status contract (scripts rely on it):
 *   0  success;  1  the operation failed or the check found problems;
 *   2  usage error (bad arguments, unknown command);
 *   3  the named object does not exist.
 */
#ifndef WSUSD_CLI_WSUSCTL_H
#define WSUSD_CLI_WSUSCTL_H

#include <stdbool.h>

#include "config/config.h"
#include "store/store.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NOTFOUND	3
#define EXIT_TIMEOUT	4	/* gave up waiting (sync now --timeout) */

struct wsusctl {
	const char	*config_path;	/* -c FILE, or the default */
	struct config	 cfg;		/* loaded before the command runs */
	bool		 json;		/* --json: machine output on stdout */
	bool		 quiet;		/* -q */
	struct store	*store;		/* opened by wsusctl_store(); closed at exit */
};

/* Open the configured store (once) or print why not and return NULL. */
struct store *wsusctl_store(struct wsusctl *);

/*
 * Commands.  argv[0] is the command name; options after it are the
 * command's own (parsed with getopt_long).  Each returns an exit status.
 */
int	cmd_postinstall(struct wsusctl *, int argc, char **argv);
int	cmd_checkhealth(struct wsusctl *, int argc, char **argv);
int	cmd_import_updates(struct wsusctl *, int argc, char **argv);
int	cmd_import_content(struct wsusctl *, int argc, char **argv);
int	cmd_groups(struct wsusctl *, int argc, char **argv);	/* "groups SUBCMD" */
int	cmd_approve(struct wsusctl *, int argc, char **argv);
int	cmd_unapprove(struct wsusctl *, int argc, char **argv);
int	cmd_decline(struct wsusctl *, int argc, char **argv);	/* also --undo */
int	cmd_approvals(struct wsusctl *, int argc, char **argv);
int	cmd_updates(struct wsusctl *, int argc, char **argv);	/* "updates list|show|search" */
/* computers, targeting, reports (reporting engineer; cmd_computers.c, cmd_report.c) */
int	cmd_computers(struct wsusctl *, int argc, char **argv);	/* "computers list|show|move|delete" */
int	cmd_targeting(struct wsusctl *, int argc, char **argv);	/* "targeting [client|server]" */
int	cmd_report(struct wsusctl *, int argc, char **argv);	/* "report compliance|computer|settings|prune" */

/* downstream sync (MS-WSUSSS client side; cmd_sync.c, src/sync/) */
int	cmd_sync(struct wsusctl *, int argc, char **argv);	/* "sync --upstream URL ..." */
/* "sync configure|now|status|history|cancel" (cmd_syncrun.c); -1: not one of them */
int	cmd_sync_service(struct wsusctl *, int argc, char **argv);
/* "sync configure ..." (cmd_syncsvc.c); argv[0] is "configure" */
int	cmd_sync_configure(struct wsusctl *, int argc, char **argv);

/* downstream servers and rollup reports (rollup engineer; cmd_downstream.c,
 * docs/ROLLUP.md) */
int	cmd_downstream(struct wsusctl *, int argc, char **argv);	/* "downstream list|show|remove" */
/* Resolve a downstream server (id, name, #N) to its local id or its
 * server id; an exit status, with the message printed. */
int	downstream_resolve(struct store *, const char *name, int64_t *id);
int	downstream_site_id(struct store *, const char *name, char out[GUID_STRLEN + 1]);
/* downstream trust|credential|revoke|auth (cmd_dsauth.c); n, base as
 * subcommand_split() gives them. */
int	cmd_downstream_auth(struct wsusctl *, const char *sub, int n,
	    char **base);
/* `report hierarchy [--site SERVER]`: every site and its rolled-up computers. */
int	report_hierarchy(struct wsusctl *, struct store *, const char *site);
/* maintenance verbs (cmd_content.c, cmd_maint.c) */
int	cmd_content(struct wsusctl *, int argc, char **argv);	/* "content verify [--repair]" */
int	cmd_backup(struct wsusctl *, int argc, char **argv);	/* "backup FILE" */
int	cmd_restore(struct wsusctl *, int argc, char **argv);	/* "restore [--check] FILE" */
int	cmd_movecontent(struct wsusctl *, int argc, char **argv);	/* "movecontent NEWDIR" */

#endif
