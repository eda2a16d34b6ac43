/*
 * wellknown.c — the table of published category GUIDs (see wellknown.h).
 *
 * Update classifications: Microsoft, "WSUS Classification GUIDs",
 * Applies To: Windows Server Update Services,
 * https://docs.microsoft.com/en-us/previous-versions/windows/desktop/ff357803(v=vs.85)
 * (GUIDs as listed there, lower-cased; titles as the WSUS console and
 * the classification category documents show them).
 *
 * Products: Microsoft Defender Antivirus 8c3fcc84-...: the real
 * GetRevisionIdList request of a Windows Server 2025 downstream WSUS
 * syncing the product "Microsoft Defender Antivirus" with the
 * classification Definition Updates (tests/fixtures/soap/wsusss-capture/
 * 000009-GetRevisionIdList-product+classification.request.xml; its
 * provenance in tests/fixtures/soap/PROVENANCE.md), whose updates (e.g.
 * KB2267602) name it as their product prerequisite.
 */
#include <string.h>

#include "metadata/wellknown.h"

#define C(g, t) { g, CATEGORY_KIND_UPDATE_CLASSIFICATION, t }
#define P(g, t) { g, CATEGORY_KIND_PRODUCT, t }

static const struct wellknown_category table[] = {
	C("5c9376ab-8ce6-464a-b136-22113dd69801", "Applications"),
	C("434de588-ed14-48f5-8eed-a15e09a991f6", "Connectors"),
	C("e6cf1350-c01b-414d-a61f-263d14d133b4", "Critical Updates"),
	C("e0789628-ce08-4437-be74-2495b842f43b", "Definition Updates"),
	C("e140075d-8433-45c3-ad87-e72345b36078", "Developer Kits"),
	C("b54e7d24-7add-428f-8b75-90a396fa584f", "Feature Packs"),
	C("9511d615-35b2-47bb-927f-f73d8e9260bb", "Guidance"),
	C("0fa1201d-4330-4fa8-8ae9-b877473b6441", "Security Updates"),
	C("68c5b0a3-d1a6-4553-ae49-01d3a7827828", "Service Packs"),
	C("b4832bd8-e735-4761-8daf-37f882276dab", "Tools"),
	C("28bc880e-0592-4cbf-8f95-c79b17911d5f", "Update Rollups"),
	C("cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83", "Updates"),
	P("8c3fcc84-7410-4a95-8b89-a166a0190486", "Microsoft Defender Antivirus"),
};

const struct wellknown_category *
wellknown_categories(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct wellknown_category *
wellknown_find(const char *guid)
{
	if (guid == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].guid, guid) == 0)
			return &table[i];
	return NULL;
}
