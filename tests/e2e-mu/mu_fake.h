/*
 * mu_fake.h — a local stand-in for Microsoft Update, for tests/e2e-mu
 * only: two HTTPS servers (libmicrohttpd over GnuTLS, TLS 1.2 and 1.3
 * only) on loopback.
 *
 *   mu  the Server Sync and DSS authorization services as Microsoft
 *       Update answers them (WCF envelopes, wsusss.md §13): GetAuthConfig
 *       with a relative DssTargeting ServiceUrl, GetAuthorizationCookie at
 *       that URL only, GetCookie, GetConfigData (the captured Microsoft
 *       Update answer), GetRevisionIdList and GetUpdateData from the
 *       catalog the test gives it.  Every request is recorded (operation,
 *       path, body); what Microsoft Update does not offer a WSUS
 *       (GetDeployments, DownloadFiles, /Content/) is counted and refused,
 *       the Reporting service (rollup) counted apart and refused.
 *   dl  the file host (download.windowsupdate.com): GET and HEAD of the
 *       files the test gives it, at their MUUrl path; counted.
 *
 * It is not a WSUS: no store, no cookies checked beyond being present, no
 * product filter applied (the test asserts what the filter sent was).
 */
#ifndef WSUSD_TESTS_E2E_MU_FAKE_H
#define WSUSD_TESTS_E2E_MU_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MU_MAX_DOCS	16
#define MU_MAX_FILES	8
#define MU_MAX_REQ	64
#define MU_AUTH_PATH	"/DssAuthWebService/DssAuthWebService.asmx"
#define MU_SS_PATH	"/ServerSyncWebService/ServerSyncWebService.asmx"
#define MU_REPORTING_PATH "/ReportingWebService/ReportingWebService.asmx"

/* An update revision of the catalog. */
struct mu_doc {
	const char	*id;		/* UpdateID; borrowed */
	int		 rev;		/* RevisionNumber */
	bool		 config;	/* a category (GetConfig=true list) */
	int		 since;		/* listed from this run on (1, 2...) */
	char		*xml;		/* the upd:Update document; owned */
	const char	*digest;	/* base64 SHA-1 of its file or NULL;
					   borrowed */
	const char	*muurl;		/* that file's MUUrl; borrowed */
};

/* A file the dl host serves. */
struct mu_file {
	char		 path[256];	/* URL path */
	const char	*data;		/* borrowed */
	size_t		 len;
};

/* One request the mu host got. */
struct mu_req {
	char		 op[256];	/* SOAPAction's last part, or
					   "GET <path>" */
	char		 path[256];
	char		*body;		/* owned */
};

struct mu_fake {
	/* set by the test before mu_start */
	struct mu_doc	 docs[MU_MAX_DOCS];
	size_t		 ndocs;
	struct mu_file	 files[MU_MAX_FILES];
	size_t		 nfiles;
	char		*config_answer;	/* GetConfigData answer; owned */
	/* set by the test between runs (under no lock: the servers are
	 * idle then) */
	int		 run;		/* 1, 2, ...: which docs are new and
					   which anchor is given */
	int		 authcookie_faults; /* GetCookie answers
					   InvalidAuthorizationCookie this
					   many more times */
	int		 reporting_404; /* the Reporting service answers
					   404 (as a host without one)
					   instead of a fault */
	const char	*fault_text;	/* that fault's faultstring instead
					   of the bare code; borrowed */
	/* recorded by the servers (read between runs) */
	struct mu_req	 req[MU_MAX_REQ];
	size_t		 nreq;
	int		 refused;	/* GetDeployments, DownloadFiles, any
					   GET on mu, any unknown call */
	int		 reporting;	/* calls to the Reporting service
					   (refused with a fault) */
	int		 dl_gets;	/* GET and HEAD on dl */
	char		 dl_paths[512];	/* the paths GET asked of dl,
					   space-separated */
	/* servers */
	uint16_t	 mu_port, dl_port;
	void		*mu_d, *dl_d;	/* struct MHD_Daemon */
	char		*cert, *key;	/* PEM; owned */
};

/* The anchor the GetRevisionIdList answers of run n carry. */
void	mu_anchor(int run, char *out, size_t outlen);
/*
 * Start both servers on 127.0.0.1 with the PEM cert and key files (the
 * same pair for both).  0, or -1 with a reason on stderr.
 */
int	mu_start(struct mu_fake *f, const char *certfile, const char *keyfile);
void	mu_stop(struct mu_fake *f);
/* Forget the recorded requests. */
void	mu_clear(struct mu_fake *f);
/* The operations recorded, space-separated, into out. */
void	mu_sequence(const struct mu_fake *f, char *out, size_t outlen);
/* The n-th (0-based) recorded request of op, or NULL. */
const struct mu_req *mu_find(const struct mu_fake *f, const char *op,
	    size_t n);

#endif
