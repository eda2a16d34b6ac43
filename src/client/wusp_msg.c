/*
 * wusp_msg.c — MS-WUSP request bodies of wsus-client.  See wusp_msg.h.
 * The byte layout of every request follows the captured Windows 11 25H2
 * client (tests/fixtures/soap/wusp-native-capture); the unit test
 * test_wusp_msg compares them.
 *
 * Not here: reading the answers (wusp_msg_read.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/wusp_msg.h"
#include "soap/soap.h"
#include "soap/soap_value.h"
#include "util/xmalloc.h"

/* ---- small writers ------------------------------------------------------- */

static void
begin(struct buf *b, const char *op, const char *ns)
{
	buf_printf(b, "<s:Envelope xmlns:s=\"" SOAP_NS_ENV11 "\"><s:Body>"
	    "<%s xmlns=\"%s\">", op, ns);
}

static int
end(struct buf *b, const char *op)
{
	buf_printf(b, "</%s></s:Body></s:Envelope>", op);
	return b->failed ? -1 : 0;
}

static void
text(struct buf *b, const char *s)
{
	buf_xml_escape(b, s, strlen(s), 0);
}

/* <name>escaped</name>, or <name/> for NULL or "". */
static void
elem(struct buf *b, const char *name, const char *s)
{
	if (s == NULL || *s == '\0') {
		buf_printf(b, "<%s/>", name);
		return;
	}
	buf_printf(b, "<%s>", name);
	text(b, s);
	buf_printf(b, "</%s>", name);
}

static void
elem_int(struct buf *b, const char *name, long long v)
{
	buf_printf(b, "<%s>%lld</%s>", name, v, name);
}

static void
elem_bool(struct buf *b, const char *name, bool v)
{
	buf_printf(b, "<%s>%s</%s>", name, v ? "true" : "false", name);
}

static void
cookie_elem(struct buf *b, const char *name, const struct wmsg_cookie *c)
{
	buf_printf(b, "<%s>", name);
	if (c != NULL && c->expiration != NULL)
		elem(b, "Expiration", c->expiration);
	if (c != NULL && c->data != NULL)
		elem(b, "EncryptedData", c->data);
	buf_printf(b, "</%s>", name);
}

static void
int_array(struct buf *b, const char *name, const int32_t *v, size_t n)
{
	buf_printf(b, "<%s>", name);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "<int>%" PRId32 "</int>", v[i]);
	buf_printf(b, "</%s>", name);
}

/* ---- cookies and config --------------------------------------------------- */

void
wmsg_cookie_free(struct wmsg_cookie *c)
{
	free(c->expiration);
	free(c->data);
	c->expiration = c->data = NULL;
}

void
wmsg_cookie_copy(struct wmsg_cookie *d, const struct wmsg_cookie *s)
{
	d->expiration = s->expiration ? xstrdup(s->expiration) : NULL;
	d->data = s->data ? xstrdup(s->data) : NULL;
}

void
wmsg_config_free(struct wmsg_config *c)
{
	free(c->last_change);
	free(c->plugin_id);
	free(c->service_url);
	free(c->protocol_version);
	memset(c, 0, sizeof(*c));
}

void
wmsg_sync_free(struct wmsg_sync *s)
{
	free(s->new_updates);
	free(s->changed);
	free(s->out_of_scope);
	wmsg_cookie_free(&s->new_cookie);
	memset(s, 0, sizeof(*s));
}

void
wmsg_extended_free(struct wmsg_extended *e)
{
	free(e->updates);
	free(e->files);
	free(e->out_of_scope);
	memset(e, 0, sizeof(*e));
}

/* ---- requests ---------------------------------------------------------------- */

int
wmsg_get_config(struct buf *b, const char *protocol_version)
{
	begin(b, "GetConfig", SOAP_NS_CLIENT);
	elem(b, "protocolVersion", protocol_version);
	return end(b, "GetConfig");
}

int
wmsg_get_auth_cookie(struct buf *b, const char *client_id,
    const char *target_groups, const char *dns_name)
{
	begin(b, "GetAuthorizationCookie", SOAP_NS_SIMPLEAUTH);
	elem(b, "clientId", client_id);
	if (target_groups != NULL && *target_groups != '\0')
		elem(b, "targetGroupName", target_groups);
	elem(b, "dnsName", dns_name);
	return end(b, "GetAuthorizationCookie");
}

