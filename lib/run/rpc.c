/* rpc.c - M:F(A) and --eval as runner jobs (see rpc.h). */
#include "run/rpc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "run/conn_job.h"
#include "run/rpc_eval.h"
#include "run/wrapper_form.h"
#include "dist/rex.h"
#include "base/json_exact.h"
#include "base/utf8.h"
#include "term/term_json.h"
#include "term/term_parse.h"

struct rpc_job {
	struct conn_job base;
	struct etf_arena *arena;     /* request terms */
	struct etf_term *mod, *fun, *args;
	struct buf output;           /* captured io (rex_stdout) */
	char *text;                  /* -o term / -o raw line */
	const char *eval_text;       /* --eval or the record's "eval" */
};

static const struct rpc_config *cfg_of(const struct runner_job *j)
{
	return runner_ctx(j->r);
}

int rpc_output_parse(const char *s)
{
	if (!strcmp(s, "json"))
		return RPC_OUT_NATURAL;
	if (!strcmp(s, "tagged"))
		return RPC_OUT_TAGGED;
	if (!strcmp(s, "term"))
		return RPC_OUT_TERM;
	if (!strcmp(s, "raw"))
		return RPC_OUT_RAW;
	if (!strcmp(s, "text"))
		return RPC_OUT_TEXT;
	return -1;
}

/* The wrappers decoded, each on its first use: a call never needs the
 * bigger --eval wrapper, and a probe's start-up is most of its cost. */
struct rpc_wrappers {
	struct etf_term *call, *eval;
};

int rpc_config_prepare(struct rpc_config *cfg, struct dist_error *err)
{
	if (!cfg->arena)
		cfg->arena = etf_arena_new();
	if (!cfg->arena)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	if (!cfg->wrappers)
		cfg->wrappers = etf_arena_alloc(cfg->arena,
						sizeof *cfg->wrappers);
	if (!cfg->wrappers)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	return 0;
}

const struct etf_term *rpc_config_wrapper(const struct rpc_config *cfg,
					  bool eval, struct dist_error *err)
{
	struct etf_term **slot = eval ? &cfg->wrappers->eval
				      : &cfg->wrappers->call;

	if (!*slot && wrapper_form_decode(eval ? &rpc_wrapper_eval
					       : &rpc_wrapper_call,
					  cfg->arena, slot, err) < 0) {
		*slot = NULL;
		return NULL;
	}
	return *slot;
}

void rpc_config_release(struct rpc_config *cfg)
{
	etf_arena_free(cfg->arena);
	cfg->arena = NULL;
	codec_free(cfg->result_codec);
	cfg->result_codec = NULL;
}

static void rpc_fail(struct runner_job *j, const struct dist_error *err)
{
	conn_job_end(j->priv, err);
}

