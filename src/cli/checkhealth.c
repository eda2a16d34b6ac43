/*
 * checkhealth.c — `wsusctl checkhealth`: looks at everything the server
 * needs and reports each item as OK, WARN or FAIL with a reason.  It only
 * reads: a missing database is reported, not created.
 *
 * Items: config; database reachable; schema version current; settings
 * server_id and cookie_key; content_dir and state_dir (exist, directory,
 * writable by us, not world-writable); the TLS key and certificate of each
 * TLS listener (present, parseable, matching, not expired, not expiring
 * within 30 days, key not readable by others); secrets at rest (the
 * database with its -wal and -shm, each TLS key: FAIL when others may
 * read or write them, WARN when their group may or another user than the
 * owner of state_dir owns them); content files of approved updates
 * (present in the content directory).
 *
 * Exit status 0 when nothing FAILed, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "cli/postinstall.h"
#include "cli/wsusctl.h"
#include "content/content_store.h"
#include "content/verify.h"
#include "store/settings.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define TLS_WARN_DAYS	30
#define MISSING_SHOWN	5	/* missing files named in the message */

enum health { H_OK = 0, H_WARN = 1, H_FAIL = 2 };

static const char *const health_name[] = { "OK", "WARN", "FAIL" };
static const char *const health_json[] = { "ok", "warn", "fail" };

struct health_run {
	bool	 json, quiet;
	json_t	*checks;	/* JSON array */
	int	 n[3];		/* items per status */
};

static void item(struct health_run *, enum health, const char *, const char *,
    ...) __attribute__((format(printf, 4, 5)));

static void
item(struct health_run *hr, enum health h, const char *what, const char *fmt,
    ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hr->n[h]++;
	if (hr->json) {
		json_array_append_new(hr->checks, json_pack("{s:s, s:s, s:s}",
		    "check", what, "status", health_json[h], "message", msg));
		return;
	}
	if (hr->quiet && h == H_OK)
		return;
	printf("%-5s %s: %s\n", health_name[h], what, msg);
}

/* ---- secrets at rest ---- */

/*
 * The user the service runs as: the owner of state_dir (postinstall
 * creates it as that user); our own uid when state_dir is missing.
 */
static uid_t
service_uid(const struct config *cfg)
{
	struct stat sb;

	return stat(cfg->state_dir, &sb) == 0 ? sb.st_uid : geteuid();
}

/*
 * One file holding a secret: FAIL when others may read or write it, WARN
 * when its group may or when another user than the service's owns it.
 * Returns the verdict with the reason in why; H_OK with why empty when
 * the file is absent and may be (the -wal and -shm of a closed store).
 */
static enum health
secret_file(const char *path, uid_t uid, bool must_exist, char *why,
    size_t whylen)
{
	struct stat sb;

	*why = '\0';
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT && !must_exist)
			return H_OK;
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return H_FAIL;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", path);
		return H_FAIL;
	}
	if (sb.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(why, whylen, "%s is readable or writable by everyone "
		    "(mode %04o; chmod 600 it)", path,
		    (unsigned)(sb.st_mode & 07777));
		return H_FAIL;
	}
	if (sb.st_mode & (S_IRGRP | S_IWGRP)) {
		snprintf(why, whylen, "%s is readable or writable by its group "
		    "(mode %04o; chmod 600 it)", path,
		    (unsigned)(sb.st_mode & 07777));
		return H_WARN;
	}
	if (sb.st_uid != uid) {
		snprintf(why, whylen, "%s is owned by uid %u, the service "
		    "(owner of state_dir) is uid %u", path,
		    (unsigned)sb.st_uid, (unsigned)uid);
		return H_WARN;
	}
	snprintf(why, whylen, "%s (mode %04o, uid %u)", path,
	    (unsigned)(sb.st_mode & 07777), (unsigned)sb.st_uid);
	return H_OK;
}

