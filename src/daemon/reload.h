/*
 * reload.h — reading wsusd.conf for wsusd, at start and on SIGHUP, and
 * the one log line a reload writes: which changed keys were applied and
 * which need a restart.
 *
 * What a reload applies (main.c): [server] log_level, the TLS
 * certificates and keys (re-read even when their paths did not change),
 * every [limits] key except head_timeout and body_timeout, and a
 * listener's tls_min_version and tls_ciphers (http_server_reload).
 * Everything else needs a restart: the services, the store and the sync
 * engine keep the configuration they started with.
 */
#ifndef WSUSD_DAEMON_RELOAD_H
#define WSUSD_DAEMON_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

/*
 * Read path into *cfg (the built-in defaults when path was not given
 * and does not exist: *defaults true) and check that every TLS
 * listener's certificate and key are readable.  0, or -1 with every
 * error in *errs.  *cfg is always in a state config_free() accepts.
 */
int	daemon_config_read(const char *path, bool path_given,
	    struct config *cfg, struct config_errors *errs, bool *defaults);
/*
 * The keys that differ between the running a and the new b, as
 * "[section] key, ..." lists: those a reload applies into live, those
 * that need a restart into restart (each outlen bytes; "" when none).
 * level_fixed: wsusd -v holds the log level, so it is not applied.
 */
void	daemon_config_diff(const struct config *a, const struct config *b,
	    bool level_fixed, char *live, char *restart, size_t outlen);

#endif
