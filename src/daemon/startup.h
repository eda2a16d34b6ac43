/*
 * startup.h — checks wsusd makes before it tells anyone it is ready.
 *
 * Not a repair tool: a failed check is a one-line cause and a non-zero
 * exit (main.c); `wsusctl postinstall` and `wsusctl checkhealth` fix and
 * explain.
 */
#ifndef WSUSD_DAEMON_STARTUP_H
#define WSUSD_DAEMON_STARTUP_H

#include <stddef.h>

#include "config/config.h"

/*
 * The store of cfg: permissions of the database file, its directory and
 * write-ahead log for the user wsusd runs as (a problem names the path,
 * the user and the missing permission), open, schema at the version this
 * build needs, and store_quick_check().  0 when it is fine; 1 when the
 * SQLite file does not exist yet (err says so: wsusd still serves
 * content, the SOAP services wait for `wsusctl postinstall`); -1 with the
 * one-line cause in err.
 */
int	daemon_store_check(const struct config *cfg, char *err, size_t errlen);

#endif
