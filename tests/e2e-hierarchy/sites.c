/*
 * sites.c — the NSITES downstream wsusd processes of the hierarchy test
 * and their simulated clients.  Roles: sites 0..16 replicas, 17 and 18
 * autonomous, 19 a replica of site 0 (second tier).  Even sites use the
 * old ports (80/443), odd ones the new (8530/8531); site 2 presents
 * protocol 1.8 (WSUS 3.0 SP2), sites 4 and 5 sync over HTTPS trusting
 * the upstream's certificate (--cacert).  Each is configured with
 * `wsusctl sync configure` and synchronized by its own wsusd's sync
 * runner (`wsusctl sync now`, or a schedule slot), many at once.
 *
 * Without namespaces each first-tier site reaches the upstream through a
 * relay (relay.c) that dials from the site's own 127.0.1.x address.
 *
 * Clients: NCLIENTS `wsus-client scan --download --report` per site, run
 * inside the site's namespace against the site's own address.
 *
 * It asserts nothing beyond exit statuses; checks.c compares.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hier.h"
#include "relay.h"
#include "util/buf.h"
#include "util/fsutil.h"

void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
site_ctl(struct site *s, char **out, ...)
{
	struct buf b;
	va_list ap;
	int rc;

	buf_init(&b, 16u << 20);
	va_start(ap, out);
	rc = tl_vctl(&s->w, &b, NULL, ap);
	va_end(ap);
	if (out != NULL)
		*out = strdup(b.data != NULL ? b.data : "");
	else if (rc != 0)
		fprintf(stderr, "site wsusctl: exit %d\n%s\n", rc,
		    b.data != NULL ? b.data : "");
	buf_free(&b);
	return rc;
}

static struct relay relays[NSITES];	/* without namespaces only */

static int
site_role(int i, struct site *s)
{
	const struct site *s0 = &H.s[0];
	int port;

	s->role = i == SECOND_TIER ? ROLE_TIER2 : i == 17 || i == 18 ?
	    ROLE_AUTONOMOUS : ROLE_REPLICA;
	s->oldports = i % 2 == 0;
	s->https = i == 4 || i == 5;
	s->protocol = i == 2 ? "1.8" : "1.20";
	if (s->role == ROLE_TIER2) {
		snprintf(s->upurl, sizeof(s->upurl), "http://%s:%u", s0->addr,
		    s0->port);
		return 0;
	}
	port = H.upport[(s->oldports ? 0 : 2) + (s->https ? 1 : 0)];
	/* without namespaces: through a relay dialing from its address */
	if (!H.netns) {
		if (relay_start(&relays[i], NULL, H.upaddr, s->addr, port,
		    false) != 0)
			return -1;
		port = relays[i].port;
	}
	snprintf(s->upurl, sizeof(s->upurl), "%s://%s:%u", s->https ?
	    "https" : "http", H.upaddr, port);
	return 0;
}

static int
site_setup(int i)
{
	struct site *s = &H.s[i];
	char conf[1024], tag[32], name[64];

	snprintf(tag, sizeof(tag), "hier-s%02d", i);
	if (site_role(i, s) != 0 || tl_wsusd_init(&s->w, tag) != 0)
		return -1;
	snprintf(conf, sizeof(conf),
	    "[server]\ncontent_dir = %s\ndatabase = sqlite://%s\n"
	    "state_dir = %s\nlog_level = info\n\n"
	    "[listener plain]\naddress = %s\nport = %u\n\n"
	    "[limits]\nconnection_timeout = 30\nthreads = 2\n",
	    s->w.content, s->w.db, s->w.dir, H.netns ? "0.0.0.0" : s->addr,
	    s->port);
	if (tl_wsusd_write_conf(&s->w, conf) != 0 ||
	    tl_postinstall(&s->w, (char *)NULL) != 0)
		return -1;
	snprintf(name, sizeof(name), "site%02d.hier.test", i);
	if (site_ctl(s, NULL, "-q", "sync", "configure", "--upstream",
	    s->upurl, s->role == ROLE_AUTONOMOUS ? "--autonomous" :
	    "--replica", "--protocol", s->protocol, "--name", name,
	    "--content", "approved", "--cacert", s->https ? H.cacert : "",
	    (char *)NULL) != 0)
		return -1;
	if (i == 0 && site_ctl(s, NULL, "-q", "downstream", "rollup",
	    "detailed", (char *)NULL) != 0)
		return -1;
	return topo_start_wsusd(&s->w, s->ns, 1);
}

