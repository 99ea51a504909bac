#!/usr/bin/env bats
# The documentation keeps up with the programs: every long option that
# --help prints is in the man page and in the bash, zsh and fish
# completions; the pages lint clean; the completion files parse. No
# nodes are started: this suite only runs --help and --version.

bats_require_minimum_version 1.5.0

# The program list is the Makefile's, which takes it from cmd/dist-*.c.
read -ra PROGS < <(make -s --no-print-directory -C "$BATS_TEST_DIRNAME/.." programs)

setup() {
	load helpers/nodes
	load /usr/lib/bats/bats-support/load
	load /usr/lib/bats/bats-assert/load
	cd "$DIST_ROOT" || return 1
}

# long_options PROG: the long options its --help mentions, one a line.
long_options() {
	"$DIST_BIN/$1" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u
}

# missing_from PROG FILE KIND: print each long option of PROG that FILE
# lacks, as KIND writes it (man: "Fl Fl name", fish: "-l name", other:
# "--name" not followed by more of an option name).
missing_from() {
	local prog=$1 file=$2 kind=$3 opt name
	[[ -f $file ]] || {
		echo "$file: no such file"
		return 0
	}
	while IFS= read -r opt; do
		name=${opt#--}
		case $kind in
		man) grep -qE -- "Fl Fl ${name}([^a-z0-9-]|\$)" "$file" ;;
		fish) grep -qE -- "-l ${name}([^a-z0-9-]|\$)" "$file" ;;
		*) grep -qE -- "--${name}([^a-z0-9-]|\$)" "$file" ;;
		esac || echo "$file: --$name"
	done < <(long_options "$prog")
}

@test "--help of every program exits 0 and documents the exit status" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 "$DIST_BIN/$p" --help
		assert_output --partial "Exit status"
		assert_output --partial "Usage: $p "
	done
}

@test "--help of every program lists some long options" {
	local p
	for p in "${PROGS[@]}"; do
		run long_options "$p"
		assert_success
		assert_line -- --help
		assert_line -- --version
	done
}

@test "--version of every program: '<prog> (dist) X.Y.Z'" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 "$DIST_BIN/$p" --version
		assert_output --regexp "^$p \\(dist\\) [0-9]+\\.[0-9]+\\.[0-9]+\$"
	done
}

@test "every long option in --help is in the program's man page" {
	local p
	for p in "${PROGS[@]}"; do
		run missing_from "$p" "man/man1/$p.1" man
		assert_success
		assert_output ""
	done
}

@test "every long option in --help is in the bash completion" {
	local p
	for p in "${PROGS[@]}"; do
		run missing_from "$p" "completions/bash/$p" other
		assert_output ""
	done
}

@test "every long option in --help is in the zsh completion" {
	local p
	for p in "${PROGS[@]}"; do
		run missing_from "$p" "completions/zsh/_$p" other
		assert_output ""
	done
}

@test "every long option in --help is in the fish completion" {
	local p
	for p in "${PROGS[@]}"; do
		run missing_from "$p" "completions/fish/$p.fish" fish
		assert_output ""
	done
}

@test "the new dist-ping and dist-rpc options are documented" {
	run -0 grep -c -E 'Fl Fl (stats|prom)' man/man1/dist-ping.1
	refute_output 0
	run -0 grep -c -E 'Fl Fl (stats|prom|max-size)' man/man1/dist-rpc.1
	refute_output 0
	run -0 grep -E 'Qq summary' man/man7/dist.7
}

@test "mandoc -Tlint -W warning is silent on every man page" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	local page
	for page in man/man1/*.1 man/man7/*.7; do
		run -0 --separate-stderr mandoc -Tlint -W warning "$page"
		assert_output ""
		[[ -z $stderr ]] || fail "$page: $stderr"
	done
}

@test "the man pages name the programs they document" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 grep -E "^\\.Nm $p\$" "man/man1/$p.1"
	done
}

@test "bash -n accepts the bash completions" {
	local f
	for f in completions/bash/*; do
		run -0 bash -n "$f"
		assert_output ""
	done
}

@test "bash completions register a completion function" {
	local p
	for p in "${PROGS[@]}"; do
		run -0 bash -c 'source "$1" && complete -p "$2"' _ \
			"completions/bash/$p" "$p"
		assert_output --regexp "complete -F _[a-z_]+ $p\$"
	done
}

@test "zsh -n accepts the zsh completions" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	local f
	for f in completions/zsh/_*; do
		run -0 zsh -n "$f"
		assert_output ""
	done
}

@test "fish -n accepts the fish completions" {
	command -v fish >/dev/null || skip "fish is not installed"
	local f
	for f in completions/fish/*.fish; do
		run -0 fish -n "$f"
		assert_output ""
	done
}
