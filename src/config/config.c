/*
 * config.c — wsusd.conf: INI read with inih, checked against one table of
 * known keys per section type (type, default, bounds).
 *
 * inih splits "key = value" lines and strips comments; everything else is
 * done here.  The text is handed to ini_parse_stream() one line per reader
 * call by our own reader, which
 *   - counts lines, so every error carries its exact line number (Debian's
 *     inih is built without INI_HANDLER_LINENO);
 *   - strips leading white space, so an indented line is an ordinary line
 *     and never a multi-line continuation (INI_ALLOW_MULTILINE is on);
 *   - parses [section] headers itself (inih is built without
 *     INI_CALL_HANDLER_ON_NEW_SECTION, so empty sections would go unseen)
 *     and hands inih an empty line instead;
 *   - reports over-long lines (inih's line buffer is INI_MAX_LINE bytes)
 *     instead of letting inih split them;
 *   - notices a "key = value" line for which inih did not call the
 *     handler: that line was malformed.
 * So every error is collected with its line, not just inih's first one.
 *
 * Not here: what the values mean to the daemon (http/, daemon/).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "config/config.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define CONFIG_FILE_MAX		(1024 * 1024)	/* bytes in wsusd.conf */
#define CONFIG_VALUE_MAX	1024		/* bytes in one value */
#define CONFIG_HOSTNAME_MAX	253
#define CONFIG_LISTENER_NAME_MAX 63		/* fits config_listener.name */

enum key_type {
	K_STRING,	/* server name: host name or address literal */
	K_PATH,		/* absolute path */
	K_URL,		/* database URL: sqlite: or postgresql: */
	K_ADDRESS,	/* numeric IPv4 or IPv6 address */
	K_BOOL,		/* yes/no/true/false/on/off/1/0 */
	K_PORT,		/* 1..65535 */
	K_UINT,		/* unsigned within [min, max] */
	K_SIZE,		/* bytes with optional K/M/G suffix, within [min, max] */
	K_LOGLEVEL,	/* error/warn/info/debug */
	K_LOGTARGET,	/* stderr/syslog */
	K_TLSVER,	/* 1.0/1.1/1.2/1.3 */
	K_NETLIST,	/* numeric addresses/networks (a[/n]), comma/space separated */
};

enum section_type {
	SECT_SERVER = 0,
	SECT_LISTENER,
	SECT_LIMITS,
	SECT_NTYPES,
	SECT_NONE,	/* before the first header */
	SECT_SKIP,	/* a bad header: its keys are ignored */
};

struct key {
	const char	*name;
	enum key_type	 type;
	size_t		 off;	/* in struct config or struct config_listener */
	uint64_t	 min, max;
	const char	*def;	/* default as text; NULL: not set / derived */
};

#define S(f)	offsetof(struct config, f)
#define L(f)	offsetof(struct config_listener, f)

static const struct key server_keys[] = {
	{ "name",		K_STRING,   S(server_name),	0, 0, NULL },
	{ "content_dir",	K_PATH,	    S(content_dir),	0, 0, CONFIG_DEFAULT_CONTENT_DIR },
	{ "database",		K_URL,	    S(database_url),	0, 0, CONFIG_DEFAULT_DATABASE },
	{ "state_dir",		K_PATH,	    S(state_dir),	0, 0, CONFIG_DEFAULT_STATE_DIR },
	{ "log_level",		K_LOGLEVEL, S(log_level),	0, 0, "info" },
	{ "log_target",		K_LOGTARGET, S(log_syslog),	0, 0, "stderr" },
	{ "tls_certificate",	K_PATH,	    S(tls_certificate),	0, 0, NULL },
	{ "tls_key",		K_PATH,	    S(tls_key),		0, 0, NULL },
	{ "upstream_allow",	K_NETLIST,  S(upstream_allow),	0, 0, NULL },
};

static const struct key listener_keys[] = {
	{ "address",		K_ADDRESS,  L(address),		0, 0, "0.0.0.0" },
	{ "port",		K_PORT,	    L(port),		1, 65535, NULL },
	{ "tls",		K_BOOL,	    L(tls),		0, 0, "no" },
	{ "tls_min_version",	K_TLSVER,   L(tls_min_version),	0, 0, "1.2" },
	{ "tls_certificate",	K_PATH,	    L(tls_certificate),	0, 0, NULL },
	{ "tls_key",		K_PATH,	    L(tls_key),		0, 0, NULL },
};

