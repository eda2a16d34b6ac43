/*
 * content_internal.h — what content.c (the content step, one transfer
 * per file) and content_split.c (one large file in several ranged
 * parts) share.  Only those two files include it.
 */
#ifndef WSUSD_SYNC_CONTENT_INTERNAL_H
#define WSUSD_SYNC_CONTENT_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <curl/curl.h>

#include "content/content_store.h"
#include "sync/sync_internal.h"

struct cfile;

/* One transfer: a whole file (split false) or one ranged part of it. */
struct cpart {
	struct cfile	*c;		/* borrowed */
	bool		 split;
	uint64_t	 start;		/* first byte of the part */
	uint64_t	 off;		/* next byte to write */
	uint64_t	 end;		/* one past the last byte */
	uint64_t	 saved;		/* off when the state was last written */
	long		 code;		/* status of the last status line */
	bool		 ranged;	/* its exact Content-Range was seen */
	bool		 bad;		/* anything else: the part failed */
};

/* One file to fetch. */
struct cfile {
	struct store_file f;		/* f.name, f.origin: owned copies */
	char		 url[URL_MAX + 128];
	char		 part[PATH_MAX];
	FILE		*fp;		/* the part file while fetching */
	uint64_t	 have;		/* bytes in the part file */
	bool		 discard;	/* not a 200/206: body dropped */
	bool		 overflow;	/* more bytes than the metadata says */
	bool		 ranged;	/* a Content-Range we accept was seen */
	long		 code;		/* status of the last status line */
	struct sess	*s;		/* borrowed */
	struct cpart	 single;	/* the transfer of an unsplit file */
	/*
	 * An unsplit file's SHA-1 and SHA-256 of the bytes in the part
	 * file, fed by on_body with the very bytes it writes (after the
	 * prefix already on disk): the file is published without being read
	 * back.  NULL (split files, or dg_bad: a digest step failed) means
	 * the part file is hashed in place when complete.
	 */
	struct content_digest *dg;	/* owned */
	bool		 dg_bad;
	/* split files (content_split.c) */
	struct cpart	*parts;		/* owned; nparts */
	unsigned	 nparts, running;
	bool		 part_failed, part_404;
};

struct cfiles {
	struct cfile	*v;		/* owned */
	size_t		 n, cap;
};

/* content.c */
/* An easy handle with the options every content transfer shares. */
CURL	*content_easy(struct sess *, const char *url, unsigned nconn);
/* Verify the complete part file of c and publish it (counts the result). */
void	 content_publish_part(struct sess *, struct cfile *);

/* content_split.c */
/*
 * Start c (its part file open and locked) in ranged parts when it is
 * split (a state file, or a fresh file of at least split_min bytes):
 * the part handles are added to m and *added says how many.  1: split
 * (and, with *added 0, already finished); 0: not split; -1: failed
 * (counted, part file closed).
 */
int	 content_split_start(struct sess *, struct cfile *, CURLM *,
	    unsigned nconn, size_t *added);
/*
 * A part ended.  Once the last part of its file ended the file is
 * published or counted as failed; true when it ended with a 404 (the
 * caller asks DownloadFiles).
 */
bool	 content_split_done(struct sess *, struct cpart *, CURLcode, long);
/* Free what the split state of c owns. */
void	 content_split_free(struct cfile *);

#endif
