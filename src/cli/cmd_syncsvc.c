/*
 * cmd_syncsvc.c — `wsusctl sync configure [options]` and `wsusctl sync
 * configure --show [--json]`: the update source and schedule wsusd's
 * sync runner uses, kept in the store (store/sync_service.h), every
 * value validated; the rollup schedule (--rollup-every) and the rollup
 * lines of `sync status` (syncsvc_rollup_status, cmd_syncsvc.h).  Not
 * here: now/status/history/cancel (cmd_syncrun.c) and the one-shot
 * `wsusctl sync --upstream URL` (cmd_sync.c).
 */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cmd_common.h"
#include "cli/cmd_syncsvc.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "store/settings.h"
#include "store/store_util.h"
#include "sync/sync.h"
#include "util/xmalloc.h"

#define LIST_MAX	SYNC_FILTER_MAX	/* GUIDs or languages in a list */
#define SECRET_MAX	1024		/* bytes of a proxy password */

static void
configure_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl sync configure [--upstream URL] [--replica|--autonomous]\n"
	    "           [--product GUID]... [--classification GUID]...\n"
	    "           [--language xx]... [--content approved|all|none|origin]\n"
	    "           [--express yes|no] [--proxy URL]\n"
	    "           [--proxy-user U --proxy-password-file F] [--cacert F]\n"
	    "           [--tls-min 1.2|1.3] [--protocol 1.8|1.20] [--name FQDN]\n"
	    "           [--per-day N] [--first HH:MM] [--jitter MIN]\n"
	    "           [--client-cert F --client-key F] [--credential-file F]\n"
	    "           [--rollup-every MIN]\n"
	    "           [--content-window HH:MM-HH:MM]\n"
	    "       wsusctl sync configure --show [--json]\n"
	    "  Set the update source wsusd synchronizes from (kept in the store;\n"
	    "  options not given keep their value, an empty value clears one).\n"
	    "  A replica takes products and classifications from its upstream.\n"
	    "  --per-day 0 (the default) syncs only on `wsusctl sync now`;\n"
	    "  1..24 syncs that many times a day from --first (local time),\n"
	    "  each delayed by a random 0..--jitter minutes.  Status rolls up\n"
	    "  to the upstream after every sync and, besides, every\n"
	    "  --rollup-every minutes (default 240; 0: only after syncs).\n"
	    "  --client-cert/--client-key: a PEM certificate and key presented "
	    "to an\n"
	    "  upstream listener that asks for one; --credential-file: a file "
	    "whose\n"
	    "  first line is the secret `wsusctl downstream credential` printed "
	    "on\n"
	    "  the upstream (kept in the store, 0600; docs/SECURITY.md).\n"
	    "  --content-window: content is downloaded only inside this daily\n"
	    "  window (local time; it may wrap past midnight); a run outside it\n"
	    "  syncs metadata and leaves the files for a run inside it (history\n"
	    "  phase \"content-deferred\"); \"\" removes the window.\n"
	    "  --content origin downloads nothing: clients and downstream\n"
	    "  servers are sent each file's original URL (MUUrl).\n"
	    "  --language: the upstream is asked only for updates in these\n"
	    "  languages, and only their files (and those of language-neutral\n"
	    "  ones) are downloaded; --express yes also downloads express\n"
	    "  installation files.\n");
}

/* ---- validation ---- */

/* "http(s)://host[:port]" with an optional "/": 0, or -1 with why. */
static int
url_check(const char *u, const char **why)
{
	const char *h, *p;
	size_t hl;

	if (strncmp(u, "http://", 7) == 0)
		h = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		h = u + 8;
	else {
		*why = "must start with http:// or https://";
		return -1;
	}
	hl = strcspn(h, ":/");
	if (hl == 0 || hl > 253) {
		*why = "has no host name";
		return -1;
	}
	for (p = h; p < h + hl; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
			*why = "has a bad character in the host name";
			return -1;
		}
	p = h + hl;
	if (*p == ':') {
		char *end;
		long port = strtol(p + 1, &end, 10);

		if (end == p + 1 || !isdigit((unsigned char)p[1]) ||
		    port < 1 || port > 65535) {
			*why = "has a bad port (1..65535)";
			return -1;
		}
		p = end;
	}
	if (*p != '\0' && strcmp(p, "/") != 0) {
		*why = "must not have a path (give scheme, host and port)";
		return -1;
	}
	return 0;
}

