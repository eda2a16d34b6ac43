/*
 * cmd_dsauth.c — `wsusctl downstream trust|credential|revoke|auth`:
 * binding a downstream server to the SHA-256 fingerprint of its client
 * certificate or to a new secret (printed once; the store keeps only its
 * hash, util/secret.h), revoking them and listing them.  What the
 * upstream checks with them: src/wsusss/dsauth.c.  Not the downstream
 * registry verbs (cmd_downstream.c).  docs/SECURITY.md, docs/WSUSCTL.md.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli/cmd_common.h"
#include "cli/output.h"
#include "cli/wsusctl.h"
#include "store/store_util.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/secret.h"

static void
auth_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsusctl downstream trust SERVER --certificate FILE\n"
	    "       wsusctl downstream trust SERVER --fingerprint HEX\n"
	    "       wsusctl downstream credential SERVER\n"
	    "       wsusctl downstream revoke SERVER [--certificate] "
	    "[--credential]\n"
	    "       wsusctl downstream auth\n"
	    "  Bind a downstream server to its client certificate (the PEM "
	    "file or\n"
	    "  its SHA-256 fingerprint) or to a new secret, printed once (it "
	    "sends\n"
	    "  it as HTTP Basic, user = its server id); revoke them (both "
	    "unless\n"
	    "  one is named); list the bindings.  SERVER is a server id "
	    "(also of a\n"
	    "  server not seen yet), a name or #N.  [server] downstream_auth "
	    "says\n"
	    "  what every downstream must present; a bound one must present "
	    "what\n"
	    "  it is bound to in any mode (docs/SECURITY.md).\n");
}

/* The GUID of SERVER: a GUID as is, else a known downstream's. */
static int
server_guid(struct store *st, const char *name, char out[GUID_STRLEN + 1])
{
	if (store_guid_norm(name, out) == 0)
		return EXIT_OK;
	return downstream_site_id(st, name, out);
}

/* "AB:CD:..." or "abcd..." (64 hex digits) into lower-case hex. */
static int
fingerprint_norm(const char *in, char out[DS_CERT_HEX_LEN + 1])
{
	size_t o = 0;

	for (const char *p = in; *p != '\0'; p++) {
		if (*p == ':')
			continue;
		if (hex_digit((unsigned char)*p) < 0 || o == DS_CERT_HEX_LEN)
			return -1;
		out[o++] = (char)tolower((unsigned char)*p);
	}
	out[o] = '\0';
	return o == DS_CERT_HEX_LEN ? 0 : -1;
}

/* SHA-256 of the DER of the first certificate of a PEM file. */
static int
cert_fingerprint(const char *path, char out[DS_CERT_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509 *x = NULL;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		log_error("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (x == NULL) {
		log_error("%s: not a PEM certificate", path);
		return -1;
	}
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32) {
		X509_free(x);
		log_error("%s: cannot compute its SHA-256 fingerprint", path);
		return -1;
	}
	X509_free(x);
	hex_encode(md, mdlen, out, 0);
	return 0;
}

static int
list_cb(const struct store_downstream_auth *a, void *arg)
{
	struct wsusctl *ctl = arg;

	if (ctl->json) {
		json_t *j = json_pack("{s:s,s:s?,s:b,s:I}", "server_id",
		    a->server_id, "certificate_sha256", a->cert_sha256[0] !=
		    '\0' ? a->cert_sha256 : NULL, "credential",
		    a->secret_hash[0] != '\0', "updated",
		    (json_int_t)a->updated);
		output_json_put(j);
	} else
		printf("%s certificate %s credential %s\n", a->server_id,
		    a->cert_sha256[0] != '\0' ? a->cert_sha256 : "-",
		    a->secret_hash[0] != '\0' ? "yes" : "no");
	return 0;
}

