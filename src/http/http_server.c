/* http/http_server.c — not written yet (scaffolding). */
typedef int wsusd_placeholder_t;
