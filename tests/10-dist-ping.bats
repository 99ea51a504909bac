#!/usr/bin/env bats
# dist-ping against real epmd and erl nodes, and against peers that fail
# in each of the ways an operator meets: every failure has its own code.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node n1 short
	start_node n2 long
	start_node tick short "" -kernel net_ticktime 2
	start_node v6 ipv6
	start_peer silent blackhole
	start_peer garbage garbage
	register_stale ghost "$(free_port)"
	start_dnsmasq known.test=127.0.0.1
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	PING="$DIST_BIN/dist-ping"
	export DIST_RESOLVER="127.0.0.1:$(cat "$DIST_STATE/dns_port")"
}

@test "a live short-name node answers: ok, rtt and stage timings" {
	run "$PING" --cookie-file "$COOKIE_FILE" "n1@$HOST"
	assert_success
	assert_equal "$(field "$output" node)" "n1@$HOST"
	assert_equal "$(field "$output" ok)" true
	rec=$output
	run field "$rec" rtt_ms
	assert_output --regexp '^[0-9.]+(e-?[0-9]+)?$'
	run field "$rec" timings.handshake_ms
	assert_success
}

@test "a live long-name node answers" {
	run "$PING" --cookie-file "$COOKIE_FILE" n2@127.0.0.1
	assert_success
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" port)" \
		"$(epmd -port "$ERL_EPMD_PORT" -names | awk '$2=="n2"{print $5}')"
}

@test "an IPv6 node (inet6_tcp), with or without brackets" {
	run "$PING" --cookie-file "$COOKIE_FILE" v6@::1 'v6@[::1]'
	assert_success
	assert_equal "$(field "${lines[0]}" address)" ::1
	assert_equal "$(field "${lines[1]}" address)" ::1
}

@test "an address literal is not sent to DNS" {
	# A resolver that answers nothing: a lookup of "127.0.0.1" would
	# fail, so success means the literal never reached it.
	DIST_RESOLVER="127.0.0.1:$(free_port)" run "$PING" --cookie-file "$COOKIE_FILE" n2@127.0.0.1
	assert_success
	assert_equal "$(field "$output" ok)" true
}

@test "a literal or an /etc/hosts name sets up no DNS resolver at all" {
	# c-ares reads resolv.conf and nsswitch.conf when it starts; a probe
	# that needs no DNS must not pay for that (bench/probe).
	command -v strace >/dev/null || skip "strace not installed"
	targets=(n2@127.0.0.1)
	if grep -qE "[[:space:]]$HOST([[:space:]]|\$)" /etc/hosts; then
		targets+=("n1@$HOST")
	fi
	# LeakSanitizer cannot run under ptrace: leaks are checked elsewhere.
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		"$PING" --cookie-file "$COOKIE_FILE" "${targets[@]}"
	assert_success
	run grep -cE 'resolv\.conf|nsswitch\.conf' "$BATS_TEST_TMPDIR/trace"
	assert_output 0
	# A name /etc/hosts does not know still goes to DNS.
	run "$PING" --cookie-file "$COOKIE_FILE" n1@known.test
	assert_equal "$(field "$output" address)" 127.0.0.1
	# /etc/hosts is read once a run, not once a target.
	grep -qE '[[:space:]]localhost([[:space:]]|$)' /etc/hosts || skip "no localhost in /etc/hosts"
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		"$PING" --cookie-file "$COOKIE_FILE" --epmd-port "$(free_port)" \
		a@localhost b@localhost c@localhost
	assert_failure 1
	run grep -c '/etc/hosts' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
}

@test "invalid name: invalid_name at stage input, exit 1" {
	run "$PING" --cookie-file "$COOKIE_FILE" 'bad name@host'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" invalid_name
	assert_equal "$(field "$output" error.stage)" input
}

@test "host that does not resolve: resolve_failed" {
	run "$PING" --cookie-file "$COOKIE_FILE" n1@nowhere.test
	assert_failure 1
	assert_equal "$(field "$output" error.code)" resolve_failed
	assert_equal "$(field "$output" error.stage)" resolve
	assert_output --partial nowhere.test
}

@test "a name that resolves through the given DNS server is used" {
	run "$PING" --cookie-file "$COOKIE_FILE" n1@known.test
	# Resolved to 127.0.0.1 and reached the node, which calls itself
	# n1@HOST (a short name): the mismatch proves resolution and EPMD
	# both worked.
	assert_failure 1
	assert_equal "$(field "$output" address)" 127.0.0.1
	assert_equal "$(field "$output" error.code)" name_style_mismatch
}

