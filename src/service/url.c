/*
 * url.c — the one Host/URL policy of the SOAP services: which Host header
 * values are used in URLs, the base URL content links are built on and
 * the service URL (faultactor).  The rule is written down in docs/HTTP.md
 * ("Hosts and URLs").  Not HTTP parsing (src/http).  See host.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "service/host.h"

/* A decimal port 1..65535 of at most 5 digits; 0 when not one. */
static unsigned
port_value(const char *p)
{
	unsigned long v = 0;

	if (*p == '\0' || strlen(p) > 5)
		return 0;
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v >= 1 && v <= 65535 ? (unsigned)v : 0;
}

/*
 * A Host header value usable in a URL: host (name, IPv4, or [IPv6]) and
 * an optional :port (1..65535).  Names: letters, digits, '-', '.', '_'.
 */
bool
svc_host_header_ok(const char *h)
{
	size_t n;
	const char *p, *colon;

	if (h == NULL || (n = strlen(h)) == 0 || n > SVC_HOST_MAX)
		return false;
	if (h[0] == '[') {
		const char *end = strchr(h, ']');

		if (end == NULL || end == h + 1)
			return false;
		for (p = h + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				return false;
		colon = end + 1;
		if (*colon == '\0')
			return true;
		if (*colon != ':')
			return false;
	} else {
		colon = strchr(h, ':');
		for (p = h; *p != '\0' && p != colon; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.' && *p != '_')
				return false;
		if (p == h)
			return false;
		if (colon == NULL)
			return true;
	}
	return port_value(colon + 1) != 0;
}

/* host part (without port) of the fallback name for URLs */
static void
fallback_host(struct svc_call *c, char *out, size_t outlen)
{
	const struct config *cfg = c->host->cfg;
	const char *addr = NULL;

	if (cfg->server_name != NULL && cfg->server_name[0] != '\0') {
		snprintf(out, outlen, "%s", cfg->server_name);
		return;
	}
	for (size_t i = 0; i < cfg->nlisteners; i++)
		if (strcmp(cfg->listeners[i].name, c->http->listener->name) ==
		    0)
			addr = cfg->listeners[i].address;
	if (addr != NULL && strcmp(addr, "0.0.0.0") != 0 &&
	    strcmp(addr, "::") != 0 && strcmp(addr, "[::]") != 0) {
		if (strchr(addr, ':') != NULL && addr[0] != '[')
			snprintf(out, outlen, "[%s]", addr);
		else
			snprintf(out, outlen, "%s", addr);
		return;
	}
	snprintf(out, outlen, "%s", c->host->host_name);
}

/* Split a valid Host value into host and port (0 when absent). */
static void
split_host(const char *h, char *host, size_t hostlen, unsigned *port)
{
	const char *colon;

	if (h[0] == '[')
		colon = strchr(strchr(h, ']'), ':');
	else
		colon = strchr(h, ':');
	if (colon == NULL) {
		snprintf(host, hostlen, "%s", h);
		*port = 0;
	} else {
		snprintf(host, hostlen, "%.*s", (int)(colon - h), h);
		*port = port_value(colon + 1);
	}
}

void
svc_content_base(struct svc_call *c, char *out, size_t outlen)
{
	const struct config *cfg = c->host->cfg;
	const struct http_listener_info *li = c->http->listener;
	const char *h = svc_header(c, MHD_HTTP_HEADER_HOST);
	char host[SVC_HOST_MAX + 1];
	unsigned port = 0;
	bool tls = li->tls;

	if (svc_host_header_ok(h)) {
		/* the Host as the client sent it; no port = the default */
		split_host(h, host, sizeof(host), &port);
		if (port == 0)
			port = tls ? 443 : 80;
	} else {
		fallback_host(c, host, sizeof(host));
		port = li->port;
	}
	if (tls) {
		/* content goes over plain HTTP when there is a listener */
		for (size_t i = 0; i < cfg->nlisteners; i++)
			if (!cfg->listeners[i].tls) {
				tls = false;
				port = cfg->listeners[i].port;
				break;
			}
	}
	if ((tls && port == 443) || (!tls && port == 80))
		snprintf(out, outlen, "%s://%s", tls ? "https" : "http", host);
	else
		snprintf(out, outlen, "%s://%s:%u", tls ? "https" : "http",
		    host, port);
}

void
svc_service_url(struct svc_call *c, char *out, size_t outlen)
{
	const struct http_listener_info *li = c->http->listener;
	const char *h = svc_header(c, MHD_HTTP_HEADER_HOST);
	char host[SVC_HOST_MAX + 8];

	if (svc_host_header_ok(h))
		snprintf(host, sizeof(host), "%s", h);
	else {
		char fb[SVC_HOST_MAX + 1];

		fallback_host(c, fb, sizeof(fb));
		snprintf(host, sizeof(host), "%s:%u", fb, li->port);
	}
	snprintf(out, outlen, "%s://%s%s", li->tls ? "https" : "http", host,
	    c->def->path);
}
