/*
 * machine.c — the simulated machine: defaults, the INI and JSON machine
 * files, and the lookups the rule evaluator needs.  See machine.h and
 * docs/CLIENT.md.
 *
 * The INI reader is our own (not inih): registry and file paths contain
 * ':' and are longer than inih's line limit.  Lines are "key = value"
 * split at the first '=', "[section]" headers, and comment lines starting
 * with '#' or ';'.  There are no inline comments (values contain ';').
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "client/machine.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

#define MACHINE_MAX_LINE	8192

/* ---- defaults ----------------------------------------------------------- */

void
machine_default(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->dns_name = xstrdup("REDACTED3");
	m->os_major = 10;
	m->os_minor = 0;
	m->os_build = 26200;
	m->os_revision = 8037;
	m->product_type = 1;
	m->suite_mask = 256;
	m->new_product_type = 48;
	m->arch = xstrdup("AMD64");
	m->locale = xstrdup("en-US");
	m->locale_id = 1033;
	m->manufacturer = xstrdup("QEMU");
	m->model = xstrdup("Standard PC (Q35 + ICH9, 2009)");
	m->bios_version = xstrdup("unknown");
	m->bios_name = xstrdup("unknown");
	m->bios_date = xstrdup("2022-02-02");
	m->os_description = xstrdup("Windows 10 Pro");
	m->oem = xstrdup("QEMU");
	m->device_type = xstrdup("Standard PC (Q35 + ICH9, 2009)");
	m->firmware_version = xstrdup("unknown");
	m->mobile_operator = xstrdup("Not Present");
	m->client_version[0] = 1507;
	m->client_version[1] = 2601;
	m->client_version[2] = 30012;
	m->client_version[3] = 0;
	m->protocol_version = xstrdup("2.90");
	m->languages = xcalloc(1, sizeof(char *));
	m->languages[0] = xstrdup("en");
	m->nlanguages = 1;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
machine_free(struct machine *m)
{
	free(m->dns_name);
	free(m->arch);
	free(m->locale);
	free(m->manufacturer);
	free(m->model);
	free(m->bios_version);
	free(m->bios_name);
	free(m->bios_date);
	free(m->os_description);
	free(m->oem);
	free(m->device_type);
	free(m->firmware_version);
	free(m->mobile_operator);
	free(m->protocol_version);
	free(m->device_attributes);
	free(m->caller_attributes);
	free_strv(m->languages, m->nlanguages);
	free_strv(m->target_groups, m->ntarget_groups);
	free(m->installed);
	free(m->fail_install);
	for (size_t i = 0; i < m->nreg; i++) {
		free(m->reg[i].key);
		free(m->reg[i].value);
		free(m->reg[i].str);
	}
	free(m->reg);
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	for (size_t i = 0; i < m->ndevices; i++) {
		free_strv(m->devices[i].hwids, m->devices[i].nhwids);
		free_strv(m->devices[i].compat, m->devices[i].ncompat);
	}
	free(m->devices);
	free(m->computer_hwids);
	memset(m, 0, sizeof(*m));
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

static char **
dup_strv(char *const *v, size_t n)
{
	char **r;

	if (n == 0)
		return NULL;
	r = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

static void *
dup_mem(const void *p, size_t n)
{
	void *r;

	if (n == 0)
		return NULL;
	r = xmalloc(n);
	memcpy(r, p, n);
	return r;
}

void
machine_copy(struct machine *d, const struct machine *s)
{
	*d = *s;
	d->dns_name = dup_or_null(s->dns_name);
	d->arch = dup_or_null(s->arch);
	d->locale = dup_or_null(s->locale);
	d->manufacturer = dup_or_null(s->manufacturer);
	d->model = dup_or_null(s->model);
	d->bios_version = dup_or_null(s->bios_version);
	d->bios_name = dup_or_null(s->bios_name);
	d->bios_date = dup_or_null(s->bios_date);
	d->os_description = dup_or_null(s->os_description);
	d->oem = dup_or_null(s->oem);
	d->device_type = dup_or_null(s->device_type);
	d->firmware_version = dup_or_null(s->firmware_version);
	d->mobile_operator = dup_or_null(s->mobile_operator);
	d->protocol_version = dup_or_null(s->protocol_version);
	d->device_attributes = dup_or_null(s->device_attributes);
	d->caller_attributes = dup_or_null(s->caller_attributes);
	d->languages = dup_strv(s->languages, s->nlanguages);
	d->target_groups = dup_strv(s->target_groups, s->ntarget_groups);
	d->installed = dup_mem(s->installed, s->ninstalled * sizeof(struct guid));
	d->fail_install = dup_mem(s->fail_install,
	    s->nfail_install * sizeof(struct guid));
	d->computer_hwids = dup_mem(s->computer_hwids,
	    s->ncomputer_hwids * sizeof(struct guid));
	d->reg = s->nreg ? xcalloc(s->nreg, sizeof(*d->reg)) : NULL;
	for (size_t i = 0; i < s->nreg; i++) {
		d->reg[i] = s->reg[i];
		d->reg[i].key = dup_or_null(s->reg[i].key);
		d->reg[i].value = dup_or_null(s->reg[i].value);
		d->reg[i].str = s->reg[i].str == NULL ? NULL :
		    dup_mem(s->reg[i].str, s->reg[i].strlen + 1);
	}
	d->files = s->nfiles ? xcalloc(s->nfiles, sizeof(*d->files)) : NULL;
	for (size_t i = 0; i < s->nfiles; i++) {
		d->files[i] = s->files[i];
		d->files[i].path = xstrdup(s->files[i].path);
	}
	d->devices = s->ndevices ? xcalloc(s->ndevices, sizeof(*d->devices)) :
	    NULL;
	for (size_t i = 0; i < s->ndevices; i++) {
		d->devices[i].hwids = dup_strv(s->devices[i].hwids,
		    s->devices[i].nhwids);
		d->devices[i].nhwids = s->devices[i].nhwids;
		d->devices[i].compat = dup_strv(s->devices[i].compat,
		    s->devices[i].ncompat);
		d->devices[i].ncompat = s->devices[i].ncompat;
	}
}

/* ---- value checks --------------------------------------------------------- */

struct ld {
	struct machine	*m;
	const char	*name;		/* file name for messages */
	unsigned long	 line;		/* INI line, 0 for JSON */
	char		*err;
	size_t		 errlen;
};

static int
fail(struct ld *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct ld *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->line > 0)
		snprintf(ld->err, ld->errlen, "%s:%lu: %s", ld->name, ld->line,
		    msg);
	else
		snprintf(ld->err, ld->errlen, "%s: %s", ld->name, msg);
	return -1;
}

/* Printable text: no C0 controls (TAB allowed), no DEL, valid UTF-8. */
static bool
text_ok(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p != '\0') {
		unsigned c = *p;
		int extra;

		if (++n > max)
			return false;
		if (c < 0x20 && c != '\t')
			return false;
		if (c == 0x7f)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			extra = 1;
		else if (c >= 0xe0 && c <= 0xef)
			extra = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			extra = 3;
		else
			return false;
		p++;
		for (int i = 0; i < extra; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
		n += (size_t)extra;
	}
	return true;
}

static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
parse_version4(const char *s, uint16_t v[4])
{
	int part = 0;

	memset(v, 0, 4 * sizeof(uint16_t));
	if (*s == '\0')
		return -1;
	for (;;) {
		unsigned long x = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9') {
			x = x * 10 + (unsigned long)(*s++ - '0');
			if (x > 65535)
				return -1;
			digits++;
		}
		if (digits == 0 || part >= 4)
			return -1;
		v[part++] = (uint16_t)x;
		if (*s == '\0')
			return 0;
		if (*s++ != '.')
			return -1;
	}
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* Split v at sep into a new string vector (empty items dropped). */
static int
split_list(struct ld *ld, const char *v, char sep, char ***out, size_t *n)
{
	char *copy = xstrdup(v), *p = copy, *q;

	free_strv(*out, *n);
	*out = NULL;
	*n = 0;
	for (;;) {
		char *item;

		q = strchr(p, sep);
		if (q != NULL)
			*q = '\0';
		item = trim(p);
		if (*item != '\0') {
			if (*n >= MACHINE_MAX_LIST) {
				free(copy);
				return fail(ld, "too many items");
			}
			*out = xreallocarray(*out, *n + 1, sizeof(char *));
			(*out)[(*n)++] = xstrdup(item);
		}
		if (q == NULL)
			break;
		p = q + 1;
	}
	free(copy);
	return 0;
}

static int
add_guid(struct ld *ld, const char *v, struct guid **arr, size_t *n)
{
	struct guid g;

	if (guid_parsez(v, &g) == -1)
		return fail(ld, "'%s' is not a GUID", v);
	if (*n >= MACHINE_MAX_LIST)
		return fail(ld, "too many GUIDs");
	*arr = xreallocarray(*arr, *n + 1, sizeof(struct guid));
	(*arr)[(*n)++] = g;
	return 0;
}

/* A [machine] key. */
static int
set_key(struct ld *ld, const char *key, const char *v)
{
	struct machine *m = ld->m;
	char *const str_keys[] = { "dns_name", "architecture", "locale",
	    "manufacturer", "model", "bios_version", "bios_name",
	    "os_description", "oem", "device_type", "firmware_version",
	    "mobile_operator", "device_attributes", "caller_attributes" };
	char **str_fields[] = { &m->dns_name, &m->arch, &m->locale,
	    &m->manufacturer, &m->model, &m->bios_version, &m->bios_name,
	    &m->os_description, &m->oem, &m->device_type,
	    &m->firmware_version, &m->mobile_operator, &m->device_attributes,
	    &m->caller_attributes };
	const struct { const char *k; int *f; long lo, hi; } ints[] = {
		{ "product_type", &m->product_type, 0, 255 },
		{ "suite_mask", &m->suite_mask, 0, 65535 },
		{ "new_product_type", &m->new_product_type, 0, INT_MAX },
		{ "locale_id", &m->locale_id, 0, 0x7fffffff },
	};
	long x;
	uint16_t ver[4];

	if (!text_ok(v, strcmp(key, "device_attributes") == 0 ||
	    strcmp(key, "caller_attributes") == 0 ? MACHINE_MAX_ATTRS :
	    MACHINE_MAX_STRING))
		return fail(ld, "%s: control characters, bad UTF-8 or too long",
		    key);
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(str_keys[0]); i++) {
		if (strcmp(key, str_keys[i]) == 0) {
			if (*v == '\0' && strcmp(key, "dns_name") == 0)
				return fail(ld, "dns_name may not be empty");
			set_str(str_fields[i], v);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (strcmp(key, ints[i].k) == 0) {
			if (parse_int(v, ints[i].lo, ints[i].hi, &x) == -1)
				return fail(ld, "%s: '%s' is not a number from "
				    "%ld to %ld", key, v, ints[i].lo, ints[i].hi);
			*ints[i].f = (int)x;
			return 0;
		}
	}
	if (strcmp(key, "client_id") == 0) {
		struct guid g;
		if (guid_parsez(v, &g) == -1)
			return fail(ld, "client_id: '%s' is not a GUID", v);
		guid_format(&g, m->client_id, false);
		return 0;
	}
	if (strcmp(key, "os_version") == 0) {
		if (parse_version4(v, ver) == -1)
			return fail(ld, "os_version: '%s' is not "
			    "MAJOR.MINOR[.BUILD[.REVISION]]", v);
		m->os_major = ver[0];
		m->os_minor = ver[1];
		m->os_build = ver[2];
		m->os_revision = ver[3];
		return 0;
	}
	if (strcmp(key, "service_pack") == 0) {
		if (parse_version4(v, ver) == -1 || ver[2] || ver[3])
			return fail(ld, "service_pack: '%s' is not MAJOR[.MINOR]",
			    v);
		m->sp_major = ver[0];
		m->sp_minor = ver[1];
		return 0;
	}
	if (strcmp(key, "client_version") == 0) {
		if (parse_version4(v, ver) == -1)
			return fail(ld, "client_version: '%s' is not A.B.C.D", v);
		for (int i = 0; i < 4; i++)
			m->client_version[i] = ver[i];
		return 0;
	}
	if (strcmp(key, "protocol_version") == 0) {
		const char *p = v;
		int digits = 0, dots = 0;
		for (; *p; p++) {
			if (*p == '.')
				dots++;
			else if (*p >= '0' && *p <= '9')
				digits++;
			else
				break;
		}
		if (*p != '\0' || dots != 1 || digits < 2 || strlen(v) > 16 ||
		    v[0] == '.' || v[strlen(v) - 1] == '.')
			return fail(ld, "protocol_version: '%s' is not "
			    "DIGITS.DIGITS", v);
		set_str(&m->protocol_version, v);
		return 0;
	}
	if (strcmp(key, "bios_date") == 0) {
		int y, mo, d;
		char tail;
		if (sscanf(v, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 ||
		    strlen(v) != 10 || y < 1 || mo < 1 || mo > 12 || d < 1 ||
		    d > 31)
			return fail(ld, "bios_date: '%s' is not YYYY-MM-DD", v);
		set_str(&m->bios_date, v);
		return 0;
	}
	if (strcmp(key, "target_groups") == 0)
		return split_list(ld, v, ';', &m->target_groups,
		    &m->ntarget_groups);
	if (strcmp(key, "languages") == 0)
		return split_list(ld, v, ',', &m->languages, &m->nlanguages);
	if (strcmp(key, "unknown_rules") == 0) {
		if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
			m->unknown_rule_value = true;
		else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
			m->unknown_rule_value = false;
		else
			return fail(ld, "unknown_rules: '%s' is not true or "
			    "false", v);
		return 0;
	}
	return fail(ld, "unknown key '%s'", key);
}

/* "HKLM\a\b\Value" = "dword:1" etc. */
static int
add_registry(struct ld *ld, const char *path, const char *spec)
{
	static const struct { const char *abbr, *full; } roots[] = {
		{ "HKLM", "HKEY_LOCAL_MACHINE" }, { "HKCU", "HKEY_CURRENT_USER" },
		{ "HKCR", "HKEY_CLASSES_ROOT" }, { "HKU", "HKEY_USERS" },
		{ "HKCC", "HKEY_CURRENT_CONFIG" },
	};
	struct machine *m = ld->m;
	struct reg_entry e;
	const char *slash = strchr(path, '\\'), *root = NULL, *colon;
	char *full, *last;
	size_t rootlen;

	memset(&e, 0, sizeof(e));
	if (!text_ok(path, MACHINE_MAX_STRING) ||
	    !text_ok(spec, MACHINE_MAX_STRING))
		return fail(ld, "registry: control characters or too long");
	if (slash == NULL || slash[1] == '\0')
		return fail(ld, "registry: '%s' is not ROOT\\KEY\\VALUE", path);
	rootlen = (size_t)(slash - path);
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if ((strlen(roots[i].abbr) == rootlen &&
		    strncasecmp(path, roots[i].abbr, rootlen) == 0) ||
		    (strlen(roots[i].full) == rootlen &&
		    strncasecmp(path, roots[i].full, rootlen) == 0))
			root = roots[i].full;
	}
	if (root == NULL)
		return fail(ld, "registry: unknown root in '%s'", path);
	if (m->nreg >= MACHINE_MAX_LIST)
		return fail(ld, "registry: too many entries");
	full = xasprintf("%s%s", root, slash);
	lower(full);
	colon = strchr(spec, ':');
	if (strcasecmp(spec, "key") == 0) {
		size_t n = strlen(full);
		while (n > 0 && full[n - 1] == '\\')
			full[--n] = '\0';
		e.type = REG_T_KEY;
		e.key = full;
		goto add;
	}
	/* split off the value name (after the last '\'; "" for "...\") */
	last = strrchr(full, '\\');
	e.value = xstrdup(last + 1);
	*last = '\0';
	e.key = full;
	if (colon == NULL)
		goto bad;
	if (strncasecmp(spec, "dword:", 6) == 0 ||
	    strncasecmp(spec, "qword:", 6) == 0) {
		char *end;
		unsigned long long v;
		const char *num = spec + 6;
		int base = 10;
		if (num[0] == '0' && (num[1] == 'x' || num[1] == 'X')) {
			num += 2;
			base = 16;
		}
		if (*num == '\0' || *num == '-' || *num == '+')
			goto bad;
		errno = 0;
		v = strtoull(num, &end, base);
		if (errno != 0 || *end != '\0')
			goto bad;
		e.type = tolower((unsigned char)spec[0]) == 'd' ? REG_T_DWORD :
		    REG_T_QWORD;
		if (e.type == REG_T_DWORD && v > 0xffffffffULL)
			goto bad;
		e.num = v;
	} else if (strncasecmp(spec, "sz:", 3) == 0) {
		e.type = REG_T_SZ;
		e.str = xstrdup(spec + 3);
		e.strlen = strlen(e.str);
	} else if (strncasecmp(spec, "expand_sz:", 10) == 0) {
		e.type = REG_T_EXPAND_SZ;
		e.str = xstrdup(spec + 10);
		e.strlen = strlen(e.str);
	} else if (strncasecmp(spec, "multi_sz:", 9) == 0) {
		e.type = REG_T_MULTI_SZ;
		e.str = xstrdup(spec + 9);
		e.strlen = strlen(e.str);
		for (size_t i = 0; i < e.strlen; i++)
			if (e.str[i] == '|')
				e.str[i] = '\0';
	} else if (strncasecmp(spec, "binary:", 7) == 0) {
		const char *h = spec + 7;
		size_t n = strlen(h);
		if (n % 2 != 0)
			goto bad;
		e.type = REG_T_BINARY;
		e.str = xmalloc(n / 2 + 1);
		for (size_t i = 0; i < n / 2; i++) {
			unsigned x;
			if (sscanf(h + 2 * i, "%2x", &x) != 1 ||
			    !isxdigit((unsigned char)h[2 * i]) ||
			    !isxdigit((unsigned char)h[2 * i + 1])) {
				free(e.str);
				goto bad;
			}
			e.str[i] = (char)x;
		}
		e.str[n / 2] = '\0';
		e.strlen = n / 2;
	} else
		goto bad;
add:
	m->reg = xreallocarray(m->reg, m->nreg + 1, sizeof(*m->reg));
	m->reg[m->nreg++] = e;
	return 0;
bad:
	free(e.key);
	free(e.value);
	return fail(ld, "registry: '%s' is not key, dword:N, qword:N, sz:TEXT, "
	    "expand_sz:TEXT, multi_sz:A|B or binary:HEX", spec);
}

/* Lower case, '\' separators, no doubled separators. */
static char *
norm_path(const char *p)
{
	char *s = xstrdup(p), *o = s;

	for (const char *q = s; *q; q++) {
		char c = *q == '/' ? '\\' : (char)tolower((unsigned char)*q);
		if (c == '\\' && o > s && o[-1] == '\\')
			continue;
		*o++ = c;
	}
	*o = '\0';
	return s;
}

static int
add_file(struct ld *ld, const char *path, const char *version)
{
	struct machine *m = ld->m;
	struct file_entry f;

	memset(&f, 0, sizeof(f));
	if (*path == '\0' || !text_ok(path, MACHINE_MAX_STRING))
		return fail(ld, "files: bad path");
	if (*version != '\0' && strcmp(version, "-") != 0) {
		if (parse_version4(version, f.version) == -1)
			return fail(ld, "files: '%s' is not a version A.B.C.D",
			    version);
		f.has_version = true;
	}
	if (m->nfiles >= MACHINE_MAX_LIST)
		return fail(ld, "files: too many entries");
	f.path = norm_path(path);
	m->files = xreallocarray(m->files, m->nfiles + 1, sizeof(*m->files));
	m->files[m->nfiles++] = f;
	return 0;
}

/* "hwid1;hwid2|compat1;compat2" */
static int
add_device(struct ld *ld, const char *spec)
{
	struct machine *m = ld->m;
	struct device d;
	char *copy, *bar;
	int rc;

	memset(&d, 0, sizeof(d));
	if (!text_ok(spec, MACHINE_MAX_STRING))
		return fail(ld, "devices: control characters or too long");
	if (m->ndevices >= MACHINE_MAX_LIST)
		return fail(ld, "devices: too many entries");
	copy = xstrdup(spec);
	if ((bar = strchr(copy, '|')) != NULL)
		*bar++ = '\0';
	rc = split_list(ld, copy, ';', &d.hwids, &d.nhwids);
	if (rc == 0 && bar != NULL)
		rc = split_list(ld, bar, ';', &d.compat, &d.ncompat);
	free(copy);
	if (rc == 0 && d.nhwids == 0)
		rc = fail(ld, "devices: a device needs a hardware id");
	if (rc == -1) {
		free_strv(d.hwids, d.nhwids);
		free_strv(d.compat, d.ncompat);
		return -1;
	}
	m->devices = xreallocarray(m->devices, m->ndevices + 1,
	    sizeof(*m->devices));
	m->devices[m->ndevices++] = d;
	return 0;
}

static void
finish(struct machine *m)
{
	m->ninstalled = guid_sort_unique(m->installed, m->ninstalled);
	m->nfail_install = guid_sort_unique(m->fail_install, m->nfail_install);
}

/* ---- INI ------------------------------------------------------------------ */

enum section { S_NONE, S_MACHINE, S_INSTALLED, S_FAIL, S_REGISTRY, S_FILES,
	S_DEVICES, S_HWIDS };

static int
ini_line(struct ld *ld, enum section *sec, char *line)
{
	static const struct { const char *name; enum section s; } secs[] = {
		{ "machine", S_MACHINE }, { "installed", S_INSTALLED },
		{ "fail_install", S_FAIL }, { "registry", S_REGISTRY },
		{ "files", S_FILES }, { "devices", S_DEVICES },
		{ "computer_hwids", S_HWIDS },
	};
	char *s = trim(line), *eq, *key, *val;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *e = strchr(s, ']');
		if (e == NULL || e[1] != '\0')
			return fail(ld, "bad section header");
		*e = '\0';
		for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
			if (strcmp(trim(s + 1), secs[i].name) == 0) {
				*sec = secs[i].s;
				return 0;
			}
		}
		return fail(ld, "unknown section [%s]", s + 1);
	}
	eq = strchr(s, '=');
	if (eq != NULL) {
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
	} else {
		key = NULL;
		val = s;
	}
	switch (*sec) {
	case S_NONE:
		return fail(ld, "line outside of any section");
	case S_MACHINE:
		if (key == NULL)
			return fail(ld, "expected key = value");
		return set_key(ld, key, val);
	case S_INSTALLED:
	case S_FAIL:
	case S_HWIDS:
		/* "update = GUID" or a bare GUID */
		if (key != NULL && strcmp(key, "update") != 0 &&
		    strcmp(key, "hwid") != 0)
			return fail(ld, "expected update = GUID");
		return add_guid(ld, val, *sec == S_INSTALLED ? &ld->m->installed :
		    *sec == S_FAIL ? &ld->m->fail_install :
		    &ld->m->computer_hwids, *sec == S_INSTALLED ?
		    &ld->m->ninstalled : *sec == S_FAIL ? &ld->m->nfail_install :
		    &ld->m->ncomputer_hwids);
	case S_REGISTRY:
		if (key == NULL)
			return fail(ld, "expected PATH = TYPE:VALUE");
		return add_registry(ld, key, val);
	case S_FILES:
		if (key == NULL)
			return add_file(ld, val, "");
		return add_file(ld, key, val);
	case S_DEVICES:
		if (key != NULL && strcmp(key, "device") != 0)
			return fail(ld, "expected device = HWID;HWID|COMPATID");
		return add_device(ld, val);
	}
	return 0;
}

