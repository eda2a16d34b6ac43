/*
 * output.h — how wsusctl shows things: aligned text tables for people and
 * JSON (jansson) for scripts.
 *
 * Tables compute every column width from the content.  Columns are
 * separated by two spaces; there are never tabs and never trailing
 * blanks.  When a maximum width is given (stdout is a terminal) columns
 * marked TABLE_SHRINK are cut, with "...", until the table fits; when
 * they are at TABLE_MIN_SHRUNK and it still does not, the widest column
 * of any kind is cut (down to TABLE_MIN_CUT), so a table always fits
 * unless it has more columns than the width allows.
 * Control characters in cells (from hostile metadata) are replaced so
 * nothing printed can drive the terminal.
 *
 * Not here: what a command prints or which columns it has.
 */
#ifndef WSUSD_CLI_OUTPUT_H
#define WSUSD_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define TABLE_RIGHT	0x1	/* right-align (numbers) */
#define TABLE_SHRINK	0x2	/* may be cut to fit the terminal width */

#define TABLE_MAX_COLS	16
#define TABLE_MIN_SHRUNK 8	/* a shrunk column keeps at least this width */
#define TABLE_MIN_CUT	4	/* when that is not enough, any column is cut
				   (widest first) down to this width */

struct table_col {
	const char	*header;	/* borrowed; shown upper-case as given */
	int		 flags;		/* TABLE_* */
};

struct table;	/* opaque; owns copies of every cell */

struct table *table_new(const struct table_col *cols, size_t ncols);
void	table_free(struct table *);
/* Add one row of ncols cells (copied; NULL shows as ""). */
void	table_add(struct table *, const char *const *cells);
/* Same with the cells as arguments: exactly ncols const char *. */
void	table_addf(struct table *, ...);
size_t	table_rows(const struct table *);
/*
 * Print headers (unless no_header) and rows.  maxwidth 0: never
 * truncate.  Returns 0, or -1 on a write error.
 */
int	table_print(const struct table *, FILE *, size_t maxwidth, bool no_header);

/* Terminal columns when fp is a terminal (COLUMNS, then TIOCGWINSZ,
 * then 80); 0 when it is not a terminal. */
size_t	output_width(FILE *fp);

/* Display width of UTF-8 text (East Asian wide = 2, combining = 0). */
size_t	output_strwidth(const char *s);

/*
 * A printable copy of s (malloc'd; caller frees): control characters
 * (C0, DEL, C1) become '?', except that TAB and newlines become a space;
 * bidirectional controls (U+202A..U+202E, U+2066..U+2069, U+200E,
 * U+200F, U+061C) and U+2028/U+2029 are shown as "\u202E".  Invalid
 * UTF-8 bytes become '?'.  NULL gives "".  For text output of strings
 * from clients and upstreams; JSON output keeps them exact.
 */
char	*output_clean(const char *s);

/* Print v (indented, keys in insertion order) and a newline; does not
 * take the reference.  Returns 0, or -1 on error. */
int	output_json(json_t *v, FILE *fp);
/* output_json(v, stdout), then drop the reference to v (NULL: nothing). */
void	output_json_put(json_t *v);

/* JSON helpers that never fail on NULL: NULL becomes JSON null. */
json_t	*output_json_str(const char *s);
/*
 * The one form of a KB number in JSON (and text): "KB1234567"; JSON null
 * for NULL or "".  digits is the number as the metadata holds it.
 */
json_t	*output_json_kb(const char *digits);
/* The one form of an HRESULT in JSON and text: "0x80240022" (8 lower-case
 * hex digits) into out (at least 11 bytes). */
void	output_hresult(int32_t hr, char *out, size_t outlen);
/* A "; "-joined list (the store's group names) as a JSON array of
 * strings; NULL or "" gives []. */
json_t	*output_json_list(const char *joined);
/* Unix time to "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes);
 * 0 gives "". */
void	output_time(int64_t t, char *out, size_t outlen);

#endif
