/*
 * driver_meta.c — reading <WindowsDriverMetaData> from stored update
 * documents while the catalog is built, and the small parsers of its
 * values (dates, versions, GUIDs).  See driver_meta.h.  Not here: the
 * ranking of drivers for a device (src/wusp/driver_rank.c).
 *
 * The document is parsed with the metadata layer's hardened Expat set-up
 * (metadata/mdxml.h: no DTD, no entities, size and depth bounds); this
 * module adds its own bounds on counts and string lengths.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metadata/mdxml.h"
#include "metadata/update.h"
#include "util/date.h"
#include "util/guid.h"
#include "util/hex.h"
#include "util/xmalloc.h"
#include "catalog/catalog_internal.h"
#include "catalog/driver_meta.h"

enum text_kind {
	TEXT_NONE = 0,
	TEXT_TARGET_CHID,
	TEXT_DIST_CHID,
	TEXT_PROVIDER,
};

struct dparse {
	struct mdxml	 m;		/* must be first (mdxml.h) */
	struct driver_meta *metas;	/* owned until handed out */
	size_t		 n, cap;
	struct driver_meta *cur;	/* inside a WindowsDriverMetaData */
	int		 cur_depth;	/* element depth of cur */
	int		 depth;
	enum text_kind	 text;		/* collecting text of a child */
	char		 tbuf[DRIVER_STR_MAX + 1];
	size_t		 tlen;
};

int32_t
driver_date_parse(const char *s)
{
	int y, mo, d, i;

	if (s == NULL)
		return DRIVER_DATE_UNKNOWN;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return DRIVER_DATE_UNKNOWN;
		} else if (!isdigit((unsigned char)s[i]))
			return DRIVER_DATE_UNKNOWN;
	}
	if (s[10] != '\0' && s[10] != 'T' && s[10] != 'Z' && s[10] != '+' &&
	    s[10] != '-')
		return DRIVER_DATE_UNKNOWN;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mo = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return DRIVER_DATE_UNKNOWN;
	return (int32_t)days_from_civil(y, (unsigned)mo, (unsigned)d);
}

int
driver_version_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0, part = 0;
	int parts = 0, digits = 0;
	const char *p;

	if (s == NULL || *s == '\0')
		return -1;
	if (strchr(s, '.') == NULL) {
		/* A plain decimal number (SystemSpec's xs:long). */
		for (p = s; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p) || p - s >= 20)
				return -1;
			if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		*out = v;
		return 0;
	}
	for (p = s;; p++) {
		if (isdigit((unsigned char)*p)) {
			part = part * 10 + (uint64_t)(*p - '0');
			if (part > 65535 || ++digits > 5)
				return -1;
			continue;
		}
		if ((*p != '.' && *p != '\0') || digits == 0 || parts == 4)
			return -1;
		v = (v << 16) | part;
		parts++;
		part = 0;
		digits = 0;
		if (*p == '\0')
			break;
	}
	if (parts != 4)
		return -1;
	*out = v;
	return 0;
}

int
driver_guid_parse(const char *s, uint8_t out[16])
{
	size_t len;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return guid_to_bytes(s, len, GUID_BRACES, out);
}

static void
meta_clear(struct driver_meta *m)
{
	size_t i;

	free(m->hardware_id);
	free(m->class_name);
	free(m->manufacturer);
	free(m->provider);
	free(m->features);
	free(m->chids);
	for (i = 0; i < m->nproviders; i++)
		free(m->providers[i]);
	free(m->providers);
	memset(m, 0, sizeof(*m));
}

void
driver_meta_free(struct driver_meta *metas, size_t n)
{
	size_t i;

	if (metas == NULL)
		return;
	for (i = 0; i < n; i++)
		meta_clear(&metas[i]);
	free(metas);
}