int
wmsg_get_cookie(struct buf *b, const char *plugin_id, const char *cookie_data,
    const struct wmsg_cookie *old, const char *last_change,
    const char *current_time, const char *protocol_version)
{
	begin(b, "GetCookie", SOAP_NS_CLIENT);
	buf_puts(b, "<authCookies><AuthorizationCookie>");
	elem(b, "PlugInId", plugin_id);
	elem(b, "CookieData", cookie_data);
	buf_puts(b, "</AuthorizationCookie></authCookies>");
	if (old != NULL && old->data != NULL)
		cookie_elem(b, "oldCookie", old);
	else {
		struct wmsg_cookie first = { (char *)current_time, NULL };
		cookie_elem(b, "oldCookie", &first);
	}
	elem(b, "lastChange", last_change);
	elem(b, "currentTime", current_time);
	elem(b, "protocolVersion", protocol_version);
	return end(b, "GetCookie");
}

int
wmsg_register_computer(struct buf *b, const struct wmsg_cookie *c,
    const struct machine *m)
{
	char date[40];

	snprintf(date, sizeof(date), "%sT00:00:00Z", m->bios_date);
	begin(b, "RegisterComputer", SOAP_NS_CLIENT);
	cookie_elem(b, "cookie", c);
	buf_puts(b, "<computerInfo>");
	elem(b, "DnsName", m->dns_name);
	elem_int(b, "OSMajorVersion", m->os_major);
	elem_int(b, "OSMinorVersion", m->os_minor);
	elem_int(b, "OSBuildNumber", m->os_build);
	elem_int(b, "OSServicePackMajorNumber", m->sp_major);
	elem_int(b, "OSServicePackMinorNumber", m->sp_minor);
	elem(b, "OSLocale", m->locale);
	elem(b, "ComputerManufacturer", m->manufacturer);
	elem(b, "ComputerModel", m->model);
	elem(b, "BiosVersion", m->bios_version);
	elem(b, "BiosName", m->bios_name);
	elem(b, "BiosReleaseDate", date);
	elem(b, "ProcessorArchitecture", m->arch);
	elem_int(b, "SuiteMask", m->suite_mask);
	elem_int(b, "OldProductType", m->product_type);
	elem_int(b, "NewProductType", m->new_product_type);
	elem_int(b, "SystemMetrics", 0);
	elem_int(b, "ClientVersionMajorNumber", m->client_version[0]);
	elem_int(b, "ClientVersionMinorNumber", m->client_version[1]);
	elem_int(b, "ClientVersionBuildNumber", m->client_version[2]);
	elem_int(b, "ClientVersionQfeNumber", m->client_version[3]);
	elem(b, "OSDescription", m->os_description);
	elem(b, "OEM", m->oem);
	elem(b, "DeviceType", m->device_type);
	elem(b, "FirmwareVersion", m->firmware_version);
	elem(b, "MobileOperator", m->mobile_operator);
	buf_puts(b, "</computerInfo>");
	return end(b, "RegisterComputer");
}

static void
string_array(struct buf *b, const char *name, char *const *v, size_t n)
{
	buf_printf(b, "<%s>", name);
	for (size_t i = 0; i < n; i++)
		elem(b, "string", v[i]);
	buf_printf(b, "</%s>", name);
}

