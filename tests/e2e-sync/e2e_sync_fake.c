/*
 * e2e_sync_fake.c — test_e2e_sync against a fake upstream: a tiny HTTP
 * server on a thread answering with the captured answers of a real
 * Windows Server 2025 upstream, or with broken ones (corrupt cabinet,
 * garbage, DOCTYPE, ServerChanged, wrong counts, 3 MiB, cookie faults,
 * busy with a Retry-After), the product/classification filter and the
 * express files an upstream does not host (ServerHostsPsfFiles), and a
 * small reporting service for e2e_sync_rollup.c.  The fixture and helpers:
 * test_e2e_sync.c.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "e2e_sync_test.h"
#include "soap/soap_request.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "wusp_harness.h"

/* ---- a hostile or real-WSUS upstream: canned answers ---- */

/*
 * A tiny HTTP server on a thread that answers each POST by its SOAPAction
 * with the captured answers of the real Windows Server 2025 upstream
 * (tests/fixtures/soap/wsusss-capture), or with broken ones.  One request
 * per connection (Connection: close).
 */
enum fake_mode {
	FAKE_REAL = 0,		/* the captured answers */
	FAKE_CORRUPT_BLOB,	/* a cabinet with a damaged byte */
	FAKE_GARBAGE,		/* GetRevisionIdList answer not XML */
	FAKE_DOCTYPE,		/* GetRevisionIdList answer with a DOCTYPE */
	FAKE_SERVER_CHANGED,	/* first GetRevisionIdList: ServerChanged fault */
	FAKE_WRONG_COUNT,	/* GetUpdateData answers no document */
	FAKE_HUGE,		/* GetRevisionIdList answer of 3 MiB */
	FAKE_COOKIE_FAULT,	/* first GetUpdateData: InvalidCookie */
	FAKE_COOKIE_CONFIG,	/* first GetConfigData: CookieExpired */
	FAKE_COOKIE_REVLIST,	/* first GetRevisionIdList: InvalidCookie */
	FAKE_COOKIE_ALWAYS,	/* every GetConfigData: InvalidCookie */
	FAKE_AUTH_COOKIE,	/* first GetCookie: InvalidAuthorizationCookie */
	FAKE_BUSY,		/* GetRevisionIdList: ServerBusy, then an
				 * HTML 500 page, then 503, then answers */
	FAKE_BUSY_ALWAYS,	/* every GetConfigData: ServerBusy */
	FAKE_REVISED,		/* ccb78947 revision 201 (a revision of an
				 * update the downstream holds at 200) */
	FAKE_MU,		/* GetConfigData: Microsoft Update's answer
				 * (WCF style, 1.21) */
	FAKE_RETRY_AFTER,	/* GetRevisionIdList: 503 Retry-After: 1, then
				 * ServerBusy Retry-After: a date passed,
				 * then answers */
	FAKE_RETRY_LONG,	/* every GetConfigData: 503 Retry-After: 3600 */
	FAKE_ROLLUP,		/* the captured answers, and a reporting
				 * service taking 2 client summaries per
				 * RollupDownstreamServers, no detailed rollup */
	FAKE_ROLLUP_REFUSE,	/* FAKE_ROLLUP, RollupDownstreamServers
				 * answered with a fault */
	FAKE_ROLLUP_DETAILED,	/* FAKE_ROLLUP with DoDetailedRollup; the
				 * first RollupComputers answers CHANGED_GONE
				 * Deleted and CHANGED_NEW NewParent */
};


static struct {
	int		 fd;
	uint16_t	 port;
	pthread_t	 th;
	enum fake_mode	 mode;
	int		 revlists;	/* GetRevisionIdList calls seen */
	int		 cookies;	/* GetCookie calls seen */
	int		 updatedata;	/* GetUpdateData calls seen */
	int		 authconfigs;	/* GetAuthConfig calls seen */
	int		 authcookies;	/* GetAuthorizationCookie calls seen */
	int		 configdata;	/* GetConfigData calls seen */
	int		 rollups;	/* RollupDownstreamServers calls seen */
	int		 rollupcomputers; /* RollupComputers calls seen */
	char		 hdr[128];	/* an extra header line of the answer
					 * ("Name: value\r\n"), or "" */
	SSL_CTX		*tls;		/* NULL: plain HTTP; else TLS 1.2 at most */
	int		 handshakes_failed;
	int		 stop;
} fake;

static const char *const fake_docs[][2] = {	/* id, capture */
	{ "56309036-4c77-4dd9-951a-99ee9c246a94", "000016-GetUpdateData-category.response.xml" },
	{ DEFENDER, "000013-GetUpdateData-bundle.response.xml" },
	{ "266f6222-c89d-43f2-9f8a-69340271e677", "000014-GetUpdateData-leaf-with-file.response.xml" },
	{ "ccb78947-6453-4ecc-9de8-bc0305c98f2d", "000015-GetUpdateData-small-uncompressed.response.xml" },
};

#define ENV_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope " \
	"xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
#define ENV_TAIL "</soap:Body></soap:Envelope>"

static char *
fake_capture(const char *name)
{
	char rel[256];
	size_t len;

	snprintf(rel, sizeof(rel), "soap/wsusss-capture/%s", name);
	return wh_fixture(rel, &len);
}

