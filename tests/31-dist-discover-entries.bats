#!/usr/bin/env bats
# dist-discover, one entry at a time: a bad entry from any source (EPMD,
# DNS, HTTP, a names file) is its own invalid_name record and never
# hides the good entries around it; the host part of EPMD's names is the
# user's choice; names files read JSON Lines; TLS failures say why.
# Real epmd with real erl nodes, dnsmasq, the python HTTP(S) server with
# openssl-made certificates; a fake EPMD only for replies real epmd
# cannot be made to send.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	start_node e1 short
	start_node l1 long
	# Names a local process may register with ALIVE2_REQ: epmd takes
	# them and lists them in its NAMES reply as they are.
	register_raw space "has space" "has space"
	register_raw long "$(printf 'x%.0s' $(seq 1 255))" xxxxxxxx
	register_raw at 'a@b' 'a@b'
	# A newline in a name: NAMES shows a line that is not
	# "name X at port N", then the rest of it.
	register_raw nl "$(printf 'nl\nodd')" nl
	make_fixtures
	make_certs
	start_fixture_server plain
	start_fixture_server good "$PKI/good.pem" "$PKI/good.key"
	start_fixture_server wrong "$PKI/wrong.pem" "$PKI/wrong.key"
	start_fixture_server expired "$PKI/expired.pem" "$PKI/expired.key"
	start_fixture_server self "$PKI/self.pem" "$PKI/self.key"
	# A host of 252 characters: fine for DNS, too long for app@host.
	LONG=$(printf 'a%.0s' $(seq 1 61)).$(printf 'b%.0s' $(seq 1 61)).$(printf 'c%.0s' $(seq 1 61)).$(printf 'd%.0s' $(seq 1 61)).test
	start_dnsmasq_opts main \
		--host-record=good.test,127.0.0.41 \
		--host-record=epmdhost.test,127.0.0.1 \
		--host-record="$LONG",127.0.0.42 \
		--srv-host=_erl._tcp.mixed.test,good.test,4369 \
		--srv-host=_erl._tcp.mixed.test,"$LONG",4369 \
		--srv-host=_erl._tcp.mixed.test,nosuch.test,4369
}

# register_raw LABEL NAME PREFIX: NAME registered with the real epmd
# (ALIVE2_REQ) and kept; wait until NAMES shows a line "name PREFIX...".
register_raw() {
	python3 "$DIST_ROOT/tests/helpers/peer.py" register "$2" \
		"$(cat "$DIST_STATE/epmd_port")" "$(free_port)" \
		>"$DIST_STATE/raw-$1.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	ERL_EPMD_PORT=$(cat "$DIST_STATE/epmd_port") \
		wait_for "registration $1" node_listed "$3"
}

