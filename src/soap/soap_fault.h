/*
 * soap_fault.h — SOAP faults as a real WSUS writes them, for both the
 * client-server (MS-WUSP) and the server-server (MS-WSUSSS) protocols.
 *
 * A WSUS application fault is a SOAP 1.1 Fault with faultcode
 * soap:Client or soap:Server, faultstring "Fault occurred", an optional
 * faultactor (the service URL; ASMX services only) and a detail with the
 * unqualified children ErrorCode, Message, ID (a fresh GUID) and Method
 * (the quoted SOAPAction).  The HTTP status is 500.  Byte layouts (see
 * docs/SOAP.md for the captures they were checked against):
 *
 * WCF (client service):
 *   <s:Envelope xmlns:s="..."><s:Body><s:Fault><faultcode>s:Client</faultcode>
 *   <faultstring>Fault occurred</faultstring><detail><ErrorCode>..</ErrorCode>
 *   <Message>..</Message><ID>guid</ID><Method>"action"</Method></detail>
 *   </s:Fault></s:Body></s:Envelope>
 * ASMX (ServerSync, DssAuth, SimpleAuth, Reporting):
 *   <?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap=".."
 *   xmlns:xsi=".." xmlns:xsd=".."><soap:Body><soap:Fault><faultcode>soap:Server
 *   </faultcode><faultstring>Fault occurred</faultstring><faultactor>url
 *   </faultactor><detail>...</detail></soap:Fault></soap:Body></soap:Envelope>
 * (no line breaks in the real bytes).
 */
#ifndef WSUSD_SOAP_SOAP_FAULT_H
#define WSUSD_SOAP_SOAP_FAULT_H

#include <stddef.h>

#include "soap/soap.h"
#include "soap/soap_request.h"
#include "util/buf.h"

#define SOAP_FAULT_HTTP_STATUS	500	/* what IIS answers with a fault */
#define SOAP_FAULT_STRING	"Fault occurred"

/* The SOAP fault code (SOAP 1.1 names; 1.2 Sender/Receiver/...). */
enum soap_fault_code {
	SOAP_FC_CLIENT = 0,		/* 1.2: Sender */
	SOAP_FC_SERVER,			/* 1.2: Receiver */
	SOAP_FC_VERSION_MISMATCH,	/* 1.2: VersionMismatch */
	SOAP_FC_MUST_UNDERSTAND,	/* 1.2: MustUnderstand */
};

/* detail/ErrorCode values of MS-WUSP §2.2.2.4 and MS-WSUSSS §2.2.9.3. */
enum soap_error_code {
	SOAP_EC_NONE = 0,		/* no WSUS detail at all */
	SOAP_EC_INVALID_COOKIE,
	SOAP_EC_COOKIE_EXPIRED,
	SOAP_EC_SERVER_CHANGED,
	SOAP_EC_CONFIG_CHANGED,
	SOAP_EC_REGISTRATION_REQUIRED,
	SOAP_EC_REGISTRATION_NOT_REQUIRED,
	SOAP_EC_INVALID_PARAMETERS,
	SOAP_EC_INVALID_AUTHORIZATION_COOKIE,
	SOAP_EC_INTERNAL_SERVER_ERROR,
	SOAP_EC_SERVER_BUSY,
	SOAP_EC_FILE_LOCATION_CHANGED,
	SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION,
	SOAP_EC_FILE_DIGESTS_MISSING,
	SOAP_EC_TOO_MANY_IDS,
};

/* "InvalidCookie", ...; NULL for SOAP_EC_NONE or an unknown value. */
const char	*soap_error_code_name(enum soap_error_code);
/* The reverse (exact, case-sensitive); -1 when unknown. */
int	soap_error_code_parse(const char *name, enum soap_error_code *out);
/*
 * The faultcode WSUS uses with an ErrorCode: Server for
 * InternalServerError and ServerBusy, Client for the others (observed:
 * InvalidParameters, InvalidCookie -> Client; InternalServerError ->
 * Server; the rest follows the spec examples, see docs/SOAP.md).
 */
enum soap_fault_code soap_error_code_faultcode(enum soap_error_code);

struct soap_fault {
	enum soap_style		 style;		/* WCF (client service) or ASMX */
	enum soap_version	 version;
	enum soap_fault_code	 code;
	const char		*faultstring;	/* NULL: "Fault occurred" */
	const char		*actor;		/* faultactor / Node; NULL: omitted */
	enum soap_error_code	 error_code;	/* SOAP_EC_NONE: no detail */
	const char		*message;	/* detail Message; NULL: empty */
	const char		*id;		/* detail ID; NULL: a fresh random GUID */
	const char		*method;	/* action without quotes; NULL: no Method */
};

/*
 * Fill f for an application fault: code from soap_error_code_faultcode(),
 * the given style/version, everything else NULL (defaults).
 */
void	soap_fault_init(struct soap_fault *f, enum soap_style style,
	    enum soap_version version, enum soap_error_code ec);

/*
 * Append the fault envelope to out.  Returns the HTTP status to send
 * (SOAP_FAULT_HTTP_STATUS) or -1 with err (out too small, bad UTF-8 in a
 * string, no random GUID).  Content-Type: soap_version_content_type().
 */
int	soap_fault_write(const struct soap_fault *f, struct buf *out,
	    char *err, size_t errlen);

/*
 * Fill f for a request that soap_request_parse() refused: no WSUS detail
 * (the failure happens before any operation runs, as in ASMX), faultcode
 * VersionMismatch / MustUnderstand / Server (internal) / Client (the
 * rest), faultstring = msg (the parser's message; NULL: a generic text).
 * Returns the HTTP status to use: 415 for SOAP_ERR_CONTENT_TYPE, 413
 * for SOAP_ERR_TOO_LARGE, else 500 (implementation choices, see
 * docs/SOAP.md; a fault body may be sent with any of them).
 */
int	soap_fault_for_error(struct soap_fault *f, enum soap_style style,
	    enum soap_version version, enum soap_err e, const char *msg);

#endif