/* A host name: letters, digits, '-' and '.', 1..253 bytes. */
static bool
fqdn_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

/* A language code: 2..3 letters, then "-" and 2..8 letters or digits,
 * lower-cased into out. */
static bool
lang_norm(const char *s, char *out, size_t outlen)
{
	size_t i, n = strlen(s), head = 0;

	if (n < 2 || n >= outlen || n > 16)
		return false;
	while (head < n && isalpha((unsigned char)s[head]))
		head++;
	if (head < 2 || head > 3)
		return false;
	if (head < n) {
		if (s[head] != '-' || n - head - 1 < 2 || n - head - 1 > 8)
			return false;
		for (i = head + 1; i < n; i++)
			if (!isalnum((unsigned char)s[i]))
				return false;
	}
	for (i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	return true;
}

/* "HH:MM" to minutes after midnight; -1 when bad. */
static int
hhmm_parse(const char *s)
{
	if (strlen(s) != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');

	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* Append word to the space-separated list *l (owned). */
static void
list_add(char **l, const char *word)
{
	size_t a = *l != NULL ? strlen(*l) : 0, b = strlen(word);
	char *n = xmalloc(a + b + 2);

	if (a > 0) {
		memcpy(n, *l, a);
		n[a++] = ' ';
	}
	memcpy(n + a, word, b + 1);
	free(*l);
	*l = n;
}

/* The first line of file f (the proxy password) into a new string. */
static char *
secret_read(const char *f, const char **why)
{
	char buf[SECRET_MAX + 2];
	FILE *fp;
	size_t n;

	if ((fp = fopen(f, "r")) == NULL) {
		*why = "cannot be read";
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strlen(buf) > SECRET_MAX) {
		*why = "holds a line longer than 1024 bytes";
		return NULL;
	}
	if (buf[0] == '\0') {
		*why = "is empty";
		return NULL;
	}
	return xstrdup(buf);
}

static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = v != NULL && v[0] != '\0' ? xstrdup(v) : NULL;
}

/* ---- show ---- */

static void
show_text(struct store *st, const struct store_sync_config *c,
    const struct sync_auth *a, const char *window)
{
	char next[32];
	int64_t nr;
	int every;

	output_time(c->next_run, next, sizeof(next));
	printf("upstream         %s\n", c->upstream ? c->upstream :
	    "(none: not configured)");
	printf("mode             %s\n", c->replica ? "replica" : "autonomous");
	printf("products         %s\n", c->replica ? "(from the upstream)" :
	    c->products ? c->products : "(all)");
	printf("classifications  %s\n", c->replica ? "(from the upstream)" :
	    c->classifications ? c->classifications : "(all)");
	printf("languages        %s\n", c->languages ? c->languages : "(all)");
	printf("content          %s\n", store_sync_content_name(c->content));
	printf("express          %s\n", c->express ? "yes" : "no");
	printf("proxy            %s\n", c->proxy ? c->proxy : "(none)");
	printf("proxy user       %s\n", c->proxy_user ? c->proxy_user : "(none)");
	printf("proxy password   %s\n", c->proxy_password ? "(set)" : "(none)");
	printf("cacert           %s\n", c->cacert ? c->cacert : "(system)");
	printf("tls minimum      %s\n", c->tls_min ? c->tls_min : "1.2");
	printf("protocol         %s\n", c->protocol ? c->protocol : "1.20");
	printf("name             %s\n", c->name ? c->name :
	    "(default: [server] name, then the host name)");
	if (c->per_day == 0)
		printf("schedule         manual only\n");
	else
		printf("schedule         %d per day from %02d:%02d, jitter %d "
		    "min\n", c->per_day, c->first / 60, c->first % 60,
		    c->jitter);
	printf("next run         %s\n", next[0] ? next : "(none)");
	printf("client cert      %s\n", a->cert ? a->cert : "(none)");
	printf("client key       %s\n", a->key ? a->key : "(none)");
	printf("credential       %s\n", a->credential ? "(set)" : "(none)");
	if (store_rollup_schedule_get(st, &every, &nr) == STORE_OK) {
		if (every == 0)
			printf("rollup           after each sync\n");
		else
			printf("rollup           after each sync and every %d "
			    "min\n", every);
	}
	printf("content window   %s\n", window != NULL && window[0] != '\0' ?
	    window : "(always)");
}

static json_t *
str_list_json(const char *l)
{
	json_t *a = json_array();
	const char *p = l;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, " ");

		json_array_append_new(a, json_stringn(p, n));
		p += n;
		p += strspn(p, " ");
	}
	return a;
}

