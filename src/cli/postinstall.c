/*
 * postinstall.c — `wsusctl postinstall`: what `wsusutil postinstall` does
 * for a WSUS server.  Creates the state and content directories and the
 * database, brings the schema to the newest version, initialises the
 * server's settings (server_id, cookie_key, created) and, when needed, a
 * self-signed TLS key and certificate.
 *
 * Every step first looks at what is there and only adds what is missing,
 * so a second run changes nothing and a run that stopped half-way (key
 * written but no certificate, schema not yet migrated, settings missing)
 * is completed.  Nothing existing is ever overwritten.
 *
 * TLS: a key/certificate pair is created when its certificate file does
 * not exist and either a TLS listener uses the pair or the pair is the
 * default one (<state_dir>/tls/wsusd.crt and .key), so that enabling an
 * HTTPS listener later just works.  A pair at a path the administrator
 * chose and no TLS listener uses is left alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "cli/postinstall.h"
#include "cli/wsusctl.h"
#include "store/settings.h"
#include "util/fsutil.h"
#include "util/guid.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define DIR_MODE	0750
#define KEY_MODE	0600
#define CERT_MODE	0644

/* ---- settings formats ---- */

bool
admin_guid_valid(const char *s)
{
	return s != NULL && guid_valid(s, strlen(s), 0);
}

bool
admin_hexkey_valid(const char *s, size_t nbytes)
{
	uint8_t tmp[64];

	if (s == NULL || nbytes > sizeof(tmp) || strlen(s) != 2 * nbytes)
		return false;
	return hex_decode(s, tmp, nbytes) == 0;
}

/* ---- TLS ---- */

static void
ssl_error(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", what, buf);
	} else
		snprintf(err, errlen, "%s", what);
	ERR_clear_error();
}

static BIO *
pem_open(const char *path, char *err, size_t errlen)
{
	char *data;
	size_t len;
	BIO *bio;

	if (read_file(path, POSTINSTALL_PEM_MAX, &data, &len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* BIO_new_mem_buf does not copy: copy into a memory BIO */
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    BIO_write(bio, data, (int)len) != (int)len) {
		BIO_free(bio);
		free(data);
		ssl_error(err, errlen, "out of memory");
		return NULL;
	}
	OPENSSL_cleanse(data, len);
	free(data);
	return bio;
}

/* After a PEM read from path: 0 when it gave something (ok), else -1
 * with "path: what" and the OpenSSL reason in err. */
static int
pem_loaded(bool ok, const char *path, const char *what, char *err,
    size_t errlen)
{
	char msg[PATH_MAX + 64];

	if (ok)
		return 0;
	snprintf(msg, sizeof(msg), "%s: %s", path, what);
	ssl_error(err, errlen, msg);
	return -1;
}

int
admin_tls_load_key(const char *path, EVP_PKEY **out, char *err, size_t errlen)
{
	BIO *bio;

	if ((bio = pem_open(path, err, errlen)) == NULL)
		return -1;
	*out = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return pem_loaded(*out != NULL, path, "not a PEM private key", err, errlen);
}

int
admin_tls_load_cert(const char *path, X509 **out, char *err, size_t errlen)
{
	BIO *bio;

	if ((bio = pem_open(path, err, errlen)) == NULL)
		return -1;
	*out = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return pem_loaded(*out != NULL, path, "not a PEM certificate", err, errlen);
}

/* Write what a PEM writer produced into path, atomically. */
static int
bio_save(BIO *bio, const char *path, mode_t mode, char *err, size_t errlen)
{
	char *data;
	long len = BIO_get_mem_data(bio, &data);
	char dir[PATH_MAX];
	char *slash;

	if (len <= 0) {
		ssl_error(err, errlen, "PEM encoding failed");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir_p(dir, DIR_MODE) == -1) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (write_file_atomic(path, data, (size_t)len, mode) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int r;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	r = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return r == 1 ? 0 : -1;
}

static bool
is_ip_literal(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static X509 *
make_cert(EVP_PKEY *pkey, const char *name, char *err, size_t errlen)
{
	X509 *x = NULL;
	BIGNUM *bn = NULL;
	X509_NAME *subj;
	char san[600];

	if ((x = X509_new()) == NULL || X509_set_version(x, 2) != 1)
		goto fail;
	/* a random positive 127-bit serial */
	if ((bn = BN_new()) == NULL ||
	    BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto fail;
	/* five minutes back for clocks that lag behind */
	if (X509_gmtime_adj(X509_getm_notBefore(x), -300) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), POSTINSTALL_CERT_DAYS, 0,
	    NULL) == NULL)
		goto fail;
	if (X509_set_pubkey(x, pkey) != 1)
		goto fail;
	subj = X509_get_subject_name(x);
	if (strlen(name) <= 64 && X509_NAME_add_entry_by_txt(subj, "CN",
	    MBSTRING_UTF8, (const unsigned char *)name, -1, -1, 0) != 1)
		goto fail;
	if (X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_UTF8,
	    (const unsigned char *)"wsusd self-signed", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, subj) != 1)
		goto fail;
	if (strcmp(name, "127.0.0.1") == 0)
		snprintf(san, sizeof(san), "IP:127.0.0.1");
	else
		snprintf(san, sizeof(san), "%s:%s,IP:127.0.0.1",
		    is_ip_literal(name) ? "IP" : "DNS", name);
	if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(x, NID_key_usage,
	    "critical,digitalSignature,keyEncipherment") == -1 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") == -1 ||
	    add_ext(x, NID_subject_key_identifier, "hash") == -1 ||
	    add_ext(x, NID_subject_alt_name, san) == -1)
		goto fail;
	if (X509_sign(x, pkey, EVP_sha256()) <= 0)
		goto fail;
	BN_free(bn);
	return x;
fail:
	ssl_error(err, errlen, "cannot build the certificate");
	BN_free(bn);
	X509_free(x);
	return NULL;
}

