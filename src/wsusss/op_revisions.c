/*
 * op_revisions.c — the MS-WSUSSS revision operations: GetRevisionIdList
 * (which revisions a downstream needs, by anchor, filter and protocol
 * version), GetUpdateData (their documents, plain or as MSZIP cabinets,
 * with file digests and content URLs) and GetRelatedRevisionsForUpdates
 * (ignored, as the spec says).  Reads the shared catalog through
 * snapshot.h; not the catalog itself (src/catalog).  docs/WSUSSS.md.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/content_store.h"
#include "content/origin.h"
#include "metadata/cab_write.h"
#include "util/encode.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmalloc.h"
#include "util/xml_escape.h"
#include "wsusss/answer_cache.h"
#include "wsusss/item_cache.h"
#include "wsusss/service_internal.h"

/* ---- GetRevisionIdList ---------------------------------------------------- */

struct idset {
	char	(*idx)[GUID_STRLEN + 1];	/* lower-case ids */
	bool	*delta;
	size_t	 n;
	bool	 present;	/* element sent */
	size_t	 sent;		/* items sent */
};

static int
read_idset(struct svc_call *c, const struct soap_node *n, struct idset *out)
{
	const struct soap_node *e;
	size_t cnt;

	memset(out, 0, sizeof(*out));
	if (n == NULL || soap_is_nil(n))
		return 0;
	out->present = true;
	cnt = soap_count_children(n, "IdAndDelta");
	if (cnt > WSUSSS_FILTER_MAX || n->nchildren != cnt)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
	out->sent = cnt;
	if (cnt == 0)
		return 0;
	out->idx = xreallocarray(NULL, cnt, sizeof(*out->idx));
	out->delta = xreallocarray(NULL, cnt, sizeof(bool));
	SOAP_FOREACH_CHILD(e, n, "IdAndDelta") {
		char g[SOAP_GUID_STRLEN], uid[GUID_STRLEN + 1];
		int d = 0;

		if (soap_node_guid(soap_child(e, "Id"), g) != 0 ||
		    guid_normalize(g, uid) != 0 ||
		    soap_node_bool(soap_child(e, "Delta"), &d) != 0)
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
		memcpy(out->idx[out->n], uid, sizeof(uid));
		out->delta[out->n++] = d != 0;
	}
	return 0;
}

static void
idset_free(struct idset *s)
{
	free(s->idx);
	free(s->delta);
}

/* 0 no, 1 by a Delta=true id, 2 by a Delta=false id */
static int
rev_in(const struct catalog_rev *v, const struct idset *set)
{
	int best = 0;

	for (uint32_t k = 0; k < v->ncategories; k++)
		for (size_t j = 0; j < set->n; j++)
			if (strcmp(v->categories[k], set->idx[j]) == 0) {
				int m = set->delta[j] ? 1 : 2;

				if (m > best)
					best = m;
			}
	return best;
}

static int
kind_rank(const struct catalog_rev *v)
{
	if (v->type == UPDATE_TYPE_DETECTOID)
		return 5;
	switch (v->category_kind) {
	case CATEGORY_KIND_COMPANY:
		return 0;
	case CATEGORY_KIND_PRODUCT_FAMILY:
		return 1;
	case CATEGORY_KIND_PRODUCT:
		return 2;
	case CATEGORY_KIND_UPDATE_CLASSIFICATION:
		return 3;
	default:
		return 4;
	}
}

struct outsort {
	const struct catalog *s;
	bool config;
};

static int
cmp_out(const void *a, const void *b, void *arg)
{
	const struct outsort *o = arg;
	const struct catalog_rev *x = catalog_rev_at(o->s, *(const uint32_t *)a);
	const struct catalog_rev *y = catalog_rev_at(o->s, *(const uint32_t *)b);

	if (o->config && kind_rank(x) != kind_rank(y))
		return kind_rank(x) - kind_rank(y);
	if (x->change_seq != y->change_seq)
		return x->change_seq < y->change_seq ? -1 : 1;
	return strcmp(x->update_id, y->update_id);
}

