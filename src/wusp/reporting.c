/*
 * reporting.c — ReportEventBatch: events from the SOAP node tree, checked
 * against every bound, and the per-update states they imply, handed to
 * the store in one call (see reporting.h; rules in docs/REPORTING.md).
 *
 * The derivation is a fixed table (derive_event below): event 156 carries
 * the client's status inventory in its MiscData lists (U= needed, V=
 * installed, W= installed pending reboot, g= failed, h= downloaded), the
 * install and download events move single updates.  Everything from the
 * client is checked before anything is stored; one bad field rejects the
 * whole batch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soap/soap.h"
#include "soap/soap_value.h"
#include "util/buf.h"
#include "util/guid.h"
#include "util/xmalloc.h"
#include "wusp/reporting.h"

#define NS_CLIENT_EVENTS 1	/* "MSUS 2.0 Client Event Namespace" */

struct reporting_batch {
	struct store_event_batch b;	/* points into the arrays below */
	struct store_event *events;	/* owned; strings owned by texts */
	size_t		 nevents;
	struct store_status_op *ops;	/* owned */
	size_t		 nops, opcap;
	struct store_inventory *inv;	/* owned */
	size_t		 ninv;
	char		**texts;	/* owned strings (3 per event) */
	size_t		 ntexts;
};

struct ctx {
	struct reporting_batch *rb;
	struct reporting_result *res;
	const char	*client_id;
	size_t		 index;		/* event being read */
};

const char *
update_state_name(enum update_state st)
{
	switch (st) {
	case UPDATE_STATE_UNKNOWN:		return "unknown";
	case UPDATE_STATE_NOT_APPLICABLE:	return "not-applicable";
	case UPDATE_STATE_NEEDED:		return "needed";
	case UPDATE_STATE_DOWNLOADED:		return "downloaded";
	case UPDATE_STATE_INSTALLED:		return "installed";
	case UPDATE_STATE_FAILED:		return "failed";
	case UPDATE_STATE_PENDING_REBOOT:	return "pending-reboot";
	}
	return "?";
}

/* Record why the batch is refused; always returns -1. */
static int __attribute__((format(printf, 3, 4)))
bad(struct ctx *c, const char *param, const char *fmt, ...)
{
	va_list ap;
	char msg[200];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (param == NULL)
		c->res->parameter[0] = '\0';
	else if (strncmp(param, "clientTime", 10) == 0 ||
	    strcmp(param, "eventBatch") == 0)
		snprintf(c->res->parameter, sizeof(c->res->parameter), "%s",
		    param);
	else
		snprintf(c->res->parameter, sizeof(c->res->parameter),
		    "eventBatch.ReportingEvent[%zu].%s", c->index, param);
	if (c->res->parameter[0] != '\0')
		snprintf(c->res->message, sizeof(c->res->message), "%.120s: %.120s",
		    c->res->parameter, msg);
	else
		snprintf(c->res->message, sizeof(c->res->message), "%s", msg);
	return -1;
}

static char *
keep(struct reporting_batch *rb, char *s)
{
	if (s != NULL)
		rb->texts[rb->ntexts++] = s;
	return s;
}

/* A present, non-nil child's typed value; absent is an error. */
static int
need_int32(struct ctx *c, const struct soap_node *parent, const char *name,
    const char *param, int32_t *out)
{
	const struct soap_node *n = soap_child(parent, name);

	if (n == NULL)
		return bad(c, param, "missing");
	if (soap_node_int32(n, out) == -1)
		return bad(c, param, "not an int");
	return 0;
}

/* Optional int-typed child: when present it must parse. */
static int
opt_int32(struct ctx *c, const struct soap_node *parent, const char *name,
    const char *param)
{
	const struct soap_node *n = soap_child(parent, name);
	int32_t v;

	if (n == NULL || soap_is_nil(n))
		return 0;
	if (soap_node_int32(n, &v) == -1)
		return bad(c, param, "not an int");
	return 0;
}

/* Optional string child: at most max bytes; *out the text or NULL. */
static int
opt_text(struct ctx *c, const struct soap_node *parent, const char *name,
    const char *param, size_t max, const char **out)
{
	const struct soap_node *n = soap_child(parent, name);

	if (out != NULL)
		*out = NULL;
	if (n == NULL || soap_is_nil(n))
		return 0;
	if (n->text_len > max)
		return bad(c, param, "longer than %zu bytes", max);
	if (n->children != NULL)
		return bad(c, param, "has child elements");
	if (out != NULL)
		*out = n->text;
	return 0;
}

