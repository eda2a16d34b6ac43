/*
 * wsus-client — reference client of the WSUS client protocol and load
 * generator for wsusd: "scan" runs the Windows Update Agent's detection
 * cycle for a simulated machine (scan.h), "load" runs many of them at
 * once for the benchmarks (load.c), "download" fetches content the way
 * Windows Delivery Optimization does (download.c).
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "client/client.h"
#include "client/commands.h"
#include "util/log.h"
#include "wsusd_build.h"

struct command {
	const char	*name;
	int		(*run)(int, char **);
	void		(*usage)(FILE *);
	const char	*summary;
};

static const struct command commands[] = {
	{ "scan", cmd_scan, cmd_scan_usage,
	  "scan, download, install and report as a simulated machine" },
	{ "load", cmd_load, cmd_load_usage,
	  "many simulated clients at once (benchmarks)" },
	{ "download", cmd_download, cmd_download_usage,
	  "fetch a content file in Range pieces and verify it" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: wsus-client COMMAND [ARGS...]\n"
	    "       wsus-client --help | --version\n"
	    "       wsus-client help COMMAND\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
}

static const struct command *
find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	int rc;

	log_init("wsus-client", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	if (argc < 2) {
		usage(stderr);
		return CLIENT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLIENT_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("wsus-client %s\n", WSUSD_VERSION);
		return CLIENT_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc == 3 && (c = find(argv[2])) != NULL) {
			c->usage(stdout);
			return CLIENT_EXIT_OK;
		}
		usage(argc == 2 ? stdout : stderr);
		return argc == 2 ? CLIENT_EXIT_OK : CLIENT_EXIT_USAGE;
	}
	if ((c = find(argv[1])) == NULL) {
		fprintf(stderr, "wsus-client: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return CLIENT_EXIT_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "wsus-client: libcurl initialisation failed\n");
		return CLIENT_EXIT_FAIL;
	}
	rc = c->run(argc - 1, argv + 1);
	curl_global_cleanup();
	return rc;
}
