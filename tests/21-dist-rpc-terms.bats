#!/usr/bin/env bats
# dist-rpc and terms against a real node: floats exact in every output
# format, numbers and strings of input records carried unchanged, big
# integers, record fields checked before sending, -o term as ~tp, and
# binary segments as erl_parse reads them.

bats_require_minimum_version 1.5.0

setup_file() {
	load helpers/nodes
	nodes_setup
	# +pc unicode: -o term prints as ~tp does on such a node.
	start_node t1 short "" +pc unicode
}

teardown_file() {
	load helpers/nodes
	nodes_teardown
}

setup() {
	load helpers/nodes
	suite_setup
	RPC="$DIST_BIN/dist-rpc"
	N1="t1@$HOST"
	export ERLANG_COOKIE="$COOKIE"
}

# One expression: a fixed list of doubles made on the node. Random bit
# patterns (all exponents; NaN and infinity patterns are skipped by the
# generator's match), random subnormals, powers of two (where the
# shortest text is hardest), decimal-looking values and edge cases.
doubles() {
	cat <<'ERL'
begin
  rand:seed(exsss, {7, 11, 13}),
  Bits = [rand:uniform(1 bsl 64) - 1 || _ <- lists:seq(1, 3000)],
  Sub = [(rand:uniform(1 bsl 52) - 1) bor ((rand:uniform(2) - 1) bsl 63)
         || _ <- lists:seq(1, 300)],
  Pow = [math:pow(2.0, K) || K <- lists:seq(-1074, 1023, 7)],
  Dec = [rand:uniform() * math:pow(10.0, rand:uniform(40) - 20)
         || _ <- lists:seq(1, 500)],
  Fixed = [0.0, -0.0, 5.0e-324, 1.0e-320, 2.2250738585072014e-308,
           2.225073858507201e-308, 1.7976931348623157e308,
           -1.7976931348623157e308, 0.1, 0.3, 0.1 + 0.2, math:pi(),
           1.0e22, 1.0e23, 9007199254740992.0, 9007199254740993.0,
           123456789.0, 1.0e15, 1.0e16, 1.0e-5, 1.0e-4],
  [F || I <- Bits ++ Sub, <<F:64/float>> <- [<<I:64>>]] ++ Pow ++ Dec ++ Fixed
end
ERL
}

# A JSON record output's "result" put back as the args of
# erlang:term_to_binary/1 in an input record; prints the base64 of the
# binary the node made of it.
echo_back() {
	python3 -c 'import json, sys
print(json.dumps({"node": sys.argv[1], "module": "erlang",
                  "function": "term_to_binary",
                  "args": [json.load(sys.stdin)["result"]]}))' "$N1" |
		"$RPC" -o raw |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["$bin"])'
}

@test "floats: thousands of random doubles read back =:= from json, tagged and pretty" {
	want=$("$RPC" -o raw --eval "base64:encode(term_to_binary($(doubles)))." "$N1")
	count=$("$RPC" -o raw --eval "length($(doubles))." "$N1")
	[ "$count" -gt 3500 ]
	for fmt in tagged json pretty; do
		got=$("$RPC" -o "$fmt" --eval "$(doubles)." "$N1" | echo_back)
		[ "$got" = "$want" ] || fail "-o $fmt: $count doubles do not read back =:="
	done
}

@test "floats: -o term, -o raw and -o text print what the node's ~w prints" {
	want=$("$RPC" -o raw --eval \
		"unicode:characters_to_binary(io_lib:format(\"~w\", [$(doubles)]))." "$N1")
	run "$RPC" -o term --eval "$(doubles)." "$N1"
	assert_success
	[ "$output" = "$want" ] || fail "-o term differs from float_to_list(F, [short])"
	run "$RPC" -o raw --eval "$(doubles)." "$N1"
	[ "$output" = "$want" ] || fail "-o raw differs from -o term"
	run "$RPC" -o text --eval "$(doubles)." "$N1"
	[ "${output##* }" = "$want" ] || fail "-o text differs"
}

