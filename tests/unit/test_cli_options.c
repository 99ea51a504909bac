/* test_cli_options.c - options declared once: parsing, shadowing, the
 * words of a usage error, and the --help lines made from the table. */
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "tap.h"

struct seen {
	char log[256];
};

static int note(void *ctx, int id, const char *arg, struct dist_error *err)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log);

	if (arg && !strcmp(arg, "bad"))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "bad value");
	snprintf(s->log + n, sizeof s->log - n, "%d=%s;", id,
		 arg ? arg : "-");
	return 1;
}

static const struct cli_option own[] = {
	{ "count", 'c', "N", "pings per node", 1 },
	{ "timeout", 't', "DUR", "a longer deadline\nsaid on two lines", 2 },
	CLI_OPTION_END,
};

static const struct cli_option shared[] = {
	{ "timeout", 't', "DUR", "deadline for the whole command", 10 },
	{ "connect-timeout", 0, "DUR", "limit for each stage", 11 },
	{ "quiet", 'q', NULL, "no output", 12 },
	CLI_OPTION_END,
};

static int parse(struct seen *own_log, struct seen *shared_log, int argc,
		 char **argv, struct dist_error *err)
{
	struct cli_group g[2] = {
		{ NULL, own, note, own_log },
		{ NULL, shared, note, shared_log },
	};

	memset(own_log, 0, sizeof *own_log);
	memset(shared_log, 0, sizeof *shared_log);
	return cli_options_parse(g, 2, argc, argv, err);
}

int main(void)
{
	struct seen a, b;
	struct dist_error err;
	int rc;

	{
		char *argv[] = { "p", "-c", "3", "--connect-timeout=2s", "-q",
				 "--timeout", "9", "node@h", NULL };

		rc = parse(&a, &b, 8, argv, &err);
		ok(rc == 7 && !strcmp(a.log, "1=3;2=9;") &&
		   !strcmp(b.log, "11=2s;12=-;"),
		   "options: each goes to its group; the program's row "
		   "shadows the shared one (%s | %s)", a.log, b.log);
	}
	{
		char *argv[] = { "p", "--nope", NULL };

		ok(parse(&a, &b, 2, argv, &err) < 0 &&
		   err.code == DIST_E_USAGE &&
		   !strcmp(err.message, "unknown option '--nope'"),
		   "options: an unknown long option is named (%s)",
		   err.message);
	}
	{
		char *argv[] = { "p", "-x", NULL };

		ok(parse(&a, &b, 2, argv, &err) < 0 &&
		   !strcmp(err.message, "unknown option '-x'"),
		   "options: an unknown letter is named (%s)", err.message);
	}
	{
		char *argv[] = { "p", "--count", NULL };

		ok(parse(&a, &b, 2, argv, &err) < 0 &&
		   !strcmp(err.message, "option '--count' needs a value"),
		   "options: a missing value, long form (%s)", err.message);
	}
	{
		char *argv[] = { "p", "-c", NULL };

		ok(parse(&a, &b, 2, argv, &err) < 0 &&
		   !strcmp(err.message, "option '-c' needs a value"),
		   "options: a missing value, short form (%s)", err.message);
	}
	{
		char *argv[] = { "p", "-c", "bad", NULL };

		ok(parse(&a, &b, 3, argv, &err) < 0 &&
		   !strcmp(err.message, "bad value"),
		   "options: the handler's refusal is the error");
	}
	{
		struct cli_group g[2] = {
			{ NULL, own, note, &a },
			{ "Connection", shared, note, &b },
		};
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		cli_options_help(g, 2, f);
		fclose(f);
		ok(text && !strcmp(text,
			"  -c, --count N            pings per node\n"
			"  -t, --timeout DUR        a longer deadline\n"
			"                           said on two lines\n"
			"\n"
			"Connection:\n"
			"      --connect-timeout DUR  limit for each stage\n"
			"  -q, --quiet              no output\n"),
		   "options: --help lines from the table, shadowed rows out, "
		   "long heads keep their help on the line");
		if (text)
			fputs(text, stdout);
		free(text);
	}
	return tap_done();
}
