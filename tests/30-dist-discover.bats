#!/usr/bin/env bats
# dist-discover against a real dnsmasq (A, AAAA, SRV, PTR, NXDOMAIN,
# REFUSED), a real epmd with real erl nodes, and a loopback HTTP server
# serving Kubernetes, Consul and plain JSON documents; every failure
# mode gives its own error record while the other sources still print.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	# No proxy may carry a test request off the loopback interface.
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	start_node n1 short
	start_node n2 short
	register_stale bad.name "$(free_port)"
	# 1 000-style multi-address names come from a hosts file.
	printf '127.0.0.31 multi.test\n127.0.0.32 multi.test\n' \
		> "$DIST_STATE/multi.hosts"
	start_dnsmasq_opts main \
		--host-record=app1.test,127.0.0.21,fd00::21 \
		--host-record=app2.test,127.0.0.22 \
		--host-record=v6only.test,fd00:0:0:0::1 \
		--srv-host=_erl._tcp.svc.test,app1.test,4369 \
		--srv-host=_erl._tcp.svc.test,app2.test,4369 \
		--addn-hosts="$DIST_STATE/multi.hosts"
	start_udp_blackhole deaddns
	start_peer servfail servfail
	start_http_server
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	DISCOVER="$DIST_BIN/dist-discover"
	# Never the system resolver: always our dnsmasq.
	DNS="127.0.0.1:$(cat "$DIST_STATE/main.dns_port")"
	export DIST_RESOLVER=$DNS
	HTTP="http://127.0.0.1:$(cat "$DIST_STATE/http.port")"
	FIX="$DIST_ROOT/tests/fixtures/discover"
}

# nodes: the "node" members of stdout's records, one per line.
nodes() {
	python3 -c 'import json,sys
for l in sys.stdin:
    l=l.strip()
    if l: print(json.loads(l).get("node", "-"))'
}

# errfield PATH: one member of each error record on stdin.
errfield() {
	python3 -c 'import json,sys
for l in sys.stdin:
    l=l.strip()
    if not l.startswith("{"): continue
    v=json.loads(l)
    for k in sys.argv[1].split("."): v=v.get(k) if isinstance(v,dict) else None
    print(v)' "$1"
}

# k8s_dir TOKEN: a service account directory like a pod's.
k8s_dir() {
	local d="$BATS_TEST_TMPDIR/sa"
	mkdir -p "$d"
	printf '%s\n' "$1" > "$d/token"
	echo prod > "$d/namespace"
	echo "$d"
}

# ---- DNS --------------------------------------------------------------

@test "dns: A and AAAA both asked, IPv6 in RFC 5952 form, sorted" {
	run --separate-stderr "$DISCOVER" --query app@app1.test \
		--query app@v6only.test
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@127.0.0.21
app@fd00::1
app@fd00::21"
	assert_line --partial '"address":"fd00::1","family":"inet6","source":"dns:v6only.test"'
	assert_line --partial '"address":"127.0.0.21","family":"inet"'
}

@test "dns: a name with only A records is not a failure (empty AAAA)" {
	run --separate-stderr "$DISCOVER" --basename app --query app2.test
	assert_success
	assert_output '{"node":"app@127.0.0.22","host":"127.0.0.22","address":"127.0.0.22","family":"inet","source":"dns:app2.test"}'
	assert_equal "$stderr" ""
}

@test "dns: several addresses for one name, --query repeatable, deduplicated" {
	run --separate-stderr "$DISCOVER" --basename app --query multi.test \
		--query multi.test --query app2.test
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@127.0.0.22
app@127.0.0.31
app@127.0.0.32"
}

@test "dns: NXDOMAIN is a resolve_failed record naming the query; others still print" {
	run --separate-stderr "$DISCOVER" --basename app --query nosuch.test \
		--query app2.test
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@127.0.0.22"
	assert_equal "$(errfield error.code <<<"$stderr")" resolve_failed
	assert_equal "$(errfield query <<<"$stderr")" nosuch.test
	assert_equal "$(errfield strategy <<<"$stderr")" dns
	[[ $stderr == *NXDOMAIN* ]]
}

@test "dns: a REFUSED answer says REFUSED" {
	run --separate-stderr "$DISCOVER" --query app@outside.example
	assert_failure 1
	assert_output ""
	assert_equal "$(errfield error.code <<<"$stderr")" resolve_failed
	[[ $stderr == *REFUSED* ]]
}

