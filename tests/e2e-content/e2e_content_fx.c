/*
 * e2e_content_fx.c — the shared pieces of the content end-to-end tests:
 * synthetic updates, downstream stores, sync runs and their checks (see
 * e2e_content_fx.h).  No test of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "e2e_content_fx.h"
#include "content/content_store.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

int
synth_file(struct synth *s, const char *path, uint32_t seed)
{
	uint8_t h2[32];
	char err[256];
	uint64_t n;
	uint32_t x = seed;

	s->data = xmalloc(s->size);
	for (size_t i = 0; i < s->size; i++) {
		x = x * 1664525u + 1013904223u;
		s->data[i] = (char)(x >> 24);
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (write_file_atomic(path, s->data, s->size, 0644) != 0 ||
	    content_hash_file(path, s->sha1, h2, &n, err, sizeof(err)) != 0 ||
	    content_relpath(s->sha1, s->name, s->rel, sizeof(s->rel)) != 0)
		return -1;
	base64_encode(s->sha1, 20, s->b64);
	base64_encode(h2, 32, s->b64_256);
	return 0;
}

int
synth_doc(const struct synth *s, const char *dir, const char *kb,
    const char *what)
{
	char path[512], *doc;
	int rc;

	doc = xasprintf("<upd:Update xmlns:cmd=\"http://schemas.microsoft.com/"
	    "msus/2002/12/UpdateHandlers/CommandLineInstallation\" xmlns:upd="
	    "\"http://schemas.microsoft.com/msus/2002/12/Update\">"
	    "<upd:UpdateIdentity UpdateID=\"%s\" RevisionNumber=\"200\" />"
	    "<upd:Properties UpdateType=\"Software\" DefaultPropertiesLanguage="
	    "\"en\" Handler=\"http://schemas.microsoft.com/msus/2002/12/"
	    "UpdateHandlers/CommandLineInstallation\" MaxDownloadSize=\"%zu\" "
	    "MinDownloadSize=\"0\" PublicationState=\"Published\" CreationDate="
	    "\"2026-01-01T00:00:00.000Z\"><upd:KBArticleID>%s"
	    "</upd:KBArticleID></upd:Properties><upd:LocalizedPropertiesCollection>"
	    "<upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>"
	    "wsusd %s test update %s</upd:Title></upd:LocalizedProperties>"
	    "</upd:LocalizedPropertiesCollection><upd:Files><upd:File Digest=\"%s\""
	    " DigestAlgorithm=\"SHA1\" FileName=\"%s\" Size=\"%zu\"%s%s%s Modified="
	    "\"2026-01-01T00:00:00Z\"><upd:AdditionalDigest Algorithm=\"SHA256\">"
	    "%s</upd:AdditionalDigest></upd:File></upd:Files>"
	    "<upd:HandlerSpecificData xsi:type=\"cmd:CommandLineInstallation\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	    "<cmd:InstallCommand Program=\"%s\" Arguments=\"/quiet\">"
	    "<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" /></cmd:InstallCommand>"
	    "</upd:HandlerSpecificData></upd:Update>", s->id, s->size, kb, what,
	    s->id, s->b64, s->name, s->size,
	    s->patching ? " PatchingType=\"" : "",
	    s->patching ? s->patching : "", s->patching ? "\"" : "",
	    s->b64_256, s->name);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, s->id);
	rc = write_file_atomic(path, doc, strlen(doc), 0644);
	free(doc);
	return rc != 0 ? -1 : 0;
}

int
ctl_ok(struct tl_wsusd *s, ...)
{
	struct buf out;
	va_list ap;
	int rc;

	buf_init(&out, 1 << 20);
	va_start(ap, s);
	rc = tl_vctl(s, &out, NULL, ap);
	va_end(ap);
	if (rc != 0)
		fprintf(stderr, "wsusctl failed (%d):\n%s\n", rc,
		    out.data ? out.data : "");
	buf_free(&out);
	return rc == 0 ? 0 : -1;
}

void
dss_setup(struct tl_wsusd *d, const char *tag)
{
	char extra[128];

	assert_int_equal(tl_wsusd_init(d, tag), 0);
	snprintf(extra, sizeof(extra), "\n[listener plain]\naddress = "
	    "127.0.0.1\nport = %u\n", d->port);
	assert_int_equal(tl_wsusd_conf(d, false, extra), 0);
	assert_int_equal(tl_postinstall(d, (char *)NULL), 0);
}

void
dss_cleanup(struct tl_wsusd *d)
{
	if (d->dir[0] != '\0')
		tl_wsusd_cleanup(d);
}

json_t *
sync_result(struct tl_wsusd *d, ...)
{
	struct buf out;
	json_t *j = NULL;
	const char *p;
	va_list ap;
	int st;

	buf_init(&out, 8u << 20);
	va_start(ap, d);
	st = tl_vctl(d, &out, NULL, ap);
	va_end(ap);
	/* the result follows whatever progress lines came before it */
	if (out.data != NULL && (p = strstr(out.data, "{\n  \"upstream\"")) != NULL)
		j = json_loads(p, JSON_DISABLE_EOF_CHECK, NULL);
	if (j == NULL || st != 0)
		fprintf(stderr, "sync (exit %d):\n%s\n", st,
		    out.data ? out.data : "");
	buf_free(&out);
	assert_int_equal(st, 0);
	assert_non_null(j);
	return j;
}

long long
jint(json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);

	if (!json_is_integer(v))
		fail_msg("no integer %s in the sync result", k);
	return json_integer_value(v);
}

void
assert_counts(json_t *j, long long downloaded, long long bytes,
    long long failed, long long pending)
{
	assert_int_equal(jint(j, "failed"), 0);
	assert_int_equal(jint(j, "files_downloaded"), downloaded);
	assert_int_equal(jint(j, "content_bytes"), bytes);
	assert_int_equal(jint(j, "files_failed"), failed);
	assert_int_equal(jint(j, "files_pending"), pending);
	assert_string_equal(json_string_value(json_object_get(j, "error")), "");
}

void
assert_file_is(struct tl_wsusd *d, const struct synth *s)
{
	char path[512], *data = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", d->content, s->rel);
	assert_int_equal(read_file(path, s->size * 2, &data, &len), 0);
	assert_int_equal(len, s->size);
	assert_memory_equal(data, s->data, s->size);
	free(data);
}

struct store *
open_store(struct tl_wsusd *d)
{
	char url[256], err[256];
	struct store *st = NULL;

	snprintf(url, sizeof(url), "sqlite://%s", d->db);
	if (store_open(url, &st, err, sizeof(err)) != STORE_OK)
		fail_msg("store_open %s: %s", url, err);
	return st;
}
