/*
 * op_config.c — GetConfigData of the MS-WSUSSS Server Sync service: the
 * upstream's configuration (batch size, protocol version, languages)
 * for a downstream.  Not the anchors (common.c).  docs/WSUSSS.md.
 */
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/origin.h"
#include "wsusss/service_internal.h"

/* ---- GetConfigData ------------------------------------------------------- */

/* The languages a real WSUS lists (captured GetConfigData, order kept). */
static const struct {
	int		 lcid;
	const char	*s, *l;
} languages[] = {
	{ 1025, "ar", "Arabic" },
	{ 1026, "bg", "Bulgarian" },
	{ 1028, "zh-tw", "Chinese (Traditional)" },
	{ 1029, "cs", "Czech" },
	{ 1030, "da", "Danish" },
	{ 1031, "de", "German" },
	{ 1032, "el", "Greek" },
	{ 1033, "en", "English" },
	{ 1034, "es", "Spanish" },
	{ 1035, "fi", "Finnish" },
	{ 1036, "fr", "French" },
	{ 1037, "he", "Hebrew" },
	{ 1038, "hu", "Hungarian" },
	{ 1040, "it", "Italian" },
	{ 1041, "ja", "Japanese" },
	{ 1042, "ko", "Korean" },
	{ 1043, "nl", "Dutch" },
	{ 1044, "no", "Norwegian" },
	{ 1045, "pl", "Polish" },
	{ 1046, "pt-br", "Portuguese (Brazil)" },
	{ 1048, "ro", "Romanian" },
	{ 1049, "ru", "Russian" },
	{ 1050, "hr", "Croatian" },
	{ 1051, "sk", "Slovak" },
	{ 1053, "sv", "Swedish" },
	{ 1054, "th", "Thai" },
	{ 1055, "tr", "Turkish" },
	{ 1058, "uk", "Ukrainian" },
	{ 1060, "sl", "Slovenian" },
	{ 1061, "et", "Estonian" },
	{ 1062, "lv", "Latvian" },
	{ 1063, "lt", "Lithuanian" },
	{ 1081, "hi", "Hindi" },
	{ 2052, "zh-cn", "Chinese (Simplified)" },
	{ 2070, "pt", "Portuguese (Portugal)" },
	{ 2074, "sr", "Serbian (Latin)" },
	{ 3076, "zh-hk", "Chinese (Hong Kong SAR)" },
	{ 66577, "ja-nec", "Japanese NEC" },
};

static bool
lang_enabled(const char *list, const char *s)
{
	size_t n = strlen(s);
	const char *p = list;

	if (list == NULL)
		return strcmp(s, "en") == 0;
	if (strcmp(list, "all") == 0)
		return true;
	while (*p != '\0') {
		size_t k = strcspn(p, ", ;");

		if (k == n && strncasecmp(p, s, n) == 0)
			return true;
		p += k;
		p += strspn(p, ", ;");
	}
	return false;
}

int
wsusss_op_get_config_data(struct svc_call *c)
{
	struct store *st;
	struct wsusss_anchor a;
	bool has;
	char *langs = NULL;
	int64_t seq = 0;
	int batch;

	if (ws_session(c) != 0 || (st = svc_store(c)) == NULL)
		return -1;
	if (store_change_seq(st, &seq) != STORE_OK)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	if (ws_read_anchor(c, soap_child(c->body, "configAnchor"),
	    "configAnchor", &a, &has, seq) != 0)
		return -1;
	batch = ws_batch(st);
	langs = ws_languages(st);
	svc_begin(c);
	xmlw_start(&c->w, "GetConfigDataResult");
	/* content policy "origin": no files here, downstreams use MUUrl */
	xmlw_elem_bool(&c->w, "CatalogOnlySync", content_origin_policy(st));
	xmlw_elem_bool(&c->w, "LazySync", 1);
	/* express (PSF) files held here for downstreams (wsusss.md §10):
	 * content_hosts_express() says when */
	xmlw_elem_bool(&c->w, "ServerHostsPsfFiles",
	    content_hosts_express(st));
	xmlw_elem_int(&c->w, "MaxNumberOfComputerIdsInRequest", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfDriverSetsPerRequest", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfPnpHardwareIdsInRequest", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfUpdatesPerRequest", batch);
	ws_write_anchor(c, "NewConfigAnchor", seq);
	xmlw_elem(&c->w, "ProtocolVersion", WSUSSS_PROTOCOL_VERSION);
	xmlw_start(&c->w, "LanguageUpdateList");
	/* the whole list on a first call only (as real WSUS) */
	if (!has) {
		/* 1.1 downstreams know 63 languages only: same list, all
		 * of them are within the 63 of WSUS 2.0 except ja-nec. */
		bool v11 = !wsusss_version_at_least(WS(c)->sess.proto_major,
		    WS(c)->sess.proto_minor, 1, 2);

		xmlw_start(&c->w, "ServerSyncLanguageData");
		xmlw_elem_int(&c->w, "LanguageID", 0);
		xmlw_elem(&c->w, "ShortLanguage", "all");
		xmlw_elem(&c->w, "LongLanguage", "all");
		xmlw_elem_bool(&c->w, "Enabled", langs != NULL &&
		    strcmp(langs, "all") == 0);
		xmlw_end(&c->w);
		for (size_t i = 0; i < sizeof(languages) /
		    sizeof(languages[0]); i++) {
			if (v11 && languages[i].lcid > 0xffff)
				continue;
			xmlw_start(&c->w, "ServerSyncLanguageData");
			xmlw_elem_int(&c->w, "LanguageID", languages[i].lcid);
			xmlw_elem(&c->w, "ShortLanguage", languages[i].s);
			xmlw_elem(&c->w, "LongLanguage", languages[i].l);
			xmlw_elem_bool(&c->w, "Enabled",
			    lang_enabled(langs, languages[i].s));
			xmlw_end(&c->w);
		}
	}
	xmlw_end(&c->w);
	xmlw_elem_int(&c->w, "MaxUpdatesPerRequestInGetUpdateDecryptionData",
	    batch);
	svc_end(c);
	free(langs);
	return 0;
}

