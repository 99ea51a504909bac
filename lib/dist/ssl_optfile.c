/* ssl_optfile.c - a node's -ssl_dist_optfile, its client section (see
 * ssl_optfile.h), parsed with the Erlang term reader of term/. */
#include "dist/ssl_optfile.h"

#include <stdio.h>
#include <string.h>

#include "base/file.h"
#include "base/utf8.h"
#include "term/term_parse.h"

static const struct term_parse_limits optfile_limits = {
	.max_depth = 16,
	.max_terms = 10000,
	.max_text = SSL_OPTFILE_MAX,
	.max_binary = SSL_OPTFILE_MAX,
	.max_digits = 20,
};

static bool is_atom(const struct etf_term *t, const char *name)
{
	return t->type == ETF_ATOM && t->v.atom.len == strlen(name) &&
	       !memcmp(t->v.atom.name, name, t->v.atom.len);
}

/* Append one code point as UTF-8: file names are UTF-8 to an Erlang
 * node (+fnu, the default), whatever the text spelled. */
static bool put_cp(uint32_t cp, char *out, size_t size, size_t *n)
{
	uint8_t u[4];
	size_t k = utf8_put(cp, u);

	if (k == 0 || cp == 0 || *n + k >= size)
		return false;
	memcpy(out + *n, u, k);
	*n += k;
	return true;
}

/* A path or password: a string ("..", a list of code points) or a
 * binary, as OTP's ssl takes both. */
static bool text_value(const struct etf_term *t, char *out, size_t size)
{
	size_t n = 0;
	uint32_t i;

	switch (t->type) {
	case ETF_NIL:
		break;
	case ETF_STRING:
		for (i = 0; i < t->v.string.len; i++)
			if (!put_cp(t->v.string.bytes[i], out, size, &n))
				return false;
		break;
	case ETF_LIST:
		if (t->v.list.tail->type != ETF_NIL)
			return false;
		for (i = 0; i < t->v.list.len; i++) {
			const struct etf_term *e = t->v.list.elems[i];

			if (e->type != ETF_INT || e->v.i < 0 ||
			    e->v.i > 0x10FFFF ||
			    !put_cp((uint32_t)e->v.i, out, size, &n))
				return false;
		}
		break;
	case ETF_BINARY:
		if (t->v.bin.bits != 8 || t->v.bin.len >= size ||
		    memchr(t->v.bin.data, 0, t->v.bin.len))
			return false;
		memcpy(out, t->v.bin.data, t->v.bin.len);
		n = t->v.bin.len;
		break;
	default:
		return false;
	}
	out[n] = '\0';
	return true;
}

static int bad(struct dist_error *err, const char *name, const char *what)
{
	return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			      "ssl_dist_optfile %s: %s", name, what);
}

static int client_option(const struct etf_term *o, const char *name,
			 struct ssl_optfile *out, struct dist_error *err)
{
	const struct etf_term *k, *v;
	char *slot = NULL;
	size_t size = 0;

	/* A bare atom is {Atom, true} in a proplist: nothing we use. */
	if (o->type == ETF_ATOM)
		return 0;
	if (o->type != ETF_TUPLE || o->v.tuple.arity != 2 ||
	    o->v.tuple.elems[0]->type != ETF_ATOM)
		return bad(err, name, "a client option is not {Name, Value}");
	k = o->v.tuple.elems[0];
	v = o->v.tuple.elems[1];
	if (is_atom(k, "verify")) {
		if (is_atom(v, "verify_peer"))
			out->verify = SSL_OPTFILE_VERIFY_PEER;
		else if (is_atom(v, "verify_none"))
			out->verify = SSL_OPTFILE_VERIFY_NONE;
		else
			return bad(err, name, "verify must be verify_peer or "
				   "verify_none");
		return 0;
	}
	if (is_atom(k, "certfile"))
		slot = out->certfile, size = sizeof out->certfile;
	else if (is_atom(k, "keyfile"))
		slot = out->keyfile, size = sizeof out->keyfile;
	else if (is_atom(k, "cacertfile"))
		slot = out->cacertfile, size = sizeof out->cacertfile;
	else if (is_atom(k, "password"))
		slot = out->password, size = sizeof out->password;
	if (!slot)
		return 0;      /* OTP ssl tuning we do not need */
	if (!text_value(v, slot, size)) {
		char what[96];

		snprintf(what, sizeof what, "%.*s must be a string (a path), "
			 "not empty of NULs and shorter than %zu bytes",
			 (int)k->v.atom.len, k->v.atom.name, size);
		return bad(err, name, what);
	}
	return 0;
}

