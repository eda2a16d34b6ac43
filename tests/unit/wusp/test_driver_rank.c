/*
 * test_driver_rank.c — driver metadata and ranking (src/wusp/driver_rank.c)
 * and the SyncUpdates driver pass over it.  There is no real driver
 * metadata in the test data, so the driver documents are synthetic, in
 * the shape of shared/docs/wusp.md 7.1 (<upd:Metadata><drv:WindowsDriver
 * MetaData HardwareID DriverVerDate DriverVerVersion Class Manufacturer
 * Provider ...><drv:FeatureScore/><drv:DistributionComputerHardwareId/>
 * <drv:TargetComputerHardwareId/></drv:WindowsDriverMetaData>); device
 * ids, dates and versions are taken from the native capture scan/09.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "wusp/driver_rank.h"
#include "wusp/sync_updates.h"
#include "sync_testlib.h"

#define DRV_NS "xmlns:drv=\"http://schemas.microsoft.com/msus/2002/12/" \
    "UpdateHandlers/WindowsDriver\""

static void
test_dates_versions_guids(void **state)
{
	uint64_t v;
	uint8_t g[16];

	(void)state;
	assert_int_equal(driver_date_parse("1970-01-01"), 0);
	assert_int_equal(driver_date_parse("2000-03-01"), 11017);
	assert_int_equal(driver_date_parse("1969-12-31"), -1);
	assert_int_equal(driver_date_parse("2006-06-21T00:00:00Z"),
	    driver_date_parse("2006-06-21"));
	assert_int_equal(driver_date_parse("2024-10-21T00:00:00Z") -
	    driver_date_parse("2024-10-20"), 1);
	assert_int_equal(driver_date_parse("2006-13-01"), DRIVER_DATE_UNKNOWN);
	assert_int_equal(driver_date_parse("2006-00-10"), DRIVER_DATE_UNKNOWN);
	assert_int_equal(driver_date_parse("20060621"), DRIVER_DATE_UNKNOWN);
	assert_int_equal(driver_date_parse("2006-06-2"), DRIVER_DATE_UNKNOWN);
	assert_int_equal(driver_date_parse("2006-06-21x"), DRIVER_DATE_UNKNOWN);
	assert_int_equal(driver_date_parse(""), DRIVER_DATE_UNKNOWN);
	assert_int_equal(driver_date_parse(NULL), DRIVER_DATE_UNKNOWN);

	/* The captured installed driver 10.0.26100.8036 as the client sends it. */
	assert_int_equal(driver_version_parse("10.0.26100.8036", &v), 0);
	assert_true(v == 2814751477604196ULL);
	assert_int_equal(driver_version_parse("2814751477604196", &v), 0);
	assert_true(v == 2814751477604196ULL);
	assert_int_equal(driver_version_parse("0.0.0.0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(driver_version_parse("65535.65535.65535.65535", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(driver_version_parse("18446744073709551615", &v), 0);
	assert_int_equal(driver_version_parse("18446744073709551616", &v), -1);
	assert_int_equal(driver_version_parse("1.2.3", &v), -1);
	assert_int_equal(driver_version_parse("1.2.3.4.5", &v), -1);
	assert_int_equal(driver_version_parse("65536.0.0.0", &v), -1);
	assert_int_equal(driver_version_parse("1..2.3", &v), -1);
	assert_int_equal(driver_version_parse("a.b.c.d", &v), -1);
	assert_int_equal(driver_version_parse("-1", &v), -1);
	assert_int_equal(driver_version_parse("", &v), -1);
	assert_int_equal(driver_version_parse(NULL, &v), -1);

	assert_int_equal(driver_guid_parse("{458AB48B-ACB9-5863-B5A8-"
	    "D2C32F0D3E6F}", g), 0);
	assert_int_equal(g[0], 0x45);
	assert_int_equal(g[15], 0x6f);
	assert_int_equal(driver_guid_parse(" 458ab48b-acb9-5863-b5a8-"
	    "d2c32f0d3e6f ", g), 0);
	assert_int_equal(driver_guid_parse("458ab48b-acb9-5863-b5a8", g), -1);
	assert_int_equal(driver_guid_parse("{458ab48b-acb9-5863-b5a8-"
	    "d2c32f0d3e6f", g), -1);
	assert_int_equal(driver_guid_parse("x58ab48b-acb9-5863-b5a8-"
	    "d2c32f0d3e6f", g), -1);
	assert_int_equal(driver_guid_parse(NULL, g), -1);
}

/* Each rule decides only when all earlier ones tie. */
static void
test_rank_rules(void **state)
{
	struct driver_rank a = { 1, 0xFF, 3, 100, 5 }, b;

	(void)state;
	b = a;
	assert_int_equal(driver_rank_cmp(&a, &b), 0);
	/* 1: computer hardware id listed earlier wins over everything. */
	b = a;
	b.chid = 0;
	b.feature = 0xFF;
	b.hwid = 9;
	b.date = 1;
	b.version = 0;
	assert_true(driver_rank_cmp(&b, &a) < 0);
	assert_true(driver_rank_cmp(&a, &b) > 0);
	a.chid = DRIVER_RANK_NO_CHID;
	b = a;
	b.chid = 7;
	assert_true(driver_rank_cmp(&b, &a) < 0);
	/* 2: lower feature score. */
	b = a;
	b.feature = 0x10;
	b.hwid = 9;
	assert_true(driver_rank_cmp(&b, &a) < 0);
	/* 3: device id listed earlier. */
	b = a;
	b.hwid = 0;
	b.date = 1;
	assert_true(driver_rank_cmp(&b, &a) < 0);
	/* 4: newer date. */
	b = a;
	b.date = 101;
	b.version = 0;
	assert_true(driver_rank_cmp(&b, &a) < 0);
	/* 5: higher version. */
	b = a;
	b.version = 6;
	assert_true(driver_rank_cmp(&b, &a) < 0);
	b.version = 4;
	assert_true(driver_rank_cmp(&b, &a) > 0);
}

static char *
doc(const char *metas)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	buf_printf(&b, "<upd:Update xmlns:upd=\"http://schemas.microsoft.com/"
	    "msus/2002/12/Update\" " DRV_NS "><upd:ApplicabilityRules>"
	    "<upd:Metadata>%s</upd:Metadata></upd:ApplicabilityRules>"
	    "</upd:Update>", metas);
	return buf_steal(&b, NULL);
}

