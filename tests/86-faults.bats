#!/usr/bin/env bats
# Faults: targets black-holed in a network namespace this file creates,
# EPMD killed mid-run, a node killed in the middle of an RPC, stdout
# closed early, SIGTERM during a run; and the static binaries in an
# empty environment.

bats_require_minimum_version 1.5.0

# The namespace, its veth pair and subnet: named after this run, so that
# two runs (or other suites) never share them; removed by name.
ns_names() {
	NS=dfault$(cat "$DIST_STATE/ns_id")
	VA=${NS}a
	VB=${NS}b
	NET=10.213.$(( $(cat "$DIST_STATE/ns_id") % 250 + 1 ))
}

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 long
	start_node n2 long
	echo $$ > "$DIST_STATE/ns_id"
	ns_names
	# Addresses routed into a namespace that holds none of them: every
	# packet sent there is dropped, nothing answers, not even a reset.
	# Fixed neighbour entries, so that no ARP question fails first.
	if ip netns add "$NS" 2>/dev/null &&
		ip link add "$VA" type veth peer name "$VB" netns "$NS" &&
		ip addr add "$NET.1/24" dev "$VA" && ip link set "$VA" up &&
		ip -n "$NS" link set "$VB" up; then
		local mac i
		mac=$(ip -n "$NS" link show "$VB" | awk '/link\/ether/ { print $2 }')
		for i in $(seq 2 51); do
			ip neigh replace "$NET.$i" lladdr "$mac" dev "$VA" nud permanent
		done
		touch "$DIST_STATE/ns_ok"
	fi
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
	ns_names
	ip link del "$VA" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
}

setup() {
	load helpers/nodes
	suite_setup
	ns_names
	N1=n1@127.0.0.1
	N2=n2@127.0.0.1
}

need_ns() {
	[ -e "$DIST_STATE/ns_ok" ] || skip "cannot create a network namespace here (needs root)"
}

# blackholed N: N node names in the black-holed subnet, one a line.
blackholed() {
	local i
	for i in $(seq 2 $(( $1 + 1 ))); do
		echo "bh$i@$NET.$i"
	done
}

# whole_lines FILE: every line of FILE is a JSON object and FILE ends
# with a newline (no record cut in the middle).
whole_lines() {
	python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n") or not data, "last line cut: %r" % data[-80:]
for line in data.splitlines():
    assert isinstance(json.loads(line), dict), line
print(len(data.splitlines()))
PY
}

@test "50 black-holed targets: dist-ping ends at -t, every one timeout" {
	need_ns
	run -1 timeout 60 "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 3s \
		--connect-timeout 1m $(blackholed 50)
	assert_equal "${#lines[@]}" 50
	run -0 python3 -c 'import json,sys
recs = [json.loads(l) for l in sys.stdin]
assert all(r["error"]["code"] == "timeout" for r in recs), recs[0]
assert all(r["error"]["stage"] == "epmd" for r in recs), recs[0]
print(max(r["time_ms"] for r in recs))' <<<"$output"
	echo "# slowest record: $output ms for -t 3s" >&3
}

@test "50 black-holed targets, 10 at a time: dist-rpc ends at -t, the waiting ones in stage none" {
	need_ns
	run -1 timeout 60 "$DIST_BIN/dist-rpc" --cookie-file "$COOKIE_FILE" -t 3s -j 10 \
		--connect-timeout 1m erlang node '[]' < <(blackholed 50)
	assert_equal "${#lines[@]}" 50
	run -0 python3 -c 'import json,sys
recs = [json.loads(l) for l in sys.stdin]
assert all(r["error"]["code"] == "timeout" for r in recs), recs[0]
stages = sorted(set(r["error"]["stage"] for r in recs))
print(" ".join(stages), sum(r["error"]["stage"] == "none" for r in recs))' <<<"$output"
	assert_output "epmd none 40"
}

