/* term_json.h - Erlang terms as JSON, both ways (jansson).
 *
 * One mapping for every program: dist-rpc results, dist-node mailboxes,
 * dist-members views. Two forms (DESIGN.md "Erlang terms in JSON"):
 *
 * NATURAL (default output; for jq, lossy):
 *   term                                   JSON
 *   integer                                number
 *   integer beyond 64 bits                 {"$int":"123..."}
 *   float                                  number
 *   true / false                           true / false
 *   other atom (nil, undefined, null too)  "name"
 *   binary, valid UTF-8                    "text"
 *   binary, not UTF-8                      {"$bin":"<base64>"}
 *   bitstring (bits not a multiple of 8)   {"$bits":{"data":"<b64>","bits":N}}
 *   [] (empty list)                        []
 *   list of printable characters           "text" (io_lib:printable_unicode_list)
 *   other proper list                      [..]
 *   improper list [a, b | t]               {"$improper":[a, b, t]}
 *   tuple                                  [..]
 *   map whose keys are all atoms or UTF-8  {"key": ..} (in key order), unless
 *     binaries                             two keys give the same text
 *   other map                              {"$map":[[k, v], ..]}
 *   pid, port, ref, fun                    "<0.12.0>", "#Port<0.5>",
 *                                          "#Ref<0.1.2.3>", "fun m:f/1",
 *                                          "#Fun<m.1.2>" (etf_print text)
 *
 * TAGGED (-o tagged, and the input of --json-args; lossless, so tagged
 * output read back gives a term =:= the original):
 *   term                                   JSON
 *   integer within +-2^53                  number
 *   larger integer                         {"$int":"-123..."} (jq 1.6 and
 *                                          JavaScript would round it)
 *   float with a fraction                  number
 *   float without one (1.0, 1.0e300)       {"$float":1.0}: stays a float
 *                                          even through tools that write
 *                                          1.0 as 1
 *   true / false                           true / false
 *   other atom                             {"$atom":"name"}
 *   binary, valid UTF-8                    "text"
 *   binary, not UTF-8                      {"$bin":"<base64>"}
 *   bitstring                              {"$bits":{"data":"<b64>","bits":N}}
 *                                          (N: total bits)
 *   [] / proper list                       [..]
 *   printable charlist ("abc")             {"$str":"abc"}
 *   improper list                          {"$improper":[a, b, tail]}
 *   tuple                                  {"$tuple":[..]}
 *   map, all keys UTF-8 binaries not       {"key": ..}
 *     starting with '$'
 *   other map                              {"$map":[[k, v], ..]}
 *   pid                                    {"$pid":{"node":"a@h","id":12,
 *                                            "serial":0,"creation":3}}
 *   port                                   {"$port":{"node":..,"id":..,
 *                                            "creation":..}}
 *   reference                              {"$ref":{"node":..,"creation":..,
 *                                            "ids":[..]}}
 *   fun M:F/A                              {"$fun":{"module":"m",
 *                                            "function":"f","arity":1}}
 *   closure                                {"$etf":"<base64 of its ETF>"}
 *
 * Floats in both forms are numbers whose text is the shortest that reads
 * back as the same double (float_text.h), once printed by json_exact.
 *
 * Reading tagged JSON also accepts: null -> the atom null; any JSON
 * object with one member whose key starts with '$' is a tag (an unknown
 * one is an error); every other object is a map with binary keys;
 * {"$etf":"<base64>"} holds any term in external format (decoded under
 * the limits). Errors name the JSON path: "$[2].$tuple[0]: ...".
 * Binaries may hold NUL bytes ("\u0000" in JSON): load the JSON with
 * JSON_ALLOW_NUL so they read back. A number json_exact_loadb kept as
 * text is an integer of any size, or an error when it is a real beyond
 * the largest double.
 *
 * Errors: DIST_E_INVALID_ARGS (bad tagged JSON, stage input),
 * DIST_E_TOO_LARGE (a limit), DIST_E_NOMEM. Nesting is bounded (the
 * depth limit, at most ETF_MAX_WALK_DEPTH) so nothing overflows the
 * stack.
 */
#ifndef DIST_TERM_JSON_H
#define DIST_TERM_JSON_H

#include <jansson.h>

#include "base/error.h"
#include "etf/etf.h"
#include "term/term_parse.h"

struct term_json_opts {
	/* The node that sent the term: its pids, ports and refs print as
	 * <0.12.0> in the natural form (etf_print_with); NULL prints all
	 * of them so. */
	const char *local_node;
	/* Nesting refused with DIST_E_TOO_LARGE; 0 means 1000. */
	size_t max_depth;
};

json_t *term_to_json_natural(const struct etf_term *t,
			     const struct term_json_opts *o,
			     struct dist_error *err);

json_t *term_to_json_tagged(const struct etf_term *t,
			    const struct term_json_opts *o,
			    struct dist_error *err);

/* The inverse of term_to_json_tagged: 0 and *out (allocated in a), or -1.
 * lim: max_depth, max_terms and max_binary apply (NULL: defaults). */
int term_from_json_tagged(json_t *j, struct etf_arena *a,
			  const struct term_parse_limits *lim,
			  struct etf_term **out, struct dist_error *err);

#endif
