/* test_etf.c - external term format: every tag, round trips, printing,
 * and hostile input. The byte-for-byte comparison with a real OTP lives
 * in tests/etf/run-differential. */
#include "etf/etf.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static struct etf_arena *A;

static int decode_code(const uint8_t *p, size_t len,
		       const struct etf_limits *lim, struct etf_term **t)
{
	struct dist_error err = { 0 };
	struct etf_term *tmp;

	if (etf_decode(p, len, NULL, A, lim, t ? t : &tmp, &err) == 0)
		return DIST_OK;
	return err.code;
}

static struct etf_term *dec(const uint8_t *p, size_t len)
{
	struct etf_term *t = NULL;

	return decode_code(p, len, NULL, &t) == DIST_OK ? t : NULL;
}

#define DEC(...) ({ static const uint8_t b_[] = { __VA_ARGS__ };          \
		    dec(b_, sizeof b_); })

/* The printed form of t, in a static buffer. */
static const char *show(const struct etf_term *t, bool pretty)
{
	static char out[4096];
	struct buf b;

	buf_init(&b, 0);
	if (!t || etf_print(t, &b, pretty, NULL) || b.len >= sizeof out) {
		buf_free(&b);
		return "(error)";
	}
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return out;
}

static bool shows(const struct etf_term *t, const char *w, const char *p)
{
	return strcmp(show(t, false), w) == 0 && strcmp(show(t, true), p) == 0;
}