static char *
fake_revlist(bool config)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	buf_puts(&b, ENV_HEAD "<GetRevisionIdListResponse xmlns=\"http://www."
	    "microsoft.com/SoftwareDistribution\"><GetRevisionIdListResult>"
	    "<Anchor>9438,2026-10-04 16:33:26.670</Anchor><NewRevisions>");
	for (i = config ? 0 : 1; i < (config ? 1 : 4); i++)
		buf_printf(&b, "<UpdateIdentity><UpdateID>%s</UpdateID>"
		    "<RevisionNumber>%d</RevisionNumber></UpdateIdentity>",
		    fake_docs[i][0], i == 0 ? 101 : 200);
	buf_puts(&b, "</NewRevisions></GetRevisionIdListResult>"
	    "</GetRevisionIdListResponse>" ENV_TAIL);
	return buf_steal(&b, NULL);
}

/* A fault as a real WSUS sends it (HTTP 500, ErrorCode in detail). */
static char *
fake_fault(const char *code, int *status)
{
	struct buf b;

	*status = 500;
	buf_init(&b, 4096);
	buf_printf(&b, ENV_HEAD "<soap:Fault><faultcode>soap:Client</faultcode>"
	    "<faultstring>Fault occurred</faultstring><detail><ErrorCode>%s"
	    "</ErrorCode><Message></Message></detail></soap:Fault>" ENV_TAIL,
	    code);
	return buf_steal(&b, NULL);
}

/* The plain-blob capture of ccb78947 as its revision 201. */
static char *
fake_revision_201(void)
{
	char *a = fake_capture(fake_docs[3][1]);
	char *p;

	p = strstr(a, "<RevisionNumber>200</RevisionNumber></Id>");
	assert_non_null(p);
	p[strlen("<RevisionNumber>20")] = '1';
	p = strstr(a, "ccb78947-6453-4ecc-9de8-bc0305c98f2d\" RevisionNumber=\"200\"");
	assert_non_null(p);
	p[strlen("ccb78947-6453-4ecc-9de8-bc0305c98f2d\" RevisionNumber=\"20")] =
	    '1';
	return a;
}

