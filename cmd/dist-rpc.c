/* dist-rpc - call M:F(A), or evaluate expressions, on one or many nodes.
 *
 * CLI glue only: options and positionals, then the shared runner drives
 * rpc jobs (lib/run/rpc.c) over the targets. */
#include <string.h>
#include <unistd.h>

#include "base/duration.h"
#include "base/file.h"
#include "cli/program.h"
#include "run/rpc.h"

#define EVAL_STDIN_MAX (1024 * 1024)

static const char usage_text[] =
"Usage: dist-rpc [OPTION]... NODE MOD FUN [ARGS]\n"
"       dist-rpc [OPTION]... MOD FUN [ARGS] < targets\n"
"       dist-rpc [OPTION]... --eval EXPRS [NODE] [< targets]\n"
"       dist-rpc [OPTION]... --send-global NAME --codec SCHEMA [NODE] VALUE\n"
"Call MOD:FUN(ARGS...) on Erlang nodes, or evaluate Erlang expressions,\n"
"and print each node's result as it arrives. ARGS is a list in Erlang\n"
"term syntax, as erl_call -a takes it: '[1, <<\"bin\">>, {a, b}]'.\n"
"Without NODE, targets are read from stdin (bare name@host lines or JSON\n"
"records with \"node\"; a record may carry its own \"module\",\n"
"\"function\" and \"args\", or \"eval\").\n"
"Gleam services (distribute): --codec decodes a binary result into JSON,\n"
"--arg-codec encodes ARGS given as JSON, --send-global sends VALUE (JSON)\n"
"encoded with --codec to the subject registered in global as NAME.\n";

static const char epilogue[] =
"Exit status: 0 every call returned, 1 some failed (badrpc, exception,\n"
"timeout, connection errors: see the records), 2 usage or input error\n"
"(no call after a rejected line is made), 3 environment error (cookie,\n"
"stdout unwritable). See dist-rpc(1) and dist(7).\n";

enum { OPT_EVAL, OPT_JSON_ARGS, OPT_CAPTURE, OPT_MAX_SIZE, OPT_OUTPUT,
       OPT_CODEC, OPT_ARG_CODEC, OPT_SEND_GLOBAL };

static const struct cli_option rpc_options[] = {
	{ "eval", 'e', "EXPRS", "evaluate 'Expr, Expr.' on the node; '-' reads\n"
	  "the expressions from stdin", OPT_EVAL },
	{ "json-args", 0, "JSON", "ARGS as tagged JSON (as -o tagged prints)",
	  OPT_JSON_ARGS },
	{ "capture-output", 0, NULL, "return what the call prints (io:format) in\n"
	  "\"output\" instead of the node's console", OPT_CAPTURE },
	{ "max-size", 0, "SIZE",
	  "largest answer accepted (default 64M; k, M, G)", OPT_MAX_SIZE },
	{ "output", 'o', "FORMAT", "json (default: natural JSON), tagged (lossless\n"
	  "JSON), term (Erlang syntax), raw (the bare\n"
	  "value, for $(...)), text, pretty; tagged\n"
	  "combines with pretty in either order", OPT_OUTPUT },
	{ "codec", 0, "SCHEMA", "decode the binary the call returns with this\n"
	  "Gleam distribute codec, like 'tagged(\"auth\", 1,\n"
	  "tuple2(int, string))' (dist(7), CODECS); with\n"
	  "--send-global, encode VALUE with it", OPT_CODEC },
	{ "arg-codec", 0, "SCHEMA", "encode the next argument with this codec;\n"
	  "ARGS is then a JSON array (repeat the option\n"
	  "for each argument to encode, in order)", OPT_ARG_CODEC },
	{ "send-global", 0, "NAME", "send {NAME, VALUE encoded with --codec} to\n"
	  "the process registered in global as the binary\n"
	  "NAME (global:send/2 on the node); the result is\n"
	  "its pid", OPT_SEND_GLOBAL },
	{ "timeout", 't', "DUR", "deadline for the whole command (default 60s);\n"
	  "the call keeps running on the node after it", CLI_SHARED('t') },
	CLI_OPTION_END,
};

