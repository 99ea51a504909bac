/* error.h - the one error value every library function fills in.
 *
 * Library code never prints and never exits: it returns -1 (or NULL) and
 * leaves a struct dist_error describing what happened, at which stage, in
 * words an operator can act on. Only cmd/ decides how to report it.
 * The code names are the shared vocabulary documented in dist(7).
 */
#ifndef DIST_ERROR_H
#define DIST_ERROR_H

#include <stddef.h>

enum dist_code {
	DIST_OK = 0,
	DIST_E_INVALID_NAME,     /* not a valid name@host */
	DIST_E_RESOLVE,          /* host name does not resolve */
	DIST_E_EPMD_UNREACHABLE, /* nothing listens on the EPMD port */
	DIST_E_NOT_REGISTERED,   /* EPMD answers but has no such name */
	DIST_E_CONNECT_REFUSED,  /* the node's port refused the connection */
	DIST_E_CONNECT_FAILED,   /* unreachable network, reset, ... */
	DIST_E_TIMEOUT,          /* a deadline passed (see stage) */
	DIST_E_NOT_ALLOWED,      /* wrong cookie or refused by the node */
	DIST_E_NAME_IN_USE,      /* every name of our pool is connected */
	DIST_E_NAME_STYLE,       /* short names vs long names */
	DIST_E_NAME_MISMATCH,    /* the node answers to another name */
	DIST_E_PROTOCOL,         /* the peer sent something we cannot parse */
	DIST_E_CLOSED,           /* the peer closed the connection */
	DIST_E_BADRPC,           /* rpc answered {badrpc, Reason} */
	DIST_E_EXCEPTION,        /* the call raised */
	DIST_E_CIRCUIT_OPEN,     /* circuit breaker refused the attempt */
	DIST_E_INVALID_ARGS,     /* arguments do not parse */
	DIST_E_TOO_LARGE,        /* a limit was exceeded */
	DIST_E_COOKIE,           /* cookie missing, unreadable or unsafe */
	DIST_E_USAGE,            /* bad command line or input line */
	DIST_E_IO,               /* a local system call failed */
	DIST_E_NOMEM,            /* out of memory */
	DIST_E_TLS,              /* TLS handshake or certificate check failed */
	DIST_E_NOPROC,           /* no such process (or name) on the node */
	DIST_E_NOCONNECTION,     /* the connection to the node went down */
	DIST_E_CODEC_MISMATCH,   /* a binary does not match its codec schema */
	DIST_E_TAG_MISMATCH,     /* a tagged codec value carries another tag */
	DIST_E_VERSION_MISMATCH, /* ... or another version */
	DIST_E_CONNECT_IGNORED,  /* connect_node: distribution not started */
	DIST_E_MAX_NEW,          /* --max-new: no more new names this run */
	DIST_E__COUNT
};

enum dist_stage {
	DIST_STAGE_NONE = 0,
	DIST_STAGE_INPUT,
	DIST_STAGE_RESOLVE,
	DIST_STAGE_EPMD,
	DIST_STAGE_CONNECT,
	DIST_STAGE_HANDSHAKE,
	DIST_STAGE_REQUEST,
	DIST_STAGE__COUNT
};

/* The exit status of every program (dist(7), EXIT STATUS). */
enum dist_exit {
	DIST_EXIT_OK = 0,       /* every target succeeded */
	DIST_EXIT_FAILED = 1,   /* some target failed: see the records */
	DIST_EXIT_USAGE = 2,    /* bad usage or input: nothing, or nothing
				 * after a rejected line, was attempted */
	DIST_EXIT_ENV = 3,      /* cookie, memory, or stdout unwritable */
};

#define DIST_ERROR_MSG_MAX 512

struct dist_error {
	enum dist_code code;
	enum dist_stage stage;
	char message[DIST_ERROR_MSG_MAX];
};

/* Fill *err (which may be NULL) and return -1, so callers can write
 * `return dist_error_set(err, ...);`. */
int dist_error_set(struct dist_error *err, enum dist_code code,
		   enum dist_stage stage, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void dist_error_clear(struct dist_error *err);

/* The one out-of-memory error: DIST_E_NOMEM, "out of memory" and, when
 * doing is given, what was being done ("out of memory decoding a
 * term"). Returns -1 like dist_error_set. */
int dist_error_nomem(struct dist_error *err, enum dist_stage stage,
		     const char *doing);

/* "not_registered", "timeout", ... : the stable names of dist(7). */
const char *dist_code_name(enum dist_code code);
/* "resolve", "epmd", "connect", "handshake", "request", "input" */
const char *dist_stage_name(enum dist_stage stage);

#endif
