/*
 * service.c — the MS-WSUSSS upstream services: request pipeline, cookies,
 * faults, the revision snapshot and every operation.  See service.h and
 * docs/WSUSSS.md.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>
#include <openssl/evp.h>

#include "content/content_store.h"
#include "http/http_server.h"
#include "metadata/cab_write.h"
#include "metadata/update.h"
#include "soap/soap.h"
#include "soap/soap_fault.h"
#include "soap/soap_request.h"
#include "soap/soap_value.h"
#include "soap/xmlw.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/anchor.h"
#include "wsusss/service.h"
#include "wusp/cookie.h"

#define RESPONSE_MAX	(256u * 1024 * 1024)
#define COOKIE_GEN	1
#define INIT_RETRY	5
#define HOST_MAX	255
#define FUTURE_SKEW	(24 * 3600)	/* anchor time accepted ahead of now */

/* ---- the revision snapshot ------------------------------------------- */

struct ss_file {
	uint8_t	 sha1[20];
	char	*name;
};

struct ss_rev {
	int64_t	 rid;
	char	 uid[GUID_STRLEN + 1];
	int32_t	 rev;
	uint8_t	 type;		/* enum update_type */
	uint8_t	 kind;		/* enum category_kind */
	bool	 declined;
	bool	 approved;	/* has an Install approval somewhere */
	int64_t	 seq;		/* change_seq */
	/* from the extended fragment, read on first need (rev_props()) */
	int	 props;		/* 1 once the two below are set (atomic) */
	uint16_t cpv_major, cpv_minor;	/* CompatibleProtocolVersion; 0.0 none */
	char	 eula[GUID_STRLEN + 1];	/* EulaID; "" none */
	char	(*cats)[GUID_STRLEN + 1];	/* its category prerequisites */
	uint32_t ncats, capcats;
	uint32_t *members;	/* indexes of bundled members */
	uint32_t nmembers, capmembers;
	struct ss_file *files;
	uint32_t nfiles, capfiles;
};

struct ss_dep {
	char	 uid[GUID_STRLEN + 1];
	int64_t	 group_id;
	int	 action;
	int64_t	 deadline, created, seq;
};

struct ss_tomb {
	char	 uid[GUID_STRLEN + 1];
	int64_t	 seq;
};

struct snapshot {
	int		 refs;		/* guarded by svc->lock */
	pthread_mutex_t	 mu;		/* rev_props() fills */
	int64_t		 seq;
	struct ss_rev	*revs;
	size_t		 nrevs, caprevs;
	uint32_t	*by_rid;	/* indexes sorted by rid */
	uint32_t	*by_uid;	/* indexes sorted by uid */
	struct ss_dep	*deps;
	size_t		 ndeps, capdeps;
	struct ss_tomb	*tombs;
	size_t		 ntombs, captombs;
};

/* ---- service state --------------------------------------------------- */

struct ws_thread {
	struct store		*st;
	time_t			 st_failed;
	struct wsusss_service	*svc;
	struct ws_thread	*next, *prev;
};

enum ws_kind { WS_SERVERSYNC = 0, WS_DSSAUTH = 1 };

struct ws_call;
struct ws_op {
	const char	*name;
	const char	*ns;
	int		(*fn)(struct ws_call *);
};

struct ws_def {
	enum ws_kind		 kind;
	const char		*path;
	const char		*ns;
	const struct ws_op	*ops;
};

struct ws_route {
	struct wsusss_service	*svc;
	const struct ws_def	*def;
};

struct wsusss_service {
	const struct config	*cfg;
	pthread_mutex_t		 lock;
	bool			 ready;
	time_t			 next_retry;
	struct cookie_keyring	 kr;
	char			 server_id[37];
	int64_t			 started;
	pthread_key_t		 tkey;
	bool			 tkey_made;
	struct ws_thread	*threads;
	struct snapshot		*snap;		/* current, one ref held */
	struct ws_route		 routes[2];
};

struct ws_call {
	struct wsusss_service	*svc;
	const struct ws_def	*def;
	const struct ws_op	*op;
	struct http_request	*http;
	struct soap_request	*req;
	const struct soap_node	*body;
	struct ws_thread	*th;
	struct buf		 out;
	struct xmlw		 w;
	int64_t			 now;
	struct wsusss_session_cookie sess;	/* after ws_session() */
	enum soap_error_code	 fault;
	char			 fault_msg[1024];
	bool			 fuzz;		/* wsusss_fuzz_request(): no HTTP */
	/* the downstream to record after success (record_downstream) */
	bool			 touch, touch_replica, touch_synced;
	char			 touch_id[37];
	char			 touch_name[COOKIE_ID_MAX + 1];
};

static int op_get_auth_config(struct ws_call *);
static int op_get_authorization_cookie(struct ws_call *);
static int op_get_cookie(struct ws_call *);
static int op_get_config_data(struct ws_call *);
static int op_get_revision_id_list(struct ws_call *);
static int op_get_update_data(struct ws_call *);
static int op_get_deployments(struct ws_call *);
static int op_download_files(struct ws_call *);
static int op_get_related(struct ws_call *);
static int op_ping(struct ws_call *);

static const struct ws_op serversync_ops[] = {
	{ "GetAuthConfig", SOAP_NS_SWDIST, op_get_auth_config },
	{ "GetCookie", SOAP_NS_SWDIST, op_get_cookie },
	{ "GetConfigData", SOAP_NS_SWDIST, op_get_config_data },
	{ "GetRevisionIdList", SOAP_NS_SWDIST, op_get_revision_id_list },
	{ "GetUpdateData", SOAP_NS_SWDIST, op_get_update_data },
	{ "GetDeployments", SOAP_NS_SWDIST, op_get_deployments },
	{ "DownloadFiles", SOAP_NS_SWDIST, op_download_files },
	{ "GetRelatedRevisionsForUpdates", SOAP_NS_SWDIST, op_get_related },
	{ "Ping", SOAP_NS_MONITOR, op_ping },
	{ NULL, NULL, NULL },
};

static const struct ws_op dssauth_ops[] = {
	{ "GetAuthorizationCookie", SOAP_NS_DSSAUTH,
	    op_get_authorization_cookie },
	{ "Ping", SOAP_NS_MONITOR, op_ping },
	{ NULL, NULL, NULL },
};

static const struct ws_def defs[2] = {
	{ WS_SERVERSYNC, WSUSSS_PATH_SERVERSYNC, SOAP_NS_SWDIST, serversync_ops },
	{ WS_DSSAUTH, WSUSSS_PATH_DSSAUTH, SOAP_NS_DSSAUTH, dssauth_ops },
};

/* ---- faults ------------------------------------------------------------- */