static char *
fake_answer(const char *action, const char *body, int *status)
{
	const char *op = strrchr(action, '/');
	char *a, *p;
	size_t i;

	*status = 200;
	op = op ? op + 1 : action;
	if (strncmp(op, "GetAuthConfig", 13) == 0) {
		fake.authconfigs++;
		return fake_capture("000001-GetAuthConfig.response.xml");
	}
	if (strncmp(op, "GetAuthorizationCookie", 22) == 0) {
		fake.authcookies++;
		return strdup(ENV_HEAD "<GetAuthorizationCookieResponse xmlns=\""
		    "http://www.microsoft.com/SoftwareDistribution/Server/"
		    "DssAuthWebService\"><GetAuthorizationCookieResult><PlugInId>"
		    "DssTargeting</PlugInId><CookieData>AAAA</CookieData>"
		    "</GetAuthorizationCookieResult></GetAuthorizationCookieResponse>"
		    ENV_TAIL);
	}
	if (strncmp(op, "GetCookie", 9) == 0) {
		fake.cookies++;
		if (fake.mode == FAKE_AUTH_COOKIE && fake.cookies == 1)
			return fake_fault("InvalidAuthorizationCookie", status);
		return fake_capture("000003-GetCookie.response.xml");
	}
	if (strncmp(op, "GetConfigData", 13) == 0) {
		fake.configdata++;
		if ((fake.mode == FAKE_COOKIE_CONFIG && fake.configdata == 1))
			return fake_fault("CookieExpired", status);
		if (fake.mode == FAKE_COOKIE_ALWAYS)
			return fake_fault("InvalidCookie", status);
		if (fake.mode == FAKE_BUSY_ALWAYS)
			return fake_fault("ServerBusy", status);
		if (fake.mode == FAKE_RETRY_LONG) {
			*status = 503;
			snprintf(fake.hdr, sizeof(fake.hdr),
			    "Retry-After: 3600\r\n");
			return strdup("Service Unavailable");
		}
		if (fake.mode == FAKE_MU) {
			size_t len;

			return wh_fixture("soap/wsusss-microsoft-upstream/"
			    "microsoft_sync_config_20261006.xml", &len);
		}
		/* One document per GetUpdateData batch: one capture each. */
		a = fake_capture("000005-GetConfigData.response.xml");
		p = strstr(a, "<MaxNumberOfUpdatesPerRequest>100<");
		assert_non_null(p);
		memcpy(p + strlen("<MaxNumberOfUpdatesPerRequest>"), "001", 3);
		return a;
	}
	if (strncmp(op, "GetRevisionIdList", 17) == 0) {
		fake.revlists++;
		if (fake.mode == FAKE_COOKIE_REVLIST && fake.revlists == 1)
			return fake_fault("InvalidCookie", status);
		if (fake.mode == FAKE_BUSY && fake.revlists == 1)
			return fake_fault("ServerBusy", status);
		if (fake.mode == FAKE_RETRY_AFTER && fake.revlists == 1) {
			*status = 503;
			snprintf(fake.hdr, sizeof(fake.hdr),
			    "Retry-After: 1\r\n");
			return strdup("Service Unavailable");
		}
		if (fake.mode == FAKE_RETRY_AFTER && fake.revlists == 2) {
			snprintf(fake.hdr, sizeof(fake.hdr), "Retry-After: "
			    "Sun, 06 Nov 1994 08:49:37 GMT\r\n");
			return fake_fault("ServerBusy", status);
		}
		if (fake.mode == FAKE_BUSY && fake.revlists == 2) {
			*status = 500;
			return strdup("<html><body>Server Error in '/' "
			    "Application.</body></html>");
		}
		if (fake.mode == FAKE_BUSY && fake.revlists == 3) {
			*status = 503;
			return strdup("Service Unavailable");
		}
		if (fake.mode == FAKE_REVISED &&
		    strstr(body, "<GetConfig>false<") != NULL) {
			char *l = fake_revlist(false);

			p = strstr(l, "ccb78947-6453-4ecc-9de8-bc0305c98f2d"
			    "</UpdateID><RevisionNumber>200<");
			assert_non_null(p);
			p[strlen("ccb78947-6453-4ecc-9de8-bc0305c98f2d</UpdateID>"
			    "<RevisionNumber>20")] = '1';
			return l;
		}
		if (fake.mode == FAKE_GARBAGE)
			return strdup("this is not XML <<<");
		if (fake.mode == FAKE_HUGE) {
			char *h = fake_revlist(false);
			size_t l = strlen(h), big = 3u << 20;

			char *hh = realloc(h, big + 1);

			if (hh == NULL)
				free(h);
			assert_non_null(hh);
			h = hh;
			memset(h + l, ' ', big - l);
			h[big] = '\0';
			return h;
		}
		if (fake.mode == FAKE_DOCTYPE)
			return strdup("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a "
			    "\"aaaa\">]><soap:Envelope xmlns:soap=\"http://schemas."
			    "xmlsoap.org/soap/envelope/\"><soap:Body><x>&a;</x>"
			    "</soap:Body></soap:Envelope>");
		if (fake.mode == FAKE_SERVER_CHANGED && fake.revlists == 1) {
			*status = 500;
			return strdup(ENV_HEAD "<soap:Fault><faultcode>soap:Server"
			    "</faultcode><faultstring>Fault occurred</faultstring>"
			    "<detail><ErrorCode>ServerChanged</ErrorCode><Message>"
			    "</Message></detail></soap:Fault>" ENV_TAIL);
		}
		return fake_revlist(strstr(body, "<GetConfig>true<") != NULL);
	}
	if (strncmp(op, "GetUpdateData", 13) == 0) {
		if (fake.mode == FAKE_COOKIE_FAULT && fake.updatedata++ == 0) {
			*status = 500;
			return strdup(ENV_HEAD "<soap:Fault><faultcode>soap:Client"
			    "</faultcode><faultstring>Fault occurred</faultstring>"
			    "<detail><ErrorCode>InvalidCookie</ErrorCode><Message>"
			    "</Message></detail></soap:Fault>" ENV_TAIL);
		}
		if (fake.mode == FAKE_WRONG_COUNT)
			return strdup(ENV_HEAD "<GetUpdateDataResponse xmlns=\"http://"
			    "www.microsoft.com/SoftwareDistribution\"><GetUpdateData"
			    "Result><updates /><fileUrls /></GetUpdateDataResult>"
			    "</GetUpdateDataResponse>" ENV_TAIL);
		if (fake.mode == FAKE_REVISED &&
		    strstr(body, "<RevisionNumber>201<") != NULL)
			return fake_revision_201();
		for (i = 0; i < 4; i++)
			if (strstr(body, fake_docs[i][0]) != NULL) {
				a = fake_capture(fake_docs[i][1]);
				if (fake.mode == FAKE_CORRUPT_BLOB && i == 2) {
					/* A byte inside the compressed data. */
					p = strstr(a, "<XmlUpdateBlobCompressed>");
					assert_non_null(p);
					p += strlen("<XmlUpdateBlobCompressed>") + 400;
					*p = *p == 'A' ? 'B' : 'A';
				}
				return a;
			}
	}
	if (fake.mode == FAKE_ROLLUP_DETAILED &&
	    strcmp(op, "RollupComputers") == 0)
		return strdup(fake.rollupcomputers++ > 0 ? ENV_HEAD
		    "<RollupComputersResponse xmlns=\"http://www.microsoft.com/"
		    "SoftwareDistribution\"><RollupComputersResult />"
		    "</RollupComputersResponse>" ENV_TAIL : ENV_HEAD
		    "<RollupComputersResponse xmlns=\"http://www.microsoft.com/"
		    "SoftwareDistribution\"><RollupComputersResult>"
		    "<ChangedComputer ComputerId=\"" CHANGED_GONE "\" Change="
		    "\"Deleted\" /><ChangedComputer ComputerId=\"" CHANGED_NEW
		    "\" Change=\"NewParent\" /></RollupComputersResult>"
		    "</RollupComputersResponse>" ENV_TAIL);
	if (fake.mode == FAKE_ROLLUP_DETAILED &&
	    strcmp(op, "RollupComputerStatus") == 0)
		return strdup(ENV_HEAD "<RollupComputerStatusResponse xmlns=\""
		    "http://www.microsoft.com/SoftwareDistribution\">"
		    "<RollupComputerStatusResult>true</RollupComputerStatusResult>"
		    "</RollupComputerStatusResponse>" ENV_TAIL);
	if (fake.mode == FAKE_ROLLUP_DETAILED &&
	    strcmp(op, "GetRollupConfiguration") == 0)
		return strdup(ENV_HEAD "<GetRollupConfigurationResponse xmlns="
		    "\"http://www.microsoft.com/SoftwareDistribution\">"
		    "<GetRollupConfigurationResult><DoDetailedRollup>true"
		    "</DoDetailedRollup><RollupResetGuid>"
		    "6a0e2d4c-1b3f-4e5a-8c7d-9f0e1d2c3b4a</RollupResetGuid>"
		    "<ServerId>7b1f3e5d-2c4a-4f6b-9d8e-0a1f2e3d4c5b</ServerId>"
		    "<RollupDownstreamServersMaxBatchSize>100"
		    "</RollupDownstreamServersMaxBatchSize>"
		    "<RollupComputersMaxBatchSize>1500"
		    "</RollupComputersMaxBatchSize>"
		    "<GetOutOfSyncComputersMaxBatchSize>20000"
		    "</GetOutOfSyncComputersMaxBatchSize>"
		    "<RollupComputerStatusMaxBatchSize>500"
		    "</RollupComputerStatusMaxBatchSize>"
		    "</GetRollupConfigurationResult>"
		    "</GetRollupConfigurationResponse>" ENV_TAIL);
	if ((fake.mode == FAKE_ROLLUP || fake.mode == FAKE_ROLLUP_REFUSE) &&
	    strcmp(op, "GetRollupConfiguration") == 0)
		return strdup(ENV_HEAD "<GetRollupConfigurationResponse xmlns="
		    "\"http://www.microsoft.com/SoftwareDistribution\">"
		    "<GetRollupConfigurationResult><DoDetailedRollup>false"
		    "</DoDetailedRollup><RollupResetGuid>"
		    "6a0e2d4c-1b3f-4e5a-8c7d-9f0e1d2c3b4a</RollupResetGuid>"
		    "<ServerId>7b1f3e5d-2c4a-4f6b-9d8e-0a1f2e3d4c5b</ServerId>"
		    "<RollupDownstreamServersMaxBatchSize>2"
		    "</RollupDownstreamServersMaxBatchSize>"
		    "<RollupComputersMaxBatchSize>1500"
		    "</RollupComputersMaxBatchSize>"
		    "<GetOutOfSyncComputersMaxBatchSize>20000"
		    "</GetOutOfSyncComputersMaxBatchSize>"
		    "<RollupComputerStatusMaxBatchSize>500"
		    "</RollupComputerStatusMaxBatchSize>"
		    "</GetRollupConfigurationResult>"
		    "</GetRollupConfigurationResponse>" ENV_TAIL);
	if ((fake.mode == FAKE_ROLLUP || fake.mode == FAKE_ROLLUP_DETAILED) &&
	    strcmp(op, "RollupDownstreamServers") == 0) {
		fake.rollups++;
		return strdup(ENV_HEAD "<RollupDownstreamServersResponse xmlns="
		    "\"http://www.microsoft.com/SoftwareDistribution\" />"
		    ENV_TAIL);
	}
	*status = 500;
	return strdup(ENV_HEAD "<soap:Fault><faultcode>soap:Server</faultcode>"
	    "<faultstring>Fault occurred</faultstring><detail><ErrorCode>"
	    "InternalServerError</ErrorCode></detail></soap:Fault>" ENV_TAIL);
}

