/*
 * wusp_harness.h — what the MS-WUSP tests against a running wsusd share:
 * a temporary installation with the real update documents (a layer on
 * tests/lib, which runs the daemon and wsusctl), SOAP POSTs with libcurl,
 * schema validation with xmllint, request rewriting (cookies, revision ids) and the comparison of an
 * answer with a captured real-WSUS answer.
 *
 * Programs: test_NAME WSUSD_EXE WSUSCTL_EXE FIXTURES_DIR
 */
#ifndef WSUSD_TESTS_WUSP_HARNESS_H
#define WSUSD_TESTS_WUSP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <curl/curl.h>

#include "soap/soap_request.h"
#include "testlib.h"
#include "util/buf.h"

#define WH_CLIENT	"/ClientWebService/client.asmx"
#define WH_SIMPLEAUTH	"/SimpleAuthWebService/SimpleAuth.asmx"
#define WH_REPORTING	"/ReportingWebService/ReportingWebService.asmx"
#define WH_NS_CLIENT	"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define WH_NS_AUTH	"http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#define WH_NS_REPORT	"http://www.microsoft.com/SoftwareDistribution"

/* Set by wh_main_args() (with tl_wsusd_exe and tl_wsusctl_exe). */
extern const char *wh_wsusd, *wh_wsusctl, *wh_fixtures;

/* Check and keep argv[1..3]; 0 or -1 (usage printed). */
int	wh_main_args(int argc, char **argv);

struct CMUnitTest;
/*
 * A harness test's main(): wh_main_args (2 when they are wrong), then
 * the cmocka group tests[n] named name with libcurl set up around it;
 * the group's result.  WH_RUN counts the array.
 */
int	wh_run(int argc, char **argv, const char *name,
	    const struct CMUnitTest *tests, size_t n, int (*setup)(void **),
	    int (*teardown)(void **));
#define WH_RUN(argc, argv, tests, setup, teardown) \
	wh_run((argc), (argv), #tests, (tests), \
	    sizeof(tests) / sizeof((tests)[0]), (setup), (teardown))

/*
 * A temporary installation (tests/lib: tl_wsusd_setup, extra: more INI
 * text appended, may be NULL) with the real update documents of the
 * fixtures imported, s->schema set to the MS-WUSP answer schema and
 * s->debug on.  Start, stop, clean up and run wsusctl on it with
 * tl_wsusd_start, tl_wsusd_stop, tl_wsusd_cleanup and tl_ctl.
 * 0 or -1 (reason on stderr).
 */
int	wh_setup(struct tl_wsusd *s, const char *extra_conf);
/* The database file dumped as SQL text (sqlite3 CLI) into out. */
void	wh_db_dump(struct tl_wsusd *s, struct buf *out);
/* The dump again into before (freed and filled): a case's starting point. */
void	wh_db_snapshot(struct tl_wsusd *s, struct buf *before);
/* Fail the test ("WHAT changed the database") unless the dump is before. */
void	wh_db_unchanged(struct tl_wsusd *s, const struct buf *before,
	    const char *what);

struct wh_reply {
	CURLcode	 rc;
	long		 status;
	struct buf	 body;
	struct buf	 headers;
};

struct wh_post {
	const char	*path;		/* e.g. WH_CLIENT */
	const char	*action;	/* SOAPAction value as sent (quotes included); NULL none */
	const char	*content_type;	/* NULL: text/xml; charset=utf-8 */
	const char	*method;	/* NULL: POST */
	const char	*hdr[4];	/* extra header lines */
	const void	*body;
	size_t		 len;
};

void	wh_send(struct tl_wsusd *s, const struct wh_post *p, struct wh_reply *r);
/*
 * POST a SOAP request to path with the action "<ns>/<op>" (quoted, as
 * WUA sends it), the operation read from the body's operation element.
 */
void	wh_soap(struct tl_wsusd *s, const char *path, const char *body,
	    struct wh_reply *r);
void	wh_reply_free(struct wh_reply *r);
/* A response header value (static buffer) or NULL. */
const char *wh_header(const struct wh_reply *r, const char *name);

