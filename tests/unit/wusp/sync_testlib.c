/*
 * sync_testlib.c — see sync_testlib.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "sync_testlib.h"

const struct sync_update_info *
tl_find(const struct sync_update_info *u, size_t n, int32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (u[i].rev->revision_id == id)
			return &u[i];
	return NULL;
}
