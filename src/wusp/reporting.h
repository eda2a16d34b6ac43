/*
 * reporting.h — the ReportEventBatch operation of the reporting web
 * service (MS-WUSP §2.2.2.3.1, §3.1.5.11): reading the events a client
 * sends, bounded, and deriving from them the per-computer per-update
 * state that wsusctl reports (docs/REPORTING.md lists every rule and its
 * source).
 *
 * What it is not: SOAP envelope parsing (src/soap/soap_request.h gives the
 * node tree), cookies (the service opens the cookie and passes the client
 * id it names), the storage (store.h event_batch does the one transaction).
 *
 * Thread safety: no shared state; each call uses the store handle it is
 * given (one handle per thread, docs/STORE.md).
 */
#ifndef WSUSD_WUSP_REPORTING_H
#define WSUSD_WUSP_REPORTING_H

#include <stddef.h>
#include <stdint.h>

#include "soap/soap_request.h"
#include "store/store.h"

/* Bounds on one batch (docs/REPORTING.md says why these numbers). */
#define REPORTING_MAX_EVENTS	1000	/* ReportingEvent elements per batch */
#define REPORTING_MAX_STRINGS	128	/* strings per ReplacementStrings / MiscData */
#define REPORTING_MAX_STRING	(128u * 1024)	/* bytes of one MiscData string */
#define REPORTING_MAX_TEXT	4096	/* bytes of any other text field */
#define REPORTING_MAX_LIST_IDS	5000	/* update ids in one U=/V=/W=/g=/h= list */

/* The HRESULT of event 201 that means "installed, restart required". */
#define REPORTING_WU_S_REBOOT_REQUIRED	0x00240005

enum reporting_rc {
	REPORTING_OK = 0,
	REPORTING_INVALID = 1,		/* bad input; nothing changed (fault InvalidParameters) */
	REPORTING_UNKNOWN_CLIENT = 2,	/* no computer with this client id (never contacted) */
	REPORTING_BUSY = 3,		/* store locked; nothing changed (fault ServerBusy) */
	REPORTING_ERROR = 4,		/* store failure; nothing changed (InternalServerError) */
};

struct reporting_result {
	size_t	events;			/* events in the batch */
	size_t	stored;			/* new events stored */
	size_t	duplicates;		/* already stored (same EventInstanceID) */
	size_t	changes;		/* update states changed */
	size_t	unknown_updates;	/* states naming updates not in the store */
	size_t	pruned;			/* old events dropped by the bounds */
	/*
	 * On failure: a sentence for the log.  For REPORTING_INVALID,
	 * `parameter` names the offending element the way the real server
	 * fills a fault's Message ("eventBatch.ReportingEvent[3].BasicData.
	 * EventInstanceID"); "" when not one element.
	 */
	char	message[256];
	char	parameter[128];
};

/*
 * Handle one ReportEventBatch for the computer client_id (from the
 * session cookie, already checked by the caller).  op is the operation
 * element (soap_request.op, ns http://www.microsoft.com/SoftwareDistribution,
 * local name ReportEventBatch); its cookie child is NOT read here.
 * Everything is validated first (clientTime, every event, every bound,
 * every GUID in the status lists, TargetID/Sid = client_id); on any
 * problem nothing is stored.  Then events and derived states are written
 * in one store transaction (store_event_batch).  now: unix time of
 * receipt.  An empty or absent eventBatch is fine (REPORTING_OK).
 */
enum reporting_rc reporting_ingest(struct store *st, const char *client_id,
	    const struct soap_node *op, int64_t now, struct reporting_result *res);

/*
 * The parse and derive half of reporting_ingest(), without a store (the
 * fuzz target and tests use it).  On REPORTING_OK *out holds the batch
 * (free with reporting_batch_free()); otherwise *out is NULL and res
 * has the reason.  res may be NULL.
 */
struct reporting_batch;
enum reporting_rc reporting_parse(const struct soap_node *op,
	    const char *client_id, struct reporting_batch **out,
	    struct reporting_result *res);
/* The events, status ops and inventories, ready for store_event_batch(). */
const struct store_event_batch *reporting_batch_get(const struct reporting_batch *);
void	reporting_batch_free(struct reporting_batch *);

/* "unknown", "not-applicable", "needed", "downloaded", "installed",
 * "failed", "pending-reboot"; "?" for anything else. */
const char *update_state_name(enum update_state);

#endif
