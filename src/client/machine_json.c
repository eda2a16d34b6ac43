/*
 * machine_json.c — the JSON format of machine files (jansson, duplicate
 * keys rejected): arrays and objects mapped onto the same setters as
 * the INI format.
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

#include <jansson.h>

#include "client/machine_internal.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* ---- JSON ----------------------------------------------------------------- */

/* A scalar JSON value as text (strings as is, numbers and booleans). */
static int
json_text(struct ld *ld, const char *key, json_t *v, char *buf, size_t len,
    const char **out)
{
	if (json_is_string(v)) {
		*out = json_string_value(v);
		if (strlen(*out) != json_string_length(v))
			return mach_fail(ld, "%s: NUL in string", key);
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
	return mach_fail(ld, "%s: expected a string or a number", key);
}

static int
json_strings(struct ld *ld, const char *key, json_t *v,
    int (*each)(struct ld *, const char *, void *), void *arg)
{
	size_t i;
	json_t *item;

	if (!json_is_array(v))
		return mach_fail(ld, "%s: expected an array", key);
	if (json_array_size(v) > MACHINE_MAX_LIST)
		return mach_fail(ld, "%s: too many items", key);
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

	return mach_add_guid(ld, s, l->arr, l->n);
}

static int
join_into(struct ld *ld, const char *key, json_t *v, char sep)
{
	struct buf_s { char *p; size_t n; } b = { NULL, 0 };
	size_t i;
	json_t *item;
	int rc;

	if (!json_is_array(v))
		return mach_fail(ld, "%s: expected an array", key);
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
			return mach_fail(ld, "%s: '%c' inside an item", key, sep);
		}
		l = strlen(s);
		if (b.n + l + 2 > MACHINE_MAX_ATTRS) {
			free(b.p);
			return mach_fail(ld, "%s: too long", key);
		}
		b.p = realloc(b.p, b.n + l + 2);
		if (b.p == NULL)
			return mach_fail(ld, "out of memory");
		if (b.n > 0)
			b.p[b.n++] = sep;
		memcpy(b.p + b.n, s, l + 1);
		b.n += l;
	}
	rc = mach_set_key(ld, key, b.p != NULL ? b.p : "");
	free(b.p);
	return rc;
}

static int
json_device(struct ld *ld, json_t *d)
{
	json_t *h, *c, *item;
	size_t i, total;
	struct buf spec;
	int rc;

	if (json_is_string(d))
		return mach_add_device(ld, json_string_value(d));
	if (!json_is_object(d))
		return mach_fail(ld, "devices: expected strings or objects");
	h = json_object_get(d, "hardware_ids");
	c = json_object_get(d, "compatible_ids");
	if (!json_is_array(h) || (c != NULL && !json_is_array(c)))
		return mach_fail(ld, "devices: hardware_ids (and compatible_ids) "
		    "must be arrays");
	total = 2;
	json_array_foreach(h, i, item) {
		if (!json_is_string(item))
			return mach_fail(ld, "devices: ids must be strings");
		total += json_string_length(item) + 1;
	}
	if (c != NULL)
		json_array_foreach(c, i, item) {
			if (!json_is_string(item))
				return mach_fail(ld, "devices: ids must be strings");
			total += json_string_length(item) + 1;
		}
	if (total > MACHINE_MAX_STRING)
		return mach_fail(ld, "devices: too long");
	buf_init(&spec, total);
	json_array_foreach(h, i, item) {
		if (i > 0)
			buf_putc(&spec, ';');
		buf_puts(&spec, json_string_value(item));
	}
	if (c != NULL && json_array_size(c) > 0) {
		buf_putc(&spec, '|');
		json_array_foreach(c, i, item) {
			if (i > 0)
				buf_putc(&spec, ';');
			buf_puts(&spec, json_string_value(item));
		}
	}
	if (spec.failed) {
		buf_free(&spec);
		return mach_fail(ld, "devices: too long");
	}
	rc = mach_add_device(ld, spec.data != NULL ? spec.data : "");
	buf_free(&spec);
	return rc;
}

int
mach_load_json(struct ld *ld, const char *text, size_t len)
{
	json_error_t je;
	json_t *root, *v;
	const char *key;
	int rc = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return mach_fail(ld, "line %d: %s", je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return mach_fail(ld, "expected a JSON object");
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
				rc = mach_fail(ld, "%s: expected an object", key);
				break;
			}
			json_object_foreach(v, k2, v2) {
				if (key[0] == 'r' && json_is_integer(v2)) {
					char *spec = xasprintf("dword:%"
					    JSON_INTEGER_FORMAT,
					    json_integer_value(v2));
					rc = mach_add_registry(ld, k2, spec);
					free(spec);
				} else if ((rc = json_text(ld, k2, v2, nb,
				    sizeof(nb), &s)) == 0)
					rc = key[0] == 'r' ?
					    mach_add_registry(ld, k2, s) :
					    mach_add_file(ld, k2, s);
				if (rc == -1)
					break;
			}
		} else if (strcmp(key, "devices") == 0) {
			size_t i;
			json_t *d;
			if (!json_is_array(v)) {
				rc = mach_fail(ld, "devices: expected an array");
				break;
			}
			if (json_array_size(v) > MACHINE_MAX_LIST) {
				rc = mach_fail(ld, "devices: too many");
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
			rc = mach_set_key(ld, key, s);
		if (rc == -1)
			break;
	}
	json_decref(root);
	return rc;
}

