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

/*
 * The real answers (captured from WSUS and WUA, and the spec's) that the
 * parser and the writer tests both walk, as initializers of a const
 * char * array; paths below tests/fixtures/soap.
 */
#define SOAP_REAL_ANSWERS \
	"wusp-native-capture/scan/01-GetConfig.response.xml", \
	"wusp-native-capture/scan/02-GetAuthorizationCookie.response.xml", \
	"wusp-native-capture/scan/03-GetCookie.response.xml", \
	"wusp-native-capture/scan/04-RegisterComputer.response.xml", \
	"wusp-native-capture/scan/06-SyncUpdates-first.response.xml", \
	"wusp-native-capture/scan/08-SyncUpdates-third-leaf.response.xml", \
	"wusp-native-capture/scan/10-GetExtendedUpdateInfo.response.xml", \
	"wusp-other/get-file-locations-response.xml", \
	"wsusss-capture/000001-GetAuthConfig.response.xml", \
	"wsusss-capture/000003-GetCookie.response.xml", \
	"wsusss-capture/000005-GetConfigData.response.xml", \
	"wsusss-capture/000009-GetRevisionIdList-product+classification." \
	    "response.trimmed.xml", \
	"wsusss-capture/000013-GetUpdateData-bundle.response.xml", \
	"wsusss-capture/000014-GetUpdateData-leaf-with-file.response.xml", \
	"wsusss-capture/000015-GetUpdateData-small-uncompressed.response.xml", \
	"wsusss-capture/000016-GetUpdateData-category.response.xml"

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
