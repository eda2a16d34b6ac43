/*
 * snapshot.c — the MS-WSUSSS upstream services' view of the shared update
 * catalog: the snapshot at the store's current change counter and the
 * properties read lazily from the extended fragments.  See snapshot.h.
 * Not the catalog (src/catalog), not the operations that use it (op_*.c).
 *
 * Ownership: the holder owns one reference to its current snapshot;
 * snap_get() hands out references.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "store/store.h"
#include "util/log.h"
#include "wsusss/anchor.h"
#include "wsusss/snapshot.h"

/*
 * attribute value a="..." in a bounded text; 0 found.  A byte scan of the
 * ExtendedProperties fragment wsusd itself stored (metadata/fragments.c
 * writes it); the attribute readers of metadata/mdxml.h and soap/soap_node.h
 * work on parsed expat or SOAP trees, not on text, so sharing one would
 * mean a full parse here.  Values are copied raw (no entity decoding).
 */
static int
find_attr(const char *text, size_t len, const char *attr, char *out,
    size_t outlen)
{
	size_t al = strlen(attr);

	for (size_t i = 0; i + al + 2 < len; i++) {
		const char *p = text + i;
		size_t k = 0;

		if (memcmp(p, attr, al) != 0 || p[al] != '=' || p[al + 1] != '"')
			continue;
		if (i > 0 && (isalnum((unsigned char)text[i - 1]) ||
		    text[i - 1] == ':'))
			continue;
		p += al + 2;
		while (p + k < text + len && p[k] != '"' && k + 1 < outlen) {
			out[k] = p[k];
			k++;
		}
		out[k] = '\0';
		return 0;
	}
	return -1;
}

struct catalog_holder *
snap_holder_new(void)
{
	return catalog_holder_new(NULL, 0);
}

void
snap_holder_free(struct catalog_holder *h)
{
	catalog_holder_free(h);
}

void
snap_release(const struct catalog *c)
{
	catalog_release(c);
}

const struct catalog *
snap_get(struct catalog_holder *h, struct store *st, const char **why)
{
	const struct catalog *c;
	int64_t seq = -1;
	char err[256];

	if (store_change_seq(st, &seq) != STORE_OK) {
		*why = "change counter";
		return NULL;
	}
	if ((c = catalog_holder_get_at(h, st, seq, err, sizeof(err))) == NULL) {
		log_error("cannot load the update catalogue: %s", err);
		*why = "catalogue";
	}
	return c;
}

/*
 * Read CompatibleProtocolVersion of v from its extended fragment and
 * EulaID from its core fragment (where fragments.c puts it), once.
 */
void
snap_rev_props(struct store *st, const struct catalog *c,
    const struct catalog_rev *v, struct catalog_extprops *out)
{
	char *xml = NULL, val[64];
	size_t len = 0;

	if (catalog_extprops_get(c, v, out))
		return;
	memset(out, 0, sizeof(*out));
	if (store_fragment_get(st, v->revision_id, FRAGMENT_EXTENDED, NULL,
	    &xml, &len) == STORE_OK && xml != NULL) {
		if (find_attr(xml, len, "CompatibleProtocolVersion", val,
		    sizeof(val)) == 0 && wsusss_version_parse(val, strlen(val),
		    &out->cpv_major, &out->cpv_minor) != 0)
			out->cpv_major = out->cpv_minor = 0;
	}
	free(xml);
	xml = NULL;
	/* EulaID is a core attribute: fragments.c drops it from the
	 * extended fragment (docs/FRAGMENTS.md) */
	if (store_fragment_get(st, v->revision_id,
	    FRAGMENT_CORE, NULL, &xml, &len) == STORE_OK && xml != NULL &&
	    find_attr(xml, len, "EulaID", val, sizeof(val)) == 0 &&
	    guid_normalize(val, out->eula) != 0)
		out->eula[0] = '\0';
	free(xml);
	catalog_extprops_set(c, v, out);
	/* The first store wins: answer what the catalog keeps. */
	(void)catalog_extprops_get(c, v, out);
}
