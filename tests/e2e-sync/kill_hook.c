/*
 * kill_hook.c — linked ONLY into wsusctl_killhook, the test build of
 * wsusctl (src/cli/wsusctl.c + this file) that test_e2e_sync kills
 * during a replica's approvals: when WSUSD_TEST_KILL_AT_APPROVAL=N is
 * set, the process SIGKILLs itself right after the N-th approval of a
 * GetDeployments answer, with the store transaction of that answer open.
 * The product has no such variable: only the hook pointer
 * (sync_deployments_hook, NULL there) exists in src/sync.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_internal.h"

static unsigned long kill_at;

static void
kill_hook(size_t applied)
{
	if (applied == kill_at)
		raise(SIGKILL);
}

__attribute__((constructor)) static void
kill_hook_install(void)
{
	const char *v = getenv("WSUSD_TEST_KILL_AT_APPROVAL");
	char *end;

	if (v == NULL || *v == '\0')
		return;
	kill_at = strtoul(v, &end, 10);
	if (*end == '\0' && kill_at > 0)
		sync_deployments_hook = kill_hook;
}
