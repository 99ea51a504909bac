/* test_cookie.c - cookie sources, their order, erl's file checks, vm.args.
 *
 * Every cookie here contains "SECRET" so each error message can be
 * checked for a leak.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dist/cookie.h"
#include "tap.h"

static char base[] = "/tmp/dist-test-cookie-XXXXXX";
static char home[300], xdg[300];
static struct dist_error err;
static struct cookie ck;

static const char *path_of(const char *name)
{
	static char p[4][400];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, name);
	return p[i];
}

static void write_file(const char *path, const char *text, size_t len,
		       mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
	chmod(path, mode);
}

static void put(const char *path, const char *text, mode_t mode)
{
	write_file(path, text, strlen(text), mode);
}

static bool no_leak(void)
{
	return !strstr(err.message, "SECRET");
}

/* Loads value from source (NULL: any source). */
static bool loads(const struct cookie_opts *o, const char *value,
		  const char *source)
{
	dist_error_clear(&err);
	memset(&ck, 'x', sizeof(ck));
	if (cookie_load(o, &ck, &err) < 0) {
		printf("# unexpected error: %s\n", err.message);
		return false;
	}
	if (strcmp(ck.value, value) || ck.len != strlen(value) ||
	    (source && strcmp(ck.source, source))) {
		printf("# got '%s' (%zu) from '%s'\n", ck.value, ck.len,
		       ck.source);
		return false;
	}
	return true;
}

/* Fails with DIST_E_COOKIE, a message containing want, no leak, and a
 * wiped output. */
static bool load_fails(const struct cookie_opts *o, const char *want)
{
	dist_error_clear(&err);
	if (cookie_load(o, &ck, &err) == 0)
		return false;
	if (err.code != DIST_E_COOKIE || err.stage != DIST_STAGE_NONE ||
	    !strstr(err.message, want) || !no_leak() || ck.value[0] ||
	    ck.len) {
		printf("# message: %s\n", err.message);
		return false;
	}
	return true;
}

static void clear_env(void)
{
	unsetenv("ERLANG_COOKIE");
	unsetenv("RELEASE_COOKIE");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("HOME", home, 1);
	unlink(path_of("home/.erlang.cookie"));
	unlink(path_of("xdg/erlang/.erlang.cookie"));
}