/* A bounded copy of an attribute; NULL stays NULL. */
static int
attr_dup(struct dparse *dp, const XML_Char **atts, const char *name,
    bool required, char **out)
{
	const char *v = mdxml_attr(atts, NULL, name);

	*out = NULL;
	if (v == NULL) {
		if (required) {
			mdxml_fail(&dp->m, "WindowsDriverMetaData without %s",
			    name);
			return -1;
		}
		return 0;
	}
	if (strlen(v) > DRIVER_STR_MAX) {
		mdxml_fail(&dp->m, "WindowsDriverMetaData %s longer than %d "
		    "bytes", name, DRIVER_STR_MAX);
		return -1;
	}
	*out = xstrdup(v);
	return 0;
}

static void
meta_start(struct dparse *dp, const XML_Char **atts)
{
	struct driver_meta *m;
	char *date = NULL, *ver = NULL;

	if (dp->n == DRIVER_META_MAX) {
		mdxml_fail(&dp->m, "more than %d WindowsDriverMetaData",
		    DRIVER_META_MAX);
		return;
	}
	CAT_GROW(dp->metas, dp->cap, dp->n + 1);
	m = &dp->metas[dp->n++];
	memset(m, 0, sizeof(*m));
	dp->cur = m;
	dp->cur_depth = dp->depth;
	if (attr_dup(dp, atts, "HardwareID", true, &m->hardware_id) == -1 ||
	    attr_dup(dp, atts, "Class", false, &m->class_name) == -1 ||
	    attr_dup(dp, atts, "Manufacturer", false, &m->manufacturer) == -1 ||
	    attr_dup(dp, atts, "Provider", false, &m->provider) == -1 ||
	    attr_dup(dp, atts, "DriverVerDate", true, &date) == -1 ||
	    attr_dup(dp, atts, "DriverVerVersion", true, &ver) == -1)
		goto out;
	if (*m->hardware_id == '\0') {
		mdxml_fail(&dp->m, "WindowsDriverMetaData with an empty "
		    "HardwareID");
		goto out;
	}
	if ((m->ver_date = driver_date_parse(date)) == DRIVER_DATE_UNKNOWN) {
		mdxml_fail(&dp->m, "bad DriverVerDate");
		goto out;
	}
	if (driver_version_parse(ver, &m->ver_version) == -1 ||
	    strchr(ver, '.') == NULL) {
		mdxml_fail(&dp->m, "bad DriverVerVersion");
		goto out;
	}
out:
	free(date);
	free(ver);
}

static void
feature_start(struct dparse *dp, const XML_Char **atts)
{
	struct driver_meta *m = dp->cur;
	const char *os = mdxml_attr(atts, NULL, "OperatingSystem");
	const char *sc = mdxml_attr(atts, NULL, "FeatureScore");
	char *end;
	unsigned long score;

	if (os == NULL || sc == NULL || strlen(os) >= sizeof(m->features[0].os)) {
		mdxml_fail(&dp->m, "bad FeatureScore element");
		return;
	}
	score = strtoul(sc, &end, 16);
	if (*sc == '\0' || *end != '\0' || score > 0xFF ||
	    hex_digit((unsigned char)*sc) < 0) {
		mdxml_fail(&dp->m, "bad FeatureScore value");
		return;
	}
	if (m->nfeatures == DRIVER_FEATURES_MAX) {
		mdxml_fail(&dp->m, "more than %d FeatureScore elements",
		    DRIVER_FEATURES_MAX);
		return;
	}
	m->features = xreallocarray(m->features, m->nfeatures + 1,
	    sizeof(*m->features));
	snprintf(m->features[m->nfeatures].os, sizeof(m->features[0].os),
	    "%s", os);
	m->features[m->nfeatures].score = (uint8_t)score;
	m->nfeatures++;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct dparse *dp = ud;
	struct mdxml_name n;

	dp->depth++;
	if (dp->m.failed)
		return;
	mdxml_split(name, &n);
	if (dp->cur == NULL) {
		if (mdxml_is(&n, NS_DRV, "WindowsDriverMetaData"))
			meta_start(dp, atts);
		return;
	}
	if (dp->depth != dp->cur_depth + 1)
		return;
	dp->tlen = 0;
	dp->text = TEXT_NONE;
	if (mdxml_is(&n, NS_DRV, "FeatureScore"))
		feature_start(dp, atts);
	else if (mdxml_is(&n, NS_DRV, "TargetComputerHardwareId"))
		dp->text = TEXT_TARGET_CHID;
	else if (mdxml_is(&n, NS_DRV, "DistributionComputerHardwareId"))
		dp->text = TEXT_DIST_CHID;
	else if (mdxml_is(&n, NS_DRV, "CompatibleProvider"))
		dp->text = TEXT_PROVIDER;
}

