#!/usr/bin/env bats
# dist-node and EPMD: the embedded EPMD serving real erl nodes and the
# real epmd client, registering again when EPMD restarts, and --count N
# nodes in one process, pinged and unregistered together.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
}

# dn ID ARGS...: dist-node in the background; ID.out, ID.err, ID.pid.
dn() {
	start_dist_node "$@" </dev/null
}

# stop ID: SIGTERM and its exit status in $STOP_RC.
stop() {
	stop_dist_node "$1"
}

# records ID EVENT: how many records of that event ID wrote (out + err).
records() {
	cat "$DIST_STATE/$1.out" "$DIST_STATE/$1.err" |
		grep -c "\"event\":\"$2\"" || true
}

# at_least ID EVENT N: ID wrote N records of EVENT or more (a command
# for wait_long: counted again on every try).
at_least() {
	[ "$(records "$1" "$2")" -ge "$3" ]
}

# sims_gone PORT: no sim* name left in EPMD on PORT.
sims_gone() {
	! names "$1" | grep -q '^name sim'
}

# names PORT: epmd -names on PORT, the real epmd binary as the client.
names() {
	epmd -port "$1" -names
}

listed() {
	names "$1" | grep -q "^name $2 at port "
}

not_listed() {
	! names "$1" | grep -q "^name $2 at port "
}

# erl_on PORT NAME EXPR: a one-shot long-name erl against EPMD on PORT.
erl_on() {
	ERL_EPMD_PORT=$1 erl -name "$2@127.0.0.1" -setcookie "$COOKIE" \
		-noinput -noshell -start_epmd false \
		-eval "io:format(\"~p~n\", [$3]), halt()." 3>&-
}

@test "embedded EPMD: erl nodes register, epmd -names and dist-discover list them, erl pings erl" {
	port=$(free_port)
	dn emb --name emb@127.0.0.1 --epmd embedded --epmd-port "$port"
	wait_long "emb ready" grep -q '"event":"ready"' "$DIST_STATE/emb.out"
	ERL_EPMD_PORT=$port erl -name ea@127.0.0.1 -setcookie "$COOKIE" \
		-noinput -noshell -start_epmd false \
		>"$DIST_STATE/ea.log" 2>&1 3>&- &
	ea=$!
	echo $ea >> "$DIST_STATE/pids"
	wait_long "ea registered" listed "$port" ea
	run -0 names "$port"
	assert_output --partial "epmd: up and running on port $port with data:"
	assert_output --partial "name emb at port "
	run -0 "$DIST_BIN/dist-discover" --epmd -H 127.0.0.1 --host-form address --epmd-port "$port"
	assert_output --partial '"node":"ea@127.0.0.1"'
	assert_output --partial '"node":"emb@127.0.0.1"'
	# A second erl finds both through PORT_PLEASE2 and lists NAMES.
	run -0 erl_on "$port" eb "{net_adm:ping('ea@127.0.0.1'), net_adm:ping('emb@127.0.0.1'), lists:sort([N || {N, _} <- element(2, net_adm:names())])}"
	assert_output '{pong,pong,["ea","eb","emb"]}'
	# The registering socket closes with the node: the name goes.
	kill "$ea"
	wait "$ea" || true
	wait_long "ea unregistered" not_listed "$port" ea
	run -0 listed "$port" emb
	stop emb
	assert_equal "$STOP_RC" 0
}

@test "embedded EPMD: garbage and a refused request close that client only" {
	port=$(free_port)
	dn embg --name embg@127.0.0.1 --epmd embedded --epmd-port "$port"
	wait_long "embg ready" grep -q '"event":"ready"' "$DIST_STATE/embg.out"
	run -0 python3 - "$port" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
def ask(req):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            return data
        data += b
# An oversized length, an unknown request, a KILL: closed unanswered.
assert ask(b"\xff\xff" + b"x" * 100) == b""
assert ask(b"\x00\x01\x07") == b""
assert ask(b"\x00\x01k") == b""
# A name taken by the node itself: ALIVE2 refused with result 1.
name = b"embg"
req = b"x" + struct.pack(">HBBHHH", 5000, 77, 0, 6, 6, len(name)) + name + b"\x00\x00"
s = socket.create_connection(("127.0.0.1", port))
s.sendall(struct.pack(">H", len(req)) + req)
assert s.recv(16)[:2] == b"v\x01"
# PORT_PLEASE2 for an unknown name: 'w', result 1.
assert ask(b"\x00\x05znone") == b"w\x01"
PY
	run -0 listed "$port" embg
	stop embg
	assert_equal "$STOP_RC" 0
}

