/*
 * wellknown.h — names of the published Microsoft category GUIDs (update
 * classifications and a few products), so that an update shows its
 * classification and `--classification "Definition Updates"` finds it
 * even when the classification's own category document was never
 * imported (a product-filtered sync or a hand import brings the updates
 * without it).  An imported category document always wins: these are
 * only the fallback.  Not here: reading category documents.
 *
 * Sources (cited in wellknown.c): Microsoft, "WSUS Classification GUIDs"
 * (docs.microsoft.com/en-us/previous-versions/windows/desktop/ff357803);
 * the Microsoft Defender Antivirus product GUID from the real MS-WSUSSS
 * capture of tests/fixtures (GetRevisionIdList product + classification).
 */
#ifndef WSUSD_METADATA_WELLKNOWN_H
#define WSUSD_METADATA_WELLKNOWN_H

#include <stddef.h>

#include "metadata/update.h"

struct wellknown_category {
	const char	  *guid;	/* canonical lower-case UpdateID */
	enum category_kind kind;	/* PRODUCT or UPDATE_CLASSIFICATION */
	const char	  *title;	/* the English title WSUS shows */
};

/* The whole table; *n gets its length. */
const struct wellknown_category *wellknown_categories(size_t *n);

/* The entry of a canonical lower-case GUID, or NULL. */
const struct wellknown_category *wellknown_find(const char *guid);

#endif
