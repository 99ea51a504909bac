#!/usr/bin/env bats
# dist-rpc against real erl nodes: terms both ways, every error class,
# timeouts, --eval, captured output, many nodes, shell substitution.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	start_node r1 short
	start_node r2 long
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	RPC="$DIST_BIN/dist-rpc"
	N1="r1@$HOST"
	export ERLANG_COOKIE="$COOKIE"
}

# on_node EXPR: evaluate on r1 with the reference client (erl_call).
on_node() {
	erl_eval_on r1 "$1"
}

@test "a call returns its value as natural JSON" {
	run "$RPC" "$N1" lists seq '[1,5]'
	assert_success
	assert_equal "$(field "$output" result)" "[1, 2, 3, 4, 5]"
	assert_equal "$(field "$output" ok)" true
	assert_equal "$(field "$output" node)" "$N1"
}

@test "erlang node: the node's own name, -o raw for shell substitution" {
	name=$("$RPC" -o raw "$N1" erlang node)
	assert_equal "$name" "$N1"
}

@test "release-script form: application which_applications -o raw" {
	run "$RPC" "$N1" application which_applications '[]' -o raw
	assert_success
	assert_output --partial kernel
}

@test "-o term prints Erlang syntax" {
	run "$RPC" -o term "$N1" erlang list_to_tuple '[[a, <<"b">>, "c", 1.5]]'
	assert_success
	assert_output '{a,<<"b">>,"c",1.5}'
}

@test "long-name node" {
	run "$RPC" -o raw r2@127.0.0.1 erlang node
	assert_success
	assert_output r2@127.0.0.1
}

@test "undef is badrpc and names the function" {
	run "$RPC" "$N1" lists no_such_function '[1]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" badrpc
	assert_output --partial "lists:no_such_function/1"
}

@test "error: exception with class, reason and stack" {
	run "$RPC" "$N1" erlang binary_to_atom '[42]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" exception
	assert_equal "$(field "$output" exception.class)" error
	assert_equal "$(field "$output" exception.reason)" badarg
	run field "$output" exception.stacktrace.0
	assert_success
}

@test "exit: exception class exit" {
	run "$RPC" "$N1" erlang exit '[{shutdown, because}]'
	assert_failure 1
	assert_equal "$(field "$output" exception.class)" exit
	assert_equal "$(field "$output" exception.reason)" '["shutdown", "because"]'
}

@test "throw: exception class throw, not mistaken for a return" {
	run "$RPC" "$N1" erlang throw '[oops]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" exception
	assert_equal "$(field "$output" exception.class)" throw
	assert_equal "$(field "$output" exception.reason)" oops
}

@test "timeout: the command ends at --timeout, the node stays up" {
	run "$RPC" --timeout 500ms "$N1" timer sleep '[5000]'
	assert_failure 1
	assert_equal "$(field "$output" error.code)" timeout
	assert_equal "$(field "$output" error.stage)" request
	run "$RPC" -o raw "$N1" erlang node
	assert_success
}

@test "invalid args: a syntax error with its column, nothing sent" {
	# On the command line: a usage error, before any node is contacted.
	run "$RPC" "$N1" lists seq '[1,,5]'
	assert_failure 2
	assert_output --partial "column 4"
	# In a record: that target fails, as invalid_args.
	run "$RPC" lists seq <<<"{\"node\":\"$N1\",\"args\":\"[1,,5]\"}"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" invalid_args
	assert_output --partial "column 4"
	run field "$output" timings
	assert_failure
}

@test "ARGS that is not a list is invalid_args" {
	run "$RPC" "$N1" erlang node 'notalist'
	assert_failure 2
	run "$RPC" erlang node <<<"{\"node\":\"$N1\",\"args\":\"notalist\"}"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" invalid_args
}

@test "--eval: several expressions with bindings" {
	run "$RPC" -o raw --eval 'X = 20, Y = 22, X + Y.' "$N1"
	assert_success
	assert_output 42
}

@test "--eval without the final dot still works" {
	run "$RPC" -o raw --eval 'lists:sum([1,2,3])' "$N1"
	assert_success
	assert_output 6
}

@test "--eval -: expressions from stdin" {
	run "$RPC" -o raw --eval - "$N1" <<<'A = 2,
	A * 21.'
	assert_success
	assert_output 42
}

@test "--eval syntax error comes back with the node's message and line" {
	run "$RPC" --eval 'X = 1, X + .' "$N1"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" invalid_args
	assert_output --partial "syntax error"
	assert_output --partial "line 1"
}

@test "--capture-output returns what the call printed" {
	run "$RPC" --capture-output --eval 'io:format("hello ~s~n", [world]), done.' "$N1"
	assert_success
	assert_equal "$(field "$output" output)" "hello world"
	assert_equal "$(field "$output" result)" done
}

@test "many nodes from stdin, one down: records for all, exit 1" {
	run "$RPC" -o json erlang node <<-IN
	$N1
	r2@127.0.0.1
	{"node":"down@$HOST","tag":"x"}
	IN
	assert_failure 1
	assert_equal "${#lines[@]}" 3
	assert_output --partial '"result":"r2@127.0.0.1"'
	assert_output --partial "\"result\":\"$N1\""
	assert_output --partial '"code":"not_registered"'
	assert_output --partial '"tag":"x"'
}

@test "a record carries its own module, function and args" {
	run "$RPC" <<-IN
	{"node":"$N1","module":"lists","function":"max","args":"[[3,9,4]]"}
	IN
	assert_success
	assert_equal "$(field "$output" result)" 9
}

