/*
 * config.h — wsusd.conf: one INI file read with inih and validated against
 * a table of known keys (config.c).  Unknown sections and keys are errors.
 *
 *   [server]    name, content_dir, database, log_level, log_target,
 *               tls_certificate, tls_key, state_dir, upstream_allow,
 *               access_log
 *   [listener NAME]   address, port, tls, tls_min_version, tls_ciphers,
 *               tls_certificate, tls_key, tls_client_ca, tls_client_auth
 *               (any number of these)
 *   [limits]    max_body_bytes, max_connections, max_connections_per_ip,
 *               connection_timeout, threads, max_body_memory,
 *               head_timeout, body_timeout
 *
 * Ownership: config_load() fills a struct config whose strings are owned
 * by it and freed by config_free().
 */
#ifndef WSUSD_CONFIG_CONFIG_H
#define WSUSD_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/log.h"

#define CONFIG_MAX_LISTENERS	16
#define CONFIG_MAX_ERRORS	64

#define CONFIG_DEFAULT_DATABASE		"sqlite:///var/lib/wsusd/wsusd.db"
#define CONFIG_DEFAULT_CONTENT_DIR	"/var/lib/wsusd/content"
#define CONFIG_DEFAULT_STATE_DIR	"/var/lib/wsusd"
#define CONFIG_DEFAULT_PORT		8530

enum tls_version {
	TLS_VERSION_1_0 = 10,
	TLS_VERSION_1_1 = 11,
	TLS_VERSION_1_2 = 12,
	TLS_VERSION_1_3 = 13,
};

/*
 * Cipher suites a TLS listener accepts (tls_ciphers).  MODERN: ECDHE key
 * exchange with AEAD ciphers only (forward secrecy, no CBC, no SHA-1
 * MAC).  COMPATIBLE: GnuTLS's NORMAL set (adds static RSA and CBC, for
 * old peers).  AUTO (the default): MODERN, or COMPATIBLE when
 * tls_min_version is 1.0 or 1.1 (those versions have no AEAD suite).
 */
enum tls_ciphers {
	TLS_CIPHERS_AUTO = 0,
	TLS_CIPHERS_MODERN,
	TLS_CIPHERS_COMPATIBLE,
};

/*
 * Client certificates a TLS listener asks for (tls_client_auth, with
 * tls_client_ca): NONE asks for none; OPTIONAL asks, and a certificate
 * that verifies against the CA is given to the SOAP layer; REQUIRE fails
 * the handshake without a certificate from the CA (src/http/tls_client_auth.c).
 */
enum tls_client_auth {
	TLS_CLIENT_AUTH_NONE = 0,
	TLS_CLIENT_AUTH_OPTIONAL,
	TLS_CLIENT_AUTH_REQUIRE,
};

/*
 * What a downstream server must present to the MS-WSUSSS upstream side
 * ([server] downstream_auth; docs/SECURITY.md "Downstream authentication").
 */
enum downstream_auth {
	DOWNSTREAM_AUTH_ANONYMOUS = 0,	/* as real WSUS; bound ones still must */
	DOWNSTREAM_AUTH_CERTIFICATE,	/* a client certificate bound to it */
	DOWNSTREAM_AUTH_CREDENTIAL,	/* its secret (HTTP Basic) */
	DOWNSTREAM_AUTH_ANY_OF,		/* either of the two */
};

struct config_listener {
	char		 name[64];	/* the NAME of [listener NAME] */
	char		*address;	/* owned; "0.0.0.0", "::", "127.0.0.1" ... */
	uint16_t	 port;
	bool		 tls;
	enum tls_version tls_min_version;
	enum tls_ciphers tls_ciphers;
	char		*tls_certificate; /* owned; NULL: the [server] one */
	char		*tls_key;	/* owned; NULL: the [server] one */
	char		*tls_client_ca;	/* owned PEM file; NULL: none */
	enum tls_client_auth tls_client_auth;
	int		 line;		/* line of the section header, for errors */
};

struct config {
	char		*path;		/* file read; owned; NULL for defaults */
	char		*server_name;	/* name clients see; NULL: the Host they used */
	char		*content_dir;	/* owned */
	char		*database_url;	/* owned */
	char		*state_dir;	/* owned: keys, self-signed certificate */
	char		*tls_certificate; /* owned; default <state_dir>/tls/wsusd.crt */
	char		*tls_key;	/* owned; default <state_dir>/tls/wsusd.key */
	enum log_level	 log_level;
	bool		 log_syslog;	/* log_target = syslog */

	size_t		 max_body_bytes;	/* largest request body accepted */
	unsigned	 max_connections;
	unsigned	 max_connections_per_ip;
	unsigned	 connection_timeout;	/* seconds idle before close */
	unsigned	 threads;		/* HTTP worker threads, 0 = cores */
	size_t		 max_body_memory;	/* request bodies in flight, all
						   connections together */
	unsigned	 head_timeout;		/* s: whole request head */
	unsigned	 body_timeout;		/* s: whole request body */

	/* MS-WSUSSS upstream ([server] upstream_allow): downstream servers
	 * allowed to sync, numeric addresses/networks; NULL = everyone. */
	char		*upstream_allow;	/* owned */
	/* [server] access_log: one line per HTTP request (http/access_log.h)
	 * to this file or "stderr"; NULL = off (the default). */
	char		*access_log;		/* owned */
	/* [server] downstream_auth */
	enum downstream_auth downstream_auth;

	size_t		 nlisteners;
	struct config_listener listeners[CONFIG_MAX_LISTENERS];
};

/* One error found while reading the file. */
struct config_error {
	int	line;		/* 0 when not tied to a line */
	char	msg[256];
};

struct config_errors {
	size_t		    n;
	struct config_error e[CONFIG_MAX_ERRORS];
};

/* Fill *cfg with the built-in defaults (one plain listener on 8530). */
void	config_defaults(struct config *cfg);
/*
 * Read path over the defaults.  Returns 0 when the file is valid; -1 with
 * every error (line and reason) in *errs otherwise.  *cfg is always in a
 * state config_free() accepts.
 */
int	config_load(const char *path, struct config *cfg, struct config_errors *errs);
/* Same, from a string (tests, fuzzing). */
int	config_load_string(const char *text, struct config *cfg, struct config_errors *errs);
void	config_free(struct config *cfg);
/* Print the effective configuration as INI (wsusd -n -v). */
void	config_dump(const struct config *cfg, FILE *fp);

/*
 * Set one [server] or [limits] key from text, with the same checks as the
 * file (command-line overrides such as wsusctl postinstall --content-dir).
 * Derived values (default TLS paths) are not recomputed.  0, or -1 with
 * the reason in err.
 */
int	config_set(struct config *cfg, const char *section, const char *key,
	    const char *value, char *err, size_t errlen);
/* Print errors as "PATH:LINE: reason" ("line N: reason" when path is NULL). */
void	config_errors_print(const struct config_errors *errs, const char *path,
	    FILE *fp);
/* The i-th known key of the table (tests, docs); 0, or -1 past the end.
 * *def is NULL for keys without a fixed default. */
int	config_key_info(size_t i, const char **section, const char **key,
	    const char **def);
/* The file of a sqlite: database URL ("sqlite:///a/b" -> "/a/b");
 * 0, or -1 when url is not sqlite: or out is too small. */
int	config_sqlite_path(const char *url, char *out, size_t outlen);

#endif
