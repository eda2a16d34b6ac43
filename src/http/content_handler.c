/* http/content_handler.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