static void test_file_rules(void)
{
	struct cookie_opts o = { .cookie_file = path_of("c") };
	char big[5000], line[300], src[400];

	snprintf(src, sizeof(src), "--cookie-file %s", o.cookie_file);
	put(o.cookie_file, "SECRETabc\n", 0400);
	ok(loads(&o, "SECRETabc", src), "cookie file; source names flag and file");
	put(o.cookie_file, "SECRETabc\n", 0600);
	ok(loads(&o, "SECRETabc", NULL), "mode 0600 is fine");
	put(o.cookie_file, "SECRETabc\n", 0644);
	ok(load_fails(&o, "is readable by group or others (mode 0644)") &&
	   strstr(err.message, "chmod 400 ") &&
	   strstr(err.message, o.cookie_file), "0644 refused: %s", err.message);
	put(o.cookie_file, "SECRETabc\n", 0640);
	ok(load_fails(&o, "mode 0640"), "0640 refused");
	put(o.cookie_file, "SECRETabc\n", 0620);
	ok(load_fails(&o, "accessible by group or others (mode 0620)"),
	   "group-writable refused");
	put(o.cookie_file, "SECRETabc\n", 0401);
	ok(load_fails(&o, "mode 0401"), "other-exec refused (erl: mode band 63)");

	put(o.cookie_file, "SECRETabc", 0400);
	ok(loads(&o, "SECRETabc", NULL), "no newline");
	put(o.cookie_file, "SECRETabc\r\n", 0400);
	ok(loads(&o, "SECRETabc", NULL), "CRLF");
	put(o.cookie_file, "SECRETabc\n\n \r\n", 0400);
	ok(loads(&o, "SECRETabc", NULL), "trailing blank lines");
	put(o.cookie_file, "SECRET abc  \n", 0400);
	ok(loads(&o, "SECRET abc  ", src),
	   "spaces before the newline are part of the cookie, as in erl");
	put(o.cookie_file, "SECRETabc\nmore\n", 0400);
	ok(load_fails(&o, "characters erl refuses"), "second line refused");
	put(o.cookie_file, "SECRET\tabc\n", 0400);
	ok(load_fails(&o, "characters erl refuses"), "tab refused");
	put(o.cookie_file, "SECRET\xc3\xa9\n", 0400);
	ok(load_fails(&o, "characters erl refuses"), "non-ASCII refused");
	put(o.cookie_file, "", 0400);
	ok(load_fails(&o, "is empty"), "empty file");
	put(o.cookie_file, "\n\r\n", 0400);
	ok(load_fails(&o, "is empty"), "only newlines");

	memset(line, 'A', sizeof(line));
	memcpy(line, "SECRET", 6);
	write_file(o.cookie_file, line, 255, 0400);
	dist_error_clear(&err);
	ok(cookie_load(&o, &ck, &err) == 0 && ck.len == 255, "255 bytes");
	write_file(o.cookie_file, line, 256, 0400);
	ok(load_fails(&o, "limited to 255"), "256 bytes refused");
	memset(big, 'A', sizeof(big));
	memcpy(big, "SECRET", 6);
	write_file(o.cookie_file, big, sizeof(big), 0400);
	ok(load_fails(&o, "larger than 4096 bytes"), "huge file refused");

	o.cookie_file = path_of("missing");
	ok(load_fails(&o, "cannot read cookie file") &&
	   strstr(err.message, "No such file"), "missing file: %s", err.message);
	o.cookie_file = base;
	ok(load_fails(&o, "not a regular file"), "directory refused");

	put(path_of("target"), "SECRETlink\n", 0400);
	unlink(path_of("link"));
	if (symlink(path_of("target"), path_of("link")) != 0)
		perror("symlink");
	o.cookie_file = path_of("link");
	ok(loads(&o, "SECRETlink", NULL), "symlink followed (k8s secrets)");
	unlink(path_of("fifo"));
	mkfifo(path_of("fifo"), 0600);
	o.cookie_file = path_of("fifo");
	ok(load_fails(&o, "not a regular file"), "FIFO refused without hanging");
	ok(cookie_read_file(path_of("target"), &ck, &err) == 0 &&
	   !strcmp(ck.value, "SECRETlink") &&
	   !strcmp(ck.source, path_of("target")), "cookie_read_file");
}

static bool vm_reads(const char *text, struct vm_args *va)
{
	put(path_of("vm.args"), text, 0644);
	dist_error_clear(&err);
	return vm_args_read(path_of("vm.args"), va, &err) == 0;
}

