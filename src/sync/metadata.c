/*
 * metadata.c — the metadata phase of a sync (wsusss.md §8): GetConfigData
 * (batch size, protocol version, config anchor), GetRevisionIdList for
 * the categories (GetConfig=true) then for the updates of the filter,
 * and GetUpdateData in batches for every revision the store does not
 * have, each document imported in its own transaction through the import
 * engine (import_update_blob), and each file's MUUrl (fileUrls) kept as
 * its original URL (store_file_origin_set: the content step's source
 * when the upstream is catalog-only, the clients' when the content
 * policy is "origin").  The anchors are promoted (state.c) only
 * when the whole list was fetched and no document was rejected.
 *
 * Not here: authentication (auth.c), deployments (deployments.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "import/import.h"
#include "soap/soap_value.h"
#include "sync/sync_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct rev {
	char	 uid[GUID_STRLEN + 1];
	int32_t	 rev;
};

struct revlist {
	struct rev	*v;
	size_t		 n, cap;
};

/* One decimal number below 65536 at *pp; *pp moves past it.  0 or -1. */
static int
parse_u16(const char **pp, uint16_t *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -1;
		p++;
	}
	*out = (uint16_t)v;
	*pp = p;
	return 0;
}

/* "MAJOR.MINOR" (ProtocolVersion), nothing else.  0 or -1. */
static int
parse_version(const char *s, uint16_t *major, uint16_t *minor)
{
	if (parse_u16(&s, major) != 0 || *s++ != '.' ||
	    parse_u16(&s, minor) != 0 || *s != '\0')
		return -1;
	return 0;
}

static void
build_config(struct sess *s, struct xmlw *w, void *arg)
{
	const char *anchor = arg;

	(void)s;
	if (anchor != NULL)
		xmlw_elem(w, "configAnchor", anchor);
}

int
sync_config(struct sess *s)
{
	struct soap_request *r = NULL;
	const struct soap_node *res;
	char *anchor = sync_state_anchor(s, SYNC_ANCHOR_CONFIG);
	const char *na, *pv;
	int32_t batch;
	int rc = -1;

	if (sync_call_ss(s, "GetConfigData", build_config, anchor, &r) != 0)
		goto out;
	res = sync_result_of(r, "GetConfigData");
	if (soap_node_int32(soap_child(res, "MaxNumberOfUpdatesPerRequest"),
	    &batch) != 0 || batch < 1) {
		sync_seterr(s, "GetConfigData: no usable MaxNumberOfUpdatesPerRequest");
		goto out;
	}
	s->batch = batch > SYNC_BATCH_MAX ? SYNC_BATCH_MAX : batch;
	{
		int b = 0;

		s->catalog_only = soap_node_bool(soap_child(res,
		    "CatalogOnlySync"), &b) == 0 && b;
		b = 0;
		s->hosts_psf = soap_node_bool(soap_child(res,
		    "ServerHostsPsfFiles"), &b) == 0 && b;
	}
	na = soap_child_text(res, "NewConfigAnchor");
	pv = soap_child_text(res, "ProtocolVersion");
	if (na == NULL || strlen(na) > 256) {
		sync_seterr(s, "GetConfigData: no NewConfigAnchor");
		goto out;
	}
	snprintf(s->res->upstream_version, sizeof(s->res->upstream_version),
	    "%s", pv ? pv : "");
	s->up_major = 1;
	s->up_minor = 3;
	if (pv != NULL) {
		uint16_t ma, mi;

		if (parse_version(pv, &ma, &mi) == 0) {
			s->up_major = ma;
			s->up_minor = mi;
		}
	}
	if (s->up_major != 1) {
		sync_seterr(s, "GetConfigData: upstream protocol %s is not 1.x", pv);
		goto out;
	}
	sync_languages_learn(s, soap_child(res, "LanguageUpdateList"));
	if (sync_state_promote_anchor(s, SYNC_ANCHOR_CONFIG, na) != 0)
		goto out;
	rc = 0;
out:
	soap_request_free(r);
	free(anchor);
	return rc;
}

static int
rev_push(struct revlist *l, const char *uid, int32_t rev)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 1024;

		l->v = xreallocarray(l->v, nc, sizeof(*l->v));
		l->cap = nc;
	}
	memcpy(l->v[l->n].uid, uid, GUID_STRLEN + 1);
	l->v[l->n].rev = rev;
	l->n++;
	return 0;
}