static int ws_fault(struct ws_call *c, enum soap_error_code ec,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
ws_fault(struct ws_call *c, enum soap_error_code ec, const char *fmt, ...)
{
	va_list ap;

	if (c->fault != SOAP_EC_NONE)
		return -1;
	c->fault = ec;
	c->fault_msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(c->fault_msg, sizeof(c->fault_msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
service_url(struct ws_call *c, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s://127.0.0.1:%u%s",
	    c->http->listener->tls ? "https" : "http",
	    (unsigned)c->http->listener->port, c->def->path);
}

static int
write_fault(struct ws_call *c)
{
	struct soap_fault f;
	char actor[512], err[160];
	enum soap_version v = c->req != NULL ? c->req->version : SOAP_V11;
	int status;

	buf_reset(&c->out);
	c->out.failed = 0;
	soap_fault_init(&f, SOAP_STYLE_ASMX, v, c->fault);
	/* Message: the parameter name (InvalidParameters, as observed) or
	 * the missing digests (FileDigestsMissing); else empty. */
	if ((c->fault == SOAP_EC_INVALID_PARAMETERS ||
	    c->fault == SOAP_EC_FILE_DIGESTS_MISSING) && c->fault_msg[0] != '\0')
		f.message = c->fault_msg;
	f.method = c->req != NULL ? c->req->action : NULL;
	service_url(c, actor, sizeof(actor));
	f.actor = actor;
	status = soap_fault_write(&f, &c->out, err, sizeof(err));
	if (status < 0)
		log_error("cannot write a fault: %s", err);
	return status;
}

static int
write_unknown_op(struct ws_call *c)
{
	struct soap_fault f;
	char text[512];

	buf_reset(&c->out);
	c->out.failed = 0;
	snprintf(text, sizeof(text), "Server did not recognize the value of "
	    "HTTP Header SOAPAction: %.200s.", c->req->action);
	soap_fault_init(&f, SOAP_STYLE_ASMX, c->req->version, SOAP_EC_NONE);
	f.code = SOAP_FC_CLIENT;
	f.faultstring = text;
	return soap_fault_write(&f, &c->out, text, sizeof(text)) < 0 ? -1 :
	    SOAP_FAULT_HTTP_STATUS;
}

/* ---- store handles ----------------------------------------------------- */

static void
thread_destroy(void *arg)
{
	struct ws_thread *t = arg;
	struct wsusss_service *svc = t->svc;

	pthread_mutex_lock(&svc->lock);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		svc->threads = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&svc->lock);
	if (t->st != NULL)
		store_close(t->st);
	free(t);
}

static struct ws_thread *
thread_get(struct wsusss_service *svc)
{
	struct ws_thread *t = pthread_getspecific(svc->tkey);

	if (t != NULL)
		return t;
	t = xcalloc(1, sizeof(*t));
	t->svc = svc;
	pthread_mutex_lock(&svc->lock);
	t->next = svc->threads;
	if (svc->threads != NULL)
		svc->threads->prev = t;
	svc->threads = t;
	pthread_mutex_unlock(&svc->lock);
	if (pthread_setspecific(svc->tkey, t) != 0)
		fatalx("pthread_setspecific failed");
	return t;
}

static struct store *
ws_store(struct ws_call *c)
{
	struct ws_thread *t = c->th;
	const struct config *cfg = c->svc->cfg;
	char err[256], path[4096];

	if (t->st != NULL)
		return t->st;
	if (t->st_failed != 0 && (time_t)c->now - t->st_failed < 1) {
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database unavailable");
		return NULL;
	}
	if (config_sqlite_path(cfg->database_url, path, sizeof(path)) == 0 &&
	    strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		t->st_failed = (time_t)c->now;
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database missing");
		return NULL;
	}
	if (store_open(cfg->database_url, &t->st, err, sizeof(err)) !=
	    STORE_OK) {
		t->st = NULL;
		t->st_failed = (time_t)c->now;
		log_error("database %s: %s", cfg->database_url, err);
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "database unavailable");
		return NULL;
	}
	t->st_failed = 0;
	return t->st;
}

/* Read identity and key; svc->lock held. */
static int
service_init(struct wsusss_service *svc, struct store *st, char *err,
    size_t errlen)
{
	char *id = NULL, *key = NULL;
	uint8_t master[COOKIE_KEY_LEN], inst[COOKIE_INSTANCE_LEN];
	int rc = -1, cur = 0, latest = 0;

	if (store_schema_version(st, &cur, &latest) != STORE_OK ||
	    cur != latest) {
		snprintf(err, errlen, "database schema is version %d, this "
		    "wsusd needs %d: run 'wsusctl postinstall'", cur, latest);
		goto out;
	}
	if (store_setting_get(st, SETTING_SERVER_ID, &id) != STORE_OK ||
	    id == NULL || cookie_guid_parse(id, inst) != 0) {
		snprintf(err, errlen, "setting %s missing", SETTING_SERVER_ID);
		goto out;
	}
	if (store_setting_get(st, SETTING_COOKIE_KEY, &key) != STORE_OK ||
	    key == NULL || strlen(key) != 2 * COOKIE_KEY_LEN ||
	    hex_decode(key, master, COOKIE_KEY_LEN) != 0) {
		snprintf(err, errlen, "setting %s missing", SETTING_COOKIE_KEY);
		goto out;
	}
	if (cookie_keyring_init(&svc->kr, master, inst, COOKIE_GEN, err,
	    errlen) != 0)
		goto out;
	cookie_guid_format(inst, svc->server_id);
	svc->ready = true;
	rc = 0;
out:
	explicit_bzero(master, sizeof(master));
	if (key != NULL) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
	free(id);
	return rc;
}

static bool
service_ready(struct ws_call *c)
{
	struct wsusss_service *svc = c->svc;
	char err[256];
	struct store *st;
	bool ready;

	pthread_mutex_lock(&svc->lock);
	ready = svc->ready;
	if (ready || (time_t)c->now < svc->next_retry) {
		pthread_mutex_unlock(&svc->lock);
		return ready;
	}
	svc->next_retry = (time_t)c->now + INIT_RETRY;
	pthread_mutex_unlock(&svc->lock);
	st = ws_store(c);
	pthread_mutex_lock(&svc->lock);
	if (st != NULL && !svc->ready) {
		if (service_init(svc, st, err, sizeof(err)) == 0)
			log_info("server-server services ready (server %s)",
			    svc->server_id);
		else
			log_error("server-server services unavailable: %s",
			    err);
	}
	ready = svc->ready;
	pthread_mutex_unlock(&svc->lock);
	c->fault = SOAP_EC_NONE;
	return ready;
}

/* ---- snapshot ------------------------------------------------------------ */

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

static long
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

static long
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

static void
snap_release(struct wsusss_service *svc, struct snapshot *s)
{
	bool last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&svc->lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&svc->lock);
	if (last)
		snap_free(s);
}

/* The snapshot for the store's current change counter, referenced. */
static struct snapshot *
snap_get(struct ws_call *c, struct store *st)
{
	struct wsusss_service *svc = c->svc;
	struct snapshot *s, *old = NULL;
	int64_t seq = -1;

	if (store_change_seq(st, &seq) != STORE_OK) {
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "change counter");
		return NULL;
	}
	pthread_mutex_lock(&svc->lock);
	s = svc->snap;
	if (s != NULL && s->seq == seq) {
		s->refs++;
		pthread_mutex_unlock(&svc->lock);
		return s;
	}
	pthread_mutex_unlock(&svc->lock);
	if ((s = snap_load(st)) == NULL) {
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "catalogue");
		return NULL;
	}
	pthread_mutex_lock(&svc->lock);
	if (svc->snap != NULL) {
		/* revisions never change: keep what was read of them */
		const struct snapshot *o = svc->snap;

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
	if (svc->snap == NULL || svc->snap->seq < s->seq) {
		old = svc->snap;
		svc->snap = s;
		s->refs++;
	}
	pthread_mutex_unlock(&svc->lock);
	if (old != NULL)
		snap_release(svc, old);
	return s;
}

/* ---- helpers --------------------------------------------------------- */

/* A request header; none without a connection (the fuzz entry point). */
static const char *
ws_header(const struct ws_call *c, const char *name)
{
	if (c->fuzz || c->http->conn == NULL)
		return NULL;
	return http_header(c->http, name);
}

static void
ws_begin(struct ws_call *c)
{
	char name[96];

	xmlw_init(&c->w, &c->out, SOAP_STYLE_ASMX);
	xmlw_envelope_begin(&c->w, c->req->version);
	snprintf(name, sizeof(name), "%sResponse", c->op->name);
	xmlw_start(&c->w, name);
	xmlw_attr(&c->w, "xmlns", c->op->ns);
}

static void
ws_end(struct ws_call *c)
{
	xmlw_envelope_end(&c->w);
}

/* The peer's numeric address. */
static void
peer_addr(struct ws_call *c, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;

	out[0] = '\0';
	if (c->fuzz || c->http->conn == NULL)
		return;
	ci = MHD_get_connection_info(c->http->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)ci->client_addr)->sin_addr, out,
		    (socklen_t)outlen);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)ci->client_addr)->sin6_addr, out,
		    (socklen_t)outlen);
}

