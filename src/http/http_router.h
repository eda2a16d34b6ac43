/*
 * http_router.h — internal to src/http: the route table and the request
 * method helpers that http_server.c's request life cycle uses.  Not for
 * handlers: they register routes through http_server.h and see only
 * struct http_request.
 */
#ifndef WSUSD_HTTP_HTTP_ROUTER_H
#define WSUSD_HTTP_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http_server.h"

struct route {
	char		 prefix[128];	/* as registered */
	size_t		 len;
	bool		 is_prefix;	/* ends in '/': prefix match */
	unsigned	 methods;	/* enum http_method mask */
	size_t		 max_body;	/* 0: config max_body_bytes */
	http_handler_fn	 handler;
	void		*arg;		/* borrowed */
};

/*
 * The route for a normalised path of len bytes (longest match, ASCII
 * case ignored), or NULL.  Points into the static table: valid until
 * http_route_clear().
 */
const struct route *http_route_find(const char *path, size_t len);
/* The method bit for a request method name; HTTP_OTHER if unknown. */
enum http_method http_method_of(const char *m);
/* The Allow header value for a route's method mask (static string). */
const char *http_allow_text(unsigned methods);

#endif
