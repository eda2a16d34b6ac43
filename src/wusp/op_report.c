/*
 * op_report.c — ReportEventBatch of the reporting web service: open the
 * cookie, hand the batch to reporting_ingest() (reporting.h: parsing,
 * bounds, derived per-update states, one store transaction) and answer
 * ReportEventBatchResult true as the captured WSUS answer (flow/16).
 */
#include <string.h>

#include "util/log.h"
#include "wusp/reporting.h"
#include "wusp/service_internal.h"

int
wusp_op_report_event_batch(struct svc_call *c)
{
	struct wusp_session_cookie s;
	struct reporting_result res;
	struct store *st;

	if (wusp_open_session(c, soap_child(c->body, "cookie"), &s) != 0)
		return -1;
	if ((st = svc_store(c)) == NULL)
		return -1;
	memset(&res, 0, sizeof(res));
	switch (reporting_ingest(st, s.client_id, c->body, c->now, &res)) {
	case REPORTING_OK:
		break;
	case REPORTING_INVALID:
		log_debug("ReportEventBatch from %s refused: %s", s.client_id,
		    res.message);
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s",
		    res.parameter[0] != '\0' ? res.parameter : "eventBatch");
	case REPORTING_UNKNOWN_CLIENT:
		/* the computer was deleted since its handshake */
		return svc_fault(c, SOAP_EC_REGISTRATION_REQUIRED, NULL);
	case REPORTING_BUSY:
		return svc_fault(c, SOAP_EC_SERVER_BUSY, NULL);
	case REPORTING_ERROR:
	default:
		log_error("ReportEventBatch from %s: %s", s.client_id,
		    res.message);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	log_debug("ReportEventBatch from %s: %zu events, %zu new, %zu "
	    "state changes", s.client_id, res.events, res.stored, res.changes);
	svc_begin(c);
	xmlw_elem_bool(&c->w, "ReportEventBatchResult", 1);
	svc_end(c);
	return 0;
}
