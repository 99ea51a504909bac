#!/usr/bin/env bats
# Gleam distribute codecs against a real erl node running
# tests/fixtures/gleam_peer.erl, an Erlang implementation of the
# receiving side written apart from ours: every codec kind both ways,
# tags and versions refused on both sides, strictness and limits, and a
# service registered in global under a binary name.

bats_require_minimum_version 1.5.0

KINDS='tuple3(tuple2(int, float), tuple3(bool, nil, string), tuple2(bitarray, tuple2(list(option(int)), result(string, list(bool)))))'
REQUEST='tagged("svc", 1, tuple2(subject, tuple2(string, list(int))))'
REPLY='tagged("svc-reply", 1, result(tuple2(string, int), string))'

setup_file() {
	load helpers/nodes
	nodes_setup
	erlc -o "$BATS_FILE_TMPDIR" "$DIST_ROOT/tests/fixtures/gleam_peer.erl"
	start_node g1 short "" -pa "$BATS_FILE_TMPDIR"
	nodes_load
	ERLANG_COOKIE="$COOKIE" "$DIST_BIN/dist-rpc" -o raw "g1@$HOST" \
		gleam_peer start '[<<"svc">>]' >/dev/null
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	RPC="$DIST_BIN/dist-rpc"
	N1="g1@$HOST"
	export ERLANG_COOKIE="$COOKIE"
}

@test "every codec kind, nested, goes to the peer and back" {
	value='[[-5,1.5],[true,null,"héllo ✓"],[{"$bin":"/wA="},[[1,null,3],{"error":[true,false]}]]]'
	run "$RPC" --arg-codec "$KINDS" --codec "$KINDS" "$N1" gleam_peer echo \
		"[$value, {\"\$atom\": \"kinds\"}]"
	assert_success
	assert_equal "$(field "$output" result)" "$(field "$value" "")"
}

@test "the peer holds the values as Gleam does" {
	value='[[-5,1.5],[true,null,"héllo ✓"],[{"$bin":"/wA="},[[1,null,3],{"ok":"fine"}]]]'
	run "$RPC" -o term --arg-codec "$KINDS" "$N1" gleam_peer show \
		"[$value, {\"\$atom\": \"kinds\"}]"
	assert_success
	assert_output '{{-5,1.5},{true,nil,<<"héllo ✓"/utf8>>},{<<255,0>>,{[{some,1},none,{some,3}],{ok,<<"fine">>}}}}'
}

@test "the peer's binaries decode here: nested kinds made in Erlang" {
	run "$RPC" --codec "$KINDS" "$N1" gleam_peer make \
		'[kinds, {{1, 2.5}, {false, nil, <<"ü"/utf8>>}, {<<255,2>>, {[none], {error, [true]}}}}]'
	assert_success
	assert_equal "$(field "$output" result)" \
		'[[1, 2.5], [false, null, "ü"], [{"$bin": "/wI="}, [[null], {"error": [true]}]]]'
}

@test "min and max int64 both ways" {
	run "$RPC" -o term --arg-codec 'list(int)' "$N1" gleam_peer show \
		'[[-9223372036854775808, 9223372036854775807, 0, -1], {"$atom": "ints"}]'
	assert_success
	assert_output '[-9223372036854775808,9223372036854775807,0,-1]'
	run "$RPC" -o raw --codec 'list(int)' "$N1" gleam_peer make \
		'[ints, [-9223372036854775808, 9223372036854775807]]'
	assert_success
	assert_output '[-9223372036854775808,9223372036854775807]'
}

@test "an int beyond int64 is refused before anything is sent" {
	run "$RPC" --arg-codec int "$N1" gleam_peer show '[9223372036854775808, {"$atom": "ints"}]'
	assert_failure 2
	assert_output --partial "out of the signed 64-bit range"
}

