#!/usr/bin/env bats
# The layer rule of lib/README.md is checked, and the check catches a
# breach: each test plants one in a copy of lib/ and expects
# scripts/check-layers (run by make lint) to name it.

setup() {
	load helpers/nodes
	load /usr/lib/bats/bats-support/load
	load /usr/lib/bats/bats-assert/load
	LIBCOPY="$BATS_TEST_TMPDIR/lib"
	cp -r "$DIST_ROOT/lib" "$LIBCOPY"
}

check() {
	run "$DIST_ROOT/scripts/check-layers" "$LIBCOPY"
}

@test "the tree as it is keeps the rule" {
	check
	assert_success
	assert_output ""
}

@test "a layer that includes a layer above it fails, naming both" {
	sed -i '1a #include "run/runner.h"' "$LIBCOPY/base/buf.c"
	check
	assert_failure
	assert_output --partial 'base/buf.c:2: base/ may not include "run/runner.h": run/ is above it'
}

@test "an include that does not name its folder fails" {
	sed -i '1a #include "error.h"' "$LIBCOPY/dist/epmd.c"
	check
	assert_failure
	assert_output --partial '"error.h" does not name its layer folder'
}

@test "a private header included from another folder fails" {
	sed -i '1a #include "etf/etf_decode_internal.h"' "$LIBCOPY/term/term_json.c"
	check
	assert_failure
	assert_output --partial 'is private to etf/'
}

@test "a source file outside the layer folders fails" {
	echo 'int stray;' > "$LIBCOPY/stray.c"
	check
	assert_failure
	assert_output --partial 'stray.c: source outside a layer folder'
}

@test "library code below cli/ that prints or exits fails" {
	printf 'void oops(void) { fprintf(stderr, "x"); }\n' >> "$LIBCOPY/dist/epmd.c"
	printf 'void bye(void) { exit(3); }\n' >> "$LIBCOPY/run/ping.c"
	check
	assert_failure
	assert_output --partial 'dist/epmd.c'
	assert_output --partial 'stderr: only cli/ talks to the terminal'
	assert_output --partial 'run/ping.c'
	assert_output --partial 'exit: only cli/'
}

@test "words in comments and strings are not calls" {
	printf '/* exit(1) on stderr */\nstatic const char *m = "printf(stdout)";\n' \
		>> "$LIBCOPY/base/buf.c"
	check
	assert_success
}

# ---- banned calls (base/banned.h) ----------------------------------------

# compile_snippet CODE: compile CODE as a translation unit of the project,
# with the flags every file gets.
compile_snippet() {
	local flags
	flags=$(make -s -C "$DIST_ROOT" print-cflags)
	printf '%s\n' "$1" > "$BATS_TEST_TMPDIR/snippet.c"
	# shellcheck disable=SC2086 # the flags are words
	run bash -c "cd '$DIST_ROOT' && cc $flags -fsyntax-only '$BATS_TEST_TMPDIR/snippet.c'"
}

@test "a banned libc call does not compile with the project's flags" {
	for call in 'strcpy(d, s)' 'strcat(d, s)' 'sprintf(d, "%s", s)' \
		'strncpy(d, s, 4)' 'atoi(s)' 'strtok(d, s)' 'gmtime(&t)'; do
		compile_snippet "#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
void f(char *d, const char *s, time_t t);
void f(char *d, const char *s, time_t t) { (void)t; (void)($call); }"
		assert_failure
		assert_output --partial "poisoned"
	done
}

@test "the same snippet with the bounded replacement compiles" {
	compile_snippet '#include <stdio.h>
void f(char *d, size_t n, const char *s);
void f(char *d, size_t n, const char *s) { snprintf(d, n, "%s", s); }'
	assert_success
}
