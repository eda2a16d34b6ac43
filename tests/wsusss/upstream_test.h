/*
 * upstream_test.h — what the two source files of test_wsusss_upstream
 * share: the fixture of the group setup and the request helpers
 * (test_upstream.c), and the tests of bad input, versions, replica mode
 * and the allow-list (test_upstream_more.c).  Only tests/wsusss uses it.
 */
#ifndef WSUSD_TESTS_WSUSSS_UPSTREAM_TEST_H
#define WSUSD_TESTS_WSUSSS_UPSTREAM_TEST_H

#include <stddef.h>

#include "soap/soap_request.h"
#include "util/buf.h"
#include "wusp_harness.h"

#define SS	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define DSS	"/DssAuthWebService/DssAuthWebService.asmx"
#define CAP	"soap/wsusss-capture/"
#define SPEC	"soap/wsusss-spec/"
#define DOCS	"update-metadata/wsusss-getupdatedata-docs/"
#define NS	"http://www.microsoft.com/SoftwareDistribution"

#define KB2267602	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"
#define LEAF		"266f6222-c89d-43f2-9f8a-69340271e677"
#define SMALL		"ccb78947-6453-4ecc-9de8-bc0305c98f2d"
#define COMPANY		"56309036-4c77-4dd9-951a-99ee9c246a94"

/* A product + classification filter of GetRevisionIdList (Delta d). */
#define PROD	"8c3fcc84-7410-4a95-8b89-a166a0190486"
#define CLASS	"e0789628-ce08-4437-be74-2495b842f43b"
#define FILTER_PC(d) "<GetConfig>false</GetConfig><Categories><IdAndDelta><Id>" \
	PROD "</Id><Delta>" d "</Delta></IdAndDelta></Categories>" \
	"<Classifications><IdAndDelta><Id>" CLASS "</Id><Delta>" d \
	"</Delta></IdAndDelta></Classifications>"

/* The installation and the session the tests share (test_upstream.c). */
struct upstream_fixture {
	struct tl_wsusd srv;
	char	 auth[2048];		/* CookieData */
	char	 exp[64], data[2048];	/* session cookie at 1.20 */
};

extern struct upstream_fixture g;

/* wh_soap the request to path; the transfer must succeed. */
void	post(const char *path, const char *body, struct wh_reply *r);
/* 200 and schema-valid; the parsed answer (free with soap_request_free) */
struct soap_request *ok(const struct wh_reply *r);
/* post, then ok() of the answer; nothing kept */
void	post_ok(const char *path, const char *body);
/* the fault's ErrorCode ("" when none); the answer must validate */
void	expect_fault(const struct wh_reply *r, const char *code,
	    const char *msg);
/* post, then expect_fault() of the answer; nothing kept */
void	post_fault(const char *path, const char *body, const char *code,
	    const char *msg);
/* The request with this session cookie (malloc'd). */
char	*with_cookie(const char *xml, const char *exp, const char *data);
/* A fixture request with the session cookie of g (malloc'd). */
char	*session_req(const char *fixture);
/* GetCookie at a protocol version; the session cookie into exp/data */
void	get_session(const char *version, char *exp, size_t explen, char *data,
	    size_t datalen);
/* the UpdateIDs of NewRevisions, "uid/rev;" joined */
void	revisions(const struct soap_request *q, struct buf *out);
/* GetRevisionIdList with a filter body; answer parsed */
struct soap_request *revision_list(const char *exp, const char *data,
	    const char *filter, struct wh_reply *r);
/* A GetUpdateData request for the ids (malloc'd). */
char	*update_data_req(const char *exp, const char *data, const char *ids);

/* test_upstream_more.c */
void	t_bad_input(void **state);
void	t_versions(void **state);
void	t_compatible_version(void **state);
void	t_deployments(void **state);
void	t_downstream_recorded(void **state);
void	t_allow_list(void **state);
void	t_allow_config(void **state);
void	t_ping_related(void **state);

/* test_upstream_cache.c */
void	t_item_cache(void **state);
void	t_touch_once(void **state);
void	t_answer_cache(void **state);

#endif