/* Item "secret NAME" for files[0..n): the worst verdict and its reason. */
static void
check_secret(struct health_run *hr, const struct config *cfg,
    const char *name, const char *const *files, const bool *must, size_t n)
{
	char what[PATH_MAX + 32], why[PATH_MAX + 128];
	char worst[PATH_MAX + 128] = "";
	enum health h, w = H_OK;
	uid_t uid = service_uid(cfg);

	snprintf(what, sizeof(what), "secret %s", name);
	for (size_t i = 0; i < n; i++) {
		h = secret_file(files[i], uid, must[i], why, sizeof(why));
		if (h > w || (h == w && *worst == '\0')) {
			w = h;
			snprintf(worst, sizeof(worst), "%s", why);
		}
	}
	item(hr, w, what, "%s", worst);
}

/* The database (it holds the cookie key) with its -wal and -shm. */
static void
check_secret_database(struct health_run *hr, const struct config *cfg)
{
	char db[PATH_MAX], wal[PATH_MAX + 8], shm[PATH_MAX + 8];
	const char *files[] = { db, wal, shm };
	const bool must[] = { true, false, false };

	if (config_sqlite_path(cfg->database_url, db, sizeof(db)) != 0)
		return;
	snprintf(wal, sizeof(wal), "%s-wal", db);
	snprintf(shm, sizeof(shm), "%s-shm", db);
	check_secret(hr, cfg, "database", files, must, 3);
}

/* Every distinct TLS private key of a TLS listener. */
static void
check_secret_tls_keys(struct health_run *hr, const struct config *cfg)
{
	const char *seen[CONFIG_MAX_LISTENERS];
	size_t nseen = 0;
	const bool must[] = { true };

	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		const char *key = l->tls_key ? l->tls_key : cfg->tls_key;
		char name[PATH_MAX + 16];
		size_t j;

		if (!l->tls || key == NULL)
			continue;
		for (j = 0; j < nseen && strcmp(seen[j], key) != 0; j++)
			;
		if (j < nseen)
			continue;
		seen[nseen++] = key;
		snprintf(name, sizeof(name), "tls key %s", key);
		check_secret(hr, cfg, name, &key, must, 1);
	}
}

/* The key of this server's client certificate towards its upstream
 * (setting sync_client_key of `wsusctl sync configure`), when set. */
static void
check_secret_sync_key(struct health_run *hr, struct store *st,
    const struct config *cfg)
{
	const bool must[] = { true };
	char *key = NULL, name[PATH_MAX + 32];
	const char *k;

	if (store_setting_str(st, SETTING_SYNC_CLIENT_KEY, &key) != STORE_OK ||
	    key == NULL || key[0] == '\0') {
		free(key);
		return;
	}
	k = key;
	snprintf(name, sizeof(name), "sync client key %s", key);
	check_secret(hr, cfg, name, &k, must, 1);
	free(key);
}

/* ---- directories ---- */

static void
check_dir(struct health_run *hr, const char *what, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		item(hr, H_FAIL, what, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (run wsusctl postinstall)" : "");
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		item(hr, H_FAIL, what, "%s is not a directory", path);
		return;
	}
	if (access(path, R_OK | W_OK | X_OK) == -1) {
		item(hr, H_FAIL, what, "%s is not writable by uid %u: %s", path,
		    (unsigned)geteuid(), strerror(errno));
		return;
	}
	if (sb.st_mode & S_IWOTH) {
		item(hr, H_FAIL, what, "%s is world-writable (mode %04o)", path,
		    (unsigned)(sb.st_mode & 07777));
		return;
	}
	item(hr, H_OK, what, "%s (mode %04o)", path,
	    (unsigned)(sb.st_mode & 07777));
}

/* ---- TLS ---- */

static void
asn1_time_text(const ASN1_TIME *t, char *out, size_t outlen)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(out, outlen, "?");
}

