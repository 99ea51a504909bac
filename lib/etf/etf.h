/* etf.h - Erlang external term format: a term tree, decode, encode, print.
 *
 * Terms live in an arena: a decode or a message build allocates from one
 * arena and everything is freed at once with etf_arena_free. Decoding is
 * bounded by struct etf_limits (input size, nesting depth, element count,
 * inflated size for COMPRESSED) and returns a typed error, never crashes,
 * on hostile input.
 *
 * Files: etf_term.c (arena, constructors), etf_compare.c (order,
 * equality), etf_decode*.c, etf_encode.c, etf_print*.c (Erlang term
 * syntax); etf_*_internal.h are private to their files.
 */
#ifndef DIST_ETF_H
#define DIST_ETF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

#define ETF_VERSION 131

enum etf_type {
	ETF_INT,     /* fits int64_t */
	ETF_BIG,     /* larger integers: sign + little-endian magnitude */
	ETF_FLOAT,
	ETF_ATOM,    /* UTF-8 name */
	ETF_TUPLE,
	ETF_NIL,     /* [] */
	ETF_LIST,    /* non-empty list; tail is NIL for a proper list */
	ETF_STRING,  /* STRING_EXT: a proper list of bytes 0..255, kept as bytes */
	ETF_BINARY,  /* bits == 8: whole bytes; else a bitstring */
	ETF_MAP,
	ETF_PID,
	ETF_PORT,
	ETF_REF,
	ETF_EXPORT,  /* fun M:F/A */
	ETF_FUN,     /* a closure: kept as its encoded bytes, printed as #Fun<M.I.U> */
};

struct etf_term;

struct etf_term {
	enum etf_type type;
	union {
		int64_t i;
		double f;
		struct { int negative; uint32_t n; uint8_t *digits; } big;
		struct { uint32_t len; char *name; } atom;
		struct { uint32_t arity; struct etf_term **elems; } tuple;
		struct { uint32_t len; struct etf_term **elems;
			 struct etf_term *tail; } list;
		struct { uint32_t len; uint8_t *bytes; } string;
		struct { uint32_t len; uint8_t *data; uint8_t bits; } bin;
		struct { uint32_t arity; struct etf_term **keys;
			 struct etf_term **values; } map;
		struct { struct etf_term *node; uint32_t id, serial,
			 creation; } pid;
		struct { struct etf_term *node; uint64_t id;
			 uint32_t creation; } port;
		struct { struct etf_term *node; uint32_t creation;
			 uint8_t len; uint32_t ids[5]; } ref;
		struct { struct etf_term *module, *function;
			 uint8_t arity; } export;
		struct { struct etf_term *module; uint32_t index;
			 uint8_t uniq[16]; uint32_t len;
			 uint8_t *raw; /* whole NEW_FUN_EXT, tag included */
			 /* Decoded from raw, for printing and matching:
			  * #Fun<Module.OldIndex.OldUniq> is how OTP
			  * prints a closure. */
			 uint8_t arity; uint32_t old_index, old_uniq;
			 struct etf_term *pid;
			 uint32_t num_free; struct etf_term **free_vars; } fun;
	} v;
};

struct etf_arena;

struct etf_arena *etf_arena_new(void);
void etf_arena_free(struct etf_arena *a);
/* Raw allocation from the arena (zeroed); NULL when out of memory. */
void *etf_arena_alloc(struct etf_arena *a, size_t n);

struct etf_limits {
	size_t max_depth;    /* nesting of tuples/lists/maps */
	size_t max_count;    /* total number of terms in one value */
	size_t max_bytes;    /* encoded size, and inflated size of COMPRESSED */
};
/* Defaults: depth 1000, 10 000 000 terms, 256 MiB. */
extern const struct etf_limits etf_default_limits;

/* Decode one term that starts with the version byte 131 at buf.
 * *used gets the number of bytes consumed (so a message with a control
 * term followed by a payload term can be decoded in two calls).
 * Errors: DIST_E_PROTOCOL (malformed), DIST_E_TOO_LARGE (a limit),
 * DIST_E_NOMEM; err->stage is left as passed in err->stage. */
int etf_decode(const uint8_t *buf, size_t len, size_t *used,
	       struct etf_arena *a, const struct etf_limits *lim,
	       struct etf_term **out, struct dist_error *err);

/* Encode with the version byte (with_version) or without. Uses
 * SMALL_ATOM_UTF8/ATOM_UTF8, NEW_PID, NEWER_REFERENCE, V4_PORT when needed,
 * SMALL_BIG/LARGE_BIG, NEW_FLOAT, MAP, BINARY/BIT_BINARY. Returns 0 or -1
 * (DIST_E_TOO_LARGE when the buffer cap is hit, DIST_E_NOMEM). */
