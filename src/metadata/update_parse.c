/*
 * update_parse.c — from the bytes of an update document (cabinet,
 * UTF-16, UTF-8) to UTF-8 text (update_blob_decode), and from that text
 * to a struct update (update_parse), in one Expat pass.
 *
 * Elements are recognised by namespace URI and local name, never by
 * prefix; the real documents declare namespaces on inner elements and
 * use several prefixes for one URI.  What is not part of the model
 * (applicability rules, handler data other than CategoryInformation,
 * EULA files, ...) is skipped; it stays in the stored document and in the
 * client fragments (fragments.c).  Not here: fragment derivation, storage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata/cab.h"
#include "metadata/mdxml.h"
#include "metadata/update.h"
#include "metadata/update_parse.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* ------------------------------------------------------------------ */
/* Text decoding                                                       */
/* ------------------------------------------------------------------ */

/*
 * The text must be valid UTF-8 (util/utf8.h: no overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences) with no
 * U+0000.
 */
static int
check_utf8(const unsigned char *s, size_t n, char *err, size_t errlen)
{
	size_t bad;

	if (utf8_check(s, n, &bad) == -1) {
		snprintf(err, errlen, "invalid UTF-8 at byte offset %zu", bad);
		return -1;
	}
	return 0;
}

static int
utf16_to_utf8(const unsigned char *s, size_t n, int be, char **xml,
    size_t *xml_len, char *err, size_t errlen)
{
	struct buf b;
	size_t i;

	if (n % 2 != 0) {
		snprintf(err, errlen, "invalid UTF-16: odd number of bytes");
		return -1;
	}
	buf_init(&b, UPDATE_DOC_MAX_BYTES);
	for (i = 0; i < n; i += 2) {
		uint32_t cp, u = be ? (uint32_t)(s[i] << 8 | s[i + 1]) :
		    (uint32_t)(s[i + 1] << 8 | s[i]);
		char o[4];
		size_t ol;

		if (u >= 0xd800 && u <= 0xdbff) {
			uint32_t lo;

			if (i + 3 >= n)
				goto bad_surrogate;
			lo = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3]) :
			    (uint32_t)(s[i + 3] << 8 | s[i + 2]);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad_surrogate;
			cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			goto bad_surrogate;
		} else
			cp = u;
		if (cp == 0) {
			snprintf(err, errlen, "NUL character in UTF-16 text "
			    "at byte offset %zu", i);
			goto fail;
		}
		if (cp < 0x80) {
			o[0] = (char)cp;
			ol = 1;
		} else if (cp < 0x800) {
			o[0] = (char)(0xc0 | cp >> 6);
			o[1] = (char)(0x80 | (cp & 0x3f));
			ol = 2;
		} else if (cp < 0x10000) {
			o[0] = (char)(0xe0 | cp >> 12);
			o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
			o[2] = (char)(0x80 | (cp & 0x3f));
			ol = 3;
		} else {
			o[0] = (char)(0xf0 | cp >> 18);
			o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
			o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
			o[3] = (char)(0x80 | (cp & 0x3f));
			ol = 4;
		}
		if (buf_append(&b, o, ol) == -1) {
			snprintf(err, errlen, "document larger than %u bytes",
			    UPDATE_DOC_MAX_BYTES);
			goto fail;
		}
	}
	*xml = buf_steal(&b, xml_len);
	if (*xml == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
bad_surrogate:
	snprintf(err, errlen, "invalid UTF-16: unpaired surrogate at byte "
	    "offset %zu", i);
fail:
	buf_free(&b);
	return -1;
}

