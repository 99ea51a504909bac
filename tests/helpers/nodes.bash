# nodes.bash - start and stop the real components the suites talk to:
# one epmd on a private port, real erl nodes, misbehaving peers. Every
# process is started here, recorded by pid, and stopped by pid.
#
# Use in a .bats file:
#   setup_file()    { load helpers/nodes; nodes_setup; start_node n1 short; }
#   teardown_file() { load helpers/nodes; nodes_teardown; }

DIST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Binaries under test: the sanitizer build unless told otherwise.
: "${DIST_BIN:=$DIST_ROOT/build/san/bin}"
export DIST_BIN
# Leaks are real defects: keep LeakSanitizer on, fail loudly.
# A sanitizer report exits 86, which no program of ours uses, so a test
# expecting "exit 1" cannot pass on a memory error.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:exitcode=86}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}"
# The suites run python3 hundreds of times (field, free_port, peers).
# Through a version manager's shim (pyenv) every call first runs a shell
# script and a few processes, most of a call's cost: find the interpreter
# the shim picks once, and put its own directory first in PATH.
if [ -z "${DIST_PYTHON_DIR:-}" ] &&
	DIST_PYTHON_DIR=$(python3 -c 'import os, sys; print(os.path.dirname(sys.executable))'); then
	PATH="$DIST_PYTHON_DIR:$PATH"
	export DIST_PYTHON_DIR PATH
fi

# field JSON PATH: one value out of a record, jq-like without jq (dots;
# numbers index arrays); strings bare, everything else as JSON.
# python3 -S (no site module: only the standard library is needed) here
# and in free_port, which the suites call hundreds of times: half the
# start-up.
field() {
	python3 -S -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split(".") if sys.argv[2] else []:
    v=v[k] if isinstance(v,dict) else v[int(k)]
print(json.dumps(v, ensure_ascii=False, sort_keys=True) if not isinstance(v,str) else v)' "$1" "$2"
}

