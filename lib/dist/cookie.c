/* cookie.c - cookie lookup and erl's cookie file checks (vm.args is
 * read by vm_args.c).
 *
 * Everything that ever held a cookie is wiped before it is freed or goes
 * out of scope, and no message quotes one (see cookie.h).
 */
#include "dist/cookie.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/file.h"
#include "base/utf8.h"

/* A cookie file is one line; anything bigger is not a cookie file. */
#define COOKIE_FILE_MAX 4096

enum cookie_text {
	COOKIE_TEXT_OK,
	COOKIE_TEXT_EMPTY,
	COOKIE_TEXT_BAD_CHARS,
	COOKIE_TEXT_TOO_LONG,
};

/* ---- cookie text ------------------------------------------------------ */

/* erl's rule (auth:check_cookie/2): the longest prefix of printable
 * ASCII, space included, is the cookie; after it only newlines, CRs and
 * spaces may follow. */
static enum cookie_text parse_cookie_text(const char *buf, size_t n,
					  struct cookie *out)
{
	size_t len = 0, i;

	while (len < n && buf[len] >= 0x20 && buf[len] <= 0x7e)
		len++;
	for (i = len; i < n; i++)
		if (buf[i] != '\n' && buf[i] != '\r' && buf[i] != ' ')
			return COOKIE_TEXT_BAD_CHARS;
	if (len == 0)
		return COOKIE_TEXT_EMPTY;
	if (len > COOKIE_MAX)
		return COOKIE_TEXT_TOO_LONG;
	memcpy(out->value, buf, len);
	out->value[len] = '\0';
	out->len = len;
	return COOKIE_TEXT_OK;
}

/* The bytes the node digests for a cookie written as text. A node
 * turns -setcookie's argument into an atom, decoding it as UTF-8 in a
 * UTF-8 locale (file:native_name_encoding() utf8), and dist_util digests
 * atom_to_list(Cookie): one byte per character. So "café" (UTF-8
 * 63 61 66 c3 a9) is digested as 63 61 66 e9. A character past U+00FF
 * cannot be digested at all (erlang:md5/1 takes bytes: two erl nodes
 * with such a cookie cannot connect either): refused. Text that is not
 * UTF-8 is taken byte for byte, as a node in a Latin-1 locale takes it. */
static int cookie_digest_bytes(const char *value, struct cookie *out,
			       const char *source, struct dist_error *err)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n = strlen(value), i, k, len = 0;
	bool utf8 = utf8_valid(s, n);
	size_t chars = utf8 ? (size_t)utf8_count(s, n) : n;
	uint32_t cp;

	if (chars > COOKIE_MAX)
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
			"the cookie from %s is %zu characters, Erlang cookies "
			"are limited to %d", source, chars, COOKIE_MAX);
	for (i = 0; i < n; i += k) {
		k = utf8 ? utf8_next(s + i, n - i, &cp) : 1;
		if (!utf8)
			cp = s[i];
		if (cp > 0xff)
			return dist_error_set(err, DIST_E_COOKIE,
				DIST_STAGE_NONE,
				"the cookie from %s has a character past "
				"U+00FF (U+%04X); Erlang digests a cookie as "
				"Latin-1 bytes, so no node can use it", source,
				cp);
		if (cp < 0x20 || cp == 0x7f)
			return dist_error_set(err, DIST_E_COOKIE,
				DIST_STAGE_NONE,
				"the cookie from %s contains control characters",
				source);
		out->value[len++] = (char)cp;
	}
	out->value[len] = '\0';
	out->len = len;
	return 0;
}

/* A cookie given as a value (flag, environment, -setcookie): never
 * empty, over-long or holding control characters; kept as the bytes the
 * node digests. */
static int set_cookie_value(struct cookie *out, const char *value,
			    const char *source, struct dist_error *err)
{
	if (!*value)
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
				      "the cookie from %s is empty", source);
	if (cookie_digest_bytes(value, out, source, err) < 0)
		return -1;
	snprintf(out->source, sizeof(out->source), "%s", source);
	return 0;
}

/* ---- cookie files ----------------------------------------------------- */

static int check_cookie_file_stat(const char *path, const struct stat *st,
				  struct dist_error *err)
{
	unsigned mode = (unsigned)(st->st_mode & 07777);

	if (!S_ISREG(st->st_mode))
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
				      "cookie file %s is not a regular file",
				      path);
	/* erl: "Cookie file X must be accessible by owner only". */
	if (mode & 077)
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
			"cookie file %s is %s by group or others (mode %04o) "
			"and erl refuses it too; run: chmod 400 %s", path,
			(mode & 044) ? "readable" : "accessible", mode, path);
	return 0;
}

static int cookie_text_error(const char *path, enum cookie_text r,
			     struct dist_error *err)
{
	switch (r) {
	case COOKIE_TEXT_EMPTY:
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
				      "cookie file %s is empty", path);
	case COOKIE_TEXT_BAD_CHARS:
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
			"cookie file %s has characters erl refuses (\"Bad "
			"characters in cookie\"): a cookie file is one line of "
			"printable ASCII; a cookie with other characters can "
			"only be given as text (--cookie, $ERLANG_COOKIE, "
			"-setcookie)", path);
	case COOKIE_TEXT_TOO_LONG:
		return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
			"cookie file %s holds more than %d characters, Erlang "
			"cookies are limited to %d", path, COOKIE_MAX,
			COOKIE_MAX);
	case COOKIE_TEXT_OK:
		break;
	}
	return 0;
}

/* *missing is set when the file does not exist, so the caller can try
 * the next default location instead of failing. */