@test "dns: a SERVFAIL answer says SERVFAIL" {
	run --separate-stderr "$DISCOVER" --resolver "127.0.0.1:$(cat "$DIST_STATE/servfail.port")" \
		--query app@broken.test
	assert_failure 1
	assert_output ""
	assert_equal "$(errfield error.code <<<"$stderr")" resolve_failed
	[[ $stderr == *SERVFAIL* ]] || fail "no SERVFAIL in: $stderr"
}

@test "dns: a server that never answers is a timeout, within --timeout" {
	port=$(cat "$DIST_STATE/deaddns.port")
	start=$(date +%s%N)
	run --separate-stderr "$DISCOVER" --resolver "127.0.0.1:$port" \
		--timeout 500ms --query app@app1.test
	elapsed=$((($(date +%s%N) - start) / 1000000))
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" timeout
	# Not a speed test: c-ares alone would retry for about 75 s, so any
	# bound far below that proves the deadline held, even under load.
	[ "$elapsed" -lt 30000 ]
}

@test "dns: SRV gives basename@target; --name-from ip gives addresses" {
	run --separate-stderr "$DISCOVER" --srv app@_erl._tcp.svc.test
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@app1.test
app@app2.test"
	assert_line --partial '"source":"srv:_erl._tcp.svc.test"'
	run --separate-stderr "$DISCOVER" --srv app@_erl._tcp.svc.test \
		--name-from ip
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@127.0.0.21
app@127.0.0.22
app@fd00::21"
}

@test "dns: --name-from hostname asks PTR for each address" {
	run --separate-stderr "$DISCOVER" --query app@app1.test \
		--name-from hostname
	assert_success
	# Both the A and the AAAA address point back to app1.test: one node.
	assert_equal "$(nodes <<<"$output")" "app@app1.test"
	assert_line --partial '"address":"127.0.0.21"'
}

@test "dns: --query without a basename is a usage error" {
	run "$DISCOVER" --query app1.test
	assert_failure 2
	assert_output --partial "basename"
}

# ---- EPMD -------------------------------------------------------------

@test "epmd: NAMES on this host lists the nodes with their ports" {
	run --separate-stderr "$DISCOVER" --epmd
	assert_failure 1   # bad.name is registered: an invalid_name record
	assert_line --partial "{\"node\":\"n1@$HOST\",\"host\":\"$HOST\",\"address\":\"127.0.0.1\",\"family\":\"inet\",\"port\":"
	assert_equal "$(nodes <<<"$output")" "n1@$HOST
n2@$HOST"
	port=$(epmd -port "$ERL_EPMD_PORT" -names | awk '$2=="n1"{print $5}')
	assert_line --partial "\"port\":$port,\"source\":\"epmd:$HOST\""
}

@test "epmd: a name EPMD lists that is not a node name is an invalid_name record, never a node" {
	run --separate-stderr "$DISCOVER" --epmd --errors stdout
	assert_failure 1
	assert_line --partial '"name":"bad.name@'
	assert_line --partial '"code":"invalid_name"'
	refute_line --partial '"node":"bad.name@'
}

@test "epmd: --host names the nodes after that host" {
	run --separate-stderr "$DISCOVER" --host 127.0.0.1
	assert_equal "$(nodes <<<"$output")" "n1@127.0.0.1
n2@127.0.0.1"
	assert_line --partial '"source":"epmd:127.0.0.1"'
}

@test "epmd: --hosts-file reads .hosts.erlang terms" {
	printf "%% the cluster\n'127.0.0.1'.\n'localhost'. %% again\n" \
		> "$BATS_TEST_TMPDIR/hosts.erlang"
	run --separate-stderr "$DISCOVER" --hosts-file "$BATS_TEST_TMPDIR/hosts.erlang"
	assert_equal "$(nodes <<<"$output")" "n1@127.0.0.1
n1@localhost
n2@127.0.0.1
n2@localhost"
}

@test "epmd: a malformed hosts file is a usage error naming the line" {
	printf "'127.0.0.1'.\n'localhost'\n" > "$BATS_TEST_TMPDIR/bad.hosts"
	run "$DISCOVER" --hosts-file "$BATS_TEST_TMPDIR/bad.hosts"
	assert_failure 2
	assert_output --partial "line 2"
}

