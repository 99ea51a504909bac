#!/usr/bin/env bats
# dist-elect against five real erl nodes, reused by every test: e1..e3
# meshed (the majority side, and global's cluster for the lease), e4
# and e5 started with -connect_all false and connected only to each
# other (the minority side of a partition). The last test kills e1.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node e1 short
	start_node e2 short
	start_node e3 short
	start_node e4 short "" -connect_all false
	start_node e5 short "" -connect_all false
	nodes_load
	local h=$HOST rpc=(env ERLANG_COOKIE="$COOKIE" "$DIST_BIN/dist-rpc")
	"${rpc[@]}" "e1@$h" --eval "pong = net_adm:ping('e2@$h'),
		pong = net_adm:ping('e3@$h'), global:sync()." >/dev/null
	"${rpc[@]}" "e4@$h" --eval "pong = net_adm:ping('e5@$h')." >/dev/null
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
	D="$DIST_BIN"
	E="$DIST_BIN/dist-elect"
	ALL="e1@$HOST e2@$HOST e3@$HOST e4@$HOST e5@$HOST"
	MESH="e1@$HOST e2@$HOST e3@$HOST"
	GLOBAL=(--strategy global --lease 30s)
}

# view NODE: the expected members as NODE sees them, one dist-members
# shaped record each: alive when NODE is connected to it (or is it).
view() {
	"$D/dist-rpc" "$1" --eval '[node() | nodes()].' | python3 -c '
import json, sys
seen = set(json.loads(sys.stdin.readline())["result"])
for m in sys.argv[1:]:
    print(json.dumps({"node": m, "status": "alive" if m in seen else "dead"}))
' $ALL
}

@test "each member's view: the three-node side agrees on one leader, the two-node side has none" {
	for n in e1 e2 e3; do
		run bash -c "$(declare -f view); ALL='$ALL' D='$D' view $n@$HOST | '$E'"
		assert_success
		assert_equal "$(field "$output" leader)" "e3@$HOST"
		assert_equal "$(field "$output" alive)" 3
		assert_equal "$(field "$output" expected)" 5
		assert_equal "$(field "$output" quorum)" 3
	done
	for n in e4 e5; do
		run --separate-stderr bash -c "$(declare -f view); ALL='$ALL' D='$D' view $n@$HOST | '$E'"
		assert_failure 3
		assert_equal "$(field "$output" leader)" null
		assert_equal "$(field "$output" alive)" 2
		[[ "$stderr" == *"no leader: 2 of 5 expected members alive, 3 needed"* ]]
	done
}

@test "probed from here, all five alive: --self exits 0 on the highest only, lowest picks the other end" {
	for n in e1 e4; do
		run "$E" --self "$n@$HOST" $ALL
		assert_failure 1
		assert_equal "$(field "$output" is_leader)" false
	done
	run "$E" --self "e5@$HOST" $ALL
	assert_success
	assert_equal "$(field "$output" leader)" "e5@$HOST"
	assert_equal "$(field "$output" strategy)" highest
	run "$E" --strategy lowest -q --self "e1@$HOST" $ALL
	assert_success
	assert_output ""
}

@test "five expected, two alive: no leader, exit 3, even for the alive ones" {
	run --separate-stderr "$E" --self "e2@$HOST" "e1@$HOST" "e2@$HOST" "x1@$HOST" "x2@$HOST" "x3@$HOST"
	assert_failure 3
	assert_equal "$(field "$output" leader)" null
	assert_equal "$(field "$output" alive)" 2
	[[ "$stderr" == *"x1@$HOST"* ]]
	[[ "$stderr" == *"no leader: 2 of 5 expected members alive, 3 needed"* ]]
}

@test "member records: alive and dead are taken as said, suspect and other shapes are pinged" {
	# Nothing runs as f1..f3: their "alive" is dist-members' word.
	run bash -c "printf '%s\n' '{\"node\":\"f1@$HOST\",\"status\":\"alive\"}' \
		'{\"node\":\"f2@$HOST\",\"status\":\"alive\"}' \
		'{\"node\":\"e5@$HOST\",\"status\":\"dead\"}' | '$E'"
	assert_success
	assert_equal "$(field "$output" leader)" "f2@$HOST"
	# suspect: pinged (alive); no status: pinged (x9 is not running).
	run --separate-stderr bash -c "printf '%s\n' '{\"node\":\"e1@$HOST\",\"status\":\"suspect\"}' \
		'{\"node\":\"e2@$HOST\",\"role\":\"db\"}' 'x9@$HOST' | '$E'"
	assert_success
	assert_equal "$(field "$output" leader)" "e2@$HOST"
	assert_equal "$(field "$output" alive)" 2
	[[ "$stderr" == *"x9@$HOST"* ]]
}