/* may a downstream at this version get v? (docs/WSUSSS.md) */
static bool
version_ok(struct svc_call *c, struct store *st, const struct catalog *s,
    const struct catalog_rev *v)
{
	struct catalog_extprops p;

	snap_rev_props(st, s, v, &p);
	if (p.cpv_major == 0 && p.cpv_minor == 0)
		return true;
	return wsusss_version_at_least(WS(c)->sess.proto_major,
	    WS(c)->sess.proto_minor, p.cpv_major, p.cpv_minor);
}

int
wsusss_op_get_revision_id_list(struct svc_call *c)
{
	const struct soap_node *f = soap_child(c->body, "filter");
	struct store *st;
	const struct catalog *s = NULL;
	struct wsusss_anchor a;
	struct idset cats, cls;
	uint8_t *mark = NULL;	/* 0 out, 1 matched (delta), 2 full */
	uint32_t *out = NULL;
	size_t nout = 0;
	bool has = false, filtered;
	int getconfig = 0, b63 = 0, rc = -1;
	const struct soap_node *langs, *e;
	int64_t seq;
	size_t nrevs;

	memset(&cats, 0, sizeof(cats));
	memset(&cls, 0, sizeof(cls));
	if (ws_session(c) != 0 || (st = svc_store(c)) == NULL)
		return -1;
	if (f == NULL || soap_is_nil(f))
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
	if (soap_node_bool(soap_child(f, "GetConfig"), &getconfig) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
	if (soap_child(f, "Get63LanguageOnly") != NULL &&
	    soap_node_bool(soap_child(f, "Get63LanguageOnly"), &b63) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
	/* Languages: checked, not used (docs/WSUSSS.md) */
	langs = soap_child(f, "Languages");
	if (langs != NULL) {
		size_t k = 0;

		SOAP_FOREACH_CHILD(e, langs, "LanguageAndDelta") {
			int32_t id;
			int d;

			if (++k > WSUSSS_FILTER_MAX ||
			    soap_node_int32(soap_child(e, "Id"), &id) != 0 ||
			    soap_node_bool(soap_child(e, "Delta"), &d) != 0)
				return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
				    "filter");
		}
	}
	if ((s = ws_snap(c, st)) == NULL)
		return -1;
	seq = catalog_change_seq(s);
	nrevs = catalog_revision_count(s);
	if (ws_read_anchor(c, soap_child(f, "Anchor"), "filter", &a, &has,
	    seq) != 0)
		goto out;
	if (read_idset(c, soap_child(f, "Categories"), &cats) != 0 ||
	    read_idset(c, soap_child(f, "Classifications"), &cls) != 0)
		goto out;
	filtered = !getconfig && (cats.present || cls.present);
	WS(c)->touch_synced = !getconfig;
	mark = xcalloc(nrevs + 1, 1);
	for (size_t i = 0; i < nrevs; i++) {
		const struct catalog_rev *v = catalog_rev_at(s, i);
		bool cfg = v->type == UPDATE_TYPE_CATEGORY ||
		    v->type == UPDATE_TYPE_DETECTOID;

		if (getconfig != cfg)
			continue;
		if (!filtered) {
			mark[i] = 1;
			continue;
		}
		int m1 = rev_in(v, &cats), m2 = rev_in(v, &cls);

		if (m1 != 0 && m2 != 0)
			mark[i] = (m1 == 2 || m2 == 2) ? 2 : 1;
	}
	/* bundled members of matching bundles, recursively */
	if (filtered) {
		bool changed = true;

		for (int round = 0; changed && round < 16; round++) {
			changed = false;
			for (size_t i = 0; i < nrevs; i++) {
				const struct catalog_rev *v =
				    catalog_rev_at(s, i);

				if (mark[i] == 0)
					continue;
				for (uint32_t k = 0; k < v->nbundled; k++) {
					uint32_t m = v->bundled[k];

					if (mark[m] < mark[i]) {
						mark[m] = mark[i];
						changed = true;
					}
				}
			}
		}
	}
	out = xreallocarray(NULL, nrevs + 1, sizeof(uint32_t));
	for (size_t i = 0; i < nrevs; i++) {
		const struct catalog_rev *v = catalog_rev_at(s, i);

		if (mark[i] == 0 || !version_ok(c, st, s, v))
			continue;
		if (has && mark[i] != 2 && v->change_seq <= a.counter)
			continue;
		out[nout++] = (uint32_t)i;
	}
	{
		struct outsort o = { s, getconfig != 0 };

		qsort_r(out, nout, sizeof(uint32_t), cmp_out, &o);
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetRevisionIdListResult");
	ws_write_anchor(c, "Anchor", seq);
	xmlw_start(&c->w, "NewRevisions");
	for (size_t k = 0; k < nout; k++) {
		const struct catalog_rev *v = catalog_rev_at(s, out[k]);

		xmlw_start(&c->w, "UpdateIdentity");
		xmlw_elem(&c->w, "UpdateID", v->update_id);
		xmlw_elem_int(&c->w, "RevisionNumber", v->revision_number);
		xmlw_end(&c->w);
	}
	svc_end(c);
	rc = 0;
out:
	free(out);
	free(mark);
	idset_free(&cats);
	idset_free(&cls);
	snap_release(s);
	return rc;
}

/* ---- GetUpdateData -------------------------------------------------------- */

/*
 * Bytes of the UTF-16 form of UTF-8 text (what <36> measures).  A byte
 * that does not start a valid sequence counts as it always did: 4 for a
 * lead byte F0..FF, 0 for a continuation byte, else 2.
 */
static size_t
utf16_bytes(const char *s, size_t len)
{
	size_t n = 0, i = 0, k;
	uint32_t cp;

	while (i < len) {
		unsigned char b = (unsigned char)s[i];

		if ((k = utf8_decode(s + i, len - i, &cp)) != 0) {
			n += cp >= 0x10000 ? 4 : 2;
			i += k;
			continue;
		}
		if ((b & 0xc0) != 0x80)
			n += b >= 0xf0 ? 4 : 2;
		i++;
	}
	return n;
}

/* One requested revision, and what it resolved to (once, in the
 * catalog, or in the store for a revision the catalog does not hold). */
struct uid_rev {
	char	 uid[GUID_STRLEN + 1];
	int32_t	 rev;
	bool	 found;		/* rid is set */
	int64_t	 rid;
	const struct catalog_rev *v;	/* NULL: not the newest revision */
};

/* Resolve w in the catalog, else in the store; 0, or -1 unknown. */
static int
resolve(struct store *st, const struct catalog *s, struct uid_rev *w)
{
	const struct catalog_rev *v = catalog_rev_by_update(s, w->uid);

	w->v = NULL;
	if (v != NULL && v->revision_number == w->rev) {
		w->v = v;
		w->rid = v->revision_id;
	} else if (store_revision_lookup(st, w->uid, w->rev, &w->rid) !=
	    STORE_OK)
		return -1;
	w->found = true;
	return 0;
}

static int
write_blob(struct svc_call *c, struct xmlw *w, const char *doc, size_t len,
    bool compress)
{
	struct buf u16, cab;
	char err[160];
	int rc = -1;

	if (!compress) {
		xmlw_start(w, "XmlUpdateBlob");
		xmlw_text(w, doc, len);
		xmlw_end(w);
		return 0;
	}
	buf_init(&u16, CAB_WRITE_MAX_INPUT);
	buf_init(&cab, 2u * CAB_WRITE_MAX_INPUT);
	if (wsusss_utf8_to_utf16le(doc, len, &u16) != 0 || u16.failed) {
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "blob not UTF-8");
		goto out;
	}
	if (cab_write_single(u16.data, u16.len, "blob", &cab, err,
	    sizeof(err)) != 0) {
		log_error("cannot write a cabinet: %s", err);
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "cabinet");
		goto out;
	}
	rc = 0;
	xmlw_elem_base64(w, "XmlUpdateBlobCompressed",
	    (const uint8_t *)cab.data, cab.len);
out:
	buf_free(&u16);
	buf_free(&cab);
	return rc;
}