@test "no EPMD on the host: epmd_unreachable names the port" {
	port=$(free_port)
	run "$PING" --cookie-file "$COOKIE_FILE" --epmd-port "$port" "n1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" epmd_unreachable
	assert_equal "$(field "$output" error.stage)" epmd
	assert_output --partial "port $port"
}

@test "EPMD answers but has no such name: not_registered" {
	run "$PING" --cookie-file "$COOKIE_FILE" "nosuch@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_registered
	assert_output --partial "'nosuch'"
}

@test "EPMD lists the node but its port refuses: connect_refused" {
	run "$PING" --cookie-file "$COOKIE_FILE" "ghost@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" connect_refused
	assert_equal "$(field "$output" error.stage)" connect
}

@test "--port to a closed port: connect_refused without EPMD" {
	run "$PING" --cookie-file "$COOKIE_FILE" --port "$(free_port)" "n1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" connect_refused
	run field "$output" timings.epmd_ms
	assert_failure
}

@test "--port straight to the node's port works without EPMD" {
	port=$(epmd -port "$ERL_EPMD_PORT" -names | awk '$2=="n1"{print $5}')
	run env ERL_EPMD_PORT=1 "$PING" --cookie-file "$COOKIE_FILE" --port "$port" "n1@$HOST"
	assert_success
}

@test "wrong cookie: not_allowed at stage handshake" {
	echo wrongcookie > "$BATS_TEST_TMPDIR/c"
	chmod 400 "$BATS_TEST_TMPDIR/c"
	run "$PING" --cookie-file "$BATS_TEST_TMPDIR/c" "n1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_allowed
	assert_equal "$(field "$output" error.stage)" handshake
	assert_output --partial "cookie"
	refute_output --partial wrongcookie
}

@test "a listener that never answers: timeout at stage handshake" {
	port=$(cat "$DIST_STATE/blackhole.port")
	run "$PING" --cookie-file "$COOKIE_FILE" --port "$port" \
		--connect-timeout 300ms "n1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
	assert_equal "$(field "$output" error.stage)" handshake
}

@test "the command deadline ends a black-holed target" {
	port=$(cat "$DIST_STATE/blackhole.port")
	run "$PING" --cookie-file "$COOKIE_FILE" --port "$port" \
		--timeout 400ms --connect-timeout 60s "n1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
	assert_output --partial "deadline"
}

@test "a peer that sends garbage: protocol_error" {
	port=$(cat "$DIST_STATE/garbage.port")
	run "$PING" --cookie-file "$COOKIE_FILE" --port "$port" "n1@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" protocol_error
	assert_equal "$(field "$output" error.stage)" handshake
}

@test "long name for a short-name node: name_style_mismatch says which" {
	run "$PING" --cookie-file "$COOKIE_FILE" n1@127.0.0.1
	assert_failure 1
	assert_equal "$(field "$output" error.code)" name_style_mismatch
	assert_output --partial "address it as n1@$HOST"
	assert_output --partial "short names"
}

@test "short name for a long-name node: name_style_mismatch says which" {
	run "$PING" --cookie-file "$COOKIE_FILE" "n2@$HOST"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" name_style_mismatch
	assert_output --partial "address it as n2@127.0.0.1"
	assert_output --partial "long names"
}

@test "stdin: JSON records and bare names, fields carried through" {
	run "$PING" --cookie-file "$COOKIE_FILE" <<-IN
	{"node":"n1@$HOST","rack":"r1","ok":"overwritten"}
	# comments and blank lines are skipped

	n2@127.0.0.1
	{"node":"nosuch@$HOST","rack":"r2"}
	IN
	assert_failure 1
	assert_equal "${#lines[@]}" 3
	for l in "${lines[@]}"; do
		case $(field "$l" node) in
		"n1@$HOST")
			assert_equal "$(field "$l" rack)" r1
			assert_equal "$(field "$l" ok)" true ;;
		n2@127.0.0.1)
			assert_equal "$(field "$l" ok)" true ;;
		"nosuch@$HOST")
			assert_equal "$(field "$l" rack)" r2
			assert_equal "$(field "$l" error.code)" not_registered ;;
		*) fail "unexpected record $l" ;;
		esac
	done
}

@test "stdin: a line that is neither JSON nor a name is exit 2 naming the line" {
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" <<-IN
	n1@$HOST
	this is not a node
	IN
	assert_failure 2
	[[ $stderr == *"line 2"* ]] || fail "stderr does not name line 2: $stderr"
	assert_equal "$(field "${lines[0]}" ok)" true
}