static void
check_tls_pair(struct health_run *hr, const char *users, const char *cert,
    const char *key)
{
	char what[128], err[1024], until[64];
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	struct stat sb;
	int days = 0, secs = 0;

	snprintf(what, sizeof(what), "tls %s", users);
	if (admin_tls_load_cert(cert, &x, err, sizeof(err)) == -1) {
		item(hr, H_FAIL, what, "certificate: %s%s", err,
		    access(cert, F_OK) == -1 ? " (run wsusctl postinstall)" :
		    "");
		goto out;
	}
	if (stat(key, &sb) == 0 && (sb.st_mode & (S_IROTH | S_IWOTH))) {
		item(hr, H_FAIL, what, "key %s is readable or writable by "
		    "everyone (mode %04o)", key, (unsigned)(sb.st_mode & 07777));
		goto out;
	}
	if (admin_tls_load_key(key, &pkey, err, sizeof(err)) == -1) {
		item(hr, H_FAIL, what, "key: %s", err);
		goto out;
	}
	if (X509_check_private_key(x, pkey) != 1) {
		ERR_clear_error();
		item(hr, H_FAIL, what, "key %s does not match certificate %s",
		    key, cert);
		goto out;
	}
	asn1_time_text(X509_get0_notAfter(x), until, sizeof(until));
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) != 1) {
		item(hr, H_FAIL, what, "certificate %s: bad expiry time", cert);
		goto out;
	}
	if (days < 0 || secs < 0 || (days == 0 && secs == 0)) {
		item(hr, H_FAIL, what, "certificate %s expired on %s", cert,
		    until);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
		char from[64];
		asn1_time_text(X509_get0_notBefore(x), from, sizeof(from));
		item(hr, H_WARN, what, "certificate %s is not valid before %s",
		    cert, from);
		goto out;
	}
	if (days < TLS_WARN_DAYS) {
		item(hr, H_WARN, what, "certificate %s expires in %d day%s "
		    "(%s)", cert, days, days == 1 ? "" : "s", until);
		goto out;
	}
	item(hr, H_OK, what, "%s valid until %s, key matches", cert, until);
out:
	EVP_PKEY_free(pkey);
	X509_free(x);
}

static void
check_tls(struct health_run *hr, const struct config *cfg)
{
	bool any = false;
	bool done[CONFIG_MAX_LISTENERS] = { false };

	/* one item per distinct certificate, naming the listeners using it */
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		const char *cert, *key;
		char users[96] = "";
		size_t n = 0;

		if (!l->tls || done[i])
			continue;
		any = true;
		cert = l->tls_certificate ? l->tls_certificate :
		    cfg->tls_certificate;
		key = l->tls_key ? l->tls_key : cfg->tls_key;
		for (size_t j = i; j < cfg->nlisteners; j++) {
			const struct config_listener *o = &cfg->listeners[j];
			const char *oc = o->tls_certificate ?
			    o->tls_certificate : cfg->tls_certificate;
			if (!o->tls || done[j] || strcmp(oc, cert) != 0)
				continue;
			done[j] = true;
			n += (size_t)snprintf(users + n, n < sizeof(users) ?
			    sizeof(users) - n : 0, "%s%s", n ? "," : "[listener ",
			    o->name);
			if (n >= sizeof(users))
				n = sizeof(users) - 1;
		}
		if (n + 2 <= sizeof(users))
			snprintf(users + n, sizeof(users) - n, "]");
		check_tls_pair(hr, users, cert, key);
	}
	if (!any)
		item(hr, H_OK, "tls", "no TLS listener configured");
}

/* ---- content ---- */

struct content_scan {
	const char *dir;
	bool	 hash;			/* --content: hash every present file */
	size_t	 hashed;
	size_t	 total;
	size_t	 pending;		/* not imported yet */
	size_t	 lost;			/* marked present, absent or wrong size */
	char	 pending_names[MISSING_SHOWN][64];
	char	 lost_names[MISSING_SHOWN][64];
};