static const struct key limits_keys[] = {
	{ "max_body_bytes",	K_SIZE,	S(max_body_bytes), 1024, 1024ull * 1024 * 1024, "16M" },
	{ "max_connections",	K_UINT,	S(max_connections), 1, 65535, "1024" },
	{ "max_connections_per_ip", K_UINT, S(max_connections_per_ip), 0, 65535, "0" },
	{ "connection_timeout",	K_UINT,	S(connection_timeout), 1, 3600, "60" },
	{ "threads",		K_UINT,	S(threads), 0, 1024, "0" },
};

#undef S
#undef L

#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXKEYS		12	/* most keys of one section type */

static const struct {
	const char	  *name;
	const struct key  *keys;
	size_t		   nkeys;
} sections[SECT_NTYPES] = {
	[SECT_SERVER] =   { "server",   server_keys,   NKEYS(server_keys) },
	[SECT_LISTENER] = { "listener", listener_keys, NKEYS(listener_keys) },
	[SECT_LIMITS] =   { "limits",   limits_keys,   NKEYS(limits_keys) },
};

_Static_assert(NKEYS(server_keys) <= MAXKEYS, "MAXKEYS");
_Static_assert(NKEYS(listener_keys) <= MAXKEYS, "MAXKEYS");
_Static_assert(NKEYS(limits_keys) <= MAXKEYS, "MAXKEYS");

/* The state of one parse. */
struct parser {
	struct config	    *cfg;		/* borrowed */
	struct config_errors *errs;		/* borrowed; may be NULL */
	size_t		     nerrors;		/* all errors, also unrecorded */
	const char	    *p, *end;		/* text not yet read */
	int		     lineno;		/* line last handed to inih */
	int		     pending;		/* key line inih has not reported */
	int		     line_max;		/* longest line inih takes */
	enum section_type    sect;		/* current section */
	struct config_listener *cur;		/* current listener */
	int		    *seen;		/* line of each key, current section */
	int		     header_line[SECT_NTYPES]; /* [server], [limits] */
	int		     seen_server[MAXKEYS];
	int		     seen_limits[MAXKEYS];
	int		     seen_listener[CONFIG_MAX_LISTENERS][MAXKEYS];
	char		     sectname[80];	/* for messages: "listener main" */
};

/* ---- errors ---- */

