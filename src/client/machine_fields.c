/*
 * machine_fields.c — the fields of a machine file, whichever its format:
 * value checks (printable UTF-8, bounded numbers, versions, dates) and
 * the setters of each key, registry value, file, device and GUID list.
 *
 * Not here: the formats (machine_ini.c, machine_json.c), lookups
 * (machine.c).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/machine_internal.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* ---- value checks --------------------------------------------------------- */


int
mach_fail(struct ld *ld, const char *fmt, ...)
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

/* n decimal digits at s; -1 when one is not a digit. */
static int
digits_at(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Exactly "YYYY-MM-DD" (digits); 0 or -1.  Ranges are the caller's. */
static int
parse_date(const char *s, int *y, int *mo, int *d)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if ((*y = digits_at(s, 4)) < 0 || (*mo = digits_at(s + 5, 2)) < 0 ||
	    (*d = digits_at(s + 8, 2)) < 0)
		return -1;
	return 0;
}

/*
 * Printable text: no C0 controls (TAB allowed), no DEL, valid UTF-8
 * (util/utf8.h: no overlong forms, no surrogates).  max bounds the bytes
 * before the start of the last character.
 */
static bool
text_ok(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, k;

	while (*p != '\0') {
		if (++n > max)
			return false;
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
		if ((k = utf8_decode(p, 4, NULL)) == 0)
			return false;
		p += k;
		n += k - 1;
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

void
mach_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *
mach_trim(char *s)
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

	mach_free_strv(*out, *n);
	*out = NULL;
	*n = 0;
	for (;;) {
		char *item;

		q = strchr(p, sep);
		if (q != NULL)
			*q = '\0';
		item = mach_trim(p);
		if (*item != '\0') {
			if (*n >= MACHINE_MAX_LIST) {
				free(copy);
				return mach_fail(ld, "too many items");
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

int
mach_add_guid(struct ld *ld, const char *v, struct guid **arr, size_t *n)
{
	struct guid g;

	if (guid_parsez(v, &g) == -1)
		return mach_fail(ld, "'%s' is not a GUID", v);
	if (*n >= MACHINE_MAX_LIST)
		return mach_fail(ld, "too many GUIDs");
	*arr = xreallocarray(*arr, *n + 1, sizeof(struct guid));
	(*arr)[(*n)++] = g;
	return 0;
}

/* A [machine] key. */
int
mach_set_key(struct ld *ld, const char *key, const char *v)
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
		return mach_fail(ld, "%s: control characters, bad UTF-8 or too long",
		    key);
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(str_keys[0]); i++) {
		if (strcmp(key, str_keys[i]) == 0) {
			if (*v == '\0' && strcmp(key, "dns_name") == 0)
				return mach_fail(ld, "dns_name may not be empty");
			set_str(str_fields[i], v);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (strcmp(key, ints[i].k) == 0) {
			if (parse_int(v, ints[i].lo, ints[i].hi, &x) == -1)
				return mach_fail(ld, "%s: '%s' is not a number from "
				    "%ld to %ld", key, v, ints[i].lo, ints[i].hi);
			*ints[i].f = (int)x;
			return 0;
		}
	}
	if (strcmp(key, "client_id") == 0) {
		struct guid g;
		if (guid_parsez(v, &g) == -1)
			return mach_fail(ld, "client_id: '%s' is not a GUID", v);
		guid_format(&g, m->client_id, false);
		return 0;
	}
	if (strcmp(key, "os_version") == 0) {
		if (parse_version4(v, ver) == -1)
			return mach_fail(ld, "os_version: '%s' is not "
			    "MAJOR.MINOR[.BUILD[.REVISION]]", v);
		m->os_major = ver[0];
		m->os_minor = ver[1];
		m->os_build = ver[2];
		m->os_revision = ver[3];
		return 0;
	}
	if (strcmp(key, "service_pack") == 0) {
		if (parse_version4(v, ver) == -1 || ver[2] || ver[3])
			return mach_fail(ld, "service_pack: '%s' is not MAJOR[.MINOR]",
			    v);
		m->sp_major = ver[0];
		m->sp_minor = ver[1];
		return 0;
	}
	if (strcmp(key, "client_version") == 0) {
		if (parse_version4(v, ver) == -1)
			return mach_fail(ld, "client_version: '%s' is not A.B.C.D", v);
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
			return mach_fail(ld, "protocol_version: '%s' is not "
			    "DIGITS.DIGITS", v);
		set_str(&m->protocol_version, v);
		return 0;
	}
	if (strcmp(key, "bios_date") == 0) {
		int y, mo, d;
		if (parse_date(v, &y, &mo, &d) != 0 || y < 1 || mo < 1 ||
		    mo > 12 || d < 1 || d > 31)
			return mach_fail(ld, "bios_date: '%s' is not YYYY-MM-DD", v);
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
			return mach_fail(ld, "unknown_rules: '%s' is not true or "
			    "false", v);
		return 0;
	}
	return mach_fail(ld, "unknown key '%s'", key);
}

/* "HKLM\a\b\Value" = "dword:1" etc. */
int
mach_add_registry(struct ld *ld, const char *path, const char *spec)
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
		return mach_fail(ld, "registry: control characters or too long");
	if (slash == NULL || slash[1] == '\0')
		return mach_fail(ld, "registry: '%s' is not ROOT\\KEY\\VALUE", path);
	rootlen = (size_t)(slash - path);
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if ((strlen(roots[i].abbr) == rootlen &&
		    strncasecmp(path, roots[i].abbr, rootlen) == 0) ||
		    (strlen(roots[i].full) == rootlen &&
		    strncasecmp(path, roots[i].full, rootlen) == 0))
			root = roots[i].full;
	}
	if (root == NULL)
		return mach_fail(ld, "registry: unknown root in '%s'", path);
	if (m->nreg >= MACHINE_MAX_LIST)
		return mach_fail(ld, "registry: too many entries");
	full = xasprintf("%s%s", root, slash);
	mach_lower(full);
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
		if (hex_decode_n(h, n, (uint8_t *)e.str, n / 2) != 0) {
			free(e.str);
			goto bad;
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
	return mach_fail(ld, "registry: '%s' is not key, dword:N, qword:N, sz:TEXT, "
	    "expand_sz:TEXT, multi_sz:A|B or binary:HEX", spec);
}

/* Lower case, '\' separators, no doubled separators. */
char *
mach_norm_path(const char *p)
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

int
mach_add_file(struct ld *ld, const char *path, const char *version)
{
	struct machine *m = ld->m;
	struct file_entry f;

	memset(&f, 0, sizeof(f));
	if (*path == '\0' || !text_ok(path, MACHINE_MAX_STRING))
		return mach_fail(ld, "files: bad path");
	if (*version != '\0' && strcmp(version, "-") != 0) {
		if (parse_version4(version, f.version) == -1)
			return mach_fail(ld, "files: '%s' is not a version A.B.C.D",
			    version);
		f.has_version = true;
	}
	if (m->nfiles >= MACHINE_MAX_LIST)
		return mach_fail(ld, "files: too many entries");
	f.path = mach_norm_path(path);
	m->files = xreallocarray(m->files, m->nfiles + 1, sizeof(*m->files));
	m->files[m->nfiles++] = f;
	return 0;
}

/* "hwid1;hwid2|compat1;compat2" */
int
mach_add_device(struct ld *ld, const char *spec)
{
	struct machine *m = ld->m;
	struct device d;
	char *copy, *bar;
	int rc;

	memset(&d, 0, sizeof(d));
	if (!text_ok(spec, MACHINE_MAX_STRING))
		return mach_fail(ld, "devices: control characters or too long");
	if (m->ndevices >= MACHINE_MAX_LIST)
		return mach_fail(ld, "devices: too many entries");
	copy = xstrdup(spec);
	if ((bar = strchr(copy, '|')) != NULL)
		*bar++ = '\0';
	rc = split_list(ld, copy, ';', &d.hwids, &d.nhwids);
	if (rc == 0 && bar != NULL)
		rc = split_list(ld, bar, ';', &d.compat, &d.ncompat);
	free(copy);
	if (rc == 0 && d.nhwids == 0)
		rc = mach_fail(ld, "devices: a device needs a hardware id");
	if (rc == -1) {
		mach_free_strv(d.hwids, d.nhwids);
		mach_free_strv(d.compat, d.ncompat);
		return -1;
	}
	m->devices = xreallocarray(m->devices, m->ndevices + 1,
	    sizeof(*m->devices));
	m->devices[m->ndevices++] = d;
	return 0;
}

void
mach_finish(struct machine *m)
{
	m->ninstalled = guid_sort_unique(m->installed, m->ninstalled);
	m->nfail_install = guid_sort_unique(m->fail_install, m->nfail_install);
}

