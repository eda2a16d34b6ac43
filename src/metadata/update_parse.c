/* metadata/update_parse.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
