/*
 * cmd_common.h — helpers shared by the wsusctl update/group/approval
 * commands: naming updates and groups on the command line, dates, and
 * turning store results into messages and exit statuses.
 * Not here: the commands themselves or output layout (cli/output.h).
 */
#ifndef WSUSD_CLI_CMD_COMMON_H
#define WSUSD_CLI_CMD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/wsusctl.h"
#include "metadata/update.h"
#include "store/store.h"

#define KB_MAX_DIGITS	10

/* One update an UPDATE argument named (its newest revision). */
struct upd_match {
	char		 update_id[GUID_STRLEN + 1];
	int32_t		 revision;
	int64_t		 revision_id;
	enum update_type type;
	bool		 declined;
	char		*title;		/* owned; never NULL */
	char		*kb;		/* owned; may be NULL */
};

/*
 * Resolve an UPDATE argument — an UpdateID GUID, "KB123" or "123" — to
 * the updates it names.  Returns EXIT_OK with *out (free with
 * upd_matches_free) and *n >= 1, or prints why and returns EXIT_USAGE
 * (not a GUID or KB number), EXIT_NOTFOUND or EXIT_FAIL.
 */
int	upd_resolve(struct store *, const char *arg, struct upd_match **out,
	    size_t *n);
void	upd_matches_free(struct upd_match *, size_t n);
/* Print the matches of an ambiguous KB to stderr; all_ok: the command
 * takes --all (the message suggests it). */
void	upd_print_ambiguous(const char *arg, const struct upd_match *, size_t n,
	    bool all_ok);

/* "KB123", "kb123" or "123" to "123"; -1 when not a KB number. */
int	kb_parse(const char *arg, char out[KB_MAX_DIGITS + 1]);

/*
 * Resolve a GROUP argument (name or GUID).  Returns EXIT_OK with *id, or
 * prints why and returns EXIT_NOTFOUND / EXIT_FAIL.
 */
int	group_resolve(struct store *, const char *arg, int64_t *id);

/*
 * Resolve a COMPUTER argument (DNS name, first label, SusClientId or #N).
 * Returns EXIT_OK with *id, or prints why and returns EXIT_USAGE (the
 * argument names no computer unambiguously), EXIT_NOTFOUND or EXIT_FAIL.
 */
int	computer_resolve(struct store *, const char *arg, int64_t *id);

/*
 * The exit status for the rc of a store_*_find: EXIT_OK for STORE_OK,
 * EXIT_USAGE (the store's message printed) for STORE_INVALID, else what
 * store_fail says for "what".
 */
int	resolve_status(struct store *, int rc, const char *what);

/*
 * Parse a deadline "YYYY-MM-DD[THH:MM[:SS]][Z]" (a space may stand for
 * the T).  With Z the time is UTC, without it local time; a date alone
 * means 00:00.  Returns 0 with *t, or -1.
 */
int	deadline_parse(const char *s, int64_t *t);
/* For tests: the "now" deadlines are compared with (0: time(NULL)).
 * Read from $WSUSCTL_TEST_NOW when set. */
int64_t	deadline_now(void);

/* Print the store's reason for rc and return the exit status for it:
 * NOTFOUND -> EXIT_NOTFOUND, anything else -> EXIT_FAIL. */
int	store_fail(struct store *, int rc, const char *what);
/*
 * A replica takes its approvals, declines and groups from its upstream
 * (the sync state's replica_of, set by `wsusctl sync --replica`): unless
 * force, refuse what (e.g. "approve") with a message naming the
 * upstream.  EXIT_OK to go on, else EXIT_FAIL (message printed).
 */
int	replica_refuse(struct store *, const char *what, bool force);

/*
 * "CMD SUB [options] [args]": when argv[1] is not an option it is the
 * subcommand: *sub = argv[1] and *base = argv + 1 (getopt then sees SUB
 * as its program name); else *sub is left as it is and *base = argv.
 * Returns the argument count for getopt_long on *base.
 */
int	subcommand_split(int argc, char **argv, const char **sub, char ***base);

/* A count option's value: decimal digits only, lo..hi.  0 with *out,
 * or -1 (out untouched). */
int	parse_size(const char *s, size_t lo, size_t hi, size_t *out);

/* Report the option getopt_long refused: wsusctl runs it with opterr 0.
 * argv is the vector getopt_long was given. */
void	bad_option(char **argv);

/* Who is running the command: $SUDO_USER, else the login name, else the
 * uid as a number.  Static buffer. */
const char *admin_name(void);

/* Type names accepted on the command line: software, driver, category,
 * detectoid.  -1 when unknown. */
int	update_type_parse(const char *s);
/* Approval action names: install, uninstall, notapproved; -1 unknown. */
int	approval_action_parse(const char *s);
const char *approval_action_name(enum approval_action);

#endif
