#!/usr/bin/env bats
# Our node names and the node's rules about them: probes that run at the
# same time, in one run or in many, never collide on a pool name; what a
# node says as it hangs up is heard; the address dialled is not always
# the one the target's host name gives.

bats_require_minimum_version 1.5.0

# start_long NAME FULL [erl args...]: a long-name node called FULL.
start_long() {
	local name=$1 full=$2
	shift 2
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
	erl -name "$full" -setcookie "$(cat "$DIST_STATE/cookie")" -noinput \
		-noshell -start_epmd false "$@" \
		>"$DIST_STATE/$name.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
		wait_for "node $name" node_registered "$name"
}

setup_file() {
	load helpers/nodes
	nodes_setup
	local host
	host=$(short_host)
	# apple sorts below and zed above the names we used to take
	# (dist0..): the node treats a second connection from a name
	# differently in the two cases.
	start_node apple short
	start_node zed short
	start_node allow short "" -eval "net_kernel:allow(['x@$host'])"
	start_node iface short "" -kernel inet_dist_use_interface '{127,0,0,2}'
	start_long v6only v6only@dual.test -proto_dist inet6_tcp \
		-kernel inet_dist_use_interface '{0,0,0,0,0,0,0,1}'
	start_long fwd fwd@unresolvable.test
	start_dnsmasq_opts dns --host-record=dual.test,127.0.0.1,::1
	python3 "$DIST_ROOT/tests/helpers/closing_peer.py" status not_allowed \
		"$DIST_STATE/refuser.port" >"$DIST_STATE/refuser.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	python3 "$DIST_ROOT/tests/helpers/closing_peer.py" frame "last@$host" \
		"$DIST_STATE/cookie" "$DIST_STATE/last.port" \
		>"$DIST_STATE/last.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "closing peers" test -s "$DIST_STATE/refuser.port" -a \
		-s "$DIST_STATE/last.port"
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	export DIST_RESOLVER="127.0.0.1:$(cat "$DIST_STATE/dns.dns_port")"
	# This file's runs share names through their own runtime directory.
	export XDG_RUNTIME_DIR="$BATS_FILE_TMPDIR/run"
	mkdir -p -m 700 "$XDG_RUNTIME_DIR"
}

node_port() {
	epmd -port "$ERL_EPMD_PORT" -names | awk -v n="$1" '$2 == n { print $5 }'
}

