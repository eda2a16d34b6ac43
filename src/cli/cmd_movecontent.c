/*
 * cmd_movecontent.c — `wsusctl movecontent NEWDIR [--skip-copy]`, what
 * `wsusutil movecontent` does: copy the content directory to NEWDIR and
 * point `content_dir` of the configuration file at it.
 *
 * Safe: every file is copied to a temporary name, fsync'd and renamed,
 * so NEWDIR never holds a half file under a content name; a file already
 * there with the same size is kept, so an interrupted run is resumed by
 * running it again; the configuration is changed last, by one atomic
 * rename, after every file arrived, and only when the new text parses.
 * The old directory is left as it was.  Run as root, NEWDIR and every
 * copy keep the owner of the original (the user wsusd of a package).
 * wsusd must be stopped (the
 * configuration is read at start).  Not here: the content layout
 * (content/content_store.h) or what the files are (the store).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd_common.h"
#include "cli/confedit.h"
#include "cli/maint.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"

#define MOVE_DEPTH_MAX	4		/* CONTENT/XX/file; quarantine/... */
#define CONF_MAX	(1u << 20)	/* a configuration file */

struct move_count {
	size_t	 copied, kept, dirs;
	unsigned long long bytes;
};

static void
move_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl movecontent NEWDIR [--skip-copy] [--json]\n"
	    "  Copy the content directory to NEWDIR (an absolute path, empty or\n"
	    "  not there yet, not inside the old one) and set content_dir of the\n"
	    "  configuration file to it.  Files are copied under a temporary\n"
	    "  name and renamed; those already in NEWDIR with the same size are\n"
	    "  kept, so running it again resumes.  The configuration changes\n"
	    "  last, atomically.  The old directory is left as it was.  wsusd\n"
	    "  must be stopped.\n"
	    "  --skip-copy  the files are already in NEWDIR: only set content_dir\n");
}

/* Copy one regular file src to dst (temp + fsync + rename), mode kept. */
static int
copy_file(const char *src, const char *dst, mode_t mode, unsigned long long
    *bytes)
{
	char tmp[PATH_MAX + 16], b[65536];
	int in, out = -1, rc = -1;
	ssize_t n;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.move-tmp", dst) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode & 0777)) == -1)
		goto done;
	while ((n = read(in, b, sizeof(b))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, b + off, (size_t)(n - off));
			if (w == -1) {
				if (errno == EINTR)
					continue;
				goto done;
			}
			off += w;
		}
		*bytes += (unsigned long long)n;
	}
	/* run as root: the copy keeps the original's owner (wsusd) */
	if (n == -1 || fsync(out) == -1 || fchmod(out, mode & 0777) == -1 ||
	    adopt_owner(out, tmp, src) == -1)
		goto done;
	if (close(out) == -1) {
		out = -1;
		goto done;
	}
	out = -1;
	if (rename(tmp, dst) == -1)
		goto done;
	rc = 0;
done:
	if (out != -1)
		close(out);
	if (rc == -1) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	close(in);
	return rc;
}

/* Copy the tree src into dst (which exists); regular files and folders
 * only; symlinks and others skipped with a warning. */
static int
copy_tree(const char *src, const char *dst, int depth, struct move_count *c)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > MOVE_DEPTH_MAX) {
		log_warnx("movecontent: %s: deeper than the content layout, "
		    "skipped", src);
		return 0;
	}
	if ((d = opendir(src)) == NULL) {
		log_error("movecontent: %s: %s", src, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char s[PATH_MAX], t[PATH_MAX];
		struct stat sb, tb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* a leftover of an interrupted run of ours */
		if (strstr(de->d_name, ".move-tmp") != NULL)
			continue;
		if ((size_t)snprintf(s, sizeof(s), "%s/%s", src, de->d_name) >=
		    sizeof(s) || (size_t)snprintf(t, sizeof(t), "%s/%s", dst,
		    de->d_name) >= sizeof(t)) {
			log_error("movecontent: %s/%s: path too long", src,
			    de->d_name);
			rc = -1;
			break;
		}
		if (lstat(s, &sb) == -1) {
			log_error("movecontent: %s: %s", s, strerror(errno));
			rc = -1;
			break;
		}
		if (S_ISDIR(sb.st_mode)) {
			if ((mkdir(t, sb.st_mode & 0777) == -1 &&
			    errno != EEXIST) || adopt_owner(-1, t, s) == -1) {
				log_error("movecontent: %s: %s", t,
				    strerror(errno));
				rc = -1;
				break;
			}
			c->dirs++;
			rc = copy_tree(s, t, depth + 1, c);
			continue;
		}
		if (!S_ISREG(sb.st_mode)) {
			log_warnx("movecontent: %s: not a regular file, skipped",
			    s);
			continue;
		}
		if (stat(t, &tb) == 0 && S_ISREG(tb.st_mode) &&
		    tb.st_size == sb.st_size) {
			c->kept++;
			continue;
		}
		if (copy_file(s, t, sb.st_mode, &c->bytes) == -1) {
			log_error("movecontent: copying %s to %s: %s", s, t,
			    strerror(errno));
			rc = -1;
			break;
		}
		c->copied++;
	}
	closedir(d);
	if (rc == 0)
		(void)fsync_parent_dir(dst);
	return rc;
}

