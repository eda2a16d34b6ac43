/*
 * topo.c — the network of the hierarchy test.  With namespaces (root or
 * CAP_NET_ADMIN): a namespace for the upstream holding a bridge br0
 * (10.77.0.1/24), and one namespace per site whose eth0 is the peer of a
 * veth vsN on that bridge (10.77.0.(10+N)/24).  Every link is created
 * inside the namespaces, so the host's own network is not touched and
 * removing the namespaces removes the veths.  Without them: the upstream
 * on 127.0.1.1 and the sites on 127.0.1.(10+N), ports picked free.  The
 * mode that ran is printed.
 *
 * Also the life of every process the test starts (tracked, SIGKILLed at
 * cleanup when still alive), and the cleanup that runs on every exit:
 * normal end, failed assertion (cmocka teardown), exit(), SIGTERM from
 * meson's timeout, SIGINT; when the test is killed outright (SIGKILL),
 * its children die with it (PR_SET_PDEATHSIG).  Namespaces of a previous run that died
 * (prefix HIER_NS_PREFIX + the pid of a process that no longer exists)
 * are removed at start, with the processes still inside them.
 *
 * It does not configure wsusd; sites.c and upstream.c do.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hier.h"
#include "util/buf.h"

struct hier H;

#define MAXTRACK 1024
static pid_t tracked[MAXTRACK];
static pid_t owner;		/* the test process: only it cleans up */
static bool made_ns;

void
topo_track(pid_t pid)
{
	for (size_t i = 0; i < MAXTRACK; i++)
		if (tracked[i] == 0) {
			tracked[i] = pid;
			return;
		}
}

void
topo_untrack(pid_t pid)
{
	for (size_t i = 0; i < MAXTRACK; i++)
		if (tracked[i] == pid)
			tracked[i] = 0;
}

/* ip ARGS... quietly; its exit status. */
static int
ip(const char *a1, ...)
{
	char *argv[24];
	va_list ap;
	int n = 0;
	const char *a;

	argv[n++] = (char *)"ip";
	argv[n++] = (char *)a1;
	va_start(ap, a1);
	while (n < 23 && (a = va_arg(ap, const char *)) != NULL)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return tl_run(argv, NULL, "/dev/null");
}

/* Kill the processes inside namespace name, then delete it. */
static void
ns_remove(const char *name)
{
	char *argv[] = { "ip", "netns", "pids", (char *)name, NULL };
	struct buf out;
	char *p, *end;

	buf_init(&out, 1 << 16);
	if (tl_run(argv, &out, "/dev/null") == 0 && out.data != NULL)
		for (p = out.data; *p != '\0'; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 1)
				kill((pid_t)pid, SIGKILL);
		}
	buf_free(&out);
	ip("netns", "del", name, NULL);
}

/* Namespaces of earlier runs whose process is gone. */
static void
remove_stale(void)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	size_t plen = strlen(HIER_NS_PREFIX);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(e->d_name, HIER_NS_PREFIX, plen) != 0)
			continue;
		pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || *end != '-')
			continue;
		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;	/* a run still going */
		fprintf(stderr, "# removing stale namespace %s\n", e->d_name);
		ns_remove(e->d_name);
	}
	closedir(d);
}

