/*
 * extinfo.c — Extended and LocalizedProperties fragments.  See extinfo.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "client/applic.h"
#include "client/extinfo.h"
#include "soap/soap_value.h"
#include "util/buf.h"
#include "client/xml_util.h"
#include "util/xmalloc.h"

enum want { W_NONE, W_KB, W_SHA256, W_LANGUAGE, W_TITLE, W_DESCRIPTION };

struct ep {
	XML_Parser	 p;
	struct ext_info	*e;
	unsigned	 depth;
	size_t		 elements;
	bool		 failed;
	char		 err[200];
	/* where we are */
	bool		 in_ext, in_files, in_file, in_loc;
	enum want	 want;
	unsigned	 want_depth;
	struct buf	 text;
	char		*additional_alg;
	/* the LocalizedProperties being read */
	char		*lang, *title, *desc;
};

static void
efail(struct ep *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
efail(struct ep *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xml_vfail(ps->p, &ps->failed, ps->err, sizeof(ps->err), fmt, ap);
	va_end(ap);
}

static void
set(char **field, const char *v)
{
	free(*field);
	*field = v ? xstrdup(v) : NULL;
}

static void
add_file(struct ep *ps, const XML_Char **atts)
{
	struct ext_info *e = ps->e;
	struct ext_file f;
	const char *d = xml_attr(atts, "Digest"), *name = xml_attr(atts, "FileName");
	const char *size = xml_attr(atts, "Size");
	size_t n;
	char *end;

	memset(&f, 0, sizeof(f));
	if (d == NULL || soap_parse_base64(d, strlen(d), f.sha1, 20, &n) == -1 ||
	    n != 20) {
		efail(ps, "File without a 20-byte SHA-1 Digest");
		return;
	}
	if (name == NULL || *name == '\0' || strlen(name) > 255 ||
	    strchr(name, '/') != NULL || strchr(name, '\\') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		efail(ps, "File with a bad FileName");
		return;
	}
	if (size == NULL || *size < '0' || *size > '9') {
		efail(ps, "File %s without a Size", name);
		return;
	}
	f.size = strtoull(size, &end, 10);
	if (*end != '\0') {
		efail(ps, "File %s: bad Size", name);
		return;
	}
	if (e->nfiles >= EXT_MAX_FILES) {
		efail(ps, "more than %d files", EXT_MAX_FILES);
		return;
	}
	f.name = xstrdup(name);
	e->files = xreallocarray(e->files, e->nfiles + 1, sizeof(*e->files));
	e->files[e->nfiles++] = f;
}

static void
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ep *ps = ud;
	enum want w = W_NONE;

	if (ps->failed)
		return;
	if (++ps->elements > CORE_MAX_ELEMENTS || ps->depth >= CORE_MAX_DEPTH) {
		efail(ps, "fragment too large or too deep");
		return;
	}
	ps->depth++;
	if (ps->want != W_NONE)
		return;		/* markup inside text we collect: ignored */
	if (ps->depth == 2) {
		ps->in_ext = strcmp(name, "ExtendedProperties") == 0;
		ps->in_files = strcmp(name, "Files") == 0;
		ps->in_loc = strcmp(name, "LocalizedProperties") == 0;
		if (ps->in_ext) {
			ps->e->have_extended = true;
			if (xml_attr(atts, "MsrcSeverity") != NULL)
				set(&ps->e->severity, xml_attr(atts,
				    "MsrcSeverity"));
		}
		if (ps->in_files)
			ps->e->have_extended = true;
		if (ps->in_loc) {
			set(&ps->lang, NULL);
			set(&ps->title, NULL);
			set(&ps->desc, NULL);
		}
		return;
	}
	if (ps->depth == 3) {
		if (ps->in_ext && strcmp(name, "KBArticleID") == 0)
			w = W_KB;
		else if (ps->in_files && strcmp(name, "File") == 0) {
			add_file(ps, atts);
			ps->in_file = true;
		} else if (ps->in_loc && strcmp(name, "Language") == 0)
			w = W_LANGUAGE;
		else if (ps->in_loc && strcmp(name, "Title") == 0)
			w = W_TITLE;
		else if (ps->in_loc && strcmp(name, "Description") == 0)
			w = W_DESCRIPTION;
	} else if (ps->depth == 4 && ps->in_file &&
	    strcmp(name, "AdditionalDigest") == 0) {
		set(&ps->additional_alg, xml_attr(atts, "Algorithm"));
		w = W_SHA256;
	}
	if (w != W_NONE) {
		ps->want = w;
		ps->want_depth = ps->depth;
		buf_reset(&ps->text);
	}
}

