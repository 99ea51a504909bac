#!/usr/bin/env bats
# Broken and malicious peers (tests/helpers/hostile_peer.py): a fake
# EPMD and a fake node for the connecting programs, hostile clients for
# dist-node's accepting side. Each case ends in its error code within
# the deadline (a `timeout 60` guard fails the test if it hangs), with a
# bounded peak RSS, and dist-node keeps serving a real node throughout.

bats_require_minimum_version 1.5.0

# Peak RSS bound for one run, in kB. The sanitizer build starts near
# 25 MB; the defects these cases found took 200 MB to 1 GB.
RSS_BOUND=100000

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 long
	local dir=$DIST_STATE/hostile
	mkdir -p "$dir"
	python3 "$DIST_ROOT/tests/helpers/hostile_peer.py" all "$DIST_STATE/cookie" "$dir" \
		>"$DIST_STATE/hostile.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	# The bombs are made before the listeners open: wait for the last.
	wait_for "hostile peers" test -s "$dir/node-zip-lie.port" ||
		wait_for "hostile peers" test -s "$dir/node-zip-lie.port" ||
		wait_for "hostile peers" test -s "$dir/node-zip-lie.port"
	# The victim: dist-node with a mailbox, which n1 messages every
	# 50 ms for the whole file.
	# ASan keeps 256 MB of freed memory by default: a smaller
	# quarantine, so that dist-node's peak RSS means something.
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=8" \
	"$DIST_BIN/dist-node" --cookie-file "$DIST_STATE/cookie" --name victim@127.0.0.1 \
		--register box --connect-timeout 3s --max-size 1M </dev/null \
		>"$DIST_STATE/victim.out" 2>"$DIST_STATE/victim.err" 3>&- &
	echo $! >> "$DIST_STATE/pids"
	echo $! > "$DIST_STATE/victim.pid"
	wait_for "dist-node ready" grep -q '"event":"ready"' "$DIST_STATE/victim.out"
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") erl_call -name n1@127.0.0.1 \
		-c "$(cat "$DIST_STATE/cookie")" -e >/dev/null <<'ERL'
spawn(fun() -> L = fun L(I) -> {box, 'victim@127.0.0.1'} ! {beat, I}, timer:sleep(50), L(I + 1) end, L(1) end), ok.
ERL
	wait_for "the first beat" grep -q '"event":"message"' "$DIST_STATE/victim.out"
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	HP="$DIST_ROOT/tests/helpers/hostile_peer.py"
	VPORT=$(field "$(head -1 "$DIST_STATE/victim.out")" port)
}

port_of() {
	cat "$DIST_STATE/hostile/$1.port"
}

# probe PROG ARGS...: run a connecting program (hang guard: 60 s); its
# stdout in $output, status in $status, peak RSS (kB) in $rss.
probe() {
	local t=$BATS_TEST_TMPDIR/time
	run --separate-stderr /usr/bin/time -o "$t" -f %M timeout 60 "$@"
	rss=$(tail -n 1 "$t")
	echo "# peak RSS ${rss} kB: ${*:1:1}" >&3
	[ "$rss" -lt "$RSS_BOUND" ] || fail "peak RSS ${rss} kB"
}

ping_node() {
	probe "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 4s \
		-p "$(port_of "node-$1")" evil@127.0.0.1
}

rpc_node() {
	probe "$DIST_BIN/dist-rpc" --cookie-file "$COOKIE_FILE" -t 4s \
		-p "$(port_of "node-$1")" evil@127.0.0.1 erlang node '[]'
}

# expect STATUS CODE STAGE: what the last probe said.
expect() {
	[ "$status" -eq "$1" ] || fail "status $status, expected $1: $output $stderr"
	assert_equal "$(field "$output" error.code)" "$2"
	assert_equal "$(field "$output" error.stage)" "$3"
}

beats() {
	grep -c '"event":"message"' "$DIST_STATE/victim.out"
}

# beats_above N: more than N beats have arrived (counted anew on every
# try of wait_for).
beats_above() {
	[ "$(beats)" -gt "$1" ]
}

# still_served: the victim is alive, n1's beats keep arriving, and a
# new ping from n1 is answered.
still_served() {
	local before
	kill -0 "$(cat "$DIST_STATE/victim.pid")" || fail "dist-node died"
	before=$(beats)
	wait_for "beats after $before" beats_above $((before + 2))
	run -0 erl_call -name n1@127.0.0.1 -c "$COOKIE" -a "net_adm ping ['victim@127.0.0.1']"
	assert_output pong
}

# --- the connecting programs against a fake node ---------------------------

