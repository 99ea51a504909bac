#!/usr/bin/env bats
# The programs composed as a user composes them: discovery into probes
# into calls, fields carried from stage to stage, a consumer that stops
# early, an error record in the middle of a stream.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node p1 short
	start_node p2 short
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	export ERLANG_COOKIE="$COOKIE"
	D="$DIST_BIN"
}

# line N TEXT: the Nth line (1-based) of TEXT.
line() {
	sed -n "${1}p" <<<"$2"
}

@test "discover | ping | rpc: every node called, fields of each stage carried" {
	run bash -c "'$D/dist-discover' --epmd | '$D/dist-ping' | '$D/dist-rpc' erlang node"
	assert_success
	[ "$(wc -l <<<"$output")" -eq 2 ]
	for n in 1 2; do
		rec=$(line "$n" "$output")
		# dist-discover's fields, dist-ping's round trip, dist-rpc's result.
		assert_equal "$(field "$rec" source)" "epmd:$HOST"
		assert_equal "$(field "$rec" ok)" true
		[ -n "$(field "$rec" rtt_ms)" ]
		assert_equal "$(field "$rec" result)" "$(field "$rec" node)"
	done
}

@test "a user's own fields ride through every stage" {
	run bash -c "printf '%s\n' '{\"node\":\"p1@$HOST\",\"team\":\"db\",\"n\":[1,2]}' |
		'$D/dist-ping' | '$D/dist-rpc' erlang node"
	assert_success
	assert_equal "$(field "$output" team)" db
	assert_equal "$(field "$output" n)" "[1, 2]"
}

@test "| head -1: the producer stops cleanly, the line is whole" {
	run bash -c "set -o pipefail; '$D/dist-discover' --epmd | '$D/dist-ping' | head -1"
	[ "$(wc -l <<<"$output")" -eq 1 ]
	python3 -c 'import json,sys; json.loads(sys.argv[1])' "$output"
}

@test "a failure mid-stream stays a record; the stages after it go on" {
	run bash -c "printf '%s\n' p1@$HOST nosuch@$HOST p2@$HOST |
		'$D/dist-ping' | '$D/dist-rpc' erlang node"
	assert_failure 1
	[ "$(wc -l <<<"$output")" -eq 3 ]
	assert_equal "$(field "$(grep "p1@" <<<"$output")" ok)" true
	assert_equal "$(field "$(grep "p2@" <<<"$output")" ok)" true
	# The record of the node that is not there keeps one error, its own.
	bad=$(grep nosuch <<<"$output")
	assert_equal "$(field "$bad" ok)" false
	assert_equal "$(field "$bad" error.code)" not_registered
}

@test "a failed stage's error does not survive a later success" {
	run bash -c "ERLANG_COOKIE=wrong '$D/dist-ping' p1@$HOST |
		'$D/dist-rpc' erlang node"
	assert_success
	assert_equal "$(field "$output" ok)" true
	run field "$output" error
	assert_failure
}

@test "an invalid name from discovery is a record, not the end of the pipe" {
	run bash -c "printf '%s\n' '{\"node\":\"bad name@$HOST\"}' '{\"node\":\"p1@$HOST\"}' |
		'$D/dist-ping'"
	assert_failure 1
	assert_equal "$(field "$(grep "bad name" <<<"$output")" error.code)" invalid_name
	assert_equal "$(field "$(grep "p1@" <<<"$output")" ok)" true
}

@test "discover | members: the discovered nodes are the expected cluster" {
	run bash -c "'$D/dist-discover' --epmd | '$D/dist-members'"
	summary=$(grep '"summary":true' <<<"$output")
	assert_equal "$(field "$summary" members)" 2
	assert_equal "$(field "$summary" expected)" 2
	assert_equal "$(field "$summary" alive)" 2
	# Exit status and verdict agree: p1 and p2 are two partitions
	# unless something connected them.
	if [ "$(field "$summary" healthy)" = true ]; then
		[ "$status" -eq 0 ]
	else
		[ "$status" -eq 1 ]
		assert_equal "$(field "$summary" partitions)" "[[\"p1@$HOST\"], [\"p2@$HOST\"]]"
	fi
	# dist-discover's fields are carried into each member's record.
	assert_equal "$(field "$(grep "\"node\":\"p1@" <<<"$output")" source)" "epmd:$HOST"
	assert_equal "$(field "$(grep "\"node\":\"p2@" <<<"$output")" status)" alive
}

