/* options.h - options declared once: one table row gives the long
 * name, the letter, the argument, the help line and the id a handler
 * sees; getopt's tables and the --help text are both made from it, so
 * the two cannot drift apart.
 *
 * Options come in groups: a program's own, then the shared ones it
 * takes (run, connection, output: see cli.h). A program row with the
 * name of a shared option replaces that option: its help is shown and
 * its id is handed to the program instead.
 */
#ifndef DIST_CLI_OPTIONS_H
#define DIST_CLI_OPTIONS_H

#include <stdio.h>

#include "base/error.h"

struct cli_option {
	const char *name;   /* long name, without "--" */
	char letter;        /* short letter, or 0 */
	const char *arg;    /* the argument as --help names it; NULL: flag */
	const char *help;   /* one line, or lines separated by '\n' */
	int id;             /* what the group's handler is given */
};

#define CLI_OPTION_END { NULL, 0, NULL, NULL, 0 }

/* A handler: 1 when it took the option, -1 for a bad value (err set,
 * DIST_E_USAGE). */
typedef int (*cli_option_fn)(void *ctx, int id, const char *arg,
			     struct dist_error *err);

struct cli_group {
	const char *title;            /* a heading in --help, or NULL */
	const struct cli_option *options;
	cli_option_fn handle;
	void *ctx;
};

#define CLI_GROUPS_MAX 8

/* Parse argv against the groups (in order: the first row of a name
 * wins). Returns the index of the first operand, or -1 with err set
 * (DIST_E_USAGE, getopt's complaint reworded) . */
int cli_options_parse(const struct cli_group *groups, int ngroups,
		      int argc, char **argv, struct dist_error *err);

/* The option lines of --help, groups in order, shadowed rows left out. */
void cli_options_help(const struct cli_group *groups, int ngroups, FILE *out);

#endif
