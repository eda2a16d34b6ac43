/*
 * buf.h — a growable byte buffer with a hard maximum (curl's dynbuf rule).
 *
 * Every buffer is created with a maximum size.  An append that would pass
 * it, or a failed allocation, frees the contents, marks the buffer failed
 * and returns -1; all later appends fail too, so a writer can append
 * unconditionally and check once at the end.  The data is always
 * NUL-terminated (the NUL is not counted in len) so text can be used as a
 * C string.  Ownership: the buffer owns data until buf_steal().
 */
#ifndef WSUSD_UTIL_BUF_H
#define WSUSD_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* owned; NUL-terminated; NULL when empty or failed */
	size_t	 len;	/* bytes used, excluding the terminating NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* hard maximum for len */
	int	 failed;/* set once an append failed; sticky */
};

void	 buf_init(struct buf *, size_t max);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);	/* len = 0, keeps memory and max */
int	 buf_append(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_putc(struct buf *, char);
int	 buf_printf(struct buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));
/*
 * Append text with XML escaping of & < > and, when attr, of ".  Kept for
 * its callers; it is xml_escape() (util/xml_escape.h) with XML_ESC_QUOT.
 */
int	 buf_xml_escape(struct buf *, const char *, size_t, int attr);
/*
 * Room for add more bytes (and the NUL) allocated now, so that appending
 * them moves nothing; 0, or -1 and failed like an append over max.
 */
int	 buf_reserve(struct buf *, size_t add);
/* Take the data (caller frees with free()); the buffer becomes empty. */
char	*buf_steal(struct buf *, size_t *lenp);

#endif
