/*
 * services.c — assembles the SOAP services of wsusd on one service host:
 * the reporting service's operation table is the client events of MS-WUSP
 * followed by the rollup operations of MS-WSUSSS, so neither protocol
 * folder includes the other; and one catalog holder that both protocols
 * read their snapshots from.  See services.h.
 *
 * Ownership: a daemon_services owns the host, the catalog holder, both
 * protocols' service state and the composed table.  The services borrow
 * the host and the holder, so they are freed first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "daemon/services.h"
#include "service/host.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "wsusss/rollup.h"
#include "wsusss/service.h"
#include "wusp/service.h"

struct daemon_services {
	struct svc_host		*host;
	struct catalog_holder	*catalog;	/* lent to both protocols */
	struct wusp_service	*wusp;
	struct wsusss_service	*wsusss;
	struct svc_op		*reporting;	/* NULL-name terminated */
};

static size_t
ops_count(const struct svc_op *ops)
{
	size_t n = 0;

	while (ops[n].name != NULL)
		n++;
	return n;
}

/* wusp_reporting_ops + wsusss_rollup_ops, NULL-name terminated. */
static struct svc_op *
reporting_table(void)
{
	size_t a = ops_count(wusp_reporting_ops);
	size_t b = ops_count(wsusss_rollup_ops);
	struct svc_op *t = xcalloc(a + b + 1, sizeof(*t));

	memcpy(t, wusp_reporting_ops, a * sizeof(*t));
	memcpy(t + a, wsusss_rollup_ops, b * sizeof(*t));
	return t;
}

/*
 * The one catalog holder: re-checked by MS-WUSP every WUSP_CATALOG_POLL_MS
 * (MS-WSUSSS asks for its exact change counter and does not depend on
 * it), loaded here once when the host is ready already (else on the
 * first call that needs it).
 */
static struct catalog_holder *
catalog_start(struct svc_host *host)
{
	struct catalog_holder *h;
	struct catalog_options o;
	struct store *st = NULL;
	char why[256];

	catalog_options_default(&o);
	h = catalog_holder_new(&o, WUSP_CATALOG_POLL_MS);
	if (svc_host_ready(host) &&
	    svc_host_open_store(host, &st, why, sizeof(why)) == 0) {
		if (catalog_holder_refresh(h, st, true, why, sizeof(why)) != 0)
			log_warnx("update catalogue not loaded yet: %s", why);
		store_close(st);
	}
	return h;
}

int
daemon_services_start(const struct config *cfg, struct daemon_services **out,
    char *err, size_t errlen)
{
	struct daemon_services *ds = xcalloc(1, sizeof(*ds));

	*out = NULL;
	if ((ds->host = svc_host_new(cfg, err, errlen)) == NULL) {
		free(ds);
		return -1;
	}
	(void)svc_host_load(ds->host);
	ds->catalog = catalog_start(ds->host);
	ds->reporting = reporting_table();
	/* the MS-WUSP SOAP services (client, SimpleAuth, reporting) */
	if (wusp_service_register(ds->host, ds->catalog, ds->reporting,
	    &ds->wusp, err, errlen) != 0)
		goto fail;
	/* the MS-WSUSSS upstream services (ServerSync, DssAuth) */
	if (wsusss_service_register(ds->host, ds->catalog, &ds->wsusss, err,
	    errlen) != 0)
		goto fail;
	*out = ds;
	return 0;
fail:
	daemon_services_free(ds);
	return -1;
}

void
daemon_services_reload(struct daemon_services *ds, const struct config *cfg)
{
	svc_host_set_upstream_allow(ds->host, cfg->upstream_allow);
}

void
daemon_services_free(struct daemon_services *ds)
{
	if (ds == NULL)
		return;
	wusp_service_free(ds->wusp);
	wsusss_service_free(ds->wsusss);
	/* after both services: they borrowed it */
	catalog_holder_free(ds->catalog);
	svc_host_free(ds->host);
	free(ds->reporting);
	free(ds);
}
