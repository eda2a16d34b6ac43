/*
 * netlist.h — the syntax of an address allow-list: entries ("10.0.0.0/8",
 * "2001:db8::/32", "192.0.2.7") separated by commas, semicolons, spaces
 * or tabs.  The config check (config/config_keys.c) and the server-sync
 * allow-list match (wsusss/anchor.c) both read lists with it.
 * Not here: what an entry's address is (inet_pton, or the caller's own
 * parser) and matching a peer against it.
 */
#ifndef WSUSD_UTIL_NETLIST_H
#define WSUSD_UTIL_NETLIST_H

#include <stddef.h>

/*
 * The next entry of the list at *p: 1 with it copied to item
 * (NUL-terminated) and *p past it and the separators that follow, 0 at
 * the end of the list, -1 when the entry has itemlen bytes or more.
 */
int	netlist_next(const char **p, char *item, size_t itemlen);

/* The prefix length after an entry's '/': decimal digits only, at most
 * max.  The value, or -1. */
long	netlist_prefix(const char *s, long max);

#endif
