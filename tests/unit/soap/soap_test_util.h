/*
 * soap_test_util.h — helpers shared by the SOAP layer's test programs:
 * reading a fixture from tests/fixtures/soap (SOAP_FIXTURES in the
 * environment, set by meson) and parsing one with the usual options.
 */
#ifndef WSUSD_TEST_SOAP_UTIL_H
#define WSUSD_TEST_SOAP_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/soap_request.h"
#include "util/fsutil.h"

/* Read tests/fixtures/soap/<rel>; fails the test when absent. */
static inline char *
fixture(const char *rel, size_t *len)
{
	const char *dir = getenv("SOAP_FIXTURES");
	char path[4096], *data = NULL;

	if (dir == NULL)
		dir = "tests/fixtures/soap";
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (read_file(path, 64u << 20, &data, len) == -1) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		abort();
	}
	return data;
}

/* Parse a whole file as a response/document: no Content-Type or action checks. */
static inline enum soap_err
parse_doc(const char *data, size_t len, unsigned extra_flags,
    struct soap_request **out, char *err, size_t errlen)
{
	struct soap_parse_opts o;

	soap_parse_opts_default(&o);
	o.flags = SOAP_PARSE_ANY_CT | SOAP_PARSE_NO_ACTION | extra_flags;
	return soap_request_parse(data, len, NULL, NULL, &o, out, err, errlen);
}

#endif
