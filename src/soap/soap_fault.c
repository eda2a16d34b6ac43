/*
 * soap_fault.c — see soap_fault.h.  The element order and empty forms
 * are those of the captured WSUS faults (docs/SOAP.md §5); the SOAP 1.2
 * form follows MS-WSUSSS §2.2.9.2 (no capture exists).
 */
#include <stdio.h>
#include <string.h>

#include "soap/soap_fault.h"
#include "soap/xmlw.h"
#include "util/guid.h"

static const struct {
	enum soap_error_code	 ec;
	const char		*name;
} ec_names[] = {
	{ SOAP_EC_INVALID_COOKIE, "InvalidCookie" },
	{ SOAP_EC_COOKIE_EXPIRED, "CookieExpired" },
	{ SOAP_EC_SERVER_CHANGED, "ServerChanged" },
	{ SOAP_EC_CONFIG_CHANGED, "ConfigChanged" },
	{ SOAP_EC_REGISTRATION_REQUIRED, "RegistrationRequired" },
	{ SOAP_EC_REGISTRATION_NOT_REQUIRED, "RegistrationNotRequired" },
	{ SOAP_EC_INVALID_PARAMETERS, "InvalidParameters" },
	{ SOAP_EC_INVALID_AUTHORIZATION_COOKIE, "InvalidAuthorizationCookie" },
	{ SOAP_EC_INTERNAL_SERVER_ERROR, "InternalServerError" },
	{ SOAP_EC_SERVER_BUSY, "ServerBusy" },
	{ SOAP_EC_FILE_LOCATION_CHANGED, "FileLocationChanged" },
	{ SOAP_EC_INCOMPATIBLE_PROTOCOL_VERSION, "IncompatibleProtocolVersion" },
	{ SOAP_EC_FILE_DIGESTS_MISSING, "FileDigestsMissing" },
	{ SOAP_EC_TOO_MANY_IDS, "TooManyIds" },
};

const char *
soap_error_code_name(enum soap_error_code ec)
{
	for (size_t i = 0; i < sizeof(ec_names) / sizeof(ec_names[0]); i++)
		if (ec_names[i].ec == ec)
			return ec_names[i].name;
	return NULL;
}

int
soap_error_code_parse(const char *name, enum soap_error_code *out)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(ec_names) / sizeof(ec_names[0]); i++)
		if (strcmp(ec_names[i].name, name) == 0) {
			*out = ec_names[i].ec;
			return 0;
		}
	return -1;
}

enum soap_fault_code
soap_error_code_faultcode(enum soap_error_code ec)
{
	switch (ec) {
	case SOAP_EC_INTERNAL_SERVER_ERROR:
	case SOAP_EC_SERVER_BUSY:
		return SOAP_FC_SERVER;
	default:
		return SOAP_FC_CLIENT;
	}
}

void
soap_fault_init(struct soap_fault *f, enum soap_style style,
    enum soap_version version, enum soap_error_code ec)
{
	memset(f, 0, sizeof(*f));
	f->style = style;
	f->version = version;
	f->error_code = ec;
	f->code = soap_error_code_faultcode(ec);
}

static const char *
code_local(enum soap_fault_code c, enum soap_version v)
{
	switch (c) {
	case SOAP_FC_SERVER:
		return v == SOAP_V12 ? "Receiver" : "Server";
	case SOAP_FC_VERSION_MISMATCH:
		return "VersionMismatch";
	case SOAP_FC_MUST_UNDERSTAND:
		return "MustUnderstand";
	case SOAP_FC_CLIENT:
	default:
		return v == SOAP_V12 ? "Sender" : "Client";
	}
}