@test "--state: the term grows when the leader changes, and only then" {
	st="$BATS_TEST_TMPDIR/state.json"
	run "$E" --state "$st" $MESH
	assert_success
	assert_equal "$(field "$output" term)" 1
	run "$E" --state "$st" $MESH
	assert_equal "$(field "$output" term)" 1
	[[ "$output" != *changed* ]]
	run bash -c "printf '%s\n' 'e1@$HOST' 'e2@$HOST' '{\"node\":\"e3@$HOST\",\"status\":\"dead\"}' 'e4@$HOST' | '$E' --state '$st'"
	assert_success
	assert_equal "$(field "$output" leader)" "e4@$HOST"
	assert_equal "$(field "$output" term)" 2
	assert_equal "$(field "$output" changed)" true
	# The entry is the strategy's (no --group) in section "elect".
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))
e=s["sections"]["elect"]["highest"]; assert e["term"]==2 and e["leader"]==sys.argv[2], e' "$st" "e4@$HOST"
}

@test "--state: a file that is not a state file is refused by name, untouched" {
	f="$BATS_TEST_TMPDIR/notes.json"
	echo '{"hello": 1}' >"$f"
	run "$E" --state "$f" $MESH
	assert_failure 2
	assert_output --partial "$f"
	assert_equal "$(cat "$f")" '{"hello": 1}'
}

@test "usage: a lease option without global, global without --group, --run without CMD" {
	run "$E" --renew --self a $MESH
	assert_failure 2
	run "$E" --strategy global --self a $MESH
	assert_failure 2
	assert_output --partial "--group"
	run "$E" --strategy global --group g --self a --run $MESH
	assert_failure 2
	run "$E" $MESH -- true
	assert_failure 2
	run "$E" --strategy global --group 'a b' $MESH
	assert_failure 2
	run "$E" --strategy raft $MESH
	assert_failure 2
}

@test "global: two concurrent contenders, exactly one wins, both see it" {
	t=$BATS_TEST_TMPDIR
	"$E" "${GLOBAL[@]}" --group race --self A $MESH >"$t/A" 2>&1 & a=$!
	"$E" "${GLOBAL[@]}" --group race --self B $MESH >"$t/B" 2>&1 & b=$!
	wait $a && ra=0 || ra=$?
	wait $b && rb=0 || rb=$?
	[ $((ra + rb)) -eq 1 ]
	winner=A; [ $ra -eq 0 ] || winner=B
	assert_equal "$(field "$(head -1 "$t/A")" leader)" $winner
	assert_equal "$(field "$(head -1 "$t/B")" leader)" $winner
	# And global agrees, asked on another member.
	run "$E" --strategy global --group race "e3@$HOST"
	assert_success
	assert_equal "$(field "$output" leader)" $winner
}

@test "global: after the lease runs out, the other contender wins" {
	run "$E" --strategy global --lease 1s --group expire --self A $MESH
	assert_success
	assert_equal "$(field "$output" lease.status)" acquired
	assert_equal "$(field "$output" lease.left_ms)" 1000
	# No clock in the assertion: wait (generously) for the lease to end.
	wait_for "the lease of A to run out" \
		"$E" -q --strategy global --group expire --self B $MESH
	run "$E" --strategy global --group expire --self A $MESH
	assert_failure 1
	assert_equal "$(field "$output" leader)" B
	assert_equal "$(field "$output" term)" 2
}

@test "global: --release frees it at once; --renew and --release only for the holder" {
	G=("$E" "${GLOBAL[@]}" --lease 10m --group rel)
	run "${G[@]}" --self A $MESH
	assert_success
	run "${G[@]}" --self B --renew $MESH
	assert_failure 1
	run "${G[@]}" --self B --release $MESH
	assert_failure 1
	run "${G[@]}" --self A --renew $MESH
	assert_success
	assert_equal "$(field "$output" lease.status)" renewed
	run "${G[@]}" --self A --release $MESH
	assert_success
	assert_equal "$(field "$output" lease.status)" released
	assert_equal "$(field "$output" leader)" null
	# Not after a while: now.
	run "${G[@]}" --self B $MESH
	assert_success
	assert_equal "$(field "$output" lease.status)" acquired
	run "${G[@]}" --self B --release $MESH
	assert_success
}

