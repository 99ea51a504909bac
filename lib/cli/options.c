/* options.c - getopt tables and --help from one declaration (see
 * options.h). */
#include "cli/options.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CLI_OPTIONS_MAX 128
/* Long-only options get getopt values above any letter. */
#define CLI_LONG_BASE 0x1000
/* Help text starts in this column, as in GNU tools' --help. */
#define CLI_HELP_COLUMN 27

struct cli_slot {
	const struct cli_option *opt;
	const struct cli_group *group;
};

/* Whether an earlier row (an earlier group, or earlier in this one)
 * already declares this long name: then this row is shadowed. */
static bool cli_shadowed(const struct cli_group *groups, int g,
			 const struct cli_option *o)
{
	for (int i = 0; i <= g; i++)
		for (const struct cli_option *p = groups[i].options;
		     p->name && p != o; p++)
			if (!strcmp(p->name, o->name))
				return true;
	return false;
}

static int cli_collect(const struct cli_group *groups, int ngroups,
		       struct cli_slot *slots)
{
	int n = 0;

	for (int g = 0; g < ngroups; g++)
		for (const struct cli_option *o = groups[g].options; o->name;
		     o++)
			if (!cli_shadowed(groups, g, o) &&
			    n < CLI_OPTIONS_MAX) {
				slots[n].opt = o;
				slots[n].group = &groups[g];
				n++;
			}
	return n;
}

int cli_options_parse(const struct cli_group *groups, int ngroups,
		      int argc, char **argv, struct dist_error *err)
{
	struct cli_slot slots[CLI_OPTIONS_MAX];
	struct option longopts[CLI_OPTIONS_MAX + 1];
	char shortopts[3 * CLI_OPTIONS_MAX + 2] = ":";
	size_t sl = 1;
	int n = cli_collect(groups, ngroups, slots), opt;

	for (int i = 0; i < n; i++) {
		const struct cli_option *o = slots[i].opt;

		longopts[i].name = o->name;
		longopts[i].has_arg = o->arg ? required_argument : no_argument;
		longopts[i].flag = NULL;
		longopts[i].val = o->letter ? o->letter : CLI_LONG_BASE + i;
		if (o->letter) {
			shortopts[sl++] = o->letter;
			if (o->arg)
				shortopts[sl++] = ':';
		}
	}
	memset(&longopts[n], 0, sizeof longopts[n]);
	shortopts[sl] = '\0';
	/* The leading ':' in shortopts: getopt reports a missing argument
	 * as ':' instead of printing; we print nothing ourselves (opterr
	 * 0) so the words are the program's, through err. */
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		const struct cli_slot *s = NULL;

		if (opt == '?' || opt == ':') {
			const char *what = argv[optind - 1];

			if (strncmp(what, "--", 2) != 0 && optopt &&
			    optopt < CLI_LONG_BASE)
				return dist_error_set(err, DIST_E_USAGE,
					DIST_STAGE_INPUT, opt == ':'
					? "option '-%c' needs a value"
					: "unknown option '-%c'", optopt);
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT, opt == ':'
					      ? "option '%.*s' needs a value"
					      : "unknown option '%.*s'",
					      (int)strcspn(what, "="), what);
		}
		for (int i = 0; i < n && !s; i++)
			if (longopts[i].val == opt)
				s = &slots[i];
		if (!s)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "unknown option");
		if (s->group->handle(s->group->ctx, s->opt->id, optarg, err) <
		    0)
			return -1;
	}
	return optind;
}

void cli_options_help(const struct cli_group *groups, int ngroups, FILE *out)
{
	struct cli_slot slots[CLI_OPTIONS_MAX];
	int n = cli_collect(groups, ngroups, slots);
	const struct cli_group *last = NULL;

	for (int i = 0; i < n; i++) {
		const struct cli_option *o = slots[i].opt;
		const char *h = o->help;
		char head[96];
		int w;

		if (slots[i].group != last && slots[i].group->title)
			fprintf(out, "%s%s:\n", last ? "\n" : "",
				slots[i].group->title);
		last = slots[i].group;
		if (o->letter)
			w = snprintf(head, sizeof head, "  -%c, --%s%s%s",
				     o->letter, o->name, o->arg ? " " : "",
				     o->arg ? o->arg : "");
		else
			w = snprintf(head, sizeof head, "      --%s%s%s",
				     o->name, o->arg ? " " : "",
				     o->arg ? o->arg : "");
		/* A long head keeps its help on the same line, two spaces
		 * after it; the rest of the help starts in the column. */
		fprintf(out, "%s%*s", head,
			w < CLI_HELP_COLUMN - 1 ? CLI_HELP_COLUMN - w : 2, "");
		for (;;) {
			size_t len = strcspn(h, "\n");

			fprintf(out, "%.*s\n", (int)len, h);
			if (!h[len])
				break;
			h += len + 1;
			fprintf(out, "%*s", CLI_HELP_COLUMN, "");
		}
	}
}