static bool
file_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

int
admin_tls_ensure(const char *cert_path, const char *key_path, const char *name,
    bool *key_created, bool *cert_created, char *err, size_t errlen)
{
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	BIO *bio = NULL;
	int rc = -1;

	*key_created = *cert_created = false;
	if (file_exists(cert_path)) {
		if (!file_exists(key_path)) {
			snprintf(err, errlen, "certificate %s exists but its key "
			    "%s does not; move the certificate away to have a "
			    "new pair created", cert_path, key_path);
			return -1;
		}
		return 0;
	}
	if (file_exists(key_path)) {
		/* an earlier run stopped after the key: reuse it */
		if (admin_tls_load_key(key_path, &pkey, err, errlen) == -1)
			return -1;
	} else {
		if ((pkey = EVP_RSA_gen(POSTINSTALL_RSA_BITS)) == NULL) {
			ssl_error(err, errlen, "RSA key generation failed");
			return -1;
		}
		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
		    NULL) != 1) {
			ssl_error(err, errlen, "cannot encode the key");
			goto out;
		}
		/* the key first: a crash before the certificate is completed
		 * by the next run */
		if (bio_save(bio, key_path, KEY_MODE, err, errlen) == -1)
			goto out;
		*key_created = true;
		BIO_free(bio);
		bio = NULL;
	}
	if ((x = make_cert(pkey, name, err, errlen)) == NULL)
		goto out;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, x) != 1) {
		ssl_error(err, errlen, "cannot encode the certificate");
		goto out;
	}
	if (bio_save(bio, cert_path, CERT_MODE, err, errlen) == -1)
		goto out;
	*cert_created = true;
	rc = 0;
out:
	BIO_free(bio);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}

/* ---- the command ---- */

struct run {
	bool	 json, quiet;
	json_t	*items;		/* JSON array of steps */
	int	 created, kept, failed;
};

/*
 * One step's outcome.  action: "created", "kept", "migrated", "secured"
 * (permissions tightened), "failed".
 * Text output: "ACTION    WHAT DETAIL".
 */
static void report(struct run *, const char *, const char *, const char *,
    const char *, ...) __attribute__((format(printf, 5, 6)));

