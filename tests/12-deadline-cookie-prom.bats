#!/usr/bin/env bats
# The command deadline bounds the process whatever the DNS server does;
# cookies outside ASCII digest as the node digests them; --prom files
# pass Prometheus' own checker and name the node that failed.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 short
	# A cookie outside ASCII; the node runs in a UTF-8 locale, as the
	# suite does (LANG=C.UTF-8), so it holds the atom 'café'.
	LANG=C.UTF-8 start_node latin short 'café'
	start_udp_blackhole deaddns
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	DEADDNS="127.0.0.1:$(cat "$DIST_STATE/deaddns.port")"
	unset DIST_RESOLVER
}

# bounded LIMIT CMD...: run CMD (as bats' run does) under an outer
# timeout of 60 s, and fail when it took LIMIT seconds or more. A hang
# detector, not a timing assertion: the limits are many times the
# deadline given.
bounded() {
	local limit=$1 t0 t1
	shift
	t0=$(date +%s)
	run timeout 60 "$@"
	t1=$(date +%s)
	if [ "$status" -eq 124 ] || [ $((t1 - t0)) -ge "$limit" ]; then
		echo "still running after $((t1 - t0)) s: $*" >&2
		return 1
	fi
}

# ---- the deadline bounds the process ----------------------------------

@test "dist-ping -t ends the process when the DNS server never answers" {
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 2s a@multi.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
	assert_equal "$(field "$output" error.stage)" resolve
}

@test "dist-rpc -t ends the process when the DNS server never answers" {
	bounded 15 "$RPC" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 2s a@multi.test erlang node
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
}

@test "a stage timeout (--connect-timeout) leaves no DNS question behind" {
	# The command deadline is far away: only the abandoned lookup
	# could keep the process alive.
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		--connect-timeout 1s -t 120s a@multi.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
}

@test "many targets from stdin, few slots: every one ends by the deadline" {
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 2s --concurrency 2 < <(printf 'a%d@multi%d.test\n' 1 1 2 2 3 3 4 4)
	assert_failure 1
	assert_equal "${#lines[@]}" 4
}

@test "a dead DNS server does not delay a node reached by address" {
	bounded 15 "$PING" --cookie-file "$COOKIE_FILE" --resolver "$DEADDNS" \
		-t 5s a@multi.test "n1@$HOST"
	assert_failure 1
	assert_output --partial '"ok":true'
}

@test "dist-discover DNS sources end at the poll deadline" {
	bounded 15 "$DISCOVER" --resolver "$DEADDNS" -t 2s --query multi.test -b a
	assert_failure 1
	assert_output --partial '"code":"timeout"'
	bounded 15 "$DISCOVER" --resolver "$DEADDNS" -t 2s --srv a@_e._tcp.multi.test
	assert_failure 1
	assert_output --partial '"code":"timeout"'
	bounded 15 "$DISCOVER" --resolver "$DEADDNS" -t 2s -H multi.test
	assert_failure 1
	assert_output --partial '"code":"timeout"'
}

# ---- what is started can be stopped -----------------------------------

@test "a node is stoppable by SIGTERM as soon as start_node returns" {
	# Before kernel's signal server runs, erl drops SIGTERM: a node
	# that is only registered with EPMD may never stop.
	start_node early short
	run --separate-stderr stop_node early
	assert_success
	refute [ -n "$stderr" ]
	pid=$(cat "$DIST_STATE/early.pid")
	run kill -0 "$pid"
	assert_failure
}

@test "stop_pid ends a process that ignores SIGTERM" {
	bash -c 'trap "" TERM; while :; do sleep 1; done' 3>&- &
	pid=$!
	run --separate-stderr stop_pid "$pid"
	assert_success
	assert_equal "$stderr" "pid $pid ignored SIGTERM for 5 s: SIGKILL"
	run kill -0 "$pid"
	assert_failure
}

@test "make demo ends, says stopped, and leaves no process behind" {
	[ -x "$DIST_ROOT/bin/dist-ping" ] || skip "bin/ not built (make all)"
	dir="$BATS_TEST_TMPDIR/demo-tmp"
	mkdir -p "$dir"
	TMPDIR=$dir run timeout 120 "$DIST_ROOT/scripts/demo"
	assert_success
	assert_line "demo done: everything it started is stopped."
	# Everything the demo started inherited its TMPDIR.
	run bash -c 'grep -lsx "TMPDIR='"$dir"'" -z /proc/[0-9]*/environ'
	assert_output ""
	run ls -A "$dir"
	assert_output ""
}

# ---- cookies outside ASCII ----------------------------------------------

cafe_ping() {
	run "$PING" -t 10s "latin@$HOST" "$@"
}