#define META(hwid, date, ver, extra) \
    "<drv:WindowsDriverMetaData HardwareID=\"" hwid "\" WhqlDriverID=\"1\" " \
    "Class=\"USB\" Company=\"Contoso\" Provider=\"Contoso\" " \
    "Manufacturer=\"Contoso\" Model=\"M\" DriverVerDate=\"" date "\" " \
    "DriverVerVersion=\"" ver "\">" extra "</drv:WindowsDriverMetaData>"

static void
expect_bad(const char *metas, const char *why)
{
	struct driver_meta *m;
	size_t n;
	char err[256], *d = doc(metas);

	assert_int_equal(driver_meta_parse(d, strlen(d), &m, &n, err,
	    sizeof(err)), -1);
	assert_null(m);
	assert_int_equal(n, 0);
	if (strstr(err, why) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, why);
	free(d);
}

static void
test_meta_parse(void **state)
{
	struct driver_meta *m;
	struct buf big;
	size_t n, i;
	char err[256], *d;

	(void)state;
	d = doc(META("PCI\\VEN_8086&amp;DEV_2935", "2024-10-21", "10.0.1.2",
	    "<drv:CompatibleProvider>Microsoft</drv:CompatibleProvider>"
	    "<drv:FeatureScore OperatingSystem=\"AMD64.10.0\" FeatureScore=\"1A\" />"
	    "<drv:FeatureScore OperatingSystem=\"X86.10.0\" FeatureScore=\"FE\" />"
	    "<drv:TargetComputerHardwareId>{458AB48B-ACB9-5863-B5A8-D2C32F0D3E6F}"
	    "</drv:TargetComputerHardwareId><drv:DistributionComputerHardwareId>"
	    "de134db0-4b4a-51d6-98c5-f62916e550a7</drv:DistributionComputer"
	    "HardwareId><drv:DistributionComputerHardwareId>"
	    "458ab48b-acb9-5863-b5a8-d2c32f0d3e6f</drv:DistributionComputer"
	    "HardwareId>")
	    META("ACPI\\QEMU0002", "2006-06-21", "10.0.26100.8036", ""));
	assert_int_equal(driver_meta_parse(d, strlen(d), &m, &n, err,
	    sizeof(err)), 0);
	free(d);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].hardware_id, "PCI\\VEN_8086&DEV_2935");
	assert_int_equal(m[0].ver_date, driver_date_parse("2024-10-21"));
	assert_true(m[0].ver_version == ((10ULL << 48) | (1 << 16) | 2));
	assert_string_equal(m[0].class_name, "USB");
	assert_string_equal(m[0].provider, "Contoso");
	assert_string_equal(m[0].manufacturer, "Contoso");
	assert_int_equal(m[0].nfeatures, 2);
	assert_int_equal(driver_feature_for(&m[0], "amd64.10.0"), 0x1A);
	assert_int_equal(driver_feature_for(&m[0], "X86.10.0"), 0xFE);
	assert_int_equal(driver_feature_for(&m[0], "ARM64.10.0"),
	    DRIVER_FEATURE_NONE);
	assert_int_equal(driver_feature_for(&m[0], NULL), DRIVER_FEATURE_NONE);
	assert_int_equal(m[0].nchids, 2);	/* the duplicate is dropped */
	assert_int_equal(m[0].nproviders, 1);
	assert_string_equal(m[0].providers[0], "Microsoft");
	assert_true(m[1].ver_version == 2814751477604196ULL);
	assert_int_equal(m[1].nchids, 0);
	driver_meta_free(m, n);

	/* No metadata at all is fine. */
	d = doc("");
	assert_int_equal(driver_meta_parse(d, strlen(d), &m, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 0);
	driver_meta_free(m, n);
	free(d);

	expect_bad("<drv:WindowsDriverMetaData DriverVerDate=\"2006-06-21\" "
	    "DriverVerVersion=\"1.2.3.4\" />", "without HardwareID");
	expect_bad(META("X", "2006-6-21", "1.2.3.4", ""), "DriverVerDate");
	expect_bad(META("X", "2006-06-21", "1.2.3", ""), "DriverVerVersion");
	expect_bad(META("X", "2006-06-21", "12345", ""), "DriverVerVersion");
	expect_bad(META("", "2006-06-21", "1.2.3.4", ""), "empty HardwareID");
	expect_bad(META("X", "2006-06-21", "1.2.3.4", "<drv:FeatureScore "
	    "OperatingSystem=\"A\" FeatureScore=\"1FF\" />"), "FeatureScore");
	expect_bad(META("X", "2006-06-21", "1.2.3.4", "<drv:FeatureScore "
	    "FeatureScore=\"1F\" />"), "FeatureScore");
	expect_bad(META("X", "2006-06-21", "1.2.3.4", "<drv:TargetComputer"
	    "HardwareId>not-a-guid</drv:TargetComputerHardwareId>"),
	    "computer hardware id");

	/* Bounds: strings, counts. */
	buf_init(&big, 1 << 22);
	buf_puts(&big, "<drv:WindowsDriverMetaData HardwareID=\"");
	for (i = 0; i < DRIVER_STR_MAX + 1; i++)
		buf_putc(&big, 'A');
	buf_puts(&big, "\" DriverVerDate=\"2006-06-21\" DriverVerVersion="
	    "\"1.2.3.4\" />");
	expect_bad(big.data, "longer than");
	buf_reset(&big);
	for (i = 0; i < DRIVER_META_MAX + 1; i++)
		buf_puts(&big, META("X", "2006-06-21", "1.2.3.4", ""));
	expect_bad(big.data, "more than");
	buf_reset(&big);
	buf_puts(&big, "<drv:WindowsDriverMetaData HardwareID=\"X\" "
	    "DriverVerDate=\"2006-06-21\" DriverVerVersion=\"1.2.3.4\">");
	for (i = 0; i < DRIVER_FEATURES_MAX + 1; i++)
		buf_printf(&big, "<drv:FeatureScore OperatingSystem=\"O%zu\" "
		    "FeatureScore=\"01\" />", i);
	buf_puts(&big, "</drv:WindowsDriverMetaData>");
	expect_bad(big.data, "more than");
	buf_free(&big);

	/* Hostile XML: DOCTYPE (entities) and garbage. */
	d = xstrdup("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>");
	assert_int_equal(driver_meta_parse(d, strlen(d), &m, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "DOCTYPE"));
	free(d);
	d = xstrdup("<upd:Update><unclosed>");
	assert_int_equal(driver_meta_parse(d, strlen(d), &m, &n, err,
	    sizeof(err)), -1);
	free(d);
}