@test "unicode strings, empty and with NUL, both ways" {
	value='["", "é", "日本語", "😀", "a\u0000b"]'
	run "$RPC" -o term --arg-codec 'list(string)' "$N1" gleam_peer show \
		"[$value, {\"\$atom\": \"strings\"}]"
	assert_success
	assert_output '[<<>>,<<"é"/utf8>>,<<"日本語"/utf8>>,<<"😀"/utf8>>,<<97,0,98>>]'
	run "$RPC" --arg-codec 'list(string)' --codec 'list(string)' "$N1" \
		gleam_peer echo "[$value, {\"\$atom\": \"strings\"}]"
	assert_success
	assert_equal "$(field "$output" result)" "$(field "$value" "")"
}

@test "a truncated binary is named with its offset" {
	run "$RPC" --codec 'list(int)' "$N1" gleam_peer truncated '[ints, [1, 2, 3], 3]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" codec_mismatch
	assert_equal "$(field "$output" error.message)" \
		"codec: at byte 20: expected an int (8 bytes), 5 left"
}

@test "tagged: another version is version_mismatch here" {
	run "$RPC" --codec 'tagged("svc-reply", 2, result(tuple2(string, int), string))' \
		"$N1" gleam_peer make \
		'[reply, {tagged_message, <<"svc-reply">>, 1, {ok, {<<"A">>, 3}}}]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" version_mismatch
	assert_output --partial 'at byte 13: tag \"svc-reply\" expected version 2, found 1'
}

@test "tagged: another tag is tag_mismatch here" {
	run "$RPC" --codec 'tagged("svc-answer", 1, result(tuple2(string, int), string))' \
		"$N1" gleam_peer make \
		'[reply, {tagged_message, <<"svc-reply">>, 1, {ok, {<<"A">>, 3}}}]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" tag_mismatch
}

@test "tagged: the peer refuses another version we send" {
	run "$RPC" --arg-codec 'tagged("svc", 2, tuple2(subject, tuple2(string, list(int))))' \
		"$N1" gleam_peer show '[[{"$tuple": [{"$atom": "subject"}, {"$pid": {"node": "x@y", "id": 1, "serial": 0, "creation": 1}}, "t"]}, ["a", []]], {"$atom": "request"}]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" exception
	assert_output --partial '{decode_failed,{version_mismatch,1,2}}'
}

@test "a list over 10 000 is refused by us and by the peer" {
	run "$RPC" --codec 'list(nil)' "$N1" gleam_peer list_header '[10001]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" too_large
	assert_output --partial "at byte 0: a list of 10001 elements"
	nulls=$(python3 -c 'print("[" + ",".join(["null"] * 10001) + "]")')
	run "$RPC" --arg-codec 'list(nil)' "$N1" gleam_peer echo "[$nulls, {\"\$atom\": \"list_nil\"}]"
	assert_failure 2
	assert_output --partial "refuses more than 10000"
	run "$RPC" --json-args '[{"$bin": "AAAnEQ=="}, {"$atom": "list_nil"}]' "$N1" gleam_peer echo
	assert_failure 1
	assert_output --partial '{list_too_long,10001,10000}'
}

@test "10 000 elements is the cap, included, both ways" {
	nulls=$(python3 -c 'print("[" + ",".join(["null"] * 10000) + "]")')
	run "$RPC" -o raw --arg-codec 'list(nil)' --codec 'list(nil)' "$N1" \
		gleam_peer echo "[$nulls, {\"\$atom\": \"list_nil\"}]"
	assert_success
	assert_equal "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$output")" 10000
}

