/* etf_decode_compressed.c - COMPRESSED (tag 80), only right after the
 * version byte: a u32 inflated size and a zlib stream of one term,
 * inflated here under limits.max_bytes; etf_decode.c decodes the result
 * by the same rules as any term. Calls only etf_decode_read.c.
 */
#include "etf/etf_decode_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* zlib cannot expand data more than about 1032 times: a declared size
 * beyond that is a lie we refuse before allocating for it. */
#define ZLIB_MAX_RATIO 1032

static int inflate_all(struct dec *d, uint32_t size, uint8_t *dst,
		       size_t *used)
{
	z_stream zs;
	int rc;

	memset(&zs, 0, sizeof zs);
	if (inflateInit(&zs) != Z_OK)
		return etf_dec_nomem(d);
	zs.next_in = (Bytef *)d->p;
	zs.avail_in = etf_dec_remaining(d) > UINT32_MAX
			      ? UINT32_MAX
			      : (uInt)etf_dec_remaining(d);
	zs.next_out = dst;
	zs.avail_out = size;
	rc = inflate(&zs, Z_FINISH);
	*used = zs.total_in;
	inflateEnd(&zs);
	if (rc == Z_STREAM_END && zs.total_out == size)
		return 0;
	if (rc == Z_MEM_ERROR)
		return etf_dec_nomem(d);
	if (rc == Z_BUF_ERROR && zs.avail_out == 0)
		return etf_dec_bad(d,
			"COMPRESSED data inflates past its declared size",
			etf_dec_offset(d));
	if (rc == Z_STREAM_END || rc == Z_BUF_ERROR)
		return etf_dec_bad(d,
			"COMPRESSED data shorter than its declared size",
			etf_dec_offset(d));
	return etf_dec_bad(d, "COMPRESSED data is not a valid zlib stream",
		       etf_dec_offset(d));
}

int etf_dec_inflate(struct dec *d, uint8_t **data, uint32_t *size,
		    size_t *used)
{
	size_t at = etf_dec_offset(d);

	*data = NULL;
	*used = 0;
	if (etf_dec_need(d, 4, "COMPRESSED size"))
		return -1;
	*size = etf_dec_u32(d);
	if (*size > d->lim->max_bytes)
		return etf_dec_fail(
			d, DIST_E_TOO_LARGE,
			"COMPRESSED term inflates to %u bytes, over the "
			"%zu byte limit",
			*size, d->lim->max_bytes);
	if (*size == 0 || *size / ZLIB_MAX_RATIO > etf_dec_remaining(d))
		return etf_dec_bad(d, "COMPRESSED size impossible for its data",
				   at);
	*data = malloc(*size);
	if (!*data)
		return etf_dec_nomem(d);
	if (inflate_all(d, *size, *data, used) == 0)
		return 0;
	free(*data);
	*data = NULL;
	return -1;
}
