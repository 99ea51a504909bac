/* vm_args.c - a release's vm.args read as erlexec reads it: arguments
 * split as OTP 25's erlexec splits -args_file, nested -args_file files
 * followed (VM_ARGS_DEPTH_MAX deep, loops refused), and -setcookie,
 * -name, -sname, -proto_dist, -ssl_dist_optfile and the client options
 * of -ssl_dist_opt picked out (see cookie.h). The text may hold the
 * cookie: every buffer is wiped before it is freed. */
#include "dist/cookie.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/utf8.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Split text into NUL-separated arguments in out (size >= n + 2), the
 * way OTP 25's erlexec reads -args_file (observed with erl 25.2.3, see
 * cookie.h). Returns the number of arguments. */
static size_t split_args(const char *text, size_t n, char *out)
{
	size_t i = 0, o = 0, count = 0;
	bool in_arg = false;
	char quote;

	while (i < n) {
		char c = text[i++];

		if (is_blank(c) || c == '#') {
			if (in_arg) {
				out[o++] = '\0';
				count++;
				in_arg = false;
			}
			if (c == '#')
				while (i < n && text[i] != '\n')
					i++;
			continue;
		}
		in_arg = true;
		if (c == '\\') {
			if (i < n)
				out[o++] = text[i++];
		} else if (c == '"' || c == '\'') {
			/* Quoted text runs to the closing quote or EOF. */
			quote = c;
			while (i < n && text[i] != quote)
				out[o++] = text[i++];
			if (i < n)
				i++;
		} else {
			out[o++] = c;
		}
	}
	if (in_arg) {
		out[o++] = '\0';
		count++;
	}
	return count;
}

/* One flag with its values, as init:get_argument/1 groups them. */
struct flag {
	const char *name;
	size_t nvalues;
	const char *value;     /* the first value */
};

struct vm_scan {
	size_t our_cookies;    /* -setcookie with 0 or 1 values */
	const char *cookie;
	bool seen_sname, seen_name;
	const char *sname, *name;
	const char *proto_dist;     /* the last -proto_dist, as erl */
	const char *ssl_dist_optfile;
	/* -ssl_dist_opt client_KEY VALUE: the last of each key */
	const char *opt_certfile, *opt_keyfile, *opt_cacertfile, *opt_verify;
	const char *opt_dangling;   /* a key given without its value */
};

/* -ssl_dist_opt KEY VALUE ...: pairs, its values consecutive from
 * first. Only the client's certificate options are ours. */
static void scan_ssl_dist_opt(struct vm_scan *v, const char *first,
			      size_t nvalues)
{
	const char *key = first, *value;

	for (size_t i = 0; i < nvalues; i += 2) {
		if (i + 1 == nvalues) {
			v->opt_dangling = key;
			return;
		}
		value = key + strlen(key) + 1;
		if (!strcmp(key, "client_certfile"))
			v->opt_certfile = value;
		else if (!strcmp(key, "client_keyfile"))
			v->opt_keyfile = value;
		else if (!strcmp(key, "client_cacertfile"))
			v->opt_cacertfile = value;
		else if (!strcmp(key, "client_verify"))
			v->opt_verify = value;
		key = value + strlen(value) + 1;
	}
}

static void apply_flag(struct vm_scan *v, const struct flag *f)
{
	const char *single = f->nvalues == 1 ? f->value : NULL;

	if (!f->name)
		return;
	if (!strcmp(f->name, "-setcookie") && f->nvalues <= 1) {
		v->our_cookies++;
		v->cookie = single;
	} else if (!strcmp(f->name, "-sname") && !v->seen_sname) {
		v->seen_sname = true;
		v->sname = single;
	} else if (!strcmp(f->name, "-name") && !v->seen_name) {
		v->seen_name = true;
		v->name = single;
	} else if (!strcmp(f->name, "-proto_dist") && single) {
		v->proto_dist = single;
	} else if (!strcmp(f->name, "-ssl_dist_optfile") && single) {
		v->ssl_dist_optfile = single;
	} else if (!strcmp(f->name, "-ssl_dist_opt") && f->nvalues) {
		scan_ssl_dist_opt(v, f->value, f->nvalues);
	}
}

