/*
 * soap.h — names shared by the SOAP layer: SOAP versions, the two
 * serialisation styles a real WSUS uses, and the namespace URIs of the
 * WSUS web services.
 *
 * The layer is protocol-neutral: it reads request envelopes
 * (soap_request.h), writes XML and envelopes (xmlw.h) and builds WSUS
 * faults (soap_fault.h).  It knows nothing about cookies, updates or the
 * store; src/wusp and src/wsusss build on it.  See docs/SOAP.md.
 */
#ifndef WSUSD_SOAP_SOAP_H
#define WSUSD_SOAP_SOAP_H

enum soap_version {
	SOAP_V11 = 0,		/* http://schemas.xmlsoap.org/soap/envelope/ */
	SOAP_V12 = 1,		/* http://www.w3.org/2003/05/soap-envelope */
};

/*
 * How a real WSUS (Windows Server 2025, IIS 10) serialises answers.
 * WCF: the client web service (ClientWebService/client.asmx): no XML
 *   declaration, prefix "s", xsi/xsd declared on s:Body, empty elements
 *   as "<a/>".
 * ASMX: every other service (SimpleAuth, Reporting, ServerSync,
 *   DssAuth): XML declaration, prefix "soap", xsi/xsd declared on the
 *   Envelope, empty elements as "<a />".
 */
enum soap_style {
	SOAP_STYLE_WCF = 0,
	SOAP_STYLE_ASMX = 1,
};

#define SOAP_NS_ENV11	"http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP_NS_ENV12	"http://www.w3.org/2003/05/soap-envelope"
#define SOAP_NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define SOAP_NS_XSD	"http://www.w3.org/2001/XMLSchema"
#define SOAP_NS_XML	"http://www.w3.org/XML/1998/namespace"

/* Target namespaces of the WSUS services (MS-WUSP §2.2.1, MS-WSUSSS §1). */
#define SOAP_NS_CLIENT	"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"
#define SOAP_NS_SIMPLEAUTH "http://www.microsoft.com/SoftwareDistribution/Server/SimpleAuthWebService"
#define SOAP_NS_DSSAUTH	"http://www.microsoft.com/SoftwareDistribution/Server/DssAuthWebService"
#define SOAP_NS_SWDIST	"http://www.microsoft.com/SoftwareDistribution"
#define SOAP_NS_MONITOR	"http://www.microsoft.com/SoftwareDistribution/Server/IMonitorable"

/* Response Content-Type per version (SOAP 1.1: as real IIS sends it). */
#define SOAP_CT_V11	"text/xml; charset=utf-8"
#define SOAP_CT_V12	"application/soap+xml; charset=utf-8"

const char	*soap_version_ns(enum soap_version);
const char	*soap_version_content_type(enum soap_version);

#endif