@test "fake node: a handshake that never finishes is timeout (handshake) at -t" {
	ping_node stall
	expect 1 timeout handshake
}

@test "fake node: every byte sent apart, correctly: the ping still succeeds" {
	ping_node trickle
	[ "$status" -eq 0 ] || fail "$output $stderr"
	assert_equal "$(field "$output" ok)" true
}

@test "fake node: a handshake message that says 65535 bytes is too_large (handshake) at once" {
	# Under -t 30s: waiting for the bytes would end in timeout instead.
	probe "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 30s \
		-p "$(port_of node-hs-lie)" evil@127.0.0.1
	expect 1 too_large handshake
	assert_output --partial "65535 bytes"
}

@test "fake node: half a challenge, then close: connection_closed (handshake)" {
	rpc_node hs-cut
	expect 1 connection_closed handshake
}

@test "fake node: a frame announced at 4 GiB is too_large before any is read" {
	rpc_node frame-lie
	expect 1 too_large request
}

@test "fake node: half a frame, then close: connection_closed (request)" {
	ping_node frame-cut
	expect 1 connection_closed request
}

@test "fake node: a flood of ticks that never reads ours ends at -t, memory flat" {
	rpc_node tick-flood
	expect 1 timeout request
}

@test "fake node: an answer nested 100 000 deep is too_large" {
	rpc_node deep
	expect 1 too_large request
}

@test "fake node: a list and a binary declaring 4 GiB are protocol_error, nothing allocated" {
	rpc_node huge-list
	expect 1 protocol_error request
	ping_node huge-bin
	expect 1 protocol_error request
}

@test "fake node: a COMPRESSED term declared over --max-size is too_large before inflating" {
	rpc_node zip-big
	expect 1 too_large request
	assert_output --partial "104857600 bytes"
	probe "$DIST_BIN/dist-rpc" --cookie-file "$COOKIE_FILE" -t 4s --max-size 1M \
		-p "$(port_of node-zip-big)" evil@127.0.0.1 erlang node '[]'
	expect 1 too_large request
}

@test "fake node: a COMPRESSED term that inflates past its declared size is protocol_error" {
	rpc_node zip-lie
	expect 1 protocol_error request
}

# --- the connecting programs against a fake EPMD ---------------------------

@test "fake EPMD: garbage is protocol_error (epmd) for dist-ping, invalid entries for dist-discover" {
	probe "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 4s \
		--epmd-port "$(port_of epmd-garbage)" evil@127.0.0.1
	expect 1 protocol_error epmd
	probe "$DIST_BIN/dist-discover" -t 4s --epmd --epmd-port "$(port_of epmd-garbage)" \
		-H 127.0.0.1 --errors stdout
	assert_equal "$status" 1
	assert_output --partial '"code":"invalid_name"'
	refute_output --partial '"node":'
}

@test "fake EPMD: a PORT2 reply with absurd lengths is too_large (epmd) at once" {
	probe "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 30s \
		--epmd-port "$(port_of epmd-port2-lie)" evil@127.0.0.1
	expect 1 too_large epmd
}

@test "fake EPMD: a valid PORT2 reply drowned in 8 MiB more: the port is used, the rest ignored" {
	probe "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 4s \
		--epmd-port "$(port_of epmd-port2-flood)" evil@127.0.0.1
	# Port 4000 of loopback: nothing listens there.
	expect 1 connect_refused connect
}

@test "fake EPMD: NAMES without end: too_large after the limit, the names before it kept" {
	# 1 MiB of NAMES is 40 000 nodes: kept compact until printed
	# (7 MB in the plain build, 50 MB when each was a JSON object).
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=8" \
	RSS_BOUND=64000 probe "$DIST_BIN/dist-discover" -t 10s --epmd \
		--epmd-port "$(port_of epmd-names-flood)" -H 127.0.0.1 --errors stdout
	assert_equal "$status" 1
	assert_output --partial '"node":"n0@127.0.0.1"'
	assert_output --partial 'NAMES reply over 1048576 bytes'
}

@test "fake EPMD: NAMES one byte at a time, without end: timeout at -t" {
	probe "$DIST_BIN/dist-discover" -t 3s --epmd \
		--epmd-port "$(port_of epmd-trickle)" -H 127.0.0.1 --errors stdout
	assert_equal "$status" 1
	assert_output --partial '"code":"timeout"'
}

# --- dist-node's accepting side ---------------------------------------------

