/*
 * range.c — the Range header parser (see range.h for the policy).
 *
 * Grammar (RFC 9110 §14.1.1, §14.2, list rule §5.6.1):
 *   Range       = range-unit "=" range-set        ; unit case-insensitive
 *   range-set   = 1#range-spec                    ; OWS "," OWS, empty
 *                                                 ; elements allowed
 *   range-spec  = int-range / suffix-range / other-range
 *   int-range   = first-pos "-" [ last-pos ]      ; 1*DIGIT each
 *   suffix-range = "-" suffix-length
 * No whitespace inside a range-spec.  Numbers saturate at UINT64_MAX,
 * which keeps their meaning (a first-pos that large is beyond any file, a
 * last-pos or suffix that large means "to the end").
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http/range.h"

/* One parsed range-spec before it is resolved against the size. */
struct spec {
	bool		suffix;		/* "-n" */
	bool		open;		/* "a-" */
	bool		first_ovf;	/* first-pos did not fit in 64 bits */
	bool		last_ovf;	/* last-pos/suffix did not fit */
	uint64_t	first;		/* first-pos */
	uint64_t	last;		/* last-pos, or suffix-length */
};

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* 1*DIGIT at *pp (bounded by end), saturating; false when no digit. */
static bool
parse_num(const char **pp, const char *end, uint64_t *out, bool *ovf)
{
	const char *p = *pp;
	uint64_t v = 0;

	*ovf = false;
	if (p == end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			v = UINT64_MAX;
			*ovf = true;
		} else if (!*ovf) {
			v = v * 10 + d;
		}
		p++;
	}
	*out = v;
	*pp = p;
	return true;
}

/* Parse one range-spec occupying exactly [p, end); false if malformed. */
static bool
parse_spec(const char *p, const char *end, struct spec *s)
{
	memset(s, 0, sizeof(*s));
	if (p < end && *p == '-') {
		p++;
		s->suffix = true;
		if (!parse_num(&p, end, &s->last, &s->last_ovf))
			return false;
		return p == end;
	}
	if (!parse_num(&p, end, &s->first, &s->first_ovf))
		return false;
	if (p == end || *p != '-')
		return false;
	p++;
	if (p == end) {
		s->open = true;
		return true;
	}
	if (!parse_num(&p, end, &s->last, &s->last_ovf))
		return false;
	if (p != end)
		return false;
	/* first-pos > last-pos makes the whole header invalid (§14.1.1) */
	if (!s->first_ovf && !s->last_ovf && s->first > s->last)
		return false;
	if (s->first_ovf && !s->last_ovf)
		return false;
	return true;
}

/*
 * Resolve a spec against size: true and *r when satisfiable.  A suffix
 * range of a zero-length representation is "satisfiable" in RFC terms
 * but selects nothing; the caller sends the (empty) whole file.
 */
static bool
resolve(const struct spec *s, uint64_t size, struct byte_range *r)
{
	if (s->suffix) {
		if (s->last == 0 || size == 0)
			return false;
		r->first = s->last >= size ? 0 : size - s->last;
		r->last = size - 1;
		return true;
	}
	if (s->first_ovf || s->first >= size)
		return false;
	r->first = s->first;
	r->last = (s->open || s->last_ovf || s->last >= size) ? size - 1 :
	    s->last;
	return true;
}

enum range_result
range_parse(const char *value, size_t len, uint64_t size,
    struct byte_range *out)
{
	struct byte_range r[RANGE_SPECS_MAX];
	const char *p, *end, *eq;
	size_t nspec = 0, nsat = 0;
	bool zero_suffix = false;

	if (value == NULL || len == 0 || len > RANGE_HEADER_MAX)
		return RANGE_IGNORE;
	if (memchr(value, '\0', len) != NULL)
		return RANGE_IGNORE;
	end = value + len;
	/* field values have their surrounding OWS trimmed (§5.5) */
	while (value < end && is_ows(*value))
		value++;
	while (end > value && is_ows(end[-1]))
		end--;
	eq = memchr(value, '=', (size_t)(end - value));
	if (eq == NULL || eq - value != 5 ||
	    strncasecmp(value, "bytes", 5) != 0)
		return RANGE_IGNORE;	/* other or malformed unit */

	p = eq + 1;
	for (;;) {
		const char *e;
		struct spec s;

		/* skip empty list elements and the OWS around commas */
		while (p < end && (is_ows(*p) || *p == ','))
			p++;
		if (p == end)
			break;
		e = p;
		while (e < end && *e != ',' && !is_ows(*e))
			e++;
		if (!parse_spec(p, e, &s))
			return RANGE_IGNORE;
		p = e;
		/* after a spec only OWS then a comma or the end may follow */
		while (p < end && is_ows(*p))
			p++;
		if (p < end && *p != ',')
			return RANGE_IGNORE;
		if (++nspec > RANGE_SPECS_MAX)
			return RANGE_IGNORE;
		if (s.suffix && s.last != 0 && size == 0)
			zero_suffix = true;
		if (resolve(&s, size, &r[nsat]))
			nsat++;
	}
	if (nspec == 0)
		return RANGE_IGNORE;		/* "bytes=" or "bytes= , ," */
	if (zero_suffix)
		return RANGE_IGNORE;		/* empty file, send it whole */
	if (nsat == 0)
		return RANGE_UNSATISFIABLE;
	if (nsat == 1) {
		*out = r[0];
		return RANGE_SATISFIABLE;
	}
	/*
	 * Several satisfiable ranges: coalesce when their union is one
	 * span (sort by first; each must start at most one byte after the
	 * union so far), else ignore the header.
	 */
	for (size_t i = 1; i < nsat; i++) {
		struct byte_range t = r[i];
		size_t j = i;
		while (j > 0 && r[j - 1].first > t.first) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = t;
	}
	{
		struct byte_range u = r[0];
		for (size_t i = 1; i < nsat; i++) {
			if (r[i].first > u.last && r[i].first - u.last > 1)
				return RANGE_IGNORE;
			if (r[i].last > u.last)
				u.last = r[i].last;
		}
		*out = u;
	}
	return RANGE_SATISFIABLE;
}
