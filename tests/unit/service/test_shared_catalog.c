/*
 * test_shared_catalog.c — the one catalog holder wsusd lends to both
 * protocols (src/daemon/services.c): read as MS-WUSP reads it
 * (catalog_holder_get, with a poll interval) and as MS-WSUSSS reads it
 * (catalog_holder_get_at, counter-exact), one snapshot serves both and a
 * build either starts serves the other; and both services only borrow
 * it (freeing them leaves the holder usable).  The holder itself is
 * covered by tests/unit/catalog/test_catalog.c; the protocols against a
 * running wsusd by tests/wusp, tests/wsusss and tests/e2e.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "catalog/catalog.h"
#include "catalog_testlib.h"
#include "config/config.h"
#include "service/host.h"
#include "store/store.h"
#include "wsusss/service.h"
#include "wusp/service.h"

static int64_t
seq_now(struct store *st)
{
	int64_t seq = -1;

	assert_int_equal(store_change_seq(st, &seq), STORE_OK);
	return seq;
}

/*
 * A poll interval of an hour, as a long-running wsusd sees it between
 * polls: the client side keeps its snapshot until the next poll, the
 * server-sync side gets the counter it asks for, and the client side
 * then reads the very snapshot that build made (no second catalog).
 */
static void
t_one_holder_two_readers(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog_holder *h = catalog_holder_new(NULL, 3600 * 1000);
	const struct catalog *w1, *s1, *w2, *s2, *w3;
	char err[256];
	int64_t seq;

	(void)state;
	/* MS-WUSP first: builds */
	w1 = catalog_holder_get(h, st);
	assert_non_null(w1);
	/* MS-WSUSSS at the same counter: the same snapshot, no build */
	seq = seq_now(st);
	assert_int_equal(catalog_change_seq(w1), seq);
	s1 = catalog_holder_get_at(h, st, seq, err, sizeof(err));
	assert_ptr_equal(s1, w1);

	/* the store moves: MS-WUSP keeps its snapshot until the next poll */
	tl_approve(st, U_KB2267602, 1, APPROVAL_INSTALL, 0);
	seq = seq_now(st);
	assert_true(seq > catalog_change_seq(w1));
	w2 = catalog_holder_get(h, st);
	assert_ptr_equal(w2, w1);

	/* MS-WSUSSS asks for the new counter: built now, exactly there */
	s2 = catalog_holder_get_at(h, st, seq, err, sizeof(err));
	assert_non_null(s2);
	assert_ptr_not_equal(s2, w1);
	assert_int_equal(catalog_change_seq(s2), seq);

	/* ... and MS-WUSP now reads that same snapshot */
	w3 = catalog_holder_get(h, st);
	assert_ptr_equal(w3, s2);
	/* the old one stays valid for whoever still holds it */
	assert_non_null(catalog_rev_by_update(w1, U_KB2267602));

	catalog_release(w1);
	catalog_release(s1);
	catalog_release(w2);
	catalog_release(s2);
	catalog_release(w3);
	catalog_holder_free(h);
	store_close(st);
}

/*
 * Both services registered on one host with one holder, freed, and the
 * holder (freed after them, as the daemon does) still answers.
 */
static void
t_services_borrow_the_holder(void **state)
{
	struct store *st = tl_store_loaded();
	struct catalog_holder *h = catalog_holder_new(NULL,
	    WUSP_CATALOG_POLL_MS);
	struct wusp_service *wusp = NULL;
	struct wsusss_service *wsusss = NULL;
	const struct catalog *c;
	struct svc_host *host;
	struct config cfg;
	char err[256];

	(void)state;
	config_defaults(&cfg);
	host = svc_host_new(&cfg, err, sizeof(err));
	assert_non_null(host);
	assert_int_equal(wusp_service_register(host, h, NULL, &wusp, err,
	    sizeof(err)), 0);
	assert_int_equal(wsusss_service_register(host, h, &wsusss, err,
	    sizeof(err)), 0);
	assert_non_null(wusp);
	assert_non_null(wsusss);
	assert_int_equal(catalog_holder_refresh(h, st, true, err,
	    sizeof(err)), 0);

	wusp_service_free(wusp);
	wsusss_service_free(wsusss);
	c = catalog_holder_get(h, NULL);
	assert_non_null(c);
	assert_int_equal(catalog_change_seq(c), seq_now(st));
	catalog_release(c);
	c = catalog_holder_get_at(h, st, seq_now(st), err, sizeof(err));
	assert_non_null(c);
	catalog_release(c);
	catalog_holder_free(h);
	svc_host_free(host);
	config_free(&cfg);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_one_holder_two_readers),
		cmocka_unit_test(t_services_borrow_the_holder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
