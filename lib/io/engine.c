/* engine.c - epoll + timer heap (see engine.h). */
#include "io/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define ENGINE_BATCH 64

struct engine {
	int epfd;
	size_t nwatched;      /* registered fds with events != 0 */
	bool stopping;
	/* Timer min-heap, 1-based so heap_index 0 can mean "not armed". */
	struct engine_timer **heap;
	size_t nheap;
	size_t capheap;
};

int64_t engine_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct engine *engine_new(struct dist_error *err)
{
	struct engine *e = calloc(1, sizeof *e);

	if (!e) {
		dist_error_nomem(err, DIST_STAGE_NONE,
				 "creating the event loop");
		return NULL;
	}
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0) {
		dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			       "epoll_create1: %s", strerror(errno));
		free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	close(e->epfd);
	free(e->heap);
	free(e);
}

static uint32_t epoll_mask(unsigned events)
{
	uint32_t m = 0;

	if (events & ENGINE_READ)
		m |= EPOLLIN | EPOLLRDHUP;
	if (events & ENGINE_WRITE)
		m |= EPOLLOUT;
	return m;
}

int engine_io_set(struct engine *e, struct engine_io *io, unsigned events,
		  struct dist_error *err)
{
	struct epoll_event ev = { .events = epoll_mask(events),
				  .data.ptr = io };
	int op = io->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (io->registered && io->events == events)
		return 0;
	if (epoll_ctl(e->epfd, op, io->fd, &ev) < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "epoll_ctl: %s", strerror(errno));
	if (!io->registered)
		e->nwatched += events != 0;
	else
		e->nwatched += (events != 0) - (io->events != 0);
	io->registered = true;
	io->events = events;
	return 0;
}

void engine_io_remove(struct engine *e, struct engine_io *io)
{
	if (!io->registered)
		return;
	epoll_ctl(e->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	e->nwatched -= io->events != 0;
	io->registered = false;
	io->events = 0;
}

static void heap_swap(struct engine *e, size_t i, size_t j)
{
	struct engine_timer *t = e->heap[i];

	e->heap[i] = e->heap[j];
	e->heap[j] = t;
	e->heap[i]->heap_index = i;
	e->heap[j]->heap_index = j;
}

static void heap_up(struct engine *e, size_t i)
{
	while (i > 1 && e->heap[i / 2]->when_us > e->heap[i]->when_us) {
		heap_swap(e, i, i / 2);
		i /= 2;
	}
}

static void heap_down(struct engine *e, size_t i)
{
	for (;;) {
		size_t l = 2 * i, r = l + 1, m = i;

		if (l <= e->nheap && e->heap[l]->when_us < e->heap[m]->when_us)
			m = l;
		if (r <= e->nheap && e->heap[r]->when_us < e->heap[m]->when_us)
			m = r;
		if (m == i)
			return;
		heap_swap(e, i, m);
		i = m;
	}
}

void engine_timer_disarm(struct engine *e, struct engine_timer *t)
{
	size_t i = t->heap_index;

	if (i == 0)
		return;
	t->heap_index = 0;
	if (i != e->nheap) {
		e->heap[i] = e->heap[e->nheap];
		e->heap[i]->heap_index = i;
		e->nheap--;
		heap_up(e, i);
		heap_down(e, i);
	} else {
		e->nheap--;
	}
}

void engine_timer_arm(struct engine *e, struct engine_timer *t,
		      int64_t when_us)
{
	engine_timer_disarm(e, t);
	if (e->nheap + 2 > e->capheap) {
		size_t ncap = e->capheap ? e->capheap * 2 : 64;
		struct engine_timer **h = realloc(e->heap, ncap * sizeof *h);

		/* Out of memory for a timer: fire it at once rather than
		 * lose a deadline, so nothing can hang forever. */
		if (!h) {
			t->cb(e, t);
			return;
		}
		e->heap = h;
		e->capheap = ncap;
	}
	t->when_us = when_us;
	e->heap[++e->nheap] = t;
	t->heap_index = e->nheap;
	heap_up(e, e->nheap);
}

void engine_stop(struct engine *e)
{
	e->stopping = true;
}

static void run_due_timers(struct engine *e)
{
	int64_t now = engine_now_us();

	while (e->nheap && !e->stopping) {
		struct engine_timer *t = e->heap[1];

		/* Timers armed "now" by a callback of this round run in it
		 * too, rather than after another trip through epoll. */
		if (t->when_us > now) {
			now = engine_now_us();
			if (t->when_us > now)
				break;
		}
		engine_timer_disarm(e, t);
		t->cb(e, t);
	}
}

static int poll_timeout_ms(const struct engine *e)
{
	int64_t wait;

	if (!e->nheap)
		return -1;
	wait = e->heap[1]->when_us - engine_now_us();
	if (wait <= 0)
		return 0;
	/* Round down: epoll counts milliseconds, and rounding a timer due
	 * in 5 us up to 1 ms made every deferred callback (resolver
	 * answers from /etc/hosts, job reaping) cost a millisecond. The
	 * price is a few zero-timeout polls in the last millisecond. */
	wait /= 1000;
	return wait > 60000 ? 60000 : (int)wait;
}

int engine_run(struct engine *e, struct dist_error *err)
{
	struct epoll_event evs[ENGINE_BATCH];

	e->stopping = false;
	while (!e->stopping && (e->nwatched || e->nheap)) {
		int n = epoll_wait(e->epfd, evs, ENGINE_BATCH,
				   poll_timeout_ms(e));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
					      "epoll_wait: %s",
					      strerror(errno));
		}
		for (int i = 0; i < n && !e->stopping; i++) {
			struct engine_io *io = evs[i].data.ptr;
			unsigned got = 0;

			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
					     EPOLLERR))
				got |= ENGINE_READ;
			if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
				got |= ENGINE_WRITE;
			got &= io->events ? io->events : 0;
			if (got)
				io->cb(e, io, got);
		}
		run_due_timers(e);
	}
	return 0;
}
