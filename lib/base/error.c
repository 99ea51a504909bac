/* error.c - the shared error vocabulary (see error.h and dist(7)). */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const code_names[DIST_E__COUNT] = {
	[DIST_OK] = "ok",
	[DIST_E_INVALID_NAME] = "invalid_name",
	[DIST_E_RESOLVE] = "resolve_failed",
	[DIST_E_EPMD_UNREACHABLE] = "epmd_unreachable",
	[DIST_E_NOT_REGISTERED] = "not_registered",
	[DIST_E_CONNECT_REFUSED] = "connect_refused",
	[DIST_E_CONNECT_FAILED] = "connect_failed",
	[DIST_E_TIMEOUT] = "timeout",
	[DIST_E_NOT_ALLOWED] = "not_allowed",
	[DIST_E_NAME_IN_USE] = "name_in_use",
	[DIST_E_NAME_STYLE] = "name_style_mismatch",
	[DIST_E_NAME_MISMATCH] = "name_mismatch",
	[DIST_E_PROTOCOL] = "protocol_error",
	[DIST_E_CLOSED] = "connection_closed",
	[DIST_E_BADRPC] = "badrpc",
	[DIST_E_EXCEPTION] = "exception",
	[DIST_E_CIRCUIT_OPEN] = "circuit_open",
	[DIST_E_INVALID_ARGS] = "invalid_args",
	[DIST_E_TOO_LARGE] = "too_large",
	[DIST_E_COOKIE] = "cookie_error",
	[DIST_E_USAGE] = "usage",
	[DIST_E_IO] = "io_error",
	[DIST_E_NOMEM] = "out_of_memory",
	[DIST_E_TLS] = "tls_error",
	[DIST_E_NOPROC] = "noproc",
	[DIST_E_NOCONNECTION] = "noconnection",
	[DIST_E_CODEC_MISMATCH] = "codec_mismatch",
	[DIST_E_TAG_MISMATCH] = "tag_mismatch",
	[DIST_E_VERSION_MISMATCH] = "version_mismatch",
	[DIST_E_CONNECT_IGNORED] = "connect_ignored",
	[DIST_E_MAX_NEW] = "max_new_exceeded",
};

static const char *const stage_names[DIST_STAGE__COUNT] = {
	[DIST_STAGE_NONE] = "none",
	[DIST_STAGE_INPUT] = "input",
	[DIST_STAGE_RESOLVE] = "resolve",
	[DIST_STAGE_EPMD] = "epmd",
	[DIST_STAGE_CONNECT] = "connect",
	[DIST_STAGE_HANDSHAKE] = "handshake",
	[DIST_STAGE_REQUEST] = "request",
};

int dist_error_set(struct dist_error *err, enum dist_code code,
		   enum dist_stage stage, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	err->stage = stage;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

void dist_error_clear(struct dist_error *err)
{
	if (!err)
		return;
	err->code = DIST_OK;
	err->stage = DIST_STAGE_NONE;
	err->message[0] = '\0';
}

const char *dist_code_name(enum dist_code code)
{
	if ((unsigned)code >= DIST_E__COUNT)
		return "unknown";
	return code_names[code];
}

const char *dist_stage_name(enum dist_stage stage)
{
	if ((unsigned)stage >= DIST_STAGE__COUNT)
		return "unknown";
	return stage_names[stage];
}

int dist_error_nomem(struct dist_error *err, enum dist_stage stage,
		     const char *doing)
{
	if (doing)
		return dist_error_set(err, DIST_E_NOMEM, stage,
				      "out of memory %s", doing);
	return dist_error_set(err, DIST_E_NOMEM, stage, "out of memory");
}
