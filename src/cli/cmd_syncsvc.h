/*
 * cmd_syncsvc.h — what cmd_syncsvc.c offers the other sync commands:
 * the rollup lines of `wsusctl sync status`.
 */
#ifndef WSUSD_CLI_CMD_SYNCSVC_H
#define WSUSD_CLI_CMD_SYNCSVC_H

#include <jansson.h>

#include "store/store.h"

/*
 * The last rollup (rollup_runs) and the next one of its own: into j
 * ("last_rollup", "rollup_every", "next_rollup"), or printed as text
 * lines when j is NULL.  A store rc.
 */
int	syncsvc_rollup_status(struct store *, json_t *j);

#endif
