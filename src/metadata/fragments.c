/* metadata/fragments.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
