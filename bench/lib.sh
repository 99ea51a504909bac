# bench/lib.sh - shared by bench/ping and bench/rpc (sourced, not run).
#
# Before sourcing, set bench_name (for messages). Provides:
#   die MSG...                 message on stderr, exit 2
#   bench_check_tools          erl, epmd and python3 are installed
#   find_erl_call              path of erl_call ($ERL_CALL, PATH, OTP root)
#   bench_start_nodes N HOST   own epmd on a free loopback port, N nodes
#                              bench0..bench<N-1>@HOST on 127.0.0.1 only,
#                              waits until each answers erl_call; sets
#                              port, cookie, targets[], erl_call, tmp
#                              and exports ERL_EPMD_PORT, ERLANG_COOKIE
#   time_ms NAME RUNS CMD [shell]
#                              mean and stddev in ms of CMD into
#                              $tmp/NAME, with hyperfine ($hyperfine) or
#                              a date +%s%N loop; "shell" runs CMD
#                              through a shell (for redirections), whose
#                              start-up hyperfine subtracts
#   bench_tool                 what time_ms measures with, for the header
# Every process started here is stopped by pid on exit (cleanup trap).

die() { printf '%s: %s\n' "${bench_name:-bench}" "$*" >&2; exit 2; }

bench_check_tools() {
	local t
	for t in erl epmd python3; do
		command -v "$t" >/dev/null 2>&1 || die "$t not found: run scripts/install-deps"
	done
}

find_erl_call() {
	local root c
	if [[ -n ${ERL_CALL:-} ]]; then
		printf '%s\n' "$ERL_CALL"
		return
	fi
	if command -v erl_call >/dev/null 2>&1; then
		command -v erl_call
		return
	fi
	root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
	for c in "$root"/bin/erl_call "$root"/lib/erl_interface-*/bin/erl_call; do
		if [[ -x $c ]]; then
			printf '%s\n' "$c"
			return
		fi
	done
	die "erl_call not found (set ERL_CALL)"
}

tmp=$(mktemp -d)
pids=()

cleanup() {
	local pid children=() left i
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do
		# erl_child_setup helpers of each beam, so none is left behind.
		mapfile -t -O "${#children[@]}" children < <(ps -o pid= --ppid "$pid" 2>/dev/null || true)
	done
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	# A node stops cleanly on SIGTERM in a second or two; then SIGKILL.
	for ((i = 0; i < 50; i++)); do
		left=0
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null && left=1
		done
		((left)) || break
		sleep 0.1
	done
	for pid in "${pids[@]}" "${children[@]}"; do
		pid=${pid//[[:space:]]/}
		if [[ -n $pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
	done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_start_nodes() {
	local n=$1 host=$2 k i registered=0 t
	erl_call=$(find_erl_call)

	# A free port on loopback for our own epmd.
	port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	export ERL_EPMD_PORT=$port

	cookie=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	export ERLANG_COOKIE=$cookie

	epmd -port "$port" -address 127.0.0.1 &
	pids+=($!)

	# -start_epmd false: erl would otherwise spawn an `epmd -daemon` of
	# its own, which outlives us and listens on every interface.
	for ((k = 0; k < n; k++)); do
		erl -sname "bench$k@$host" -setcookie "$cookie" -noinput -start_epmd false \
			-kernel inet_dist_use_interface '{127,0,0,1}' >"$tmp/bench$k.log" 2>&1 &
		pids+=($!)
	done

	# Wait until every node is registered with epmd and answers.
	targets=()
	for ((k = 0; k < n; k++)); do targets+=("bench$k@$host"); done
	for ((i = 0; i < 900; i++)); do
		registered=$(epmd -port "$port" -names 2>/dev/null | grep -c '^name bench' || true)
		((registered >= n)) && break
		sleep 0.1
	done
	((registered >= n)) || die "only $registered of $n nodes came up (logs in $tmp)"
	for t in "${targets[@]}"; do
		"$erl_call" -sname "$t" -c "$cookie" -a 'erlang node' >/dev/null ||
			die "$t does not answer erl_call"
	done
}

time_ms() {
	local name=$1 n=$2 cmd=$3 mode=${4:-}
	if command -v "$hyperfine" >/dev/null 2>&1; then
		local shell_opt=(-N)
		[[ $mode == shell ]] && shell_opt=(--shell bash)
		"$hyperfine" "${shell_opt[@]}" --style none --warmup 3 --runs "$n" \
			--export-json "$tmp/$name.json" "$cmd" >/dev/null ||
			die "a run failed: $cmd"
		python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f" % (r["mean"] * 1e3, (r["stddev"] or 0) * 1e3))' "$tmp/$name.json" >"$tmp/$name"
	else
		local i t0 t1 all=()
		for ((i = 0; i < 3; i++)); do (eval "$cmd") >/dev/null 2>&1; done
		for ((i = 0; i < n; i++)); do
			t0=$(date +%s%N)
			(eval "$cmd") >/dev/null 2>&1 || die "failed: $cmd"
			t1=$(date +%s%N)
			all+=($((t1 - t0)))
		done
		# Each figure includes a subshell fork and a date(1) run, ~1 ms.
		printf '%s\n' "${all[@]}" | awk '{ s += $1; q += $1 * $1; n++ }
			END { m = s / n; v = q / n - m * m; if (v < 0) v = 0
			      printf "%.3f %.3f\n", m / 1e6, sqrt(v) / 1e6 }' >"$tmp/$name"
	fi
}

bench_tool() {
	if command -v "$hyperfine" >/dev/null 2>&1; then
		echo hyperfine
	else
		echo 'date +%s%N loop (+~1 ms per run)'
	fi
}
