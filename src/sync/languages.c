/*
 * languages.c — the languages of a sync (wsusss.md §6.4, §6.5): the
 * LCID of a language code, for the Languages filter of
 * GetRevisionIdList.  The upstream's own list (GetConfigData
 * LanguageUpdateList, sent only when the config anchor is new) wins;
 * else the list every WSUS offers, as a real Windows Server 2025
 * upstream sent it (tests/fixtures/soap/wsusss-capture/
 * 000005-GetConfigData.response.xml, 38 languages; MS-LCID).
 *
 * Not here: which languages are configured (the sync service,
 * store/sync_service.h) nor the filter request (metadata.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/xmalloc.h"

static const struct {
	const char	*code;
	int32_t		 lcid;
} wsus_languages[] = {
	{ "ar", 1025 }, { "bg", 1026 }, { "zh-tw", 1028 }, { "cs", 1029 },
	{ "da", 1030 }, { "de", 1031 }, { "el", 1032 }, { "en", 1033 },
	{ "es", 1034 }, { "fi", 1035 }, { "fr", 1036 }, { "he", 1037 },
	{ "hu", 1038 }, { "it", 1040 }, { "ja", 1041 }, { "ko", 1042 },
	{ "nl", 1043 }, { "no", 1044 }, { "pl", 1045 }, { "pt-br", 1046 },
	{ "ro", 1048 }, { "ru", 1049 }, { "hr", 1050 }, { "sk", 1051 },
	{ "sv", 1053 }, { "th", 1054 }, { "tr", 1055 }, { "uk", 1058 },
	{ "sl", 1060 }, { "et", 1061 }, { "lv", 1062 }, { "lt", 1063 },
	{ "hi", 1081 }, { "zh-cn", 2052 }, { "pt", 2070 }, { "sr", 2074 },
	{ "zh-hk", 3076 }, { "ja-nec", 66577 },
};

void
sync_languages_learn(struct sess *s, const struct soap_node *list)
{
	const struct soap_node *e;

	SOAP_FOREACH_CHILD(e, list, "ServerSyncLanguageData") {
		const char *code = soap_child_text(e, "ShortLanguage");
		int32_t id;

		if (code == NULL || code[0] == '\0' || strlen(code) > 16 ||
		    soap_node_int32(soap_child(e, "LanguageID"), &id) != 0 ||
		    id <= 0 || s->nlangs >= SYNC_LANGS_MAX)
			continue;
		snprintf(s->langs[s->nlangs].code, sizeof(s->langs[0].code),
		    "%s", code);
		s->langs[s->nlangs].lcid = id;
		s->nlangs++;
	}
}

int
sync_language_lcid(const struct sess *s, const char *code, int32_t *lcid)
{
	size_t i;

	for (i = 0; i < s->nlangs; i++)
		if (strcasecmp(s->langs[i].code, code) == 0) {
			*lcid = s->langs[i].lcid;
			return 0;
		}
	for (i = 0; i < sizeof(wsus_languages) / sizeof(wsus_languages[0]);
	    i++)
		if (strcasecmp(wsus_languages[i].code, code) == 0) {
			*lcid = wsus_languages[i].lcid;
			return 0;
		}
	return -1;
}
