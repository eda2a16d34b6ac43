/*
 * cmd_syncsvc.c — the sync service verbs of wsusctl, over the store's
 * sync-service domain (store/sync_service.h):
 *   wsusctl sync configure [options]   the update source and schedule
 *   wsusctl sync configure --show [--json]
 *   wsusctl sync status [--json]       running or idle, last result, next
 *   wsusctl sync history [--json] [--limit N]
 * The store is the channel to wsusd; nothing here talks to a port.
 * Not here: the one-shot `wsusctl sync --upstream URL` (cmd_sync.c).
 */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
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
	    "       wsusctl sync configure --show [--json]\n"
	    "  Set the update source wsusd synchronizes from (kept in the store;\n"
	    "  options not given keep their value, an empty value clears one).\n"
	    "  A replica takes products and classifications from its upstream.\n"
	    "  --per-day 0 (the default) syncs only on `wsusctl sync now`;\n"
	    "  1..24 syncs that many times a day from --first (local time),\n"
	    "  each delayed by a random 0..--jitter minutes.\n");
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
show_text(const struct store_sync_config *c)
{
	char next[32];

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
show_json(const struct store_sync_config *c)
{
	char next[32];
	json_t *j;

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
	output_json_put(j);
}

/* ---- configure ---- */

enum {
	O_UPSTREAM = 256, O_REPLICA, O_AUTONOMOUS, O_PRODUCT, O_CLASS, O_LANG,
	O_CONTENT, O_EXPRESS, O_PROXY, O_PROXY_USER, O_PROXY_PW, O_CACERT,
	O_TLS_MIN, O_PROTOCOL, O_NAME, O_PER_DAY, O_FIRST, O_JITTER, O_SHOW,
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
};

static int
sync_configure(struct wsusctl *ctl, int argc, char **argv)
{
	struct store_sync_config c;
	struct cfg_edit e;
	struct store *st;
	const char *why, *proxy_pw_file = NULL;
	char g[GUID_STRLEN + 1], lang[24], *pw = NULL;
	size_t nprod = 0, nclass = 0, nlang = 0, v;
	int ch, rc = EXIT_OK, m, srv;

	memset(&e, 0, sizeof(e));
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if ((srv = store_sync_config_get(st, &c)) != STORE_OK)
		return store_fail(st, srv, "read the sync configuration");
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
		case O_SHOW:
			e.show = true;
			break;
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
		if (ctl->json)
			show_json(&c);
		else
			show_text(&c);
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
	if ((srv = store_sync_config_set(st, &c)) != STORE_OK) {
		rc = store_fail(st, srv, "save the sync configuration");
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
	store_sync_config_free(&c);
	return rc;
}

/* ---- status and history ---- */

struct runs {
	json_t		*arr;		/* --json */
	struct table	*t;		/* text */
	bool		 got;
	struct store_sync_run r;	/* status: the row seen (strings copied) */
	char		 phase[64];
	char		 error[STORE_SYNC_ERROR_MAX + 1];
};

static json_t *
run_json(const struct store_sync_run *r)
{
	char a[32], b[32];

	output_time(r->start, a, sizeof(a));
	output_time(r->end, b, sizeof(b));
	return json_pack("{s:I,s:s,s:o,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I,"
	    "s:I,s:o}",
	    "id", (json_int_t)r->id, "start", a,
	    "end", b[0] ? json_string(b) : json_null(),
	    "result", store_sync_result_name(r->result),
	    "trigger", store_sync_trigger_name(r->trigger),
	    "phase", output_json_str(r->phase),
	    "done", (json_int_t)r->done, "total", (json_int_t)r->total,
	    "new_updates", (json_int_t)r->new_updates,
	    "revised", (json_int_t)r->revised,
	    "expired", (json_int_t)r->expired,
	    "files", (json_int_t)r->files, "bytes", (json_int_t)r->bytes,
	    "error", output_json_str(r->error));
}

static int
history_row(const struct store_sync_run *r, void *arg)
{
	struct runs *l = arg;
	char a[32], b[32], n[5][24];

	if (l->arr != NULL) {
		json_array_append_new(l->arr, run_json(r));
		return 0;
	}
	output_time(r->start, a, sizeof(a));
	output_time(r->end, b, sizeof(b));
	snprintf(n[0], sizeof(n[0]), "%lld", (long long)r->new_updates);
	snprintf(n[1], sizeof(n[1]), "%lld", (long long)r->revised);
	snprintf(n[2], sizeof(n[2]), "%lld", (long long)r->expired);
	snprintf(n[3], sizeof(n[3]), "%lld", (long long)r->files);
	snprintf(n[4], sizeof(n[4]), "%lld", (long long)r->bytes);
	table_addf(l->t, a, b, store_sync_result_name(r->result),
	    store_sync_trigger_name(r->trigger), n[0], n[1], n[2], n[3], n[4],
	    r->error != NULL ? r->error : "");
	return 0;
}

static const struct table_col history_cols[] = {
	{ "START", 0 }, { "END", 0 }, { "RESULT", 0 }, { "TRIGGER", 0 },
	{ "NEW", TABLE_RIGHT }, { "REVISED", TABLE_RIGHT },
	{ "EXPIRED", TABLE_RIGHT }, { "FILES", TABLE_RIGHT },
	{ "BYTES", TABLE_RIGHT }, { "ERROR", TABLE_SHRINK },
};

static int
sync_history(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json",  no_argument,	      NULL, 'j' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help",  no_argument,	      NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct runs l;
	struct store *st;
	size_t limit = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 'n':
			if (parse_size(optarg, 1, 1000000, &limit) != 0) {
				fprintf(stderr, "wsusctl sync history: --limit "
				    "must be 1..1000000\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: wsusctl sync history [--json] "
			    "[--limit N]\n  Every sync run, newest first.\n");
			return EXIT_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "usage: wsusctl sync history [--json] "
			    "[--limit N]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: wsusctl sync history [--json] "
		    "[--limit N]\n");
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	memset(&l, 0, sizeof(l));
	if (ctl->json)
		l.arr = json_array();
	else
		l.t = table_new(history_cols, sizeof(history_cols) /
		    sizeof(history_cols[0]));
	rc = store_sync_run_list(st, limit, history_row, &l);
	if (rc != STORE_OK) {
		json_decref(l.arr);
		table_free(l.t);
		return store_fail(st, rc, "list sync runs");
	}
	if (l.arr != NULL)
		output_json_put(l.arr);
	else {
		if (table_rows(l.t) == 0)
			printf("no sync has run yet\n");
		else
			table_print(l.t, stdout, output_width(stdout), false);
		table_free(l.t);
	}
	return EXIT_OK;
}

/* Keep a copy of the row: strings are the store's during the call. */
static int
status_row(const struct store_sync_run *r, void *arg)
{
	struct runs *l = arg;

	l->got = true;
	l->r = *r;
	snprintf(l->phase, sizeof(l->phase), "%s", r->phase ? r->phase : "");
	snprintf(l->error, sizeof(l->error), "%s", r->error ? r->error : "");
	l->r.phase = l->phase[0] ? l->phase : NULL;
	l->r.error = l->error[0] ? l->error : NULL;
	return 0;
}

/* Newest finished row (skipping a running one). */
static int
last_row(const struct store_sync_run *r, void *arg)
{
	if (r->result == SYNC_RESULT_RUNNING)
		return 0;
	status_row(r, arg);
	return 1;
}

static int
sync_status(struct wsusctl *ctl, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_sync_config c;
	struct runs cur, last;
	struct store *st;
	char next[32], t[32];
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctl->json = true;
			break;
		case 'h':
			printf("usage: wsusctl sync status [--json]\n  Running "
			    "or idle, phase, counts, last result, next run.\n");
			return EXIT_OK;
		default:
			bad_option(argv);
			fprintf(stderr, "usage: wsusctl sync status [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: wsusctl sync status [--json]\n");
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	memset(&cur, 0, sizeof(cur));
	memset(&last, 0, sizeof(last));
	if ((rc = store_sync_config_get(st, &c)) != STORE_OK)
		return store_fail(st, rc, "read the sync configuration");
	rc = store_sync_run_get(st, 0, status_row, &cur);
	if (rc == STORE_OK)
		rc = store_sync_run_list(st, 0, last_row, &last);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		store_sync_config_free(&c);
		return store_fail(st, rc, "read sync runs");
	}
	bool running = cur.got && cur.r.result == SYNC_RESULT_RUNNING;

	output_time(c.next_run, next, sizeof(next));
	if (ctl->json) {
		json_t *j = json_object();

		json_object_set_new(j, "state", json_string(running ?
		    "running" : "idle"));
		json_object_set_new(j, "upstream", output_json_str(c.upstream));
		json_object_set_new(j, "running", running ?
		    run_json(&cur.r) : json_null());
		json_object_set_new(j, "last", last.got ? run_json(&last.r) :
		    json_null());
		json_object_set_new(j, "next_run", next[0] ?
		    json_string(next) : json_null());
		output_json_put(j);
	} else {
		printf("state      %s\n", running ? "running" : "idle");
		printf("upstream   %s\n", c.upstream ? c.upstream :
		    "(not configured)");
		if (running) {
			output_time(cur.r.start, t, sizeof(t));
			printf("started    %s (%s)\n", t,
			    store_sync_trigger_name(cur.r.trigger));
			printf("phase      %s %lld/%lld\n", cur.r.phase ?
			    cur.r.phase : "", (long long)cur.r.done,
			    (long long)cur.r.total);
			printf("so far     %lld new, %lld revised, %lld expired, "
			    "%lld files\n", (long long)cur.r.new_updates,
			    (long long)cur.r.revised, (long long)cur.r.expired,
			    (long long)cur.r.files);
		}
		if (last.got) {
			output_time(last.r.end, t, sizeof(t));
			printf("last       %s at %s: %lld new, %lld revised, "
			    "%lld expired, %lld files, %lld bytes\n",
			    store_sync_result_name(last.r.result), t,
			    (long long)last.r.new_updates,
			    (long long)last.r.revised,
			    (long long)last.r.expired,
			    (long long)last.r.files, (long long)last.r.bytes);
			if (last.r.error != NULL)
				printf("error      %s\n", last.r.error);
		} else
			printf("last       (never synchronized)\n");
		printf("next run   %s\n", next[0] ? next : c.per_day == 0 ?
		    "(manual only)" : "(not scheduled: wsusd not running)");
	}
	store_sync_config_free(&c);
	return EXIT_OK;
}

/* `wsusctl sync VERB ...` for the service verbs; -1 when argv[1] is none
 * of them (then cmd_sync runs the one-shot sync). */
int
cmd_sync_service(struct wsusctl *ctl, int argc, char **argv)
{
	if (argc < 2)
		return -1;
	if (strcmp(argv[1], "configure") == 0)
		return sync_configure(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return sync_status(ctl, argc - 1, argv + 1);
	if (strcmp(argv[1], "history") == 0)
		return sync_history(ctl, argc - 1, argv + 1);
	return -1;
}