static int
decode_text(const unsigned char *s, size_t n, char **xml, size_t *xml_len,
    char *err, size_t errlen)
{
	if (n >= 2 && s[0] == 0xff && s[1] == 0xfe)
		return utf16_to_utf8(s + 2, n - 2, 0, xml, xml_len, err, errlen);
	if (n >= 2 && s[0] == 0xfe && s[1] == 0xff)
		return utf16_to_utf8(s + 2, n - 2, 1, xml, xml_len, err, errlen);
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		s += 3;
		n -= 3;
	} else if (n >= 2 && s[0] != 0 && s[1] == 0) {
		/* "<\0": UTF-16LE without a byte-order mark */
		return utf16_to_utf8(s, n, 0, xml, xml_len, err, errlen);
	} else if (n >= 2 && s[0] == 0 && s[1] != 0) {
		return utf16_to_utf8(s, n, 1, xml, xml_len, err, errlen);
	}
	if (n > UPDATE_DOC_MAX_BYTES) {
		snprintf(err, errlen, "document larger than %u bytes",
		    UPDATE_DOC_MAX_BYTES);
		return -1;
	}
	if (check_utf8(s, n, err, errlen) == -1)
		return -1;
	*xml = xmalloc(n + 1);
	if (n)
		memcpy(*xml, s, n);
	(*xml)[n] = '\0';
	*xml_len = n;
	return 0;
}

int
update_blob_decode(const void *data, size_t len, char **xml,
    size_t *xml_len, char *err, size_t errlen)
{
	char *member = NULL, cerr[160];
	size_t mlen = 0;
	int rc;

	*xml = NULL;
	*xml_len = 0;
	if (data == NULL || len == 0) {
		snprintf(err, errlen, "empty document");
		return -1;
	}
	if (cab_is_cabinet(data, len)) {
		if (cab_extract_first(data, len, CAB_MAX_OUTPUT, &member,
		    &mlen, cerr, sizeof(cerr)) == -1) {
			snprintf(err, errlen, "cabinet: %s", cerr);
			return -1;
		}
		if (mlen == 0) {
			free(member);
			snprintf(err, errlen, "cabinet: member is empty");
			return -1;
		}
		rc = decode_text((const unsigned char *)member, mlen, xml,
		    xml_len, err, errlen);
		free(member);
		return rc;
	}
	return decode_text(data, len, xml, xml_len, err, errlen);
}

/* ------------------------------------------------------------------ */
/* Document parsing                                                    */
/* ------------------------------------------------------------------ */

/* Where an element sits in the document, as far as the model cares. */
enum kind {
	K_OTHER = 0,		/* not part of the model (or unknown) */
	K_UPDATE,
	K_IDENTITY,
	K_PROPS,
	K_PROPS_KB,		/* Properties/KBArticleID */
	K_PROPS_SB,		/* Properties/SecurityBulletinID */
	K_PROPS_LANG,		/* Properties/Language */
	K_LPC,			/* LocalizedPropertiesCollection */
	K_LP,			/* .../LocalizedProperties */
	K_LP_LANG,
	K_LP_TITLE,
	K_LP_DESC,
	K_REL,
	K_PREREQ,
	K_PREREQ_ALO,		/* Prerequisites/AtLeastOne */
	K_BUNDLED,
	K_BUNDLED_ALO,		/* BundledUpdates/AtLeastOne */
	K_SUPERSEDED,
	K_REF,			/* an UpdateIdentity inside Relationships */
	K_RULES,
	K_RULES_META,		/* ApplicabilityRules/Metadata */
	K_FILES,
	K_FILE,
	K_FILE_SHA256,		/* File/AdditionalDigest[@Algorithm=SHA256] */
	K_HSD,			/* HandlerSpecificData */
};

/* Sections of <Update> that may appear at most once. */
enum {
	SEEN_IDENTITY = 1 << 0,
	SEEN_PROPS = 1 << 1,
	SEEN_LPC = 1 << 2,
	SEEN_REL = 1 << 3,
	SEEN_RULES = 1 << 4,
	SEEN_FILES = 1 << 5,
	SEEN_HSD = 1 << 6,
	SEEN_PREREQ = 1 << 7,
	SEEN_BUNDLED = 1 << 8,
	SEEN_SUPERSEDED = 1 << 9,
	SEEN_CATINFO = 1 << 10,
};

struct pstate {
	struct mdxml	 x;		/* must be first (mdxml.h) */
	struct update	*u;		/* borrowed; being filled */
	unsigned	 depth;
	unsigned char	 stack[UPDATE_MAX_DEPTH];
	unsigned	 seen;		/* SEEN_* */
	bool		 has_root;
	struct buf	 text;		/* text of the current leaf */
	/* capacities of the growing arrays of *u */
	size_t		 cap_prereqs, cap_bundled, cap_superseded;
	size_t		 cap_files, cap_localized, cap_group;
	/* current LocalizedProperties: which children were seen */
	bool		 lp_lang, lp_title, lp_desc;
	bool		 file_sha256;	/* current File has a SHA-256 */
	bool		 kb_seen, sb_seen;
};