static int
load_ini(struct ld *ld, const char *text, size_t len)
{
	enum section sec = S_NONE;
	const char *p = text, *end = text + len;
	char *line = xmalloc(MACHINE_MAX_LINE + 1);
	int rc = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ld->line++;
		if (n > MACHINE_MAX_LINE) {
			rc = fail(ld, "line too long (at most %d bytes)",
			    MACHINE_MAX_LINE);
			break;
		}
		if (memchr(p, '\0', n) != NULL) {
			rc = fail(ld, "NUL byte");
			break;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		rc = ini_line(ld, &sec, line);
		p = nl ? nl + 1 : end;
	}
	free(line);
	return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

/* A scalar JSON value as text (strings as is, numbers and booleans). */
static int
json_text(struct ld *ld, const char *key, json_t *v, char *buf, size_t len,
    const char **out)
{
	if (json_is_string(v)) {
		*out = json_string_value(v);
		if (strlen(*out) != json_string_length(v))
			return fail(ld, "%s: NUL in string", key);
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*out = buf;
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v) ? "true" : "false";
		return 0;
	}
	return fail(ld, "%s: expected a string or a number", key);
}

static int
json_strings(struct ld *ld, const char *key, json_t *v,
    int (*each)(struct ld *, const char *, void *), void *arg)
{
	size_t i;
	json_t *item;

	if (!json_is_array(v))
		return fail(ld, "%s: expected an array", key);
	if (json_array_size(v) > MACHINE_MAX_LIST)
		return fail(ld, "%s: too many items", key);
	json_array_foreach(v, i, item) {
		char nb[32];
		const char *s;
		if (json_text(ld, key, item, nb, sizeof(nb), &s) == -1 ||
		    each(ld, s, arg) == -1)
			return -1;
	}
	return 0;
}