static void scan_args(const char *args, size_t count, struct vm_scan *v)
{
	struct flag f = { 0 };
	const char *a = args;
	size_t i;

	for (i = 0; i < count; i++, a += strlen(a) + 1) {
		if (a[0] == '-' || a[0] == '+') {
			apply_flag(v, &f);
			if (!strcmp(a, "-extra")) {
				f.name = NULL;
				break;
			}
			f.name = a;
			f.nvalues = 0;
			f.value = NULL;
		} else if (f.name) {
			if (f.nvalues++ == 0)
				f.value = a;
		}
	}
	apply_flag(v, &f);
}

/* A value still holding "${VAR}": a release template (relx replaces
 * ${VAR} from the environment at start when RELX_REPLACE_OS_VARS is
 * set) that nothing rendered. Taken as it is, it would be a wrong
 * cookie or a wrong node name with no hint why. */
static int refuse_template(const char *path, const char *flag,
			   const char *value, struct dist_error *err)
{
	const char *var = strstr(value, "${");
	size_t n;

	if (!var)
		return 0;
	/* "${NAME}" with its brace, at most 64 bytes of it. */
	n = strcspn(var, "}");
	n = var[n] == '}' ? n + 1 : n;
	return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
		"vm.args %s: %s is the unrendered template variable %.*s: "
		"the release start script replaces it from the environment "
		"(RELX_REPLACE_OS_VARS); pass the vm.args the running release "
		"uses, or the cookie with $ERLANG_COOKIE or --cookie-file",
		path, flag, (int)(n < 64 ? n : 64), var);
}

/* One -ssl_dist_opt path, value of key, into out (SSL_OPTFILE_PATH_MAX
 * bytes); nothing when not given. */
static int fill_opt_path(const char *path, const char *key,
			 const char *value, char *out, struct dist_error *err)
{
	size_t len;

	if (!value)
		return 0;
	len = strlen(value);
	if (refuse_template(path, key, value, err) < 0)
		return -1;
	if (len == 0 || len >= SSL_OPTFILE_PATH_MAX)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			"vm.args %s: -ssl_dist_opt %s is %zu bytes: a path "
			"of 1 to %d bytes is needed", path, key, len,
			SSL_OPTFILE_PATH_MAX - 1);
	memcpy(out, value, len + 1);
	return 0;
}

static int fill_ssl_dist_opt(const char *path, const struct vm_scan *v,
			     struct vm_args *out, struct dist_error *err)
{
	if (v->opt_dangling)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			"vm.args %s: -ssl_dist_opt %.64s has no value: its "
			"options are KEY VALUE pairs, as erl takes them",
			path, v->opt_dangling);
	if (fill_opt_path(path, "client_certfile", v->opt_certfile,
			  out->ssl_certfile, err) < 0 ||
	    fill_opt_path(path, "client_keyfile", v->opt_keyfile,
			  out->ssl_keyfile, err) < 0 ||
	    fill_opt_path(path, "client_cacertfile", v->opt_cacertfile,
			  out->ssl_cacertfile, err) < 0)
		return -1;
	if (!v->opt_verify)
		return 0;
	if (!strcmp(v->opt_verify, "verify_peer"))
		out->ssl_verify = SSL_OPTFILE_VERIFY_PEER;
	else if (!strcmp(v->opt_verify, "verify_none"))
		out->ssl_verify = SSL_OPTFILE_VERIFY_NONE;
	else
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			"vm.args %s: -ssl_dist_opt client_verify %.64s: "
			"verify_peer or verify_none is needed", path,
			v->opt_verify);
	return 0;
}

static int fill_vm_args(const char *path, const struct vm_scan *v,
			struct vm_args *out, struct dist_error *err)
{
	const char *name = v->sname ? v->sname : v->name;
	size_t len;

	if (v->our_cookies == 1 && v->cookie) {
		len = strlen(v->cookie);
		if (refuse_template(path, "-setcookie", v->cookie, err) < 0)
			return -1;
		if (len >= sizeof(out->cookie))
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				"the -setcookie value in vm.args %s is %zu bytes, "
				"Erlang cookies are limited to %d characters",
				path, len, COOKIE_MAX);
		memcpy(out->cookie, v->cookie, len + 1);
		out->has_cookie = true;
	}
	if (name) {
		len = strlen(name);
		if (refuse_template(path, v->sname ? "-sname" : "-name", name,
				    err) < 0)
			return -1;
		if (len >= sizeof(out->name))
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				"the -%s value in vm.args %s is %zu bytes, too "
				"long for a node name", v->sname ? "sname" : "name",
				path, len);
		memcpy(out->name, name, len + 1);
		out->has_name = true;
		out->long_names = !v->sname;
	}
	/* TLS distribution: inet_tls or inet6_tls (the _tls suffix is
	 * OTP's naming for a TLS carrier of the same family). */
	if (v->proto_dist) {
		len = strlen(v->proto_dist);
		out->tls = len > 4 && !strcmp(v->proto_dist + len - 4, "_tls");
	}
	if (v->ssl_dist_optfile) {
		len = strlen(v->ssl_dist_optfile);
		if (refuse_template(path, "-ssl_dist_optfile",
				    v->ssl_dist_optfile, err) < 0)
			return -1;
		if (len >= sizeof(out->ssl_dist_optfile))
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				"the -ssl_dist_optfile value in vm.args %s is "
				"%zu bytes, too long for a path", path, len);
		memcpy(out->ssl_dist_optfile, v->ssl_dist_optfile, len + 1);
		out->has_ssl_dist_optfile = true;
	}
	return fill_ssl_dist_opt(path, v, out, err);
}

