/*
 * soap_request_test.h — what the request reader's two test programs
 * (test_soap_request.c, test_soap_hostile.c) share: the usual
 * Content-Type and SOAPAction values, a minimal envelope, and try_parse()
 * which checks the error contract of soap_request_parse().
 */
#ifndef WSUSD_TEST_SOAP_REQUEST_TEST_H
#define WSUSD_TEST_SOAP_REQUEST_TEST_H

#include <stdlib.h>
#include <string.h>

#include "soap/soap.h"
#include "soap/soap_request.h"

#define CT11	"text/xml; charset=utf-8"
#define ACT_CLIENT(op)	"\"" SOAP_NS_CLIENT "/" op "\""
#define ACT_SWDIST(op)	"\"" SOAP_NS_SWDIST "/" op "\""

static char errbuf[256];

/* Parse a literal body; returns the error and frees any result. */
static inline enum soap_err
try_parse(const char *body, size_t len, const char *ct, const char *action,
    const struct soap_parse_opts *o)
{
	struct soap_request *r = (struct soap_request *)1;
	enum soap_err e;

	errbuf[0] = '\0';
	e = soap_request_parse(body, len, ct, action, o, &r, errbuf,
	    sizeof(errbuf));
	if (e != SOAP_OK) {
		assert_null(r);
		assert_true(errbuf[0] != '\0');
	} else
		assert_non_null(r);
	soap_request_free(r == (struct soap_request *)1 ? NULL : r);
	return e;
}

static inline enum soap_err
try_str(const char *body, const char *action)
{
	return try_parse(body, strlen(body), CT11, action, NULL);
}

#define ENV11_OPEN "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
#define ENV11_CLOSE "</s:Body></s:Envelope>"
#define OP(body) ENV11_OPEN "<GetConfig xmlns=\"" SOAP_NS_CLIENT "\">" body "</GetConfig>" ENV11_CLOSE

#endif
