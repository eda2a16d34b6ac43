/*
 * content_handler.h — GET and HEAD of /Content/XX/NAME from the content
 * directory (laid out by content_store.h), with Range, conditional
 * requests and sendfile.  Not the importer (content_store.c) and not the
 * URL builder of the SOAP answers.
 *
 * Accepted names (after http_path_normalize(), case-insensitive):
 *   XX/HHHH...HHHH[.ext]   XX = 2 hex digits, 40 hex digits of SHA-1,
 *                          ext = 1..15 of [A-Za-z0-9_-]
 * Anything else is a 404 without touching the file system.
 */
#ifndef WSUSD_HTTP_CONTENT_HANDLER_H
#define WSUSD_HTTP_CONTENT_HANDLER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/http_server.h"

#define CONTENT_ROUTE		"/Content/"
#define CONTENT_SCAN_MAX	65536	/* entries read by a case-folding scan */

struct content_handler;

/* A parsed request name: directory index and canonical file name. */
struct content_name {
	unsigned	dir;		/* 0..255, the XX directory */
	char		xx[3];		/* upper-case XX */
	char		name[41 + 16];	/* upper-case hex + ext as requested */
	size_t		hexlen;		/* always 40 */
	size_t		extlen;		/* bytes of ext incl. the dot, or 0 */
};

/*
 * Open the content directory (kept open; files are opened relative to
 * it, never by path).  0, or -1 with err.
 */
int	content_handler_new(const char *content_dir,
	    struct content_handler **out, char *err, size_t errlen);
void	content_handler_free(struct content_handler *ch);
/* Register GET/HEAD CONTENT_ROUTE with ch as the route's argument. */
int	content_handler_route(struct content_handler *ch);
/* The route handler (req->arg is the struct content_handler). */
enum MHD_Result content_handle(struct http_request *req);

/* Parse "XX/NAME" (the path after /Content/).  0, or -1 (404). */
int	content_name_parse(const char *rest, struct content_name *out);

/* HTTP-date (IMF-fixdate, RFC 850, asctime) to time_t; -1 if bad. */
int	http_date_parse(const char *s, time_t *out);
/* IMF-fixdate of t into out (at least 30 bytes). */
void	http_date_format(time_t t, char *out, size_t outlen);
/* Does an If-None-Match list match etag (weak comparison)? */
int	etag_list_match(const char *list, const char *etag);

#endif
