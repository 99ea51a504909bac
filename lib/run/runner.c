/* runner.c - per-target driver shared by the programs (see runner.h). */
#include "run/runner.h"

#include "base/buf.h"
#include "run/metrics.h"
#include "base/json_exact.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* After the deadline, stdin is read on only while its writer has bytes
 * ready, and at most this much: then the rest is not reported. */
#define DRAIN_MAX (16u * 1024 * 1024)

struct runner {
	const struct runner_config *cfg;
	const struct runner_ops *ops;
	struct runner_summary *sum;
	struct engine *e;
	struct resolver *resolver;

	int next_arg;
	long line_no;
	struct buf inbuf;           /* stdin bytes not yet parsed */
	struct engine_io in_io;
	bool in_pollable;           /* pipe/tty/socket: through epoll */
	bool in_eof;
	bool deadline_passed;
	size_t drained;             /* stdin bytes read after the deadline */

	int active;
	struct runner_job *jobs;    /* active list */
	struct runner_job *reap;    /* finished, freed from a timer */
	struct engine_timer reap_timer;
	struct engine_timer deadline_timer;
};

struct engine *runner_engine(struct runner *r)
{
	return r->e;
}

struct resolver *runner_resolver(struct runner *r)
{
	return r->resolver;
}

void *runner_ctx(struct runner *r)
{
	return r->cfg->ctx;
}

static void runner_fill(struct runner *r);

void runner_report(struct runner *r, const struct dist_error *err)
{
	if (r->cfg->report)
		r->cfg->report(err);
}

/* stdout is gone (full disk, closed, the reader left): nothing more
 * can be told, so nothing more is started, and the jobs in flight end
 * from a timer, outside the event of the job whose write failed. */
static void output_failed(struct runner *r, int errnum)
{
	if (r->sum->output_failed)
		return;
	r->sum->output_failed = true;
	r->sum->output_errno = errnum ? errnum : EIO;
	engine_timer_arm(r->e, &r->deadline_timer, engine_now_us());
}

static void write_record(struct runner *r, struct runner_job *j)
{
	FILE *out = r->cfg->out;
	int rc;

	if (r->sum->output_failed)
		return;
	if (r->cfg->collect) {
		r->cfg->collect(r->cfg->collect_ctx, j);
		return;
	}
	errno = 0;
	if (r->cfg->format == OUTPUT_TEXT) {
		r->ops->text(j, out);
		rc = fflush(out) != 0 || ferror(out) ? -1 : 0;
	} else {
		rc = record_write_as(j->out, r->cfg->format, out);
	}
	if (rc < 0)
		output_failed(r, errno);
}

const char *runner_message_after_node(const char *node, const char *msg)
{
	size_t n = strlen(node);

	if (msg && !strncmp(msg, node, n) && msg[n] == ':' && msg[n + 1] == ' ')
		return msg + n + 2;
	return msg;
}

/* The fields every runner program writes itself (runner_ops). */
static const char *const runner_owned_fields[] = {
	"ok", "error", "time_ms", "timings", "self", NULL
};

static void drop_fields(json_t *out, const char *const *names)
{
	for (; names && *names; names++)
		json_object_del(out, *names);
}

static void on_reap(struct engine *e, struct engine_timer *t)
{
	struct runner *r = t->data;

	(void)e;
	while (r->reap) {
		struct runner_job *j = r->reap;

		r->reap = j->next;
		input_record_clear(&j->in);
		json_decref(j->out);
		free(j);
	}
	runner_fill(r);
}

