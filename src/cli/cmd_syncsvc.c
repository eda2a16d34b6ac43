/*
 * cmd_syncsvc.c — `wsusctl sync configure [options]` and `wsusctl sync
 * configure --show [--json]`: the update source and schedule wsusd's
 * sync runner uses, kept in the store (store/sync_service.h), every
 * value validated.  Not here: now/status/history/cancel (cmd_syncrun.c)
 * and the one-shot `wsusctl sync --upstream URL` (cmd_sync.c).
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
	    "           [--content-window HH:MM-HH:MM]\n"
	    "       wsusctl sync configure --show [--json]\n"
	    "  Set the update source wsusd synchronizes from (kept in the store;\n"
	    "  options not given keep their value, an empty value clears one).\n"
	    "  A replica takes products and classifications from its upstream.\n"
	    "  --per-day 0 (the default) syncs only on `wsusctl sync now`;\n"
	    "  1..24 syncs that many times a day from --first (local time),\n"
	    "  each delayed by a random 0..--jitter minutes.\n"
	    "  --content-window: content is downloaded only inside this daily\n"
	    "  window (local time; it may wrap past midnight); a run outside it\n"
	    "  syncs metadata and leaves the files for a run inside it (history\n"
	    "  phase \"content-deferred\"); \"\" removes the window.\n"
	    "  --content origin downloads nothing: clients and downstream\n"
	    "  servers are sent each file's original URL (MUUrl).\n"
	    "  --language: only the files of updates in these languages (and\n"
	    "  of language-neutral ones) are downloaded; --express yes also\n"
	    "  downloads express installation files.\n");
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
show_text(const struct store_sync_config *c, const char *window)
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
show_json(const struct store_sync_config *c, const char *window)
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
	json_object_set_new(j, "content_window", window != NULL &&
	    window[0] != '\0' ? json_string(window) : json_null());
	output_json_put(j);
}

/* ---- configure ---- */

enum {
	O_UPSTREAM = 256, O_REPLICA, O_AUTONOMOUS, O_PRODUCT, O_CLASS, O_LANG,
	O_CONTENT, O_EXPRESS, O_PROXY, O_PROXY_USER, O_PROXY_PW, O_CACERT,
	O_TLS_MIN, O_PROTOCOL, O_NAME, O_PER_DAY, O_FIRST, O_JITTER, O_SHOW,
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
	const char *window;	/* --content-window ("" clears); NULL: keep */
};

int
cmd_sync_configure(struct wsusctl *ctl, int argc, char **argv)
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
			show_json(&c, win);
		else
			show_text(&c, win);
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
	if ((srv = store_sync_config_set(st, &c)) != STORE_OK) {
		rc = store_fail(st, srv, "save the sync configuration");
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
	store_sync_config_free(&c);
	return rc;
}