/* ---- the driver pass ---- */

#define CHID_MINE0	"817FCA52-AE83-52F5-8642-9497F79D49D0"
#define CHID_MINE1	"458AB48B-ACB9-5863-B5A8-D2C32F0D3E6F"
#define CHID_OTHER	"11111111-2222-3333-4444-555555555555"
#define D_COMPAT	"d0000000-0000-4000-8000-00000000000a"	/* compatible id */
#define D_SUBSYS	"d0000000-0000-4000-8000-00000000000b"	/* hardware id 1 */
#define D_FEATURE	"d0000000-0000-4000-8000-00000000000c"	/* + feature score */
#define D_CHID		"d0000000-0000-4000-8000-00000000000d"	/* + my CHID */
#define D_OTHERPC	"d0000000-0000-4000-8000-00000000000e"	/* other CHID only */
#define D_UNAPPROVED	"d0000000-0000-4000-8000-00000000000f"
#define D_NEEDS		"d0000000-0000-4000-8000-000000000010"	/* prerequisite */
#define D_PRN_HP	"d0000000-0000-4000-8000-000000000011"
#define D_PRN_COMPAT	"d0000000-0000-4000-8000-000000000012"
#define DET_X		"d0000000-0000-4000-8000-0000000000ff"

#define PMETA(hwid, date, ver, prov, manu, extra) \
    "<drv:WindowsDriverMetaData HardwareID=\"" hwid "\" WhqlDriverID=\"7\" " \
    "Class=\"Printer\" Company=\"" prov "\" Provider=\"" prov "\" " \
    "Manufacturer=\"" manu "\" Model=\"P\" DriverVerDate=\"" date "\" " \
    "DriverVerVersion=\"" ver "\">" extra "</drv:WindowsDriverMetaData>"

