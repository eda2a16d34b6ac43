/*
 * store_sqlite.h — the SQLite backend's ops table, registered by
 * store/store.c.  Everything else of the backend is internal
 * (sqlite_internal.h).
 */
#ifndef WSUSD_STORE_SQLITE_STORE_SQLITE_H
#define WSUSD_STORE_SQLITE_STORE_SQLITE_H

#include "store/store.h"

extern const struct store_ops store_sqlite_ops;

#endif