void runner_job_finish(struct runner_job *j, const struct dist_error *err)
{
	struct runner *r = j->r;
	double ms = (double)(engine_now_us() - j->t_start_us) / 1000.0;

	if (j->finished)
		return;
	j->finished = true;
	j->ok = err == NULL;
	json_object_set_new(j->out, "ok", json_boolean(j->ok));
	json_object_set_new(j->out, "time_ms", json_ms(ms));
	latency_add(&r->sum->time, ms);
	if (err) {
		json_t *e = json_pack("{s:s, s:s, s:s}", "code",
				      dist_code_name(err->code), "stage",
				      dist_stage_name(err->stage), "message",
				      err->message);

		/* A message with bytes that are not UTF-8 (a hostile peer
		 * can put them there) must not lose the whole record. */
		if (!e)
			e = json_pack("{s:s, s:s}", "code",
				      dist_code_name(err->code), "stage",
				      dist_stage_name(err->stage));
		json_object_set_new(j->out, "error", e);
		r->sum->failed++;
	} else {
		r->sum->ok++;
	}
	if (j->gated)
		r->cfg->outcome(r->cfg->gate, j->name.full, err);
	write_record(r, j);
	if (r->cfg->prom_file)
		metrics_target_add(r->sum, j->out);
	if (r->ops->release)
		r->ops->release(j);
	/* Unlink from the active list now; free from a timer, after the
	 * current batch of events, which may still name this job. */
	if (j->prev)
		j->prev->next = j->next;
	else if (r->jobs == j)
		r->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	j->prev = NULL;
	j->next = r->reap;
	r->reap = j;
	r->active--;
	engine_timer_arm(r->e, &r->reap_timer, engine_now_us());
}

static struct runner_job *job_new(struct runner *r, struct input_record *in)
{
	struct runner_job *j = calloc(1, sizeof *j + r->ops->job_size);

	if (!j)
		return NULL;
	j->r = r;
	j->in = *in;
	memset(in, 0, sizeof *in);
	j->priv = j + 1;
	j->t_start_us = engine_now_us();
	j->out = record_output_new(&j->in, j->in.node);
	if (!j->out) {
		input_record_clear(&j->in);
		free(j);
		return NULL;
	}
	drop_fields(j->out, runner_owned_fields);
	drop_fields(j->out, r->ops->owned_fields);
	return j;
}

/* One record in: validate the name, then start it or fail it at once. */
static void start_record(struct runner *r, struct input_record *in)
{
	struct runner_job *j;
	struct dist_error err;

	r->sum->targets++;
	j = job_new(r, in);
	if (!j) {
		r->sum->failed++;
		dist_error_set(&err, DIST_E_NOMEM, DIST_STAGE_INPUT,
			       "out of memory: target %s dropped",
			       in->node ? in->node : "?");
		input_record_clear(in);
		runner_report(r, &err);
		return;
	}
	j->next = r->jobs;
	if (r->jobs)
		r->jobs->prev = j;
	r->jobs = j;
	r->active++;
	dist_error_clear(&err);
	if (r->deadline_passed) {
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_NONE,
			       "%s: not started: the command deadline "
			       "(--timeout) passed first", j->in.node);
		runner_job_finish(j, &err);
		return;
	}
	if (node_name_parse(j->in.node, &j->name, &err) < 0) {
		runner_job_finish(j, &err);
		return;
	}
	if (r->cfg->admit && r->cfg->admit(r->cfg->gate, j->name.full,
					   &err) < 0) {
		runner_job_finish(j, &err);
		return;
	}
	j->gated = r->cfg->outcome != NULL;
	r->ops->start(j);
}

static void input_error(struct runner *r, const struct dist_error *err)
{
	r->sum->input_errors++;
	runner_report(r, err);
}

/* Next complete stdin line as a record: 1 record, 0 none yet, -1 error
 * already reported (line consumed). */
