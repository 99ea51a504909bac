/* epmd_embed.c - the embedded EPMD's sockets and name table (see
 * epmd_embed.h). */
#include "cluster/epmd_embed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/addr.h"
#include "io/listen.h"

/* Clients at once: registered nodes keep theirs open; past this a new
 * connection is closed at once, as a full epmd does. */
#define EMBED_CLIENTS_MAX 4096
/* A client that has not registered is answered and gone within this:
 * idle connections cannot fill the table and lock real nodes out. */
#define EMBED_IDLE_US (10 * 1000000)

struct embed_entry {
	struct embed_entry *next;
	struct embed_client *owner;   /* NULL: one of our own nodes */
	struct epmd_entry e;
};

struct embed_client {
	struct embed_client *next, **pprev;
	struct epmd_embed *s;
	struct engine_io io;
	struct engine_timer idle;
	struct buf in, out;
	bool loopback;
	bool done;                    /* answered: close once written */
	struct embed_entry *reg;      /* the name this socket registered */
};

struct epmd_embed {
	struct engine *e;
	uint16_t port;
	struct engine_io listen_io;
	struct embed_client *clients;
	size_t nclients;
	struct embed_entry *entries;
};

static struct embed_entry *entry_find(struct epmd_embed *s, const char *name)
{
	for (struct embed_entry *x = s->entries; x; x = x->next)
		if (!strcmp(x->e.name, name))
			return x;
	return NULL;
}

static struct embed_entry *entry_add(struct epmd_embed *s,
				     const struct epmd_entry *e,
				     struct embed_client *owner)
{
	struct embed_entry *x = malloc(sizeof *x);

	if (!x)
		return NULL;
	x->e = *e;
	x->e.creation = epmd_next_creation(0);
	x->owner = owner;
	x->next = s->entries;
	s->entries = x;
	return x;
}

static void entry_remove(struct epmd_embed *s, struct embed_entry *gone)
{
	for (struct embed_entry **pp = &s->entries; *pp; pp = &(*pp)->next)
		if (*pp == gone) {
			*pp = gone->next;
			free(gone);
			return;
		}
}