@test "--send-global: a request to the service in global, its reply read back" {
	subject=$("$RPC" -o tagged "$N1" gleam_peer collector '[]')
	subject=$(field "$subject" result)
	run "$RPC" --send-global svc --codec "$REQUEST" "$N1" "[$subject, [\"héllo\", [1, 2, 3]]]"
	assert_success
	assert_equal "$(field "$output" ok)" true
	[[ "$(field "$output" result)" == "<"*">" ]]
	run "$RPC" --codec "$REPLY" "$N1" gleam_peer collected '[]'
	assert_success
	assert_equal "$(field "$output" result)" '{"ok": ["HÉLLO", 6]}'
	run "$RPC" --send-global svc --codec "$REQUEST" "$N1" "[$subject, [\"x\", []]]"
	assert_success
	run "$RPC" -o raw --codec "$REPLY" "$N1" gleam_peer collected '[]'
	assert_success
	assert_output '{"error":"no numbers"}'
}

@test "--send-global: the service refuses another version, and says so" {
	subject='{"$tuple": [{"$atom": "subject"}, {"$pid": {"node": "x@y", "id": 1, "serial": 0, "creation": 1}}, "t"]}'
	run "$RPC" --send-global svc --codec 'tagged("svc", 2, tuple2(subject, tuple2(string, list(int))))' \
		"$N1" "[$subject, [\"a\", [1]]]"
	assert_success
	run "$RPC" -o term "$N1" gleam_peer last '[]'
	assert_success
	assert_output '{error,{version_mismatch,1,2}}'
}

@test "--send-global: a name nobody registered is not_registered" {
	run "$RPC" --send-global nosuch --codec int "$N1" 1
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_registered
	assert_output --partial 'no process is registered in global as <<\"nosuch\">>'
}

@test "--send-global: usage errors are caught before any node is contacted" {
	run "$RPC" --send-global svc "$N1" 1
	assert_failure 2
	assert_output --partial "needs --codec"
	run "$RPC" --send-global svc --codec int "$N1" '"one"'
	assert_failure 2
	assert_output --partial "expected an integer (int), not a string"
	run "$RPC" --send-global svc --codec int --eval 'x.' "$N1" 1
	assert_failure 2
}

@test "--codec on a result that is no binary is codec_mismatch" {
	run "$RPC" --codec int "$N1" erlang node
	assert_failure 1
	assert_equal "$(field "$output" error.code)" codec_mismatch
	assert_output --partial "returned no binary"
}

@test "a bad schema is a usage error naming the column" {
	run "$RPC" --codec 'tuple2(int, strin)' "$N1" erlang node
	assert_failure 2
	assert_output --partial "codec schema, column 13: expected a codec"
}

@test "--codec decodes what --eval returns; --arg-codec does not combine with it" {
	run "$RPC" -o raw --codec 'list(int)' --eval 'gleam_peer:make(ints, [7, -7]).' "$N1"
	assert_success
	assert_output '[7,-7]'
	run "$RPC" --arg-codec int --eval '1.' "$N1"
	assert_failure 2
	assert_output --partial "--eval does not take"
}

@test "Gleam source pastes as a schema" {
	run "$RPC" -o raw --codec 'tagged.codec("svc-reply", 1, composite.result(composite.tuple2(codec.int(), codec.string()), codec.string()))' \
		"$N1" erlang iolist_to_binary \
		'[[<<0,0,0,9>>, <<"svc-reply">>, <<0,0,0,1>>, 1, <<0,0,0,2>>, <<"no">>]]'
	assert_success
	assert_output '{"error":"no"}'
}

# json_string TEXT: TEXT as a JSON string.
json_string() {
	python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"
}

# dn_start ID ARGS...: dist-node reading commands from a FIFO we hold
# open on fd $DN_FD; its records in $DIST_STATE/ID.out.
dn_start() {
	local id=$1
	shift
	mkfifo "$DIST_STATE/$id.in"
	"$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" "$@" \
		<"$DIST_STATE/$id.in" >"$DIST_STATE/$id.out" 2>"$DIST_STATE/$id.err" 3>&- &
	DN_PID=$!
	echo "$DN_PID" >> "$DIST_STATE/pids"
	exec {DN_FD}>"$DIST_STATE/$id.in"
	wait_for "dist-node $id ready" grep -q '"event":"ready"' "$DIST_STATE/$id.out"
}

