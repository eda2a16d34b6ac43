/*
 * op_extended.c — GetExtendedUpdateInfo, GetExtendedUpdateInfo2 and
 * GetFileLocations: fragments from the store, file URLs on the host and
 * port the client used (content layout of content_store.h), or, with the
 * content policy "origin", each file's original URL (content/origin.h).
 *
 * Answer shape (captured scan/10 and flow/15): Updates holds one Update
 * {ID, Xml} per (fragment type, revision[, language]), grouped by
 * fragment type in the order the client asked for them, revisions in
 * request order; FileLocations one FileLocation {FileDigest, Url} per
 * distinct file of the in-scope revisions; OutOfScopeRevisionIDs the ids
 * that are not in the client's scope.  Empty arrays are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/content_store.h"
#include "content/origin.h"
#include "soap/soap_value.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "catalog/catalog.h"
#include "wusp/service_internal.h"

/* XmlUpdateFragmentType values we know ([MS-WUSP] 2.2.2.2.6, .10). */
enum frag_type {
	FT_PUBLISHED = 0,
	FT_CORE,
	FT_EXTENDED,
	FT_VERIFICATION_RULE,
	FT_LOCALIZED,
	FT_EULA,
	FT_FILE_URL,
	FT_FILE_DECRYPTION,
	FT_COUNT,
};

static const char *const frag_names[FT_COUNT] = {
	"Published", "Core", "Extended", "VerificationRule",
	"LocalizedProperties", "Eula", "FileUrl", "FileDecryption",
};

#define LANG_MAX	16	/* store_lang_norm: 1..15 of [a-z0-9-] */

/* The request, parsed. */
struct ext_req {
	enum frag_type	 types[FT_COUNT];	/* in request order, no repeats */
	unsigned	 ntypes;
	bool		 want[FT_COUNT];
	char		 locales[WUSP_MAX_LOCALES][LANG_MAX];
	unsigned	 nlocales;
	const struct catalog_rev **revs;	/* in scope, request order */
	size_t		 nrevs;
	int32_t		*out_of_scope;
	size_t		 nout;
};

static void
ext_req_free(struct ext_req *r)
{
	free(r->revs);
	free(r->out_of_scope);
}