@test "global: without a quorum from here the lease is not touched" {
	run --separate-stderr "$E" "${GLOBAL[@]}" --group quorum --self A $MESH "x1@$HOST" "x2@$HOST" "x3@$HOST"
	assert_failure 3
	assert_equal "$(field "$output" leader)" null
	[[ "$output" != *'"lease"'* ]]
	run --separate-stderr "$E" --strategy global --group quorum $MESH
	assert_failure 3
	assert_equal "$(field "$output" lease.status)" free
}

@test "--run: of two contenders, the command runs on one only" {
	t=$BATS_TEST_TMPDIR
	for who in A B; do
		"$E" "${GLOBAL[@]}" --group once --self $who --run $MESH -- \
			sh -c "touch '$t/ran.$who'; while [ ! -e '$t/done' ]; do sleep 0.1; done" \
			>"$t/$who" 2>&1 &
		eval "pid_$who=\$!"
	done
	# The loser ends first, without running anything; then the winner's
	# command is let go, and its status is ours.
	wait -n $pid_A $pid_B && first=0 || first=$?
	assert_equal $first 1
	touch "$t/done"
	wait $pid_A && ra=0 || ra=$?
	wait $pid_B && rb=0 || rb=$?
	[ $((ra + rb)) -le 1 ]
	[ "$(ls "$t" | grep -c '^ran\.')" -eq 1 ]
	# Released when the command ended: free again.
	run --separate-stderr "$E" --strategy global --group once $MESH
	assert_failure 3
	assert_equal "$(field "$output" lease.status)" free
}

@test "--run: exit status of CMD; a missing CMD is 127, nothing held after it" {
	run "$E" "${GLOBAL[@]}" --group status --self A --run $MESH -- sh -c 'exit 7'
	assert_failure 7
	run -127 "$E" "${GLOBAL[@]}" --group status --self A --run $MESH -- /nonexistent/cmd
	assert_failure 127
	assert_output --partial "cannot run '/nonexistent/cmd'"
	run "$E" --strategy global --group status $MESH
	assert_failure 3
}

@test "--run: the term is in the child's environment and grows with each new lease" {
	t=$BATS_TEST_TMPDIR
	run "$E" "${GLOBAL[@]}" --group fence --self A --state "$t/st" --run $MESH -- \
		sh -c 'echo "child term $DIST_LEADER_TERM"'
	assert_success
	first=$(field "${lines[0]}" term)
	assert_equal "${lines[1]}" "child term $first"
	run "$E" "${GLOBAL[@]}" --group fence --self B --state "$t/st" --run $MESH -- \
		sh -c 'echo "child term $DIST_LEADER_TERM"'
	assert_success
	assert_equal "$(field "${lines[0]}" changed)" true
	assert_equal "${lines[1]}" "child term $((first + 1))"
	# Another host, its own state: the lease's term still wins.
	run "$E" "${GLOBAL[@]}" --group fence --self C --run $MESH -- \
		sh -c 'echo "child term $DIST_LEADER_TERM"'
	assert_equal "${lines[1]}" "child term $((first + 2))"
}

# Last: it kills e1, where every lease of this file lives (the lowest
# alive member is asked first).
@test "--run: the holding member killed: the lease is lost, CMD gets SIGTERM, exit 4" {
	t=$BATS_TEST_TMPDIR
	"$E" --strategy global --lease 3s --grace 20s --group lost --self A \
		--prom "$t/lost.prom" --run $MESH -- \
		sh -c "trap 'echo stopped >\"$t/child\"; exit 0' TERM
			echo running >'$t/child'; while :; do sleep 0.1; done" \
		>"$t/out" 2>"$t/err" &
	pid=$!
	wait_for "the command to start" grep -q running "$t/child"
	assert_equal "$(field "$(head -1 "$t/out")" lease.node)" "e1@$HOST"
	kill -KILL "$(cat "$DIST_STATE/e1.pid")"
	wait $pid && rc=0 || rc=$?
	assert_equal $rc 4
	assert_equal "$(cat "$t/child")" stopped
	grep -q "lease of group 'lost' lost while 'sh' ran" "$t/err"
	# And the textfile says so, for the alert.
	run prom_parse "$t/lost.prom"
	assert_success
	assert_line 'dist_elect_lease_lost 1'
	assert_line 'dist_elect_exit_status 4'
}

# ---- --stats and --prom (after e1 was killed: e2 and e3 of MESH alive) --