free_port() {
	python3 -S -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

short_host() {
	local h
	h=$(hostname)
	echo "${h%%.*}"
}

# The state of a file's components lives in $BATS_FILE_TMPDIR so every
# test of the file (each its own subshell) sees it.
nodes_setup() {
	local port
	export DIST_STATE="$BATS_FILE_TMPDIR/nodes"
	mkdir -p "$DIST_STATE"
	: > "$DIST_STATE/pids"
	port=$(free_port)
	echo "$port" > "$DIST_STATE/epmd_port"
	export ERL_EPMD_PORT=$port
	epmd -port "$port" >"$DIST_STATE/epmd.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "epmd on port $port" epmd_alive
	# One cookie for the file's nodes, in a file only we can read.
	head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20 \
		> "$DIST_STATE/cookie"
	chmod 400 "$DIST_STATE/cookie"
}

nodes_load() {
	export DIST_STATE="$BATS_FILE_TMPDIR/nodes"
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port")
	export ERL_EPMD_PORT
	COOKIE_FILE="$DIST_STATE/cookie"
	COOKIE=$(cat "$COOKIE_FILE")
	export COOKIE_FILE COOKIE
	HOST=$(short_host)
	export HOST
}

# suite_setup: what every test of a suite that talks to components
# starts with, in its setup(): the bats assertions, the file's
# components (nodes_load) and the programs under test by name.
# shellcheck disable=SC2034 # the names are for the suites
suite_setup() {
	load /usr/lib/bats/bats-support/load
	load /usr/lib/bats/bats-assert/load
	nodes_load
	PING="$DIST_BIN/dist-ping"
	RPC="$DIST_BIN/dist-rpc"
	DISCOVER="$DIST_BIN/dist-discover"
	NODE="$DIST_BIN/dist-node"
}

epmd_alive() {
	epmd -port "$ERL_EPMD_PORT" -names >/dev/null 2>&1
}

# wait_until TRIES PAUSE WHAT CMD...: run CMD until it succeeds, at most
# TRIES times PAUSE seconds apart; say what was given up on.
wait_until() {
	local tries=$1 pause=$2 what=$3 _
	shift 3
	for _ in $(seq 1 "$tries"); do
		"$@" && return 0
		sleep "$pause"
	done
	echo "gave up waiting for $what" >&2
	return 1
}

# wait_for WHAT CMD...: 10 s, for what is quick.
wait_for() {
	wait_until 200 0.05 "$@"
}

# wait_long WHAT CMD...: as wait_for, with a bound for what takes long
# on a loaded machine (backoff, a restart): 60 s.
wait_long() {
	wait_until 600 0.1 "$@" && return 0
	tail -n 3 "$DIST_STATE"/*.err >&2 2>/dev/null
	return 1
}

node_registered() {
	epmd -port "$ERL_EPMD_PORT" -names 2>/dev/null | grep -q "^name $1 at port"
}

# start_node NAME short|long|ipv6 [COOKIE] [erl args...]
#   short: NAME@<short host>; long: NAME@127.0.0.1; ipv6: NAME@::1 over
#   inet6_tcp
start_node() {
	local name=$1 style=$2 cookie=${3:-}
	shift 2
	[ $# -gt 0 ] && shift
	[ -n "$cookie" ] || cookie=$(cat "$DIST_STATE/cookie")
	local flag=-sname full=$name
	if [ "$style" = long ]; then
		flag=-name
		full=$name@127.0.0.1
	elif [ "$style" = ipv6 ]; then
		flag=-name
		full=$name@::1
		set -- -proto_dist inet6_tcp "$@"
	fi
	# A node registers with EPMD before kernel starts the process that
	# turns SIGTERM into init:stop(): a SIGTERM in between is lost and
	# the node runs on. -eval runs once the boot is complete, so a
	# node is "started" only when it can also be stopped.
	rm -f "$DIST_STATE/$name.ready"
	# +sbwt none...: no scheduler spins waiting for work after each bit
	# of it (the default, for a machine the node has to itself): a
	# third of a node's CPU while a suite talks to it, on cores the
	# suites share.
	DIST_NODE_READY="$DIST_STATE/$name.ready" \
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
	erl +sbwt none +sbwtdcpu none +sbwtdio none \
		$flag "$full" -setcookie "$cookie" -noinput -noshell -start_epmd false "$@" \
		-eval 'ok = file:write_file(os:getenv("DIST_NODE_READY"), <<>>)' \
		>"$DIST_STATE/$name.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	echo $! > "$DIST_STATE/$name.pid"
	# A boot is seconds of CPU: with suites booting nodes side by side on
	# a loaded machine, allow it the long bound.
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
		wait_long "node $name" node_registered "$name"
	wait_long "node $name to finish booting" test -e "$DIST_STATE/$name.ready"
}

# stop_pid PID: SIGTERM, up to 5 s, then SIGKILL, so that no process
# that ignores SIGTERM can hang the suite. The caller may not be the
# parent (bats runs setup_file and the tests in different shells), so
# "gone" is kill -0 failing, not wait returning.
stop_pid() {
	local pid=$1 _
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "pid $pid ignored SIGTERM for 5 s: SIGKILL" >&2
	kill -KILL "$pid" 2>/dev/null || true
}

stop_node() {
	stop_pid "$(cat "$DIST_STATE/$1.pid")"
}

# start_peer MODE NAME: a peer.py listener; its port in $DIST_STATE/NAME.port
start_peer() {
	local mode=$1 name=$2
	python3 "$DIST_ROOT/tests/helpers/peer.py" "$mode" "$DIST_STATE/$name.port" \
		>"$DIST_STATE/$name.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "peer $name" test -s "$DIST_STATE/$name.port"
}

# register_stale NAME PORT: EPMD lists NAME at PORT, nothing listens there.
register_stale() {
	python3 "$DIST_ROOT/tests/helpers/peer.py" register "$1" \
		"$(cat "$DIST_STATE/epmd_port")" "$2" >"$DIST_STATE/$1.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
		wait_for "stale registration $1" node_registered "$1"
}

# start_dist_node ID ARGS...: dist-node (the build under test) in the
# background with the file's cookie, reading the caller's stdin (give
# it one: </dev/null, a FIFO); stdout, stderr and pid in
# $DIST_STATE/ID.out, ID.err and ID.pid. Does not wait for it.
start_dist_node() {
	local id=$1
	shift
	"$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" "$@" <&0 \
		>"$DIST_STATE/$id.out" 2>"$DIST_STATE/$id.err" 3>&- &
	echo $! > "$DIST_STATE/$id.pid"
	echo $! >> "$DIST_STATE/pids"
}

# dist_node_ready ID: its "ready" record is out (for waits).
dist_node_ready() {
	grep -q '"event":"ready"' "$DIST_STATE/$1.out"
}

# stop_dist_node ID: SIGTERM to a dist-node this shell started; its exit
# status in $STOP_RC.
# shellcheck disable=SC2034 # STOP_RC is for the suites
stop_dist_node() {
	local pid
	pid=$(cat "$DIST_STATE/$1.pid")
	kill -TERM "$pid"
	STOP_RC=0
	wait "$pid" || STOP_RC=$?
}

# Evaluate an Erlang expression on a node with erl_call (the reference
# client), for checks from the node's point of view.
erl_eval_on() {
	local node=$1 expr=$2
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
		erl_call -sname "$node" -c "$(cat "$DIST_STATE/cookie")" -e <<<"$expr"
}

nodes_teardown() {
	local pid
	[ -f "$DIST_STATE/pids" ] || return 0
	# Reverse order: nodes before the epmd they are registered with.
	for pid in $(tac "$DIST_STATE/pids"); do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $(tac "$DIST_STATE/pids"); do
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "pid $pid ignored SIGTERM for 5 s: SIGKILL" >&2
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
}

# start_dnsmasq: a real DNS server on a loopback port, authoritative for
# the .test domain (A records given as NAME=ADDR arguments), NXDOMAIN for
# other .test names; nothing is forwarded anywhere. Sets $DNS_PORT.
start_dnsmasq() {
	local port args=() rec
	port=$(free_port)
	for rec in "$@"; do
		args+=("--address=/${rec%%=*}/${rec#*=}")
	done
	dnsmasq --keep-in-foreground --conf-file=/dev/null --port="$port" \
		--listen-address=127.0.0.1 --bind-interfaces --no-resolv \
		--no-hosts --local=/test/ --user=root --pid-file= \
		"${args[@]}" >"$DIST_STATE/dnsmasq.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	echo "$port" > "$DIST_STATE/dns_port"
	wait_for "dnsmasq" dns_alive "$port"
}

dns_alive() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05probe\x04test\x00\x00\x01\x00\x01"
s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
try:
    s.recvfrom(512)
except OSError:
    sys.exit(1)
PY
}

# start_dnsmasq_opts NAME [dnsmasq options...]: another DNS server on a
# loopback port with raw options (--host-record, --srv-host,
# --addn-hosts...), authoritative for .test, forwarding nothing: a name
# outside .test is REFUSED. Its port is in $DIST_STATE/NAME.dns_port.
start_dnsmasq_opts() {
	local name=$1 port
	shift
	port=$(free_port)
	dnsmasq --keep-in-foreground --conf-file=/dev/null --port="$port" \
		--listen-address=127.0.0.1 --bind-interfaces --no-resolv \
		--no-hosts --local=/test/ --user=root --pid-file= \
		"$@" >"$DIST_STATE/$name.dnsmasq.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	echo "$port" > "$DIST_STATE/$name.dns_port"
	wait_for "dnsmasq $name" dns_alive "$port"
}

# start_udp_blackhole NAME: a UDP socket on loopback that reads and never
# answers (a DNS server that does not respond). Port in NAME.port.
start_udp_blackhole() {
	local name=$1
	python3 -c '
import socket, sys, os
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    s.recvfrom(4096)
' "$DIST_STATE/$name.port" >"$DIST_STATE/$name.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "udp blackhole $name" test -s "$DIST_STATE/$name.port"
}

# start_http_server: tests/helpers/http_server.py on loopback, serving
# tests/fixtures/discover. Port in $DIST_STATE/http.port, requests
# logged to $DIST_STATE/http.requests.
start_http_server() {
	: > "$DIST_STATE/http.requests"
	python3 "$DIST_ROOT/tests/helpers/http_server.py" \
		"$DIST_ROOT/tests/fixtures/discover" "$DIST_STATE/http.port" \
		"$DIST_STATE/http.requests" >"$DIST_STATE/http.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "http server" test -s "$DIST_STATE/http.port"
}
