/*
 * test_http_flood.c — the resource test of docs/HTTP.md "Limits": while
 * one address (127.0.0.2) opens 1100 connections with half-sent heads
 * (more than max_connections; max_connections_per_ip keeps it to 256) and
 * 40 more announcing 16 MiB bodies and sending 8 MiB of them, a fresh
 * client from another address (127.0.0.1) is served, and the memory of
 * the process (the server runs in-process here) grows by less than
 * 112 MiB (the default max_body_memory + 48 MiB), and is given back
 * once the flood is gone.
 * It asserts behaviour, not timing: every wait is "until this holds",
 * with a generous cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "http_fx.h"
#include "http/http_server.h"
#include "testlib.h"
#include "util/xmalloc.h"

#define SLOW		1100	/* half-sent heads from 127.0.0.2: more than
				   max_connections (1024) */
#define BODIES		40	/* body flood from 127.0.0.2 */
#define ANNOUNCED	(16u << 20)
#define SENT		(8u << 20)
/* the documented bound: the default max_body_memory (64 MiB) + 48 MiB */
#define RSS_BOUND	(112u << 20)

static struct config cfg;
static struct http_server *srv;

static enum MHD_Result
h_files(struct http_request *req)
{
	static const char ok[] = "served";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(sizeof(ok) - 1, (void *)ok,
	    MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(req->conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
h_sink(struct http_request *req)
{
	return http_respond_status(req->conn, MHD_HTTP_NOT_FOUND);
}

/* Resident set size of this process, bytes (VmRSS). */
static size_t
rss(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kb = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtoull(line + 6, NULL, 10);
	fclose(f);
	return kb * 1024;
}

/* A connection from src (e.g. "127.0.0.2") to the listener. */
static int
connect_from(const char *src)
{
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, src, &sin.sin_addr), 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(cfg.listeners[0].port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Send len bytes (or as many as the server takes); bytes sent. */
static size_t
send_some(int fd, const char *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = send(fd, p + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	return off;
}

/* A GET from 127.0.0.1 on a fresh connection is answered 200. */
static void
fresh_client_served(void)
{
	static const char get[] = "GET /Files/x HTTP/1.1\r\nHost: t\r\n\r\n";
	char in[512] = "";
	size_t n = 0;
	ssize_t r;
	int fd = connect_from("127.0.0.1");

	assert_int_equal(send_some(fd, get, sizeof(get) - 1), sizeof(get) - 1);
	while (n + 1 < sizeof(in) && strstr(in, "served") == NULL &&
	    (r = read(fd, in + n, sizeof(in) - 1 - n)) > 0) {
		n += (size_t)r;
		in[n] = '\0';
	}
	in[n] = '\0';
	close(fd);
	if (strncmp(in, "HTTP/1.1 200 OK\r\n", 17) != 0 ||
	    strstr(in, "served") == NULL)
		fail_msg("fresh client: '%.80s'", in);
}

static void
test_flood(void **state)
{
	static const char slow[] = "GET /Files/x HTTP/1.1\r\nHost: t\r\nX-A: ";
	char head[160];
	int fds[SLOW + BODIES];
	size_t before, during, after = 0;
	char *body = xmalloc(SENT);
	int hn;

	(void)state;
	/* both ends of every connection live in this process */
	{
		struct rlimit rl;
		assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
		if (rl.rlim_cur < 4096 && rl.rlim_max > rl.rlim_cur) {
			rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		getrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < 2 * (SLOW + BODIES) + 64)
			fail_msg("needs %d open files, RLIMIT_NOFILE is %llu",
			    2 * (SLOW + BODIES) + 64,
			    (unsigned long long)rl.rlim_cur);
	}
	memset(body, 'f', SENT);
	before = rss();
	hn = snprintf(head, sizeof(head), "POST /sink HTTP/1.1\r\nHost: t\r\n"
	    "Content-Length: %u\r\n\r\n", ANNOUNCED);
	for (int i = SLOW; i < SLOW + BODIES; i++) {
		fds[i] = connect_from("127.0.0.2");
		send_some(fds[i], head, (size_t)hn);
		send_some(fds[i], body, SENT);
	}
	fresh_client_served();
	for (int i = 0; i < SLOW; i++) {
		fds[i] = connect_from("127.0.0.2");
		send_some(fds[i], slow, sizeof(slow) - 1);
	}
	fresh_client_served();
	during = rss();
	if (getenv("FLOOD_VERBOSE") != NULL)
		fprintf(stderr, "RSS before %zu KiB, during %zu KiB\n",
		    before >> 10, during >> 10);
	if (during > before + RSS_BOUND)
		fail_msg("RSS grew from %zu to %zu MiB", before >> 20,
		    during >> 20);
	for (int i = 0; i < SLOW + BODIES; i++)
		close(fds[i]);
	free(body);
	/* the server sees the closes at its own pace */
	for (int i = 0; i < 100; i++) {
		usleep(100 * 1000);
		if ((after = rss()) < before + (16u << 20))
			break;
	}
	if (after >= before + (16u << 20))
		fail_msg("RSS %zu MiB after the flood, %zu before",
		    after >> 20, before >> 20);
	fresh_client_served();
}

static int
server_up(void **state)
{
	char err[256];

	(void)state;
	httpfx_loopback(&cfg, 0);
	cfg.threads = 2;
	http_route_clear();
	assert_int_equal(http_route_add("/Files/", HTTP_GET, h_files, NULL),
	    0);
	assert_int_equal(http_route_add("/sink", HTTP_POST, h_sink, NULL), 0);
	if (http_server_start(&cfg, &srv, err, sizeof(err)) == -1)
		fail_msg("start: %s", err);
	return 0;
}

static int
server_down(void **state)
{
	(void)state;
	httpfx_stop(&srv, &cfg);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flood, server_up,
		    server_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