int etf_encode(const struct etf_term *t, struct buf *out, bool with_version,
	       struct dist_error *err);

/* Constructors: allocate in the arena; NULL when out of memory. */
struct etf_term *etf_int(struct etf_arena *a, int64_t v);
struct etf_term *etf_float(struct etf_arena *a, double v);
struct etf_term *etf_atom(struct etf_arena *a, const char *utf8);
struct etf_term *etf_atom_len(struct etf_arena *a, const char *utf8,
			      size_t len);
struct etf_term *etf_nil(struct etf_arena *a);
struct etf_term *etf_binary(struct etf_arena *a, const void *data,
			    size_t len);
/* etf_tuple(a, n, t1, ..., tn) */
struct etf_term *etf_tuple(struct etf_arena *a, uint32_t arity, ...);
struct etf_term *etf_tuple_new(struct etf_arena *a, uint32_t arity);
struct etf_term *etf_list_new(struct etf_arena *a, uint32_t len,
			      struct etf_term *tail);
struct etf_term *etf_map_new(struct etf_arena *a, uint32_t arity);
struct etf_term *etf_pid(struct etf_arena *a, const char *node,
			 uint32_t id, uint32_t serial, uint32_t creation);
struct etf_term *etf_ref(struct etf_arena *a, const char *node,
			 uint32_t creation, const uint32_t *ids, uint8_t len);
/* STRING_EXT-style list of bytes (a charlist of Latin-1 characters). */
struct etf_term *etf_string(struct etf_arena *a, const void *bytes,
			    size_t len);
/* Big integer from a sign and little-endian magnitude (normalised to
 * ETF_INT when it fits). */
struct etf_term *etf_big(struct etf_arena *a, int negative,
			 const uint8_t *le_digits, uint32_t n);

/* Encode, print and compare walk the tree recursively; deeper trees (only
 * possible when built by hand or decoded with a raised max_depth) are
 * refused with DIST_E_TOO_LARGE instead of overflowing the stack. */
#define ETF_MAX_WALK_DEPTH 10000

/* Helpers for matching replies. */
bool etf_is_atom(const struct etf_term *t, const char *name);
bool etf_is_tuple(const struct etf_term *t, uint32_t arity);
/* Structural equality (as =:=, with STRING and LIST of small ints equal,
 * and an int equal to a normalised big). */
bool etf_equal(const struct etf_term *x, const struct etf_term *y);

/* Total order of terms as OTP orders map keys (number < atom < ref <
 * fun < port < pid < tuple < map < [] < list < bitstring; integers before
 * floats): <0, 0 or >0. Returns 0 exactly when etf_equal. */
int etf_compare(const struct etf_term *x, const struct etf_term *y);

/* Fill order[0 .. arity) with the indices of map's keys in key order
 * (etf_compare), as OTP iterates a map of up to 32 keys. 0, or -1 when
 * map is not a map. */
int etf_map_order(const struct etf_term *map, uint32_t *order);

/* Print in Erlang term syntax, one line.
 *
 * pretty == false: byte for byte what io_lib:format("~w", [T]) prints
 * (UTF-8 encoded; atom characters above 255 escaped as \x{..} as ~w does).
 * pretty == true: byte for byte what io_lib_pretty:print(T, [{encoding,
 * unicode}, {line_length, huge}]) prints on a node started with
 * +pc unicode: printable lists as "strings", printable binaries as
 * <<"text">> or <<"text"/utf8>>, unicode atoms unescaped.
 *
 * Map keys print in key order (etf_compare), as OTP 25 prints maps of up
 * to 32 keys; it prints larger maps in its internal hash order, which we
 * cannot reproduce, so those print sorted (as OTP 26's ~kw does).
 *
 * Pids, ports and refs print with node index 0 (<0.ID.SERIAL>,
 * #Port<0.ID>, #Ref<0.W2.W1.W0>), as a node prints its own; see
 * etf_print_with to print those of other nodes with their node name. */
int etf_print(const struct etf_term *t, struct buf *out, bool pretty,
	      struct dist_error *err);

struct etf_print_opts {
	bool pretty;
	/* NULL: every pid/port/ref prints with node index 0. Otherwise only
	 * those of this node do; the node index a real node shows for
	 * another node is private to it, so we print the node name in its
	 * place: <other@host.12.0>, #Port<other@host.5>,
	 * #Ref<other@host.1.2.3>. */
	const char *local_node;
};

int etf_print_with(const struct etf_term *t, struct buf *out,
		   const struct etf_print_opts *opts,
		   struct dist_error *err);

#endif
