/*
 * store_util.h — helpers shared by the store backends (sqlite/, later
 * pgsql/): error text, input validation and normalisation, so that every
 * backend applies the same rules to names, GUIDs, KB numbers and
 * languages.  Not part of the public store interface; only backends
 * include it.
 */
#ifndef WSUSD_STORE_STORE_UTIL_H
#define WSUSD_STORE_STORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/*
 * Format a message into st->errmsg and return rc (any enum store_rc).
 * The arguments may include st->errmsg itself (to wrap the previous
 * error); the result never nests into itself.
 */
int	store_seterr(struct store *st, int rc, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Lower-case a canonical 8-4-4-4-12 GUID; -1 when in is not one. */
int	store_guid_norm(const char *in, char out[GUID_STRLEN + 1]);

/*
 * A target group name: 1..GROUP_NAME_MAX bytes of valid UTF-8, no
 * control characters, no leading or trailing blanks.  0 or -1 with the
 * reason in err.
 */
int	store_group_name_check(const char *name, char *err, size_t errlen);

/* "KB123456", "kb123456" or "123456" -> "123456"; -1 when not a KB number. */
int	store_kb_norm(const char *in, char *out, size_t outlen);

/* A language tag ("en", "zh-TW"): 1..15 of [A-Za-z0-9-], lower-cased. */
int	store_lang_norm(const char *in, char out[16]);

/* Seconds since the epoch (time(3)); one place so backends agree. */
int64_t	store_now(void);

#endif
