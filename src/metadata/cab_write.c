/*
 * cab_write.c — a one-member MSZIP cabinet writer (see cab_write.h and
 * [MS-CAB] for the structures; [MS-MCI] for MSZIP: a "CK" signature then
 * deflate data per block of <= 32768 uncompressed bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "metadata/cab_write.h"
#include "util/le.h"

#define CFHEADER_LEN	36
#define CFFOLDER_LEN	8
#define CFFILE_FIXED	16
#define CFDATA_HDR	8
#define MSZIP_BLOCK	32768
/* deflate of one block: "CK" + the stream; bound from zlib, checked */
#define MSZIP_OUT_MAX	(MSZIP_BLOCK + 1024)

/* The cabinet checksum of [MS-CAB] 2.6 (little-endian words XORed). */
static uint32_t
cab_checksum(const uint8_t *p, size_t n, uint32_t sum)
{
	uint32_t ul = 0;
	size_t words = n / 4;

	for (size_t i = 0; i < words; i++, p += 4)
		sum ^= le_get32(p);
	switch (n & 3) {
	case 3:
		ul |= (uint32_t)*p++ << 16;
		/* FALLTHROUGH */
	case 2:
		ul |= (uint32_t)*p++ << 8;
		/* FALLTHROUGH */
	case 1:
		ul |= *p;
		break;
	default:
		break;
	}
	return sum ^ ul;
}

static int
name_ok(const char *name, size_t *nlen)
{
	size_t n;

	if (name == NULL)
		return 0;
	n = strlen(name);
	if (n == 0 || n > CAB_WRITE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x20 || ch > 0x7e || ch == '/' || ch == '\\')
			return 0;
	}
	*nlen = n;
	return 1;
}

int
cab_write_single(const void *data, size_t len, const char *name,
    struct buf *out, char *err, size_t errlen)
{
	const uint8_t *in = data;
	size_t nlen = 0, nblocks, hdrlen, off;
	struct buf cab;
	uint8_t hdr[CFHEADER_LEN + CFFOLDER_LEN + CFFILE_FIXED +
	    CAB_WRITE_NAME_MAX + 1];
	static const uint8_t zero[1] = { 0 };
	z_stream z;
	int rc = -1;

	if (!name_ok(name, &nlen)) {
		snprintf(err, errlen, "bad cabinet member name");
		return -1;
	}
	if (len > CAB_WRITE_MAX_INPUT || (len > 0 && data == NULL)) {
		snprintf(err, errlen, "cabinet member too large");
		return -1;
	}
	nblocks = (len + MSZIP_BLOCK - 1) / MSZIP_BLOCK;
	if (nblocks == 0)
		nblocks = 1;	/* one empty block keeps readers simple */
	hdrlen = CFHEADER_LEN + CFFOLDER_LEN + CFFILE_FIXED + nlen + 1;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(err, errlen, "zlib: deflateInit2 failed");
		return -1;
	}
	buf_init(&cab, (size_t)CAB_WRITE_MAX_INPUT * 2);
	memset(hdr, 0, sizeof(hdr));
	buf_append(&cab, hdr, hdrlen);	/* filled in at the end */

	off = 0;
	for (size_t b = 0; b < nblocks; b++) {
		size_t n = len - off < MSZIP_BLOCK ? len - off : MSZIP_BLOCK;
		uint8_t blk[CFDATA_HDR + MSZIP_OUT_MAX];
		size_t clen;
		uint32_t sum;

		if (deflateReset(&z) != Z_OK) {
			snprintf(err, errlen, "zlib: deflateReset failed");
			goto out;
		}
		blk[CFDATA_HDR] = 'C';
		blk[CFDATA_HDR + 1] = 'K';
		z.next_in = n > 0 ? (Bytef *)(uintptr_t)(in + off) :
		    (Bytef *)(uintptr_t)zero;
		z.avail_in = (uInt)n;
		z.next_out = blk + CFDATA_HDR + 2;
		z.avail_out = MSZIP_OUT_MAX - 2;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
			snprintf(err, errlen, "zlib: deflate did not finish");
			goto out;
		}
		clen = 2 + (MSZIP_OUT_MAX - 2 - z.avail_out);
		if (clen > MSZIP_BLOCK + 12) {
			snprintf(err, errlen, "MSZIP block too large");
			goto out;
		}
		le_put16(blk + 4, (unsigned)clen);
		le_put16(blk + 6, (unsigned)n);
		sum = cab_checksum(blk + CFDATA_HDR, clen, 0);
		sum = cab_checksum(blk + 4, 4, sum);
		le_put32(blk, sum);
		buf_append(&cab, blk, CFDATA_HDR + clen);
		off += n;
	}
	if (cab.failed || cab.len > UINT32_MAX) {
		snprintf(err, errlen, "cabinet too large");
		goto out;
	}

	/* CFHEADER */
	memcpy(hdr, "MSCF", 4);
	le_put32(hdr + 8, (uint32_t)cab.len);		/* cbCabinet */
	le_put32(hdr + 16, CFHEADER_LEN + CFFOLDER_LEN);	/* coffFiles */
	hdr[24] = 3;					/* versionMinor */
	hdr[25] = 1;					/* versionMajor */
	le_put16(hdr + 26, 1);				/* cFolders */
	le_put16(hdr + 28, 1);				/* cFiles */
	/* flags, setID, iCabinet: 0 */
	/* CFFOLDER */
	le_put32(hdr + 36, (uint32_t)hdrlen);		/* coffCabStart */
	le_put16(hdr + 40, (unsigned)nblocks);		/* cCFData */
	le_put16(hdr + 42, 1);				/* typeCompress: MSZIP */
	/* CFFILE */
	le_put32(hdr + 44, (uint32_t)len);			/* cbFile */
	le_put32(hdr + 48, 0);				/* uoffFolderStart */
	le_put16(hdr + 52, 0);				/* iFolder */
	le_put16(hdr + 54, (0u << 9) | (1u << 5) | 1u);	/* 1980-01-01 */
	le_put16(hdr + 56, 0);				/* 00:00:00 */
	le_put16(hdr + 58, 0x20);				/* archive */
	memcpy(hdr + 60, name, nlen + 1);
	memcpy(cab.data, hdr, hdrlen);

	if (buf_append(out, cab.data, cab.len) != 0) {
		snprintf(err, errlen, "output buffer full");
		goto out;
	}
	rc = 0;
out:
	deflateEnd(&z);
	buf_free(&cab);
	return rc;
}