@test "floats: 0.1+0.2, pi and the largest double print exactly in each format" {
	run "$RPC" -o tagged --eval '{0.1 + 0.2, math:pi(), 1.7976931348623157e308, 5.0e-324}.' "$N1"
	assert_output --partial '"result":{"$tuple":[0.30000000000000004,3.141592653589793,{"$float":1.7976931348623157e308},5.0e-324]}'
	run "$RPC" -o json --eval '[0.1 + 0.2, math:pi(), -0.0].' "$N1"
	assert_output --partial '"result":[0.30000000000000004,3.141592653589793,-0.0]'
	run "$RPC" -o raw --eval '0.1 + 0.2.' "$N1"
	assert_output '0.30000000000000004'
	run "$RPC" -o pretty --eval '0.1 + 0.2.' "$N1"
	assert_output --partial '"result": 0.30000000000000004'
	# and back: the printed text is =:= to what the node computed
	run "$RPC" -o term --json-args '[[0.30000000000000004, 3.141592653589793]]' \
		"$N1" erlang list_to_tuple
	got=$output
	run "$RPC" -o raw --eval "$got =:= {0.1 + 0.2, math:pi()}." "$N1"
	assert_output true
}

@test "a record's numbers and strings are carried through unchanged" {
	in='{"node":"'$N1'","x":[0.1,1e-320,5e-324,1.7976931348623157e308,-0.0,0.30000000000000004,2.5e-308],"big":123456789012345678901234567890,"neg":-99999999999999999999,"huge":1e400,"tiny":-1E+400,"s":"a\u0000b"}'
	run "$RPC" --eval 'ok.' <<<"$in"
	assert_success
	assert_output --partial '"big":123456789012345678901234567890,"neg":-99999999999999999999,"huge":1e400,"tiny":-1E+400,"s":"a\u0000b"'
	python3 - "$in" "$output" <<'PY'
import json, struct, sys
a, b = (json.loads(s)["x"] for s in sys.argv[1:3])
bits = lambda v: [struct.pack(">d", f) for f in v]
assert bits(a) == bits(b), (a, b)
PY
	# the same through dist-ping's writer
	run "$DIST_BIN/dist-ping" <<<"$in"
	assert_output --partial '"big":123456789012345678901234567890'
	assert_output --partial '"x":[0.1,1.0e-320,5.0e-324,1.7976931348623157e308,-0.0,0.30000000000000004,2.5e-308]'
}

@test "integers beyond 64 bits in args are bignums; 1e400 is refused in plain words" {
	run "$RPC" -o raw --json-args '[-123456789012345678901234567890]' "$N1" erlang abs
	assert_success
	assert_output '{"$int":"123456789012345678901234567890"}'
	run "$RPC" -o term <<<'{"node":"'$N1'","module":"erlang","function":"integer_to_list","args":[18446744073709551616]}'
	assert_output '"18446744073709551616"'
	# On the command line it is a usage error, found before anything is
	# sent; in a record (below) it fails that record alone.
	run "$RPC" --json-args '[1e400]' "$N1" erlang abs
	assert_failure 2
	assert_output --partial 'the number 1e400 is too large for a float'
	refute_output --partial 'overflow'
	run "$RPC" <<<'{"node":"'$N1'","module":"erlang","function":"abs","args":[{"$float":-2e999}]}'
	assert_output --partial 'the number -2e999 is too large for a float'
}

@test "a node name holding \\u0000 is invalid_name, shown as given; other \\u0000 is data" {
	run "$RPC" erlang node <<<'{"node":"a\u0000b@'$HOST'","tag":"x\u0000y"}'
	assert_failure 1
	assert_output --partial '"node":"a\u0000b@'$HOST'","tag":"x\u0000y"'
	assert_output --partial '"code":"invalid_name"'
	refute_output --partial JSON_ALLOW_NUL
	run "$RPC" -o raw --json-args '["a\u0000b"]' "$N1" erlang byte_size
	assert_output 3
}

@test "tagged: integers beyond 2^53 are {\"\$int\"}, and survive jq 1.6 back to the node" {
	run "$RPC" -o tagged --eval '[9007199254740992, 9007199254740993, -9007199254740993, 1 bsl 63, 0.1 + 0.2].' "$N1"
	assert_output --partial '"result":[9007199254740992,{"$int":"9007199254740993"},{"$int":"-9007199254740993"},{"$int":"9223372036854775808"},0.30000000000000004]'
	command -v jq >/dev/null || skip "jq not installed (scripts/install-deps)"
	T='{[9007199254740993, -(1 bsl 62) - 1, 1 bsl 70, 0.1 + 0.2, 1.0e22, math:pi()], "s", <<1,2>>}'
	want=$("$RPC" -o raw --eval "base64:encode(term_to_binary($T))." "$N1")
	got=$("$RPC" -o tagged --eval "$T." "$N1" |
		jq -c '{node: .node, module: "erlang", function: "term_to_binary", args: [.result]}' |
		"$RPC" -o raw | jq -r '."$bin"')
	assert_equal "$got" "$want"
}

