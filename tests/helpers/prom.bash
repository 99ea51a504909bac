# tests/helpers/prom.bash - reading a --prom textfile in a test.
# shellcheck shell=bash

# prom_parse FILE: the samples of a textfile as "name{labels} value"
# lines, after checking that every family has its HELP and TYPE first
# and every line is a comment or a whole sample (label values
# escaped as the text format wants: \\, \" and \n only).
prom_parse() {
	python3 - "$1" <<'PY'
import re, sys
typed, helped = set(), set()
sample = re.compile(r'^([a-z_]+)(\{(?:[a-z_]+="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (\S+)$')
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]:
    if line.startswith("# HELP "):
        helped.add(line.split()[2]); continue
    if line.startswith("# TYPE "):
        typed.add(line.split()[2]); continue
    m = sample.match(line)
    assert m, "not a sample: %r" % line
    assert m.group(1) in typed and m.group(1) in helped, line
    float(m.group(3))
    print(line)
PY
}

# promtool_ok FILE: Prometheus' own checker accepts FILE (skipped
# without promtool).
promtool_ok() {
	command -v promtool >/dev/null || skip "promtool not installed (scripts/install-deps)"
	run promtool check metrics < "$1"
	assert_success
}
