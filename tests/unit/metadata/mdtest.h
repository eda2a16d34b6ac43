/*
 * mdtest.h — helpers shared by the metadata unit tests: reading fixtures
 * from $METADATA_FIXTURES (set by tests/unit/metadata/meson.build to
 * tests/fixtures/update-metadata).  Header-only; each test includes it once.
 */
#ifndef WSUSD_TEST_MDTEST_H
#define WSUSD_TEST_MDTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/fsutil.h"

/* The nine real documents, as <id>-r<rev>. */
static const char *const md_docs[] = {
	"56309036-4c77-4dd9-951a-99ee9c246a94-r101",
	"6964aab4-c5b5-43bd-a17d-ffb4346a8e1d-r100",
	"dd78b8a1-0b20-45c1-add6-4da72e9364cf-r202",
	"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200",
	"266f6222-c89d-43f2-9f8a-69340271e677-r200",
	"7366a74a-ef29-44e1-b738-570b516aca1f-r200",
	"ff36f0b5-dded-4780-8664-cd78af8b62c1-r200",
	"1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200",
	"ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200",
};
#define MD_NDOCS (sizeof(md_docs) / sizeof(md_docs[0]))

static inline const char *
md_fixture_dir(void)
{
	const char *d = getenv("METADATA_FIXTURES");

	if (d == NULL || *d == '\0') {
		fprintf(stderr, "METADATA_FIXTURES is not set\n");
		abort();
	}
	return d;
}

/* Read fixture rel (printf format) or fail the test; NULL if missing and
 * !must. */
static inline char *
md_read(size_t *len, int must, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline char *
md_read(size_t *len, int must, const char *fmt, ...)
{
	char rel[512], path[1024], *data = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", md_fixture_dir(), rel);
	if (read_file(path, 64u << 20, &data, len) == -1) {
		if (must) {
			fprintf(stderr, "cannot read fixture %s\n", path);
			fail();
		}
		return NULL;
	}
	return data;
}

#endif