/*
 * The allow-list ([server] upstream_allow, else setting upstream_allow).  0 allowed; else the fault
 * ec is set.  A malformed list refuses everyone (and says so in the log).
 */
static int
check_allowed(struct ws_call *c, enum soap_error_code ec)
{
	struct store *st = ws_store(c);
	char *list = NULL, addr[INET6_ADDRSTRLEN + 1], err[160];
	int r;

	if (st == NULL)
		return -1;
	/* wsusd.conf [server] upstream_allow first, else the store setting */
	if (c->svc->cfg->upstream_allow != NULL)
		list = xstrdup(c->svc->cfg->upstream_allow);
	else if (store_setting_get(st, SETTING_WSUSSS_ALLOW, &list) !=
	    STORE_OK)
		list = NULL;
	peer_addr(c, addr, sizeof(addr));
	r = wsusss_allow_check(list, addr[0] != '\0' ? addr : NULL, err,
	    sizeof(err));
	free(list);
	if (r == 1)
		return 0;
	if (r < 0)
		log_error("setting %s: %s (refusing every downstream)",
		    SETTING_WSUSSS_ALLOW, err);
	log_info("downstream %s refused by the allow-list", addr);
	return ws_fault(c, ec, "peer %s not allowed", addr);
}

/*
 * Remember who called (ws_session, GetCookie, GetAuthorizationCookie);
 * the store records it only after the operation succeeded (handle()), so
 * a refused request changes nothing.
 */
static void
record_downstream(struct ws_call *c, const uint8_t dss_id[16],
    const char *name, bool replica)
{
	cookie_guid_format(dss_id, c->touch_id);
	snprintf(c->touch_name, sizeof(c->touch_name), "%s",
	    name != NULL ? name : "");
	c->touch_replica = replica;
	c->touch = true;
}

/* Record the downstream's successful call in the store (rollup's table). */
static void
touch_downstream(struct ws_call *c)
{
	struct store_downstream_contact dc;
	char proto[16], addr[INET6_ADDRSTRLEN + 1];
	struct store *st;

	if (!c->touch || (st = ws_store(c)) == NULL)
		return;
	memset(&dc, 0, sizeof(dc));
	snprintf(dc.server_id, sizeof(dc.server_id), "%s", c->touch_id);
	dc.name = c->touch_name[0] != '\0' ? c->touch_name : NULL;
	if (c->sess.proto_major != 0) {
		snprintf(proto, sizeof(proto), "%u.%u",
		    (unsigned)c->sess.proto_major,
		    (unsigned)c->sess.proto_minor);
		dc.protocol = proto;
	}
	dc.mode = c->touch_replica ? DOWNSTREAM_REPLICA :
	    DOWNSTREAM_MODE_UNKNOWN;
	peer_addr(c, addr, sizeof(addr));
	dc.address = addr[0] != '\0' ? addr : NULL;
	dc.synced = c->touch_synced;
	if (store_downstream_touch(st, &dc, c->now) != STORE_OK)
		log_warn("cannot record downstream %s: %s", c->touch_id,
		    store_errmsg(st));
}

/* Open the session cookie of the request (child "cookie"). */
static int
ws_session(struct ws_call *c)
{
	const struct soap_node *n = soap_child(c->body, "cookie");
	const struct soap_node *exp = soap_child(n, "Expiration");
	const struct soap_node *data = soap_child(n, "EncryptedData");
	struct soap_datetime dt;
	const char *b64;
	size_t len;

	if (n == NULL || soap_is_nil(n) || data == NULL)
		return ws_fault(c, SOAP_EC_INVALID_COOKIE, "no cookie");
	if (exp == NULL || soap_node_datetime(exp, &dt) != 0)
		return ws_fault(c, SOAP_EC_INVALID_COOKIE, "bad Expiration");
	if (c->fuzz && data->text_len == 4 && memcmp(data->text, "FUZZ",
	    4) == 0) {
		/* the fuzz entry point only: reach the operation's parsers */
		memset(&c->sess, 0, sizeof(c->sess));
		c->sess.proto_major = 1;
		c->sess.proto_minor = dt.ticks % 2 ? 8 : 20;
		return 0;
	}
	b64 = data->text;
	len = data->text_len;
	soap_trim(&b64, &len);
	switch (cookie_open_wsusss_session(&c->svc->kr, b64, len, dt.sec,
	    c->now, &c->sess)) {
	case COOKIE_OK:
		break;
	case COOKIE_SERVER_CHANGED:
		return ws_fault(c, SOAP_EC_SERVER_CHANGED, NULL);
	case COOKIE_ERROR:
		return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "cookie");
	case COOKIE_EXPIRED:
	case COOKIE_INVALID:
	default:
		return ws_fault(c, SOAP_EC_INVALID_COOKIE, NULL);
	}
	if (c->sess.proto_major != 1)
		return ws_fault(c, SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION, NULL);
	if (check_allowed(c, SOAP_EC_INVALID_COOKIE) != 0)
		return -1;
	record_downstream(c, c->sess.dss_id, NULL,
	    strcmp(c->op->name, "GetDeployments") == 0);
	return 0;
}

/* Parse an optional anchor element; absent/empty/nil: *has = false. */
static int
read_anchor(struct ws_call *c, const struct soap_node *n, const char *param,
    struct wsusss_anchor *a, bool *has, int64_t cur_seq)
{
	const char *t;
	size_t len;

	*has = false;
	memset(a, 0, sizeof(*a));
	if (n == NULL || soap_is_nil(n))
		return 0;
	t = n->text;
	len = n->text_len;
	soap_trim(&t, &len);
	if (len == 0)
		return 0;
	if (wsusss_anchor_parse(t, len, a) != 0)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", param);
	/* an anchor this server cannot have issued: from the future */
	if (a->counter > cur_seq || a->time > c->now + FUTURE_SKEW)
		return ws_fault(c, SOAP_EC_SERVER_CHANGED, "%s from the "
		    "future", param);
	*has = true;
	return 0;
}

static void
write_anchor(struct ws_call *c, const char *name, int64_t seq)
{
	struct wsusss_anchor a;
	char text[WSUSSS_ANCHOR_MAX];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	a.counter = seq;
	a.time = ts.tv_sec;
	a.msec = (uint32_t)(ts.tv_nsec / 1000000);
	wsusss_anchor_format(&a, text, sizeof(text));
	xmlw_elem(&c->w, name, text);
}

static int
setting_int(struct store *st, const char *key, int def, int lo, int hi)
{
	char *v = NULL, *end;
	long n;

	if (store_setting_get(st, key, &v) != STORE_OK || v == NULL)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi) {
		log_warn("setting %s=%s ignored (want %d..%d)", key, v, lo, hi);
		n = def;
	}
	free(v);
	return (int)n;
}

static bool
setting_no(struct store *st, const char *key)
{
	char *v = NULL;
	bool no;

	if (store_setting_get(st, key, &v) != STORE_OK || v == NULL)
		return false;
	no = strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0;
	free(v);
	return no;
}

static void
now_datetime(struct soap_datetime *dt)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	soap_datetime_from_unix(ts.tv_sec, (uint32_t)(ts.tv_nsec / 100), dt);
}

/* ---- GetAuthConfig ---------------------------------------------------- */

static int
op_get_auth_config(struct ws_call *c)
{
	struct soap_datetime dt;

	soap_datetime_from_unix(c->svc->started, 0, &dt);
	ws_begin(c);
	xmlw_start(&c->w, "GetAuthConfigResult");
	xmlw_elem_datetime(&c->w, "LastChange", &dt);
	xmlw_start(&c->w, "AuthInfo");
	xmlw_start(&c->w, "AuthPlugInInfo");
	xmlw_elem(&c->w, "PlugInID", "DssTargeting");
	xmlw_elem(&c->w, "ServiceUrl", "DssAuthWebService/DssAuthWebService.asmx");
	xmlw_elem(&c->w, "Parameter", NULL);
	ws_end(c);
	return 0;
}