# dn_wait ID: until ID has printed a message record; then stdin closes.
dn_wait() {
	wait_for "a message to $1" grep -q '"event":"message"' "$DIST_STATE/$1.out"
	exec {DN_FD}>&-
	wait "$DN_PID" || true
}

@test "dist-node: a request to the service's pid, its reply decoded in a mailbox" {
	svc=$(field "$("$RPC" -o tagged "$N1" global whereis_name '[<<"svc">>]')" result)
	dn_start gsh --name gsh --register replies --codec "$REPLY" --max-messages 1 -t 60s
	creation=$(field "$(grep '"event":"ready"' "$DIST_STATE/gsh.out")" creation)
	me="{\"\$tuple\": [{\"\$atom\": \"subject\"}, {\"\$pid\": {\"node\": \"gsh@$HOST\", \"id\": 2, \"serial\": 0, \"creation\": $creation}}, \"r1\"]}"
	echo "{\"send\": $svc, \"tag\": \"svc\", \"codec\": $(json_string "$REQUEST"), \"msg\": [$me, [\"grüß\", [40, 2]]], \"id\": 1}" >&$DN_FD
	dn_wait gsh
	run grep '"event":"send"' "$DIST_STATE/gsh.out"
	assert_output --partial '"ok":true'
	run grep '"event":"message"' "$DIST_STATE/gsh.out"
	assert_equal "$(field "$output" msg)" '{"ok": ["GRÜSS", 42]}'
	assert_equal "$(field "$output" tag)" r1
	assert_equal "$(field "$output" to)" replies
}

@test "dist-node: a reply of another version is a codec_error record" {
	svc=$(field "$("$RPC" -o tagged "$N1" global whereis_name '[<<"svc">>]')" result)
	dn_start gv2 --name gv2 --register replies --max-messages 1 -t 60s \
		--codec 'tagged("svc-reply", 2, result(tuple2(string, int), string))'
	creation=$(field "$(grep '"event":"ready"' "$DIST_STATE/gv2.out")" creation)
	me="{\"\$tuple\": [{\"\$atom\": \"subject\"}, {\"\$pid\": {\"node\": \"gv2@$HOST\", \"id\": 2, \"serial\": 0, \"creation\": $creation}}, \"r2\"]}"
	echo "{\"send\": $svc, \"tag\": \"svc\", \"codec\": $(json_string "$REQUEST"), \"msg\": [$me, [\"a\", [1]]]}" >&$DN_FD
	dn_wait gv2
	run grep '"event":"message"' "$DIST_STATE/gv2.out"
	assert_equal "$(field "$output" codec_error.code)" version_mismatch
	assert_output --partial 'expected version 2, found 1'
	# The undecoded message stays, as {Tag, Binary}.
	assert_equal "$(field "$output" msg.0)" r2
}

@test "dist-node: a send to a subject, as a request's reply-to gives it" {
	subject=$(field "$("$RPC" -o tagged "$N1" gleam_peer collector '[]')" result)
	run -0 --separate-stderr "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" \
		--name gsub <<<"{\"send\": $subject, \"codec\": $(json_string "$REPLY"), \"msg\": {\"ok\": [\"é\", -9223372036854775808]}}"
	assert_output --partial '"ok":true'
	run "$RPC" --codec "$REPLY" "$N1" gleam_peer collected '[]'
	assert_success
	assert_equal "$(field "$output" result)" '{"ok": ["é", -9223372036854775808]}'
}

@test "dist-node: a codec send that does not fit is a usage error naming the line" {
	run --separate-stderr "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" --name gbad \
		--at-eof exit \
		<<<'{"send": {"$pid": {"node": "x@y", "id": 1, "serial": 0, "creation": 1}}, "tag": "svc", "codec": "int", "msg": "one"}'
	refute_output --partial '"event":"send"'
	[[ $stderr == *'expected an integer (int), not a string'* ]]
	run "$DIST_BIN/dist-node" --codec 'lists(int)' --name gbad2
	assert_failure 2
	assert_output --partial "codec schema, column 1"
}

