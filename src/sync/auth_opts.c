/*
 * auth_opts.c — this server's downstream authentication towards its
 * upstream (docs/SECURITY.md "Downstream authentication"): the client
 * certificate, key and credential `wsusctl sync configure` keeps as
 * settings (store/settings.h SETTING_SYNC_*), read into a struct
 * sync_opts for a run.  Not how they are sent (transport.c, content.c,
 * soapclient).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/settings.h"
#include "sync/sync.h"

static int
one(struct store *st, const char *key, char **out, char *err, size_t errlen)
{
	int rc = store_setting_str(st, key, out);

	if (rc == STORE_NOTFOUND || (rc == STORE_OK && *out != NULL &&
	    (*out)[0] == '\0')) {
		free(*out);
		*out = NULL;
		return 0;
	}
	if (rc != STORE_OK) {
		free(*out);
		*out = NULL;
		snprintf(err, errlen, "setting %s: %s", key, store_errmsg(st));
		return -1;
	}
	return 0;
}

int
sync_auth_load(struct store *st, struct sync_auth *a, struct sync_opts *o,
    char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (one(st, SETTING_SYNC_CLIENT_CERT, &a->cert, err, errlen) != 0 ||
	    one(st, SETTING_SYNC_CLIENT_KEY, &a->key, err, errlen) != 0 ||
	    one(st, SETTING_SYNC_CREDENTIAL, &a->credential, err, errlen)
	    != 0) {
		sync_auth_free(a);
		return -1;
	}
	if (o->client_cert == NULL)
		o->client_cert = a->cert;
	if (o->client_key == NULL)
		o->client_key = a->key;
	if (o->credential == NULL)
		o->credential = a->credential;
	return 0;
}

void
sync_auth_free(struct sync_auth *a)
{
	free(a->cert);
	free(a->key);
	if (a->credential != NULL) {
		explicit_bzero(a->credential, strlen(a->credential));
		free(a->credential);
	}
	memset(a, 0, sizeof(*a));
}
