/*
 * load.c — "wsus-client load": many simulated clients against one
 * server, for the benchmarks.  N clients, each with its own SusClientId
 * (deterministic from --seed), DNS name and cookie, run full sessions
 * (handshake, every SyncUpdates round, the driver pass,
 * GetExtendedUpdateInfo, ReportEventBatch) on C threads, each thread one
 * session at a time on its own connection.  Without --duration every
 * client scans once; with it, clients scan round-robin until the time is
 * up.  --register-only makes each client a light session instead:
 * handshake with RegisterComputer and a status report (147 + 156) whose
 * U=/V= lists come from one full scan made first and vary per client.
 *
 * Printed: completed scans per second, latency quantiles per operation,
 * and with --server-pid the server's CPU seconds per scan
 * (/proc/PID/stat utime + stime) and peak RSS (VmHWM).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "client/client.h"
#include "client/commands.h"
#include "client/machine.h"
#include "client/scan.h"
#include "client/wusp_client.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define LOAD_MAX_THREADS	1024
#define LOAD_MAX_ERRORS		5

struct load;

struct worker {
	pthread_t	 thread;
	struct load	*L;
	struct wc_stats	 stats;
	uint64_t	 ok, failed;
	struct core_cache *cache;
	char		 err[LOAD_MAX_ERRORS][600];
	unsigned	 nerr;
};

struct load {
	struct wc_opts	 wo;
	struct scan_opts so;
	const struct machine *base;
	unsigned long long seed;
	unsigned long long clients;
	unsigned	 threads;
	double		 duration;	/* 0: each client once */
	bool		 register_only;
	atomic_ullong	 next;
	atomic_ullong	 done;
	double		 t_start, t_end;
	/* --register-only: the lists of the template scan */
	struct guid	*needed, *installed;
	size_t		 nneeded, ninstalled;
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void
client_load_id(unsigned long long seed, unsigned long long n,
    char out[GUID_STRLEN + 1])
{
	uint64_t x = seed * 0x100000001B3ULL + n, a = splitmix(&x),
	    b = splitmix(&x);
	struct guid g;

	memcpy(g.b, &a, 8);
	memcpy(g.b + 8, &b, 8);
	g.b[6] = (uint8_t)((g.b[6] & 0x0f) | 0x40);	/* version 4 */
	g.b[8] = (uint8_t)((g.b[8] & 0x3f) | 0x80);	/* variant */
	guid_format(&g, out, false);
}

void
cmd_load_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsus-client load --server URL --clients N --concurrency C\n"
	    "           [--duration S] [--machine FILE] [--seed N]\n"
	    "           [--register-only] [--no-report] [--no-drivers]\n"
	    "           [--no-extended] [--server-pid PID] [--keep-alive]\n"
	    "           [--json] [--insecure] [--no-xpress] [--timeout S] [-v]\n"
	    "Simulate N Windows clients, C sessions at a time, and print\n"
	    "completed scans per second and latency per operation.\n"
	    "  -s, --server URL       http[s]://host[:port] of the server\n"
	    "  -n, --clients N        simulated clients (own SusClientId each)\n"
	    "  -c, --concurrency C    sessions at once (threads), 1..%d\n"
	    "  -t, --duration S       run S seconds, clients scanning again in\n"
	    "                         turn (default: every client once)\n"
	    "  -m, --machine FILE     the machine all clients simulate\n"
	    "      --seed N           SusClientIds (default 1)\n"
	    "      --register-only    handshake + RegisterComputer + a status\n"
	    "                         report per client (after one full scan)\n"
	    "      --no-report        no ReportEventBatch\n"
	    "      --no-drivers       no driver pass\n"
	    "      --no-extended      no GetExtendedUpdateInfo\n"
	    "      --server-pid PID   report that process's CPU and peak RSS\n"
	    "      --keep-alive       keep a thread's connection across\n"
	    "                         sessions (default: one per session)\n"
	    "  -j, --json             JSON on standard output\n"
	    "  -k, --insecure         do not verify TLS certificates\n"
	    "      --no-xpress        do not offer Accept-Encoding: xpress\n"
	    "      --timeout S        seconds per call (default 120)\n"
	    "  -v, --verbose          progress every 5 s on stderr\n"
	    "Exit status: 0 every session completed, 1 some failed, 2 usage.\n",
	    LOAD_MAX_THREADS);
}

