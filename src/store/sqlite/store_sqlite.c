/* store/sqlite/store_sqlite.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
