/* etf_print.c - terms in Erlang syntax, as OTP 25's io_lib prints them.
 *
 * Two forms (see etf.h): the ~w form, and the single-line pretty form of
 * io_lib_pretty with unicode encoding and the unicode printable range.
 * The rules here were read off OTP's io_lib documentation and checked
 * against a live node by tests/etf/run-differential; that node is the
 * authority when they disagree.
 */
#include "etf.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pr {
	struct buf *b;
	bool pretty;
	const char *local_node;
	struct dist_error *err;
	enum dist_code code;    /* first failure; DIST_OK while printing */
};

/* How a quoted atom or string shows characters from 160 up: ~w keeps
 * Latin-1 ones and escapes the rest as \x{..}; the unicode form keeps all. */
enum esc { ESC_LATIN1, ESC_UNICODE };

static void put(struct pr *p, const void *s, size_t n)
{
	struct buf *b = p->b;

	if (p->code)
		return;
	if (b->failed || n > b->max - b->len) {
		p->code = DIST_E_TOO_LARGE;
		return;
	}
	buf_put(b, s, n);
	if (b->failed)
		p->code = DIST_E_NOMEM;
}

static void puts_(struct pr *p, const char *s)
{
	put(p, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void putf(struct pr *p, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(p, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_utf8(struct pr *p, uint32_t cp)
{
	uint8_t s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (uint8_t)cp, n = 1;
	} else if (cp < 0x800) {
		s[0] = (uint8_t)(0xC0 | cp >> 6);
		s[1] = (uint8_t)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		s[0] = (uint8_t)(0xE0 | cp >> 12);
		s[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (uint8_t)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		s[0] = (uint8_t)(0xF0 | cp >> 18);
		s[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		s[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		s[3] = (uint8_t)(0x80 | (cp & 0x3F)), n = 4;
	}
	put(p, s, n);
}

/* ---- characters, atoms, strings ---- */

static const char *named_escape(uint32_t c)
{
	switch (c) {
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '\v': return "\\v";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case 27: return "\\e";
	case 127: return "\\d";
	}
	return NULL;
}

/* One character inside quotes, escaped as io_lib's write_string does. */
static void put_quoted_char(struct pr *p, uint32_t c, char quote,
			    enum esc esc)
{
	const char *named;

	if (c == (uint32_t)quote || c == '\\') {
		putf(p, "\\%c", (char)c);
	} else if (c >= ' ' && c <= '~') {
		put_utf8(p, c);
	} else if (c >= 160 && (esc == ESC_UNICODE || c <= 255)) {
		put_utf8(p, c);
	} else if (c >= 256) {
		putf(p, "\\x{%" PRIX32 "}", c);
	} else if ((named = named_escape(c))) {
		puts_(p, named);
	} else {
		putf(p, "\\%o%o%o", (unsigned)(c >> 6),
		     (unsigned)((c >> 3) & 7), (unsigned)(c & 7));
	}
}

/* Next character of an atom; bytes that are not UTF-8 (only in atoms
 * built by hand) count as Latin-1. */
static size_t next_char(const uint8_t *s, size_t len, uint32_t *c)
{
	size_t n = etf_utf8_next(s, len, c);

	if (n)
		return n;
	*c = s[0];
	return 1;
}

static bool is_reserved_word(const char *s, size_t len)
{
	static const char *const words[] = {
		"after", "and", "andalso", "band", "begin", "bnot", "bor",
		"bsl", "bsr", "bxor", "case", "catch", "cond", "div", "end",
		"fun", "if", "let", "not", "of", "or", "orelse", "receive",
		"rem", "try", "when", "xor",
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == len && !memcmp(words[i], s, len))
			return true;
	return false;
}

static bool is_lower(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

static bool is_name_char(uint32_t c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z') ||
	       (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
	       (c >= '0' && c <= '9') || c == '_' || c == '@';
}

/* An atom goes unquoted only when it reads back as the same atom: a
 * lower-case (Latin-1) letter, then name characters, and no keyword. */
static bool atom_needs_quotes(const char *name, size_t len)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t i = 0;
	uint32_t c;

	if (len == 0 || is_reserved_word(name, len))
		return true;
	i = next_char(s, len, &c);
	if (!is_lower(c))
		return true;
	while (i < len) {
		i += next_char(s + i, len - i, &c);
		if (!is_name_char(c))
			return true;
	}
	return false;
}

static void put_atom_text(struct pr *p, const char *name, size_t len,
			  enum esc esc)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t i = 0;
	uint32_t c;

	if (!atom_needs_quotes(name, len)) {
		put(p, name, len);
		return;
	}
	puts_(p, "'");
	while (i < len) {
		i += next_char(s + i, len - i, &c);
		put_quoted_char(p, c, '\'', esc);
	}
	puts_(p, "'");
}

static void put_atom(struct pr *p, const struct etf_term *t, enum esc esc)
{
	put_atom_text(p, t->v.atom.name, t->v.atom.len, esc);
}

static enum esc atom_esc(const struct pr *p)
{
	return p->pretty ? ESC_UNICODE : ESC_LATIN1;
}

/* ---- numbers ---- */

/* Decimal of a little-endian magnitude: repeated division by 10^9 over
 * 32-bit limbs, most significant chunk first. */
static void put_big(struct pr *p, const struct etf_term *t)
{
	uint32_t n = t->v.big.n, nl = (n + 3) / 4, i, *limb, *chunk;
	size_t nc = 0;

	limb = calloc(nl ? nl : 1, sizeof(*limb));
	/* Each 10^9 chunk takes at least 29 bits of the magnitude. */
	chunk = calloc((size_t)n * 8 / 29 + 2, sizeof(*chunk));
	if (!limb || !chunk) {
		free(limb);
		free(chunk);
		if (!p->code)
			p->code = DIST_E_NOMEM;
		return;
	}
	for (i = 0; i < n; i++)
		limb[i / 4] |= (uint32_t)t->v.big.digits[i] << (8 * (i % 4));
	while (nl > 0) {
		uint64_t rem = 0;

		for (i = nl; i-- > 0;) {
			uint64_t cur = (rem << 32) | limb[i];

			limb[i] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		chunk[nc++] = (uint32_t)rem;
		while (nl > 0 && limb[nl - 1] == 0)
			nl--;
	}
	if (t->v.big.negative)
		puts_(p, "-");
	putf(p, "%" PRIu32, nc ? chunk[nc - 1] : 0);
	while (nc-- > 1)
		putf(p, "%09" PRIu32, chunk[nc - 1]);
	free(limb);
	free(chunk);
}

/* Plain notation of digits d[0..nd) times 10^(exp - nd + 1). */
static void fixed_form(char *out, const char *d, int nd, int exp)
{
	int k = 0, i;

	if (exp >= 0) {
		for (i = 0; i <= exp; i++)
			out[k++] = i < nd ? d[i] : '0';
		out[k++] = '.';
		if (nd > exp + 1)
			for (i = exp + 1; i < nd; i++)
				out[k++] = d[i];
		else
			out[k++] = '0';
	} else {
		out[k++] = '0';
		out[k++] = '.';
		for (i = 0; i < -exp - 1; i++)
			out[k++] = '0';
		for (i = 0; i < nd; i++)
			out[k++] = d[i];
	}
	out[k] = '\0';
}

/* OTP 25 prints floats as float_to_list(F, [short]): the shortest digits
 * that read back as the same double, in plain notation unless the
 * scientific one is shorter, and always scientific from 2^53 up (where
 * doubles stop being exact integers); checked on a live node. */
static void put_float(struct pr *p, double f)
{
	char sci[40], digits[24], fixed[400], out[48];
	int prec, exp, nd = 0;
	const char *s;

	for (prec = 0; prec < 17; prec++) {
		snprintf(sci, sizeof sci, "%.*e", prec, f);
		if (strtod(sci, NULL) == f)
			break;
	}
	s = sci + (sci[0] == '-');
	for (; *s && *s != 'e'; s++)
		if (*s != '.' && nd < (int)sizeof digits - 1)
			digits[nd++] = *s;
	exp = *s ? atoi(s + 1) : 0;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	fixed_form(fixed, digits, nd, exp);
	snprintf(out, sizeof out, "%c.%se%d", digits[0],
		 nd > 1 ? digits + 1 : "0", exp);
	if (signbit(f))
		puts_(p, "-");
	if (fabs(f) < 9007199254740992.0 && strlen(fixed) <= strlen(out))
		puts_(p, fixed);
	else
		puts_(p, out);
}

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

	puts_(p, "\"");
	while (walk_next(&w, &e, &c))
		put_quoted_char(p, (uint32_t)(e ? e->v.i : c), '"',
				ESC_UNICODE);
	puts_(p, "\"");
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
	puts_(p, "[");
	while (!p->code && walk_next(&w, &e, &c)) {
		if (!first)
			puts_(p, ",");
		first = false;
		if (e)
			print(p, e, depth);
		else
			putf(p, "%d", (int)c);
	}
	tail = walk_tail(&w);
	if (tail) {
		puts_(p, "|");
		print(p, tail, depth);
	}
	puts_(p, "]");
}

/* ---- binaries ---- */

static void put_bytes_form(struct pr *p, const struct etf_term *t)
{
	uint32_t n = t->v.bin.len, i;
	uint8_t bits = t->v.bin.bits;

	puts_(p, "<<");
	for (i = 0; i < n && !p->code; i++) {
		if (i)
			puts_(p, ",");
		if (i == n - 1 && bits < 8)
			putf(p, "%u:%u", (unsigned)(t->v.bin.data[i] >>
						    (8 - bits)), bits);
		else
			putf(p, "%u", t->v.bin.data[i]);
	}
	puts_(p, ">>");
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
		n = etf_utf8_next(s + i, len - i, &c);
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

	puts_(p, "<<\"");
	while (i < len) {
		if (utf8) {
			i += etf_utf8_next(s + i, len - i, &c);
		} else {
			c = s[i++];
		}
		put_quoted_char(p, c, '"', ESC_UNICODE);
	}
	puts_(p, utf8 ? "\"/utf8>>" : "\">>");
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

	puts_(p, "{");
	for (i = 0; i < t->v.tuple.arity && !p->code; i++) {
		if (i)
			puts_(p, ",");
		print(p, t->v.tuple.elems[i], depth);
	}
	puts_(p, "}");
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
	puts_(p, "#{");
	for (i = 0; i < n && !p->code; i++) {
		k = order[i];
		if (i)
			puts_(p, ",");
		print(p, t->v.map.keys[k], depth);
		puts_(p, " => ");
		print(p, t->v.map.values[k], depth);
	}
	puts_(p, "}");
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
		puts_(p, "0");
	else
		put(p, node->v.atom.name, node->v.atom.len);
}

static void put_pid(struct pr *p, const struct etf_term *t)
{
	puts_(p, "<");
	put_node(p, t->v.pid.node);
	putf(p, ".%" PRIu32 ".%" PRIu32 ">", t->v.pid.id, t->v.pid.serial);
}

static void put_port(struct pr *p, const struct etf_term *t)
{
	puts_(p, "#Port<");
	put_node(p, t->v.port.node);
	putf(p, ".%" PRIu64 ">", t->v.port.id);
}

/* Words print most significant first: the wire sends them the other way. */
static void put_ref(struct pr *p, const struct etf_term *t)
{
	int i;

	puts_(p, "#Ref<");
	put_node(p, t->v.ref.node);
	for (i = t->v.ref.len; i-- > 0;)
		putf(p, ".%" PRIu32, t->v.ref.ids[i]);
	puts_(p, ">");
}

static void put_export(struct pr *p, const struct etf_term *t)
{
	/* Funs are printed by io_lib:write even in the pretty form. */
	puts_(p, "fun ");
	put_atom(p, t->v.export.module, ESC_LATIN1);
	puts_(p, ":");
	put_atom(p, t->v.export.function, ESC_LATIN1);
	putf(p, "/%u", t->v.export.arity);
}

static void put_fun(struct pr *p, const struct etf_term *t)
{
	const struct etf_term *m = t->v.fun.module;

	puts_(p, "#Fun<");
	if (m && m->type == ETF_ATOM)
		put(p, m->v.atom.name, m->v.atom.len);
	putf(p, ".%" PRIu32 ".%" PRIu32 ">", t->v.fun.old_index,
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
	case ETF_INT: putf(p, "%" PRId64, t->v.i); break;
	case ETF_BIG: put_big(p, t); break;
	case ETF_FLOAT: put_float(p, t->v.f); break;
	case ETF_ATOM: put_atom(p, t, atom_esc(p)); break;
	case ETF_TUPLE: put_tuple(p, t, depth); break;
	case ETF_NIL: puts_(p, "[]"); break;
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
		return dist_error_set(err, p.code, stage,
				      "out of memory printing a term");
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
