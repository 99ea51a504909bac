/* etf_term.c - the term arena, constructors and term predicates (see
 * etf.h). Term order and equality live in etf_compare.c. */
#include "etf/etf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A decode makes many small allocations that die together: bump them out
 * of big chunks and free the chunks at once. The first chunk is small
 * and each next one twice the last, up to ARENA_CHUNK: a probe's few
 * terms then touch one page, not sixteen (calloc zeroes what it hands
 * out, and on a small VM each page touched the first time costs about
 * as much as a loopback round trip). */
#define ARENA_FIRST_CHUNK (4 * 1024 - 64)
#define ARENA_CHUNK (64 * 1024)
/* Bigger requests get a chunk of their own so a 1 MB binary does not
 * waste the rest of a shared chunk. */
#define ARENA_BIG (ARENA_CHUNK / 4)
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct etf_arena {
	struct chunk *head;    /* current chunk for small requests */
	struct chunk *big;     /* chunks holding one big request each */
	size_t next_size;      /* of the next small-request chunk */
};

const struct etf_limits etf_default_limits = {
	.max_depth = 1000,
	.max_count = 10000000,
	.max_bytes = 256u * 1024 * 1024,
};

struct etf_arena *etf_arena_new(void)
{
	return calloc(1, sizeof(struct etf_arena));
}

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;

		free(c);
		c = next;
	}
}

void etf_arena_free(struct etf_arena *a)
{
	if (!a)
		return;
	free_chunks(a->head);
	free_chunks(a->big);
	free(a);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = calloc(1, sizeof(*c) + size);
	if (c)
		c->size = size;
	return c;
}

void *etf_arena_alloc(struct etf_arena *a, size_t n)
{
	struct chunk *c;
	size_t need;

	if (!a)
		return NULL;
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need > ARENA_BIG) {
		c = chunk_new(need);
		if (!c)
			return NULL;
		c->next = a->big;
		a->big = c;
		c->used = need;
		return c->data;
	}
	c = a->head;
	if (!c || c->size - c->used < need) {
		size_t size = a->next_size ? a->next_size : ARENA_FIRST_CHUNK;

		while (size < need)
			size *= 2;
		c = chunk_new(size);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
		a->next_size = size * 2 > ARENA_CHUNK ? ARENA_CHUNK : size * 2;
	}
	c->used += need;
	/* Chunks come zeroed from calloc and are never reused. */
	return c->data + c->used - need;
}

/* Array of n pointers, refusing sizes that would overflow. */
static void *arena_array(struct etf_arena *a, size_t n, size_t size)
{
	if (n && size > SIZE_MAX / n)
		return NULL;
	return etf_arena_alloc(a, n * size);
}

static struct etf_term *term_new(struct etf_arena *a, enum etf_type type)
{
	struct etf_term *t = etf_arena_alloc(a, sizeof(*t));

	if (t)
		t->type = type;
	return t;
}

struct etf_term *etf_int(struct etf_arena *a, int64_t v)
{
	struct etf_term *t = term_new(a, ETF_INT);

	if (t)
		t->v.i = v;
	return t;
}

struct etf_term *etf_float(struct etf_arena *a, double v)
{
	struct etf_term *t = term_new(a, ETF_FLOAT);

	if (t)
		t->v.f = v;
	return t;
}

struct etf_term *etf_atom_len(struct etf_arena *a, const char *utf8,
			      size_t len)
{
	struct etf_term *t;
	char *name;

	if (len > UINT32_MAX)
		return NULL;
	t = term_new(a, ETF_ATOM);
	name = etf_arena_alloc(a, len + 1);
	if (!t || !name)
		return NULL;
	if (len)
		memcpy(name, utf8, len);
	t->v.atom.len = (uint32_t)len;
	t->v.atom.name = name;
	return t;
}

struct etf_term *etf_atom(struct etf_arena *a, const char *utf8)
{
	return etf_atom_len(a, utf8, strlen(utf8));
}

struct etf_term *etf_nil(struct etf_arena *a)
{
	return term_new(a, ETF_NIL);
}

