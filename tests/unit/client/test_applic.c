/*
 * test_applic.c — core fragments: the real ones of the test data (their
 * identity, prerequisites, bundles and rules evaluated on machines set up
 * for and against them), every simulated rule, and hostile fragments.
 */
#include "client_test.h"

#include "client/applic.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define FRAG "update-metadata/wusp-client-fragments/"

static struct machine M;

static int
setup(void **state)
{
	(void)state;
	machine_default(&M);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	machine_free(&M);
	return 0;
}

static void
load_machine(const char *text)
{
	char err[256];

	machine_free(&M);
	machine_default(&M);
	if (machine_load_mem(&M, "t", text, strlen(text), err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
parse_file(const char *name, struct core *c)
{
	size_t len;
	char *t = fixture(name, &len), err[256];

	if (core_parse(t, len, &M, c, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(t);
}

/* Parse a fragment, return IsInstalled's value (or -2 on error). */
static int
installed(const char *rule)
{
	char *xml = xasprintf("<UpdateIdentity UpdateID=\"00000000-0000-0000-"
	    "0000-000000000001\" RevisionNumber=\"1\" /><Properties UpdateType="
	    "\"Software\" /><ApplicabilityRules><IsInstalled>%s</IsInstalled>"
	    "</ApplicabilityRules>", rule);
	struct core c;
	char err[256];
	int v;

	if (core_parse(xml, strlen(xml), &M, &c, err, sizeof(err)) != 0) {
		free(xml);
		return -2;
	}
	v = c.is_installed;
	core_free(&c);
	free(xml);
	return v;
}

static void
test_real_categories(void **state)
{
	struct core c;
	char g[GUID_STRLEN + 1];

	(void)state;
	parse_file(FRAG "56309036-4c77-4dd9-951a-99ee9c246a94-r101.core.xml",
	    &c);
	guid_format(&c.id, g, false);
	assert_string_equal(g, "56309036-4c77-4dd9-951a-99ee9c246a94");
	assert_int_equal(c.revision, 101);
	assert_int_equal(c.type, UT_CATEGORY);
	assert_int_equal(c.is_installed, 1);
	assert_int_equal(c.is_installable, -1);
	assert_int_equal(c.nprereqs, 0);
	core_free(&c);

	/* OOBE ZDP: WindowsVersion >= 6.3, ProductType 1 */
	parse_file(FRAG "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202.core.xml",
	    &c);
	assert_int_equal(c.nprereqs, 1);
	assert_true(c.prereqs[0].is_category);
	assert_int_equal(c.prereqs[0].n, 1);
	assert_int_equal(c.is_installed, 1);
	core_free(&c);
	load_machine("[machine]\nproduct_type = 3\n");
	parse_file(FRAG "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202.core.xml",
	    &c);
	assert_int_equal(c.is_installed, 0);
	core_free(&c);
	load_machine("[machine]\nos_version = 6.1.7601\n");
	parse_file(FRAG "dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202.core.xml",
	    &c);
	assert_int_equal(c.is_installed, 0);
	core_free(&c);
}

static void
test_real_bundle(void **state)
{
	struct core c;
	char g[GUID_STRLEN + 1];

	(void)state;
	parse_file(FRAG "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.core.xml",
	    &c);
	assert_int_equal(c.type, UT_SOFTWARE);
	/* two bare prerequisites, two category clauses */
	assert_int_equal(c.nprereqs, 4);
	assert_false(c.prereqs[0].is_category);
	assert_int_equal(c.prereqs[0].n, 1);
	assert_true(c.prereqs[3].is_category);
	guid_format(&c.prereq_ids[c.prereqs[2].first], g, false);
	assert_string_equal(g, "e0789628-ce08-4437-be74-2495b842f43b");
	/* four AtLeastOne groups of bundled updates */
	assert_int_equal(c.nbundles, 4);
	assert_int_equal(c.bundles[0].n, 7);
	assert_int_equal(c.bundles[1].n, 7);
	assert_int_equal(c.bundles[2].n, 7);
	assert_true(c.nbundle_ids > 100);
	guid_format(&c.bundle_ids[c.bundles[0].first + 5], g, false);
	assert_string_equal(g, "ccb78947-6453-4ecc-9de8-bc0305c98f2d");
	/* superseded ids are not prerequisites */
	assert_int_equal(c.nprereq_ids, 4);
	assert_int_equal(c.is_installed, -1);
	assert_int_equal(c.is_installable, -1);
	core_free(&c);
}

/* The real Defender delta: installed when both files have the version. */
static void
test_real_rules(void **state)
{
	struct core c;
	const char *sig = "[registry]\n"
	    "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\"
	    "SignatureLocation = sz:C:\\ProgramData\\Microsoft\\Windows "
	    "Defender\\Definition Updates\\{AB}\n";
	char *m;

	(void)state;
	load_machine(sig);
	parse_file(FRAG "266f6222-c89d-43f2-9f8a-69340271e677-r200.core.xml",
	    &c);
	assert_int_equal(c.is_installed, 0);	/* the files are missing */
	core_free(&c);
	m = xasprintf("%s[files]\nC:\\ProgramData\\Microsoft\\Windows Defender\\"
	    "Definition Updates\\{AB}\\mpasdlta.vdm = 1.459.547.0\n"
	    "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\"
	    "{AB}\\mpavdlta.vdm = 1.459.600.0\n", sig);
	load_machine(m);
	free(m);
	parse_file(FRAG "266f6222-c89d-43f2-9f8a-69340271e677-r200.core.xml",
	    &c);
	assert_int_equal(c.is_installed, 1);
	/* b.LicenseDword is not simulated */
	assert_true(c.unknown_rules > 0);
	core_free(&c);
	/* SignatureType = 1 makes the Not(...) false */
	m = xasprintf("%sHKLM\\SOFTWARE\\Microsoft\\Windows Defender\\"
	    "Signature Updates\\SignatureType = dword:1\n[files]\n"
	    "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\"
	    "{AB}\\mpasdlta.vdm = 1.459.547.0\n"
	    "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\"
	    "{AB}\\mpavdlta.vdm = 1.459.547.0\n", sig);
	load_machine(m);
	free(m);
	parse_file(FRAG "266f6222-c89d-43f2-9f8a-69340271e677-r200.core.xml",
	    &c);
	assert_int_equal(c.is_installed, 0);
	core_free(&c);
}

static void
test_logic(void **state)
{
	(void)state;
	assert_int_equal(installed("<True />"), 1);
	assert_int_equal(installed("<False />"), 0);
	assert_int_equal(installed("<Not><False /></Not>"), 1);
	assert_int_equal(installed("<And><True /><True /></And>"), 1);
	assert_int_equal(installed("<And><True /><False /></And>"), 0);
	assert_int_equal(installed("<And />"), 1);
	assert_int_equal(installed("<Or />"), 0);
	assert_int_equal(installed("<Or><False /><True /></Or>"), 1);
	assert_int_equal(installed("<Or><And><True /><Not><True /></Not></And>"
	    "<Not><Or><False /></Or></Not></Or>"), 1);
	/* an empty IsInstalled is no rule */
	assert_int_equal(installed(""), -1);
	/* unknown rules take the machine's default */
	assert_int_equal(installed("<b.WmiQuery Namespace=\"x\" "
	    "WqlQuery=\"y\" />"), 0);
	assert_int_equal(installed("<Not><m.MsiProductInstalled "
	    "ProductCode=\"{1}\" /></Not>"), 1);
	M.unknown_rule_value = true;
	assert_int_equal(installed("<b.WmiQuery />"), 1);
	M.unknown_rule_value = false;
	/* Not takes one operand */
	assert_int_equal(installed("<Not><True /><True /></Not>"), -2);
}

static void
test_rules(void **state)
{
	(void)state;
	/* default machine: 10.0.26200 SP0, product type 1, suite 256 */
	assert_int_equal(installed("<b.WindowsVersion MajorVersion=\"10\" />"),
	    1);
	assert_int_equal(installed("<b.WindowsVersion Comparison=\"LessThan\" "
	    "MajorVersion=\"10\" MinorVersion=\"0\" BuildNumber=\"26201\" />"),
	    1);
	assert_int_equal(installed("<b.WindowsVersion Comparison=\"GreaterThan"
	    "\" MajorVersion=\"10\" MinorVersion=\"0\" BuildNumber=\"26200\" />"),
	    0);
	assert_int_equal(installed("<b.WindowsVersion Comparison=\"EqualTo\" "
	    "MajorVersion=\"10\" ProductType=\"3\" />"), 0);
	assert_int_equal(installed("<b.WindowsVersion Comparison=\"GreaterThan"
	    "OrEqualTo\" MajorVersion=\"6\" SuiteMask=\"256\" />"), 1);
	assert_int_equal(installed("<b.WindowsVersion MajorVersion=\"10\" "
	    "SuiteMask=\"257\" AllSuitesMustBePresent=\"true\" />"), 0);
	assert_int_equal(installed("<b.WindowsLanguage Language=\"en\" />"), 1);
	assert_int_equal(installed("<b.WindowsLanguage Language=\"de\" />"), 0);
	assert_int_equal(installed("<b.Processor Architecture=\"9\" />"), 1);
	assert_int_equal(installed("<b.Processor Architecture=\"12\" />"), 0);
	load_machine("[registry]\n"
	    "HKLM\\SOFTWARE\\C\\D = dword:5\n"
	    "HKLM\\SOFTWARE\\C\\Q = qword:8589934592\n"
	    "HKLM\\SOFTWARE\\C\\S = sz:Hello World\n"
	    "HKLM\\SOFTWARE\\C\\E = expand_sz:%SystemRoot%\\x\n"
	    "HKLM\\SOFTWARE\\C\\Dir = sz:C:\\App\n"
	    "HKLM\\SOFTWARE\\K\\Sub = key\n"
	    "[files]\n"
	    "C:\\App\\tool.exe = 2.0.0.0\n"
	    "C:\\Windows\\System32\\kernel32.dll = 10.0.26100.1\n");
	assert_int_equal(installed("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"D\" Comparison=\"EqualTo\" "
	    "Data=\"5\" />"), 1);
	assert_int_equal(installed("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"D\" Comparison=\"GreaterThan\" "
	    "Data=\"5\" />"), 0);
	/* a missing value is false, a value of another type too */
	assert_int_equal(installed("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"X\" Comparison=\"EqualTo\" "
	    "Data=\"0\" />"), 0);
	assert_int_equal(installed("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"S\" Comparison=\"EqualTo\" "
	    "Data=\"0\" />"), 0);
	assert_int_equal(installed("<b.RegQword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"Q\" Comparison=\"GreaterThan\" "
	    "Data=\"4294967296\" />"), 1);
	assert_int_equal(installed("<b.RegSz Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"S\" Comparison=\"Contains\" "
	    "Data=\"lo wo\" />"), 1);
	assert_int_equal(installed("<b.RegSz Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"S\" Comparison=\"BeginsWith\" "
	    "Data=\"World\" />"), 0);
	assert_int_equal(installed("<b.RegSz Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"S\" Comparison=\"EndsWith\" "
	    "Data=\"WORLD\" />"), 1);
	assert_int_equal(installed("<b.RegExpandSz Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"E\" Data=\"%SystemRoot%\\x\" />"),
	    1);
	assert_int_equal(installed("<b.RegValueExists Key=\"HKEY_LOCAL_MACHINE"
	    "\" Subkey=\"SOFTWARE\\C\" Value=\"D\" Type=\"REG_DWORD\" />"), 1);
	assert_int_equal(installed("<b.RegValueExists Key=\"HKEY_LOCAL_MACHINE"
	    "\" Subkey=\"SOFTWARE\\C\" Value=\"D\" Type=\"REG_SZ\" />"), 0);
	assert_int_equal(installed("<b.RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\K\" />"), 1);
	assert_int_equal(installed("<b.RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\None\" />"), 0);
	assert_int_equal(installed("<b.FileVersionPrependRegSz Path=\"tool.exe"
	    "\" Comparison=\"GreaterThanOrEqualTo\" Version=\"1.9\" Key=\""
	    "HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\C\" Value=\"Dir\" />"), 1);
	assert_int_equal(installed("<b.FileExistsPrependRegSz Path=\"nope.exe"
	    "\" Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\C\" Value=\"Dir\""
	    " />"), 0);
	/* the prepended value is missing: false */
	assert_int_equal(installed("<b.FileExistsPrependRegSz Path=\"tool.exe"
	    "\" Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"SOFTWARE\\C\" Value=\"No\""
	    " />"), 0);
	/* CSIDL 37 = System32 */
	assert_int_equal(installed("<b.FileVersion Path=\"kernel32.dll\" "
	    "Csidl=\"37\" Comparison=\"LessThan\" Version=\"10.0.26100.2\" />"),
	    1);
	assert_int_equal(installed("<b.FileExists Path=\"C:\\App\\tool.exe\" "
	    "/>"), 1);
	/* malformed rules count as unknown (default false) */
	assert_int_equal(installed("<b.RegDword Key=\"HKEY_LOCAL_MACHINE\" "
	    "Subkey=\"SOFTWARE\\C\" Value=\"D\" Comparison=\"Sideways\" "
	    "Data=\"5\" />"), 0);
	assert_int_equal(installed("<Not><b.FileVersion Path=\"a\" Csidl=\"999"
	    "\" Version=\"1\" /></Not>"), 1);
}

static void
test_driver_and_installable(void **state)
{
	static const char xml[] =
	    "<UpdateIdentity UpdateID=\"00000000-0000-0000-0000-0000000000aa\" "
	    "RevisionNumber=\"3\" /><Properties UpdateType=\"Driver\" />"
	    "<ApplicabilityRules><IsInstallable><True /></IsInstallable>"
	    "<Metadata><d.WindowsDriverMetaData HardwareID=\"PCI\\VEN_8086&amp;"
	    "DEV_100E\" DriverVerDate=\"2020-01-01\" /></Metadata>"
	    "</ApplicabilityRules>";
	struct core c;
	char err[256];

	(void)state;
	assert_int_equal(core_parse(xml, strlen(xml), &M, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.type, UT_DRIVER);
	assert_int_equal(c.nhwids, 1);
	assert_string_equal(c.hwids[0], "PCI\\VEN_8086&DEV_100E");
	assert_int_equal(c.is_installable, 1);
	assert_int_equal(c.is_installed, -1);
	core_free(&c);
}

static void
test_hostile(void **state)
{
	static const char *const bad[] = {
		"",					/* no identity */
		"<Properties UpdateType=\"Software\" />",
		"<UpdateIdentity UpdateID=\"x\" RevisionNumber=\"1\" />",
		"<UpdateIdentity UpdateID=\"00000000-0000-0000-0000-000000000001\""
		    " RevisionNumber=\"-1\" />",
		"<UpdateIdentity UpdateID=\"00000000-0000-0000-0000-000000000001\""
		    " RevisionNumber=\"1\" /><a>",	/* not well-formed */
		"<!DOCTYPE r [<!ENTITY a \"b\">]><a/>",
		"<UpdateIdentity UpdateID=\"00000000-0000-0000-0000-000000000001\""
		    " RevisionNumber=\"1\" />&undefined;",
		"<?xml version=\"1.0\"?><a/>",
		"<UpdateIdentity UpdateID=\"00000000-0000-0000-0000-000000000001\""
		    " RevisionNumber=\"1\" /><Relationships><Prerequisites>"
		    "<UpdateIdentity /></Prerequisites></Relationships>",
	};
	struct core c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (core_parse(bad[i], strlen(bad[i]), &M, &c, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err, "core fragment"));
		assert_null(c.prereq_ids);
	}
	/* nesting is bounded */
	{
		struct buf b;
		buf_init(&b, 1 << 20);
		buf_puts(&b, "<UpdateIdentity UpdateID=\"00000000-0000-0000-"
		    "0000-000000000001\" RevisionNumber=\"1\" />"
		    "<ApplicabilityRules><IsInstalled>");
		for (int i = 0; i < 100; i++)
			buf_puts(&b, "<Not>");
		buf_puts(&b, "<True />");
		for (int i = 0; i < 100; i++)
			buf_puts(&b, "</Not>");
		buf_puts(&b, "</IsInstalled></ApplicabilityRules>");
		assert_int_equal(core_parse(b.data, b.len, &M, &c, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "deeper"));
		buf_free(&b);
	}
	/* so is the number of related ids */
	{
		struct buf b;
		buf_init(&b, 64u << 20);
		buf_puts(&b, "<UpdateIdentity UpdateID=\"00000000-0000-0000-"
		    "0000-000000000001\" RevisionNumber=\"1\" /><Relationships>"
		    "<BundledUpdates><AtLeastOne>");
		for (int i = 0; i < CORE_MAX_IDS + 1; i++)
			buf_puts(&b, "<UpdateIdentity UpdateID=\"00000000-0000-"
			    "0000-0000-000000000002\" />");
		buf_puts(&b, "</AtLeastOne></BundledUpdates></Relationships>");
		assert_false(b.failed);
		assert_int_equal(core_parse(b.data, b.len, &M, &c, err,
		    sizeof(err)), -1);
		buf_free(&b);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_categories, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_real_bundle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_real_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_and_installable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};

	if (argc > 1)
		fixtures = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
