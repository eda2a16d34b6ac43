/*
 * sync.h — the downstream side of MS-WSUSSS (the start of the sync
 * engine): a session over src/soapclient that talks to an upstream
 * server the way a real downstream WSUS does (wsusss.md §8) and brings
 * its metadata, (replica mode) groups and approvals into the local
 * store, then rolls the local computers and their status up.
 *
 * The sequence of one run:
 *   GetAuthConfig -> GetAuthorizationCookie (DssAuth) -> GetCookie
 *   -> GetConfigData(configAnchor)
 *   -> GetRevisionIdList(GetConfig=true, anchor) -> GetUpdateData batches
 *   -> GetRevisionIdList(GetConfig=false, filter, anchor) -> GetUpdateData
 *   -> [replica] GetDeployments(deploymentAnchor, syncAnchor)
 *   -> [>= 1.3 both ends] GetRollupConfiguration, RollupDownstreamServers,
 *      [DoDetailedRollup] RollupComputers, GetOutOfSyncComputers,
 *      RollupComputerStatus
 *
 * Anchors, the downstream's identity and a replica's deployments live
 * in the store's sync-state tables (store/sync_state.h), read and
 * written only by state.c; an anchor is promoted only after its whole
 * phase committed, the deployment anchor in the same transaction as the
 * deployment rows of its answer.  Every document is
 * imported in its own transaction (import_update_blob).  The files of
 * the engine: sync_internal.h.
 * With store == NULL (load mode, bench/downstreams.sh) nothing is
 * imported or kept: every revision listed is fetched.
 *
 * Then, by the content policy, the files of approved (or all) updates
 * are downloaded from the upstream's /Content/, or from their original
 * URL (MUUrl) when the upstream is catalog-only (Microsoft Update),
 * (content.c), verified and published into the content store; a 404
 * from the upstream asks DownloadFiles.
 *
 * Not here: driver sets,
 * GetUpdateDecryptionData, scheduling.  See docs/SYNC.md.
 */
#ifndef WSUSD_SYNC_SYNC_H
#define WSUSD_SYNC_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

#define SYNC_FILTER_MAX		256	/* products/classifications in a filter */
#define SYNC_MAX_RESPONSE_DEFAULT (256u * 1024 * 1024)	/* bytes of one answer */
#define SYNC_BATCH_MAX		1000	/* largest GetUpdateData batch we send */

enum sync_profile {
	SYNC_PROFILE_WSUS3SP2 = 0,	/* protocol 1.8, .NET 2.0 client */
	SYNC_PROFILE_WSUS10 = 1,	/* protocol 1.20, .NET 4 client */
};

/* Which content files a sync downloads (wsusss.md §9). */
enum sync_content_policy {
	SYNC_CONTENT_NONE = 0,		/* metadata only */
	SYNC_CONTENT_APPROVED = 1,	/* files of approved updates */
	SYNC_CONTENT_ALL = 2,		/* every file the metadata lists */
	SYNC_CONTENT_ORIGIN = 3,	/* none: clients fetch from the
					 * original URL (MUUrl) */
};
#define SYNC_CONTENT_CONNECTIONS 4	/* default files fetched at once */
#define SYNC_CONTENT_CONNECTIONS_MAX 64
/* A file of at least SYNC_CONTENT_SPLIT_MIN bytes (sync_opts.split_min)
 * is fetched in min(connections, SYNC_CONTENT_PARTS_MAX) ranged parts. */
#define SYNC_CONTENT_SPLIT_MIN	(64ull * 1024 * 1024)
#define SYNC_CONTENT_PARTS_MAX	16

struct sync_result;

/*
 * A daily time window for content downloads, minutes after local
 * midnight, end excluded; from > to wraps past midnight.  from < 0: no
 * window (always open).  content_window.c.
 */
struct sync_window {
	int	 from, to;
};

