/*
 * http_router.c — the route table and request path rules (see
 * http_server.h for the rules, http_router.h for the internal part).
 * The table is static, filled before the listeners start and read-only
 * afterwards, so lookups take no lock.  It does not answer requests:
 * refusals are queued by http_server.c.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http/http_router.h"
#include "util/hex.h"

static struct route routes[HTTP_ROUTES_MAX];
static size_t nroutes;

/* ---- routes ---------------------------------------------------------- */

int
http_route_add(const char *prefix, unsigned methods, http_handler_fn handler,
    void *arg)
{
	return http_route_add_bounded(prefix, methods, 0, handler, arg);
}

int
http_route_add_bounded(const char *prefix, unsigned methods, size_t max_body,
    http_handler_fn handler, void *arg)
{
	struct route *r;
	size_t len;

	if (prefix == NULL || prefix[0] != '/' || handler == NULL ||
	    nroutes >= HTTP_ROUTES_MAX)
		return -1;
	len = strlen(prefix);
	if (len >= sizeof(routes[0].prefix))
		return -1;
	r = &routes[nroutes++];
	memcpy(r->prefix, prefix, len + 1);
	r->len = len;
	r->is_prefix = prefix[len - 1] == '/';
	r->methods = methods;
	r->max_body = max_body;
	if (methods & HTTP_GET)
		r->methods |= HTTP_HEAD;
	r->handler = handler;
	r->arg = arg;
	return 0;
}

void
http_route_clear(void)
{
	memset(routes, 0, sizeof(routes));
	nroutes = 0;
}

const struct route *
http_route_find(const char *path, size_t len)
{
	const struct route *best = NULL;

	for (size_t i = 0; i < nroutes; i++) {
		const struct route *r = &routes[i];
		if (r->is_prefix) {
			if (len < r->len ||
			    strncasecmp(path, r->prefix, r->len) != 0)
				continue;
		} else if (len != r->len ||
		    strncasecmp(path, r->prefix, len) != 0) {
			continue;
		}
		if (best == NULL || r->len > best->len)
			best = r;
	}
	return best;
}

/* ---- paths ----------------------------------------------------------- */

/* Is out[seg..n) a "." or ".." segment? */
static bool
dot_segment(const char *out, size_t seg, size_t n)
{
	size_t l = n - seg;

	return (l == 1 && out[seg] == '.') ||
	    (l == 2 && out[seg] == '.' && out[seg + 1] == '.');
}

int
http_path_normalize(const char *raw, char *out, size_t outlen)
{
	size_t n = 0, seg = 1;

	if (raw == NULL || raw[0] != '/' || outlen < 2)
		return -1;
	out[n++] = '/';
	for (const char *p = raw + 1; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '%') {
			int hi = hex_digit((unsigned char)p[1]);
			int lo = hi < 0 ? -1 : hex_digit((unsigned char)p[2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			p += 2;
			/* an encoded separator or NUL is never legitimate */
			if (c == '/' || c == '\\' || c == '\0')
				return -1;
		} else if (c == '/') {
			if (dot_segment(out, seg, n))
				return -1;
			if (out[n - 1] == '/')
				continue;	/* collapse "//" */
			if (n + 1 >= outlen)
				return -2;
			out[n++] = '/';
			seg = n;
			continue;
		}
		if (c == '\\' || c < 0x20 || c == 0x7f)
			return -1;
		if (n + 1 >= outlen)
			return -2;
		out[n++] = (char)c;
	}
	if (dot_segment(out, seg, n))
		return -1;
	out[n] = '\0';
	return (int)n;
}

const char *
http_allow_text(unsigned methods)
{
	if ((methods & HTTP_POST) && (methods & HTTP_GET))
		return "GET, HEAD, POST";
	if (methods & HTTP_POST)
		return "POST";
	return "GET, HEAD";
}

enum http_method
http_method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}