static void
write_digests(struct xmlw *w, const struct catalog_rev *v)
{
	if (v == NULL || v->nfiles == 0)
		return;
	xmlw_start(w, "FileDigestList");
	for (uint32_t k = 0; k < v->nfiles; k++)
		xmlw_elem_base64(w, "base64Binary", v->files[k].sha1, 20);
	xmlw_end(w);
}

/*
 * The <ServerSyncUpdateData> item of w (resolved) appended to the
 * answer: from the item cache when the catalog holds the revision, else
 * built from the stored document (and cached).  0, or -1 with the fault
 * set or the answer's writer failed.
 */
static int
write_item(struct svc_call *c, struct store *st, const struct uid_rev *w,
    bool compress_ok)
{
	struct item_cache *ic = WS_SVC(c)->items;
	const struct catalog_rev *v = w->v;
	const struct item_entry *ce;
	struct item_key key;
	struct xmlw iw;
	struct buf ib;
	const char *data;
	char *doc = NULL;
	size_t dlen;
	size_t len = 0;
	int rc = -1;

	memset(&key, 0, sizeof(key));
	if (v != NULL) {
		key.rid = w->rid;
		key.seq = v->change_seq;
		key.variant = compress_ok ? ITEM_VARIANT_COMPRESS : 0;
		ce = item_cache_get(ic, &key, &data, &dlen);
		if (ce != NULL) {
			rc = xmlw_raw(&c->w, data, dlen);
			item_cache_release(ic, ce);
			return rc;
		}
	}
	if (store_fragment_get(st, w->rid, FRAGMENT_DOCUMENT, NULL, &doc,
	    &len) != STORE_OK || doc == NULL) {
		free(doc);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "no document "
		    "for %s/%d", w->uid, (int)w->rev);
	}
	buf_init(&ib, WS_RESPONSE_MAX);
	xmlw_init(&iw, &ib, c->w.style);
	xmlw_start(&iw, "ServerSyncUpdateData");
	xmlw_start(&iw, "Id");
	xmlw_elem(&iw, "UpdateID", w->uid);
	xmlw_elem_int(&iw, "RevisionNumber", w->rev);
	xmlw_end(&iw);
	if (!compress_ok || utf16_bytes(doc, len) <= WSUSSS_COMPRESS_OVER) {
		write_blob(c, &iw, doc, len, false);
		write_digests(&iw, v);
	} else {
		write_digests(&iw, v);
		if (write_blob(c, &iw, doc, len, true) != 0)
			goto out;
	}
	xmlw_end(&iw);
	if (iw.failed) {
		/* the answer fails as if written in place */
		c->w.failed = 1;
		snprintf(c->w.err, sizeof(c->w.err), "%s", iw.err);
		goto out;
	}
	rc = xmlw_raw(&c->w, ib.data, ib.len);
	if (rc == 0 && v != NULL)
		item_cache_put(ic, &key, ib.data, ib.len);