static int next_stdin_record(struct runner *r, struct input_record *rec)
{
	for (;;) {
		uint8_t *nl = r->inbuf.len
			? memchr(r->inbuf.data, '\n', r->inbuf.len) : NULL;
		size_t len;
		struct dist_error err;
		int rc;

		if (!nl && !(r->in_eof && r->inbuf.len > 0)) {
			if (r->inbuf.len > RECORD_LINE_MAX) {
				r->line_no++;
				dist_error_set(&err, DIST_E_USAGE,
					       DIST_STAGE_INPUT,
					       "stdin line %ld: longer than "
					       "%d bytes", r->line_no,
					       RECORD_LINE_MAX);
				input_error(r, &err);
				/* Unrecoverable framing: stop reading. */
				buf_reset(&r->inbuf);
				r->in_eof = true;
				return -1;
			}
			return 0;
		}
		len = nl ? (size_t)(nl - r->inbuf.data) : r->inbuf.len;
		r->line_no++;
		rc = record_parse_line((const char *)r->inbuf.data, len,
				       r->line_no, rec, &err);
		buf_consume(&r->inbuf, nl ? len + 1 : len);
		if (rc > 0)
			return 1;
		if (rc < 0) {
			/* dist(7): nothing after a rejected line is
			 * attempted; what already started finishes. */
			input_error(r, &err);
			buf_reset(&r->inbuf);
			r->in_eof = true;
			return -1;
		}
	}
}

static void read_stdin_chunk(struct runner *r)
{
	ssize_t n;

	if (buf_reserve(&r->inbuf, 65536) < 0) {
		r->in_eof = true;
		return;
	}
	n = read(r->cfg->in_fd, r->inbuf.data + r->inbuf.len, 65536);
	if (n > 0) {
		r->inbuf.len += (size_t)n;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		if (n < 0) {
			struct dist_error err;

			dist_error_set(&err, DIST_E_IO, DIST_STAGE_INPUT,
				       "cannot read stdin after line %ld: %s",
				       r->line_no, strerror(errno));
			r->sum->input_failed = true;
			runner_report(r, &err);
		}
		r->in_eof = true;
	}
}

/* Bytes (or the end) waiting on the stdin pipe right now. */
static bool stdin_ready_now(const struct runner *r)
{
	struct pollfd p = { .fd = r->cfg->in_fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP));
}

static void on_stdin(struct engine *e, struct engine_io *io, unsigned ev)
{
	struct runner *r = io->data;

	(void)e;
	(void)ev;
	read_stdin_chunk(r);
	runner_fill(r);
}

static bool input_done(const struct runner *r)
{
	if (r->sum->output_failed)
		return true;
	if (r->cfg->nargs > 0)
		return r->next_arg >= r->cfg->nargs;
	return r->in_eof && r->inbuf.len == 0;
}

/* Start records while there are free slots and input to read. */
static void runner_fill(struct runner *r)
{
	while (r->active < r->cfg->concurrency && !input_done(r)) {
		struct input_record rec;
		int rc;

		memset(&rec, 0, sizeof rec);
		if (r->cfg->nargs > 0) {
			rec.node = strdup(r->cfg->args[r->next_arg++]);
			if (!rec.node)
				return;
			start_record(r, &rec);
			continue;
		}
		rc = next_stdin_record(r, &rec);
		if (rc > 0) {
			start_record(r, &rec);
			continue;
		}
		if (rc < 0)
			continue;
		/* Need more bytes. A file is always readable: read on, and
		 * after the deadline every target left in it gets its "not
		 * started" record. */
		if (!r->in_pollable) {
			read_stdin_chunk(r);
			continue;
		}
		if (r->deadline_passed) {
			/* A pipe: what its writer has already written gets its
			 * record too, but nothing is waited for, and a writer
			 * that never stops is cut off after DRAIN_MAX bytes. */
			if (r->drained < DRAIN_MAX && stdin_ready_now(r)) {
				size_t before = r->inbuf.len;

				read_stdin_chunk(r);
				r->drained += r->inbuf.len - before;
				continue;
			}
			r->in_eof = true;
			buf_reset(&r->inbuf);
			break;
		}
		break;
	}
	if (r->in_pollable && r->in_io.registered) {
		/* Back-pressure: watch stdin only while a slot is free. */
		bool want = !r->in_eof && !r->deadline_passed &&
			    r->active < r->cfg->concurrency;

		engine_io_set(r->e, &r->in_io, want ? ENGINE_READ : 0, NULL);
		if (r->in_eof)
			engine_io_remove(r->e, &r->in_io);
	}
	if (input_done(r) && r->active == 0) {
		engine_timer_disarm(r->e, &r->deadline_timer);
		/* Every target has its record: after the deadline nothing
		 * left in the loop may keep the process alive. */
		if (r->deadline_passed)
			engine_stop(r->e);
	}
}