@test "stdin: a JSON record with an invalid name is a failure record, not exit 2" {
	run "$PING" --cookie-file "$COOKIE_FILE" <<<'{"node":"no-at-sign"}'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" invalid_name
}

@test "-o text prints one aligned line per node" {
	run "$PING" --cookie-file "$COOKIE_FILE" -o text "n1@$HOST" "nosuch@$HOST"
	assert_failure 1
	assert_line --regexp "^n1@$HOST +ok +[0-9.]+ ms$"
	assert_line --regexp "^nosuch@$HOST +FAIL +not_registered \\(epmd\\)"
}

@test "-q prints nothing and the exit status tells" {
	run "$PING" --cookie-file "$COOKIE_FILE" -q "n1@$HOST"
	assert_success
	assert_output ""
	run "$PING" --cookie-file "$COOKIE_FILE" -q "nosuch@$HOST"
	assert_failure 1
	assert_output ""
}

@test "--vm-args alone probes the release's own node (exec probe)" {
	cat > "$BATS_TEST_TMPDIR/vm.args" <<-ARGS
	## a release's vm.args
	-sname n1
	-setcookie $COOKIE
	+K true
	ARGS
	run env -u ERLANG_COOKIE HOME="$BATS_TEST_TMPDIR" "$PING" --vm-args "$BATS_TEST_TMPDIR/vm.args"
	assert_success
	assert_equal "$(field "$output" node)" "n1@$HOST"
}

@test "a cookie file readable by others is refused: exit 3" {
	cp "$COOKIE_FILE" "$BATS_TEST_TMPDIR/open"
	chmod 644 "$BATS_TEST_TMPDIR/open"
	run --separate-stderr "$PING" --cookie-file "$BATS_TEST_TMPDIR/open" "n1@$HOST"
	assert_failure 3
	[[ $stderr == *"chmod"* ]] || fail "no advice in: $stderr"
	[[ $stderr != *"$COOKIE"* ]] || fail "cookie leaked to stderr"
}

@test "--cookie works but warns that ps shows it" {
	run --separate-stderr "$PING" --cookie "$COOKIE" "n1@$HOST"
	assert_success
	[[ $stderr == *"ps"* ]] || fail "no warning: $stderr"
}

@test "cookie from \$ERLANG_COOKIE" {
	run env ERLANG_COOKIE="$COOKIE" HOME="$BATS_TEST_TMPDIR" "$PING" "n1@$HOST"
	assert_success
}

@test "usage errors exit 2 and point to --help" {
	run --separate-stderr "$PING" --timeout 5parsecs "n1@$HOST"
	assert_failure 2
	[[ $stderr == *"--help"* ]] || fail "$stderr"
	run "$PING" --no-such-option
	assert_failure 2
	run "$PING" -o yaml "n1@$HOST"
	assert_failure 2
}

@test "--help and --version" {
	run "$PING" --help
	assert_success
	assert_output --partial "Usage: dist-ping"
	run "$PING" --version
	assert_success
	assert_output --regexp '^dist-ping \(dist\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "200 probes grow the node's atom table by at most the pool size" {
	before=$(erl_eval_on n1 'erlang:system_info(atom_count).' | tr -dc 0-9)
	for _ in $(seq 1 200); do
		"$PING" -q --cookie-file "$COOKIE_FILE" "n1@$HOST" || fail "probe failed"
	done
	after=$(erl_eval_on n1 'erlang:system_info(atom_count).' | tr -dc 0-9)
	echo "atoms before $before after $after"
	[ $((after - before)) -le 32 ]
}

@test "a busy pool name makes the next probe take the next name" {
	"$PING" --cookie-file "$COOKIE_FILE" -c 2 -i 1500ms "n1@$HOST" > "$BATS_TEST_TMPDIR/first" &
	first=$!
	sleep 0.5
	run "$PING" --cookie-file "$COOKIE_FILE" "n1@$HOST"
	wait "$first"
	assert_success
	assert_equal "$(field "$output" self)" "-dist1@$HOST"
	assert_equal "$(field "$(cat "$BATS_TEST_TMPDIR/first")" self)" "-dist0@$HOST"
}

@test "a connection survives past the node's tick interval" {
	# net_ticktime 2: the node drops a silent peer after about 2 s.
	run "$PING" --cookie-file "$COOKIE_FILE" -c 3 -i 2s "tick@$HOST"
	assert_success
	assert_equal "$(field "$output" count)" 3
}

