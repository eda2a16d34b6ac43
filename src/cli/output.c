/*
 * output.c — aligned text tables and JSON for wsusctl (see output.h).
 * Not here: any knowledge of updates, groups or commands.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/output.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

struct table {
	size_t		 ncols;
	struct table_col cols[TABLE_MAX_COLS];	/* headers borrowed */
	size_t		 nrows;
	size_t		 cap;
	char		**cells;	/* nrows * ncols cleaned copies; owned */
};

/* ---- UTF-8 ---- */

/*
 * Decode one UTF-8 sequence at s (NUL-terminated): its length 1..4 and
 * the code point in *cp, or 0 when invalid (util/utf8.h; decoding stops
 * at the NUL, so 4 is a safe bound).
 */
static size_t
decode(const unsigned char *s, uint32_t *cp)
{
	return utf8_decode(s, 4, cp);
}

/* Columns a code point takes on a terminal; a small table, no locale. */
static size_t
cp_width(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x20d0 && c <= 0x20ff))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t
output_strwidth(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t w = 0, n;
	uint32_t c;

	while (*p) {
		if ((n = decode(p, &c)) == 0) {
			w++;
			p++;
			continue;
		}
		w += cp_width(c);
		p += n;
	}
	return w;
}

/*
 * Code points that reorder or break the text around them without being
 * seen: the bidirectional embeddings, overrides and isolates (U+202A..
 * U+202E, U+2066..U+2069), the marks (U+200E, U+200F, U+061C) and the
 * line and paragraph separators (U+2028, U+2029).  A client-supplied
 * name with U+202E could otherwise show another name than it is.
 */
static bool
invisible_format(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200e || c == 0x200f || c == 0x061c || c == 0x2028 ||
	    c == 0x2029;
}

char *
output_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct buf b;
	size_t n;
	uint32_t c;

	/* at most three times as long as the input: "\\u061C" for 2 bytes */
	buf_init(&b, 3 * strlen((const char *)p) + 1);
	buf_puts(&b, "");
	while (*p) {
		if ((n = decode(p, &c)) == 0) {
			buf_putc(&b, '?');
			p++;
			continue;
		}
		if (c == '\t' || c == '\n' || c == '\r')
			buf_putc(&b, ' ');
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
			buf_putc(&b, '?');
		else if (invisible_format(c))
			buf_printf(&b, "\\u%04X", (unsigned)c);
		else
			buf_append(&b, p, n);
		p += n;
	}
	if (b.failed)
		fatalx("output_clean: buffer failure");
	return buf_steal(&b, NULL);
}

/* ---- tables ---- */

