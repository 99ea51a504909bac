/* discover_epmd.c - the names EPMD lists on each host (NAMES_REQ), as
 * net_adm:names/1 and net_adm:world/0 do, but every host at once in the
 * engine (see discover.h). */
#include "discover/discover.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "dist/epmd.h"
#include "io/dial.h"
#include "io/net.h"

/* EPMD lists one short line per node: a megabyte is thousands of nodes,
 * more than one EPMD serves. The reply is parsed as it arrives, so only
 * an unfinished line is ever kept. */
#define NAMES_REPLY_MAX (1024 * 1024)
#define NAMES_BUF_MAX (EPMD_NAMES_LINE_MAX + 8192)
#define HOSTS_FILE_MAX (1024 * 1024)

struct epmd_source {
	struct discover_source s;
	char host[256];        /* where EPMD runs; "" for this host */
	char node_host[256];   /* the host part of the names */
	enum discover_host_form form;
	struct resolve_req *resolving;
	struct dial dial;      /* the host's addresses, in turn */
	struct engine_io io;
	bool connecting;
	struct epmd_names names;
	size_t received;
	struct buf in;
	struct buf out;
};

static void epmd_close(struct epmd_source *es)
{
	if (es->io.fd >= 0) {
		engine_io_remove(discover_engine(es->s.d), &es->io);
		close(es->io.fd);
		es->io.fd = -1;
	}
}

static void epmd_finish(struct epmd_source *es, const struct dist_error *err)
{
	epmd_close(es);
	buf_free(&es->in);
	buf_free(&es->out);
	if (err)
		discover_failed(&es->s, err, NULL);
	discover_source_done(&es->s);
}

static void on_name(void *data, const char *name, uint16_t port)
{
	struct epmd_source *es = data;
	char node[EPMD_NAMES_LINE_MAX + 300];
	struct discover_node n = { .node = node, .host = es->node_host,
				   .address = es->dial.address, .port = port };

	/* The address EPMD answered on: the nodes listen there too. */
	n.family = dial_current(&es->dial)->ss_family;
	if (es->form == DISCOVER_HOST_ADDRESS)
		n.host = es->dial.address;
	snprintf(node, sizeof node, "%s@%s", name, n.host);
	discover_found(&es->s, &n);
}

static void on_bad_line(void *data, const uint8_t *line, size_t len,
			const char *why)
{
	struct epmd_source *es = data;
	struct dist_error err;

	dist_error_set(&err, DIST_E_INVALID_NAME, DIST_STAGE_EPMD,
		       "EPMD on '%.200s' lists an entry that is not "
		       "'name NAME at port PORT': %s", es->s.query, why);
	discover_invalid(&es->s, (const char *)line, len, &err);
}

static const struct epmd_names_ops names_ops = { on_name, on_bad_line };

static void epmd_connect_next(struct epmd_source *es);

static void on_connect_error(struct epmd_source *es, int soerr)
{
	struct dist_error err;
	char detail[300];

	epmd_close(es);
	if (dial_next(&es->dial)) {
		epmd_connect_next(es);
		return;
	}
	snprintf(detail, sizeof detail, "%s port %d: %s", es->dial.address,
		 discover_config_of(es->s.d)->epmd_port, strerror(soerr));
	dist_error_set(&err, DIST_E_EPMD_UNREACHABLE, DIST_STAGE_EPMD,
		       "no EPMD answers on host '%s' (%s): no Erlang node "
		       "runs there, or EPMD listens on another port "
		       "(--epmd-port, $ERL_EPMD_PORT)", es->s.query, detail);
	epmd_finish(es, &err);
}

/* Each read's complete lines become names at once; a bad line is its
 * own record and the lines after it are still read. */
static void epmd_read(struct epmd_source *es)
{
	struct dist_error err;
	ssize_t n;
	long used;

	for (;;) {
		if (buf_reserve(&es->in, 4096) < 0) {
			dist_error_nomem(&err, DIST_STAGE_EPMD, NULL);
			epmd_finish(es, &err);
			return;
		}
		n = read(es->io.fd, es->in.data + es->in.len,
			 es->in.cap - es->in.len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			on_connect_error(es, errno);
			return;
		}
		es->in.len += (size_t)n;
		es->received += (size_t)n;
		/* EPMD closes after the NAMES reply: EOF ends the last line. */
		used = epmd_names_feed(&es->names, es->in.data, es->in.len,
				       n == 0, &names_ops, es, &err);
		if (used < 0) {
			snprintf(err.message + strlen(err.message),
				 sizeof err.message - strlen(err.message),
				 " (host '%.200s')", es->s.query);
			epmd_finish(es, &err);
			return;
		}
		buf_consume(&es->in, (size_t)used);
		if (n == 0) {
			epmd_finish(es, NULL);
			return;
		}
		if (es->received > NAMES_REPLY_MAX) {
			/* The names so far are kept; the source failed, so a
			 * --watch reports none of its nodes down. */
			dist_error_set(&err, DIST_E_TOO_LARGE, DIST_STAGE_EPMD,
				       "EPMD on '%s' sent a NAMES reply over "
				       "%d bytes: the rest is not read",
				       es->s.query, NAMES_REPLY_MAX);
			epmd_finish(es, &err);
			return;
		}
	}
}

