#!/usr/bin/env bats
# dist-connect against four real erl nodes started with -connect_all
# false (so nothing meshes unless told): every result is checked on the
# nodes themselves with dist-rpc nodes(). Each test starts from four
# isolated nodes.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	for n in c1 c2 c3 c4; do
		start_node "$n" short "" -connect_all false
	done
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	CONNECT="$DIST_BIN/dist-connect"
	RPC="$DIST_BIN/dist-rpc"
	export ERLANG_COOKIE="$COOKIE"
	C1="c1@$HOST" C2="c2@$HOST" C3="c3@$HOST" C4="c4@$HOST"
	STATE="$BATS_TEST_TMPDIR/state.json"
	isolate
}

# nodes_of NAME: nodes() on that node, sorted, one line.
nodes_of() {
	"$RPC" "$1@$HOST" erlang nodes -o raw |
		python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))'
}

# Every node drops every connection, so each test starts unmeshed. One
# dist-rpc run does it on the four (targets on stdin), and one asks all
# four whether they still see anyone: a test's set-up is two runs of a
# sanitized program instead of eight.
isolate() {
	four | "$RPC" --eval \
		'[erlang:disconnect_node(N) || N <- erlang:nodes()], ok.' \
		>/dev/null
	wait_for "c1..c4 isolated" none_sees_any
}

four() {
	printf '%s\n' "$C1" "$C2" "$C3" "$C4"
}

# none_sees_any: each of the four answers, and nodes() is [] on each.
none_sees_any() {
	[ "$(four | "$RPC" erlang nodes -o raw)" = $'[]\n[]\n[]\n[]' ]
}

# c1_sees "LIST": nodes() on c1 is that (for wait_for).
c1_sees() {
	[ "$(nodes_of c1)" = "$1" ]
}

atom_count() {
	"$RPC" "$1@$HOST" erlang system_info '[atom_count]' -o raw
}

@test "connect via one node: its nodes() lists the targets, a rerun says already_connected" {
	run "$CONNECT" --via "$C1" "$C2" "$C3"
	assert_success
	assert_equal "$(nodes_of c1)" "$C2 $C3"
	assert_equal "$(field "${lines[0]}" via)" "$C1"
	assert_equal "$(field "${lines[0]}" already_connected)" false
	assert_equal "$(nodes_of c4)" ""
	run "$CONNECT" --via "$C1" "$C2"
	assert_success
	assert_equal "$(field "$output" already_connected)" true
	assert_equal "$(field "$output" action)" connect
}

@test "targets from stdin records, other fields carried" {
	run bash -c "printf '%s\n' '{\"node\":\"$C2\",\"zone\":\"a\"}' | '$CONNECT' --via '$C1'"
	assert_success
	assert_equal "$(field "$output" zone)" a
	assert_equal "$(nodes_of c1)" "$C2"
}

@test "--mesh over four nodes: each sees the other three" {
	run "$CONNECT" --mesh "$C1" "$C2" "$C3" "$C4"
	assert_success
	# Six pairs, each asked once.
	assert_equal "${#lines[@]}" 6
	assert_equal "$(nodes_of c1)" "$C2 $C3 $C4"
	assert_equal "$(nodes_of c2)" "$C1 $C3 $C4"
	assert_equal "$(nodes_of c3)" "$C1 $C2 $C4"
	assert_equal "$(nodes_of c4)" "$C1 $C2 $C3"
}

@test "--prune drops a node only after --prune-after runs without it" {
	"$CONNECT" --via "$C1" "$C2" "$C3" >/dev/null
	for i in 1 2; do
		run "$CONNECT" --via "$C1" --prune --prune-after 3 --state "$STATE" "$C2"
		assert_success
		refute_output --partial disconnect
		assert_equal "$(nodes_of c1)" "$C2 $C3"
	done
	run "$CONNECT" --via "$C1" --prune --prune-after 3 --state "$STATE" "$C2"
	assert_success
	assert_line --partial "\"node\":\"$C3\",\"via\":\"$C1\",\"action\":\"disconnect\",\"ok\":true"
	assert_equal "$(nodes_of c1)" "$C2"
}

@test "--prune-after counts in --state: without one it is a usage error" {
	run "$CONNECT" --via "$C1" --prune "$C2"
	assert_failure 2
	assert_output --partial "--state"
}

@test "an empty or too small input refuses to prune" {
	"$CONNECT" --via "$C1" "$C2" "$C3" >/dev/null
	run bash -c "'$CONNECT' --via '$C1' --prune --prune-after 1 </dev/null"
	assert_failure 2
	assert_equal "$(nodes_of c1)" "$C2 $C3"
	run "$CONNECT" --via "$C1" --prune --prune-after 1 --min-nodes 2 "$C2"
	assert_output --partial "not pruning"
	assert_equal "$(nodes_of c1)" "$C2 $C3"
}

