#!/usr/bin/env bats
# dist-node against real epmd and erl nodes: it registers, real nodes
# ping it and send to its mailboxes, it sends to them from stdin, and a
# misbehaving peer is cut alone.

bats_require_minimum_version 1.5.0

# The node n1 (short names) keeps two helper processes: `echo` answers
# {From, Msg} with {echoed, Msg}, `sink` keeps the last message it got.
ECHO_SINK='register(echo, spawn(fun L() -> receive {F, M} -> F ! {echoed, M}, L() end end)), register(sink, spawn(fun L() -> receive M -> persistent_term:put(sink_last, M), L() end end))'

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 short "" -eval "$ECHO_SINK"
	start_node n2 long
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
}

# on NODE EXPR: evaluate on a real node (short name, or long with '@').
on() {
	local flag=-sname
	[[ $1 == *@* ]] && flag=-name
	local out
	out=$(erl_call "$flag" "$1" -c "$COOKIE" -e <<<"$2") || return 1
	out=${out#\{ok, }
	echo "${out%\}}"
}

# rec EVENT: the first record of $output with that event.
rec() {
	grep -m1 "\"event\":\"$1\"" <<<"$output"
}

# start_dn ID ARGS...: dist-node in the background, stdout and stderr in
# $DIST_STATE/ID.out and ID.err, its pid in ID.pid; waits for "ready".
start_dn() {
	start_dist_node "$@" </dev/null
	wait_for "dist-node $1 ready" dist_node_ready "$1"
}

# stop_dn ID: SIGTERM; its exit status in $STOP_RC.
stop_dn() {
	stop_dist_node "$1"
}

# fifo_open_by PID FIFO: the process has the FIFO open.
fifo_open_by() {
	local l
	for l in /proc/"$1"/fd/*; do
		[[ $(readlink "$l") == "$2" ]] && return 0
	done
	return 1
}

# has_lines ID N: ID.out has N "message" records (counted on each call).
has_lines() {
	[ "$(grep -c '"event":"message"' "$DIST_STATE/$1.out")" -ge "$2" ]
}

# wait_lines ID N: until ID.out has N "message" records.
wait_lines() {
	wait_for "$2 messages" has_lines "$1" "$2"
}

@test "ready first, with the port and creation EPMD gave; registered by name" {
	start_dn rd --name rd
	run -0 head -1 "$DIST_STATE/rd.out"
	assert_equal "$(field "$output" event)" ready
	assert_equal "$(field "$output" node)" "rd@$HOST"
	port=$(field "$output" port)
	run field "$output" creation
	assert_output --regexp '^[1-9][0-9]*$'
	run -0 epmd -port "$ERL_EPMD_PORT" -names
	assert_output --partial "name rd at port $port"
	stop_dn rd
	assert_equal "$STOP_RC" 0
}

@test "net_adm:ping from a short-name node and a long-name node: pong" {
	start_dn ps --name ps
	start_dn pl --name pl@127.0.0.1
	run -0 on n1 "net_adm:ping('ps@$HOST')."
	assert_output pong
	run -0 on n2@127.0.0.1 "net_adm:ping('pl@127.0.0.1')."
	assert_output pong
	# Hidden: the caller does not list us among its visible nodes.
	run -0 on n1 "lists:member('ps@$HOST', nodes())."
	assert_output false
	run -0 on n1 "lists:member('ps@$HOST', nodes(hidden))."
	assert_output true
	stop_dn ps
	stop_dn pl
}

@test "10 000 messages from one process arrive complete and in order" {
	start_dn bulk --name bulk --register box --max-messages 10000 -o tagged
	run -0 on n1 "[{box, 'bulk@$HOST'} ! {n, I} || I <- lists:seq(1, 10000)], ok."
	wait "$(cat "$DIST_STATE/bulk.pid")"
	run python3 - "$DIST_STATE/bulk.out" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
msgs = [r["msg"]["$tuple"][1] for r in recs if r["event"] == "message"]
assert msgs == list(range(1, 10001)), (len(msgs), msgs[:5])
assert all(r["to"] == "box" for r in recs if r["event"] == "message")
print("ok")
PY
	assert_success
	assert_output ok
}

@test "three senders at once: every message arrives, in order per sender" {
	start_dn three --name three --register box --max-messages 3000 -o tagged
	run -0 on n1 "Ps = [spawn(fun() -> [{box, 'three@$HOST'} ! {S, I} || I <- lists:seq(1, 1000)] end) || S <- [1, 2, 3]], ok."
	wait "$(cat "$DIST_STATE/three.pid")"
	run python3 - "$DIST_STATE/three.out" <<'PY'
import json, sys
seen = {1: [], 2: [], 3: []}
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["event"] == "message":
        s, i = r["msg"]["$tuple"]
        seen[s].append(i)
assert all(v == list(range(1, 1001)) for v in seen.values()), {k: len(v) for k, v in seen.items()}
print("ok")
PY
	assert_output ok
}

@test "a message to a pid we hand out is printed, with the mailbox name" {
	start_dn pid --name pid --register box -o tagged
	creation=$(field "$(head -1 "$DIST_STATE/pid.out")" creation)
	# The pid of mailbox box of node pid, in tagged JSON; the echo
	# process on n1 answers to it.
	to='{"$pid": {"node": "pid@'"$HOST"'", "id": 2, "serial": 0, "creation": '"$creation"'}}'
	run -0 "$NODE" --cookie-file "$COOKIE_FILE" --name pidsend \
		<<<'{"send": "echo@n1@'"$HOST"'", "msg": {"$tuple": ['"$to"', "hi"]}}'
	wait_lines pid 1
	stop_dn pid
	run -0 grep '"event":"message"' "$DIST_STATE/pid.out"
	assert_output --partial '"to":"box"'
	assert_output --partial '{"$tuple":[{"$atom":"echoed"},"hi"]}'
}

@test "a wrong cookie is refused and reported; the right one is accepted next" {
	start_dn ck --name ck
	run -0 on n1 "erlang:set_cookie('ck@$HOST', wrong_cookie), net_adm:ping('ck@$HOST')."
	assert_output pang
	run -0 grep '"event":"refused"' "$DIST_STATE/ck.err"
	assert_output --partial '"code":"not_allowed"'
	assert_output --partial "n1@$HOST"
	run -0 on n1 "erlang:set_cookie('ck@$HOST', '$COOKIE'), net_adm:ping('ck@$HOST')."
	assert_output pong
	stop_dn ck
	assert_equal "$STOP_RC" 0
}

@test "SIGTERM unregisters the name and exits 0" {
	start_dn term --name term
	node_registered term
	stop_dn term
	assert_equal "$STOP_RC" 0
	run node_registered term
	assert_failure
}

@test "a name already registered: exit 3, and how to look" {
	start_dn taken --name taken
	run -3 "$NODE" --cookie-file "$COOKIE_FILE" --name taken </dev/null
	assert_output --partial "already registered"
	assert_output --partial "epmd -names"
	stop_dn taken
}

@test "one-shot send: delivered to a real process, exit 0 at end of input" {
	run -0 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name shot \
		<<<'{"send": ["sink", "n1@'"$HOST"'"], "term": "{shot, 1, <<\"x\">>}", "id": 7}'
	assert_equal "$(field "$(rec send)" ok)" true
	assert_equal "$(field "$(rec send)" id)" 7
	run -0 on n1 "persistent_term:get(sink_last) =:= {shot, 1, <<\"x\">>}."
	assert_output true
}

@test "a coprocess round trip: the reply of a real process is on stdout" {
	run -0 "$NODE" --cookie-file "$COOKIE_FILE" --name co --register inbox \
		--max-messages 1 -t 20s \
		<<<'{"send": "echo@n1@'"$HOST"'", "term": "{{inbox, '"'co@$HOST'"'}, ping}", "from": "inbox"}'
	run -0 grep '"event":"message"' <<<"$output"
	assert_output --partial '"msg":["echoed","ping"]'
	assert_output --partial '"to":"inbox"'
}

@test "a float in a message prints in its shortest form, as every program prints it" {
	run -0 "$NODE" --cookie-file "$COOKIE_FILE" --name fl --register inbox \
		--max-messages 1 -t 20s \
		<<<'{"send": "echo@n1@'"$HOST"'", "term": "{{inbox, '"'fl@$HOST'"'}, [0.1, 1.0e-7]}", "from": "inbox"}'
	run -0 grep '"event":"message"' <<<"$output"
	assert_output --partial '"msg":["echoed",[0.1,1.0e-7]]'
}

@test "a malformed command is an error naming its line; the node goes on" {
	run -0 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name bad \
		< <(printf 'not json\n{"send": 3, "term": "x"}\n{"send": "sink@n1@%s", "term": "after_bad"}\n' "$HOST")
	assert_equal "$(field "${stderr_lines[0]}" line)" 1
	assert_equal "$(field "${stderr_lines[1]}" line)" 2
	assert_equal "$(field "${stderr_lines[1]}" error.code)" usage
	assert_equal "$(field "$(rec send)" ok)" true
	run -0 on n1 "persistent_term:get(sink_last)."
	assert_output after_bad
}

@test "garbage bytes and an oversized frame cut that peer alone" {
	start_dn cut --name cut@127.0.0.1 --max-size 1M
	port=$(field "$(head -1 "$DIST_STATE/cut.out")" port)
	run -0 python3 "$DIST_ROOT/tests/helpers/dist_client.py" garbage "$port"
	assert_output closed
	run -0 python3 "$DIST_ROOT/tests/helpers/dist_client.py" oversize "$port" \
		evil@127.0.0.1 cut@127.0.0.1 "$COOKIE_FILE"
	assert_output $'handshake ok\nclosed'
	run -0 grep -c '"code":"too_large"' "$DIST_STATE/cut.err"
	run -0 on n2@127.0.0.1 "net_adm:ping('cut@127.0.0.1')."
	assert_output pong
	stop_dn cut
	assert_equal "$STOP_RC" 0
}

@test "a peer silent past --net-ticktime: nodedown net_tick_timeout" {
	start_dn tick --name tick@127.0.0.1 --net-ticktime 2
	port=$(field "$(head -1 "$DIST_STATE/tick.out")" port)
	run -0 python3 "$DIST_ROOT/tests/helpers/dist_client.py" silent "$port" \
		mute@127.0.0.1 tick@127.0.0.1 "$COOKIE_FILE" 20
	assert_output $'handshake ok\nclosed'
	run -0 grep '"event":"nodedown"' "$DIST_STATE/tick.out"
	assert_output --partial '"reason":"net_tick_timeout"'
	assert_output --partial '"node":"mute@127.0.0.1"'
	stop_dn tick
}

@test "--timeout: exit 1 with a timeout record" {
	run -1 "$NODE" --cookie-file "$COOKIE_FILE" --name slow -t 300ms </dev/null
	assert_equal "$(field "${lines[1]}" event)" timeout
}

@test "stdout closed (| head -1): a clean exit, status 0" {
	bash -c '"$1" --cookie-file "$2" --name hd </dev/null | head -1 > "$3"; echo "${PIPESTATUS[0]}" > "$3.rc"' \
		_ "$NODE" "$COOKIE_FILE" "$DIST_STATE/hd.out" 3>&- &
	wait_for "ready through head" grep -q ready "$DIST_STATE/hd.out"
	# Something to print after head is gone: a peer connects.
	on n1 "net_adm:ping('hd@$HOST')." || true
	wait_for "dist-node to end" test -s "$DIST_STATE/hd.out.rc"
	run cat "$DIST_STATE/hd.out.rc"
	assert_output 0
}

@test "a stdout reader that stops slows the sender; memory stays bounded" {
	# The plain build: ASan's quarantine keeps freed memory resident,
	# which would hide what this measures.
	[[ -x $DIST_ROOT/bin/dist-node ]] || skip "bin/dist-node not built"
	local fifo="$DIST_STATE/slow.fifo" fd line pid hwm
	mkfifo "$fifo"
	# Opened read-write here, so dist-node's open does not wait; and
	# then nobody reads until the sender is well ahead.
	exec {fd}<>"$fifo"
	"$DIST_ROOT/bin/dist-node" --cookie-file "$COOKIE_FILE" --name slow \
		--register box --max-messages 20000 -o tagged </dev/null >"$fifo" 3>&- &
	pid=$!
	echo "$pid" >> "$DIST_STATE/pids"
	read -r -u "$fd" line
	assert_equal "$(field "$line" event)" ready
	# 20 000 messages of 4 000 bytes: 80 MB the node must not hold.
	run -0 on n1 "spawn(fun() -> B = binary:copy(<<\"x\">>, 4000), [{box, 'slow@$HOST'} ! {I, B} || I <- lists:seq(1, 20000)] end), ok."
	wait_for "the sender to be held back" test -e "/proc/$pid/status"
	sleep 2
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	echo "# peak RSS ${hwm} kB with the reader stopped" >&3
	[ "$hwm" -lt 40000 ] || fail "peak RSS ${hwm} kB while the reader was stopped"
	# Now read: every message arrives, in order, and the node ends. The
	# reader opens the FIFO read-only before our read-write end closes,
	# so it sees the end when dist-node exits.
	cat "$fifo" >"$DIST_STATE/slow.out" {fd}<&- 3>&- &
	catpid=$!
	wait_for "the reader to open the FIFO" fifo_open_by "$catpid" "$fifo"
	exec {fd}<&-
	wait "$pid"
	wait "$catpid"
	run python3 - "$DIST_STATE/slow.out" <<'PY'
import json, sys
ids = [json.loads(l)["msg"]["$tuple"][0] for l in open(sys.argv[1]) if '"message"' in l]
assert ids == list(range(1, 20001)), len(ids)
print("ok")
PY
	assert_output ok
}

# otp_got TERM: n1's test process stored TERM (asked anew on each call).
otp_got() {
	[ "$(on n1 "persistent_term:get(from_test, none).")" = "$1" ]
}

@test "\"from\" goes with a send to a pid as with a send to a name (dist-node and OTP)" {
	local fifo=$BATS_TEST_TMPDIR/fa.in pid otp
	mkfifo "$fifo"
	"$NODE" --cookie-file "$COOKIE_FILE" --name fa --register box -o tagged <"$fifo" \
		>"$DIST_STATE/fa.out" 2>"$DIST_STATE/fa.err" 3>&- &
	echo $! > "$DIST_STATE/fa.pid"
	echo $! >> "$DIST_STATE/pids"
	exec 7>"$fifo"
	wait_for "dist-node fa ready" grep -q '"event":"ready"' "$DIST_STATE/fa.out"
	echo '{"register": "box2"}' >&7
	wait_for "box2" grep -q '"name":"box2"' "$DIST_STATE/fa.out"
	pid=$(grep '"name":"box2"' "$DIST_STATE/fa.out" | jq -c .pid)
	# Another dist-node sends to that pid from its mailbox "out": the
	# message names that mailbox's pid as its sender.
	run -0 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name fb -o tagged \
		<<<'{"register": "out"}
{"send": '"$pid"', "term": "to_pid", "from": "out"}'
	out=$(grep '"name":"out"' <<<"$output" | jq -c .pid)
	wait_lines fa 1
	run -0 jq -c 'select(.event == "message") | [.to, .from]' "$DIST_STATE/fa.out"
	assert_output "[\"box2\",$out]"
	# An OTP process hands its pid over; a send to it from "box" is
	# delivered (SEND_SENDER, which OTP negotiates).
	on n1 "spawn(fun() -> {box, 'fa@$HOST'} ! self(), receive M -> persistent_term:put(from_test, M) end end), ok." >/dev/null
	wait_lines fa 2
	otp=$(grep '"to":"box"' "$DIST_STATE/fa.out" | jq -c .msg)
	printf '{"send": %s, "term": "back", "from": "box"}\n' "$otp" >&7
	wait_for "the OTP process got it" otp_got back
	exec 7>&-
	stop_dn fa
}
