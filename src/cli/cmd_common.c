/*
 * cmd_common.c — naming updates and groups, deadlines and store errors
 * for the wsusctl commands (see cmd_common.h), and the store every
 * command opens through wsusctl_store() (see wsusctl.h).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "util/date.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define UPD_RESOLVE_MAX	10000	/* updates one KB may name */

struct store *
wsusctl_store(struct wsusctl *ctl)
{
	const char *url = ctl->cfg.database_url;
	char err[512], file[4096];
	struct stat sb;
	int cur, latest;

	if (ctl->store != NULL)
		return ctl->store;
	/* never create an empty database as a side effect of a query */
	if (config_sqlite_path(url, file, sizeof(file)) == 0 &&
	    stat(file, &sb) == -1) {
		log_error("database %s: %s%s", file, strerror(errno),
		    errno == ENOENT ? " (run wsusctl postinstall)" : "");
		return NULL;
	}
	if (store_open(url, &ctl->store, err, sizeof(err)) != STORE_OK) {
		ctl->store = NULL;
		log_error("database %s: %s", url, err);
		return NULL;
	}
	if (store_schema_version(ctl->store, &cur, &latest) != STORE_OK) {
		log_error("database %s: %s", url, store_errmsg(ctl->store));
		goto fail;
	}
	if (cur < latest) {
		log_error("database %s: schema version %d, this wsusctl needs "
		    "%d (run wsusctl postinstall)", url, cur, latest);
		goto fail;
	}
	if (cur > latest) {
		log_error("database %s: schema version %d is newer than this "
		    "wsusctl knows (%d)", url, cur, latest);
		goto fail;
	}
	return ctl->store;
fail:
	store_close(ctl->store);
	ctl->store = NULL;
	return NULL;
}

int
kb_parse(const char *arg, char out[KB_MAX_DIGITS + 1])
{
	size_t n;

	if (strncasecmp(arg, "KB", 2) == 0)
		arg += 2;
	n = strlen(arg);
	if (n == 0 || n > KB_MAX_DIGITS)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)arg[i]))
			return -1;
	memcpy(out, arg, n + 1);
	return 0;
}

struct resolve_ctx {
	struct upd_match *m;
	size_t		  n;
	size_t		  cap;
	bool		  overflow;
};

static int
resolve_cb(const struct store_update_row *row, void *arg)
{
	struct resolve_ctx *rc = arg;
	struct upd_match *m;

	for (size_t i = 0; i < rc->n; i++)
		if (strcmp(rc->m[i].update_id, row->update_id) == 0)
			return 0;
	if (rc->n >= UPD_RESOLVE_MAX) {
		rc->overflow = true;
		return 0;
	}
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? rc->cap * 2 : 8;
		rc->m = xreallocarray(rc->m, rc->cap, sizeof(*rc->m));
	}
	m = &rc->m[rc->n++];
	memset(m, 0, sizeof(*m));
	snprintf(m->update_id, sizeof(m->update_id), "%s", row->update_id);
	m->revision = row->revision;
	m->revision_id = row->revision_id;
	m->type = row->type;
	m->declined = row->declined;
	m->title = xstrdup(row->title ? row->title : "");
	m->kb = row->kb_article_id && *row->kb_article_id ?
	    xstrdup(row->kb_article_id) : NULL;
	return 0;
}

int
upd_resolve(struct store *st, const char *arg, struct upd_match **out,
    size_t *n)
{
	struct store_update_filter f;
	struct resolve_ctx rc;
	char guid[GUID_STRLEN + 1], kb[KB_MAX_DIGITS + 1];
	int r;

	*out = NULL;
	*n = 0;
	memset(&f, 0, sizeof(f));
	memset(&rc, 0, sizeof(rc));
	f.type = -1;
	f.approval = APPROVAL_FILTER_ANY;
	if (guid_normalize(arg, guid) == 0)
		f.update_id = guid;
	else if (kb_parse(arg, kb) == 0)
		f.kb = kb;
	else {
		log_error("'%s' is neither an UpdateID nor a KB number", arg);
		return EXIT_USAGE;
	}
	r = store_update_list(st, &f, resolve_cb, &rc);
	if (r != STORE_OK) {
		upd_matches_free(rc.m, rc.n);
		return store_fail(st, r, "listing updates");
	}
	if (rc.n == 0) {
		if (f.update_id)
			log_error("no update with UpdateID %s", guid);
		else
			log_error("no update with KB%s", kb);
		return EXIT_NOTFOUND;
	}
	if (rc.overflow)
		log_warnx("KB%s names more than %d updates; only the first are used",
		    kb, UPD_RESOLVE_MAX);
	*out = rc.m;
	*n = rc.n;
	return EXIT_OK;
}

void
upd_matches_free(struct upd_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].title);
		free(m[i].kb);
	}
	free(m);
}

void
upd_print_ambiguous(const char *arg, const struct upd_match *m, size_t n,
    bool all_ok)
{
	log_error("%s names %zu updates; give an UpdateID%s:", arg, n,
	    all_ok ? " or --all" : "");
	for (size_t i = 0; i < n; i++) {
		char *t = output_clean(m[i].title);
		log_error("  %s  %s", m[i].update_id, t);
		free(t);
	}
}