static void
add_driver(struct store *st, const char *uid, const char *prereqs,
    const char *meta, bool approve)
{
	char *d = tl_doc_driver(uid, 1, prereqs, meta);

	tl_import_xml(st, d);
	free(d);
	if (approve)
		tl_approve(st, uid, 1, APPROVAL_INSTALL, 0);
}

static struct store *
driver_store(void)
{
	struct store *st = tl_store();
	char *d;

	d = tl_doc_detectoid(DET_X, 1, NULL);
	tl_import_xml(st, d);
	free(d);
	add_driver(st, D_COMPAT, NULL, META("PCI\\VEN_8086&amp;DEV_2935",
	    "2024-01-01", "10.0.2.0", ""), true);
	add_driver(st, D_SUBSYS, NULL, META("PCI\\VEN_8086&amp;DEV_2935&amp;"
	    "SUBSYS_11001AF4", "2019-01-01", "10.0.1.0", ""), true);
	add_driver(st, D_FEATURE, NULL, META("pci\\ven_8086&amp;dev_2935&amp;"
	    "cc_0c03", "2018-01-01", "10.0.0.1", "<drv:FeatureScore "
	    "OperatingSystem=\"AMD64.10.0\" FeatureScore=\"10\" />"), true);
	add_driver(st, D_CHID, NULL, META("PCI\\VEN_8086", "2010-01-01",
	    "1.0.0.0", "<drv:DistributionComputerHardwareId>" CHID_MINE1
	    "</drv:DistributionComputerHardwareId>"), true);
	add_driver(st, D_OTHERPC, NULL, META("PCI\\VEN_8086&amp;DEV_2935&amp;"
	    "SUBSYS_11001AF4&amp;REV_03", "2025-01-01", "11.0.0.0",
	    "<drv:TargetComputerHardwareId>" CHID_OTHER
	    "</drv:TargetComputerHardwareId>"), true);
	add_driver(st, D_UNAPPROVED, NULL, META("PCI\\VEN_8086&amp;DEV_2935"
	    "&amp;SUBSYS_11001AF4&amp;REV_03", "2025-01-01", "12.0.0.0", ""),
	    false);
	add_driver(st, D_NEEDS, DET_X, META("PCI\\VEN_8086&amp;DEV_2935&amp;"
	    "SUBSYS_11001AF4&amp;REV_03", "2025-06-01", "13.0.0.0", ""), true);
	add_driver(st, D_PRN_HP, NULL, PMETA("{084f01fa-e634-4d77-83ee-"
	    "074817c03581}", "2020-01-01", "61.1.0.0", "HP", "Microsoft", ""),
	    true);
	add_driver(st, D_PRN_COMPAT, NULL, PMETA("{084f01fa-e634-4d77-83ee-"
	    "074817c03581}", "2019-01-01", "60.1.0.0", "Contoso", "Microsoft",
	    "<drv:CompatibleProvider>Microsoft</drv:CompatibleProvider>"), true);
	return st;
}