/* Arguments of a vm.args and the files it includes, NUL-separated. */
struct arg_buf {
	char *p;
	size_t len, cap, count;
};

static int arg_buf_add(struct arg_buf *ab, const char *a)
{
	size_t n = strlen(a) + 1;
	char *bigger;

	if (ab->len + n > ab->cap) {
		size_t cap = (ab->cap ? ab->cap * 2 : 4096) + n;

		bigger = secret_realloc(ab->p, ab->len, cap);
		if (!bigger)
			return -1;
		ab->p = bigger;
		ab->cap = cap;
	}
	memcpy(ab->p + ab->len, a, n);
	ab->len += n;
	ab->count++;
	return 0;
}

static int read_args_file(const char *path, const char *included_from,
			  int depth, struct arg_buf *ab,
			  struct dist_error *err);

/* Split one file's text and splice in every "-args_file FILE" it names,
 * in place, as erlexec does. */
static int expand_args(const char *path, const char *text, size_t len,
		       int depth, struct arg_buf *ab, struct dist_error *err)
{
	char *args = malloc(len + 2);
	const char *a;
	size_t count, i;
	int rc = 0;

	if (!args)
		return dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_NONE,
				      "out of memory reading vm.args %s", path);
	count = split_args(text, len, args);
	a = args;
	for (i = 0; i < count && rc == 0; i++, a += strlen(a) + 1) {
		if (!strcmp(a, "-args_file") && i + 1 < count) {
			a += strlen(a) + 1;
			i++;
			rc = read_args_file(a, path, depth + 1, ab, err);
		} else if (arg_buf_add(ab, a) < 0) {
			rc = dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_NONE,
				"out of memory reading vm.args %s", path);
		}
	}
	explicit_bzero(args, len + 2);
	free(args);
	return rc;
}

static int read_args_file(const char *path, const char *included_from,
			  int depth, struct arg_buf *ab,
			  struct dist_error *err)
{
	char from[320] = "";
	struct file_text t;
	int rc;

	if (included_from)
		snprintf(from, sizeof(from), " (-args_file in %s)",
			 included_from);
	if (depth > VM_ARGS_DEPTH_MAX)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			"vm.args %s%s: -args_file nested deeper than %d files; "
			"do the files include each other?", path, from,
			VM_ARGS_DEPTH_MAX);
	/* A relative path is relative to the current directory, as for
	 * erlexec. Read whole, as a secret: it may hold -setcookie. The
	 * messages name the including file, so they are ours. */
	if (file_read(path, "vm.args", VM_ARGS_MAX, FILE_SECRET, &t,
		      NULL) < 0) {
		if (errno == EFBIG)
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				"vm.args %s%s is larger than %d bytes", path,
				from, VM_ARGS_MAX);
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot read vm.args %s%s: %s", path,
				      from, strerror(errno));
	}
	rc = expand_args(path, t.data, t.len, depth, ab, err);
	file_text_free(&t);
	return rc;
}

int vm_args_read(const char *path, struct vm_args *out,
		 struct dist_error *err)
{
	struct vm_scan scan = { 0 };
	struct arg_buf ab = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_args_file(path, NULL, 0, &ab, err);
	if (rc == 0) {
		scan_args(ab.p ? ab.p : "", ab.count, &scan);
		rc = fill_vm_args(path, &scan, out, err);
	}
	if (rc < 0)
		vm_args_wipe(out);
	if (ab.p) {
		explicit_bzero(ab.p, ab.cap);
		free(ab.p);
	}
	return rc;
}

void vm_args_wipe(struct vm_args *v)
{
	explicit_bzero(v, sizeof(*v));
}