/* ---- GetAuthorizationCookie (DssAuth) ---------------------------------- */

static bool
account_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > COOKIE_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

static int
op_get_authorization_cookie(struct ws_call *c)
{
	const struct soap_node *name = soap_child(c->body, "accountName");
	const struct soap_node *guid = soap_child(c->body, "accountGuid");
	struct wsusss_auth_cookie a;
	char b64[COOKIE_B64_BUFSZ], err[160], gtxt[SOAP_GUID_STRLEN];
	const char *t;
	size_t len;

	memset(&a, 0, sizeof(a));
	if (name == NULL)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "accountName");
	t = name->text;
	len = name->text_len;
	soap_trim(&t, &len);
	if (!account_name_ok(t, len))
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "accountName");
	memcpy(a.account_name, t, len);
	a.account_name[len] = '\0';
	if (guid == NULL || soap_node_guid(guid, gtxt) != 0 ||
	    cookie_guid_parse(gtxt, a.dss_id) != 0)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "accountGuid");
	if (check_allowed(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE) != 0)
		return -1;
	a.issued_at = c->now;
	a.expires_at = c->now + WSUSSS_AUTH_LIFETIME;
	if (cookie_seal_wsusss_auth(&c->svc->kr, &a, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal an authorization cookie: %s", err);
		return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	c->sess.proto_major = c->sess.proto_minor = 0;
	record_downstream(c, a.dss_id, a.account_name, false);
	ws_begin(c);
	xmlw_start(&c->w, "GetAuthorizationCookieResult");
	xmlw_elem(&c->w, "PlugInId", "DssTargeting");
	xmlw_elem(&c->w, "CookieData", b64);
	ws_end(c);
	return 0;
}

/* ---- GetCookie ----------------------------------------------------------- */

static int
op_get_cookie(struct ws_call *c)
{
	const struct soap_node *auths = soap_child(c->body, "authCookies");
	const struct soap_node *ac, *data, *ver;
	struct wsusss_auth_cookie a;
	struct wsusss_session_cookie s;
	char b64[COOKIE_B64_BUFSZ], err[160];
	struct soap_datetime dt;
	const char *t;
	size_t len;
	uint16_t ma, mi;

	if (auths == NULL || soap_count_children(auths,
	    "AuthorizationCookie") != 1)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "authCookies");
	ac = soap_child(auths, "AuthorizationCookie");
	ver = soap_child(c->body, "protocolVersion");
	if (ver == NULL || wsusss_version_parse(ver->text, ver->text_len,
	    &ma, &mi) != 0)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "protocolVersion");
	if (ma != 1)
		return ws_fault(c, SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION, NULL);
	data = soap_child(ac, "CookieData");
	if (data == NULL)
		return ws_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE, NULL);
	t = data->text;
	len = data->text_len;
	soap_trim(&t, &len);
	switch (cookie_open_wsusss_auth(&c->svc->kr, t, len, c->now, &a)) {
	case COOKIE_OK:
		break;
	case COOKIE_ERROR:
		return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	default:
		return ws_fault(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE, NULL);
	}
	if (check_allowed(c, SOAP_EC_INVALID_AUTHORIZATION_COOKIE) != 0)
		return -1;
	memset(&s, 0, sizeof(s));
	memcpy(s.dss_id, a.dss_id, sizeof(s.dss_id));
	s.n_groups = a.n_groups;
	memcpy(s.groups, a.groups, sizeof(s.groups));
	s.issued_at = c->now;
	s.expires_at = c->now + WSUSSS_SESSION_LIFETIME;
	if (s.expires_at > a.expires_at)
		s.expires_at = a.expires_at;
	s.proto_major = ma;
	s.proto_minor = mi;
	if (cookie_seal_wsusss_session(&c->svc->kr, &s, b64, sizeof(b64), err,
	    sizeof(err)) != 0) {
		log_error("cannot seal a session cookie: %s", err);
		return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	c->sess = s;
	record_downstream(c, a.dss_id, a.account_name, false);
	soap_datetime_from_unix(s.expires_at, 0, &dt);
	ws_begin(c);
	xmlw_start(&c->w, "GetCookieResult");
	xmlw_elem_datetime(&c->w, "Expiration", &dt);
	xmlw_elem(&c->w, "EncryptedData", b64);
	ws_end(c);
	return 0;
}

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

