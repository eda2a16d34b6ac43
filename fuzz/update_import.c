/*
 * fuzz/update_import.c — libFuzzer harness for the import path of one
 * update document: update_blob_decode (cabinet, UTF-16, UTF-8 checks),
 * update_parse, fragments_build.  Whatever the input, this must not
 * crash, leak or read out of bounds, and fragments that are built must be
 * well-formed XML once wrapped in a root element (they are served to
 * clients inside a SOAP <Xml> element).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "metadata/fragments.h"
#include "metadata/update.h"
#include "metadata/update_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_well_formed(const char *frag, size_t len)
{
	XML_Parser p = XML_ParserCreate("UTF-8");

	if (p == NULL)
		abort();
	if (XML_Parse(p, "<r>", 3, XML_FALSE) != XML_STATUS_OK ||
	    XML_Parse(p, frag, (int)len, XML_FALSE) != XML_STATUS_OK ||
	    XML_Parse(p, "</r>", 4, XML_TRUE) != XML_STATUS_OK)
		abort();
	XML_ParserFree(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct update u;
	struct update_doc d;
	char *xml = NULL, err[256];
	size_t len = 0;
	int parsed, built;

	if (update_blob_decode(data, size, &xml, &len, err, sizeof(err)) != 0)
		return 0;
	if (strlen(xml) != len)		/* decode never lets a NUL through */
		abort();
	parsed = update_parse(xml, len, &u, err, sizeof(err)) == 0;
	memset(&d, 0, sizeof(d));
	built = fragments_build(xml, len, &d, err, sizeof(err)) == 0;
	if (parsed) {
		if (u.id.update_id[0] == '\0')
			abort();
		update_free(&u);
	}
	if (built) {
		if (d.core == NULL || d.extended == NULL ||
		    strlen(d.core) != d.core_len ||
		    strncmp(d.core, "<UpdateIdentity", 15) != 0)
			abort();
		check_well_formed(d.core, d.core_len);
		check_well_formed(d.extended, d.extended_len);
		for (size_t i = 0; i < d.nlocalized; i++) {
			if (d.localized[i].language[0] == '\0' ||
			    strlen(d.localized[i].xml) != d.localized[i].len)
				abort();
			check_well_formed(d.localized[i].xml,
			    d.localized[i].len);
		}
	}
	update_doc_free(&d);
	free(xml);
	return 0;
}