/* One connection's I/O: plain or through TLS. */
static ssize_t
io_read(int c, SSL *ssl, void *p, size_t n)
{
	if (ssl == NULL)
		return read(c, p, n);
	return SSL_read(ssl, p, (int)n);
}

static ssize_t
io_write(int c, SSL *ssl, const void *p, size_t n)
{
	if (ssl == NULL)
		return write(c, p, n);
	return SSL_write(ssl, p, (int)n);
}

static void *
fake_main(void *arg)
{
	(void)arg;
	while (!fake.stop) {
		struct buf req;
		char chunk[65536], action[512] = "", hdr[512];
		const char *he, *cl, *sa;
		size_t want = 0;
		ssize_t n;
		int c = accept(fake.fd, NULL, NULL), status;
		char *ans;

		SSL *ssl = NULL;

		if (c < 0)
			continue;
		if (fake.stop) {
			close(c);
			break;
		}
		if (fake.tls != NULL) {
			ssl = SSL_new(fake.tls);
			assert_non_null(ssl);
			SSL_set_fd(ssl, c);
			if (SSL_accept(ssl) <= 0) {
				fake.handshakes_failed++;
				SSL_free(ssl);
				close(c);
				continue;
			}
		}
		buf_init(&req, 8u << 20);
		while ((n = io_read(c, ssl, chunk, sizeof(chunk))) > 0) {
			buf_append(&req, chunk, (size_t)n);
			if (req.data == NULL ||
			    (he = strstr(req.data, "\r\n\r\n")) == NULL)
				continue;
			cl = strcasestr(req.data, "Content-Length:");
			want = (size_t)(he + 4 - req.data) +
			    (cl ? strtoul(cl + 15, NULL, 10) : 0);
			if (req.len >= want)
				break;
		}
		if (req.data != NULL &&
		    (sa = strcasestr(req.data, "SOAPAction: \"")) != NULL &&
		    strcspn(sa + 13, "\"") > 0)
			snprintf(action, sizeof(action), "%.*s",
			    (int)strcspn(sa + 13, "\""), sa + 13);
		fake.hdr[0] = '\0';
		ans = fake_answer(action, req.data ? req.data : "", &status);
		n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %d %s\r\nContent-Type: "
		    "text/xml; charset=utf-8\r\nContent-Length: %zu\r\n"
		    "%sConnection: close\r\n\r\n", status, status == 200 ?
		    "OK" : status == 503 ? "Service Unavailable" :
		    "Internal Server Error", strlen(ans), fake.hdr);
		if (io_write(c, ssl, hdr, (size_t)n) < 0 ||
		    io_write(c, ssl, ans, strlen(ans)) < 0)
			fprintf(stderr, "fake upstream: write failed\n");
		free(ans);
		buf_free(&req);
		if (ssl != NULL) {
			SSL_shutdown(ssl);
			SSL_free(ssl);
		}
		close(c);
	}
	return NULL;
}

