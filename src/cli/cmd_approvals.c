/* cli/cmd_approvals.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