static uint8_t *arena_copy(struct etf_arena *a, const void *p, size_t n)
{
	uint8_t *q = etf_arena_alloc(a, n);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

struct etf_term *etf_binary(struct etf_arena *a, const void *data,
			    size_t len)
{
	struct etf_term *t;

	if (len > UINT32_MAX)
		return NULL;
	t = term_new(a, ETF_BINARY);
	if (!t)
		return NULL;
	t->v.bin.data = arena_copy(a, data, len);
	if (!t->v.bin.data)
		return NULL;
	t->v.bin.len = (uint32_t)len;
	t->v.bin.bits = 8;
	return t;
}

struct etf_term *etf_string(struct etf_arena *a, const void *bytes,
			    size_t len)
{
	struct etf_term *t;

	if (len == 0)
		return etf_nil(a);
	if (len > UINT32_MAX)
		return NULL;
	t = term_new(a, ETF_STRING);
	if (!t)
		return NULL;
	t->v.string.bytes = arena_copy(a, bytes, len);
	if (!t->v.string.bytes)
		return NULL;
	t->v.string.len = (uint32_t)len;
	return t;
}

struct etf_term *etf_tuple_new(struct etf_arena *a, uint32_t arity)
{
	struct etf_term *t = term_new(a, ETF_TUPLE);

	if (!t)
		return NULL;
	t->v.tuple.arity = arity;
	t->v.tuple.elems = arena_array(a, arity, sizeof(struct etf_term *));
	return t->v.tuple.elems ? t : NULL;
}

struct etf_term *etf_tuple(struct etf_arena *a, uint32_t arity, ...)
{
	struct etf_term *t = etf_tuple_new(a, arity);
	va_list ap;
	uint32_t i;

	if (!t)
		return NULL;
	va_start(ap, arity);
	for (i = 0; i < arity; i++)
		t->v.tuple.elems[i] = va_arg(ap, struct etf_term *);
	va_end(ap);
	for (i = 0; i < arity; i++)
		if (!t->v.tuple.elems[i])
			return NULL;	/* an element's constructor failed */
	return t;
}

struct etf_term *etf_list_new(struct etf_arena *a, uint32_t len,
			      struct etf_term *tail)
{
	struct etf_term *t;

	if (!tail)
		tail = etf_nil(a);
	if (!tail || len == 0)
		return tail;
	t = term_new(a, ETF_LIST);
	if (!t)
		return NULL;
	t->v.list.len = len;
	t->v.list.tail = tail;
	t->v.list.elems = arena_array(a, len, sizeof(struct etf_term *));
	return t->v.list.elems ? t : NULL;
}

struct etf_term *etf_map_new(struct etf_arena *a, uint32_t arity)
{
	struct etf_term *t = term_new(a, ETF_MAP);

	if (!t)
		return NULL;
	t->v.map.arity = arity;
	t->v.map.keys = arena_array(a, arity, sizeof(struct etf_term *));
	t->v.map.values = arena_array(a, arity, sizeof(struct etf_term *));
	return t->v.map.keys && t->v.map.values ? t : NULL;
}

struct etf_term *etf_pid(struct etf_arena *a, const char *node,
			 uint32_t id, uint32_t serial, uint32_t creation)
{
	struct etf_term *t = term_new(a, ETF_PID);

	if (!t)
		return NULL;
	t->v.pid.node = etf_atom(a, node);
	t->v.pid.id = id;
	t->v.pid.serial = serial;
	t->v.pid.creation = creation;
	return t->v.pid.node ? t : NULL;
}

struct etf_term *etf_ref(struct etf_arena *a, const char *node,
			 uint32_t creation, const uint32_t *ids, uint8_t len)
{
	struct etf_term *t;

	if (len == 0 || len > 5)
		return NULL;
	t = term_new(a, ETF_REF);
	if (!t)
		return NULL;
	t->v.ref.node = etf_atom(a, node);
	t->v.ref.creation = creation;
	t->v.ref.len = len;
	memcpy(t->v.ref.ids, ids, len * sizeof(*ids));
	return t->v.ref.node ? t : NULL;
}

/* A magnitude fits int64 when it is below 2^63, or exactly 2^63 and
 * negative. */
static bool big_fits_int64(int negative, const uint8_t *d, uint32_t n,
			   int64_t *out)
{
	uint64_t mag = 0;
	uint32_t i;

	if (n > 8)
		return false;
	for (i = n; i-- > 0;)
		mag = (mag << 8) | d[i];
	if (mag <= (uint64_t)INT64_MAX) {
		*out = negative ? -(int64_t)mag : (int64_t)mag;
		return true;
	}
	if (negative && mag == (uint64_t)INT64_MAX + 1) {
		*out = INT64_MIN;
		return true;
	}
	return false;
}

struct etf_term *etf_big(struct etf_arena *a, int negative,
			 const uint8_t *le_digits, uint32_t n)
{
	struct etf_term *t;
	int64_t small;

	while (n > 0 && le_digits[n - 1] == 0)
		n--;
	if (big_fits_int64(negative, le_digits, n, &small))
		return etf_int(a, small);
	t = term_new(a, ETF_BIG);
	if (!t)
		return NULL;
	t->v.big.negative = negative ? 1 : 0;
	t->v.big.n = n;
	t->v.big.digits = arena_copy(a, le_digits, n);
	return t->v.big.digits ? t : NULL;
}

bool etf_is_atom(const struct etf_term *t, const char *name)
{
	size_t n = strlen(name);

	return t && t->type == ETF_ATOM && t->v.atom.len == n &&
	       memcmp(t->v.atom.name, name, n) == 0;
}

bool etf_is_tuple(const struct etf_term *t, uint32_t arity)
{
	return t && t->type == ETF_TUPLE && t->v.tuple.arity == arity;
}