static int client_section(const struct etf_term *opts, const char *name,
			  struct ssl_optfile *out, struct dist_error *err)
{
	uint32_t i;

	out->has_client = true;
	if (opts->type == ETF_NIL)
		return 0;
	if (opts->type != ETF_LIST || opts->v.list.tail->type != ETF_NIL)
		return bad(err, name, "the client options are not a list");
	for (i = 0; i < opts->v.list.len; i++)
		if (client_option(opts->v.list.elems[i], name, out, err) < 0)
			return -1;
	return 0;
}

static int sections(const struct etf_term *t, const char *name,
		    const char *side, struct ssl_optfile *out,
		    struct dist_error *err)
{
	uint32_t i;

	if (t->type == ETF_NIL)
		return 0;
	if (t->type != ETF_LIST || t->v.list.tail->type != ETF_NIL)
		return bad(err, name, "expected [{server, Opts}, {client, "
			   "Opts}]");
	for (i = 0; i < t->v.list.len; i++) {
		const struct etf_term *s = t->v.list.elems[i];

		if (s->type != ETF_TUPLE || s->v.tuple.arity != 2 ||
		    (!is_atom(s->v.tuple.elems[0], "server") &&
		     !is_atom(s->v.tuple.elems[0], "client")))
			return bad(err, name, "each entry must be {server, "
				   "Opts} or {client, Opts}");
		if (is_atom(s->v.tuple.elems[0], side) &&
		    client_section(s->v.tuple.elems[1], name, out, err) < 0)
			return -1;
	}
	return 0;
}

int ssl_optfile_parse_side(const char *text, size_t len, const char *name,
			   const char *side, struct ssl_optfile *out,
			   struct dist_error *err)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *t;
	int rc;

	memset(out, 0, sizeof *out);
	if (!a)
		return dist_error_nomem(err, DIST_STAGE_NONE,
					"reading the ssl_dist_optfile");
	if (term_parse(text, len, a, &optfile_limits, &t, err) < 0) {
		char why[DIST_ERROR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->message);
		rc = err->code == DIST_E_NOMEM ? -1 : bad(err, name, why);
	} else {
		rc = sections(t, name, side, out, err);
	}
	etf_arena_free(a);
	if (rc < 0)
		ssl_optfile_wipe(out);
	return rc;
}

int ssl_optfile_parse(const char *text, size_t len, const char *name,
		      struct ssl_optfile *out, struct dist_error *err)
{
	return ssl_optfile_parse_side(text, len, name, "client", out, err);
}

int ssl_optfile_read_side(const char *path, const char *side,
			  struct ssl_optfile *out, struct dist_error *err)
{
	struct file_text f;
	int rc;

	memset(out, 0, sizeof *out);
	/* It may hold the key's password. */
	if (file_read(path, "ssl_dist_optfile", SSL_OPTFILE_MAX,
		      FILE_SECRET | FILE_REGULAR, &f, err) < 0) {
		err->code = DIST_E_TLS;
		return -1;
	}
	rc = ssl_optfile_parse_side(f.data, f.len, path, side, out, err);
	file_text_free(&f);
	return rc;
}

int ssl_optfile_read(const char *path, struct ssl_optfile *out,
		     struct dist_error *err)
{
	return ssl_optfile_read_side(path, "client", out, err);
}

void ssl_optfile_wipe(struct ssl_optfile *o)
{
	explicit_bzero(o->password, sizeof o->password);
}
