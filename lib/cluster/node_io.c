/* node_io.c - the node's records out and commands in (see
 * node_internal.h).
 *
 * Records: a pipe or socket on out_fd is made non-blocking and written
 * when the engine says it has room, so a slow reader never stalls the
 * loop; past NODE_OUT_HIGH bytes waiting the links stop reading until
 * the reader catches up. A terminal or a file is written directly. A
 * reader that goes away (EPIPE: `| head -1`) ends the node cleanly.
 *
 * Commands: JSON Lines on in_fd, read when the engine says so (a file
 * or /dev/null, which epoll refuses, is read from a zero timer in
 * chunks), so commands run on the loop, after the node has its
 * creation, between messages.
 */
#include "cluster/node_internal.h"

#include "base/json_exact.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "term/term_json.h"

#define IN_CHUNK 65536

json_t *node_error_json(const struct dist_error *err, enum dist_stage where)
{
	enum dist_stage stage = err->stage != DIST_STAGE_NONE ? err->stage
							      : where;
	json_t *e = json_pack("{s:s, s:s, s:s}", "code",
			      dist_code_name(err->code), "stage",
			      dist_stage_name(stage), "message",
			      err->message);

	/* A message with bytes that are not UTF-8 (a hostile peer's name)
	 * must not lose the whole record. */
	if (!e)
		e = json_pack("{s:s, s:s}", "code", dist_code_name(err->code),
			      "stage", dist_stage_name(stage));
	return e;
}

json_t *node_term_json(struct node *n, const struct etf_term *t)
{
	struct term_json_opts o = { .local_node = n->cfg->name };
	struct etf_print_opts po = { .pretty = true,
				     .local_node = n->cfg->name };
	struct dist_error err;
	json_t *j = NULL;
	struct buf b;

	switch (n->cfg->output) {
	case NODE_OUT_TAGGED:
		j = term_to_json_tagged(t, &o, &err);
		break;
	case NODE_OUT_JSON:
		j = term_to_json_natural(t, &o, &err);
		break;
	case NODE_OUT_TERM:
		buf_init(&b, 0);
		if (etf_print_with(t, &b, &po, &err) == 0 && !b.failed)
			j = json_stringn((const char *)b.data, b.len);
		buf_free(&b);
		break;
	}
	/* Unprintable (too deep for JSON): say so rather than lose the
	 * record. */
	return j ? j : json_pack("{s:s}", "$error", "unprintable term");
}

static void out_flush(struct node *n);

static void out_on_io(struct engine *e, struct engine_io *io,
		      unsigned events)
{
	(void)e;
	(void)events;
	out_flush(io->data);
}