static void add_error(struct parser *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_error(struct parser *ps, int line, const char *fmt, ...)
{
	struct config_errors *errs = ps->errs;
	struct config_error *e;
	va_list ap;

	ps->nerrors++;
	if (errs == NULL || errs->n >= CONFIG_MAX_ERRORS)
		return;
	e = &errs->e[errs->n++];
	if (errs->n == CONFIG_MAX_ERRORS) {
		e->line = 0;
		snprintf(e->msg, sizeof(e->msg),
		    "too many errors, the rest are not shown");
		return;
	}
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/*
 * Copy untrusted text into out for a message: at most 48 bytes, anything
 * but printable ASCII as '?', "..." when cut.
 */
static const char *
show(char out[64], const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] != '\0' && o < 48; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < n && s[i] != '\0') {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* Levenshtein distance, capped: for "did you mean" hints. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[40], i, j;

	if (la >= 40 || lb >= 40)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* ---- values ---- */

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Decimal digits only, no sign, no blanks; *end at the first non-digit. */
static int
parse_u64(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	*end = p;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < NKEYS(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static bool
valid_hostname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONFIG_HOSTNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':'))
			return false;
	}
	return s[0] != '-' && s[0] != '.';
}

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static int
valid_url(const char *s, char *err, size_t errlen)
{
	const char *rest;

	if (strncasecmp(s, "sqlite:", 7) == 0) {
		rest = s + 7;
		if (strncmp(rest, "//", 2) == 0) {
			rest += 2;
			if (*rest != '/') {
				snprintf(err, errlen, "a sqlite URL is "
				    "sqlite:///absolute/path or sqlite:path");
				return -1;
			}
		}
		if (*rest == '\0' || strcmp(rest, "/") == 0) {
			snprintf(err, errlen, "the sqlite URL names no file");
			return -1;
		}
		return 0;
	}
	if (strncasecmp(s, "postgresql:", 11) == 0) {
		if (s[11] == '\0') {
			snprintf(err, errlen, "empty postgresql URL");
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "unsupported database URL (use sqlite:///PATH "
	    "or postgresql://...)");
	return -1;
}

/* "16M" and friends. */
static int
parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, mult = 1;

	if (parse_u64(s, &v, &end) == -1)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1024;
		break;
	case 'm': case 'M':
		mult = 1024 * 1024;
		break;
	case 'g': case 'G':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static void
set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/*
 * Parse text v for key k and store it in the struct at base.  0, or -1
 * with the reason in err (without the key name).
 */
/*
 * An allow-list: addresses or networks ("10.0.0.0/8", "2001:db8::/32",
 * "192.0.2.7") separated by commas, semicolons or blanks.
 */
static int
valid_netlist(const char *v, char *err, size_t errlen)
{
	const char *p = v;
	int n = 0;

	for (;;) {
		char item[64], *slash;
		unsigned char a[16];
		size_t k;
		int v4;

		p += strspn(p, ",; \t");
		if (*p == '\0')
			break;
		k = strcspn(p, ",; \t");
		if (k >= sizeof(item)) {
			snprintf(err, errlen, "allow-list entry too long");
			return -1;
		}
		memcpy(item, p, k);
		item[k] = '\0';
		p += k;
		if ((slash = strchr(item, '/')) != NULL)
			*slash++ = '\0';
		v4 = inet_pton(AF_INET, item, a) == 1;
		if (!v4 && inet_pton(AF_INET6, item, a) != 1) {
			snprintf(err, errlen, "\"%.40s\" is not a numeric IPv4 "
			    "or IPv6 address", item);
			return -1;
		}
		if (slash != NULL) {
			char *end;
			long bits;

			if (*slash < '0' || *slash > '9' ||
			    (bits = strtol(slash, &end, 10)) > (v4 ? 32 : 128) ||
			    *end != '\0') {
				snprintf(err, errlen, "bad prefix length in "
				    "\"%.40s/%.8s\"", item, slash);
				return -1;
			}
		}
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no address in the list");
		return -1;
	}
	return 0;
}

static int
set_value(void *base, const struct key *k, const char *v, char *err,
    size_t errlen)
{
	char *field = (char *)base + k->off;
	char shown[64];
	uint64_t u;
	const char *end;
	enum log_level lvl;
	bool b;
	size_t n = strlen(v);

	if (n == 0) {
		snprintf(err, errlen, "empty value");
		return -1;
	}
	if (n > CONFIG_VALUE_MAX || has_control(v)) {
		snprintf(err, errlen, "value too long or has control characters");
		return -1;
	}
	show(shown, v, n);

	switch (k->type) {
	case K_STRING:
		if (!valid_hostname(v)) {
			snprintf(err, errlen, "\"%s\" is not a host name", shown);
			return -1;
		}
		set_string((char **)(void *)field, v);
		return 0;
	case K_PATH: {
		char *p;
		if (v[0] != '/') {
			snprintf(err, errlen, "\"%s\" is not an absolute path",
			    shown);
			return -1;
		}
		if (n >= PATH_MAX) {
			snprintf(err, errlen, "path too long");
			return -1;
		}
		p = xstrdup(v);
		while (n > 1 && p[n - 1] == '/')
			p[--n] = '\0';
		/*
		 * INI values lose trailing blanks, so a path that ends in one
		 * once its trailing slashes are gone ("/a /") could never be
		 * written back (config_dump) and read the same: refuse it.
		 * Found by fuzz/config.c.
		 */
		if (p[n - 1] == ' ' || p[n - 1] == '\t') {
			free(p);
			snprintf(err, errlen, "\"%s\": a path must not end in "
			    "a blank", shown);
			return -1;
		}
		free(*(char **)(void *)field);
		*(char **)(void *)field = p;
		return 0;
	}
	case K_URL:
		if (valid_url(v, err, errlen) == -1)
			return -1;
		set_string((char **)(void *)field, v);
		return 0;
	case K_NETLIST:
		if (valid_netlist(v, err, errlen) == -1)
			return -1;
		set_string((char **)(void *)field, v);
		return 0;
	case K_ADDRESS: {
		unsigned char a[16];
		if (inet_pton(AF_INET, v, a) != 1 &&
		    inet_pton(AF_INET6, v, a) != 1) {
			snprintf(err, errlen, "\"%s\" is not a numeric IPv4 or "
			    "IPv6 address", shown);
			return -1;
		}
		set_string((char **)(void *)field, v);
		return 0;
	}
	case K_BOOL:
		if (parse_bool(v, &b) == -1) {
			snprintf(err, errlen, "\"%s\" is not yes or no", shown);
			return -1;
		}
		*(bool *)(void *)field = b;
		return 0;
	case K_PORT:
	case K_UINT:
		if (parse_u64(v, &u, &end) == -1 || *end != '\0' ||
		    u < k->min || u > k->max) {
			snprintf(err, errlen, "\"%s\" is not a%s number from "
			    "%" PRIu64 " to %" PRIu64, shown,
			    k->type == K_PORT ? " port" : "",
			    k->min, k->max);
			return -1;
		}
		if (k->type == K_PORT)
			*(uint16_t *)(void *)field = (uint16_t)u;
		else
			*(unsigned *)(void *)field = (unsigned)u;
		return 0;
	case K_SIZE:
		if (parse_size(v, &u) == -1 || u < k->min || u > k->max ||
		    u > SIZE_MAX) {
			snprintf(err, errlen, "\"%s\" is not a size from "
			    "%" PRIu64 " to %" PRIu64 " bytes (suffix K, M "
			    "or G allowed)", shown, k->min, k->max);
			return -1;
		}
		*(size_t *)(void *)field = (size_t)u;
		return 0;
	case K_LOGLEVEL:
		if (log_level_parse(v, &lvl) == -1) {
			snprintf(err, errlen, "\"%s\" is not one of error, "
			    "warn, info, debug", shown);
			return -1;
		}
		*(enum log_level *)(void *)field = lvl;
		return 0;
	case K_LOGTARGET:
		if (strcmp(v, "stderr") == 0)
			b = false;
		else if (strcmp(v, "syslog") == 0)
			b = true;
		else {
			snprintf(err, errlen, "\"%s\" is not stderr or syslog",
			    shown);
			return -1;
		}
		*(bool *)(void *)field = b;
		return 0;
	case K_TLSVER: {
		static const struct { const char *s; enum tls_version v; } tv[] = {
			{ "1.0", TLS_VERSION_1_0 }, { "1.1", TLS_VERSION_1_1 },
			{ "1.2", TLS_VERSION_1_2 }, { "1.3", TLS_VERSION_1_3 },
		};
		for (size_t i = 0; i < NKEYS(tv); i++) {
			if (strcmp(v, tv[i].s) == 0) {
				*(enum tls_version *)(void *)field = tv[i].v;
				return 0;
			}
		}
		snprintf(err, errlen, "\"%s\" is not 1.0, 1.1, 1.2 or 1.3",
		    shown);
		return -1;
	}
	}
	snprintf(err, errlen, "internal error: unknown key type");
	return -1;
}

/* Apply every table default to base. */
static void
apply_defaults(void *base, enum section_type st)
{
	char err[128];

	for (size_t i = 0; i < sections[st].nkeys; i++) {
		const struct key *k = &sections[st].keys[i];
		if (k->def != NULL && set_value(base, k, k->def, err,
		    sizeof(err)) == -1)
			fatalx("config: bad built-in default for %s: %s",
			    k->name, err);
	}
}

static const struct key *
find_key(enum section_type st, const char *name, size_t *idx)
{
	for (size_t i = 0; i < sections[st].nkeys; i++) {
		if (strcmp(sections[st].keys[i].name, name) == 0) {
			*idx = i;
			return &sections[st].keys[i];
		}
	}
	return NULL;
}

/* ---- the struct ---- */

static void
listener_free(struct config_listener *l)
{
	free(l->address);
	free(l->tls_certificate);
	free(l->tls_key);
	memset(l, 0, sizeof(*l));
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->server_name);
	free(cfg->content_dir);
	free(cfg->database_url);
	free(cfg->state_dir);
	free(cfg->tls_certificate);
	free(cfg->tls_key);
	free(cfg->upstream_allow);
	for (size_t i = 0; i < cfg->nlisteners && i < CONFIG_MAX_LISTENERS; i++)
		listener_free(&cfg->listeners[i]);
	memset(cfg, 0, sizeof(*cfg));
}