static int
content_cb(const struct store_file *f, void *arg)
{
	struct content_scan *cs = arg;
	char rel[64], path[PATH_MAX];
	struct stat sb;
	bool ok;

	cs->total++;
	if (content_relpath(f->sha1, f->name, rel, sizeof(rel)) == -1)
		snprintf(rel, sizeof(rel), "?");
	snprintf(path, sizeof(path), "%s/%s", cs->dir, rel);
	ok = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (f->size == 0 || (uint64_t)sb.st_size == f->size);
	if (ok && cs->hash) {
		char err[256];

		cs->hashed++;
		ok = content_verify(cs->dir, f->sha1, f->has_sha256 ?
		    f->sha256 : NULL, f->size == 0 ? UINT64_MAX : f->size,
		    f->name, err, sizeof(err)) == CONTENT_GOOD;
	}
	if (ok)
		return 0;
	if (f->present || stat(path, &sb) == 0) {
		if (cs->lost < MISSING_SHOWN)
			snprintf(cs->lost_names[cs->lost], 64, "%s", rel);
		cs->lost++;
	} else {
		if (cs->pending < MISSING_SHOWN)
			snprintf(cs->pending_names[cs->pending], 64, "%s", rel);
		cs->pending++;
	}
	return 0;
}

static void
names_text(char out[512], char names[][64], size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && i < MISSING_SHOWN; i++) {
		int w = snprintf(out + len, 512 - len, "%s%s", i ? ", " : "",
		    names[i]);
		if (w < 0 || (size_t)w >= 512 - len)
			break;
		len += (size_t)w;
	}
	if (n > MISSING_SHOWN && len + 6 < 512)
		snprintf(out + len, 512 - len, ", ...");
}

static void
check_content(struct health_run *hr, struct store *st, const char *dir,
    bool hash)
{
	struct content_scan cs = { .dir = dir, .hash = hash };
	char names[512];

	if (store_file_list(st, true, content_cb, &cs) != STORE_OK) {
		item(hr, H_FAIL, "content", "cannot list files: %s",
		    store_errmsg(st));
		return;
	}
	if (cs.lost > 0) {
		names_text(names, cs.lost_names, cs.lost);
		item(hr, H_FAIL, "content", "%zu of %zu files of approved "
		    "updates are missing or damaged in %s although imported: %s",
		    cs.lost, cs.total, dir, names);
	}
	if (cs.pending > 0) {
		names_text(names, cs.pending_names, cs.pending);
		item(hr, H_WARN, "content", "%zu of %zu files of approved "
		    "updates are not imported yet (wsusctl import-content): %s",
		    cs.pending, cs.total, names);
	}
	if (cs.lost == 0 && cs.pending == 0)
		item(hr, H_OK, "content", "all %zu files of approved updates "
		    "present%s", cs.total, hash ? ", every hash verified" :
		    " (sizes checked; --content hashes them)");
}

/* ---- database ---- */

/* server_id or cookie_key, read through the registry (store/settings.h),
 * with checkhealth's own words for what is wrong. */
static void
check_setting(struct health_run *hr, struct store *st, const char *key)
{
	char what[64], *v = NULL;
	bool guid = strcmp(key, SETTING_SERVER_ID) == 0;
	int rc;

	snprintf(what, sizeof(what), "setting %s", key);
	rc = store_setting_str(st, key, &v);
	if (rc == STORE_NOTFOUND)
		item(hr, H_FAIL, what, "missing (run wsusctl postinstall)");
	else if (rc == STORE_INVALID)
		item(hr, H_FAIL, what, guid ? "not a GUID" :
		    "not 64 hex digits");
	else if (rc != STORE_OK)
		item(hr, H_FAIL, what, "%s", store_errmsg(st));
	else if (guid)
		item(hr, H_OK, what, "%s", v);
	else
		item(hr, H_OK, what, "present, 256 bits");
	if (v != NULL) {
		explicit_bzero(v, strlen(v));
		free(v);
	}
}