@test "epmd: nothing on the EPMD port is epmd_unreachable" {
	port=$(free_port)
	run --separate-stderr "$DISCOVER" --epmd-port "$port" --host 127.0.0.1
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" epmd_unreachable
	assert_equal "$(errfield query <<<"$stderr")" 127.0.0.1
	[[ $stderr == *"port $port"* ]]
}

# ---- HTTP -------------------------------------------------------------

@test "http: a JSON list; invalid names are error records, objects keep their fields" {
	run --separate-stderr "$DISCOVER" --url "$HTTP/list"
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@host1.test
web@127.0.0.5"
	assert_line '{"node":"web@127.0.0.5","host":"127.0.0.5","address":"127.0.0.5","family":"inet","port":4370,"source":"http:'"$HTTP"'/list","zone":"b"}'
	assert_equal "$(errfield error.code <<<"$stderr" | sort -u)" invalid_name
	assert_equal "$(errfield name <<<"$stderr")" "bad name@host
a@b@c
42"
	[[ $stderr != *'"node"'* ]]
}

@test "http: a Kubernetes EndpointSlice list: ready endpoints, pod and zone carried" {
	run --separate-stderr "$DISCOVER" --basename app --url "$HTTP/endpointslices"
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@127.1.0.10
app@127.1.0.11
app@127.1.0.13
app@fd00::a"
	assert_line --partial '"node":"app@127.1.0.10","host":"127.1.0.10","address":"127.1.0.10","family":"inet","source":"http:'"$HTTP"'/endpointslices","pod":"app-0","namespace":"prod","zone":"zone-a"'
}

@test "http: EndpointSlice with --name-from hostname gives StatefulSet names" {
	run --separate-stderr "$DISCOVER" --basename app --name-from hostname \
		--url "$HTTP/endpointslices"
	assert_success
	assert_line --partial '"node":"app@app-0.app.prod.svc.cluster.local"'
	assert_line --partial '"node":"app@app-4.app.prod.svc.cluster.local","host":"app-4.app.prod.svc.cluster.local","address":"fd00::a"'
}

@test "http: the older Endpoints list, never notReadyAddresses" {
	run --separate-stderr "$DISCOVER" --basename app --url "$HTTP/endpoints"
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@127.2.0.20
app@127.2.0.21"
}

@test "http: a Consul catalog service list" {
	run --separate-stderr "$DISCOVER" --basename app --url "$HTTP/v1/catalog/service/app"
	assert_success
	assert_equal "$(nodes <<<"$output")" "app@127.3.0.31
app@127.3.0.32"
	assert_line --partial '"consul_node":"consul-node-1"'
}

@test "http: a document of addresses without --basename says so" {
	run --separate-stderr "$DISCOVER" --url "$HTTP/endpoints"
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" invalid_args
	[[ $stderr == *--basename* ]]
}

@test "http: 403 is not_allowed and names the missing permission" {
	run --separate-stderr "$DISCOVER" --basename app --format endpointslice \
		--url "$HTTP/forbidden"
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" not_allowed
	assert_equal "$(errfield http_status <<<"$stderr")" 403
	[[ $stderr == *'resources [\"endpointslices\"]'* ]]
	[[ $stderr == *'cannot list resource'* ]]
}

@test "http: a truncated body is protocol_error, not a partial list" {
	run --separate-stderr "$DISCOVER" --basename app --url "$HTTP/truncated"
	assert_failure 1
	assert_output ""
	assert_equal "$(errfield error.code <<<"$stderr")" protocol_error
	[[ $stderr == *"cut short"* ]]
}

@test "http: a body over --max-body is too_large" {
	run --separate-stderr "$DISCOVER" --max-body 100000 --url "$HTTP/huge"
	assert_failure 1
	assert_output ""
	assert_equal "$(errfield error.code <<<"$stderr")" too_large
}

@test "http: a body that is not JSON is protocol_error" {
	run --separate-stderr "$DISCOVER" --url "$HTTP/notjson"
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" protocol_error
}

@test "http: nothing listening is connect_refused; a slow server hits --timeout" {
	run --separate-stderr "$DISCOVER" --url "http://127.0.0.1:$(free_port)/x"
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" connect_refused
	run --separate-stderr "$DISCOVER" --timeout 300ms --url "$HTTP/slow"
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" timeout
}

@test "http: --bearer-file sends the token and never prints it" {
	printf 'secret-bearer-token\n' > "$BATS_TEST_TMPDIR/token"
	run "$DISCOVER" --url "$HTTP/bearer"
	assert_failure 1
	assert_output --partial '"code":"not_allowed"'
	run "$DISCOVER" --bearer-file "$BATS_TEST_TMPDIR/token" --url "$HTTP/bearer"
	assert_output --partial '"node":"web@127.0.0.5"'
	refute_output --partial secret-bearer-token
}