struct sync_opts {
	const char	*upstream;	/* "http(s)://host:port", no path */
	enum sync_profile profile;
	bool		 replica;	/* GetDeployments and mirror */
	bool		 rollup;	/* run the rollup step (default true) */
	bool		 insecure;	/* no TLS verification */
	const char	*cacert;	/* CA file or NULL */
	long		 timeout;	/* seconds per call; 0: 300 */
	size_t		 max_response;	/* 0: SYNC_MAX_RESPONSE_DEFAULT */
	const char	*account_name;	/* our FQDN; NULL: gethostname() */
	/* GetConfig=false filter (GUIDs); none: every update. */
	const char	*products[SYNC_FILTER_MAX];
	size_t		 nproducts;
	const char	*classifications[SYNC_FILTER_MAX];
	size_t		 nclassifications;
	/* Languages (lower case codes: "en", "pt-br"): the filter of
	 * GetRevisionIdList GetConfig=false, and the files wanted (a file
	 * of an update with no Properties/Language, or "all", always is).
	 * None: every language. */
	const char	*languages[SYNC_FILTER_MAX];
	size_t		 nlanguages;
	/* lowest TLS version of every upstream connection: "1.2" (NULL)
	 * or "1.3" */
	const char	*tls_min;
	bool		 verbose;	/* log each call */
	const char	*record_dir;	/* NULL, or write each request and answer
					 * body to DIR/NNN-Operation.{request,response}.xml
					 * and a line "NNN op path action status" to
					 * DIR/index.tsv (tests, benchmarks) */
	/*
	 * Content (content.c, docs/SYNC.md "Content"): which files to
	 * download after the metadata (and a replica's deployments) into
	 * content_dir.  SYNC_CONTENT_NONE (0, what a zeroed struct means)
	 * downloads nothing.  download_connections: files fetched at once
	 * (0: SYNC_CONTENT_CONNECTIONS); bandwidth: bytes per second over
	 * all of them (0: no limit).
	 */
	enum sync_content_policy content;
	const char	*content_dir;	/* borrowed; needed unless NONE */
	unsigned	 download_connections;
	uint64_t	 bandwidth;
	/* when content may be downloaded; NULL: always.  A new transfer
	 * starts only while it is open; closed: the files stay queued and
	 * sync_result.content_deferred is set. */
	const struct sync_window *content_window;
	bool		 express;	/* also express installation files
					 * (store_file.express); false: not */
	uint64_t	 split_min;	/* 0: SYNC_CONTENT_SPLIT_MIN */
	/* ---- sync service hooks (wsusd's sync runner; NULL: none) ----
	 * cancel: asked before every call; true stops the run there: it
	 *   fails with err "cancelled" and sync_result.cancelled set.
	 * progress: the run enters phase ("auth", "config", "metadata",
	 *   "deployments", "content", "rollup"); r holds the counts so far.
	 * Both run on sync_run's thread, between calls, with no store
	 * transaction open. */
	bool		(*cancel)(void *arg);
	void		(*progress)(void *arg, const char *phase,
			    const struct sync_result *r);
	void		*hook_arg;
	/* proxy URL (NULL: libcurl's default) and Basic credentials */
	const char	*proxy;
	const char	*proxy_user;
	const char	*proxy_password;
	/* downstream authentication (docs/SECURITY.md): a client
	 * certificate and key (PEM files) for an upstream listener with
	 * tls_client_auth, used for content downloads too; the secret of
	 * `wsusctl downstream credential` on the upstream, sent as HTTP
	 * Basic with our server id as the user.  NULL: none. */
	const char	*client_cert;
	const char	*client_key;
	const char	*credential;
};

struct sync_result {
	size_t		 category_revisions;	/* listed by GetConfig=true */
	size_t		 update_revisions;	/* listed by GetConfig=false */
	size_t		 fetched;		/* documents received */
	size_t		 created;		/* new revisions stored */
	size_t		 new_updates;		/* of those: updates not held before */
	size_t		 revised;		/* of those: new revisions of
						 * updates already held */
	size_t		 present;		/* already stored */
	size_t		 failed;		/* documents rejected */
	size_t		 groups;		/* replica: upstream groups */
	size_t		 approvals_set;		/* replica: approvals applied */
	size_t		 approvals_removed;	/* replica: approvals removed */
	size_t		 declined;		/* replica: hidden updates */
	bool		 rolled_up;		/* RollupDownstreamServers done */
	bool		 rollup_attempted;	/* the rollup step ran */
	size_t		 rollup_servers;	/* server entries sent (ours,
						 * then descendants) */
	size_t		 status_full;		/* own computers rolled up in full */
	size_t		 status_changed;	/* states sent in deltas */
	size_t		 computers_rolled_up;
	size_t		 calls;			/* SOAP calls made */
	uint64_t	 bytes_in, bytes_out;	/* bodies */
	char		 upstream_version[16];	/* GetConfigData.ProtocolVersion */
	/* content (content.c) */
	size_t		 files_downloaded;	/* verified and published */
	uint64_t	 content_bytes;		/* content bytes received */
	size_t		 files_failed;		/* refused or not fetched */
	size_t		 files_pending;		/* 404: DownloadFiles asked */
	size_t		 files_express_skipped;	/* express files, not wanted */
	size_t		 files_split;		/* fetched in ranged parts */
	size_t		 files_language_skipped; /* of other languages only */
	bool		 content_deferred;	/* outside the content window:
						 * files left for a later run */
	bool		 cancelled;		/* stopped by sync_opts.cancel */
	size_t		 retries;		/* calls sent again (busy, 5xx) */
	size_t		 reauths;		/* authentications after a
						 * refused cookie */
	bool		 full_resync;		/* ServerChanged: anchors reset,
						 * everything listed again */
	bool		 express_unhosted;	/* express files wanted, but the
						 * upstream's GetConfigData said
						 * ServerHostsPsfFiles false:
						 * none fetched */
	size_t		 retry_after_waits;	/* waits a Retry-After asked */
	unsigned	 retry_after_secs;	/* seconds of those waits */
};

/* "1.8" or "1.20" (also "3"/"wsus3", "10"/"wsus10") -> profile.  0 or -1. */
int	sync_profile_parse(const char *s, enum sync_profile *out);
const char *sync_profile_version(enum sync_profile);