/* Defaults without any listener. */
static void
defaults_base(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	apply_defaults(cfg, SECT_SERVER);
	apply_defaults(cfg, SECT_LIMITS);
}

static struct config_listener *
listener_new(struct config *cfg, const char *name, int line)
{
	struct config_listener *l = &cfg->listeners[cfg->nlisteners++];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->line = line;
	apply_defaults(l, SECT_LISTENER);
	return l;
}

/* Fill what is derived from other keys: TLS paths, listener ports. */
static void
derive(struct config *cfg)
{
	if (cfg->tls_certificate == NULL)
		cfg->tls_certificate = xasprintf("%s/tls/wsusd.crt",
		    strcmp(cfg->state_dir, "/") == 0 ? "" : cfg->state_dir);
	if (cfg->tls_key == NULL)
		cfg->tls_key = xasprintf("%s/tls/wsusd.key",
		    strcmp(cfg->state_dir, "/") == 0 ? "" : cfg->state_dir);
	if (cfg->nlisteners == 0)
		listener_new(cfg, "default", 0);
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		struct config_listener *l = &cfg->listeners[i];
		if (l->port == 0)
			l->port = l->tls ? 8531 : CONFIG_DEFAULT_PORT;
	}
}

void
config_defaults(struct config *cfg)
{
	defaults_base(cfg);
	derive(cfg);
}