@test "usage: missing FUN, too many args, --help, --version" {
	run "$RPC" "$N1" lists
	assert_failure 2
	run "$RPC" "$N1" lists seq 1 5
	assert_failure 2
	run "$RPC" --help
	assert_success
	assert_output --partial "Usage: dist-rpc"
	run "$RPC" --version
	assert_output --regexp '^dist-rpc \(dist\) '
}

@test "connection errors are dist-ping's: not_registered, not_allowed" {
	run "$RPC" "nosuch@$HOST" erlang node
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_registered
	run env ERLANG_COOKIE=wrong "$RPC" "$N1" erlang node
	assert_failure 1
	assert_equal "$(field "$output" error.code)" not_allowed
}

@test "the wrapper shipped in rpc_wrapper.c is what OTP makes of lib/run/wrapper/" {
	run "$DIST_ROOT/scripts/gen-rpc-wrapper" "$BATS_TEST_TMPDIR/w.c"
	assert_success
	run diff "$DIST_ROOT/lib/run/rpc_wrapper.c" "$BATS_TEST_TMPDIR/w.c"
	assert_success
}

@test "natural JSON: unicode atoms and binaries" {
	run "$RPC" --eval "{'héllo', <<\"日本\"/utf8>>, \"ünï\"}." "$N1"
	assert_success
	assert_equal "$(field "$output" result)" '["héllo", "日本", "ünï"]'
}

@test "natural JSON: bigints of both signs, floats" {
	run "$RPC" --eval '{1 bsl 100, -(1 bsl 100), 1.5, -0.25, 9007199254740993}.' "$N1"
	assert_success
	assert_equal "$(field "$output" result.0)" '{"$int": "1267650600228229401496703205376"}'
	assert_equal "$(field "$output" result.1)" '{"$int": "-1267650600228229401496703205376"}'
	assert_equal "$(field "$output" result.2)" 1.5
	assert_equal "$(field "$output" result.3)" -0.25
	assert_equal "$(field "$output" result.4)" 9007199254740993
}

@test "natural JSON: nested maps with non-string keys, improper lists" {
	run "$RPC" --eval '{#{1 => #{a => [b]}, {x} => 2}, [1|2], #{<<"k">> => v}}.' "$N1"
	assert_success
	assert_equal "$(field "$output" result.1)" '{"$improper": [1, 2]}'
	assert_equal "$(field "$output" result.2)" '{"k": "v"}'
	run field "$output" 'result.0.$map'
	assert_success
	assert_output --partial '{"a": ["b"]}'
}

@test "pids and refs in results print as Erlang text" {
	run "$RPC" --eval '{self(), make_ref()}.' "$N1"
	assert_success
	assert_equal "$(field "$output" result.0)" "$(field "$output" result.0 | grep -E '^<0\.[0-9]+\.[0-9]+>$')"
	run field "$output" result.1
	assert_output --regexp '^#Ref<0\.[0-9.]+>$'
}

@test "a 10 MB binary comes back whole" {
	bytes=$("$RPC" -o raw --eval 'binary:copy(<<"a">>, 10000000).' "$N1" | wc -c)
	assert_equal "$bytes" 10000001
}

@test "a 100 000-element list comes back whole" {
	run "$RPC" --eval 'lists:seq(1, 100000).' "$N1"
	assert_success
	n=$(python3 -c 'import json,sys; r=json.loads(sys.stdin.read())["result"]; print(len(r), r[-1])' <<<"$output")
	assert_equal "$n" "100000 100000"
}

@test "tagged output round-trips through --json-args to an equal term" {
	"$RPC" -q --eval 'persistent_term:put(dist_rt, {héllo, <<"b">>, <<1,2,255>>, <<5:3>>, "str", [1|x], 1 bsl 70, -1.0, #{{k} => [v]}, self(), make_ref(), fun lists:map/2}).' "$N1"
	tagged=$("$RPC" -o tagged "$N1" persistent_term get '[dist_rt]')
	result=$(field "$tagged" result)
	run "$RPC" --json-args "[{\"\$atom\":\"dist_back\"}, $result]" "$N1" persistent_term put
	assert_success
	run "$RPC" -o raw --eval 'persistent_term:get(dist_rt) =:= persistent_term:get(dist_back).' "$N1"
	assert_success
	assert_output true
}

@test "--json-args that is not an array is invalid_args" {
	run "$RPC" --json-args '{"a":1}' "$N1" erlang node
	assert_failure 2
	assert_output --partial "JSON array"
}

@test "deeply nested args are refused before anything is sent" {
	deep=$(python3 -c 'print("[" * 5000 + "]" * 5000)')
	run "$RPC" "$N1" erlang length "[$deep]"
	assert_failure 2
	assert_output --partial "deep"
	run "$RPC" erlang length <<<"{\"node\":\"$N1\",\"args\":\"[$deep]\"}"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" invalid_args
	run field "$output" timings
	assert_failure
}

@test "a result deeper than the decoder's limit is too_large, not a crash" {
	run "$RPC" --eval 'lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 5000)).' "$N1"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" too_large
	assert_output --partial "deeper than"
}

@test "a result larger than --max-size is too_large and names the option" {
	run "$RPC" --max-size 1k --eval 'binary:copy(<<"a">>, 4096).' "$N1"
	assert_failure 1
	assert_equal "$(field "$output" error.code)" too_large
	assert_output --partial "--max-size"
	run "$RPC" --max-size 10x "$N1" erlang node
	assert_failure 2
}

@test "-o raw --stats: the summary goes to stderr, the value alone to stdout" {
	run --separate-stderr "$RPC" -o raw --stats "$N1" erlang node
	assert_success
	assert_output "$N1"
	[[ $stderr == "# 1 targets, 1 ok"* ]] || fail "summary not on stderr: $stderr"
}
