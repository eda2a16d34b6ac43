/*
 * computers_test.h — helpers shared by the computer store tests
 * (test_store_computers.c and test_store_reporting.c): fixed client
 * ids and clock, a registration shortcut and copies of computer rows.
 * Compiled into those two programs only.
 */
#ifndef WSUSD_TESTS_COMPUTERS_TEST_H
#define WSUSD_TESTS_COMPUTERS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define CID_A	"e1da06a3-5601-43c9-bac3-52d5db701494"
#define CID_B	"7b1e5c53-0000-4000-8000-000000000002"
#define CID_C	"7b1e5c53-0000-4000-8000-000000000003"

#define T0	1790000000	/* a fixed "now" (2026) */

/* A plausible registration payload (borrowed strings). */
struct store_computer_info info(const char *dns, const char *model,
	    const char *bios);

/* A copy of the interesting fields of one computer row. */
struct crow {
	int	 n;
	int64_t	 id;
	char	 client_id[64];
	char	 dns[128];
	char	 model[128];
	char	 version[64];
	char	 groups[256];
	char	 claim[256];
	char	 ip[64];
	int32_t	 build;
	int64_t	 registered, last_contact, last_sync, last_report, last_status;
	int	 dup;
	int	 identities;
	int	 counts[UPDATE_STATE_COUNT];
};

/* store_computer_get() callback: copies the row into a struct crow. */
int		crow_cb(const struct store_computer *, void *arg);
/* The row of computer id; asserts that exactly one came back. */
struct crow	get(struct store *, int64_t id);
/* The id of the computer called name; asserts that it exists. */
int64_t		find(struct store *, const char *name);
/* The effective groups as "id,id,..." */
int		groups_of(struct store *, const char *cid, char *out,
		    size_t len);

/* Up to 16 DNS names from a computer listing; n counts them all. */
struct names {
	int	 n;
	char	 s[16][128];
};

struct names	list(struct store *, int64_t group, bool dups,
		    const char *name, size_t limit, size_t offset);
/* Register (or re-register) cid; asserts STORE_OK and expect_dup. */
void		reg(struct store *, const char *cid, const char *dns,
		    const char *model, int64_t now, bool expect_dup);

#endif
