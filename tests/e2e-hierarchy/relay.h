/*
 * relay.h — a throttling TCP relay in the upstream's namespace (relay.c),
 * for the "site killed mid-download" case of the hierarchy test, and,
 * without namespaces, to give each site its own source address.
 */
#ifndef WSUSD_TESTS_E2E_HIERARCHY_RELAY_H
#define WSUSD_TESTS_E2E_HIERARCHY_RELAY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct relay {
	char		 ns[48];	/* namespace to run in ("" none) */
	char		 addr[32];	/* listen here, dial here too */
	char		 src[32];	/* dial from this address ("" any) */
	uint16_t	 port;		/* the relay's port (picked free) */
	uint16_t	 to_port;	/* the upstream port it passes on to */
	volatile bool	 throttle;	/* ~1 MiB/s upstream -> site */
	volatile bool	 stop;
	int		 lfd;
	int		 ready;		/* 0 starting, 1 listening, -1 failed */
	bool		 started;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
};

/* Listen on addr:(free port) inside ns, pass on to addr:to_port from
 * src (NULL: any); throttled or not.  0 or -1. */
int	relay_start(struct relay *r, const char *ns, const char *addr,
	    const char *src, uint16_t to_port, bool throttle);
/* Stop accepting (connections in flight end with their peers). */
void	relay_stop(struct relay *r);

#endif