# Two network namespaces of our own joined by a veth pair: dist-node
# serves EPMD in one, a client in the other is another host.
netns_pair() {
	NS_A=dnA$$ NS_B=dnB$$
	[ "$(id -u)" = 0 ] || skip "network namespaces need root"
	ip netns add "$NS_A" || skip "cannot create a network namespace"
	ip netns add "$NS_B"
	ip link add "va$$" type veth peer name "vb$$"
	ip link set "va$$" netns "$NS_A"
	ip link set "vb$$" netns "$NS_B"
	ip -n "$NS_A" addr add 10.253.0.1/24 dev "va$$"
	ip -n "$NS_B" addr add 10.253.0.2/24 dev "vb$$"
	ip -n "$NS_A" link set "va$$" up
	ip -n "$NS_B" link set "vb$$" up
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
}

teardown() {
	if [ -n "${NS_A:-}" ]; then
		[ -f "$DIST_STATE/nsemb.pid" ] &&
			kill "$(cat "$DIST_STATE/nsemb.pid")" 2>/dev/null
		ip netns del "$NS_A" 2>/dev/null || true
		ip netns del "$NS_B" 2>/dev/null || true
	fi
}

@test "embedded EPMD: ALIVE2 from another host is refused, NAMES is answered" {
	netns_pair
	ip netns exec "$NS_A" "$NODE" --cookie-file "$COOKIE_FILE" \
		--name nsemb@127.0.0.1 --epmd embedded --epmd-port 14369 \
		</dev/null >"$DIST_STATE/nsemb.out" 2>&1 3>&- &
	echo $! > "$DIST_STATE/nsemb.pid"
	wait_long "nsemb ready" grep -q '"event":"ready"' "$DIST_STATE/nsemb.out"
	run -0 ip netns exec "$NS_B" python3 - <<'PY'
import socket, struct
def ask(req):
    s = socket.create_connection(("10.253.0.1", 14369), timeout=20)
    s.sendall(struct.pack(">H", len(req)) + req)
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            return data
        data += b
name = b"intruder"
alive2 = b"x" + struct.pack(">HBBHHH", 5000, 77, 0, 6, 6, len(name)) + name + b"\x00\x00"
# Registering from another host: closed without an answer, as epmd does.
assert ask(alive2) == b"", "ALIVE2 answered"
names = ask(b"n")
assert names[:4] == struct.pack(">I", 14369), names
assert b"name nsemb at port " in names and b"intruder" not in names, names
print("refused")
PY
	assert_output refused
	# From the same host, the same request registers.
	run -0 ip netns exec "$NS_A" python3 -c '
import socket, struct
s = socket.create_connection(("127.0.0.1", 14369))
req = b"x" + struct.pack(">HBBHHH", 5000, 77, 0, 6, 6, 5) + b"local" + b"\0\0"
s.sendall(struct.pack(">H", len(req)) + req)
print(s.recv(2)[:2] == b"v\0")'
	assert_output True
}

@test "--epmd embedded on a port an EPMD holds: exit 3; auto registers with that EPMD" {
	run -3 "$NODE" --cookie-file "$COOKIE_FILE" --name x@127.0.0.1 \
		--epmd embedded --epmd-port "$ERL_EPMD_PORT" </dev/null
	assert_output --partial "port $ERL_EPMD_PORT is taken"
	dn auto --name auto@127.0.0.1
	wait_long "auto ready" grep -q '"event":"ready"' "$DIST_STATE/auto.out"
	run -0 listed "$ERL_EPMD_PORT" auto
	stop auto
	wait_long "auto unregistered" not_listed "$ERL_EPMD_PORT" auto
}

