/* etf_decode_ext.c - the external term format's identifiers and funs
 * (PID, NEW_PID, PORT, NEW_PORT, V4_PORT, REFERENCE, NEW_REFERENCE,
 * NEWER_REFERENCE, EXPORT, NEW_FUN): the body after the tag, called from
 * etf_decode.c's dispatch under the same rules (every length is checked
 * before it is used).
 */
#include "etf/etf_decode_internal.h"

#include <string.h>

int etf_dec_pid(struct dec *d, uint8_t tag, size_t depth, struct etf_term *t)
{
	if (etf_dec_atom(d, depth + 1, "pid node is not an atom",
		     &t->v.pid.node))
		return -1;
	if (etf_dec_need(d, tag == TAG_NEW_PID ? 12 : 9, "pid"))
		return -1;
	t->v.pid.id = etf_dec_u32(d);
	t->v.pid.serial = etf_dec_u32(d);
	t->v.pid.creation = tag == TAG_NEW_PID ? etf_dec_u32(d) : etf_dec_u8(d);
	return 0;
}

int etf_dec_port(struct dec *d, uint8_t tag, size_t depth, struct etf_term *t)
{
	static const size_t size[] = { [0] = 5, [1] = 8, [2] = 12 };
	int kind = tag == TAG_PORT ? 0 : tag == TAG_NEW_PORT ? 1 : 2;

	if (etf_dec_atom(d, depth + 1, "port node is not an atom",
		     &t->v.port.node))
		return -1;
	if (etf_dec_need(d, size[kind], "port"))
		return -1;
	t->v.port.id = kind == 2 ? get_u64(d->p) : get_u32(d->p);
	d->p += kind == 2 ? 8 : 4;
	t->v.port.creation = kind == 0 ? etf_dec_u8(d) : etf_dec_u32(d);
	return 0;
}

int etf_dec_ref(struct dec *d, uint8_t tag, size_t depth, struct etf_term *t)
{
	size_t at = etf_dec_offset(d), words = 1, i;

	if (tag != TAG_REFERENCE) {
		if (etf_dec_need(d, 2, "reference length"))
			return -1;
		words = etf_dec_u16(d);
		if (words < 1 || words > 5)
			return etf_dec_bad(d, "reference of more than 5 words", at);
	}
	if (etf_dec_atom(d, depth + 1, "reference node is not an atom",
		     &t->v.ref.node))
		return -1;
	/* OTP pads shorter references to 3 words (#Ref<0.0.0.1>); so do
	 * we, so that they print and compare as the node's do. */
	t->v.ref.len = (uint8_t)(words < 3 ? 3 : words);
	if (tag == TAG_REFERENCE) {
		if (etf_dec_need(d, 5, "reference"))
			return -1;
		t->v.ref.ids[0] = etf_dec_u32(d);
		t->v.ref.creation = etf_dec_u8(d);
		return 0;
	}
	if (etf_dec_need(d, (tag == TAG_NEWER_REFERENCE ? 4 : 1) + 4 * words,
		     "reference"))
		return -1;
	t->v.ref.creation = tag == TAG_NEWER_REFERENCE ? etf_dec_u32(d) : etf_dec_u8(d);
	for (i = 0; i < words; i++)
		t->v.ref.ids[i] = etf_dec_u32(d);
	return 0;
}

/* ---- functions ---- */

int etf_dec_export(struct dec *d, size_t depth, struct etf_term *t)
{
	struct etf_term *arity;
	size_t at;

	if (etf_dec_atom(d, depth + 1, "export module is not an atom",
		     &t->v.export.module) ||
	    etf_dec_atom(d, depth + 1, "export function is not an atom",
		     &t->v.export.function))
		return -1;
	at = etf_dec_offset(d);
	if (etf_dec_need(d, 1, "export arity"))
		return -1;
	if (*d->p != TAG_SMALL_INTEGER)
		return etf_dec_bad(d, "export arity is not a small integer", at);
	if (etf_dec_term(d, depth + 1, &arity))
		return -1;
	t->v.export.arity = (uint8_t)arity->v.i;
	return 0;
}

static int decode_u32_term(struct dec *d, size_t depth, const char *what,
			   uint32_t *out)
{
	struct etf_term *t;
	size_t at = etf_dec_offset(d);

	if (etf_dec_term(d, depth, &t))
		return -1;
	if (t->type != ETF_INT || t->v.i < 0 || t->v.i > UINT32_MAX)
		return etf_dec_bad(d, what, at);
	*out = (uint32_t)t->v.i;
	return 0;
}

static int fun_fields(struct dec *d, size_t depth, struct etf_term *t)
{
	size_t at;

	if (etf_dec_need(d, 1 + 16 + 4 + 4, "fun header"))
		return -1;
	t->v.fun.arity = etf_dec_u8(d);
	memcpy(t->v.fun.uniq, d->p, 16);
	d->p += 16;
	t->v.fun.index = etf_dec_u32(d);
	t->v.fun.num_free = etf_dec_u32(d);
	if (etf_dec_atom(d, depth + 1, "fun module is not an atom",
		     &t->v.fun.module) ||
	    decode_u32_term(d, depth + 1, "fun old index is not an integer",
			    &t->v.fun.old_index) ||
	    decode_u32_term(d, depth + 1, "fun old uniq is not an integer",
			    &t->v.fun.old_uniq))
		return -1;
	at = etf_dec_offset(d);
	if (etf_dec_term(d, depth + 1, &t->v.fun.pid))
		return -1;
	if (t->v.fun.pid->type != ETF_PID)
		return etf_dec_bad(d, "fun creator is not a pid", at);
	return etf_dec_elems(d, depth, t->v.fun.num_free, &t->v.fun.free_vars,
			 "fun environment");
}

/* NEW_FUN_EXT: Size counts itself and everything after the tag; the
 * fields must fill it exactly. The raw bytes are kept to send back. */
int etf_dec_fun(struct dec *d, size_t depth, struct etf_term *t)
{
	const uint8_t *tag_at = d->p - 1, *outer_end = d->end;
	size_t at = etf_dec_offset(d);
	uint32_t size;
	int rc;

	if (etf_dec_need(d, 4, "fun size"))
		return -1;
	size = get_u32(d->p);
	if (size < 4 + 1 + 16 + 4 + 4)
		return etf_dec_bad(d, "fun size too small", at);
	if (etf_dec_need(d, size, "fun"))
		return -1;
	d->end = d->p + size;
	d->p += 4;
	rc = fun_fields(d, depth, t);
	if (!rc && d->p != d->end)
		rc = etf_dec_bad(d, "fun size does not match its fields", at);
	d->end = outer_end;
	if (rc)
		return -1;
	t->v.fun.len = size + 1;
	t->v.fun.raw = etf_dec_alloc(d, t->v.fun.len, 1);
	if (!t->v.fun.raw)
		return -1;
	memcpy(t->v.fun.raw, tag_at, t->v.fun.len);
	return 0;
}