static void
report(struct run *r, const char *action, const char *item, const char *value,
    const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (strcmp(action, "failed") == 0)
		r->failed++;
	else if (strcmp(action, "kept") == 0)
		r->kept++;
	else
		r->created++;
	if (strcmp(action, "failed") == 0) {
		fflush(stdout);		/* keep the order of the lines */
		log_error("postinstall: %s%s%s: %s", item, value ? " " : "",
		    value ? value : "", detail);
	}
	if (r->json) {
		json_t *o = json_pack("{s:s, s:s}", "item", item, "action",
		    action);
		if (value != NULL)
			json_object_set_new(o, "value", json_string(value));
		if (detail[0] != '\0')
			json_object_set_new(o, "detail", json_string(detail));
		json_array_append_new(r->items, o);
		return;
	}
	if (r->quiet || strcmp(action, "failed") == 0)
		return;
	printf("%-9s %s%s%s%s%s\n", action, item, value ? " " : "",
	    value ? value : "", detail[0] ? " " : "", detail);
}

static int
ensure_dir(struct run *r, const char *item, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			report(r, "failed", item, path, "exists and is not a "
			    "directory");
			return -1;
		}
		report(r, "kept", item, path, "(already there)");
		return 0;
	}
	if (errno != ENOENT || mkdir_p(path, DIR_MODE) == -1) {
		report(r, "failed", item, path, "%s", strerror(errno));
		return -1;
	}
	report(r, "created", item, path, "(mode %04o)", DIR_MODE);
	return 0;
}

static void
iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
init_setting(struct run *r, struct store *st, const char *key,
    const char *value, bool secret)
{
	char item[64], err[256];
	char *have = NULL;
	bool created = false;
	int rc;

	snprintf(item, sizeof(item), "setting %s", key);
	/* a value the registry (store/settings.h) would refuse to read is
	 * never written; ours are generated to fit */
	if (store_setting_check(key, value, err, sizeof(err)) != 0) {
		report(r, "failed", item, NULL, "%s", err);
		return;
	}
	if ((rc = store_setting_init(st, key, value, &created)) != STORE_OK) {
		report(r, "failed", item, NULL, "%s", store_errmsg(st));
		return;
	}
	if (created) {
		report(r, "created", item, secret ? NULL : value, NULL);
		return;
	}
	/* kept: say so, and warn about a value that is not well-formed */
	rc = store_setting_str(st, key, &have);
	if (rc == STORE_INVALID) {
		log_warnx("postinstall: setting %s is not well-formed; "
		    "kept as it is (see wsusctl checkhealth)", key);
		report(r, "kept", item, NULL, "(already set)");
	} else if (rc == STORE_OK && have != NULL)
		report(r, "kept", item, secret ? NULL : have,
		    "(already set)");
	else
		report(r, "kept", item, NULL, "(already set)");
	if (have != NULL) {
		explicit_bzero(have, strlen(have));
		free(have);
	}
}

/*
 * The database holds the cookie key: it and its -wal and -shm lose any
 * group and other permission bits (an older wsusd created them 0644).
 */
static void
secure_database_files(struct run *r, const char *file)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[PATH_MAX + 8];
	struct stat sb;

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", file, suffix[i]);
		if (lstat(p, &sb) == -1 || !S_ISREG(sb.st_mode) ||
		    (sb.st_mode & 077) == 0)
			continue;
		if (chmod(p, sb.st_mode & 0700) == -1)
			report(r, "failed", "database file mode", p, "%s",
			    strerror(errno));
		else
			report(r, "secured", "database file mode", p,
			    "(mode %04o, was %04o)",
			    (unsigned)(sb.st_mode & 0700),
			    (unsigned)(sb.st_mode & 07777));
	}
}