@test "discover | connect: the via node connects to what discovery lists" {
	"$D/dist-rpc" "p1@$HOST" erlang disconnect_node "[p2@$HOST]" >/dev/null
	run bash -c "'$D/dist-discover' --epmd | '$D/dist-connect' --via p1@$HOST"
	assert_success
	p2=$(grep "\"node\":\"p2@" <<<"$output")
	assert_equal "$(field "$p2" source)" "epmd:$HOST"
	assert_equal "$(field "$p2" via)" "p1@$HOST"
	assert_equal "$(field "$p2" already_connected)" false
	# The via itself, listed too, is its own node.
	assert_equal "$(field "$(grep "\"node\":\"p1@" <<<"$output")" already_connected)" true
	run "$D/dist-rpc" "p1@$HOST" erlang nodes -o raw
	assert_output --partial "p2@$HOST"
}

@test "discover | elect --self && job: the cron job runs on the leader only" {
	for n in p1 p2; do
		run bash -c "'$D/dist-discover' --epmd | '$D/dist-elect' -q --self $n@$HOST &&
			'$D/dist-rpc' -o raw $n@$HOST erlang node"
		if [ $n = p2 ]; then
			assert_success
			assert_output "p2@$HOST"
		else
			assert_failure 1
			assert_output ""
		fi
	done
}

@test "discover | elect --run -- rpc: the command runs under the global lease" {
	run --separate-stderr bash -c "'$D/dist-discover' --epmd |
		'$D/dist-elect' --strategy global --group pipe --self cron-a --run -- \
		'$D/dist-rpc' -o raw p1@$HOST erlang node"
	assert_success
	assert_equal "$(field "${lines[0]}" leader)" cron-a
	assert_equal "$(field "${lines[0]}" lease.status)" acquired
	assert_equal "${lines[1]}" "p1@$HOST"
}

# A record that says where its node listens ("port", as dist-discover
# --epmd writes it) or which EPMD knows it ("epmd_port"): that target is
# reached there, whatever the command line says for the others.

@test "discover | ping: the port discovery found is used, EPMD is not asked again" {
	dead=$(free_port)
	run bash -c "'$D/dist-discover' --epmd | '$D/dist-ping' --epmd-port $dead"
	assert_success
	[ "$(wc -l <<<"$output")" -eq 2 ]
	all=$output
	for n in 1 2; do
		rec=$(line "$n" "$all")
		assert_equal "$(field "$rec" ok)" true
		name=$(field "$rec" node)
		want=$(epmd -port "$ERL_EPMD_PORT" -names |
			awk -v a="${name%@*}" '$2 == a { print $5 }')
		assert_equal "$(field "$rec" port)" "$want"
		run field "$rec" timings.epmd_ms
		assert_failure
	done
}

@test "discover | rpc: the call reaches the port discovery found, EPMD not asked" {
	run bash -c "'$D/dist-discover' --epmd |
		'$D/dist-rpc' --epmd-port $(free_port) -o raw erlang node"
	assert_success
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "p1@$HOST p2@$HOST "
}