/*
 * An ArrayOfString: at most REPORTING_MAX_STRINGS items of at most max
 * bytes.  The items joined by '\n' (cut near STORE_EVENT_TEXT_MAX: the
 * store keeps no more) go to *joined (malloc'd, NULL for none).
 */
static int
string_array(struct ctx *c, const struct soap_node *arr, const char *param,
    size_t max, char **joined)
{
	const struct soap_node *it;
	struct buf b;
	size_t k = 0;

	*joined = NULL;
	if (arr == NULL || soap_is_nil(arr))
		return 0;
	if (arr->nchildren > REPORTING_MAX_STRINGS)
		return bad(c, param, "more than %d strings",
		    REPORTING_MAX_STRINGS);
	buf_init(&b, STORE_EVENT_TEXT_MAX + REPORTING_MAX_STRING + 2);
	for (it = arr->children; it != NULL; it = it->next) {
		if (!soap_node_is(it, arr->ns, "string"))
			continue;	/* unknown elements are ignored */
		if (it->text_len > max) {
			buf_free(&b);
			return bad(c, param, "a string is longer than %zu "
			    "bytes", max);
		}
		if (it->children != NULL) {
			buf_free(&b);
			return bad(c, param, "a string has child elements");
		}
		if (b.len <= STORE_EVENT_TEXT_MAX) {
			if (k > 0)
				buf_putc(&b, '\n');
			buf_append(&b, it->text, it->text_len);
		}
		k++;
	}
	if (k > 0 && !b.failed)
		*joined = xstrdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return 0;
}

static int
add_op(struct ctx *c, const char *uid, int32_t rev, enum update_state st,
    unsigned flags)
{
	struct reporting_batch *rb = c->rb;
	struct store_status_op *o;

	if (rb->nops >= STORE_STATUS_OPS_MAX)
		return bad(c, "ExtendedData.MiscData", "more than %d update "
		    "states in one batch", STORE_STATUS_OPS_MAX);
	if (rb->nops == rb->opcap) {
		rb->opcap = rb->opcap ? rb->opcap * 2 : 64;
		rb->ops = xreallocarray(rb->ops, rb->opcap, sizeof(*rb->ops));
	}
	o = &rb->ops[rb->nops++];
	memset(o, 0, sizeof(*o));
	snprintf(o->update_id, sizeof(o->update_id), "%s", uid);
	o->revision = rev;
	o->state = st;
	o->flags = flags;
	o->event = rb->nevents;	/* the event being added */
	return 0;
}

/* The status list tags of event 156, in the order they are applied. */
static const struct {
	char		 tag;
	enum update_state state;
	unsigned	 flags;
} lists[] = {
	{ 'U', UPDATE_STATE_NEEDED, STATUS_OP_INVENTORY | STATUS_OP_KEEP_FAILED },
	{ 'h', UPDATE_STATE_DOWNLOADED, STATUS_OP_INVENTORY | STATUS_OP_KEEP_FAILED },
	{ 'g', UPDATE_STATE_FAILED, STATUS_OP_INVENTORY },
	{ 'W', UPDATE_STATE_PENDING_REBOOT, STATUS_OP_INVENTORY },
	{ 'V', UPDATE_STATE_INSTALLED, STATUS_OP_INVENTORY },
};
#define NLISTS	(sizeof(lists) / sizeof(lists[0]))

/* One list string "X=GUID;GUID;..." (the "X=" already skipped). */
static int
parse_list(struct ctx *c, const char *p, size_t len, size_t li,
    size_t *count)
{
	const char *end = p + len, *e;
	char g[SOAP_GUID_STRLEN];

	while (p < end) {
		for (e = p; e < end && *e != ';'; e++)
			;
		{
			const char *s = p;
			size_t n = (size_t)(e - p);

			soap_trim(&s, &n);
			if (n > 0) {
				if (soap_parse_guid(s, n, g) == -1)
					return bad(c, "ExtendedData.MiscData",
					    "%c= list: \"%.40s\" is not a GUID",
					    lists[li].tag, s);
				if (++*count > REPORTING_MAX_LIST_IDS)
					return bad(c, "ExtendedData.MiscData",
					    "%c= list has more than %d ids",
					    lists[li].tag,
					    REPORTING_MAX_LIST_IDS);
				if (strcmp(g, GUID_ZERO) != 0 &&
				    add_op(c, g, -1, lists[li].state,
				    lists[li].flags) == -1)
					return -1;
			}
		}
		p = e + 1;
	}
	return 0;
}