/* Lower-case a locale; -1 unless 1..15 of [A-Za-z0-9-]. */
static int
lang_norm(const char *in, size_t n, char out[LANG_MAX])
{
	soap_trim(&in, &n);
	if (n == 0 || n >= LANG_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = in[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		else if (!((ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-'))
			return -1;
		out[i] = ch;
	}
	out[n] = '\0';
	return 0;
}

static int
parse_types_locales(struct svc_call *c, struct ext_req *r)
{
	const struct soap_node *e, *arr = soap_child(c->body, "infoTypes");
	const struct soap_node *loc = soap_child(c->body, "locales");

	if (soap_count_children(arr, "XmlUpdateFragmentType") > 4 * FT_COUNT)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "infoTypes");
	SOAP_FOREACH_CHILD(e, arr, "XmlUpdateFragmentType") {
		const char *t = e->text;
		size_t n = e->text_len;
		int k;

		soap_trim(&t, &n);
		for (k = 0; k < FT_COUNT; k++)
			if (strlen(frag_names[k]) == n &&
			    memcmp(frag_names[k], t, n) == 0)
				break;
		if (k == FT_COUNT)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "infoTypes");
		if (!r->want[k]) {
			r->want[k] = true;
			r->types[r->ntypes++] = (enum frag_type)k;
		}
	}
	if (soap_count_children(loc, "string") > WUSP_MAX_LOCALES)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "locales");
	SOAP_FOREACH_CHILD(e, loc, "string") {
		char l[LANG_MAX];
		bool dup = false;

		if (soap_is_nil(e))
			continue;
		if (lang_norm(e->text, e->text_len, l) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "locales");
		for (unsigned i = 0; i < r->nlocales; i++)
			dup |= strcmp(r->locales[i], l) == 0;
		if (!dup)
			memcpy(r->locales[r->nlocales++], l, LANG_MAX);
	}
	/* [MS-WUSP] 3.1.5.9: these types need locales */
	if ((r->want[FT_LOCALIZED] || r->want[FT_EULA]) && r->nlocales == 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "locales");
	return 0;
}

/* Add rev (in scope) or id (out of scope) to the request lists. */
static void
add_rev(struct ext_req *r, size_t cap, const struct catalog_rev *rev,
    int32_t id)
{
	if (r->revs == NULL) {
		r->revs = xcalloc(cap == 0 ? 1 : cap, sizeof(*r->revs));
		r->out_of_scope = xcalloc(cap == 0 ? 1 : cap,
		    sizeof(*r->out_of_scope));
	}
	if (rev != NULL) {
		for (size_t i = 0; i < r->nrevs; i++)
			if (r->revs[i] == rev)
				return;
		r->revs[r->nrevs++] = rev;
	} else {
		for (size_t i = 0; i < r->nout; i++)
			if (r->out_of_scope[i] == id)
				return;
		r->out_of_scope[r->nout++] = id;
	}
}

/* One Update {ID, Xml} from the store; NOTFOUND is skipped. */
static int
write_fragment(struct svc_call *c, struct store *st, int32_t rid,
    enum store_fragment_kind kind, const char *lang, bool *written)
{
	char *xml = NULL;
	size_t len = 0;
	int rc;

	*written = false;
	rc = store_fragment_get(st, rid, kind, lang, &xml, &len);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK) {
		log_error("fragment of revision %d: %s", (int)rid,
		    store_errmsg(st));
		return svc_fault(c, rc == STORE_BUSY ? SOAP_EC_SERVER_BUSY :
		    SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	xmlw_start(&c->w, "Update");
	xmlw_elem_int(&c->w, "ID", rid);
	xmlw_start(&c->w, "Xml");
	xmlw_text(&c->w, xml, len);
	xmlw_end(&c->w);
	xmlw_end(&c->w);
	free(xml);
	*written = true;
	return 0;
}

/*
 * LocalizedProperties of one revision: for each requested locale the
 * exact language, else its language part ("en-us" -> "en"); then "en"
 * when nothing matched ([MS-WUSP] 2.2.2.2.6; real WSUS answered "en" to
 * "en-US, en", flow/15).  Each language once.
 */
static int
write_localized(struct svc_call *c, struct store *st, const struct ext_req *r,
    int32_t rid)
{
	char done[WUSP_MAX_LOCALES + 1][LANG_MAX];
	unsigned ndone = 0;
	bool any = false;

	for (unsigned i = 0; i <= r->nlocales; i++) {
		char cand[2][LANG_MAX];
		unsigned ncand = 0;

		if (i < r->nlocales) {
			char *dash;

			memcpy(cand[ncand++], r->locales[i], LANG_MAX);
			memcpy(cand[ncand], r->locales[i], LANG_MAX);
			if ((dash = strchr(cand[ncand], '-')) != NULL) {
				*dash = '\0';
				ncand++;
			}
		} else if (!any) {
			memcpy(cand[ncand++], "en", 3);
		}
		for (unsigned k = 0; k < ncand; k++) {
			bool seen = false, written;

			for (unsigned j = 0; j < ndone; j++)
				seen |= strcmp(done[j], cand[k]) == 0;
			if (seen) {
				any = true;
				break;
			}
			if (write_fragment(c, st, rid, FRAGMENT_LOCALIZED,
			    cand[k], &written) != 0)
				return -1;
			if (written) {
				memcpy(done[ndone++], cand[k], LANG_MAX);
				any = true;
				break;
			}
		}
	}
	return 0;
}

static void
write_core(struct svc_call *c, const struct catalog_rev *rev)
{
	xmlw_start(&c->w, "Update");
	xmlw_elem_int(&c->w, "ID", rev->revision_id);
	xmlw_start(&c->w, "Xml");
	xmlw_raw(&c->w, rev->core_xml, rev->core_xml_len);
	xmlw_end(&c->w);
	xmlw_end(&c->w);
}

/* The Updates array of both GetExtendedUpdateInfo versions. */
static int
write_updates(struct svc_call *c, const struct ext_req *r)
{
	struct store *st = c->th->st;
	bool open = false;

	for (unsigned t = 0; t < r->ntypes; t++) {
		enum frag_type ft = r->types[t];

		if (ft != FT_CORE && ft != FT_EXTENDED && ft != FT_LOCALIZED)
			continue;	/* nothing stored for the others */
		for (size_t i = 0; i < r->nrevs; i++) {
			const struct catalog_rev *rev = r->revs[i];
			bool written = false;

			if (!open) {
				xmlw_start(&c->w, "Updates");
				open = true;
			}
			if (ft == FT_CORE)
				write_core(c, rev);
			else if (ft == FT_EXTENDED) {
				if (write_fragment(c, st, rev->revision_id,
				    FRAGMENT_EXTENDED, NULL, &written) != 0)
					return -1;
			} else if (write_localized(c, st, r,
			    rev->revision_id) != 0)
				return -1;
		}
	}
	if (open)
		xmlw_end(&c->w);
	return 0;
}

/* One FileLocation (origin: the policy "origin" is on; st may be NULL). */
static void
write_location(struct svc_call *c, struct store *st, bool origin,
    const char *base, const struct catalog_file *f)
{
	char url[4096 + 1];

	if (content_file_url(st, origin, f->sha1, f->name, base, url,
	    sizeof(url)) != 0)
		return;
	xmlw_start(&c->w, "FileLocation");
	xmlw_elem_base64(&c->w, "FileDigest", f->sha1, sizeof(f->sha1));
	xmlw_elem(&c->w, "Url", url);
	xmlw_end(&c->w);
}

/* FileLocations of every distinct file of the revisions. */
static void
write_locations(struct svc_call *c, const struct ext_req *r)
{
	const struct catalog_file **seen = NULL;
	size_t nseen = 0, total = 0;
	char base[SVC_HOST_MAX + 32];
	struct store *st;
	bool origin;

	for (size_t i = 0; i < r->nrevs; i++)
		total += r->revs[i]->nfiles;
	if (total == 0)
		return;
	svc_content_base(c, base, sizeof(base));
	st = svc_store(c);
	origin = content_origin_policy(st);
	seen = xcalloc(total, sizeof(*seen));
	xmlw_start(&c->w, "FileLocations");
	for (size_t i = 0; i < r->nrevs; i++)
		for (uint32_t k = 0; k < r->revs[i]->nfiles; k++) {
			const struct catalog_file *f = &r->revs[i]->files[k];
			bool dup = false;

			for (size_t j = 0; j < nseen && !dup; j++)
				dup = memcmp(seen[j]->sha1, f->sha1, 20) == 0;
			if (dup)
				continue;
			seen[nseen++] = f;
			write_location(c, st, origin, base, f);
		}
	xmlw_end(&c->w);
	free(seen);
}

static void
write_out_of_scope(struct svc_call *c, const struct ext_req *r)
{
	if (r->nout == 0)
		return;
	xmlw_start(&c->w, "OutOfScopeRevisionIDs");
	for (size_t i = 0; i < r->nout; i++)
		xmlw_elem_int(&c->w, "int", r->out_of_scope[i]);
	xmlw_end(&c->w);
}

/*
 * GetExtendedUpdateInfo(cookie, revisionIDs, infoTypes, locales, GeoId,
 * callerAttributes) -> ExtendedUpdateInfo.
 */
int
wusp_op_get_extended_update_info(struct svc_call *c)
{
	const struct soap_node *ids = soap_child(c->body, "revisionIDs");
	struct wusp_session_cookie s;
	struct catalog_groups groups;
	const struct catalog *cat = NULL;
	struct ext_req r;
	int32_t *v = NULL;
	size_t n = 0;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	if (wusp_open_session(c, soap_child(c->body, "cookie"), &s) != 0)
		return -1;
	if (wusp_int_array(c, ids, "int", WUSP_MAX_EXTENDED_PER_REQUEST,
	    "revisionIDs", &v, &n) != 0 ||
	    parse_types_locales(c, &r) != 0)
		goto out;
	if ((cat = wusp_catalog(c, s.client_id, &groups, NULL)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_rev *rev = catalog_rev_by_id(cat, v[i]);

		if (rev != NULL && !catalog_rev_in_scope(cat, &groups, rev))
			rev = NULL;
		add_rev(&r, n, rev, v[i]);
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetExtendedUpdateInfoResult");
	if (write_updates(c, &r) != 0)
		goto out;
	write_locations(c, &r);
	write_out_of_scope(c, &r);
	svc_end(c);
	ret = 0;
out:
	if (cat != NULL)
		catalog_release(cat);
	ext_req_free(&r);
	free(v);
	return ret;
}

/*
 * GetExtendedUpdateInfo2(cookie, updateIDs, infoTypes, locales,
 * callerAttributes) -> ExtendedUpdateInfo2.  Identities that are not the
 * newest revision of an in-scope update are left out (the v2 answer has
 * no OutOfScopeRevisionIDs).  FileLocations come with the FileUrl type;
 * wsusd serves no encrypted content, so FileDecryptionData and
 * UpdateEncryptionDetails stay empty (wusp.md 4.9).
 */
int
wusp_op_get_extended_update_info2(struct svc_call *c)
{
	const struct soap_node *arr = soap_child(c->body, "updateIDs"), *e;
	struct wusp_session_cookie s;
	struct catalog_groups groups;
	const struct catalog *cat = NULL;
	struct ext_req r;
	size_t cnt;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	if (wusp_open_session(c, soap_child(c->body, "cookie"), &s) != 0)
		return -1;
	cnt = soap_count_children(arr, "UpdateIdentity");
	if (cnt > WUSP_MAX_EXTENDED_PER_REQUEST)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "updateIDs");
	if (parse_types_locales(c, &r) != 0)
		goto out;
	SOAP_FOREACH_CHILD(e, arr, "UpdateIdentity") {
		char g[SOAP_GUID_STRLEN];
		int32_t rn;

		if (soap_node_guid(soap_child(e, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(e, "RevisionNumber"), &rn) != 0) {
			svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "updateIDs");
			goto out;
		}
	}
	if ((cat = wusp_catalog(c, s.client_id, &groups, NULL)) == NULL)
		goto out;
	SOAP_FOREACH_CHILD(e, arr, "UpdateIdentity") {
		const struct catalog_rev *rev;
		char g[SOAP_GUID_STRLEN];
		int32_t rn;

		soap_node_guid(soap_child(e, "UpdateID"), g);
		soap_node_int32(soap_child(e, "RevisionNumber"), &rn);
		rev = catalog_rev_by_update(cat, g);
		if (rev != NULL && rev->revision_number == rn &&
		    catalog_rev_in_scope(cat, &groups, rev))
			add_rev(&r, cnt, rev, 0);
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetExtendedUpdateInfo2Result");
	if (write_updates(c, &r) != 0)
		goto out;
	if (r.want[FT_FILE_URL])
		write_locations(c, &r);
	svc_end(c);
	ret = 0;
out:
	if (cat != NULL)
		catalog_release(cat);
	ext_req_free(&r);
	return ret;
}

/*
 * GetFileLocations(cookie, fileDigests) -> FileLocations (files of
 * in-scope revisions only; unknown digests are left out) + NewCookie.
 * A digest that is not 20 bytes: InvalidParameters ([MS-WUSP] 3.1.5.10).
 */
int
wusp_op_get_file_locations(struct svc_call *c)
{
	const struct soap_node *arr = soap_child(c->body, "fileDigests"), *e;
	struct wusp_session_cookie s;
	struct catalog_groups groups;
	const struct catalog *cat;
	char base[SVC_HOST_MAX + 32];
	bool open = false, origin;
	struct store *st;

	if (wusp_open_session(c, soap_child(c->body, "cookie"), &s) != 0)
		return -1;
	if (soap_count_children(arr, "base64Binary") > WUSP_MAX_FILE_DIGESTS)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "fileDigests");
	SOAP_FOREACH_CHILD(e, arr, "base64Binary") {
		uint8_t d[20];
		size_t len;

		if (soap_node_base64(e, d, sizeof(d), &len) != 0 || len != 20)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "fileDigests");
	}
	if ((cat = wusp_catalog(c, s.client_id, &groups, NULL)) == NULL)
		return -1;
	svc_content_base(c, base, sizeof(base));
	if ((st = svc_store(c)) == NULL) {
		catalog_release(cat);
		return -1;
	}
	origin = content_origin_policy(st);
	svc_begin(c);
	xmlw_start(&c->w, "GetFileLocationsResult");
	SOAP_FOREACH_CHILD(e, arr, "base64Binary") {
		const struct catalog_file *f;
		uint8_t d[20];
		size_t len;

		soap_node_base64(e, d, sizeof(d), &len);
		if ((f = catalog_file_find(cat, d)) == NULL ||
		    !catalog_file_in_scope(cat, &groups, d))
			continue;
		if (!open) {
			xmlw_start(&c->w, "FileLocations");
			open = true;
		}
		write_location(c, st, origin, base, f);
	}
	if (open)
		xmlw_end(&c->w);
	catalog_release(cat);
	if (wusp_write_session(c, "NewCookie", &s) != 0)
		return -1;
	svc_end(c);
	return 0;
}
