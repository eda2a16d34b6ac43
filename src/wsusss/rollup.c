/*
 * rollup.c — GetRollupConfiguration, RollupDownstreamServers,
 * RollupComputers, GetOutOfSyncComputers and RollupComputerStatus on the
 * reporting web service (wsusss.md §6.12, §11).  See rollup.h and
 * docs/ROLLUP.md.  The daemon adds wsusss_rollup_ops[] to the reporting
 * service's table (src/daemon/services.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soap/soap_value.h"
#include "store/settings.h"
#include "util/guid.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/rollup.h"

/* 1753-01-01T00:00:00Z: SQL Server's minimum, WSUS's "never" */
#define NEVER_BEFORE	(-6847804800LL)

static const char *const op_names[] = {
	[ROLLUP_OP_CONFIGURATION] = "GetRollupConfiguration",
	[ROLLUP_OP_SERVERS] = "RollupDownstreamServers",
	[ROLLUP_OP_COMPUTERS] = "RollupComputers",
	[ROLLUP_OP_OUT_OF_SYNC] = "GetOutOfSyncComputers",
	[ROLLUP_OP_STATUS] = "RollupComputerStatus",
};

int
rollup_op_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (name != NULL && strcmp(name, op_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- parsing ---- */

static int
bad(struct rollup_request *r, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct rollup_request *r, const char *param, const char *fmt, ...)
{
	va_list ap;

	if (r->param[0] == '\0') {
		snprintf(r->param, sizeof(r->param), "%s", param);
		va_start(ap, fmt);
		vsnprintf(r->message, sizeof(r->message), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
text_of(const char *s, size_t n, size_t max, const char **out)
{
	if (n > max)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return -1;
	*out = s;
	return 0;
}

/* Optional string element: absent/nil -> NULL. */
static int
elem_str(const struct soap_node *n, size_t max, const char **out)
{
	*out = NULL;
	if (n == NULL || soap_is_nil(n))
		return 0;
	return text_of(n->text, n->text_len, max, out);
}

static int
elem_guid(const struct soap_node *n, char out[GUID_STRLEN + 1])
{
	if (n == NULL)
		return -1;
	return soap_parse_guid(n->text, n->text_len, out);
}

static int
elem_int(const struct soap_node *n, int32_t *out)
{
	if (n == NULL)
		return -1;
	return soap_parse_int32(n->text, n->text_len, out);
}

static int
elem_bool(const struct soap_node *n, bool *out)
{
	int v;

	if (n == NULL || soap_parse_bool(n->text, n->text_len, &v) != 0)
		return -1;
	*out = v != 0;
	return 0;
}

static int
time_of(const char *s, size_t n, int64_t *out)
{
	struct soap_datetime dt;

	if (soap_parse_datetime(s, n, &dt) != 0)
		return -1;
	*out = dt.sec <= NEVER_BEFORE ? 0 : dt.sec;
	return 0;
}

static int
elem_time(const struct soap_node *n, int64_t *out)
{
	if (n == NULL)
		return -1;
	return time_of(n->text, n->text_len, out);
}

static int
attr_time(const struct soap_node *n, const char *name, int64_t *out)
{
	const char *v = soap_attr(n, NULL, name);

	if (v == NULL)
		return -1;
	return time_of(v, strlen(v), out);
}

static int
attr_int(const struct soap_node *n, const char *name, int32_t *out)
{
	const char *v = soap_attr(n, NULL, name);

	if (v == NULL)
		return -1;
	return soap_parse_int32(v, strlen(v), out);
}

static int
attr_str(const struct soap_node *n, const char *name, size_t max,
    const char **out)
{
	const char *v = soap_attr(n, NULL, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	return text_of(v, strlen(v), max, out);
}

/* "1.2.3.4": 1-4 dot-separated integers, <= 32 chars (WSDL note). */
static int
version_ok(const char *v)
{
	int parts = 0, digits = 0;

	if (v == NULL)
		return 1;
	if (strlen(v) > ROLLUP_VERSION_MAX)
		return 0;
	for (const char *p = v;; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 10)
				return 0;
		} else if (*p == '.' || *p == '\0') {
			if (digits == 0 || ++parts > 4)
				return 0;
			digits = 0;
			if (*p == '\0')
				break;
		} else
			return 0;
	}
	return 1;
}

static int
client_time(const struct soap_node *body, struct rollup_request *r)
{
	const struct soap_node *n = soap_child(body, "clientTime");

	if (elem_time(n, &r->client_time) != 0)
		return bad(r, "clientTime", "missing or bad clientTime");
	r->has_client_time = true;
	return 0;
}

static int
parse_servers(const struct soap_node *body, struct rollup_request *r)
{
	const struct soap_node *arr = soap_child(body, "downstreamServers");
	const struct soap_node *e, *cs, *as;
	size_t n = 0, nclients = 0, nact = 0, ci = 0, ai = 0;

	if (client_time(body, r) != 0)
		return -1;
	/* count first, bound, then fill */
	SOAP_FOREACH_CHILD(e, arr, "DownstreamServerRollupInfo") {
		if (soap_is_nil(e))
			return bad(r, "downstreamServers", "nil entry");
		if (++n > ROLLUP_SERVERS_MAX)
			return bad(r, "downstreamServers", "more than %d "
			    "servers", ROLLUP_SERVERS_MAX);
		size_t k = 0;
		SOAP_FOREACH_CHILD(cs, soap_child(e, "ClientSummaries"),
		    "DownstreamServerRollupClientSummary") {
			if (soap_is_nil(cs))
				return bad(r, "ClientSummaries", "nil entry");
			if (++k > ROLLUP_CLIENTS_MAX ||
			    ++nclients > ROLLUP_SERVERS_MAX)
				return bad(r, "ClientSummaries", "more than "
				    "%d client summaries", ROLLUP_SERVERS_MAX);
			SOAP_FOREACH_CHILD(as, soap_child(cs,
			    "ActivitySummaries"),
			    "DownstreamServerRollupClientActivitySummary")
				if (++nact > ROLLUP_ACTIVITY_MAX)
					return bad(r, "ActivitySummaries",
					    "more than %d activity summaries",
					    ROLLUP_ACTIVITY_MAX);
		}
	}
	if (n == 0)
		return 0;
	r->servers = xcalloc(n, sizeof(*r->servers));
	if (nclients > 0)
		r->clients_mem = xcalloc(nclients, sizeof(*r->clients_mem));
	if (nact > 0)
		r->activity_mem = xcalloc(nact, sizeof(*r->activity_mem));
	SOAP_FOREACH_CHILD(e, arr, "DownstreamServerRollupInfo") {
		struct store_rollup_server *s = &r->servers[r->nservers++];
		const struct soap_node *sum = soap_child(e, "ServerSummary");

		if (elem_guid(soap_child(e, "ServerId"), s->server_id) != 0 ||
		    strcmp(s->server_id, GUID_ZERO) == 0)
			return bad(r, "ServerId", "missing or bad ServerId");
		if (elem_guid(soap_child(e, "ParentServerId"), s->parent_id)
		    != 0)
			return bad(r, "ParentServerId", "missing or bad "
			    "ParentServerId");
		if (strcmp(s->parent_id, GUID_ZERO) == 0)
			s->parent_id[0] = '\0';
		if (strcmp(s->parent_id, s->server_id) == 0)
			return bad(r, "ParentServerId", "server %s is its own "
			    "parent", s->server_id);
		if (elem_str(soap_child(e, "FullDomainName"), ROLLUP_NAME_MAX,
		    &s->name) != 0)
			return bad(r, "FullDomainName", "bad FullDomainName");
		if (elem_str(soap_child(e, "Version"), ROLLUP_VERSION_MAX,
		    &s->version) != 0 || !version_ok(s->version))
			return bad(r, "Version", "bad Version");
		if (elem_time(soap_child(e, "LastSyncTime"), &s->last_sync)
		    != 0)
			return bad(r, "LastSyncTime", "bad LastSyncTime");
		if (elem_time(soap_child(e, "LastRollupTime"), &s->last_rollup)
		    != 0)
			return bad(r, "LastRollupTime", "bad LastRollupTime");
		if (elem_bool(soap_child(e, "IsReplica"), &s->is_replica) != 0)
			return bad(r, "IsReplica", "bad IsReplica");
		if (sum != NULL && !soap_is_nil(sum))
			for (int i = 0; i < ROLLUP_SUMMARY_FIELDS; i++)
				if (elem_int(soap_child(sum, rollup_summary_names[i]),
				    &s->summary[i]) != 0)
					return bad(r, "ServerSummary", "bad %s",
					    rollup_summary_names[i]);
		s->clients = r->clients_mem != NULL ? &r->clients_mem[ci] :
		    NULL;
		SOAP_FOREACH_CHILD(cs, soap_child(e, "ClientSummaries"),
		    "DownstreamServerRollupClientSummary") {
			struct store_rollup_client_summary *c =
			    &r->clients_mem[ci++];

			s->nclients++;
			if (elem_int(soap_child(cs, "OSMajorVersion"),
			    &c->os_major) != 0 ||
			    elem_int(soap_child(cs, "OSMinorVersion"),
			    &c->os_minor) != 0 ||
			    elem_int(soap_child(cs, "OSBuildNumber"),
			    &c->os_build) != 0 ||
			    elem_int(soap_child(cs, "OSServicePackMajorNumber"),
			    &c->sp_major) != 0 ||
			    elem_int(soap_child(cs, "OSServicePackMinorNumber"),
			    &c->sp_minor) != 0 ||
			    elem_int(soap_child(cs, "SuiteMask"),
			    &c->suite_mask) != 0 ||
			    elem_int(soap_child(cs, "OldProductType"),
			    &c->old_product_type) != 0 ||
			    elem_int(soap_child(cs, "NewProductType"),
			    &c->new_product_type) != 0 ||
			    elem_int(soap_child(cs, "SystemMetrics"),
			    &c->system_metrics) != 0 ||
			    elem_int(soap_child(cs, "Count"), &c->count) != 0 ||
			    c->count < 0 ||
			    elem_str(soap_child(cs, "OSLocale"), ROLLUP_STR_MAX,
			    &c->os_locale) != 0 ||
			    elem_str(soap_child(cs, "ProcessorArchitecture"), 50,
			    &c->processor_arch) != 0)
				return bad(r, "ClientSummaries", "bad client "
				    "summary");
			c->activity = r->activity_mem != NULL ?
			    &r->activity_mem[ai] : NULL;
			SOAP_FOREACH_CHILD(as, soap_child(cs,
			    "ActivitySummaries"),
			    "DownstreamServerRollupClientActivitySummary") {
				struct store_rollup_activity *a =
				    &r->activity_mem[ai++];

				c->nactivity++;
				if (soap_is_nil(as) ||
				    elem_guid(soap_child(as, "UpdateId"),
				    a->update_id) != 0 ||
				    elem_int(soap_child(as, "RevisionNumber"),
				    &a->revision) != 0 ||
				    elem_int(soap_child(as,
				    "InstallSuccessCount"), &a->success) != 0 ||
				    elem_int(soap_child(as,
				    "InstallFailureCount"), &a->failure) != 0 ||
				    a->success < 0 || a->failure < 0)
					return bad(r, "ActivitySummaries", "bad "
					    "activity summary");
			}
		}
	}
	return 0;
}

/* RequestedTargetGroupNames joined with "; " into owned memory. */
static int
join_groups(const struct soap_node *det, struct rollup_request *r,
    size_t *used, size_t cap, const char **out)
{
	const struct soap_node *g;
	size_t k = 0, start = *used;

	*out = NULL;
	SOAP_FOREACH_CHILD(g, soap_child(det, "RequestedTargetGroupNames"),
	    "string") {
		const char *t;

		if (++k > ROLLUP_GROUPS_MAX || soap_is_nil(g) ||
		    text_of(g->text, g->text_len, ROLLUP_STR_MAX, &t) != 0)
			return -1;
		if (*used + g->text_len + 3 > cap)
			return -1;
		if (*used > start) {
			memcpy(r->strings_mem + *used, "; ", 2);
			*used += 2;
		}
		memcpy(r->strings_mem + *used, t, g->text_len);
		*used += g->text_len;
	}
	if (k == 0)
		return 0;
	r->strings_mem[(*used)++] = '\0';
	*out = r->strings_mem + start;
	return 0;
}

static int
parse_computers(const struct soap_node *body, struct rollup_request *r)
{
	const struct soap_node *arr = soap_child(body, "computers");
	const struct soap_node *e, *g;
	size_t n = 0, cap = 1, used = 0;

	if (client_time(body, r) != 0)
		return -1;
	SOAP_FOREACH_CHILD(e, arr, "ComputerRollupInfo") {
		const struct soap_node *det = soap_child(e, "Details");

		if (soap_is_nil(e))
			return bad(r, "computers", "nil entry");
		if (++n > ROLLUP_COMPUTERS_MAX)
			return bad(r, "computers", "more than %d computers",
			    ROLLUP_COMPUTERS_MAX);
		SOAP_FOREACH_CHILD(g, soap_child(det,
		    "RequestedTargetGroupNames"), "string")
			cap += g->text_len + 2;
		cap += 1;
	}
	if (n == 0)
		return 0;
	r->computers = xcalloc(n, sizeof(*r->computers));
	r->strings_mem = xmalloc(cap);
	SOAP_FOREACH_CHILD(e, arr, "ComputerRollupInfo") {
		struct store_rollup_computer_in *c =
		    &r->computers[r->ncomputers];
		const struct soap_node *det = soap_child(e, "Details");
		const char *id = soap_attr(e, NULL, "ComputerId");
		const char *pid = soap_attr(e, NULL, "ParentServerId");

		if (id == NULL || soap_parse_guid(id, strlen(id),
		    c->computer_id) != 0)
			return bad(r, "ComputerId", "missing or bad ComputerId");
		for (size_t k = 0; k < r->ncomputers; k++)
			if (strcmp(r->computers[k].computer_id,
			    c->computer_id) == 0)
				return bad(r, "ComputerId", "computer %s sent "
				    "twice", c->computer_id);
		r->ncomputers++;
		if (pid == NULL || soap_parse_guid(pid, strlen(pid),
		    c->parent_id) != 0)
			return bad(r, "ParentServerId", "missing or bad "
			    "ParentServerId");
		if (strcmp(c->parent_id, GUID_ZERO) == 0)
			c->parent_id[0] = '\0';
		if (attr_time(e, "LastSyncTime", &c->last_sync) != 0 ||
		    attr_int(e, "LastSyncResult", &c->last_sync_result) != 0 ||
		    c->last_sync_result < 0 || c->last_sync_result > 2 ||
		    attr_time(e, "LastReportedRebootTime", &c->last_reboot)
		    != 0 ||
		    attr_time(e, "LastReportedStatusTime", &c->last_status)
		    != 0 ||
		    attr_time(e, "LastInventoryTime", &c->last_inventory) != 0)
			return bad(r, "computers", "computer %s: bad times or "
			    "LastSyncResult", c->computer_id);
		if (det == NULL || soap_is_nil(det))
			continue;
		c->has_details = true;
		if (attr_str(det, "IPAddress", 64, &c->ip_address) != 0 ||
		    attr_str(det, "FullDomainName", ROLLUP_NAME_MAX,
		    &c->dns_name) != 0 ||
		    attr_str(det, "OSLocale", 32, &c->os_locale) != 0 ||
		    attr_str(det, "OSFamily", ROLLUP_STR_MAX, &c->os_family)
		    != 0 ||
		    attr_str(det, "OSDescription", ROLLUP_STR_MAX,
		    &c->os_description) != 0 ||
		    attr_str(det, "ComputerMake", 64, &c->make) != 0 ||
		    attr_str(det, "ComputerModel", 64, &c->model) != 0 ||
		    attr_str(det, "BiosVersion", 64, &c->bios_version) != 0 ||
		    attr_str(det, "BiosName", 64, &c->bios_name) != 0 ||
		    attr_str(det, "ProcessorArchitecture", 50,
		    &c->processor_arch) != 0 ||
		    attr_str(det, "ClientVersion", 20, &c->client_version) != 0
		    || attr_int(det, "OSMajorVersion", &c->os_major) != 0 ||
		    attr_int(det, "OSMinorVersion", &c->os_minor) != 0 ||
		    attr_int(det, "OSBuildNumber", &c->os_build) != 0 ||
		    attr_int(det, "OSServicePackMajorNumber", &c->sp_major)
		    != 0 ||
		    attr_int(det, "OSServicePackMinorNumber", &c->sp_minor)
		    != 0 ||
		    attr_int(det, "SuiteMask", &c->suite_mask) != 0 ||
		    attr_int(det, "OldProductType", &c->old_product_type) != 0
		    || attr_int(det, "NewProductType", &c->new_product_type)
		    != 0 ||
		    attr_int(det, "SystemMetrics", &c->system_metrics) != 0 ||
		    attr_time(det, "BiosReleaseDate", &c->bios_release_date)
		    != 0)
			return bad(r, "Details", "computer %s: bad Details",
			    c->computer_id);
		SOAP_FOREACH_CHILD(g, soap_child(det, "TargetGroupIdList"),
		    "guid") {
			char tmp[GUID_STRLEN + 1];

			if (elem_guid(g, tmp) != 0)
				return bad(r, "TargetGroupIdList", "computer "
				    "%s: bad group id", c->computer_id);
		}
		if (join_groups(det, r, &used, cap, &c->groups) != 0)
			return bad(r, "RequestedTargetGroupNames", "computer "
			    "%s: bad or too many group names", c->computer_id);
	}
	return 0;
}

static int
parent_id(const struct soap_node *body, struct rollup_request *r)
{
	if (elem_guid(soap_child(body, "parentServerId"), r->parent_id) != 0)
		return bad(r, "parentServerId", "missing or bad "
		    "parentServerId");
	if (strcmp(r->parent_id, GUID_ZERO) == 0)
		r->parent_id[0] = '\0';
	return 0;
}

static int
parse_out_of_sync(const struct soap_node *body, struct rollup_request *r)
{
	const struct soap_node *arr = soap_child(body, "lastRollupNumbers");
	const struct soap_node *e;
	size_t n = 0;

	if (parent_id(body, r) != 0)
		return -1;
	SOAP_FOREACH_CHILD(e, arr, "ComputerLastRollupNumber")
		if (++n > ROLLUP_OUTOFSYNC_MAX)
			return bad(r, "lastRollupNumbers", "more than %d "
			    "computers", ROLLUP_OUTOFSYNC_MAX);
	if (n == 0)
		return 0;
	r->numbers = xcalloc(n, sizeof(*r->numbers));
	SOAP_FOREACH_CHILD(e, arr, "ComputerLastRollupNumber") {
		struct store_rollup_number *x = &r->numbers[r->nnumbers++];

		if (soap_is_nil(e) ||
		    elem_guid(soap_child(e, "ComputerId"), x->computer_id) != 0
		    || elem_int(soap_child(e, "RollupNumber"),
		    &x->rollup_number) != 0 || x->rollup_number < 0)
			return bad(r, "lastRollupNumbers", "bad "
			    "ComputerLastRollupNumber");
	}
	return 0;
}

static int
parse_status(const struct soap_node *body, struct rollup_request *r)
{
	const struct soap_node *arr = soap_child(body, "computers");
	const struct soap_node *e, *u;
	size_t n = 0, nstates = 0, si = 0;

	if (client_time(body, r) != 0 || parent_id(body, r) != 0)
		return -1;
	SOAP_FOREACH_CHILD(e, arr, "ComputerStatusRollupInfo") {
		size_t k = 0;

		if (soap_is_nil(e))
			return bad(r, "computers", "nil entry");
		if (++n > ROLLUP_STATUS_MAX)
			return bad(r, "computers", "more than %d computers",
			    ROLLUP_STATUS_MAX);
		SOAP_FOREACH_CHILD(u, soap_child(e, "UpdateStatus"),
		    "ComputerStatusRollupUpdateStatus")
			if (++k > ROLLUP_UPDATES_MAX ||
			    ++nstates > ROLLUP_UPDATES_MAX)
				return bad(r, "UpdateStatus", "more than %d "
				    "update states", ROLLUP_UPDATES_MAX);
	}
	if (n == 0)
		return 0;
	r->status = xcalloc(n, sizeof(*r->status));
	if (nstates > 0)
		r->states_mem = xcalloc(nstates, sizeof(*r->states_mem));
	SOAP_FOREACH_CHILD(e, arr, "ComputerStatusRollupInfo") {
		struct store_rollup_status_in *c = &r->status[r->nstatus];
		char inst[GUID_STRLEN + 1];

		if (elem_guid(soap_child(e, "InstanceId"), inst) != 0)
			return bad(r, "InstanceId", "missing or bad InstanceId");
		if (elem_guid(soap_child(e, "ComputerId"), c->computer_id) != 0)
			return bad(r, "ComputerId", "missing or bad ComputerId");
		for (size_t k = 0; k < r->nstatus; k++)
			if (strcmp(r->status[k].computer_id, c->computer_id)
			    == 0)
				return bad(r, "ComputerId", "computer %s sent "
				    "twice", c->computer_id);
		r->nstatus++;
		if (elem_time(soap_child(e, "EffectiveLastDetectionTime"),
		    &c->detection_time) != 0 ||
		    elem_int(soap_child(e, "RollupNumber"), &c->rollup_number)
		    != 0 || c->rollup_number < 1 ||
		    elem_bool(soap_child(e, "IsFullRollup"), &c->full) != 0)
			return bad(r, "computers", "computer %s: bad "
			    "EffectiveLastDetectionTime, RollupNumber or "
			    "IsFullRollup", c->computer_id);
		c->states = r->states_mem != NULL ? &r->states_mem[si] : NULL;
		SOAP_FOREACH_CHILD(u, soap_child(e, "UpdateStatus"),
		    "ComputerStatusRollupUpdateStatus") {
			struct store_rollup_update_state *x =
			    &r->states_mem[si++];

			c->nstates++;
			if (soap_is_nil(u) ||
			    elem_guid(soap_child(u, "UpdateId"), x->update_id)
			    != 0 ||
			    elem_int(soap_child(u, "SummarizationState"),
			    &x->state) != 0 || x->state < 0 ||
			    x->state >= UPDATE_STATE_COUNT ||
			    elem_time(soap_child(u, "LastChangeTime"),
			    &x->last_change) != 0)
				return bad(r, "UpdateStatus", "computer %s: "
				    "bad update status", c->computer_id);
		}
	}
	return 0;
}

int
rollup_parse(enum rollup_op op, const struct soap_node *body,
    struct rollup_request *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->op = op;
	if (body == NULL)
		return bad(r, "body", "no operation element");
	switch (op) {
	case ROLLUP_OP_CONFIGURATION:
		rc = 0;
		break;
	case ROLLUP_OP_SERVERS:
		rc = parse_servers(body, r);
		break;
	case ROLLUP_OP_COMPUTERS:
		rc = parse_computers(body, r);
		break;
	case ROLLUP_OP_OUT_OF_SYNC:
		rc = parse_out_of_sync(body, r);
		break;
	case ROLLUP_OP_STATUS:
		rc = parse_status(body, r);
		break;
	default:
		rc = bad(r, "body", "not a rollup operation");
		break;
	}
	return rc;
}

void
rollup_request_free(struct rollup_request *r)
{
	if (r == NULL)
		return;
	free(r->servers);
	free(r->computers);
	free(r->numbers);
	free(r->status);
	free(r->clients_mem);
	free(r->activity_mem);
	free(r->states_mem);
	free(r->strings_mem);
	r->servers = NULL;
	r->computers = NULL;
	r->numbers = NULL;
	r->status = NULL;
	r->clients_mem = NULL;
	r->activity_mem = NULL;
	r->states_mem = NULL;
	r->strings_mem = NULL;
}

static void
shift(int64_t *t, int64_t d)
{
	if (*t != 0)
		*t += d;
}

void
rollup_adjust_times(struct rollup_request *r, int64_t now)
{
	int64_t d;

	if (!r->has_client_time || r->client_time == 0)
		return;
	d = now - r->client_time;
	if (d >= -ROLLUP_SKEW_MAX && d <= ROLLUP_SKEW_MAX)
		return;
	for (size_t i = 0; i < r->nservers; i++) {
		shift(&r->servers[i].last_sync, d);
		shift(&r->servers[i].last_rollup, d);
	}
	for (size_t i = 0; i < r->ncomputers; i++) {
		shift(&r->computers[i].last_sync, d);
		shift(&r->computers[i].last_reboot, d);
		shift(&r->computers[i].last_status, d);
		shift(&r->computers[i].last_inventory, d);
	}
	for (size_t i = 0; i < r->nstatus; i++) {
		struct store_rollup_status_in *c = &r->status[i];

		shift(&c->detection_time, d);
		for (size_t k = 0; k < c->nstates; k++)
			shift(&((struct store_rollup_update_state *)
			    c->states)[k].last_change, d);
	}
}

/* ---- handlers ---- */

/* The sender's own id may stand for "this server" too. */
static void
self_to_zero(struct svc_call *c, char id[GUID_STRLEN + 1])
{
	if (strcmp(id, c->host->server_id) == 0)
		id[0] = '\0';
}

/*
 * DoDetailedRollup from the `rollup` setting (store/settings.h: "summary"
 * or a "no" word => false; absent => true; a value the registry refuses
 * => true, the default, with a warning).
 */
static int
detailed(struct svc_call *c, struct store *st, bool *on)
{
	int rc = store_setting_bool(st, SETTING_ROLLUP, on);

	if (rc == STORE_INVALID)
		log_warnx("%s; using the default", store_errmsg(st));
	else if (rc != STORE_OK) {
		log_error("rollup setting: %s", store_errmsg(st));
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	return 0;
}

/*
 * The store for one of the three detail operations, which a server with
 * detailed rollup off refuses; NULL with the fault set otherwise.
 */
static struct store *
detailed_store(struct svc_call *c)
{
	struct store *st;
	bool on = false;

	if ((st = svc_store(c)) == NULL || detailed(c, st, &on) != 0)
		return NULL;
	if (!on) {
		svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "detailed rollup is off");
		return NULL;
	}
	return st;
}

/* Parse the call's body; on refusal the InvalidParameters fault. */
static int
parse_call(struct svc_call *c, enum rollup_op op, struct rollup_request *r)
{
	if (rollup_parse(op, c->body, r) != 0) {
		log_info("%s refused: %s", op_names[op], r->message);
		rollup_request_free(r);
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s",
		    r->param);
	}
	rollup_adjust_times(r, c->now);
	return 0;
}

static int
store_fault(struct svc_call *c, struct store *st, int rc, const char *op)
{
	log_info("%s refused: %s (%s)", op, store_errmsg(st),
	    store_rc_name(rc));
	if (rc == STORE_INVALID)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS, "%s", op);
	return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
}

static int
op_rollup_configuration(struct svc_call *c)
{
	struct store *st;
	char guid[GUID_STRLEN + 1], *reset = NULL;
	bool on = false, created;

	struct rollup_caller who;

	if ((st = svc_store(c)) == NULL || rollup_authorize(c, st, &who) != 0)
		return -1;
	if (detailed(c, st, &on) != 0)
		return -1;
	/* created on first use; a stored value that is not a GUID is an
	 * error (the registry refuses it) */
	if (guid_random(guid) != 0 ||
	    store_setting_check(SETTING_ROLLUP_RESET, guid, NULL, 0) != 0 ||
	    store_setting_init(st, SETTING_ROLLUP_RESET, guid, &created)
	    != STORE_OK ||
	    store_setting_str(st, SETTING_ROLLUP_RESET, &reset) != STORE_OK) {
		log_error("rollup reset guid: %s", store_errmsg(st));
		free(reset);
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR, NULL);
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetRollupConfigurationResult");
	xmlw_elem_bool(&c->w, "DoDetailedRollup", on);
	xmlw_elem(&c->w, "RollupResetGuid", reset);
	xmlw_elem(&c->w, "ServerId", c->host->server_id);
	xmlw_elem_int(&c->w, "RollupDownstreamServersMaxBatchSize",
	    ROLLUP_SERVERS_MAX);
	xmlw_elem_int(&c->w, "RollupComputersMaxBatchSize",
	    ROLLUP_COMPUTERS_MAX);
	xmlw_elem_int(&c->w, "GetOutOfSyncComputersMaxBatchSize",
	    ROLLUP_OUTOFSYNC_MAX);
	xmlw_elem_int(&c->w, "RollupComputerStatusMaxBatchSize",
	    ROLLUP_STATUS_MAX);
	xmlw_end(&c->w);
	svc_end(c);
	free(reset);
	return 0;
}

static int
op_rollup_servers(struct svc_call *c)
{
	struct rollup_caller who;
	struct rollup_request r;
	struct store *st;
	int rc;

	if ((st = svc_store(c)) == NULL || rollup_authorize(c, st, &who) != 0)
		return -1;
	if (parse_call(c, ROLLUP_OP_SERVERS, &r) != 0)
		return -1;
	for (size_t i = 0; i < r.nservers; i++) {
		self_to_zero(c, r.servers[i].parent_id);
		if (strcmp(r.servers[i].server_id, c->host->server_id) == 0) {
			rollup_request_free(&r);
			return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
			    "ServerId");
		}
	}
	if (rollup_check_servers(c, st, &who, r.servers, r.nservers) != 0) {
		rollup_request_free(&r);
		return -1;
	}
	rc = store_rollup_servers(st, r.servers, r.nservers, c->now);
	if (rc != STORE_OK) {
		rollup_request_free(&r);
		return store_fault(c, st, rc, "downstreamServers");
	}
	log_debug("RollupDownstreamServers: %zu servers", r.nservers);
	rollup_request_free(&r);
	svc_begin(c);
	svc_end(c);
	return 0;
}

static int
op_rollup_computers(struct svc_call *c)
{
	struct store_rollup_computers_result res;
	struct rollup_caller who;
	struct rollup_request r;
	struct store *st;
	uint8_t *changes = NULL;
	int rc;

	if ((st = detailed_store(c)) == NULL ||
	    rollup_authorize(c, st, &who) != 0)
		return -1;
	if (parse_call(c, ROLLUP_OP_COMPUTERS, &r) != 0)
		return -1;
	for (size_t i = 0; i < r.ncomputers; i++) {
		self_to_zero(c, r.computers[i].parent_id);
		if (rollup_check_parent(c, st, &who, r.computers[i].parent_id,
		    "ParentServerId") != 0) {
			rollup_request_free(&r);
			return -1;
		}
	}
	if (r.ncomputers > 0)
		changes = xcalloc(r.ncomputers, 1);
	memset(&res, 0, sizeof(res));
	res.changes = changes;
	rc = store_rollup_computers(st, r.computers, r.ncomputers, c->now,
	    &res);
	if (rc != STORE_OK) {
		free(changes);
		rollup_request_free(&r);
		return store_fault(c, st, rc, "computers");
	}
	log_debug("RollupComputers: %zu stored, %zu moved, %zu stale, %zu "
	    "refused", res.stored, res.moved, res.stale, res.refused);
	svc_begin(c);
	xmlw_start(&c->w, "RollupComputersResult");
	for (size_t i = 0; i < r.ncomputers; i++) {
		if (changes[i] == ROLLUP_CHANGE_NONE)
			continue;
		xmlw_start(&c->w, "ChangedComputer");
		xmlw_attr(&c->w, "ComputerId", r.computers[i].computer_id);
		xmlw_attr(&c->w, "Change", changes[i] == ROLLUP_CHANGE_DELETED ?
		    "Deleted" : "NewParent");
		xmlw_end(&c->w);
	}
	xmlw_end(&c->w);
	svc_end(c);
	free(changes);
	rollup_request_free(&r);
	return 0;
}

static int
oos_cb(const char *id, void *arg)
{
	struct svc_call *c = arg;

	xmlw_elem(&c->w, "string", id);
	return 0;
}

static int
op_rollup_out_of_sync(struct svc_call *c)
{
	struct rollup_caller who;
	struct rollup_request r;
	struct store *st;
	int rc;

	if ((st = detailed_store(c)) == NULL ||
	    rollup_authorize(c, st, &who) != 0)
		return -1;
	if (parse_call(c, ROLLUP_OP_OUT_OF_SYNC, &r) != 0)
		return -1;
	self_to_zero(c, r.parent_id);
	if (rollup_check_parent(c, st, &who, r.parent_id, "parentServerId") != 0) {
		rollup_request_free(&r);
		return -1;
	}
	svc_begin(c);
	xmlw_start(&c->w, "GetOutOfSyncComputersResult");
	rc = store_rollup_out_of_sync(st, r.parent_id, r.numbers, r.nnumbers,
	    oos_cb, c);
	rollup_request_free(&r);
	if (rc != STORE_OK)
		return store_fault(c, st, rc, "lastRollupNumbers");
	xmlw_end(&c->w);
	svc_end(c);
	return 0;
}

static int
op_rollup_status(struct svc_call *c)
{
	struct store_rollup_status_result res;
	struct rollup_caller who;
	struct rollup_request r;
	struct store *st;
	bool ok = true;
	int rc;

	if ((st = detailed_store(c)) == NULL ||
	    rollup_authorize(c, st, &who) != 0)
		return -1;
	if (parse_call(c, ROLLUP_OP_STATUS, &r) != 0)
		return -1;
	self_to_zero(c, r.parent_id);
	if (rollup_check_parent(c, st, &who, r.parent_id, "parentServerId") != 0) {
		rollup_request_free(&r);
		return -1;
	}
	rc = store_rollup_status(st, r.parent_id, r.status, r.nstatus, c->now,
	    &res);
	rollup_request_free(&r);
	if (rc == STORE_BUSY)
		ok = false;	/* FALSE: busy, the downstream retries later */
	else if (rc != STORE_OK)
		return store_fault(c, st, rc, "computers");
	else
		log_debug("RollupComputerStatus: %zu applied, %zu duplicate, "
		    "%zu unknown, %zu foreign, %zu states", res.applied,
		    res.duplicates, res.unknown, res.foreign, res.states);
	svc_begin(c);
	xmlw_elem_bool(&c->w, "RollupComputerStatusResult", ok);
	svc_end(c);
	return 0;
}

const struct svc_op wsusss_rollup_ops[] = {
	{ "GetRollupConfiguration", NULL, op_rollup_configuration },
	{ "RollupDownstreamServers", NULL, op_rollup_servers },
	{ "RollupComputers", NULL, op_rollup_computers },
	{ "GetOutOfSyncComputers", NULL, op_rollup_out_of_sync },
	{ "RollupComputerStatus", NULL, op_rollup_status },
	{ NULL, NULL, NULL },
};
