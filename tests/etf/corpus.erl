%% corpus.erl - the OTP side of the ETF differential test.
%%
%% main([Driver, Dir]): encode a corpus of terms with this node's
%% term_to_binary (several options), run the C driver on it, and check
%% what it sends back against OTP itself. Prints TAP; halts 0 or 1.
%% Started by tests/etf/run-differential with +pc unicode, because the
%% C pretty printer follows the unicode printable range.
-module(corpus).
-export([main/1]).

-define(VARIANTS, [[], [compressed], [{compressed, 9}], [{minor_version, 1}],
                   [{minor_version, 0}], [deterministic]]).

terms() ->
    [{Name, T} || {Name, T} <- scalars() ++ containers() ++ ids()].

scalars() ->
    [{"small ints", [0, 1, 255, 256, -1]},
     {"int32 boundaries", [2147483647, -2147483648, 2147483648, -2147483649]},
     {"int64 boundaries", [9223372036854775807, -9223372036854775808,
                           9223372036854775808, -9223372036854775809,
                           18446744073709551615, 18446744073709551616]},
     {"big 2^64", 1 bsl 64}, {"big -2^64", -(1 bsl 64)},
     {"big 2^1000", 1 bsl 1000}, {"big -2^1000", -(1 bsl 1000)},
     {"big 2^5000 (LARGE_BIG)", 1 bsl 5000}, {"big -3^4000", -pow(3, 4000)},
     {"floats", [0.0, -0.0, 1.0e300, 3.14, 0.1, -2.5, 1.0e-300, 5.0e-324,
                 1.7976931348623157e308, 100.0, 1.0e15, 1.0e16, 0.0001,
                 0.00012345, 123456789.0, 1.0e21, 1.0e22, 12345678901234567.0]},
     {"random floats", random_floats(3000)},
     {"atoms", [ok, 'Ok', '', 'hello world', 'héllo', '日本', 'end', 'and',
                'of', maybe, 'a@b', a_B9, 'ÿß', '÷a', 'aÀ', 'a\nb', '\x{7f}',
                '\x{1}x', '[]', 'ok ', 'é', 'É', '\\', '\'', '"',
                true, false, nil]},
     {"long atom 255 chars", list_to_atom(lists:duplicate(255, $x))},
     {"long unicode atom", list_to_atom(lists:duplicate(255, 16#65E5))},
     {"empty atom", ''}].

containers() ->
    [{"empty list", []}, {"empty tuple", {}}, {"empty map", #{}},
     {"empty binary", <<>>},
     {"strings", ["hello", "héllo", "日本", "a\"b\\c\n\t", [1, 2, 3],
                  "with \x{1} control", [$a | b], [1 | 2], "\e\d\v\b\f"]},
     {"string 70000 bytes", lists:duplicate(70000, $z)},
     {"improper lists", [[a | b], [1, 2 | 3], [[] | []], ["x" | <<"y">>]]},
     {"nested lists", [[[[[]]]], [[1], [2, [3]]]]},
     {"tuples", [{a, b}, {1, {2, {3}}}, list_to_tuple(lists:seq(1, 300))]},
     {"maps", [#{a => 1}, #{1 => a, 1.0 => b, "k" => v, {t} => [],
                 <<"b">> => x, [] => y, #{} => z},
               #{#{nested => map} => #{[1, 2] => {3}}}]},
     {"big map (40 keys)", maps:from_list([{I, I * I} || I <- lists:seq(1, 40)])},
     {"big map (mixed keys)",
      maps:from_list([{integer_to_list(I), I} || I <- lists:seq(1, 50)] ++
                     [{list_to_atom("k" ++ integer_to_list(I)), I}
                      || I <- lists:seq(1, 50)])},
     {"binaries", [<<"abc">>, <<"héllo"/utf8>>, <<"hé">>, <<255, 0, 1>>,
                   <<"日本"/utf8>>, <<"a\nb">>, <<"q\"b">>, <<0>>,
                   <<"x", 200>>, <<"valid ", 16#7f>>]},
     {"bit binaries", [<<1:3>>, <<255, 1:1>>, <<7:7>>, <<1, 2, 3:2>>]},
     {"list of 100000 ints", lists:seq(1, 100000)},
     {"1 MB binary", crypto_free_bytes(1 bsl 20)},
     {"1 MB text binary", binary:copy(<<"0123456789abcdef">>, 65536)}].

ids() ->
    Ref = make_ref(),
    Port = hd(erlang:ports()),
    Local = fun() -> ok end,
    Closure = fun(X) -> {X, Ref} end,
    [{"pid", self()}, {"ref", Ref}, {"port", Port},
     {"local fun", Local}, {"closure", Closure},
     {"export fun", fun lists:map/2}, {"export fun quoted", fun 'A':'b c'/0},
     {"ids in a map", #{self() => Ref, Port => Local}},
     {"everything", {self(), [Ref | Port], #{f => Closure}, <<1:1>>, 1.5,
                     1 bsl 70, "str", 'Q'}}].

pow(_, 0) -> 1;
pow(B, N) -> B * pow(B, N - 1).

random_floats(N) ->
    rand:seed(exsss, {17, 42, 99}),
    [F || _ <- lists:seq(1, N), F <- [random_float()], F =/= none].

random_float() ->
    Bits = rand:uniform(1 bsl 64) - 1,
    case <<Bits:64>> of
        <<_:1, 2047:11, _:52>> -> none;        % inf / nan
        <<F/float>> -> F
    end.

crypto_free_bytes(N) ->
    rand:seed(exsss, {1, 2, 3}),
    << <<(rand:uniform(256) - 1)>> || _ <- lists:seq(1, N) >>.

%% Encodings term_to_binary/2 no longer makes: PID_EXT, PORT_EXT,
%% NEW_REFERENCE_EXT, REFERENCE_EXT, SMALL_ATOM_EXT, V4_PORT_EXT...
%% Kept only when this node accepts them.
handmade() ->
    Node = <<115, 13, "nonode@nohost">>,              % SMALL_ATOM_EXT
    Cands =
        [{"PID_EXT", <<131, 103, Node/binary, 0, 0, 0, 5, 0, 0, 0, 1, 0>>},
         {"PORT_EXT", <<131, 102, Node/binary, 0, 0, 0, 3, 0>>},
         {"NEW_PORT_EXT", <<131, 89, Node/binary, 0, 0, 0, 3, 0, 0, 0, 0>>},
         {"V4_PORT_EXT", <<131, 120, Node/binary, 0, 0, 0, 1, 0, 0, 0, 3,
                           0, 0, 0, 0>>},
         {"NEW_REFERENCE_EXT", <<131, 114, 0, 3, Node/binary, 0,
                                 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3>>},
         {"REFERENCE_EXT", <<131, 101, Node/binary, 0, 0, 0, 1, 0>>},
         {"SMALL_ATOM_EXT latin1", <<131, 115, 3, "h", 233, "l">>},
         {"ATOM_UTF8_EXT", <<131, 118, 0, 2, "ok">>},
         {"LIST with 0 elements", <<131, 108, 0, 0, 0, 0, 97, 1>>},
         {"SMALL_BIG normalised", <<131, 110, 2, 1, 1, 1>>},
         {"LARGE_BIG small value", <<131, 111, 0, 0, 0, 1, 0, 7>>},
         {"BIT_BINARY with 8 bits", <<131, 77, 0, 0, 0, 1, 8, 5>>},
         {"BIT_BINARY junk low bits", <<131, 77, 0, 0, 0, 1, 3, 255>>}],
    [{Name, B} || {Name, B} <- Cands, accepted(B)].

accepted(B) ->
    try binary_to_term(B) of _ -> true catch _:_ -> false end.

%% Inputs OTP refuses; the C decoder must refuse them too.
rejected() ->
    [{"ATOM_CACHE_REF", <<131, 82, 0>>},
     {"bad version", <<130, 106>>},
     {"unknown tag", <<131, 200>>},
     {"invalid UTF-8 atom", <<131, 119, 1, 255>>},
     {"atom of 256 chars", <<131, 118, 1, 0, (binary:copy(<<"a">>, 256))/binary>>},
     {"BIT_BINARY 0 bits", <<131, 77, 0, 0, 0, 1, 0, 5>>},
     {"LIST 0xFFFFFFFF long", <<131, 108, 255, 255, 255, 255, 106>>},
     {"COMPRESSED lying size", <<131, 80, 0, 0, 0, 100,
                                 (zlib:compress(<<106>>))/binary>>},
     {"NaN float", <<131, 70, 127, 248, 0, 0, 0, 0, 0, 0>>},
     {"reference of 6 words", <<131, 90, 0, 6, 119, 1, "a", 0, 0, 0, 0,
                                0:192>>}]
        ++ [{"truncated " ++ N ++ " at " ++ integer_to_list(I),
             binary:part(B, 0, I)}
            || {N, T} <- [{"tuple", {a, 1, "s", <<"b">>, 1.5, 1 bsl 80}},
                          {"map", #{k => [v]}}, {"pid", self()},
                          {"fun", fun() -> ok end}],
               B <- [term_to_binary(T)], I <- lists:seq(1, byte_size(B) - 1)].

main([Driver, Dir]) ->
    Cases = [{Name ++ variant_name(V), T, term_to_binary(T, V)}
             || {Name, T} <- terms(), V <- ?VARIANTS]
        ++ [{Name, binary_to_term(B), B} || {Name, B} <- handmade()],
    Bad = rejected(),
    [] = [N || {N, B} <- Bad, accepted(B)],
    In = filename:join(Dir, "corpus.bin"),
    Out = filename:join(Dir, "results.bin"),
    ok = file:write_file(In, [[<<(byte_size(B)):32>>, B]
                              || {_, _, B} <- Cases] ++
                             [[<<(byte_size(B)):32>>, B] || {_, B} <- Bad]),
    0 = run(Driver, [In, Out]),
    {ok, Res} = file:read_file(Out),
    Results = parse(Res),
    {Good, BadRes} = lists:split(length(Cases), Results),
    Checks = [{"the C decoder accepts every term OTP encoded",
               fun check_decoded/2},
              {"binary_to_term(C encoding) =:= original",
               fun check_reencoded/2},
              {"C ~w text equals io_lib:format(\"~w\")",
               fun check_w/2},
              {"C pretty text equals io_lib_pretty:print (one line, "
               "unicode)", fun check_pretty/2}],
    Pairs = lists:zip(Cases, Good),
    Failed0 = [tap(I, Desc, lists:flatmap(fun({C, R}) -> F(C, R) end, Pairs))
               || {I, {Desc, F}} <- lists:zip(lists:seq(1, length(Checks)),
                                             Checks)],
    Failed = Failed0
        ++ [tap(length(Checks) + 1,
                "the C decoder rejects what binary_to_term rejects ("
                ++ integer_to_list(length(Bad)) ++ " inputs)",
                [N ++ ": accepted" || {{N, _}, R} <- lists:zip(Bad, BadRes),
                                      element(1, R) =/= error])],
    io:format("1..~b~n", [length(Checks) + 1]),
    halt(case lists:member(false, Failed) of true -> 1; false -> 0 end).

variant_name([]) -> "";
variant_name(V) -> " " ++ lists:flatten(io_lib:format("~w", [V])).

run(Driver, Args) ->
    P = open_port({spawn_executable, Driver},
                  [{args, Args}, exit_status, use_stdio, stderr_to_stdout]),
    wait(P).

wait(P) ->
    receive
        {P, {data, D}} -> io:format("# driver: ~s", [D]), wait(P);
        {P, {exit_status, S}} -> S
    end.

parse(<<>>) -> [];
parse(<<0, L1:32, E:L1/binary, L2:32, W:L2/binary, L3:32, P:L3/binary,
        Rest/binary>>) ->
    [{ok, E, W, P} | parse(Rest)];
parse(<<1, L:32, Msg:L/binary, Rest/binary>>) ->
    [{error, Msg} | parse(Rest)].

check_decoded({Name, _, _}, {error, Msg}) -> [Name ++ ": " ++ binary_to_list(Msg)];
check_decoded(_, _) -> [].

check_reencoded({Name, T, _}, {ok, E, _, _}) ->
    case catch binary_to_term(E) of
        T2 when T2 =:= T -> [];
        Other -> [Name ++ ": got " ++ short(Other)]
    end;
check_reencoded(_, _) -> [].

check_w({Name, T, _}, {ok, _, W, _}) ->
    same(Name, expected(w, T), W);
check_w(_, _) -> [].

check_pretty({Name, T, _}, {ok, _, _, P}) ->
    same(Name, expected(pretty, T), P);
check_pretty(_, _) -> [].

%% Every term is a case once per encoding variant, and OTP's text of it
%% is the same each time: print it once (printing the large terms is
%% most of this test's time). Keyed by the term's bytes, so that terms
%% =:= calls equal but which print apart (0.0, -0.0) stay apart.
expected(How, T) ->
    Key = {How, term_to_binary(T)},
    case get(Key) of
        undefined ->
            Text = case How of
                       w -> expect(T, fun w/1);
                       pretty -> expect(T, fun pretty/1)
                   end,
            put(Key, Text),
            Text;
        Text ->
            Text
    end.

w(T) -> unicode:characters_to_binary(io_lib:format("~w", [T])).

pretty(T) ->
    unicode:characters_to_binary(
      io_lib_pretty:print(T, [{column, 1}, {line_length, 1 bsl 40},
                              {encoding, unicode}])).

%% OTP 25 prints a map of more than 32 keys in its internal hash order;
%% the C side prints every map sorted by key (as OTP 26's ~kw), so
%% build that for the big maps of the corpus (keys compare exactly).
expect(M, Print) when is_map(M), map_size(M) > 32 ->
    Assocs = [[Print(K), " => ", Print(V)] || {K, V} <- lists:sort(maps:to_list(M))],
    iolist_to_binary(["#{", lists:join(",", Assocs), "}"]);
expect(T, Print) ->
    Print(T).

same(_, X, X) -> [];
same(Name, Want, Got) ->
    N = binary:longest_common_prefix([Want, Got]),
    From = max(0, N - 20),
    [lists:flatten(io_lib:format("~ts: differ at byte ~b: OTP ~ts... C ~ts...",
                                 [Name, N, excerpt(Want, From),
                                  excerpt(Got, From)]))].

excerpt(B, From) ->
    S = binary:part(B, From, min(60, byte_size(B) - From)),
    case unicode:characters_to_list(S) of
        L when is_list(L) -> io_lib:format("~tp", [L]);
        _ -> io_lib:format("~w", [S])
    end.

short(T) -> lists:flatten(io_lib:format("~P", [T, 8])).

tap(N, Desc, []) ->
    io:format("ok ~b - ~s~n", [N, Desc]), true;
tap(N, Desc, Fails) ->
    io:format("not ok ~b - ~s~n", [N, Desc]),
    [io:format("#   ~ts~n", [F]) || F <- lists:sublist(Fails, 10)],
    length(Fails) > 10 andalso io:format("#   ... ~b failures in all~n",
                                 [length(Fails)]),
    false.
