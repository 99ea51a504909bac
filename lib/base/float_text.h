/* float_text.h - a double as the shortest text that reads back as the
 * same double, laid out as Erlang's float_to_list(F, [short]) does.
 *
 * One text for every output: Erlang term syntax (etf_print), JSON
 * records (json_exact) and -o raw agree byte for byte, and the text is
 * valid both as an Erlang float and as a JSON number ("1.0e22",
 * "-0.0", "5.0e-324").
 */
#ifndef DIST_FLOAT_TEXT_H
#define DIST_FLOAT_TEXT_H

#include <stddef.h>

/* Longest text float_short writes, with its NUL. */
#define FLOAT_SHORT_MAX 32

/* Write the text of finite f into out (FLOAT_SHORT_MAX bytes); returns
 * its length. Infinities and NaN (which Erlang has not) give "inf" /
 * "nan"-like C text: callers never pass them. */
size_t float_short(double f, char *out);

#endif