struct rpc_cli {
	struct rpc_config rpc;
	struct cli_common *cli;
	uint64_t max_size;
	/* -o: tagged picks the lossless mapping and combines with json or
	 * pretty in either order; of json, pretty, text, term and raw the
	 * last one given wins. */
	bool tagged;
	const char *layout;
	struct file_text eval_stdin;
};

static int rpc_option(void *ctx, int id, const char *arg,
		      struct dist_error *err)
{
	struct rpc_cli *rc = ctx;

	switch (id) {
	case OPT_EVAL:
		rc->rpc.eval_text = arg;
		return 1;
	case OPT_JSON_ARGS:
		rc->rpc.args_json = arg;
		return 1;
	case OPT_CAPTURE:
		rc->rpc.capture_output = true;
		return 1;
	case OPT_CODEC:
		rc->rpc.codec_text = arg;
		return 1;
	case OPT_ARG_CODEC:
		if (rc->rpc.n_arg_codecs == RPC_ARG_CODECS_MAX)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT, "at most %d "
					      "--arg-codec", RPC_ARG_CODECS_MAX);
		rc->rpc.arg_codec_text[rc->rpc.n_arg_codecs++] = arg;
		return 1;
	case OPT_SEND_GLOBAL:
		rc->rpc.send_global = arg;
		return 1;
	case OPT_MAX_SIZE:
		return size_parse(arg, UINT32_MAX, &rc->max_size, err) < 0
			       ? -1 : 1;
	default:
		if (rpc_output_parse(arg) < 0 && strcmp(arg, "pretty") != 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "-o '%s': use json, tagged, term, "
					      "raw, text or pretty", arg);
		if (!strcmp(arg, "tagged"))
			rc->tagged = true;
		else
			rc->layout = arg;
		return 1;
	}
}

static const struct cli_program rpc_program = {
	.name = "dist-rpc",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = rpc_options,
	.option = rpc_option,
	.groups = CLI_GROUP_RUN | CLI_GROUP_CONNECTION | CLI_GROUP_OUTPUT |
		  CLI_GROUP_STATE,
};

static void output_choose(struct rpc_cli *rc)
{
	int m = rpc_output_parse(rc->layout);

	if (!strcmp(rc->layout, "pretty") || m == RPC_OUT_NATURAL) {
		rc->rpc.output = rc->tagged ? RPC_OUT_TAGGED : RPC_OUT_NATURAL;
		rc->cli->format = m == RPC_OUT_NATURAL ? OUTPUT_JSON
						       : OUTPUT_PRETTY;
		return;
	}
	rc->rpc.output = (enum rpc_output)m;
	rc->cli->format = OUTPUT_TEXT;
}

/* --send-global NAME: [NODE] VALUE, and nothing that makes another
 * call. */
static int send_operands(struct rpc_config *c, char **pos, int npos,
			 struct dist_error *err)
{
	if (c->eval_text || c->args_json || c->n_arg_codecs)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--send-global makes its own call: "
				      "drop --eval, --json-args and "
				      "--arg-codec");
	if (npos != 1)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--send-global takes [NODE] VALUE: "
				      "the message as JSON, quoted");
	c->send_value = pos[0];
	if (rpc_codec_prepare(c, err) < 0)
		return -1;
	return rpc_call_check(c, err);
}

/* Operands: [NODE] MOD FUN [ARGS], or [NODE] with --eval. A NODE has an
 * '@'; MOD and FUN never do. */
static int operands(struct rpc_cli *rc, char **pos, int npos,
		    struct cli_targets *t, struct dist_error *err)
{
	struct rpc_config *c = &rc->rpc;