static void
show_json(struct store *st, const struct store_sync_config *c,
    const struct sync_auth *a, const char *window)
{
	char next[32];
	json_t *j;
	int64_t nr;
	int every;

	output_time(c->next_run, next, sizeof(next));
	j = json_object();
	json_object_set_new(j, "upstream", output_json_str(c->upstream));
	json_object_set_new(j, "mode", json_string(c->replica ? "replica" :
	    "autonomous"));
	json_object_set_new(j, "products", str_list_json(c->products));
	json_object_set_new(j, "classifications",
	    str_list_json(c->classifications));
	json_object_set_new(j, "languages", str_list_json(c->languages));
	json_object_set_new(j, "content",
	    json_string(store_sync_content_name(c->content)));
	json_object_set_new(j, "express", json_boolean(c->express));
	json_object_set_new(j, "proxy", output_json_str(c->proxy));
	json_object_set_new(j, "proxy_user", output_json_str(c->proxy_user));
	json_object_set_new(j, "proxy_password_set",
	    json_boolean(c->proxy_password != NULL));
	json_object_set_new(j, "cacert", output_json_str(c->cacert));
	json_object_set_new(j, "tls_min", json_string(c->tls_min ?
	    c->tls_min : "1.2"));
	json_object_set_new(j, "protocol", json_string(c->protocol ?
	    c->protocol : "1.20"));
	json_object_set_new(j, "name", output_json_str(c->name));
	json_object_set_new(j, "per_day", json_integer(c->per_day));
	{
		char first[32];

		snprintf(first, sizeof(first), "%02d:%02d", c->first / 60,
		    c->first % 60);
		json_object_set_new(j, "first", json_string(first));
	}
	json_object_set_new(j, "jitter", json_integer(c->jitter));
	json_object_set_new(j, "next_run", next[0] ? json_string(next) :
	    json_null());
	json_object_set_new(j, "client_cert", output_json_str(a->cert));
	json_object_set_new(j, "client_key", output_json_str(a->key));
	json_object_set_new(j, "credential_set",
	    json_boolean(a->credential != NULL));
	if (store_rollup_schedule_get(st, &every, &nr) == STORE_OK)
		json_object_set_new(j, "rollup_every", json_integer(every));
	json_object_set_new(j, "content_window", window != NULL &&
	    window[0] != '\0' ? json_string(window) : json_null());
	output_json_put(j);
}

/* ---- rollups ---- */

struct last_rollup {
	bool			 got;
	struct store_rollup_run	 r;
	char			 error[STORE_SYNC_ERROR_MAX + 1];
};

static int
last_rollup_cb(const struct store_rollup_run *r, void *arg)
{
	struct last_rollup *l = arg;

	l->got = true;
	l->r = *r;
	snprintf(l->error, sizeof(l->error), "%s", r->error ? r->error : "");
	l->r.error = r->error ? l->error : NULL;
	return 1;
}

