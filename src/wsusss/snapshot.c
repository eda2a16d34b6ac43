/*
 * snapshot.c — the revision snapshot of the MS-WSUSSS upstream services:
 * loading it from the store (the ld_* sinks of store_catalog_load()),
 * the lookups by revision and update id, the reference-counted current
 * snapshot (snap_get, snap_release) and the properties read lazily from
 * the extended fragments.  Not the operations that use it (op_*.c).
 * See snapshot.h.
 *
 * Ownership: a snapshot owns its arrays and strings; the holder owns one
 * reference to its current snapshot; snap_get() hands out references.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/anchor.h"
#include "wsusss/snapshot.h"

static void
snap_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nrevs; i++) {
		for (uint32_t k = 0; k < s->revs[i].nfiles; k++)
			free(s->revs[i].files[k].name);
		free(s->revs[i].files);
		free(s->revs[i].cats);
		free(s->revs[i].members);
	}
	free(s->revs);
	free(s->by_rid);
	free(s->by_uid);
	free(s->deps);
	free(s->tombs);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* pending links by uid, resolved after the load */
struct pend {
	uint32_t from;
	char	 uid[GUID_STRLEN + 1];
	bool	 member;
};

struct loader {
	struct snapshot	*s;
	struct pend	*pend;
	size_t		 npend, cappend;
	bool		 sorted;
};

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 16;				\
		(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));	\
	}								\
} while (0)

/* attribute value a="..." in a bounded text; 0 found */
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

static int
ld_revision(const struct store_catalog_revision *r, void *arg)
{
	struct loader *l = arg;
	struct snapshot *s = l->s;
	struct ss_rev *v;

	GROW(s->revs, s->nrevs, s->caprevs);
	v = &s->revs[s->nrevs++];
	memset(v, 0, sizeof(*v));
	v->rid = r->revision_id;
	memcpy(v->uid, r->update_id, sizeof(v->uid));
	v->rev = r->revision;
	v->type = (uint8_t)r->type;
	v->kind = (uint8_t)r->category_kind;
	v->declined = r->declined;
	v->seq = r->change_seq;
	return 0;
}

static int
cmp_rid(const void *a, const void *b, void *arg)
{
	const struct snapshot *s = arg;
	int64_t x = s->revs[*(const uint32_t *)a].rid;
	int64_t y = s->revs[*(const uint32_t *)b].rid;

	return x < y ? -1 : x > y;
}

static int
cmp_uid(const void *a, const void *b, void *arg)
{
	const struct snapshot *s = arg;

	return strcmp(s->revs[*(const uint32_t *)a].uid,
	    s->revs[*(const uint32_t *)b].uid);
}

static void
loader_sort(struct loader *l)
{
	struct snapshot *s = l->s;

	if (l->sorted)
		return;
	s->by_rid = xreallocarray(NULL, s->nrevs + 1, sizeof(uint32_t));
	s->by_uid = xreallocarray(NULL, s->nrevs + 1, sizeof(uint32_t));
	for (size_t i = 0; i < s->nrevs; i++)
		s->by_rid[i] = s->by_uid[i] = (uint32_t)i;
	qsort_r(s->by_rid, s->nrevs, sizeof(uint32_t), cmp_rid, s);
	qsort_r(s->by_uid, s->nrevs, sizeof(uint32_t), cmp_uid, s);
	l->sorted = true;
}