static void
fake_start(SSL_CTX *tls)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int one = 1;

	memset(&fake, 0, sizeof(fake));
	fake.tls = tls;
	fake.fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fake.fd >= 0);
	setsockopt(fake.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fake.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fake.fd, (struct sockaddr *)&sin, &len), 0);
	assert_int_equal(listen(fake.fd, 16), 0);
	fake.port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&fake.th, NULL, fake_main, NULL), 0);
}

static void
fake_stop(void)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin;

	fake.stop = 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(fake.port);
	if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		fprintf(stderr, "fake upstream: wake-up connect failed\n");
	close(c);
	pthread_join(fake.th, NULL);
	close(fake.fd);
}

/* wsusctl sync against the fake (up to 4 more arguments, NULL ends
 * them); exit status and output. */
static int
fake_sync_args(struct dss *d, enum fake_mode mode, struct buf *out,
    const char *a1, const char *a2, const char *a3, const char *a4)
{
	char url[64];

	fake.mode = mode;
	fake.revlists = 0;
	fake.cookies = 0;
	fake.updatedata = 0;
	fake.authconfigs = 0;
	fake.authcookies = 0;
	fake.configdata = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", fake.port);
	buf_reset(out);
	return tl_ctl(&d->srv, out, "--json", "sync", "--upstream", url,
	    "--protocol", d->proto, "--no-rollup", a1, a2, a3, a4,
	    (char *)NULL);
}

static int
fake_sync(struct dss *d, enum fake_mode mode, struct buf *out)
{
	return fake_sync_args(d, mode, out, NULL, NULL, NULL, NULL);
}

/* The downstream's update anchor (store/sync_state.h); NULL: none. */
static char *
update_anchor_of(struct dss *d)
{
	struct store *st = open_store(&d->srv);
	struct store_sync_state ss;
	char *v = NULL;

	if (store_sync_state_get(st, &ss) == STORE_OK) {
		v = ss.anchor[SYNC_PHASE_UPDATE];
		ss.anchor[SYNC_PHASE_UPDATE] = NULL;
		store_sync_state_free(&ss);
	}
	store_close(st);
	return v;
}

const char *
upurl_fake(void)
{
	static char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u", fake.port);
	return url;
}

/* The recorded GetRevisionIdList request for the updates (GetConfig=false). */
static char *
update_list_request(const char *dir)
{
	char p[512], *data;
	size_t len;
	int i;

	for (i = 1; i < 100; i++) {
		snprintf(p, sizeof(p), "%s/%03d-GetRevisionIdList.request.xml",
		    dir, i);
		if ((data = read_file_all(p, 1 << 20, &len)) == NULL)
			continue;
		if (strstr(data, "<GetConfig>false</GetConfig>") != NULL)
			return data;
		free(data);
	}
	fail_msg("no GetConfig=false request in %s", dir);
	return NULL;
}

/*
 * A sync of d from the fake upstream, recorded into DIR/tag, filtered to
 * product prod and classification cls, with up to four more arguments
 * (NULL: none; one more --no-rollup stands in): its GetRevisionIdList
 * request for the updates (malloc'd).
 */
static char *
filtered_sync(struct dss *d, struct buf *out, const char *tag,
    const char *prod, const char *cls, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	char rec[256];

	snprintf(rec, sizeof(rec), "%s/%s", d->srv.dir, tag);
	assert_int_equal(mkdir(rec, 0755), 0);
	assert_int_equal(tl_ctl(&d->srv, out, "sync", "--upstream",
	    upurl_fake(), "--no-rollup", "--record", rec, "--product", prod,
	    "--classification", cls, a1 ? a1 : "--no-rollup",
	    a2 ? a2 : "--no-rollup", a3 ? a3 : "--no-rollup",
	    a4 ? a4 : "--no-rollup", (char *)NULL), 0);
	return update_list_request(rec);
}

