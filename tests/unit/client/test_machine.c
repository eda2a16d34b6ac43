/*
 * test_machine.c — machine files (INI and JSON), their errors, and the
 * lookups the rule evaluator uses.
 */
#include "client_test.h"

#include "client/machine.h"

static const char ini[] =
    "# a test machine\n"
    "[machine]\n"
    "client_id = {E1DA06A3-5601-43C9-BAC3-52D5DB701494}\n"
    "dns_name = pc01.example.org\n"
    "os_version = 10.0.19045.3930\n"
    "service_pack = 1.2\n"
    "product_type = 3\n"
    "architecture = X86\n"
    "target_groups = Servers ; Web;;\n"
    "languages = en, de-DE\n"
    "bios_date = 2020-05-06\n"
    "unknown_rules = true\n"
    "\n"
    "[installed]\n"
    "update = 56309036-4c77-4dd9-951a-99ee9c246a94\n"
    "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d\n"
    "[fail_install]\n"
    "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe\n"
    "[registry]\n"
    "HKLM\\SOFTWARE\\Contoso\\Patches\\KB5000001 = dword:1\n"
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Big = qword:0x100000000\n"
    "HKLM\\SOFTWARE\\Contoso\\Path = sz:C:\\Program Files\\Contoso\n"
    "HKLM\\SOFTWARE\\Contoso\\Empty\\Sub = key\n"
    "HKLM\\SOFTWARE\\Contoso\\Multi = multi_sz:a|b\n"
    "HKLM\\SOFTWARE\\Contoso\\Blob = binary:00ff10\n"
    "[files]\n"
    "C:\\Program Files\\Contoso\\app.exe = 1.2.3.4\n"
    "C:/Windows/System32/x.dll = -\n"
    "[devices]\n"
    "device = PCI\\VEN_8086&DEV_100E&SUBSYS_11001AF4 ; PCI\\VEN_8086&DEV_100E | PCI\\CC_0200\n"
    "[computer_hwids]\n"
    "hwid = 0a1b2c3d-0000-0000-0000-000000000001\n";

static void
test_defaults(void **state)
{
	struct machine m;

	(void)state;
	machine_default(&m);
	assert_string_equal(m.dns_name, "REDACTED3");
	assert_int_equal(m.os_build, 26200);
	assert_string_equal(m.arch, "AMD64");
	assert_string_equal(m.protocol_version, "2.90");
	assert_int_equal(m.client_version[2], 30012);
	assert_string_equal(machine_report_arch(&m), "Amd64Compatible");
	assert_int_equal(machine_processor_arch(&m), 9);
	assert_false(m.unknown_rule_value);
	assert_int_equal(m.client_id[0], '\0');
	machine_free(&m);
}