@test "targets still in the input at the deadline each get a record: a slow pipe, a big file" {
	need_ns
	# One slot, held by a black-holed target; the next lines come later
	# down the pipe, while no slot is free, so they are read only at the
	# deadline.
	run -1 timeout 60 "$DIST_BIN/dist-rpc" --cookie-file "$COOKIE_FILE" -t 3s -j 1 \
		--connect-timeout 1m erlang node '[]' \
		< <(blackholed 1; sleep 1; blackholed 3 | tail -n 2)
	assert_equal "${#lines[@]}" 3
	assert_equal "$(grep -c 'not started' <<<"$output")" 2
	# A file past one 64 KiB read: every line is reported.
	blackholed 5000 >"$BATS_TEST_TMPDIR/many"
	run -1 timeout 60 "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 2s -j 1 \
		--connect-timeout 1m <"$BATS_TEST_TMPDIR/many"
	assert_equal "${#lines[@]}" 5000
}

@test "a black-holed node port (EPMD answers, the port drops): timeout in stage connect" {
	need_ns
	run -1 timeout 60 "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 3s \
		-p 4370 "bh2@$NET.2"
	assert_equal "$(field "$output" error.code)" timeout
	assert_equal "$(field "$output" error.stage)" connect
}

@test "EPMD killed mid-run: the targets asked after it are epmd_unreachable" {
	need_ns
	local port pid
	port=$(free_port)
	epmd -port "$port" >"$DIST_STATE/epmd2.log" 2>&1 3>&- &
	pid=$!
	echo "$pid" >> "$DIST_STATE/pids"
	ERL_EPMD_PORT=$port wait_for "epmd 2" epmd_alive
	# Before: EPMD answers that it has no such name.
	run -1 "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" --epmd-port "$port" ghost@127.0.0.1
	assert_equal "$(field "$output" error.code)" not_registered
	# One at a time: a black-holed target holds the run 3 s, EPMD dies
	# meanwhile, then the same name is asked.
	"$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" --epmd-port "$port" -j 1 \
		--connect-timeout 3s -t 30s "bh2@$NET.2" ghost@127.0.0.1 \
		>"$DIST_STATE/epmdkill.out" 2>&1 3>&- &
	local ping=$!
	sleep 1
	kill "$pid"
	local rc=0
	wait "$ping" || rc=$?
	assert_equal "$rc" 1
	run -0 grep ghost "$DIST_STATE/epmdkill.out"
	assert_equal "$(field "$output" error.code)" epmd_unreachable
}

@test "a node killed in the middle of an RPC: connection_closed in stage request" {
	local pid=$(cat "$DIST_STATE/n2.pid")
	"$DIST_BIN/dist-rpc" --cookie-file "$COOKIE_FILE" -t 60s "$N2" timer sleep '[30000]' \
		>"$DIST_STATE/rpckill.out" 2>&1 3>&- &
	local rpc=$!
	# The call is running once the node sees our hidden connection.
	wait_for "the rpc connection" bash -c "erl_call -name $N1 -c $COOKIE -a \"rpc call ['$N2', erlang, nodes, [hidden]]\" | grep -q dist"
	kill -KILL "$pid"
	local rc=0
	wait "$rpc" || rc=$?
	assert_equal "$rc" 1
	run cat "$DIST_STATE/rpckill.out"
	assert_equal "$(field "$output" error.code)" connection_closed
	assert_equal "$(field "$output" error.stage)" request
}

# head_one PROG ARGS...: PROG's stdout through `head -1`; its status in
# $prog_status, what head printed in $BATS_TEST_TMPDIR/head.
head_one() {
	local out=$BATS_TEST_TMPDIR/head
	"$@" 2>"$BATS_TEST_TMPDIR/head.err" | head -1 >"$out"
	prog_status=${PIPESTATUS[0]}
	[ "$prog_status" -eq 0 ] || [ "$prog_status" -eq 141 ] || [ "$prog_status" -eq 1 ] ||
		fail "status $prog_status: $(head -c 300 "$BATS_TEST_TMPDIR/head.err")"
	run -0 whole_lines "$out"
	assert_output 1
	# No sanitizer report, no error about the closed pipe.
	run grep -E 'ERROR: |Broken pipe|io_error' "$BATS_TEST_TMPDIR/head.err"
	assert_failure
}