struct guid_list {
	struct guid	**arr;
	size_t		 *n;
};

static int
each_guid(struct ld *ld, const char *s, void *arg)
{
	struct guid_list *l = arg;

	return add_guid(ld, s, l->arr, l->n);
}

static int
join_into(struct ld *ld, const char *key, json_t *v, char sep)
{
	struct buf_s { char *p; size_t n; } b = { NULL, 0 };
	size_t i;
	json_t *item;
	int rc;

	if (!json_is_array(v))
		return fail(ld, "%s: expected an array", key);
	json_array_foreach(v, i, item) {
		char nb[32];
		const char *s;
		size_t l;
		if (json_text(ld, key, item, nb, sizeof(nb), &s) == -1) {
			free(b.p);
			return -1;
		}
		if (strchr(s, sep) != NULL) {
			free(b.p);
			return fail(ld, "%s: '%c' inside an item", key, sep);
		}
		l = strlen(s);
		if (b.n + l + 2 > MACHINE_MAX_ATTRS) {
			free(b.p);
			return fail(ld, "%s: too long", key);
		}
		b.p = realloc(b.p, b.n + l + 2);
		if (b.p == NULL)
			return fail(ld, "out of memory");
		if (b.n > 0)
			b.p[b.n++] = sep;
		memcpy(b.p + b.n, s, l + 1);
		b.n += l;
	}
	rc = set_key(ld, key, b.p != NULL ? b.p : "");
	free(b.p);
	return rc;
}

