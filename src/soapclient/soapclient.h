/*
 * soapclient.h — the one libcurl SOAP client of wsusd's programs: the
 * sync engine (src/sync, a downstream server talking to its upstream)
 * and wsus-client (src/client, a Windows client talking to its server)
 * both post envelopes through it.
 *
 * It is: one easy handle (one keep-alive connection) with the timeouts,
 * TLS verification, CA file and TLS minimum of its options; the POST of
 * one envelope with the Content-Type and SOAPAction of its SOAP version
 * and the caller's other headers; an answer body bounded by a maximum;
 * the HTTP status, Content-Encoding, Retry-After and timing of the
 * answer; byte counters; and the optional recording of every exchange
 * to a directory
 * (NNN-Name.request.xml, NNN-Name.response.xml, index.tsv).
 *
 * It is not: a SOAP reader (the callers parse the answer with
 * soap/soap_request.h, each with its own limits), nor a protocol (no
 * cookies, no retries, no fault recovery, no xpress decoding: those stay
 * with src/sync and src/client).
 */
#ifndef WSUSD_SOAPCLIENT_SOAPCLIENT_H
#define WSUSD_SOAPCLIENT_SOAPCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "soap/soap.h"
#include "util/buf.h"

#define SOAPCLIENT_TIMEOUT_DEFAULT	60L	/* seconds per call */
#define SOAPCLIENT_CONNECT_TIMEOUT	30L	/* seconds to connect */
#define SOAPCLIENT_MAX_RESPONSE_DEFAULT	(64u * 1024 * 1024)
#define SOAPCLIENT_ERR_MAX		256

struct soapclient_opts {
	const char	*user_agent;	/* borrowed; NULL: curl sends none */
	long		 timeout;	/* seconds per call; 0: default */
	long		 connect_timeout; /* seconds; 0: SOAPCLIENT_CONNECT_TIMEOUT */
	bool		 insecure;	/* no TLS verification */
	const char	*cacert;	/* borrowed; CA file or NULL */
	long		 tls_min;	/* CURL_SSLVERSION_TLSv1_x or 0 */
	bool		 tcp_keepalive;	/* TCP keep-alive probes */
	size_t		 max_response;	/* bytes of one answer; 0: default */
	const char	*record_dir;	/* borrowed; NULL: no recording */
	int		 record_width;	/* digits of the sequence number (3, 4) */
	bool		 record_encoding; /* index.tsv: a Content-Encoding column */
	/* abort (NULL: none): asked about once a second during a post;
	 * true aborts it (the post fails, error "aborted") */
	bool		(*abort)(void *arg);
	void		*abort_arg;
	/* proxy (NULL: libcurl's default, the *_proxy environment) and its
	 * Basic credentials (NULL: none); borrowed */
	const char	*proxy;
	const char	*proxy_user;
	const char	*proxy_password;
	/* a client certificate and its key (PEM files; NULL: none) for
	 * upstreams whose listener asks for one (tls_client_auth), and
	 * HTTP Basic credentials sent on every post (NULL: none; see
	 * soapclient_set_login); borrowed */
	const char	*client_cert;
	const char	*client_key;
	const char	*http_user;
	const char	*http_password;
};

struct soapclient {
	CURL			*easy;		/* owned */
	struct soapclient_opts	 o;		/* strings borrowed */
	struct buf		 body;		/* owned; last answer as received */
	char			 encoding[32];	/* its Content-Encoding, or "" */
	char			 retry_after[64]; /* its Retry-After, or "" */
	long			 status;	/* its HTTP status; 0: none */
	double			 seconds;	/* time of the last post */
	bool			 too_large;	/* last answer passed the maximum */
	char			 error[SOAPCLIENT_ERR_MAX]; /* last transport error */
	uint64_t		 bytes_in;	/* answer bodies received */
	uint64_t		 bytes_out;	/* request bodies sent */
	uint64_t		 posts;		/* posts made (transfers tried) */
	unsigned		 record_seq;	/* last recorded sequence number */
};

/*
 * One envelope to post.  headers: NULL or a NULL-terminated list of
 * extra header lines ("Name: value"; "Name:" removes a curl default)
 * sent in order; an entry that is exactly "Content-Type" or "SOAPAction"
 * marks where that header of the SOAP version goes (absent: first).
 */
struct soapclient_call {
	const char		*url;		/* absolute */
	const char		*action;	/* the SOAPAction URI */
	enum soap_version	 version;	/* SOAP_V11: text/xml + SOAPAction */
	const char		*name;		/* operation, for recording */
	const void		*body;		/* the envelope */
	size_t			 len;
	const char *const	*headers;
};

/* Call once per process before threads (curl_global_init). */
void	soapclient_global_init(void);

int	soapclient_init(struct soapclient *, const struct soapclient_opts *,
	    char *err, size_t errlen);
void	soapclient_free(struct soapclient *);
/*
 * Send HTTP Basic user:password on every post from now on (both borrowed,
 * they must outlive sc; NULL user: none).  A downstream's credential
 * (docs/SECURITY.md): the user is its server id, known only once the
 * sync state is read.
 */
void	soapclient_set_login(struct soapclient *, const char *user,
	    const char *password);
/* A new easy handle: the next post opens a new connection.  0 or -1. */
int	soapclient_reset(struct soapclient *);

/*
 * POST one envelope and receive the answer into sc->body.  0: an answer
 * came (any HTTP status: see sc->status); -1: transport error, with the
 * reason in sc->error and sc->too_large set when the answer passed the
 * maximum.
 */
int	soapclient_post(struct soapclient *, const struct soapclient_call *);

/*
 * Recording (record_dir set): soapclient_record_request() before a post
 * takes the next sequence number and writes NNN-name.request.xml;
 * soapclient_record_response() writes the answer given (the body as
 * received, or what the caller decoded from it) as
 * NNN-name.<suffix> ("response.xml" when NULL) and, when index is true,
 * the line "NNN name path action status [encoding]" to index.tsv.
 * Failures are logged, never fatal.
 */
void	soapclient_record_request(struct soapclient *,
	    const struct soapclient_call *);
void	soapclient_record_response(struct soapclient *,
	    const struct soapclient_call *, const char *suffix,
	    const void *data, size_t len, bool index);

/*
 * What one line a libcurl header callback is given is, for a caller that
 * keeps one header's value: SOAPCLIENT_HDR_STATUS for a status line
 * ("HTTP/...", after a 100 Continue too: the kept value starts over),
 * SOAPCLIENT_HDR_MATCH for the header name (matched without regard to
 * case; name includes the colon, "Content-Encoding:") with its value,
 * blanks and the line end trimmed, copied to out (cut to outlen - 1
 * bytes, NUL-terminated), SOAPCLIENT_HDR_OTHER for anything else.
 */
enum soapclient_hdr {
	SOAPCLIENT_HDR_OTHER,
	SOAPCLIENT_HDR_STATUS,
	SOAPCLIENT_HDR_MATCH,
};
enum soapclient_hdr soapclient_header_value(const char *line, size_t len,
	    const char *name, char *out, size_t outlen);

#endif
