/* fuzz_frame - the byte stream a peer sends after the handshake, cut
 * into frames and decoded as dist-node does (lib/dist/frame.h).
 *
 * Invariants: frame_next never takes more than it has and never more
 * than the limit plus the length prefix; a refusal is typed; every
 * decoded message re-encodes, and what it encodes decodes to an equal
 * pair of terms.
 */
#include "fuzz.h"

#include "dist/frame.h"

#define FUZZ_MAX (64 * 1024)

static void check_roundtrip(const struct etf_term *c, const struct etf_term *m)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *c2, *m2;
	struct dist_error err = { 0 };
	struct frame f;
	struct buf b;

	if (!a)
		return;
	buf_init(&b, 0);
	if (frame_encode(&b, c, m, &err) == 0) {
		FUZZ_CHECK(frame_next(b.data, b.len, SIZE_MAX, &f, &err) ==
			   (long)b.len);
		FUZZ_CHECK(frame_decode(f.payload, f.len, a,
					&etf_default_limits, &c2, &m2,
					&err) == 0);
		FUZZ_CHECK(etf_equal(c, c2));
		FUZZ_CHECK(m ? m2 && etf_equal(m, m2) : m2 == NULL);
	} else {
		fuzz_check_error(&err);
	}
	buf_free(&b);
	etf_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etf_limits lim = etf_default_limits;
	struct dist_error err = { 0 };
	struct frame f;
	long used;

	lim.max_bytes = FUZZ_MAX;
	while ((used = frame_next(data, size, FUZZ_MAX, &f, &err)) > 0) {
		FUZZ_CHECK((size_t)used <= size && (size_t)used <= FUZZ_MAX + 4);
		if (f.kind == FRAME_MESSAGE) {
			struct etf_arena *a = etf_arena_new();
			struct etf_term *c, *m;

			if (!a)
				return 0;
			dist_error_clear(&err);
			if (frame_decode(f.payload, f.len, a, &lim, &c, &m,
					 &err) == 0)
				check_roundtrip(c, m);
			else
				fuzz_check_error(&err);
			etf_arena_free(a);
		} else {
			FUZZ_CHECK(used == 4 && f.payload == NULL);
		}
		data += used;
		size -= (size_t)used;
	}
	if (used < 0)
		fuzz_check_error(&err);
	return 0;
}
