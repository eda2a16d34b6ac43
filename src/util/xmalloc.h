/*
 * xmalloc.h — allocation for internal state.  Out of memory on internal
 * state is fatal (tmux/OpenBSD policy).  Anything whose size comes from
 * the network goes through struct buf (buf.h), which has a hard maximum
 * and reports failure to the caller instead.
 */
#ifndef WSUSD_UTIL_XMALLOC_H
#define WSUSD_UTIL_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* printf into a new string; fatal on failure. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