/* The captured ComputerSpec ids. */
static const char *chids[] = { "{" CHID_MINE0 "}", CHID_MINE1 };

static void
driver_request(struct sync_request *rq, const struct catalog_groups *g,
    struct sync_device *dev, bool with_chids)
{
	memset(rq, 0, sizeof(*rq));
	rq->groups = g;
	rq->skip_software = true;
	rq->devices = dev;
	rq->n_devices = 2;
	rq->feature_score_key = "AMD64.10.0";
	if (with_chids) {
		rq->computer_hwids = chids;
		rq->n_computer_hwids = 2;
	}
}

static void
test_driver_pass(void **state)
{
	struct store *st = driver_store();
	struct catalog *c = tl_build(st, true);
	struct catalog_groups g = tl_groups(c, NULL, 0);
	struct sync_device dev[2];
	struct sync_request rq;
	struct sync_result r;
	const struct sync_update_info *u;
	int32_t cached[2], inst[1];

	(void)state;
	/* With my computer hardware ids, the CHID-targeted driver wins
	 * over better device matches; the printer goes to the driver of a
	 * compatible provider. */
	tl_scan09_devices(dev, true);
	driver_request(&rq, &g, dev, true);
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_new, 2);
	u = tl_find(r.new_updates, r.n_new, tl_rev(st, D_CHID));
	assert_non_null(u);
	/* PCI\VEN_8086 */
	assert_ptr_equal(u->hardware_id, tl_pci_compat[4]);
	assert_int_equal(u->deployment.action, CATALOG_ACTION_INSTALL);
	assert_true(u->is_leaf);
	assert_int_equal(u->rev->type, UPDATE_TYPE_DRIVER);
	u = tl_find(r.new_updates, r.n_new, tl_rev(st, D_PRN_COMPAT));
	assert_non_null(u);
	assert_ptr_equal(u->hardware_id, tl_prn_hw[0]);
	assert_false(r.truncated);
	assert_false(r.driver_sync_not_needed);
	sync_result_free(&r);

	/* Without ComputerSpec: the CHID-targeted drivers are out; the
	 * feature score beats the earlier hardware id. */
	driver_request(&rq, &g, dev, false);
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_non_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_FEATURE)));
	assert_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_CHID)));
	sync_result_free(&r);
	/* Without a feature key: the earlier hardware id wins. */
	rq.feature_score_key = NULL;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_non_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_SUBSYS)));
	sync_result_free(&r);
	/* With the detectoid installed, the driver that needs it (listed on
	 * the most specific hardware id, newest) wins. */
	inst[0] = tl_rev(st, DET_X);
	rq.installed_nonleaf = inst;
	rq.n_installed_nonleaf = 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_non_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_NEEDS)));
	/* The unapproved one (same id, not newer) never shows. */
	assert_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_UNAPPROVED)));
	sync_result_free(&r);

	/* An installed driver that is a better match: nothing for the PCI
	 * device (the installed one matched hardware id 0). */
	dev[0].installed.matching_id = tl_pci_hw[0];
	dev[0].installed.driver_ver_date = "2030-01-01T00:00:00Z";
	dev[0].installed.driver_rank = "0";	/* feature score 00 */
	driver_request(&rq, &g, dev, false);
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_new, 1);
	assert_int_equal(r.new_updates[0].rev->revision_id,
	    tl_rev(st, D_PRN_COMPAT));
	sync_result_free(&r);

	/* Printers need the same provider: an HP-only printer driver for a
	 * Microsoft-provided installed driver is not offered. */
	dev[1].installed.provider = "Fabrikam";
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_new, 0);
	assert_false(r.driver_sync_not_needed);
	sync_result_free(&r);

	/* Cached drivers: the offered one stays (no change since), the one
	 * not offered any more is out of scope. */
	tl_scan09_devices(dev, true);
	driver_request(&rq, &g, dev, true);
	cached[0] = tl_rev(st, D_CHID);
	cached[1] = tl_rev(st, D_COMPAT);
	rq.cached_drivers = cached;
	rq.n_cached_drivers = 2;
	rq.watermark = catalog_change_seq(c);
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_new, 1);
	assert_int_equal(r.n_changed, 0);
	assert_int_equal(r.n_out_of_scope, 1);
	assert_int_equal(r.out_of_scope[0], cached[1]);
	sync_result_free(&r);
	rq.watermark = 0;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_changed, 1);
	assert_ptr_equal(r.changed_updates[0].hardware_id, tl_pci_compat[4]);
	sync_result_free(&r);

	/* Paging: one per page. */
	rq.cached_drivers = NULL;
	rq.n_cached_drivers = 0;
	rq.page_size = 1;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_new, 1);
	assert_true(r.truncated);
	sync_result_free(&r);
	catalog_release(c);

	/* Declined drivers are never offered; no approved drivers at all:
	 * DriverSyncNotNeeded, also on the software pass. */
	assert_int_equal(store_decline(st, D_CHID, true), STORE_OK);
	c = tl_build(st, true);
	g = tl_groups(c, NULL, 0);
	rq.page_size = 0;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_CHID)));
	sync_result_free(&r);
	catalog_release(c);
	assert_int_equal(store_unapprove(st, D_COMPAT, 0), STORE_OK);
	assert_int_equal(store_unapprove(st, D_SUBSYS, 0), STORE_OK);
	assert_int_equal(store_unapprove(st, D_FEATURE, 0), STORE_OK);
	assert_int_equal(store_unapprove(st, D_OTHERPC, 0), STORE_OK);
	assert_int_equal(store_unapprove(st, D_NEEDS, 0), STORE_OK);
	assert_int_equal(store_unapprove(st, D_PRN_HP, 0), STORE_OK);
	assert_int_equal(store_unapprove(st, D_PRN_COMPAT, 0), STORE_OK);
	c = tl_build(st, true);
	g = tl_groups(c, NULL, 0);
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_int_equal(r.n_new, 0);
	assert_true(r.driver_sync_not_needed);
	sync_result_free(&r);
	memset(&rq, 0, sizeof(rq));
	rq.groups = &g;
	assert_int_equal(sync_updates_run(c, &rq, &r), SYNC_OK);
	assert_true(r.driver_sync_not_needed);
	/* Drivers never come on the software pass. */
	assert_null(tl_find(r.new_updates, r.n_new, tl_rev(st, D_SUBSYS)));
	sync_result_free(&r);
	catalog_release(c);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates_versions_guids),
		cmocka_unit_test(test_rank_rules),
		cmocka_unit_test(test_meta_parse),
		cmocka_unit_test(test_driver_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