@test "k8s: the service account finds the Service's EndpointSlices" {
	dir=$(k8s_dir k8s-test-token)
	run --separate-stderr "$DISCOVER" --k8s --k8s-dir "$dir" \
		--k8s-api "$HTTP" --k8s-service app --basename app
	assert_success
	assert_equal "$(nodes <<<"$output" | head -1)" "app@127.1.0.10"
	run grep -F '/apis/discovery.k8s.io/v1/namespaces/prod/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dapp auth=yes' \
		"$DIST_STATE/http.requests"
	assert_success
}

@test "k8s: a refused token says so; a forbidden namespace names the Role to grant" {
	dir=$(k8s_dir wrong-token)
	run --separate-stderr "$DISCOVER" --k8s --k8s-dir "$dir" \
		--k8s-api "$HTTP" --k8s-service app --basename app
	assert_failure 1
	assert_equal "$(errfield error.code <<<"$stderr")" not_allowed
	[[ $stderr == *"service account token"* ]]
	[[ $stderr != *wrong-token* ]]
	dir=$(k8s_dir k8s-test-token)
	run --separate-stderr "$DISCOVER" --k8s --k8s-dir "$dir" --k8s-namespace forbidden \
		--k8s-api "$HTTP" --k8s-selector app=web --basename app
	assert_failure 1
	[[ $stderr == *"may not list endpointslices in namespace forbidden"* ]]
}

@test "k8s: an unreadable token is an environment error (exit 3)" {
	run "$DISCOVER" --k8s --k8s-dir "$BATS_TEST_TMPDIR/none" \
		--k8s-api "$HTTP" --k8s-service app --basename app
	assert_failure 3
	assert_output --partial "service account token"
}

# ---- libcurl, loaded only for HTTP -------------------------------------

