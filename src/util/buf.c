/* buf.c — see buf.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml_escape.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int
buf_fail(struct buf *b)
{
	buf_free(b);
	b->failed = 1;
	return -1;
}

int
buf_reserve(struct buf *b, size_t add)
{
	size_t need, ncap;
	char *p;

	if (b->failed)
		return -1;
	/* len + add must stay within max and leave room for the NUL */
	if (add > b->max || b->len > b->max - add || b->len + add == SIZE_MAX)
		return buf_fail(b);
	need = b->len + add + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	if (b->max < SIZE_MAX && ncap > b->max + 1)
		ncap = b->max + 1;
	if ((p = realloc(b->data, ncap)) == NULL)
		return buf_fail(b);
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->failed)
		return -1;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return buf_fail(b);
	if (buf_reserve(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int
buf_xml_escape(struct buf *b, const char *s, size_t n, int attr)
{
	return xml_escape(b, s, n, attr ? XML_ESC_QUOT : 0, NULL);
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
	char *p = b->data;

	if (lenp)
		*lenp = b->len;
	if (p == NULL && !b->failed)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
