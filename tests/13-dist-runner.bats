#!/usr/bin/env bats
# What every per-target program does the same way, through the shared
# runner and option front end: no target is a usage error, a rejected
# input line stops the run, a stage owns its outcome fields, a failed
# write to stdout is an error (a closed pipe ends quietly), option values
# are checked before any traffic, -c cut short by -t keeps its pings.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 short
	# A listener that records every connection it accepts: "nothing
	# was sent" is then a fact, not a hope.
	python3 -c 'import socket,sys,os
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1",0)); s.listen(64)
open(sys.argv[1]+".tmp","w").write(str(s.getsockname()[1])); os.rename(sys.argv[1]+".tmp", sys.argv[1])
while True:
    c,_=s.accept(); open(sys.argv[2],"a").write("accepted\n"); c.close()' \
		"$DIST_STATE/recorder.port" "$DIST_STATE/recorder.log" \
		>/dev/null 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "recorder" test -s "$DIST_STATE/recorder.port"
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	N1="n1@$HOST"
	REC_PORT=$(cat "$DIST_STATE/recorder.port")
	REC_LOG="$DIST_STATE/recorder.log"
	: > "$REC_LOG"
}

# The recorder saw no connection at all.
assert_no_traffic() {
	[ ! -s "$REC_LOG" ] || fail "a connection was made: $(cat "$REC_LOG")"
}

# run_to FILE CMD...: run CMD with stdout redirected (bats' run would
# capture it otherwise); "-" closes stdout.
run_to() {
	local to=$1
	shift
	# shellcheck disable=SC2016
	if [ "$to" = - ]; then
		run --separate-stderr bash -c '"$@" >&-' _ "$@"
	else
		run --separate-stderr bash -c 'o=$1; shift; "$@" >"$o"' _ "$to" "$@"
	fi
}

# Run "$@" with stdout the write end of a pipe whose reader has already
# gone; print the exit status as the shell reports it (128+signal).
run_closed_pipe() {
	python3 -c 'import os,subprocess,sys
r,w=os.pipe(); os.close(r)
p=subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)
sys.stderr.buffer.write(p.stderr)
print(128-p.returncode if p.returncode<0 else p.returncode)' "$@"
}

# ---- no target at all --------------------------------------------------

@test "--vm-args without -name/-sname and empty stdin: usage error, not healthy" {
	printf -- '-setcookie %s\n+K true\n' "$COOKIE" > "$BATS_TEST_TMPDIR/vm.args"
	for prog in "$PING" "$RPC --eval ok."; do
		# shellcheck disable=SC2086
		run --separate-stderr $prog -q --vm-args "$BATS_TEST_TMPDIR/vm.args" </dev/null
		assert_failure 2
		[[ $stderr == *"no target"*"--vm-args names none"* ]] ||
			fail "$prog does not say why: $stderr"
	done
}

@test "no NODE and nothing on stdin (or only comments): exit 2 for every program" {
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" </dev/null
	assert_failure 2
	[[ $stderr == *"no target"* ]] || fail "$stderr"
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" erlang node \
		<<<'# only a comment'
	assert_failure 2
	[[ $stderr == *"no target"* ]] || fail "$stderr"
	# A --stats summary from upstream is not a target either.
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" \
		<<<'{"summary":true,"targets":0}'
	assert_failure 2
}

# ---- a rejected line stops the run -------------------------------------

@test "dist-ping: nothing after a rejected line is attempted" {
	for bad in 'oops' '{"node":' '{"name":"x"}'; do
		: > "$REC_LOG"
		run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" \
			-p "$REC_PORT" <<<"$bad
x@127.0.0.1"
		assert_failure 2
		assert_output ""
		[[ $stderr == *"stdin line 1"* ]] || fail "$stderr"
		assert_no_traffic
	done
}

@test "dist-rpc: a record before the rejected line finishes, none after it starts" {
	f="$BATS_TEST_TMPDIR/calls"
	: > "$f"
	chmod 666 "$f"
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -j 1 file write_file \
		"[\"$f\", <<\"x\">>, [append]]" <<-IN
	$N1
	not a node
	$N1
	IN
	assert_failure 2
	[[ $stderr == *"stdin line 2"* ]] || fail "$stderr"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(field "${lines[0]}" ok)" true
	assert_equal "$(cat "$f")" x
}

# ---- a stage owns its outcome fields -----------------------------------

@test "an error carried in from an earlier stage does not survive a later success" {
	ping=$(ERLANG_COOKIE=wrong "$PING" "$N1") || true
	assert_equal "$(field "$ping" error.code)" not_allowed
	run "$RPC" --cookie-file "$COOKIE_FILE" erlang node <<<"$ping"
	assert_success
	assert_equal "$(field "$output" ok)" true
	run field "$output" error
	assert_failure
}

