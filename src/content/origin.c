/*
 * origin.c — the URL of a content file as this server hands it out
 * (origin.h): its own /Content/ or, with the content policy "origin",
 * the original URL the store keeps for the file.
 *
 * Not here: the content directory itself (content_store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/content_store.h"
#include "content/origin.h"

bool
content_origin_policy(struct store *st)
{
	struct store_sync_config c;
	bool origin;

	if (st == NULL || store_sync_config_get(st, &c) != STORE_OK)
		return false;
	origin = c.content == STORE_SYNC_CONTENT_ORIGIN;
	store_sync_config_free(&c);
	return origin;
}

bool
content_hosts_express(struct store *st)
{
	struct store_sync_config c;
	bool yes;

	if (st == NULL || store_sync_config_get(st, &c) != STORE_OK)
		return false;
	if (c.content == STORE_SYNC_CONTENT_ORIGIN)
		yes = false;
	else if (c.upstream == NULL || c.upstream[0] == '\0')
		yes = true;
	else
		yes = c.express;
	store_sync_config_free(&c);
	return yes;
}

int
content_file_url(struct store *st, bool origin, const uint8_t sha1[20],
    const char *name, const char *base, char *out, size_t outlen)
{
	char rel[128], *url = NULL;
	int n;

	if (origin && st != NULL &&
	    store_file_origin_get(st, sha1, &url) == STORE_OK && url != NULL) {
		n = snprintf(out, outlen, "%s", url);
		free(url);
		return n < 0 || (size_t)n >= outlen ? -1 : 0;
	}
	if (content_relpath(sha1, name, rel, sizeof(rel)) != 0)
		return -1;
	n = snprintf(out, outlen, "%s/Content/%s", base, rel);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
