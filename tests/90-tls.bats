#!/usr/bin/env bats
# TLS distribution (-proto_dist inet_tls) against a real erl node that
# verifies its peers (verify_peer, fail_if_no_peer_cert), certificates
# made here with openssl, and openssl s_server for the server
# certificates a node would not start with (expired, foreign CA). Each
# failure is tls_error and says which one it is.

bats_require_minimum_version 1.5.0

# make_certs DIR: a CA, a node certificate naming localhost and
# 127.0.0.1, a client certificate, an expired one and one from another
# CA, and dist-node's (its address as a DNS name too); then the
# optfiles and a release's vm.args using them.
make_certs() {
	local d=$1 n
	mkdir -p "$d"
	cat > "$d/ext.cnf" <<-EOF
	[node]
	subjectAltName=DNS:localhost,IP:127.0.0.1
	[client]
	basicConstraints=CA:FALSE
	[dn]
	subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:127.0.0.1
	EOF
	for n in ca otherca; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -keyout "$d/$n.key" -out "$d/$n.pem" -days 30 \
			-subj "/CN=$n" -addext basicConstraints=critical,CA:TRUE \
			>/dev/null 2>&1 || return 1
	done
	# name CA extensions days
	for n in "node ca node 30" "client ca client 30" \
		 "expired ca node -1" "foreign otherca node 30" \
		 "dn ca dn 30"; do
		set -- $n
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$d/$1.key" -out "$d/$1.csr" -subj "/CN=$1" \
			>/dev/null 2>&1 || return 1
		openssl x509 -req -in "$d/$1.csr" -CA "$d/$2.pem" \
			-CAkey "$d/$2.key" -CAcreateserial -out "$d/$1.pem" \
			-extfile "$d/ext.cnf" -extensions "$3" -days "$4" \
			>/dev/null 2>&1 || return 1
	done
	cat > "$d/ssl_dist.conf" <<-EOF
	%% as a release ships it
	[{server, [{certfile, "$d/node.pem"}, {keyfile, "$d/node.key"},
	           {cacertfile, "$d/ca.pem"}, {verify, verify_peer},
	           {fail_if_no_peer_cert, true}, {secure_renegotiate, true}]},
	 {client, [{certfile, "$d/client.pem"}, {keyfile, "$d/client.key"},
	           {cacertfile, "$d/ca.pem"}, {verify, verify_peer},
	           {secure_renegotiate, true}]}].
	EOF
	# dist-node's: OTP checks a node's address as a DNS name.
	cat > "$d/dn_dist.conf" <<-EOF
	[{server, [{certfile, "$d/dn.pem"}, {keyfile, "$d/dn.key"},
	           {cacertfile, "$d/ca.pem"}, {verify, verify_peer},
	           {fail_if_no_peer_cert, true}]},
	 {client, [{certfile, "$d/dn.pem"}, {keyfile, "$d/dn.key"},
	           {cacertfile, "$d/ca.pem"}, {verify, verify_peer}]}].
	EOF
	cat > "$d/vm.args" <<-EOF
	-name tlsn@127.0.0.1
	-setcookie $(cat "$DIST_STATE/cookie")
	-proto_dist inet_tls
	-ssl_dist_optfile $d/ssl_dist.conf
	EOF
}

# start_s_server NAME CERT [OPTION...]: openssl's TLS server presenting
# CERT.
start_s_server() {
	local name=$1 cert=$2 port
	shift 2
	port=$(free_port)
	openssl s_server -accept "127.0.0.1:$port" -cert "$TLS/$cert.pem" \
		-key "$TLS/$cert.key" -quiet "$@" </dev/null \
		>"$DIST_STATE/$name.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	echo "$port" > "$DIST_STATE/$name.port"
	wait_for "s_server $name" python3 -c 'import socket,sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port"
}