static int read_cookie_file(const char *path, struct cookie *out,
			    bool *missing, struct dist_error *err)
{
	struct file_text t;
	enum cookie_text r;
	int rc = -1;

	*missing = false;
	/* FILE_REGULAR: a FIFO planted at the path is refused before any
	 * read could hang on it. A file too large still gets the mode
	 * check first (st is kept), as erl checks the mode first. */
	if (file_read(path, "cookie file", COOKIE_FILE_MAX,
		      FILE_SECRET | FILE_REGULAR, &t, err) < 0) {
		*missing = errno == ENOENT;
		if (errno == EFBIG &&
		    check_cookie_file_stat(path, &t.st, err) == 0)
			dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
				"cookie file %s is larger than %d bytes; a "
				"cookie file holds one line", path,
				COOKIE_FILE_MAX);
		if (err)
			err->code = DIST_E_COOKIE;
		return -1;
	}
	if (check_cookie_file_stat(path, &t.st, err) < 0)
		goto out;
	r = parse_cookie_text(t.data, t.len, out);
	if (r != COOKIE_TEXT_OK) {
		cookie_text_error(path, r, err);
		goto out;
	}
	snprintf(out->source, sizeof(out->source), "%s", path);
	rc = 0;
out:
	file_text_free(&t);
	return rc;
}

int cookie_read_file(const char *path, struct cookie *out,
		     struct dist_error *err)
{
	bool missing;

	return read_cookie_file(path, out, &missing, err);
}

/* ---- the lookup order ------------------------------------------------- */

static int from_vm_args(const char *path, struct cookie *out, bool *found,
			struct dist_error *err)
{
	struct vm_args va;
	char source[sizeof(out->source)];
	int rc = 0;

	*found = false;
	if (vm_args_read(path, &va, err) < 0) {
		if (err)
			err->code = DIST_E_COOKIE;
		return -1;
	}
	if (va.has_cookie) {
		snprintf(source, sizeof(source), "vm.args %s", path);
		rc = set_cookie_value(out, va.cookie, source, err);
		*found = rc == 0;
	}
	vm_args_wipe(&va);
	return rc;
}

static int from_value(struct cookie *out, const char *value,
		      const char *source, struct dist_error *err)
{
	if (set_cookie_value(out, value, source, err) < 0) {
		cookie_wipe(out);
		return -1;
	}
	return 0;
}

static const char *nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void xdg_cookie_path(const char *home, char *path, size_t size)
{
	const char *xdg = nonempty_env("XDG_CONFIG_HOME");

	if (xdg)
		snprintf(path, size, "%s/erlang/.erlang.cookie", xdg);
	else if (home)
		snprintf(path, size, "%s/.config/erlang/.erlang.cookie", home);
	else
		path[0] = '\0';
}

/* The files erl itself would read. *found is false when neither exists. */
static int from_default_files(const char *home, struct cookie *out,
			      bool *found, char *tried, size_t tried_size,
			      struct dist_error *err)
{
	char path[sizeof(out->source)], xdg[sizeof(out->source)];
	bool missing = true;

	*found = false;
	xdg_cookie_path(home, xdg, sizeof(xdg));
	tried[0] = '\0';
	if (home) {
		snprintf(path, sizeof(path), "%s/.erlang.cookie", home);
		if (read_cookie_file(path, out, &missing, err) == 0) {
			*found = true;
			return 0;
		}
		if (!missing)
			return -1;
		snprintf(tried, tried_size, "%s", path);
	}
	if (xdg[0]) {
		if (read_cookie_file(xdg, out, &missing, err) == 0) {
			*found = true;
			return 0;
		}
		if (!missing)
			return -1;
		snprintf(tried + strlen(tried), tried_size - strlen(tried),
			 "%s%s", tried[0] ? " or " : "", xdg);
	}
	return 0;
}

int cookie_load(const struct cookie_opts *o, struct cookie *out,
		struct dist_error *err)
{
	const char *home = o->home ? o->home : nonempty_env("HOME");
	const char *env;
	char source[sizeof(out->source)], tried[2 * sizeof(out->source) + 8];
	bool found;

	memset(out, 0, sizeof(*out));
	if (o->cookie_file) {
		if (read_cookie_file(o->cookie_file, out, &found, err) < 0)
			goto fail;
		snprintf(source, sizeof(source), "--cookie-file %s",
			 o->cookie_file);
		snprintf(out->source, sizeof(out->source), "%s", source);
		return 0;
	}
	if (o->vm_args) {
		if (from_vm_args(o->vm_args, out, &found, err) < 0)
			goto fail;
		if (found)
			return 0;
	}
	if (o->cookie_value)
		return from_value(out, o->cookie_value, "--cookie", err);
	if ((env = nonempty_env("ERLANG_COOKIE")))
		return from_value(out, env, "$ERLANG_COOKIE", err);
	if ((env = nonempty_env("RELEASE_COOKIE")))
		return from_value(out, env, "$RELEASE_COOKIE", err);
	if (from_default_files(home, out, &found, tried, sizeof(tried), err) < 0)
		goto fail;
	if (found)
		return 0;
	return dist_error_set(err, DIST_E_COOKIE, DIST_STAGE_NONE,
		"no cookie: none of --cookie-file, --vm-args, $ERLANG_COOKIE, "
		"$RELEASE_COOKIE or %s gave one; pass --cookie-file FILE or "
		"set $ERLANG_COOKIE",
		tried[0] ? tried : "~/.erlang.cookie ($HOME is not set)");
fail:
	cookie_wipe(out);
	return -1;
}

void cookie_wipe(struct cookie *c)
{
	explicit_bzero(c, sizeof(*c));
}