static void
test_ini(void **state)
{
	struct machine m;
	struct guid g;
	char err[256];
	const struct reg_entry *e;

	(void)state;
	machine_default(&m);
	if (machine_load_mem(&m, "t.ini", ini, strlen(ini), err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(m.client_id, "e1da06a3-5601-43c9-bac3-52d5db701494");
	assert_string_equal(m.dns_name, "pc01.example.org");
	assert_int_equal(m.os_major, 10);
	assert_int_equal(m.os_build, 19045);
	assert_int_equal(m.os_revision, 3930);
	assert_int_equal(m.sp_major, 1);
	assert_int_equal(m.sp_minor, 2);
	assert_int_equal(m.product_type, 3);
	assert_int_equal(machine_processor_arch(&m), 0);
	assert_string_equal(machine_report_arch(&m), "X86Compatible");
	assert_int_equal(m.ntarget_groups, 2);
	assert_string_equal(m.target_groups[0], "Servers");
	assert_string_equal(m.target_groups[1], "Web");
	assert_int_equal(m.nlanguages, 2);
	assert_true(m.unknown_rule_value);
	assert_int_equal(m.ninstalled, 2);
	guid_parsez("6964AAB4-C5B5-43BD-A17D-FFB4346A8E1D", &g);
	assert_true(machine_is_installed(&m, &g));
	guid_parsez("a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe", &g);
	assert_false(machine_is_installed(&m, &g));
	assert_true(machine_install_fails(&m, &g));
	machine_add_installed(&m, &g);
	assert_true(machine_is_installed(&m, &g));
	assert_int_equal(m.ninstalled, 3);

	/* registry: any case, HKLM abbreviation, trailing '\' */
	e = machine_reg_value(&m, "HKEY_LOCAL_MACHINE",
	    "software\\contoso\\patches\\", "kb5000001");
	assert_non_null(e);
	assert_int_equal(e->type, REG_T_DWORD);
	assert_int_equal(e->num, 1);
	e = machine_reg_value(&m, "HKLM", "SOFTWARE\\Contoso", "Big");
	assert_non_null(e);
	assert_int_equal(e->type, REG_T_QWORD);
	assert_true(e->num == 0x100000000ULL);
	e = machine_reg_value(&m, "HKEY_LOCAL_MACHINE", "SOFTWARE\\Contoso",
	    "Path");
	assert_non_null(e);
	assert_string_equal(e->str, "C:\\Program Files\\Contoso");
	e = machine_reg_value(&m, "HKEY_LOCAL_MACHINE", "SOFTWARE\\Contoso",
	    "Blob");
	assert_non_null(e);
	assert_int_equal(e->strlen, 3);
	assert_int_equal((unsigned char)e->str[1], 0xff);
	assert_null(machine_reg_value(&m, "HKEY_LOCAL_MACHINE",
	    "SOFTWARE\\Contoso", "Missing"));
	assert_null(machine_reg_value(&m, "HKEY_CURRENT_USER",
	    "SOFTWARE\\Contoso", "Path"));
	assert_true(machine_reg_key_exists(&m, "HKEY_LOCAL_MACHINE",
	    "SOFTWARE\\Contoso"));
	assert_true(machine_reg_key_exists(&m, "HKEY_LOCAL_MACHINE",
	    "SOFTWARE\\Contoso\\Empty\\Sub"));
	assert_false(machine_reg_key_exists(&m, "HKEY_LOCAL_MACHINE",
	    "SOFTWARE\\Cont"));

	/* files: '/' or '\', any case, doubled separators */
	assert_non_null(machine_file(&m,
	    "c:\\program files\\contoso\\\\APP.EXE"));
	assert_int_equal(machine_file(&m,
	    "C:\\Program Files\\Contoso\\app.exe")->version[3], 4);
	assert_false(machine_file(&m, "C:\\Windows\\System32\\x.dll")->
	    has_version);
	assert_null(machine_file(&m, "C:\\nope.dll"));

	assert_int_equal(m.ndevices, 1);
	assert_int_equal(m.devices[0].nhwids, 2);
	assert_string_equal(m.devices[0].hwids[1], "PCI\\VEN_8086&DEV_100E");
	assert_int_equal(m.devices[0].ncompat, 1);
	assert_int_equal(m.ncomputer_hwids, 1);

	/* a copy is deep */
	{
		struct machine c;
		machine_copy(&c, &m);
		machine_free(&m);
		assert_string_equal(c.dns_name, "pc01.example.org");
		assert_non_null(machine_reg_value(&c, "HKLM",
		    "SOFTWARE\\Contoso", "Path"));
		assert_string_equal(c.devices[0].compat[0], "PCI\\CC_0200");
		machine_free(&c);
	}
}

static void
test_json(void **state)
{
	static const char js[] =
	    "{ \"dns_name\": \"json.example\", \"os_version\": \"6.3.9600\",\n"
	    "  \"product_type\": 1, \"unknown_rules\": false,\n"
	    "  \"target_groups\": [\"A\", \"B\"],\n"
	    "  \"installed\": [\"56309036-4c77-4dd9-951a-99ee9c246a94\"],\n"
	    "  \"registry\": { \"HKLM\\\\SOFTWARE\\\\X\\\\V\": 7,\n"
	    "                \"HKLM\\\\SOFTWARE\\\\X\\\\S\": \"sz:hello\" },\n"
	    "  \"files\": { \"C:\\\\a.dll\": \"10.0.1.2\" },\n"
	    "  \"devices\": [ { \"hardware_ids\": [\"USB\\\\VID_1\"],\n"
	    "                 \"compatible_ids\": [\"USB\\\\Class_03\"] },\n"
	    "               \"PCI\\\\VEN_1\" ] }";
	struct machine m;
	char err[256];

	(void)state;
	machine_default(&m);
	if (machine_load_mem(&m, "t.json", js, strlen(js), err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(m.dns_name, "json.example");
	assert_int_equal(m.os_minor, 3);
	assert_int_equal(m.os_build, 9600);
	assert_int_equal(m.ntarget_groups, 2);
	assert_int_equal(m.ninstalled, 1);
	assert_int_equal(machine_reg_value(&m, "HKLM", "SOFTWARE\\X", "V")->num,
	    7);
	assert_string_equal(machine_reg_value(&m, "HKLM", "SOFTWARE\\X",
	    "S")->str, "hello");
	assert_int_equal(machine_file(&m, "c:\\A.DLL")->version[0], 10);
	assert_int_equal(m.ndevices, 2);
	assert_string_equal(m.devices[0].compat[0], "USB\\Class_03");
	assert_string_equal(m.devices[1].hwids[0], "PCI\\VEN_1");
	machine_free(&m);
}

/* Each bad file is refused with a message naming the problem. */
static void
test_errors(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[machine]\nbogus = 1\n", "t:2: unknown key 'bogus'" },
		{ "[nope]\n", "unknown section [nope]" },
		{ "client_id = x\n", "outside of any section" },
		{ "[machine]\nclient_id = not-a-guid\n", "not a GUID" },
		{ "[machine]\nos_version = 10.x\n", "os_version" },
		{ "[machine]\nos_version = 70000.0\n", "os_version" },
		{ "[machine]\nproduct_type = 999\n", "from 0 to 255" },
		{ "[machine]\nprotocol_version = 2\n", "DIGITS.DIGITS" },
		{ "[machine]\nbios_date = 2020-13-01\n", "YYYY-MM-DD" },
		{ "[machine]\ndns_name = a\x01" "b\n", "control characters" },
		{ "[machine]\nmodel = \xff\xfe\n", "bad UTF-8" },
		/* overlong "/" and a surrogate: refused since util/utf8.h */
		{ "[machine]\nmodel = a\xe0\x80\xaf\n", "bad UTF-8" },
		{ "[machine]\nmodel = \xf0\x80\x80\xaf\n", "bad UTF-8" },
		{ "[machine]\nmodel = \xed\xa0\x80\n", "bad UTF-8" },
		{ "[files]\nC:\\\xe0\x80\xaf = 1.2.3.4\n", "bad path" },
		{ "[machine]\ndns_name =\n", "may not be empty" },
		{ "[machine]\nunknown_rules = maybe\n", "true or false" },
		{ "[installed]\nupdate = 1234\n", "not a GUID" },
		{ "[registry]\nHKXX\\a\\b = dword:1\n", "unknown root" },
		{ "[registry]\nHKLM = dword:1\n", "ROOT\\KEY\\VALUE" },
		{ "[registry]\nHKLM\\a\\b = dword:-1\n", "dword:N" },
		{ "[registry]\nHKLM\\a\\b = dword:4294967296\n", "dword:N" },
		{ "[registry]\nHKLM\\a\\b = int:1\n", "dword:N" },
		{ "[registry]\nHKLM\\a\\b = binary:0g\n", "dword:N" },
		{ "[files]\nC:\\a = 1.2.3.4.5\n", "not a version" },
		{ "[devices]\ndevice = |compat\n", "needs a hardware id" },
		{ "[machine\n", "bad section header" },
		{ "{ \"dns_name\": 1.5 }", "expected a string or a number" },
		{ "{ \"installed\": \"x\" }", "expected an array" },
		{ "{ \"a\": 1, \"a\": 2 }", "duplicate" },
		{ "{ \"registry\": [] }", "expected an object" },
		{ "[1, 2]", "unknown section" },
		{ " {} x", "line 1" },
		{ "{ \"target_groups\": [\"a;b\"] }", "';' inside an item" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct machine m;
		machine_default(&m);
		if (machine_load_mem(&m, "t", bad[i].text, strlen(bad[i].text),
		    err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i].text);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text,
			    err, bad[i].want);
		/* a failed load leaves the defaults */
		assert_string_equal(m.dns_name, "REDACTED3");
		assert_int_equal(m.nreg, 0);
		machine_free(&m);
	}
	/* lines are bounded */
	{
		struct machine m;
		char *big = malloc(20000);
		memset(big, 'a', 19999);
		big[19999] = '\0';
		memcpy(big, "[machine]\nmodel = ", 18);
		machine_default(&m);
		assert_int_equal(machine_load_mem(&m, "t", big, strlen(big), err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "line too long"));
		machine_free(&m);
		free(big);
	}
	/* a missing file */
	{
		struct machine m;
		machine_default(&m);
		assert_int_equal(machine_load(&m, "/nonexistent/machine.ini", err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "No such file"));
		machine_free(&m);
	}
}

/* Dates, hex and device lists are read strictly (no sscanf leniency). */
static void
test_strict(void **state)
{
	static const char *const bad[] = {
		"[machine]\nbios_date = +020-05-06\n",
		"[machine]\nbios_date =  2020-5-06\n",
		"[machine]\nbios_date = 2020/05/06\n",
		"[machine]\nbios_date = 2020-05-0x\n",
		"[machine]\nbios_date = 2020-05-066\n",
		"[registry]\nHKLM\\a\\b = binary:0G\n",
		"[registry]\nHKLM\\a\\b = binary: 1\n",
		"[registry]\nHKLM\\a\\b = binary:abc\n",
	};
	static const char good[] =
	    "[machine]\nbios_date = 1999-12-31\n[registry]\n"
	    "HKLM\\a\\b = binary:AbCd09\n";
	static const char json[] =
	    "{ \"devices\": [ { \"hardware_ids\": [\"A\", \"B\"],\n"
	    "    \"compatible_ids\": [\"C\", \"D\"] } ] }";
	const struct reg_entry *e;
	struct machine m;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		machine_default(&m);
		if (machine_load_mem(&m, "t", bad[i], strlen(bad[i]), err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		machine_free(&m);
	}
	machine_default(&m);
	assert_int_equal(machine_load_mem(&m, "t", good, strlen(good), err,
	    sizeof(err)), 0);
	assert_string_equal(m.bios_date, "1999-12-31");
	e = machine_reg_value(&m, "HKLM", "a", "b");
	assert_non_null(e);
	assert_int_equal(e->type, REG_T_BINARY);
	assert_int_equal(e->strlen, 3);
	assert_memory_equal(e->str, "\xab\xcd\x09", 3);
	machine_free(&m);
	machine_default(&m);
	assert_int_equal(machine_load_mem(&m, "t", json, strlen(json), err,
	    sizeof(err)), 0);
	assert_int_equal(m.ndevices, 1);
	assert_int_equal(m.devices[0].nhwids, 2);
	assert_string_equal(m.devices[0].hwids[0], "A");
	assert_string_equal(m.devices[0].hwids[1], "B");
	assert_int_equal(m.devices[0].ncompat, 2);
	assert_string_equal(m.devices[0].compat[1], "D");
	machine_free(&m);
}

static void
test_version4(void **state)
{
	uint16_t v[4];

	(void)state;
	assert_int_equal(parse_version4("1.459.547.0", v), 0);
	assert_int_equal(v[1], 459);
	assert_int_equal(parse_version4("10", v), 0);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[1], 0);
	assert_int_equal(parse_version4("", v), -1);
	assert_int_equal(parse_version4("1..2", v), -1);
	assert_int_equal(parse_version4("1.2.", v), -1);
	assert_int_equal(parse_version4("65536", v), -1);
	assert_int_equal(parse_version4("1.2.3.4.5", v), -1);
	assert_int_equal(parse_version4("-1", v), -1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_version4),
	};

	(void)argc;
	(void)argv;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