setup_file() {
	load helpers/nodes
	nodes_setup
	export TLS="$DIST_STATE/tls"
	make_certs "$TLS"
	start_node tlsn long "" -proto_dist inet_tls \
		-ssl_dist_optfile "$TLS/ssl_dist.conf"
	# The node's first TLS handshake loads its TLS code, seconds of CPU
	# on a loaded machine: done once here with a generous bound, so that
	# the first test's default 5 s stage limit does not pay for it.
	"$DIST_BIN/dist-ping" --cookie-file "$DIST_STATE/cookie" --tls \
		--cacertfile "$TLS/ca.pem" --certfile "$TLS/client.pem" \
		--keyfile "$TLS/client.key" -t 120s --connect-timeout 60s \
		tlsn@127.0.0.1 >/dev/null 2>&1 || true
	start_node plain long
	start_s_server expired expired
	start_s_server foreign foreign
	# TLS 1.3 asks for our certificate after the client's handshake is
	# done: its refusal comes as an alert on the first read.
	start_s_server wants13 node -tls1_3 -Verify 1 -CAfile "$TLS/ca.pem"
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	TLS="$DIST_STATE/tls"
	PING="$DIST_BIN/dist-ping"
	RPC="$DIST_BIN/dist-rpc"
	CLIENT=(--tls --cacertfile "$TLS/ca.pem" --certfile "$TLS/client.pem"
		--keyfile "$TLS/client.key")
}

# tls_failure OUTPUT TEXT: one tls_error record at the handshake stage
# whose message holds TEXT.
tls_failure() {
	assert_equal "$(field "$1" ok)" false
	assert_equal "$(field "$1" error.code)" tls_error
	assert_equal "$(field "$1" error.stage)" handshake
	message_has "$1" "$2"
}

# message_has OUTPUT TEXT: the record's error message holds TEXT.
message_has() {
	local msg
	msg=$(field "$1" error.message)
	[[ $msg == *"$2"* ]] || fail "no '$2' in: $msg"
}

@test "dist-ping over TLS with our certificate: ok" {
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.1
	assert_success
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" node)" tlsn@127.0.0.1
}

@test "dist-rpc over TLS: the node's answer comes back" {
	run "$RPC" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.1 \
		erlang node '[]'
	assert_success
	assert_equal "$(field "$output" result)" tlsn@127.0.0.1
	run "$RPC" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.1 \
		lists seq '[1, 3000]'
	assert_success
	assert_equal "$(field "$output" result.2999)" 3000
}

@test "a release's vm.args as it is: -proto_dist inet_tls and its optfile" {
	run "$PING" --vm-args "$TLS/vm.args"
	assert_success
	assert_equal "$(field "$output" node)" tlsn@127.0.0.1
	run "$RPC" --vm-args "$TLS/vm.args" erlang node '[]'
	assert_success
	assert_equal "$(field "$output" result)" tlsn@127.0.0.1
}

@test "--ssl-dist-optfile alone turns TLS on with its client section" {
	run "$PING" --cookie-file "$COOKIE_FILE" \
		--ssl-dist-optfile "$TLS/ssl_dist.conf" tlsn@127.0.0.1
	assert_success
	assert_equal "$(field "$output" ok)" true
}

@test "wrong CA: the node's chain does not lead to one we trust" {
	run "$PING" --cookie-file "$COOKIE_FILE" --cacertfile "$TLS/otherca.pem" \
		--certfile "$TLS/client.pem" --keyfile "$TLS/client.key" \
		tlsn@127.0.0.1
	assert_failure 1
	tls_failure "$output" "does not lead to a CA we trust"
}

@test "a server certificate from another CA is refused" {
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		--port "$(cat "$DIST_STATE/foreign.port")" x@127.0.0.1
	assert_failure 1
	tls_failure "$output" "does not lead to a CA we trust"
	message_has "$output" "/CN=otherca"
}

@test "an expired server certificate is refused as expired" {
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		--port "$(cat "$DIST_STATE/expired.port")" x@127.0.0.1
	assert_failure 1
	tls_failure "$output" "expired on"
	message_has "$output" "certificate has expired"
}

@test "name mismatch: an address the certificate does not hold" {
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.2
	assert_failure 1
	tls_failure "$output" "does not name address 127.0.0.2"
}

@test "name mismatch: a host name the certificate does not hold" {
	# --address dials the node; the name checked is still the target's.
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		--address 127.0.0.1 tlsn@elsewhere.test
	assert_failure 1
	tls_failure "$output" "does not name host 'elsewhere.test'"
}

@test "the node demands a client certificate we did not give" {
	run "$PING" --cookie-file "$COOKIE_FILE" --tls \
		--cacertfile "$TLS/ca.pem" tlsn@127.0.0.1
	assert_failure 1
	tls_failure "$output" "demands a client certificate"
}