static bool
is_text_kind(unsigned char k)
{
	return k == K_PROPS_KB || k == K_PROPS_SB || k == K_PROPS_LANG ||
	    k == K_LP_LANG ||
	    k == K_LP_TITLE || k == K_LP_DESC || k == K_FILE_SHA256;
}

/* Grow *arr (of size elem) to hold one more; n is the current count. */
static void *
grow(void *arr, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 4;
	return xreallocarray(arr, *cap, elem);
}

static char *
trim_dup(const char *s, size_t n)
{
	s = mdxml_trim(s, &n);
	return xstrndup(s, n);
}

/* UpdateID (required) and RevisionNumber (required when need_rev). */
static int
parse_ref(struct pstate *st, const XML_Char **atts, bool need_rev,
    struct update_ref *r)
{
	const char *id = mdxml_attr(atts, NULL, "UpdateID");
	const char *rev = mdxml_attr(atts, NULL, "RevisionNumber");
	unsigned long long v;
	char snip[48];

	if (id == NULL) {
		mdxml_fail(&st->x, "missing UpdateIdentity/@UpdateID");
		return -1;
	}
	if (guid_normalize(id, r->update_id) == -1) {
		mdxml_fail(&st->x, "UpdateIdentity/@UpdateID \"%s\" is not "
		    "a GUID", mdxml_snip(id, snip, sizeof(snip)));
		return -1;
	}
	r->revision = -1;
	if (rev == NULL) {
		if (need_rev) {
			mdxml_fail(&st->x,
			    "missing UpdateIdentity/@RevisionNumber");
			return -1;
		}
		return 0;
	}
	if (mdxml_u64(rev, INT32_MAX, &v) == -1) {
		mdxml_fail(&st->x, "UpdateIdentity/@RevisionNumber \"%s\" is "
		    "not a number from 0 to %d", mdxml_snip(rev, snip,
		    sizeof(snip)), INT32_MAX);
		return -1;
	}
	r->revision = (int32_t)v;
	return 0;
}

static int
attr_bool(struct pstate *st, const XML_Char **atts, const char *name,
    bool *out)
{
	const char *v = mdxml_attr(atts, NULL, name);
	char snip[48];
	int b;

	if (v == NULL)
		return 0;
	if ((b = mdxml_bool(v)) == -1) {
		mdxml_fail(&st->x, "Properties/@%s \"%s\" is not a boolean",
		    name, mdxml_snip(v, snip, sizeof(snip)));
		return -1;
	}
	*out = b == 1;
	return 0;
}

static int
attr_u64(struct pstate *st, const XML_Char **atts, const char *elem,
    const char *name, uint64_t *out, bool required)
{
	const char *v = mdxml_attr(atts, NULL, name);
	unsigned long long n;
	char snip[48];

	if (v == NULL) {
		if (required) {
			mdxml_fail(&st->x, "missing %s/@%s", elem, name);
			return -1;
		}
		return 0;
	}
	if (mdxml_u64(v, UINT64_MAX, &n) == -1) {
		mdxml_fail(&st->x, "%s/@%s \"%s\" is not a size", elem, name,
		    mdxml_snip(v, snip, sizeof(snip)));
		return -1;
	}
	*out = n;
	return 0;
}

static char *
attr_dup(const XML_Char **atts, const char *name)
{
	const char *v = mdxml_attr(atts, NULL, name);

	return v != NULL ? xstrdup(v) : NULL;
}