static int
json_device(struct ld *ld, json_t *d)
{
	json_t *h, *c, *item;
	size_t i, total;
	char *spec;
	int rc;

	if (json_is_string(d))
		return add_device(ld, json_string_value(d));
	if (!json_is_object(d))
		return fail(ld, "devices: expected strings or objects");
	h = json_object_get(d, "hardware_ids");
	c = json_object_get(d, "compatible_ids");
	if (!json_is_array(h) || (c != NULL && !json_is_array(c)))
		return fail(ld, "devices: hardware_ids (and compatible_ids) "
		    "must be arrays");
	total = 2;
	json_array_foreach(h, i, item) {
		if (!json_is_string(item))
			return fail(ld, "devices: ids must be strings");
		total += json_string_length(item) + 1;
	}
	if (c != NULL)
		json_array_foreach(c, i, item) {
			if (!json_is_string(item))
				return fail(ld, "devices: ids must be strings");
			total += json_string_length(item) + 1;
		}
	if (total > MACHINE_MAX_STRING)
		return fail(ld, "devices: too long");
	spec = xcalloc(1, total + 1);
	json_array_foreach(h, i, item) {
		if (i > 0)
			strcat(spec, ";");
		strcat(spec, json_string_value(item));
	}
	if (c != NULL && json_array_size(c) > 0) {
		strcat(spec, "|");
		json_array_foreach(c, i, item) {
			if (i > 0)
				strcat(spec, ";");
			strcat(spec, json_string_value(item));
		}
	}
	rc = add_device(ld, spec);
	free(spec);
	return rc;
}