out:
	buf_free(&ib);
	free(doc);
	return rc;
}

/* One ServerSyncUrlData written through the writer (every check); st
 * non-NULL: the content policy is "origin" (MUUrl: the original URL). */
static void
write_url_checked(struct svc_call *c, struct store *st,
    const struct catalog_file *fl, const char *base, const char *rel)
{
	char url[4096 + 1];

	xmlw_start(&c->w, "ServerSyncUrlData");
	xmlw_elem_base64(&c->w, "FileDigest", fl->sha1, 20);
	if (st != NULL) {
		if (content_file_url(st, true, fl->sha1, fl->name, base, url,
		    sizeof(url)) != 0)
			url[0] = '\0';
		xmlw_elem(&c->w, "MUUrl", url);
	} else {
		xmlw_start(&c->w, "MUUrl");
		xmlw_textf(&c->w, "%s/Content/%s", base, rel);
		xmlw_end(&c->w);
	}
	/* unused by DSSs; real WSUS sends it empty */
	xmlw_elem(&c->w, "UssUrl", NULL);
	xmlw_end(&c->w);
}

/*
 * The fileUrls items: one ServerSyncUrlData per file of each revision the
 * catalog holds.  The content base (from the request's Host) is escaped
 * once; the rest of each item is base64 and content_relpath() text
 * (letters, digits, "+/=._-"), which needs no escaping, so the items are
 * put together as bytes.  The same bytes the writer makes, which still
 * writes them when the base is refused or a URL is too long for it.
 * With the content policy "origin" (origin_st non-NULL) every MUUrl is
 * the file's original URL when one is known (write_url_checked).
 */
