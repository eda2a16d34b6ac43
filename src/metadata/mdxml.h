/*
 * mdxml.h — internal to src/metadata: the one way this layer creates and
 * runs an Expat parser over an update document, plus small helpers for
 * namespace-qualified names and attributes.
 *
 * The parser is namespace-aware (element and attribute names arrive as
 * "URI" MDXML_NS_SEP "local"), treats the input as UTF-8 whatever the XML
 * declaration says (update_blob_decode() has already converted it),
 * rejects any DOCTYPE (so no entity can be declared: no billion laughs,
 * no external entities), never parses parameter entities, and enforces
 * UPDATE_DOC_MAX_BYTES.  Consumers (update_parse.c, fragments.c) embed a
 * struct mdxml as the FIRST member of their parser state, install their
 * own element handlers, and call mdxml_fail() to stop with a message.
 * Not a public API: other layers use update_parse.h and fragments.h.
 */
#ifndef WSUSD_METADATA_MDXML_H
#define WSUSD_METADATA_MDXML_H

#include <stdbool.h>
#include <stddef.h>

/* Debian's libexpat is built with XML_DTD, but its header only declares
 * the billion-laughs controls when the includer defines it too. */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>

#define MDXML_NS_SEP	'\x01'

#define NS_UPD	"http://schemas.microsoft.com/msus/2002/12/Update"
#define NS_BAR	"http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules"
#define NS_MAR	"http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules"
#define NS_DRV	"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver"
#define NS_CAT	"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category"
#define NS_MSUS_PREFIX "http://schemas.microsoft.com/msus/"

#define MDXML_ERR_MAX	256

struct mdxml {
	XML_Parser	 p;		/* owned; freed by mdxml_free() */
	bool		 failed;	/* mdxml_fail() was called */
	char		 err[MDXML_ERR_MAX]; /* first failure, "line N: ..." */
};

/* A namespace-qualified name as Expat reports it, split in place. */
struct mdxml_name {
	const char	*ns;		/* borrowed; "" when no namespace */
	size_t		 nslen;
	const char	*local;		/* borrowed; NUL-terminated */
};

/*
 * Create the hardened parser with userdata as the handlers' user data
 * (userdata must point at a struct whose first member is this mdxml).
 */
void	mdxml_init(struct mdxml *, void *userdata);
void	mdxml_free(struct mdxml *);
/*
 * Parse the whole document.  0, or -1 with "line N: reason" in err (the
 * consumer's mdxml_fail() message when there was one).
 */
int	mdxml_parse(struct mdxml *, const char *xml, size_t len,
	    char *err, size_t errlen);
/* Record "line N: <fmt>" (first call wins) and stop the parser. */
void	mdxml_fail(struct mdxml *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A once-only section: set bit in *seen and return 0, or, when it is
 * already set, mdxml_fail() with "more than one <name>" and return -1. */
int	mdxml_once(struct mdxml *, unsigned *seen, unsigned bit,
	    const char *name);
unsigned long mdxml_line(const struct mdxml *);

void	mdxml_split(const char *raw, struct mdxml_name *out);
bool	mdxml_is(const struct mdxml_name *, const char *ns, const char *local);
bool	mdxml_ns_is(const struct mdxml_name *, const char *ns);
/*
 * Value of the attribute ns:local (ns NULL: no namespace) in Expat's
 * attribute array, or NULL.
 */
const char *mdxml_attr(const XML_Char **atts, const char *ns,
	    const char *local);
/*
 * A short, printable rendering of untrusted text for error messages
 * (at most 40 characters, control and non-ASCII bytes as '?').
 */
const char *mdxml_snip(const char *s, char *out, size_t outlen);

/*
 * What every element start checks first: depth below UPDATE_MAX_DEPTH
 * and, at depth 0, that the root is upd:Update.  0, or -1 after
 * mdxml_fail().
 */
int	mdxml_enter(struct mdxml *, unsigned depth,
	    const struct mdxml_name *);
/*
 * s[0..*n) without leading and trailing XML white space (space, tab,
 * CR, LF): the new start, *n the new length.  Borrows s.
 */
const char *mdxml_trim(const char *s, size_t *n);

/* Strict xs:boolean: "true"/"1" -> 1, "false"/"0" -> 0, else -1. */
int	mdxml_bool(const char *s);
/* Strict unsigned decimal (no sign, no space, no leading '+'). */
int	mdxml_u64(const char *s, unsigned long long max, unsigned long long *out);

#endif
