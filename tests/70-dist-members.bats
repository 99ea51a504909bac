#!/usr/bin/env bats
# dist-members against real erl nodes (long names, -connect_all false so
# the tests decide who is connected to whom):
#   m1 m2 m3   meshed: partition A
#   m4 x       meshed: partition B; x is x@x.test and listens on
#              127.0.0.2 only. The nodes resolve x.test to 127.0.0.2
#              (their inetrc); our resolver (a loopback dnsmasq) says
#              127.0.0.3, a stale address where nothing listens: our
#              direct probe is refused, m4 still reaches x over the
#              connection it has. Split-horizon DNS, made real.
# m3 is killed by the last tests.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	printf '{host, {127,0,0,2}, ["x.test"]}.\n{lookup, [file, native]}.\n' \
		> "$DIST_STATE/inetrc"
	export ERL_INETRC="$DIST_STATE/inetrc"
	local n
	for n in m1 m2 m3 m4; do
		start_node "$n" long "" -connect_all false -kernel start_pg true
	done
	start_x
	start_dnsmasq x.test=127.0.0.3
	nodes_load
	export ERLANG_COOKIE="$COOKIE"
	mesh m1 m2 m1 m3 m2 m3
	mesh m4 x@x.test
}

# x@x.test on 127.0.0.2 only (start_node names long nodes @127.0.0.1).
start_x() {
	rm -f "$DIST_STATE/x.ready"
	DIST_NODE_READY="$DIST_STATE/x.ready" \
	erl -name x@x.test -setcookie "$(cat "$DIST_STATE/cookie")" -noinput \
		-noshell -start_epmd false -connect_all false \
		-kernel inet_dist_use_interface '{127,0,0,2}' \
		-eval 'ok = file:write_file(os:getenv("DIST_NODE_READY"), <<>>)' \
		>"$DIST_STATE/x.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	echo $! > "$DIST_STATE/x.pid"
	wait_for "node x" node_registered x
	wait_for "node x to finish booting" test -e "$DIST_STATE/x.ready"
}