static int
start_properties(struct pstate *st, const XML_Char **atts)
{
	struct update *u = st->u;
	const char *t = mdxml_attr(atts, NULL, "UpdateType");
	char snip[48];

	if (t == NULL) {
		mdxml_fail(&st->x, "missing Properties/@UpdateType");
		return -1;
	}
	if (strcmp(t, "Software") == 0)
		u->type = UPDATE_TYPE_SOFTWARE;
	else if (strcmp(t, "Driver") == 0)
		u->type = UPDATE_TYPE_DRIVER;
	else if (strcmp(t, "Category") == 0)
		u->type = UPDATE_TYPE_CATEGORY;
	else if (strcmp(t, "Detectoid") == 0)
		u->type = UPDATE_TYPE_DETECTOID;
	else {
		mdxml_fail(&st->x, "unknown Properties/@UpdateType \"%s\"",
		    mdxml_snip(t, snip, sizeof(snip)));
		return -1;
	}
	if (attr_bool(st, atts, "ExplicitlyDeployable",
	    &u->explicitly_deployable) == -1 ||
	    attr_bool(st, atts, "IsPublic", &u->is_public) == -1 ||
	    attr_bool(st, atts, "IsBeta", &u->is_beta) == -1 ||
	    attr_u64(st, atts, "Properties", "MaxDownloadSize",
	    &u->max_download_size, false) == -1 ||
	    attr_u64(st, atts, "Properties", "MinDownloadSize",
	    &u->min_download_size, false) == -1)
		return -1;
	u->default_language = attr_dup(atts, "DefaultPropertiesLanguage");
	u->handler = attr_dup(atts, "Handler");
	u->creation_date = attr_dup(atts, "CreationDate");
	u->publication_state = attr_dup(atts, "PublicationState");
	u->msrc_severity = attr_dup(atts, "MsrcSeverity");
	u->eula_id = attr_dup(atts, "EulaID");
	return 0;
}

static int
start_file(struct pstate *st, const XML_Char **atts)
{
	struct update *u = st->u;
	struct update_file *f;
	const char *alg = mdxml_attr(atts, NULL, "DigestAlgorithm");
	const char *dig = mdxml_attr(atts, NULL, "Digest");
	const char *name = mdxml_attr(atts, NULL, "FileName");
	size_t dl;
	char snip[48];

	if (u->nfiles >= UPDATE_MAX_FILES) {
		mdxml_fail(&st->x, "more than %d files", UPDATE_MAX_FILES);
		return -1;
	}
	u->files = grow(u->files, u->nfiles, &st->cap_files, sizeof(*f));
	f = &u->files[u->nfiles];
	memset(f, 0, sizeof(*f));
	if (alg != NULL && strcmp(alg, "SHA1") != 0) {
		mdxml_fail(&st->x, "File/@DigestAlgorithm \"%s\" is not "
		    "supported (SHA1 expected)", mdxml_snip(alg, snip,
		    sizeof(snip)));
		return -1;
	}
	if (dig == NULL) {
		mdxml_fail(&st->x, "missing File/@Digest");
		return -1;
	}
	if (base64_decode(dig, strlen(dig), f->sha1, sizeof(f->sha1),
	    &dl) == -1 || dl != sizeof(f->sha1)) {
		mdxml_fail(&st->x, "File/@Digest \"%s\" is not the base64 of "
		    "a 20-byte SHA-1", mdxml_snip(dig, snip, sizeof(snip)));
		return -1;
	}
	if (name == NULL || *name == '\0') {
		mdxml_fail(&st->x, "missing File/@FileName");
		return -1;
	}
	if (attr_u64(st, atts, "File", "Size", &f->size, true) == -1)
		return -1;
	f->name = xstrdup(name);
	f->modified = attr_dup(atts, "Modified");
	f->patching_type = attr_dup(atts, "PatchingType");
	u->nfiles++;
	st->file_sha256 = false;
	return 0;
}

static int
new_prereq_group(struct pstate *st, bool is_category)
{
	struct update *u = st->u;
	struct update_prereq_group *g;

	if (u->nprereqs >= UPDATE_MAX_GROUPS) {
		mdxml_fail(&st->x, "more than %d prerequisite groups",
		    UPDATE_MAX_GROUPS);
		return -1;
	}
	u->prereqs = grow(u->prereqs, u->nprereqs, &st->cap_prereqs,
	    sizeof(*g));
	g = &u->prereqs[u->nprereqs++];
	memset(g, 0, sizeof(*g));
	g->is_category = is_category;
	st->cap_group = 0;
	return 0;
}

static int
new_bundle_group(struct pstate *st)
{
	struct update *u = st->u;
	struct update_bundle_group *g;

	if (u->nbundled >= UPDATE_MAX_GROUPS) {
		mdxml_fail(&st->x, "more than %d bundled groups",
		    UPDATE_MAX_GROUPS);
		return -1;
	}
	u->bundled = grow(u->bundled, u->nbundled, &st->cap_bundled,
	    sizeof(*g));
	g = &u->bundled[u->nbundled++];
	memset(g, 0, sizeof(*g));
	st->cap_group = 0;
	return 0;
}

