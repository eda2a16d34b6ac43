/*
 * test_store_util.c — backend-independent parts of the store: rc names,
 * input normalisation shared by the backends, and zlib blobs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "store/store.h"
#include "store/store_util.h"
#include "store/zblob.h"

static void
test_rc_names(void **state)
{
	(void)state;
	assert_string_equal(store_rc_name(STORE_OK), "ok");
	assert_string_equal(store_rc_name(STORE_NOTFOUND), "not found");
	assert_string_equal(store_rc_name(STORE_EXISTS), "already exists");
	assert_string_equal(store_rc_name(STORE_INVALID), "invalid request");
	assert_string_equal(store_rc_name(STORE_BUSY), "database busy");
	assert_string_equal(store_rc_name(STORE_ERROR), "database error");
	assert_string_equal(store_rc_name(99), "unknown store error");
	assert_string_equal(store_errmsg(NULL), "no store");
	store_close(NULL);
}

static void
test_guid(void **state)
{
	char g[GUID_STRLEN + 1];

	(void)state;
	assert_int_equal(store_guid_norm("A0A08746-4DBE-4A37-9ADF-9E7652C0B421",
	    g), 0);
	assert_string_equal(g, GROUP_ALL_COMPUTERS_GUID);
	assert_int_equal(store_guid_norm("a0a08746-4dbe-4a37-9adf-9e7652c0b42",
	    g), -1);
	assert_int_equal(store_guid_norm("a0a08746-4dbe-4a37-9adf-9e7652c0b4211",
	    g), -1);
	assert_int_equal(store_guid_norm("a0a08746+4dbe-4a37-9adf-9e7652c0b421",
	    g), -1);
	assert_int_equal(store_guid_norm("g0a08746-4dbe-4a37-9adf-9e7652c0b421",
	    g), -1);
	assert_int_equal(store_guid_norm("{0a08746-4dbe-4a37-9adf-9e7652c0b421",
	    g), -1);
	assert_int_equal(store_guid_norm("", g), -1);
	assert_int_equal(store_guid_norm(NULL, g), -1);
}

static void
test_kb_lang(void **state)
{
	char kb[32], lang[16];

	(void)state;
	assert_int_equal(store_kb_norm("KB5034441", kb, sizeof(kb)), 0);
	assert_string_equal(kb, "5034441");
	assert_int_equal(store_kb_norm("kb12", kb, sizeof(kb)), 0);
	assert_string_equal(kb, "12");
	assert_int_equal(store_kb_norm("890830", kb, sizeof(kb)), 0);
	assert_string_equal(kb, "890830");
	assert_int_equal(store_kb_norm("KB", kb, sizeof(kb)), -1);
	assert_int_equal(store_kb_norm("KB12a", kb, sizeof(kb)), -1);
	assert_int_equal(store_kb_norm("KB 12", kb, sizeof(kb)), -1);
	assert_int_equal(store_kb_norm("12345678901234567", kb, sizeof(kb)),
	    -1);
	assert_int_equal(store_kb_norm("123", kb, 3), -1);
	assert_int_equal(store_kb_norm(NULL, kb, sizeof(kb)), -1);

	assert_int_equal(store_lang_norm("zh-TW", lang), 0);
	assert_string_equal(lang, "zh-tw");
	assert_int_equal(store_lang_norm("en", lang), 0);
	assert_int_equal(store_lang_norm("", lang), -1);
	assert_int_equal(store_lang_norm("en_US", lang), -1);
	assert_int_equal(store_lang_norm("0123456789abcdef", lang), -1);
	assert_int_equal(store_lang_norm(NULL, lang), -1);
}

static void
test_group_names(void **state)
{
	char err[128], name[GROUP_NAME_MAX + 2];

	(void)state;
	assert_int_equal(store_group_name_check("Servers", err, sizeof(err)), 0);
	assert_int_equal(store_group_name_check("Caf\xc3\xa9 \xe2\x82\xac "
	    "\xf0\x9f\x98\x80", err, sizeof(err)), 0);
	assert_int_equal(store_group_name_check("", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(store_group_name_check(NULL, err, sizeof(err)), -1);
	assert_int_equal(store_group_name_check("a\x7f", err, sizeof(err)), -1);
	assert_int_equal(store_group_name_check("a\x1b[31m", err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "control"));
	assert_int_equal(store_group_name_check("a ", err, sizeof(err)), -1);
	/* Overlong, surrogate, truncated, C1 control. */
	assert_int_equal(store_group_name_check("\xc0\xaf", err, sizeof(err)),
	    -1);
	assert_int_equal(store_group_name_check("\xed\xa0\x80", err,
	    sizeof(err)), -1);
	assert_int_equal(store_group_name_check("a\xe2\x82", err, sizeof(err)),
	    -1);
	assert_int_equal(store_group_name_check("\xc2\x85", err, sizeof(err)),
	    -1);
	memset(name, 'n', sizeof(name));
	name[GROUP_NAME_MAX] = '\0';
	assert_int_equal(store_group_name_check(name, err, sizeof(err)), 0);
	name[GROUP_NAME_MAX] = 'n';
	name[GROUP_NAME_MAX + 1] = '\0';
	assert_int_equal(store_group_name_check(name, err, sizeof(err)), -1);
}