long
snap_by_rid(const struct snapshot *s, int64_t rid)
{
	size_t lo = 0, hi = s->nrevs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int64_t v = s->revs[s->by_rid[mid]].rid;

		if (v == rid)
			return s->by_rid[mid];
		if (v < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long
snap_by_uid(const struct snapshot *s, const char *uid)
{
	size_t lo = 0, hi = s->nrevs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->revs[s->by_uid[mid]].uid, uid);

		if (c == 0)
			return s->by_uid[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
ld_prereq(const struct store_catalog_prereq *p, void *arg)
{
	struct loader *l = arg;
	long i;

	if (!p->is_category)
		return 0;
	loader_sort(l);
	if ((i = snap_by_rid(l->s, p->revision_id)) < 0)
		return 0;
	GROW(l->pend, l->npend, l->cappend);
	l->pend[l->npend].from = (uint32_t)i;
	snprintf(l->pend[l->npend].uid, sizeof(l->pend[0].uid), "%s",
	    p->required_update_id);
	l->pend[l->npend++].member = false;
	return 0;
}

static int
ld_bundled(const struct store_catalog_bundled *b, void *arg)
{
	struct loader *l = arg;
	long i;

	loader_sort(l);
	if ((i = snap_by_rid(l->s, b->revision_id)) < 0)
		return 0;
	GROW(l->pend, l->npend, l->cappend);
	l->pend[l->npend].from = (uint32_t)i;
	snprintf(l->pend[l->npend].uid, sizeof(l->pend[0].uid), "%s",
	    b->member_update_id);
	l->pend[l->npend++].member = true;
	return 0;
}

static int
ld_file(const struct store_catalog_file *f, void *arg)
{
	struct loader *l = arg;
	struct ss_rev *v;
	long i;

	loader_sort(l);
	if ((i = snap_by_rid(l->s, f->revision_id)) < 0)
		return 0;
	v = &l->s->revs[i];
	GROW(v->files, v->nfiles, v->capfiles);
	memcpy(v->files[v->nfiles].sha1, f->sha1, 20);
	v->files[v->nfiles++].name = xstrdup(f->name != NULL ? f->name : "");
	return 0;
}

static int
ld_deployment(const struct store_catalog_deployment *d, void *arg)
{
	struct loader *l = arg;
	struct snapshot *s = l->s;
	struct ss_dep *e;

	GROW(s->deps, s->ndeps, s->capdeps);
	e = &s->deps[s->ndeps++];
	memcpy(e->uid, d->update_id, sizeof(e->uid));
	e->group_id = d->group_id;
	e->action = (int)d->action;
	e->deadline = d->deadline;
	e->created = d->created;
	e->seq = d->change_seq;
	return 0;
}

static int
ld_tombstone(const struct store_catalog_tombstone *t, void *arg)
{
	struct loader *l = arg;
	struct snapshot *s = l->s;

	GROW(s->tombs, s->ntombs, s->captombs);
	memcpy(s->tombs[s->ntombs].uid, t->update_id, sizeof(s->tombs[0].uid));
	s->tombs[s->ntombs++].seq = t->change_seq;
	return 0;
}

static struct snapshot *
snap_load(struct store *st)
{
	struct loader l;
	struct store_catalog_sink sink;
	struct snapshot *s = xcalloc(1, sizeof(*s));
	int64_t seq = 0;

	pthread_mutex_init(&s->mu, NULL);
	memset(&l, 0, sizeof(l));
	l.s = s;
	memset(&sink, 0, sizeof(sink));
	sink.revision = ld_revision;
	sink.prereq = ld_prereq;
	sink.bundled = ld_bundled;
	sink.file = ld_file;
	sink.deployment = ld_deployment;
	sink.tombstone = ld_tombstone;
	sink.arg = &l;
	if (store_catalog_load(st, &sink, &seq) != STORE_OK) {
		log_error("cannot load the update catalogue: %s",
		    store_errmsg(st));
		free(l.pend);
		snap_free(s);
		return NULL;
	}
	loader_sort(&l);
	s->seq = seq;
	for (size_t k = 0; k < l.npend; k++) {
		struct ss_rev *v = &s->revs[l.pend[k].from];
		long to;

		if (!l.pend[k].member) {
			/* by id: the category itself need not be stored */
			GROW(v->cats, v->ncats, v->capcats);
			memcpy(v->cats[v->ncats++], l.pend[k].uid,
			    GUID_STRLEN + 1);
			continue;
		}
		if ((to = snap_by_uid(s, l.pend[k].uid)) < 0)
			continue;
		if (l.pend[k].member) {
			GROW(v->members, v->nmembers, v->capmembers);
			v->members[v->nmembers++] = (uint32_t)to;
		}
	}
	free(l.pend);
	for (size_t k = 0; k < s->ndeps; k++) {
		long i = snap_by_uid(s, s->deps[k].uid);

		if (i >= 0 && s->deps[k].action == APPROVAL_INSTALL)
			s->revs[i].approved = true;
	}
	s->refs = 1;
	return s;
}

struct snap_holder {
	pthread_mutex_t	 lock;		/* cur, every snapshot's refs */
	struct snapshot	*cur;		/* current, one reference held */
};

struct snap_holder *
snap_holder_new(void)
{
	struct snap_holder *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	return h;
}

void
snap_holder_free(struct snap_holder *h)
{
	if (h == NULL)
		return;
	if (h->cur != NULL)
		snap_free(h->cur);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void
snap_release(struct snap_holder *h, struct snapshot *s)
{
	bool last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (last)
		snap_free(s);
}

struct snapshot *
snap_get(struct snap_holder *h, struct store *st, const char **why)
{
	struct snapshot *s, *old = NULL;
	int64_t seq = -1;

	if (store_change_seq(st, &seq) != STORE_OK) {
		*why = "change counter";
		return NULL;
	}
	pthread_mutex_lock(&h->lock);
	s = h->cur;
	if (s != NULL && s->seq == seq) {
		s->refs++;
		pthread_mutex_unlock(&h->lock);
		return s;
	}
	pthread_mutex_unlock(&h->lock);
	if ((s = snap_load(st)) == NULL) {
		*why = "catalogue";
		return NULL;
	}
	pthread_mutex_lock(&h->lock);
	if (h->cur != NULL) {
		/* revisions never change: keep what was read of them */
		const struct snapshot *o = h->cur;

		for (size_t i = 0; i < s->nrevs; i++) {
			long j = snap_by_rid(o, s->revs[i].rid);

			if (j < 0 || !__atomic_load_n(&o->revs[j].props,
			    __ATOMIC_ACQUIRE))
				continue;
			s->revs[i].cpv_major = o->revs[j].cpv_major;
			s->revs[i].cpv_minor = o->revs[j].cpv_minor;
			memcpy(s->revs[i].eula, o->revs[j].eula,
			    sizeof(s->revs[i].eula));
			s->revs[i].props = 1;
		}
	}
	if (h->cur == NULL || h->cur->seq < s->seq) {
		old = h->cur;
		h->cur = s;
		s->refs++;
	}
	pthread_mutex_unlock(&h->lock);
	if (old != NULL)
		snap_release(h, old);
	return s;
}

/*
 * Read CompatibleProtocolVersion and EulaID of v from its extended
 * fragment once (the core fragment is rebuilt without them).
 */
void
snap_rev_props(struct store *st, struct snapshot *s, struct ss_rev *v)
{
	char *xml = NULL, val[64], eula[GUID_STRLEN + 1] = "";
	size_t len = 0;
	uint16_t ma = 0, mi = 0;

	if (__atomic_load_n(&v->props, __ATOMIC_ACQUIRE))
		return;
	if (store_fragment_get(st, v->rid, FRAGMENT_EXTENDED, NULL, &xml,
	    &len) == STORE_OK && xml != NULL) {
		if (find_attr(xml, len, "CompatibleProtocolVersion", val,
		    sizeof(val)) == 0 && wsusss_version_parse(val, strlen(val),
		    &ma, &mi) != 0)
			ma = mi = 0;
		if (find_attr(xml, len, "EulaID", val, sizeof(val)) == 0 &&
		    guid_normalize(val, eula) != 0)
			eula[0] = '\0';
	}
	free(xml);
	pthread_mutex_lock(&s->mu);
	if (!v->props) {
		v->cpv_major = ma;
		v->cpv_minor = mi;
		memcpy(v->eula, eula, sizeof(v->eula));
		__atomic_store_n(&v->props, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&s->mu);
}