/* Append a reference to ids/n (capacity in st->cap_group). */
static int
add_ref(struct pstate *st, const XML_Char **atts, struct update_ref **ids,
    size_t *n, size_t *cap, const char *what)
{
	struct update_ref r;

	if (*n >= UPDATE_MAX_RELATED) {
		mdxml_fail(&st->x, "more than %d updates in one %s list",
		    UPDATE_MAX_RELATED, what);
		return -1;
	}
	if (parse_ref(st, atts, false, &r) == -1)
		return -1;
	*ids = grow(*ids, *n, cap, sizeof(r));
	(*ids)[(*n)++] = r;
	return 0;
}

static int
new_localized(struct pstate *st)
{
	struct update *u = st->u;
	struct update_localized *l;

	if (u->nlocalized >= UPDATE_MAX_LANGUAGES) {
		mdxml_fail(&st->x, "more than %d LocalizedProperties",
		    UPDATE_MAX_LANGUAGES);
		return -1;
	}
	u->localized = grow(u->localized, u->nlocalized, &st->cap_localized,
	    sizeof(*l));
	l = &u->localized[u->nlocalized++];
	memset(l, 0, sizeof(*l));
	st->lp_lang = st->lp_title = st->lp_desc = false;
	return 0;
}

/* The kind of a child named n of an element of kind parent; may fail. */
static int
child_kind(struct pstate *st, unsigned char parent,
    const struct mdxml_name *n, const XML_Char **atts)
{
	struct update *u = st->u;
	bool upd = mdxml_ns_is(n, NS_UPD);
	const char *l = n->local;
	int b;

	switch (parent) {
	case K_UPDATE:
		if (!upd)
			return K_OTHER;
		if (strcmp(l, "UpdateIdentity") == 0) {
			if (mdxml_once(&st->x, &st->seen, SEEN_IDENTITY, "UpdateIdentity") == -1 ||
			    parse_ref(st, atts, true, &u->id) == -1)
				return -1;
			return K_IDENTITY;
		}
		if (strcmp(l, "Properties") == 0) {
			if (mdxml_once(&st->x, &st->seen, SEEN_PROPS, "Properties") == -1 ||
			    start_properties(st, atts) == -1)
				return -1;
			return K_PROPS;
		}
		if (strcmp(l, "LocalizedPropertiesCollection") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_LPC, l) == -1 ? -1 : K_LPC;
		if (strcmp(l, "Relationships") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_REL, l) == -1 ? -1 : K_REL;
		if (strcmp(l, "ApplicabilityRules") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_RULES, l) == -1 ? -1 : K_RULES;
		if (strcmp(l, "Files") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_FILES, l) == -1 ? -1 : K_FILES;
		if (strcmp(l, "HandlerSpecificData") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_HSD, l) == -1 ? -1 : K_HSD;
		return K_OTHER;
	case K_PROPS:
		if (upd && strcmp(l, "KBArticleID") == 0) {
			if (st->kb_seen) {
				mdxml_fail(&st->x, "more than one KBArticleID");
				return -1;
			}
			st->kb_seen = true;
			return K_PROPS_KB;
		}
		if (upd && strcmp(l, "SecurityBulletinID") == 0) {
			if (st->sb_seen) {
				mdxml_fail(&st->x,
				    "more than one SecurityBulletinID");
				return -1;
			}
			st->sb_seen = true;
			return K_PROPS_SB;
		}
		if (upd && strcmp(l, "Language") == 0)
			return K_PROPS_LANG;
		return K_OTHER;
	case K_LPC:
		if (upd && strcmp(l, "LocalizedProperties") == 0)
			return new_localized(st) == -1 ? -1 : K_LP;
		return K_OTHER;
	case K_LP:
		if (!upd)
			return K_OTHER;
		if (strcmp(l, "Language") == 0) {
			if (st->lp_lang)
				goto dup_lp;
			st->lp_lang = true;
			return K_LP_LANG;
		}
		if (strcmp(l, "Title") == 0) {
			if (st->lp_title)
				goto dup_lp;
			st->lp_title = true;
			return K_LP_TITLE;
		}
		if (strcmp(l, "Description") == 0) {
			if (st->lp_desc)
				goto dup_lp;
			st->lp_desc = true;
			return K_LP_DESC;
		}
		return K_OTHER;
	dup_lp:
		mdxml_fail(&st->x, "more than one %s in LocalizedProperties",
		    l);
		return -1;
	case K_REL:
		if (!upd)
			return K_OTHER;
		if (strcmp(l, "Prerequisites") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_PREREQ, l) == -1 ? -1 : K_PREREQ;
		if (strcmp(l, "BundledUpdates") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_BUNDLED, l) == -1 ? -1 : K_BUNDLED;
		if (strcmp(l, "SupersededUpdates") == 0)
			return mdxml_once(&st->x, &st->seen, SEEN_SUPERSEDED, l) == -1 ? -1 :
			    K_SUPERSEDED;
		return K_OTHER;
	case K_PREREQ:
		if (upd && strcmp(l, "UpdateIdentity") == 0) {
			struct update_prereq_group *g;

			if (new_prereq_group(st, false) == -1)
				return -1;
			g = &u->prereqs[u->nprereqs - 1];
			if (add_ref(st, atts, &g->ids, &g->nids,
			    &st->cap_group, "prerequisite") == -1)
				return -1;
			return K_REF;
		}
		if (upd && strcmp(l, "AtLeastOne") == 0) {
			const char *ic = mdxml_attr(atts, NULL, "IsCategory");
			char snip[48];

			b = 0;
			if (ic != NULL && (b = mdxml_bool(ic)) == -1) {
				mdxml_fail(&st->x, "AtLeastOne/@IsCategory "
				    "\"%s\" is not a boolean",
				    mdxml_snip(ic, snip, sizeof(snip)));
				return -1;
			}
			return new_prereq_group(st, b == 1) == -1 ? -1 :
			    K_PREREQ_ALO;
		}
		return K_OTHER;
	case K_PREREQ_ALO:
		if (upd && strcmp(l, "UpdateIdentity") == 0) {
			struct update_prereq_group *g =
			    &u->prereqs[u->nprereqs - 1];

			return add_ref(st, atts, &g->ids, &g->nids,
			    &st->cap_group, "prerequisite") == -1 ? -1 : K_REF;
		}
		return K_OTHER;
	case K_BUNDLED:
		if (upd && strcmp(l, "AtLeastOne") == 0)
			return new_bundle_group(st) == -1 ? -1 : K_BUNDLED_ALO;
		if (upd && strcmp(l, "UpdateIdentity") == 0) {
			struct update_bundle_group *g;

			if (new_bundle_group(st) == -1)
				return -1;
			g = &u->bundled[u->nbundled - 1];
			return add_ref(st, atts, &g->ids, &g->nids,
			    &st->cap_group, "bundled") == -1 ? -1 : K_REF;
		}
		return K_OTHER;
	case K_BUNDLED_ALO:
		if (upd && strcmp(l, "UpdateIdentity") == 0) {
			struct update_bundle_group *g =
			    &u->bundled[u->nbundled - 1];

			return add_ref(st, atts, &g->ids, &g->nids,
			    &st->cap_group, "bundled") == -1 ? -1 : K_REF;
		}
		return K_OTHER;
	case K_SUPERSEDED:
		if (upd && strcmp(l, "UpdateIdentity") == 0)
			return add_ref(st, atts, &u->superseded,
			    &u->nsuperseded, &st->cap_superseded,
			    "superseded") == -1 ? -1 : K_REF;
		return K_OTHER;
	case K_RULES:
		if (upd && strcmp(l, "Metadata") == 0)
			return K_RULES_META;
		return K_OTHER;
	case K_RULES_META:
		if (mdxml_is(n, NS_DRV, "WindowsDriverMetaData"))
			u->has_driver_metadata = true;
		return K_OTHER;
	case K_FILES:
		if (upd && strcmp(l, "File") == 0)
			return start_file(st, atts) == -1 ? -1 : K_FILE;
		return K_OTHER;
	case K_FILE:
		if (upd && strcmp(l, "AdditionalDigest") == 0) {
			const char *alg = mdxml_attr(atts, NULL, "Algorithm");

			if (alg == NULL || strcmp(alg, "SHA256") != 0)
				return K_OTHER;
			if (st->file_sha256) {
				mdxml_fail(&st->x, "more than one SHA256 "
				    "AdditionalDigest in one File");
				return -1;
			}
			st->file_sha256 = true;
			return K_FILE_SHA256;
		}
		return K_OTHER;
	case K_HSD:
		if (mdxml_is(n, NS_CAT, "CategoryInformation")) {
			const char *ct = mdxml_attr(atts, NULL, "CategoryType");

			if (mdxml_once(&st->x, &st->seen, SEEN_CATINFO, l) == -1)
				return -1;
			if (ct == NULL)
				u->category_kind = CATEGORY_KIND_OTHER;
			else if (strcmp(ct, "Company") == 0)
				u->category_kind = CATEGORY_KIND_COMPANY;
			else if (strcmp(ct, "ProductFamily") == 0)
				u->category_kind = CATEGORY_KIND_PRODUCT_FAMILY;
			else if (strcmp(ct, "Product") == 0)
				u->category_kind = CATEGORY_KIND_PRODUCT;
			else if (strcmp(ct, "UpdateClassification") == 0)
				u->category_kind =
				    CATEGORY_KIND_UPDATE_CLASSIFICATION;
			else
				u->category_kind = CATEGORY_KIND_OTHER;
		}
		return K_OTHER;
	default:
		return K_OTHER;
	}
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct pstate *st = ud;
	struct mdxml_name n;
	unsigned char parent;
	int k;

	if (st->x.failed)
		return;
	mdxml_split(name, &n);
	if (mdxml_enter(&st->x, st->depth, &n) == -1)
		return;
	if (st->depth == 0) {
		st->has_root = true;
		k = K_UPDATE;
	} else {
		parent = st->stack[st->depth - 1];
		if (is_text_kind(parent)) {
			mdxml_fail(&st->x, "unexpected element <%s> inside a "
			    "text-only element", n.local);
			return;
		}
		if ((k = child_kind(st, parent, &n, atts)) == -1)
			return;
	}
	st->stack[st->depth++] = (unsigned char)k;
	if (is_text_kind((unsigned char)k))
		buf_reset(&st->text);
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct pstate *st = ud;

	if (st->x.failed || st->depth == 0 ||
	    !is_text_kind(st->stack[st->depth - 1]))
		return;
	if (buf_append(&st->text, s, (size_t)len) == -1)
		mdxml_fail(&st->x, "text longer than %d bytes",
		    UPDATE_MAX_TEXT);
}

