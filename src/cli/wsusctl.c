/*
 * wsusctl.c — the admin CLI's main program: global options, the
 * configuration, the table of commands and dispatch.  What the commands
 * do is in the wsusctl library of this folder (cmd_*.c, postinstall.c,
 * checkhealth.c; the store they open through wsusctl_store() is in
 * cmd_common.c).
 *
 *   wsusctl [-c FILE] [--json] [-q] COMMAND [ARGS...]
 *
 * Exit status: see wsusctl.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/wsusctl.h"
#include "util/log.h"
#include "wsusd_build.h"

struct command {
	const char *name;
	int	  (*fn)(struct wsusctl *, int, char **);
	const char *summary;	/* one line for the list of commands */
};

static const struct command commands[] = {
	{ "postinstall", cmd_postinstall,
	  "create or complete directories, database, settings, TLS certificate" },
	{ "checkhealth", cmd_checkhealth,
	  "check configuration, database, directories, certificates, content" },
	{ "import-updates", cmd_import_updates,
	  "import update metadata documents (files or directories)" },
	{ "import-content", cmd_import_content,
	  "import content files into the content directory" },
	{ "groups", cmd_groups,
	  "list and manage computer target groups" },
	{ "approve", cmd_approve,
	  "approve an update for a computer group" },
	{ "unapprove", cmd_unapprove,
	  "remove approvals of an update" },
	{ "decline", cmd_decline,
	  "decline an update (--undo to reverse)" },
	{ "approvals", cmd_approvals,
	  "list approvals" },
	{ "updates", cmd_updates,
	  "list, show and search updates" },
	{ "computers", cmd_computers,
	  "list, show, move and delete client computers" },
	{ "targeting", cmd_targeting,
	  "show or set who decides computer groups (client or server)" },
	{ "report", cmd_report,
	  "update compliance per update or group, and per computer" },
	{ "downstream", cmd_downstream,
	  "list, show and remove downstream servers, bind their credentials (upstream role)" },
	{ "sync", cmd_sync,
	  "synchronize from an upstream; configure, now, status, history, cancel" },
	{ "content", cmd_content,
	  "verify content files by their hashes; --repair sets damaged aside" },
	{ "backup", cmd_backup,
	  "copy the database to a file (consistent while wsusd runs)" },
	{ "restore", cmd_restore,
	  "replace the database by a backup (wsusd stopped)" },
	{ "movecontent", cmd_movecontent,
	  "copy the content directory elsewhere and point content_dir there" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl [-c FILE] [--json] [-q] COMMAND [ARGS...]\n"
	    "       wsusctl help [COMMAND]\n"
	    "       wsusctl -h | --help | -V | --version\n"
	    "\n"
	    "Global options (before or after the command):\n"
	    "  -c, --config FILE  configuration file (default %s;\n"
	    "                     built-in defaults when that file does not exist)\n"
	    "      --json         machine-readable output (JSON) on stdout\n"
	    "  -q, --quiet        print only warnings and errors\n"
	    "  -h, --help         this help\n"
	    "  -V, --version      print the version\n"
	    "\n"
	    "Commands:\n", WSUSD_DEFAULT_CONF);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-15s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp,
	    "\n"
	    "\"wsusctl help COMMAND\" or \"wsusctl COMMAND --help\" shows a "
	    "command's options.\n"
	    "Exit status: 0 success, 1 failure or problems found, 2 usage "
	    "error,\n"
	    "3 the named object does not exist, 4 sync now gave up waiting.\n");
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Load -c FILE, or the default file, or the built-in defaults. */
static int
load_config(struct wsusctl *ctl, bool explicit)
{
	struct config_errors errs;

	if (!explicit && access(ctl->config_path, F_OK) == -1 &&
	    errno == ENOENT) {
		config_defaults(&ctl->cfg);
		return 0;
	}
	if (config_load(ctl->config_path, &ctl->cfg, &errs) == 0)
		return 0;
	for (size_t i = 0; i < errs.n; i++) {
		if (errs.e[i].line > 0)
			log_error("%s:%d: %s", ctl->config_path, errs.e[i].line,
			    errs.e[i].msg);
		else
			log_error("%s: %s", ctl->config_path, errs.e[i].msg);
	}
	return -1;
}

