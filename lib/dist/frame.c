/* frame.c - u32 frames, ticks and pass-through messages (see frame.h). */
#include "dist/frame.h"

long frame_next(const uint8_t *in, size_t len, size_t max, struct frame *f,
		struct dist_error *err)
{
	size_t n;

	if (len < 4)
		return 0;
	n = get_u32(in);
	/* Judge the length before waiting for the bytes: a peer announcing
	 * 4 GiB must not make us buffer it. */
	if (n > max)
		return dist_error_set(err, DIST_E_TOO_LARGE,
				      DIST_STAGE_REQUEST,
				      "a frame of %zu bytes, over the limit "
				      "of %zu", n, max);
	if (len - 4 < n)
		return 0;
	f->kind = n == 0 ? FRAME_TICK : FRAME_MESSAGE;
	f->payload = n == 0 ? NULL : in + 4;
	f->len = n;
	return (long)(4 + n);
}

/* The term codec reports in the stage its caller set, which may be
 * none: a frame is always in the request stage (a connection past its
 * handshake), so a term bomb says so like every other error of that
 * stage. Called after a failure, when *err is filled. Returns -1. */
static int request_stage(struct dist_error *err)
{
	if (err && err->stage == DIST_STAGE_NONE)
		err->stage = DIST_STAGE_REQUEST;
	return -1;
}

int frame_decode(const uint8_t *payload, size_t len, struct etf_arena *a,
		 const struct etf_limits *lim, struct etf_term **control,
		 struct etf_term **msg, struct dist_error *err)
{
	size_t used = 0, used2 = 0;

	*control = NULL;
	*msg = NULL;
	if (len == 0 || payload[0] != FRAME_PASS_THROUGH)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_REQUEST,
				      "a message that is not in the "
				      "pass-through form (first byte %u, "
				      "expected 112): atom cache and "
				      "fragments were not negotiated",
				      len ? payload[0] : 0);
	if (etf_decode(payload + 1, len - 1, &used, a, lim, control, err) < 0)
		return request_stage(err);
	if (1 + used == len)
		return 0;
	if (etf_decode(payload + 1 + used, len - 1 - used, &used2, a, lim,
		       msg, err) < 0)
		return request_stage(err);
	if (1 + used + used2 != len)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_REQUEST,
				      "%zu stray bytes after the message of "
				      "a frame", len - 1 - used - used2);
	return 0;
}

int frame_encode(struct buf *out, const struct etf_term *control,
		 const struct etf_term *msg, struct dist_error *err)
{
	size_t start = out->len;
	int failed = out->failed;

	buf_put_u32(out, 0);
	buf_put_u8(out, FRAME_PASS_THROUGH);
	if (etf_encode(control, out, true, err) < 0 ||
	    (msg && etf_encode(msg, out, true, err) < 0)) {
		out->len = start;
		out->failed = failed;
		return request_stage(err);
	}
	if (out->failed || out->len - start - 4 > UINT32_MAX) {
		out->len = start;
		out->failed = failed;
		return dist_error_set(err, DIST_E_TOO_LARGE,
				      DIST_STAGE_REQUEST,
				      "a message too large to send");
	}
	put_u32(out->data + start, (uint32_t)(out->len - start - 4));
	return 0;
}

void frame_put_tick(struct buf *out)
{
	buf_put_u32(out, 0);
}
