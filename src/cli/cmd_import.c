/*
 * cmd_import.c — `wsusctl import-updates PATH...` and
 * `wsusctl import-content PATH...`: the command-line face of the import
 * engine (import/import.h).  Not here: the import rules themselves.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "import/import.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/log.h"

#define PROGRESS_SECS	5

struct import_out {
	struct wsusctl	*ctl;
	bool		 verbose;
	json_t		*errors;	/* --json: [{file, reason}] */
	json_t		*results;	/* --json: per file (content) */
};

static void
upd_error(const char *path, const char *reason, void *arg)
{
	struct import_out *o = arg;
	char *p = output_clean(path), *r = output_clean(reason);

	log_error("%s: %s", p, r);
	free(p);
	free(r);
	if (o->errors)
		json_array_append_new(o->errors, json_pack("{s:o,s:o}",
		    "file", output_json_str(path), "reason", output_json_str(reason)));
}

static void
upd_done(const char *path, const struct update_ref *id, bool created, void *arg)
{
	struct import_out *o = arg;
	char *p;

	if (!o->verbose || o->ctl->json)
		return;
	p = output_clean(path);
	printf("%-8s %s r%d  %s\n", created ? "new" : "present", id->update_id,
	    (int)id->revision, p);
	free(p);
}

/*
 * Every PATH must exist before anything is imported: a mistyped path is
 * a usage error (exit 2) with the reason, not "1 document ... 1 failed".
 */
static int
paths_exist(const char *cmd, int argc, char **argv, int first)
{
	struct stat sb;

	for (int i = first; i < argc; i++)
		if (stat(argv[i], &sb) == -1) {
			log_error("%s: %s: %s; nothing imported", cmd, argv[i],
			    strerror(errno));
			return -1;
		}
	return 0;
}

static void
upd_progress(const struct import_stats *s, void *arg)
{
	fprintf(stderr, "wsusctl: %zu documents so far: %zu new, %zu present, "
	    "%zu failed\n", s->files, s->created, s->present, s->failed);
}

static const struct option import_updates_opts[] = {
	{ "json",	no_argument,	NULL,	'j' },
	{ "verbose",	no_argument,	NULL,	'v' },
	{ "quiet",	no_argument,	NULL,	'q' },
	{ "help",	no_argument,	NULL,	'h' },
	{ NULL, 0, NULL, 0 }
};

static void
import_updates_usage(FILE *fp)
{
	fprintf(fp, "usage: wsusctl import-updates [--json] [-v] [-q] PATH...\n"
	    "  Import update documents (XML or XmlUpdateBlobCompressed .cab);\n"
	    "  directories are walked for *.xml and *.cab.\n");
}

int
cmd_import_updates(struct wsusctl *ctl, int argc, char **argv)
{
	struct import_stats stats;
	struct import_opts opts;
	struct import_out o;
	struct store *st;
	int c, status;

	memset(&o, 0, sizeof(o));
	o.ctl = ctl;
	optind = 0;
	while ((c = getopt_long(argc, argv, "jvqh", import_updates_opts,
	    NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl->json = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			import_updates_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(argv);
			import_updates_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		import_updates_usage(stderr);
		return EXIT_USAGE;
	}
	if (paths_exist("import-updates", argc, argv, optind) == -1)
		return EXIT_USAGE;
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;

	memset(&stats, 0, sizeof(stats));
	memset(&opts, 0, sizeof(opts));
	if (ctl->json)
		o.errors = json_array();
	opts.on_error = upd_error;
	opts.on_done = upd_done;
	opts.on_progress = upd_progress;
	opts.arg = &o;
	opts.progress_secs = (!ctl->quiet && isatty(STDERR_FILENO)) ?
	    PROGRESS_SECS : 0;
	for (int i = optind; i < argc; i++)
		import_updates_path(st, argv[i], &stats, &opts);

	status = stats.failed ? EXIT_FAIL : EXIT_OK;
	if (ctl->json) {
		json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:o}",
		    "documents", (json_int_t)stats.files,
		    "new", (json_int_t)stats.created,
		    "present", (json_int_t)stats.present,
		    "failed", (json_int_t)stats.failed,
		    "errors", o.errors);
		output_json_put(j);
	} else if (!ctl->quiet || stats.failed) {
		printf("%zu document%s: %zu new revision%s, %zu already present, "
		    "%zu failed\n", stats.files, stats.files == 1 ? "" : "s",
		    stats.created, stats.created == 1 ? "" : "s", stats.present,
		    stats.failed);
	}
	return status;
}

