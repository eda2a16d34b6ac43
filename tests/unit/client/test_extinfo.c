/*
 * test_extinfo.c — Extended and LocalizedProperties fragments: the real
 * ones of the test data and hostile ones.
 */
#include "client_test.h"

#include "client/extinfo.h"
#include "util/encode.h"

#define FRAG "update-metadata/wusp-client-fragments/"

static void
parse(const char *name, struct ext_info *e)
{
	size_t len;
	char *t = fixture(name, &len), err[256];

	if (ext_parse(t, len, e, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	free(t);
}

static void
test_real(void **state)
{
	struct ext_info e;
	char hex[65];

	(void)state;
	memset(&e, 0, sizeof(e));
	parse(FRAG "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.extended.xml", &e);
	assert_true(e.have_extended);
	assert_string_equal(e.kb, "2267602");
	assert_int_equal(e.nfiles, 0);
	parse(FRAG "a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.localized-en.xml",
	    &e);
	assert_true(e.have_localized);
	assert_string_equal(e.language, "en");
	assert_non_null(strstr(e.title, "KB2267602"));
	ext_free(&e);

	memset(&e, 0, sizeof(e));
	parse(FRAG "266f6222-c89d-43f2-9f8a-69340271e677-r200.extended.xml", &e);
	assert_int_equal(e.nfiles, 1);
	assert_string_equal(e.files[0].name, "AM_Delta.exe");
	assert_true(e.files[0].size == 11606440);
	hex_encode(e.files[0].sha1, 20, hex, 0);
	assert_string_equal(hex, "87f5bd0469585006aa5d3a77d1c662fd2895ddcd");
	assert_true(e.files[0].has_sha256);
	assert_null(e.kb);
	ext_free(&e);
}

static void
test_languages(void **state)
{
	static const char de[] = "<LocalizedProperties><Language>de</Language>"
	    "<Title>Titel</Title></LocalizedProperties>";
	static const char en[] = "<LocalizedProperties><Language>en</Language>"
	    "<Title>Title &amp; more</Title><Description>D</Description>"
	    "</LocalizedProperties>";
	struct ext_info e;
	char err[128];

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(ext_parse(de, strlen(de), &e, err, sizeof(err)), 0);
	assert_string_equal(e.title, "Titel");
	/* English replaces another language ... */
	assert_int_equal(ext_parse(en, strlen(en), &e, err, sizeof(err)), 0);
	assert_string_equal(e.title, "Title & more");
	assert_string_equal(e.description, "D");
	/* ... but not the other way round */
	assert_int_equal(ext_parse(de, strlen(de), &e, err, sizeof(err)), 0);
	assert_string_equal(e.title, "Title & more");
	ext_free(&e);
}

static void
test_hostile(void **state)
{
	static const char *const bad[] = {
		"<Files><File FileName=\"a.exe\" Size=\"1\" /></Files>",
		"<Files><File Digest=\"AAAA\" FileName=\"a.exe\" Size=\"1\" />"
		    "</Files>",
		"<Files><File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0=\" "
		    "FileName=\"../x\" Size=\"1\" /></Files>",
		"<Files><File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0=\" "
		    "FileName=\"a\\b\" Size=\"1\" /></Files>",
		"<Files><File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0=\" "
		    "FileName=\"a.exe\" Size=\"-1\" /></Files>",
		"<Files><File Digest=\"h/W9BGlYUAaqXTp30cZi/SiV3c0=\" "
		    "FileName=\"a.exe\" Size=\"1\"><AdditionalDigest Algorithm="
		    "\"SHA256\">AAAA</AdditionalDigest></File></Files>",
		"<ExtendedProperties>",
		"<!DOCTYPE a><a/>",
	};
	struct ext_info e;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (ext_parse(bad[i], strlen(bad[i]), &e, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		ext_free(&e);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_hostile),
	};

	if (argc > 1)
		fixtures = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