static int
load_json(struct ld *ld, const char *text, size_t len)
{
	json_error_t je;
	json_t *root, *v;
	const char *key;
	int rc = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return fail(ld, "line %d: %s", je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(ld, "expected a JSON object");
	}
	json_object_foreach(root, key, v) {
		char nb[32];
		const char *s;

		if (strcmp(key, "installed") == 0 ||
		    strcmp(key, "fail_install") == 0 ||
		    strcmp(key, "computer_hwids") == 0) {
			struct guid_list l;
			if (key[0] == 'i') {
				l.arr = &ld->m->installed;
				l.n = &ld->m->ninstalled;
			} else if (key[0] == 'f') {
				l.arr = &ld->m->fail_install;
				l.n = &ld->m->nfail_install;
			} else {
				l.arr = &ld->m->computer_hwids;
				l.n = &ld->m->ncomputer_hwids;
			}
			rc = json_strings(ld, key, v, each_guid, &l);
		} else if (strcmp(key, "registry") == 0 ||
		    strcmp(key, "files") == 0) {
			const char *k2;
			json_t *v2;
			if (!json_is_object(v)) {
				rc = fail(ld, "%s: expected an object", key);
				break;
			}
			json_object_foreach(v, k2, v2) {
				if (key[0] == 'r' && json_is_integer(v2)) {
					char *spec = xasprintf("dword:%"
					    JSON_INTEGER_FORMAT,
					    json_integer_value(v2));
					rc = add_registry(ld, k2, spec);
					free(spec);
				} else if ((rc = json_text(ld, k2, v2, nb,
				    sizeof(nb), &s)) == 0)
					rc = key[0] == 'r' ?
					    add_registry(ld, k2, s) :
					    add_file(ld, k2, s);
				if (rc == -1)
					break;
			}
		} else if (strcmp(key, "devices") == 0) {
			size_t i;
			json_t *d;
			if (!json_is_array(v)) {
				rc = fail(ld, "devices: expected an array");
				break;
			}
			if (json_array_size(v) > MACHINE_MAX_LIST) {
				rc = fail(ld, "devices: too many");
				break;
			}
			json_array_foreach(v, i, d)
				if ((rc = json_device(ld, d)) == -1)
					break;
		} else if (json_is_array(v) &&
		    strcmp(key, "target_groups") == 0) {
			rc = join_into(ld, key, v, ';');
		} else if (json_is_array(v) && strcmp(key, "languages") == 0) {
			rc = join_into(ld, key, v, ',');
		} else if ((rc = json_text(ld, key, v, nb, sizeof(nb), &s)) == 0)
			rc = set_key(ld, key, s);
		if (rc == -1)
			break;
	}
	json_decref(root);
	return rc;
}