/* Event 156: the status inventory. */
static int
derive_inventory(struct ctx *c, const struct soap_node *misc)
{
	struct reporting_batch *rb = c->rb;
	const struct soap_node *it;
	size_t li, count[NLISTS];

	memset(count, 0, sizeof(count));
	rb->inv[rb->ninv++].event = rb->nevents;
	if (misc == NULL || soap_is_nil(misc))
		return 0;
	for (li = 0; li < NLISTS; li++)
		for (it = misc->children; it != NULL; it = it->next) {
			if (!soap_node_is(it, misc->ns, "string") ||
			    it->text_len < 2 || it->text[0] != lists[li].tag ||
			    it->text[1] != '=')
				continue;
			if (parse_list(c, it->text + 2, it->text_len - 2, li,
			    &count[li]) == -1)
				return -1;
		}
	return 0;
}

/* The state an event about one update implies (docs/REPORTING.md). */
static int
derive_event(struct ctx *c, const struct store_event *e)
{
	enum update_state st;
	unsigned flags = 0;

	if (e->update_id[0] == '\0')
		return 0;
	switch (e->event_id) {
	case 162:	/* download succeeded */
		st = UPDATE_STATE_DOWNLOADED;
		flags = STATUS_OP_IF_NOT_INSTALLED;
		break;
	case 182:	/* installation failure */
	case 204:	/* installation failure post reboot */
		st = UPDATE_STATE_FAILED;
		break;
	case 183:	/* installation successful */
	case 203:	/* installation succeeded post reboot */
		st = UPDATE_STATE_INSTALLED;
		break;
	case 184:	/* installation successful, restart required */
		st = UPDATE_STATE_PENDING_REBOOT;
		break;
	case 201:	/* installation pending */
		if (e->hresult != REPORTING_WU_S_REBOOT_REQUIRED)
			return 0;
		st = UPDATE_STATE_PENDING_REBOOT;
		break;
	case 202:	/* reboot completed */
		st = UPDATE_STATE_INSTALLED;
		flags = STATUS_OP_IF_PENDING;
		break;
	case 222:	/* uninstallation successful */
	case 224:	/* uninstallation successful, restart required */
		st = UPDATE_STATE_NEEDED;
		break;
	default:
		return 0;
	}
	return add_op(c, e->update_id, e->revision, st, flags);
}

