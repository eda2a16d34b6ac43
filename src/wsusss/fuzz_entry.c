/*
 * fuzz_entry.c — FUZZ BUILDS ONLY: wsusss_fuzz_request(), the operations
 * of both MS-WSUSSS services on a private in-memory store, without HTTP
 * (fuzz/wsusss_request.c).  Compiled into wsusss_fuzz_lib alone, with
 * WSUSD_FUZZING (which also lets session.c accept the "FUZZ" cookie);
 * wsusd never links it.  See fuzz_entry.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/settings.h"
#include "util/xmalloc.h"
#include "wsusss/fuzz_entry.h"
#include "wsusss/service_internal.h"

#ifndef WSUSD_FUZZING
#error "fuzz_entry.c is for fuzz builds only"
#endif

static struct {
	struct config		 cfg;
	struct svc_host		*host;
	struct wsusss_service	*svc;
	struct catalog_holder	*catalog;
	struct http_listener_info li;
	struct store		*st;
	bool			 inited;
} fz;

static int
fuzz_init(void)
{
	char err[256];
	int from, to;

	config_defaults(&fz.cfg);
	free(fz.cfg.database_url);
	fz.cfg.database_url = xstrdup("sqlite::memory:");
	if (store_open(fz.cfg.database_url, &fz.st, err, sizeof(err)) !=
	    STORE_OK) {
		fprintf(stderr, "wsusss fuzz: store: %s\n", err);
		return -1;
	}
	if (store_migrate(fz.st, &from, &to) != STORE_OK ||
	    store_setting_set_checked(fz.st, SETTING_SERVER_ID,
	    "0f0e0d0c-0b0a-0908-0706-050403020100") != STORE_OK ||
	    store_setting_set_checked(fz.st, SETTING_COOKIE_KEY,
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	    != STORE_OK) {
		fprintf(stderr, "wsusss fuzz: store: %s\n",
		    store_errmsg(fz.st));
		return -1;
	}
	/* a host made ready from the in-memory database */
	if ((fz.host = svc_host_new(&fz.cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "wsusss fuzz: %s\n", err);
		return -1;
	}
	fz.host->started = 1700000000;
	if (svc_host_init_from(fz.host, fz.st, err, sizeof(err)) != 0) {
		fprintf(stderr, "wsusss fuzz: %s\n", err);
		return -1;
	}
	fz.catalog = snap_holder_new();
	fz.svc = wsusss_service_new(fz.host, fz.catalog);
	fz.li.name = "fuzz";
	fz.li.port = 8530;
	fz.inited = true;
	return 0;
}

int
wsusss_fuzz_request(const uint8_t *data, size_t len)
{
	struct svc_call c;
	struct http_request hr;
	struct soap_parse_opts opts;
	struct soap_request *req = NULL;
	const struct svc_def *def = NULL;
	const struct svc_op *op = NULL;
	char err[256];

	if (!fz.inited && fuzz_init() != 0)
		abort();
	soap_parse_opts_default(&opts);
	opts.flags = SOAP_PARSE_ALLOW_V12 | SOAP_PARSE_ANY_CT;
	if (soap_request_parse(data, len, "text/xml; charset=utf-8", NULL,
	    &opts, &req, err, sizeof(err)) != SOAP_OK)
		return 0;
	for (int i = 0; i < 2 && op == NULL; i++) {
		def = &wsusss_defs[i];
		op = svc_find_op(def, req->op);
	}
	memset(&hr, 0, sizeof(hr));
	hr.listener = &fz.li;
	hr.cfg = &fz.cfg;
	svc_call_init(&c, fz.host, def, fz.svc, &hr);
	c.req = req;
	c.body = req->op;
	c.op = op;
	c.now = 1750000000;
	/* this thread's store is the in-memory one */
	c.th->st = fz.st;
	if (c.op != NULL) {
		if (c.op->fn(&c) != 0 || svc_finish(&c, err,
		    sizeof(err)) != 0) {
			if (c.fault == SOAP_EC_NONE)
				c.fault = SOAP_EC_INTERNAL_SERVER_ERROR;
			(void)svc_write_fault(&c);
		}
	}
	svc_call_done(&c);
	return 0;
}