/* ---- loading --------------------------------------------------------------- */

int
machine_load_mem(struct machine *m, const char *name, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct ld ld = { m, name, 0, err, errlen };
	size_t i = 0;
	int rc;

	if (len > MACHINE_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than %u bytes", name,
		    MACHINE_MAX_FILE);
		goto failed;
	}
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == '{')
		rc = load_json(&ld, text, len);
	else
		rc = load_ini(&ld, text, len);
	if (rc == 0) {
		finish(m);
		return 0;
	}
failed:
	machine_free(m);
	machine_default(m);
	return -1;
}

int
machine_load(struct machine *m, const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (read_file(path, MACHINE_MAX_FILE, &text, &len) != 0) {
		snprintf(err, errlen, "%s: %s", path, errno == EFBIG ?
		    "file too large" : strerror(errno));
		return -1;
	}
	rc = machine_load_mem(m, path, text, len, err, errlen);
	free(text);
	return rc;
}

/* ---- lookups ---------------------------------------------------------------- */

bool
machine_is_installed(const struct machine *m, const struct guid *g)
{
	return guid_in(m->installed, m->ninstalled, g);
}

bool
machine_install_fails(const struct machine *m, const struct guid *g)
{
	return guid_in(m->fail_install, m->nfail_install, g);
}