@test "-o term prints as io_lib:format(\"~tp\") on a +pc unicode node" {
	for t in '<<"привет"/utf8>>' '"привет"' "'атом'" '<<1,2,255>>' \
		'{a, 1.5, "x", [1087, 1088]}' '#{k => <<"v">>, 2 => [a|b]}' \
		'[<<"a">>, "b\n", $c, 0.1]' "'hello world'" '<<"é"/utf8>>' \
		'"naïve"' '[256, 1000]' '{[], {}, #{}, <<>>, ""}'; do
		want=$("$RPC" -o raw --eval \
			"unicode:characters_to_binary(io_lib:format(\"~tp\", [$t]))." "$N1")
		got=$("$RPC" -o term --eval "$t." "$N1")
		[ "$got" = "$want" ] || fail "$t: ours $got, the node's ~tp $want"
	done
}

@test "record fields are checked: each wrong one fails as invalid_args naming it, nothing sent" {
	# An unregistered target: had anything been attempted, the code
	# would be not_registered.
	n="nobody@$HOST"
	while IFS='|' read -r rec field; do
		run "$RPC" erlang node <<<"{\"node\":\"$n\",$rec}"
		assert_failure 1
		assert_output --partial '"code":"invalid_args","stage":"input"'
		assert_output --partial "$field"
	done <<'RECORDS'
"module":5|\"module\" must be a string (an atom name), not a number
"function":["f"]|\"function\" must be a string (an atom name), not an array
"module":""|\"module\" must be an atom name
"args":5|\"args\" must be a list
"args":{"a":1}|\"args\" must be a list
"args":"{1}"|\"args\": ARGS must be a list
"args":"[1"|\"args\": column 3
"args":[{"$atom":5}]|\"args\": $[0].$atom: expected a string
"eval":5|\"eval\" must be a string
"eval":"1.","module":"m"|give \"eval\" or \"module\"
RECORDS
}

@test "a record's eval runs in place of the command line's call" {
	run "$RPC" -o raw erlang node <<<'{"node":"'$N1'","eval":"X = 6, X * 7"}'
	assert_success
	assert_output 42
}

@test "binary segments that erl_parse reads are accepted, as the node builds them" {
	t='{<<"a"/float>>, <<(<<"ab">>)/binary, (<<1:3>>)/bitstring, 1:5>>, <<(<<1,2>>):1/binary>>, <<"ab"/utf16-little>>}'
	want=$("$RPC" -o term --eval "$t." "$N1")
	run "$RPC" -o term "$N1" erlang list_to_tuple "[[${t:1:${#t}-2}]]"
	assert_success
	assert_output "$want"
	# OTP 25's erl_parse refuses this form: on the command line it is a
	# usage error (nothing sent), and the message shows the form it reads.
	run "$RPC" "$N1" erlang byte_size '[<<"abc"/binary>>]'
	assert_failure 2
	assert_output --partial '(<<"abc">>)/binary'
}

@test "dist-rpc(1) fits 80 columns under groff and man" {
	page="$DIST_ROOT/man/man1/dist-rpc.1"
	run bash -c "groff -mandoc -Tutf8 -rLL=80n -ww '$page' 2>&1 >/dev/null"
	refute_output --partial "can't break line"
	groff -mandoc -Tutf8 -rLL=80n "$page" 2>/dev/null | sed 's/.\x08//g' |
		python3 -c 'import sys
long = [l for l in sys.stdin.read().splitlines() if len(l) > 80]
assert not long, long'
	if command -v man >/dev/null; then
		MANWIDTH=80 man -l "$page" 2>/dev/null | python3 -c 'import sys
long = [l for l in sys.stdin.read().splitlines() if len(l) > 80]
assert not long, long'
	fi
}
