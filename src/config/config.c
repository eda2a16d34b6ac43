/*
 * config.c — wsusd.conf: INI read with inih, checked against one table of
 * known keys per section type (type, default, bounds; config_keys.c).
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
#include "config/config_keys.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define CONFIG_FILE_MAX		(1024 * 1024)	/* bytes in wsusd.conf */
#define CONFIG_LISTENER_NAME_MAX 63		/* fits config_listener.name */

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

/* ---- the struct ---- */

static void
listener_free(struct config_listener *l)
{
	free(l->address);
	free(l->tls_certificate);
	free(l->tls_key);
	free(l->tls_client_ca);
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
	free(cfg->access_log);
	for (size_t i = 0; i < cfg->nlisteners && i < CONFIG_MAX_LISTENERS; i++)
		listener_free(&cfg->listeners[i]);
	memset(cfg, 0, sizeof(*cfg));
}

/* Defaults without any listener. */
static void
defaults_base(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg_apply_defaults(cfg, SECT_SERVER);
	cfg_apply_defaults(cfg, SECT_LIMITS);
}

static struct config_listener *
listener_new(struct config *cfg, const char *name, int line)
{
	struct config_listener *l = &cfg->listeners[cfg->nlisteners++];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->line = line;
	cfg_apply_defaults(l, SECT_LISTENER);
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
		if (!cfg_is_ws(*t)) {
			add_error(ps, line, "unexpected text after \"]\"");
			return;
		}
	}
	/* the type word, then the name */
	for (a = s + 1; a < close && cfg_is_ws(*a); a++)
		;
	for (b = a; b < close && !cfg_is_ws(*b); b++)
		;
	tn = (size_t)(b - a);
	for (name = b; name < close && cfg_is_ws(*name); name++)
		;
	nn = (size_t)(close - name);
	while (nn > 0 && cfg_is_ws(name[nn - 1]))
		nn--;

	if (tn == 0) {
		add_error(ps, line, "empty section name \"[]\"");
		return;
	}
	if (tn >= sizeof(type) || nn >= sizeof(nm)) {
		add_error(ps, line, "unknown section [%s]",
		    cfg_show(shown, a, (size_t)(close - a)));
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
			    cfg_show(shown, nm, nn), CONFIG_LISTENER_NAME_MAX);
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
	    cfg_show(shown, a, (size_t)(close - a)));
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
		    cfg_show(shown, name, SIZE_MAX));
		return 0;
	default:
		break;
	}
	if (*name == '\0') {
		add_error(ps, line, "empty key name");
		return 0;
	}
	if ((k = cfg_find_key(ps->sect, name, &idx)) == NULL) {
		size_t best = SIZE_MAX;
		const char *bestname = NULL;
		for (size_t i = 0; i < config_sections[ps->sect].nkeys; i++) {
			size_t d = edit_distance(name,
			    config_sections[ps->sect].keys[i].name);
			if (d < best) {
				best = d;
				bestname = config_sections[ps->sect].keys[i].name;
			}
		}
		if (bestname != NULL && best <= 2)
			snprintf(hint, sizeof(hint), "; did you mean \"%s\"?",
			    bestname);
		for (int st = 0; st < SECT_NTYPES && hint[0] == '\0'; st++) {
			if (st != (int)ps->sect && cfg_find_key(st, name, &idx))
				snprintf(hint, sizeof(hint), "; it belongs in "
				    "[%s%s]", config_sections[st].name,
				    st == SECT_LISTENER ? " NAME" : "");
		}
		add_error(ps, line, "unknown key \"%s\" in [%s]%s",
		    cfg_show(shown, name, SIZE_MAX), ps->sectname, hint);
		return 0;
	}
	if (ps->seen[idx] != 0) {
		add_error(ps, line, "duplicate key \"%s\" in [%s] (first on "
		    "line %d)", k->name, ps->sectname, ps->seen[idx]);
		return 0;
	}
	ps->seen[idx] = line;
	base = ps->sect == SECT_LISTENER ? (void *)ps->cur : (void *)ps->cfg;
	if (cfg_set_value(base, k, value, err, sizeof(err)) == -1) {
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
	while (s < e && cfg_is_ws(*s))
		s++;
	while (e > s && cfg_is_ws(e[-1]))
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
		if (l->tls_client_auth != TLS_CLIENT_AUTH_NONE &&
		    (!l->tls || l->tls_client_ca == NULL))
			add_error(ps, l->line, "[listener %s]: tls_client_auth "
			    "needs tls = yes and tls_client_ca", l->name);

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

	if (cfg_find_key(SECT_SERVER, "tls_certificate", &ic) != NULL &&
	    cfg_find_key(SECT_SERVER, "tls_key", &ik) != NULL &&
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
	if ((k = cfg_find_key(st, key, &idx)) == NULL) {
		snprintf(err, errlen, "unknown key \"%s\" in [%s]", key,
		    section);
		return -1;
	}
	if (cfg_set_value(cfg, k, value, why, sizeof(why)) == -1) {
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
	case K_LOGFILE:
		return *(char *const *)(const void *)field != NULL ?
		    *(char *const *)(const void *)field : "off";
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
	case K_TLSCIPHERS: {
		unsigned v = (unsigned)*(const enum tls_ciphers *)(const void *)
		    field;
		return v < NKEYS(tls_ciphers_names) ? tls_ciphers_names[v] :
		    NULL;
	}
	case K_CLIENTAUTH: {
		unsigned v = (unsigned)*(const enum tls_client_auth *)
		    (const void *)field;
		return v < NKEYS(tls_client_auth_names) ?
		    tls_client_auth_names[v] : NULL;
	}
	case K_DSAUTH: {
		unsigned v = (unsigned)*(const enum downstream_auth *)
		    (const void *)field;
		return v < NKEYS(downstream_auth_names) ?
		    downstream_auth_names[v] : NULL;
	}
	}
	return NULL;
}

static void
dump_section(const void *base, enum section_type st, FILE *fp)
{
	char tmp[64];

	for (size_t i = 0; i < config_sections[st].nkeys; i++) {
		const struct key *k = &config_sections[st].keys[i];
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
		if (i < config_sections[st].nkeys) {
			*section = config_sections[st].name;
			*key = config_sections[st].keys[i].name;
			*def = config_sections[st].keys[i].def;
			return 0;
		}
		i -= config_sections[st].nkeys;
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