static void
write_file_urls(struct svc_call *c, const struct uid_rev *want, size_t n,
    const char *base, struct store *origin_st)
{
	struct buf eb, item;
	size_t blen = strlen(base);
	bool fast;

	buf_init(&eb, 4 * SVC_HOST_MAX + 64);
	buf_init(&item, 1024);
	fast = xml_escape(&eb, base, blen, XML_ESC_TEXT | XML_ESC_CHECK,
	    NULL) == 0 && eb.data != NULL;
	for (size_t k = 0; k < n; k++) {
		const struct catalog_rev *v = want[k].v;

		if (!want[k].found || v == NULL)
			continue;
		for (uint32_t j = 0; j < v->nfiles; j++) {
			const struct catalog_file *fl = &v->files[j];
			char rel[128], b64[32];

			if (content_relpath(fl->sha1, fl->name, rel,
			    sizeof(rel)) != 0)
				continue;
			/* xmlw_textf's limit: 255 bytes of URL */
			if (!fast || blen + 9 + strlen(rel) > 255 ||
			    origin_st != NULL) {
				write_url_checked(c, origin_st, fl, base, rel);
				continue;
			}
			base64_encode(fl->sha1, 20, b64);
			buf_reset(&item);
			buf_puts(&item, "<ServerSyncUrlData><FileDigest>");
			buf_puts(&item, b64);
			buf_puts(&item, "</FileDigest><MUUrl>");
			buf_append(&item, eb.data, eb.len);
			buf_puts(&item, "/Content/");
			buf_puts(&item, rel);
			buf_puts(&item, c->w.style == SOAP_STYLE_ASMX ?
			    "</MUUrl><UssUrl /></ServerSyncUrlData>" :
			    "</MUUrl><UssUrl/></ServerSyncUrlData>");
			if (item.failed || item.data == NULL) {
				write_url_checked(c, NULL, fl, base, rel);
				continue;
			}
			xmlw_raw(&c->w, item.data, item.len);
		}
	}
	buf_free(&item);
	buf_free(&eb);
}

/*
 * The answer cache's key of a request (answer_cache.h): everything the
 * answer depends on besides the catalog snapshot — the envelope's SOAP
 * version and style, whether cabinets may be sent, the content base of
 * the fileUrls, and the requested revisions in their order (the items
 * are written in that order).  Malloc'd, *len bytes.
 */
static char *
answer_key(const struct svc_call *c, const struct uid_rev *want, size_t n,
    bool compress_ok, const char *base, size_t *len)
{
	size_t blen = strlen(base), hl = 4 + blen + 1, klen;
	char *key, *p;

	klen = hl + n * (GUID_STRLEN + sizeof(int32_t));
	key = xmalloc(klen);
	key[0] = 'G';
	key[1] = (char)c->req->version;
	/* the service's style: c->w is set up only later (svc_begin) */
	key[2] = (char)c->def->style;
	key[3] = compress_ok ? 'c' : 'p';
	memcpy(key + 4, base, blen + 1);
	p = key + hl;
	for (size_t k = 0; k < n; k++) {
		memcpy(p, want[k].uid, GUID_STRLEN);
		memcpy(p + GUID_STRLEN, &want[k].rev, sizeof(int32_t));
		p += GUID_STRLEN + sizeof(int32_t);
	}
	*len = klen;
	return key;
}

/*
 * Allocate the answer buffer once for n revisions at the size per
 * revision of the last answer built (plus some): growing it by doubling
 * copied a 324 KB answer about twice more and cost fresh pages.  A
 * wrong guess only means growing as before.
 */
static void
reserve_answer(struct svc_call *c, size_t n)
{
	size_t per = __atomic_load_n(&WS_SVC(c)->answer_per_rev,
	    __ATOMIC_RELAXED), want;

	if (per == 0 || per > c->out.max / 2 / n)
		return;
	want = n * per;
	want += want / 16 + 1024;
	if (want < c->out.max / 2)
		(void)buf_reserve(&c->out, want);
}

