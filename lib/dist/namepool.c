/* namepool.c - our node name (see namepool.h). */
#include "dist/namepool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "dist/nodename.h"
#include "dist/namepool_lock.h"
#include "io/addr.h"

static void our_host(bool long_style, const struct sockaddr_storage *local,
		     char *out, size_t len)
{
	char h[256] = "";

	if (gethostname(h, sizeof h - 1) < 0 || !h[0])
		snprintf(h, sizeof h, "localhost");
	if (!long_style) {
		/* As erl -sname does: the host name up to the first dot. */
		h[strcspn(h, ".")] = '\0';
		snprintf(out, len, "%s", h);
		return;
	}
	if (strchr(h, '.') || !local) {
		snprintf(out, len, "%s", h);
		return;
	}
	/* No domain: a long name needs a dotted host, and the address we
	 * reach the target from is the most truthful one we have. */
	sockaddr_text(local, out, len);
}

int namepool_name(const char *override, unsigned attempt, bool long_style,
		  const struct sockaddr_storage *local, char *out, size_t len,
		  struct dist_error *err)
{
	char host[256];
	struct node_name parsed;

	if (override && strchr(override, '@')) {
		if (attempt > 0)
			goto in_use;
		if (node_name_parse(override, &parsed, err) < 0)
			return -1;
		snprintf(out, len, "%s", parsed.full);
		return 0;
	}
	if (override) {
		if (attempt > 0)
			goto in_use;
		if (!node_alive_valid(override))
			return dist_error_set(err, DIST_E_INVALID_NAME,
					      DIST_STAGE_INPUT,
					      "--name '%s': the name may only "
					      "contain letters, digits, '_' "
					      "and '-'", override);
		our_host(long_style, local, host, sizeof host);
		snprintf(out, len, "%s@%s", override, host);
		return 0;
	}
	if (attempt >= NAME_POOL_SIZE)
		goto in_use;
	our_host(long_style, local, host, sizeof host);
	/* "-dist<N>": a node compares its own name with a name that
	 * connects twice at once and drops the first connection unless
	 * its own name is greater (net_kernel accept_pending): '-' makes
	 * ours the lesser, so the node answers the second with a clean
	 * "nok" instead (namepool.h has the whole rule). */
	snprintf(out, len, NAME_POOL_PREFIX "%u@%s", attempt, host);
	return 0;

in_use:
	if (override)
		return dist_error_set(err, DIST_E_NAME_IN_USE,
				      DIST_STAGE_HANDSHAKE,
				      "the node already has a connection from "
				      "our name '%s': pick another --name",
				      override);
	return dist_error_set(err, DIST_E_NAME_IN_USE, DIST_STAGE_HANDSHAKE,
			      "the node already has connections from all %d "
			      "pool names (" NAME_POOL_PREFIX "0.."
			      NAME_POOL_PREFIX "%d): too many probes at once",
			      NAME_POOL_SIZE, NAME_POOL_SIZE - 1);
}

struct inuse_entry {
	struct inuse_entry *next;
	uint32_t mask;
	unsigned cursor;    /* where the next acquire starts */
	char key[];
};

/* A list: it holds at most one entry per node in flight, which the
 * concurrency bounds. */
struct namepool_inuse {
	struct inuse_entry *head;
	int lock_dir;       /* the runtime directory, or -1 */
};

struct namepool_inuse *namepool_inuse_new(void)
{
	struct namepool_inuse *u = calloc(1, sizeof *u);

	if (u)
		u->lock_dir = namepool_lock_dir_open();
	return u;
}

void namepool_inuse_free(struct namepool_inuse *u)
{
	if (!u)
		return;
	while (u->head) {
		struct inuse_entry *e = u->head;

		u->head = e->next;
		free(e);
	}
	if (u->lock_dir >= 0)
		close(u->lock_dir);
	free(u);
}

void namepool_node_key(const char *alive, const struct sockaddr_storage *addr,
		       unsigned port, char *out, size_t len)
{
	char host[64];

	if (sockaddr_is_loopback(addr))
		snprintf(host, sizeof host, "loopback");
	else
		sockaddr_text(addr, host, sizeof host);
	snprintf(out, len, "%s@%s:%u", alive, host, port);
}

static struct inuse_entry **find(struct namepool_inuse *u, const char *key)
{
	struct inuse_entry **pp = &u->head;

	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

enum namepool_got namepool_acquire(struct namepool_inuse *u, const char *key,
				   int start, struct namepool_hold *h)
{
	struct inuse_entry **pp, *e;
	unsigned first;
	size_t n;

	h->held = false;
	h->lock_fd = -1;
	h->index = start < 0 ? 0 : (unsigned)start % NAME_POOL_SIZE;
	if (!u)
		return NAMEPOOL_UNTRACKED;
	pp = find(u, key);
	if (!*pp) {
		n = strlen(key) + 1;
		e = calloc(1, sizeof *e + n);
		if (!e)
			return NAMEPOOL_UNTRACKED;
		memcpy(e->key, key, n);
		*pp = e;
	}
	e = *pp;
	first = start < 0 ? e->cursor : h->index;
	for (unsigned k = 0; k < NAME_POOL_SIZE; k++) {
		unsigned i = (first + k) % NAME_POOL_SIZE;
		int fd = -1;

		if (e->mask & (1u << i))
			continue;
		if (u->lock_dir >= 0 &&
		    namepool_lock_try(u->lock_dir, key, i, &fd) == 0)
			continue;    /* another run holds it */
		e->mask |= 1u << i;
		e->cursor = (i + 1) % NAME_POOL_SIZE;
		h->index = i;
		h->held = true;
		h->lock_fd = fd;
		return NAMEPOOL_HELD;
	}
	h->index = first;
	return NAMEPOOL_ALL_BUSY;
}

void namepool_release(struct namepool_inuse *u, const char *key,
		      struct namepool_hold *h)
{
	struct inuse_entry **pp;

	if (h->lock_fd >= 0) {
		close(h->lock_fd);
		h->lock_fd = -1;
	}
	if (!h->held)
		return;
	h->held = false;
	if (!u || h->index >= NAME_POOL_SIZE)
		return;
	pp = find(u, key);
	/* The entry stays, with its cursor, for the rest of the run: one
	 * per distinct node, the size of the run's own input. */
	if (*pp)
		(*pp)->mask &= ~(1u << h->index);
}
