/* dist_conn_name.c - the name a connection greets the node with: --name,
 * or a name of the pool taken again when the node says it is in use
 * (see namepool.h for why and how the pool is shared). */
#include "dist/dist_conn_internal.h"

#include <unistd.h>

#include "dist/namepool.h"

/* Closes before the status that may be a busy name rather than a port
 * that is no distribution port: runs of other users, which share no
 * locks with us, can walk into a few such names in a row. */
#define EARLY_CLOSES_MAX 4

void conn_name_release(struct dist_conn *c)
{
	namepool_release(c->cfg->names, c->pool_key, &c->pool);
}

void conn_on_name_wait(struct engine *e, struct engine_timer *t)
{
	(void)e;
	conn_connect_node(t->data);
}

/* A name of the pool is taken on this node: reconnect with the next. */
void conn_name_retry(struct dist_conn *c, bool answer)
{
	static const uint8_t give_up[] = { 0, 6, 's', 'f', 'a', 'l', 's', 'e' };
	struct namepool_hold taken = c->pool;

	/* Answer "false": the existing connection with that name belongs
	 * to someone else (another probe) and must not be replaced. */
	if (answer && write(c->io.fd, give_up, sizeof give_up) < 0) {
		/* Nothing to do: the socket is closed right after. */
	}
	conn_close_socket(c);
	/* Take the next name before letting go of this one, so that a
	 * sibling connection does not walk into it meanwhile. */
	c->pool_tries++;
	namepool_acquire(c->cfg->names, c->pool_key,
			 (int)(taken.index + 1) % NAME_POOL_SIZE, &c->pool);
	namepool_release(c->cfg->names, c->pool_key, &taken);
	dist_conn_stage(c, DIST_STAGE_CONNECT);
	conn_connect_node(c);
}

/* Other connections to the same node, of this run or of another run on
 * this host, hold names too: take one nobody holds, or wait a moment
 * while all 32 are held (the stage timeout still bounds the wait). See
 * namepool.h for what the node does otherwise. */
bool conn_name_hold(struct dist_conn *c)
{
	if (c->cfg->our_name || c->pool.held)
		return true;
	namepool_node_key(c->target.alive, dial_current(&c->dial),
			  c->node_port, c->pool_key, sizeof c->pool_key);
	if (namepool_acquire(c->cfg->names, c->pool_key,
			     c->pool_tries == 0
				     ? -1
				     : (int)(c->pool.index % NAME_POOL_SIZE),
			     &c->pool) != NAMEPOOL_ALL_BUSY)
		return true;
	engine_timer_arm(c->e, &c->name_wait, engine_now_us() + 2000);
	return false;
}

/* The node has a connection under our name already (status alive or
 * nok): the pool's next name, unless ours was given (--name) or every
 * name has had its turn. */
void conn_name_taken(struct dist_conn *c)
{
	struct dist_error err;

	if (c->cfg->our_name || c->pool_tries + 1 >= NAME_POOL_SIZE) {
		dist_error_clear(&err);
		err.stage = DIST_STAGE_HANDSHAKE;
		namepool_name(c->cfg->our_name, NAME_POOL_SIZE, false, NULL,
			      c->our_name, sizeof c->our_name, &err);
		conn_fail(c, &err);
		return;
	}
	conn_name_retry(c, true);
}

/* A node that is still asking another connection under our name whether
 * to replace its live one (status alive; net_kernel's already_pending)
 * hangs up without a status: take the next name, a few times. Closes
 * before the status may also be a busy name of another user's run, who
 * shares no locks with us. true when a new connect has started. */
bool conn_name_retry_after_close(struct dist_conn *c)
{
	if (c->cfg->our_name || c->early_closes >= EARLY_CLOSES_MAX)
		return false;
	c->early_closes++;
	conn_name_retry(c, false);
	return true;
}