void
test_real_and_hostile_upstream(void **state)
{
	struct dss d;
	struct buf out;
	size_t before;
	char *a;
	int rc;
	struct store *st;
	int64_t rid;

	(void)state;
	if (dss_setup(&d, "1.20", "dss.fake.invalid") != 0)
		fail_msg("dss_setup");
	fake_start(NULL);
	buf_init(&out, 8u << 20);

	/* Broken answers: a clear failure and nothing stored. */
	rc = fake_sync(&d, FAKE_GARBAGE, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "unreadable answer"));
	rc = fake_sync(&d, FAKE_DOCTYPE, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "forbidden"));
	rc = fake_sync(&d, FAKE_WRONG_COUNT, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "asked for 1 documents, got 0"));
	rc = fake_sync_args(&d, FAKE_HUGE, &out, "--max-response", "1", NULL,
	    NULL);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "answer larger than 1048576 bytes"));
	assert_int_equal(revisions(&d.srv), 0);

	/* A damaged LZX cabinet: that document is rejected, the others are
	 * stored, and the update anchor does not advance. */
	rc = fake_sync(&d, FAKE_CORRUPT_BLOB, &out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "\"failed\": 1"));
	a = update_anchor_of(&d);
	assert_true(a == NULL || a[0] == '\0');
	free(a);
	before = revisions(&d.srv);
	assert_int_equal(before, 3);

	/* The real Server 2025 answers (LZX cabinets, plain XmlUpdateBlob):
	 * only the missing document is fetched, and the anchor advances. */
	/* (The first GetUpdateData is refused with InvalidCookie: the
	 * session cookie is renewed and the batch sent again.) */
	rc = fake_sync(&d, FAKE_COOKIE_FAULT, &out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.cookies, 2);
	assert_int_equal(fake.updatedata, 2);
	assert_non_null(strstr(out.data, "\"fetched\": 1"));
	assert_non_null(strstr(out.data, "\"new_updates\": 1"));
	assert_non_null(strstr(out.data, "\"revised\": 0"));
	assert_non_null(strstr(out.data, "\"reauths\": 1"));
	assert_int_equal(revisions(&d.srv), 4);
	a = update_anchor_of(&d);
	assert_non_null(a);
	assert_string_equal(a, "9438,2026-10-04 16:33:26.670");
	free(a);
	st = open_store(&d.srv);
	assert_int_equal(store_revision_lookup(st,
	    "266f6222-c89d-43f2-9f8a-69340271e677", 200, &rid), STORE_OK);
	store_close(st);

	/* ServerChanged: anchors reset, the run starts over and succeeds. */
	rc = fake_sync(&d, FAKE_SERVER_CHANGED, &out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.revlists, 3);
	assert_non_null(strstr(out.data, "ServerChanged"));
	assert_non_null(strstr(out.data, "\"full_resync\": true"));
	assert_non_null(strstr(out.data, "\"error\": \"\""));
	a = update_anchor_of(&d);
	assert_string_equal(a, "9438,2026-10-04 16:33:26.670");
	free(a);
	rc = fake_sync(&d, FAKE_REAL, &out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out.data, "\"full_resync\": false"));
	assert_int_equal(fake.revlists, 2);

	/* Fault reactions (wsusss.md §4).  A refused session cookie
	 * (CookieExpired, InvalidCookie) on any Server Sync call:
	 * authenticate again and send that call once more. */
	rc = fake_sync(&d, FAKE_COOKIE_CONFIG, &out);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.configdata, 2);
	assert_int_equal(fake.authconfigs, 2);
	assert_int_equal(fake.authcookies, 2);
	assert_int_equal(fake.cookies, 2);
	assert_non_null(strstr(out.data, "\"reauths\": 1"));
	assert_non_null(strstr(out.data, "\"retries\": 0"));
	rc = fake_sync(&d, FAKE_COOKIE_REVLIST, &out);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.revlists, 3);	/* categories twice, updates */
	assert_int_equal(fake.cookies, 2);
	assert_int_equal(fake.configdata, 1);
	assert_non_null(strstr(out.data, "\"reauths\": 1"));
	/* ... once: refused again, the run fails with that fault. */
	rc = fake_sync(&d, FAKE_COOKIE_ALWAYS, &out);
	assert_int_equal(rc, 1);
	assert_int_equal(fake.configdata, 2);
	assert_int_equal(fake.cookies, 2);
	assert_int_equal(fake.revlists, 0);
	assert_non_null(strstr(out.data, "GetConfigData: fault InvalidCookie"));
	/* InvalidAuthorizationCookie in GetCookie: from the beginning. */
	rc = fake_sync(&d, FAKE_AUTH_COOKIE, &out);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.authconfigs, 2);
	assert_int_equal(fake.authcookies, 2);
	assert_int_equal(fake.cookies, 2);
	assert_int_equal(fake.configdata, 1);
	assert_non_null(strstr(out.data, "\"reauths\": 1"));
	/* ServerBusy, an HTML error page, 503: sent again after 1, 2 and
	 * 4 seconds; the fourth answer is the list. */
	rc = fake_sync(&d, FAKE_BUSY, &out);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.revlists, 5);	/* 4 for categories, 1 */
	assert_non_null(strstr(out.data, "\"retries\": 3"));
	assert_non_null(strstr(out.data, "\"reauths\": 0"));
	/* Busy on every attempt: four attempts, then the fault. */
	rc = fake_sync(&d, FAKE_BUSY_ALWAYS, &out);
	assert_int_equal(rc, 1);
	assert_int_equal(fake.configdata, 4);
	assert_int_equal(fake.revlists, 0);
	assert_non_null(strstr(out.data, "GetConfigData: fault ServerBusy"));
	assert_int_equal(revisions(&d.srv), 4);
	/* No Retry-After above: the doubling backoff, no Retry-After wait. */
	assert_non_null(strstr(out.data, "\"retry_after_waits\": 0"));
	/* 503 with Retry-After: 1, ServerBusy with a Retry-After date
	 * passed: sent again after 1 s and at once (what the upstream
	 * asked, recorded), then the list. */
	rc = fake_sync(&d, FAKE_RETRY_AFTER, &out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_int_equal(fake.revlists, 4);	/* 3 for categories, 1 */
	assert_non_null(strstr(out.data, "\"retries\": 2,"));
	assert_non_null(strstr(out.data, "\"retry_after_waits\": 2,"));
	assert_non_null(strstr(out.data, "\"retry_after_secs\": 1,"));
	/* Longer than 15 minutes: no wait, the call fails at once (the
	 * schedule's retry rule takes over). */
	rc = fake_sync(&d, FAKE_RETRY_LONG, &out);
	assert_int_equal(rc, 1);
	assert_int_equal(fake.configdata, 1);
	assert_int_equal(fake.revlists, 0);
	assert_non_null(strstr(out.data, "GetConfigData: HTTP status 503"));
	assert_int_equal(revisions(&d.srv), 4);
	/* Express files wanted: this upstream says ServerHostsPsfFiles
	 * false, so none are fetched and the run says why. */
	rc = fake_sync_args(&d, FAKE_REAL, &out, "--content", "approved",
	    "--express", "yes");
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out.data, "\"express_unhosted\": true"));
	rc = fake_sync_args(&d, FAKE_REAL, &out, "--content", "approved",
	    "--express", "no");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out.data, "\"express_unhosted\": false"));

	/* A new revision of an update held: counted as revised, not new
	 * (WSUS's Synchronization report). */
	rc = fake_sync(&d, FAKE_REVISED, &out);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out.data, "\"created\": 1,"));
	assert_non_null(strstr(out.data, "\"revised\": 1"));
	assert_non_null(strstr(out.data, "\"new_updates\": 0"));
	assert_int_equal(revisions(&d.srv), 5);
	st = open_store(&d.srv);
	assert_int_equal(store_revision_lookup(st,
	    "ccb78947-6453-4ecc-9de8-bc0305c98f2d", 201, &rid), STORE_OK);
	store_close(st);

	/* A product/classification filter: Delta=false the first time a
	 * category is asked for, true afterwards (wsusss.md §7). */
	{
		static const char *const prod = "dd78b8a1-0b20-45c1-add6-4da72e9364cf";
		static const char *const cls = "e0789628-ce08-4437-be74-2495b842f43b";
		static const char *const cls2 = "0fa1201d-4330-4fa8-8ae9-b877473b6441";
		char *req;

		/* --product without --classification: usage error. */
		assert_int_equal(fake_sync_args(&d, FAKE_REAL, &out, "--product",
		    prod, NULL, NULL), 2);
		fake.mode = FAKE_REAL;
		req = filtered_sync(&d, &out, "filter1", prod, cls, NULL, NULL,
		    NULL, NULL);
		assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>"
		    "dd78b8a1-0b20-45c1-add6-4da72e9364cf</Id><Delta>false</Delta>"));
		assert_non_null(strstr(req, "<Classifications><IdAndDelta><Id>"
		    "e0789628-ce08-4437-be74-2495b842f43b</Id><Delta>false</Delta>"));
		free(req);
		/* A second classification next to the known ones. */
		req = filtered_sync(&d, &out, "filter2", prod, cls,
		    "--classification", cls2, NULL, NULL);
		assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>"
		    "dd78b8a1-0b20-45c1-add6-4da72e9364cf</Id><Delta>true</Delta>"));
		assert_non_null(strstr(req, "<Id>e0789628-ce08-4437-be74-"
		    "2495b842f43b</Id><Delta>true</Delta>"));
		assert_non_null(strstr(req, "<Id>0fa1201d-4330-4fa8-8ae9-"
		    "b877473b6441</Id><Delta>false</Delta>"));
		assert_null(strstr(req, "<Languages>"));
		free(req);

		/* Languages: their LCIDs (the upstream's LanguageUpdateList,
		 * else WSUS's list) after the classifications; Delta=false
		 * the first time, true afterwards; an unknown code stops
		 * the run before the list is asked for. */
		req = filtered_sync(&d, &out, "lang1", prod, cls, "--language",
		    "de", "--language", "pt-br");
		assert_non_null(strstr(req, "<Delta>true</Delta></IdAndDelta>"
		    "</Classifications><Languages><LanguageAndDelta><Id>1031</Id>"
		    "<Delta>false</Delta></LanguageAndDelta><LanguageAndDelta>"
		    "<Id>1046</Id><Delta>false</Delta></LanguageAndDelta>"
		    "</Languages></filter>"));
		free(req);
		req = filtered_sync(&d, &out, "lang2", prod, cls, "--language",
		    "de", "--language", "ja-nec");
		assert_non_null(strstr(req, "<Languages><LanguageAndDelta><Id>"
		    "1031</Id><Delta>true</Delta></LanguageAndDelta>"
		    "<LanguageAndDelta><Id>66577</Id><Delta>false</Delta>"
		    "</LanguageAndDelta></Languages>"));
		free(req);
		fake.revlists = 0;
		assert_int_equal(tl_ctl(&d.srv, &out, "sync", "--upstream",
		    upurl_fake(), "--no-rollup", "--language", "xx",
		    (char *)NULL), 1);
		assert_non_null(strstr(out.data, "language xx: the upstream "
		    "offers no such language"));
		assert_int_equal(fake.revlists, 1);	/* categories only */
	}

	buf_free(&out);
	fake_stop();
	tl_wsusd_cleanup(&d.srv);
}