int
cmd_downstream_auth(struct wsusctl *ctl, const char *sub, int n, char **base)
{
	static const struct option opts[] = {
		{ "certificate", optional_argument, NULL, 'c' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "credential",	no_argument,	NULL,	's' },
		{ "json",	no_argument,	NULL,	'j' },
		{ "quiet",	no_argument,	NULL,	'q' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *certfile = NULL, *fpr = NULL;
	bool cert = false, cred = false;
	char id[GUID_STRLEN + 1], hex[DS_CERT_HEX_LEN + 1];
	char secret[SECRET_STRLEN + 1], hash[SECRET_HASH_BUFSZ];
	struct store *st;
	char **args;
	int ch, nargs, rc;

	optind = 0;
	while ((ch = getopt_long(n, base, "jqh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cert = true;
			certfile = optarg;
			break;
		case 'f':
			fpr = optarg;
			break;
		case 's':
			cred = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		case 'q':
			ctl->quiet = true;
			break;
		case 'h':
			auth_usage(stdout);
			return EXIT_OK;
		default:
			bad_option(base);
			auth_usage(stderr);
			return EXIT_USAGE;
		}
	}
	args = base + optind;
	nargs = n - optind;
	/* --certificate=FILE (optional_argument) or --certificate FILE */
	if (cert && certfile == NULL && strcmp(sub, "trust") == 0 &&
	    nargs == 2) {
		certfile = args[1];
		nargs = 1;
	}
	if (strcmp(sub, "auth") == 0 ? nargs != 0 || cert || cred ||
	    fpr != NULL : nargs != 1 ||
	    (strcmp(sub, "trust") == 0 && (cred || (certfile == NULL) ==
	    (fpr == NULL))) ||
	    (strcmp(sub, "credential") == 0 && (cert || cred || fpr != NULL)) ||
	    (strcmp(sub, "revoke") == 0 && (certfile != NULL || fpr != NULL))) {
		auth_usage(stderr);
		return EXIT_USAGE;
	}
	if (certfile != NULL && cert_fingerprint(certfile, hex) != 0)
		return EXIT_FAIL;
	if (fpr != NULL && fingerprint_norm(fpr, hex) != 0) {
		log_error("--fingerprint: 64 hex digits (SHA-256), colons "
		    "allowed");
		return EXIT_USAGE;
	}
	if ((st = wsusctl_store(ctl)) == NULL)
		return EXIT_FAIL;
	if (strcmp(sub, "auth") == 0) {
		rc = store_downstream_auth_list(st, list_cb, ctl);
		return rc == STORE_OK ? EXIT_OK : store_fail(st, rc,
		    "listing downstream credentials");
	}
	if ((rc = server_guid(st, args[0], id)) != EXIT_OK)
		return rc;
	if (strcmp(sub, "trust") == 0) {
		if ((rc = store_downstream_auth_set(st, id, hex, NULL,
		    (int64_t)time(NULL))) != STORE_OK)
			return store_fail(st, rc, "binding the certificate");
		if (ctl->json)
			output_json_put(json_pack("{s:s,s:s}", "server_id", id,
			    "certificate_sha256", hex));
		else if (!ctl->quiet)
			printf("downstream %s bound to certificate %s\n", id,
			    hex);
		return EXIT_OK;
	}
	if (strcmp(sub, "credential") == 0) {
		if (secret_new(secret) != 0 ||
		    secret_hash(secret, strlen(secret), hash) != 0) {
			log_error("cannot make a secret");
			return EXIT_FAIL;
		}
		rc = store_downstream_auth_set(st, id, NULL, hash,
		    (int64_t)time(NULL));
		if (rc != STORE_OK) {
			explicit_bzero(secret, sizeof(secret));
			return store_fail(st, rc, "storing the credential");
		}
		/* the only time the secret is shown; even with -q */
		if (ctl->json)
			output_json_put(json_pack("{s:s,s:s}", "server_id", id,
			    "secret", secret));
		else
			printf("server_id %s\nsecret %s\n", id, secret);
		explicit_bzero(secret, sizeof(secret));
		return EXIT_OK;
	}
	{
		size_t k = 0;

		if (!cert && !cred)
			cert = cred = true;
		if ((rc = store_downstream_auth_revoke(st, id, cert, cred, &k))
		    != STORE_OK)
			return store_fail(st, rc, "revoking credentials");
		if (ctl->json)
			output_json_put(json_pack("{s:s,s:I}", "server_id", id,
			    "revoked", (json_int_t)k));
		else if (!ctl->quiet)
			printf("downstream %s: %s\n", id, k > 0 ? "revoked" :
			    "nothing to revoke");
		return EXIT_OK;
	}
}