/* <detail> (1.1) or unqualified <Detail> (1.2, MS-WSUSSS §2.2.9.2). */
static int
write_detail(struct xmlw *w, const struct soap_fault *f, const char *ecname)
{
	char guid[GUID_STRLEN + 1];
	const char *id = f->id;

	if (id == NULL) {
		if (guid_random(guid) == -1)
			return -1;
		id = guid;
	}
	if (xmlw_start(w, f->version == SOAP_V12 ? "Detail" : "detail") == -1 ||
	    xmlw_elem(w, "ErrorCode", ecname) == -1 ||
	    /* WSUS writes an empty Message as <Message></Message> */
	    xmlw_elem(w, "Message", f->message != NULL ? f->message : "") == -1 ||
	    xmlw_elem(w, "ID", id) == -1)
		return -1;
	if (f->method != NULL) {
		if (xmlw_start(w, "Method") == -1 || xmlw_text(w, "\"", 1) == -1 ||
		    xmlw_textz(w, f->method) == -1 || xmlw_text(w, "\"", 1) == -1 ||
		    xmlw_end(w) == -1)
			return -1;
	}
	return xmlw_end(w);
}

int
soap_fault_write(const struct soap_fault *f, struct buf *out, char *err,
    size_t errlen)
{
	struct xmlw w;
	char q[64];
	const char *pfx, *ecname = NULL;
	const char *fs = f->faultstring != NULL ? f->faultstring :
	    SOAP_FAULT_STRING;

	if (f->error_code != SOAP_EC_NONE &&
	    (ecname = soap_error_code_name(f->error_code)) == NULL) {
		snprintf(err, errlen, "unknown ErrorCode %d", (int)f->error_code);
		return -1;
	}
	xmlw_init(&w, out, f->style);
	pfx = xmlw_env_prefix(&w);
	xmlw_envelope_begin_fault(&w, f->version);
	snprintf(q, sizeof(q), "%s:Fault", pfx);
	xmlw_start(&w, q);
	if (f->version == SOAP_V12) {
		char v[64];

		snprintf(q, sizeof(q), "%s:Code", pfx);
		xmlw_start(&w, q);
		snprintf(q, sizeof(q), "%s:Value", pfx);
		snprintf(v, sizeof(v), "%s:%s", pfx, code_local(f->code, f->version));
		xmlw_elem(&w, q, v);
		xmlw_end(&w);
		snprintf(q, sizeof(q), "%s:Reason", pfx);
		xmlw_start(&w, q);
		snprintf(q, sizeof(q), "%s:Text", pfx);
		xmlw_start(&w, q);
		xmlw_attr(&w, "xml:lang", "en");
		xmlw_textz(&w, fs);
		xmlw_end(&w);
		xmlw_end(&w);
		if (f->actor != NULL) {
			snprintf(q, sizeof(q), "%s:Node", pfx);
			xmlw_elem(&w, q, f->actor);
		}
	} else {
		char v[64];

		snprintf(v, sizeof(v), "%s:%s", pfx, code_local(f->code, f->version));
		xmlw_elem(&w, "faultcode", v);
		xmlw_elem(&w, "faultstring", fs);
		if (f->actor != NULL)
			xmlw_elem(&w, "faultactor", f->actor);
	}
	if (ecname != NULL && !w.failed && write_detail(&w, f, ecname) == -1 &&
	    !w.failed) {
		snprintf(err, errlen, "cannot generate a fault ID");
		return -1;
	}
	xmlw_envelope_end(&w);
	if (xmlw_finish(&w, err, errlen) == -1)
		return -1;
	return SOAP_FAULT_HTTP_STATUS;
}

int
soap_fault_for_error(struct soap_fault *f, enum soap_style style,
    enum soap_version version, enum soap_err e, const char *msg)
{
	memset(f, 0, sizeof(*f));
	f->style = style;
	f->version = version;
	f->error_code = SOAP_EC_NONE;
	f->faultstring = msg != NULL && msg[0] != '\0' ? msg :
	    "Server was unable to read the request";
	switch (e) {
	case SOAP_ERR_VERSION_MISMATCH:
		f->code = SOAP_FC_VERSION_MISMATCH;
		break;
	case SOAP_ERR_MUST_UNDERSTAND:
		f->code = SOAP_FC_MUST_UNDERSTAND;
		break;
	case SOAP_ERR_INTERNAL:
		f->code = SOAP_FC_SERVER;
		break;
	default:
		f->code = SOAP_FC_CLIENT;
		break;
	}
	switch (e) {
	case SOAP_ERR_CONTENT_TYPE:
		return 415;
	case SOAP_ERR_TOO_LARGE:
		return 413;
	default:
		return SOAP_FAULT_HTTP_STATUS;
	}
}
