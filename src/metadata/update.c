/*
 * update.c — freeing and naming the update model of update.h, and GUID
 * normalisation.  No parsing here (update_parse.c), no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "metadata/update.h"

static void
free_refs(struct update_ref *r)
{
	free(r);
}

void
update_free(struct update *u)
{
	size_t i;

	if (u == NULL)
		return;
	free(u->default_language);
	free(u->handler);
	free(u->creation_date);
	free(u->publication_state);
	free(u->msrc_severity);
	free(u->kb_article_id);
	free(u->languages);
	free(u->security_bulletin_id);
	free(u->eula_id);
	for (i = 0; i < u->nprereqs; i++)
		free_refs(u->prereqs[i].ids);
	free(u->prereqs);
	for (i = 0; i < u->nbundled; i++)
		free_refs(u->bundled[i].ids);
	free(u->bundled);
	free(u->superseded);
	for (i = 0; i < u->nfiles; i++) {
		free(u->files[i].name);
		free(u->files[i].modified);
		free(u->files[i].patching_type);
	}
	free(u->files);
	for (i = 0; i < u->nlocalized; i++) {
		free(u->localized[i].title);
		free(u->localized[i].description);
	}
	free(u->localized);
	memset(u, 0, sizeof(*u));
}

void
update_doc_free(struct update_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	free(d->xml);
	free(d->core);
	free(d->extended);
	for (i = 0; i < d->nlocalized; i++)
		free(d->localized[i].xml);
	free(d->localized);
	memset(d, 0, sizeof(*d));
}

const char *
update_type_name(enum update_type t)
{
	switch (t) {
	case UPDATE_TYPE_SOFTWARE:
		return "Software";
	case UPDATE_TYPE_DRIVER:
		return "Driver";
	case UPDATE_TYPE_CATEGORY:
		return "Category";
	case UPDATE_TYPE_DETECTOID:
		return "Detectoid";
	}
	return "Unknown";
}

const char *
category_kind_name(enum category_kind k)
{
	switch (k) {
	case CATEGORY_KIND_NONE:
		return "";
	case CATEGORY_KIND_COMPANY:
		return "Company";
	case CATEGORY_KIND_PRODUCT_FAMILY:
		return "ProductFamily";
	case CATEGORY_KIND_PRODUCT:
		return "Product";
	case CATEGORY_KIND_UPDATE_CLASSIFICATION:
		return "UpdateClassification";
	case CATEGORY_KIND_OTHER:
		return "Other";
	}
	return "";
}

int
guid_normalize(const char *in, char out[GUID_STRLEN + 1])
{
	return guid_canon(in, in != NULL ? strlen(in) : 0, 0, out);
}
