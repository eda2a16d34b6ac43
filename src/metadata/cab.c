/*
 * cab.c — in-memory extraction of the first member of a Microsoft
 * Cabinet with libmspack (MSZIP, LZX, Quantum, stored).
 *
 * libmspack does all its I/O through a struct mspack_system.  Ours never
 * touches the file system: the "file names" it passes to open() are
 * pointers to a struct memfile (the cabinet bytes, or the output buffer),
 * and every handle keeps its own position.  Reads past the end of the
 * input are short reads (libmspack turns them into MSPACK_ERR_READ, which
 * we report as a truncated cabinet); writes past the caller's output
 * limit fail, so a cabinet that lies about its member size, or a
 * decompression bomb, stops at the limit.  Not here: multi-cabinet sets,
 * more than the first member, anything on disk.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mspack.h>

#include "metadata/cab.h"
#include "util/buf.h"

#define MEMFILE_MAGIC	0x6d656d66u	/* "memf" */

/* One in-memory "file": the cabinet (read) or the member (write). */
struct memfile {
	uint32_t	 magic;
	int		 writable;
	const uint8_t	*data;		/* read: the cabinet; borrowed */
	size_t		 len;		/* read: its length */
	struct buf	 out;		/* write: the member; max = limit */
	int		 truncated;	/* a read wanted bytes past the end */
	int		 overflow;	/* a write passed the limit */
};

/* An open handle on a memfile (libmspack may open the cabinet twice). */
struct memhandle {
	struct memfile	*mf;		/* borrowed */
	size_t		 pos;		/* read position */
};

static struct mspack_file *
mem_open(struct mspack_system *self, const char *name, int mode)
{
	struct memfile *mf = (struct memfile *)(uintptr_t)name;
	struct memhandle *h;

	(void)self;
	if (mf == NULL || mf->magic != MEMFILE_MAGIC)
		return NULL;
	if (mode == MSPACK_SYS_OPEN_READ && mf->writable)
		return NULL;
	if (mode == MSPACK_SYS_OPEN_WRITE && !mf->writable)
		return NULL;
	if (mode != MSPACK_SYS_OPEN_READ && mode != MSPACK_SYS_OPEN_WRITE)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->mf = mf;
	if (mode == MSPACK_SYS_OPEN_WRITE)
		buf_reset(&mf->out);
	return (struct mspack_file *)h;
}

static void
mem_close(struct mspack_file *f)
{
	free(f);
}

static int
mem_read(struct mspack_file *f, void *buffer, int bytes)
{
	struct memhandle *h = (struct memhandle *)f;
	struct memfile *mf = h->mf;
	size_t n, avail;

	if (bytes < 0 || mf->writable)
		return -1;
	avail = h->pos < mf->len ? mf->len - h->pos : 0;
	n = (size_t)bytes;
	if (n > avail) {
		mf->truncated = 1;
		n = avail;
	}
	if (n > 0)
		memcpy(buffer, mf->data + h->pos, n);
	h->pos += n;
	return (int)n;
}

static int
mem_write(struct mspack_file *f, void *buffer, int bytes)
{
	struct memhandle *h = (struct memhandle *)f;
	struct memfile *mf = h->mf;

	if (bytes < 0 || !mf->writable)
		return -1;
	if (buf_append(&mf->out, buffer, (size_t)bytes) == -1) {
		mf->overflow = 1;
		return -1;
	}
	return bytes;
}

static int
mem_seek(struct mspack_file *f, off_t offset, int mode)
{
	struct memhandle *h = (struct memhandle *)f;
	struct memfile *mf = h->mf;
	off_t base, np;

	if (mf->writable)
		return -1;
	switch (mode) {
	case MSPACK_SYS_SEEK_START:
		base = 0;
		break;
	case MSPACK_SYS_SEEK_CUR:
		base = (off_t)h->pos;
		break;
	case MSPACK_SYS_SEEK_END:
		base = (off_t)mf->len;
		break;
	default:
		return -1;
	}
	if (offset > 0 && base > INT64_MAX - offset)
		return -1;
	np = base + offset;
	if (np < 0)
		return -1;
	if ((uint64_t)np > mf->len) {
		/* libmspack seeks to data it will read: past the end is
		 * a truncated cabinet. */
		mf->truncated = 1;
		return -1;
	}
	h->pos = (size_t)np;
	return 0;
}

static off_t
mem_tell(struct mspack_file *f)
{
	struct memhandle *h = (struct memhandle *)f;

	return (off_t)h->pos;
}

static void
mem_message(struct mspack_file *f, const char *fmt, ...)
{
	/* libmspack's warnings (e.g. "library not compiled to support
	 * large files") are not useful to an operator; errors reach the
	 * caller through last_error(). */
	(void)f;
	(void)fmt;
}

static void *
mem_alloc(struct mspack_system *self, size_t bytes)
{
	(void)self;
	return malloc(bytes ? bytes : 1);
}

static void
mem_free(void *p)
{
	free(p);
}