static void
test_zblob(void **state)
{
	struct zblob z;
	const uint8_t *out;
	char err[128], *back = NULL, text[5000];
	uint8_t copy[8192];
	size_t outlen, i;
	uLongf rawlen;

	(void)state;
	for (i = 0; i < sizeof(text); i++)
		text[i] = "<Update>abc</Update>"[i % 20];
	zblob_init(&z);
	assert_int_equal(zblob_compress(&z, text, sizeof(text), &out, &outlen,
	    err, sizeof(err)), 0);
	assert_true(outlen < sizeof(text) / 4);
	assert_true(outlen <= sizeof(copy));
	memcpy(copy, out, outlen);
	/* Plain zlib: uncompress(3) reads it. */
	{
		char plain[sizeof(text)];

		rawlen = sizeof(plain);
		assert_int_equal(uncompress((Bytef *)plain, &rawlen, copy,
		    (uLong)outlen), Z_OK);
		assert_int_equal(rawlen, sizeof(text));
		assert_memory_equal(plain, text, sizeof(text));
	}
	assert_int_equal(zblob_decompress(copy, outlen, sizeof(text),
	    ZBLOB_MAX, &back, err, sizeof(err)), 0);
	assert_memory_equal(back, text, sizeof(text));
	assert_int_equal(back[sizeof(text)], '\0');
	free(back);
	/* The stored length must match exactly, both ways. */
	assert_int_equal(zblob_decompress(copy, outlen, sizeof(text) - 1,
	    ZBLOB_MAX, &back, err, sizeof(err)), -1);
	assert_null(back);
	assert_int_equal(zblob_decompress(copy, outlen, sizeof(text) + 1,
	    ZBLOB_MAX, &back, err, sizeof(err)), -1);
	/* Bounded: a huge claimed length is refused before allocating. */
	assert_int_equal(zblob_decompress(copy, outlen, sizeof(text), 100,
	    &back, err, sizeof(err)), -1);
	assert_int_equal(zblob_decompress(copy, outlen, (size_t)1 << 40,
	    (size_t)1 << 41, &back, err, sizeof(err)), -1);
	/* Truncated and damaged streams. */
	assert_int_equal(zblob_decompress(copy, outlen / 2, sizeof(text),
	    ZBLOB_MAX, &back, err, sizeof(err)), -1);
	copy[outlen / 2] ^= 0x55;
	assert_int_equal(zblob_decompress(copy, outlen, sizeof(text),
	    ZBLOB_MAX, &back, err, sizeof(err)), -1);
	assert_null(back);
	assert_int_equal(zblob_decompress(NULL, 0, 0, ZBLOB_MAX, &back, err,
	    sizeof(err)), -1);
	/* Reuse of the state; the empty blob round-trips. */
	assert_int_equal(zblob_compress(&z, "", 0, &out, &outlen, err,
	    sizeof(err)), 0);
	memcpy(copy, out, outlen);
	assert_int_equal(zblob_decompress(copy, outlen, 0, ZBLOB_MAX, &back,
	    err, sizeof(err)), 0);
	assert_string_equal(back, "");
	free(back);
	assert_int_equal(zblob_compress(&z, text, (size_t)ZBLOB_MAX + 1, &out,
	    &outlen, err, sizeof(err)), -1);
	zblob_free(&z);
}

/*
 * store_seterr() wrapping the previous error (the store's own buffer as
 * a %s argument) gives that error once: it used to nest into itself
 * ("committing a batch ... (committing a batch ...").
 */
static void
test_seterr_wraps_without_nesting(void **state)
{
	struct store st;
	char want[sizeof(st.errmsg)];

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(store_seterr(&st, STORE_ERROR, "commit: %s",
	    "disk full"), STORE_ERROR);
	assert_string_equal(st.errmsg, "commit: disk full");
	assert_int_equal(store_seterr(&st, STORE_BUSY, "committing a batch of "
	    "%d imports failed (%s); they were not stored", 255, st.errmsg),
	    STORE_BUSY);
	assert_string_equal(st.errmsg, "committing a batch of 255 imports "
	    "failed (commit: disk full); they were not stored");
	/* the message as its own prefix argument: cut at the buffer, once */
	memset(st.errmsg, 'x', sizeof(st.errmsg) - 1);
	st.errmsg[sizeof(st.errmsg) - 1] = '\0';
	assert_int_equal(store_seterr(&st, STORE_ERROR, "%s%s", "ab",
	    st.errmsg), STORE_ERROR);
	memset(want, 'x', sizeof(want) - 1);
	want[0] = 'a';
	want[1] = 'b';
	want[sizeof(want) - 1] = '\0';
	assert_string_equal(st.errmsg, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc_names),
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_kb_lang),
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_zblob),
		cmocka_unit_test(test_seterr_wraps_without_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