@test "TLS 1.3: the certificate demanded after the handshake is told the same" {
	run "$PING" --cookie-file "$COOKIE_FILE" --tls --cacertfile "$TLS/ca.pem" \
		--port "$(cat "$DIST_STATE/wants13.port")" x@127.0.0.1
	assert_failure 1
	tls_failure "$output" "demands a client certificate"
	message_has "$output" "tlsv13 alert certificate required"
}

@test "the node refuses our expired client certificate" {
	run "$PING" --cookie-file "$COOKIE_FILE" --cacertfile "$TLS/ca.pem" \
		--certfile "$TLS/expired.pem" --keyfile "$TLS/expired.key" \
		tlsn@127.0.0.1
	assert_failure 1
	tls_failure "$output" "refused our client certificate"
}

@test "a plain TCP node addressed with --tls: tls_error within the timeout" {
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		--connect-timeout 2s plain@127.0.0.1
	assert_failure 1
	tls_failure "$output" "no TLS answer"
	message_has "$output" "drop --tls"
}

@test "a TLS node probed without --tls: TLS is probably needed" {
	run "$PING" --cookie-file "$COOKIE_FILE" tlsn@127.0.0.1
	assert_failure 1
	tls_failure "$output" "TLS is probably needed"
	# and the plain node still answers plainly
	run "$PING" --cookie-file "$COOKIE_FILE" plain@127.0.0.1
	assert_success
}

@test "--insecure skips verification and warns" {
	# The CA is the wrong one: only no verification at all passes.
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" --insecure \
		--cacertfile "$TLS/otherca.pem" --certfile "$TLS/client.pem" \
		--keyfile "$TLS/client.key" tlsn@127.0.0.1
	assert_success
	assert_equal "$(field "$output" ok)" true
	[[ $stderr == *"warning: --insecure"* ]]
}

@test "a missing or broken TLS file is an environment error before any connection" {
	run "$PING" --cookie-file "$COOKIE_FILE" --tls \
		--cacertfile "$TLS/nonexistent.pem" tlsn@127.0.0.1
	assert_failure 3
	assert_output --partial "the CA file $TLS/nonexistent.pem"
	printf '[{client, [{certfile, 42}]}].\n' > "$BATS_TEST_TMPDIR/bad.conf"
	run "$PING" --cookie-file "$COOKIE_FILE" \
		--ssl-dist-optfile "$BATS_TEST_TMPDIR/bad.conf" tlsn@127.0.0.1
	assert_failure 3
	assert_output --partial "certfile must be a string"
	printf '[{client, [{certfile, "x"}]}' > "$BATS_TEST_TMPDIR/bad.conf"
	run "$PING" --cookie-file "$COOKIE_FILE" \
		--ssl-dist-optfile "$BATS_TEST_TMPDIR/bad.conf" tlsn@127.0.0.1
	assert_failure 3
	assert_output --partial "ssl_dist_optfile $BATS_TEST_TMPDIR/bad.conf"
}

@test "options on the command line win over the optfile's" {
	# The optfile trusts the right CA; --cacertfile says otherwise.
	run "$PING" --cookie-file "$COOKIE_FILE" \
		--ssl-dist-optfile "$TLS/ssl_dist.conf" \
		--cacertfile "$TLS/otherca.pem" tlsn@127.0.0.1
	assert_failure 1
	tls_failure "$output" "does not lead to a CA we trust"
}

@test "a wrong cookie over TLS is still not_allowed, not a TLS failure" {
	# The node closes without close_notify after our challenge reply.
	printf 'not-the-cookie' > "$BATS_TEST_TMPDIR/bad"
	chmod 400 "$BATS_TEST_TMPDIR/bad"
	run "$PING" --cookie-file "$BATS_TEST_TMPDIR/bad" "${CLIENT[@]}" \
		tlsn@127.0.0.1
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_allowed
	message_has "$output" "cookie is wrong"
}

@test "a key without its certificate is refused before anything is sent" {
	run "$PING" --cookie-file "$COOKIE_FILE" --keyfile "$TLS/client.key" \
		tlsn@127.0.0.1
	assert_failure 3
	assert_output --partial "give --certfile too"
}

# dist-node accepting TLS: its own certificate (naming 127.0.0.1 as a
# DNS name too: an inet_tls node checks the host part of the name as
# one), client certificates checked against the CA.

