/*
 * machine_internal.h — what the readers of machine files share: the
 * load context and the field setters both formats use.  Only
 * src/client/machine*.c include it.
 *
 *   machine.c		defaults, copies, loading, lookups
 *   machine_fields.c	value checks and the setters of every field
 *   machine_ini.c	the INI format
 *   machine_json.c	the JSON format
 */
#ifndef WSUSD_CLIENT_MACHINE_INTERNAL_H
#define WSUSD_CLIENT_MACHINE_INTERNAL_H

#include <stddef.h>

#include "client/machine.h"

#define MACHINE_MAX_LINE	8192

/* One load: where messages go. */
struct ld {
	struct machine	*m;
	const char	*name;		/* file name for messages */
	unsigned long	 line;		/* INI line, 0 for JSON */
	char		*err;		/* borrowed; the caller's */
	size_t		 errlen;
};

/* Format "NAME:LINE: reason" (INI) or "NAME: reason" into ld->err; -1. */
int	mach_fail(struct ld *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
char	*mach_trim(char *);
void	mach_lower(char *);
/* Lower case, '\\' separators, no doubled separators (new string). */
char	*mach_norm_path(const char *);
void	mach_free_strv(char **, size_t);
/* Sort and deduplicate the GUID lists after a load. */
void	mach_finish(struct machine *);
int	mach_set_key(struct ld *, const char *key, const char *v);
int	mach_add_guid(struct ld *, const char *v, struct guid **arr,
	    size_t *n);
int	mach_add_registry(struct ld *, const char *path, const char *spec);
int	mach_add_file(struct ld *, const char *path, const char *version);
int	mach_add_device(struct ld *, const char *spec);
int	mach_load_ini(struct ld *, const char *text, size_t len);
int	mach_load_json(struct ld *, const char *text, size_t len);

#endif
