/*
 * soap_request.h — the bounded SOAP request reader.
 *
 * soap_request_parse() takes an HTTP request body with its Content-Type
 * and SOAPAction headers, parses it with Expat (namespaces on, DOCTYPE
 * and processing instructions refused, Expat's own memory capped, every
 * size, depth and count bounded), checks the envelope (Envelope, optional
 * Header, exactly one Body holding exactly one operation element),
 * checks the operation against the SOAPAction, and returns a compact
 * read-only tree of the operation element.  The whole result lives in one
 * arena freed by soap_request_free().
 *
 * Elements are identified by namespace URI + local name, never by
 * prefix.  What the tree keeps: per element its namespace, local name,
 * attributes (namespace, local name, value) and the concatenation of the
 * character data directly inside it; comments are dropped.
 * Not here: the meaning of any operation (src/wusp, src/wsusss), HTTP.
 */
#ifndef WSUSD_SOAP_SOAP_REQUEST_H
#define WSUSD_SOAP_SOAP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "soap/soap.h"
#include "soap/soap_value.h"

/* Default limits (see docs/SOAP.md for how they were chosen). */
#define SOAP_MAX_BODY		(4u * 1024 * 1024)	/* bytes; ASP.NET maxRequestLength default */
#define SOAP_MAX_DEPTH		32	/* element nesting, Envelope = 1 */
#define SOAP_MAX_ELEMENTS	100000	/* elements in the whole message */
#define SOAP_MAX_ATTRS		32	/* attributes on one element (xmlns excluded) */
#define SOAP_MAX_NAME		128	/* bytes in a local name (element or attribute) */
#define SOAP_MAX_TEXT		(256u * 1024)	/* text of one element or attribute value */
#define SOAP_MAX_CHILDREN	50000	/* child elements of one element (array items) */
#define SOAP_MAX_ARENA		(32u * 1024 * 1024)	/* bytes the tree may use */
#define SOAP_MAX_PARSER_MEM	(16u * 1024 * 1024)	/* bytes Expat may allocate */
#define SOAP_MAX_AMPLIFICATION	20.0f	/* Expat billion-laughs factor */

enum soap_err {
	SOAP_OK = 0,
	SOAP_ERR_MALFORMED,	/* not well-formed XML, bad UTF-8, bad encoding */
	SOAP_ERR_FORBIDDEN,	/* DOCTYPE/entity declaration or processing instruction */
	SOAP_ERR_TOO_LARGE,	/* body, text, attribute value or memory over its limit */
	SOAP_ERR_TOO_DEEP,	/* nesting over the depth limit */
	SOAP_ERR_TOO_MANY,	/* elements, attributes or array items over the limit */
	SOAP_ERR_CONTENT_TYPE,	/* missing or wrong Content-Type / charset */
	SOAP_ERR_VERSION_MISMATCH, /* Envelope in another namespace (SOAP 1.1 §4.4.1) */
	SOAP_ERR_NOT_SOAP,	/* no Envelope/Body, stray content, not one operation */
	SOAP_ERR_MUST_UNDERSTAND, /* a Header block with mustUnderstand="1" */
	SOAP_ERR_ACTION_MISMATCH, /* SOAPAction names another operation */
	SOAP_ERR_INTERNAL,	/* out of memory (not input-sized) */
};

/* A short constant name for logs: "malformed", "too-large", ... */
const char	*soap_err_name(enum soap_err);

struct soap_limits {
	size_t		 max_body;	/* <= INT_MAX */
	unsigned	 max_depth;
	size_t		 max_elements;
	unsigned	 max_attrs;
	size_t		 max_name;	/* <= XMLW_MAX_NAME - 8, so any tree can be written */
	size_t		 max_text;
	size_t		 max_children;
	size_t		 max_arena;
	size_t		 max_parser_mem;
};

/* soap_parse_opts.flags */
#define SOAP_PARSE_ALLOW_V12	0x01	/* accept SOAP 1.2 (application/soap+xml) */
#define SOAP_PARSE_ANY_CT	0x02	/* do not check Content-Type (files, responses) */
#define SOAP_PARSE_NO_ACTION	0x04	/* ignore SOAPAction (responses) */
#define SOAP_PARSE_NO_LINES	0x08	/* soap_node.line stays 0 (servers) */

struct soap_parse_opts {
	struct soap_limits limits;
	unsigned	 flags;		/* SOAP_PARSE_* */
};

/* The SOAP_MAX_* defaults, flags 0 (SOAP 1.1, Content-Type checked). */
void	soap_parse_opts_default(struct soap_parse_opts *);

struct soap_attr {
	const char		*ns;	/* namespace URI; "" when none */
	const char		*name;	/* local name */
	const char		*value;	/* NUL-terminated (no NUL inside: XML) */
	size_t			 value_len;
	const struct soap_attr	*next;	/* document order */
};