static void
text_done(struct dparse *dp)
{
	struct driver_meta *m = dp->cur;
	uint8_t g[16];
	size_t i;

	dp->tbuf[dp->tlen] = '\0';
	switch (dp->text) {
	case TEXT_TARGET_CHID:
	case TEXT_DIST_CHID:
		if (driver_guid_parse(dp->tbuf, g) == -1) {
			mdxml_fail(&dp->m, "bad computer hardware id");
			return;
		}
		for (i = 0; i < m->nchids; i++)
			if (memcmp(m->chids[i], g, 16) == 0)
				return;
		if (m->nchids == DRIVER_CHIDS_MAX) {
			mdxml_fail(&dp->m, "more than %d computer hardware ids",
			    DRIVER_CHIDS_MAX);
			return;
		}
		m->chids = xreallocarray(m->chids, m->nchids + 1,
		    sizeof(*m->chids));
		memcpy(m->chids[m->nchids++], g, 16);
		break;
	case TEXT_PROVIDER:
		if (m->nproviders == DRIVER_PROVIDERS_MAX) {
			mdxml_fail(&dp->m, "more than %d CompatibleProvider",
			    DRIVER_PROVIDERS_MAX);
			return;
		}
		m->providers = xreallocarray(m->providers, m->nproviders + 1,
		    sizeof(*m->providers));
		m->providers[m->nproviders++] = xstrdup(dp->tbuf);
		break;
	case TEXT_NONE:
		break;
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct dparse *dp = ud;

	(void)name;
	if (!dp->m.failed && dp->cur != NULL) {
		if (dp->depth == dp->cur_depth) {
			dp->cur = NULL;
		} else if (dp->depth == dp->cur_depth + 1 &&
		    dp->text != TEXT_NONE) {
			text_done(dp);
			dp->text = TEXT_NONE;
		}
	}
	dp->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct dparse *dp = ud;

	if (dp->m.failed || dp->cur == NULL || dp->text == TEXT_NONE ||
	    dp->depth != dp->cur_depth + 1 || len <= 0)
		return;
	if (dp->tlen + (size_t)len > DRIVER_STR_MAX) {
		mdxml_fail(&dp->m, "driver metadata text longer than %d bytes",
		    DRIVER_STR_MAX);
		return;
	}
	memcpy(dp->tbuf + dp->tlen, s, (size_t)len);
	dp->tlen += (size_t)len;
}

int
driver_meta_parse(const char *xml, size_t len, struct driver_meta **out,
    size_t *n, char *err, size_t errlen)
{
	struct dparse dp;

	*out = NULL;
	*n = 0;
	memset(&dp, 0, sizeof(dp));
	mdxml_init(&dp.m, &dp);
	XML_SetElementHandler(dp.m.p, on_start, on_end);
	XML_SetCharacterDataHandler(dp.m.p, on_text);
	if (mdxml_parse(&dp.m, xml, len, err, errlen) == -1) {
		mdxml_free(&dp.m);
		driver_meta_free(dp.metas, dp.n);
		return -1;
	}
	mdxml_free(&dp.m);
	*out = dp.metas;
	*n = dp.n;
	return 0;
}
