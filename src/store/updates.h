/*
 * updates.h — the update domain of the store: revisions and their
 * fragments, files, and update listings (what an import writes and the
 * console lists).  Not approvals or groups (store/groups.h) nor the
 * client catalog snapshot (store/catalog.h).
 *
 * Operations: the X-macro list STORE_OPS_UPDATES below (store/core.h
 * says how it is expanded).  Strings in results are valid during the
 * callback only; *xml of fragment_get and *name of file_lookup are the
 * caller's to free.
 */
#ifndef WSUSD_STORE_UPDATES_H
#define WSUSD_STORE_UPDATES_H

#include "store/core.h"

enum approval_state_filter {
	APPROVAL_FILTER_ANY = 0,
	APPROVAL_FILTER_APPROVED,	/* some Install/Uninstall approval */
	APPROVAL_FILTER_UNAPPROVED,	/* none, and not declined */
	APPROVAL_FILTER_DECLINED,
};

struct store_update_row {
	int64_t	    revision_id;	/* local RevisionID of this revision */
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* RevisionNumber */
	enum update_type   type;
	enum category_kind category_kind;
	const char *title;		/* English or default-language title; may be "" */
	const char *kb_article_id;	/* may be NULL */
	const char *msrc_severity;	/* may be NULL */
	const char *creation_date;	/* may be NULL */
	const char *classification;	/* title of its UpdateClassification; may be NULL */
	const char *products;		/* titles of its Product categories, "; "-joined; may be NULL */
	bool	    is_latest;		/* newest revision of its update */
	bool	    declined;
	int	    napprovals;		/* Install/Uninstall approvals of the update */
	uint64_t    max_download_size;
	int64_t	    imported;		/* unix time of import */
};

struct store_update_filter {
	const char *text;		/* case-insensitive substring of title; NULL = any */
	const char *kb;			/* KB number, with or without "KB"; NULL = any */
	const char *product;		/* product title (substring) or GUID; NULL = any */
	const char *classification;	/* classification title (substring) or GUID */
	const char *update_id;		/* exactly this update; NULL = any */
	int	    type;		/* enum update_type, or -1 = any */
	enum approval_state_filter approval;
	bool	    all_revisions;	/* false: only the newest revision of each */
	size_t	    limit;		/* 0 = no limit */
	size_t	    offset;
};

struct store_file {
	uint8_t	    sha1[20];
	bool	    has_sha256;
	uint8_t	    sha256[32];
	uint64_t    size;
	const char *name;		/* FileName of one update that lists it */
	bool	    present;		/* imported into the content store */
	const char *origin;		/* original URL (MUUrl), or NULL */
	bool	    express;		/* express installation file:
					 * PatchingType "Express", *.psf,
					 * *-express.cab */
	const char *languages;		/* file_list: Properties/Language of the
					 * updates listing it, space-separated;
					 * NULL: language-neutral */
};

enum store_fragment_kind {
	FRAGMENT_CORE = 0,
	FRAGMENT_EXTENDED = 1,
	FRAGMENT_LOCALIZED = 2,		/* needs a language */
	FRAGMENT_DOCUMENT = 3,		/* the full document as imported */
};

/*
 * Listing callbacks (here and in every domain): return 0 to go on,
 * non-zero to stop (the listing then returns STORE_OK).  Do not call the
 * same handle from a callback.
 */
typedef int (*store_update_cb)(const struct store_update_row *, void *arg);
typedef int (*store_file_cb)(const struct store_file *, void *arg);

/*
 * revision_import: one revision with its fragments; idempotent on
 * (update_id, revision).  revision_lookup: revision -1 = the newest.
 * file_list: files of the latest revisions; approved_only: of approved
 * updates only, plus (either way) the files of content_requests.
 * file_origin_set: the file's original URL (the MUUrl an upstream sent);
 *   NOTFOUND when no update lists the file; NULL clears it.
 * file_origin_get: *url (caller frees) the original URL, NULL when none
 *   is known or no update lists the file.
 * file_request_put: a downstream asked for this file (DownloadFiles) and
 *   it is not present: the next content step fetches it (NOTFOUND when no
 *   update lists it).  file_request_count: rows waiting;
 *   file_request_list: those files (as file_list, nothing else).  A request row
 *   goes when the file is marked present.
 */
#define STORE_OPS_UPDATES(X, p)						\
	X(p, revision_import, (struct store *st, const struct update *u, \
	    const struct update_doc *d, int64_t *rid, bool *created),	\
	    (st, u, d, rid, created))					\
	X(p, revision_lookup, (struct store *st, const char *uid,	\
	    int32_t rev, int64_t *rid), (st, uid, rev, rid))		\
	X(p, fragment_get, (struct store *st, int64_t rid,		\
	    enum store_fragment_kind k, const char *lang, char **xml,	\
	    size_t *len), (st, rid, k, lang, xml, len))			\
	X(p, update_list, (struct store *st,				\
	    const struct store_update_filter *f, store_update_cb cb,	\
	    void *arg), (st, f, cb, arg))				\
	X(p, update_count, (struct store *st, size_t *revs,		\
	    size_t *upds), (st, revs, upds))				\
	X(p, file_lookup, (struct store *st, const uint8_t sha1[20],	\
	    struct store_file *f, char **name), (st, sha1, f, name))	\
	X(p, file_set_present, (struct store *st,			\
	    const uint8_t sha1[20], bool present), (st, sha1, present))	\
	X(p, file_list, (struct store *st, bool approved_only,		\
	    store_file_cb cb, void *arg), (st, approved_only, cb, arg))	\
	X(p, file_origin_set, (struct store *st, const uint8_t sha1[20],	\
	    const char *url), (st, sha1, url))				\
	X(p, file_origin_get, (struct store *st, const uint8_t sha1[20],	\
	    char **url), (st, sha1, url))				\
	X(p, file_request_put, (struct store *st,			\
	    const uint8_t sha1[20], int64_t at), (st, sha1, at))	\
	X(p, file_request_count, (struct store *st, size_t *n), (st, n))	\
	X(p, file_request_list, (struct store *st, store_file_cb cb,	\
	    void *arg), (st, cb, arg))

struct store_updates_ops {
	STORE_OPS_UPDATES(STORE_OP_MEMBER, _)
};
STORE_OPS_UPDATES(STORE_OP_WRAPPER, updates)

#endif
