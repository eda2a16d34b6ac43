/*
 * machine_ini.c — the INI format of machine files.  The reader is our
 * own (not inih): registry and file paths contain ':' and are longer
 * than inih's line limit.  Lines are "key = value" split at the first
 * '=', "[section]" headers, and comment lines starting with '#' or ';'.
 * There are no inline comments (values contain ';').
 *
 * Not here: what a key means (machine_fields.c).
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
#include "util/xmalloc.h"

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
	char *s = mach_trim(line), *eq, *key, *val;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *e = strchr(s, ']');
		if (e == NULL || e[1] != '\0')
			return mach_fail(ld, "bad section header");
		*e = '\0';
		for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
			if (strcmp(mach_trim(s + 1), secs[i].name) == 0) {
				*sec = secs[i].s;
				return 0;
			}
		}
		return mach_fail(ld, "unknown section [%s]", s + 1);
	}
	eq = strchr(s, '=');
	if (eq != NULL) {
		*eq = '\0';
		key = mach_trim(s);
		val = mach_trim(eq + 1);
	} else {
		key = NULL;
		val = s;
	}
	switch (*sec) {
	case S_NONE:
		return mach_fail(ld, "line outside of any section");
	case S_MACHINE:
		if (key == NULL)
			return mach_fail(ld, "expected key = value");
		return mach_set_key(ld, key, val);
	case S_INSTALLED:
	case S_FAIL:
	case S_HWIDS:
		/* "update = GUID" or a bare GUID */
		if (key != NULL && strcmp(key, "update") != 0 &&
		    strcmp(key, "hwid") != 0)
			return mach_fail(ld, "expected update = GUID");
		return mach_add_guid(ld, val, *sec == S_INSTALLED ? &ld->m->installed :
		    *sec == S_FAIL ? &ld->m->fail_install :
		    &ld->m->computer_hwids, *sec == S_INSTALLED ?
		    &ld->m->ninstalled : *sec == S_FAIL ? &ld->m->nfail_install :
		    &ld->m->ncomputer_hwids);
	case S_REGISTRY:
		if (key == NULL)
			return mach_fail(ld, "expected PATH = TYPE:VALUE");
		return mach_add_registry(ld, key, val);
	case S_FILES:
		if (key == NULL)
			return mach_add_file(ld, val, "");
		return mach_add_file(ld, key, val);
	case S_DEVICES:
		if (key != NULL && strcmp(key, "device") != 0)
			return mach_fail(ld, "expected device = HWID;HWID|COMPATID");
		return mach_add_device(ld, val);
	}
	return 0;
}

int
mach_load_ini(struct ld *ld, const char *text, size_t len)
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
			rc = mach_fail(ld, "line too long (at most %d bytes)",
			    MACHINE_MAX_LINE);
			break;
		}
		if (memchr(p, '\0', n) != NULL) {
			rc = mach_fail(ld, "NUL byte");
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