static void client_free(struct embed_client *c)
{
	struct epmd_embed *s = c->s;

	/* The registering socket closed: the name goes, as with epmd. */
	if (c->reg)
		entry_remove(s, c->reg);
	engine_io_remove(s->e, &c->io);
	engine_timer_disarm(s->e, &c->idle);
	close(c->io.fd);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	s->nclients--;
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/* One request, answered into c->out. Returns false to close at once. */
static bool client_request(struct embed_client *c, const struct epmd_req *r)
{
	struct epmd_embed *s = c->s;
	struct embed_entry *x;

	switch (r->type) {
	case EPMD_REQ_ALIVE2:
		/* Only a node on this host may register, and once. */
		if (!c->loopback || c->reg)
			return false;
		if (entry_find(s, r->node.name)) {
			epmd_alive2_answer(&c->out, r->node.highest, 1, 0);
			c->done = true;
			return true;
		}
		x = entry_add(s, &r->node, c);
		if (!x)
			return false;
		c->reg = x;
		epmd_alive2_answer(&c->out, r->node.highest, 0, x->e.creation);
		return true;
	case EPMD_REQ_PORT_PLEASE2:
		x = entry_find(s, r->node.name);
		epmd_port2_answer(&c->out, x ? &x->e : NULL);
		c->done = true;
		return true;
	case EPMD_REQ_NAMES:
		epmd_names_answer_head(&c->out, s->port);
		for (x = s->entries; x; x = x->next)
			epmd_names_answer_line(&c->out, x->e.name, x->e.port);
		c->done = true;
		return true;
	}
	return false;
}

static bool client_read(struct embed_client *c)
{
	struct dist_error err;
	struct epmd_req req;
	ssize_t r;
	long used;

	if (buf_reserve(&c->in, 512) < 0)
		return false;
	r = read(c->io.fd, c->in.data + c->in.len, 512);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR;
	if (r == 0)
		return false;
	c->in.len += (size_t)r;
	if (c->reg || c->done) {
		/* A registered node says nothing more; what it sends anyway
		 * is dropped, and only its close matters. */
		buf_reset(&c->in);
		return true;
	}
	used = epmd_req_parse(c->in.data, c->in.len, &req, &err);
	if (used < 0)
		return false;
	if (used == 0)
		return true;
	buf_reset(&c->in);
	return client_request(c, &req);
}

static bool client_write(struct embed_client *c)
{
	while (c->out.len) {
		ssize_t w = send(c->io.fd, c->out.data, c->out.len,
				 MSG_NOSIGNAL);

		if (w < 0)
			return errno == EAGAIN || errno == EINTR;
		buf_consume(&c->out, (size_t)w);
	}
	/* PORT2 and NAMES end with the close, as epmd's replies do. */
	return !c->done;
}

static void client_on_io(struct engine *e, struct engine_io *io,
			 unsigned events)
{
	struct embed_client *c = io->data;

	if ((events & ENGINE_READ) && !client_read(c)) {
		client_free(c);
		return;
	}
	if (!client_write(c)) {
		client_free(c);
		return;
	}
	engine_io_set(e, io, ENGINE_READ | (c->out.len ? ENGINE_WRITE : 0),
		      NULL);
}

static void client_on_idle(struct engine *e, struct engine_timer *t)
{
	struct embed_client *c = t->data;

	(void)e;
	if (!c->reg)
		client_free(c);
}

static void embed_on_listen(struct engine *e, struct engine_io *io,
			    unsigned events)
{
	struct epmd_embed *s = io->data;
	struct sockaddr_storage ss;
	socklen_t slen;
	int fd;

	(void)events;
	while ((fd = net_accept(io->fd, NULL, 0)) >= 0) {
		struct embed_client *c;

		slen = sizeof ss;
		if (s->nclients >= EMBED_CLIENTS_MAX ||
		    getpeername(fd, (struct sockaddr *)&ss, &slen) < 0 ||
		    !(c = calloc(1, sizeof *c))) {
			close(fd);
			continue;
		}
		c->s = s;
		c->loopback = sockaddr_is_loopback(&ss);
		buf_init(&c->in, EPMD_REQ_MAX + 2);
		buf_init(&c->out, 0);
		c->io.fd = fd;
		c->io.cb = client_on_io;
		c->io.data = c;
		c->idle.cb = client_on_idle;
		c->idle.data = c;
		engine_timer_arm(e, &c->idle, engine_now_us() + EMBED_IDLE_US);
		c->next = s->clients;
		c->pprev = &s->clients;
		if (s->clients)
			s->clients->pprev = &c->next;
		s->clients = c;
		s->nclients++;
		if (engine_io_set(e, &c->io, ENGINE_READ, NULL) < 0)
			client_free(c);
	}
}

struct epmd_embed *epmd_embed_open(struct engine *e, uint16_t port,
				   bool *in_use, struct dist_error *err)
{
	struct epmd_embed *s = calloc(1, sizeof *s);
	uint16_t bound;
	int fd;

	*in_use = false;
	if (!s) {
		dist_error_nomem(err, DIST_STAGE_EPMD, "starting EPMD");
		return NULL;
	}
	fd = net_listen(false, port, &bound, err);
	if (fd < 0) {
		*in_use = errno == EADDRINUSE;
		free(s);
		return NULL;
	}
	s->e = e;
	s->port = bound;
	s->listen_io.fd = fd;
	s->listen_io.cb = embed_on_listen;
	s->listen_io.data = s;
	if (engine_io_set(e, &s->listen_io, ENGINE_READ, err) < 0) {
		close(fd);
		free(s);
		return NULL;
	}
	return s;
}

void epmd_embed_close(struct epmd_embed *s)
{
	if (!s)
		return;
	while (s->clients)
		client_free(s->clients);
	while (s->entries)
		entry_remove(s, s->entries);
	engine_io_remove(s->e, &s->listen_io);
	close(s->listen_io.fd);
	free(s);
}

int epmd_embed_add(struct epmd_embed *s, const char *name, uint16_t port,
		   uint32_t *creation, struct dist_error *err)
{
	struct epmd_entry e;
	struct embed_entry *x;

	if (entry_find(s, name))
		return dist_error_set(err, DIST_E_NAME_IN_USE, DIST_STAGE_EPMD,
				      "the name '%s' is already registered "
				      "with our embedded EPMD", name);
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "%s", name);
	/* What OTP and ei say for a node of version 6 (see epmd.h). */
	e.port = port;
	e.node_type = 77;
	e.highest = e.lowest = 6;
	x = entry_add(s, &e, NULL);
	if (!x)
		return dist_error_nomem(err, DIST_STAGE_EPMD, "registering");
	*creation = x->e.creation;
	return 0;
}

void epmd_embed_remove(struct epmd_embed *s, const char *name)
{
	struct embed_entry *x = entry_find(s, name);

	if (x && !x->owner)
		entry_remove(s, x);
}