@test "a result carried in does not survive a later failure; context fields do" {
	rec=$("$RPC" --cookie-file "$COOKIE_FILE" "$N1" erlang node |
		python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); r["role"]="db"; print(json.dumps(r))')
	assert_equal "$(field "$rec" result)" "$N1"
	run "$RPC" --cookie-file "$COOKIE_FILE" erlang error '[boom]' <<<"$rec"
	assert_failure 1
	assert_equal "$(field "$output" exception.class)" error
	assert_equal "$(field "$output" role)" db
	run field "$output" result
	assert_failure
	# dist-ping: an earlier -c run's count and rtt summary do not stay.
	rec=$("$PING" --cookie-file "$COOKIE_FILE" -c 2 -i 10ms "$N1")
	assert_equal "$(field "$rec" count)" 2
	run "$PING" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" <<<"${rec/$N1/x@127.0.0.1}"
	assert_failure 1
	for gone in count rtt rtt_ms timings.epmd_ms; do
		run field "$output" "$gone"
		assert_failure
	done
}

# ---- write errors on stdout --------------------------------------------

@test "stdout full or closed: io_error, exit 3, for every format of dist-ping" {
	for fmt in "-o json" "-o text" "-o pretty" "--stats -o json" "--stats -o text"; do
		# shellcheck disable=SC2086
		run_to /dev/full "$PING" --cookie-file "$COOKIE_FILE" $fmt "$N1"
		assert_failure 3
		[[ $stderr == *"cannot write to stdout"*"io_error"* ]] || fail "$fmt: $stderr"
		# shellcheck disable=SC2086
		run_to - "$PING" --cookie-file "$COOKIE_FILE" $fmt "$N1"
		assert_failure 3
		[[ $stderr == *"cannot write to stdout"* ]] || fail "$fmt closed: $stderr"
	done
	# -q writes nothing, so nothing can fail.
	run_to /dev/full "$PING" --cookie-file "$COOKIE_FILE" -q --stats "$N1"
	assert_success
}

@test "stdout full or closed: exit 3 for every format of dist-rpc" {
	for fmt in "-o json" "-o tagged" "-o pretty" "-o text" "-o term" "-o raw" \
		   "--stats" "--stats -o text"; do
		# shellcheck disable=SC2086
		run_to /dev/full "$RPC" --cookie-file "$COOKIE_FILE" $fmt "$N1" erlang node
		assert_failure 3
		[[ $stderr == *"cannot write to stdout"* ]] || fail "$fmt: $stderr"
		# shellcheck disable=SC2086
		run_to - "$RPC" --cookie-file "$COOKIE_FILE" $fmt "$N1" erlang node
		assert_failure 3
	done
}

@test "stdout full or closed: exit 3 with a message for dist-discover" {
	for fmt in "-o json" "-o text" "-o pretty"; do
		# shellcheck disable=SC2086
		run_to /dev/full "$DISCOVER" $fmt a@h
		assert_failure 3
		[[ $stderr == *"cannot write to stdout"* ]] || fail "$fmt: $stderr"
		# shellcheck disable=SC2086
		run_to - "$DISCOVER" $fmt a@h
		assert_failure 3
	done
}

@test "--help and --version into a full or closed stdout: exit 3" {
	for prog in "$PING" "$RPC" "$DISCOVER"; do
		for opt in --help --version; do
			run_to /dev/full "$prog" "$opt"
			assert_failure 3
			run_to - "$prog" "$opt"
			assert_failure 3
		done
	done
}

@test "a closed pipe ends every program quietly by SIGPIPE (status 141)" {
	run --separate-stderr run_closed_pipe "$PING" --cookie-file "$COOKIE_FILE" "$N1" "$N1"
	assert_output 141
	assert_equal "$stderr" ""
	for fmt in json raw text; do
		run --separate-stderr run_closed_pipe "$RPC" --cookie-file "$COOKIE_FILE" \
			-o "$fmt" "$N1" erlang node
		assert_output 141
		assert_equal "$stderr" ""
	done
	run --separate-stderr run_closed_pipe "$DISCOVER" a@h b@h
	assert_output 141
	assert_equal "$stderr" ""
}

@test "| head -1 sees whole lines only, and the rest is not attempted" {
	# shellcheck disable=SC2016
	run bash -c '"$1" --cookie-file "$2" -j 1 "$3" "$3" "$3" "$3" | head -1' _ \
		"$PING" "$COOKIE_FILE" "$N1"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_equal "$(field "${lines[0]}" ok)" true
}

# ---- option values are checked before anything is sent ------------------

@test "an invalid --name is a usage error before any traffic" {
	for name in 'bad name' 'a@' '@h' 'a@b@c' "$(printf 'x%.0s' {1..300})"; do
		run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" -n "$name" \
			-p "$REC_PORT" x@127.0.0.1 y@127.0.0.1
		assert_failure 2
		[[ $stderr == *"--name"* ]] || fail "$name: $stderr"
		run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -n "$name" \
			-p "$REC_PORT" x@127.0.0.1 erlang node
		assert_failure 2
	done
	assert_no_traffic
}

