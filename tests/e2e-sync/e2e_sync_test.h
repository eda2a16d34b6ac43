/*
 * e2e_sync_test.h — what the source files of test_e2e_sync share: the
 * downstream fixtures and store helpers (test_e2e_sync.c), the
 * fake-upstream test (e2e_sync_fake.c), the request shapes
 * (e2e_sync_shapes.c) and the three tiers (e2e_sync_tiers.c).  Only
 * tests/e2e-sync uses it.
 */
#ifndef WSUSD_TESTS_E2E_SYNC_TEST_H
#define WSUSD_TESTS_E2E_SYNC_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "testlib.h"

#define DEFENDER	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* KB2267602 r200 */
#define ENGINE		"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583"
#define DOCS		"update-metadata/wsusss-getupdatedata-docs"

struct dss {
	struct tl_wsusd srv;		/* dir, conf, db; never started */
	const char	*proto;		/* "1.8" | "1.20" */
	char		 name[64];	/* our FQDN */
	char		 rec[128];	/* requests of the first run */
};

/* The upstream wsusd (test_e2e_sync.c's group setup). */
extern struct tl_wsusd up;
/* The downstreams at 1.8 and 1.20; their full syncs recorded in rec. */
extern struct dss d18, d120;

/* A file's bytes (util read_file, malloc'd) or NULL. */
char	*read_file_all(const char *path, size_t max, size_t *len);
/* A downstream: a temporary store for `wsusctl sync` at protocol proto. */
int	dss_setup(struct dss *d, const char *proto, const char *name);
/* The store of an installation; fails the test when it does not open. */
struct store *open_store(struct tl_wsusd *s);
/* The number of update revisions in an installation's store. */
size_t	revisions(struct tl_wsusd *s);

/* The group upstream's URL (http://127.0.0.1:PORT). */
const char *upurl_of_up(void);

/* e2e_sync_fake.c */
void	test_real_and_hostile_upstream(void **state);
void	test_tls_minimum(void **state);
/* The fake with a reporting service answering as how says (FAKE_RUP_*):
 * RollupDownstreamServersMaxBatchSize 2 without detailed rollup (SPLIT),
 * the same refusing RollupDownstreamServers (REFUSE), or detailed with a
 * first RollupComputers answer of CHANGED_GONE Deleted and CHANGED_NEW
 * NewParent (DETAILED).  fake_rollup_stop: the RollupDownstreamServers
 * and RollupComputers calls it saw. */
enum { FAKE_RUP_SPLIT, FAKE_RUP_REFUSE, FAKE_RUP_DETAILED };
#define CHANGED_GONE	"0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"
#define CHANGED_NEW	"1f2a3b4c-5d6e-4f7a-8b8c-0d1e2f3a4b5c"
#define CHANGED_SAME	"2a3b4c5d-6e7f-4a8b-9c9d-1e2f3a4b5c6d"
void	fake_rollup_start(int how);
void	fake_rollup_stop(int *servers, int *computers);
/* The fake's URL (http://127.0.0.1:PORT). */
const char *upurl_fake(void);

/* e2e_sync_rollup.c */
void	test_rollup_split(void **state);
void	test_rollup_changed(void **state);

/* e2e_sync_shapes.c */
/* The first recorded request of operation op in dir, its path in path. */
void	recorded(const char *dir, const char *op, char *path, size_t len);
/* Fails the test unless the requests in the two files have one shape. */
void	compare_shapes(const char *ours, const char *theirs);
/* The request in path valid against the fixtures'
 * soap/SCHEMA/soap11-envelope.xsd. */
void	assert_valid_request(const char *path, const char *schema);
void	test_request_shapes(void **state);

/* e2e_sync_tiers.c */
void	test_three_tiers(void **state);

#endif
