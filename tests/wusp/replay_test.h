/*
 * replay_test.h — what the two source files of test_wusp_replay share:
 * the fixture of the group setup and the replay helpers (test_replay.c),
 * and the tests of cookies, LastChange, URLs and the remaining
 * operations (test_replay_ops.c).  Only tests/wusp uses it.
 */
#ifndef WSUSD_TESTS_WUSP_REPLAY_TEST_H
#define WSUSD_TESTS_WUSP_REPLAY_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cookie/cookie.h"
#include "wusp_harness.h"

#define CAP	"soap/wusp-native-capture/"
#define CLIENT_ID "e1da06a3-5601-43c9-bac3-52d5db701494"
#define KB2267602 "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe"

/* The installation and the session the tests share (test_replay.c). */
struct replay_fixture {
	struct tl_wsusd srv;
	struct wh_idmap	 cap, ours;	/* revision ids of both servers */
	char		 last_change[64];
	char		 auth[COOKIE_B64_BUFSZ];
	char		 expiration[64];	/* current session cookie */
	char		 session[COOKIE_B64_BUFSZ];
	bool		 scanned;	/* test_scan_replay passed */
	struct cookie_keyring kr;	/* the server's, for forging */
	uint8_t		 instance[16];
};

extern struct replay_fixture T;

/* Remember the session cookie of an answer (element path below the op). */
void	keep_session(const struct wh_reply *r, const char *path);
/* A fault answer: HTTP 500, valid, with this ErrorCode (and Message). */
void	expect_fault(const struct wh_reply *r, const char *code,
	    const char *message);
/* The captured GetCookie request (scan/03) with our authorization cookie
 * and LastChange (malloc'd). */
char	*get_cookie_request(void);
/* The request with our current session cookie (malloc'd). */
char	*with_session(const char *xml);
/* Seal a session cookie with the server's key (for forging tests). */
void	seal(const struct cookie_keyring *kr,
	    const struct wusp_session_cookie *s, char *b64, char *exp);
/* The session cookie wsusd gave us, opened with the server key. */
void	open_session(struct wusp_session_cookie *s);
/* This server's revision id of an update (its newest revision). */
int32_t	our_rid(const char *uid);

/* test_replay_ops.c */
void	test_cookie_faults(void **state);
void	test_get_cookie_faults(void **state);
void	test_too_many_nonleaf(void **state);
void	test_extended_limits(void **state);
void	test_last_change_moves(void **state);
void	test_file_locations_host(void **state);
void	test_other_operations(void **state);

#endif