static int
op_get_config_data(struct ws_call *c)
{
	struct store *st;
	struct wsusss_anchor a;
	bool has;
	char *langs = NULL;
	int64_t seq = 0;
	int batch;

	if (ws_session(c) != 0 || (st = ws_store(c)) == NULL)
		return -1;
	if (store_change_seq(st, &seq) != STORE_OK)
		return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	if (read_anchor(c, soap_child(c->body, "configAnchor"),
	    "configAnchor", &a, &has, seq) != 0)
		return -1;
	batch = setting_int(st, SETTING_WSUSSS_BATCH, WSUSSS_BATCH_DEFAULT, 1,
	    WSUSSS_BATCH_MAX);
	if (store_setting_get(st, SETTING_WSUSSS_LANGUAGES, &langs) !=
	    STORE_OK)
		langs = NULL;
	ws_begin(c);
	xmlw_start(&c->w, "GetConfigDataResult");
	xmlw_elem_bool(&c->w, "CatalogOnlySync", 0);
	xmlw_elem_bool(&c->w, "LazySync", 1);
	xmlw_elem_bool(&c->w, "ServerHostsPsfFiles", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfComputerIdsInRequest", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfDriverSetsPerRequest", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfPnpHardwareIdsInRequest", 0);
	xmlw_elem_int(&c->w, "MaxNumberOfUpdatesPerRequest", batch);
	write_anchor(c, "NewConfigAnchor", seq);
	xmlw_elem(&c->w, "ProtocolVersion", WSUSSS_PROTOCOL_VERSION);
	xmlw_start(&c->w, "LanguageUpdateList");
	/* the whole list on a first call only (as real WSUS) */
	if (!has) {
		/* 1.1 downstreams know 63 languages only: same list, all
		 * of them are within the 63 of WSUS 2.0 except ja-nec. */
		bool v11 = !wsusss_version_at_least(c->sess.proto_major,
		    c->sess.proto_minor, 1, 2);

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
	ws_end(c);
	free(langs);
	return 0;
}

/* ---- GetRevisionIdList ---------------------------------------------------- */

struct idset {
	char	(*idx)[GUID_STRLEN + 1];	/* lower-case ids */
	bool	*delta;
	size_t	 n;
	bool	 present;	/* element sent */
	size_t	 sent;		/* items sent */
};

static int
read_idset(struct ws_call *c, const struct soap_node *n, struct idset *out)
{
	const struct soap_node *e;
	size_t cnt;

	memset(out, 0, sizeof(*out));
	if (n == NULL || soap_is_nil(n))
		return 0;
	out->present = true;
	cnt = soap_count_children(n, "IdAndDelta");
	if (cnt > WSUSSS_FILTER_MAX || n->nchildren != cnt)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
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
			return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
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
rev_in(const struct ss_rev *v, const struct idset *set)
{
	int best = 0;

	for (uint32_t k = 0; k < v->ncats; k++)
		for (size_t j = 0; j < set->n; j++)
			if (strcmp(v->cats[k], set->idx[j]) == 0) {
				int m = set->delta[j] ? 1 : 2;

				if (m > best)
					best = m;
			}
	return best;
}

static int
kind_rank(const struct ss_rev *v)
{
	if (v->type == UPDATE_TYPE_DETECTOID)
		return 5;
	switch (v->kind) {
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
	const struct snapshot *s;
	bool config;
};

static int
cmp_out(const void *a, const void *b, void *arg)
{
	const struct outsort *o = arg;
	const struct ss_rev *x = &o->s->revs[*(const uint32_t *)a];
	const struct ss_rev *y = &o->s->revs[*(const uint32_t *)b];

	if (o->config && kind_rank(x) != kind_rank(y))
		return kind_rank(x) - kind_rank(y);
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

/*
 * Read CompatibleProtocolVersion and EulaID of v from its extended
 * fragment once (the core fragment is rebuilt without them).
 */
static void
rev_props(struct ws_call *c, struct store *st, struct snapshot *s,
    struct ss_rev *v)
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
	(void)c;
	pthread_mutex_lock(&s->mu);
	if (!v->props) {
		v->cpv_major = ma;
		v->cpv_minor = mi;
		memcpy(v->eula, eula, sizeof(v->eula));
		__atomic_store_n(&v->props, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&s->mu);
}

/* may a downstream at this version get v? (docs/WSUSSS.md) */
static bool
version_ok(struct ws_call *c, struct store *st, struct snapshot *s,
    struct ss_rev *v)
{
	rev_props(c, st, s, v);
	if (v->cpv_major == 0 && v->cpv_minor == 0)
		return true;
	return wsusss_version_at_least(c->sess.proto_major,
	    c->sess.proto_minor, v->cpv_major, v->cpv_minor);
}

static int
op_get_revision_id_list(struct ws_call *c)
{
	const struct soap_node *f = soap_child(c->body, "filter");
	struct store *st;
	struct snapshot *s = NULL;
	struct wsusss_anchor a;
	struct idset cats, cls;
	uint8_t *mark = NULL;	/* 0 out, 1 matched (delta), 2 full */
	uint32_t *out = NULL;
	size_t nout = 0;
	bool has = false, filtered;
	int getconfig = 0, b63 = 0, rc = -1;
	const struct soap_node *langs, *e;
	int64_t seq;

	memset(&cats, 0, sizeof(cats));
	memset(&cls, 0, sizeof(cls));
	if (ws_session(c) != 0 || (st = ws_store(c)) == NULL)
		return -1;
	if (f == NULL || soap_is_nil(f))
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
	if (soap_node_bool(soap_child(f, "GetConfig"), &getconfig) != 0)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
	if (soap_child(f, "Get63LanguageOnly") != NULL &&
	    soap_node_bool(soap_child(f, "Get63LanguageOnly"), &b63) != 0)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "filter");
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
				return ws_fault(c, SOAP_EC_INVALID_PARAMETERS,
				    "filter");
		}
	}
	if ((s = snap_get(c, st)) == NULL)
		return -1;
	seq = s->seq;
	if (read_anchor(c, soap_child(f, "Anchor"), "filter", &a, &has,
	    seq) != 0)
		goto out;
	if (read_idset(c, soap_child(f, "Categories"), &cats) != 0 ||
	    read_idset(c, soap_child(f, "Classifications"), &cls) != 0)
		goto out;
	filtered = !getconfig && (cats.present || cls.present);
	c->touch_synced = !getconfig;
	mark = xcalloc(s->nrevs + 1, 1);
	for (size_t i = 0; i < s->nrevs; i++) {
		const struct ss_rev *v = &s->revs[i];
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
			for (size_t i = 0; i < s->nrevs; i++) {
				if (mark[i] == 0)
					continue;
				for (uint32_t k = 0; k < s->revs[i].nmembers;
				    k++) {
					uint32_t m = s->revs[i].members[k];

					if (mark[m] < mark[i]) {
						mark[m] = mark[i];
						changed = true;
					}
				}
			}
		}
	}
	out = xreallocarray(NULL, s->nrevs + 1, sizeof(uint32_t));
	for (size_t i = 0; i < s->nrevs; i++) {
		struct ss_rev *v = &s->revs[i];

		if (mark[i] == 0 || !version_ok(c, st, s, v))
			continue;
		if (has && mark[i] != 2 && v->seq <= a.counter)
			continue;
		out[nout++] = (uint32_t)i;
	}
	{
		struct outsort o = { s, getconfig != 0 };

		qsort_r(out, nout, sizeof(uint32_t), cmp_out, &o);
	}
	ws_begin(c);
	xmlw_start(&c->w, "GetRevisionIdListResult");
	write_anchor(c, "Anchor", seq);
	xmlw_start(&c->w, "NewRevisions");
	for (size_t k = 0; k < nout; k++) {
		const struct ss_rev *v = &s->revs[out[k]];

		xmlw_start(&c->w, "UpdateIdentity");
		xmlw_elem(&c->w, "UpdateID", v->uid);
		xmlw_elem_int(&c->w, "RevisionNumber", v->rev);
		xmlw_end(&c->w);
	}
	ws_end(c);
	rc = 0;
out:
	free(out);
	free(mark);
	idset_free(&cats);
	idset_free(&cls);
	snap_release(c->svc, s);
	return rc;
}

/* ---- GetUpdateData -------------------------------------------------------- */

static bool
host_ok(const char *h)
{
	size_t n;

	if (h == NULL || (n = strlen(h)) == 0 || n > HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && strchr(".-_:[]", h[i]) ==
		    NULL)
			return false;
	return true;
}

/* scheme://host:port the downstream used (content is served on it too) */
static void
content_base(struct ws_call *c, char *out, size_t outlen)
{
	const char *h = ws_header(c, MHD_HTTP_HEADER_HOST);
	const struct config *cfg = c->svc->cfg;
	const char *scheme = c->http->listener->tls ? "https" : "http";

	if (host_ok(h) && (strchr(h, ':') != NULL && h[0] != '['))
		snprintf(out, outlen, "%s://%s", scheme, h);
	else if (host_ok(h) && strchr(h, ']') != NULL &&
	    strchr(strchr(h, ']'), ':') != NULL)
		snprintf(out, outlen, "%s://%s", scheme, h);
	else
		snprintf(out, outlen, "%s://%s:%u", scheme, host_ok(h) ? h :
		    cfg->server_name != NULL ? cfg->server_name : "localhost",
		    (unsigned)c->http->listener->port);
}

/* bytes of the UTF-16 form of UTF-8 text (what <36> measures) */
static size_t
utf16_bytes(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];

		if ((b & 0xc0) != 0x80)
			n += (b >= 0xf0) ? 4 : 2;
	}
	return n;
}

struct uid_rev {
	char	 uid[GUID_STRLEN + 1];
	int32_t	 rev;
};

static int
write_blob(struct ws_call *c, const char *doc, size_t len, bool compress,
    bool *wrote_plain)
{
	struct buf u16, cab;
	char err[160];
	int rc = -1;

	*wrote_plain = false;
	if (!compress) {
		xmlw_start(&c->w, "XmlUpdateBlob");
		xmlw_text(&c->w, doc, len);
		xmlw_end(&c->w);
		*wrote_plain = true;
		return 0;
	}
	buf_init(&u16, CAB_WRITE_MAX_INPUT);
	buf_init(&cab, 2u * CAB_WRITE_MAX_INPUT);
	if (wsusss_utf8_to_utf16le(doc, len, &u16) != 0 || u16.failed) {
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "blob not UTF-8");
		goto out;
	}
	if (cab_write_single(u16.data, u16.len, "blob", &cab, err,
	    sizeof(err)) != 0) {
		log_error("cannot write a cabinet: %s", err);
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "cabinet");
		goto out;
	}
	/* kept for after FileDigestList: written by the caller */
	rc = 0;
	xmlw_elem_base64(&c->w, "XmlUpdateBlobCompressed",
	    (const uint8_t *)cab.data, cab.len);
out:
	buf_free(&u16);
	buf_free(&cab);
	return rc;
}

static void
write_digests(struct ws_call *c, const struct ss_rev *v)
{
	if (v == NULL || v->nfiles == 0)
		return;
	xmlw_start(&c->w, "FileDigestList");
	for (uint32_t k = 0; k < v->nfiles; k++)
		xmlw_elem_base64(&c->w, "base64Binary", v->files[k].sha1, 20);
	xmlw_end(&c->w);
}