int
sites_setup(void)
{
	for (int i = 0; i < NSITES; i++)
		if (site_setup(i) != 0) {
			fprintf(stderr, "site %d: setup failed\n", i);
			return -1;
		}
	return 0;
}

int
sites_sync_now(const bool *mask, bool want_ok)
{
	pid_t pids[NSITES];
	char out[NSITES][256];
	int bad = 0;

	for (int i = 0; i < NSITES; i++) {
		char *argv[] = { (char *)tl_wsusctl_exe, "-c", H.s[i].w.conf,
		    "sync", "now", "--json", NULL };

		pids[i] = 0;
		if (!mask[i])
			continue;
		snprintf(out[i], sizeof(out[i]), "%s/now.out", H.s[i].w.dir);
		unlink(out[i]);
		if ((pids[i] = topo_spawn(NULL, argv, out[i])) < 0)
			return -1;
	}
	for (int i = 0; i < NSITES; i++) {
		int rc;

		if (pids[i] <= 0)
			continue;
		rc = topo_wait(pids[i], 300);
		if ((rc == 0) != want_ok) {
			bad++;
			fprintf(stderr, "site %d: sync now exit %d\n", i, rc);
			tl_show_file("sync now", out[i]);
		}
	}
	return bad == 0 ? 0 : -1;
}

static int
write_machine(int site, int c, const char *path)
{
	char text[512];

	snprintf(text, sizeof(text), "[machine]\nclient_id = "
	    "c1e00000-0000-4000-8000-%04x%08x\ndns_name = "
	    "pc%02d.site%02d.hier.test\n", (unsigned)site, (unsigned)c, c,
	    site);
	return tl_write_file(path, text, strlen(text));
}

/* One wave: client c of every site at once. */
static int
client_wave(int c)
{
	pid_t pids[NSITES];
	int bad = 0;

	for (int i = 0; i < NSITES; i++) {
		struct site *s = &H.s[i];
		char server[96], machine[256], out[256];
		char *argv[] = { (char *)H.client_exe, "scan", "--server",
		    server, "--machine", machine, "--download", "--report",
		    "--json", NULL };

		snprintf(server, sizeof(server), "http://%s:%u", s->addr,
		    s->port);
		snprintf(machine, sizeof(machine), "%s/client%02d.ini",
		    s->w.dir, c);
		snprintf(out, sizeof(out), "%s/client%02d.json", s->w.dir, c);
		unlink(out);
		if (write_machine(i, c, machine) != 0 ||
		    (pids[i] = topo_spawn(s->ns, argv, out)) < 0)
			return -1;
	}
	for (int i = 0; i < NSITES; i++) {
		int rc = topo_wait(pids[i], 300);

		if (rc != 0) {
			char out[256];

			snprintf(out, sizeof(out), "%s/client%02d.json",
			    H.s[i].w.dir, c);
			fprintf(stderr, "site %d client %d: exit %d\n", i, c,
			    rc);
			tl_show_file("wsus-client", out);
			bad++;
		}
	}
	return bad == 0 ? 0 : -1;
}

int
sites_clients(void)
{
	for (int c = 0; c < NCLIENTS; c++)
		if (client_wave(c) != 0)
			return -1;
	return 0;
}

void
sites_cleanup(void)
{
	for (int i = 0; i < NSITES; i++) {
		pid_t pid = H.s[i].w.pid;

		if (H.s[i].w.dir[0] == '\0')
			continue;
		tl_wsusd_cleanup(&H.s[i].w);
		topo_untrack(pid);
		H.s[i].w.dir[0] = '\0';
	}
	if (H.up.dir[0] != '\0') {
		pid_t pid = H.up.pid;

		tl_wsusd_cleanup(&H.up);
		topo_untrack(pid);
		H.up.dir[0] = '\0';
	}
	for (int i = 0; i < NSITES; i++)
		relay_stop(&relays[i]);
}