static void on_io(struct engine *e, struct engine_io *io, unsigned events)
{
	struct epmd_source *es = io->data;
	int soerr;
	ssize_t n;

	(void)events;
	if (es->connecting) {
		soerr = net_connect_result(io->fd);
		if (soerr) {
			on_connect_error(es, soerr);
			return;
		}
		es->connecting = false;
		/* NAMES_REQ: three bytes, always fits a new socket. */
		n = write(io->fd, es->out.data, es->out.len);
		if (n != (ssize_t)es->out.len) {
			on_connect_error(es, n < 0 ? errno : EIO);
			return;
		}
		engine_io_set(e, io, ENGINE_READ, NULL);
		return;
	}
	epmd_read(es);
}

static void epmd_connect_next(struct epmd_source *es)
{
	uint16_t port = (uint16_t)discover_config_of(es->s.d)->epmd_port;
	int fd = dial_connect(&es->dial, port, false);

	if (fd < 0) {
		on_connect_error(es, -fd);
		return;
	}
	es->io.fd = fd;
	es->connecting = true;
	if (engine_io_set(discover_engine(es->s.d), &es->io, ENGINE_WRITE,
			  NULL) < 0) {
		epmd_close(es);
		on_connect_error(es, EMFILE);
	}
}

static void on_resolved(void *data, int status,
			const struct resolve_result *res,
			const struct dist_error *err)
{
	struct epmd_source *es = data;

	es->resolving = NULL;
	if (status < 0) {
		epmd_finish(es, err);
		return;
	}
	dial_init(&es->dial, res);
	epmd_connect_next(es);
}

static void epmd_start(struct discover_source *s)
{
	struct epmd_source *es = (struct epmd_source *)s;
	struct resolve_result here;
	struct sockaddr_in *sin = (struct sockaddr_in *)&here.addrs[0];
	struct dist_error err;
	struct resolver *r;

	buf_init(&es->in, NAMES_BUF_MAX);
	buf_init(&es->out, 16);
	memset(&es->names, 0, sizeof es->names);
	es->received = 0;
	epmd_names_request(&es->out);
	if (!es->host[0]) {
		/* This host: EPMD always listens on loopback. */
		memset(&here, 0, sizeof here);
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		here.naddrs = 1;
		dial_init(&es->dial, &here);
		epmd_connect_next(es);
		return;
	}
	r = discover_resolver(s->d, &err);
	if (!r) {
		epmd_finish(es, &err);
		return;
	}
	es->resolving = resolve_host(r, es->host, on_resolved, es);
	if (!es->resolving) {
		dist_error_nomem(&err, DIST_STAGE_RESOLVE, NULL);
		epmd_finish(es, &err);
	}
}

static void epmd_cancel(struct discover_source *s)
{
	struct epmd_source *es = (struct epmd_source *)s;

	resolve_cancel(es->resolving);
	es->resolving = NULL;
	epmd_close(es);
	buf_free(&es->in);
	buf_free(&es->out);
}

static void epmd_destroy(struct discover_source *s)
{
	epmd_cancel(s);
	free(s);
}

static const struct discover_source_ops epmd_ops = {
	.start = epmd_start,
	.cancel = epmd_cancel,
	.destroy = epmd_destroy,
};

/* The host part of the names EPMD on host lists (NULL: this host), as
 * erl -sname (short) or -name (long) would have written it; the address
 * form is only known once EPMD answers. */
static int names_host(const char *host, enum discover_host_form form,
		      char *out, size_t len, struct dist_error *err)
{
	char here[256];

	if (host) {
		snprintf(out, len, "%s", host);
	} else {
		if (gethostname(here, sizeof here - 1) < 0)
			snprintf(here, sizeof here, "localhost");
		here[sizeof here - 1] = '\0';
		snprintf(out, len, "%s", here);
		if (form == DISCOVER_HOST_LONG && !strchr(here, '.'))
			/* erl -name without a host fails the same way. */
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--host-form long: this host's "
					      "name '%s' has no domain; give "
					      "-H with its fully qualified "
					      "name, or --host-form address",
					      here);
		if (form != DISCOVER_HOST_LONG)
			form = DISCOVER_HOST_SHORT;
	}
	/* An address stays whole: only a host name has a short form. */
	if (form == DISCOVER_HOST_SHORT && !strchr(out, ':') &&
	    strspn(out, "0123456789.") != strlen(out))
		out[strcspn(out, ".")] = '\0';
	return 0;
}