static void
do_database(struct run *r, struct wsusctl *ctl)
{
	const struct config *cfg = &ctl->cfg;
	char file[PATH_MAX], err[512], sid[GUID_STRLEN + 1], hexkey[65];
	char created[32];
	uint8_t key[32];
	struct store *st = NULL;
	bool existed = true;
	int cur = 0, latest = 0, from = 0, to = 0;

	if (config_sqlite_path(cfg->database_url, file, sizeof(file)) == 0) {
		char dir[PATH_MAX], *slash;
		snprintf(dir, sizeof(dir), "%s", file);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			if (!file_exists(dir)) {
				if (mkdir_p(dir, DIR_MODE) == -1) {
					report(r, "failed", "database directory",
					    dir, "%s", strerror(errno));
					return;
				}
				report(r, "created", "database directory", dir,
				    "(mode %04o)", DIR_MODE);
			}
		}
		existed = file_exists(file);
	}
	if (ctl->store == NULL) {
		if (store_open(cfg->database_url, &st, err, sizeof(err)) !=
		    STORE_OK) {
			report(r, "failed", "database", cfg->database_url, "%s",
			    err);
			return;
		}
		ctl->store = st;
	}
	st = ctl->store;
	report(r, existed ? "kept" : "created", "database", cfg->database_url,
	    existed ? "(already there)" : NULL);
	if (config_sqlite_path(cfg->database_url, file, sizeof(file)) == 0)
		secure_database_files(r, file);

	if (store_schema_version(st, &cur, &latest) != STORE_OK) {
		report(r, "failed", "database schema", NULL, "%s",
		    store_errmsg(st));
		return;
	}
	if (cur > latest) {
		report(r, "failed", "database schema", NULL, "version %d is "
		    "newer than this wsusctl knows (%d); not touching it",
		    cur, latest);
		return;
	}
	if (cur == latest) {
		report(r, "kept", "database schema", NULL, "version %d "
		    "(already up to date)", cur);
	} else {
		if (store_migrate(st, &from, &to) != STORE_OK) {
			report(r, "failed", "database schema", NULL, "migration "
			    "from version %d failed: %s", cur, store_errmsg(st));
			return;
		}
		report(r, "migrated", "database schema", NULL, "from version "
		    "%d to %d", from, to);
		if (r->json) {
			json_t *o = json_array_get(r->items,
			    json_array_size(r->items) - 1);
			json_object_set_new(o, "from", json_integer(from));
			json_object_set_new(o, "to", json_integer(to));
		}
	}

	if (guid_random(sid) == -1 || RAND_bytes(key, sizeof(key)) != 1) {
		report(r, "failed", "settings", NULL, "no random numbers");
		return;
	}
	hex_encode(key, sizeof(key), hexkey, 0);
	OPENSSL_cleanse(key, sizeof(key));
	iso_now(created);
	init_setting(r, st, SETTING_SERVER_ID, sid, false);
	init_setting(r, st, SETTING_COOKIE_KEY, hexkey, true);
	init_setting(r, st, SETTING_CREATED, created, false);
	OPENSSL_cleanse(hexkey, sizeof(hexkey));
}