@test "nodes of two EPMDs in one run: each record names its own port" {
	local a b
	a=$(free_port)
	b=$(free_port)
	for pair in "q:$a" "r:$b"; do
		"$D/dist-node" --cookie-file "$COOKIE_FILE" --count 2 \
			--name "${pair%%:*}%d@$HOST" --epmd embedded \
			--epmd-port "${pair#*:}" </dev/null \
			>"$DIST_STATE/${pair%%:*}.out" 2>&1 3>&- &
		echo $! >> "$DIST_STATE/pids"
		echo $! > "$DIST_STATE/${pair%%:*}.pid"
	done
	for id in q r; do
		wait_for "$id ready" bash -c \
			"[ \$(grep -c '\"event\":\"ready\"' '$DIST_STATE/$id.out') -ge 2 ]"
	done
	run bash -c "for p in $a $b; do '$D/dist-discover' --epmd --epmd-port \$p; done |
		'$D/dist-ping' --epmd-port $(free_port)"
	stop_pid "$(cat "$DIST_STATE/q.pid")"
	stop_pid "$(cat "$DIST_STATE/r.pid")"
	assert_success
	assert_equal "$(grep -c '"ok":true' <<<"$output")" 4
	for n in q1 q2 r1 r2; do
		assert_output --partial "\"node\":\"$n@$HOST\""
	done
}

@test "a record's port that refuses (the node restarted): EPMD is asked, once" {
	port=$(free_port)
	good=$(epmd -port "$ERL_EPMD_PORT" -names | awk '$2 == "p1" { print $5 }')
	run "$D/dist-ping" <<<"{\"node\":\"p1@$HOST\",\"port\":$port}"
	assert_success
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" port)" "$good"
	run field "$output" timings.epmd_ms
	assert_success
	# No node of that name: EPMD says so, after the port refused.
	run "$D/dist-ping" <<<"{\"node\":\"nosuch@$HOST\",\"port\":$port}"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_registered
	assert_equal "$(field "$output" error.stage)" epmd
	# --port on the command line is an order, not a hint: no EPMD.
	run "$D/dist-ping" --port "$port" "p1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" connect_refused
	assert_equal "$(field "$output" error.stage)" connect
	assert_equal "$(field "$output" port)" "$port"
	# The record's port wins over --port for that record only.
	run "$D/dist-ping" --port "$port" <<-IN
	{"node":"p1@$HOST","port":$good}
	p1@$HOST
	IN
	assert_failure 1
	assert_equal "$(grep -c '"ok":true' <<<"$output")" 1
	assert_equal "$(field "$(grep '"ok":true' <<<"$output")" port)" "$good"
	assert_equal "$(field "$(grep '"ok":false' <<<"$output")" error.code)" \
		connect_refused
}

@test "a record's epmd_port is the EPMD asked for it, over --epmd-port" {
	dead=$(free_port)
	run "$D/dist-ping" --epmd-port "$dead" <<<"{\"node\":\"p1@$HOST\",\"epmd_port\":$ERL_EPMD_PORT}"
	assert_success
	run field "$output" timings.epmd_ms
	assert_success
	run "$D/dist-ping" <<<"{\"node\":\"p1@$HOST\",\"epmd_port\":$dead}"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" epmd_unreachable
	assert_output --partial "port $dead"
}

@test "a bad port or epmd_port in a record: exit 2 naming the line, field and value" {
	local prog v
	for prog in dist-ping "dist-rpc erlang node"; do
		for v in 0 70000 '"abc"' 1.5 true; do
			run --separate-stderr $D/$prog <<-IN
			p1@$HOST
			{"node":"p2@$HOST","port":$v}
			p2@$HOST
			IN
			assert_failure 2
			[[ $stderr == *"line 2: record of p2@$HOST: \"port\""* ]] ||
				fail "$prog, port $v: $stderr"
			# What came before the bad line ran; nothing after it.
			assert_equal "${#lines[@]}" 1
			assert_equal "$(field "${lines[0]}" node)" "p1@$HOST"
		done
		run --separate-stderr $D/$prog <<<"{\"node\":\"p1@$HOST\",\"epmd_port\":-5}"
		assert_failure 2
		[[ $stderr == *'"epmd_port" (the EPMD to ask for the node) must be 1..65535, not -5'* ]] ||
			fail "$prog, epmd_port -5: $stderr"
	done
}