@test "every bad option value is exit 2 before any traffic" {
	local -a bad=(
		"-c 0" "-c x" "-i soon" "-t -1s" "-t 5parsecs" "--connect-timeout x"
		"-j 0" "-j many" "--epmd-port 0" "-p 70000" "-o yaml"
		"--prom $BATS_TEST_TMPDIR/nodir/x.prom" "--resolver not-an-address"
	)
	for opts in "${bad[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" \
			--epmd-port "$REC_PORT" $opts x@127.0.0.1
		assert_failure 2
		[ -n "$stderr" ] || fail "$opts: no message"
	done
	for args in "[1," "not_a_list" "[a b]"; do
		run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" \
			x@127.0.0.1 erlang node "$args"
		assert_failure 2
		[[ $stderr == *"ARGS"* ]] || fail "$args: $stderr"
	done
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" \
		--json-args '[1,' x@127.0.0.1 erlang node
	assert_failure 2
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" \
		--json-args '{"a":1}' x@127.0.0.1 erlang node
	assert_failure 2
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" \
		x@127.0.0.1 "$(printf 'm%.0s' {1..300})" f
	assert_failure 2
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" \
		--max-size lots x@127.0.0.1 erlang node
	assert_failure 2
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" -p "$REC_PORT" \
		"$(printf 'a@\xff')"
	assert_failure 2
	# A cookie file that is not there is an environment error, still
	# before any traffic.
	run --separate-stderr "$PING" --cookie-file "$BATS_TEST_TMPDIR/none" \
		-p "$REC_PORT" x@127.0.0.1
	assert_failure 3
	assert_no_traffic
}

# ---- -c cut short by -t -------------------------------------------------

@test "-c cut short by -t: timeout at stage request, the pings so far kept" {
	run "$PING" --cookie-file "$COOKIE_FILE" -c 100 -i 200ms -t 1s "$N1"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
	assert_equal "$(field "$output" error.stage)" request
	rec=$output
	count=$(field "$rec" count)
	[ "$count" -ge 1 ] && [ "$count" -lt 100 ] || fail "count $count"
	run field "$rec" rtt.max
	assert_success
	run field "$rec" rtt_ms
	assert_success
}

# ---- rough edges --------------------------------------------------------

@test "dist-rpc -o tagged and -o pretty combine in either order; -q wins anywhere" {
	a=$("$RPC" --cookie-file "$COOKIE_FILE" -o tagged -o pretty "$N1" erlang node)
	b=$("$RPC" --cookie-file "$COOKIE_FILE" -o pretty -o tagged "$N1" erlang node)
	a=$(grep -v '"time_ms"\|_ms"' <<<"$a")
	b=$(grep -v '"time_ms"\|_ms"' <<<"$b")
	assert_equal "$a" "$b"
	[[ $a == *'"$atom"'* ]] || fail "not tagged: $a"
	[ "$(wc -l <<<"$a")" -gt 1 ] || fail "not pretty: $a"
	# Of the layouts, the last wins.
	run "$RPC" --cookie-file "$COOKIE_FILE" -o pretty -o raw "$N1" erlang node
	assert_output "$N1"
	run "$RPC" --cookie-file "$COOKIE_FILE" -q -o json "$N1" erlang node
	assert_output ""
	run "$PING" --cookie-file "$COOKIE_FILE" -q -o text "$N1"
	assert_output ""
}

@test "a diagnostic that names the node does not repeat it in the message" {
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" --max-size 1k -o raw \
		"$N1" lists seq '[1, 5000]'
	assert_failure 1
	[[ $stderr == "dist-rpc: $N1: too_large: "* ]] || fail "$stderr"
	[[ $stderr != *"too_large: $N1:"* ]] || fail "node repeated: $stderr"
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -t 300ms -o raw \
		"$N1" timer sleep '[5000]'
	assert_failure 1
	[[ $stderr != *"timeout: $N1:"* ]] || fail "node repeated: $stderr"
	# The node appears once, at the head, wherever the message came from.
	for call in "nosuchmod f" "erlang error [boom]" "timer sleep [5000]"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" -t 300ms \
			-o raw "$N1" $call
		assert_failure 1
		assert_equal "$(grep -o "$N1" <<<"$stderr" | wc -l)" 1
	done
	run "$PING" --cookie-file "$COOKIE_FILE" -o text -p "$REC_PORT" x@127.0.0.1
	assert_failure 1
	assert_equal "$(grep -o "x@127.0.0.1" <<<"$output" | wc -l)" 1
}

@test "--stats -o text counts input errors" {
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" --stats -o text <<-IN
	$N1
	oops
	IN
	assert_failure 2
	[[ $output == *"1 input errors"* ]] || fail "$output"
}