@test "--stats: a second record, the run's; --prom: the election as gauges, 0644" {
	prom="$BATS_TEST_TMPDIR/elect.prom"
	run --separate-stderr "$E" --stats --prom "$prom" --self "e3@$HOST" $MESH
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(field "${lines[0]}" leader)" "e3@$HOST"
	s=${lines[1]}
	assert_equal "$(field "$s" summary)" true
	assert_equal "$(field "$s" stats)" true
	assert_equal "$(field "$s" leader)" "e3@$HOST"
	assert_equal "$(field "$s" is_leader)" true
	assert_equal "$(field "$s" quorum_reached)" true
	assert_equal "$(field "$s" exit_status)" 0
	[[ $(field "$s" election_ms) =~ ^[0-9.]+$ ]]
	assert_equal "$(stat -c %a "$prom")" 644
	assert_equal "$(ls "$BATS_TEST_TMPDIR" | grep -c elect)" 1
	run prom_parse "$prom"
	assert_success
	assert_line 'dist_elect_has_leader 1'
	assert_line "dist_elect_is_leader{self=\"e3@$HOST\"} 1"
	assert_line "dist_elect_leader{leader=\"e3@$HOST\",strategy=\"highest\",group=\"\"} 1"
	assert_line 'dist_elect_alive 2'
	assert_line 'dist_elect_expected 3'
	assert_line 'dist_elect_quorum 2'
	assert_line 'dist_elect_exit_status 0'
	assert_line --regexp '^dist_elect_election_seconds [0-9.e-]+$'
	promtool_ok "$prom"
}

@test "--prom: a run without a leader (exit 3) writes its file, and its status" {
	prom="$BATS_TEST_TMPDIR/elect.prom"
	run --separate-stderr "$E" -q --prom "$prom" $MESH "x1@$HOST" "x2@$HOST"
	assert_failure 3
	run prom_parse "$prom"
	assert_success
	assert_line 'dist_elect_has_leader 0'
	assert_line 'dist_elect_exit_status 3'
	refute_line --partial 'dist_elect_leader{'
}

@test "--prom: a leader change shows in the term; a --self label is escaped" {
	prom="$BATS_TEST_TMPDIR/elect.prom"
	st="$BATS_TEST_TMPDIR/state.json"
	run "$E" --state "$st" --prom "$prom" $MESH
	assert_success
	run prom_parse "$prom"
	assert_line 'dist_elect_term 1'
	assert_line 'dist_elect_term_changed 1'
	run bash -c "printf '%s\n' 'e2@$HOST' '{\"node\":\"e3@$HOST\",\"status\":\"dead\"}' '{\"node\":\"f1@$HOST\",\"status\":\"alive\"}' | '$E' --state '$st' --prom '$prom' --self 'we\"ird\\id'"
	assert_failure 1
	run prom_parse "$prom"
	assert_success
	assert_line 'dist_elect_term 2'
	assert_line 'dist_elect_term_changed 1'
	assert_line 'dist_elect_is_leader{self="we\"ird\\id"} 0'
	promtool_ok "$prom"
}

@test "--run --stats --prom: the command's status, after it ran" {
	prom="$BATS_TEST_TMPDIR/run.prom"
	run --separate-stderr "$E" "${GLOBAL[@]}" --group promrun --self A --stats --prom "$prom" \
		--run $MESH -- sh -c 'echo ran; exit 7'
	assert_failure 7
	assert_equal "${lines[1]}" ran
	s=${lines[2]}
	assert_equal "$(field "$s" command_status)" 7
	assert_equal "$(field "$s" lease_lost)" false
	assert_equal "$(field "$s" exit_status)" 7
	run prom_parse "$prom"
	assert_success
	assert_line 'dist_elect_command_exit_status 7'
	assert_line 'dist_elect_lease_lost 0'
	assert_line 'dist_elect_exit_status 7'
	assert_line 'dist_elect_is_leader{self="A"} 1'
	assert_line --regexp '^dist_elect_command_seconds [0-9.e-]+$'
}

@test "--prom that cannot be replaced: the record, then exit 3 naming the file" {
	mkdir "$BATS_TEST_TMPDIR/dir.prom"
	run --separate-stderr "$E" --prom "$BATS_TEST_TMPDIR/dir.prom" $MESH
	assert_failure 3
	[[ $stderr == *"--prom $BATS_TEST_TMPDIR/dir.prom"* ]]
	assert_equal "$(field "$output" leader)" "e3@$HOST"
}