	/* VALUE is JSON and may hold an '@': only a second operand makes
	 * the first a NODE. */
	if (c->send_global && npos == 2) {
		t->nodes = pos;
		t->nnodes = 1;
		return send_operands(c, pos + 1, 1, err);
	}
	if (c->send_global)
		return send_operands(c, pos, npos, err);
	if (npos > 0 && strchr(pos[0], '@')) {
		t->nodes = pos;
		t->nnodes = 1;
		pos++;
		npos--;
	}
	if (c->eval_text) {
		if (npos > 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--eval takes no MOD FUN ARGS "
					      "('%s')", pos[0]);
		if (c->n_arg_codecs)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--arg-codec encodes ARGS, which "
					      "--eval does not take");
		/* --codec decodes the binary the expressions return. */
		if (rpc_codec_prepare(c, err) < 0)
			return -1;
		if (strcmp(c->eval_text, "-") != 0)
			return 0;
		if (t->nnodes == 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--eval - reads stdin, so give "
					      "the NODE as an argument");
		if (fd_read_all(STDIN_FILENO, "--eval -", EVAL_STDIN_MAX, 0,
				&rc->eval_stdin, err) < 0) {
			err->code = DIST_E_USAGE;
			return -1;
		}
		c->eval_text = rc->eval_stdin.data;
		return 0;
	}
	c->module = npos >= 1 ? pos[0] : NULL;
	c->function = npos >= 2 ? pos[1] : NULL;
	c->args_text = npos >= 3 ? pos[2] : NULL;
	if (npos > 3)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "too many arguments: ARGS is one list, "
				      "like '[1, 2]' (quote it)");
	if (npos == 3 && c->args_json)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "give ARGS or --json-args, not both");
	if (npos == 1 || (npos == 0 && t->nnodes == 1))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "missing %s: dist-rpc NODE MOD FUN "
				      "[ARGS]", npos == 1 ? "FUN" : "MOD FUN");
	if (rpc_codec_prepare(c, err) < 0)
		return -1;
	return rpc_call_check(c, err);
}

static int rpc_prepare(void *ctx, struct cli_common *cli,
		       struct runner_config *r, struct dist_error *err)
{
	struct rpc_cli *rc = ctx;

	rc->rpc.conn.max_message = (size_t)rc->max_size;
	/* A call may take as long as the whole command allows. */
	rc->rpc.conn.request_timeout_us = cli->timeout_ms > 0
		? cli->timeout_ms * 1000 : INT64_MAX / 4;
	/* -o raw / -o term are for $(...): the summary must not land in
	 * the captured value. */
	if (rc->rpc.output == RPC_OUT_RAW || rc->rpc.output == RPC_OUT_TERM)
		r->summary_out = stderr;
	r->ctx = &rc->rpc;
	return rpc_config_prepare(&rc->rpc, err);
}

static void rpc_release(void *ctx)
{
	struct rpc_cli *rc = ctx;

	rpc_config_release(&rc->rpc);
}

int main(int argc, char **argv)
{
	struct cli_common cli;
	struct rpc_cli rc = { .max_size = 64 * 1024 * 1024, .layout = "json" };
	struct cli_targets run = {
		.ops = &rpc_runner_ops,
		.conn = &rc.rpc.conn,
		.ctx = &rc,
		.metric = "dist_rpc",
		.prepare = rpc_prepare,
		.release = rpc_release,
	};
	struct dist_error err;
	int first, status;

	cli_common_init(&cli);
	cli.timeout_ms = 60000;
	rc.cli = &cli;
	status = cli_parse(&rpc_program, &cli, &rc, argc, argv, &first);
	if (status >= 0)
		return status;
	output_choose(&rc);
	dist_error_clear(&err);
	if (operands(&rc, argv + first, argc - first, &run, &err) < 0) {
		cli_report(&err);
		status = cli_exit_status(&err);
		rpc_config_release(&rc.rpc);
	} else {
		status = cli_run_targets(&rpc_program, &cli, &run);
		/* The codec arena comes from operands(), before prepare: a
		 * run that stops before prepare (a bad --resolver) does not
		 * call release. Releasing twice is safe. */
		rpc_config_release(&rc.rpc);
	}
	file_text_free(&rc.eval_stdin);
	return status;
}