static int field_error(struct dist_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A bad field of the input record: nothing is sent. */
static int field_error(struct dist_error *err, const char *fmt, ...)
{
	char what[DIST_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return dist_error_set(err, DIST_E_INVALID_ARGS, DIST_STAGE_INPUT,
			      "input record: %s", what);
}

static const char *json_kind(const json_t *v)
{
	if (json_number_text(v) || json_is_number(v))
		return "a number";
	if (json_is_boolean(v))
		return "a boolean";
	if (json_is_null(v))
		return "null";
	if (json_is_array(v))
		return "an array";
	return json_is_object(v) ? "an object" : "a string";
}

/* "module" / "function": an atom's name, as a JSON string. NULL and no
 * error when the record has no such field. */
static int name_field(json_t *f, const char *key, const char **out,
		      struct dist_error *err)
{
	json_t *v = json_object_get(f, key);
	size_t chars, n;
	const char *s;

	if (!v)
		return 0;
	s = json_string_value(v);
	if (!s)
		return field_error(err, "\"%s\" must be a string (an atom "
				   "name), not %s", key, json_kind(v));
	n = json_string_length(v);
	/* jansson holds valid UTF-8 only: the count is never -1. */
	chars = (size_t)utf8_count((const uint8_t *)s, n);
	if (n == 0 || strlen(s) != n || chars > 255)
		return field_error(err, "\"%s\" must be an atom name: 1 to "
				   "255 characters, no NUL", key);
	*out = s;
	return 0;
}

/* The record's "args": term syntax in a string, or tagged JSON; a list
 * either way. */
static int args_field(struct rpc_job *p, json_t *v, struct dist_error *err)
{
	struct dist_error e;
	int rc;

	dist_error_clear(&e);
	if (json_is_string(v))
		rc = term_parse_args(json_string_value(v),
				     json_string_length(v), p->arena, NULL,
				     &p->args, &e);
	else if (!json_is_array(v))
		return field_error(err, "\"args\" must be a list: a JSON "
				   "array in the tagged form, or a string in "
				   "term syntax like \"[1, b]\"; not %s",
				   json_kind(v));
	else
		rc = term_from_json_tagged(v, p->arena, NULL, &p->args, &e);
	if (rc < 0)
		return field_error(err, "\"args\": %s", e.message);
	return 0;
}

/* --json-args: a JSON array in the tagged form. */
static int json_args(struct rpc_job *p, const char *text,
		     struct dist_error *err)
{
	json_error_t jerr;
	json_t *doc = json_exact_loadb(text, strlen(text),
				       JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	int rc;

	if (!doc)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT,
				      "--json-args: invalid JSON at column "
				      "%d: %s", jerr.column, jerr.text);
	rc = json_is_array(doc) ? term_from_json_tagged(doc, p->arena, NULL,
							&p->args, err) : 1;
	json_decref(doc);
	if (rc > 0)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT,
				      "--json-args must be a JSON array (the "
				      "argument list)");
	return rc;
}

/* What to ask of the node: the record's own fields win over the command
 * line's; a record's "eval" replaces the call. Every field is checked
 * first: nothing is sent when one is wrong. */
static int resolve_request(struct runner_job *j, struct dist_error *err)
{
	const struct rpc_config *cfg = cfg_of(j);
	struct rpc_job *p = j->priv;
	json_t *f = j->in.fields, *ev = json_object_get(f, "eval");
	const char *m = cfg->module, *fn = cfg->function;

	if (name_field(f, "module", &m, err) < 0 ||
	    name_field(f, "function", &fn, err) < 0)
		return -1;
	if (ev && !json_is_string(ev))
		return field_error(err, "\"eval\" must be a string of Erlang "
				   "expressions, not %s", json_kind(ev));
	if (ev && strlen(json_string_value(ev)) != json_string_length(ev))
		return field_error(err, "\"eval\" holds a NUL character");
	if (ev && (json_object_get(f, "module") ||
		   json_object_get(f, "function") ||
		   json_object_get(f, "args")))
		return field_error(err, "give \"eval\" or \"module\", "
				   "\"function\" and \"args\", not both");
	if (json_object_get(f, "args") &&
	    args_field(p, json_object_get(f, "args"), err) < 0)
		return -1;
	p->eval_text = ev ? json_string_value(ev) : cfg->eval_text;
	if (p->eval_text)
		return 0;
	if (!m || !fn)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT,
				      "no module and function to call: give "
				      "MOD FUN on the command line or "
				      "\"module\"/\"function\" in the record");
	p->mod = etf_atom(p->arena, m);
	p->fun = etf_atom(p->arena, fn);
	if (p->args)
		return 0;
	if (cfg->codec_args) {
		p->args = cfg->codec_args;
		return 0;
	}
	if (cfg->args_json)
		return json_args(p, cfg->args_json, err);
	if (!cfg->args_text) {
		p->args = etf_nil(p->arena);
		return 0;
	}
	return term_parse_args(cfg->args_text, strlen(cfg->args_text),
			       p->arena, NULL, &p->args, err);
}

/* erl_eval bindings are an orddict: keep the keys sorted. */
static struct etf_term *binding(struct etf_arena *a, const char *var,
				struct etf_term *value)
{
	return etf_tuple(a, 2, etf_atom(a, var), value);
}

static struct etf_term *eval_text_term(struct etf_arena *a, const char *text)
{
	size_t n = strlen(text);
	const char *end = text + n;
	char *tmp;

	/* The parser wants the final dot; people forget it. */
	while (end > text && strchr(" \t\r\n", end[-1]))
		end--;
	if (end > text && end[-1] == '.')
		return etf_binary(a, text, n);
	tmp = etf_arena_alloc(a, n + 1);
	if (!tmp)
		return NULL;
	memcpy(tmp, text, n);
	tmp[n] = '.';
	return etf_binary(a, tmp, n + 1);
}

