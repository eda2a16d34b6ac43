/* cli/cmd_updates.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
