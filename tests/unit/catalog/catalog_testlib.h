/*
 * catalog_testlib.h — helpers shared by the catalog tests and (through
 * tests/unit/wusp/sync_testlib.h) the SyncUpdates and driver tests: an in-memory store, the real update documents of
 * tests/fixtures imported through the real importer, synthetic documents
 * for the updates those name but the fixtures lack, approvals and groups.
 * Every helper fails the test (cmocka) on error.
 */
#ifndef WSUSD_TESTS_CATALOG_TESTLIB_H
#define WSUSD_TESTS_CATALOG_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "catalog/catalog.h"

/* Real fixture updates (tests/fixtures/update-metadata/wsusss-getupdatedata-docs). */
#define U_MICROSOFT	"56309036-4c77-4dd9-951a-99ee9c246a94"	/* Company, r101 */
#define U_WINDOWS	"6964aab4-c5b5-43bd-a17d-ffb4346a8e1d"	/* ProductFamily, r100 */
#define U_OOBE_ZDP	"dd78b8a1-0b20-45c1-add6-4da72e9364cf"	/* Product, r202 */
#define U_KB2267602	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"	/* bundle, r200 */
#define U_DELTA547	"266f6222-c89d-43f2-9f8a-69340271e677"	/* leaf of KB2267602 */
#define U_DELTA539	"7366a74a-ef29-44e1-b738-570b516aca1f"	/* previous delta leaf */
#define U_ENGINE	"ff36f0b5-dded-4780-8664-cd78af8b62c1"	/* leaf of 1f9bd9bb */
#define U_HIDDEN24	"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583"	/* hidden bundle */
#define U_HIDDEN4	"ccb78947-6453-4ecc-9de8-bc0305c98f2d"	/* hidden bundle */
/* Named by those documents but not in the fixtures: synthetic stand-ins. */
#define U_DET_A		"be4048db-157c-4532-9582-7f05099590c9"	/* detectoid */
#define U_DET_B		"0aac58ee-82a0-4452-a7fa-19f68398f1fa"	/* detectoid */
#define U_DET_C		"59653007-e2e9-4f71-8525-2ff588527978"	/* detectoid */
#define U_DEFENDER	"e0789628-ce08-4437-be74-2495b842f43b"	/* Product */
#define U_DEFS		"8c3fcc84-7410-4a95-8b89-a166a0190486"	/* UpdateClassification */
#define U_OLDBUNDLE	"74e87997-e3b3-45d2-a527-a8877a5162ec"	/* superseded bundle */

/* An in-memory store at the current schema. */
struct store *tl_store(void);
/* Import the real fixture documents (env CATALOG_FIXTURES = the
 * update-metadata fixture folder) with import_updates_path. */
void	tl_import_fixtures(struct store *);
/* The synthetic stand-ins above (detectoids, product, classification,
 * and an explicitly deployable bundle 74e87997 bundling 7366a74a). */
void	tl_import_standins(struct store *);
/* tl_store() with the fixture documents and the stand-ins imported. */
struct store *tl_store_loaded(void);
/* Import one document given as text. */
void	tl_import_xml(struct store *, const char *xml);
/* Path of a file under the fixture folder (static buffer). */
const char *tl_fixture(const char *rel);
/* Whole file (NUL-terminated, caller frees). */
char   *tl_read(const char *path, size_t *len);

/* Synthetic documents (caller frees).  prereqs: a space-separated list of
 * clauses, each "uid" or "uid|uid|..." (OR), a leading '@' marks an
 * IsCategory clause; NULL for none.  bundled: space-separated uids. */
char   *tl_doc_category(const char *uid, int rev, const char *kind,
	    const char *prereqs);
char   *tl_doc_detectoid(const char *uid, int rev, const char *prereqs);
char   *tl_doc_software(const char *uid, int rev, bool deployable,
	    const char *prereqs, const char *bundled, const char *file_sha1_b64);
/* drv_meta: the <drv:WindowsDriverMetaData .../> elements, verbatim. */
char   *tl_doc_driver(const char *uid, int rev, const char *prereqs,
	    const char *drv_meta);

int32_t	tl_rev(struct store *, const char *uid);	/* newest RevisionID */
int64_t	tl_group(struct store *, const char *name, int64_t parent);
int64_t	tl_approve(struct store *, const char *uid, int64_t group,
	    enum approval_action, int64_t deadline);
struct catalog *tl_build(struct store *, bool offer_unapproved);
struct catalog_groups tl_groups(const struct catalog *, const int64_t *ids,
	    unsigned n);

bool	tl_has_id(const int32_t *ids, size_t n, int32_t id);
/* The text between <Xml> and </Xml> of a captured response (caller frees). */
char   *tl_capture_xml(const char *path, int nth);

#endif