static void test_vm_args(void)
{
	struct vm_args va;
	char *big;

	ok(vm_reads("## Name of the node\n"
		    "-name app@host.example.com\n"
		    "\n"
		    "## Cookie for distributed erlang\n"
		    "-setcookie SECRETvm   # trailing comment\n"
		    "+K true\n"
		    "+A 30\n"
		    "-kernel inet_dist_listen_min 9100\n", &va) &&
	   va.has_cookie && !strcmp(va.cookie, "SECRETvm") && va.has_name &&
	   !strcmp(va.name, "app@host.example.com") && va.long_names,
	   "relx vm.args with comments");
	ok(vm_reads("-sname app\n-setcookie SECRETs\n", &va) && va.has_name &&
	   !strcmp(va.name, "app") && !va.long_names, "-sname is short");
	ok(vm_reads("-name long@h.example\n-sname short\n", &va) &&
	   !strcmp(va.name, "short") && !va.long_names,
	   "-sname wins over -name, as erl_distribution checks it first");
	ok(vm_reads("-sname first\n-sname second\n", &va) &&
	   !strcmp(va.name, "first"), "first -sname used");
	ok(vm_reads("-sname\n-name long@h.example\n", &va) &&
	   !strcmp(va.name, "long@h.example") && va.long_names,
	   "-sname without value: -name used");
	ok(vm_reads("-setcookie \"SECRET with space\"\n", &va) &&
	   !strcmp(va.cookie, "SECRET with space"), "double quotes");
	ok(vm_reads("-setcookie 'SECRET#x'\n", &va) &&
	   !strcmp(va.cookie, "SECRET#x"), "'#' inside quotes is literal");
	ok(vm_reads("-setcookie SECRET\\ a\\#b\n", &va) &&
	   !strcmp(va.cookie, "SECRET a#b"), "backslash escapes");
	ok(vm_reads("-setcookie SECRETab#cd\n", &va) &&
	   !strcmp(va.cookie, "SECRETab"), "'#' mid-word starts a comment");
	ok(vm_reads("-setcookie SECRETa -setcookie SECRETb\n", &va) &&
	   !va.has_cookie, "two -setcookie: erl ignores both");
	ok(vm_reads("-setcookie othernode SECRETper\n", &va) && !va.has_cookie,
	   "per-node -setcookie ignored");
	ok(vm_reads("-setcookie othernode SECRETper\n-setcookie SECRETown\n",
		    &va) && va.has_cookie && !strcmp(va.cookie, "SECRETown"),
	   "per-node plus own cookie");
	ok(vm_reads("-setcookie\n-name a@b.c\n", &va) && !va.has_cookie &&
	   va.has_name, "-setcookie without value");
	ok(vm_reads("-setcookie +K\n", &va) && !va.has_cookie,
	   "a '+' argument is not a value");
	ok(vm_reads("-extra -setcookie SECRETx -sname x\n", &va) &&
	   !va.has_cookie && !va.has_name, "-extra ends the flags");
	ok(vm_reads("", &va) && !va.has_cookie && !va.has_name, "empty file");
	ok(vm_reads("-setcookie SECRETcr\r\n-sname app\r\n", &va) &&
	   !strcmp(va.cookie, "SECRETcr") && !strcmp(va.name, "app"),
	   "CRLF vm.args");

	big = malloc(VM_ARGS_MAX + 2);
	memset(big, ' ', VM_ARGS_MAX + 1);
	big[VM_ARGS_MAX + 1] = '\0';
	ok(!vm_reads(big, &va) && err.code == DIST_E_IO &&
	   strstr(err.message, "larger than"), "over 1 MiB refused");
	big[VM_ARGS_MAX] = '\0';
	ok(vm_reads(big, &va), "exactly 1 MiB accepted");
	free(big);

	dist_error_clear(&err);
	ok(vm_args_read(path_of("nope.args"), &va, &err) < 0 &&
	   err.code == DIST_E_IO && strstr(err.message, "cannot read vm.args"),
	   "missing vm.args");
	vm_reads("-setcookie SECRETw\n", &va);
	vm_args_wipe(&va);
	ok(!va.has_cookie && !va.cookie[0], "vm_args_wipe");
}