int discover_add_epmd(struct discover *d, const char *host,
		      struct dist_error *err)
{
	enum discover_host_form form = discover_config_of(d)->epmd_host_form;
	struct epmd_source *es;
	char node_host[256];

	if (host && (!*host || strlen(host) > 255))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "EPMD host '%s' is empty or too long",
				      host);
	if (names_host(host, form, node_host, sizeof node_host, err) < 0)
		return -1;
	es = calloc(1, sizeof *es);
	if (!es)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	discover_source_init(&es->s, &epmd_ops, "epmd", host ? host
							     : node_host);
	snprintf(es->host, sizeof es->host, "%s", host ? host : "");
	snprintf(es->node_host, sizeof es->node_host, "%s", node_host);
	es->form = form;
	es->io.fd = -1;
	es->io.cb = on_io;
	es->io.data = es;
	discover_add_source(d, &es->s);
	return 0;
}

/* ---- .hosts.erlang ---------------------------------------------------- */

static int hosts_error(struct dist_error *err, int line, const char *what)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "hosts file line %d: %s (want 'host'. terms)",
			      line, what);
}

int discover_hosts_parse(const char *text, size_t len, discover_host_fn fn,
			 void *data, struct dist_error *err)
{
	size_t i = 0, n;
	int line = 1, count = 0;
	char host[256];

	while (i < len) {
		char c = text[i];

		if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			line += c == '\n';
			i++;
			continue;
		}
		if (c == '%') {    /* a comment, to the end of the line */
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		n = 0;
		if (c == '\'') {   /* a quoted atom: 'host.example.com' */
			for (i++; i < len && text[i] != '\''; i++) {
				/* NUL too: it would cut the host short. */
				if (text[i] == '\n' || text[i] == '\\' ||
				    text[i] == '\0')
					return hosts_error(err, line,
							   "unsupported "
							   "character in a "
							   "quoted host");
				if (n + 1 >= sizeof host)
					return hosts_error(err, line,
							   "host too long");
				host[n++] = text[i];
			}
			if (i >= len)
				return hosts_error(err, line,
						   "unterminated quote");
			i++;
		} else {           /* a bare atom: lower case first */
			if (c < 'a' || c > 'z')
				return hosts_error(err, line,
						   "expected a host atom");
			while (i < len && (text[i] == '_' || text[i] == '@' ||
					   (text[i] >= 'a' && text[i] <= 'z') ||
					   (text[i] >= 'A' && text[i] <= 'Z') ||
					   (text[i] >= '0' && text[i] <= '9'))) {
				if (n + 1 >= sizeof host)
					return hosts_error(err, line,
							   "host too long");
				host[n++] = text[i++];
			}
		}
		host[n] = '\0';
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i >= len || text[i] != '.')
			return hosts_error(err, line, "missing '.' after a "
					   "host");
		i++;
		if (n == 0)
			return hosts_error(err, line, "empty host");
		if (++count > DISCOVER_MAX_HOSTS)
			return dist_error_set(err, DIST_E_TOO_LARGE,
					      DIST_STAGE_INPUT,
					      "hosts file lists more than %d "
					      "hosts", DISCOVER_MAX_HOSTS);
		if (fn(data, host, err) < 0)
			return -1;
	}
	return count;
}

static int add_host(void *data, const char *host, struct dist_error *err)
{
	return discover_add_epmd(data, host, err);
}

int discover_add_hosts_file(struct discover *d, const char *path,
			    struct dist_error *err)
{
	struct file_text t;
	int rc;

	/* The messages quote the path and are ours: err is not passed. */
	if (file_read(path, "hosts file", HOSTS_FILE_MAX, 0, &t, NULL) < 0) {
		int e = errno;

		if (e == ENOMEM)
			return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
		if (!t.st.st_mode)  /* the open failed */
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_INPUT,
					      "cannot read hosts file '%s': %s",
					      path, strerror(e));
		return dist_error_set(err, e == EFBIG ? DIST_E_TOO_LARGE
						      : DIST_E_IO,
				      DIST_STAGE_INPUT,
				      "cannot read hosts file '%s'%s", path,
				      e == EFBIG ? ": larger than 1 MiB" : "");
	}
	rc = discover_hosts_parse(t.data, t.len, add_host, d, err);
	file_text_free(&t);
	if (rc < 0 && err->code == DIST_E_USAGE) {
		char msg[DIST_ERROR_MSG_MAX];

		snprintf(msg, sizeof msg, "%.200s: %.300s", path,
			 err->message);
		snprintf(err->message, sizeof err->message, "%s", msg);
	}
	return rc;
}