int
wmsg_sync_updates(struct buf *b, const struct wmsg_cookie *c,
    const struct wmsg_sync_params *p, const struct machine *m)
{
	char g[GUID_STRLEN + 1];

	begin(b, "SyncUpdates", SOAP_NS_CLIENT);
	cookie_elem(b, "cookie", c);
	buf_puts(b, "<parameters>");
	elem_bool(b, "ExpressQuery", false);
	if (p->send_ids && p->ninstalled_nonleaf > 0)
		int_array(b, "InstalledNonLeafUpdateIDs", p->installed_nonleaf,
		    p->ninstalled_nonleaf);
	if (p->send_ids && !p->skip_software && p->nother_cached > 0)
		int_array(b, "OtherCachedUpdateIDs", p->other_cached,
		    p->nother_cached);
	if (p->skip_software && m->ndevices == 0)
		buf_puts(b, "<SystemSpec/>");
	else if (p->skip_software) {
		buf_puts(b, "<SystemSpec>");
		for (size_t i = 0; i < m->ndevices; i++) {
			buf_puts(b, "<Device>");
			string_array(b, "HardwareIDs", m->devices[i].hwids,
			    m->devices[i].nhwids);
			if (m->devices[i].ncompat > 0)
				string_array(b, "CompatibleIDs",
				    m->devices[i].compat,
				    m->devices[i].ncompat);
			buf_puts(b, "</Device>");
		}
		buf_puts(b, "</SystemSpec>");
	}
	if (p->skip_software) {
		if (p->ncached_drivers > 0)
			int_array(b, "CachedDriverIDs", p->cached_drivers,
			    p->ncached_drivers);
	}
	elem_bool(b, "SkipSoftwareSync", p->skip_software);
	if (p->nfilter_categories > 0) {
		buf_puts(b, "<FilterCategoryIds>");
		for (size_t i = 0; i < p->nfilter_categories; i++) {
			guid_format(&p->filter_categories[i], g, false);
			buf_printf(b, "<CategoryIdentifier><Id>%s</Id>"
			    "</CategoryIdentifier>", g);
		}
		buf_puts(b, "</FilterCategoryIds>");
	}
	elem_bool(b, "NeedTwoGroupOutOfScopeUpdates", true);
	elem_bool(b, "AlsoPerformRegularSync", false);
	if (m->ncomputer_hwids > 0) {
		buf_puts(b, "<ComputerSpec><HardwareIDs>");
		for (size_t i = 0; i < m->ncomputer_hwids; i++) {
			guid_format(&m->computer_hwids[i], g, false);
			buf_printf(b, "<guid>%s</guid>", g);
		}
		buf_puts(b, "</HardwareIDs></ComputerSpec>");
	} else
		buf_puts(b, "<ComputerSpec/>");
	if (p->skip_software)
		buf_printf(b, "<FeatureScoreMatchingKey>%s.%d.%d"
		    "</FeatureScoreMatchingKey>", m->arch, m->os_major,
		    m->os_minor);
	buf_puts(b, "<ProductsParameters>");
	elem_bool(b, "SyncCurrentVersionOnly", false);
	elem(b, "DeviceAttributes", p->device_attributes);
	elem(b, "CallerAttributes", p->caller_attributes);
	buf_puts(b, "<Products/></ProductsParameters></parameters>");
	return end(b, "SyncUpdates");
}

int
wmsg_get_extended(struct buf *b, const struct wmsg_cookie *c,
    const int32_t *ids, size_t n, const char *device_attributes,
    const char *caller_attributes)
{
	begin(b, "GetExtendedUpdateInfo", SOAP_NS_CLIENT);
	cookie_elem(b, "cookie", c);
	int_array(b, "revisionIDs", ids, n);
	buf_puts(b, "<infoTypes><XmlUpdateFragmentType>Extended"
	    "</XmlUpdateFragmentType><XmlUpdateFragmentType>"
	    "LocalizedProperties</XmlUpdateFragmentType></infoTypes>"
	    "<locales><string>en-US</string><string>en</string></locales>");
	elem(b, "deviceAttributes", device_attributes);
	elem(b, "GeoId", "USA");
	elem(b, "callerAttributes", caller_attributes);
	return end(b, "GetExtendedUpdateInfo");
}

int
wmsg_start_category_scan(struct buf *b, const struct guid *ids, size_t n)
{
	char g[GUID_STRLEN + 1];

	begin(b, "StartCategoryScan", SOAP_NS_CLIENT);
	buf_puts(b, "<requestedCategories>");
	for (size_t i = 0; i < n; i++) {
		guid_format(&ids[i], g, false);
		buf_printf(b, "<CategoryRelationship><IndexOfAndGroup>%zu"
		    "</IndexOfAndGroup><CategoryId>%s</CategoryId>"
		    "</CategoryRelationship>", i, g);
	}
	buf_puts(b, "</requestedCategories>");
	return end(b, "StartCategoryScan");
}