node_listed() {
	epmd -port "$ERL_EPMD_PORT" -names 2>/dev/null | grep -qF "name $1"
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

# The documents the HTTP sources serve: one bad entry among good ones,
# for each format.
make_fixtures() {
	local d=$BATS_FILE_TMPDIR/fix long
	mkdir -p "$d"
	long=$(printf 'y%.0s' $(seq 1 300))
	cat > "$d/list.json" <<EOF
["good@h1", "has space@h", "", "$long@h", {"node": "ok@h2", "zone": "a"},
 {"nonode": 1}, "a@b@c", "@h", "n@", ["x"], "last@h3"]
EOF
	cat > "$d/endpointslices.json" <<'EOF'
{"kind": "EndpointSliceList", "items": [{"metadata": {"namespace": "p",
 "labels": {"kubernetes.io/service-name": "app"}}, "endpoints": [
 {"addresses": ["10.1.0.1"]}, {"addresses": ["not an address"]},
 {"conditions": {"ready": true}}, {"addresses": [42]},
 {"addresses": [], "conditions": {"ready": false}},
 {"addresses": ["10.1.0.3"]}]}]}
EOF
	cat > "$d/consul.json" <<'EOF'
[{"Node": "n1", "Address": "10.2.0.1", "ServiceName": "app"},
 {"Node": "n2", "Address": "bad host", "ServiceName": "app"},
 {"Node": "n4", "ServiceName": "app"},
 {"Node": "n3", "Address": "10.2.0.3", "ServiceName": "app"}]
EOF
	echo '[]' > "$d/endpoints.json"
	echo 'not json' > "$d/notjson.txt"
}

# A CA, certificates it signed (for 127.0.0.1, for another name, one
# expired in 2020) and a self-signed one, all made here with openssl.
make_certs() {
	PKI=$BATS_FILE_TMPDIR/pki
	export PKI
	mkdir -p "$PKI/new"
	cd "$PKI" || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj /CN=dist-test-ca \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-keyout ca.key -out ca.pem 2>/dev/null
	local name san
	for name in good wrong expired; do
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -subj "/CN=$name" -keyout "$name.key" \
			-out "$name.csr" 2>/dev/null
	done
	printf 'subjectAltName=IP:127.0.0.1\n' > good.ext
	printf 'subjectAltName=DNS:elsewhere.test\n' > wrong.ext
	openssl x509 -req -in good.csr -CA ca.pem -CAkey ca.key \
		-CAcreateserial -days 2 -extfile good.ext -out good.pem 2>/dev/null
	openssl x509 -req -in wrong.csr -CA ca.pem -CAkey ca.key \
		-CAcreateserial -days 2 -extfile wrong.ext -out wrong.pem 2>/dev/null
	# openssl ca is what takes a start and end date in the past.
	: > index.txt
	echo 1000 > serial
	cat > ca.cnf <<EOF
[ca]
default_ca = test
[test]
database = $PKI/index.txt
new_certs_dir = $PKI/new
serial = $PKI/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
EOF
	openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
		-in expired.csr -out expired.pem -extfile good.ext \
		-startdate 20200101000000Z -enddate 20200102000000Z 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout self.key -out self.pem 2>/dev/null
	cd - >/dev/null || return 1
	for name in good wrong expired self; do
		test -s "$PKI/$name.pem" || { echo "no $name.pem" >&2; return 1; }
	done
}

# start_fixture_server NAME [CERT KEY]: http_server.py over the fixtures
# above, HTTPS with CERT. Port in $DIST_STATE/NAME.http_port.
start_fixture_server() {
	local name=$1
	shift
	python3 "$DIST_ROOT/tests/helpers/http_server.py" \
		"$BATS_FILE_TMPDIR/fix" "$DIST_STATE/$name.http_port" \
		"$DIST_STATE/$name.requests" "$@" \
		>"$DIST_STATE/$name.http.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "http server $name" test -s "$DIST_STATE/$name.http_port"
}

setup() {
	load helpers/nodes
	suite_setup
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	DISCOVER="$DIST_BIN/dist-discover"
	PING="$DIST_BIN/dist-ping"
	PKI=$BATS_FILE_TMPDIR/pki
	DIST_RESOLVER="127.0.0.1:$(cat "$DIST_STATE/main.dns_port")"
	export DIST_RESOLVER
}

# nodes: the "node" members of the records on stdin, one per line.
nodes() {
	python3 -c 'import json,sys
for l in sys.stdin:
    l=l.strip()
    if l: print(json.loads(l).get("node", "-"))'
}

# errs: "code name" of each error record on stdin, in order.
errs() {
	python3 -c 'import json,sys
for l in sys.stdin:
    l=l.strip()
    if not l.startswith("{"): continue
    v=json.loads(l)
    print(v["error"]["code"], v.get("name", "-"))'
}

url() {
	local scheme=http
	[ "$1" = plain ] || scheme=https
	echo "$scheme://127.0.0.1:$(cat "$DIST_STATE/$1.http_port")$2"
}

# fake_epmd NAME FILE: an EPMD on loopback answering NAMES with FILE's
# bytes; its port in $DIST_STATE/NAME.port.
fake_epmd() {
	start_peer_file "$1" "$2"
}

start_peer_file() {
	python3 "$DIST_ROOT/tests/helpers/peer.py" names "$DIST_STATE/$1.port" "$2" \
		>"$DIST_STATE/$1.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "fake epmd $1" test -s "$DIST_STATE/$1.port"
}

# ---- EPMD --------------------------------------------------------------

@test "epmd: a name with a space no longer hides every node; each bad entry is its own record" {
	run --separate-stderr "$DISCOVER" --epmd
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "e1@$HOST
l1@$HOST"
	# One record per bad entry, none of them protocol_error.
	run errs <<<"$stderr"
	assert_line "invalid_name has space@$HOST"
	assert_line "invalid_name a@b@$HOST"
	assert_line "invalid_name name nl"
	assert_line --regexp "^invalid_name x{255}@$HOST\$"
	refute_output --partial protocol_error
	assert_equal "${#lines[@]}" 5
	# -o text shows each entry in its message.
	run --separate-stderr "$DISCOVER" --epmd -o text
	assert_failure 1
	[[ $stderr == *"it has no ' at port ': 'name nl'"* ]]
	[[ $stderr == *"'has space@$HOST'"* ]]
}

@test "epmd: the pipeline into dist-ping pings the good nodes and never passes a bad one" {
	run bash -c '"$1" --epmd 2>"$3/err" | "$2" --cookie-file "$4" -o json' _ \
		"$DISCOVER" "$PING" "$BATS_TEST_TMPDIR" "$COOKIE_FILE"
	# l1 is a long-name node listed by its short host: see --host-form.
	assert_failure 1
	assert_line --regexp "^\{\"node\":\"e1@$HOST\".*\"ok\":true"
	assert_line --regexp "^\{\"node\":\"l1@$HOST\".*\"code\":\"name_style_mismatch\""
	refute_output --partial 'has space'
	[ "$(wc -l <<<"$output")" -eq 2 ]
}

@test "epmd: real epmd refuses names that are empty, not UTF-8 or over 255 bytes" {
	local p
	p=$(cat "$DIST_STATE/epmd_port")
	for name in "" "$(printf 'bad\377name')" "$(printf 'z%.0s' $(seq 1 256))"; do
		run timeout 30 python3 "$DIST_ROOT/tests/helpers/peer.py" register \
			"$name" "$p" "$(free_port)"
		assert_failure
		assert_output --partial "epmd refused the registration"
	done
}

@test "epmd: a NAMES reply with bytes real epmd never sends: each bad line alone, the good ones listed" {
	local f=$BATS_TEST_TMPDIR/names
	{
		printf '\0\0\021\021'
		printf 'name good1 at port 4001\n'
		printf 'name bad\377\376 at port 4002\n'
		printf 'garbage line\n'
		printf 'name port at port 99999\n'
		printf 'name  at port 4003\n'
		printf 'name nul\0x at port 4004\n'
		printf 'name %s at port 4005\n' "$(printf 'q%.0s' $(seq 1 2000))"
		printf '\n'
		printf 'name good2 at port 4006'   # no newline before EOF
	} > "$f"
	fake_epmd fake1 "$f"
	run --separate-stderr "$DISCOVER" -H 127.0.0.1 \
		--epmd-port "$(cat "$DIST_STATE/fake1.port")"
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "good1@127.0.0.1
good2@127.0.0.1"
	assert_line --index 0 --regexp '"port":4001,'
	run errs <<<"$stderr"
	assert_equal "${#lines[@]}" 6
	assert_line --index 0 'invalid_name bad\xFF\xFE@127.0.0.1'
	assert_line --index 1 'invalid_name garbage line'
	assert_line --index 2 'invalid_name name port at port 99999'
	assert_line --index 3 'invalid_name name  at port 4003'
	assert_line --index 4 'invalid_name name nul\x00x at port 4004'
	# A long line is shown cut, never whole.
	assert_line --index 5 --regexp '^invalid_name name q{200,300}\.\.\.$'
}

@test "epmd: a huge NAMES reply is bounded: the names before the limit are kept, too_large said once" {
	local f=$BATS_TEST_TMPDIR/huge
	python3 - "$f" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"\0\0\021\021name first at port 4001\n")
    # 2 MiB of bad lines, then a good name past the limit.
    line = b"name " + b"w" * 1000 + b" at port 1\n"
    for _ in range(2 * 1024 * 1024 // len(line)):
        f.write(line)
    f.write(b"name after at port 4002\n")
PY
	fake_epmd fake2 "$f"
	run --separate-stderr "$DISCOVER" -H 127.0.0.1 \
		--epmd-port "$(cat "$DIST_STATE/fake2.port")"
	assert_failure 1
	assert_output --regexp '^\{"node":"first@127.0.0.1"'
	refute_output --partial after
	# 1000 invalid records, one saying the rest are not shown, one for
	# the reply over the limit.
	assert_equal "$(errs <<<"$stderr" | cut -d' ' -f1 | sort | uniq -c | awk '{print $1, $2}')" "1000 invalid_name
2 too_large"
	[[ $stderr == *"the rest are not shown"* ]]
	[[ $stderr == *"NAMES reply over 1048576 bytes"* ]]
}

@test "epmd: one endless line is reported once and skipped, within the byte bound" {
	local f=$BATS_TEST_TMPDIR/endless
	python3 - "$f" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"\0\0\021\021name first at port 4001\nname ")
    f.write(b"v" * (2 * 1024 * 1024))
PY
	fake_epmd fake3 "$f"
	run --separate-stderr "$DISCOVER" -H 127.0.0.1 \
		--epmd-port "$(cat "$DIST_STATE/fake3.port")"
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "first@127.0.0.1"
	assert_equal "$(errs <<<"$stderr" | cut -d' ' -f1)" "invalid_name
too_large"
}