int
syncsvc_rollup_status(struct store *st, json_t *j)
{
	struct last_rollup l;
	char t[32], next[32];
	int every, rc;
	int64_t nx;

	memset(&l, 0, sizeof(l));
	if ((rc = store_rollup_schedule_get(st, &every, &nx)) != STORE_OK ||
	    (rc = store_rollup_run_list(st, 1, last_rollup_cb, &l)) !=
	    STORE_OK)
		return rc;
	output_time(nx, next, sizeof(next));
	if (j != NULL) {
		json_t *lr = json_null();

		if (l.got) {
			output_time(l.r.end, t, sizeof(t));
			lr = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}", "end", t,
			    "result", store_sync_result_name(l.r.result),
			    "trigger", store_rollup_trigger_name(l.r.trigger),
			    "servers", (json_int_t)l.r.servers,
			    "computers", (json_int_t)l.r.computers,
			    "error", output_json_str(l.r.error));
		}
		json_object_set_new(j, "last_rollup", lr);
		json_object_set_new(j, "rollup_every", json_integer(every));
		json_object_set_new(j, "next_rollup", next[0] ?
		    json_string(next) : json_null());
		return STORE_OK;
	}
	if (l.got) {
		output_time(l.r.end, t, sizeof(t));
		printf("rollup     %s at %s (%s): %lld servers, %lld "
		    "computers%s%s\n", store_sync_result_name(l.r.result), t,
		    store_rollup_trigger_name(l.r.trigger),
		    (long long)l.r.servers, (long long)l.r.computers,
		    l.r.error ? ": " : "", l.r.error ? l.r.error : "");
	} else
		printf("rollup     (never rolled up)\n");
	if (every == 0)
		printf("next rollup (after each sync only)\n");
	else
		printf("next rollup %s\n", next[0] ? next :
		    "(not scheduled: no upstream, or wsusd not running)");
	return STORE_OK;
}

/* ---- configure ---- */

enum {
	O_UPSTREAM = 256, O_REPLICA, O_AUTONOMOUS, O_PRODUCT, O_CLASS, O_LANG,
	O_CONTENT, O_EXPRESS, O_PROXY, O_PROXY_USER, O_PROXY_PW, O_CACERT,
	O_TLS_MIN, O_PROTOCOL, O_NAME, O_PER_DAY, O_FIRST, O_JITTER, O_SHOW,
	O_CLIENT_CERT, O_CLIENT_KEY, O_CREDENTIAL,
	O_ROLLUP_EVERY,
	O_CONTENT_WINDOW,
};