@test "dist-node: a send to {\"global\": \"svc\"} through --connect, its reply decoded" {
	svc=$(field "$("$RPC" "$N1" global whereis_name '[<<"svc">>]')" result)
	dn_start ggl --name ggl --register replies --codec "$REPLY" --max-messages 1 \
		--connect "$N1" -t 60s
	creation=$(field "$(grep '"event":"ready"' "$DIST_STATE/ggl.out")" creation)
	me="{\"\$tuple\": [{\"\$atom\": \"subject\"}, {\"\$pid\": {\"node\": \"ggl@$HOST\", \"id\": 2, \"serial\": 0, \"creation\": $creation}}, \"r3\"]}"
	echo "{\"send\": {\"global\": \"svc\"}, \"codec\": $(json_string "$REQUEST"), \"msg\": [$me, [\"ok\", [7]]], \"id\": 7}" >&$DN_FD
	dn_wait ggl
	run grep '"command":"send"' "$DIST_STATE/ggl.out"
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" id)" 7
	assert_equal "$(field "$output" node)" "$N1"
	# The same process: dist-rpc prints it local to g1, dist-node with
	# its node.
	assert_equal "<$N1.${svc#<0.}" "$(field "$output" pid)"
	run grep '"event":"message"' "$DIST_STATE/ggl.out"
	assert_equal "$(field "$output" msg)" '{"ok": ["OK", 7]}'
	assert_equal "$(field "$output" tag)" r3
}

@test "dist-node: a plain term to a global name \"via\" a node goes as it is" {
	dn_start gpl --name gpl --register answers --max-messages 1 -t 60s
	creation=$(field "$(grep '"event":"ready"' "$DIST_STATE/gpl.out")" creation)
	me="{\"\$pid\": {\"node\": \"gpl@$HOST\", \"id\": 2, \"serial\": 0, \"creation\": $creation}}"
	# {last, From} is what the service answers whatever it decoded last.
	echo "{\"send\": {\"global\": \"svc\", \"via\": \"$N1\"}, \"msg\": {\"\$tuple\": [{\"\$atom\": \"last\"}, $me]}}" >&$DN_FD
	dn_wait gpl
	run grep '"command":"send"' "$DIST_STATE/gpl.out"
	assert_equal "$(field "$output" ok)" true
	run grep '"event":"message"' "$DIST_STATE/gpl.out"
	assert_equal "$(field "$output" msg.0)" last
	assert_equal "$(field "$output" to)" answers
}

@test "dist-node: an unknown global name is not_registered; no via and no --connect is a usage error" {
	run -1 --separate-stderr "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" --name gno \
		<<<"{\"send\": {\"global\": \"nosuch\", \"via\": \"$N1\"}, \"codec\": \"int\", \"msg\": 1, \"id\": \"x\"}"
	output=$(grep '"command":"send"' <<<"$output")
	assert_equal "$(field "$output" command)" send
	assert_equal "$(field "$output" id)" x
	assert_equal "$(field "$output" ok)" false
	assert_equal "$(field "$output" error.code)" not_registered
	assert_output --partial 'no process is registered in global as <<\"nosuch\">>'
	run -1 --separate-stderr "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" --name gno2 \
		<<<'{"send": {"global": "svc"}, "term": "hello", "id": 2}'
	output=$(grep '"command":"send"' <<<"$output")
	assert_equal "$(field "$output" error.code)" usage
	assert_output --partial 'has no \"via\" node'
	run --separate-stderr "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" --name gno3 \
		--at-eof exit <<<'{"send": {"global": "svc", "via": 1}, "term": "hello"}'
	refute_output --partial '"command":"send"'
	[[ $stderr == *'a global target is'* ]]
}