@test "epmd: a reply cut before its header is protocol_error for that host only" {
	printf '\0\0' > "$BATS_TEST_TMPDIR/cut"
	fake_epmd fake4 "$BATS_TEST_TMPDIR/cut"
	run --separate-stderr "$DISCOVER" -H 127.0.0.1 \
		--epmd-port "$(cat "$DIST_STATE/fake4.port")" a@h1
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "a@h1"
	assert_equal "$(errs <<<"$stderr")" "protocol_error -"
}

@test "epmd: a hosts file with one host that does not answer still lists the others" {
	printf "'127.0.0.1'.\n'nosuch.test'.\n" > "$BATS_TEST_TMPDIR/hosts.erlang"
	run --separate-stderr "$DISCOVER" --hosts-file "$BATS_TEST_TMPDIR/hosts.erlang"
	assert_failure 1
	assert_line --regexp '^\{"node":"e1@127.0.0.1"'
	assert_line --regexp '^\{"node":"l1@127.0.0.1"'
	assert_equal "$(errs <<<"$stderr" | grep -v invalid_name)" "resolve_failed -"
}

# ---- the host part of EPMD's names --------------------------------------

@test "host form: --host-form address names a long-name node as erl -name x@127.0.0.1 does, and dist-ping reaches it" {
	run --separate-stderr "$DISCOVER" --epmd --host-form address
	assert_line --regexp '^\{"node":"l1@127.0.0.1","host":"127.0.0.1","address":"127.0.0.1","family":"inet","port":[0-9]+,"source":"epmd:'
	# The pipeline: only l1 is a long-name node here.
	run bash -c '"$1" --epmd --host-form address 2>/dev/null |
		grep "\"node\":\"l1@" | "$2" --cookie-file "$3"' _ \
		"$DISCOVER" "$PING" "$COOKIE_FILE"
	assert_success
	assert_output --regexp '^\{"node":"l1@127.0.0.1",.*"ok":true'
}