static int
op_get_update_data(struct ws_call *c)
{
	const struct soap_node *ids = soap_child(c->body, "updateIds"), *e;
	struct store *st;
	struct snapshot *s = NULL;
	struct uid_rev *want = NULL;
	size_t n, k = 0;
	int batch, rc = -1;
	bool compress_ok;
	char base[HOST_MAX + 32];

	if (ws_session(c) != 0 || (st = ws_store(c)) == NULL)
		return -1;
	batch = setting_int(st, SETTING_WSUSSS_BATCH, WSUSSS_BATCH_DEFAULT, 1,
	    WSUSSS_BATCH_MAX);
	compress_ok = !setting_no(st, SETTING_WSUSSS_COMPRESS);
	n = ids == NULL ? 0 : soap_count_children(ids, "UpdateIdentity");
	if (n == 0 || n > (size_t)batch || ids->nchildren != n)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "updateIds");
	want = xreallocarray(NULL, n, sizeof(*want));
	SOAP_FOREACH_CHILD(e, ids, "UpdateIdentity") {
		char g[SOAP_GUID_STRLEN];

		if (soap_node_guid(soap_child(e, "UpdateID"), g) != 0 ||
		    guid_normalize(g, want[k].uid) != 0 ||
		    soap_node_int32(soap_child(e, "RevisionNumber"),
		    &want[k].rev) != 0) {
			free(want);
			return ws_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "updateIds");
		}
		k++;
	}
	if ((s = snap_get(c, st)) == NULL)
		goto out;
	content_base(c, base, sizeof(base));
	ws_begin(c);
	xmlw_start(&c->w, "GetUpdateDataResult");
	xmlw_start(&c->w, "updates");
	for (k = 0; k < n; k++) {
		int64_t rid;
		char *doc = NULL;
		size_t len = 0;
		long i;
		const struct ss_rev *v = NULL;
		bool plain;

		if (store_revision_lookup(st, want[k].uid, want[k].rev, &rid) !=
		    STORE_OK) {
			ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "unknown "
			    "revision %s/%d", want[k].uid, (int)want[k].rev);
			goto out;
		}
		if (store_fragment_get(st, rid, FRAGMENT_DOCUMENT, NULL, &doc,
		    &len) != STORE_OK || doc == NULL) {
			free(doc);
			ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "no document "
			    "for %s/%d", want[k].uid, (int)want[k].rev);
			goto out;
		}
		if ((i = snap_by_rid(s, rid)) >= 0)
			v = &s->revs[i];
		xmlw_start(&c->w, "ServerSyncUpdateData");
		xmlw_start(&c->w, "Id");
		xmlw_elem(&c->w, "UpdateID", want[k].uid);
		xmlw_elem_int(&c->w, "RevisionNumber", want[k].rev);
		xmlw_end(&c->w);
		if (!compress_ok ||
		    utf16_bytes(doc, len) <= WSUSSS_COMPRESS_OVER) {
			write_blob(c, doc, len, false, &plain);
			write_digests(c, v);
		} else {
			write_digests(c, v);
			if (write_blob(c, doc, len, true, &plain) != 0) {
				free(doc);
				goto out;
			}
		}
		xmlw_end(&c->w);
		free(doc);
	}
	xmlw_end(&c->w);
	xmlw_start(&c->w, "fileUrls");
	for (k = 0; k < n; k++) {
		int64_t rid;
		long i;

		if (store_revision_lookup(st, want[k].uid, want[k].rev, &rid) !=
		    STORE_OK || (i = snap_by_rid(s, rid)) < 0)
			continue;
		for (uint32_t j = 0; j < s->revs[i].nfiles; j++) {
			const struct ss_file *fl = &s->revs[i].files[j];
			char rel[128];

			if (content_relpath(fl->sha1, fl->name, rel,
			    sizeof(rel)) != 0)
				continue;
			xmlw_start(&c->w, "ServerSyncUrlData");
			xmlw_elem_base64(&c->w, "FileDigest", fl->sha1, 20);
			xmlw_start(&c->w, "MUUrl");
			xmlw_textf(&c->w, "%s/Content/%s", base, rel);
			xmlw_end(&c->w);
			/* unused by DSSs; real WSUS sends it empty */
			xmlw_elem(&c->w, "UssUrl", NULL);
			xmlw_end(&c->w);
		}
	}
	ws_end(c);
	rc = 0;
out:
	free(want);
	snap_release(c->svc, s);
	return rc;
}

/* ---- GetDeployments ---------------------------------------------------- */

struct grp {
	int64_t	 id;
	char	 guid[GUID_STRLEN + 1];
	char	*name;
	int64_t	 parent;
	bool	 builtin;
};

struct grplist {
	struct grp *g;
	size_t	 n, cap;
};

static int
grp_cb(const struct store_group *g, void *arg)
{
	struct grplist *l = arg;

	if (l->n >= 100000)
		return 1;
	GROW(l->g, l->n, l->cap);
	l->g[l->n].id = g->id;
	memcpy(l->g[l->n].guid, g->guid, sizeof(l->g[0].guid));
	l->g[l->n].name = xstrdup(g->name != NULL ? g->name : "");
	l->g[l->n].parent = g->parent_id;
	l->g[l->n++].builtin = g->builtin;
	return 0;
}

static const struct grp *
grp_find(const struct grplist *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->g[i].id == id)
			return &l->g[i];
	return NULL;
}

/* A stable DeploymentGuid: SHA-256(server id, update id, group guid). */
static void
deployment_guid(const struct ws_call *c, const char *uid, const char *group,
    char out[37])
{
	uint8_t h[32], g[16];
	char text[160];
	unsigned int hl = 0;

	snprintf(text, sizeof(text), "%s/%s/%s", c->svc->server_id, uid, group);
	EVP_Digest(text, strlen(text), h, &hl, EVP_sha256(), NULL);
	memcpy(g, h, 16);
	g[6] = (uint8_t)((g[6] & 0x0f) | 0x50);	/* version 5-like */
	g[8] = (uint8_t)((g[8] & 0x3f) | 0x80);
	cookie_guid_format(g, out);
}

static void
write_time(struct ws_call *c, const char *name, int64_t t)
{
	struct soap_datetime dt;

	soap_datetime_from_unix(t, 0, &dt);
	xmlw_elem_datetime(&c->w, name, &dt);
}