# start_tls_dn ID ARGS...: dist-node in the background over TLS, its
# stdout and stderr in $DIST_STATE/ID.out and ID.err; waits for ready.
start_tls_dn() {
	local id=$1
	shift
	"$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" "$@" </dev/null \
		>"$DIST_STATE/$id.out" 2>"$DIST_STATE/$id.err" 3>&- &
	echo $! > "$DIST_STATE/$id.pid"
	echo $! >> "$DIST_STATE/pids"
	wait_for "dist-node $id ready" grep -q '"event":"ready"' "$DIST_STATE/$id.out"
}

SERVER_OPTS() {
	SERVER=(--tls --cacertfile "$TLS/ca.pem" --certfile "$TLS/dn.pem"
		--keyfile "$TLS/dn.key")
}

@test "dist-node over TLS: an inet_tls node pings it (pong) and its message is on stdout" {
	SERVER_OPTS
	start_tls_dn tdn --name tdn@127.0.0.1 --register inbox "${SERVER[@]}"
	run "$RPC" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.1 \
		net_adm ping "['tdn@127.0.0.1']"
	assert_success
	assert_equal "$(field "$output" result)" pong || {
		cat "$DIST_STATE/tdn.err" "$DIST_STATE/tlsn.log"; false; }
	run "$RPC" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.1 \
		erlang send "[{inbox, 'tdn@127.0.0.1'}, hello_over_tls]"
	assert_success
	wait_for "the message on stdout" grep -q hello_over_tls "$DIST_STATE/tdn.out"
	run grep '"event":"nodeup"' "$DIST_STATE/tdn.out"
	assert_output --partial tlsn@127.0.0.1
	stop_pid "$(cat "$DIST_STATE/tdn.pid")"
}

@test "dist-node --tls opens its own links over TLS: rpc on the inet_tls node" {
	SERVER_OPTS
	run -0 --separate-stderr "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" \
		--name tout@127.0.0.1 "${SERVER[@]}" -t 30s \
		<<<'{"rpc": "tlsn@127.0.0.1", "m": "erlang", "f": "node", "id": 1}'
	assert_equal "$(field "$(grep '"id":1' <<<"$output")" result)" tlsn@127.0.0.1
}

@test "dist-node over TLS refuses a client certificate of another CA and keeps serving" {
	SERVER_OPTS
	start_tls_dn tfc --name tfc@127.0.0.1 "${SERVER[@]}"
	run --separate-stderr "$PING" --cookie-file "$COOKIE_FILE" --tls --insecure \
		--certfile "$TLS/foreign.pem" --keyfile "$TLS/foreign.key" \
		tfc@127.0.0.1
	# Under TLS 1.3 the client is done before we check its certificate:
	# it may see only the close. Our side says why.
	assert_failure 1
	wait_for "the refusal on stderr" grep -q 'failed verification' "$DIST_STATE/tfc.err"
	rec=$(grep -m1 'failed verification' "$DIST_STATE/tfc.err")
	assert_equal "$(field "$rec" error.code)" tls_error
	assert_equal "$(field "$rec" error.stage)" handshake
	# No certificate at all is refused too, with its own words.
	run "$PING" --cookie-file "$COOKIE_FILE" --tls --insecure tfc@127.0.0.1
	assert_failure 1
	wait_for "no certificate on stderr" grep -q 'gave no client certificate' "$DIST_STATE/tfc.err"
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tfc@127.0.0.1
	assert_success
	stop_pid "$(cat "$DIST_STATE/tfc.pid")"
}

@test "dist-node over TLS refuses a plain TCP client fast and keeps serving" {
	SERVER_OPTS
	start_tls_dn tpl --name tpl@127.0.0.1 "${SERVER[@]}"
	run "$PING" --cookie-file "$COOKIE_FILE" -t 20s tpl@127.0.0.1
	assert_failure 1
	wait_for "the refusal on stderr" grep -q 'does not speak TLS' "$DIST_STATE/tpl.err"
	rec=$(grep -m1 'does not speak TLS' "$DIST_STATE/tpl.err")
	assert_equal "$(field "$rec" error.code)" tls_error
	run "$PING" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tpl@127.0.0.1
	assert_success
	stop_pid "$(cat "$DIST_STATE/tpl.pid")"
}