/* ---- import-content ---- */

static void
content_result(const char *path, enum import_content_result r,
    const char *detail, const uint8_t *sha1, void *arg)
{
	struct import_out *o = arg;
	static const char *const names[] = { "imported", "present", "rejected" };
	char hex[41] = "";
	char *p;

	if (sha1)
		hex_encode(sha1, 20, hex, 0);
	if (o->results) {
		json_t *j = json_pack("{s:o,s:s}", "file", output_json_str(path),
		    "result", names[r]);
		json_object_set_new(j, "sha1", sha1 ? json_string(hex) : json_null());
		json_object_set_new(j, r == IMPORT_CONTENT_REJECTED ? "reason" :
		    "path", output_json_str(detail));
		json_array_append_new(o->results, j);
	}
	p = output_clean(path);
	if (r == IMPORT_CONTENT_REJECTED) {
		char *d = output_clean(detail);
		log_error("%s: rejected: %s", p, d);
		free(d);
	} else if (!o->ctl->json && !o->ctl->quiet) {
		printf("%-9s %s  %s\n", r == IMPORT_CONTENT_IMPORTED ? "imported" :
		    "present", p, detail);
	}
	free(p);
}

static void
import_content_usage(FILE *fp)
{
	fprintf(fp, "usage: wsusctl import-content [--json] [-q] PATH...\n"
	    "  Copy update files into the content directory after checking\n"
	    "  them against the digests of imported update metadata.\n");
}

int
cmd_import_content(struct wsusctl *ctl, int argc, char **argv)
{
	struct import_content_stats stats;
	struct import_out o;
	struct store *st;
	const char *dir = ctl->cfg.content_dir;
	int c;

	memset(&o, 0, sizeof(o));
	o.ctl = ctl;
	optind = 0;
	while ((c = getopt_long(argc, argv, "jqh", import_updates_opts,
	    NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			import_content_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(argv);
			import_content_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		import_content_usage(stderr);
		return EXIT_USAGE;
	}
	if (paths_exist("import-content", argc, argv, optind) == -1)
		return EXIT_USAGE;
	if (dir == NULL || *dir == '\0') {
		log_error("no content_dir configured");
		return EXIT_FAIL;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (mkdir_p(dir, 0755) == -1) {
		log_error("content directory %s: %s", dir, strerror(errno));
		return EXIT_FAIL;
	}

	memset(&stats, 0, sizeof(stats));
	if (ctl->json)
		o.results = json_array();
	for (int i = optind; i < argc; i++)
		import_content_path(st, dir, argv[i], &stats, content_result, &o);

	if (ctl->json) {
		json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:o}",
		    "files", (json_int_t)stats.files,
		    "imported", (json_int_t)stats.imported,
		    "present", (json_int_t)stats.present,
		    "rejected", (json_int_t)stats.rejected,
		    "results", o.results);
		output_json_put(j);
	} else if (!ctl->quiet || stats.rejected) {
		printf("%zu file%s: %zu imported, %zu already present, %zu rejected\n",
		    stats.files, stats.files == 1 ? "" : "s", stats.imported,
		    stats.present, stats.rejected);
	}
	return stats.rejected ? EXIT_FAIL : EXIT_OK;
}
