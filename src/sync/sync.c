/*
 * sync.c — one synchronization run (sync.h): the order of the steps and
 * what happens between them.  Each step is its own file (see
 * sync_internal.h); this file only sequences them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sync/sync_internal.h"
#include "util/log.h"

int
sync_profile_parse(const char *s, enum sync_profile *out)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "1.8") == 0 || strcasecmp(s, "wsus3") == 0 ||
	    strcmp(s, "3") == 0) {
		*out = SYNC_PROFILE_WSUS3SP2;
		return 0;
	}
	if (strcmp(s, "1.20") == 0 || strcasecmp(s, "wsus10") == 0 ||
	    strcmp(s, "10") == 0) {
		*out = SYNC_PROFILE_WSUS10;
		return 0;
	}
	return -1;
}

const char *
sync_profile_version(enum sync_profile p)
{
	return p == SYNC_PROFILE_WSUS3SP2 ? "1.8" : "1.20";
}

void
sync_global_init(void)
{
	soapclient_global_init();
}

/* Tell the progress hook the run enters phase. */
static void
phase(struct sess *s, const char *name)
{
	if (s->o->progress != NULL)
		s->o->progress(s->o->hook_arg, name, s->res);
}

/* Authenticate, then configuration, metadata and a replica's
 * deployments; 0 or -1. */
static int
metadata_steps(struct sess *s)
{
	phase(s, "auth");
	if (sync_auth(s) != 0 || sync_state_adopt_upstream(s) != 0)
		return -1;
	phase(s, "config");
	if (sync_config(s) != 0)
		return -1;
	phase(s, "metadata");
	if (sync_metadata(s) != 0)
		return -1;
	if (s->o->replica) {
		phase(s, "deployments");
		return sync_deployments(s);
	}
	return 0;
}

/* Set up s for one run of o against st; 0, or -1 with err set. */
static int
sess_open(struct sess *s, struct store *st, const struct sync_opts *o,
    struct sync_result *res, char *err, size_t errlen)
{
	size_t n;

	memset(res, 0, sizeof(*res));
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->res = res;
	s->st = st;
	s->err = err;
	s->errlen = errlen;
	err[0] = '\0';
	if (o->upstream == NULL || (strncmp(o->upstream, "http://", 7) != 0 &&
	    strncmp(o->upstream, "https://", 8) != 0) ||
	    strlen(o->upstream) >= sizeof(s->base)) {
		sync_seterr(s, "upstream must be an http:// or https:// URL");
		return -1;
	}
	snprintf(s->base, sizeof(s->base), "%s", o->upstream);
	n = strlen(s->base);
	while (n > 0 && s->base[n - 1] == '/')
		s->base[--n] = '\0';
	if (sync_transport_open(s) != 0 || sync_state_identity(s) != 0)
		return -1;
	/* the credential's user is our server id (docs/SECURITY.md) */
	if (o->credential != NULL)
		soapclient_set_login(&s->sc, s->account_guid, o->credential);
	return 0;
}

static void
sess_close(struct sess *s)
{
	sync_transport_close(s);
	free(s->auth_data);
	free(s->ck_exp);
	free(s->ck_data);
}

/*
 * The content step.  Express (PSF) files only when they are wanted and
 * the upstream said it hosts them (GetConfigData ServerHostsPsfFiles,
 * wsusss.md §6.4, §10): else the step runs as if express were off and
 * the result says why (express_unhosted).  0 or -1.
 */
static int
content_step(struct sess *s)
{
	const struct sync_opts *o = s->o;
	struct sync_opts no_express;
	int rc;

	if (o->content == SYNC_CONTENT_NONE)
		return sync_content(s);
	phase(s, "content");
	if (o->express && !s->hosts_psf && o->content !=
	    SYNC_CONTENT_ORIGIN) {
		log_warnx("sync: express files are configured, but the "
		    "upstream does not host them (ServerHostsPsfFiles false)");
		s->res->express_unhosted = true;
		no_express = *o;
		no_express.express = false;
		s->o = &no_express;
	}
	rc = sync_content(s);
	s->o = o;
	return rc;
}

/* The rollup step, recorded in the result; 0 or -1. */
static int
rollup_step(struct sess *s)
{
	phase(s, "rollup");
	s->res->rollup_attempted = true;
	if (sync_rollup(s) != 0)
		return -1;
	if (!s->res->rolled_up) {
		sync_seterr(s, "the upstream takes no rollups "
		    "(GetRollupConfiguration refused)");
		return 1;
	}
	return 0;
}

int
sync_run(struct store *st, const struct sync_opts *o, struct sync_result *res,
    char *err, size_t errlen)
{
	struct sess s;
	int rc = -1, tries;

	if (sess_open(&s, st, o, res, err, errlen) != 0)
		goto out;
	/*
	 * ServerChanged (the upstream's identity changed, or it no longer
	 * knows our anchors): reset the config, sync and deployment
	 * anchors and start over once with a full list (wsusss.md §4, §7);
	 * the run records it (full_resync).
	 */
	for (tries = 0; tries < 2; tries++) {
		if (metadata_steps(&s) == 0)
			break;
		if (strcmp(s.fault, "ServerChanged") != 0 || tries > 0)
			goto out;
		log_warnx("sync: upstream says ServerChanged; resetting the "
		    "anchors, full synchronization");
		sync_state_reset_anchors(&s);
		res->full_resync = true;
	}
	if (!o->replica && sync_state_replica(&s, NULL) != 0)
		goto out;
	if (content_step(&s) != 0)
		goto out;
	sync_state_mark_synced(&s, (int64_t)time(NULL));
	/* An upstream that takes no rollups stops only the rollup step. */
	if (o->rollup && (s.up_major > 1 || s.up_minor >= 3) &&
	    rollup_step(&s) < 0)
		goto out;
	rc = 0;
	err[0] = '\0';		/* a recovered fault is no error */
out:
	sess_close(&s);
	return rc;
}

int
sync_content_run(struct store *st, const struct sync_opts *o,
    struct sync_result *res, char *err, size_t errlen)
{
	struct sess s;
	int rc = -1;

	if (sess_open(&s, st, o, res, err, errlen) != 0)
		goto out;
	s.requests_only = true;
	phase(&s, "auth");
	if (sync_auth(&s) != 0 || sync_state_adopt_upstream(&s) != 0)
		goto out;
	phase(&s, "config");
	if (sync_config(&s) != 0 || content_step(&s) != 0)
		goto out;
	rc = 0;
out:
	sess_close(&s);
	return rc;
}

int
sync_rollup_run(struct store *st, const struct sync_opts *o,
    struct sync_result *res, char *err, size_t errlen)
{
	struct sess s;
	int rc = -1;

	if (sess_open(&s, st, o, res, err, errlen) != 0)
		goto out;
	phase(&s, "auth");
	if (sync_auth(&s) != 0 || sync_state_adopt_upstream(&s) != 0)
		goto out;
	phase(&s, "config");
	if (sync_config(&s) != 0)
		goto out;
	if (s.up_major == 1 && s.up_minor < 3) {
		sync_seterr(&s, "upstream protocol %u.%u takes no rollups "
		    "(1.3 or later)", s.up_major, s.up_minor);
		goto out;
	}
	if (rollup_step(&s) != 0)
		goto out;
	rc = 0;
out:
	sess_close(&s);
	return rc;
}