@test "dist-node with --ssl-dist-optfile serves with its server section" {
	start_tls_dn topt --name topt@127.0.0.1 --ssl-dist-optfile "$TLS/dn_dist.conf"
	run "$RPC" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" tlsn@127.0.0.1 \
		net_adm ping "['topt@127.0.0.1']"
	assert_success
	assert_equal "$(field "$output" result)" pong
	# verify_peer there: no client certificate, no connection.
	run "$PING" --cookie-file "$COOKIE_FILE" --tls --insecure topt@127.0.0.1
	assert_failure 1
	stop_pid "$(cat "$DIST_STATE/topt.pid")"
}

@test "dist-node --tls without a certificate of its own is an environment error" {
	run "$DIST_BIN/dist-node" --cookie-file "$COOKIE_FILE" --name nocert \
		--tls --cacertfile "$TLS/ca.pem"
	assert_failure 3
	assert_output --partial certfile
}

@test "vm.args with inline -ssl_dist_opt client options: read, and ranked as the optfile's" {
	local d=$BATS_TEST_TMPDIR
	cat > "$d/inline.args" <<-EOF
	-name tlsn@127.0.0.1
	-setcookie $(cat "$DIST_STATE/cookie")
	-proto_dist inet_tls
	-ssl_dist_opt server_certfile $TLS/node.pem client_certfile $TLS/client.pem
	-ssl_dist_opt client_keyfile $TLS/client.key client_cacertfile $TLS/ca.pem client_verify verify_peer
	EOF
	run "$PING" --vm-args "$d/inline.args"
	assert_success
	assert_equal "$(field "$output" node)" tlsn@127.0.0.1
	# Inline over vm.args' own optfile: its CA is the wrong one here.
	cat > "$d/both.args" <<-EOF
	-name tlsn@127.0.0.1
	-setcookie $(cat "$DIST_STATE/cookie")
	-proto_dist inet_tls
	-ssl_dist_optfile $TLS/ssl_dist.conf
	-ssl_dist_opt client_cacertfile $TLS/otherca.pem
	EOF
	run "$PING" --vm-args "$d/both.args"
	assert_failure 1
	tls_failure "$output" "does not lead to a CA we trust"
	# The command line over both.
	run "$PING" --vm-args "$d/both.args" --cacertfile "$TLS/ca.pem"
	assert_success
	# A key without its value is an environment error, before any
	# connection.
	printf -- '-proto_dist inet_tls\n-ssl_dist_opt client_certfile\n' > "$d/bad.args"
	run "$PING" --vm-args "$d/bad.args" tlsn@127.0.0.1
	assert_failure 3
	assert_output --partial "client_certfile has no value"
}

@test "the default static dist-ping and dist-rpc run --tls through their dynamic twin" {
	[ -x "$DIST_ROOT/libexec/dist/dist-ping" ] || skip "no make build"
	! ldd "$DIST_ROOT/bin/dist-ping" >/dev/null 2>&1 ||
		skip "bin/dist-ping is not the static build"
	run "$DIST_ROOT/bin/dist-ping" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		-t 20s tlsn@127.0.0.1
	assert_success
	assert_equal "$(field "$output" ok)" true
	run "$DIST_ROOT/bin/dist-rpc" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		-t 20s tlsn@127.0.0.1 erlang node
	assert_success
	assert_equal "$(field "$output" result)" tlsn@127.0.0.1
	# Two processes, one run: a warning is said once.
	run --separate-stderr "$DIST_ROOT/bin/dist-ping" --cookie "$(cat "$COOKIE_FILE")" \
		"${CLIENT[@]}" -t 20s tlsn@127.0.0.1
	assert_success
	assert_equal "$(grep -c 'warning: --cookie' <<<"$stderr")" 1
}

@test "a static build without its twin says where it looked, and exits 3" {
	[ -x "$DIST_ROOT/bin/static/dist-ping" ] || skip "no make static build"
	cp "$DIST_ROOT/bin/static/dist-ping" "$BATS_TEST_TMPDIR/dist-ping"
	run "$BATS_TEST_TMPDIR/dist-ping" --cookie-file "$COOKIE_FILE" "${CLIENT[@]}" \
		-t 5s tlsn@127.0.0.1
	assert_failure 3
	assert_output --partial "cannot load"
	assert_output --partial "libexec/dist/dist-ping"
}