/* Point content_dir of the configuration file at dir (atomic). */
static int
conf_update(const char *path, const char *dir)
{
	struct config_errors errs;
	struct config cfg;
	struct stat sb;
	struct buf out;
	char *text = NULL;
	size_t len;
	int rc = -1;

	if (stat(path, &sb) == -1 || read_file(path, CONF_MAX, &text, &len) ==
	    -1) {
		log_error("movecontent: %s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&out, CONF_MAX + 8192);
	confedit_content_dir(text, dir, &out);
	if (out.failed) {
		log_error("movecontent: %s: too large", path);
		goto done;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (config_load_string(out.data, &cfg, &errs) != 0) {
		log_error("movecontent: %s would not parse any more; not "
		    "changed", path);
		config_free(&cfg);
		goto done;
	}
	if (cfg.content_dir == NULL || strcmp(cfg.content_dir, dir) != 0) {
		log_error("movecontent: %s: content_dir would not be %s; not "
		    "changed", path, dir);
		config_free(&cfg);
		goto done;
	}
	config_free(&cfg);
	if (write_file_atomic(path, out.data, out.len, sb.st_mode & 0777) ==
	    -1) {
		log_error("movecontent: writing %s: %s", path, strerror(errno));
		goto done;
	}
	/* keep the owner (root:wsusd 0640 in a package) */
	if (chown(path, sb.st_uid, sb.st_gid) == -1 && errno != EPERM)
		log_warnx("movecontent: %s: chown: %s", path, strerror(errno));
	rc = 0;
done:
	buf_free(&out);
	free(text);
	return rc;
}

/* Is a inside b (or b itself)?  Both real paths. */
static bool
path_within(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' ||
	    strcmp(b, "/") == 0);
}

int
cmd_movecontent(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "skip-copy", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct move_count c;
	char oldreal[PATH_MAX], newreal[PATH_MAX], parent[PATH_MAX];
	const char *newdir, *old = ctl->cfg.content_dir;
	bool skip = false;
	struct stat sb;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			skip = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			move_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(argv);
			move_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		log_error("movecontent: one NEWDIR expected");
		move_usage(stderr);
		return EXIT_USAGE;
	}
	newdir = argv[optind];
	if (newdir[0] != '/' || strlen(newdir) >= sizeof(parent) - 1) {
		log_error("movecontent: NEWDIR must be an absolute path: %s",
		    newdir);
		return EXIT_USAGE;
	}
	if (ctl->cfg.path == NULL) {
		log_error("movecontent: no configuration file to change (%s "
		    "does not exist); give -c FILE", ctl->config_path);
		return EXIT_USAGE;
	}
	if (realpath(old, oldreal) == NULL) {
		log_error("movecontent: content directory %s: %s", old,
		    strerror(errno));
		return EXIT_FAIL;
	}
	/* NEWDIR may not exist yet: resolve its deepest existing ancestor
	 * and append the rest */
	snprintf(parent, sizeof(parent), "%s", newdir);
	while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
		parent[strlen(parent) - 1] = '\0';
	{
		size_t cut = strlen(parent);
		char joined[PATH_MAX];
		int w;

		for (;;) {
			char save = parent[cut];

			parent[cut] = '\0';
			if (realpath(cut > 0 ? parent : "/", newreal) != NULL) {
				parent[cut] = save;
				break;
			}
			parent[cut] = save;
			if (errno != ENOENT || cut == 0) {
				log_error("movecontent: %s: %s", newdir,
				    strerror(errno));
				return EXIT_FAIL;
			}
			while (cut > 0 && parent[cut - 1] != '/')
				cut--;
			if (cut > 0)
				cut--;	/* the slash */
		}
		w = snprintf(joined, sizeof(joined), "%s%s", strcmp(newreal,
		    "/") == 0 && parent[cut] == '/' ? "" : newreal,
		    parent + cut);
		if (w < 0 || (size_t)w >= sizeof(joined)) {
			log_error("movecontent: NEWDIR is too long");
			return EXIT_USAGE;
		}
		memcpy(newreal, joined, (size_t)w + 1);
	}
	if (path_within(newreal, oldreal) || path_within(oldreal, newreal)) {
		log_error("movecontent: %s and the content directory %s contain "
		    "one another", newreal, oldreal);
		return EXIT_USAGE;
	}
	if ((rc = refuse_if_running(ctl, "movecontent")) != EXIT_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	if (stat(newreal, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		log_error("movecontent: %s is not a directory", newreal);
		return EXIT_FAIL;
	}
	if (skip) {
		if (stat(newreal, &sb) == -1) {
			log_error("movecontent: --skip-copy: %s: %s", newreal,
			    strerror(errno));
			return EXIT_FAIL;
		}
	} else {
		/* as root, NEWDIR becomes the old directory's owner's:
		 * wsusd serves and writes it */
		if (mkdir_p(newreal, 0750) == -1 ||
		    adopt_owner(-1, newreal, oldreal) == -1) {
			log_error("movecontent: %s: %s", newreal,
			    strerror(errno));
			return EXIT_FAIL;
		}
		if (copy_tree(oldreal, newreal, 0, &c) == -1) {
			log_error("movecontent: stopped; %zu files copied so "
			    "far.  The configuration is unchanged; run it "
			    "again to resume", c.copied);
			return EXIT_FAIL;
		}
	}
	if (conf_update(ctl->cfg.path, newreal) == -1)
		return EXIT_FAIL;
	if (ctl->json)
		output_json_put(json_pack("{s:s,s:s,s:s,s:I,s:I,s:I}", "from",
		    oldreal, "to", newreal, "config", ctl->cfg.path, "copied",
		    (json_int_t)c.copied, "kept", (json_int_t)c.kept, "bytes",
		    (json_int_t)c.bytes));
	else if (!ctl->quiet) {
		printf("movecontent: %zu files copied (%llu bytes), %zu already "
		    "there\n", c.copied, c.bytes, c.kept);
		printf("movecontent: content_dir = %s in %s\n", newreal,
		    ctl->cfg.path);
		printf("movecontent: %s is left as it was; remove it when "
		    "wsusd serves from the new place\n", oldreal);
	}
	return EXIT_OK;
}