/* ---- parsing ---- */

static bool
valid_listener_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONFIG_LISTENER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* A "[...]" line: s has no leading blanks, n bytes without the newline. */
static void
section_header(struct parser *ps, const char *s, size_t n)
{
	struct config *cfg = ps->cfg;
	const char *close, *a, *b, *name;
	char type[16], nm[128], shown[64];
	size_t tn, nn;
	int line = ps->lineno;

	ps->sect = SECT_SKIP;
	ps->cur = NULL;
	ps->seen = NULL;
	snprintf(ps->sectname, sizeof(ps->sectname), "?");

	if ((close = memchr(s, ']', n)) == NULL) {
		add_error(ps, line, "section header without closing \"]\"");
		return;
	}
	for (const char *t = close + 1; t < s + n; t++) {
		if (*t == ';' || *t == '#')
			break;
		if (!is_ws(*t)) {
			add_error(ps, line, "unexpected text after \"]\"");
			return;
		}
	}
	/* the type word, then the name */
	for (a = s + 1; a < close && is_ws(*a); a++)
		;
	for (b = a; b < close && !is_ws(*b); b++)
		;
	tn = (size_t)(b - a);
	for (name = b; name < close && is_ws(*name); name++)
		;
	nn = (size_t)(close - name);
	while (nn > 0 && is_ws(name[nn - 1]))
		nn--;

	if (tn == 0) {
		add_error(ps, line, "empty section name \"[]\"");
		return;
	}
	if (tn >= sizeof(type) || nn >= sizeof(nm)) {
		add_error(ps, line, "unknown section [%s]",
		    show(shown, a, (size_t)(close - a)));
		return;
	}
	memcpy(type, a, tn);
	type[tn] = '\0';
	memcpy(nm, name, nn);
	nm[nn] = '\0';

	if (strcmp(type, "server") == 0 || strcmp(type, "limits") == 0) {
		enum section_type st = type[0] == 's' ? SECT_SERVER : SECT_LIMITS;
		if (nn != 0) {
			add_error(ps, line, "section [%s] takes no name", type);
			return;
		}
		if (ps->header_line[st] != 0) {
			add_error(ps, line, "duplicate section [%s] (first on "
			    "line %d)", type, ps->header_line[st]);
			return;
		}
		ps->header_line[st] = line;
		ps->sect = st;
		ps->seen = st == SECT_SERVER ? ps->seen_server : ps->seen_limits;
		snprintf(ps->sectname, sizeof(ps->sectname), "%s", type);
		return;
	}
	if (strcmp(type, "listener") == 0) {
		if (nn == 0) {
			add_error(ps, line, "a listener needs a name: "
			    "[listener NAME]");
			return;
		}
		if (!valid_listener_name(nm)) {
			add_error(ps, line, "bad listener name \"%s\" (letters, "
			    "digits, '-', '_', '.'; at most %d)",
			    show(shown, nm, nn), CONFIG_LISTENER_NAME_MAX);
			return;
		}
		for (size_t i = 0; i < cfg->nlisteners; i++) {
			if (strcmp(cfg->listeners[i].name, nm) == 0) {
				add_error(ps, line, "duplicate listener \"%s\" "
				    "(first on line %d)", nm,
				    cfg->listeners[i].line);
				return;
			}
		}
		if (cfg->nlisteners >= CONFIG_MAX_LISTENERS) {
			add_error(ps, line, "too many listeners (at most %d)",
			    CONFIG_MAX_LISTENERS);
			return;
		}
		ps->seen = ps->seen_listener[cfg->nlisteners];
		ps->cur = listener_new(cfg, nm, line);
		ps->sect = SECT_LISTENER;
		snprintf(ps->sectname, sizeof(ps->sectname), "listener %s", nm);
		return;
	}
	add_error(ps, line, "unknown section [%s]",
	    show(shown, a, (size_t)(close - a)));
}

