#!/usr/bin/env bats
# The command deadline bounds the process whatever the DNS server does;
# cookies outside ASCII digest as the node digests them; --prom files
# pass Prometheus' own checker and name the node that failed.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 short
	start_udp_blackhole deaddns
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	load /usr/lib/bats/bats-support/load
	load /usr/lib/bats/bats-assert/load
	nodes_load
	PING="$DIST_BIN/dist-ping"
	RPC="$DIST_BIN/dist-rpc"
	DISCOVER="$DIST_BIN/dist-discover"
	DEADDNS="127.0.0.1:$(cat "$DIST_STATE/deaddns.port")"
	unset DIST_RESOLVER
}

# bounded LIMIT CMD...: run CMD (as bats' run does) under an outer
# timeout of 60 s, and fail when it took LIMIT seconds or more. A hang
# detector, not a timing assertion: the limits are many times the
# deadline given.
bounded() {
	local limit=$1 t0 t1
	shift
	t0=$(date +%s)
	run timeout 60 "$@"
	t1=$(date +%s)
	if [ "$status" -eq 124 ] || [ $((t1 - t0)) -ge "$limit" ]; then
		echo "still running after $((t1 - t0)) s: $*" >&2
		return 1
	fi
}

# ---- the deadline bounds the process ----------------------------------

@test "dist-ping -t ends the process when the DNS server never answers" {
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 2s a@multi.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
	assert_equal "$(field "$output" error.stage)" resolve
}

@test "dist-rpc -t ends the process when the DNS server never answers" {
	bounded 15 "$RPC" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 2s a@multi.test erlang node
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
}

@test "a stage timeout (--connect-timeout) leaves no DNS question behind" {
	# The command deadline is far away: only the abandoned lookup
	# could keep the process alive.
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		--connect-timeout 1s -t 120s a@multi.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
}

@test "many targets from stdin, few slots: every one ends by the deadline" {
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 2s --concurrency 2 < <(printf 'a%d@multi%d.test\n' 1 1 2 2 3 3 4 4)
	assert_failure 1
	assert_equal "${#lines[@]}" 4
}

@test "a dead DNS server does not delay a node reached by address" {
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 5s a@multi.test "n1@$HOST"
	assert_failure 1
	assert_output --partial '"ok":true'
}

@test "dist-discover DNS sources end at the poll deadline" {
	bounded 15 "$DISCOVER" --resolver "$DEADDNS" -t 2s --query multi.test -b a
	assert_failure 1
	assert_output --partial '"code":"timeout"'
	bounded 15 "$DISCOVER" --resolver "$DEADDNS" -t 2s --srv a@_e._tcp.multi.test
	assert_failure 1
	assert_output --partial '"code":"timeout"'
	bounded 15 "$DISCOVER" --resolver "$DEADDNS" -t 2s -H multi.test
	assert_failure 1
	assert_output --partial '"code":"timeout"'
}

# ---- what is started can be stopped -----------------------------------

@test "a node is stoppable by SIGTERM as soon as start_node returns" {
	# Before kernel's signal server runs, erl drops SIGTERM: a node
	# that is only registered with EPMD may never stop.
	start_node early short
	run --separate-stderr stop_node early
	assert_success
	refute [ -n "$stderr" ]
	pid=$(cat "$DIST_STATE/early.pid")
	run kill -0 "$pid"
	assert_failure
}

@test "stop_pid ends a process that ignores SIGTERM" {
	bash -c 'trap "" TERM; while :; do sleep 1; done' 3>&- &
	pid=$!
	run --separate-stderr stop_pid "$pid"
	assert_success
	assert_equal "$stderr" "pid $pid ignored SIGTERM for 5 s: SIGKILL"
	run kill -0 "$pid"
	assert_failure
}

@test "make demo ends, says stopped, and leaves no process behind" {
	[ -x "$DIST_ROOT/bin/dist-ping" ] || skip "bin/ not built (make all)"
	dir="$BATS_TEST_TMPDIR/demo-tmp"
	mkdir -p "$dir"
	TMPDIR=$dir run timeout 120 "$DIST_ROOT/scripts/demo"
	assert_success
	assert_line "demo done: everything it started is stopped."
	# Everything the demo started inherited its TMPDIR.
	run bash -c 'grep -lsx "TMPDIR='"$dir"'" -z /proc/[0-9]*/environ'
	assert_output ""
	run ls -A "$dir"
	assert_output ""
}
