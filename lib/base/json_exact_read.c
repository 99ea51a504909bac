/* json_exact_read.c - jansson's parser, with the numbers it refuses kept
 * as text (json_exact.h).
 *
 * The text is scanned once for such numbers (an integer beyond
 * json_int_t, a real beyond the largest double); each is replaced by
 * "null" padded with spaces to its length, so jansson's error columns
 * stay right, and put back after parsing: it is the k-th null of the
 * document, and a walk of the parsed tree in document order finds the
 * k-th null again (objects keep their members in document order, and
 * duplicate keys, which would break that, are refused).
 */
#include "base/json_exact.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct kept {
	size_t null_index;     /* which null of the document it became */
	size_t off, len;       /* its text */
};

struct scan {
	struct kept *v;
	size_t n, cap;
	size_t nulls;
	bool failed;           /* out of memory */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a JSON number at s (grammar only), or 0. */
static size_t number_len(const char *s, size_t n, bool *real)
{
	size_t i = 0, d;

	*real = false;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else
		for (d = i; i < n && is_digit(s[i]); i++)
			;
	if (i == 0 || !is_digit(s[i - 1]))
		return 0;
	if (i < n && s[i] == '.') {
		*real = true;
		for (d = ++i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*real = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/* Does the number text fit what jansson makes of it? */
static bool fits(const char *s, size_t len, bool real)
{
	char tmp[64], *copy = len < sizeof tmp ? tmp : malloc(len + 1);
	bool ok;

	if (!copy)
		return true;    /* let jansson decide */
	memcpy(copy, s, len);
	copy[len] = '\0';
	errno = 0;
	if (real)
		ok = !isinf(strtod(copy, NULL));
	else
		ok = (strtoll(copy, NULL, 10), errno != ERANGE);
	if (copy != tmp)
		free(copy);
	return ok;
}

static void keep(struct scan *sc, size_t off, size_t len)
{
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 8;
		struct kept *v = realloc(sc->v, cap * sizeof(*v));

		if (!v) {
			sc->failed = true;
			return;
		}
		sc->v = v;
		sc->cap = cap;
	}
	sc->v[sc->n].null_index = sc->nulls++;
	sc->v[sc->n].off = off;
	sc->v[sc->n++].len = len;
}

/* Find the numbers to keep; in text, replace each with padded null. */
static void scan(char *text, size_t n, struct scan *sc)
{
	size_t i = 0, len;
	bool real;

	while (i < n && !sc->failed) {
		char c = text[i];

		if (c == '"') {
			for (i++; i < n && text[i] != '"'; i++)
				if (text[i] == '\\')
					i++;
			i++;
		} else if (c == 'n' && n - i >= 4 && !memcmp(text + i, "null", 4)) {
			sc->nulls++;
			i += 4;
		} else if ((c == '-' || is_digit(c)) &&
			   (len = number_len(text + i, n - i, &real)) > 0) {
			if (!fits(text + i, len, real)) {
				keep(sc, i, len);
				memcpy(text + i, "null", 4);
				memset(text + i + 4, ' ', len - 4);
			}
			i += len;
		} else {
			i++;
		}
	}
}

struct restore {
	const struct scan *sc;
	const char *orig;
	size_t nulls, next;    /* nulls seen; next kept number */
	bool failed;
};

/* The kept number for the null just met, or NULL when it is a real
 * null. */
static json_t *take(struct restore *r)
{
	const struct kept *k;
	json_t *t;

	if (r->next >= r->sc->n ||
	    r->sc->v[r->next].null_index != r->nulls++)
		return NULL;
	k = &r->sc->v[r->next++];
	t = json_number_text_new(r->orig + k->off, k->len);
	if (!t)
		r->failed = true;
	return t;
}

static void restore(struct restore *r, json_t *j)
{
	json_t *v, *t;
	size_t i;
	void *it;

	if (json_is_array(j)) {
		for (i = 0; i < json_array_size(j); i++) {
			v = json_array_get(j, i);
			if (json_is_null(v) && (t = take(r)))
				json_array_set_new(j, i, t);
			else
				restore(r, v);
		}
	} else if (json_is_object(j)) {
		for (it = json_object_iter(j); it;
		     it = json_object_iter_next(j, it)) {
			v = json_object_iter_value(it);
			if (json_is_null(v) && (t = take(r)))
				json_object_iter_set_new(j, it, t);
			else
				restore(r, v);
		}
	}
}

static json_t *no_memory(json_error_t *err)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		snprintf(err->text, sizeof err->text, "out of memory");
	}
	return NULL;
}

json_t *json_exact_loadb(const char *text, size_t len, size_t flags,
			 json_error_t *err)
{
	struct scan sc = { 0 };
	struct restore r = { .sc = &sc, .orig = text };
	char *copy;
	json_t *j;

	flags |= JSON_REJECT_DUPLICATES;
	copy = malloc(len ? len : 1);
	if (!copy)
		return no_memory(err);
	memcpy(copy, text, len);
	scan(copy, len, &sc);
	j = sc.failed ? no_memory(err) :
		json_loadb(copy, len, sc.n ? flags | JSON_DECODE_ANY : flags,
			   err);
	free(copy);
	if (j && sc.n) {
		if (json_is_null(j)) {
			json_decref(j);
			j = take(&r);
		} else {
			restore(&r, j);
		}
		if (r.failed || !j) {
			json_decref(j);
			j = no_memory(err);
		}
	}
	free(sc.v);
	return j;
}