@test "a Latin-1 cookie works from \$ERLANG_COOKIE and \$RELEASE_COOKIE" {
	ERLANG_COOKIE='café' cafe_ping
	assert_success
	RELEASE_COOKIE='café' cafe_ping
	assert_success
	# The bytes matter: the ASCII look-alike is another cookie.
	ERLANG_COOKIE='cafe' cafe_ping
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_allowed
}

@test "a Latin-1 cookie works from --cookie, for dist-ping and dist-rpc" {
	cafe_ping --cookie 'café'
	assert_success
	run --separate-stderr "$RPC" -t 10s --cookie 'café' "latin@$HOST" erlang node
	assert_success
	assert_equal "$(field "$output" result)" "latin@$HOST"
}

@test "a Latin-1 cookie works from vm.args -setcookie, quoted or not" {
	va="$BATS_TEST_TMPDIR/vm.args"
	printf -- '-sname latin\n-setcookie café\n' > "$va"
	cafe_ping --vm-args "$va"
	assert_success
	printf -- "-sname latin\n-setcookie 'café'\n" > "$va"
	cafe_ping --vm-args "$va"
	assert_success
}

@test "a cookie file holding UTF-8 is refused, as erl refuses it" {
	home="$BATS_TEST_TMPDIR/home"
	mkdir -p "$home"
	printf 'café\n' > "$home/.erlang.cookie"
	chmod 400 "$home/.erlang.cookie"
	run "$PING" --cookie-file "$home/.erlang.cookie" "latin@$HOST"
	assert_failure 3
	assert_output --partial "printable ASCII"
	run env -u ERLANG_COOKIE -u RELEASE_COOKIE HOME="$home" \
		XDG_CONFIG_HOME="$home/xdg" "$PING" "latin@$HOST"
	assert_failure 3
	assert_output --partial "$home/.erlang.cookie"
	# The reference: erl with the same file cannot start distribution.
	# (Its crash dump goes to the test's directory, not the tree.)
	run env HOME="$home" XDG_CONFIG_HOME="$home/xdg" \
		ERL_CRASH_DUMP="$BATS_TEST_TMPDIR/erl_crash.dump" timeout 60 \
		erl -sname utf8file -noshell -start_epmd false -eval 'halt().'
	assert_output --partial "Bad characters in cookie"
}

@test "an ASCII ~/.erlang.cookie is read with \$HOME elsewhere" {
	home="$BATS_TEST_TMPDIR/home2"
	mkdir -p "$home"
	cp "$COOKIE_FILE" "$home/.erlang.cookie"
	chmod 400 "$home/.erlang.cookie"
	run env -u ERLANG_COOKIE -u RELEASE_COOKIE HOME="$home" \
		XDG_CONFIG_HOME="$home/xdg" "$PING" "n1@$HOST"
	assert_success
}

@test "a cookie with a character past U+00FF is refused: no node can digest it" {
	run "$PING" --cookie 'a€' "latin@$HOST"
	assert_failure 3
	assert_output --partial "U+20AC"
	refute_output --partial "a€"
}

@test "vm.args: a nested -args_file is followed, a loop is refused" {
	inner="$BATS_TEST_TMPDIR/inner.args"
	va="$BATS_TEST_TMPDIR/vm.args"
	printf -- '-setcookie café\n' > "$inner"
	printf -- '-sname latin\n-args_file %s\n+K true\n' "$inner" > "$va"
	cafe_ping --vm-args "$va"
	assert_success
	loop="$BATS_TEST_TMPDIR/loop.args"
	printf -- '-args_file %s\n' "$loop" > "$loop"
	run "$PING" --vm-args "$loop" "latin@$HOST"
	assert_failure 3
	assert_output --partial "nested deeper"
	printf -- '-args_file %s\n' "$BATS_TEST_TMPDIR/missing" > "$va"
	run "$PING" --vm-args "$va" "latin@$HOST"
	assert_failure 3
	assert_output --partial "missing (-args_file in $va)"
}

@test "vm.args: an unrendered \${COOKIE} template is refused, named" {
	va="$BATS_TEST_TMPDIR/vm.args"
	printf -- '-sname latin\n-setcookie ${RELEASE_COOKIE}\n' > "$va"
	ERLANG_COOKIE='café' run "$PING" --vm-args "$va" "latin@$HOST"
	assert_failure 3
	assert_output --partial 'template variable ${RELEASE_COOKIE}'
	printf -- '-sname ${NODE_NAME}\n' > "$va"
	ERLANG_COOKIE='café' run "$PING" --vm-args "$va"
	assert_failure 3
	assert_output --partial 'template variable ${NODE_NAME}'
}

# ---- --prom files -------------------------------------------------------