int
group_resolve(struct store *st, const char *arg, int64_t *id)
{
	char guid[GUID_STRLEN + 1], *clean;
	int rc;

	/* GUIDs are compared in canonical form */
	rc = store_group_find(st, guid_normalize(arg, guid) == 0 ? guid : arg, id);
	if (rc == STORE_OK)
		return EXIT_OK;
	clean = output_clean(arg);
	if (rc == STORE_NOTFOUND) {
		log_error("no computer group named '%s'", clean);
		free(clean);
		return EXIT_NOTFOUND;
	}
	free(clean);
	return store_fail(st, rc, "finding the group");
}

int
resolve_status(struct store *st, int rc, const char *what)
{
	if (rc == STORE_OK)
		return EXIT_OK;
	if (rc == STORE_INVALID) {
		log_error("%s", store_errmsg(st));
		return EXIT_USAGE;
	}
	return store_fail(st, rc, what);
}

int
computer_resolve(struct store *st, const char *arg, int64_t *id)
{
	return resolve_status(st, store_computer_find(st, arg, id),
	    "finding the computer");
}

static int
parse_num(const char **sp, int digits, int lo, int hi, int *out)
{
	int v = 0;

	for (int i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)(*sp)[i]))
			return -1;
		v = v * 10 + ((*sp)[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*sp += digits;
	*out = v;
	return 0;
}

int
deadline_parse(const char *s, int64_t *t)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	bool utc = false;
	time_t r;

	if (parse_num(&s, 4, 1970, 9999, &y) || *s++ != '-' ||
	    parse_num(&s, 2, 1, 12, &mo) || *s++ != '-' ||
	    parse_num(&s, 2, 1, 31, &d))
		return -1;
	if ((unsigned)d > date_month_days(y, (unsigned)mo))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (parse_num(&s, 2, 0, 23, &h) || *s++ != ':' ||
		    parse_num(&s, 2, 0, 59, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (parse_num(&s, 2, 0, 59, &sec))
				return -1;
		}
	}
	if (*s == 'Z' || *s == 'z') {
		utc = true;
		s++;
	}
	if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	r = utc ? timegm(&tm) : mktime(&tm);
	if (r == (time_t)-1 || r <= 0)
		return -1;
	*t = (int64_t)r;
	return 0;
}

int64_t
deadline_now(void)
{
	const char *s = getenv("WSUSCTL_TEST_NOW");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}

int
store_fail(struct store *st, int rc, const char *what)
{
	const char *msg = store_errmsg(st);

	if (msg == NULL || *msg == '\0')
		msg = store_rc_name(rc);
	log_error("%s: %s", what, msg);
	return rc == STORE_NOTFOUND ? EXIT_NOTFOUND : EXIT_FAIL;
}

int
parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	*out = (size_t)v;
	return 0;
}

int
subcommand_split(int argc, char **argv, const char **sub, char ***base)
{
	if (argc > 1 && argv[1][0] != '-') {
		*sub = argv[1];
		*base = argv + 1;
		return argc - 1;
	}
	*base = argv;
	return argc;
}

void
bad_option(char **argv)
{
	char *c = output_clean(optind > 0 ? argv[optind - 1] : "?");

	log_error("%s: unknown option or missing value: %s", argv[0], c);
	free(c);
}

const char *
admin_name(void)
{
	static char name[64];
	const char *s = getenv("SUDO_USER");
	struct passwd *pw;

	if (s == NULL || *s == '\0') {
		if ((pw = getpwuid(getuid())) != NULL)
			s = pw->pw_name;
	}
	if (s != NULL && *s != '\0') {
		char *c = output_clean(s);
		snprintf(name, sizeof(name), "%s", c);
		free(c);
	} else
		snprintf(name, sizeof(name), "%lu", (unsigned long)getuid());
	return name;
}

int
update_type_parse(const char *s)
{
	static const char *const names[] = { "software", "driver", "category",
	    "detectoid" };

	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
approval_action_parse(const char *s)
{
	if (strcasecmp(s, "install") == 0)
		return APPROVAL_INSTALL;
	if (strcasecmp(s, "uninstall") == 0)
		return APPROVAL_UNINSTALL;
	if (strcasecmp(s, "notapproved") == 0 || strcasecmp(s, "block") == 0)
		return APPROVAL_NOT_APPROVED;
	return -1;
}

const char *
approval_action_name(enum approval_action a)
{
	switch (a) {
	case APPROVAL_INSTALL:
		return "Install";
	case APPROVAL_UNINSTALL:
		return "Uninstall";
	case APPROVAL_NOT_APPROVED:
		return "NotApproved";
	}
	return "?";
}

int
replica_refuse(struct store *st, const char *what, bool force)
{
	struct store_sync_state ss;
	int rc = EXIT_OK;

	if (store_sync_state_get(st, &ss) != STORE_OK)
		return store_fail(st, STORE_ERROR, "reading the sync state");
	if (ss.replica_of != NULL) {
		char *u = output_clean(ss.replica_of);

		if (force)
			log_warnx("%s on a replica of %s: the next replica "
			    "sync undoes it", what, u);
		else {
			log_error("%s refused: this server is a replica of %s; "
			    "approvals, declines and groups are made there "
			    "(--force makes the change here until the next "
			    "replica sync undoes it)", what, u);
			rc = EXIT_FAIL;
		}
		free(u);
	}
	store_sync_state_free(&ss);
	return rc;
}