@test "host form: -H as given; short cuts a host name, never an address; long wants a domain" {
	# -H as given by default; short cuts it as erl -sname would.
	run --separate-stderr "$DISCOVER" -H epmdhost.test
	assert_line --regexp '^\{"node":"e1@epmdhost.test","host":"epmdhost.test"'
	run --separate-stderr "$DISCOVER" -H epmdhost.test --host-form short
	assert_line --regexp '^\{"node":"e1@epmdhost","host":"epmdhost","address":"127.0.0.1"'
	run --separate-stderr "$DISCOVER" -H epmdhost.test --host-form long
	assert_line --regexp '^\{"node":"e1@epmdhost.test"'
	run --separate-stderr "$DISCOVER" -H epmdhost.test --host-form address
	assert_line --regexp '^\{"node":"e1@127.0.0.1"'
	run --separate-stderr "$DISCOVER" -H 127.0.0.1 --host-form short
	assert_line --regexp '^\{"node":"e1@127.0.0.1"'
	run --separate-stderr "$DISCOVER" -H 127.0.0.1 --host-form long
	assert_line --regexp '^\{"node":"e1@127.0.0.1"'
	if [[ $(hostname) != *.* ]]; then
		run --separate-stderr "$DISCOVER" --epmd --host-form long
		assert_failure 2
		[[ $stderr == *"has no domain"*"--host-form address"* ]]
	fi
	run --separate-stderr "$DISCOVER" --host-form fqdn
	assert_failure 2
	[[ $stderr == *"use short, long or address"* ]]
}

