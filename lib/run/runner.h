/* runner.h - the driver every per-target program shares: targets from
 * arguments or stdin records, at most `concurrency` in flight, one
 * deadline for the whole command, one output record per target written
 * the moment it completes.
 *
 * Stdin is read through the engine, never with a blocking read, so a slow
 * producer upstream (dist-discover --watch | dist-ping) never stalls the
 * targets already in flight; and only as many records are parsed as
 * there are free slots, so memory follows concurrency, not input size.
 */
#ifndef DIST_RUNNER_H
#define DIST_RUNNER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "io/engine.h"
#include "base/latency.h"
#include "base/error.h"
#include "dist/nodename.h"
#include "run/records.h"
#include "io/resolve.h"


struct runner;

struct runner_job {
	struct runner *r;
	struct input_record in;
	struct node_name name;
	json_t *out;            /* the output record being built */
	int64_t t_start_us;
	bool finished;
	bool ok;
	bool gated;             /* its outcome goes to cfg->outcome */
	struct runner_job *next; /* active or reap list */
	struct runner_job *prev;
	void *priv;             /* ops->job_size bytes, zeroed */
};

struct runner_ops {
	size_t job_size;
	/* Begin the work; it ends with runner_job_finish (possibly later). */
	void (*start)(struct runner_job *j);
	/* The command deadline passed: finish now, as a timeout. */
	void (*deadline)(struct runner_job *j);
	/* Free what start allocated (called once, after finish). */
	void (*release)(struct runner_job *j);
	/* -o text: print the job's line(s), newline included. */
	void (*text)(const struct runner_job *j, FILE *out);
	/* The result fields this program writes (NULL-terminated, or
	 * NULL). With the runner's own (ok, error, time_ms, timings,
	 * self) they are dropped from the carried input record, so an
	 * earlier stage's outcome never survives into this one's. */
	const char *const *owned_fields;
};

struct runner_config {
	int concurrency;
	int64_t timeout_us;         /* whole command; 0: none */
	enum output_format format;
	FILE *out;
	char *const *args;          /* targets from arguments, if nargs > 0 */
	int nargs;
	int in_fd;                  /* else records from this fd */
	void *ctx;                  /* the program's, for ops */
	const char *resolver;       /* DNS servers, or NULL */
	bool stats;                 /* --stats: a summary record at the end */
	FILE *summary_out;          /* text summary line; NULL: out */
	const char *prom_file;      /* --prom FILE: Prometheus textfile */
	const char *program;        /* metric prefix, e.g. "dist_ping" */
	/* Where diagnostics go: rejected input lines, a failed read of
	 * stdin, and what jobs report (NULL: nowhere). The library never
	 * writes to stderr itself. */
	void (*report)(const struct dist_error *err);
	/* Circuit breakers (--state), or NULL: may this target be tried
	 * (-1 with err, circuit_open, when not), and how it ended. */
	int (*admit)(void *gate, const char *node, struct dist_error *err);
	void (*outcome)(void *gate, const char *node,
			const struct dist_error *err);
	void *gate;
	/* When set, each finished job's record is handed here instead of
	 * being written to out: a program that decides from the records
	 * (dist-elect counts who answered a ping) reads them in memory. */
	void (*collect)(void *collect_ctx, const struct runner_job *j);
	void *collect_ctx;
};

struct prom_targets;

struct runner_summary {
	long targets, ok, failed, input_errors;
	bool input_failed;          /* reading stdin failed (DIST_E_IO) */
	/* A write to stdout failed (errno in output_errno: EPIPE for a
	 * closed pipe): nothing more was written or started. */
	bool output_failed;
	int output_errno;
	struct latency time;        /* time_ms of every finished target */
	double wall_ms;
	struct prom_targets *per_target; /* --prom only (metrics.c) */
};

struct engine *runner_engine(struct runner *r);
struct resolver *runner_resolver(struct runner *r);
void *runner_ctx(struct runner *r);

/* Pass a diagnostic to the program (runner_config.report). */
void runner_report(struct runner *r, const struct dist_error *err);

/* Done with a job: err NULL means success. Adds "ok", "time_ms" and, on
 * failure, "error": {code, stage, message} to j->out and writes it. */
void runner_job_finish(struct runner_job *j, const struct dist_error *err);

/* Run everything. Input errors are reported on stderr as they happen
 * (counted in summary); a rejected line ends the input: the records
 * started before it finish and are written, nothing after it starts.
 * A failed write to stdout ends the run at once. Returns 0, or -1 when
 * the loop itself failed. */
int runner_run(const struct runner_config *cfg, const struct runner_ops *ops,
	       struct runner_summary *sum, struct dist_error *err);

/* The exit status of DESIGN.md for a finished run (enum dist_exit). */
int runner_exit_status(const struct runner_summary *sum);

/* msg without a leading "node: ", for a line that names the node
 * already: "dist-rpc: a@h: timeout: ...", not "a@h: timeout: a@h: ...". */
const char *runner_message_after_node(const char *node, const char *msg);

#endif
