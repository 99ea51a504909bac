/* etf_decode.c - external term format to a term tree (see etf.h).
 *
 * The input comes from peers we do not trust. Every length is checked
 * against the bytes that remain before anything is allocated (each
 * element takes at least one byte, so a count larger than the rest of the
 * input is a lie), recursion is bounded by limits.max_depth, the number
 * of terms by limits.max_count and inflated data by limits.max_bytes.
 * Everything a term points to is copied into the arena, so the caller may
 * free its input buffer after the call.
 *
 * This file: the entry point, the version byte and a COMPRESSED term's
 * inflated data. The decoder's files call each other one way, from the
 * top down:
 *   etf_decode.c             entry point, COMPRESSED
 *   etf_decode_compressed.c  inflating COMPRESSED data
 *   etf_decode_term.c        one term; the terms that hold terms
 *   etf_decode_scalar.c      atoms, numbers, strings, binaries
 *   etf_decode_ext.c         fixed-width fields of pids, ports, refs, funs
 *   etf_decode_read.c        errors, bounds checks, arena memory
 * etf_decode_internal.h holds what they share.
 */
#include "etf/etf_decode_internal.h"

#include <stdlib.h>

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

static int decode_compressed(struct dec *d, struct etf_term **out)
{
	size_t used;
	uint32_t size;
	uint8_t *data;
	int rc;

	if (etf_dec_inflate(d, &data, &size, &used))
		return -1;
	rc = decode_inflated(d, data, size, out);
	free(data);
	if (!rc)
		d->p += used;
	return rc;
}

int etf_decode(const uint8_t *buf, size_t len, size_t *used,
	       struct etf_arena *a, const struct etf_limits *lim,
	       struct etf_term **out, struct dist_error *err)
{
	struct dec d = {
		.start = buf, .p = buf, .end = buf + len, .where = "",
		.a = a, .lim = lim ? lim : &etf_default_limits, .err = err,
	};
	int rc;

	if (len > d.lim->max_bytes) {
		d.end = buf + d.lim->max_bytes;
		d.capped = true;
	}
	if (etf_dec_need(&d, 1, "version byte"))
		return -1;
	if (*d.p != ETF_VERSION)
		return etf_dec_fail(&d, DIST_E_PROTOCOL,
				"malformed term: version byte %u, expected %u",
				*d.p, ETF_VERSION);
	d.p++;
	if (etf_dec_remaining(&d) && *d.p == TAG_COMPRESSED) {
		d.p++;
		rc = decode_compressed(&d, out);
	} else {
		rc = etf_dec_term(&d, 0, out);
	}
	if (rc)
		return -1;
	if (used)
		*used = etf_dec_offset(&d);
	return 0;
}
