/*
 * cmd_content.c — `wsusctl content verify [--repair]`: hash every file
 * the store knows against its SHA-1, SHA-256 and size (what `wsusutil
 * reset` has WSUS do), and with --repair put damaged files into
 * CONTENT/quarantine/ and mark them not present, so that the next sync
 * (or `wsusctl import-content`) fetches them again and the server stops
 * offering a damaged file.  Not here: the hashing (content/verify.c) or
 * the download (sync/content.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "content/content_store.h"
#include "content/verify.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* The files to check, copied out of the store listing (no store calls
 * from its callback). */
struct vfiles {
	struct store_file *v;	/* owned; names owned (xstrdup) */
	size_t		   n, cap;
};

static int
collect(const struct store_file *f, void *arg)
{
	struct vfiles *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n] = *f;
	l->v[l->n].name = f->name ? xstrdup(f->name) : NULL;
	l->n++;
	return 0;
}

static void
vfiles_free(struct vfiles *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->v[i].name);
	free(l->v);
}

static void
content_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl content verify [--repair] [--approved] [--json] [-q]\n"
	    "  Hash every content file the store knows against the SHA-1,\n"
	    "  SHA-256 and size of its metadata.  A file that is damaged, or\n"
	    "  missing although it was stored, is a problem (exit 1).\n"
	    "  --repair    move damaged files to CONTENT/quarantine/ and mark\n"
	    "              them (and missing ones) for download by the next\n"
	    "              sync or import-content; exit 0 when all repaired\n"
	    "  --approved  only the files of approved updates\n"
	    "  --json      print the result as JSON\n"
	    "  -q          print only problems and no summary\n");
}

struct vcount {
	size_t	checked, good, damaged, missing, not_downloaded, unreadable;
	size_t	repaired, failed;
};

static int
content_verify_run(struct wsusctl *ctl, struct store *st, bool repair,
    bool approved)
{
	struct vfiles l = { NULL, 0, 0 };
	struct vcount c;
	json_t *probs = NULL;
	const char *dir = ctl->cfg.content_dir;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = store_file_list(st, approved, collect, &l)) != STORE_OK) {
		vfiles_free(&l);
		return store_fail(st, rc, "listing content files");
	}
	if (ctl->json)
		probs = json_array();
	for (size_t i = 0; i < l.n; i++) {
		const struct store_file *f = &l.v[i];
		char rel[64] = "?", err[512], qpath[4096] = "", *what;
		const char *action = NULL;
		enum content_verdict v;
		bool problem, moved = false;

		(void)content_relpath(f->sha1, f->name, rel, sizeof(rel));
		v = content_verify(dir, f->sha1, f->has_sha256 ? f->sha256 :
		    NULL, f->size == 0 ? UINT64_MAX : f->size, f->name, err,
		    sizeof(err));
		if (v == CONTENT_MISSING && !f->present) {
			c.not_downloaded++;
			continue;
		}
		c.checked++;
		if (v == CONTENT_GOOD) {
			c.good++;
			continue;
		}
		problem = true;
		if (v == CONTENT_MISSING)
			c.missing++;
		else if (v == CONTENT_UNREADABLE)
			c.unreadable++;
		else
			c.damaged++;
		if (repair && v != CONTENT_UNREADABLE) {
			if (v != CONTENT_MISSING && content_quarantine(dir,
			    f->sha1, f->name, &moved, qpath, sizeof(qpath), err,
			    sizeof(err)) == -1) {
				log_error("content verify: %s: %s", rel, err);
				action = "quarantine failed";
			} else if (f->present && (rc = store_file_set_present(st,
			    f->sha1, false)) != STORE_OK) {
				log_error("content verify: %s: %s", rel,
				    store_errmsg(st));
				action = "marking failed";
			} else {
				action = moved ? "quarantined, marked for "
				    "download" : "marked for download";
				problem = false;
			}
			if (problem)
				c.failed++;
			else
				c.repaired++;
		}
		if (probs != NULL) {
			json_array_append_new(probs, json_pack("{s:s,s:s,s:o,s:o,"
			    "s:o}", "file", rel, "problem",
			    content_verdict_name(v), "detail", output_json_str(
			    v == CONTENT_UNREADABLE ? err : NULL), "action",
			    output_json_str(action), "quarantined",
			    output_json_str(moved ? qpath : NULL)));
			continue;
		}
		what = output_clean(v == CONTENT_UNREADABLE ? err : "");
		printf("%-8s %s: %s%s%s%s%s%s\n", problem ? "BAD" : "REPAIRED",
		    rel, content_verdict_name(v), *what ? " (" : "", what,
		    *what ? ")" : "", action ? ", " : "", action ? action : "");
		free(what);
		if (moved && !ctl->quiet)
			printf("         moved to %s\n", qpath);
	}
	vfiles_free(&l);
	if (probs != NULL)
		output_json_put(json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
		    "checked", (json_int_t)c.checked, "good", (json_int_t)c.good,
		    "damaged", (json_int_t)c.damaged, "missing",
		    (json_int_t)c.missing, "unreadable", (json_int_t)c.unreadable,
		    "not_downloaded", (json_int_t)c.not_downloaded, "repaired",
		    (json_int_t)c.repaired, "problems", probs));
	else if (!ctl->quiet)
		printf("content verify: %zu checked, %zu good, %zu damaged, "
		    "%zu missing, %zu unreadable, %zu not downloaded yet%s\n",
		    c.checked, c.good, c.damaged, c.missing, c.unreadable,
		    c.not_downloaded, repair ? "" : (c.damaged + c.missing > 0 ?
		    " (--repair sets them aside for download)" : ""));
	if (repair && c.repaired > 0 && !ctl->quiet && !ctl->json)
		printf("content verify: %zu repaired; the next sync or "
		    "import-content fetches them again\n", c.repaired);
	return c.checked - c.good - c.repaired > 0 ? EXIT_FAIL : EXIT_OK;
}

int
cmd_content(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repair", no_argument, NULL, 'r' },
		{ "approved", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub = NULL;
	struct store *st;
	char **base;
	bool repair = false, approved = false;
	int n, ch;

	n = subcommand_split(argc, argv, &sub, &base);
	optind = 0;
	while ((ch = getopt_long(n, base, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			repair = true;
			break;
		case 'a':
			approved = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			content_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			content_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (sub == NULL || strcmp(sub, "verify") != 0 || optind != n) {
		if (sub != NULL && strcmp(sub, "verify") != 0)
			log_error("unknown content subcommand '%s'", sub);
		content_usage(stderr);
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	return content_verify_run(ctl, st, repair, approved);
}