@test "--stats ends with a summary record; --prom writes a textfile" {
	run "$PING" --cookie-file "$COOKIE_FILE" --stats --prom "$BATS_TEST_TMPDIR/dist.prom" \
		"n1@$HOST" "nosuch@$HOST"
	assert_failure 1
	last=${lines[${#lines[@]}-1]}
	assert_equal "$(field "$last" summary)" true
	assert_equal "$(field "$last" targets)" 2
	assert_equal "$(field "$last" ok)" 1
	assert_equal "$(field "$last" failed)" 1
	run grep -E '^dist_ping_failed 1$' "$BATS_TEST_TMPDIR/dist.prom"
	assert_success
	run grep -E '^dist_ping_time_seconds\{quantile="0.99"\} [0-9.]+$' "$BATS_TEST_TMPDIR/dist.prom"
	assert_success
	run promtool check metrics < "$BATS_TEST_TMPDIR/dist.prom"
	assert_success
	run ls "$BATS_TEST_TMPDIR"
	refute_output --partial ".tmp."
}

@test "1000 targets from stdin to one node: one record each, all ok" {
	for _ in $(seq 1 1000); do echo "n1@$HOST"; done > "$BATS_TEST_TMPDIR/targets"
	# -t 5m: the default 10 s deadline is for people; on a loaded 2-core
	# machine 1000 handshakes can take longer, and this checks counts.
	run "$PING" --cookie-file "$COOKIE_FILE" -j 8 -t 5m < "$BATS_TEST_TMPDIR/targets"
	assert_success
	assert_equal "${#lines[@]}" 1000
}

@test "more connections to one node than the pool has names: they wait, none fail" {
	for _ in $(seq 1 300); do echo "n1@$HOST"; done > "$BATS_TEST_TMPDIR/targets"
	run "$PING" --cookie-file "$COOKIE_FILE" -j 100 -t 5m --connect-timeout 1m \
		< "$BATS_TEST_TMPDIR/targets"
	assert_success
	assert_equal "${#lines[@]}" 300
	refute_output --partial '"ok":false'
}

@test "a --stats summary piped on is passed over, not an input error" {
	run bash -c '"$0" --cookie-file "$1" --stats "$2" | "$0" --cookie-file "$1"' \
		"$PING" "$COOKIE_FILE" "n1@$HOST"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_equal "$(field "$output" node)" "n1@$HOST"
}

@test "the first ping rides in the write of the challenge reply, and is answered" {
	command -v strace >/dev/null || skip "strace not installed"
	# LeakSanitizer cannot run under ptrace: leaks are checked elsewhere.
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -s 3 -e trace=write,sendto,sendmsg -o "$BATS_TEST_TMPDIR/trace" \
		"$PING" --cookie-file "$COOKIE_FILE" -c 2 -i 50ms "n1@$HOST"
	assert_success
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" count)" 2
	# The challenge reply is 2 + 21 bytes ("\0\25r..."); a larger write
	# that starts with it carries the is_auth request behind it.
	run awk 'index($0, "\"\\0\\25r\"") && $NF > 23 { n++ } END { print n + 0 }' \
		"$BATS_TEST_TMPDIR/trace"
	assert_output 1
}

@test "wrong cookie with the ping sent early: still not_allowed at handshake, no rtt" {
	echo wrongcookie > "$BATS_TEST_TMPDIR/c"
	chmod 400 "$BATS_TEST_TMPDIR/c"
	run "$PING" --cookie-file "$BATS_TEST_TMPDIR/c" -c 3 "n1@$HOST" "n2@127.0.0.1"
	assert_failure 1
	assert_equal "${#lines[@]}" 2
	for l in "${lines[@]}"; do
		assert_equal "$(field "$l" error.code)" not_allowed
		assert_equal "$(field "$l" error.stage)" handshake
		run -1 field "$l" rtt_ms
	done
}

@test "every *_ms figure, and a count's min/avg/max, has at most 3 decimals" {
	run -0 "$PING" --cookie-file "$COOKIE_FILE" -c 3 -i 10ms "n1@$HOST"
	# The mean of three round trips printed 15 digits before.
	run -0 jq -r '[.rtt_ms, .time_ms, .rtt.min, .rtt.avg, .rtt.max,
		(.timings | to_entries[] | .value)] | map(tostring) | .[]' <<<"$output"
	local v
	for v in "${lines[@]}"; do
		[[ $v =~ ^[0-9]+(\.[0-9]{1,3})?$ ]] || fail "too many digits: $v"
	done
	[ "${#lines[@]}" -ge 6 ] || fail "figures missing: ${lines[*]}"
}
