/*
 * client.h — the commands of wsus-client, the reference client and load
 * generator.  Each command is one function taking its own argv (argv[0]
 * is the command name) and returning the process exit status.  The
 * client protocol commands (get-config, sync-updates, ...) will join the
 * table in main.c as further cmd_* functions.
 */
#ifndef WSUSD_CLIENT_CLIENT_H
#define WSUSD_CLIENT_CLIENT_H

#include <stdint.h>
#include <stdio.h>

/* Exit statuses shared by the commands. */
#define CLIENT_EXIT_OK		0
#define CLIENT_EXIT_FAIL	1	/* the operation failed */
#define CLIENT_EXIT_USAGE	2	/* bad command line */

#define CLIENT_USER_AGENT	"wsus-client/" WSUSD_VERSION

/* download URL -o FILE ...: see download.c. */
int	cmd_download(int argc, char **argv);
void	cmd_download_usage(FILE *fp);

/* Strict decimal with optional K/M/G (1024-based) suffix; 0 or -1. */
int	client_parse_size(const char *s, uint64_t *out);

#endif