static int
op_get_deployments(struct ws_call *c)
{
	struct store *st;
	struct snapshot *s = NULL;
	struct wsusss_anchor da, sa;
	bool hasd, hass;
	struct grplist gl;
	int rc = -1;
	char zero[37] = "00000000-0000-0000-0000-000000000000";

	memset(&gl, 0, sizeof(gl));
	if (ws_session(c) != 0 || (st = ws_store(c)) == NULL)
		return -1;
	if ((s = snap_get(c, st)) == NULL)
		return -1;
	if (read_anchor(c, soap_child(c->body, "deploymentAnchor"),
	    "deploymentAnchor", &da, &hasd, s->seq) != 0)
		goto out;
	if (read_anchor(c, soap_child(c->body, "syncAnchor"), "syncAnchor",
	    &sa, &hass, s->seq) != 0)
		goto out;
	if (!hass) {
		ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "syncAnchor");
		goto out;
	}
	c->touch_synced = true;
	if (hasd && da.counter > sa.counter) {
		ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "deploymentAnchor");
		goto out;
	}
	if (store_group_list(st, grp_cb, &gl) != STORE_OK) {
		ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, "groups");
		goto out;
	}
	ws_begin(c);
	xmlw_start(&c->w, "GetDeploymentsResult");
	write_anchor(c, "Anchor", sa.counter);
	xmlw_start(&c->w, "Groups");
	for (size_t i = 0; i < gl.n; i++) {
		const struct grp *p = grp_find(&gl, gl.g[i].parent);

		xmlw_start(&c->w, "ServerSyncTargetGroup");
		xmlw_elem(&c->w, "TargetGroupID", gl.g[i].guid);
		xmlw_elem(&c->w, "ParentGroupId", p != NULL ? p->guid : zero);
		xmlw_elem(&c->w, "Name", gl.g[i].name);
		xmlw_elem_bool(&c->w, "IsBuiltin", gl.g[i].builtin);
		xmlw_end(&c->w);
	}
	xmlw_end(&c->w);
	xmlw_start(&c->w, "Deployments");
	for (size_t k = 0; k < s->ndeps; k++) {
		const struct ss_dep *d = &s->deps[k];
		const struct grp *g = grp_find(&gl, d->group_id);
		long i = snap_by_uid(s, d->uid);
		char dg[37];

		if (g == NULL || i < 0 || d->seq > sa.counter ||
		    (hasd && d->seq <= da.counter))
			continue;
		deployment_guid(c, d->uid, g->guid, dg);
		xmlw_start(&c->w, "ServerSyncDeployment");
		xmlw_elem(&c->w, "UpdateId", d->uid);
		xmlw_elem_int(&c->w, "RevisionNumber", s->revs[i].rev);
		xmlw_elem_int(&c->w, "Action",
		    d->action == APPROVAL_INSTALL ? 0 :
		    d->action == APPROVAL_UNINSTALL ? 1 : 3);
		xmlw_elem(&c->w, "AdminName", "wsusd");
		if (d->deadline > 0)
			write_time(c, "Deadline", d->deadline);
		else
			xmlw_elem(&c->w, "Deadline",
			    "9999-12-31T23:59:59.9999999");
		xmlw_elem_bool(&c->w, "IsAssigned", 1);
		write_time(c, "GoLiveTime", d->created);
		xmlw_elem(&c->w, "DeploymentGuid", dg);
		xmlw_elem(&c->w, "TargetGroupId", g->guid);
		xmlw_elem_int(&c->w, "DownloadPriority", 1);
		xmlw_end(&c->w);
	}
	xmlw_end(&c->w);
	/* DeadDeployments: for an update with a removed approval, the
	 * deployment ids of every group that has none now */
	xmlw_start(&c->w, "DeadDeployments");
	for (size_t t = 0; t < s->ntombs; t++) {
		const struct ss_tomb *tb = &s->tombs[t];

		if (tb->seq > sa.counter || (hasd && tb->seq <= da.counter))
			continue;
		for (size_t gi = 0; gi < gl.n; gi++) {
			bool live = false;
			char dg[37];

			for (size_t k = 0; k < s->ndeps && !live; k++)
				live = s->deps[k].group_id == gl.g[gi].id &&
				    strcmp(s->deps[k].uid, tb->uid) == 0;
			if (live)
				continue;
			deployment_guid(c, tb->uid, gl.g[gi].guid, dg);
			xmlw_elem(&c->w, "guid", dg);
		}
	}
	xmlw_end(&c->w);
	xmlw_start(&c->w, "HiddenUpdates");
	for (size_t i = 0; i < s->nrevs; i++)
		if (s->revs[i].declined)
			xmlw_elem(&c->w, "guid", s->revs[i].uid);
	xmlw_end(&c->w);
	for (size_t i = 0; i < s->nrevs; i++)
		if (s->revs[i].approved)
			rev_props(c, st, s, &s->revs[i]);
	xmlw_start(&c->w, "AcceptedEulas");
	for (size_t i = 0; i < s->nrevs; i++) {
		bool dup = false;

		if (!s->revs[i].approved || s->revs[i].eula[0] == '\0')
			continue;
		for (size_t j = 0; j < i && !dup; j++)
			dup = s->revs[j].approved &&
			    strcmp(s->revs[j].eula, s->revs[i].eula) == 0;
		if (!dup)
			xmlw_elem(&c->w, "guid", s->revs[i].eula);
	}
	xmlw_end(&c->w);
	ws_end(c);
	rc = 0;
out:
	for (size_t i = 0; i < gl.n; i++)
		free(gl.g[i].name);
	free(gl.g);
	snap_release(c->svc, s);
	return rc;
}

/* ---- DownloadFiles ---------------------------------------------------------- */

static int
op_download_files(struct ws_call *c)
{
	const struct soap_node *l = soap_child(c->body, "fileDigestList"), *e;
	struct store *st;
	size_t n, used = 0;
	bool missing = false;

	if (ws_session(c) != 0 || (st = ws_store(c)) == NULL)
		return -1;
	n = l == NULL ? 0 : soap_count_children(l, "base64Binary");
	if (n == 0 || n > WSUSSS_DIGESTS_MAX || l->nchildren != n)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "fileDigestList");
	SOAP_FOREACH_CHILD(e, l, "base64Binary") {
		uint8_t d[20];
		size_t dl = 0;
		struct store_file sf;
		char *name = NULL;
		int r;

		if (soap_node_base64(e, d, sizeof(d), &dl) != 0 || dl != 20)
			return ws_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "fileDigestList");
		r = store_file_lookup(st, d, &sf, &name);
		free(name);
		if (r == STORE_OK && sf.present)
			continue;
		if (r != STORE_OK && r != STORE_NOTFOUND)
			return ws_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
		/* unknown, or known but not in the content store: this
		 * upstream has no parent to fetch it from */
		{
			char b64[32];
			int w;

			base64_encode(d, 20, b64);
			w = snprintf(c->fault_msg + used,
			    sizeof(c->fault_msg) - used, "%s%s",
			    missing ? "|" : "", b64);
			if (w > 0 && (size_t)w < sizeof(c->fault_msg) - used)
				used += (size_t)w;
			missing = true;
		}
	}
	if (missing) {
		c->fault = SOAP_EC_FILE_DIGESTS_MISSING;
		return -1;
	}
	ws_begin(c);
	ws_end(c);
	return 0;
}

/* ---- GetRelatedRevisionsForUpdates, Ping ------------------------------------ */

static int
op_get_related(struct ws_call *c)
{
	/* "The USS MUST ignore" it (MS-WSUSSS 3.1.4.9): an empty answer
	 * to an authenticated caller. */
	if (ws_session(c) != 0)
		return -1;
	ws_begin(c);
	xmlw_elem(&c->w, "GetRelatedRevisionsForUpdatesResult", NULL);
	ws_end(c);
	return 0;
}

static int
op_ping(struct ws_call *c)
{
	struct soap_datetime dt, never;
	int32_t level;

	if (soap_node_int32(soap_child(c->body, "pingLevel"), &level) != 0)
		return ws_fault(c, SOAP_EC_INVALID_PARAMETERS, "pingLevel");
	now_datetime(&dt);
	soap_datetime_from_unix(c->svc->started, 0, &never);
	ws_begin(c);
	xmlw_start(&c->w, "PingResult");
	xmlw_elem_bool(&c->w, "SuccessFlag", 1);
	xmlw_elem_datetime(&c->w, "ServicesTime", &dt);
	xmlw_elem(&c->w, "ServicesName", c->def->kind == WS_DSSAUTH ?
	    "DssAuthWebService" : "ServerSyncWebService");
	xmlw_elem_bool(&c->w, "IsHttps", c->http->listener->tls);
	xmlw_elem_datetime(&c->w, "ConfigFileLastModifiedTime", &never);
	xmlw_elem_datetime(&c->w, "ConfigFileNextExpirationTime", &never);
	xmlw_elem_int(&c->w, "ConfigFileExpirationModuloInMinutes", 0);
	ws_end(c);
	return 0;
}

/* ---- pipeline ------------------------------------------------------------- */

