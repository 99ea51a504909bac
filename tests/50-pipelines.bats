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