# mesh A B [A B...]: A connects to B (full names for x), through
# dist-rpc, which is itself a hidden node and adds no other connection.
mesh() {
	local a b
	while [ $# -gt 1 ]; do
		a=$1 b=$2
		shift 2
		[[ $b == *@* ]] || b="$b@127.0.0.1"
		"$DIST_BIN/dist-rpc" -o raw --eval \
			"true = net_kernel:connect_node('$b')." "$a@127.0.0.1" \
			>/dev/null
	done
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	load helpers/prom
	suite_setup
	export ERLANG_COOKIE="$COOKIE"
	MEMBERS="$DIST_BIN/dist-members"
	DNS="127.0.0.1:$(cat "$DIST_STATE/dns_port")"
}

# record NODE: the line of NODE's record in $output.
record() {
	grep -F "\"node\":\"$1\"" <<<"$output" | head -1
}

summary() {
	grep -F '"summary":true' <<<"$output"
}

# visible NODE: its nodes(visible), sorted, as it says itself.
visible() {
	"$DIST_BIN/dist-rpc" -o raw --eval 'lists:sort(nodes(visible)).' "$1"
}

@test "a healthy mesh: every member alive, one partition, full mesh, exit 0" {
	run "$MEMBERS" m1@127.0.0.1
	assert_success
	assert_equal "$(field "$(summary)" members)" 3
	assert_equal "$(field "$(summary)" alive)" 3
	assert_equal "$(field "$(summary)" partitions)" \
		'[["m1@127.0.0.1", "m2@127.0.0.1", "m3@127.0.0.1"]]'
	assert_equal "$(field "$(summary)" full_mesh)" true
	assert_equal "$(field "$(summary)" healthy)" true
	r=$(record m2@127.0.0.1)
	assert_equal "$(field "$r" status)" alive
	assert_equal "$(field "$r" seen_by)" '["m1@127.0.0.1", "m3@127.0.0.1"]'
	assert_equal "$(field "$r" direct.ok)" true
	[[ $(field "$r" otp_release) =~ ^[0-9]+$ ]]
	[ "$(field "$r" processes)" -gt 10 ]
	[ "$(field "$r" memory_bytes)" -gt 1000000 ]
	# Our own probe is a hidden connection: never in a view.
	assert_equal "$(field "$r" hidden)" '[]'
}

@test "the members' nodes() are what they were before dist-members ran" {
	local n before=() after=()
	for n in m1 m2 m3 m4; do
		before+=("$(visible "$n@127.0.0.1")")
	done
	run "$MEMBERS" --resolver "$DNS" --groups m1@127.0.0.1 m4@127.0.0.1
	[ "$status" -eq 1 ]
	for n in m1 m2 m3 m4; do
		after+=("$(visible "$n@127.0.0.1")")
	done
	assert_equal "${after[*]}" "${before[*]}"
	# And x, probed only indirectly, is still connected to m4 alone.
	run "$DIST_BIN/dist-rpc" -o raw --eval 'nodes(connected).' m4@127.0.0.1
	assert_output --partial 'x@x.test'
	run "$DIST_BIN/dist-rpc" -o raw --eval \
		"lists:member('x@x.test', nodes(connected))." m1@127.0.0.1
	assert_output false
}

@test "two groups: two partitions, each listed, no full mesh, exit 1" {
	run "$MEMBERS" --resolver "$DNS" m1@127.0.0.1 m4@127.0.0.1
	[ "$status" -eq 1 ]
	assert_equal "$(field "$(summary)" partitions)" \
		'[["m1@127.0.0.1", "m2@127.0.0.1", "m3@127.0.0.1"], ["m4@127.0.0.1", "x@x.test"]]'
	assert_equal "$(field "$(summary)" healthy)" false
	assert_equal "$(field "$(record m2@127.0.0.1)" partition)" 1
	assert_equal "$(field "$(record m4@127.0.0.1)" partition)" 2
}

@test "a member we cannot reach but a member can is suspect, not dead" {
	run "$MEMBERS" --resolver "$DNS" m4@127.0.0.1
	[ "$status" -eq 1 ]
	r=$(record x@x.test)
	assert_equal "$(field "$r" status)" suspect
	assert_equal "$(field "$r" direct.error.code)" connect_refused
	assert_equal "$(field "$r" indirect.asked)" '["m4@127.0.0.1"]'
	assert_equal "$(field "$r" indirect.reached)" '["m4@127.0.0.1"]'
	assert_equal "$(field "$(summary)" suspect)" 1
	assert_equal "$(field "$(summary)" dead)" 0
}

@test "--indirect 0: without the indirect probe the same member is dead" {
	run "$MEMBERS" --resolver "$DNS" --indirect 0 m4@127.0.0.1
	[ "$status" -eq 1 ]
	assert_equal "$(field "$(record x@x.test)" status)" dead
}

@test "--expect: members missing from the views make it degraded" {
	run "$MEMBERS" --expect 5 m1@127.0.0.1
	[ "$status" -eq 1 ]
	assert_equal "$(field "$(summary)" expected)" 5
	assert_equal "$(field "$(summary)" quorum)" true
	assert_equal "$(field "$(summary)" healthy)" false
}

@test "--max-nodes: the views are followed that far, and it is said" {
	run --separate-stderr "$MEMBERS" --max-nodes 2 m1@127.0.0.1
	assert_equal "$(field "$(summary)" members)" 2
	[[ $stderr == *"--max-nodes 2"* ]]
}

@test "--groups: a pg group and a global name registered under a binary" {
	"$DIST_BIN/dist-rpc" -o raw --eval \
		"P = spawn(fun() -> receive stop -> ok end end), ok = pg:join(dm_workers, P), yes = global:register_name(<<\"dm_leader\">>, P)." \
		m1@127.0.0.1
	run "$MEMBERS" --groups m1@127.0.0.1
	assert_success
	r=$(record m1@127.0.0.1)
	run python3 -c 'import json,sys
r=json.loads(sys.argv[1])
g=[x for x in r["groups"] if x["group"]=="dm_workers"][0]
assert g["members"][0]["node"]=="m1@127.0.0.1", g
n=[x for x in r["global"] if x["name"]=="dm_leader"][0]
assert n["node"]=="m1@127.0.0.1" and n["pid"].startswith("<"), n
print("ok")' "$r"
	assert_output ok
	# Without --groups, no such fields.
	run "$MEMBERS" m1@127.0.0.1
	refute_output --partial '"groups"'
}

@test "-o dot renders with Graphviz and names both partitions" {
	"$MEMBERS" --resolver "$DNS" -o dot m1@127.0.0.1 m4@127.0.0.1 \
		> "$BATS_TEST_TMPDIR/c.dot" || true
	run dot -Tsvg "$BATS_TEST_TMPDIR/c.dot"
	assert_success
	assert_output --partial 'partition 1'
	assert_output --partial 'partition 2'
	assert_output --partial 'x@x.test'
	assert_output --partial 'suspect'
}

@test "-o text: a table and the verdict" {
	run "$MEMBERS" -o text m1@127.0.0.1
	assert_success
	assert_line --index 0 --regexp '^NODE +STATUS'
	assert_line --regexp '^m2@127.0.0.1 +alive +1 '
	assert_line --regexp 'full mesh yes; quorum yes; healthy$'
}

@test "seeds from stdin records: their fields are carried" {
	run "$MEMBERS" <<<'{"node":"m1@127.0.0.1","zone":"a","status":"stale"}'
	assert_success
	r=$(record m1@127.0.0.1)
	assert_equal "$(field "$r" zone)" a
	assert_equal "$(field "$r" status)" alive
}

@test "usage errors: a bad -o, --interval without --watch, no seed" {
	run "$MEMBERS" -o xml m1@127.0.0.1
	[ "$status" -eq 2 ]
	run "$MEMBERS" --interval 1s m1@127.0.0.1
	[ "$status" -eq 2 ]
	run "$MEMBERS" --watch -o dot m1@127.0.0.1
	[ "$status" -eq 2 ]
	run "$MEMBERS" </dev/null
	[ "$status" -eq 2 ]
}

# wait_line FILE REGEX: until a line of FILE matches (generous bound).
wait_line() {
	local _
	for _ in $(seq 1 600); do
		grep -qE "$2" "$1" && return 0
		sleep 0.1
	done
	echo "no line matching $2 in:" >&2
	cat "$1" >&2
	return 1
}

@test "a hidden connection (another tool's) is listed, and is no member" {
	"$DIST_BIN/dist-rpc" --eval 'timer:sleep(20000).' m2@127.0.0.1 \
		>/dev/null 2>&1 3>&- &
	rpc=$!
	for _ in $(seq 1 50); do
		run "$MEMBERS" m1@127.0.0.1
		[[ $(field "$(record m2@127.0.0.1)" hidden) == '[]' ]] || break
		sleep 0.1
	done
	kill "$rpc"
	wait "$rpc" || true
	[[ $(field "$(record m2@127.0.0.1)" hidden) =~ ^\[\"-dist[0-9]+@ ]]
	assert_equal "$(field "$(summary)" members)" 3
	assert_equal "$(field "$(summary)" healthy)" true
}

@test "--watch: a round where nobody answers us (our cookie) suspects nobody" {
	out="$BATS_TEST_TMPDIR/blind.out"
	err="$BATS_TEST_TMPDIR/blind.err"
	echo wrongcookie > "$BATS_TEST_TMPDIR/cookie"
	chmod 400 "$BATS_TEST_TMPDIR/cookie"
	"$MEMBERS" --watch --interval 100ms --suspect-timeout 200ms \
		--cookie-file "$BATS_TEST_TMPDIR/cookie" m1@127.0.0.1 \
		>"$out" 2>"$err" 3>&- &
	pid=$!
	wait_line "$err" 'this host cannot see the cluster'
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	# Said once, and no member was suspected or marked down for it.
	[ "$(grep -c 'cannot see the cluster' "$err")" -eq 1 ]
	grep -q not_allowed "$err"
	[ ! -s "$out" ]
}

@test "--watch: a killed member is suspect, then down once, after the timeout" {
	out="$BATS_TEST_TMPDIR/watch.out"
	"$MEMBERS" --watch --interval 200ms --suspect-timeout 1s \
		m1@127.0.0.1 >"$out" 2>"$BATS_TEST_TMPDIR/watch.err" 3>&- &
	pid=$!
	wait_line "$out" '"event":"up","node":"m3@127.0.0.1"'
	stop_node m3
	wait_line "$out" '"event":"suspect","node":"m3@127.0.0.1"'
	wait_line "$out" '"event":"down","node":"m3@127.0.0.1"'
	# A few more rounds: no event repeats.
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	[ "$(grep -c '"event":"down","node":"m3@127.0.0.1"' "$out")" -eq 1 ]
	[ "$(grep -c '"event":"suspect","node":"m3@127.0.0.1"' "$out")" -eq 1 ]
	# m1 came up once and stayed; what changed for it (m3 no longer
	# sees it) is an update, not a new up.
	[ "$(grep -c '"event":"up","node":"m1@127.0.0.1"' "$out")" -eq 1 ]
	[ "$(grep '"node":"m1@127.0.0.1"' "$out" | grep -c '"status":"dead"')" -eq 0 ]
	grep -q '"event":"update","node":"m1@127.0.0.1"' "$out"
	# suspect came before down.
	[ "$(grep -n '"node":"m3@127.0.0.1"' "$out" | grep -E '"event":"(suspect|down)"' | head -1 | grep -c suspect)" -eq 1 ]
}

@test "a killed member is dead; the rest carry on" {
	run "$MEMBERS" m1@127.0.0.1 m3@127.0.0.1
	[ "$status" -eq 1 ]
	r=$(record m3@127.0.0.1)
	assert_equal "$(field "$r" status)" dead
	assert_equal "$(field "$r" direct.error.code)" not_registered
	assert_equal "$(field "$r" partition)" null
	assert_equal "$(field "$(summary)" alive)" 2
	assert_equal "$(field "$(summary)" quorum)" true
}

# ---- --stats and --prom (after m3 was killed: m1 and m2 remain) ---------

@test "--stats: a last record with the run's numbers; --prom: a whole textfile, 0644" {
	prom="$BATS_TEST_TMPDIR/members.prom"
	run "$MEMBERS" --stats --prom "$prom" m1@127.0.0.1
	assert_success
	last=${lines[-1]}
	assert_equal "$(field "$last" summary)" true
	assert_equal "$(field "$last" stats)" true
	assert_equal "$(field "$last" rounds)" 1
	assert_equal "$(field "$last" members)" 2
	assert_equal "$(field "$last" alive)" 2
	assert_equal "$(field "$last" suspect)" 0
	assert_equal "$(field "$last" dead)" 0
	assert_equal "$(field "$last" partition_count)" 1
	assert_equal "$(field "$last" unreachable_vias)" 0
	assert_equal "$(field "$last" healthy)" true
	[[ $(field "$last" wall_ms) =~ ^[0-9.]+$ ]]
	# The round's own summary is still there, before it.
	assert_equal "$(grep -c '"summary":true' <<<"$output")" 2
	assert_equal "$(stat -c %a "$prom")" 644
	# Replaced, never written in place: no temporary file is left.
	assert_equal "$(ls "$BATS_TEST_TMPDIR" | grep -c members)" 1
	run prom_parse "$prom"
	assert_success
	assert_line 'dist_members_nodes{status="alive"} 2'
	assert_line 'dist_members_nodes{status="dead"} 0'
	assert_line 'dist_members_partitions 1'
	assert_line 'dist_members_healthy 1'
	assert_line 'dist_members_unreachable_vias 0'
	assert_line 'dist_members_up{node="m2@127.0.0.1",status="alive"} 1'
	assert_line --regexp '^dist_members_round_seconds [0-9.e-]+$'
	assert_line --regexp '^dist_members_last_run_timestamp_seconds [0-9]+$'
	promtool_ok "$prom"
	# Both summary records are passed over by the next program.
	run --separate-stderr bash -c "'$MEMBERS' --stats m1@127.0.0.1 | '$DIST_BIN/dist-ping' -q"
	assert_success
}

@test "--prom: a degraded run (exit 1) writes its file, naming the dead and the suspect" {
	prom="$BATS_TEST_TMPDIR/members.prom"
	echo stale > "$prom"
	run "$MEMBERS" -q --resolver "$DNS" --prom "$prom" \
		m1@127.0.0.1 m3@127.0.0.1 m4@127.0.0.1
	[ "$status" -eq 1 ]
	assert_output ""
	run prom_parse "$prom"
	assert_success
	refute_output --partial stale
	assert_line 'dist_members_up{node="m3@127.0.0.1",status="dead"} 0'
	assert_line 'dist_members_up{node="x@x.test",status="suspect"} 0'
	assert_line 'dist_members_nodes{status="suspect"} 1'
	assert_line 'dist_members_partitions 2'
	assert_line 'dist_members_healthy 0'
	assert_line 'dist_members_full_mesh 0'
}

@test "--prom that cannot be replaced: the records, then exit 3 naming the file" {
	mkdir "$BATS_TEST_TMPDIR/dir.prom"
	run --separate-stderr "$MEMBERS" --prom "$BATS_TEST_TMPDIR/dir.prom" \
		m1@127.0.0.1
	[ "$status" -eq 3 ]
	[[ $stderr == *"--prom $BATS_TEST_TMPDIR/dir.prom"* ]]
	assert_equal "$(field "$(summary)" healthy)" true
	run "$MEMBERS" --prom "$BATS_TEST_TMPDIR/nodir/x.prom" m1@127.0.0.1
	[ "$status" -eq 2 ]
	assert_output --partial nodir
}

@test "-o text and -o dot --stats: the stats are a comment line, last" {
	run "$MEMBERS" -o text --stats m1@127.0.0.1
	assert_success
	[[ ${lines[-1]} == "# 1 round, 2 members: 2 alive, 0 suspect, 0 dead; 1 partition, 0 unreachable vias, "*" ms" ]]
	# Graphviz skips it too.
	"$MEMBERS" -o dot --stats m1@127.0.0.1 > "$BATS_TEST_TMPDIR/s.dot"
	[[ $(tail -1 "$BATS_TEST_TMPDIR/s.dot") == "# 1 round, "* ]]
	run dot -Tsvg "$BATS_TEST_TMPDIR/s.dot"
	assert_success
}

@test "--watch --prom: the file after each round; --stats when stopped" {
	prom="$BATS_TEST_TMPDIR/watch.prom"
	out="$BATS_TEST_TMPDIR/watch.out"
	"$MEMBERS" --watch --interval 100ms --stats --prom "$prom" \
		m1@127.0.0.1 >"$out" 2>"$BATS_TEST_TMPDIR/watch.err" 3>&- &
	pid=$!
	wait_line "$out" '"event":"up","node":"m2@127.0.0.1"'
	wait_for "a second round in the file" \
		grep -qE '^dist_members_rounds ([2-9]|[1-9][0-9]+)$' "$prom"
	kill -TERM "$pid"
	wait "$pid"
	last=$(tail -1 "$out")
	assert_equal "$(field "$last" stats)" true
	[ "$(field "$last" rounds)" -ge 2 ]
	run prom_parse "$prom"
	assert_success
	assert_line 'dist_members_up{node="m1@127.0.0.1",status="alive"} 1'
}
