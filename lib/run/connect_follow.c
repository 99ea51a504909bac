/* connect_follow.c - dist-connect's runs: one cycle with the state
 * file held, and --follow, the long-running form that reads a stream
 * of discovery events and runs a cycle on each change and every
 * interval (see connect.h). */
#include "run/connect.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cluster/state_file.h"

int connect_run_once(const struct connect_config *cfg, char *const *vias,
		     int nvias, const struct connect_input *in,
		     const char *state_path, struct connect_memory *mem_only,
		     struct runner_summary *sum, struct dist_error *err)
{
	struct state_file sf;
	struct connect_memory mem;
	int rc;

	if (!state_path)
		return connect_cycle(cfg, vias, nvias, in, mem_only, sum, err);
	memset(&sf, 0, sizeof sf);
	/* Held from reading to writing: a run beside this one waits. */
	if (state_file_open(&sf, state_path, err) < 0)
		return -1;
	mem.breakers = state_file_section(&sf, "breakers");
	mem.prune = state_file_section(&sf, "prune");
	if (!mem.breakers || !mem.prune) {
		state_file_close(&sf);
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	rc = connect_cycle(cfg, vias, nvias, in, &mem, sum, err);
	if (rc == 0 && !cfg->dry_run)
		rc = state_file_commit(&sf, err);
	state_file_close(&sf);
	return rc;
}

struct follow {
	const struct connect_config *cfg;
	struct connect_input in;
	struct buf buf;
	long line;
	bool changed, eof;
	struct runner_summary *sum;
};

/* One line of the stream: 1 when the set changed, 0 not, -1 error. */
static int follow_line(struct follow *f, const char *text, size_t len,
		       struct dist_error *err)
{
	struct input_record rec;
	struct node_name name;
	const char *ev;
	int rc;

	memset(&rec, 0, sizeof rec);
	rc = record_parse_line(text, len, ++f->line, &rec, err);
	if (rc <= 0)
		return rc;
	if (node_name_parse(rec.node, &name, err) < 0) {
		connect_record_invalid(f->cfg, &rec, err, f->sum);
		input_record_clear(&rec);
		return 0;
	}
	ev = json_string_value(json_object_get(rec.fields, "event"));
	rc = 0;
	if (ev && !strcmp(ev, "down")) {
		rc = connect_input_has(&f->in, name.full);
		connect_input_remove(&f->in, name.full);
	} else if (!connect_input_has(&f->in, name.full)) {
		rc = connect_input_add(&f->in, name.full, rec.fields) < 0
			? dist_error_nomem(err, DIST_STAGE_INPUT, NULL) : 1;
	}
	input_record_clear(&rec);
	return rc;
}

/* Read what is there (waiting at most wait_ms) and take its lines. */
static int follow_read(struct follow *f, int fd, int64_t wait_ms,
		       struct dist_error *err)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;
	uint8_t *nl;

	if (poll(&p, 1, wait_ms > 0 ? (int)(wait_ms < 60000 ? wait_ms
						     : 60000) : 0) <= 0)
		return 0;
	if (buf_reserve(&f->buf, 65536) < 0)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	n = read(fd, f->buf.data + f->buf.len, 65536);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_INPUT,
				      "cannot read stdin after line %ld: %s",
				      f->line, strerror(errno));
	if (n == 0) {
		f->eof = true;
		if (f->buf.len)
			buf_put_u8(&f->buf, '\n');
	}
	f->buf.len += (size_t)n;
	while ((nl = memchr(f->buf.data, '\n', f->buf.len))) {
		size_t len = (size_t)(nl - f->buf.data);
		int rc = follow_line(f, (const char *)f->buf.data, len, err);

		buf_consume(&f->buf, len + 1);
		if (rc < 0)
			return -1;
		if (rc > 0)
			f->changed = true;
	}
	if (f->buf.len > RECORD_LINE_MAX)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "stdin line %ld: longer than %d bytes",
				      f->line + 1, RECORD_LINE_MAX);
	return 0;
}

int connect_follow(const struct connect_config *cfg, char *const *vias,
		   int nvias, int in_fd, int64_t interval_ms,
		   const char *state_path, struct runner_summary *sum,
		   struct dist_error *err)
{
	struct follow f = { .cfg = cfg, .sum = sum };
	/* Breakers only with --state: they are what a cron run remembers. */
	struct connect_memory mem = { NULL, json_object() };
	int64_t next = engine_now_us() + interval_ms * 1000;
	int rc = 0;

	buf_init(&f.buf, RECORD_LINE_MAX + 65536 + 1);
	while (rc == 0 && !sum->output_failed) {
		int64_t now = engine_now_us();
		bool due = now >= next;

		if (!due && !f.eof)
			rc = follow_read(&f, in_fd, (next - now) / 1000 + 1,
					 err);
		if (rc < 0)
			break;
		/* A change is acted on at once; without one, the interval
		 * re-checks, so a connection that dropped is made again
		 * even when discovery says nothing new (libcluster #148). */
		if (f.changed || engine_now_us() >= next) {
			f.changed = false;
			rc = connect_run_once(cfg, vias, nvias, &f.in,
					      state_path, &mem, sum, err);
			next = engine_now_us() + interval_ms * 1000;
		}
		if (f.eof)
			break;
	}
	connect_input_free(&f.in);
	buf_free(&f.buf);
	json_decref(mem.breakers);
	json_decref(mem.prune);
	return rc;
}