/*
 * The TLS minimum on every upstream connection: the fake upstream over
 * TLS that speaks 1.2 at most (wsusd's own listener always offers 1.3).
 * The default minimum (1.2) syncs; --tls-min 1.3 refuses the handshake
 * before any request.
 */
void
test_tls_minimum(void **state)
{
	struct dss d;
	struct buf out;
	SSL_CTX *ctx;
	char crt[256], key[256], url[64];
	int rc;

	(void)state;
	if (dss_setup(&d, "1.20", "dss.tls12.invalid") != 0)
		fail_msg("dss_setup");
	snprintf(crt, sizeof(crt), "%s/state/tls/wsusd.crt", up.dir);
	snprintf(key, sizeof(key), "%s/state/tls/wsusd.key", up.dir);
	ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION), 1);
	assert_int_equal(SSL_CTX_use_certificate_chain_file(ctx, crt), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(ctx, key,
	    SSL_FILETYPE_PEM), 1);
	fake_start(ctx);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", fake.port);
	buf_init(&out, 8u << 20);

	/* --tls-min 1.3: no handshake, no request, the run fails (a
	 * transport error: four attempts). */
	rc = tl_ctl(&d.srv, &out, "sync", "--upstream", url, "--cacert", crt,
	    "--no-rollup", "--tls-min", "1.3", (char *)NULL);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out.data, "GetAuthConfig"));
	assert_int_equal(fake.handshakes_failed, 4);
	assert_int_equal(fake.authconfigs, 0);
	assert_int_equal(revisions(&d.srv), 0);
	/* The default (1.2): the whole sync over TLS 1.2. */
	buf_reset(&out);
	fake.mode = FAKE_REAL;
	rc = tl_ctl(&d.srv, &out, "sync", "--upstream", url, "--cacert", crt,
	    "--no-rollup", (char *)NULL);
	if (rc != 0)
		fprintf(stderr, "%s\n", out.data ? out.data : "");
	assert_int_equal(rc, 0);
	assert_int_equal(fake.handshakes_failed, 4);
	assert_int_equal(fake.authconfigs, 1);
	assert_int_equal(revisions(&d.srv), 4);
	/* ... and --tls-min 1.2 says the same. */
	assert_int_equal(tl_ctl(&d.srv, &out, "sync", "--upstream", url,
	    "--cacert", crt, "--no-rollup", "--tls-min", "1.2", (char *)NULL),
	    0);
	assert_int_equal(tl_ctl(&d.srv, &out, "sync", "--upstream", url,
	    "--tls-min", "1.1", (char *)NULL), 2);

	/* Microsoft Update's metadata half through the same code path:
	 * its WCF-style GetConfigData (s: prefix, ProtocolVersion 1.21,
	 * a config anchor without the "id," prefix, its language list),
	 * over TLS 1.2, with products, classifications and a language in
	 * GetRevisionIdList (wsusss.md §13). */
	{
		static const char *const prod =
		    "dd78b8a1-0b20-45c1-add6-4da72e9364cf";
		static const char *const cls =
		    "e0789628-ce08-4437-be74-2495b842f43b";
		struct store *st;
		struct store_sync_state ss;
		char rec[256], *req;

		snprintf(rec, sizeof(rec), "%s/mu", d.srv.dir);
		assert_int_equal(mkdir(rec, 0755), 0);
		fake.mode = FAKE_MU;
		buf_reset(&out);
		rc = tl_ctl(&d.srv, &out, "--json", "sync", "--upstream", url,
		    "--cacert", crt, "--no-rollup", "--record", rec,
		    "--product", prod, "--classification", cls, "--language",
		    "zh-hk", (char *)NULL);
		if (rc != 0)
			fprintf(stderr, "%s\n", out.data ? out.data : "");
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out.data,
		    "\"upstream_protocol\": \"1.21\""));
		assert_non_null(strstr(out.data, "\"failed\": 0"));
		req = update_list_request(rec);
		assert_non_null(strstr(req, "<Categories><IdAndDelta><Id>"
		    "dd78b8a1-0b20-45c1-add6-4da72e9364cf</Id>"));
		assert_non_null(strstr(req, "<Languages><LanguageAndDelta>"
		    "<Id>3076</Id><Delta>false</Delta></LanguageAndDelta>"
		    "</Languages>"));
		free(req);
		st = open_store(&d.srv);
		assert_int_equal(store_sync_state_get(st, &ss), STORE_OK);
		assert_string_equal(ss.anchor[SYNC_PHASE_CONFIG],
		    "2026-10-05 17:27:44.393");
		store_sync_state_free(&ss);
		store_close(st);
	}

	buf_free(&out);
	fake_stop();
	SSL_CTX_free(ctx);
	tl_wsusd_cleanup(&d.srv);
}

/* The fake with a reporting service (e2e_sync_rollup.c). */
void
fake_rollup_start(int how)
{
	fake_start(NULL);
	fake.mode = how == FAKE_RUP_REFUSE ? FAKE_ROLLUP_REFUSE :
	    how == FAKE_RUP_DETAILED ? FAKE_ROLLUP_DETAILED : FAKE_ROLLUP;
	fake.rollups = 0;
	fake.rollupcomputers = 0;
}

void
fake_rollup_stop(int *servers, int *computers)
{
	fake_stop();
	*servers = fake.rollups;
	*computers = fake.rollupcomputers;
}