static void test_every_tag(void)
{
	struct etf_term *t;

	t = DEC(131, 97, 200);
	ok(t && t->type == ETF_INT && t->v.i == 200, "SMALL_INTEGER");
	t = DEC(131, 98, 255, 255, 255, 254);
	ok(t && t->type == ETF_INT && t->v.i == -2, "INTEGER");
	t = DEC(131, 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 128);
	ok(t && t->type == ETF_INT && t->v.i == INT64_MIN,
	   "SMALL_BIG -2^63 normalised to int");
	t = DEC(131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	ok(t && t->type == ETF_BIG && t->v.big.n == 9 &&
	   shows(t, "18446744073709551616", "18446744073709551616"),
	   "SMALL_BIG 2^64");
	t = DEC(131, 111, 0, 0, 0, 2, 1, 5, 0);
	ok(t && t->type == ETF_INT && t->v.i == -5, "LARGE_BIG normalised");
	t = DEC(131, 70, 64, 9, 33, 249, 240, 27, 134, 110);
	ok(t && t->type == ETF_FLOAT && shows(t, "3.14159", "3.14159"),
	   "NEW_FLOAT");
	{
		uint8_t b[33] = { 131, 99 };

		memcpy(b + 2, "1.50000000000000000000e+00", 26);
		t = dec(b, sizeof b);
		ok(t && t->type == ETF_FLOAT && t->v.f == 1.5, "FLOAT (old)");
	}
	t = DEC(131, 118, 0, 3, 'a', 0xC3, 0xA9);
	ok(t && etf_is_atom(t, "a\xC3\xA9"), "ATOM_UTF8");
	t = DEC(131, 119, 2, 'o', 'k');
	ok(etf_is_atom(t, "ok"), "SMALL_ATOM_UTF8");
	t = DEC(131, 100, 0, 2, 'h', 0xE9);
	ok(etf_is_atom(t, "h\xC3\xA9"), "ATOM_EXT Latin-1 becomes UTF-8");
	t = DEC(131, 115, 1, 0xFF);
	ok(etf_is_atom(t, "\xC3\xBF"), "SMALL_ATOM_EXT Latin-1");
	t = DEC(131, 104, 2, 97, 1, 106);
	ok(etf_is_tuple(t, 2) && shows(t, "{1,[]}", "{1,[]}"), "SMALL_TUPLE");
	t = DEC(131, 105, 0, 0, 0, 1, 106);
	ok(etf_is_tuple(t, 1), "LARGE_TUPLE");
	t = DEC(131, 106);
	ok(t && t->type == ETF_NIL, "NIL");
	t = DEC(131, 107, 0, 2, 'h', 'i');
	ok(t && t->type == ETF_STRING && shows(t, "[104,105]", "\"hi\""),
	   "STRING");
	t = DEC(131, 108, 0, 0, 0, 2, 97, 1, 97, 2, 119, 1, 't');
	ok(t && t->type == ETF_LIST && shows(t, "[1,2|t]", "[1,2|t]"),
	   "LIST with tail");
	t = DEC(131, 109, 0, 0, 0, 2, 'o', 'k');
	ok(t && t->type == ETF_BINARY && shows(t, "<<111,107>>", "<<\"ok\">>"),
	   "BINARY");
	t = DEC(131, 77, 0, 0, 0, 2, 1, 255, 0x80);
	ok(t && t->v.bin.bits == 1 && shows(t, "<<255,1:1>>", "<<255,1:1>>"),
	   "BIT_BINARY");
	t = DEC(131, 116, 0, 0, 0, 1, 119, 1, 'a', 97, 1);
	ok(t && t->type == ETF_MAP && shows(t, "#{a => 1}", "#{a => 1}"),
	   "MAP");
	t = DEC(131, 88, 119, 3, 'a', '@', 'b', 0, 0, 0, 9, 0, 0, 0, 1,
		0, 0, 0, 7);
	ok(t && t->type == ETF_PID && t->v.pid.creation == 7 &&
	   shows(t, "<0.9.1>", "<0.9.1>"), "NEW_PID");
	t = DEC(131, 103, 119, 1, 'a', 0, 0, 0, 9, 0, 0, 0, 1, 3);
	ok(t && t->type == ETF_PID && t->v.pid.creation == 3, "PID (old)");
	t = DEC(131, 90, 0, 3, 119, 1, 'a', 0, 0, 0, 1,
		0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
	ok(t && t->type == ETF_REF && shows(t, "#Ref<0.3.2.1>", "#Ref<0.3.2.1>"),
	   "NEWER_REFERENCE");
	t = DEC(131, 114, 0, 1, 119, 1, 'a', 2, 0, 0, 0, 5);
	ok(t && t->type == ETF_REF && t->v.ref.creation == 2 &&
	   shows(t, "#Ref<0.0.0.5>", "#Ref<0.0.0.5>"),
	   "NEW_REFERENCE (old), padded to 3 words as OTP does");
	t = DEC(131, 89, 119, 1, 'a', 0, 0, 0, 5, 0, 0, 0, 1);
	ok(t && t->type == ETF_PORT && shows(t, "#Port<0.5>", "#Port<0.5>"),
	   "NEW_PORT");
	t = DEC(131, 102, 119, 1, 'a', 0, 0, 0, 5, 1);
	ok(t && t->type == ETF_PORT && t->v.port.id == 5, "PORT (old)");
	t = DEC(131, 120, 119, 1, 'a', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
	ok(t && t->type == ETF_PORT && t->v.port.id == (1ull << 32),
	   "V4_PORT");
	t = DEC(131, 113, 119, 5, 'l', 'i', 's', 't', 's', 119, 3, 'm', 'a',
		'p', 97, 2);
	ok(t && t->type == ETF_EXPORT &&
	   shows(t, "fun lists:map/2", "fun lists:map/2"), "EXPORT");
	/* fun() -> ok end from module x1 on OTP 25 (no free variables). */
	t = DEC(131, 112, 0, 0, 0, 70, 0, 65, 255, 171, 164, 128, 166, 150,
		59, 139, 197, 34, 251, 233, 169, 158, 48, 0, 0, 0, 0, 0, 0, 0,
		0, 100, 0, 2, 120, 49, 97, 0, 98, 2, 15, 253, 93, 88, 100, 0,
		13, 110, 111, 110, 111, 100, 101, 64, 110, 111, 104, 111, 115,
		116, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0);
	ok(t && t->type == ETF_FUN && t->v.fun.len == 71 &&
	   shows(t, "#Fun<x1.0.34602333>", "#Fun<x1.0.34602333>"), "NEW_FUN");
	{
		uint8_t src[] = { 104, 2, 119, 2, 'o', 'k', 97, 42 };
		uint8_t b[64] = { 131, 80, 0, 0, 0, sizeof src };
		uLongf n = sizeof b - 6;

		compress(b + 6, &n, src, sizeof src);
		t = dec(b, 6 + n);
		ok(t && shows(t, "{ok,42}", "{ok,42}"), "COMPRESSED");
	}
}

static bool roundtrip(const struct etf_term *t)
{
	struct etf_term *back = NULL;
	struct buf b;
	bool same;

	buf_init(&b, 0);
	same = etf_encode(t, &b, true, NULL) == 0 &&
	       decode_code(b.data, b.len, NULL, &back) == DIST_OK &&
	       etf_equal(t, back);
	buf_free(&b);
	return same;
}

/* First byte after the version of t's encoding. */
static int tag_of(const struct etf_term *t)
{
	struct buf b;
	int tag = -1;

	buf_init(&b, 0);
	if (etf_encode(t, &b, false, NULL) == 0)
		tag = b.data[0];
	buf_free(&b);
	return tag;
}

static void test_roundtrips(void)
{
	static const uint8_t big[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint32_t ids[] = { 1, 2, 3 };
	uint8_t *long_bytes = calloc(70000, 1);
	struct etf_term *l, *m, *bits, *port;

	ok(tag_of(etf_int(A, 255)) == 97 && tag_of(etf_int(A, 256)) == 98 &&
	   tag_of(etf_int(A, -1)) == 98 &&
	   tag_of(etf_int(A, 2147483648LL)) == 110,
	   "integers pick SMALL_INTEGER, INTEGER, SMALL_BIG");
	ok(roundtrip(etf_int(A, INT64_MIN)) && roundtrip(etf_int(A, INT64_MAX)),
	   "int64 extremes round trip");
	ok(roundtrip(etf_big(A, 1, big, sizeof big)) &&
	   roundtrip(etf_big(A, 0, big, sizeof big)), "bigs round trip");
	ok(roundtrip(etf_float(A, -0.0)) && roundtrip(etf_float(A, 1e300)),
	   "floats round trip");
	ok(tag_of(etf_atom(A, "ok")) == 119 && roundtrip(etf_atom(A, "")),
	   "atoms as SMALL_ATOM_UTF8");
	l = etf_list_new(A, 2, etf_atom(A, "tail"));
	l->v.list.elems[0] = etf_int(A, 1);
	l->v.list.elems[1] = etf_string(A, "ab", 2);
	m = etf_map_new(A, 2);
	m->v.map.keys[0] = etf_atom(A, "b");
	m->v.map.values[0] = l;
	m->v.map.keys[1] = etf_int(A, 1);
	m->v.map.values[1] = etf_binary(A, "x", 1);
	ok(roundtrip(etf_tuple(A, 3, m, etf_nil(A),
			       etf_pid(A, "n@h", 1, 2, 3))),
	   "nested tuple/map/list/pid round trip");
	ok(roundtrip(etf_ref(A, "n@h", 4, ids, 3)), "reference round trips");
	bits = etf_binary(A, "\xF0", 1);
	bits->v.bin.bits = 4;
	ok(tag_of(bits) == 77 && roundtrip(bits), "bitstring as BIT_BINARY");
	port = etf_pid(A, "n@h", 0, 0, 0);
	port->type = ETF_PORT;
	port->v.port.id = 1ull << 40;
	ok(tag_of(port) == 120 && roundtrip(port), "64-bit port as V4_PORT");
	port->v.port.id = 7;
	ok(tag_of(port) == 89, "32-bit port as NEW_PORT");
	ok(long_bytes && tag_of(etf_string(A, long_bytes, 70000)) == 108 &&
	   roundtrip(etf_string(A, long_bytes, 70000)),
	   "string over 65535 bytes becomes a LIST");
	free(long_bytes);
	ok(shows(m, "#{1 => <<120>>,b => [1,[97,98]|tail]}",
		 "#{1 => <<\"x\">>,b => [1,\"ab\"|tail]}"),
	   "maps print in key order");
}

static void test_printing(void)
{
	const uint32_t ids[] = { 1, 2, 3 };
	struct etf_print_opts o = { .local_node = "me@h" };
	struct etf_term *t;
	struct buf b;

	ok(shows(etf_atom(A, "hello world"), "'hello world'", "'hello world'") &&
	   shows(etf_atom(A, "end"), "'end'", "'end'") &&
	   shows(etf_atom(A, "Ok"), "'Ok'", "'Ok'") &&
	   shows(etf_atom(A, "a@b_1"), "a@b_1", "a@b_1") &&
	   shows(etf_atom(A, ""), "''", "''"),
	   "atoms quoted when they must be");
	ok(shows(etf_atom(A, "\xE6\x97\xA5"), "'\\x{65E5}'", "'\xE6\x97\xA5'"),
	   "unicode atom: escaped by ~w, kept by pretty");
	ok(shows(etf_float(A, 0.1), "0.1", "0.1") &&
	   shows(etf_float(A, 1e15), "1.0e15", "1.0e15") &&
	   shows(etf_float(A, 100.0), "100.0", "100.0") &&
	   shows(etf_float(A, -0.0), "-0.0", "-0.0"), "floats print short");
	ok(shows(etf_binary(A, "h\xC3\xA9", 3), "<<104,195,169>>",
		 "<<\"h\xC3\xA9\"/utf8>>"), "UTF-8 binary");
	ok(shows(etf_string(A, "a\"\n", 3), "[97,34,10]", "\"a\\\"\\n\""),
	   "string escapes");
	t = etf_tuple(A, 2, etf_pid(A, "me@h", 5, 0, 1),
		      etf_ref(A, "other@h", 1, ids, 3));
	buf_init(&b, 0);
	ok(etf_print_with(t, &b, &o, NULL) == 0 && b.len == 29 &&
	   !memcmp(b.data, "{<0.5.0>,#Ref<other@h.3.2.1>}", 29),
	   "local_node: other nodes' ids show their node name");
	buf_free(&b);
	buf_init(&b, 4);
	ok(etf_print(etf_atom(A, "toolong"), &b, false, NULL) == -1,
	   "print hits the buffer cap");
	buf_free(&b);
}

static void test_compare(void)
{
	struct etf_term *l = etf_list_new(A, 2, NULL);

	l->v.list.elems[0] = etf_int(A, 'a');
	l->v.list.elems[1] = etf_int(A, 'b');
	ok(etf_compare(etf_int(A, 2), etf_float(A, 1.0)) < 0,
	   "map key order: integers before floats");
	ok(etf_compare(etf_int(A, 1), etf_atom(A, "a")) < 0 &&
	   etf_compare(etf_nil(A), l) < 0 &&
	   etf_compare(l, etf_binary(A, "", 0)) < 0,
	   "number < atom, [] < list < binary");
	ok(etf_equal(l, etf_string(A, "ab", 2)), "STRING equals LIST");
	ok(!etf_equal(etf_int(A, 1), etf_float(A, 1.0)), "1 =/= 1.0");
}

static void test_truncation(void)
{
	struct etf_term *t;
	struct buf b;
	size_t i;
	int bad = 0;

	t = DEC(131, 112, 0, 0, 0, 70, 0, 65, 255, 171, 164, 128, 166, 150,
		59, 139, 197, 34, 251, 233, 169, 158, 48, 0, 0, 0, 0, 0, 0, 0,
		0, 100, 0, 2, 120, 49, 97, 0, 98, 2, 15, 253, 93, 88, 100, 0,
		13, 110, 111, 110, 111, 100, 101, 64, 110, 111, 104, 111, 115,
		116, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0);
	t = etf_tuple(A, 6, t, etf_atom(A, "h\xC3\xA9"),
		      etf_float(A, 2.5), etf_string(A, "xyz", 3),
		      etf_pid(A, "a@b", 1, 2, 3),
		      etf_list_new(A, 1, etf_binary(A, "bin", 3)));
	t->v.tuple.elems[5]->v.list.elems[0] = etf_int(A, 1LL << 40);
	buf_init(&b, 0);
	ok(etf_encode(t, &b, true, NULL) == 0, "corpus term encodes");
	for (i = 0; i < b.len; i++)
		if (decode_code(b.data, i, NULL, NULL) != DIST_E_PROTOCOL)
			bad++;
	ok(bad == 0, "truncated at each of %zu offsets: protocol_error",
	   b.len);
	ok(decode_code(b.data, b.len, NULL, NULL) == DIST_OK,
	   "untruncated decodes");
	buf_free(&b);
}

static void test_hostile(void)
{
	static const uint8_t huge_list[] = { 131, 108, 255, 255, 255, 255, 106 };
	static const uint8_t cache_ref[] = { 131, 82, 0 };
	struct etf_limits small = etf_default_limits;
	struct dist_error err = { .stage = DIST_STAGE_REQUEST };
	struct etf_term *t;
	size_t n = 100000, i;
	uint8_t *deep = malloc(2 * n + 2);

	ok(decode_code(huge_list, sizeof huge_list, NULL, NULL) ==
	   DIST_E_PROTOCOL, "LIST claiming 2^32 elements in 5 bytes");
	ok(decode_code(cache_ref, sizeof cache_ref, NULL, NULL) ==
	   DIST_E_PROTOCOL, "ATOM_CACHE_REF rejected");
	ok(etf_decode(cache_ref, sizeof cache_ref, NULL, A, NULL, &t, &err) &&
	   err.stage == DIST_STAGE_REQUEST && strstr(err.message, "byte 1"),
	   "error keeps the caller's stage and names the offset: %s",
	   err.message);
	deep[0] = 131;
	for (i = 0; i < n; i++) {
		deep[1 + 2 * i] = 104;
		deep[2 + 2 * i] = 1;
	}
	deep[1 + 2 * n] = 106;
	ok(decode_code(deep, 2 * n + 2, NULL, NULL) == DIST_E_TOO_LARGE,
	   "tuples nested 100000 deep: too_large");
	free(deep);

	{
		size_t big = 8 << 20;
		uLongf zn = compressBound(big);
		uint8_t *zeros = calloc(big, 1), *z = malloc(zn + 6);

		z[0] = 131, z[1] = 80;
		put_u32(z + 2, (uint32_t)big + 5);
		zeros[0] = 109;
		put_u32(zeros + 1, (uint32_t)big);
		/* A BINARY of 8 MiB zeros: declared honestly, over a 1 MiB cap. */
		compress(z + 6, &zn, zeros, big);
		small.max_bytes = 1 << 20;
		ok(decode_code(z, zn + 6, &small, NULL) == DIST_E_TOO_LARGE,
		   "compressed bomb over the cap: too_large");
		put_u32(z + 2, 1000);
		ok(decode_code(z, zn + 6, NULL, NULL) == DIST_E_PROTOCOL,
		   "compressed data longer than declared: protocol_error");
		free(zeros);
		free(z);
	}
	small = etf_default_limits;
	small.max_count = 3;
	t = DEC(131, 104, 3, 97, 1, 97, 2, 97, 3);
	ok(t && decode_code((const uint8_t[]){ 131, 104, 3, 97, 1, 97, 2, 97, 3 },
			    9, &small, NULL) == DIST_E_TOO_LARGE,
	   "max_count limits the number of terms");
	ok(DEC(131, 119, 1, 0xFF) == NULL, "invalid UTF-8 atom rejected");
}

/* OTP's atoms are at most 255 characters (code points), however many
 * bytes: a longer one in any of the four atom tags is refused with a
 * message that says so. */
static void test_decode_atom_limit(void)
{
	static uint8_t in[8 + 3 * 256];
	struct dist_error err = { 0 };
	struct etf_term *t = NULL;
	size_t n;

	/* ATOM_UTF8_EXT: 255 three-byte characters, then 256. */
	for (n = 255; n <= 256; n++) {
		in[0] = 131;
		in[1] = 118;
		in[2] = (uint8_t)((3 * n) >> 8);
		in[3] = (uint8_t)(3 * n);
		for (size_t i = 0; i < n; i++)
			memcpy(in + 4 + 3 * i, "\xE6\x97\xA5", 3);
		dist_error_clear(&err);
		t = NULL;
		if (n == 255)
			ok(etf_decode(in, 4 + 3 * n, NULL, A, NULL, &t, &err) == 0 &&
				   t->v.atom.len == 3 * 255,
			   "ATOM_UTF8 of 255 characters (765 bytes) decodes");
		else
			ok(etf_decode(in, 4 + 3 * n, NULL, A, NULL, &t, &err) < 0 &&
				   err.code == DIST_E_PROTOCOL &&
				   strstr(err.message, "longer than 255 characters"),
			   "ATOM_UTF8 of 256 characters is refused: %s",
			   err.message);
	}
	/* ATOM_EXT (Latin-1): 256 bytes are 256 characters. */
	in[0] = 131;
	in[1] = 100;
	in[2] = 1;
	in[3] = 0;
	memset(in + 4, 'a', 256);
	dist_error_clear(&err);
	ok(etf_decode(in, 4 + 256, NULL, A, NULL, &t, &err) < 0 &&
		   strstr(err.message, "longer than 255 characters"),
	   "ATOM_EXT of 256 characters is refused");
	in[3] = 255;
	in[2] = 0;
	ok(etf_decode(in, 4 + 255, NULL, A, NULL, &t, &err) == 0,
	   "ATOM_EXT of 255 characters decodes");
}

static void test_encode_limits(void)
{
	char name[1024];
	struct dist_error err = { 0 };
	struct buf b;

	memset(name, 'a', 256);
	buf_init(&b, 0);
	ok(etf_encode(etf_atom_len(A, name, 256), &b, true, &err) == -1 &&
	   err.code == DIST_E_TOO_LARGE, "atom of 256 characters refused");
	buf_reset(&b);
	ok(etf_encode(etf_atom_len(A, name, 255), &b, true, NULL) == 0,
	   "atom of 255 characters encodes");
	for (int i = 0; i < 256; i++)
		memcpy(name + 3 * i, "\xE6\x97\xA5", 3);
	buf_reset(&b);
	ok(etf_encode(etf_atom_len(A, name, 3 * 255), &b, true, NULL) == 0 &&
	   b.data[1] == 118, "255 CJK characters: ATOM_UTF8 (over 255 bytes)");
	buf_reset(&b);
	ok(etf_encode(etf_atom_len(A, name, 3 * 256), &b, true, &err) == -1,
	   "256 CJK characters refused");
	buf_free(&b);
	buf_init(&b, 8);
	ok(etf_encode(etf_binary(A, "0123456789", 10), &b, true, &err) == -1 &&
	   err.code == DIST_E_TOO_LARGE, "buffer cap: too_large");
	buf_free(&b);
}

int main(void)
{
	A = etf_arena_new();
	test_every_tag();
	test_roundtrips();
	test_printing();
	test_compare();
	test_truncation();
	test_hostile();
	test_decode_atom_limit();
	test_encode_limits();
	etf_arena_free(A);
	return tap_done();
}
