/*
 * config_keys.c — the known keys of wsusd.conf (one table per section
 * type: type, default, bounds) and the checking and storing of one value
 * (see config_keys.h).  Not here: reading the file, sections, the order
 * of errors (config.c).
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

#include "config/config.h"
#include "config/config_keys.h"
#include "util/netlist.h"
#include "util/xmalloc.h"

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
	{ "access_log",		K_LOGFILE,  S(access_log),	0, 0, "off" },
	{ "downstream_auth",	K_DSAUTH,   S(downstream_auth),	0, 0, "anonymous" },
};

static const struct key listener_keys[] = {
	{ "address",		K_ADDRESS,  L(address),		0, 0, "0.0.0.0" },
	{ "port",		K_PORT,	    L(port),		1, 65535, NULL },
	{ "tls",		K_BOOL,	    L(tls),		0, 0, "no" },
	{ "tls_min_version",	K_TLSVER,   L(tls_min_version),	0, 0, "1.2" },
	{ "tls_ciphers",	K_TLSCIPHERS, L(tls_ciphers),	0, 0, "auto" },
	{ "tls_certificate",	K_PATH,	    L(tls_certificate),	0, 0, NULL },
	{ "tls_key",		K_PATH,	    L(tls_key),		0, 0, NULL },
	{ "tls_client_ca",	K_PATH,	    L(tls_client_ca),	0, 0, NULL },
	{ "tls_client_auth",	K_CLIENTAUTH, L(tls_client_auth), 0, 0, "none" },
};

static const struct key limits_keys[] = {
	{ "max_body_bytes",	K_SIZE,	S(max_body_bytes), 1024, 1024ull * 1024 * 1024, "16M" },
	{ "max_connections",	K_UINT,	S(max_connections), 1, 65535, "1024" },
	{ "max_connections_per_ip", K_UINT, S(max_connections_per_ip), 0, 65535, "256" },
	{ "connection_timeout",	K_UINT,	S(connection_timeout), 1, 3600, "60" },
	{ "threads",		K_UINT,	S(threads), 0, 1024, "0" },
	{ "head_timeout",	K_UINT,	S(head_timeout), 1, 3600, "10" },
	{ "body_timeout",	K_UINT,	S(body_timeout), 1, 86400, "120" },
	{ "max_body_memory",	K_SIZE,	S(max_body_memory), 1024ull * 1024, 16ull * 1024 * 1024 * 1024, "64M" },
};

#undef S
#undef L

const char *const tls_ciphers_names[3] = {
	[TLS_CIPHERS_AUTO] = "auto",
	[TLS_CIPHERS_MODERN] = "modern",
	[TLS_CIPHERS_COMPATIBLE] = "compatible",
};

const char *const tls_client_auth_names[3] = {
	[TLS_CLIENT_AUTH_NONE] = "none",
	[TLS_CLIENT_AUTH_OPTIONAL] = "optional",
	[TLS_CLIENT_AUTH_REQUIRE] = "require",
};

const char *const downstream_auth_names[4] = {
	[DOWNSTREAM_AUTH_ANONYMOUS] = "anonymous",
	[DOWNSTREAM_AUTH_CERTIFICATE] = "certificate",
	[DOWNSTREAM_AUTH_CREDENTIAL] = "credential",
	[DOWNSTREAM_AUTH_ANY_OF] = "any-of",
};

const struct config_section config_sections[SECT_NTYPES] = {
	[SECT_SERVER] =   { "server",   server_keys,   NKEYS(server_keys) },
	[SECT_LISTENER] = { "listener", listener_keys, NKEYS(listener_keys) },
	[SECT_LIMITS] =   { "limits",   limits_keys,   NKEYS(limits_keys) },
};

_Static_assert(NKEYS(server_keys) <= MAXKEYS, "MAXKEYS");
_Static_assert(NKEYS(listener_keys) <= MAXKEYS, "MAXKEYS");
_Static_assert(NKEYS(limits_keys) <= MAXKEYS, "MAXKEYS");

/*
 * Copy untrusted text into out for a message: at most 48 bytes, anything
 * but printable ASCII as '?', "..." when cut.
 */
