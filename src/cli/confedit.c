/*
 * confedit.c — changing one key of a configuration file's text while
 * keeping every other byte (see confedit.h).  Not here: parsing or
 * checking the result (config/config.c does, by the caller).
 */
#include <stdbool.h>
#include <string.h>

#include "cli/confedit.h"

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Does the header line q..e name [server] (blanks allowed inside)? */
static bool
is_server_header(const char *q, const char *e)
{
	const char *close = memchr(q, ']', (size_t)(e - q));
	const char *a = q + 1, *b;

	if (close == NULL)
		return false;
	while (a < close && is_ws(*a))
		a++;
	for (b = a; b < close && !is_ws(*b); b++)
		;
	if (b - a != 6 || strncmp(a, "server", 6) != 0)
		return false;
	while (b < close && is_ws(*b))
		b++;
	return b == close;
}

/*
 * The configuration text with content_dir = dir in [server]: the key's
 * line replaced, or added after the [server] header, or a [server]
 * section added at the end.  Every other byte is kept.  Into out.
 */
void
confedit_content_dir(const char *text, const char *dir, struct buf *out)
{
	const char *p = text, *server_end = NULL;
	bool in_server = false, done = false;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		const char *q = p;

		/* a UTF-8 byte order mark before the first line */
		if (p == text && strncmp(q, "\xEF\xBB\xBF", 3) == 0)
			q += 3;
		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if (*q == '[') {
			if (in_server && !done && server_end != NULL) {
				/* key absent: add it at the end of [server] */
				buf_printf(out, "content_dir = %s\n", dir);
				done = true;
			}
			in_server = is_server_header(q, p + n);
			buf_append(out, p, n);
			if (nl == NULL)
				buf_putc(out, '\n');
			if (in_server)
				server_end = p + n;
			p += n;
			continue;
		}
		if (in_server && !done && strncmp(q, "content_dir", 11) == 0 &&
		    strspn(q + 11, " \t") + q + 11 < p + n &&
		    q[11 + strspn(q + 11, " \t")] == '=') {
			buf_printf(out, "content_dir = %s\n", dir);
			done = true;
			p += n;
			continue;
		}
		buf_append(out, p, n);
		if (nl == NULL && n > 0)
			buf_putc(out, '\n');
		p += n;
	}
	if (!done) {
		if (in_server)
			buf_printf(out, "content_dir = %s\n", dir);
		else
			buf_printf(out, "\n[server]\ncontent_dir = %s\n", dir);
	}
}