@test "--keep protects a name from pruning" {
	"$CONNECT" --via "$C1" "$C2" "$C3" >/dev/null
	run "$CONNECT" --via "$C1" --prune --prune-after 1 --keep 'c3@*' "$C2"
	assert_success
	refute_output --partial disconnect
	assert_equal "$(nodes_of c1)" "$C2 $C3"
}

@test "--dry-run prints the plan and changes neither the nodes nor the state" {
	"$CONNECT" --via "$C1" "$C2" "$C3" >/dev/null
	"$CONNECT" --via "$C1" --prune --prune-after 2 --state "$STATE" "$C2" >/dev/null
	cp "$STATE" "$BATS_TEST_TMPDIR/before"
	run "$CONNECT" --via "$C1" --prune --prune-after 2 --state "$STATE" --dry-run "$C2" "$C4"
	assert_success
	assert_line --partial "\"node\":\"$C3\",\"via\":\"$C1\",\"action\":\"disconnect\",\"dry_run\":true"
	assert_line --partial "\"node\":\"$C4\",\"via\":\"$C1\",\"action\":\"connect\",\"dry_run\":true"
	assert_equal "$(nodes_of c1)" "$C2 $C3"
	cmp "$STATE" "$BATS_TEST_TMPDIR/before"
}

@test "an unreachable target gives its error while the others connect" {
	run "$CONNECT" --via "$C1" "$C2" "nosuch@$HOST" "$C3" 'bad name@x'
	assert_failure 1
	assert_line --partial "\"node\":\"nosuch@$HOST\",\"via\":\"$C1\",\"action\":\"connect\",\"ok\":false,\"error\":{\"code\":\"connect_failed\""
	assert_line --partial '"code":"invalid_name"'
	assert_equal "$(nodes_of c1)" "$C2 $C3"
}

@test "a via that is not there: each target gets the via's connection error" {
	run "$CONNECT" --via "novia@$HOST" "$C2" "$C3"
	assert_failure 1
	assert_equal "${#lines[@]}" 2
	assert_equal "$(field "${lines[0]}" error.code)" not_registered
	assert_output --partial "via novia@$HOST"
}

@test "--retries: a target that comes up during the backoff is connected" {
	( sleep 1; start_node late short "" -connect_all false ) 3>&- &
	run "$CONNECT" --via "$C1" --retries 8 --backoff 500ms -t 120s "late@$HOST"
	wait
	assert_success
	[ "$(field "$output" retries)" -ge 1 ]
	assert_equal "$(nodes_of c1)" "late@$HOST"
	stop_node late
	# Retries run out: the last error stands.
	run "$CONNECT" --via "$C1" --retries 2 --backoff 100ms -t 60s "never@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" connect_failed
	assert_equal "$(field "$output" retries)" 2
}

@test "breaker: opens after N failing runs, circuit_open, half-open after the cool-down, closed after success" {
	# The cool-down is read on each run: a long one keeps the breaker
	# open for sure, a tiny one has certainly passed. No timing.
	local b=(--state "$STATE" --breaker-failures 2)
	run "$CONNECT" --via "$C1" "${b[@]}" "brk@$HOST"
	assert_equal "$(field "$output" error.code)" connect_failed
	run "$CONNECT" --via "$C1" "${b[@]}" "brk@$HOST"
	assert_equal "$(field "$output" error.code)" connect_failed
	run "$CONNECT" --via "$C1" "${b[@]}" --breaker-cooldown 1h "brk@$HOST" "$C2"
	assert_failure 1
	assert_line --partial "\"node\":\"brk@$HOST\",\"via\":\"$C1\",\"action\":\"connect\",\"ok\":false,\"error\":{\"code\":\"circuit_open\""
	assert_equal "$(nodes_of c1)" "$C2"
	assert_equal "$(field "$(cat "$STATE")" "sections.breakers.brk@$HOST.state")" open
	# Half-open after the cool-down: one attempt; it fails, open again.
	run "$CONNECT" --via "$C1" "${b[@]}" --breaker-cooldown 1ms "brk@$HOST"
	assert_equal "$(field "$output" error.code)" connect_failed
	run "$CONNECT" --via "$C1" "${b[@]}" --breaker-cooldown 1h "brk@$HOST"
	assert_equal "$(field "$output" error.code)" circuit_open
	# Half-open again, and now the node is there: closed.
	start_node brk short "" -connect_all false
	run "$CONNECT" --via "$C1" "${b[@]}" --breaker-cooldown 1ms "brk@$HOST"
	assert_success
	python3 -c 'import json,sys; assert sys.argv[2] not in json.load(open(sys.argv[1]))["sections"]["breakers"]' "$STATE" "brk@$HOST"
	run "$CONNECT" --via "$C1" "${b[@]}" --breaker-cooldown 1h "brk@$HOST"
	assert_success
	stop_node brk
}