static int
end_language(struct pstate *st)
{
	struct update *u = st->u;
	struct update_localized *l = &u->localized[u->nlocalized - 1];
	char *lang = trim_dup(st->text.data ? st->text.data : "", st->text.len);
	size_t i, n = strlen(lang);
	char snip[48];

	if (n == 0 || n >= sizeof(l->language)) {
		mdxml_fail(&st->x, "LocalizedProperties/Language \"%s\" is "
		    "empty or too long", mdxml_snip(lang, snip, sizeof(snip)));
		free(lang);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char c = lang[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			mdxml_fail(&st->x, "LocalizedProperties/Language "
			    "\"%s\" is not a language tag",
			    mdxml_snip(lang, snip, sizeof(snip)));
			free(lang);
			return -1;
		}
	}
	for (i = 0; i + 1 < u->nlocalized; i++) {
		if (strcmp(u->localized[i].language, lang) == 0) {
			mdxml_fail(&st->x, "LocalizedProperties for language "
			    "\"%s\" given twice", lang);
			free(lang);
			return -1;
		}
	}
	memcpy(l->language, lang, n + 1);
	free(lang);
	return 0;
}

/*
 * One Properties/Language value, added to u->languages (lower case,
 * space-separated, each once, at most PROPS_LANGUAGES_MAX bytes); a value
 * that is not a language tag ("en", "pt-BR", "all") is left out.
 */
