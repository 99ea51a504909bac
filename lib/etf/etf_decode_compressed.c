/* etf_decode_compressed.c - COMPRESSED (tag 80), only right after the
 * version byte: a u32 inflated size and a zlib stream of one term,
 * inflated under limits.max_bytes and decoded by etf_decode.c's rules.
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
	zs.avail_in = etf_dec_remaining(d) > UINT32_MAX ? UINT32_MAX
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

static int decode_inflated(struct dec *d, const uint8_t *data, uint32_t size,
			   struct etf_term **out)
{
	struct dec in = *d;
	int rc;

	in.start = in.p = data;
	in.end = data + size;
	in.capped = false;
	in.where = " of the inflated COMPRESSED data";
	rc = etf_dec_term(&in, 0, out);
	if (!rc && in.p != in.end)
		rc = etf_dec_bad(&in, "bytes left after the compressed term",
			     etf_dec_offset(&in));
	d->count = in.count;
	return rc;
}

int etf_dec_compressed(struct dec *d, struct etf_term **out)
{
	size_t at = etf_dec_offset(d), used = 0;
	uint32_t size;
	uint8_t *data;
	int rc;

	if (etf_dec_need(d, 4, "COMPRESSED size"))
		return -1;
	size = etf_dec_u32(d);
	if (size > d->lim->max_bytes)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
				"COMPRESSED term inflates to %u bytes, over the "
				"%zu byte limit", size, d->lim->max_bytes);
	if (size == 0 || size / ZLIB_MAX_RATIO > etf_dec_remaining(d))
		return etf_dec_bad(d, "COMPRESSED size impossible for its data",
			       at);
	data = malloc(size);
	if (!data)
		return etf_dec_nomem(d);
	rc = inflate_all(d, size, data, &used);
	if (!rc)
		rc = decode_inflated(d, data, size, out);
	free(data);
	if (!rc)
		d->p += used;
	return rc;
}
