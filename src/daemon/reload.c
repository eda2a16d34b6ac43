/*
 * reload.c — reading wsusd.conf for wsusd (at start and on SIGHUP) and
 * saying what a reload changed (see reload.h).  Applying a reload is the
 * caller's: main.c hands the new configuration to http_server_reload()
 * and the log level to log_set_level().
 *
 * Ownership: the configurations are the caller's; out strings are filled
 * in place.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/reload.h"

/*
 * What the configuration file cannot say about itself: the TLS files of
 * every TLS listener must be readable.  Adds errors tied to the
 * listener's section line.
 */
static void
check_tls_files(const struct config *cfg, struct config_errors *errs)
{
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		const struct config_listener *l = &cfg->listeners[i];
		const char *files[2], *what[2] = { "certificate", "key" };

		if (!l->tls)
			continue;
		files[0] = l->tls_certificate ? l->tls_certificate :
		    cfg->tls_certificate;
		files[1] = l->tls_key ? l->tls_key : cfg->tls_key;
		for (int k = 0; k < 2; k++) {
			struct config_error *e;
			if (files[k] != NULL && access(files[k], R_OK) == 0)
				continue;
			if (errs->n >= CONFIG_MAX_ERRORS)
				return;
			e = &errs->e[errs->n++];
			e->line = l->line;
			snprintf(e->msg, sizeof(e->msg),
			    "[listener %s]: TLS %s %s: %s (run 'wsusctl "
			    "postinstall' to create a self-signed one)",
			    l->name, what[k], files[k] ? files[k] : "(none)",
			    files[k] ? strerror(errno) : "not set");
		}
	}
}

int
daemon_config_read(const char *path, bool path_given, struct config *cfg,
    struct config_errors *errs, bool *defaults)
{
	*defaults = false;
	memset(errs, 0, sizeof(*errs));
	if (!path_given && access(path, F_OK) == -1 && errno == ENOENT) {
		/* as wsusctl: no default file means the built-in defaults */
		config_defaults(cfg);
		*defaults = true;
	} else if (config_load(path, cfg, errs) == 0) {
		check_tls_files(cfg, errs);
	}
	return errs->n > 0 ? -1 : 0;
}

static bool
str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* Append ", what" (or "what" first) to out. */
static void
add(char *out, size_t outlen, const char *what)
{
	size_t n = strlen(out);

	if (n + 1 < outlen)
		snprintf(out + n, outlen - n, "%s%s", n > 0 ? ", " : "", what);
}

static void
add_listener(char *out, size_t outlen, const char *name, const char *key)
{
	char what[128];

	snprintf(what, sizeof(what), "[listener %s] %s", name, key);
	add(out, outlen, what);
}

/* The listener entries of a and b: what changed, applied or not. */
static void
diff_listeners(const struct config *a, const struct config *b, char *live,
    char *restart, size_t outlen)
{
	if (a->nlisteners != b->nlisteners)
		add(restart, outlen, "the number of listeners");
	for (size_t i = 0; i < a->nlisteners && i < b->nlisteners; i++) {
		const struct config_listener *x = &a->listeners[i];
		const struct config_listener *y = &b->listeners[i];

		if (strcmp(x->name, y->name) != 0) {
			add_listener(restart, outlen, y->name, "(renamed)");
			continue;
		}
		if (strcmp(x->address, y->address) != 0)
			add_listener(restart, outlen, y->name, "address");
		if (x->port != y->port)
			add_listener(restart, outlen, y->name, "port");
		if (x->tls != y->tls)
			add_listener(restart, outlen, y->name, "tls");
		if (x->tls_min_version != y->tls_min_version)
			add_listener(live, outlen, y->name, "tls_min_version");
		if (x->tls_ciphers != y->tls_ciphers)
			add_listener(live, outlen, y->name, "tls_ciphers");
		if (str_differs(x->tls_certificate, y->tls_certificate))
			add_listener(live, outlen, y->name, "tls_certificate");
		if (str_differs(x->tls_key, y->tls_key))
			add_listener(live, outlen, y->name, "tls_key");
		if (str_differs(x->tls_client_ca, y->tls_client_ca))
			add_listener(live, outlen, y->name, "tls_client_ca");
		if (x->tls_client_auth != y->tls_client_auth)
			add_listener(live, outlen, y->name, "tls_client_auth");
	}
}

void
daemon_config_diff(const struct config *a, const struct config *b,
    bool level_fixed, char *live, char *restart, size_t outlen)
{
	live[0] = restart[0] = '\0';
#define S(field, key, out) \
	if (str_differs(a->field, b->field)) add(out, outlen, key)
#define N(field, key, out) \
	if (a->field != b->field) add(out, outlen, key)
	S(server_name, "[server] name", restart);
	S(content_dir, "[server] content_dir", restart);
	S(database_url, "[server] database", restart);
	S(state_dir, "[server] state_dir", restart);
	/* wsusd -v keeps debug whatever the file says */
	N(log_level, "[server] log_level", level_fixed ? restart : live);
	N(log_syslog, "[server] log_target", restart);
	S(tls_certificate, "[server] tls_certificate", live);
	S(tls_key, "[server] tls_key", live);
	S(upstream_allow, "[server] upstream_allow", live);
	S(access_log, "[server] access_log", live);
	N(max_body_bytes, "[limits] max_body_bytes", live);
	N(max_connections, "[limits] max_connections", live);
	N(max_connections_per_ip, "[limits] max_connections_per_ip", live);
	N(connection_timeout, "[limits] connection_timeout", live);
	N(threads, "[limits] threads", live);
	N(max_body_memory, "[limits] max_body_memory", live);
	/* the service host reads it from the configuration it started
	 * with (src/wsusss/dsauth.c) */
	N(downstream_auth, "[server] downstream_auth", restart);
	N(head_timeout, "[limits] head_timeout", restart);
	N(body_timeout, "[limits] body_timeout", restart);
#undef S
#undef N
	diff_listeners(a, b, live, restart, outlen);
}
