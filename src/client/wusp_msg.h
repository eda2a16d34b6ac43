/*
 * wusp_msg.h — the MS-WUSP messages of wsus-client: request bodies built
 * byte for byte like the Windows Update Agent of the captures (Windows 11
 * 25H2, Client-Protocol 2.90: SOAP 1.1, prefix "s", no XML declaration,
 * no SOAP header, a default xmlns on the operation element, empty
 * elements as "<a/>"), and the reading of the server's answers into
 * plain structures.
 *
 * Builders append one whole envelope to a struct buf and return 0, or -1
 * when the buffer's maximum was passed.  Text from the machine file is
 * escaped (& < >).  Parsers take the tree of soap_request.h (parsed with
 * wmsg_parse()); strings in their results are borrowed from that tree
 * unless the field says owned.
 * Not here: HTTP, retries, the scan algorithm (wusp_client.h, scan.c).
 */
#ifndef WSUSD_CLIENT_WUSP_MSG_H
#define WSUSD_CLIENT_WUSP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/guid.h"
#include "client/machine.h"
#include "soap/soap_request.h"
#include "util/buf.h"

/* The largest answer read (a GetExtendedUpdateInfo of 50 big updates). */
#define WMSG_MAX_RESPONSE	(128u * 1024 * 1024)
#define WMSG_MAX_TEXT		(32u * 1024 * 1024)	/* one <Xml> */
#define WMSG_MAX_ITEMS		200000	/* items in one array */

/* A session cookie as the server sent it; echoed verbatim. */
struct wmsg_cookie {
	char	*expiration;	/* owned; dateTime text */
	char	*data;		/* owned; EncryptedData base64; NULL = none */
};

void	wmsg_cookie_free(struct wmsg_cookie *);
void	wmsg_cookie_copy(struct wmsg_cookie *dst, const struct wmsg_cookie *);

struct wmsg_config {
	char	*last_change;		/* owned; echoed verbatim in GetCookie */
	bool	 registration_required;
	char	*plugin_id;		/* owned; "SimpleTargeting" */
	char	*service_url;		/* owned; relative, "SimpleAuthWebService/SimpleAuth.asmx" */
	int	 max_extended;		/* MaxExtendedUpdatesPerRequest (50 when absent) */
	char	*protocol_version;	/* owned; server's ProtocolVersion or NULL */
	unsigned nproperties;		/* properties seen */
};

void	wmsg_config_free(struct wmsg_config *);

/* A SOAP fault's ErrorCode and texts. */
struct wmsg_fault {
	int	 http_status;
	char	 code[64];		/* detail/ErrorCode, "" when none */
	char	 message[256];		/* detail/Message */
	char	 faultstring[256];
};

/* One UpdateInfo of SyncUpdates / RefreshCache. */
struct wmsg_update {
	int32_t		 id;		/* revision id */
	int32_t		 deployment_id;
	char		 action[24];	/* Install, Evaluate, Bundle, ... */
	bool		 is_assigned;
	char		 deadline[40];	/* "" when none */
	char		 last_change[16];
	bool		 is_leaf;
	const char	*xml;		/* borrowed; core fragment or NULL */
	size_t		 xml_len;
	struct guid	 global_id;	/* RefreshCache: GlobalID/UpdateID */
	int		 global_rev;	/* RefreshCache: GlobalID/RevisionNumber */
};

struct wmsg_sync {
	struct wmsg_update *new_updates;	/* owned array */
	size_t		 nnew;
	struct wmsg_update *changed;		/* owned array */
	size_t		 nchanged;
	int32_t		*out_of_scope;		/* owned */
	size_t		 nout_of_scope;
	bool		 truncated;
	struct wmsg_cookie new_cookie;		/* owned strings */
	int		 driver_sync_not_needed; /* -1 absent, 0, 1 */
};

void	wmsg_sync_free(struct wmsg_sync *);

struct wmsg_fileloc {
	uint8_t		 sha1[20];
	const char	*url;		/* borrowed */
};

struct wmsg_extended {
	struct { int32_t id; const char *xml; size_t len; } *updates; /* owned array */
	size_t		 nupdates;
	struct wmsg_fileloc *files;	/* owned array */
	size_t		 nfiles;
	int32_t		*out_of_scope;	/* owned */
	size_t		 nout_of_scope;
};

void	wmsg_extended_free(struct wmsg_extended *);

/* ---- requests ----------------------------------------------------------- */

int	wmsg_get_config(struct buf *, const char *protocol_version);
/* target_groups: NULL or "" omits the element, as Windows does. */
int	wmsg_get_auth_cookie(struct buf *, const char *client_id,
	    const char *target_groups, const char *dns_name);
/*
 * old: the previous cookie, or NULL on the first handshake (then
 * oldCookie carries only Expiration = current_time, as Windows sends).
 */