/* "approved", "all", "none", "origin" -> policy.  0 or -1. */
int	sync_content_policy_parse(const char *s, enum sync_content_policy *out);
const char *sync_content_policy_name(enum sync_content_policy);
/*
 * The URL of a content file on the upstream: BASE/Content/XX/SHA1HEX.ext
 * (ext from filename, as the content store names it).  0, or -1 when it
 * does not fit in outlen.
 */
int	sync_content_url(const char *base, const uint8_t sha1[20],
	    const char *filename, char *out, size_t outlen);
/*
 * Where a download in progress is kept: CONTENT_DIR/.partial/SHA1HEX.part
 * (hidden: never served, skipped by import walks).  0 or -1.
 */
int	sync_content_part_path(const char *content_dir, const uint8_t sha1[20],
	    char *out, size_t outlen);

/*
 * A Content-Range field value of a 206 answer: "bytes FIRST-LAST/SIZE",
 * or with '*' for SIZE (RFC 9110 §14.4); len bytes, no NUL needed,
 * surrounding blanks allowed.  Sets *first, *last and *size (UINT64_MAX
 * for '*').  0, or -1 for anything else, FIRST > LAST or LAST >= SIZE.
 */
int	sync_content_range_parse(const char *v, size_t len, uint64_t *first,
	    uint64_t *last, uint64_t *size);

/*
 * A Retry-After field value (RFC 9110 §10.2.3; len bytes, no NUL needed,
 * surrounding blanks allowed): delay-seconds, or an HTTP-date in
 * IMF-fixdate form counted from now (0 when it has passed).  *secs
 * saturates at UINT32_MAX.  0, or -1 for anything else (retry_after.c).
 * The sync engine waits that long before it sends a refused call again
 * when it is at most SYNC_RETRY_AFTER_MAX seconds.
 */
#define SYNC_RETRY_AFTER_MAX	900	/* seconds: 15 minutes */
int	sync_retry_after_parse(const char *v, size_t len, time_t now,
	    uint32_t *secs);

/*
 * "HH:MM-HH:MM" (len bytes, exactly 11; 00:00..23:59, start != end) ->
 * *w.  0 or -1.  sync_window_open: is now inside w (local time)?
 */
int	sync_window_parse(const char *s, size_t len, struct sync_window *w);
bool	sync_window_open(const struct sync_window *w, time_t now);

/*
 * A file fetched in n ranged parts (content_parts.c): part i is
 * [*start, *end) of size bytes.  The state of its parts, kept in
 * CONTENT_DIR/.partial/SHA1HEX.parts, is one line "wsusd-parts SIZE N
 * DONE0 ... DONE(N-1)\n": parts_parse reads it (len bytes, no NUL
 * needed; SIZE must equal size, 2 <= N <= SYNC_CONTENT_PARTS_MAX and N
 * <= size, each DONEi at most its part's length; 0 or -1);
 * parts_format writes it (NUL-terminated; its length, or -1).
 */
void	sync_content_part_range(uint64_t size, unsigned n, unsigned i,
	    uint64_t *start, uint64_t *end);
int	sync_content_parts_parse(const char *s, size_t len, uint64_t size,
	    unsigned *n, uint64_t done[SYNC_CONTENT_PARTS_MAX]);
int	sync_content_parts_format(uint64_t size, unsigned n,
	    const uint64_t *done, char *out, size_t outlen);

/* Call once per process before threads (curl_global_init). */
void	sync_global_init(void);

/*
 * One synchronization run.  store NULL: load mode (see above).
 * 0 on success; -1 with the reason in err (the anchors of phases that did
 * not complete are left as they were).
 */
int	sync_run(struct store *, const struct sync_opts *, struct sync_result *,
	    char *err, size_t errlen);

/*
 * A content-only run (a downstream's DownloadFiles, wsusd's sync
 * runner): authenticate and GetConfigData (the upstream's CatalogOnlySync
 * and ServerHostsPsfFiles), then the content step for the files
 * downstreams asked for only (store_file_request_list; o->content's
 * other missing files wait for the next sync) and nothing else: no
 * metadata, deployments or rollup, no sync time recorded.  0, or -1
 * with the reason in err.
 */
int	sync_content_run(struct store *, const struct sync_opts *,
	    struct sync_result *, char *err, size_t errlen);

/*
 * This server's client certificate, key and credential towards its
 * upstream (settings of `wsusctl sync configure`, auth_opts.c): read
 * into a (owned) and set in o where o has none yet.  0, or -1 with err.
 */
struct sync_auth {
	char	*cert, *key, *credential;
};
int	sync_auth_load(struct store *st, struct sync_auth *a,
	    struct sync_opts *o, char *err, size_t errlen);
void	sync_auth_free(struct sync_auth *a);

/*
 * A rollup on its own (wsusd's rollup schedule): authenticate (the
 * upstream binds rollups to a server-sync session), GetConfigData for
 * the upstream's protocol version, then the rollup step as sync_run
 * does it.  Nothing else is synchronized.  0, or -1 with the reason in
 * err (also when the upstream is older than protocol 1.3 or takes no
 * rollups).
 */
int	sync_rollup_run(struct store *, const struct sync_opts *,
	    struct sync_result *, char *err, size_t errlen);

#endif