# ---- names files ----------------------------------------------------------

@test "file: dist-discover's own output reads back with -f, its fields carried" {
	local f=$BATS_TEST_TMPDIR/found
	"$DISCOVER" --epmd > "$f" 2>/dev/null || true
	[ "$(wc -l < "$f")" -eq 2 ]
	run --separate-stderr "$DISCOVER" -f "$f"
	assert_success
	assert_equal "$(nodes <<<"$output")" "e1@$HOST
l1@$HOST"
	# address, family and port come from the first run; source is ours.
	assert_line --regexp "^\{\"node\":\"e1@$HOST\",\"host\":\"$HOST\",\"address\":\"127.0.0.1\",\"family\":\"inet\",\"port\":[0-9]+,\"source\":\"file:$f\"\}\$"
	# ... and into dist-ping, through the names file.
	run bash -c '"$1" -f "$2" --host-form address 2>/dev/null | grep e1@ | "$3" --cookie-file "$4"' _ \
		"$DISCOVER" "$f" "$PING" "$COOKIE_FILE"
	assert_success
	assert_output --partial '"ok":true'
}

@test "file: bare names and JSON lines mixed; each bad line is its own record" {
	local f=$BATS_TEST_TMPDIR/names long
	long=$(printf 'k%.0s' $(seq 1 400))
	{
		printf '# names\n'
		printf 'a@h1\n'
		printf '{"node":"b@h2","zone":"z1","port":4370}\n'
		printf 'has space@h\n'
		printf 'bad\377@h\n'
		printf '%s@h\n' "$long"
		printf '@h\n'
		printf '{"summary":true,"targets":3}\n'
		printf '{"ok":false,"name":"x"}\n'
		printf '{"node":42}\n'
		printf '{not json\n'
		printf '\r\n'
		printf 'c@h3\r\n'
	} > "$f"
	run --separate-stderr "$DISCOVER" -f "$f"
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "a@h1
b@h2
c@h3"
	assert_line --index 1 "{\"node\":\"b@h2\",\"host\":\"h2\",\"port\":4370,\"source\":\"file:$f\",\"zone\":\"z1\"}"
	run errs <<<"$stderr"
	assert_equal "${#lines[@]}" 7
	assert_line --index 0 'invalid_name has space@h'
	assert_line --index 1 'invalid_name bad\xFF@h'
	assert_line --index 2 --regexp '^invalid_name k{290,300}\.\.\.$'
	assert_line --index 3 'invalid_name @h'
	assert_line --index 4 'invalid_name {"ok":false,"name":"x"}'
	assert_line --index 5 'invalid_name {"node":42}'
	assert_line --index 6 'invalid_name {not json'
	[[ $stderr == *"line 10: a JSON record without a string"* ]]
}

# ---- DNS and HTTP ----------------------------------------------------------

