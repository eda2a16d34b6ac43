/*
 * op_config.c — GetConfig and the client-visible configuration behind it
 * (LastChange, the targeting mode, PackageServerShare).
 *
 * LastChange: wsusd keeps the setting wusp_client_config = "TICKS HEX",
 * the time the configuration clients see last changed (100 ns ticks since
 * 1970) and a SHA-256 fingerprint of that configuration.  Whenever the
 * service (re)reads the configuration (at most every WUSP_CONFIG_TTL
 * seconds) and the fingerprint differs, it stores a new time: so any
 * change, whoever makes it (wsusctl, a new wsusd version with other
 * properties), moves LastChange, and clients holding an older one get
 * ConfigChanged and run GetConfig again.  What is in the fingerprint is
 * listed in docs/WUSP.md.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soap/soap_value.h"
#include "store/settings.h"
#include "util/encode.h"
#include "util/log.h"
#include "wusp/service_internal.h"

/* Bumped when the properties GetConfig sends change. */
#define CLIENT_CONFIG_FORMAT	1

static void
package_share(const struct svc_host *h, char *out, size_t outlen)
{
	const char *name = h->cfg->server_name;

	if (name == NULL || name[0] == '\0')
		name = h->host_name;
	snprintf(out, outlen, "\\\\%s\\UpdateServicesPackages", name);
}

static int64_t
now_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* millisecond precision, like the captured "13:17:07.59Z" */
	return (int64_t)ts.tv_sec * 10000000 +
	    (int64_t)(ts.tv_nsec / 1000000) * 10000;
}

/* Read everything that makes the client configuration; false on error. */
static bool
read_config(struct svc_call *c, struct store *st,
    struct wusp_client_config *cc)
{
	char *stored = NULL, fp[65], text[512], newval[128];
	uint8_t h[COOKIE_HASH_LEN];
	enum targeting_mode mode = TARGETING_SERVER;
	int64_t ticks = 0;
	int n;

	memset(cc, 0, sizeof(*cc));
	if (store_targeting_get(st, &mode) != STORE_OK)
		return false;
	cc->client_targeting = mode == TARGETING_CLIENT;
	package_share(c->host, cc->package_share, sizeof(cc->package_share));

	n = snprintf(text, sizeof(text), "format=%d\ntargeting=%s\n"
	    "share=%s\nmaxext=%d\nprotocol=%s\nreporting=%s\nplugin=%s\n",
	    CLIENT_CONFIG_FORMAT, cc->client_targeting ? "client" : "server",
	    cc->package_share, WUSP_MAX_EXTENDED_PER_REQUEST,
	    WUSP_SERVER_PROTOCOL_VERSION, WUSP_CLIENT_REPORTING_LEVEL,
	    WUSP_PLUGIN_ID);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    cookie_hash(text, (size_t)n, h) != 0)
		return false;
	hex_encode(h, sizeof(h), fp, 0);

	/* through the registry (store/settings.h: text of 3..256 bytes);
	 * absent, refused or unreadable: a new LastChange below */
	if (store_setting_str(st, SETTING_CLIENT_CONFIG, &stored) ==
	    STORE_OK && stored != NULL) {
		char *sp = strchr(stored, ' ');
		long long t;
		char *end;

		if (sp != NULL && strcmp(sp + 1, fp) == 0) {
			t = strtoll(stored, &end, 10);
			if (end == sp && t > 0)
				ticks = t;
		}
	}
	free(stored);
	if (ticks == 0) {
		ticks = now_ticks();
		snprintf(newval, sizeof(newval), "%lld %s", (long long)ticks,
		    fp);
		if (store_setting_set_checked(st, SETTING_CLIENT_CONFIG,
		    newval) != STORE_OK) {
			log_error("cannot store %s: %s", SETTING_CLIENT_CONFIG,
			    store_errmsg(st));
			return false;
		}
		log_info("client configuration changed: LastChange moves");
	}
	cc->last_change = ticks;
	return true;
}

/*
 * One refresh at a time: on a fresh store the first calls would each
 * find no stored LastChange and store one of their own, and a client
 * that got one thread's LastChange from GetConfig got ConfigChanged from
 * the other's on GetCookie (found by tests/crash).  A thread that waited
 * here takes the snapshot the one before it made.
 */