/* Was id in the stored filter of the last run (then Delta = true)? */
static bool
in_old_filter(const char *old, const char *id)
{
	const char *p;
	size_t n = strlen(id);

	if (old == NULL)
		return false;
	for (p = old; (p = strcasestr(p, id)) != NULL; p += n)
		if ((p == old || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void
put_idlist(struct xmlw *w, const char *name, const char *const *ids,
    size_t n, bool have_anchor, const char *old)
{
	size_t i;

	xmlw_start(w, name);
	for (i = 0; i < n; i++) {
		xmlw_start(w, "IdAndDelta");
		xmlw_elem(w, "Id", ids[i]);
		xmlw_elem_bool(w, "Delta", have_anchor &&
		    in_old_filter(old, ids[i]));
		xmlw_end(w);
	}
	xmlw_end(w);
}

struct revlist_req {
	bool		 config;
	const char	*anchor;
	const char	*old;		/* the filter of the last run */
	int32_t		*lcids;		/* of s->o->languages */
};

/* The filter's word for a language ("lang:1033"). */
static void
lang_word(char *out, size_t len, int32_t lcid)
{
	snprintf(out, len, "lang:%ld", (long)lcid);
}

static void
build_revlist(struct sess *s, struct xmlw *w, void *arg)
{
	const struct revlist_req *q = arg;

	xmlw_start(w, "filter");
	if (q->anchor != NULL)
		xmlw_elem(w, "Anchor", q->anchor);
	xmlw_elem_bool(w, "GetConfig", q->config);
	xmlw_elem_bool(w, "Get63LanguageOnly", false);
	if (!q->config && (s->o->nproducts > 0 || s->o->nclassifications > 0)) {
		put_idlist(w, "Categories", s->o->products, s->o->nproducts,
		    q->anchor != NULL, q->old);
		put_idlist(w, "Classifications", s->o->classifications,
		    s->o->nclassifications, q->anchor != NULL, q->old);
	}
	/* Languages (LCIDs; protocol 1.3 and later, which both profiles
	 * are), Delta as for the categories. */
	if (!q->config && s->o->nlanguages > 0) {
		size_t i;
		char word[32];

		xmlw_start(w, "Languages");
		for (i = 0; i < s->o->nlanguages; i++) {
			lang_word(word, sizeof(word), q->lcids[i]);
			xmlw_start(w, "LanguageAndDelta");
			xmlw_elem_int(w, "Id", q->lcids[i]);
			xmlw_elem_bool(w, "Delta", q->anchor != NULL &&
			    in_old_filter(q->old, word));
			xmlw_end(w);
		}
		xmlw_end(w);
	}
	xmlw_end(w);
}

/*
 * GetRevisionIdList; the new anchor goes to *new_anchor (caller frees),
 * kept by the caller until the phase committed.
 */
static int
do_revlist(struct sess *s, bool config, const char *anchor,
    struct revlist *out, char **new_anchor)
{
	struct revlist_req q;
	struct soap_request *r = NULL;
	const struct soap_node *res, *ui;
	const char *a;
	char *old = NULL;
	int rc = -1;

	*new_anchor = NULL;
	memset(&q, 0, sizeof(q));
	if (!config && s->o->nlanguages > 0) {
		size_t i;

		q.lcids = xreallocarray(NULL, s->o->nlanguages,
		    sizeof(*q.lcids));
		for (i = 0; i < s->o->nlanguages; i++)
			if (sync_language_lcid(s, s->o->languages[i],
			    &q.lcids[i]) != 0) {
				sync_seterr(s, "language %s: the upstream "
				    "offers no such language",
				    s->o->languages[i]);
				goto out;
			}
	}
	if (!config && (s->o->nproducts > 0 || s->o->nclassifications > 0 ||
	    s->o->nlanguages > 0))
		old = sync_state_filter(s);
	q.config = config;
	q.anchor = anchor;
	q.old = old;
	if (sync_call_ss(s, "GetRevisionIdList", build_revlist, &q, &r) != 0)
		goto out;
	res = sync_result_of(r, "GetRevisionIdList");
	a = soap_child_text(res, "Anchor");
	if (a == NULL || a[0] == '\0' || strlen(a) > 256) {
		sync_seterr(s, "GetRevisionIdList: no Anchor");
		goto out;
	}
	SOAP_FOREACH_CHILD(ui, soap_child(res, "NewRevisions"), "UpdateIdentity") {
		char g[SOAP_GUID_STRLEN];
		int32_t rv;

		if (soap_node_guid(soap_child(ui, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(ui, "RevisionNumber"), &rv) != 0) {
			sync_seterr(s, "GetRevisionIdList: bad UpdateIdentity (line %lu)",
			    ui->line);
			goto out;
		}
		if (rev_push(out, g, rv) != 0) {
			sync_seterr(s, "out of memory");
			goto out;
		}
	}
	*new_anchor = sync_sdup(a);
	rc = 0;
out:
	free(q.lcids);
	free(old);
	soap_request_free(r);
	return rc;
}

static int
import_doc(struct sess *s, const void *p, size_t n, const struct rev *want)
{
	struct update_ref id;
	bool created = false, held;
	int64_t rid;
	char e[256];

	s->res->fetched++;
	if (s->st == NULL)
		return 0;
	/* An update already held (any revision): this one revises it. */
	held = store_revision_lookup(s->st, want->uid, -1, &rid) == STORE_OK;
	if (import_update_blob(s->st, p, n, &id, &created, e, sizeof(e)) != 0) {
		s->res->failed++;
		log_warnx("sync: %s rev %d rejected: %s", want->uid, want->rev, e);
		return 0;
	}
	if (strcasecmp(id.update_id, want->uid) != 0 ||
	    id.revision != want->rev)
		log_warnx("sync: asked for %s/%d, document is %s/%d", want->uid,
		    want->rev, id.update_id, id.revision);
	if (created) {
		s->res->created++;
		if (s->in_updates && held)
			s->res->revised++;
		else if (s->in_updates)
			s->res->new_updates++;
	} else
		s->res->present++;
	return 0;
}

struct updatedata_req {
	const struct rev	*ids;
	size_t			 n;
};

static void
build_updatedata(struct sess *s, struct xmlw *w, void *arg)
{
	const struct updatedata_req *q = arg;
	size_t i;

	(void)s;
	xmlw_start(w, "updateIds");
	for (i = 0; i < q->n; i++) {
		xmlw_start(w, "UpdateIdentity");
		xmlw_elem(w, "UpdateID", q->ids[i].uid);
		xmlw_elem_int(w, "RevisionNumber", q->ids[i].rev);
		xmlw_end(w);
	}
	xmlw_end(w);
}

/*
 * fileUrls: each ServerSyncUrlData's MUUrl becomes the original URL of
 * its file (an http or https URL of at most URL_MAX bytes; others and
 * files no stored update lists are skipped).
 */
static void
keep_urls(struct sess *s, const struct soap_node *res)
{
	const struct soap_node *u;

	if (s->st == NULL)
		return;
	SOAP_FOREACH_CHILD(u, soap_child(res, "fileUrls"), "ServerSyncUrlData") {
		const char *url = soap_child_text(u, "MUUrl");
		uint8_t d[20];
		size_t len = 0;
		int rc;

		if (soap_node_base64(soap_child(u, "FileDigest"), d, sizeof(d),
		    &len) != 0 || len != 20 || url == NULL ||
		    strlen(url) >= URL_MAX ||
		    (strncasecmp(url, "http://", 7) != 0 &&
		    strncasecmp(url, "https://", 8) != 0))
			continue;
		rc = store_file_origin_set(s->st, d, url);
		if (rc != STORE_OK && rc != STORE_NOTFOUND)
			log_warnx("sync: MUUrl %s: %s", url,
			    store_errmsg(s->st));
	}
}

static int
do_updatedata(struct sess *s, const struct rev *ids, size_t n)
{
	struct updatedata_req q = { ids, n };
	struct soap_request *r = NULL;
	const struct soap_node *res, *ud;
	uint8_t *bin = NULL;
	size_t got = 0;
	int rc = -1;

	if (sync_call_ss(s, "GetUpdateData", build_updatedata, &q, &r) != 0)
		goto out;
	res = sync_result_of(r, "GetUpdateData");
	SOAP_FOREACH_CHILD(ud, soap_child(res, "updates"), "ServerSyncUpdateData") {
		const struct soap_node *x = soap_child(ud, "XmlUpdateBlob");
		const struct soap_node *c = soap_child(ud, "XmlUpdateBlobCompressed");
		const struct soap_node *id = soap_child(ud, "Id");
		struct rev want;
		char g[SOAP_GUID_STRLEN];

		if (soap_node_guid(soap_child(id, "UpdateID"), g) != 0 ||
		    soap_node_int32(soap_child(id, "RevisionNumber"), &want.rev) != 0) {
			sync_seterr(s, "GetUpdateData: item without a valid Id");
			goto out;
		}
		memcpy(want.uid, g, sizeof(want.uid));
		if (c != NULL && c->text_len > 0) {
			size_t cap = soap_base64_maxlen(c->text_len), blen = 0;

			free(bin);
			bin = xmalloc(cap ? cap : 1);
			if (soap_node_base64(c, bin, cap, &blen) != 0) {
				sync_seterr(s, "GetUpdateData: %s/%d: bad base64",
				    want.uid, want.rev);
				goto out;
			}
			import_doc(s, bin, blen, &want);
		} else if (x != NULL && x->text_len > 0) {
			import_doc(s, x->text, x->text_len, &want);
		} else {
			sync_seterr(s, "GetUpdateData: %s/%d carries no document",
			    want.uid, want.rev);
			goto out;
		}
		got++;
	}
	if (got != n) {
		sync_seterr(s, "GetUpdateData: asked for %zu documents, got %zu", n, got);
		goto out;
	}
	keep_urls(s, res);
	rc = 0;
out:
	free(bin);
	soap_request_free(r);
	return rc;
}


/* Fetch the revisions of l that the store does not have, in batches. */
static int
fetch_all(struct sess *s, const struct revlist *l)
{
	struct rev *need;
	size_t i, n = 0, off;

	need = xreallocarray(NULL, l->n ? l->n : 1, sizeof(*need));
	for (i = 0; i < l->n; i++) {
		int64_t rid;

		if (s->st != NULL && store_revision_lookup(s->st, l->v[i].uid,
		    l->v[i].rev, &rid) == STORE_OK) {
			s->res->present++;
			continue;
		}
		need[n++] = l->v[i];
	}
	for (off = 0; off < n; off += (size_t)s->batch) {
		size_t k = n - off < (size_t)s->batch ? n - off : (size_t)s->batch;

		if (do_updatedata(s, need + off, k) != 0) {
			free(need);
			return -1;
		}
	}
	free(need);
	return 0;
}

int
sync_metadata(struct sess *s)
{
	struct revlist l = { 0 };
	char *anchor = NULL, *na = NULL;
	int rc = -1;
	struct buf f;
	size_t i;

	/* Categories, classifications, detectoids first. */
	anchor = sync_state_anchor(s, SYNC_ANCHOR_CATEGORY);
	if (do_revlist(s, true, anchor, &l, &na) != 0)
		goto out;
	s->res->category_revisions = l.n;
	if (fetch_all(s, &l) != 0)
		goto out;
	if (s->res->failed == 0 &&
	    sync_state_promote_anchor(s, SYNC_ANCHOR_CATEGORY, na) != 0)
		goto out;
	free(anchor);
	free(na);
	anchor = na = NULL;
	l.n = 0;

	/* Then the updates (counted as new or revised, as WSUS's
	 * Synchronization report shows them). */
	s->in_updates = true;
	anchor = sync_state_anchor(s, SYNC_ANCHOR_UPDATE);
	if (do_revlist(s, false, anchor, &l, &na) != 0)
		goto out;
	s->res->update_revisions = l.n;
	if (fetch_all(s, &l) != 0)
		goto out;
	if (s->res->failed != 0) {
		sync_seterr(s, "%zu documents were rejected; anchors not advanced",
		    s->res->failed);
		goto out;
	}
	buf_init(&f, 1u << 20);
	for (i = 0; i < s->o->nproducts; i++)
		buf_printf(&f, "%s%s", f.len ? " " : "", s->o->products[i]);
	for (i = 0; i < s->o->nclassifications; i++)
		buf_printf(&f, "%s%s", f.len ? " " : "", s->o->classifications[i]);
	for (i = 0; i < s->o->nlanguages; i++) {
		int32_t lcid;
		char word[32];

		if (sync_language_lcid(s, s->o->languages[i], &lcid) != 0)
			continue;
		lang_word(word, sizeof(word), lcid);
		buf_printf(&f, "%s%s", f.len ? " " : "", word);
	}
	if (sync_state_promote_updates(s, na, f.data ? f.data : "") != 0) {
		buf_free(&f);
		goto out;
	}
	buf_free(&f);
	rc = 0;
out:
	s->in_updates = false;
	free(l.v);
	free(anchor);
	free(na);
	return rc;
}