/* Client n's share of the template lists: a stable pseudo-random split. */
static void
vary_lists(const struct load *L, unsigned long long n, struct guid *nd,
    size_t *nn, struct guid *in, size_t *ni)
{
	uint64_t x = L->seed ^ (n * 0xD1B54A32D192ED03ULL);

	*nn = *ni = 0;
	for (size_t i = 0; i < L->ninstalled; i++)
		in[(*ni)++] = L->installed[i];
	for (size_t i = 0; i < L->nneeded; i++) {
		if (splitmix(&x) & 1)
			in[(*ni)++] = L->needed[i];
		else
			nd[(*nn)++] = L->needed[i];
	}
}

/* One session of client n; 0 or -1 with err. */
static int
session(struct worker *w, struct wc_conn *conn, unsigned long long n,
    char *err, size_t errlen)
{
	struct load *L = w->L;
	struct machine m;
	struct wc_session s;
	struct scan_state *st = NULL;
	struct scan_result res;
	char cid[GUID_STRLEN + 1];
	int rc;

	machine_copy(&m, L->base);
	free(m.dns_name);
	m.dns_name = xasprintf("wsus-load-%07llu.load.example", n);
	client_load_id(L->seed, n, cid);
	wc_session_init(&s, conn, &m, cid);
	if (L->register_only && n > 0) {
		struct guid *nd = xcalloc(L->nneeded + L->ninstalled + 1,
		    sizeof(struct guid));
		struct guid *in = xcalloc(L->nneeded + L->ninstalled + 1,
		    sizeof(struct guid));
		size_t nn, ni;

		vary_lists(L, n, nd, &nn, in, &ni);
		rc = wc_handshake(&s, err, errlen);
		if (rc == 0 && L->so.report)
			rc = scan_report_status(&s, nd, nn, in, ni,
			    "wsus-client-load", err, errlen);
		free(nd);
		free(in);
	} else {
		struct scan_opts so = L->so;

		so.cache = w->cache;	/* parsed once per thread */
		st = scan_state_new();
		rc = scan_run(&s, st, &so, &res, err, errlen);
		if (rc == 0 && L->register_only && n == 0) {
			/* the template for everyone else */
			scan_status_lists(st, &L->needed, &L->nneeded,
			    &L->installed, &L->ninstalled);
		}
		scan_state_free(st);
	}
	wc_session_free(&s);
	machine_free(&m);
	return rc;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct load *L = w->L;
	struct wc_conn conn;
	char err[512];
	bool first = true;

	if (wc_conn_init(&conn, &L->wo, &w->stats, err, sizeof(err)) == -1) {
		snprintf(w->err[w->nerr++], sizeof(w->err[0]), "%s", err);
		return NULL;
	}
	for (;;) {
		unsigned long long idx;
		double t0;

		if (L->duration > 0 && clock_mono() >= L->t_end)
			break;
		idx = atomic_fetch_add(&L->next, 1);
		if (L->duration == 0 && idx >= L->clients)
			break;
		if (!first && L->wo.new_connection)
			wc_conn_reset(&conn);
		first = false;
		t0 = clock_mono();
		if (session(w, &conn, idx % L->clients, err, sizeof(err)) == 0) {
			wc_hist_add(&w->stats.op[WC_SCAN], clock_mono() - t0);
			w->ok++;
		} else {
			w->failed++;
			w->stats.errors[WC_SCAN]++;
			if (w->nerr < LOAD_MAX_ERRORS)
				snprintf(w->err[w->nerr++], sizeof(w->err[0]),
				    "client %llu: %s", idx % L->clients, err);
		}
		atomic_fetch_add(&L->done, 1);
	}
	wc_conn_free(&conn);
	return NULL;
}