static int build_request(struct runner_job *j, struct etf_term **control,
			 struct etf_term **msg, struct dist_error *err)
{
	const struct rpc_config *cfg = cfg_of(j);
	struct rpc_job *p = j->priv;
	struct etf_arena *a = p->arena;
	struct etf_term *self = dist_conn_self_pid(&p->base.conn, a);
	const struct etf_term *exprs = rpc_config_wrapper(cfg,
		p->eval_text != NULL, err);
	struct etf_term *bindings, *call_args;

	if (!exprs)
		return -1;
	if (p->eval_text) {
		bindings = etf_list_new(a, 1, etf_nil(a));
		if (bindings)
			bindings->v.list.elems[0] = binding(
				a, "DistText", eval_text_term(a, p->eval_text));
	} else {
		bindings = etf_list_new(a, 3, etf_nil(a));
		if (bindings) {
			bindings->v.list.elems[0] = binding(a, "DistArgs", p->args);
			bindings->v.list.elems[1] = binding(a, "DistFun", p->fun);
			bindings->v.list.elems[2] = binding(a, "DistMod", p->mod);
		}
	}
	call_args = rpc_eval_args(a, exprs, bindings);
	/* rex runs erl_eval:expr(...) for us (dist/rex.h). */
	if (!bindings || !call_args)
		return dist_error_nomem(err, DIST_STAGE_REQUEST,
					"building the call");
	return rex_call_request(a, self, etf_atom(a, "erl_eval"),
				etf_atom(a, "expr"), call_args,
				cfg->capture_output, control, msg, err);
}

static void on_ready(struct conn_job *cj)
{
	struct etf_term *control, *msg;
	struct dist_error err;

	dist_error_clear(&err);
	if (build_request(cj->j, &control, &msg, &err) < 0 ||
	    conn_job_request(cj, control, msg, &err) < 0)
		conn_job_end(cj, &err);
}

static char *term_text(const struct etf_term *t, bool pretty, size_t max)
{
	struct buf b;
	char *s;

	buf_init(&b, 0);
	if (etf_print(t, &b, pretty, NULL) < 0) {
		buf_free(&b);
		return strdup("(unprintable)");
	}
	if (max && b.len > max) {
		b.len = max;
		buf_put(&b, "...", 3);
	}
	buf_put_u8(&b, 0);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	s = (char *)b.data;
	return s;
}

static json_t *result_json(const struct rpc_config *cfg,
			   const struct etf_term *t, struct dist_error *err)
{
	if (cfg->output == RPC_OUT_TAGGED)
		return term_to_json_tagged(t, NULL, err);
	return term_to_json_natural(t, NULL, err);
}

/* The stack of an exception, as text, without the evaluator's frames
 * (ours, not the user's). */
static json_t *stack_json(const struct etf_term *stack)
{
	json_t *arr = json_array();
	const struct etf_term *lst = stack;

	if (!lst || lst->type != ETF_LIST)
		return arr;
	for (uint32_t i = 0; i < lst->v.list.len; i++) {
		const struct etf_term *fr = lst->v.list.elems[i];
		char *s;

		if (etf_is_tuple(fr, 4) &&
		    etf_is_atom(fr->v.tuple.elems[0], "erl_eval"))
			break;
		s = term_text(fr, false, 1000);
		if (s)
			json_array_append_new(arr, json_string(s));
		free(s);
	}
	return arr;
}

static bool is_undef_of_call(struct rpc_job *p, const struct etf_term *reason,
			     const struct etf_term *stack)
{
	const struct etf_term *top;

	if (!etf_is_atom(reason, "undef") || !stack ||
	    stack->type != ETF_LIST || stack->v.list.len == 0 || !p->mod)
		return false;
	top = stack->v.list.elems[0];
	return etf_is_tuple(top, 4) &&
	       etf_equal(top->v.tuple.elems[0], p->mod) &&
	       etf_equal(top->v.tuple.elems[1], p->fun);
}

static uint32_t list_length(const struct etf_term *t)
{
	if (!t)
		return 0;
	if (t->type == ETF_LIST)
		return t->v.list.len;
	if (t->type == ETF_STRING)
		return t->v.string.len;
	return 0;
}