void
machine_add_installed(struct machine *m, const struct guid *g)
{
	if (machine_is_installed(m, g))
		return;
	m->installed = xreallocarray(m->installed, m->ninstalled + 1,
	    sizeof(struct guid));
	m->installed[m->ninstalled++] = *g;
	m->ninstalled = guid_sort_unique(m->installed, m->ninstalled);
}

/* root + "\" + subkey, lower case, no trailing '\'; NULL when too long. */
static bool
full_key(const char *key, const char *subkey, char *out, size_t outlen)
{
	const char *root = key;
	size_t n;

	if (strcasecmp(key, "HKLM") == 0)
		root = "HKEY_LOCAL_MACHINE";
	else if (strcasecmp(key, "HKCU") == 0)
		root = "HKEY_CURRENT_USER";
	else if (strcasecmp(key, "HKCR") == 0)
		root = "HKEY_CLASSES_ROOT";
	else if (strcasecmp(key, "HKU") == 0)
		root = "HKEY_USERS";
	if (subkey == NULL || *subkey == '\0')
		n = (size_t)snprintf(out, outlen, "%s", root);
	else
		n = (size_t)snprintf(out, outlen, "%s\\%s", root,
		    subkey[0] == '\\' ? subkey + 1 : subkey);
	if (n >= outlen)
		return false;
	while (n > 0 && out[n - 1] == '\\')
		out[--n] = '\0';
	lower(out);
	return true;
}