/* One unsigned decimal field of /proc/PID/stat at *pp; 0 or -1. */
static int
stat_field(char **pp, unsigned long long *out)
{
	char *end;

	if (**pp < '0' || **pp > '9')
		return -1;
	errno = 0;
	*out = strtoull(*pp, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	*pp = end;
	return 0;
}

/* utime + stime of pid in seconds; -1 when unreadable. */
static double
proc_cpu(long pid)
{
	char path[64], buf[4096], *p;
	unsigned long long ut, st;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/*
	 * The command name may hold spaces: fields start after ')'.  From
	 * there: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt,
	 * cminflt, majflt, cmajflt, then utime and stime (proc(5)).
	 */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return -1;
	p += 2;
	for (int i = 0; i < 11; i++) {
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		p++;
	}
	if (stat_field(&p, &ut) != 0 || *p++ != ' ' || stat_field(&p, &st) != 0)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A "VmHWM:" style line of /proc/PID/status in kB; -1 when absent. */
static long
proc_status_kb(long pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			char *end;
			long x;

			errno = 0;
			x = strtol(line + kl + 1, &end, 10);
			if (errno == 0 && end != line + kl + 1)
				v = x;
		}
	fclose(fp);
	return v;
}

static double
user_cpu_self(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
cmd_load(int argc, char **argv)
{
	enum { O_SEED = 256, O_REG, O_NOREP, O_NODRV, O_NOEXT, O_PID, O_KA,
	    O_NOXP, O_TIMEOUT };
	static const struct option longopts[] = {
		{ "server",	   required_argument, NULL, 's' },
		{ "clients",	   required_argument, NULL, 'n' },
		{ "concurrency",   required_argument, NULL, 'c' },
		{ "duration",	   required_argument, NULL, 't' },
		{ "machine",	   required_argument, NULL, 'm' },
		{ "seed",	   required_argument, NULL, O_SEED },
		{ "register-only", no_argument,	      NULL, O_REG },
		{ "no-report",	   no_argument,	      NULL, O_NOREP },
		{ "no-drivers",	   no_argument,	      NULL, O_NODRV },
		{ "no-extended",   no_argument,	      NULL, O_NOEXT },
		{ "server-pid",	   required_argument, NULL, O_PID },
		{ "keep-alive",	   no_argument,	      NULL, O_KA },
		{ "json",	   no_argument,	      NULL, 'j' },
		{ "insecure",	   no_argument,	      NULL, 'k' },
		{ "no-xpress",	   no_argument,	      NULL, O_NOXP },
		{ "timeout",	   required_argument, NULL, O_TIMEOUT },
		{ "verbose",	   no_argument,	      NULL, 'v' },
		{ "help",	   no_argument,	      NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct load L;
	struct machine m;
	struct worker *w = NULL;
	struct wc_stats total;
	char server[1024], err[1024];
	const char *machine_file = NULL;
	bool json = false, have_server = false;
	long pid = 0;
	uint64_t v;
	double cpu0 = -1, cpu1 = -1, elapsed, self0;
	uint64_t ok = 0, failed = 0;
	int c, rc;

	memset(&L, 0, sizeof(L));
	memset(&total, 0, sizeof(total));
	L.wo.xpress = true;
	L.wo.timeout = 120;
	L.wo.new_connection = true;
	L.so.drivers = L.so.extended = L.so.report = true;
	L.so.app_name = "wsus-client-load";
	L.seed = 1;
	L.threads = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:n:c:t:m:jkvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 's':
			if (client_server_url(optarg, server,
			    sizeof(server)) == -1)
				goto bad_value;
			have_server = true;
			break;
		case 'n':
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > 100000000)
				goto bad_value;
			L.clients = v;
			break;
		case 'c':
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > LOAD_MAX_THREADS)
				goto bad_value;
			L.threads = (unsigned)v;
			break;
		case 't':
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > 86400 * 7)
				goto bad_value;
			L.duration = (double)v;
			break;
		case 'm':
			machine_file = optarg;
			break;
		case O_SEED:
			if (client_parse_size(optarg, &v) == -1)
				goto bad_value;
			L.seed = v;
			break;
		case O_REG:
			L.register_only = true;
			break;
		case O_NOREP:
			L.so.report = false;
			break;
		case O_NODRV:
			L.so.drivers = false;
			break;
		case O_NOEXT:
			L.so.extended = false;
			break;
		case O_PID:
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > 0x7fffffff)
				goto bad_value;
			pid = (long)v;
			break;
		case O_KA:
			L.wo.new_connection = false;
			break;
		case 'j':
			json = true;
			break;
		case 'k':
			L.wo.insecure = L.so.insecure = true;
			break;
		case O_NOXP:
			L.wo.xpress = false;
			break;
		case O_TIMEOUT:
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > 86400)
				goto bad_value;
			L.wo.timeout = (long)v;
			break;
		case 'v':
			L.wo.verbose++;
			break;
		case 'h':
			cmd_load_usage(stdout);
			return CLIENT_EXIT_OK;
		default:
			cmd_load_usage(stderr);
			return CLIENT_EXIT_USAGE;
		}
	}
	if (optind != argc || !have_server || L.clients == 0) {
		fprintf(stderr, "wsus-client load: %s\n", !have_server ?
		    "--server URL is required" : L.clients == 0 ?
		    "--clients N is required" : "unexpected argument");
		cmd_load_usage(stderr);
		return CLIENT_EXIT_USAGE;
	}
	L.wo.server = server;
	machine_default(&m);
	if (machine_file != NULL &&
	    machine_load(&m, machine_file, err, sizeof(err)) == -1) {
		fprintf(stderr, "wsus-client: %s\n", err);
		machine_free(&m);
		return CLIENT_EXIT_USAGE;
	}
	L.base = &m;
	if (L.threads > L.clients && L.duration == 0)
		L.threads = (unsigned)L.clients;

	w = xcalloc(L.threads, sizeof(*w));
	for (unsigned i = 0; i < L.threads; i++) {
		w[i].L = &L;
		w[i].cache = core_cache_new();
	}
	if (L.register_only) {
		/* client 0 makes the full scan the others' lists come from */
		struct wc_conn conn;
		if (wc_conn_init(&conn, &L.wo, &w[0].stats, err,
		    sizeof(err)) == -1 ||
		    session(&w[0], &conn, 0, err, sizeof(err)) == -1) {
			fprintf(stderr, "wsus-client: template scan: %s\n", err);
			wc_conn_free(&conn);
			rc = CLIENT_EXIT_FAIL;
			goto out;
		}
		wc_conn_free(&conn);
		w[0].ok++;
		atomic_store(&L.next, 1);
		atomic_store(&L.done, 1);
	}
	if (pid > 0)
		cpu0 = proc_cpu(pid);
	self0 = user_cpu_self();
	L.t_start = clock_mono();
	L.t_end = L.t_start + L.duration;
	for (unsigned i = 0; i < L.threads; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
			fatalx("pthread_create failed");
	}
	if (L.wo.verbose > 0) {
		double last = L.t_start;
		for (;;) {
			unsigned long long d = atomic_load(&L.done);
			double t = clock_mono();
			if ((L.duration > 0 && t >= L.t_end) ||
			    (L.duration == 0 && d >= L.clients))
				break;
			if (t - last >= 5) {
				fprintf(stderr, "load: %.0f s, %llu sessions "
				    "(%.1f/s)\n", t - L.t_start, d,
				    (double)d / (t - L.t_start));
				last = t;
			}
			usleep(200000);
		}
	}
	for (unsigned i = 0; i < L.threads; i++)
		pthread_join(w[i].thread, NULL);
	elapsed = clock_mono() - L.t_start;
	if (pid > 0)
		cpu1 = proc_cpu(pid);
	for (unsigned i = 0; i < L.threads; i++) {
		wc_stats_merge(&total, &w[i].stats);
		ok += w[i].ok;
		failed += w[i].failed;
	}
	if (L.register_only && ok > 0)
		ok--;		/* the template scan ran before the clock */
	{
		double rate = elapsed > 0 ? (double)ok / elapsed : 0;
		double cpu = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
		long hwm = pid > 0 ? proc_status_kb(pid, "VmHWM") : -1;
		long rss = pid > 0 ? proc_status_kb(pid, "VmRSS") : -1;
		double self = user_cpu_self() - self0;

		if (json) {
			json_t *o = json_object(), *ops = json_object(),
			    *errs = json_array();
			json_object_set_new(o, "server", json_string(server));
			json_object_set_new(o, "clients",
			    json_integer((json_int_t)L.clients));
			json_object_set_new(o, "concurrency",
			    json_integer(L.threads));
			json_object_set_new(o, "mode", json_string(
			    L.register_only ? "register-only" : "full"));
			json_object_set_new(o, "seconds", json_real(elapsed));
			json_object_set_new(o, "sessions",
			    json_integer((json_int_t)ok));
			json_object_set_new(o, "failed",
			    json_integer((json_int_t)failed));
			json_object_set_new(o, "sessions_per_second",
			    json_real(rate));
			json_object_set_new(o, "client_cpu_seconds",
			    json_real(self));
			for (int i = 0; i < WC_NOPS; i++) {
				json_t *op;
				const struct wc_hist *h = &total.op[i];
				if (h->count == 0 && total.errors[i] == 0)
					continue;
				op = json_object();
				json_object_set_new(op, "calls",
				    json_integer((json_int_t)h->count));
				json_object_set_new(op, "per_second",
				    json_real((double)h->count / elapsed));
				json_object_set_new(op, "p50_ms", json_real(
				    1000 * wc_hist_quantile(h, 0.5)));
				json_object_set_new(op, "p99_ms", json_real(
				    1000 * wc_hist_quantile(h, 0.99)));
				json_object_set_new(op, "max_ms",
				    json_real(1000 * h->max));
				json_object_set_new(op, "mean_ms", json_real(
				    h->count ? 1000 * h->sum / (double)h->count :
				    0));
				json_object_set_new(op, "faults",
				    json_integer((json_int_t)total.faults[i]));
				json_object_set_new(op, "errors",
				    json_integer((json_int_t)total.errors[i]));
				json_object_set_new(ops, wc_op_name(i), op);
			}
			json_object_set_new(o, "operations", ops);
			json_object_set_new(o, "recoveries",
			    json_integer((json_int_t)total.recoveries));
			json_object_set_new(o, "bytes_in",
			    json_integer((json_int_t)total.bytes_in));
			json_object_set_new(o, "bytes_out",
			    json_integer((json_int_t)total.bytes_out));
			if (pid > 0) {
				json_t *sv = json_object();
				json_object_set_new(sv, "pid", json_integer(pid));
				json_object_set_new(sv, "cpu_seconds",
				    cpu >= 0 ? json_real(cpu) : json_null());
				json_object_set_new(sv, "cpu_ms_per_session",
				    cpu >= 0 && ok > 0 ? json_real(1000 * cpu /
				    (double)ok) : json_null());
				json_object_set_new(sv, "vmhwm_kb",
				    json_integer(hwm));
				json_object_set_new(sv, "vmrss_kb",
				    json_integer(rss));
				json_object_set_new(o, "server_process", sv);
			}
			for (unsigned i = 0; i < L.threads; i++)
				for (unsigned k = 0; k < w[i].nerr; k++)
					json_array_append_new(errs,
					    json_string(w[i].err[k]));
			json_object_set_new(o, "errors", errs);
			json_dumpf(o, stdout, JSON_INDENT(2) |
			    JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(o);
		} else {
			printf("load: %llu clients, %u at a time, %s sessions: "
			    "%" PRIu64 " completed in %.2f s = %.1f/s, %" PRIu64
			    " failed\n", L.clients, L.threads, L.register_only ?
			    "register-only" : "full", ok, elapsed, rate, failed);
			printf("%-24s %9s %9s %9s %9s %9s %7s %7s\n",
			    "OPERATION", "CALLS", "CALLS/S", "P50 MS", "P99 MS",
			    "MAX MS", "FAULTS", "ERRORS");
			for (int i = 0; i < WC_NOPS; i++) {
				const struct wc_hist *h = &total.op[i];
				if (h->count == 0 && total.errors[i] == 0)
					continue;
				printf("%-24s %9" PRIu64 " %9.1f %9.2f %9.2f "
				    "%9.2f %7" PRIu64 " %7" PRIu64 "\n",
				    wc_op_name(i), h->count,
				    (double)h->count / elapsed,
				    1000 * wc_hist_quantile(h, 0.5),
				    1000 * wc_hist_quantile(h, 0.99),
				    1000 * h->max, total.faults[i],
				    total.errors[i]);
			}
			printf("client CPU %.2f s (%.2f ms per session)\n", self,
			    ok ? 1000 * self / (double)ok : 0);
			if (pid > 0)
				printf("server pid %ld: CPU %.2f s (%.2f ms per "
				    "session), peak RSS %.1f MB, RSS %.1f MB\n",
				    pid, cpu, ok && cpu >= 0 ? 1000 * cpu /
				    (double)ok : 0, hwm / 1024.0, rss / 1024.0);
			for (unsigned i = 0; i < L.threads; i++)
				for (unsigned k = 0; k < w[i].nerr; k++)
					fprintf(stderr, "wsus-client: %s\n",
					    w[i].err[k]);
		}
	}
	rc = failed == 0 && ok > 0 ? CLIENT_EXIT_OK : CLIENT_EXIT_FAIL;
out:
	for (unsigned i = 0; i < L.threads; i++)
		core_cache_free(w[i].cache);
	free(w);
	free(L.needed);
	free(L.installed);
	machine_free(&m);
	return rc;

bad_value:
	fprintf(stderr, "wsus-client load: bad value for %s: '%s'\n",
	    argv[optind - 1], optarg);
	return CLIENT_EXIT_USAGE;
}