static int
parse_event(struct ctx *c, const struct soap_node *ev)
{
	struct reporting_batch *rb = c->rb;
	struct store_event *e = &rb->events[rb->nevents];
	const struct soap_node *bd, *n, *ext, *misc = NULL, *osv;
	struct soap_datetime dt;
	char g[SOAP_GUID_STRLEN];
	const char *app = NULL;
	char *rep = NULL, *mis = NULL;
	int32_t v;

	memset(e, 0, sizeof(*e));
	if ((bd = soap_child(ev, "BasicData")) == NULL || soap_is_nil(bd))
		return bad(c, "BasicData", "missing");

	/* TargetID/Sid: the client's own id when sent. */
	if ((n = soap_child(bd, "TargetID")) != NULL && !soap_is_nil(n) &&
	    (n = soap_child(n, "Sid")) != NULL && !soap_is_nil(n)) {
		const char *s = n->text;
		size_t len = n->text_len;

		soap_trim(&s, &len);
		if (len != strlen(c->client_id) ||
		    strncasecmp(s, c->client_id, len) != 0)
			return bad(c, "BasicData.TargetID.Sid", "not the "
			    "client id of the cookie");
	}
	if (need_int32(c, bd, "SequenceNumber", "BasicData.SequenceNumber",
	    &v) == -1)
		return -1;
	if ((n = soap_child(bd, "TimeAtTarget")) == NULL)
		return bad(c, "BasicData.TimeAtTarget", "missing");
	if (soap_node_datetime(n, &dt) == -1)
		return bad(c, "BasicData.TimeAtTarget", "not a dateTime");
	e->time_at_target = dt.sec;
	if ((n = soap_child(bd, "EventInstanceID")) == NULL)
		return bad(c, "BasicData.EventInstanceID", "missing");
	if (soap_node_guid(n, g) == -1)
		return bad(c, "BasicData.EventInstanceID", "not a GUID");
	snprintf(e->instance_id, sizeof(e->instance_id), "%s", g);
	if (need_int32(c, bd, "NamespaceID", "BasicData.NamespaceID",
	    &e->namespace_id) == -1 ||
	    need_int32(c, bd, "EventID", "BasicData.EventID",
	    &e->event_id) == -1 ||
	    need_int32(c, bd, "SourceID", "BasicData.SourceID",
	    &e->source_id) == -1 ||
	    /* the WSDL's and the wire's spelling; the spec prose's too */
	    need_int32(c, bd, soap_child(bd, "Win32HResult") != NULL ||
	    soap_child(bd, "Win32Hresult") == NULL ? "Win32HResult" :
	    "Win32Hresult", "BasicData.Win32HResult", &e->hresult) == -1)
		return -1;
	if (e->event_id < -32768 || e->event_id > 32767)
		return bad(c, "BasicData.EventID", "not a short");
	if (e->source_id < -32768 || e->source_id > 32767)
		return bad(c, "BasicData.SourceID", "not a short");
	if ((n = soap_child(bd, "UpdateID")) != NULL && !soap_is_nil(n)) {
		const struct soap_node *u = soap_child(n, "UpdateID");

		if (u == NULL)
			return bad(c, "BasicData.UpdateID.UpdateID", "missing");
		if (soap_node_guid(u, g) == -1)
			return bad(c, "BasicData.UpdateID.UpdateID", "not a "
			    "GUID");
		if (need_int32(c, n, "RevisionNumber",
		    "BasicData.UpdateID.RevisionNumber", &e->revision) == -1)
			return -1;
		if (strcmp(g, GUID_ZERO) != 0)
			snprintf(e->update_id, sizeof(e->update_id), "%s", g);
	}
	if (opt_text(c, bd, "AppName", "BasicData.AppName", REPORTING_MAX_TEXT,
	    &app) == -1)
		return -1;

	if ((ext = soap_child(ev, "ExtendedData")) != NULL &&
	    !soap_is_nil(ext)) {
		misc = soap_child(ext, "MiscData");
		if (string_array(c, soap_child(ext, "ReplacementStrings"),
		    "ExtendedData.ReplacementStrings", REPORTING_MAX_TEXT,
		    &rep) == -1)
			return -1;
		keep(rb, rep);
		if (string_array(c, misc, "ExtendedData.MiscData",
		    REPORTING_MAX_STRING, &mis) == -1)
			return -1;
		keep(rb, mis);
		if (opt_text(c, ext, "ComputerBrand", "ExtendedData.ComputerBrand",
		    REPORTING_MAX_TEXT, NULL) == -1 ||
		    opt_text(c, ext, "ComputerModel",
		    "ExtendedData.ComputerModel", REPORTING_MAX_TEXT,
		    NULL) == -1 ||
		    opt_text(c, ext, "BiosRevision", "ExtendedData.BiosRevision",
		    REPORTING_MAX_TEXT, NULL) == -1 ||
		    opt_text(c, ext, "ProcessorArchitecture",
		    "ExtendedData.ProcessorArchitecture", REPORTING_MAX_TEXT,
		    NULL) == -1 ||
		    opt_text(c, ext, "DeviceID", "ExtendedData.DeviceID",
		    REPORTING_MAX_TEXT, NULL) == -1 ||
		    opt_int32(c, ext, "OSLocaleID",
		    "ExtendedData.OSLocaleID") == -1)
			return -1;
		if ((osv = soap_child(ext, "OSVersion")) != NULL) {
			static const char *const f[] = { "Major", "Minor",
			    "Build", "Revision", "ServicePackMajor",
			    "ServicePackMinor" };

			for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
				if (opt_int32(c, osv, f[i],
				    "ExtendedData.OSVersion") == -1)
					return -1;
		}
	}
	if ((n = soap_child(ev, "PrivateData")) != NULL && !soap_is_nil(n) &&
	    (opt_text(c, n, "ComputerDnsName", "PrivateData.ComputerDnsName",
	    REPORTING_MAX_TEXT, NULL) == -1 ||
	    opt_text(c, n, "UserAccountName", "PrivateData.UserAccountName",
	    REPORTING_MAX_TEXT, NULL) == -1))
		return -1;
	if (app != NULL)
		e->app_name = keep(rb, xstrdup(app));
	e->replacement = rep;
	e->misc = mis;

	/* The states it implies: client events only. */
	if (e->namespace_id == NS_CLIENT_EVENTS) {
		if (e->event_id == 156) {
			if (derive_inventory(c, misc) == -1)
				return -1;
		} else if (derive_event(c, e) == -1)
			return -1;
	}
	rb->nevents++;
	return 0;
}

