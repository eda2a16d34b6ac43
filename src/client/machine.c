/*
 * machine.c — the simulated machine: defaults, deep copies, loading a
 * machine file (the format chosen by its first non-blank character) and
 * the lookups the rule evaluator needs.  See machine.h and docs/CLIENT.md.
 *
 * Not here: the formats (machine_ini.c, machine_json.c) and the field
 * setters they share (machine_fields.c).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/machine.h"
#include "client/machine_internal.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

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

void
mach_free_strv(char **v, size_t n)
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
	mach_free_strv(m->languages, m->nlanguages);
	mach_free_strv(m->target_groups, m->ntarget_groups);
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
		mach_free_strv(m->devices[i].hwids, m->devices[i].nhwids);
		mach_free_strv(m->devices[i].compat, m->devices[i].ncompat);
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
		rc = mach_load_json(&ld, text, len);
	else
		rc = mach_load_ini(&ld, text, len);
	if (rc == 0) {
		mach_finish(m);
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
	mach_lower(out);
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
	char *p = mach_norm_path(path);
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
