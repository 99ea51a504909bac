/* elect_hold.c - hold the lease while a command runs (see elect.h and
 * elect_child.h). */
#include "run/elect.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "io/engine.h"

struct hold {
	const struct elect_request *rq;
	char **order;          /* the lease's member first, then the rest */
	size_t n;
	const char *renew_text;
};

/* The member running the lease process first: it answers even when
 * global is busy elsewhere; any other member reaches it through
 * global. */
static char **renew_order(const struct elect_request *rq,
			  const struct elect_result *res, size_t *n)
{
	char **v = calloc(rq->n + 1, sizeof *v);

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < rq->n; i++)
		if (!strcmp(rq->nodes[i], res->lease.lease_node))
			v[(*n)++] = rq->nodes[i];
	for (size_t i = 0; i < rq->n; i++)
		if (res->alive[i] && strcmp(rq->nodes[i],
					    res->lease.lease_node) != 0)
			v[(*n)++] = rq->nodes[i];
	return v;
}

static int renew(void *ctx, int64_t *valid_until_us)
{
	struct hold *h = ctx;
	struct elect_run_config c = h->rq->run;
	struct elect_lease_answer a;
	struct dist_error err;
	char via[ELECT_NAME_MAX + 1];
	int64_t sent, left = *valid_until_us - engine_now_us();

	/* A call must not outlast the lease it is trying to keep. */
	if (left <= 0)
		return 0;
	if (c.timeout_us <= 0 || c.timeout_us > left)
		c.timeout_us = left;
	dist_error_clear(&err);
	if (elect_lease_call(&c, h->order, h->n, h->renew_text, &a, via,
			     sizeof via, &sent, &err) < 0) {
		if (c.report)
			c.report(&err);
		return -1;
	}
	if (a.status == LEASE_RENEWED) {
		*valid_until_us = sent + h->rq->lease_ms * 1000;
		return 1;
	}
	return a.status == LEASE_BUSY ? -1 : 0;
}

static void release(const struct hold *h)
{
	struct buf text;
	struct elect_lease_answer a;
	struct dist_error err;
	char via[ELECT_NAME_MAX + 1];
	int64_t sent;

	dist_error_clear(&err);
	buf_init(&text, 64 * 1024);
	if (elect_lease_text(&text, LEASE_RELEASE, h->rq->group, h->rq->self,
			     h->rq->lease_ms, 0, &err) < 0 ||
	    elect_lease_call(&h->rq->run, h->order, h->n,
			     (const char *)text.data, &a, via, sizeof via,
			     &sent, &err) < 0) {
		if (h->rq->run.report)
			h->rq->run.report(&err);
	}
	buf_free(&text);
}

int elect_run_command(const struct elect_request *rq,
		      const struct elect_result *res, char *const *argv,
		      int64_t grace_us, struct elect_child_result *out,
		      int *errno_out, struct dist_error *err)
{
	struct hold h = { rq, NULL, 0, NULL };
	struct buf text;
	struct elect_child_config cfg = {
		.argv = argv,
		.term = res->term,
		.lease_us = rq->lease_ms * 1000,
		.valid_until_us = res->lease_sent_us + rq->lease_ms * 1000,
		.grace_us = grace_us,
		.renew = renew,
		.ctx = &h,
	};
	int rc = -1;

	*errno_out = 0;
	buf_init(&text, 64 * 1024);
	h.order = renew_order(rq, res, &h.n);
	if (!h.order) {
		dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	} else if (elect_lease_text(&text, LEASE_RENEW, rq->group, rq->self,
				    rq->lease_ms, 0, err) == 0) {
		h.renew_text = (const char *)text.data;
		rc = elect_child_run(&cfg, out, errno_out, err);
		/* Not started, ended, or lost: either way it is not ours
		 * to keep. Releasing a lost lease is refused by its new
		 * holder's lease process, harmlessly. */
		release(&h);
	}
	buf_free(&text);
	free(h.order);
	return rc;
}