static void on_deadline(struct engine *e, struct engine_timer *t)
{
	struct runner *r = t->data;

	(void)e;
	r->deadline_passed = true;
	while (r->jobs)
		r->ops->deadline(r->jobs);
	/* Records not started are reported as such: those read, and those
	 * the input already holds (runner_fill); nothing is waited for. */
	runner_fill(r);
}

static void setup_stdin(struct runner *r)
{
	struct stat st;

	r->in_io.fd = r->cfg->in_fd;
	r->in_io.cb = on_stdin;
	r->in_io.data = r;
	/* epoll refuses regular files (they are always readable anyway). */
	if (fstat(r->cfg->in_fd, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISBLK(st.st_mode) &&
	    engine_io_set(r->e, &r->in_io, ENGINE_READ, NULL) == 0)
		r->in_pollable = true;
}

int runner_run(const struct runner_config *cfg, const struct runner_ops *ops,
	       struct runner_summary *sum, struct dist_error *err)
{
	struct runner r;
	int64_t t0;
	int rc;

	memset(&r, 0, sizeof r);
	memset(sum, 0, sizeof *sum);
	r.cfg = cfg;
	r.ops = ops;
	r.sum = sum;
	buf_init(&r.inbuf, RECORD_LINE_MAX + 65536 + 1);
	t0 = engine_now_us();
	r.e = engine_new(err);
	if (!r.e)
		return -1;
	r.resolver = resolver_new(r.e, err);
	if (!r.resolver) {
		engine_free(r.e);
		return -1;
	}
	if (cfg->resolver &&
	    resolver_set_servers(r.resolver, cfg->resolver, err) < 0) {
		resolver_free(r.resolver);
		engine_free(r.e);
		return -1;
	}
	r.reap_timer.cb = on_reap;
	r.reap_timer.data = &r;
	r.deadline_timer.cb = on_deadline;
	r.deadline_timer.data = &r;
	if (cfg->timeout_us > 0)
		engine_timer_arm(r.e, &r.deadline_timer,
				 engine_now_us() + cfg->timeout_us);
	if (cfg->nargs == 0)
		setup_stdin(&r);
	runner_fill(&r);
	rc = engine_run(r.e, err);
	while (r.jobs)  /* only after a loop failure */
		ops->deadline(r.jobs);
	on_reap(r.e, &r.reap_timer);
	engine_timer_disarm(r.e, &r.reap_timer);
	engine_timer_disarm(r.e, &r.deadline_timer);
	if (r.in_io.registered)
		engine_io_remove(r.e, &r.in_io);
	resolver_free(r.resolver);
	engine_free(r.e);
	buf_free(&r.inbuf);
	sum->wall_ms = (double)(engine_now_us() - t0) / 1000.0;
	if (metrics_write_summary(cfg, sum) < 0 && !sum->output_failed) {
		sum->output_failed = true;
		sum->output_errno = errno ? errno : EIO;
	}
	if (rc == 0 && metrics_write_prom(cfg, sum, err) < 0)
		rc = -1;
	metrics_targets_free(sum);
	return rc;
}

int runner_exit_status(const struct runner_summary *sum)
{
	if (sum->output_failed || sum->input_failed)
		return DIST_EXIT_ENV;
	if (sum->input_errors)
		return DIST_EXIT_USAGE;
	if (sum->failed)
		return DIST_EXIT_FAILED;
	return DIST_EXIT_OK;
}