@test "https: --cacert verifies a self-signed server; without it the record says so" {
	local d=$BATS_TEST_TMPDIR port
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
	# Serves list.json over TLS; stopped by teardown_file like the rest.
	python3 -c '
import http.server, os, ssl, sys
d, fix = sys.argv[1:3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        body = open(os.path.join(fix, "list.json"), "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + "/cert.pem", d + "/key.pem")
s.socket = ctx.wrap_socket(s.socket, server_side=True)
open(d + "/port.tmp", "w").write("%d\n" % s.server_address[1])
os.rename(d + "/port.tmp", d + "/port")
s.serve_forever()' "$d" "$FIX" >"$d/https.log" 2>&1 3>&- &
	echo $! >> "$DIST_STATE/pids"
	wait_for "https server" test -s "$d/port"
	port=$(cat "$d/port")
	run --separate-stderr "$DISCOVER" --cacert "$d/cert.pem" \
		--url "https://127.0.0.1:$port/list"
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@host1.test
web@127.0.0.5"
	assert_equal "$(errfield error.code <<<"$stderr" | sort -u)" invalid_name
	run --separate-stderr "$DISCOVER" --url "https://127.0.0.1:$port/list"
	assert_failure 1
	assert_output ""
	assert_equal "$(errfield error.code <<<"$stderr")" tls_error
	[[ $stderr == *--cacert* ]]
}

@test "libcurl is opened only for HTTP: without it, HTTP is an environment error" {
	# A file that is no library stands in for a missing libcurl.
	mkdir "$BATS_TEST_TMPDIR/lib"
	: > "$BATS_TEST_TMPDIR/lib/libcurl.so.4"
	LD_LIBRARY_PATH=$BATS_TEST_TMPDIR/lib run --separate-stderr \
		"$DISCOVER" a@h1 b@h2
	assert_success
	assert_equal "$(nodes <<<"$output")" "a@h1
b@h2"
	LD_LIBRARY_PATH=$BATS_TEST_TMPDIR/lib run --separate-stderr \
		"$DISCOVER" --url "$HTTP/list" a@h1
	assert_failure 3
	assert_output ""
	[[ $stderr == *"cannot load libcurl.so.4 (install libcurl4)"* ]]
}

# ---- static, combined, output ------------------------------------------

@test "static: arguments and --file; invalid names never become nodes" {
	printf '# the list\nb@h2\n\nbad name@h\n' > "$BATS_TEST_TMPDIR/names"
	run --separate-stderr "$DISCOVER" --file "$BATS_TEST_TMPDIR/names" a@h1 b@h2
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "a@h1
b@h2"
	assert_equal "$(errfield error.code <<<"$stderr")" invalid_name
	assert_equal "$(errfield source <<<"$stderr")" "file:$BATS_TEST_TMPDIR/names"
}

@test "strategies combine: one failing source, the rest still printed, deduplicated" {
	run --separate-stderr "$DISCOVER" --host 127.0.0.1 \
		--query app@app2.test --query app@nosuch.test \
		--url "$HTTP/list" n1@127.0.0.1 app@127.0.0.22
	assert_failure 1
	assert_equal "$(nodes <<<"$output")" "app@127.0.0.22
app@host1.test
n1@127.0.0.1
n2@127.0.0.1
web@127.0.0.5"
	# n1 came from EPMD first (source order), completed with its port.
	assert_line --regexp '^\{"node":"n1@127.0.0.1","host":"127.0.0.1","address":"127.0.0.1","family":"inet","port":[0-9]+,"source":"epmd:127.0.0.1"\}$'
	assert_equal "$(errfield error.code <<<"$stderr" | sort | uniq -c | awk '{print $1, $2}')" "4 invalid_name
1 resolve_failed"
}

@test "-o text prints columns; --help and bad options" {
	run --separate-stderr "$DISCOVER" -o text --query app@app2.test
	assert_success
	assert_output --regexp '^app@127\.0\.0\.22 +127\.0\.0\.22 +- +dns:app2\.test$'
	run "$DISCOVER" --help
	assert_success
	assert_output --partial "Exit status"
	run "$DISCOVER" --no-such-option
	assert_failure 2
	run "$DISCOVER" --format yaml --url "$HTTP/list"
	assert_failure 2
}

# ---- pipeline and watch -----------------------------------------------

@test "pipeline: dist-discover --epmd | dist-ping reaches every node" {
	run bash -c '"$1" --epmd 2>/dev/null | "$2" --cookie-file "$3"' _ \
		"$DISCOVER" "$DIST_BIN/dist-ping" "$COOKIE_FILE"
	assert_success
	# dist-ping writes in completion order.
	assert_equal "$(nodes <<<"$output" | sort)" "n1@$HOST
n2@$HOST"
	assert_line --partial "\"node\":\"n1@$HOST\",\"host\":\"$HOST\""
	assert_line --partial '"ok":true'
	refute_output --partial bad.name
}

# wait_line FILE PATTERN: until FILE has a line matching PATTERN.
wait_line() {
	local _
	for _ in $(seq 1 200); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	echo "no line matching $2 in $1:" >&2
	cat "$1" >&2
	return 1
}

@test "watch: a node that starts is up, one that stops is down" {
	out="$BATS_TEST_TMPDIR/watch.out"
	"$DISCOVER" --watch --interval 200ms --epmd >"$out" 2>/dev/null 3>&- &
	pid=$!
	wait_line "$out" "\"node\":\"n1@$HOST\".*\"event\":\"up\""
	start_node w1 short
	wait_line "$out" "\"node\":\"w1@$HOST\".*\"event\":\"up\""
	stop_node w1
	wait_line "$out" "\"node\":\"w1@$HOST\".*\"event\":\"down\""
	kill "$pid"
	wait "$pid" || true
	# Each change once: n1 up once, never down.
	[ "$(grep -c "\"node\":\"n1@$HOST\"" "$out")" -eq 1 ]
}

@test "watch: a failed poll never marks nodes down" {
	names="$BATS_TEST_TMPDIR/names"
	out="$BATS_TEST_TMPDIR/watch.out"
	printf 'a@h1\nb@h2\n' > "$names"
	"$DISCOVER" --watch --interval 150ms --errors stdout --file "$names" \
		>"$out" 2>&1 3>&- &
	pid=$!
	wait_line "$out" '"node":"b@h2".*"event":"up"'
	mv "$names" "$names.away"
	wait_line "$out" '"code":"io_error"'
	sleep 0.4
	run grep -c '"event":"down"' "$out"
	assert_output 0
	printf 'a@h1\n' > "$names"
	wait_line "$out" '"node":"b@h2".*"event":"down"'
	kill "$pid"
	wait "$pid" || true
	run grep -c '"node":"a@h1"' "$out"
	assert_output 1
}