void
reporting_batch_free(struct reporting_batch *rb)
{
	if (rb == NULL)
		return;
	for (size_t i = 0; i < rb->ntexts; i++)
		free(rb->texts[i]);
	free(rb->texts);
	free(rb->events);
	free(rb->ops);
	free(rb->inv);
	free(rb);
}

const struct store_event_batch *
reporting_batch_get(const struct reporting_batch *rb)
{
	return &rb->b;
}

static int
client_id_ok(const char *cid)
{
	size_t n;

	if (cid == NULL || (n = strlen(cid)) == 0 || n > COMPUTER_ID_MAX)
		return 0;
	return strspn(cid, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

enum reporting_rc
reporting_parse(const struct soap_node *op, const char *client_id,
    struct reporting_batch **out, struct reporting_result *res)
{
	struct reporting_result dummy;
	struct reporting_batch *rb;
	const struct soap_node *n, *batch, *ev;
	struct soap_datetime dt;
	struct ctx c;
	size_t count;

	*out = NULL;
	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.res = res;
	c.client_id = client_id;
	if (!client_id_ok(client_id)) {
		bad(&c, NULL, "the client id is not 1 to %d of [a-z0-9-]",
		    COMPUTER_ID_MAX);
		return REPORTING_INVALID;
	}
	if (op == NULL || !soap_node_is(op, SOAP_NS_SWDIST, "ReportEventBatch")) {
		bad(&c, NULL, "not a ReportEventBatch element");
		return REPORTING_INVALID;
	}
	if ((n = soap_child(op, "clientTime")) == NULL) {
		bad(&c, "clientTime", "missing");
		return REPORTING_INVALID;
	}
	if (soap_node_datetime(n, &dt) == -1) {
		bad(&c, "clientTime", "not a dateTime");
		return REPORTING_INVALID;
	}
	batch = soap_child(op, "eventBatch");
	if (batch != NULL && soap_is_nil(batch))
		batch = NULL;
	count = batch != NULL ? soap_count_children(batch, "ReportingEvent") :
	    0;
	if (count > REPORTING_MAX_EVENTS) {
		bad(&c, "eventBatch", "%zu events; at most %d in one batch",
		    count, REPORTING_MAX_EVENTS);
		return REPORTING_INVALID;
	}
	rb = xcalloc(1, sizeof(*rb));
	rb->events = xcalloc(count ? count : 1, sizeof(*rb->events));
	rb->inv = xcalloc(count ? count : 1, sizeof(*rb->inv));
	rb->texts = xcalloc(3 * (count ? count : 1), sizeof(*rb->texts));
	c.rb = rb;
	if (batch != NULL) {
		SOAP_FOREACH_CHILD(ev, batch, "ReportingEvent") {
			if (soap_is_nil(ev)) {
				c.index++;
				continue;
			}
			if (parse_event(&c, ev) == -1) {
				reporting_batch_free(rb);
				return REPORTING_INVALID;
			}
			c.index++;
		}
	}
	rb->b.events = rb->events;
	rb->b.nevents = rb->nevents;
	rb->b.ops = rb->ops;
	rb->b.nops = rb->nops;
	rb->b.inventories = rb->inv;
	rb->b.ninventories = rb->ninv;
	res->events = rb->nevents;
	*out = rb;
	return REPORTING_OK;
}

enum reporting_rc
reporting_ingest(struct store *st, const char *client_id,
    const struct soap_node *op, int64_t now, struct reporting_result *res)
{
	struct reporting_result dummy;
	struct reporting_batch *rb;
	struct store_batch_result br;
	enum reporting_rc rc;
	int src;

	if (res == NULL)
		res = &dummy;
	if ((rc = reporting_parse(op, client_id, &rb, res)) != REPORTING_OK)
		return rc;
	src = store_event_batch(st, client_id, reporting_batch_get(rb), now,
	    &br);
	reporting_batch_free(rb);
	switch (src) {
	case STORE_OK:
		res->stored = br.stored;
		res->duplicates = br.duplicates;
		res->changes = br.changes;
		res->unknown_updates = br.unknown_updates;
		res->pruned = br.pruned;
		return REPORTING_OK;
	case STORE_NOTFOUND:
		rc = REPORTING_UNKNOWN_CLIENT;
		break;
	case STORE_BUSY:
		rc = REPORTING_BUSY;
		break;
	case STORE_INVALID:
		rc = REPORTING_INVALID;
		break;
	default:
		rc = REPORTING_ERROR;
		break;
	}
	snprintf(res->message, sizeof(res->message), "%s", store_errmsg(st));
	return rc;
}
