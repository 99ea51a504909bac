/* etf_print.c - terms in Erlang syntax, as OTP 25's io_lib prints them.
 *
 * Two forms (see etf.h): the ~w form, and the single-line pretty form of
 * io_lib_pretty with unicode encoding and the unicode printable range.
 * The rules here were read off OTP's io_lib documentation and checked
 * against a live node by tests/etf/run-differential; that node is the
 * authority when they disagree.
 *
 * This file: lists, binaries, containers, identifiers and the dispatch,
 * on top of the leaves: atoms and quoted characters (etf_print_atom.c)
 * and numbers (etf_print_number.c), which write through the output of
 * etf_print_out.c. Calls go one way, down that list; etf_print_internal.h
 * holds what the files share.
 */
#include "etf/etf_print_internal.h"
#include "base/utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lists ---- */

/* Walk the elements of a list that may be LIST and STRING segments
 * joined by tails; ends on the first tail that is not a non-empty list. */
struct walk {
	const struct etf_term *seg;
	uint32_t i;
};

static bool walk_next(struct walk *w, const struct etf_term **elem,
		      int64_t *byte)
{
	for (;;) {
		const struct etf_term *s = w->seg;

		if (s->type == ETF_LIST && w->i < s->v.list.len) {
			*elem = s->v.list.elems[w->i++];
			return true;
		}
		if (s->type == ETF_STRING && w->i < s->v.string.len) {
			*elem = NULL;
			*byte = s->v.string.bytes[w->i++];
			return true;
		}
		if (s->type != ETF_LIST || s->v.list.tail->type == ETF_NIL)
			return false;
		w->seg = s->v.list.tail;
		w->i = 0;
		if (w->seg->type != ETF_LIST && w->seg->type != ETF_STRING)
			return false;
	}
}

/* The tail left after walking: NULL for a proper list. */
static const struct etf_term *walk_tail(const struct walk *w)
{
	const struct etf_term *s = w->seg;

	if (s->type == ETF_LIST)
		return s->v.list.tail->type == ETF_NIL ? NULL : s->v.list.tail;
	if (s->type == ETF_STRING)
		return NULL;
	return s;
}

static bool printable_unicode(int64_t c)
{
	return (c >= 32 && c <= 126) || (c >= 0xA0 && c < 0xD800) ||
	       (c > 0xDFFF && c < 0xFFFE) || (c > 0xFFFF && c <= 0x10FFFF) ||
	       c == '\n' || c == '\r' || c == '\t' || c == '\v' ||
	       c == '\b' || c == '\f' || c == 27;
}

static bool printable_latin1(int64_t c)
{
	return c <= 255 && printable_unicode(c);
}

/* io_lib:printable_list/1 with the unicode range: a proper list of
 * printable characters. */
static bool list_is_printable(const struct etf_term *t)
{
	struct walk w = { t, 0 };
	const struct etf_term *e;
	int64_t c = 0;

	while (walk_next(&w, &e, &c)) {
		if (e) {
			if (e->type != ETF_INT)
				return false;
			c = e->v.i;
		}
		if (!printable_unicode(c))
			return false;
	}
	return walk_tail(&w) == NULL;
}

static void put_string_list(struct pr *p, const struct etf_term *t)
{
	struct walk w = { t, 0 };
	const struct etf_term *e;
	int64_t c = 0;

	etf_pr_puts(p, "\"");
	while (walk_next(&w, &e, &c))
		etf_pr_quoted_char(p, (uint32_t)(e ? e->v.i : c), '"',
			       ESC_UNICODE);
	etf_pr_puts(p, "\"");
}

static void print(struct pr *p, const struct etf_term *t, unsigned depth);

static void put_list(struct pr *p, const struct etf_term *t, unsigned depth)
{
	struct walk w = { t, 0 };
	const struct etf_term *e, *tail;
	int64_t c = 0;
	bool first = true;

	if (p->pretty && list_is_printable(t)) {
		put_string_list(p, t);
		return;
	}
	etf_pr_puts(p, "[");
	while (!p->code && walk_next(&w, &e, &c)) {
		if (!first)
			etf_pr_puts(p, ",");
		first = false;
		if (e)
			print(p, e, depth);
		else
			etf_pr_putf(p, "%d", (int)c);
	}
	tail = walk_tail(&w);
	if (tail) {
		etf_pr_puts(p, "|");
		print(p, tail, depth);
	}
	etf_pr_puts(p, "]");
}

