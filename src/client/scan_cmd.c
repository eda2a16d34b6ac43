/*
 * scan_cmd.c — "wsus-client scan": one detection cycle of a simulated
 * machine against a server, printing what it would install (and, with
 * --install, what it installed).  See scan.h for the sequence and
 * docs/CLIENT.md for the options.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client/client.h"
#include "client/commands.h"
#include "client/machine.h"
#include "client/scan.h"
#include "client/wusp_client.h"
#include "util/guid.h"
#include "util/xmalloc.h"

#define MAX_FILTER	200

void
cmd_scan_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: wsus-client scan --server URL [--machine FILE] [--report]\n"
	    "           [--download] [--install] [--download-dir DIR]\n"
	    "           [--status-server URL] [--category GUID]... [--no-drivers]\n"
	    "           [--no-extended] [--all] [--json] [--record DIR]\n"
	    "           [--insecure] [--cacert FILE] [--no-xpress] [--timeout S]\n"
	    "           [--connections N] [-v]\n"
	    "Run the Windows Update Agent's detection cycle against a WSUS\n"
	    "server for a simulated machine and print the updates it needs.\n"
	    "  -s, --server URL        http[s]://host[:port] of the server\n"
	    "  -m, --machine FILE      the machine (INI or JSON, docs/CLIENT.md);\n"
	    "                          default: the captured Windows 11 25H2 VM\n"
	    "  -r, --report            send ReportEventBatch (147, 156, ...)\n"
	    "  -d, --download          download the updates to install and\n"
	    "                          check their SHA-1 and SHA-256\n"
	    "  -i, --install           also simulate their installation\n"
	    "                          (implies --download)\n"
	    "      --download-dir DIR  keep the files there (default: a\n"
	    "                          temporary directory, removed after)\n"
	    "      --status-server URL reporting server (WUStatusServer)\n"
	    "      --category GUID     a category-filtered scan (repeatable)\n"
	    "      --no-drivers        skip the driver pass\n"
	    "      --no-extended       skip GetExtendedUpdateInfo\n"
	    "  -a, --all               list every cached revision\n"
	    "  -j, --json              JSON on standard output\n"
	    "      --record DIR        write every request and answer to DIR\n"
	    "  -k, --insecure          do not verify TLS certificates\n"
	    "      --cacert FILE       CA certificates for TLS\n"
	    "      --no-xpress         do not offer Accept-Encoding: xpress\n"
	    "      --timeout S         seconds per call (default 60)\n"
	    "  -c, --connections N     connections per download (default 1)\n"
	    "  -v, --verbose           faults and recoveries on stderr\n"
	    "Exit status: 0 scan done, 1 the scan or a download failed,\n"
	    "2 usage.\n");
}

int
client_server_url(const char *in, char *out, size_t outlen)
{
	const char *host;
	size_t n = strlen(in);

	if (strncmp(in, "http://", 7) == 0)
		host = in + 7;
	else if (strncmp(in, "https://", 8) == 0)
		host = in + 8;
	else
		return -1;
	while (n > 0 && in[n - 1] == '/')
		n--;
	if (n <= (size_t)(host - in) || n >= outlen)
		return -1;
	for (const char *p = host; p < in + n; p++)
		if (*p == '/' || *p == '?' || *p == '#' || *p == '@' ||
		    (unsigned char)*p <= ' ')
			return -1;
	memcpy(out, in, n);
	out[n] = '\0';
	return 0;
}

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int
cmd_scan(int argc, char **argv)
{
	enum { O_DIR = 256, O_STATUS, O_CAT, O_NODRV, O_NOEXT, O_RECORD,
	    O_CACERT, O_NOXP, O_TIMEOUT };
	static const struct option longopts[] = {
		{ "server",	  required_argument, NULL, 's' },
		{ "machine",	  required_argument, NULL, 'm' },
		{ "report",	  no_argument,	     NULL, 'r' },
		{ "download",	  no_argument,	     NULL, 'd' },
		{ "install",	  no_argument,	     NULL, 'i' },
		{ "download-dir", required_argument, NULL, O_DIR },
		{ "status-server", required_argument, NULL, O_STATUS },
		{ "category",	  required_argument, NULL, O_CAT },
		{ "no-drivers",	  no_argument,	     NULL, O_NODRV },
		{ "no-extended",  no_argument,	     NULL, O_NOEXT },
		{ "all",	  no_argument,	     NULL, 'a' },
		{ "json",	  no_argument,	     NULL, 'j' },
		{ "record",	  required_argument, NULL, O_RECORD },
		{ "insecure",	  no_argument,	     NULL, 'k' },
		{ "cacert",	  required_argument, NULL, O_CACERT },
		{ "no-xpress",	  no_argument,	     NULL, O_NOXP },
		{ "timeout",	  required_argument, NULL, O_TIMEOUT },
		{ "connections",  required_argument, NULL, 'c' },
		{ "verbose",	  no_argument,	     NULL, 'v' },
		{ "help",	  no_argument,	     NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char server[1024], status[1024], err[1024], tmpdir[64] = "";
	char client_id[GUID_STRLEN + 1];
	const char *machine_file = NULL, *dl_dir = NULL;
	struct wc_opts wo;
	struct scan_opts so;
	struct scan_result res;
	struct machine m;
	struct guid filter[MAX_FILTER];
	size_t nfilter = 0;
	struct wc_conn conn;
	struct wc_session s;
	struct scan_state *st = NULL;
	struct wc_stats stats;
	bool json = false, all = false, have_server = false;
	int c, rc = CLIENT_EXIT_FAIL, ok;
	uint64_t v;

	memset(&wo, 0, sizeof(wo));
	memset(&so, 0, sizeof(so));
	memset(&stats, 0, sizeof(stats));
	wo.xpress = true;
	wo.timeout = 60;
	so.drivers = so.extended = true;
	status[0] = '\0';
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:m:rdiajkc:vh", longopts, NULL))
	    != -1) {
		switch (c) {
		case 's':
			if (client_server_url(optarg, server,
			    sizeof(server)) == -1)
				goto bad_value;
			have_server = true;
			break;
		case 'm':
			machine_file = optarg;
			break;
		case 'r':
			so.report = true;
			break;
		case 'd':
			so.download = true;
			break;
		case 'i':
			so.install = so.download = true;
			break;
		case O_DIR:
			dl_dir = optarg;
			break;
		case O_STATUS:
			if (client_server_url(optarg, status,
			    sizeof(status)) == -1)
				goto bad_value;
			break;
		case O_CAT:
			if (nfilter >= MAX_FILTER ||
			    guid_parsez(optarg, &filter[nfilter]) == -1)
				goto bad_value;
			nfilter++;
			break;
		case O_NODRV:
			so.drivers = false;
			break;
		case O_NOEXT:
			so.extended = false;
			break;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		case O_RECORD:
			wo.record_dir = optarg;
			break;
		case 'k':
			wo.insecure = so.insecure = true;
			break;
		case O_CACERT:
			wo.cacert = so.cacert = optarg;
			break;
		case O_NOXP:
			wo.xpress = false;
			break;
		case O_TIMEOUT:
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > 86400)
				goto bad_value;
			wo.timeout = (long)v;
			break;
		case 'c':
			if (client_parse_size(optarg, &v) == -1 || v == 0 ||
			    v > 64)
				goto bad_value;
			so.connections = (unsigned)v;
			break;
		case 'v':
			wo.verbose++;
			break;
		case 'h':
			cmd_scan_usage(stdout);
			return CLIENT_EXIT_OK;
		default:
			cmd_scan_usage(stderr);
			return CLIENT_EXIT_USAGE;
		}
	}
	if (optind != argc || !have_server) {
		fprintf(stderr, "wsus-client scan: %s\n", !have_server ?
		    "--server URL is required" : "unexpected argument");
		cmd_scan_usage(stderr);
		return CLIENT_EXIT_USAGE;
	}
	wo.server = server;
	wo.status_server = status[0] ? status : NULL;
	so.filter = nfilter ? filter : NULL;
	so.nfilter = nfilter;
	so.app_name = "wsus-client";

	machine_default(&m);
	if (machine_file != NULL &&
	    machine_load(&m, machine_file, err, sizeof(err)) == -1) {
		fprintf(stderr, "wsus-client: %s\n", err);
		machine_free(&m);
		return CLIENT_EXIT_USAGE;
	}
	if (m.client_id[0] != '\0')
		snprintf(client_id, sizeof(client_id), "%s", m.client_id);
	else if (guid_random(client_id) == -1) {
		fprintf(stderr, "wsus-client: no random numbers\n");
		machine_free(&m);
		return CLIENT_EXIT_FAIL;
	}
	if (so.download) {
		if (dl_dir == NULL) {
			snprintf(tmpdir, sizeof(tmpdir),
			    "/tmp/wsus-client-XXXXXX");
			if (mkdtemp(tmpdir) == NULL) {
				fprintf(stderr, "wsus-client: %s: %s\n", tmpdir,
				    strerror(errno));
				machine_free(&m);
				return CLIENT_EXIT_FAIL;
			}
			dl_dir = tmpdir;
		} else if (access(dl_dir, W_OK) != 0) {
			fprintf(stderr, "wsus-client: %s: %s\n", dl_dir,
			    strerror(errno));
			machine_free(&m);
			return CLIENT_EXIT_FAIL;
		}
		so.download_dir = dl_dir;
	}
	if (wc_conn_init(&conn, &wo, &stats, err, sizeof(err)) == -1) {
		fprintf(stderr, "wsus-client: %s\n", err);
		machine_free(&m);
		return CLIENT_EXIT_FAIL;
	}
	wc_session_init(&s, &conn, &m, client_id);
	st = scan_state_new();
	ok = scan_run(&s, st, &so, &res, err, sizeof(err));
	if (json) {
		json_t *o = scan_json(&s, st, &res, all);
		json_t *calls = json_object();
		json_object_set_new(o, "ok", json_boolean(ok == 0));
		if (ok != 0)
			json_object_set_new(o, "error", json_string(err));
		for (int i = 0; i < WC_NOPS; i++) {
			json_t *op;
			if (stats.op[i].count == 0)
				continue;
			op = json_object();
			json_object_set_new(op, "calls",
			    json_integer((json_int_t)stats.op[i].count));
			json_object_set_new(op, "seconds",
			    json_real(stats.op[i].sum));
			json_object_set_new(op, "faults",
			    json_integer((json_int_t)stats.faults[i]));
			json_object_set_new(calls, wc_op_name(i), op);
		}
		json_object_set_new(o, "calls", calls);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else
		scan_print(stdout, &s, st, &res, all);
	if (ok != 0)
		fprintf(stderr, "wsus-client: %s\n", err);
	else if (res.files_failed == 0)
		rc = CLIENT_EXIT_OK;
	scan_state_free(st);
	wc_session_free(&s);
	wc_conn_free(&conn);
	machine_free(&m);
	if (tmpdir[0] != '\0')
		nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return rc;

bad_value:
	fprintf(stderr, "wsus-client scan: bad value for %s: '%s'\n",
	    argv[optind - 1], optarg);
	return CLIENT_EXIT_USAGE;
}
