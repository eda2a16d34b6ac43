/*
 * soap_headers.h — inside the soap module only: parsing the Content-Type
 * and SOAPAction headers of a request (soap_headers.c), used by
 * soap_request_parse().  Public: soap_content_type_version() in
 * soap_request.h.
 */
#ifndef WSUSD_SOAP_SOAP_HEADERS_H
#define WSUSD_SOAP_SOAP_HEADERS_H

#include <stddef.h>

/*
 * Parse a Content-Type: media type into mt (lower-cased), and the
 * charset and action parameters (unquoted) into the given buffers ("" if
 * absent).  -1 on syntax errors or oversize values.
 */
int	soap_parse_content_type(const char *ct, char *mt, size_t mtlen,
	    char *charset, size_t cslen, char *action, size_t aclen);
/*
 * The SOAPAction header value without its quotes and surrounding white
 * space, into out; "" for an empty action.  -1 for an unbalanced quote or
 * an oversize value.
 */
int	soap_unquote_action(const char *v, char *out, size_t outlen);

#endif