static int
handler(void *arg, const char *section, const char *name, const char *value)
{
	struct parser *ps = arg;
	const struct key *k;
	char err[200], shown[64], hint[96] = "";
	size_t idx;
	void *base;
	int line = ps->lineno;

	(void)section;		/* ours is in ps->sect */
	ps->pending = 0;
	if (value == NULL)	/* INI_ALLOW_NO_VALUE builds */
		value = "";

	switch (ps->sect) {
	case SECT_SKIP:
		return 1;
	case SECT_NONE:
		add_error(ps, line, "key \"%s\" outside of any section",
		    show(shown, name, SIZE_MAX));
		return 0;
	default:
		break;
	}
	if (*name == '\0') {
		add_error(ps, line, "empty key name");
		return 0;
	}
	if ((k = find_key(ps->sect, name, &idx)) == NULL) {
		size_t best = SIZE_MAX;
		const char *bestname = NULL;
		for (size_t i = 0; i < sections[ps->sect].nkeys; i++) {
			size_t d = edit_distance(name,
			    sections[ps->sect].keys[i].name);
			if (d < best) {
				best = d;
				bestname = sections[ps->sect].keys[i].name;
			}
		}
		if (bestname != NULL && best <= 2)
			snprintf(hint, sizeof(hint), "; did you mean \"%s\"?",
			    bestname);
		for (int st = 0; st < SECT_NTYPES && hint[0] == '\0'; st++) {
			if (st != (int)ps->sect && find_key(st, name, &idx))
				snprintf(hint, sizeof(hint), "; it belongs in "
				    "[%s%s]", sections[st].name,
				    st == SECT_LISTENER ? " NAME" : "");
		}
		add_error(ps, line, "unknown key \"%s\" in [%s]%s",
		    show(shown, name, SIZE_MAX), ps->sectname, hint);
		return 0;
	}
	if (ps->seen[idx] != 0) {
		add_error(ps, line, "duplicate key \"%s\" in [%s] (first on "
		    "line %d)", k->name, ps->sectname, ps->seen[idx]);
		return 0;
	}
	ps->seen[idx] = line;
	base = ps->sect == SECT_LISTENER ? (void *)ps->cur : (void *)ps->cfg;
	if (set_value(base, k, value, err, sizeof(err)) == -1) {
		add_error(ps, line, "%s: %s", k->name, err);
		return 0;
	}
	return 1;
}

/* Report a "key = value" line for which inih did not call the handler. */
static void
check_pending(struct parser *ps)
{
	if (ps->pending != 0) {
		add_error(ps, ps->pending, "syntax error: expected "
		    "\"key = value\", \"[section]\" or a comment");
		ps->pending = 0;
	}
}

