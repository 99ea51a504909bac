/* elect_child.c - a command under a lease (see elect_child.h). */
#include "run/elect_child.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "io/engine.h"

extern char **environ;

#define TERM_VAR "DIST_LEADER_TERM="

/* Our environment with DIST_LEADER_TERM set to the term. */
static char **child_env(int64_t term, char *slot, size_t slot_size)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], TERM_VAR, sizeof TERM_VAR - 1) != 0)
			env[k++] = environ[i];
	snprintf(slot, slot_size, TERM_VAR "%" PRId64, term);
	env[k] = slot;
	return env;
}

static int spawn_child(const struct elect_child_config *cfg, pid_t *pid,
		       int *errno_out, struct dist_error *err)
{
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	char slot[64];
	char **env = child_env(cfg->term, slot, sizeof slot);
	int rc;

	if (!env)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	sigemptyset(&none);
	sigemptyset(&dflt);
	/* SIGPIPE is ignored here (a closed stdout is an error to us);
	 * the command gets every default back. */
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGCHLD);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGHUP);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawnp(pid, cfg->argv[0], NULL, &attr, cfg->argv, env);
	posix_spawnattr_destroy(&attr);
	free(env);
	if (rc != 0) {
		*errno_out = rc;
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot run '%s': %s", cfg->argv[0],
				      strerror(rc));
	}
	return 0;
}

/* Wait for a signal of set until the engine clock reads until_us. */
static int wait_signal(const sigset_t *set, int64_t until_us)
{
	int64_t left = until_us - engine_now_us();
	struct timespec ts;

	if (left < 0)
		left = 0;
	ts.tv_sec = (time_t)(left / 1000000);
	ts.tv_nsec = (long)(left % 1000000) * 1000;
	return sigtimedwait(set, NULL, &ts);
}

struct watch {
	const struct elect_child_config *cfg;
	struct elect_child_result *res;
	pid_t pid;
	int64_t valid_until, next_renew, kill_at;
};

static void lose(struct watch *w)
{
	w->res->lost = true;
	kill(-w->pid, SIGTERM);
	w->kill_at = engine_now_us() + w->cfg->grace_us;
}

/* The lease's schedule, at a wake-up with no signal. */
static void on_time(struct watch *w)
{
	int64_t now = engine_now_us(), step = w->cfg->lease_us / 10;
	int rc;

	if (w->res->lost) {
		if (now >= w->kill_at && !w->res->killed) {
			w->res->killed = true;
			kill(-w->pid, SIGKILL);
		}
		return;
	}
	if (now >= w->valid_until) {
		lose(w);
		return;
	}
	if (now < w->next_renew)
		return;
	rc = w->cfg->renew(w->cfg->ctx, &w->valid_until);
	if (rc == 0) {
		lose(w);
		return;
	}
	now = engine_now_us();
	w->next_renew = now + (rc > 0 ? w->cfg->lease_us / 3
				      : (step > 100000 ? step : 100000));
}

static int64_t next_wake(const struct watch *w)
{
	if (w->res->lost)
		return w->res->killed ? engine_now_us() + 1000000 : w->kill_at;
	return w->next_renew < w->valid_until ? w->next_renew
					      : w->valid_until;
}

int elect_child_run(const struct elect_child_config *cfg,
		    struct elect_child_result *res, int *errno_out,
		    struct dist_error *err)
{
	struct watch w = { cfg, res, 0, cfg->valid_until_us,
			   engine_now_us() + cfg->lease_us / 3, 0 };
	sigset_t set, old;
	int rc = 0;

	memset(res, 0, sizeof *res);
	*errno_out = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked before the command exists, so no SIGCHLD is missed. */
	sigprocmask(SIG_BLOCK, &set, &old);
	if (spawn_child(cfg, &w.pid, errno_out, err) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	for (;;) {
		pid_t got = waitpid(w.pid, &res->wait_status, WNOHANG);
		int sig;

		if (got == w.pid)
			break;
		if (got < 0) {
			rc = dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
					    "waiting for '%s': %s",
					    cfg->argv[0], strerror(errno));
			break;
		}
		sig = wait_signal(&set, next_wake(&w));
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			kill(-w.pid, sig);
		/* Every wake-up checks the schedule: signals arriving
		 * often must not starve the renewals. */
		on_time(&w);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