static void finish_exception(struct runner_job *j, const struct etf_term *r)
{
	struct rpc_job *p = j->priv;
	const struct etf_term *class = r->v.tuple.elems[0];
	const struct etf_term *reason = r->v.tuple.elems[1];
	const struct etf_term *stack = r->v.tuple.elems[2];
	struct dist_error err;
	char *rtext = term_text(reason, true, 400);
	json_t *exc;

	if (is_undef_of_call(p, reason, stack)) {
		dist_error_set(&err, DIST_E_BADRPC, DIST_STAGE_REQUEST,
			       "%s: undef: %s:%s/%u does not exist there "
			       "(module not loaded or function not exported)",
			       j->name.full, p->mod->v.atom.name,
			       p->fun->v.atom.name, list_length(p->args));
	} else if (!rpc_codec_not_registered(cfg_of(j), j->name.full, class,
					     reason, &err)) {
		dist_error_set(&err, DIST_E_EXCEPTION, DIST_STAGE_REQUEST,
			       "%s: %s", class->v.atom.name,
			       rtext ? rtext : "?");
	}
	exc = json_object();
	json_object_set_new(exc, "class", json_string(class->v.atom.name));
	json_object_set_new(exc, "reason", result_json(cfg_of(j), reason, NULL));
	json_object_set_new(exc, "stacktrace", stack_json(stack));
	json_object_set_new(j->out, "exception", exc);
	free(rtext);
	rpc_fail(j, &err);
}

static void finish_syntax_error(struct runner_job *j, const struct etf_term *r)
{
	const struct etf_term *loc = r->v.tuple.elems[1];
	const struct etf_term *msg = r->v.tuple.elems[2];
	struct dist_error err;
	char where[64] = "";

	if (etf_is_tuple(loc, 2) && loc->v.tuple.elems[0]->type == ETF_INT &&
	    loc->v.tuple.elems[1]->type == ETF_INT)
		snprintf(where, sizeof where, "line %lld, column %lld: ",
			 (long long)loc->v.tuple.elems[0]->v.i,
			 (long long)loc->v.tuple.elems[1]->v.i);
	else if (loc->type == ETF_INT)
		snprintf(where, sizeof where, "line %lld: ",
			 (long long)loc->v.i);
	dist_error_set(&err, DIST_E_INVALID_ARGS, DIST_STAGE_REQUEST,
		       "syntax error in --eval: %s%.*s", where,
		       msg->type == ETF_BINARY ? (int)msg->v.bin.len : 1,
		       msg->type == ETF_BINARY ? (const char *)msg->v.bin.data
					       : "?");
	rpc_fail(j, &err);
}

static void finish_result(struct runner_job *j, const struct etf_term *v)
{
	const struct rpc_config *cfg = cfg_of(j);
	struct rpc_job *p = j->priv;
	struct dist_error err;
	json_t *res;

	dist_error_clear(&err);
	res = cfg->result_codec ? rpc_codec_result(cfg, v, &err)
				: result_json(cfg, v, &err);
	if (!res) {
		rpc_fail(j, &err);
		return;
	}
	/* A decoded result has no Erlang term to print: its JSON is it. */
	if (cfg->result_codec && cfg->output != RPC_OUT_RAW &&
	    cfg->output != RPC_OUT_NATURAL && cfg->output != RPC_OUT_TAGGED)
		p->text = json_exact_dumps(res, 0);
	else if (cfg->output == RPC_OUT_TERM || cfg->output == RPC_OUT_TEXT)
		p->text = term_text(v, true, 0);
	else if (cfg->output == RPC_OUT_RAW)
		p->text = json_is_string(res)
			? strdup(json_string_value(res))
			: json_exact_dumps(res, 0);
	json_object_set_new(j->out, "result", res);
	conn_job_end(&p->base, NULL);
}

static void on_reply(struct runner_job *j, const struct etf_term *r)
{
	struct dist_error err;
	char *text;

	if (etf_is_tuple(r, 2) && etf_is_atom(r->v.tuple.elems[0], "return")) {
		finish_result(j, r->v.tuple.elems[1]);
		return;
	}
	if (etf_is_tuple(r, 3) && (etf_is_atom(r->v.tuple.elems[0], "error") ||
				   etf_is_atom(r->v.tuple.elems[0], "exit") ||
				   etf_is_atom(r->v.tuple.elems[0], "throw"))) {
		finish_exception(j, r);
		return;
	}
	if (etf_is_tuple(r, 3) &&
	    etf_is_atom(r->v.tuple.elems[0], "syntax_error")) {
		finish_syntax_error(j, r);
		return;
	}
	/* rex itself refused: {badrpc, Reason}. */
	text = term_text(r, true, 400);
	dist_error_set(&err, etf_is_tuple(r, 2) &&
				     etf_is_atom(r->v.tuple.elems[0], "badrpc")
			       ? DIST_E_BADRPC : DIST_E_PROTOCOL,
		       DIST_STAGE_REQUEST, "unexpected answer from rex: %s",
		       text ? text : "?");
	free(text);
	rpc_fail(j, &err);
}