# promtool_ok FILE: Prometheus' own checker accepts FILE.
promtool_ok() {
	command -v promtool >/dev/null || skip "promtool not installed (scripts/install-deps)"
	run promtool check metrics < "$1"
	assert_success
}

@test "dist-ping --prom passes promtool and names each node, up or not, and why" {
	prom="$BATS_TEST_TMPDIR/ping.prom"
	run "$PING" --cookie-file "$COOKIE_FILE" --prom "$prom" \
		"n1@$HOST" "nosuch@$HOST" "n1@$HOST"
	assert_failure 1
	promtool_ok "$prom"
	run cat "$prom"
	assert_line "dist_ping_up{node=\"n1@$HOST\"} 1"
	assert_line "dist_ping_up{node=\"nosuch@$HOST\"} 0"
	assert_line --regexp "^dist_ping_rtt_seconds\\{node=\"n1@$HOST\"\\} [0-9.]+$"
	assert_line --regexp "^dist_ping_target_time_seconds\\{node=\"nosuch@$HOST\"\\} [0-9.]+$"
	assert_line --regexp "^dist_ping_target_error\\{node=\"nosuch@$HOST\",code=\"not_registered\",stage=\"epmd\",message=\".*\"\\} 1$"
	# A node given twice is one series (scrapers refuse duplicates).
	run grep -c "^dist_ping_up{node=\"n1@$HOST\"}" "$prom"
	assert_output 1
	refute_output --partial 'dist_ping_target_error{node="n1@'
	run grep -c 'quantile=' "$prom"
	assert_output 2
}

@test "dist-rpc --prom passes promtool, per node" {
	prom="$BATS_TEST_TMPDIR/rpc.prom"
	run --separate-stderr "$RPC" --cookie-file "$COOKIE_FILE" --prom "$prom" \
		erlang node < <(printf 'n1@%s\nnosuch@%s\n' "$HOST" "$HOST")
	assert_failure 1
	promtool_ok "$prom"
	run cat "$prom"
	assert_line "dist_rpc_up{node=\"n1@$HOST\"} 1"
	assert_line "dist_rpc_up{node=\"nosuch@$HOST\"} 0"
	assert_line --partial "dist_rpc_target_error{node=\"nosuch@$HOST\",code=\"not_registered\""
}

@test "--prom escapes quotes, backslashes and newlines in names and messages" {
	prom="$BATS_TEST_TMPDIR/nasty.prom"
	run "$PING" --cookie-file "$COOKIE_FILE" --prom "$prom" \
		< <(printf '%s\n' '{"node":"a\"b\\c@h"}' '{"node":"x\ny@h"}' '{"node":"caf\u00e9@h"}')
	assert_failure 1
	promtool_ok "$prom"
	run cat "$prom"
	assert_line 'dist_ping_up{node="a\"b\\c@h"} 0'
	assert_line 'dist_ping_up{node="x\ny@h"} 0'
	assert_line 'dist_ping_up{node="café@h"} 0'
	# Every sample is one line: no raw newline got through.
	run grep -c '^dist_ping_target_error{' "$prom"
	assert_output 3
}

# ---- --resolver is checked before anything is sent ----------------------

@test "--resolver and \$DIST_RESOLVER take address literals and ports 1..65535, or exit 2" {
	for prog in "$PING a@h" "$RPC a@h erlang node" "$DISCOVER --query a.test -b a"; do
		# shellcheck disable=SC2086
		for bad in nosuch:53 nosuch 127.0.0.1:99999 127.0.0.1:0 \
			127.0.0.1:53x '[::1' '[nosuch]:53' '127.0.0.1,,::1' ''; do
			ERLANG_COOKIE=$COOKIE run --separate-stderr $prog --resolver "$bad"
			assert_failure 2
			[[ $stderr == *"DNS server"* ]]
			[[ $stderr != *Misformatted* ]]
		done
	done
	run --separate-stderr "$PING" --resolver nosuch:53 a@h
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" "dist-ping: DNS server 'nosuch:53': 'nosuch' is not an IP address; --resolver and \$DIST_RESOLVER take addresses, not names (192.0.2.1, 192.0.2.1:5353, 2001:db8::1 or [2001:db8::1]:5353, comma-separated)"
	DIST_RESOLVER=127.0.0.1:99999 run --separate-stderr "$PING" a@h
	assert_failure 2
	assert_output ""
	[[ $stderr == *"the port '99999' is not a number from 1 to 65535"* ]]
}

@test "--resolver accepts IPv4, bare IPv6 and [IPv6]:port, several" {
	for good in "$DEADDNS" ::1 '[::1]:5353' "$DEADDNS,[::1]:53,::1"; do
		run "$PING" --cookie-file "$COOKIE_FILE" --resolver "$good" -t 5s "n1@$HOST"
		assert_success
	done
}