static void test_order(void)
{
	struct cookie_opts o = { 0 };
	char home_src[400];

	clear_env();
	snprintf(home_src, sizeof(home_src), "%s/.erlang.cookie", home);
	put(path_of("file.cookie"), "SECRETfile\n", 0400);
	put(path_of("vm.args"), "-setcookie SECRETvm\n", 0644);
	put(path_of("home/.erlang.cookie"), "SECREThome\n", 0400);
	put(path_of("xdg/erlang/.erlang.cookie"), "SECRETxdg\n", 0400);
	setenv("ERLANG_COOKIE", "SECRETenv", 1);
	setenv("RELEASE_COOKIE", "SECRETrel", 1);
	o.cookie_file = path_of("file.cookie");
	o.vm_args = path_of("vm.args");
	o.cookie_value = "SECRETflag";

	ok(loads(&o, "SECRETfile", NULL) &&
	   !strncmp(ck.source, "--cookie-file ", 14), "1. --cookie-file");
	o.cookie_file = NULL;
	ok(loads(&o, "SECRETvm", NULL) &&
	   !strncmp(ck.source, "vm.args /", 9), "2. --vm-args");
	o.vm_args = NULL;
	ok(loads(&o, "SECRETflag", "--cookie"), "3. --cookie");
	o.cookie_value = NULL;
	ok(loads(&o, "SECRETenv", "$ERLANG_COOKIE"), "4. $ERLANG_COOKIE");
	unsetenv("ERLANG_COOKIE");
	ok(loads(&o, "SECRETrel", "$RELEASE_COOKIE"), "5. $RELEASE_COOKIE");
	unsetenv("RELEASE_COOKIE");
	ok(loads(&o, "SECREThome", home_src), "6. ~/.erlang.cookie");
	unlink(path_of("home/.erlang.cookie"));
	ok(loads(&o, "SECRETxdg", path_of("xdg/erlang/.erlang.cookie")),
	   "7. $XDG_CONFIG_HOME/erlang/.erlang.cookie");
	unsetenv("XDG_CONFIG_HOME");
	mkdir(path_of("home/.config"), 0700);
	mkdir(path_of("home/.config/erlang"), 0700);
	put(path_of("home/.config/erlang/.erlang.cookie"), "SECRETcfg\n", 0400);
	ok(loads(&o, "SECRETcfg", path_of("home/.config/erlang/.erlang.cookie")),
	   "7. ~/.config/erlang/.erlang.cookie without XDG_CONFIG_HOME");
	unlink(path_of("home/.config/erlang/.erlang.cookie"));
	unlink(path_of("xdg/erlang/.erlang.cookie"));
	setenv("XDG_CONFIG_HOME", xdg, 1);
	ok(load_fails(&o, "no cookie: none of --cookie-file, --vm-args, "
		      "$ERLANG_COOKIE, $RELEASE_COOKIE or ") &&
	   strstr(err.message, home_src) &&
	   strstr(err.message, "pass --cookie-file"),
	   "nothing: %s", err.message);

	/* o->home overrides $HOME */
	put(path_of("other.cookie"), "SECRETo\n", 0400);
	mkdir(path_of("other"), 0700);
	put(path_of("other/.erlang.cookie"), "SECRETother\n", 0400);
	o.home = path_of("other");
	ok(loads(&o, "SECRETother", path_of("other/.erlang.cookie")),
	   "opts home beats $HOME");
	o.home = NULL;
	unsetenv("HOME");
	unsetenv("XDG_CONFIG_HOME");
	ok(load_fails(&o, "$HOME is not set"), "no HOME");
	clear_env();
}

