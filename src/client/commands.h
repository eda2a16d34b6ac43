/*
 * commands.h — the MS-WUSP commands of wsus-client (scan, load) and what
 * they share.  Each command takes its own argv (argv[0] is the command
 * name) and returns the process exit status (client.h CLIENT_EXIT_*).
 */
#ifndef WSUSD_CLIENT_COMMANDS_H
#define WSUSD_CLIENT_COMMANDS_H

#include <stdio.h>

#include "client/guid.h"

int	cmd_scan(int argc, char **argv);
void	cmd_scan_usage(FILE *);
int	cmd_load(int argc, char **argv);
void	cmd_load_usage(FILE *);

/*
 * The server URL as the commands take it: http:// or https://, a host,
 * an optional port, no path beyond '/'.  A copy without the trailing '/'
 * in out; 0 or -1.
 */
int	client_server_url(const char *in, char *out, size_t outlen);

/* A deterministic SusClientId for simulated client number n. */
void	client_load_id(unsigned long long seed, unsigned long long n,
	    char out[GUID_STRLEN + 1]);

#endif