#define PROPS_LANGUAGES_MAX	1024
static void
add_language(struct pstate *st, const char *t, size_t n)
{
	struct update *u = st->u;
	char *lang = trim_dup(t, n), *w;
	size_t len = strlen(lang);
	size_t have = u->languages != NULL ? strlen(u->languages) : 0;

	for (size_t i = 0; i < len; i++) {
		char c = lang[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			len = 0;
		else if (c >= 'A' && c <= 'Z')
			lang[i] = (char)(c - 'A' + 'a');
	}
	if (len == 0 || have + len + 1 > PROPS_LANGUAGES_MAX) {
		free(lang);
		return;
	}
	for (const char *p = u->languages; p != NULL && *p != '\0';) {
		size_t k = strcspn(p, " ");

		if (k == len && memcmp(p, lang, len) == 0) {
			free(lang);
			return;
		}
		p += k;
		p += strspn(p, " ");
	}
	w = xasprintf("%s%s%s", u->languages ? u->languages : "",
	    have ? " " : "", lang);
	free(u->languages);
	u->languages = w;
	free(lang);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct pstate *st = ud;
	struct update *u = st->u;
	const char *t;
	unsigned char k;
	size_t n, dl;

	(void)name;
	if (st->x.failed || st->depth == 0)
		return;
	k = st->stack[--st->depth];
	t = st->text.data != NULL ? st->text.data : "";
	n = st->text.len;
	switch (k) {
	case K_PROPS_KB:
		u->kb_article_id = trim_dup(t, n);
		break;
	case K_PROPS_SB:
		u->security_bulletin_id = trim_dup(t, n);
		break;
	case K_PROPS_LANG:
		add_language(st, t, n);
		break;
	case K_LP_LANG:
		(void)end_language(st);
		break;
	case K_LP_TITLE:
		u->localized[u->nlocalized - 1].title = xstrndup(t, n);
		break;
	case K_LP_DESC:
		u->localized[u->nlocalized - 1].description = xstrndup(t, n);
		break;
	case K_LP:
		if (!st->lp_lang)
			mdxml_fail(&st->x, "LocalizedProperties without "
			    "Language");
		break;
	case K_FILE_SHA256: {
		struct update_file *f = &u->files[u->nfiles - 1];
		char *d = trim_dup(t, n), snip[48];

		if (base64_decode(d, strlen(d), f->sha256, sizeof(f->sha256),
		    &dl) == -1 || dl != sizeof(f->sha256))
			mdxml_fail(&st->x, "AdditionalDigest \"%s\" is not the "
			    "base64 of a 32-byte SHA-256",
			    mdxml_snip(d, snip, sizeof(snip)));
		else
			f->has_sha256 = true;
		free(d);
		break;
	}
	case K_PREREQ_ALO:
		if (u->prereqs[u->nprereqs - 1].nids == 0)
			mdxml_fail(&st->x, "empty Prerequisites/AtLeastOne");
		break;
	case K_BUNDLED_ALO:
		if (u->bundled[u->nbundled - 1].nids == 0)
			mdxml_fail(&st->x, "empty BundledUpdates/AtLeastOne");
		break;
	case K_UPDATE:
		if (!(st->seen & SEEN_IDENTITY))
			mdxml_fail(&st->x, "missing UpdateIdentity");
		else if (!(st->seen & SEEN_PROPS))
			mdxml_fail(&st->x, "missing Properties");
		break;
	default:
		break;
	}
}

int
update_parse(const char *xml, size_t len, struct update *out, char *err,
    size_t errlen)
{
	struct pstate st;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.u = out;
	buf_init(&st.text, UPDATE_MAX_TEXT);
	mdxml_init(&st.x, &st);
	XML_SetElementHandler(st.x.p, on_start, on_end);
	XML_SetCharacterDataHandler(st.x.p, on_text);
	rc = mdxml_parse(&st.x, xml, len, err, errlen);
	if (rc == 0 && !st.has_root) {
		snprintf(err, errlen, "line 1: not an upd:Update document");
		rc = -1;
	}
	mdxml_free(&st.x);
	buf_free(&st.text);
	if (rc == -1)
		update_free(out);
	else if (out->type == UPDATE_TYPE_CATEGORY &&
	    out->category_kind == CATEGORY_KIND_NONE)
		out->category_kind = CATEGORY_KIND_OTHER;
	else if (out->type != UPDATE_TYPE_CATEGORY)
		out->category_kind = CATEGORY_KIND_NONE;
	return rc;
}