/*
 * -c FILE / --config FILE / --config=FILE after the command is still the
 * global configuration option (no command has a -c of its own): take it
 * out of the command's arguments.  Stops at "--".  Returns 0, or -1 with
 * the message printed (missing or empty file name).
 */
static int
take_config_option(struct wsusctl *ctl, int *argcp, char **argv,
    bool *explicit)
{
	int argc = *argcp, i = 1;

	while (i < argc && strcmp(argv[i], "--") != 0) {
		const char *a = argv[i], *v = NULL;
		int used;

		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc) {
				log_error("%s needs a file name", a);
				return -1;
			}
			v = argv[i + 1];
			used = 2;
		} else if (strncmp(a, "--config=", 9) == 0) {
			v = a + 9;
			used = 1;
		} else if (strncmp(a, "-c", 2) == 0) {
			v = a + 2;
			used = 1;
		} else {
			i++;
			continue;
		}
		if (*v == '\0') {
			log_error("%s: empty file name", a);
			return -1;
		}
		ctl->config_path = v;
		*explicit = true;
		memmove(&argv[i], &argv[i + used],
		    (size_t)(argc - i - used + 1) * sizeof(*argv));
		argc -= used;
	}
	*argcp = argc;
	return 0;
}

static int
run_help(struct wsusctl *ctl, int argc, char **argv)
{
	const struct command *c;
	char *hargv[3];

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		log_error("help: one command at a time");
		return EXIT_USAGE;
	}
	if ((c = find_command(argv[1])) == NULL) {
		log_error("unknown command: %s", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	/* the command's own --help is the one true description */
	config_defaults(&ctl->cfg);
	hargv[0] = (char *)c->name;
	hargv[1] = (char *)"--help";
	hargv[2] = NULL;
	optind = 0;
	return c->fn(ctl, 2, hargv);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct wsusctl ctl;
	const struct command *c;
	bool explicit = false, wants_help = false;
	int ch, rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.config_path = WSUSD_DEFAULT_CONF;
	log_init("wsusctl", LOG_TARGET_STDERR, LOG_LEVEL_WARN);

	opterr = 0;
	/* "+": stop at the command; its options are its own */
	while ((ch = getopt_long(argc, argv, "+c:qhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (optarg[0] == '\0') {
				log_error("-c: empty file name");
				return EXIT_USAGE;
			}
			ctl.config_path = optarg;
			explicit = true;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'q':
			ctl.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("wsusctl %s\n", WSUSD_VERSION);
			return EXIT_OK;
		default:
			if (optopt == 'c')
				log_error("-c needs a file name");
			else
				log_error("unknown option: %s", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_error("no command given");
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;

	if (strcmp(argv[0], "help") == 0) {
		rc = run_help(&ctl, argc, argv);
		config_free(&ctl.cfg);
		return rc;
	}
	if ((c = find_command(argv[0])) == NULL) {
		log_error("unknown command: %s", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (take_config_option(&ctl, &argc, argv, &explicit) == -1)
		return EXIT_USAGE;
	/* "COMMAND --help" works even with a broken configuration */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		wants_help |= strcmp(argv[i], "--help") == 0;
	if (wants_help)
		config_defaults(&ctl.cfg);
	else if (load_config(&ctl, explicit) == -1) {
		config_free(&ctl.cfg);
		return EXIT_USAGE;
	}

	optind = 0;	/* the command parses argv from argv[1] */
	rc = c->fn(&ctl, argc, argv);
	fflush(stdout);
	if (ctl.store != NULL)
		store_close(ctl.store);
	config_free(&ctl.cfg);
	return rc;
}