struct soap_node {
	const char		*ns;	/* namespace URI; "" when none */
	const char		*name;	/* local name */
	const char		*text;	/* character data directly inside; "" when none */
	size_t			 text_len;
	const struct soap_attr	*attrs;	/* first attribute or NULL */
	const struct soap_node	*parent; /* NULL for the operation element */
	const struct soap_node	*children; /* first child element or NULL */
	const struct soap_node	*next;	/* next sibling element */
	size_t			 nchildren;
	unsigned long		 line;	/* line of the start tag, for messages;
					 * 0 with SOAP_PARSE_NO_LINES */
};

struct soap_arena;

struct soap_request {
	enum soap_version	 version;
	/*
	 * The action: the SOAPAction header (SOAP 1.1) or the Content-Type
	 * action parameter (1.2) without quotes when one was sent, else
	 * op->ns "/" op->name.  Always set; this is what a fault's Method
	 * carries.
	 */
	const char		*action;
	int			 action_sent;	/* the client sent a non-empty action */
	const struct soap_node	*header;	/* the Header element, or NULL */
	const struct soap_node	*op;		/* the operation element (Body's child) */
	size_t			 nelements;	/* elements in the message */
	struct soap_arena	*arena;		/* owned; everything above lives here */
};

/*
 * Parse one request.  body/len: the HTTP body; content_type: the
 * Content-Type header (NULL when absent); soap_action: the SOAPAction
 * header as received, quotes included (NULL when absent); opts: NULL for
 * the defaults.  On SOAP_OK *out is set (free with soap_request_free());
 * otherwise *out is NULL and err holds "line N: reason" or a reason.
 */
enum soap_err soap_request_parse(const void *body, size_t len,
	    const char *content_type, const char *soap_action,
	    const struct soap_parse_opts *opts, struct soap_request **out,
	    char *err, size_t errlen);
void	soap_request_free(struct soap_request *);

/*
 * The SOAP version a Content-Type announces: SOAP_V11 for text/xml,
 * SOAP_V12 for application/soap+xml, -1 otherwise (e.g. to pick the
 * version of a fault for a request that failed to parse).
 */
int	soap_content_type_version(const char *content_type);

/* ------------------------------------------------------------------ */
/* Lookup                                                              */
/* ------------------------------------------------------------------ */

/* 1 when n is ns:local (ns NULL: any namespace). */
int	soap_node_is(const struct soap_node *n, const char *ns, const char *local);
/*
 * First child element named local in the PARENT's namespace (the
 * elementFormDefault="qualified" rule of every WSUS schema), or NULL.
 * NULL parent gives NULL, so lookups can be chained.
 */
const struct soap_node *soap_child(const struct soap_node *parent, const char *local);
/* First child named ns:local (ns NULL: any namespace), or NULL. */
const struct soap_node *soap_child_ns(const struct soap_node *parent,
	    const char *ns, const char *local);
/* The next sibling after n with n's namespace and local name, or NULL. */
const struct soap_node *soap_next_same(const struct soap_node *n);
/* Number of children named local in the parent's namespace. */
size_t	soap_count_children(const struct soap_node *parent, const char *local);
/* Iterate the children of parent named local (parent's namespace). */
#define SOAP_FOREACH_CHILD(var, parent, local)				\
	for ((var) = soap_child((parent), (local)); (var) != NULL;	\
	    (var) = soap_next_same(var))

/* Attribute ns:local (ns NULL or "": no namespace), or NULL. */
const char *soap_attr(const struct soap_node *n, const char *ns, const char *local);
/* xsi:nil is "true" or "1". */
int	soap_is_nil(const struct soap_node *n);

/* Text of the child named local (parent's namespace), or NULL when absent. */
const char *soap_child_text(const struct soap_node *parent, const char *local);

/*
 * Typed text of n (see soap_value.h for the exact lexical rules).
 * 0, or -1 when n is NULL or the text is not a valid value.
 */
int	soap_node_int32(const struct soap_node *n, int32_t *out);
int	soap_node_int64(const struct soap_node *n, int64_t *out);
int	soap_node_uint32(const struct soap_node *n, uint32_t *out);
int	soap_node_bool(const struct soap_node *n, int *out);
int	soap_node_datetime(const struct soap_node *n, struct soap_datetime *out);
int	soap_node_guid(const struct soap_node *n, char out[SOAP_GUID_STRLEN]);
/* base64Binary of n into out (capacity outcap); -1 when it does not fit. */
int	soap_node_base64(const struct soap_node *n, uint8_t *out, size_t outcap,
	    size_t *outlen);

#endif