static void
on_text(void *ud, const XML_Char *s, int len)
{
	struct ep *ps = ud;

	if (ps->failed || ps->want == W_NONE)
		return;
	if (buf_append(&ps->text, s, (size_t)len) == -1)
		efail(ps, "text longer than %d bytes", EXT_MAX_TEXT);
}

static void
got_text(struct ep *ps)
{
	const char *t = ps->text.data ? ps->text.data : "";
	struct ext_info *e = ps->e;
	struct ext_file *f;
	size_t n;

	switch (ps->want) {
	case W_KB:
		set(&e->kb, t);
		break;
	case W_SHA256:
		if (ps->additional_alg == NULL ||
		    strcmp(ps->additional_alg, "SHA256") != 0 || e->nfiles == 0)
			break;
		f = &e->files[e->nfiles - 1];
		if (soap_parse_base64(t, strlen(t), f->sha256, 32, &n) == -1 ||
		    n != 32) {
			efail(ps, "File %s: AdditionalDigest SHA256 is not 32 "
			    "bytes of base64", f->name);
			return;
		}
		f->has_sha256 = true;
		break;
	case W_LANGUAGE:
		set(&ps->lang, t);
		break;
	case W_TITLE:
		set(&ps->title, t);
		break;
	case W_DESCRIPTION:
		set(&ps->desc, t);
		break;
	default:
		break;
	}
}

static bool
is_english(const char *l)
{
	return l != NULL && (strcmp(l, "en") == 0 || strncmp(l, "en-", 3) == 0);
}

static void
on_end(void *ud, const XML_Char *name)
{
	struct ep *ps = ud;
	struct ext_info *e = ps->e;

	(void)name;
	if (ps->failed)
		return;
	if (ps->want != W_NONE && ps->depth == ps->want_depth) {
		got_text(ps);
		ps->want = W_NONE;
		buf_reset(&ps->text);
	}
	if (ps->depth == 3)
		ps->in_file = false;
	if (ps->depth == 2 && ps->in_loc && ps->title != NULL) {
		/* the first title, or an English one over another language */
		if (!e->have_localized || (is_english(ps->lang) &&
		    !is_english(e->language))) {
			set(&e->language, ps->lang);
			set(&e->title, ps->title);
			set(&e->description, ps->desc);
			e->have_localized = true;
		}
	}
	ps->depth--;
}

void
ext_free(struct ext_info *e)
{
	free(e->kb);
	free(e->severity);
	free(e->language);
	free(e->title);
	free(e->description);
	for (size_t i = 0; i < e->nfiles; i++)
		free(e->files[i].name);
	free(e->files);
	memset(e, 0, sizeof(*e));
}

static void
on_doctype(void *ud, const XML_Char *n, const XML_Char *s, const XML_Char *p,
    int i)
{
	(void)n; (void)s; (void)p; (void)i;
	efail(ud, "DOCTYPE not allowed");
}

int
ext_parse(const char *xml, size_t len, struct ext_info *e, char *err,
    size_t errlen)
{
	struct ep ps;
	int rc = -1;

	if (len > (size_t)0x7fffffff - 16) {
		snprintf(err, errlen, "fragment too large");
		return -1;
	}
	memset(&ps, 0, sizeof(ps));
	ps.e = e;
	buf_init(&ps.text, EXT_MAX_TEXT);
	if ((ps.p = XML_ParserCreate("UTF-8")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	XML_SetUserData(ps.p, &ps);
	XML_SetElementHandler(ps.p, on_start, on_end);
	XML_SetCharacterDataHandler(ps.p, on_text);
	XML_SetStartDoctypeDeclHandler(ps.p, on_doctype);
	XML_SetParamEntityParsing(ps.p, XML_PARAM_ENTITY_PARSING_NEVER);
	if (XML_Parse(ps.p, "<r>", 3, 0) == XML_STATUS_ERROR ||
	    XML_Parse(ps.p, xml, (int)len, 0) == XML_STATUS_ERROR ||
	    XML_Parse(ps.p, "</r>", 4, 1) == XML_STATUS_ERROR) {
		if (!ps.failed)
			snprintf(ps.err, sizeof(ps.err), "line %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(ps.p),
			    XML_ErrorString(XML_GetErrorCode(ps.p)));
	} else if (!ps.failed)
		rc = 0;
	if (rc == -1)
		snprintf(err, errlen, "extended fragment: %s", ps.err);
	XML_ParserFree(ps.p);
	buf_free(&ps.text);
	free(ps.additional_alg);
	free(ps.lang);
	free(ps.title);
	free(ps.desc);
	return rc;
}