/* ---- binaries ---- */

static void put_bytes_form(struct pr *p, const struct etf_term *t)
{
	uint32_t n = t->v.bin.len, i;
	uint8_t bits = t->v.bin.bits;

	etf_pr_puts(p, "<<");
	for (i = 0; i < n && !p->code; i++) {
		if (i)
			etf_pr_puts(p, ",");
		if (i == n - 1 && bits < 8)
			etf_pr_putf(p, "%u:%u", (unsigned)(t->v.bin.data[i] >>
						       (8 - bits)), bits);
		else
			etf_pr_putf(p, "%u", t->v.bin.data[i]);
	}
	etf_pr_puts(p, ">>");
}

/* 0: not UTF-8, -1: UTF-8 with an unprintable character, 1: printable
 * UTF-8, 2: printable ASCII. */
static int utf8_printable(const uint8_t *s, size_t len)
{
	size_t i = 0, n;
	bool ascii = true;
	uint32_t c;

	bool printable = true;

	while (i < len) {
		n = utf8_next(s + i, len - i, &c);
		if (!n)
			return 0;
		printable = printable && printable_unicode(c);
		ascii = ascii && c < 128;
		i += n;
	}
	if (!printable)
		return -1;
	return ascii ? 2 : 1;
}

static bool latin1_printable(const uint8_t *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!printable_latin1(s[i]))
			return false;
	return true;
}

static void put_binary_text(struct pr *p, const uint8_t *s, size_t len,
			    bool utf8)
{
	size_t i = 0;
	uint32_t c;

	etf_pr_puts(p, "<<\"");
	while (i < len) {
		if (utf8) {
			i += utf8_next(s + i, len - i, &c);
		} else {
			c = s[i++];
		}
		etf_pr_quoted_char(p, c, '"', ESC_UNICODE);
	}
	etf_pr_puts(p, utf8 ? "\"/utf8>>" : "\">>");
}

/* io_lib_pretty: valid UTF-8 is text only if every character is
 * printable (then /utf8 unless all ASCII); invalid UTF-8 is text when
 * every byte is a printable Latin-1 character. */
static void put_binary(struct pr *p, const struct etf_term *t)
{
	const uint8_t *s = t->v.bin.data;
	size_t len = t->v.bin.len;
	int u;

	if (!p->pretty || len == 0 || t->v.bin.bits != 8) {
		put_bytes_form(p, t);
		return;
	}
	u = utf8_printable(s, len);
	if (u > 0)
		put_binary_text(p, s, len, u == 1);
	else if (u == 0 && latin1_printable(s, len))
		put_binary_text(p, s, len, false);
	else
		put_bytes_form(p, t);
}

/* ---- containers ---- */

static void put_tuple(struct pr *p, const struct etf_term *t, unsigned depth)
{
	uint32_t i;

	etf_pr_puts(p, "{");
	for (i = 0; i < t->v.tuple.arity && !p->code; i++) {
		if (i)
			etf_pr_puts(p, ",");
		print(p, t->v.tuple.elems[i], depth);
	}
	etf_pr_puts(p, "}");
}

/* Keys print in key order. OTP 25 does the same for maps of up to 32
 * keys; larger ones it prints in the order of its internal hash, which is
 * private to the VM and not the order term_to_binary sends them in (OTP
 * 26's ~kp prints them sorted, as we do). */
static void put_map(struct pr *p, const struct etf_term *t, unsigned depth)
{
	uint32_t small[32], *order = small, n = t->v.map.arity, i, k;

	if (n > 32 && !(order = malloc(n * sizeof(*order)))) {
		p->code = DIST_E_NOMEM;
		return;
	}
	etf_map_order(t, order);
	etf_pr_puts(p, "#{");
	for (i = 0; i < n && !p->code; i++) {
		k = order[i];
		if (i)
			etf_pr_puts(p, ",");
		print(p, t->v.map.keys[k], depth);
		etf_pr_puts(p, " => ");
		print(p, t->v.map.values[k], depth);
	}
	etf_pr_puts(p, "}");
	if (order != small)
		free(order);
}

/* ---- identifiers ---- */

/* The node part of a pid, port or ref: 0 for the local node (see
 * etf_print_opts), the node name for others. */