static void on_message(struct conn_job *cj, const struct etf_term *control,
		       const struct etf_term *msg)
{
	struct runner_job *j = cj->j;
	struct rpc_job *p = j->priv;

	/* SEND {2, '', Self} + {rex, Reply} or {rex_stdout, Binary}. */
	if (!etf_is_tuple(control, 3) || control->v.tuple.elems[0]->type != ETF_INT ||
	    control->v.tuple.elems[0]->v.i != 2 || !etf_is_tuple(msg, 2))
		return;
	if (etf_is_atom(msg->v.tuple.elems[0], "rex_stdout") &&
	    msg->v.tuple.elems[1]->type == ETF_BINARY) {
		buf_put(&p->output, msg->v.tuple.elems[1]->v.bin.data,
			msg->v.tuple.elems[1]->v.bin.len);
		return;
	}
	if (!etf_is_atom(msg->v.tuple.elems[0], "rex"))
		return;
	if (cfg_of(j)->capture_output) {
		json_t *s = json_stringn((const char *)p->output.data,
					 p->output.len);

		json_object_set_new(j->out, "output",
				    s ? s : json_string("(not UTF-8)"));
	}
	on_reply(j, msg->v.tuple.elems[1]);
}

/* No .early (unlike ping): a call queued behind our challenge reply would
 * reach a peer before it proved it knows the cookie, showing an impostor
 * the module, function and arguments. The call waits for the ack. */
static const struct conn_job_ops rpc_conn_ops = {
	.ready = on_ready,
	.message = on_message,
};

static void rpc_start(struct runner_job *j)
{
	struct rpc_job *p = j->priv;
	struct dist_error err;

	dist_error_clear(&err);
	buf_init(&p->output, 16 * 1024 * 1024);
	p->arena = etf_arena_new();
	if (!p->arena) {
		dist_error_nomem(&err, DIST_STAGE_NONE, NULL);
		runner_job_finish(j, &err);
		return;
	}
	if (resolve_request(j, &err) < 0) {
		/* Oversized or too deep arguments are bad arguments: the
		 * limit is ours, nothing was sent. */
		if (err.code == DIST_E_TOO_LARGE)
			err.code = DIST_E_INVALID_ARGS;
		runner_job_finish(j, &err);
		return;
	}
	conn_job_start(j, &cfg_of(j)->conn, &rpc_conn_ops);
}

static void rpc_release(struct runner_job *j)
{
	struct rpc_job *p = j->priv;

	conn_job_release(j);
	etf_arena_free(p->arena);
	p->arena = NULL;
	buf_free(&p->output);
	free(p->text);
	p->text = NULL;
}

/* -o term / -o raw: the value alone on stdout, failures reported as
 * diagnostics (stderr, from the program), so
 * $(dist-rpc ...) captures exactly the value. -o text: a column line. */
static void rpc_text(const struct runner_job *j, FILE *out)
{
	const struct rpc_job *p = j->priv;
	json_t *e = json_object_get(j->out, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (cfg_of(j)->output == RPC_OUT_TEXT) {
		if (j->ok)
			fprintf(out, "%-32s ok    %s\n", j->in.node,
				p->text ? p->text : "");
		else
			conn_job_text_failure(j, out);
		return;
	}
	if (!j->ok) {
		struct dist_error d;

		dist_error_set(&d, DIST_E_IO, DIST_STAGE_REQUEST, "%s: %s: %s",
			       j->in.node,
			       json_string_value(json_object_get(e, "code")),
			       msg ? runner_message_after_node(j->in.node, msg)
				   : "");
		runner_report(j->r, &d);
		return;
	}
	if (p->text) {
		fputs(p->text, out);
		fputc('\n', out);
	}
}

static const char *const rpc_owned_fields[] = {
	"result", "exception", "output", NULL
};

const struct runner_ops rpc_runner_ops = {
	.job_size = sizeof(struct rpc_job),
	.owned_fields = rpc_owned_fields,
	.start = rpc_start,
	.deadline = conn_job_deadline,
	.release = rpc_release,
	.text = rpc_text,
};