static void
on_signal(int sig)
{
	topo_cleanup();
	sites_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
at_exit(void)
{
	topo_cleanup();
	sites_cleanup();
}

static int
netns_setup(void)
{
	char br_addr[40], name[16], peer[48], addr[40];

	snprintf(H.upns, sizeof(H.upns), "%s%ld-up", HIER_NS_PREFIX,
	    (long)getpid());
	if (ip("netns", "add", H.upns, NULL) != 0)
		return -1;
	made_ns = true;
	snprintf(br_addr, sizeof(br_addr), "10.77.0.1/24");
	if (ip("-n", H.upns, "link", "set", "lo", "up", NULL) != 0 ||
	    ip("-n", H.upns, "link", "add", "br0", "type", "bridge",
	    NULL) != 0 ||
	    ip("-n", H.upns, "addr", "add", br_addr, "dev", "br0", NULL) != 0 ||
	    ip("-n", H.upns, "link", "set", "br0", "up", NULL) != 0)
		return -1;
	snprintf(H.upaddr, sizeof(H.upaddr), "10.77.0.1");
	for (int i = 0; i < NSITES; i++) {
		struct site *s = &H.s[i];

		snprintf(s->ns, sizeof(s->ns), "%s%ld-s%d", HIER_NS_PREFIX,
		    (long)getpid(), i);
		snprintf(name, sizeof(name), "vs%d", i);
		snprintf(peer, sizeof(peer), "%s", s->ns);
		snprintf(s->addr, sizeof(s->addr), "10.77.0.%d", 10 + i);
		snprintf(addr, sizeof(addr), "%s/24", s->addr);
		if (ip("netns", "add", s->ns, NULL) != 0 ||
		    ip("-n", H.upns, "link", "add", name, "type", "veth",
		    "peer", "name", "eth0", "netns", peer, NULL) != 0 ||
		    ip("-n", H.upns, "link", "set", name, "master", "br0",
		    NULL) != 0 ||
		    ip("-n", H.upns, "link", "set", name, "up", NULL) != 0 ||
		    ip("-n", s->ns, "link", "set", "lo", "up", NULL) != 0 ||
		    ip("-n", s->ns, "addr", "add", addr, "dev", "eth0",
		    NULL) != 0 ||
		    ip("-n", s->ns, "link", "set", "eth0", "up", NULL) != 0) {
			fprintf(stderr, "setting up %s failed\n", s->ns);
			return -1;
		}
		s->port = 8530;
	}
	H.upport[0] = 80;
	H.upport[1] = 443;
	H.upport[2] = 8530;
	H.upport[3] = 8531;
	return 0;
}

static void
fallback_setup(void)
{
	H.netns = false;
	H.upns[0] = '\0';
	snprintf(H.upaddr, sizeof(H.upaddr), "127.0.1.1");
	for (int i = 0; i < 4; i++)
		H.upport[i] = tl_free_port();
	for (int i = 0; i < NSITES; i++) {
		H.s[i].ns[0] = '\0';
		snprintf(H.s[i].addr, sizeof(H.s[i].addr), "127.0.1.%d",
		    10 + i);
		H.s[i].port = tl_free_port();
	}
}

int
topo_setup(void)
{
	owner = getpid();
	atexit(at_exit);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	remove_stale();
	/* WSUSD_TEST_NO_NETNS: the fallback even for root (to check it) */
	H.netns = getenv("WSUSD_TEST_NO_NETNS") == NULL && netns_setup() == 0;
	if (!H.netns) {
		topo_cleanup();
		fallback_setup();
		printf("# hierarchy mode: loopback addresses 127.0.1.x (network "
		    "namespaces refused or no ip command)\n");
	} else
		printf("# hierarchy mode: network namespaces (%d sites, "
		    "bridge in %s)\n", NSITES, H.upns);
	fflush(stdout);
	return 0;
}

void
topo_cleanup(void)
{
	int st;

	if (owner != 0 && getpid() != owner)
		return;
	for (size_t i = 0; i < MAXTRACK; i++)
		if (tracked[i] > 0) {
			kill(tracked[i], SIGKILL);
			waitpid(tracked[i], &st, 0);
			tracked[i] = 0;
		}
	if (!made_ns)
		return;
	for (int i = 0; i < NSITES; i++)
		if (H.s[i].ns[0] != '\0')
			ns_remove(H.s[i].ns);
	if (H.upns[0] != '\0')
		ns_remove(H.upns);
	made_ns = false;
}

pid_t
topo_spawn(const char *ns, char *const argv[], const char *outpath)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd;

		/* a test killed outright takes its children along */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != owner)
			_exit(126);
		if (ns != NULL && *ns != '\0') {
			char path[128];

			snprintf(path, sizeof(path), "/run/netns/%s", ns);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
			    setns(fd, CLONE_NEWNET) != 0)
				_exit(126);
			close(fd);
		}
		fd = open(outpath != NULL ? outpath : "/dev/null",
		    O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	topo_track(pid);
	return pid;
}

int
topo_wait(pid_t pid, int secs)
{
	int st;

	for (int i = 0; i < secs * 20; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			topo_untrack(pid);
			if (WIFEXITED(st))
				return WEXITSTATUS(st);
			return 128 + WTERMSIG(st);
		}
		if (r < 0 && errno != EINTR)
			return -1;
		sleep_ms(50);
	}
	fprintf(stderr, "process %ld still running after %d s: killed\n",
	    (long)pid, secs);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	topo_untrack(pid);
	return -1;
}

int
topo_start_wsusd(struct tl_wsusd *w, const char *ns, int nlisteners)
{
	char *argv[] = { (char *)tl_wsusd_exe, "-c", w->conf, NULL };
	size_t before = tl_count_in_file(w->log, "listening on");
	int st;

	w->pid = topo_spawn(ns, argv, w->log);
	if (w->pid < 0) {
		w->pid = 0;
		return -1;
	}
	for (int i = 0; i < 600; i++) {
		if (tl_count_in_file(w->log, "listening on") >=
		    before + (size_t)nlisteners)
			return 0;
		if (waitpid(w->pid, &st, WNOHANG) == w->pid) {
			topo_untrack(w->pid);
			w->pid = 0;
			break;
		}
		sleep_ms(50);
	}
	tl_show_file("wsusd did not start", w->log);
	return -1;
}

void
topo_kill_wsusd(struct tl_wsusd *w)
{
	int st;

	if (w->pid <= 0)
		return;
	kill(w->pid, SIGKILL);
	waitpid(w->pid, &st, 0);
	topo_untrack(w->pid);
	w->pid = 0;
}
