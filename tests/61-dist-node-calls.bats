#!/usr/bin/env bats
# dist-node's commands against real epmd and erl nodes: gen_server calls
# and rpc over the node's own connection, monitors both ways, links,
# kept connections with backoff, simultaneous connects and --visible.

bats_require_minimum_version 1.5.0

# n1 keeps helper processes: `silent` takes a call and never answers;
# `linker` links to the pid it is sent and keeps the exit it gets.
HELPERS='register(silent, spawn(fun L() -> receive _ -> L() end end)), register(linker, spawn(fun L() -> process_flag(trap_exit, true), receive {link, P} -> link(P); {unlink, P} -> unlink(P); {'"'EXIT'"', _, R} -> persistent_term:put(linker_exit, R) end, L() end))'

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 short "" -eval "$HELPERS"
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
}

# on NODE EXPR: evaluate on a real node of the file (short names).
on() {
	local out
	out=$(erl_call -sname "$1" -c "$COOKIE" -e <<<"$2") || return 1
	out=${out#\{ok, }
	echo "${out%\}}"
}

# start_co ID ARGS...: dist-node as a coprocess: commands go in with
# `cmd ID JSON`, records land in $DIST_STATE/ID.out (stderr: ID.err).
start_co() {
	local id=$1 fifo="$DIST_STATE/$1.in"
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	start_dist_node "$id" --at-eof serve "$@" <>"$fifo"
	wait_for "dist-node $id ready" dist_node_ready "$id"
}

cmd() {
	echo "$2" > "$DIST_STATE/$1.in"
}

# rec_of ID PATTERN: the first record of ID.out matching PATTERN, once
# there is one.
rec_of() {
	wait_for "$2 in $1.out" grep -q -- "$2" "$DIST_STATE/$1.out" || return 1
	grep -m1 -- "$2" "$DIST_STATE/$1.out"
}

# on_is NODE EXPR WANT: EXPR evaluates to WANT on NODE (for waits: the
# command runs again on every try).
on_is() {
	[[ $(on "$1" "$2") == "$3" ]]
}

# count_ge ID EVENT N: ID.out has at least N records of EVENT.
count_ge() {
	(($(grep -c "\"event\":\"$2\"" "$DIST_STATE/$1.out") >= $3))
}

stop_co() {
	stop_dist_node "$1"
}

@test "call application_controller which_applications: the reply is a result record" {
	run -0 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name ca \
		<<<'{"call": "application_controller@n1@'"$HOST"'", "term": "which_applications", "id": "apps"}'
	r=$(grep '"command":"call"' <<<"$output")
	assert_equal "$(field "$r" ok)" true
	assert_equal "$(field "$r" id)" apps
	assert_equal "$(field "$r" node)" "n1@$HOST"
	run field "$r" reply
	assert_output --partial '"kernel"'
	assert_output --partial '"stdlib"'
	# gen:call's monitor is taken down with the reply.
	run -0 on n1 "{monitored_by, M} = process_info(whereis(application_controller), monitored_by), [P || P <- M, node(P) =:= 'ca@$HOST']."
	assert_output '[]'
}

@test "call code_server: what gen_server:call on the node itself gets" {
	# code_server speaks its own protocol in some OTP releases and
	# gen_server's in others: the answer must be the one Erlang gets.
	run -0 on n1 "case catch gen_server:call(code_server, {is_loaded, lists}, 1000) of {'EXIT', {timeout, _}} -> timeout; _ -> reply end."
	want=$output
	run --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name cc \
		<<<'{"call": "code_server@n1@'"$HOST"'", "term": "{is_loaded, lists}", "timeout": "1s"}'
	r=$(grep '"command":"call"' <<<"$output")
	if [[ $want == timeout ]]; then
		assert_equal "$(field "$r" error.code)" timeout
	else
		assert_equal "$(field "$r" ok)" true
	fi
}

@test "call an unknown name: noproc at once, not a timeout" {
	run -1 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name cn \
		<<<'{"call": "no_such_server@n1@'"$HOST"'", "term": "hello", "timeout": "60s", "id": 2}'
	r=$(grep '"command":"call"' <<<"$output")
	assert_equal "$(field "$r" ok)" false
	assert_equal "$(field "$r" error.code)" noproc
	assert_equal "$(field "$r" id)" 2
}

@test "call a server that never answers: timeout after the command's own timeout" {
	run -1 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name ct \
		<<<'{"call": ["silent", "n1@'"$HOST"'"], "term": "hello", "timeout": "300ms"}'
	r=$(grep '"command":"call"' <<<"$output")
	assert_equal "$(field "$r" error.code)" timeout
	assert_equal "$(field "$r" to)" silent
}

@test "call when the node dies: noconnection" {
	start_node n3 short "" -eval 'register(silent, spawn(fun L() -> receive _ -> L() end end))'
	start_co cd --name cd
	cmd cd '{"call": "silent@n3@'"$HOST"'", "term": "hello", "timeout": "120s", "id": 5}'
	rec_of cd '"nodeup"'
	kill -KILL "$(cat "$DIST_STATE/n3.pid")"
	run rec_of cd '"command":"call"'
	assert_equal "$(field "$output" error.code)" noconnection
	assert_equal "$(field "$output" id)" 5
	run rec_of cd '"nodedown"'
	assert_output --partial "n3@$HOST"
	stop_co cd
	# A failed command makes the exit status 1.
	assert_equal "$STOP_RC" 1
}

@test "rpc over the node's connection: a value, and badrpc for an undefined function" {
	run -1 --separate-stderr "$NODE" --cookie-file "$COOKIE_FILE" --name rp \
		< <(printf '%s\n' '{"rpc": "n1@'"$HOST"'", "m": "erlang", "f": "node", "id": 1}' \
			'{"rpc": "n1@'"$HOST"'", "m": "lists", "f": "seq", "a": "[1, 3]", "id": 2}' \
			'{"rpc": "n1@'"$HOST"'", "m": "nosuch", "f": "fun", "a": "[x]", "id": 3}')
	assert_equal "$(field "$(grep '"id":1' <<<"$output")" result)" "n1@$HOST"
	assert_equal "$(field "$(grep '"id":2' <<<"$output")" result)" "[1, 2, 3]"
	assert_equal "$(field "$(grep '"id":3' <<<"$output")" error.code)" badrpc
}

@test "monitor a BEAM process: a DOWN record with its exit reason; demonitor" {
	run -0 on n1 "register(victim, spawn(fun() -> receive stop -> exit(bye) end end)), register(victim2, spawn(fun() -> receive stop -> exit(bye) end end)), ok."
	start_co mp --name mp
	cmd mp '{"monitor": "victim@n1@'"$HOST"'", "id": "m1"}'
	cmd mp '{"monitor": "victim2@n1@'"$HOST"'", "id": "m2"}'
	ref2=$(field "$(rec_of mp '"id":"m2"')" ref)
	wait_for "the monitor of victim" on_is n1 "element(2, process_info(whereis(victim), monitored_by)) =/= []." true
	cmd mp '{"demonitor": "'"$ref2"'", "id": "d2"}'
	rec_of mp '"id":"d2"'
	wait_for "the demonitor of victim2" on_is n1 "element(2, process_info(whereis(victim2), monitored_by))." "[]"
	run -0 on n1 "victim ! stop, victim2 ! stop, ok."
	run rec_of mp '"event":"DOWN"'
	assert_equal "$(field "$output" id)" m1
	assert_equal "$(field "$output" reason)" bye
	assert_equal "$(field "$output" type)" process
	stop_co mp
	run grep -c '"event":"DOWN"' "$DIST_STATE/mp.out"
	assert_output 1
}

@test "monitor a node: DOWN when its connection goes" {
	start_node n4 short
	start_co mn --name mn
	cmd mn '{"monitor": "n4@'"$HOST"'", "id": "node"}'
	rec_of mn '"nodeup"'
	stop_node n4
	run rec_of mn '"event":"DOWN"'
	assert_equal "$(field "$output" type)" node
	assert_equal "$(field "$output" id)" node
	stop_co mn
}

@test "a BEAM monitor on a mailbox: DOWN when it is unregistered, noconnection when the node stops" {
	start_co mb --name mb --register box --register box2
	# Each watcher monitors, then pings over the same connection: the
	# pong comes after dist-node has taken the monitor in.
	run -0 on n1 "[spawn(fun() -> erlang:monitor(process, {B, 'mb@$HOST'}), pong = net_adm:ping('mb@$HOST'), persistent_term:put({mon, B}, set), receive D -> persistent_term:put({dn, B}, D) end end) || B <- [box, box2]], ok."
	wait_for "the monitors" on_is n1 "{persistent_term:get({mon, box}, no), persistent_term:get({mon, box2}, no)}." "{set, set}"
	cmd mb '{"unregister": "box", "reason": "shutdown", "id": "u"}'
	rec_of mb '"id":"u"'
	wait_for "DOWN of box" on_is n1 "persistent_term:get({dn, box}, none) =/= none." true
	run -0 on n1 "element(5, persistent_term:get({dn, box}))."
	assert_output shutdown
	stop_co mb
	wait_for "DOWN of box2" on_is n1 "persistent_term:get({dn, box2}, none) =/= none." true
	run -0 on n1 "element(5, persistent_term:get({dn, box2}))."
	assert_output noconnection
}

@test "a BEAM link to a mailbox: EXIT when it goes; unlink_id is acknowledged" {
	start_co lk --name lk --register lbox -o tagged
	# linker links to the mailbox's pid (mailbox 1 is pid 2).
	creation=$(field "$(head -1 "$DIST_STATE/lk.out")" creation)
	cmd lk '{"send": "linker@n1@'"$HOST"'", "msg": {"$tuple": [{"$atom": "link"}, {"$pid": {"node": "lk@'"$HOST"'", "id": 2, "serial": 0, "creation": '"$creation"'}}]}}'
	wait_for "the link" on_is n1 "length(element(2, process_info(whereis(linker), links))) >= 1." true
	# A ping over the same connection: dist-node has the link by now.
	run -0 on n1 "net_adm:ping('lk@$HOST')."
	cmd lk '{"unregister": "lbox", "reason": "gone", "id": "u"}'
	wait_for "EXIT at linker" on_is n1 "persistent_term:get(linker_exit, none) =/= none." true
	run -0 on n1 "persistent_term:get(linker_exit)."
	assert_output gone
	stop_co lk
	# UNLINK_ID is answered UNLINK_ID_ACK {36, Id, Box, Us}.
	start_co ul --name ul@127.0.0.1 --register ubox
	port=$(field "$(head -1 "$DIST_STATE/ul.out")" port)
	creation=$(field "$(head -1 "$DIST_STATE/ul.out")" creation)
	run -0 python3 "$DIST_ROOT/tests/helpers/dist_client.py" unlink "$port" \
		peer@127.0.0.1 ul@127.0.0.1 "$COOKIE_FILE" 2 "$creation"
	assert_output $'handshake ok\nack 7'
	stop_co ul
}

@test "--connect: nodeup, nodedown when it dies, nodeup again after a restart" {
	start_co kc --name kc --connect "n5@$HOST"
	start_node n5 short
	rec_of kc '"nodeup"'
	stop_node n5
	rec_of kc '"nodedown"'
	start_node n5 short
	wait_long "a second nodeup" count_ge kc nodeup 2
	run -0 on n5 "lists:member('kc@$HOST', nodes(hidden))."
	assert_output true
	cmd kc '{"disconnect": "n5@'"$HOST"'", "id": "x"}'
	run rec_of kc '"id":"x"'
	assert_equal "$(field "$output" ok)" true
	run rec_of kc '"reason":"disconnect"'
	stop_co kc
	stop_node n5
}

@test "simultaneous connect (both sides at once): one connection, both agree" {
	local r bg
	# Names that sort before n1 (it wins: we answer ok_simultaneous, or
	# it answers our attempt nok) and after it (we win: we answer nok).
	for r in asim1 sim1 asim2 sim2; do
		# n1 dials the moment the name is in EPMD, as dist-node dials
		# n1 the moment it has registered.
		on n1 "W = fun W(0) -> gave_up; W(N) -> case erl_epmd:port_please(\"$r\", \"127.0.0.1\") of {port, _, _} -> net_kernel:connect_node('$r@$HOST'); _ -> timer:sleep(1), W(N - 1) end end, W(30000)." \
			>"$DIST_STATE/$r.beam" 2>&1 3>&- &
		bg=$!
		start_co "$r" --name "$r" --connect "n1@$HOST"
		rec_of "$r" '"nodeup"'
		wait "$bg"
		run cat "$DIST_STATE/$r.beam"
		assert_output true
		run -0 on n1 "length([x || {'$r@$HOST', _} <- erlang:system_info(dist_ctrl)])."
		assert_output 1
		sleep 0.5
		run grep -c '"event":"nodeup"' "$DIST_STATE/$r.out"
		assert_output 1
		run grep -c '"event":"nodedown"' "$DIST_STATE/$r.out"
		assert_output 0
		stop_co "$r"
	done
}

@test "--visible: in nodes(), global:sync() returns, pg works" {
	start_co vis --name vis --visible --connect "n1@$HOST"
	rec_of vis '"nodeup"'
	run -0 on n1 "lists:member('vis@$HOST', nodes())."
	assert_output true
	run -0 on n1 "P = self(), spawn(fun() -> P ! {r, global:sync()} end), receive {r, R} -> R after 20000 -> hung end."
	assert_output ok
	run -0 on n1 "global:register_name(vis_test, self()), global:whereis_name(vis_test) =:= self()."
	assert_output true
	run -0 on n1 "pg:start(pg), pg:join(vis_grp, self()), length(pg:get_members(vis_grp))."
	assert_output 1
	stop_co vis
}

@test "hidden by default: not in nodes(), and global never hears of it" {
	start_co hid --name hid --connect "n1@$HOST"
	rec_of hid '"nodeup"'
	run -0 on n1 "{lists:member('hid@$HOST', nodes()), lists:member('hid@$HOST', nodes(hidden))}."
	assert_output '{false, true}'
	stop_co hid
}

@test "register and unregister at run time; mistakes are result records" {
	start_co rg --name rg
	cmd rg '{"register": "late", "id": 1}'
	run rec_of rg '"id":1'
	assert_equal "$(field "$output" ok)" true
	cmd rg '{"register": "late", "id": 2}'
	run rec_of rg '"id":2'
	assert_equal "$(field "$output" error.code)" name_in_use
	run -0 on n1 "{late, 'rg@$HOST'} ! hello_late, ok."
	run rec_of rg '"event":"message"'
	assert_output --partial '"to":"late"'
	cmd rg '{"unregister": "late", "id": 3}'
	cmd rg '{"unregister": "late", "id": 4}'
	run rec_of rg '"id":4'
	assert_equal "$(field "$output" error.code)" noproc
	cmd rg '{"demonitor": "#Ref<0.1.2.3>", "id": 5}'
	run rec_of rg '"id":5'
	assert_equal "$(field "$output" error.code)" usage
	stop_co rg
}