/* A fixture file (relative to FIXTURES_DIR), NUL-terminated; fails the test if missing. */
char	*wh_fixture(const char *rel, size_t *len);

/*
 * Validate an answer with xmllint --schema against the answer schema.
 * 0 when valid; -1 with xmllint's message in err.
 */
int	wh_validate(struct tl_wsusd *s, const char *xml, size_t len,
	    char *err, size_t errlen);

/* Parse an answer (any Content-Type, no action check); NULL on failure. */
struct soap_request *wh_parse(const char *xml, size_t len);
/* The text of the element at path "a/b/c" below n (first match), or NULL. */
const char *wh_text(const struct soap_node *n, const char *path);
const struct soap_node *wh_node(const struct soap_node *n, const char *path);
/* The text at path below the answer's operation, copied into out. */
void	wh_reply_text(const struct wh_reply *r, const char *path, char *out,
	    size_t outlen);

/*
 * The integer at the start of s (spaces, a sign, digits; the rest is
 * ignored), as atoi read it; 0 when s is NULL, has no digits or the value
 * does not fit 32 bits.
 */
int32_t	wh_int(const char *s);

/* ---- request rewriting (all return a new malloc'd string) ---- */

/* Replace the text of the first <name>...</name> (no attributes) after
 * the first occurrence of `after` (NULL: from the start). */
char	*wh_set_text(const char *xml, const char *after, const char *name,
	    const char *text);
/* Put a session cookie (Expiration, EncryptedData) into the request's <cookie>. */
char	*wh_set_cookie(const char *xml, const char *expiration,
	    const char *encrypted);

/* ---- revision id maps ---- */

#define WH_MAP_MAX	4096
struct wh_idmap {
	size_t	 n;
	int32_t	 rid[WH_MAP_MAX];
	char	 uid[WH_MAP_MAX][37];	/* lower-case UpdateID */
};

/* Learn rid <-> UpdateID from every UpdateInfo (ID + Xml) in an answer. */
void	wh_map_learn(struct wh_idmap *m, const struct soap_node *op);
void	wh_map_add(struct wh_idmap *m, int32_t rid, const char *uid);
const char *wh_map_uid(const struct wh_idmap *m, int32_t rid);
int32_t	wh_map_rid(const struct wh_idmap *m, const char *uid);	/* -1 unknown */
/*
 * Rewrite the <int> items of the first <array> element: captured ids ->
 * UpdateIDs (cap) -> our ids (ours).  An id without mapping fails the test
 * unless unknown_ok, then it becomes unknown_id.
 */
char	*wh_map_ints(const char *xml, const char *array, const struct wh_idmap *cap,
	    const struct wh_idmap *ours, bool unknown_ok, int32_t unknown_id);

/* ---- comparing an answer with the captured one ---- */

/*
 * Structural comparison: the same elements (namespace, name), in the same
 * order, with the same text, except:
 *   - cookies (EncryptedData, CookieData, Expiration), LastChange,
 *     Deployment/ID, the PackageServerShare value: any text;
 *   - LastChangeTime: any YYYY-MM-DD;
 *   - revision ids (UpdateInfo/ID, Update/ID, OutOfScopeRevisionIDs/int,
 *     RevisionID): compared through the maps as UpdateIDs;
 *   - Url: the scheme://host:port part is not compared;
 *   - the items of Updates and FileLocations: compared as multisets;
 *   - fault detail ID: any text.
 * Also compares the bytes before the operation element (prologue).
 * Returns 0, or -1 with a description of the first difference in err.
 */
int	wh_compare(const char *captured, size_t clen, const struct wh_idmap *cmap,
	    const char *ours, size_t olen, const struct wh_idmap *omap,
	    char *err, size_t errlen);
/*
 * Byte comparison after masking the text of volatile elements (the ones
 * above, plus every ID).  0 or -1 with the first difference in err.
 */
int	wh_compare_masked(const char *captured, size_t clen, const char *ours,
	    size_t olen, char *err, size_t errlen);

#endif
