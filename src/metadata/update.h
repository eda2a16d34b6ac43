/*
 * update.h — the WSUS update metadata model.
 *
 * One struct update describes one revision of one update, as parsed from a
 * full per-revision <upd:Update> document (what MS-WSUSSS GetUpdateData
 * serves and what SUSDB keeps in tbXml).  It holds the facts the server
 * indexes and queries; the document itself and the client fragments
 * derived from it are kept beside it as text (struct update_doc).
 *
 * Identity: (update_id, revision).  update_id is the GUID in canonical
 * lower-case 8-4-4-4-12 form (real documents mix cases; the store compares
 * GUIDs case-insensitively by normalising here).
 *
 * Ownership: everything reachable from a struct update is owned by it and
 * freed by update_free().
 */
#ifndef WSUSD_METADATA_UPDATE_H
#define WSUSD_METADATA_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/guid.h"	/* GUID_STRLEN: 36, without NUL */

/* Hard limits applied while parsing hostile documents. */
#define UPDATE_DOC_MAX_BYTES	(16u * 1024 * 1024)	/* UTF-8 document */
#define UPDATE_MAX_DEPTH	64	/* element nesting */
#define UPDATE_MAX_FILES	4096
#define UPDATE_MAX_RELATED	16384	/* ids in one relationship list */
#define UPDATE_MAX_GROUPS	4096	/* prerequisite/bundle groups */
#define UPDATE_MAX_LANGUAGES	128
#define UPDATE_MAX_TEXT		(1024 * 1024)	/* one title/description */
#define UPDATE_MAX_ATTRS	256	/* attributes on one element (fragments) */

enum update_type {
	UPDATE_TYPE_SOFTWARE = 0,
	UPDATE_TYPE_DRIVER = 1,
	UPDATE_TYPE_CATEGORY = 2,
	UPDATE_TYPE_DETECTOID = 3,
};

/* HandlerSpecificData/CategoryInformation/@CategoryType of a category. */
enum category_kind {
	CATEGORY_KIND_NONE = 0,		/* not a category */
	CATEGORY_KIND_COMPANY = 1,
	CATEGORY_KIND_PRODUCT_FAMILY = 2,
	CATEGORY_KIND_PRODUCT = 3,
	CATEGORY_KIND_UPDATE_CLASSIFICATION = 4,
	CATEGORY_KIND_OTHER = 5,	/* a CategoryType we do not know */
};

struct update_ref {
	char	 update_id[GUID_STRLEN + 1];	/* lower-case GUID */
	int32_t	 revision;	/* RevisionNumber, or -1 when not given */
};

/*
 * One prerequisite clause: the update is applicable only if at least one
 * of ids is installed.  A bare <UpdateIdentity> in <Prerequisites> is a
 * clause of one id.  Clauses are ANDed.  is_category marks
 * <AtLeastOne IsCategory="true">: these name the update's categories
 * (products and classifications).
 */
struct update_prereq_group {
	bool		    is_category;
	size_t		    nids;
	struct update_ref  *ids;	/* owned */
};

/* <BundledUpdates><AtLeastOne> ... : each group is one bundled member
 * with alternatives; revisions are given. */
struct update_bundle_group {
	size_t		    nids;
	struct update_ref  *ids;	/* owned */
};

struct update_file {
	char	*name;		/* FileName; owned */
	uint64_t size;
	uint8_t	 sha1[20];	/* Digest (DigestAlgorithm SHA1) */
	bool	 has_sha256;
	uint8_t	 sha256[32];	/* AdditionalDigest Algorithm="SHA256" */
	char	*modified;	/* Modified attribute as given; owned, may be NULL */
	char	*patching_type;	/* PatchingType attribute; owned, may be NULL */
};

struct update_localized {
	char	 language[16];	/* e.g. "en", "de", "zh-tw" */
	char	*title;		/* owned; may be NULL */
	char	*description;	/* owned; may be NULL */
};

struct update {
	struct update_ref  id;
	enum update_type   type;
	enum category_kind category_kind;
	bool	 explicitly_deployable;
	bool	 is_public;
	bool	 is_beta;
	bool	 has_driver_metadata;
	char	*default_language;	/* owned; may be NULL */
	char	*handler;		/* Handler URI; owned; may be NULL */
	char	*creation_date;		/* as given; owned; may be NULL */
	char	*publication_state;	/* owned; may be NULL */
	char	*msrc_severity;		/* owned; may be NULL */
	char	*kb_article_id;		/* Properties/KBArticleID; owned; may be NULL */
	char	*security_bulletin_id;	/* owned; may be NULL */
	char	*eula_id;		/* owned; may be NULL */
	char	*languages;		/* Properties/Language values, lower
					 * case, space-separated (content
					 * download filter); owned; NULL: none */
	uint64_t max_download_size;
	uint64_t min_download_size;

	size_t			     nprereqs;
	struct update_prereq_group  *prereqs;	/* owned */
	size_t			     nbundled;
	struct update_bundle_group  *bundled;	/* owned */
	size_t			     nsuperseded;
	struct update_ref	    *superseded;	/* owned */
	size_t			     nfiles;
	struct update_file	    *files;	/* owned */
	size_t			     nlocalized;
	struct update_localized	    *localized;	/* owned */
};

/* Client fragments of MS-WUSP, derived once at import (fragments.h). */
struct update_localized_fragment {
	char	 language[16];
	char	*xml;		/* owned */
	size_t	 len;
};

struct update_doc {
	char	*xml;		/* the full document, UTF-8, as imported; owned */
	size_t	 xml_len;
	char	*core;		/* core fragment (SyncUpdates); owned */
	size_t	 core_len;
	char	*extended;	/* extended fragment; owned */
	size_t	 extended_len;
	size_t	 nlocalized;
	struct update_localized_fragment *localized;	/* owned */
};

void	update_free(struct update *);		/* frees members, not the struct */
void	update_doc_free(struct update_doc *);	/* frees members, not the struct */
const char *update_type_name(enum update_type);	/* "Software", "Category", ... */
const char *category_kind_name(enum category_kind); /* "Product", ... or "" */
/*
 * Lower-case and validate a GUID string (exactly 8-4-4-4-12, any case, no
 * braces): guid_canon() of util/guid.h.  -1 with out = "" when not one.
 */
int	guid_normalize(const char *in, char out[GUID_STRLEN + 1]);

#endif