# 3 000 records without the network: invalid names, failed at once.
many_bad() {
	seq -f '{"node": "bad name %g"}' 1 3000
}

@test "stdout closed early (| head -1): dist-ping, dist-rpc, dist-discover end cleanly" {
	head_one "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" < <(many_bad)
	head_one "$DIST_BIN/dist-rpc" --cookie-file "$COOKIE_FILE" erlang node '[]' < <(many_bad)
	head_one "$DIST_BIN/dist-discover" $(seq -f 'n%g@h' 1 3000)
	# A real one, then many: the first record is a whole success.
	head_one "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -c 2000 -i 1ms "$N1"
}

@test "SIGTERM during a run: the records printed before are whole lines" {
	need_ns
	local prog pid
	for prog in dist-ping dist-rpc; do
		local args=()
		[ "$prog" = dist-rpc ] && args=(erlang node '[]')
		{ many_bad | head -200; blackholed 5; } |
			"$DIST_BIN/$prog" --cookie-file "$COOKIE_FILE" -t 60s -j 4 "${args[@]}" \
			>"$DIST_STATE/term-$prog.out" 2>"$DIST_STATE/term-$prog.err" 3>&- &
		pid=$!
		wait_for "$prog's first records" test -s "$DIST_STATE/term-$prog.out"
		kill -TERM "$pid"
		wait "$pid" || true
		run -0 whole_lines "$DIST_STATE/term-$prog.out"
		[ "$output" -ge 1 ] || fail "$prog printed nothing"
	done
}

# --- the static build -----------------------------------------------------

@test "make static binaries run in an empty environment (env -i): ping, rpc, node, /etc/hosts by c-ares" {
	local s=$DIST_ROOT/bin/static
	[ -x "$s/dist-ping" ] || skip "bin/static not built (make static)"
	run -0 file "$s/dist-ping"
	assert_output --partial "statically linked"
	# No environment at all: no HOME, no ERL_EPMD_PORT, no PATH.
	run -0 env -i "$s/dist-ping" --cookie-file "$COOKIE_FILE" --epmd-port "$ERL_EPMD_PORT" "$N1"
	assert_equal "$(field "$output" ok)" true
	run -0 env -i "$s/dist-rpc" --cookie-file "$COOKIE_FILE" --epmd-port "$ERL_EPMD_PORT" \
		"$N1" erlang node '[]'
	assert_equal "$(field "$output" result)" "$N1"
	run -1 env -i "$s/dist-node" --cookie-file "$COOKIE_FILE" --epmd-port "$ERL_EPMD_PORT" \
		--name static@127.0.0.1 -t 500ms </dev/null
	assert_equal "$(field "${lines[0]}" event)" ready
	assert_equal "$(field "${lines[1]}" event)" timeout
	# Every program that needs no libcurl is in the static build.
	run -0 env -i "$s/dist-members" --cookie-file "$COOKIE_FILE" \
		--epmd-port "$ERL_EPMD_PORT" "$N1"
	assert_equal "$(field "${lines[0]}" status)" alive
	run -0 env -i "$s/dist-connect" --cookie-file "$COOKIE_FILE" \
		--epmd-port "$ERL_EPMD_PORT" --via "$N1" "$N1"
	assert_equal "$(field "$output" ok)" true
	run -0 env -i "$s/dist-elect" --cookie-file "$COOKIE_FILE" \
		--epmd-port "$ERL_EPMD_PORT" "$N1"
	assert_equal "$(field "$output" leader)" "$N1"
	# A host name from /etc/hosts, resolved by c-ares itself, not by
	# libc's NSS (which a static binary cannot load).
	grep -qE '^127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts || skip "no localhost in /etc/hosts"
	run -0 env -i "$s/dist-ping" --cookie-file "$COOKIE_FILE" --epmd-port "$ERL_EPMD_PORT" \
		--address localhost "$N1"
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" address)" 127.0.0.1
}
