/* cookie.h - find the distribution cookie the way an operator expects.
 *
 * Sources, first one that gives a cookie wins (DESIGN.md, Secrets):
 *
 *   1. --cookie-file F
 *   2. --vm-args F: its -setcookie, if it has one
 *   3. --cookie VALUE (the caller warns: it shows in ps)
 *   4. $ERLANG_COOKIE
 *   5. $RELEASE_COOKIE (mix releases)
 *   6. $HOME/.erlang.cookie, then $XDG_CONFIG_HOME/erlang/.erlang.cookie
 *      (default ~/.config/erlang), the two places erl 25 reads
 *      (auth:read_cookie/0) - we never create one, unlike erl.
 *
 * An explicit source that fails (missing file, unsafe mode, bad content)
 * is an error, never a silent fall-through to the next source. An
 * environment variable that is set but empty counts as unset, as shell
 * configurations often export empty variables.
 *
 * Cookie files are checked as erl checks them (auth:read_cookie/1,
 * check_attributes/4, check_cookie/2 in kernel 8.5): a regular file
 * (symlinks followed, so Kubernetes secret mounts work) with no group or
 * other permission bits; content is the longest prefix of printable ASCII
 * (space included, so trailing spaces on the first line ARE part of the
 * cookie, as in erl), followed only by newlines, CRs and spaces.
 *
 * A cookie given as text (--cookie, the environment, -setcookie) is
 * kept as the bytes the node digests: UTF-8 text is decoded and each
 * character, U+0000..U+00FF, becomes one byte, as a node in a UTF-8
 * locale digests atom_to_list(Cookie) (dist_util); a character past
 * U+00FF is refused (no node can digest it); text that is not UTF-8 is
 * taken byte for byte. Cookie files are ASCII only, as erl's are.
 *
 * A cookie value never appears in an error message; every buffer that
 * held one is wiped with explicit_bzero.
 */
#ifndef DIST_COOKIE_H
#define DIST_COOKIE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "dist/ssl_optfile.h"

/* Erlang cookies are atoms: at most 255 characters. */
#define COOKIE_MAX 255
/* vm.args files larger than this are refused. */
#define VM_ARGS_MAX (1024 * 1024)
/* -args_file inside -args_file: how deep we follow (a loop ends here). */
#define VM_ARGS_DEPTH_MAX 8

struct cookie_opts {
	const char *cookie_file;   /* --cookie-file */
	const char *vm_args;       /* --vm-args */
	const char *cookie_value;  /* --cookie (caller warns) */
	const char *home;          /* NULL: getenv("HOME") */
};

struct cookie {
	char value[COOKIE_MAX + 1];
	size_t len;
	/* "--cookie-file /x", "vm.args /x", "--cookie", "$ERLANG_COOKIE",
	 * "$RELEASE_COOKIE", "/root/.erlang.cookie": for messages. */
	char source[300];
};

/* What a release's vm.args says, tokenised as erlexec -args_file does in
 * OTP 25: arguments separated by blanks or newlines; '#' starts a comment
 * to the end of the line; "..." and '...' quote (blanks, '#' and '\' are
 * literal inside); '\' outside quotes makes the next character literal.
 * Values of a flag are the following arguments up to the next one that
 * starts with '-' or '+'; "-extra" ends the file's flags. "-args_file F"
 * is replaced by F's arguments, as erlexec does (F relative to the
 * current directory), up to VM_ARGS_DEPTH_MAX files deep.
 *
 * A -setcookie, -sname or -name value holding "${VAR}" is an unrendered
 * release template (relx): refused with an error naming the variable.
 *
 * has_cookie: exactly one -setcookie with a single value, as
 * auth:init_setcookie/3 requires (two -setcookie lines make erl fall back
 * to the cookie file, and so do we; "-setcookie Node Cookie" sets a
 * cookie for one peer only and is ignored).
 * has_name: the first -sname if it has exactly one value, else the first
 * such -name (erl_distribution:do_start_link/1). The name is as written
 * and may lack "@host". */
struct vm_args {
	bool has_cookie;
	char cookie[4 * COOKIE_MAX + 1];   /* text: up to 4 bytes a char */
	bool has_name;
	char name[2 * 255 + 2];
	bool long_names;            /* -name: true, -sname: false */
	bool tls;                   /* -proto_dist inet_tls (or inet6_tls) */
	bool has_ssl_dist_optfile;
	char ssl_dist_optfile[4096]; /* -ssl_dist_optfile FILE */
	/* -ssl_dist_opt client_certfile F client_keyfile F
	 * client_cacertfile F client_verify verify_peer|verify_none (in
	 * one or more -ssl_dist_opt flags; the last of a key wins): the
	 * client options a node gives inline. "" / UNSET when not given.
	 * Other keys (server_*, the rest of ssl's) are skipped; a key
	 * without its value, another verify value or a path over
	 * SSL_OPTFILE_PATH_MAX is an error. */
	char ssl_certfile[SSL_OPTFILE_PATH_MAX];
	char ssl_keyfile[SSL_OPTFILE_PATH_MAX];
	char ssl_cacertfile[SSL_OPTFILE_PATH_MAX];
	enum ssl_optfile_verify ssl_verify;
};

/* Read path. Returns 0, or -1 with err (DIST_E_IO, stage none) if the
 * file cannot be read, is over VM_ARGS_MAX, or a -setcookie / name value
 * is too long. The caller wipes *out with vm_args_wipe. */
int vm_args_read(const char *path, struct vm_args *out,
		 struct dist_error *err);
void vm_args_wipe(struct vm_args *v);

/* Read one cookie file with erl's checks; source becomes the path.
 * Errors are DIST_E_COOKIE and name the file. */
int cookie_read_file(const char *path, struct cookie *out,
		     struct dist_error *err);

/* Find the cookie. Returns 0, or -1 with err (DIST_E_COOKIE, stage none)
 * naming the source and what to do about it. */
int cookie_load(const struct cookie_opts *o, struct cookie *out,
		struct dist_error *err);

void cookie_wipe(struct cookie *c);

#endif