const struct reg_entry *
machine_reg_value(const struct machine *m, const char *key,
    const char *subkey, const char *value)
{
	char k[2048];

	if (key == NULL || !full_key(key, subkey, k, sizeof(k)))
		return NULL;
	for (size_t i = 0; i < m->nreg; i++) {
		const struct reg_entry *e = &m->reg[i];
		if (e->type == REG_T_KEY || strcmp(e->key, k) != 0)
			continue;
		if (strcasecmp(e->value, value != NULL ? value : "") == 0)
			return e;
	}
	return NULL;
}

bool
machine_reg_key_exists(const struct machine *m, const char *key,
    const char *subkey)
{
	char k[2048];
	size_t n;

	if (key == NULL || !full_key(key, subkey, k, sizeof(k)))
		return false;
	n = strlen(k);
	for (size_t i = 0; i < m->nreg; i++) {
		const char *ek = m->reg[i].key;
		if (strncmp(ek, k, n) == 0 && (ek[n] == '\0' || ek[n] == '\\'))
			return true;
	}
	return false;
}

const struct file_entry *
machine_file(const struct machine *m, const char *path)
{
	char *p = norm_path(path);
	const struct file_entry *r = NULL;

	for (size_t i = 0; i < m->nfiles && r == NULL; i++)
		if (strcmp(m->files[i].path, p) == 0)
			r = &m->files[i];
	free(p);
	return r;
}

const char *
machine_report_arch(const struct machine *m)
{
	if (strcasecmp(m->arch, "AMD64") == 0 || strcasecmp(m->arch, "x64") == 0)
		return "Amd64Compatible";
	if (strcasecmp(m->arch, "X86") == 0)
		return "X86Compatible";
	if (strcasecmp(m->arch, "IA64") == 0)
		return "IA64Compatible";
	return "Unknown";
}

int
machine_processor_arch(const struct machine *m)
{
	if (strcasecmp(m->arch, "AMD64") == 0 || strcasecmp(m->arch, "x64") == 0)
		return 9;
	if (strcasecmp(m->arch, "X86") == 0)
		return 0;
	if (strcasecmp(m->arch, "IA64") == 0)
		return 6;
	if (strcasecmp(m->arch, "ARM64") == 0)
		return 12;
	if (strcasecmp(m->arch, "ARM") == 0)
		return 5;
	return -1;
}