@test "dist-node: a silent client, a trickling one, a lying length: each cut, node served" {
	run -0 timeout 120 python3 "$HP" client stall,trickle,hs-lie "$VPORT"
	assert_output $'closed\nclosed\nclosed'
	run -0 grep -c '"stage":"handshake"' "$DIST_STATE/victim.err"
	[ "$output" -ge 3 ] || fail "$output handshake errors"
	still_served
}

@test "dist-node: after a valid handshake, an oversized frame and term bombs: each cut with its code" {
	run -0 timeout 120 python3 "$HP" client frame-lie,deep,huge-list,huge-bin,zip-big,zip-lie \
		"$VPORT" evil@127.0.0.1 victim@127.0.0.1 "$COOKIE_FILE"
	assert_output "$(printf 'handshake ok\nclosed\n%.0s' 1 2 3 4 5 6)"
	run -0 grep -c '"node":"evil@127.0.0.1".*"code":"too_large"' "$DIST_STATE/victim.err"
	assert_output 3
	run -0 grep -c '"node":"evil@127.0.0.1".*"code":"protocol_error"' "$DIST_STATE/victim.err"
	assert_output 3
	# Each says its stage, as the connecting programs' records do.
	run -0 grep -c '"node":"evil@127.0.0.1".*"stage":"request"' "$DIST_STATE/victim.err"
	assert_output 6
	run -1 grep '"stage":"none"' "$DIST_STATE/victim.err"
	still_served
}

@test "dist-node: a client flooding ticks for 5 s is served like any, others too" {
	run -0 timeout 90 python3 "$HP" client tick-flood "$VPORT" flood@127.0.0.1 \
		victim@127.0.0.1 "$COOKIE_FILE"
	assert_line --index 0 "handshake ok"
	still_served
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$(cat "$DIST_STATE/victim.pid")/status")
	echo "# dist-node peak RSS ${hwm} kB" >&3
	[ "$hwm" -lt "$RSS_BOUND" ] || fail "dist-node peak RSS ${hwm} kB"
}

@test "dist-node out of descriptors under a connection flood: no busy loop, n1 served" {
	local pid port cpu0 cpu1
	# 40 descriptors, 300 connections held 8 s.
	bash -c 'ulimit -n 40; exec "$@"' _ "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" \
		--name fl@127.0.0.1 --connect-timeout 2s --register box </dev/null \
		>"$DIST_STATE/fl.out" 2>"$DIST_STATE/fl.err" 3>&- &
	pid=$!
	echo "$pid" >> "$DIST_STATE/pids"
	wait_for "dist-node fl ready" grep -q '"event":"ready"' "$DIST_STATE/fl.out"
	port=$(field "$(head -1 "$DIST_STATE/fl.out")" port)
	run -0 erl_call -name n1@127.0.0.1 -c "$COOKIE" -a "net_adm ping ['fl@127.0.0.1']"
	assert_output pong
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	erl_call -name n1@127.0.0.1 -c "$COOKIE" -e >/dev/null <<'ERL'
spawn(fun() -> [begin {box, 'fl@127.0.0.1'} ! {during, I}, timer:sleep(100) end || I <- lists:seq(1, 60)] end), ok.
ERL
	run -0 timeout 60 python3 "$HP" flood "$port" 300 8
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	echo "# $output; CPU $((cpu1 - cpu0)) ticks during the flood" >&3
	# Spinning on accept's EMFILE took a whole core: >= 100 ticks here.
	[ $((cpu1 - cpu0)) -lt 50 ] || fail "CPU $((cpu1 - cpu0)) ticks during an 8 s flood"
	wait_for "messages sent during the flood" grep -q '"msg":\["during",60\]' "$DIST_STATE/fl.out"
	kill -0 "$pid" || fail "dist-node died: $(tail -n 3 "$DIST_STATE/fl.err")"
	run -0 erl_call -name n1@127.0.0.1 -c "$COOKIE" -a "net_adm ping ['fl@127.0.0.1']"
	assert_output pong
	stop_pid "$pid"
}

@test "dist-node: a handshake length over 4 KiB is refused at once: too_large (handshake)" {
	local before
	before=$(grep -c '"code":"too_large","stage":"handshake"' "$DIST_STATE/victim.err" || true)
	# The victim's handshake deadline is 3 s: a refusal that waited for
	# it would be a timeout record, not this one.
	run -0 timeout 120 python3 "$HP" client hs-lie "$VPORT"
	assert_output closed
	run -0 grep -c '"code":"too_large","stage":"handshake"' "$DIST_STATE/victim.err"
	[ "$output" -gt "$before" ] || fail "no too_large handshake record: $(tail -n 3 "$DIST_STATE/victim.err")"
	still_served
}