const char *
cfg_show(char out[64], const char *s, size_t n)
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

/* ---- values ---- */

bool
cfg_is_ws(char c)
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
		int v4, r;

		if ((r = netlist_next(&p, item, sizeof(item))) == 0)
			break;
		if (r < 0) {
			snprintf(err, errlen, "allow-list entry too long");
			return -1;
		}
		if ((slash = strchr(item, '/')) != NULL)
			*slash++ = '\0';
		v4 = inet_pton(AF_INET, item, a) == 1;
		if (!v4 && inet_pton(AF_INET6, item, a) != 1) {
			snprintf(err, errlen, "\"%.40s\" is not a numeric IPv4 "
			    "or IPv6 address", item);
			return -1;
		}
		if (slash != NULL && netlist_prefix(slash, v4 ? 32 : 128) < 0) {
			snprintf(err, errlen, "bad prefix length in "
			    "\"%.40s/%.8s\"", item, slash);
			return -1;
		}
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no address in the list");
		return -1;
	}
	return 0;
}

int
cfg_set_value(void *base, const struct key *k, const char *v, char *err,
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
	cfg_show(shown, v, n);

	switch (k->type) {
	case K_STRING:
		if (!valid_hostname(v)) {
			snprintf(err, errlen, "\"%s\" is not a host name", shown);
			return -1;
		}
		set_string((char **)(void *)field, v);
		return 0;
	case K_LOGFILE:
		if (strcasecmp(v, "off") == 0) {
			free(*(char **)(void *)field);
			*(char **)(void *)field = NULL;
			return 0;
		}
		if (strcmp(v, "stderr") == 0) {
			set_string((char **)(void *)field, v);
			return 0;
		}
		if (v[0] != '/') {
			snprintf(err, errlen, "\"%s\" is not off, stderr or an "
			    "absolute path", shown);
			return -1;
		}
		/* FALLTHROUGH */
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
	case K_TLSCIPHERS:
		for (size_t i = 0; i < NKEYS(tls_ciphers_names); i++) {
			if (strcmp(v, tls_ciphers_names[i]) == 0) {
				*(enum tls_ciphers *)(void *)field =
				    (enum tls_ciphers)i;
				return 0;
			}
		}
		snprintf(err, errlen, "\"%s\" is not auto, modern or "
		    "compatible", shown);
		return -1;
	case K_CLIENTAUTH:
		for (size_t i = 0; i < NKEYS(tls_client_auth_names); i++) {
			if (strcmp(v, tls_client_auth_names[i]) == 0) {
				*(enum tls_client_auth *)(void *)field =
				    (enum tls_client_auth)i;
				return 0;
			}
		}
		snprintf(err, errlen, "\"%s\" is not none, optional or "
		    "require", shown);
		return -1;
	case K_DSAUTH:
		for (size_t i = 0; i < NKEYS(downstream_auth_names); i++) {
			if (strcmp(v, downstream_auth_names[i]) == 0) {
				*(enum downstream_auth *)(void *)field =
				    (enum downstream_auth)i;
				return 0;
			}
		}
		snprintf(err, errlen, "\"%s\" is not anonymous, certificate, "
		    "credential or any-of", shown);
		return -1;
	}
	snprintf(err, errlen, "internal error: unknown key type");
	return -1;
}

/* Apply every table default to base. */
void
cfg_apply_defaults(void *base, enum section_type st)
{
	char err[128];

	for (size_t i = 0; i < config_sections[st].nkeys; i++) {
		const struct key *k = &config_sections[st].keys[i];
		if (k->def != NULL && cfg_set_value(base, k, k->def, err,
		    sizeof(err)) == -1)
			fatalx("config: bad built-in default for %s: %s",
			    k->name, err);
	}
}

const struct key *
cfg_find_key(enum section_type st, const char *name, size_t *idx)
{
	for (size_t i = 0; i < config_sections[st].nkeys; i++) {
		if (strcmp(config_sections[st].keys[i].name, name) == 0) {
			*idx = i;
			return &config_sections[st].keys[i];
		}
	}
	return NULL;
}