@test "dns: an SRV answer with one target too long for a node name lists the others" {
	run --separate-stderr "$DISCOVER" --srv app@_erl._tcp.mixed.test
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@good.test
app@nosuch.test"
	assert_equal "$(errs <<<"$stderr" | cut -d' ' -f1)" invalid_name
	# With addresses, the target without one fails alone.
	run --separate-stderr "$DISCOVER" --srv app@_erl._tcp.mixed.test --name-from ip
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@127.0.0.41
app@127.0.0.42"
	assert_equal "$(errs <<<"$stderr" | cut -d' ' -f1)" resolve_failed
}

@test "http: a list with bad entries of every kind still lists the good ones" {
	run --separate-stderr "$DISCOVER" --url "$(url plain /list)"
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "good@h1
last@h3
ok@h2"
	run errs <<<"$stderr"
	assert_equal "${#lines[@]}" 8
	assert_line 'invalid_name has space@h'
	assert_line 'invalid_name '
	assert_line --regexp '^invalid_name y{290,300}\.\.\.$'
	assert_line 'invalid_name {"nonode":1}'
	assert_line 'invalid_name a@b@c'
	assert_line 'invalid_name @h'
	assert_line 'invalid_name n@'
	assert_line 'invalid_name ["x"]'
}

@test "http: EndpointSlice and Consul documents with a bad or missing address list the others" {
	run --separate-stderr "$DISCOVER" --url "$(url plain /endpointslices)" -b app
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@10.1.0.1
app@10.1.0.3"
	# An endpoint without a usable address is shown, never dropped; one
	# that is not ready is left out, as the API means.
	assert_equal "$(errs <<<"$stderr")" 'invalid_name app@not an address
invalid_name {"conditions":{"ready":true}}
invalid_name {"addresses":[42]}'
	run --separate-stderr "$DISCOVER" --url "$(url plain /v1/catalog/service/app)" -b app
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@10.2.0.1
app@10.2.0.3"
	assert_equal "$(errs <<<"$stderr")" 'invalid_name app@bad host
invalid_name {"Node":"n4","ServiceName":"app"}'
}

# ---- TLS ---------------------------------------------------------------

@test "tls: a verified server works with --cacert" {
	run --separate-stderr "$DISCOVER" --cacert "$PKI/ca.pem" --url "$(url good /list)"
	assert_failure 1   # the list's own bad entries
	assert_equal "$(nodes <<<"$output")" "good@h1
last@h3
ok@h2"
	refute_output --partial tls_error
}

@test "tls: an unknown CA is tls_error and asks for --cacert" {
	run --separate-stderr "$DISCOVER" --url "$(url good /list)"
	assert_failure 1
	assert_output ""
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"signed by a CA this host does not trust: give that CA with --cacert"* ]]
	# A self-signed server without --cacert: the same advice.
	run --separate-stderr "$DISCOVER" --url "$(url self /list)"
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"--cacert"* ]]
	# With another CA than the one that signed it: says so.
	run --separate-stderr "$DISCOVER" --cacert "$PKI/self.pem" --url "$(url good /list)"
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"not signed by the CA of --cacert"* ]]
}

@test "tls: a certificate for another name says whose names do not match, not --cacert" {
	run --separate-stderr "$DISCOVER" --cacert "$PKI/ca.pem" --url "$(url wrong /list)"
	assert_failure 1
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"does not name '127.0.0.1', the host of the URL"* ]]
	[[ $stderr != *"given with --cacert"* ]]
}

@test "tls: an expired certificate says it has expired" {
	run --separate-stderr "$DISCOVER" --cacert "$PKI/ca.pem" --url "$(url expired /list)"
	assert_failure 1
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"certificate has expired"* ]]
}

@test "tls: https to a server that does not speak TLS is a handshake tls_error" {
	run --separate-stderr "$DISCOVER" --url "https://127.0.0.1:$(cat "$DIST_STATE/plain.http_port")/list"
	assert_failure 1
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"TLS handshake failed"* ]]
	# An unreadable --cacert is not the server's fault: says the file.
	run --separate-stderr "$DISCOVER" --cacert "$BATS_TEST_TMPDIR/none.pem" \
		--url "$(url good /list)"
	assert_equal "$(errs <<<"$stderr")" "tls_error -"
	[[ $stderr == *"--cacert file"* ]]
}