@test "--epmd auto with no EPMD on the port serves one; external fails with exit 3" {
	port=$(free_port)
	run -3 "$NODE" --cookie-file "$COOKIE_FILE" --name x@127.0.0.1 \
		--epmd external --epmd-port "$port" </dev/null
	assert_output --partial "no EPMD answers on 127.0.0.1 port $port"
	dn solo --name solo@127.0.0.1 --epmd-port "$port"
	wait_long "solo ready" grep -q '"event":"ready"' "$DIST_STATE/solo.out"
	run -0 listed "$port" solo
	stop solo
	assert_equal "$STOP_RC" 0
}

@test "EPMD restarted under the node: registered again, and erl reaches it" {
	port=$(free_port)
	epmd -port "$port" >/dev/null 2>&1 3>&- &
	ep=$!
	echo $ep >> "$DIST_STATE/pids"
	wait_long "epmd on $port" names "$port"
	dn again --name again@127.0.0.1 --epmd external --epmd-port "$port"
	wait_long "again ready" grep -q '"event":"ready"' "$DIST_STATE/again.out"
	kill "$ep"
	wait "$ep" || true
	wait_long "epmd_lost" at_least again epmd_lost 1
	epmd -port "$port" >/dev/null 2>&1 3>&- &
	ep=$!
	echo $ep >> "$DIST_STATE/pids"
	wait_long "registered again" at_least again epmd_registered 1
	run -0 listed "$port" again
	run -0 grep '"event":"epmd_registered"' "$DIST_STATE/again.err"
	assert_output --regexp '"creation":[1-9][0-9]*'
	run -0 erl_on "$port" pinger "net_adm:ping('again@127.0.0.1')"
	assert_output pong
	stop again
	assert_equal "$STOP_RC" 0
	kill "$ep"
}

@test "--count 200: every node answers one dist-ping run; SIGTERM unregisters them all" {
	dn many --count 200 --name 'sim%d@127.0.0.1'
	wait_long "200 ready" at_least many ready 200
	run -0 names "$ERL_EPMD_PORT"
	assert_equal "$(grep -c '^name sim[0-9]* at port ' <<<"$output")" 200
	jq -r .node "$DIST_STATE/many.out" > "$DIST_STATE/many.names"
	run -0 sort -u "$DIST_STATE/many.names"
	assert_equal "${#lines[@]}" 200
	run -0 "$DIST_BIN/dist-ping" --cookie-file "$COOKIE_FILE" -t 120s \
		< "$DIST_STATE/many.names"
	assert_equal "$(grep -c '"ok":true' <<<"$output")" 200
	stop many
	assert_equal "$STOP_RC" 0
	wait_long "names gone" sims_gone "$ERL_EPMD_PORT"
}

@test "--count with too few file descriptors: a message saying how many and how to raise them" {
	run -3 bash -c 'ulimit -n 100 && exec "$0" --cookie-file "$1" --count 200 --name "sim%d@127.0.0.1" </dev/null' \
		"$NODE" "$COOKIE_FILE"
	assert_output --partial "--count 200 needs about 656 file descriptors"
	assert_output --partial "ulimit -n"
}

@test "--count: the name is a pattern with exactly one %d; no --port" {
	run -2 "$NODE" --cookie-file "$COOKIE_FILE" --count 2 --name sim@127.0.0.1
	assert_output --partial "exactly one %d"
	run -2 "$NODE" --cookie-file "$COOKIE_FILE" --count 2 --name 'sim%d%d@127.0.0.1'
	assert_output --partial "exactly one %d"
	run -2 "$NODE" --cookie-file "$COOKIE_FILE" --count 2 --name 'sim%s@127.0.0.1'
	assert_output --partial "exactly one %d"
	run -2 "$NODE" --cookie-file "$COOKIE_FILE" --count 2 --name 'sim%d@127.0.0.1' --port 5000
	assert_output --partial "--count and --port"
	run -2 "$NODE" --cookie-file "$COOKIE_FILE" --count 0 --name 'sim%d@127.0.0.1'
	run -2 "$NODE" --cookie-file "$COOKIE_FILE" --epmd sometimes --name a@127.0.0.1
	assert_output --partial "use auto, external or embedded"
}