int	wmsg_get_cookie(struct buf *, const char *plugin_id,
	    const char *cookie_data, const struct wmsg_cookie *old,
	    const char *last_change, const char *current_time,
	    const char *protocol_version);
int	wmsg_register_computer(struct buf *, const struct wmsg_cookie *,
	    const struct machine *);

struct wmsg_sync_params {
	bool		 skip_software;		/* driver pass */
	bool		 send_ids;		/* false on the first call */
	const int32_t	*installed_nonleaf;
	size_t		 ninstalled_nonleaf;
	const int32_t	*other_cached;
	size_t		 nother_cached;
	const int32_t	*cached_drivers;	/* driver pass */
	size_t		 ncached_drivers;
	const struct guid *filter_categories;	/* NULL: no filter */
	size_t		 nfilter_categories;
	const char	*device_attributes;	/* ProductsParameters */
	const char	*caller_attributes;
};
int	wmsg_sync_updates(struct buf *, const struct wmsg_cookie *,
	    const struct wmsg_sync_params *, const struct machine *);
int	wmsg_get_extended(struct buf *, const struct wmsg_cookie *,
	    const int32_t *ids, size_t n, const char *device_attributes,
	    const char *caller_attributes);
/* requestedCategories: one AND group per category (IndexOfAndGroup 0..n-1). */
int	wmsg_start_category_scan(struct buf *, const struct guid *ids,
	    size_t n);
int	wmsg_refresh_cache(struct buf *, const struct wmsg_cookie *,
	    const struct guid *ids, const int *revisions, size_t n);

/* One ReportingEvent. */
struct wmsg_event {
	int		 event_id;	/* 147, 156, 162, 183, ... */
	struct guid	 update;	/* zero GUID when none */
	int		 revision;
	int32_t		 hresult;
	const char	*app_name;	/* BasicData/AppName or NULL */
	const char *const *replacement;	/* NULL: element omitted */
	size_t		 nreplacement;
	const char *const *misc;	/* "Tag=value" */
	size_t		 nmisc;
	char		 instance_id[GUID_STRLEN + 1];
	const char	*time;		/* TimeAtTarget */
};
int	wmsg_report_events(struct buf *, const struct wmsg_cookie *,
	    const char *client_id, const char *client_time,
	    const struct wmsg_event *, size_t n, const struct machine *);

/* DeviceAttributes / CallerAttributes the machine sends. */
char	*wmsg_device_attributes(const struct machine *, const char *server_url);
const char *wmsg_caller_attributes(const struct machine *);

/* ---- answers -------------------------------------------------------------- */

enum wmsg_rc { WMSG_OK = 0, WMSG_FAULT = 1, WMSG_ERR = -1 };

/*
 * Parse an answer body.  WMSG_OK: *out holds the tree (its op is the
 * response element); WMSG_FAULT: *fault is filled (http_status left as
 * is); WMSG_ERR: err says why.
 */
enum wmsg_rc wmsg_parse(const void *body, size_t len,
	    struct soap_request **out, struct wmsg_fault *fault, char *err,
	    size_t errlen);

/* Each reader checks the response element's name; 0 or -1 with err. */
int	wmsg_read_config(const struct soap_request *, struct wmsg_config *,
	    char *err, size_t errlen);
/* plugin_id / cookie_data: owned copies. */
int	wmsg_read_auth_cookie(const struct soap_request *, char **plugin_id,
	    char **cookie_data, char *err, size_t errlen);
int	wmsg_read_cookie(const struct soap_request *, struct wmsg_cookie *,
	    char *err, size_t errlen);
int	wmsg_read_register(const struct soap_request *, char *err,
	    size_t errlen);
int	wmsg_read_sync(const struct soap_request *, struct wmsg_sync *,
	    char *err, size_t errlen);
int	wmsg_read_extended(const struct soap_request *,
	    struct wmsg_extended *, char *err, size_t errlen);
/* RefreshCache: the UpdateInfo-like results in *out (owned array). */
int	wmsg_read_refresh(const struct soap_request *,
	    struct wmsg_update **out, size_t *n, char *err, size_t errlen);
/* preferredCategoryIds (owned array) and the count of ids in error. */
int	wmsg_read_start_category(const struct soap_request *,
	    struct guid **preferred, size_t *n, size_t *nerror, char *err,
	    size_t errlen);
int	wmsg_read_report(const struct soap_request *, bool *result,
	    char *err, size_t errlen);

/* Time as the client writes it: "2026-10-04T15:03:36Z" / with ms. */
void	wmsg_time_now(char out[40], bool millis);
/* Seconds since the epoch of a dateTime text; -1 when malformed. */
int64_t	wmsg_time_parse(const char *);

#endif
