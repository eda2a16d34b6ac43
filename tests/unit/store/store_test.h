/*
 * store_test.h — helpers for the store unit tests: hand-built update
 * revisions (no metadata parser involved), temporary databases and raw
 * SQL peeks at the SQLite file.  Compiled into each store test program.
 */
#ifndef WSUSD_TESTS_STORE_TEST_H
#define WSUSD_TESTS_STORE_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/*
 * Update, product, classification and detectoid ids of the hand-built
 * catalogue used by test_store_sqlite.c and test_store_import.c.
 */
#define U_A	"0a000000-0000-4000-8000-00000000000a"
#define U_B	"0b000000-0000-4000-8000-00000000000b"
#define U_C	"0c000000-0000-4000-8000-00000000000c"
#define U_D	"0d000000-0000-4000-8000-00000000000d"
#define P_WIN	"f0000000-0000-4000-8000-000000000001"
#define P_OFF	"f0000000-0000-4000-8000-000000000002"
#define C_SEC	"c0000000-0000-4000-8000-000000000001"
#define C_CRIT	"c0000000-0000-4000-8000-000000000002"
#define DET	"de000000-0000-4000-8000-000000000001"

/* One revision under construction; tu_free() releases everything. */
struct tu {
	struct update	 u;
	struct update_doc d;
};

struct tu *tu_new(const char *uid, int32_t rev, enum update_type type,
	    const char *title_en);
struct tu *tu_category(const char *uid, enum category_kind kind,
	    const char *title_en);
void	tu_free(struct tu *);
void	tu_str(char **field, const char *value);	/* replace a string */
/* Add one prerequisite clause of n ids (is_category marks categories). */
void	tu_prereq(struct tu *, bool is_category, int n, ...);
void	tu_bundle(struct tu *, const char *uid, int32_t rev);
void	tu_superseded(struct tu *, const char *uid);
/* A file whose SHA-1 is 20 bytes of seed; SHA-256 32 bytes of seed. */
void	tu_file(struct tu *, const char *name, uint8_t seed, uint64_t size,
	    bool with_sha256);
void	tu_lang(struct tu *, const char *lang, const char *title,
	    const char *desc);
void	tu_frag(struct tu *, const char *lang, const char *xml);

/* Temporary directory with a database; tdb_url() gives its sqlite URL. */
struct tdb {
	char	dir[256];
	char	path[300];
	char	url[320];
};
void	tdb_make(struct tdb *);
void	tdb_remove(struct tdb *);
/* Open the test database and migrate it; asserts on failure. */
struct store *tdb_open(struct tdb *);

/* Import, asserting STORE_OK; returns the revision id. */
int64_t	t_import(struct store *, struct tu *, bool *created);
/* tu_new + t_import + tu_free: a plain revision; its revision id. */
int64_t	t_import_new(struct store *, const char *uid, int32_t rev,
	    enum update_type type, const char *title_en);
/* Raw SQL on the SQLite handle behind st: first column of first row. */
int64_t	t_sql_int(struct store *, const char *sql);
void	t_sql_exec(struct store *, const char *sql);
/* The global change counter. */
int64_t	t_change(struct store *);

/* Collect update_list rows (copies of update_id/title/classification...). */
struct trow {
	char	 update_id[GUID_STRLEN + 1];
	int32_t	 revision;
	int64_t	 revision_id;
	char	 title[128];
	char	 classification[128];
	char	 products[256];
	bool	 is_latest;
	bool	 declined;
	int	 napprovals;
	int	 type;
};
struct trows {
	int	 n;
	int	 stop_after;	/* 0 = never stop */
	struct trow r[64];
};
int	t_list(struct store *, const struct store_update_filter *, struct trows *);

#endif
