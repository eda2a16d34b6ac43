/*
 * config_keys.h — inside the config module only: the table of known keys
 * per section type and what a value of each key type may be
 * (config_keys.c).  config.c reads the file and uses these.
 *
 * Not a public interface: include config/config.h elsewhere.
 */
#ifndef WSUSD_CONFIG_CONFIG_KEYS_H
#define WSUSD_CONFIG_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define CONFIG_VALUE_MAX	1024		/* bytes in one value */
#define CONFIG_HOSTNAME_MAX	253
#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXKEYS		12	/* most keys of one section type */

enum key_type {
	K_STRING,	/* server name: host name or address literal */
	K_PATH,		/* absolute path */
	K_URL,		/* database URL: sqlite: or postgresql: */
	K_ADDRESS,	/* numeric IPv4 or IPv6 address */
	K_BOOL,		/* yes/no/true/false/on/off/1/0 */
	K_PORT,		/* 1..65535 */
	K_UINT,		/* unsigned within [min, max] */
	K_SIZE,		/* bytes with optional K/M/G suffix, within [min, max] */
	K_LOGLEVEL,	/* error/warn/info/debug */
	K_LOGTARGET,	/* stderr/syslog */
	K_TLSVER,	/* 1.0/1.1/1.2/1.3 */
	K_TLSCIPHERS,	/* auto/modern/compatible */
	K_NETLIST,	/* numeric addresses/networks (a[/n]), comma/space separated */
	K_LOGFILE,	/* off (NULL), stderr, or an absolute path */
	K_CLIENTAUTH,	/* none/optional/require */
	K_DSAUTH,	/* anonymous/certificate/credential/any-of */
};

enum section_type {
	SECT_SERVER = 0,
	SECT_LISTENER,
	SECT_LIMITS,
	SECT_NTYPES,
	SECT_NONE,	/* before the first header */
	SECT_SKIP,	/* a bad header: its keys are ignored */
};

struct key {
	const char	*name;
	enum key_type	 type;
	size_t		 off;	/* in struct config or struct config_listener */
	uint64_t	 min, max;
	const char	*def;	/* default as text; NULL: not set / derived */
};

struct config_section {
	const char	  *name;
	const struct key  *keys;	/* the section type's keys */
	size_t		   nkeys;
};

/* Indexed by enum section_type (the real types, < SECT_NTYPES). */
extern const struct config_section config_sections[SECT_NTYPES];
/* tls_ciphers values, indexed by enum tls_ciphers. */
extern const char *const tls_ciphers_names[3];
/* tls_client_auth values, indexed by enum tls_client_auth. */
extern const char *const tls_client_auth_names[3];
/* downstream_auth values, indexed by enum downstream_auth. */
extern const char *const downstream_auth_names[4];

/* Blank other than a newline. */
bool	cfg_is_ws(char c);
/*
 * Copy untrusted text into out for a message: at most 48 bytes, anything
 * but printable ASCII as '?', "..." when cut.  Returns out.
 */
const char *cfg_show(char out[64], const char *s, size_t n);
/* Check value text v for key k and store it in the struct at base; 0, or
 * -1 with err. */
int	cfg_set_value(void *base, const struct key *k, const char *v,
	    char *err, size_t errlen);
/* Apply every table default of section type st to base. */
void	cfg_apply_defaults(void *base, enum section_type st);
/* The key called name in section type st (its index in *idx), or NULL. */
const struct key *cfg_find_key(enum section_type st, const char *name,
	    size_t *idx);

#endif
