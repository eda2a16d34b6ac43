/*
 * http_fx.h — what the in-process server tests of tests/unit/http
 * (test_http_server.c, test_http_strict.c, test_http_flood.c) share: a
 * configuration whose one listener is on loopback, a plain-text answer
 * for their routes, and stopping the server.  Header-only (static
 * inline), so a test that uses part of it gets no unused-function
 * warning.
 *
 * It is not a client: each test talks to the server in its own way
 * (libcurl, raw sockets).
 */
#ifndef WSUSD_TESTS_UNIT_HTTP_FX_H
#define WSUSD_TESTS_UNIT_HTTP_FX_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/config.h"
#include "http/http_server.h"
#include "testlib.h"
#include "util/xmalloc.h"

/* c: the defaults, its first listener on 127.0.0.1:port (0: a free one). */
static inline void
httpfx_loopback(struct config *c, uint16_t port)
{
	config_defaults(c);
	free(c->listeners[0].address);
	c->listeners[0].address = xstrdup("127.0.0.1");
	c->listeners[0].port = port != 0 ? port : tl_free_port();
}

/* A 200 with len bytes of text (copied). */
static inline enum MHD_Result
httpfx_send_text(struct http_request *req, const char *text, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)text,
	    MHD_RESPMEM_MUST_COPY);
	ret = MHD_queue_response(req->conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Stop *srv (set to NULL), forget the routes, free c. */
static inline void
httpfx_stop(struct http_server **srv, struct config *c)
{
	http_server_stop(*srv);
	*srv = NULL;
	http_route_clear();
	config_free(c);
}

#endif