static const struct option configure_long[] = {
	{ "upstream",		required_argument, NULL, O_UPSTREAM },
	{ "replica",		no_argument,	   NULL, O_REPLICA },
	{ "autonomous",		no_argument,	   NULL, O_AUTONOMOUS },
	{ "product",		required_argument, NULL, O_PRODUCT },
	{ "classification",	required_argument, NULL, O_CLASS },
	{ "language",		required_argument, NULL, O_LANG },
	{ "content",		required_argument, NULL, O_CONTENT },
	{ "express",		required_argument, NULL, O_EXPRESS },
	{ "proxy",		required_argument, NULL, O_PROXY },
	{ "proxy-user",		required_argument, NULL, O_PROXY_USER },
	{ "proxy-password-file", required_argument, NULL, O_PROXY_PW },
	{ "cacert",		required_argument, NULL, O_CACERT },
	{ "tls-min",		required_argument, NULL, O_TLS_MIN },
	{ "protocol",		required_argument, NULL, O_PROTOCOL },
	{ "name",		required_argument, NULL, O_NAME },
	{ "per-day",		required_argument, NULL, O_PER_DAY },
	{ "first",		required_argument, NULL, O_FIRST },
	{ "jitter",		required_argument, NULL, O_JITTER },
	{ "show",		no_argument,	   NULL, O_SHOW },
	{ "client-cert",	required_argument, NULL, O_CLIENT_CERT },
	{ "client-key",		required_argument, NULL, O_CLIENT_KEY },
	{ "credential-file",	required_argument, NULL, O_CREDENTIAL },
	{ "rollup-every",	required_argument, NULL, O_ROLLUP_EVERY },
	{ "content-window",	required_argument, NULL, O_CONTENT_WINDOW },
	{ "json",		no_argument,	   NULL, 'j' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

#define CFG_USAGE(...) do {						\
	fprintf(stderr, "wsusctl sync configure: " __VA_ARGS__);	\
	fputc('\n', stderr);						\
	rc = EXIT_USAGE;						\
	goto out;							\
} while (0)

/* What the options changed, applied onto the stored configuration. */
struct cfg_edit {
	bool	 any, show;
	int	 mode;		/* 0 keep, 1 replica, 2 autonomous */
	char	*products, *classifications, *languages;
	bool	 set_products, set_classifications, set_languages;
	bool	 proxy_pw_given;
	bool	 auth_given;		/* --client-cert/key, --credential-file */
	int	 rollup_every;	/* -1: keep */
	const char *window;	/* --content-window ("" clears); NULL: keep */
};

/* A readable file's absolute path into *field ("" clears); 0 or -1. */
static int
set_path(char **field, const char *v)
{
	char *real;

	if (v[0] == '\0') {
		set_str(field, NULL);
		return 0;
	}
	if (access(v, R_OK) != 0 || (real = realpath(v, NULL)) == NULL)
		return -1;
	set_str(field, real);
	free(real);
	return 0;
}

/* The secret of a --credential-file: 64 hex digits. */
static bool
credential_ok(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* Write the three settings of a (NULL: cleared). */
static int
auth_save(struct store *st, const struct sync_auth *a)
{
	int rc;

	if ((rc = store_setting_set(st, SETTING_SYNC_CLIENT_CERT,
	    a->cert != NULL ? a->cert : "")) != STORE_OK ||
	    (rc = store_setting_set(st, SETTING_SYNC_CLIENT_KEY,
	    a->key != NULL ? a->key : "")) != STORE_OK ||
	    (rc = store_setting_set(st, SETTING_SYNC_CREDENTIAL,
	    a->credential != NULL ? a->credential : "")) != STORE_OK)
		return rc;
	return STORE_OK;
}

int
cmd_sync_configure(struct wsusctl *ctl, int argc, char **argv)
{
	struct store_sync_config c;
	struct sync_opts ao;
	struct sync_auth a;
	struct cfg_edit e;
	struct store *st;
	const char *why, *proxy_pw_file = NULL;
	char g[GUID_STRLEN + 1], lang[24], *pw = NULL, c_err[256];
	size_t nprod = 0, nclass = 0, nlang = 0, v;
	int ch, rc = EXIT_OK, m, srv;

	memset(&e, 0, sizeof(e));
	memset(&ao, 0, sizeof(ao));
	e.rollup_every = -1;
	/* --help works without a database (the options are read only
	 * after the stored configuration, which needs one) */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			configure_usage(stdout);
			return EXIT_OK;
		}
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (sync_auth_load(st, &a, &ao, c_err, sizeof(c_err)) != 0) {
		log_error("%s", c_err);
		return EXIT_FAIL;
	}
	if ((srv = store_sync_config_get(st, &c)) != STORE_OK) {
		sync_auth_free(&a);
		return store_fail(st, srv, "read the sync configuration");
	}
	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", configure_long, NULL)) !=
	    -1) {
		if (ch != 'j' && ch != 'h' && ch != O_SHOW)
			e.any = true;
		switch (ch) {
		case O_UPSTREAM:
			if (url_check(optarg, &why) != 0)
				CFG_USAGE("--upstream \"%s\" %s", optarg, why);
			if (strlen(optarg) > STORE_SYNC_TEXT_MAX)
				CFG_USAGE("--upstream is too long");
			set_str(&c.upstream, optarg);
			break;
		case O_REPLICA:
		case O_AUTONOMOUS:
			m = ch == O_REPLICA ? 1 : 2;
			if (e.mode != 0 && e.mode != m)
				CFG_USAGE("give --replica or --autonomous, "
				    "not both");
			e.mode = m;
			break;
		case O_PRODUCT:
		case O_CLASS:
			if (store_guid_norm(optarg, g) != 0)
				CFG_USAGE("--%s \"%s\" is not a GUID",
				    ch == O_PRODUCT ? "product" :
				    "classification", optarg);
			if ((ch == O_PRODUCT ? nprod : nclass) >= LIST_MAX)
				CFG_USAGE("more than %d GUIDs in a list",
				    LIST_MAX);
			list_add(ch == O_PRODUCT ? &e.products :
			    &e.classifications, g);
			if (ch == O_PRODUCT) {
				nprod++;
				e.set_products = true;
			} else {
				nclass++;
				e.set_classifications = true;
			}
			break;
		case O_LANG:
			if (!lang_norm(optarg, lang, sizeof(lang)))
				CFG_USAGE("--language \"%s\" is not a language "
				    "code (en, de, pt-br, zh-hk ...)", optarg);
			if (nlang++ >= LIST_MAX)
				CFG_USAGE("more than %d languages", LIST_MAX);
			list_add(&e.languages, lang);
			e.set_languages = true;
			break;
		case O_CONTENT:
			for (m = 0; m < 4; m++)
				if (strcmp(optarg, store_sync_content_name(m))
				    == 0)
					break;
			if (m == 4)
				CFG_USAGE("--content must be approved, all, "
				    "none or origin");
			c.content = m;
			break;
		case O_EXPRESS:
			if (strcmp(optarg, "yes") != 0 &&
			    strcmp(optarg, "no") != 0)
				CFG_USAGE("--express must be yes or no");
			c.express = strcmp(optarg, "yes") == 0;
			break;
		case O_PROXY:
			if (optarg[0] != '\0' && url_check(optarg, &why) != 0)
				CFG_USAGE("--proxy \"%s\" %s", optarg, why);
			set_str(&c.proxy, optarg);
			break;
		case O_PROXY_USER:
			if (strlen(optarg) > 256 || strchr(optarg, ':') != NULL)
				CFG_USAGE("--proxy-user must be at most 256 "
				    "bytes without ':'");
			set_str(&c.proxy_user, optarg);
			if (optarg[0] == '\0')	/* no user: no password */
				set_str(&c.proxy_password, NULL);
			break;
		case O_PROXY_PW:
			proxy_pw_file = optarg;
			e.proxy_pw_given = true;
			break;
		case O_CACERT: {
			char *real;

			if (optarg[0] == '\0') {
				set_str(&c.cacert, NULL);
				break;
			}
			if (access(optarg, R_OK) != 0 ||
			    (real = realpath(optarg, NULL)) == NULL)
				CFG_USAGE("--cacert \"%s\" cannot be read",
				    optarg);
			set_str(&c.cacert, real);
			free(real);
			break;
		}
		case O_TLS_MIN:
			if (strcmp(optarg, "1.2") != 0 &&
			    strcmp(optarg, "1.3") != 0)
				CFG_USAGE("--tls-min must be 1.2 or 1.3");
			set_str(&c.tls_min, optarg);
			break;
		case O_PROTOCOL: {
			enum sync_profile p;

			if (sync_profile_parse(optarg, &p) != 0)
				CFG_USAGE("--protocol must be 1.8 or 1.20");
			set_str(&c.protocol, sync_profile_version(p));
			break;
		}
		case O_NAME:
			if (optarg[0] != '\0' && !fqdn_ok(optarg))
				CFG_USAGE("--name \"%s\" is not a host name",
				    optarg);
			set_str(&c.name, optarg);
			break;
		case O_PER_DAY:
			if (parse_size(optarg, 0, STORE_SYNC_PER_DAY_MAX, &v)
			    != 0)
				CFG_USAGE("--per-day must be 0..%d",
				    STORE_SYNC_PER_DAY_MAX);
			c.per_day = (int)v;
			break;
		case O_FIRST:
			if ((m = hhmm_parse(optarg)) < 0)
				CFG_USAGE("--first must be HH:MM (00:00..23:59)");
			c.first = m;
			break;
		case O_JITTER:
			if (parse_size(optarg, 0, STORE_SYNC_JITTER_MAX, &v)
			    != 0)
				CFG_USAGE("--jitter must be 0..%d minutes",
				    STORE_SYNC_JITTER_MAX);
			c.jitter = (int)v;
			break;
		case O_ROLLUP_EVERY:
			if (parse_size(optarg, 0, STORE_ROLLUP_EVERY_MAX, &v)
			    != 0)
				CFG_USAGE("--rollup-every must be 0..%d minutes",
				    STORE_ROLLUP_EVERY_MAX);
			e.rollup_every = (int)v;
			break;
		case O_SHOW:
			e.show = true;
			break;
		case O_CLIENT_CERT:
		case O_CLIENT_KEY:
			e.auth_given = true;
			if (set_path(ch == O_CLIENT_CERT ? &a.cert : &a.key,
			    optarg) != 0)
				CFG_USAGE("--%s \"%s\" cannot be read",
				    ch == O_CLIENT_CERT ? "client-cert" :
				    "client-key", optarg);
			break;
		case O_CREDENTIAL:
			e.auth_given = true;
			if (optarg[0] == '\0') {
				set_str(&a.credential, NULL);
				break;
			}
			{
				char *sec = secret_read(optarg, &why);

				if (sec == NULL)
					CFG_USAGE("--credential-file \"%s\" %s",
					    optarg, why);
				if (!credential_ok(sec)) {
					explicit_bzero(sec, strlen(sec));
					free(sec);
					CFG_USAGE("--credential-file \"%s\": not "
					    "the 64 hex digits of `wsusctl "
					    "downstream credential`", optarg);
				}
				if (a.credential != NULL)
					explicit_bzero(a.credential,
					    strlen(a.credential));
				free(a.credential);
				a.credential = sec;
			}
			break;
		case O_CONTENT_WINDOW: {
			struct sync_window w;

			if (optarg[0] != '\0' && sync_window_parse(optarg,
			    strlen(optarg), &w) != 0)
				CFG_USAGE("--content-window must be HH:MM-HH:MM "
				    "(two different times, 00:00..23:59)");
			e.window = optarg;
			break;
		}
		case 'j':
			ctl->json = true;
			break;
		case 'h':
			configure_usage(stdout);
			goto out;
		default:
			bad_option(argv);
			configure_usage(stderr);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (optind != argc)
		CFG_USAGE("unexpected argument \"%s\"", argv[optind]);
	if (e.show && e.any)
		CFG_USAGE("--show takes no other option than --json");
	if (e.show || !e.any) {
		if (!e.show) {
			configure_usage(stderr);
			rc = EXIT_USAGE;
			goto out;
		}
		char *win = NULL;

		(void)store_setting_str(st, SETTING_CONTENT_WINDOW, &win);
		if (ctl->json)
			show_json(st, &c, &a, win);
		else
			show_text(st, &c, &a, win);
		free(win);
		goto out;
	}
	if (e.mode != 0)
		c.replica = e.mode == 1;
	if (c.replica && (e.set_products || e.set_classifications))
		CFG_USAGE("a replica takes products and classifications from "
		    "its upstream: give --product/--classification only with "
		    "--autonomous");
	if (e.set_products) {
		free(c.products);
		c.products = e.products;
		e.products = NULL;
	}
	if (e.set_classifications) {
		free(c.classifications);
		c.classifications = e.classifications;
		e.classifications = NULL;
	}
	if (e.set_languages) {
		free(c.languages);
		c.languages = e.languages;
		e.languages = NULL;
	}
	if (c.replica) {
		set_str(&c.products, NULL);
		set_str(&c.classifications, NULL);
	}
	if ((c.products != NULL) != (c.classifications != NULL))
		CFG_USAGE("give --product and --classification together (an "
		    "upstream matches on both)");
	if (e.proxy_pw_given) {
		if ((pw = secret_read(proxy_pw_file, &why)) == NULL)
			CFG_USAGE("--proxy-password-file \"%s\" %s",
			    proxy_pw_file, why);
		set_str(&c.proxy_password, pw);
	}
	if ((c.proxy_user != NULL) != (c.proxy_password != NULL))
		CFG_USAGE("give --proxy-user and --proxy-password-file "
		    "together");
	if (c.proxy_user != NULL && c.proxy == NULL)
		CFG_USAGE("proxy credentials need --proxy URL");
	if (c.upstream == NULL)
		CFG_USAGE("no upstream yet: give --upstream URL");
	if ((a.cert != NULL) != (a.key != NULL))
		CFG_USAGE("give --client-cert and --client-key together");
	if ((srv = store_sync_config_set(st, &c)) != STORE_OK) {
		rc = store_fail(st, srv, "save the sync configuration");
		goto out;
	}
	if (e.auth_given && (srv = auth_save(st, &a)) != STORE_OK) {
		rc = store_fail(st, srv, "save the client certificate and "
		    "credential");
		goto out;
	}
	if (e.rollup_every >= 0 && (srv = store_rollup_schedule_set(st,
	    e.rollup_every)) != STORE_OK) {
		rc = store_fail(st, srv, "save the rollup schedule");
		goto out;
	}
	if (e.window != NULL && (srv = store_setting_set_checked(st,
	    SETTING_CONTENT_WINDOW, e.window)) != STORE_OK) {
		rc = store_fail(st, srv, "save the content window");
		goto out;
	}
	if (!ctl->quiet)
		printf("sync configured: %s (%s)%s\n", c.upstream,
		    c.replica ? "replica" : "autonomous", c.per_day == 0 ?
		    ", manual only" : "");
out:
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	free(e.products);
	free(e.classifications);
	free(e.languages);
	sync_auth_free(&a);
	store_sync_config_free(&c);
	return rc;
}