/* Open the store without creating anything; NULL when it cannot be. */
static struct store *
check_database(struct health_run *hr, struct wsusctl *ctl)
{
	const char *url = ctl->cfg.database_url;
	char file[PATH_MAX], err[512];
	struct store *st;

	if (ctl->store != NULL) {
		item(hr, H_OK, "database", "%s", url);
		return ctl->store;
	}
	if (config_sqlite_path(url, file, sizeof(file)) == 0) {
		struct stat sb;
		if (stat(file, &sb) == -1) {
			item(hr, H_FAIL, "database", "%s: %s%s", file,
			    strerror(errno), errno == ENOENT ?
			    " (run wsusctl postinstall)" : "");
			return NULL;
		}
		if (!S_ISREG(sb.st_mode)) {
			item(hr, H_FAIL, "database", "%s is not a file", file);
			return NULL;
		}
	}
	if (store_open(url, &st, err, sizeof(err)) != STORE_OK) {
		item(hr, H_FAIL, "database", "%s: %s", url, err);
		return NULL;
	}
	ctl->store = st;
	item(hr, H_OK, "database", "%s", url);
	return st;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl [-c FILE] checkhealth [--content] [--json] [-q]\n"
	    "\n"
	    "Check the configuration, database, schema, settings, directories,\n"
	    "TLS certificates and the content of approved updates; print each\n"
	    "item as OK, WARN or FAIL with its reason (-q: only WARN and FAIL).\n"
	    "Changes nothing.  Content files are checked by size; --content\n"
	    "hashes them (SHA-1, SHA-256) as `wsusctl content verify` does.\n"
	    "\n"
	    "  --content    hash the content files of approved updates\n"
	    "  --json       print the items as JSON\n"
	    "  -q, --quiet  print only WARN and FAIL items and the summary\n"
	    "  -h, --help   this help\n"
	    "\n"
	    "Exit status: 0 no FAIL, 1 some FAIL, 2 usage error.\n");
}

int
cmd_checkhealth(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "content", no_argument, NULL, 'C' },
		{ "full", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	bool hash = false;
	struct health_run hr = { .json = ctl->json, .quiet = ctl->quiet };
	const struct config *cfg = &ctl->cfg;
	struct store *st;
	bool schema_ok = false;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hq", opts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (ch == 'C') {
			hash = true;
			continue;
		}
		if (ch == 'j' || ch == 'q') {
			hr.json |= ch == 'j';
			hr.quiet |= ch == 'q';
			continue;
		}
		log_error("checkhealth: unknown option: %s", argv[optind - 1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		log_error("checkhealth: unexpected argument: %s", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (hr.json)
		hr.checks = json_array();

	if (cfg->path != NULL)
		item(&hr, H_OK, "config", "%s is valid", cfg->path);
	else
		item(&hr, H_OK, "config", "built-in defaults (%s not found)",
		    ctl->config_path ? ctl->config_path : "no file");

	if ((st = check_database(&hr, ctl)) != NULL) {
		int cur = 0, latest = 0;
		if (store_schema_version(st, &cur, &latest) != STORE_OK)
			item(&hr, H_FAIL, "schema", "%s", store_errmsg(st));
		else if (cur < latest)
			item(&hr, H_FAIL, "schema", "version %d, this build "
			    "needs %d (run wsusctl postinstall)", cur, latest);
		else if (cur > latest)
			item(&hr, H_FAIL, "schema", "version %d is newer than "
			    "this build knows (%d): upgrade wsusd", cur, latest);
		else {
			schema_ok = true;
			item(&hr, H_OK, "schema", "version %d (current)", cur);
			check_setting(&hr, st, SETTING_SERVER_ID);
			check_setting(&hr, st, SETTING_COOKIE_KEY);
		}
	}
	check_dir(&hr, "content_dir", cfg->content_dir);
	check_dir(&hr, "state_dir", cfg->state_dir);
	check_secret_database(&hr, cfg);
	check_tls(&hr, cfg);
	check_secret_tls_keys(&hr, cfg);
	if (schema_ok)
		check_secret_sync_key(&hr, st, cfg);
	if (schema_ok)
		check_content(&hr, st, cfg->content_dir, hash);

	if (hr.json) {
		const char *status = hr.n[H_FAIL] ? "fail" : hr.n[H_WARN] ?
		    "warn" : "ok";
		json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:o}", "status",
		    status, "ok", hr.n[H_OK], "warn", hr.n[H_WARN], "fail",
		    hr.n[H_FAIL], "checks", hr.checks);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else
		printf("checkhealth: %d OK, %d WARN, %d FAIL\n", hr.n[H_OK],
		    hr.n[H_WARN], hr.n[H_FAIL]);
	fflush(stdout);
	return hr.n[H_FAIL] ? EXIT_FAIL : EXIT_OK;
}