# all_ok DIR: every record in DIR/* says ok, and none was refused.
all_ok() {
	local f bad=0
	for f in "$1"/*; do
		if ! grep -q '"ok":true' "$f"; then
			echo "failed: $(cat "$f")"
			bad=$((bad + 1))
		fi
	done
	! grep -l not_allowed "$1"/* || bad=$((bad + 1))
	[ "$bad" -eq 0 ]
}

# concurrent_runs DIR N ROUNDS CMD...: N runs of CMD at once, ROUNDS times
# over, each record into its own file of DIR.
concurrent_runs() {
	local dir=$1 n=$2 rounds=$3 r i
	shift 3
	mkdir -p "$dir"
	for r in $(seq 1 "$rounds"); do
		for i in $(seq 1 "$n"); do
			"$@" > "$dir/$r.$i" 2>&1 &
		done
		wait
	done
}

@test "our pool names sort below the node's name" {
	run "$PING" --cookie-file "$COOKIE_FILE" "apple@$HOST"
	assert_success
	assert_equal "$(field "$output" self)" "-dist0@$HOST"
}

@test "one run, one node under two spellings: the right one is never cut off" {
	for _ in $(seq 1 10); do
		run "$PING" --cookie-file "$COOKIE_FILE" "apple@$HOST" apple@localhost
		assert_failure 1
		assert_line --partial "\"node\":\"apple@$HOST\",\"rtt_ms\""
		assert_line --partial '"code":"name_mismatch"'
		refute_output --partial connection_closed
		refute_output --partial not_allowed
	done
}

@test "one run, more targets naming one node than there are pool names" {
	args=()
	for _ in $(seq 1 20); do
		args+=("apple@$HOST" apple@localhost "zed@$HOST")
	done
	run "$PING" --cookie-file "$COOKIE_FILE" -j 64 "${args[@]}"
	assert_failure 1
	assert_equal "$(grep -c '"ok":true' <<<"$output")" 40
	assert_equal "$(grep -c '"code":"name_mismatch"' <<<"$output")" 20
}

@test "20 runs at once, twice over, against nodes sorting below and above us" {
	concurrent_runs "$BATS_TEST_TMPDIR/apple" 20 2 \
		"$PING" --cookie-file "$COOKIE_FILE" "apple@$HOST"
	concurrent_runs "$BATS_TEST_TMPDIR/zed" 20 2 \
		"$PING" --cookie-file "$COOKIE_FILE" "zed@$HOST"
	all_ok "$BATS_TEST_TMPDIR/apple"
	all_ok "$BATS_TEST_TMPDIR/zed"
}

@test "dist-rpc: 20 runs at once, twice over, never collide" {
	concurrent_runs "$BATS_TEST_TMPDIR/apple" 20 2 \
		"$RPC" --cookie-file "$COOKIE_FILE" "apple@$HOST" erlang node '[]'
	concurrent_runs "$BATS_TEST_TMPDIR/zed" 20 2 \
		"$RPC" --cookie-file "$COOKIE_FILE" "zed@$HOST" erlang node '[]'
	all_ok "$BATS_TEST_TMPDIR/apple"
	all_ok "$BATS_TEST_TMPDIR/zed"
}

@test "runs that cannot share a runtime directory are refused cleanly by the node" {
	# A directory open to others is not trusted: only the node's own
	# answers ("nok", "alive") keep these runs apart.
	mkdir -p "$BATS_TEST_TMPDIR/open/dist"
	chmod 777 "$BATS_TEST_TMPDIR/open/dist"
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/open"
	concurrent_runs "$BATS_TEST_TMPDIR/apple" 20 2 \
		"$PING" --cookie-file "$COOKIE_FILE" "apple@$HOST"
	all_ok "$BATS_TEST_TMPDIR/apple"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/open/dist")" ]
}

@test "a refusal that comes with the close is heard, alone or among other targets" {
	before=$(grep -c 'disallowed node' "$DIST_STATE/allow.log" || true)
	for _ in $(seq 1 5); do
		run "$PING" --cookie-file "$COOKIE_FILE" "allow@$HOST"
		assert_failure 1
		assert_equal "$(field "$output" error.code)" not_allowed
		run "$PING" --cookie-file "$COOKIE_FILE" "allow@$HOST" "apple@$HOST" "zed@$HOST"
		assert_failure 1
		assert_equal "$(field "$(grep "allow@" <<<"$output")" error.code)" not_allowed
	done
	# One attempt per probe: no retry under other names after the refusal.
	after=$(grep -c 'disallowed node' "$DIST_STATE/allow.log")
	assert_equal $((after - before)) 10
}

@test "a status sent together with the close is read before the close" {
	run "$PING" --cookie-file "$COOKIE_FILE" --port "$(cat "$DIST_STATE/refuser.port")" \
		"refuser@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_allowed
	assert_equal "$(field "$output" error.stage)" handshake
}

@test "a last frame sent together with the close is read before the close" {
	# The ack, a frame and the close in one go: the frame is handled
	# (no node sends such a frame), the close is not read as a cookie
	# refused after our challenge reply.
	run "$PING" --cookie-file "$COOKIE_FILE" --port "$(cat "$DIST_STATE/last.port")" \
		"last@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" protocol_error
	refute_output --partial cookie
}

@test "a node listening on another address: what was tried and what is likely" {
	port=$(node_port iface)
	# The suites run side by side: another one's listener may hold the
	# same port on 127.0.0.1 (a bind to one address can reuse a port
	# bound on another), and then our connect is not refused.
	if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)' "$port" 2>/dev/null; then
		skip "port $port is taken on 127.0.0.1 by another process"
	fi
	run "$PING" --cookie-file "$COOKIE_FILE" "iface@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" connect_refused
	msg=$(field "$output" error.message)
	[[ $msg == *"port $port of $HOST (tried 127.0.0.1)"* ]] || fail "$msg"
	[[ $msg == *inet_dist_use_interface* ]] || fail "$msg"
	[[ $msg == */etc/hosts* ]] || fail "$msg"
	# ... and --address reaches it there, EPMD's answer and all.
	run "$PING" --cookie-file "$COOKIE_FILE" --address 127.0.0.2 "iface@$HOST"
	assert_success
	assert_equal "$(field "$output" address)" 127.0.0.2
}

@test "the node port is tried at the host's other addresses, as EPMD is" {
	# dual.test is 127.0.0.1 and ::1; EPMD answers on the first, the
	# IPv6-only node listens on the second.
	run "$PING" --cookie-file "$COOKIE_FILE" v6only@dual.test
	assert_success
	assert_equal "$(field "$output" address)" ::1
}

@test "--address HOST:PORT reaches a node whose host does not resolve" {
	port=$(node_port fwd)
	run "$PING" --cookie-file "$COOKIE_FILE" fwd@unresolvable.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" resolve_failed
	run "$PING" --cookie-file "$COOKIE_FILE" --address "127.0.0.1:$port" fwd@unresolvable.test
	assert_success
	assert_equal "$(field "$output" node)" fwd@unresolvable.test
	assert_equal "$(field "$output" port)" "$port"
	# Without a port, EPMD at that address is asked.
	run "$PING" --cookie-file "$COOKIE_FILE" --address 127.0.0.1 fwd@unresolvable.test
	assert_success
	run "$RPC" --cookie-file "$COOKIE_FILE" --address "127.0.0.1:$port" \
		fwd@unresolvable.test erlang node '[]'
	assert_success
	assert_equal "$(field "$output" result)" fwd@unresolvable.test
}

@test "--address keeps the name check: another node there is named as such" {
	port=$(node_port fwd)
	run "$PING" --cookie-file "$COOKIE_FILE" --address "127.0.0.1:$port" other@unresolvable.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" name_mismatch
}

@test "--address: a bad value or a second port is a usage error" {
	run -2 "$PING" --cookie-file "$COOKIE_FILE" --address ':1' "apple@$HOST"
	assert_output --partial "--address ':1'"
	run -2 "$PING" --cookie-file "$COOKIE_FILE" --address 127.0.0.1:1 --port 2 "apple@$HOST"
	assert_output --partial "--port"
	run -2 "$RPC" --cookie-file "$COOKIE_FILE" --address '[::1' "apple@$HOST" erlang node '[]'
	assert_output --partial "--address '[::1'"
}