/* The name for the certificate: server name, else the host name. */
static void
cert_name(const struct config *cfg, char *out, size_t outlen)
{
	char host[256];
	bool ok = true;

	if (cfg->server_name != NULL) {
		snprintf(out, outlen, "%s", cfg->server_name);
		return;
	}
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	for (const char *p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			ok = false;
	snprintf(out, outlen, "%s", ok && host[0] && host[0] != '-' &&
	    host[0] != '.' ? host : "localhost");
}

static void
tls_pair(struct run *r, const char *cert, const char *key, const char *name)
{
	bool kc, cc;
	char err[1024];

	if (admin_tls_ensure(cert, key, name, &kc, &cc, err, sizeof(err)) ==
	    -1) {
		report(r, "failed", "TLS certificate", cert, "%s", err);
		return;
	}
	if (kc)
		report(r, "created", "TLS key", key, "(RSA %d, mode %04o)",
		    POSTINSTALL_RSA_BITS, KEY_MODE);
	else
		report(r, "kept", "TLS key", key, "(already there)");
	if (cc)
		report(r, "created", "TLS certificate", cert, "(self-signed "
		    "for %s, valid %d days%s)", name, POSTINSTALL_CERT_DAYS,
		    kc ? "" : ", for the existing key");
	else
		report(r, "kept", "TLS certificate", cert, "(already there)");
}

static void
do_tls(struct run *r, const struct config *cfg)
{
	char name[256], *defcert;
	bool server_pair;
	const char *done[CONFIG_MAX_LISTENERS + 1];
	size_t ndone = 0;

	cert_name(cfg, name, sizeof(name));
	defcert = xasprintf("%s/tls/wsusd.crt", strcmp(cfg->state_dir, "/") ?
	    cfg->state_dir : "");
	server_pair = strcmp(cfg->tls_certificate, defcert) == 0;
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		if (l->tls && l->tls_certificate == NULL)
			server_pair = true;
	}
	free(defcert);
	if (server_pair) {
		tls_pair(r, cfg->tls_certificate, cfg->tls_key, name);
		done[ndone++] = cfg->tls_certificate;
	}
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		bool seen = false;
		if (!l->tls || l->tls_certificate == NULL)
			continue;
		for (size_t j = 0; j < ndone; j++)
			seen |= strcmp(done[j], l->tls_certificate) == 0;
		if (seen)
			continue;
		tls_pair(r, l->tls_certificate, l->tls_key, name);
		done[ndone++] = l->tls_certificate;
	}
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl [-c FILE] postinstall [--json] [-q] [--content-dir DIR]\n"
	    "           [--database URL] [--server-name NAME] [CONTENT_DIR=DIR]\n"
	    "\n"
	    "Create what the server needs, or complete what is missing:\n"
	    "state_dir and content_dir (mode 0750), the database (mode 0600,\n"
	    "with its -wal and -shm; looser modes are tightened) and its\n"
	    "newest schema, the settings server_id, cookie_key and created, and a\n"
	    "self-signed TLS key and certificate when one is needed.  Nothing\n"
	    "that exists is overwritten; running it again changes nothing.\n"
	    "\n"
	    "  --content-dir DIR   content directory instead of [server] content_dir\n"
	    "  CONTENT_DIR=DIR     the same, as wsusutil postinstall spells it\n"
	    "  --database URL      database instead of [server] database\n"
	    "  --server-name NAME  name for the certificate instead of [server] name\n"
	    "                      (default: the host name)\n"
	    "  --json              print a JSON summary instead of text\n"
	    "  -q, --quiet         print only warnings and errors\n"
	    "  -h, --help          this help\n"
	    "\n"
	    "Exit status: 0 done, 1 a step failed, 2 usage error.\n");
}

int
cmd_postinstall(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "content-dir", required_argument, NULL, 'C' },
		{ "database", required_argument, NULL, 'D' },
		{ "server-name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { .json = ctl->json, .quiet = ctl->quiet };
	char err[512];
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hq", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (ch) {
		case 'C':
			key = "content_dir";
			break;
		case 'D':
			key = "database";
			break;
		case 'N':
			key = "name";
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'j':
			r.json = true;
			continue;
		case 'q':
			r.quiet = true;
			continue;
		default:
			log_error("postinstall: unknown option or missing "
			    "argument: %s", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (config_set(&ctl->cfg, "server", key, optarg, err,
		    sizeof(err)) == -1) {
			log_error("postinstall: %s", err);
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (strncmp(argv[i], "CONTENT_DIR=", 12) == 0) {
			if (config_set(&ctl->cfg, "server", "content_dir",
			    argv[i] + 12, err, sizeof(err)) == -1) {
				log_error("postinstall: %s", err);
				return EXIT_USAGE;
			}
			continue;
		}
		log_error("postinstall: unexpected argument: %s", argv[i]);
		usage(stderr);
		return EXIT_USAGE;
	}

	if (r.json)
		r.items = json_array();
	if (ensure_dir(&r, "state directory", ctl->cfg.state_dir) == 0)
		(void)ensure_dir(&r, "content directory", ctl->cfg.content_dir);
	do_database(&r, ctl);
	do_tls(&r, &ctl->cfg);

	if (r.json) {
		json_t *o = json_pack("{s:b, s:i, s:i, s:i, s:o}",
		    "ok", r.failed == 0, "changed", r.created, "kept", r.kept,
		    "failed", r.failed, "steps", r.items);
		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else if (r.failed > 0)
		log_error("postinstall: %d step%s failed", r.failed,
		    r.failed == 1 ? "" : "s");
	else if (!r.quiet) {
		if (r.created == 0)
			printf("postinstall: already up to date, nothing "
			    "changed\n");
		else
			printf("postinstall: done (%d created, migrated or "
			    "secured, %d kept)\n", r.created, r.kept);
	}
	fflush(stdout);
	return r.failed == 0 ? EXIT_OK : EXIT_FAIL;
}
