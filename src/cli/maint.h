/*
 * maint.h — what the maintenance verbs share (cmd_maint.c): whether a
 * process has the database open.  Not here: the verbs' options.
 */
#ifndef WSUSD_CLI_MAINT_H
#define WSUSD_CLI_MAINT_H

#include <stddef.h>
#include <sys/types.h>

#include "cli/wsusctl.h"

/*
 * The pid of a process other than this one that has dbfile (or its
 * -wal) open, found through /proc/PID/fd (processes we may not look at
 * are skipped); 0 when none.  comm gets its name.
 */
pid_t	db_in_use(const char *dbfile, char *comm, size_t commlen);

/* EXIT_OK when nothing has the configured sqlite database open, else
 * print "what refused: ..." naming the process and return EXIT_FAIL. */
int	refuse_if_running(struct wsusctl *, const char *what);

#endif