int node_out_open(struct node *n, struct dist_error *err)
{
	struct stat st;

	(void)err;
	n->sh->out_io.fd = n->cfg->out_fd;
	n->sh->out_io.cb = out_on_io;
	n->sh->out_io.data = n;
	n->sh->out_flags = -1;
	if (fstat(n->sh->out_io.fd, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		/* Ours alone (the shell keeps no copy of a pipe's write
		 * end), so non-blocking does not surprise anyone; undone
		 * at the end. */
		n->sh->out_flags = fcntl(n->sh->out_io.fd, F_GETFL);
		if (n->sh->out_flags >= 0 &&
		    fcntl(n->sh->out_io.fd, F_SETFL, n->sh->out_flags | O_NONBLOCK) == 0)
			n->sh->out_pollable = true;
	}
	return 0;
}

static void out_closed(struct node *n)
{
	/* The reader left: nothing more can be said, and that is no
	 * failure of ours. */
	n->sh->out_closed = true;
	buf_reset(&n->sh->out);
	node_stop(n, 0);
}

/* Every node's links stop reading while stdout's reader lags. */
static void links_pause(struct node *n)
{
	n->out_blocked = true;
	node_links_pause(n, true);
}

static void links_resume(struct node *n)
{
	n->out_blocked = false;
	node_links_pause(n, false);
}

static void mark_draining(struct node *n)
{
	n->draining = true;
}

static void out_flush(struct node *n)
{
	while (n->sh->out.len && !n->sh->out_closed) {
		ssize_t w = write(n->sh->out_io.fd, n->sh->out.data, n->sh->out.len);

		if (w > 0) {
			buf_consume(&n->sh->out, (size_t)w);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		out_closed(n);
		return;
	}
	if (n->sh->out_pollable)
		engine_io_set(n->e, &n->sh->out_io,
			      n->sh->out.len ? ENGINE_WRITE : 0, NULL);
	if (!n->sh->out_blocked && n->sh->out.len > NODE_OUT_HIGH) {
		n->sh->out_blocked = true;
		node_each(n->sh, links_pause);
	} else if (n->sh->out_blocked && n->sh->out.len < NODE_OUT_LOW) {
		n->sh->out_blocked = false;
		node_each(n->sh, links_resume);
	}
}

void node_out_record(struct node *n, json_t *rec)
{
	char *text;

	if (!n->sh->out_closed) {
		text = json_exact_dumps(rec, 0);
		if (text) {
			/* One whole line or nothing: a record is never cut. */
			buf_put(&n->sh->out, text, strlen(text));
			buf_put_u8(&n->sh->out, '\n');
			free(text);
		}
		/* Write now unless the reader is already behind: then the
		 * engine says when it has room. */
		if (!n->sh->out_blocked || !n->sh->out_pollable)
			out_flush(n);
	}
	json_decref(rec);
}

void node_out_finish(struct node *n)
{
	if (n->sh->out_pollable) {
		engine_io_remove(n->e, &n->sh->out_io);
		fcntl(n->sh->out_io.fd, F_SETFL, n->sh->out_flags);
		n->sh->out_pollable = false;
	}
	out_flush(n);
}

void node_diag_record(struct node *n, json_t *rec)
{
	char *text = json_exact_dumps(rec, 0);
	size_t len, off = 0;

	json_decref(rec);
	if (!text)
		return;
	len = strlen(text);
	text[len] = '\n';
	while (off < len + 1) {
		ssize_t w = write(n->cfg->diag_fd, text + off, len + 1 - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(text);
}

static void in_line(struct node *n, char *line, size_t len)
{
	struct node_cmd cmd;
	struct dist_error err;
	struct etf_arena *a;
	size_t i = 0;

	n->sh->in_line++;
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
		       line[len - 1] == '\t'))
		len--;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len)
		return;
	a = etf_arena_new();
	dist_error_clear(&err);
	if (!a || node_cmd_parse(line + i, len - i, a, &cmd, &err) < 0) {
		json_t *rec = json_object();

		if (!a)
			dist_error_set(&err, DIST_E_NOMEM, DIST_STAGE_INPUT,
				       "out of memory");
		json_object_set_new(rec, "event", json_string("error"));
		json_object_set_new(rec, "line", json_integer(n->sh->in_line));
		if (a && cmd.id)
			json_object_set(rec, "id", cmd.id);
		json_object_set_new(rec, "error",
				    node_error_json(&err, DIST_STAGE_INPUT));
		node_diag_record(n, rec);
		if (a)
			node_cmd_release(&cmd);
		etf_arena_free(a);
		return;
	}
	n->sh->had_command = true;
	node_route_command(n, &cmd, a);
	node_cmd_release(&cmd);
}

static void in_lines(struct node *n)
{
	char *nl;

	while (!n->stopping &&
	       (nl = memchr(n->sh->in.data, '\n', n->sh->in.len)) != NULL) {
		size_t len = (size_t)((uint8_t *)nl - n->sh->in.data);

		if (n->sh->in_skipping)
			n->sh->in_skipping = false;
		else
			in_line(n, (char *)n->sh->in.data, len);
		buf_consume(&n->sh->in, len + 1);
	}
	if (n->sh->in.len > NODE_CMD_LINE_MAX) {
		struct dist_error err;
		json_t *rec = json_object();

		/* Too long to be a command: say so once, skip to its end. */
		n->sh->in_line++;
		dist_error_set(&err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
			       "line %ld is longer than %d bytes",
			       n->sh->in_line, NODE_CMD_LINE_MAX);
		json_object_set_new(rec, "event", json_string("error"));
		json_object_set_new(rec, "line", json_integer(n->sh->in_line));
		json_object_set_new(rec, "error",
				    node_error_json(&err, DIST_STAGE_INPUT));
		node_diag_record(n, rec);
		n->sh->in_skipping = true;
		buf_reset(&n->sh->in);
	}
}

static void in_eof(struct node *n)
{
	if (n->sh->in.len && !n->sh->in_skipping)
		in_line(n, (char *)n->sh->in.data, n->sh->in.len);
	buf_reset(&n->sh->in);
	n->sh->in_eof = true;
	node_in_close(n);
	/* The rule of the end of input (node.h): a one-shot sender ends,
	 * a server started with </dev/null does not. */
	if (n->cfg->at_eof == NODE_EOF_EXIT ||
	    (n->cfg->at_eof == NODE_EOF_AUTO && n->sh->had_command &&
	     n->cfg->max_messages == 0)) {
		n->sh->draining = true;
		node_each(n->sh, mark_draining);
		node_check_drained(n);
	}
}

/* Read one chunk; returns false at the end of input. */
static bool in_read(struct node *n)
{
	ssize_t r;

	if (buf_reserve(&n->sh->in, IN_CHUNK) < 0) {
		buf_reset(&n->sh->in);
		n->sh->in_skipping = true;
		return true;
	}
	r = read(n->sh->in_io.fd, n->sh->in.data + n->sh->in.len, IN_CHUNK);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (r <= 0) {
		in_eof(n);
		return false;
	}
	n->sh->in.len += (size_t)r;
	in_lines(n);
	return true;
}

static void in_on_io(struct engine *e, struct engine_io *io, unsigned ev)
{
	(void)e;
	(void)ev;
	in_read(io->data);
}

static void in_on_timer(struct engine *e, struct engine_timer *t)
{
	struct node *n = t->data;

	if (n->sh->in_io.fd >= 0 && !n->stopping && in_read(n))
		engine_timer_arm(e, t, engine_now_us());
}

int node_in_open(struct node *n, struct dist_error *err)
{
	(void)err;
	n->sh->in_io.fd = n->cfg->in_fd;
	n->sh->in_io.cb = in_on_io;
	n->sh->in_io.data = n;
	if (n->sh->in_io.fd < 0) {
		n->sh->in_eof = true;
		return 0;
	}
	if (engine_io_set(n->e, &n->sh->in_io, ENGINE_READ, NULL) == 0)
		return 0;
	/* epoll refuses regular files and /dev/null: read them from a
	 * timer, a chunk per round, so the loop still turns. */
	n->sh->in_timer.cb = in_on_timer;
	n->sh->in_timer.data = n;
	engine_timer_arm(n->e, &n->sh->in_timer, engine_now_us());
	return 0;
}

void node_in_close(struct node *n)
{
	if (n->sh->in_io.fd < 0)
		return;
	engine_io_remove(n->e, &n->sh->in_io);
	engine_timer_disarm(n->e, &n->sh->in_timer);
	/* Not ours to close: the fd is the program's stdin. */
	n->sh->in_io.fd = -1;
}
