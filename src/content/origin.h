/*
 * origin.h — where a content file is to be fetched from, as this server
 * tells its clients (MS-WUSP FileLocations) and its downstream servers
 * (MS-WSUSSS GetUpdateData fileUrls/MUUrl).
 *
 * Normally BASE/Content/XX/SHA1HEX.ext on this server.  With the content
 * policy "origin" (wsusctl sync configure --content origin: this server
 * keeps no files) it is the file's original URL, the MUUrl its upstream
 * sent (store_file_origin_get), when one is known.
 *
 * Not here: serving the files (src/http), downloading them (src/sync).
 */
#ifndef WSUSD_CONTENT_ORIGIN_H
#define WSUSD_CONTENT_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Is this server's stored content policy "origin"?  (false on errors.) */
bool	content_origin_policy(struct store *);

/*
 * Does this server hold express installation (PSF) files for its
 * downstreams (MS-WSUSSS GetConfigData ServerHostsPsfFiles)?  Not with
 * the policy "origin" (no files here); with an upstream configured, only
 * when its own sync fetches them (--express yes), as WSUS answers from
 * its own "download express installation files" option; without one (a
 * top server whose content is imported) whatever it holds is served, so
 * yes.  false on errors.
 */
bool	content_hosts_express(struct store *);

/*
 * The URL of a file: its original URL when origin is true and the store
 * knows one, else base/Content/ + content_relpath(sha1, name).  0, or -1
 * when the name has no usable extension or the URL does not fit.
 */
int	content_file_url(struct store *, bool origin, const uint8_t sha1[20],
	    const char *name, const char *base, char *out, size_t outlen);

#endif
