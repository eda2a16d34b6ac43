/*
 * soap_headers.c — the HTTP headers of a SOAP request: Content-Type
 * (media type, charset, SOAP 1.2 action parameter) and SOAPAction (see
 * soap_headers.h, and soap_content_type_version() in soap_request.h).
 * Not here: the envelope (soap_request.c).
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "soap/soap_headers.h"
#include "soap/soap_request.h"

/* Skip optional white space (RFC 9110 OWS). */
static const char *
ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Parse a Content-Type: media type into mt (lower-cased), and the
 * charset and action parameters (unquoted) into the given buffers ("" if
 * absent).  -1 on syntax errors or oversize values.
 */
int
soap_parse_content_type(const char *ct, char *mt, size_t mtlen, char *charset,
    size_t cslen, char *action, size_t aclen)
{
	const char *s = ows(ct);
	size_t i = 0;

	charset[0] = action[0] = '\0';
	while (*s != '\0' && *s != ';' && *s != ' ' && *s != '\t') {
		if (i + 1 >= mtlen)
			return -1;
		mt[i++] = (char)tolower((unsigned char)*s++);
	}
	mt[i] = '\0';
	s = ows(s);
	while (*s == ';') {
		char pname[32], *val;
		size_t pn = 0, vn = 0, vcap;

		s = ows(s + 1);
		if (*s == '\0')	/* trailing ';' */
			break;
		while (*s != '\0' && *s != '=' && *s != ';' && *s != ' ' &&
		    *s != '\t') {
			if (pn + 1 >= sizeof(pname))
				return -1;
			pname[pn++] = (char)tolower((unsigned char)*s++);
		}
		pname[pn] = '\0';
		s = ows(s);
		if (*s != '=')
			return -1;
		s = ows(s + 1);
		if (strcmp(pname, "charset") == 0) {
			val = charset;
			vcap = cslen;
		} else if (strcmp(pname, "action") == 0) {
			val = action;
			vcap = aclen;
		} else {
			val = NULL;
			vcap = 0;
		}
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\0')
					return -1;
				if (*s == '\\' && s[1] != '\0')
					s++;
				if (val != NULL) {
					if (vn + 1 >= vcap)
						return -1;
					val[vn++] = *s;
				}
			}
			s++;
		} else {
			for (; *s != '\0' && *s != ';' && *s != ' ' &&
			    *s != '\t'; s++) {
				if (val != NULL) {
					if (vn + 1 >= vcap)
						return -1;
					val[vn++] = *s;
				}
			}
		}
		if (val != NULL)
			val[vn] = '\0';
		s = ows(s);
	}
	return *s == '\0' ? 0 : -1;
}

int
soap_content_type_version(const char *ct)
{
	char mt[64], cs[64], ac[512];

	if (ct == NULL || soap_parse_content_type(ct, mt, sizeof(mt), cs, sizeof(cs),
	    ac, sizeof(ac)) == -1)
		return -1;
	if (strcmp(mt, "text/xml") == 0)
		return SOAP_V11;
	if (strcmp(mt, "application/soap+xml") == 0)
		return SOAP_V12;
	return -1;
}

/*
 * The SOAPAction header value without its quotes and surrounding white
 * space, into out; "" for an empty action.  -1 for an unbalanced quote or
 * an oversize value.
 */
int
soap_unquote_action(const char *v, char *out, size_t outlen)
{
	size_t n;

	v = ows(v);
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n > 0 && v[0] == '"') {
		if (n < 2 || v[n - 1] != '"')
			return -1;
		v++;
		n -= 2;
	}
	if (memchr(v, '"', n) != NULL || n + 1 > outlen)
		return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}