int
wmsg_refresh_cache(struct buf *b, const struct wmsg_cookie *c,
    const struct guid *ids, const int *revisions, size_t n)
{
	char g[GUID_STRLEN + 1];

	begin(b, "RefreshCache", SOAP_NS_CLIENT);
	cookie_elem(b, "cookie", c);
	buf_puts(b, "<globalIDs>");
	for (size_t i = 0; i < n; i++) {
		guid_format(&ids[i], g, false);
		buf_printf(b, "<UpdateIdentity><UpdateID>%s</UpdateID>"
		    "<RevisionNumber>%d</RevisionNumber></UpdateIdentity>", g,
		    revisions[i]);
	}
	buf_puts(b, "</globalIDs>");
	return end(b, "RefreshCache");
}

int
wmsg_report_events(struct buf *b, const struct wmsg_cookie *c,
    const char *client_id, const char *client_time,
    const struct wmsg_event *ev, size_t n, const struct machine *m)
{
	char g[GUID_STRLEN + 1];

	begin(b, "ReportEventBatch", SOAP_NS_SWDIST);
	cookie_elem(b, "cookie", c);
	elem(b, "clientTime", client_time);
	buf_puts(b, "<eventBatch>");
	for (size_t i = 0; i < n; i++) {
		const struct wmsg_event *e = &ev[i];

		guid_format(&e->update, g, false);
		buf_puts(b, "<ReportingEvent><BasicData><TargetID>");
		elem(b, "Sid", client_id);
		buf_puts(b, "</TargetID>");
		elem_int(b, "SequenceNumber", 0);
		elem(b, "TimeAtTarget", e->time);
		elem(b, "EventInstanceID", e->instance_id);
		elem_int(b, "NamespaceID", 1);
		elem_int(b, "EventID", e->event_id);
		elem_int(b, "SourceID", 101);
		buf_printf(b, "<UpdateID><UpdateID>%s</UpdateID><RevisionNumber>"
		    "%d</RevisionNumber></UpdateID>", g, e->revision);
		elem_int(b, "Win32HResult", e->hresult);
		if (e->app_name != NULL)
			elem(b, "AppName", e->app_name);
		buf_puts(b, "</BasicData><ExtendedData>");
		if (e->replacement != NULL)
			string_array(b, "ReplacementStrings",
			    (char *const *)e->replacement, e->nreplacement);
		string_array(b, "MiscData", (char *const *)e->misc, e->nmisc);
		elem(b, "ComputerBrand", m->manufacturer);
		elem(b, "ComputerModel", m->model);
		elem(b, "BiosRevision", m->bios_version);
		elem(b, "ProcessorArchitecture", machine_report_arch(m));
		buf_puts(b, "<OSVersion>");
		elem_int(b, "Major", m->os_major);
		elem_int(b, "Minor", m->os_minor);
		elem_int(b, "Build", m->os_build);
		/* OSVERSIONINFOEX wProductType << 16 | wSuiteMask */
		elem_int(b, "Revision", (long long)m->product_type << 16 |
		    m->suite_mask);
		elem_int(b, "ServicePackMajor", m->sp_major);
		elem_int(b, "ServicePackMinor", m->sp_minor);
		buf_puts(b, "</OSVersion>");
		elem_int(b, "OSLocaleID", m->locale_id);
		buf_puts(b, "</ExtendedData><PrivateData/></ReportingEvent>");
	}
	buf_puts(b, "</eventBatch>");
	return end(b, "ReportEventBatch");
}

char *
wmsg_device_attributes(const struct machine *m, const char *server_url)
{
	if (m->device_attributes != NULL)
		return xstrdup(m->device_attributes);
	return xasprintf("App=WU_OS;AppVer=%d.%d.%d.%d;DeviceFamily="
	    "Windows.Desktop;InstallationType=Client;InstallLanguage=%s;"
	    "OSArchitecture=%s;OSSkuId=%d;OSUILocale=%s;OSVersion=%d.%d.%d.%d;"
	    "ProductType=WinNT;UpdateServiceUrl=%s;",
	    m->client_version[0], m->client_version[1], m->client_version[2],
	    m->client_version[3], m->locale, m->arch, m->new_product_type,
	    m->locale, m->os_major, m->os_minor, m->os_build, m->os_revision,
	    server_url);
}

const char *
wmsg_caller_attributes(const struct machine *m)
{
	if (m->caller_attributes != NULL)
		return m->caller_attributes;
	return "Interactive=0;SheddingAware=1;Id=MoUpdateOrchestrator;";
}