int
wsusss_op_get_update_data(struct svc_call *c)
{
	const struct soap_node *ids = soap_child(c->body, "updateIds"), *e;
	struct store *st;
	const struct catalog *s = NULL;
	struct uid_rev *want = NULL;
	struct answer_cache *ac = WS_SVC(c)->answers;
	struct answer_entry *ae;
	size_t n, k = 0, keylen = 0, alen;
	int batch, rc = -1;
	bool compress_ok, origin, cacheable;
	char base[SVC_HOST_MAX + 32], *key = NULL, *ans;
	const char *adata;

	if (ws_session(c) != 0 || (st = svc_store(c)) == NULL)
		return -1;
	batch = ws_batch(st);
	compress_ok = ws_compress_ok(st);
	n = ids == NULL ? 0 : soap_count_children(ids, "UpdateIdentity");
	if (n == 0 || n > (size_t)batch || ids->nchildren != n)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "updateIds");
	want = xcalloc(n, sizeof(*want));
	SOAP_FOREACH_CHILD(e, ids, "UpdateIdentity") {
		char g[SOAP_GUID_STRLEN];

		/* soap_node_guid's form is guid_normalize()'s */
		if (soap_node_guid(soap_child(e, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(e, "RevisionNumber"),
		    &want[k].rev) != 0) {
			free(want);
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "updateIds");
		}
		memcpy(want[k].uid, g, sizeof(want[k].uid));
		k++;
	}
	if ((s = ws_snap(c, st)) == NULL)
		goto out;
	svc_content_base(c, base, sizeof(base));
	/* with the content policy "origin" a MUUrl may change without the
	 * change number (a file's original URL learnt): not cached */
	origin = content_origin_policy(st);
	if (!origin) {
		key = answer_key(c, want, n, compress_ok, base, &keylen);
		ae = answer_cache_get(ac, key, keylen, catalog_change_seq(s),
		    &adata, &alen);
		if (ae != NULL) {
			/* the same request on the same snapshot: every
			 * revision resolved and was written as then */
			svc_answer_ref(c, adata, alen, answer_entry_release, ae);
			rc = 0;
			goto out;
		}
	}
	cacheable = key != NULL;
	reserve_answer(c, n);
	svc_begin(c);
	xmlw_start(&c->w, "GetUpdateDataResult");
	xmlw_start(&c->w, "updates");
	for (k = 0; k < n; k++) {
		if (resolve(st, s, &want[k]) != 0) {
			svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "unknown "
			    "revision %s/%d", want[k].uid, (int)want[k].rev);
			goto out;
		}
		/* a revision read from the store (not the catalog's newest)
		 * is not tied to the snapshot's change number */
		if (want[k].v == NULL)
			cacheable = false;
		if (write_item(c, st, &want[k], compress_ok) != 0)
			goto out;
	}
	xmlw_end(&c->w);
	xmlw_start(&c->w, "fileUrls");
	write_file_urls(c, want, n, base, origin ? st : NULL);
	svc_end(c);
	if (!c->out.failed)
		__atomic_store_n(&WS_SVC(c)->answer_per_rev, c->out.len / n,
		    __ATOMIC_RELAXED);
	if (cacheable && xmlw_finish(&c->w, NULL, 0) == 0) {
		/* the answer buffer becomes the cached answer, and this call
		 * sends it by reference like a hit */
		ans = buf_steal(&c->out, &alen);
		ae = answer_cache_put(ac, key, keylen, catalog_change_seq(s),
		    ans, alen, &adata);
		svc_answer_ref(c, adata, alen, answer_entry_release, ae);
	}
	rc = 0;
out:
	free(key);
	free(want);
	snap_release(s);
	return rc;
}

/* ---- GetRelatedRevisionsForUpdates ------------------------------------ */

int
wsusss_op_get_related(struct svc_call *c)
{
	/* "The USS MUST ignore" it (MS-WSUSSS 3.1.4.9): an empty answer
	 * to an authenticated caller. */
	if (ws_session(c) != 0)
		return -1;
	svc_begin(c);
	xmlw_elem(&c->w, "GetRelatedRevisionsForUpdatesResult", NULL);
	svc_end(c);
	return 0;
}