static void
mem_copy(void *src, void *dst, size_t bytes)
{
	memmove(dst, src, bytes);
}

static struct mspack_system memsys = {
	mem_open, mem_close, mem_read, mem_write, mem_seek, mem_tell,
	mem_message, mem_alloc, mem_free, mem_copy, NULL
};

int
cab_is_cabinet(const void *data, size_t len)
{
	return data != NULL && len >= 4 && memcmp(data, "MSCF", 4) == 0;
}

static const char *
cab_reason(int rc, const struct memfile *in, const struct memfile *out)
{
	if (out->overflow)
		return "member larger than limit";
	if (in->truncated)
		return "truncated cabinet";
	switch (rc) {
	case MSPACK_ERR_READ:
	case MSPACK_ERR_SEEK:
		return "truncated cabinet";
	case MSPACK_ERR_SIGNATURE:
		return "not a cabinet (bad signature)";
	case MSPACK_ERR_DATAFORMAT:
		return "corrupt cabinet (bad data format)";
	case MSPACK_ERR_CHECKSUM:
		return "corrupt cabinet (data block checksum mismatch)";
	case MSPACK_ERR_DECRUNCH:
		return "corrupt cabinet (decompression failed)";
	case MSPACK_ERR_NOMEMORY:
		return "out of memory";
	case MSPACK_ERR_WRITE:
		return "member larger than limit";
	default:
		return "cannot read cabinet";
	}
}

int
cab_extract_first(const void *data, size_t len, size_t maxout,
    char **out, size_t *outlen, char *err, size_t errlen)
{
	struct mscab_decompressor *cabd = NULL;
	struct mscabd_cabinet *cab = NULL;
	struct mscabd_file *file;
	struct memfile in, mo;
	int rc, selftest, ret = -1;

	*out = NULL;
	*outlen = 0;
	memset(&in, 0, sizeof(in));
	memset(&mo, 0, sizeof(mo));
	in.magic = mo.magic = MEMFILE_MAGIC;
	in.data = data;
	in.len = len;
	mo.writable = 1;
	if (maxout > CAB_MAX_OUTPUT)
		maxout = CAB_MAX_OUTPUT;
	buf_init(&mo.out, maxout);

	if (data == NULL || len == 0) {
		snprintf(err, errlen, "empty cabinet");
		goto done;
	}
	if (len > CAB_MAX_INPUT) {
		snprintf(err, errlen, "cabinet larger than %u bytes",
		    CAB_MAX_INPUT);
		goto done;
	}
	if (!cab_is_cabinet(data, len)) {
		snprintf(err, errlen, "not a cabinet (no MSCF signature)");
		goto done;
	}
	MSPACK_SYS_SELFTEST(selftest);
	if (selftest != MSPACK_ERR_OK) {
		snprintf(err, errlen, "libmspack self-test failed (%d)",
		    selftest);
		goto done;
	}
	if ((cabd = mspack_create_cab_decompressor(&memsys)) == NULL) {
		snprintf(err, errlen, "cannot create cabinet decompressor");
		goto done;
	}
	/* Never try to repair damaged cabinets: refuse them. */
	cabd->set_param(cabd, MSCABD_PARAM_SALVAGE, 0);
	cabd->set_param(cabd, MSCABD_PARAM_FIXMSZIP, 0);

	if ((cab = cabd->open(cabd, (const char *)(uintptr_t)&in)) == NULL) {
		snprintf(err, errlen, "%s",
		    cab_reason(cabd->last_error(cabd), &in, &mo));
		goto done;
	}
	if (cab->prevcab != NULL || cab->nextcab != NULL ||
	    (cab->flags & (MSCAB_HDR_PREVCAB | MSCAB_HDR_NEXTCAB)) != 0) {
		snprintf(err, errlen, "multi-part cabinets are not supported");
		goto done;
	}
	if ((file = cab->files) == NULL) {
		snprintf(err, errlen, "cabinet has no members");
		goto done;
	}
	if ((size_t)file->length > maxout) {
		snprintf(err, errlen, "member larger than limit "
		    "(%u > %zu bytes)", file->length, maxout);
		goto done;
	}
	rc = cabd->extract(cabd, file, (const char *)(uintptr_t)&mo);
	if (rc != MSPACK_ERR_OK) {
		snprintf(err, errlen, "%s", cab_reason(rc, &in, &mo));
		goto done;
	}
	if (mo.out.failed || mo.out.len != (size_t)file->length) {
		snprintf(err, errlen, "corrupt cabinet (member size mismatch)");
		goto done;
	}
	*out = buf_steal(&mo.out, outlen);
	if (*out == NULL) {
		snprintf(err, errlen, "out of memory");
		*outlen = 0;
		goto done;
	}
	ret = 0;
done:
	if (cab != NULL)
		cabd->close(cabd, cab);
	if (cabd != NULL)
		mspack_destroy_cab_decompressor(cabd);
	buf_free(&mo.out);
	return ret;
}
