/*
 * service.h — the upstream side of MS-WSUSSS: the Server Sync web service
 * (/ServerSyncWebService/ServerSyncWebService.asmx: GetAuthConfig,
 * GetCookie, GetConfigData, GetRevisionIdList, GetUpdateData,
 * GetDeployments, DownloadFiles, GetRelatedRevisionsForUpdates, Ping) and
 * the DSS authorization service (/DssAuthWebService/DssAuthWebService.asmx:
 * GetAuthorizationCookie, Ping), registered on every listener.  The
 * rollup operations live on the reporting service (src/wsusss/rollup.h,
 * composed by src/daemon/services.c).  Both run on the SOAP service host
 * (service/host.h).  Behaviour, version rules and deliberate differences
 * from a real WSUS: docs/WSUSSS.md.
 *
 * The update catalog is not theirs: the daemon owns the one catalog
 * holder (catalog/catalog.h) that both protocols share and lends it here
 * (src/daemon/services.c).  Every operation asks it for the snapshot at
 * the store's current change counter (catalog_holder_get_at(), through
 * snapshot.h), so the counter in an anchor always matches the revisions
 * answered, whatever the holder's poll interval.
 *
 * Threads: handlers run on the MHD worker threads at once; each thread
 * has its own store handle (the host's); the catalog snapshot is shared
 * read-only with a reference count.
 */
#ifndef WSUSD_WSUSSS_SERVICE_H
#define WSUSD_WSUSSS_SERVICE_H

#include <stddef.h>

#define WSUSSS_PATH_SERVERSYNC	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define WSUSSS_PATH_DSSAUTH	"/DssAuthWebService/DssAuthWebService.asmx"

/* What this upstream answers in GetConfigData.ProtocolVersion. */
#define WSUSSS_PROTOCOL_VERSION	"1.20"
#define WSUSSS_SESSION_LIFETIME	(240 * 60)	/* s, as real WSUS */
#define WSUSSS_AUTH_LIFETIME	(8 * 3600)	/* s, DssTargeting cookie */
#define WSUSSS_FILTER_MAX	1000	/* ids per filter list */
#define WSUSSS_DIGESTS_MAX	100	/* DownloadFiles digests */
#define WSUSSS_COMPRESS_OVER	5120	/* blob bytes above which it is a cab (<36>) */

/*
 * The store settings the service reads (SETTING_WSUSSS_*: allow-list,
 * MaxNumberOfUpdatesPerRequest with its default and bounds, languages,
 * compression) are registered in store/settings.h.
 */

struct wsusss_service;
struct svc_host;
struct catalog_holder;

/*
 * Create the services and register their routes on host (which must
 * outlive them); call before http_server_start().  catalog is the update
 * catalog's holder, borrowed (it must outlive the services, which never
 * free it).  Until the host is ready (a server started before
 * postinstall) they answer InternalServerError faults (service/host.h).
 * 0, or -1 with err.
 */
int	wsusss_service_register(struct svc_host *host,
	    struct catalog_holder *catalog, struct wsusss_service **out,
	    char *err, size_t errlen);
/* Free everything the services own (not the borrowed catalog holder);
 * after http_server_stop(), before the host and the holder.  NULL is
 * fine. */
void	wsusss_service_free(struct wsusss_service *svc);

#endif