static void test_fallthrough_and_errors(void)
{
	struct cookie_opts o = { 0 };

	clear_env();
	setenv("ERLANG_COOKIE", "SECRETenv", 1);
	put(path_of("vm.args"), "-sname app\n", 0644);
	o.vm_args = path_of("vm.args");
	ok(loads(&o, "SECRETenv", "$ERLANG_COOKIE"),
	   "vm.args without -setcookie falls through");
	o.cookie_value = "SECRETflag";
	ok(loads(&o, "SECRETflag", "--cookie"),
	   "--cookie beats the environment");
	o.cookie_value = NULL;

	o.vm_args = path_of("nope.args");
	ok(load_fails(&o, "cannot read vm.args"), "missing --vm-args is an error");
	o.vm_args = NULL;

	o.cookie_file = path_of("c2");
	put(o.cookie_file, "SECRETbad\n", 0644);
	ok(load_fails(&o, "chmod 400"),
	   "a bad --cookie-file is an error even with $ERLANG_COOKIE set");
	o.cookie_file = NULL;

	setenv("ERLANG_COOKIE", "", 1);
	setenv("RELEASE_COOKIE", "SECRETrel", 1);
	ok(loads(&o, "SECRETrel", "$RELEASE_COOKIE"), "empty env is unset");
	setenv("RELEASE_COOKIE", "SECRET\nrel", 1);
	ok(load_fails(&o, "$RELEASE_COOKIE contains control characters"),
	   "control characters in env");
	unsetenv("RELEASE_COOKIE");

	o.cookie_value = "";
	ok(load_fails(&o, "the cookie from --cookie is empty"), "empty --cookie");
	o.cookie_value = NULL;

	put(path_of("vm.args"), "-setcookie \"\"\n", 0644);
	o.vm_args = path_of("vm.args");
	ok(load_fails(&o, "is empty") && strstr(err.message, "vm.args /"),
	   "empty -setcookie");
	o.vm_args = NULL;

	{
		char longv[400];

		memset(longv, 'A', sizeof(longv) - 1);
		memcpy(longv, "SECRET", 6);
		longv[sizeof(longv) - 1] = '\0';
		setenv("ERLANG_COOKIE", longv, 1);
		ok(load_fails(&o, "is 399 characters, Erlang cookies are limited to 255"),
		   "over-long env cookie");
		unsetenv("ERLANG_COOKIE");
	}

	put(path_of("home/.erlang.cookie"), "SECREThome\n", 0644);
	put(path_of("xdg/erlang/.erlang.cookie"), "SECRETxdg\n", 0400);
	ok(load_fails(&o, "readable by group or others"),
	   "a bad ~/.erlang.cookie is an error, not a fall-through to XDG");
	clear_env();

	ck.len = 3;
	snprintf(ck.value, sizeof ck.value, "SECRET");
	cookie_wipe(&ck);
	ok(!ck.len && !ck.value[0] && !ck.source[0], "cookie_wipe");
}

static void cleanup(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", base);
}

/* Text cookies become the bytes a node in a UTF-8 locale digests. */
static void test_text_bytes(void)
{
	struct cookie_opts o = { .home = path_of("home") };

	clear_env();
	setenv("ERLANG_COOKIE", "SECRETcaf\xc3\xa9", 1);
	ok(loads(&o, "SECRETcaf\xe9", "$ERLANG_COOKIE"),
	   "UTF-8 e-acute digests as the Latin-1 byte e9");
	setenv("ERLANG_COOKIE", "SECRETcaf\xe9", 1);
	ok(loads(&o, "SECRETcaf\xe9", NULL),
	   "text that is not UTF-8 is taken byte for byte");
	setenv("ERLANG_COOKIE", "SECRET\xc3\xbf\xc2\xa0", 1);
	ok(loads(&o, "SECRET\xff\xa0", NULL), "U+00FF and U+00A0 kept");
	setenv("ERLANG_COOKIE", "SECRETa\xe2\x82\xac", 1);
	ok(load_fails(&o, "U+20AC"), "a character past U+00FF refused");
	setenv("ERLANG_COOKIE", "SECRET\xc2\x85x", 1);
	ok(loads(&o, "SECRET\x85x", NULL), "C1 range is Latin-1 too");
	setenv("ERLANG_COOKIE", "SECRET\xc0\xafx", 1);
	ok(loads(&o, "SECRET\xc0\xafx", NULL),
	   "an overlong form is not UTF-8: bytes kept");
	clear_env();
}

int main(void)
{
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(home, sizeof(home), "%s/home", base);
	snprintf(xdg, sizeof(xdg), "%s/xdg", base);
	mkdir(home, 0700);
	mkdir(xdg, 0700);
	mkdir(path_of("xdg/erlang"), 0700);
	clear_env();

	test_file_rules();
	test_vm_args();
	test_order();
	test_fallthrough_and_errors();
	test_text_bytes();
	cleanup();
	return tap_done();
}
