/*
 * client.h — the commands of wsus-client, the reference client and load
 * generator.  Each command is one function taking its own argv (argv[0]
 * is the command name) and returning the process exit status.  The
 * client protocol commands (get-config, sync-updates, ...) will join the
 * table in main.c as further cmd_* functions.
 */
#ifndef WSUSD_CLIENT_CLIENT_H
#define WSUSD_CLIENT_CLIENT_H

#include <stdbool.h>
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

/*
 * One download as "download" does it (closed Range pieces, digests
 * checked over the whole file, renamed into place only when verified),
 * for the scan command.  sha1/sha256: NULL when not known.
 */
struct client_fetch {
	const char	*url;
	const char	*out;		/* final path */
	uint64_t	 size;
	bool		 have_size;	/* else one HEAD asks */
	const uint8_t	*sha1;		/* 20 bytes or NULL */
	const uint8_t	*sha256;	/* 32 bytes or NULL */
	uint64_t	 piece;		/* 0: 1 MiB */
	unsigned	 connections;	/* 0: 1 */
	bool		 insecure;
	const char	*cacert;	/* CA file for TLS or NULL */
};
int	client_fetch(const struct client_fetch *, char *err, size_t errlen);

#endif