struct table *
table_new(const struct table_col *cols, size_t ncols)
{
	struct table *t;

	if (ncols == 0 || ncols > TABLE_MAX_COLS)
		fatalx("table_new: %zu columns", ncols);
	t = xcalloc(1, sizeof(*t));
	t->ncols = ncols;
	memcpy(t->cols, cols, ncols * sizeof(*cols));
	return t;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void
table_add(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xreallocarray(t->cells, t->cap, t->ncols * sizeof(char *));
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = output_clean(cells[i]);
	t->nrows++;
}

void
table_addf(struct table *t, ...)
{
	const char *cells[TABLE_MAX_COLS];
	va_list ap;

	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	table_add(t, cells);
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

/* Append the first columns of s that fit in w, with "..." when cut. */
static void
put_cut(struct buf *b, const char *s, size_t w, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t sw = output_strwidth(s), have = 0, n, cw, room;
	uint32_t c;

	if (sw <= w) {
		buf_puts(b, s);
		*used = sw;
		return;
	}
	room = w >= 4 ? w - 3 : w;
	while (*p) {
		if ((n = decode(p, &c)) == 0) {
			n = 1;
			cw = 1;
		} else
			cw = cp_width(c);
		if (have + cw > room)
			break;
		buf_append(b, p, n);
		have += cw;
		p += n;
	}
	if (w >= 4) {
		buf_puts(b, "...");
		have += 3;
	}
	*used = have;
}

static void
put_row(struct buf *line, const struct table *t, const size_t *w,
    char *const *cells)
{
	size_t used;

	buf_reset(line);
	buf_puts(line, "");
	for (size_t i = 0; i < t->ncols; i++) {
		bool last = i + 1 == t->ncols;
		const char *s = cells[i];

		if (i > 0)
			buf_puts(line, "  ");
		if (t->cols[i].flags & TABLE_RIGHT) {
			size_t sw = output_strwidth(s);
			for (size_t k = sw; k < w[i]; k++)
				buf_putc(line, ' ');
			put_cut(line, s, w[i], &used);
			continue;
		}
		put_cut(line, s, w[i], &used);
		if (!last)
			for (size_t k = used; k < w[i]; k++)
				buf_putc(line, ' ');
	}
	/* never trailing blanks (empty last cells) */
	while (line->len > 0 && line->data[line->len - 1] == ' ')
		line->data[--line->len] = '\0';
}

int
table_print(const struct table *t, FILE *fp, size_t maxwidth, bool no_header)
{
	size_t w[TABLE_MAX_COLS], total, floor;
	char *hdr[TABLE_MAX_COLS];
	struct buf line;
	int rc = 0;

	for (size_t i = 0; i < t->ncols; i++) {
		hdr[i] = output_clean(t->cols[i].header);
		w[i] = no_header ? 0 : output_strwidth(hdr[i]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = output_strwidth(t->cells[r * t->ncols + i]);
			if (cw > w[i])
				w[i] = cw;
		}
	}
	total = 2 * (t->ncols - 1);
	for (size_t i = 0; i < t->ncols; i++)
		total += w[i];
	/* shrink the widest shrinkable column until the table fits */
	while (maxwidth > 0 && total > maxwidth) {
		size_t best = t->ncols, bestw = 0;
		for (size_t i = 0; i < t->ncols; i++) {
			size_t minw = TABLE_MIN_SHRUNK;
			if (!no_header && output_strwidth(hdr[i]) > minw)
				minw = output_strwidth(hdr[i]);
			if ((t->cols[i].flags & TABLE_SHRINK) && w[i] > minw &&
			    w[i] > bestw) {
				best = i;
				bestw = w[i];
			}
		}
		if (best == t->ncols)
			break;
		w[best]--;
		total--;
	}
	/* still too wide (many fixed columns on 80): cut the widest column
	 * of any kind, headers too, down to TABLE_MIN_CUT -- when that can
	 * make it fit at all (else leave it readable) */
	floor = 2 * (t->ncols - 1);
	for (size_t i = 0; i < t->ncols; i++)
		floor += w[i] < TABLE_MIN_CUT ? w[i] : TABLE_MIN_CUT;
	while (maxwidth > 0 && total > maxwidth && floor <= maxwidth) {
		size_t best = t->ncols, bestw = TABLE_MIN_CUT;
		for (size_t i = 0; i < t->ncols; i++)
			if (w[i] > bestw) {
				best = i;
				bestw = w[i];
			}
		if (best == t->ncols)
			break;
		w[best]--;
		total--;
	}

	buf_init(&line, 1u << 20);
	if (!no_header) {
		put_row(&line, t, w, hdr);
		if (fprintf(fp, "%s\n", line.data ? line.data : "") < 0)
			rc = -1;
	}
	for (size_t r = 0; r < t->nrows && rc == 0; r++) {
		put_row(&line, t, w, t->cells + r * t->ncols);
		if (fprintf(fp, "%s\n", line.data ? line.data : "") < 0)
			rc = -1;
	}
	buf_free(&line);
	for (size_t i = 0; i < t->ncols; i++)
		free(hdr[i]);
	return rc;
}

size_t
output_width(FILE *fp)
{
	struct winsize ws;
	const char *e;
	int fd = fileno(fp);

	if (fd < 0 || !isatty(fd))
		return 0;
	if ((e = getenv("COLUMNS")) != NULL) {
		char *end;
		unsigned long v = strtoul(e, &end, 10);
		if (*e && *end == '\0' && v >= 20 && v <= 10000)
			return v;
	}
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* ---- JSON and small formatters ---- */

int
output_json(json_t *v, FILE *fp)
{
	if (v == NULL)
		return -1;
	if (json_dumpf(v, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		return -1;
	if (fputc('\n', fp) == EOF)
		return -1;
	return 0;
}

void
output_json_put(json_t *v)
{
	output_json(v, stdout);
	json_decref(v);
}

json_t *
output_json_str(const char *s)
{
	json_t *v;

	if (s == NULL)
		return json_null();
	/* jansson refuses invalid UTF-8; show such text cleaned */
	if ((v = json_string(s)) == NULL) {
		char *c = output_clean(s);
		v = json_string(c);
		free(c);
	}
	return v ? v : json_null();
}

void
output_time(int64_t t, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return;
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
output_json_kb(const char *digits)
{
	if (digits == NULL || *digits == '\0')
		return json_null();
	if (strncasecmp(digits, "KB", 2) == 0)
		digits += 2;
	return json_sprintf("KB%s", digits);
}

void
output_hresult(int32_t hr, char *out, size_t outlen)
{
	snprintf(out, outlen, "0x%08x", (unsigned)(uint32_t)hr);
}

json_t *
output_json_list(const char *joined)
{
	json_t *a = json_array();
	const char *p = joined, *e;

	if (p == NULL || *p == '\0')
		return a;
	for (;;) {
		e = strstr(p, "; ");
		if (e == NULL) {
			json_array_append_new(a, json_string(p));
			break;
		}
		json_array_append_new(a, json_stringn(p, (size_t)(e - p)));
		p = e + 2;
	}
	return a;
}