/* ini_reader: one line of the text per call, see the top of the file. */
static char *
reader(char *buf, int num, void *arg)
{
	struct parser *ps = arg;
	const char *s, *e, *nl;
	size_t n;

	check_pending(ps);
	if (ps->p >= ps->end || num < 2)
		return NULL;
	s = ps->p;
	nl = memchr(s, '\n', (size_t)(ps->end - s));
	e = nl != NULL ? nl : ps->end;
	ps->p = nl != NULL ? nl + 1 : ps->end;
	ps->lineno++;
	ps->line_max = num - 1;

	if (ps->lineno == 1 && e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;		/* UTF-8 byte order mark */
	while (s < e && is_ws(*s))
		s++;
	while (e > s && is_ws(e[-1]))
		e--;
	n = (size_t)(e - s);
	buf[0] = '\0';

	if (n == 0 || *s == ';' || *s == '#')
		return buf;
	if (*s == '[') {
		section_header(ps, s, n);
		return buf;
	}
	if (n > (size_t)num - 1) {
		add_error(ps, ps->lineno, "line too long (at most %d "
		    "characters)", num - 1);
		return buf;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	ps->pending = ps->lineno;
	return buf;
}

/* The same-address check: 0.0.0.0 and :: clash with any address of
 * their family on the same port. */
static void
check_listeners(struct parser *ps)
{
	struct config *cfg = ps->cfg;
	unsigned char a[CONFIG_MAX_LISTENERS][16];
	int fam[CONFIG_MAX_LISTENERS];
	bool any[CONFIG_MAX_LISTENERS];
	static const unsigned char zero[16];

	for (size_t i = 0; i < cfg->nlisteners; i++) {
		struct config_listener *l = &cfg->listeners[i];
		memset(a[i], 0, 16);
		if (inet_pton(AF_INET, l->address, a[i]) == 1)
			fam[i] = AF_INET;
		else if (inet_pton(AF_INET6, l->address, a[i]) == 1)
			fam[i] = AF_INET6;
		else
			fam[i] = 0;	/* cannot happen: checked on parse */
		any[i] = memcmp(a[i], zero, 16) == 0;

		if ((l->tls_certificate == NULL) != (l->tls_key == NULL))
			add_error(ps, l->line, "[listener %s]: set "
			    "tls_certificate and tls_key together", l->name);

		for (size_t j = 0; j < i; j++) {
			struct config_listener *o = &cfg->listeners[j];
			if (o->port != l->port || fam[i] != fam[j])
				continue;
			if (memcmp(a[i], a[j], 16) != 0 && !any[i] && !any[j])
				continue;
			add_error(ps, l->line, "[listener %s]: %s port %u "
			    "clashes with [listener %s] on line %d (%s port "
			    "%u)", l->name, l->address, l->port, o->name,
			    o->line, o->address, o->port);
		}
	}
}

static void
validate(struct parser *ps)
{
	struct config *cfg = ps->cfg;
	size_t ic = 0, ik = 0;

	if (find_key(SECT_SERVER, "tls_certificate", &ic) != NULL &&
	    find_key(SECT_SERVER, "tls_key", &ik) != NULL &&
	    (ps->seen_server[ic] != 0) != (ps->seen_server[ik] != 0))
		add_error(ps, ps->seen_server[ic] ? ps->seen_server[ic] :
		    ps->seen_server[ik], "[server]: set tls_certificate and "
		    "tls_key together");
	derive(cfg);
	check_listeners(ps);
}

/* Stable sort of the recorded errors by line (0 = whole file, last). */
static void
sort_errors(struct config_errors *errs)
{
	if (errs == NULL)
		return;
	for (size_t i = 1; i < errs->n; i++) {
		struct config_error t = errs->e[i];
		size_t j = i;
		if (t.line == 0)
			continue;
		while (j > 0 && (errs->e[j - 1].line == 0 ||
		    errs->e[j - 1].line > t.line)) {
			errs->e[j] = errs->e[j - 1];
			j--;
		}
		errs->e[j] = t;
	}
}

static int
parse_text(struct config *cfg, const char *text, size_t len,
    struct config_errors *errs)
{
	struct parser ps;
	int r;

	memset(&ps, 0, sizeof(ps));
	ps.cfg = cfg;
	ps.errs = errs;
	ps.p = text;
	ps.end = text + len;
	ps.sect = SECT_NONE;

	r = ini_parse_stream(reader, &ps, handler, &ps);
	check_pending(&ps);
	if (r == -2)
		add_error(&ps, 0, "out of memory while parsing");
	else if (r != 0 && ps.nerrors == 0)
		add_error(&ps, r, "syntax error");
	validate(&ps);
	sort_errors(errs);
	return ps.nerrors == 0 ? 0 : -1;
}

static void
errs_init(struct config_errors *errs)
{
	if (errs != NULL)
		errs->n = 0;
}

int
config_load_string(const char *text, struct config *cfg,
    struct config_errors *errs)
{
	errs_init(errs);
	defaults_base(cfg);
	return parse_text(cfg, text, strlen(text), errs);
}

int
config_load(const char *path, struct config *cfg, struct config_errors *errs)
{
	char *text = NULL;
	const char *nul;
	size_t len;
	int r;

	errs_init(errs);
	defaults_base(cfg);
	cfg->path = xstrdup(path);
	if (read_file(path, CONFIG_FILE_MAX, &text, &len) == -1) {
		struct parser ps = { .errs = errs };
		add_error(&ps, 0, "%s", errno == EFBIG ? "file too large "
		    "(at most 1 MiB)" : strerror(errno));
		derive(cfg);
		return -1;
	}
	if ((nul = memchr(text, '\0', len)) != NULL) {
		struct parser ps = { .errs = errs };
		int line = 1;
		for (const char *t = text; t < nul; t++)
			line += *t == '\n';
		add_error(&ps, line, "NUL byte in the file");
		free(text);
		derive(cfg);
		return -1;
	}
	r = parse_text(cfg, text, len, errs);
	free(text);
	return r;
}

int
config_set(struct config *cfg, const char *section, const char *key,
    const char *value, char *err, size_t errlen)
{
	enum section_type st;
	const struct key *k;
	char why[200];
	size_t idx;

	if (strcmp(section, "server") == 0)
		st = SECT_SERVER;
	else if (strcmp(section, "limits") == 0)
		st = SECT_LIMITS;
	else {
		snprintf(err, errlen, "unknown section [%s]", section);
		return -1;
	}
	if ((k = find_key(st, key, &idx)) == NULL) {
		snprintf(err, errlen, "unknown key \"%s\" in [%s]", key,
		    section);
		return -1;
	}
	if (set_value(cfg, k, value, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

void
config_errors_print(const struct config_errors *errs, const char *path,
    FILE *fp)
{
	for (size_t i = 0; i < errs->n; i++) {
		const struct config_error *e = &errs->e[i];
		if (path != NULL && e->line > 0)
			fprintf(fp, "%s:%d: %s\n", path, e->line, e->msg);
		else if (path != NULL)
			fprintf(fp, "%s: %s\n", path, e->msg);
		else if (e->line > 0)
			fprintf(fp, "line %d: %s\n", e->line, e->msg);
		else
			fprintf(fp, "%s\n", e->msg);
	}
}

/* ---- output ---- */

static const char *
size_text(char *out, size_t outlen, uint64_t v)
{
	static const char suffix[] = "GMK";
	uint64_t m = 1024ull * 1024 * 1024;

	for (int i = 0; i < 3; i++, m /= 1024) {
		if (v != 0 && v % m == 0) {
			snprintf(out, outlen, "%" PRIu64 "%c", v / m, suffix[i]);
			return out;
		}
	}
	snprintf(out, outlen, "%" PRIu64, v);
	return out;
}

/* The text of a key's value in the struct at base; NULL when unset. */
static const char *
value_text(const void *base, const struct key *k, char *out, size_t outlen)
{
	const char *field = (const char *)base + k->off;

	switch (k->type) {
	case K_STRING:
	case K_PATH:
	case K_URL:
	case K_ADDRESS:
	case K_NETLIST:
		return *(char *const *)(const void *)field;
	case K_BOOL:
		return *(const bool *)(const void *)field ? "yes" : "no";
	case K_PORT:
		snprintf(out, outlen, "%u", *(const uint16_t *)(const void *)field);
		return out;
	case K_UINT:
		snprintf(out, outlen, "%u", *(const unsigned *)(const void *)field);
		return out;
	case K_SIZE:
		return size_text(out, outlen, *(const size_t *)(const void *)field);
	case K_LOGLEVEL:
		return log_level_name(*(const enum log_level *)(const void *)field);
	case K_LOGTARGET:
		return *(const bool *)(const void *)field ? "syslog" : "stderr";
	case K_TLSVER: {
		int v = (int)*(const enum tls_version *)(const void *)field;
		snprintf(out, outlen, "%d.%d", v / 10, v % 10);
		return out;
	}
	}
	return NULL;
}

static void
dump_section(const void *base, enum section_type st, FILE *fp)
{
	char tmp[64];

	for (size_t i = 0; i < sections[st].nkeys; i++) {
		const struct key *k = &sections[st].keys[i];
		const char *v = value_text(base, k, tmp, sizeof(tmp));
		if (v != NULL)
			fprintf(fp, "%s = %s\n", k->name, v);
		else if (st == SECT_LISTENER)
			fprintf(fp, "; %s =   (the [server] one)\n", k->name);
		else
			fprintf(fp, "; %s =   (not set)\n", k->name);
	}
}

void
config_dump(const struct config *cfg, FILE *fp)
{
	if (cfg->path != NULL)
		fprintf(fp, "; effective configuration from %s\n", cfg->path);
	else
		fprintf(fp, "; effective configuration\n");
	fprintf(fp, "[server]\n");
	dump_section(cfg, SECT_SERVER, fp);
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		fprintf(fp, "\n[listener %s]\n", cfg->listeners[i].name);
		dump_section(&cfg->listeners[i], SECT_LISTENER, fp);
	}
	fprintf(fp, "\n[limits]\n");
	dump_section(cfg, SECT_LIMITS, fp);
}

int
config_key_info(size_t i, const char **section, const char **key,
    const char **def)
{
	for (int st = 0; st < SECT_NTYPES; st++) {
		if (i < sections[st].nkeys) {
			*section = sections[st].name;
			*key = sections[st].keys[i].name;
			*def = sections[st].keys[i].def;
			return 0;
		}
		i -= sections[st].nkeys;
	}
	return -1;
}

int
config_sqlite_path(const char *url, char *out, size_t outlen)
{
	const char *p;

	if (strncasecmp(url, "sqlite:", 7) != 0)
		return -1;
	p = url + 7;
	if (strncmp(p, "//", 2) == 0)
		p += 2;
	if (*p == '\0' || (size_t)snprintf(out, outlen, "%s", p) >= outlen)
		return -1;
	return 0;
}