static void put_node(struct pr *p, const struct etf_term *node)
{
	if (!p->local_node || (node->v.atom.len == strlen(p->local_node) &&
			       !memcmp(node->v.atom.name, p->local_node,
				       node->v.atom.len)))
		etf_pr_puts(p, "0");
	else
		etf_pr_put(p, node->v.atom.name, node->v.atom.len);
}

static void put_pid(struct pr *p, const struct etf_term *t)
{
	etf_pr_puts(p, "<");
	put_node(p, t->v.pid.node);
	etf_pr_putf(p, ".%" PRIu32 ".%" PRIu32 ">", t->v.pid.id,
		    t->v.pid.serial);
}

static void put_port(struct pr *p, const struct etf_term *t)
{
	etf_pr_puts(p, "#Port<");
	put_node(p, t->v.port.node);
	etf_pr_putf(p, ".%" PRIu64 ">", t->v.port.id);
}

/* Words print most significant first: the wire sends them the other way. */
static void put_ref(struct pr *p, const struct etf_term *t)
{
	int i;

	etf_pr_puts(p, "#Ref<");
	put_node(p, t->v.ref.node);
	for (i = t->v.ref.len; i-- > 0;)
		etf_pr_putf(p, ".%" PRIu32, t->v.ref.ids[i]);
	etf_pr_puts(p, ">");
}

static void put_export(struct pr *p, const struct etf_term *t)
{
	/* Funs are printed by io_lib:write even in the pretty form. */
	etf_pr_puts(p, "fun ");
	etf_pr_atom(p, t->v.export.module, ESC_LATIN1);
	etf_pr_puts(p, ":");
	etf_pr_atom(p, t->v.export.function, ESC_LATIN1);
	etf_pr_putf(p, "/%u", t->v.export.arity);
}

static void put_fun(struct pr *p, const struct etf_term *t)
{
	const struct etf_term *m = t->v.fun.module;

	etf_pr_puts(p, "#Fun<");
	if (m && m->type == ETF_ATOM)
		etf_pr_put(p, m->v.atom.name, m->v.atom.len);
	etf_pr_putf(p, ".%" PRIu32 ".%" PRIu32 ">", t->v.fun.old_index,
		t->v.fun.old_uniq);
}

static void print(struct pr *p, const struct etf_term *t, unsigned depth)
{
	if (p->code)
		return;
	if (++depth > ETF_MAX_WALK_DEPTH) {
		p->code = DIST_E_TOO_LARGE;
		return;
	}
	switch (t->type) {
	case ETF_INT: etf_pr_putf(p, "%" PRId64, t->v.i); break;
	case ETF_BIG: etf_pr_big(p, t); break;
	case ETF_FLOAT: etf_pr_float(p, t->v.f); break;
	case ETF_ATOM: etf_pr_atom(p, t, etf_pr_atom_esc(p)); break;
	case ETF_TUPLE: put_tuple(p, t, depth); break;
	case ETF_NIL: etf_pr_puts(p, "[]"); break;
	case ETF_LIST: case ETF_STRING: put_list(p, t, depth); break;
	case ETF_BINARY: put_binary(p, t); break;
	case ETF_MAP: put_map(p, t, depth); break;
	case ETF_PID: put_pid(p, t); break;
	case ETF_PORT: put_port(p, t); break;
	case ETF_REF: put_ref(p, t); break;
	case ETF_EXPORT: put_export(p, t); break;
	case ETF_FUN: put_fun(p, t); break;
	}
}

int etf_print_with(const struct etf_term *t, struct buf *out,
		   const struct etf_print_opts *opts,
		   struct dist_error *err)
{
	struct pr p = {
		.b = out, .pretty = opts && opts->pretty,
		.local_node = opts ? opts->local_node : NULL, .err = err,
	};
	enum dist_stage stage = err ? err->stage : DIST_STAGE_NONE;

	print(&p, t, 0);
	if (p.code == DIST_E_NOMEM)
		return dist_error_nomem(err, stage, "printing a term");
	if (p.code)
		return dist_error_set(err, p.code, stage,
				      "printed term too large or too deep");
	return 0;
}

int etf_print(const struct etf_term *t, struct buf *out, bool pretty,
	      struct dist_error *err)
{
	struct etf_print_opts o = { .pretty = pretty };

	return etf_print_with(t, out, &o, err);
}
