/*
 * driver_rank.c — the driver ranking rules of MS-WUSP SyncUpdates
 * ([MS-WUSP] 3.1.5.7).  See driver_rank.h for the rules.  The driver
 * metadata itself is read by the catalog (src/catalog/driver_meta.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include "wusp/driver_rank.h"

int
driver_rank_cmp(const struct driver_rank *a, const struct driver_rank *b)
{
	if (a->chid != b->chid)
		return a->chid < b->chid ? -1 : 1;
	if (a->feature != b->feature)
		return a->feature < b->feature ? -1 : 1;
	if (a->hwid != b->hwid)
		return a->hwid < b->hwid ? -1 : 1;
	if (a->date != b->date)
		return a->date > b->date ? -1 : 1;
	if (a->version != b->version)
		return a->version > b->version ? -1 : 1;
	return 0;
}

uint32_t
driver_feature_for(const struct driver_meta *m, const char *key)
{
	size_t i;

	if (key == NULL || *key == '\0')
		return DRIVER_FEATURE_NONE;
	for (i = 0; i < m->nfeatures; i++)
		if (strcasecmp(m->features[i].os, key) == 0)
			return m->features[i].score;
	return DRIVER_FEATURE_NONE;
}