static enum MHD_Result
send_answer(struct ws_call *c, int status, const char *ct)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *data;

	if (status < 0 || c->out.failed || c->out.data == NULL)
		return http_respond_status(c->http->conn, 500);
	data = buf_steal(&c->out, &len);
	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "private, max-age=0");
	ret = MHD_queue_response(c->http->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static const struct ws_op *
find_op(const struct ws_def *def, const struct soap_node *op)
{
	for (const struct ws_op *o = def->ops; o->name != NULL; o++)
		if (strcmp(o->name, op->name) == 0 && strcmp(o->ns, op->ns) == 0)
			return o;
	return NULL;
}

static enum MHD_Result
handle(struct http_request *hr)
{
	const struct ws_route *rt = hr->arg;
	struct ws_call c;
	struct soap_parse_opts opts;
	char err[256];
	const char *ct = http_header(hr, MHD_HTTP_HEADER_CONTENT_TYPE);
	enum soap_err se;
	enum soap_version v;
	enum MHD_Result ret;
	int status;

	memset(&c, 0, sizeof(c));
	c.svc = rt->svc;
	c.def = rt->def;
	c.http = hr;
	c.now = (int64_t)time(NULL);
	c.th = thread_get(c.svc);
	buf_init(&c.out, RESPONSE_MAX);

	soap_parse_opts_default(&opts);
	opts.flags = SOAP_PARSE_ALLOW_V12;
	if (hr->cfg != NULL && hr->cfg->max_body_bytes > 0 &&
	    hr->cfg->max_body_bytes < opts.limits.max_body)
		opts.limits.max_body = hr->cfg->max_body_bytes;
	se = soap_request_parse(hr->body, hr->body_len, ct,
	    http_header(hr, "SOAPAction"), &opts, &c.req, err, sizeof(err));
	if (se != SOAP_OK) {
		struct soap_fault f;

		v = soap_content_type_version(ct) == SOAP_V12 ? SOAP_V12 :
		    SOAP_V11;
		log_debug("%s: refused request: %s (%s)", c.def->path,
		    soap_err_name(se), err);
		status = soap_fault_for_error(&f, SOAP_STYLE_ASMX, v, se, err);
		if (soap_fault_write(&f, &c.out, err, sizeof(err)) < 0)
			status = -1;
		ret = send_answer(&c, status, soap_version_content_type(v));
		buf_free(&c.out);
		return ret;
	}
	c.body = c.req->op;
	v = c.req->version;
	c.op = find_op(c.def, c.body);
	if (c.op == NULL) {
		status = write_unknown_op(&c);
	} else if (!service_ready(&c)) {
		ws_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR, "not ready");
		status = write_fault(&c);
	} else if (c.op->fn(&c) == 0 && xmlw_finish(&c.w, err,
	    sizeof(err)) == 0) {
		status = 200;
		touch_downstream(&c);
	} else {
		if (c.fault == SOAP_EC_NONE) {
			log_error("%s %s: cannot write the answer: %s",
			    c.def->path, c.op->name, c.w.err);
			ws_fault(&c, SOAP_EC_INTERNAL_SERVER_ERROR, "answer");
		} else {
			log_debug("%s %s: fault %s: %s", c.def->path,
			    c.op->name, soap_error_code_name(c.fault),
			    c.fault_msg);
		}
		status = write_fault(&c);
	}
	ret = send_answer(&c, status, soap_version_content_type(v));
	soap_request_free(c.req);
	buf_free(&c.out);
	return ret;
}

int
wsusss_service_register(const struct config *cfg, struct wsusss_service **out,
    char *err, size_t errlen)
{
	struct wsusss_service *svc = xcalloc(1, sizeof(*svc));

	*out = NULL;
	svc->cfg = cfg;
	svc->started = (int64_t)time(NULL);
	pthread_mutex_init(&svc->lock, NULL);
	if (pthread_key_create(&svc->tkey, thread_destroy) != 0) {
		snprintf(err, errlen, "pthread_key_create failed");
		pthread_mutex_destroy(&svc->lock);
		free(svc);
		return -1;
	}
	svc->tkey_made = true;
	for (int i = 0; i < 2; i++) {
		svc->routes[i].svc = svc;
		svc->routes[i].def = &defs[i];
		if (http_route_add(defs[i].path, HTTP_POST, handle,
		    &svc->routes[i]) != 0) {
			snprintf(err, errlen, "cannot add the route %s",
			    defs[i].path);
			wsusss_service_free(svc);
			return -1;
		}
	}
	*out = svc;
	return 0;
}

void
wsusss_service_free(struct wsusss_service *svc)
{
	struct ws_thread *t, *next;

	if (svc == NULL)
		return;
	if (svc->tkey_made)
		pthread_key_delete(svc->tkey);
	for (t = svc->threads; t != NULL; t = next) {
		next = t->next;
		if (t->st != NULL)
			store_close(t->st);
		free(t);
	}
	if (svc->snap != NULL)
		snap_free(svc->snap);
	if (svc->ready)
		cookie_keyring_clear(&svc->kr);
	pthread_mutex_destroy(&svc->lock);
	free(svc);
}

/* ---- fuzz entry point (fuzz/wsusss_request.c) ------------------------------ */

static struct {
	struct config		 cfg;
	struct wsusss_service	*svc;
	struct http_listener_info li;
	bool			 inited;
} fz;

static int
fuzz_init(void)
{
	struct store *st = NULL;
	struct ws_thread *t;
	char err[256];
	int from, to;

	config_defaults(&fz.cfg);
	free(fz.cfg.database_url);
	fz.cfg.database_url = xstrdup("sqlite::memory:");
	fz.svc = xcalloc(1, sizeof(*fz.svc));
	fz.svc->cfg = &fz.cfg;
	fz.svc->started = 1700000000;
	pthread_mutex_init(&fz.svc->lock, NULL);
	if (pthread_key_create(&fz.svc->tkey, NULL) != 0)
		return -1;
	fz.svc->tkey_made = true;
	if (store_open(fz.cfg.database_url, &st, err, sizeof(err)) !=
	    STORE_OK || store_migrate(st, &from, &to) != STORE_OK ||
	    store_setting_set(st, SETTING_SERVER_ID,
	    "0f0e0d0c-0b0a-0908-0706-050403020100") != STORE_OK ||
	    store_setting_set(st, SETTING_COOKIE_KEY,
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	    != STORE_OK) {
		fprintf(stderr, "wsusss fuzz: store: %s\n", err);
		return -1;
	}
	if (service_init(fz.svc, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "wsusss fuzz: %s\n", err);
		return -1;
	}
	t = thread_get(fz.svc);
	t->st = st;
	fz.li.name = "fuzz";
	fz.li.port = 8530;
	fz.inited = true;
	return 0;
}

int
wsusss_fuzz_request(const uint8_t *data, size_t len)
{
	struct ws_call c;
	struct http_request hr;
	struct soap_parse_opts opts;
	char err[256];

	if (!fz.inited && fuzz_init() != 0)
		abort();
	soap_parse_opts_default(&opts);
	opts.flags = SOAP_PARSE_ALLOW_V12 | SOAP_PARSE_ANY_CT;
	memset(&c, 0, sizeof(c));
	memset(&hr, 0, sizeof(hr));
	hr.listener = &fz.li;
	hr.cfg = &fz.cfg;
	c.svc = fz.svc;
	c.http = &hr;
	c.fuzz = true;
	c.now = 1750000000;
	c.th = thread_get(fz.svc);
	if (soap_request_parse(data, len, "text/xml; charset=utf-8", NULL,
	    &opts, &c.req, err, sizeof(err)) != SOAP_OK)
		return 0;
	c.body = c.req->op;
	for (int i = 0; i < 2 && c.op == NULL; i++) {
		c.def = &defs[i];
		c.op = find_op(c.def, c.body);
	}
	buf_init(&c.out, RESPONSE_MAX);
	if (c.op != NULL) {
		if (c.op->fn(&c) != 0 || xmlw_finish(&c.w, err,
		    sizeof(err)) != 0) {
			if (c.fault == SOAP_EC_NONE)
				c.fault = SOAP_EC_INTERNAL_SERVER_ERROR;
			(void)write_fault(&c);
		}
	}
	buf_free(&c.out);
	soap_request_free(c.req);
	return 0;
}