static pthread_mutex_t refresh_lock = PTHREAD_MUTEX_INITIALIZER;

static bool
snapshot_fresh(struct svc_call *c, struct wusp_service *svc)
{
	bool fresh;

	pthread_mutex_lock(&svc->lock);
	fresh = svc->ccfg_read != 0 &&
	    (time_t)c->now - svc->ccfg_read < WUSP_CONFIG_TTL &&
	    (time_t)c->now >= svc->ccfg_read;
	WUSP_CALL(c)->ccfg = svc->ccfg;
	pthread_mutex_unlock(&svc->lock);
	return fresh;
}

void
wusp_client_config_refresh(struct svc_call *c)
{
	struct wusp_service *svc = WUSP_SVC(c);
	struct wusp_client_config cc;
	struct store *st;

	if (snapshot_fresh(c, svc))
		return;
	pthread_mutex_lock(&refresh_lock);
	if (snapshot_fresh(c, svc)) {
		pthread_mutex_unlock(&refresh_lock);
		return;
	}
	st = svc_store(c);
	if (st == NULL || !read_config(c, st, &cc)) {
		/* keep the last good snapshot; the call itself may go on */
		pthread_mutex_unlock(&refresh_lock);
		c->fault = SOAP_EC_NONE;
		c->fault_msg[0] = '\0';
		return;
	}
	pthread_mutex_lock(&svc->lock);
	svc->ccfg = cc;
	svc->ccfg_read = (time_t)c->now;
	WUSP_CALL(c)->ccfg = cc;
	pthread_mutex_unlock(&svc->lock);
	pthread_mutex_unlock(&refresh_lock);
}

static void
property(struct xmlw *w, const char *name, const char *value)
{
	xmlw_start(w, "ConfigurationProperty");
	xmlw_elem(w, "Name", name);
	xmlw_elem(w, "Value", value);
	xmlw_end(w);
}

/*
 * GetConfig(protocolVersion) -> Config, in the order and shape of the
 * captured WSUS 2025 answer (scan/01).
 */
int
wusp_op_get_config(struct svc_call *c)
{
	const char *pv = soap_child_text(c->body, "protocolVersion");
	struct soap_datetime dt;
	struct xmlw *w = &c->w;
	uint16_t maj, min;
	char num[16];

	if (pv == NULL || wusp_parse_version(pv, &maj, &min) != 0)
		return svc_fault(c, SOAP_EC_INVALID_PARAMETERS,
		    "protocolVersion");
	if (WUSP_CALL(c)->ccfg.last_change == 0)
		return svc_fault(c, SOAP_EC_INTERNAL_SERVER_ERROR,
		    "configuration unavailable");

	svc_begin(c);
	xmlw_start(w, "GetConfigResult");
	wusp_from_ticks(WUSP_CALL(c)->ccfg.last_change, &dt);
	xmlw_elem_datetime(w, "LastChange", &dt);
	xmlw_elem_bool(w, "IsRegistrationRequired", 1);
	xmlw_start(w, "AuthInfo");
	xmlw_start(w, "AuthPlugInInfo");
	xmlw_elem(w, "PlugInID", WUSP_PLUGIN_ID);
	xmlw_elem(w, "ServiceUrl", WUSP_SIMPLEAUTH_RELURL);
	xmlw_elem(w, "Parameter", NULL);
	xmlw_end(w);
	xmlw_end(w);
	xmlw_start(w, "Properties");
	snprintf(num, sizeof(num), "%d", WUSP_MAX_EXTENDED_PER_REQUEST);
	property(w, "MaxExtendedUpdatesPerRequest", num);
	property(w, "PackageServerShare", WUSP_CALL(c)->ccfg.package_share);
	property(w, "ProtocolVersion", WUSP_SERVER_PROTOCOL_VERSION);
	property(w, "IsInventoryRequired", "0");
	property(w, "ClientReportingLevel", WUSP_CLIENT_REPORTING_LEVEL);
	xmlw_end(w);
	xmlw_end(w);
	svc_end(c);
	return 0;
}
