/* namepool.c - our node name (see namepool.h). */
#include "dist/namepool.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist/nodename.h"
#include "io/resolve.h"

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
	char node[];
};

/* A list: it holds at most one entry per node in flight, which the
 * concurrency bounds. */
struct namepool_inuse {
	struct inuse_entry *head;
};

struct namepool_inuse *namepool_inuse_new(void)
{
	return calloc(1, sizeof(struct namepool_inuse));
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
	free(u);
}

static struct inuse_entry **find(struct namepool_inuse *u, const char *node)
{
	struct inuse_entry **pp = &u->head;

	while (*pp && strcmp((*pp)->node, node) != 0)
		pp = &(*pp)->next;
	return pp;
}

unsigned namepool_acquire(struct namepool_inuse *u, const char *node,
			  int start, bool *held)
{
	struct inuse_entry **pp, *e;
	unsigned first;
	size_t n;

	*held = false;
	if (!u)
		return start < 0 ? 0 : (unsigned)start;
	pp = find(u, node);
	if (!*pp) {
		n = strlen(node) + 1;
		e = calloc(1, sizeof *e + n);
		if (!e)
			return start < 0 ? 0 : (unsigned)start;
		memcpy(e->node, node, n);
		*pp = e;
	}
	e = *pp;
	first = start < 0 ? e->cursor : (unsigned)start % NAME_POOL_SIZE;
	for (unsigned k = 0; k < NAME_POOL_SIZE; k++) {
		unsigned i = (first + k) % NAME_POOL_SIZE;

		if (!(e->mask & (1u << i))) {
			e->mask |= 1u << i;
			e->cursor = (i + 1) % NAME_POOL_SIZE;
			*held = true;
			return i;
		}
	}
	return first;
}

void namepool_release(struct namepool_inuse *u, const char *node,
		      unsigned index)
{
	struct inuse_entry **pp, *e;

	if (!u || index >= NAME_POOL_SIZE)
		return;
	pp = find(u, node);
	if (!*pp)
		return;
	e = *pp;
	/* The entry stays, with its cursor, for the rest of the run: one
	 * per distinct node, the size of the run's own input. */
	e->mask &= ~(1u << index);
}

bool namepool_all_ours(struct namepool_inuse *u, const char *node)
{
	struct inuse_entry **pp;

	if (!u)
		return false;
	pp = find(u, node);
	return *pp && (*pp)->mask == (uint32_t)((1ULL << NAME_POOL_SIZE) - 1);
}