@test "dist-ping with --state skips a node whose breaker is open" {
	run "$DIST_BIN/dist-ping" --state "$STATE" --breaker-failures 1 "gone@$HOST"
	assert_equal "$(field "$output" error.code)" not_registered
	run "$DIST_BIN/dist-ping" --state "$STATE" --breaker-failures 1 "gone@$HOST" "$C1"
	assert_failure 1
	assert_equal "$(field "${lines[0]}" node)" "gone@$HOST"
	assert_equal "$(field "${lines[0]}" error.code)" circuit_open
	assert_equal "$(field "${lines[1]}" ok)" true
	run "$RPC" --state "$STATE" "gone@$HOST" erlang node
	assert_equal "$(field "$output" error.code)" circuit_open
}

@test "--max-new stops a flood of unknown names, as the node's atom count shows" {
	local names=() before after
	for i in $(seq 1 50); do names+=("flood${RANDOM}x$i@$HOST"); done
	before=$(atom_count c1)
	run "$CONNECT" --via "$C1" --max-new 5 "${names[@]}"
	assert_failure 1
	after=$(atom_count c1)
	assert_equal "$(grep -c '"code":"max_new_exceeded"' <<<"$output")" 45
	assert_equal "$(grep -c '"new_name":true' <<<"$output")" 5
	# Five names made atoms, and a few of the node's own; never fifty.
	[ $((after - before)) -ge 5 ]
	[ $((after - before)) -lt 25 ]
}

@test "two runs at once on one state file leave it valid" {
	"$CONNECT" --via "$C1" --state "$STATE" "x1@$HOST" >/dev/null &
	"$CONNECT" --via "$C2" --state "$STATE" "x2@$HOST" >/dev/null &
	wait
	run python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d["sections"]["breakers"]; print(d["format"], len(b))' "$STATE"
	assert_output "dist-state 2"
}

@test "a foreign state file is refused by name" {
	echo '{"hello": 1}' >"$STATE"
	run "$CONNECT" --via "$C1" --state "$STATE" "$C2"
	assert_failure 2
	assert_output --partial "$STATE"
	assert_equal "$(nodes_of c1)" ""
}

@test "--follow connects a node that appears later and prunes one reported down" {
	local fifo="$BATS_TEST_TMPDIR/events" out="$BATS_TEST_TMPDIR/out"
	mkfifo "$fifo"
	"$CONNECT" --via "$C1" --follow --interval 500ms --prune --prune-after 2 \
		<"$fifo" >"$out" 2>&1 &
	local pid=$!
	exec 7>"$fifo"
	echo "{\"node\":\"$C2\",\"event\":\"up\"}" >&7
	echo "{\"node\":\"$C3\",\"event\":\"up\"}" >&7
	wait_for "c2 and c3 on c1" c1_sees "$C2 $C3"
	start_node c5 short "" -connect_all false 7>&-
	echo "{\"node\":\"c5@$HOST\",\"event\":\"up\"}" >&7
	wait_for "c5 on c1" grep -q "\"node\":\"c5@$HOST\".*\"ok\":true" "$out"
	assert_equal "$(nodes_of c1)" "$C2 $C3 c5@$HOST"
	# c3 is still running, but discovery says it is gone: dropped after
	# two polls without it.
	echo "{\"node\":\"$C3\",\"event\":\"down\"}" >&7
	wait_for "c3 pruned" grep -q "\"node\":\"$C3\",\"via\":\"$C1\",\"action\":\"disconnect\"" "$out"
	assert_equal "$(nodes_of c1)" "$C2 c5@$HOST"
	# A connection that drops is made again by the interval's re-check.
	"$RPC" "$C1" erlang disconnect_node "[c5@$HOST]" >/dev/null
	wait_for "c5 back on c1" c1_sees "$C2 c5@$HOST"
	exec 7>&-
	wait "$pid"
	stop_node c5
}

@test "--stats ends with a summary record" {
	run "$CONNECT" --via "$C1" --stats "$C2"
	assert_success
	assert_equal "$(field "${lines[1]}" summary)" true
	assert_equal "$(field "${lines[1]}" ok)" 1
}

@test "usage errors: no --via, --mesh with --via, a bad --via" {
	run "$CONNECT" "$C2"
	assert_failure 2
	run "$CONNECT" --mesh --via "$C1" "$C2"
	assert_failure 2
	run "$CONNECT" --via 'bad via' "$C2"
	assert_failure 2
}

@test "--prom writes the textfile; one that cannot be written is exit 3, naming it" {
	prom="$BATS_TEST_TMPDIR/connect.prom"
	run "$CONNECT" --via "$C1" --prom "$prom" "$C2"
	assert_success
	run grep -E '^dist_connect_[a-z_]+(\{[^}]*\})? [0-9.e+-]+$' "$prom"
	assert_success
	mkdir "$BATS_TEST_TMPDIR/taken.prom"
	run --separate-stderr "$CONNECT" --via "$C1" \
		--prom "$BATS_TEST_TMPDIR/taken.prom" "$C2"
	assert_failure 3
	[[ $stderr == *taken.prom* ]]
}
