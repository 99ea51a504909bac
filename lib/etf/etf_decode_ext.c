/* etf_decode_ext.c - the fixed-width fields of the external term format's
 * identifiers and funs (PID, NEW_PID, PORT, NEW_PORT, V4_PORT, REFERENCE,
 * NEW_REFERENCE, NEWER_REFERENCE, the NEW_FUN header). The terms inside
 * them (node atoms, fun modules, free variables) are decoded by
 * etf_decode_term.c, which calls these between them; nothing here
 * recurses. Every length is checked before it is used.
 */
#include "etf/etf_decode_internal.h"

#include <string.h>

int etf_dec_pid_ids(struct dec *d, uint8_t tag, struct etf_term *t)
{
	if (etf_dec_need(d, tag == TAG_NEW_PID ? 12 : 9, "pid"))
		return -1;
	t->v.pid.id = etf_dec_u32(d);
	t->v.pid.serial = etf_dec_u32(d);
	t->v.pid.creation = tag == TAG_NEW_PID ? etf_dec_u32(d) : etf_dec_u8(d);
	return 0;
}

int etf_dec_port_ids(struct dec *d, uint8_t tag, struct etf_term *t)
{
	static const size_t size[] = { [0] = 5, [1] = 8, [2] = 12 };
	int kind = tag == TAG_PORT ? 0 : tag == TAG_NEW_PORT ? 1 : 2;

	if (etf_dec_need(d, size[kind], "port"))
		return -1;
	t->v.port.id = kind == 2 ? get_u64(d->p) : get_u32(d->p);
	d->p += kind == 2 ? 8 : 4;
	t->v.port.creation = kind == 0 ? etf_dec_u8(d) : etf_dec_u32(d);
	return 0;
}

int etf_dec_ref_words(struct dec *d, uint8_t tag, size_t *words)
{
	size_t at = etf_dec_offset(d);

	*words = 1;
	if (tag == TAG_REFERENCE)
		return 0;
	if (etf_dec_need(d, 2, "reference length"))
		return -1;
	*words = etf_dec_u16(d);
	if (*words < 1 || *words > 5)
		return etf_dec_bad(d, "reference of more than 5 words", at);
	return 0;
}

int etf_dec_ref_ids(struct dec *d, uint8_t tag, size_t words,
		    struct etf_term *t)
{
	size_t i;

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
	t->v.ref.creation = tag == TAG_NEWER_REFERENCE ? etf_dec_u32(d)
						       : etf_dec_u8(d);
	for (i = 0; i < words; i++)
		t->v.ref.ids[i] = etf_dec_u32(d);
	return 0;
}

int etf_dec_fun_header(struct dec *d, struct etf_term *t)
{
	if (etf_dec_need(d, 1 + 16 + 4 + 4, "fun header"))
		return -1;
	t->v.fun.arity = etf_dec_u8(d);
	memcpy(t->v.fun.uniq, d->p, 16);
	d->p += 16;
	t->v.fun.index = etf_dec_u32(d);
	t->v.fun.num_free = etf_dec_u32(d);
	return 0;
}
