/*
 * cmd_maint.c — `wsusctl backup FILE` and `wsusctl restore FILE`: the
 * store to a file and back (store/backup.h), and finding out whether
 * wsusd (or anything else) has the database open, which a restore must
 * not race with.  Not here: how the copy is made (store/sqlite/backup.c)
 * or the content directory (cmd_content.c, cmd_movecontent.c).
 */
#include <ctype.h>
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
#include "cli/maint.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "store/backup.h"
#include "util/log.h"

pid_t
db_in_use(const char *dbfile, char *comm, size_t commlen)
{
	char real[PATH_MAX], wal[PATH_MAX + 8], fddir[64], link[PATH_MAX];
	struct dirent *de, *fe;
	DIR *proc, *fds;
	pid_t self = getpid(), found = 0;

	if (commlen > 0)
		comm[0] = '\0';
	if (realpath(dbfile, real) == NULL)
		return 0;
	snprintf(wal, sizeof(wal), "%s-wal", real);
	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while (found == 0 && (de = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end != '\0' ||
		    pid == self)
			continue;
		snprintf(fddir, sizeof(fddir), "/proc/%ld/fd", pid);
		if ((fds = opendir(fddir)) == NULL)
			continue;	/* gone, or not ours to look at */
		while ((fe = readdir(fds)) != NULL) {
			ssize_t n = readlinkat(dirfd(fds), fe->d_name, link,
			    sizeof(link) - 1);

			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, real) == 0 || strcmp(link, wal) == 0) {
				found = (pid_t)pid;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (found != 0 && commlen > 0) {
		char path[64];
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%ld/comm", (long)found);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			n = read(fd, comm, commlen - 1);
			comm[n > 0 ? n : 0] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
			close(fd);
		}
	}
	return found;
}

int
refuse_if_running(struct wsusctl *ctl, const char *what)
{
	char file[PATH_MAX], comm[64], *c;
	pid_t pid;

	if (config_sqlite_path(ctl->cfg.database_url, file, sizeof(file)) != 0)
		return EXIT_OK;
	if ((pid = db_in_use(file, comm, sizeof(comm))) == 0)
		return EXIT_OK;
	c = output_clean(comm);
	log_error("%s refused: %s (pid %ld) has the database %s open; stop "
	    "wsusd first (systemctl stop wsusd)", what, *c ? c : "a process",
	    (long)pid, file);
	free(c);
	return EXIT_FAIL;
}

static void
backup_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl backup FILE [--json]\n"
	    "  Copy the whole database (settings, catalogue, groups, approvals,\n"
	    "  computers, status) to FILE with SQLite's online backup: a\n"
	    "  consistent snapshot while wsusd keeps running.  FILE is written\n"
	    "  beside itself and renamed when complete, mode 0600 (it holds the\n"
	    "  cookie key).  The content directory is not included.\n");
}

static void
restore_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl restore FILE [--json]\n"
	    "       wsusctl restore --check FILE [--json]\n"
	    "  Replace the database by the backup FILE.  wsusd must be stopped\n"
	    "  (refused while any process has the database open).  FILE is\n"
	    "  checked first (SQLite integrity, a wsusd database, a schema this\n"
	    "  build knows), copied to a temporary file and renamed into place;\n"
	    "  the previous database is kept as DB.pre-restore-TIME.\n"
	    "  --check  only check FILE; change nothing\n");
}

static int
parse_simple(int argc, char **argv, struct wsusctl *ctl, bool *check,
    void (*usage)(FILE *))
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (check == NULL)
				goto bad;
			*check = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK + 100;
		default:
			goto bad;
		}
	}
	if (optind != argc - 1 || argv[optind][0] == '\0') {
		log_error("%s: one FILE expected", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
bad:
	bad_option(argv);
	usage(stderr);
	return EXIT_USAGE;
}

int
cmd_backup(struct wsusctl *ctl, int argc, char **argv)
{
	char err[1024];
	struct stat sb;
	int rc, version;

	if ((rc = parse_simple(argc, argv, ctl, NULL, backup_usage)) != -1)
		return rc == EXIT_OK + 100 ? EXIT_OK : rc;
	if (store_backup(ctl->cfg.database_url, argv[optind], &version, err,
	    sizeof(err)) == -1) {
		log_error("backup: %s", err);
		return EXIT_FAIL;
	}
	if (stat(argv[optind], &sb) == -1)
		sb.st_size = 0;
	if (ctl->json)
		output_json_put(json_pack("{s:s,s:i,s:I}", "file",
		    argv[optind], "schema_version", version, "bytes",
		    (json_int_t)sb.st_size));
	else if (!ctl->quiet) {
		char *f = output_clean(argv[optind]);

		printf("backup: wrote %s (schema version %d, %lld bytes)\n", f,
		    version, (long long)sb.st_size);
		free(f);
	}
	return EXIT_OK;
}

int
cmd_restore(struct wsusctl *ctl, int argc, char **argv)
{
	char err[1024], saved[PATH_MAX + 32], *f;
	const char *file;
	bool check = false;
	int rc, version, latest;

	if ((rc = parse_simple(argc, argv, ctl, &check, restore_usage)) != -1)
		return rc == EXIT_OK + 100 ? EXIT_OK : rc;
	file = argv[optind];
	if (store_backup_check(file, &version, &latest, err, sizeof(err)) ==
	    -1) {
		log_error("restore: %s", err);
		return EXIT_FAIL;
	}
	f = output_clean(file);
	if (check) {
		if (ctl->json)
			output_json_put(json_pack("{s:s,s:b,s:i,s:i}", "file",
			    file, "ok", 1, "schema_version", version,
			    "latest", latest));
		else if (!ctl->quiet)
			printf("restore: %s is a whole wsusd database, schema "
			    "version %d%s\n", f, version, version < latest ?
			    " (wsusctl postinstall migrates it after the "
			    "restore)" : "");
		free(f);
		return EXIT_OK;
	}
	if ((rc = refuse_if_running(ctl, "restore")) != EXIT_OK) {
		free(f);
		return rc;
	}
	if (store_restore(ctl->cfg.database_url, file, saved, sizeof(saved),
	    err, sizeof(err)) == -1) {
		log_error("restore: %s", err);
		free(f);
		return EXIT_FAIL;
	}
	if (ctl->json)
		output_json_put(json_pack("{s:s,s:i,s:o,s:b}", "file", file,
		    "schema_version", version, "saved", output_json_str(
		    *saved ? saved : NULL), "needs_postinstall",
		    version < latest));
	else if (!ctl->quiet) {
		printf("restore: database %s replaced by %s (schema version "
		    "%d)\n", ctl->cfg.database_url, f, version);
		if (*saved)
			printf("restore: the previous database is kept as %s\n",
			    saved);
		if (version < latest)
			printf("restore: run wsusctl postinstall to migrate it "
			    "to version %d\n", latest);
		printf("restore: `wsusctl content verify --repair` brings the "
		    "content flags in line with the content directory\n");
	}
	free(f);
	return EXIT_OK;
}
