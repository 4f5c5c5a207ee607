#!/usr/bin/env bash
# The command line as CI scripts see it: exit status, one-line errors naming the parameter,
# no partial output, JSON fields, decimal inputs. Usage: test_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
field() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" <<<"$out" | head -n1; }

# --- critical-rate: value, certified digits, requested digits -----------------------------
run ghost critical-rate --T 100 --Tr 100 --json
check "critical-rate exits 0" test "$rc" = 0
eta=$(field eta_c)
# (G18): eta_c = 3 pi^4 / (32 T^5); compared to 14 digits computed independently by awk.
expected=$(awk 'BEGIN { pi = atan2(0, -1); printf "%.13e", 3 * pi^4 / (32 * 100^5) }')
check "eta_c(100,100) = 3 pi^4/(32 T^5)" test "$(printf '%.13e' "$eta")" = "$expected"
check "eta_c carries 50 significant digits" test "$(sed 's/e.*//; s/[-.]//g' <<<"$eta" | tr -d '\n' | wc -c)" = 50
check "certified_digits >= 45" test "$(field certified_digits)" -ge 45
run ghost critical-rate --T 100 --Tr 100 --digits 10 --json
check "--digits 10 gives 10 digits" test "$(field eta_c | sed 's/e.*//; s/[-.]//g' | tr -d '\n' | wc -c)" = 10
run ghost critical-rate --T 100 --Tr 100
check "text output names eta_c" grep -q "^eta_c: 9.1321" <<<"$out"

# --- loss: decimal inputs are decimals --------------------------------------------------
# eps = 0.1 exactly: t* = pi/(2 sqrt(0.1)) ~ 4.97 > T + T_r = 2, so L = T_r = 1 exactly (G11).
run ghost loss --T 1 --Tr 1 --eps 0.1 --json
check "loss in the no-learning zone is T_r" test "$(field loss)" = "1.0000000000000000000000000000000000000000000000000e+00"
check "gradient there is 0" test "$(field grad)" = "0.0000000000000000000000000000000000000000000000000e+00"
run ghost loss --T 100 --Tr 100 --eps 0.0002 --beta 1 --xth 10 --digits 20 --json
check "finite-confidence loss exits 0" test "$rc" = 0
check "finite-confidence loss is certified" test "$(field certified_digits)" -ge 40

# --- bad input: exit 2, one line naming the parameter, nothing on stdout -------------------
bad "T <= 0" "T" ghost critical-rate --T -1 --Tr 100
bad "T = 0" "T" ghost critical-rate --T 0 --Tr 100
bad "NaN" "eps" ghost loss --T 1 --Tr 1 --eps nan
bad "garbage number" "Tr" ghost critical-rate --T 1 --Tr 1x
bad "missing Tr" "Tr" ghost critical-rate --T 100
bad "unknown flag" "bogus" ghost critical-rate --T 1 --Tr 1 --bogus
bad "digits too many" "digits" ghost critical-rate --T 1 --Tr 1 --digits 60
bad "beta without xth" "xth" ghost loss --T 1 --Tr 1 --eps 1 --beta 2
bad "negative beta" "beta" ghost loss --T 1 --Tr 1 --eps 1 --beta -2 --xth 1
bad "unknown normalisation" "normalise" ghost critical-rate --T 1 --Tr 1 --normalise mean
bad "eta <= 0" "eta" ghost train --eta 0
bad "scan range" "eps-max" ghost scan --eps-min 1 --eps-max 0
# The fast path's doubles overflow: refused, never printed as inf or NaN.
bad "train eta overflows eps" "eta" ghost train --eta 1e308 --epochs 10
bad "scan grid overflows" "eps-max" ghost scan --points 5 --eps-min -1e308 --eps-max 1e308
bad "scan T below the fast path" "T" ghost scan --points 5 --T 1e-320 --Tr 1
bad "scan T above the fast path" "T" ghost scan --points 5 --T 1e308 --Tr 1
bad "scan gradient overflows" "T" ghost scan --points 5 --T 1e152 --Tr 1e308
bad "scan finite readout NaN" "beta" ghost scan --points 5 --beta 1e308 --xth 1e308
bad "numerical critical rate out of range" "invalid T" ghost numerical-critical-rate --T 1e100 --Tr 1e100 --epochs 10
bad "figure readout NaN" "betas" ghost figure -o "$scratch/never.png" --points 10 --xth 1e308
check "refused figure writes nothing" test ! -e "$scratch/never.png"

# --- train, scan: CSV shapes --------------------------------------------------------------
run ghost train --T 100 --Tr 100 --eta 1e-10 --epochs 3000 --record-every 1000
check "train exits 0" test "$rc" = 0
check "train CSV header" test "$(head -n1 <<<"$out")" = "run,epoch,eps,loss"
check "train records epochs 0,1000,2000,3000" test "$(tail -n +2 <<<"$out" | cut -d, -f2 | tr '\n' ' ')" = "0 1000 2000 3000 "
run ghost train --T 100 --Tr 100 --eta 1e-10 --epochs 20 --record-every 10 --reference --digits 30 --format json
check "reference train exits 0" test "$rc" = 0
check "reference train is JSON" grep -q '"path": "reference"' <<<"$out"
run ghost scan --points 5
check "scan CSV has 5 rows" test "$(tail -n +2 <<<"$out" | wc -l)" = 5

# --- numerical critical rate brackets the formula ----------------------------------------
run ghost numerical-critical-rate --T 100 --Tr 100 --epochs 2000 --json
check "numerical critical rate brackets the formula" grep -q '"formula_inside_bracket": true' <<<"$out"

# --- figure: PNG written atomically; failure leaves nothing -------------------------------
run ghost figure -o "$scratch/fig.png" --points 50
check "figure exits 0" test "$rc" = 0
check "figure is a PNG" test "$(head -c 4 "$scratch/fig.png" | tail -c 3)" = "PNG"
check "no partial file left" test -z "$(ls "$scratch" | grep partial)"
run ghost figure -o "$scratch/no/such/dir/fig.png" --points 50
check "unwritable figure exits 1" test "$rc" = 1
check "unwritable figure writes nothing" test ! -e "$scratch/no/such/dir/fig.png"
mkdir "$scratch/figdir"
run ghost figure -o "$scratch/figdir" --points 50
check "figure onto a directory exits 1" test "$rc" = 1
check "figure onto a directory leaves no partial file" test -z "$(ls "$scratch" | grep partial)"
# A FIFO (like a device) is written into, never renamed over: as root, -o /dev/full became a file.
mkfifo "$scratch/fig.fifo"
timeout 20 cat "$scratch/fig.fifo" >"$scratch/fifo.png" &
run ghost figure -o "$scratch/fig.fifo" --points 50
wait
check "figure into a FIFO exits 0" test "$rc" = 0
check "the FIFO is still a FIFO" test -p "$scratch/fig.fifo"
check "the PNG came through the FIFO" test "$(head -c 4 "$scratch/fifo.png" | tail -c 3)" = "PNG"
# A write error on stdout (a full disk) is a failure, not a silent success. Only where
# /dev/full is the device: as root, a redirection to a missing one would create a file there.
if [ -c /dev/full ]; then
  "$bin" ghost critical-rate --T 1 --Tr 1 >/dev/full 2>"$scratch/err"; rc=$?
  check "stdout on a full device exits 1" test "$rc" = 1
  check "stdout on a full device names it" grep -q 'cannot write standard output' "$scratch/err"
fi

# --- oracle: generate is deterministic; check passes, fails, rejects -----------------------
run oracle generate -o "$scratch/golden.json"
check "oracle generate exits 0" test "$rc" = 0
# Two processes, same bytes. Not in the sanitizer stage (LEARNDYN_CLI_QUICK=1): the Release
# stage checks it, and a second 50-digit generation under ASan took 15 s.
if [ -z "${LEARNDYN_CLI_QUICK:-}" ]; then
  run oracle generate -o "$scratch/golden2.json"
  check "two generations are byte-identical" cmp -s "$scratch/golden.json" "$scratch/golden2.json"
fi
check "golden names its schema" grep -q '"schema": "learndyn-golden/2"' "$scratch/golden.json"
# The golden values themselves as a candidate (CSV made with awk from the JSON).
golden_csv() {
  echo "case,quantity,value"
  awk '/"id":/ { id = $2; gsub(/[",]/, "", id) }
       /^ *"[A-Za-z_]+": \{$/ { q = $1; gsub(/[":]/, "", q) }
       /"value":/ { v = $2; gsub(/[",]/, "", v); print id "," q "," v }' "$1"
}
golden_csv "$scratch/golden.json" >"$scratch/cand.csv"
run oracle check "$scratch/golden.json" "$scratch/cand.csv" --rtol 0
check "golden values pass against themselves at rtol 0" test "$rc" = 0
check "summary line says PASS" grep -q ' 0 failed, 0 missing, 0 extra: PASS$' <<<"$out"
# The first value with its 46th significant digit changed (by at least 1e-46 relative, beyond
# the ~1.5e-49 that rounding to the 50 digits written allows, proofs/common.md C11): fails at
# rtol 0, passes at rtol 1e-40.
sed -E '2{s/[0-8]([0-9]{4}e)/9\1/;t;s/9([0-9]{4}e)/8\1/}' "$scratch/cand.csv" >"$scratch/off.csv"
check "the candidate was changed" test "$(cmp -s "$scratch/cand.csv" "$scratch/off.csv"; echo $?)" = 1
run oracle check "$scratch/golden.json" "$scratch/off.csv" --rtol 0
check "a changed value fails (exit 1)" test "$rc" = 1
check "the failing row says FAIL" grep -q 'FAIL$' <<<"$out"
run oracle check "$scratch/golden.json" "$scratch/off.csv" --rtol 1e-40
check "it passes within a tolerance above the change" test "$rc" = 0
head -n 3 "$scratch/cand.csv" >"$scratch/part.csv"
run oracle check "$scratch/golden.json" "$scratch/part.csv"
check "missing values fail" test "$rc" = 1
check "missing values are listed" grep -q ' missing$' <<<"$out"
run oracle check "$scratch/golden.json" "$scratch/part.csv" --allow-missing
check "--allow-missing passes a subset" test "$rc" = 0
{ cat "$scratch/part.csv"; echo "ghost.nonexistent,eta_c,1"; } >"$scratch/extra.csv"
run oracle check "$scratch/golden.json" "$scratch/extra.csv" --allow-missing
check "extra values fail" test "$rc" = 1
check "extra values are listed" grep -q 'ghost.nonexistent .* extra$' <<<"$out"
printf '{"ghost.loss.T=100.Tr=100.eps=1e-4": {"loss": 57.07963267948966, "grad": "-1e-30"}}' >"$scratch/c.json"
run oracle check "$scratch/golden.json" "$scratch/c.json" --allow-missing --rtol 1e-14 --json
check "JSON candidate: wrong gradient fails" test "$rc" = 1
check "JSON output has the rows" grep -q '"status": "FAIL"' <<<"$out"
malformed() {  # malformed NAME POSITION CONTENT
  printf '%b' "$3" >"$scratch/m.${4:-csv}"
  run oracle check "$scratch/golden.json" "$scratch/m.${4:-csv}"
  check "$1: exit 2" test "$rc" = 2
  check "$1: stdout empty" test -z "$out"
  check "$1: names file and $2" grep -q -- "m.${4:-csv}:$2" <<<"$err"
}
malformed "CSV without header" "line 1" 'a,b,1\n'
malformed "CSV NaN" "line 2" 'case,quantity,value\nghost.a,b,nan\n'
malformed "CSV inf" "line 3" 'case,quantity,value\n\nghost.a,b,-inf\n'
malformed "CSV two fields" "line 2" 'case,quantity,value\nghost.a,1\n'
malformed "CSV duplicate" "line 3" 'case,quantity,value\nghost.a,b,1\nghost.a,b,2\n'
malformed "CSV huge exponent" "line 2" 'case,quantity,value\nghost.a,b,1e99999999999999999999\n'
malformed "JSON truncated" " parse error at line 1" '{"a": {"b": 1' json
malformed "JSON duplicate key" "" '{"a": {"b": 1, "b": 2}}' json
malformed "JSON boolean value" '\$.a.b' '{"a": {"b": true}}' json
malformed "JSON overflow" "" '{"a": {"b": 1e999}}' json
run oracle check "$scratch/cand.csv" "$scratch/cand.csv"
check "a CSV given as golden: exit 2" test "$rc" = 2
run oracle check "$scratch/golden.json" "$scratch/missing.csv"
check "missing candidate file: exit 2" test "$rc" = 2
run oracle generate --digits 0 -o "$scratch/never.json"
check "bad --digits: exit 2" test "$rc" = 2
check "bad --digits: nothing written" test ! -e "$scratch/never.json"
run oracle generate --suite huge -o "$scratch/never.json"
check "bad --suite names suite" grep -q 'suite' <<<"$err"
# Each case's command prints the same value as golden.json (here an overlaps case, whose
# command is `oracle show`).
case_id=$(grep -o '"id": "overlaps.exact_map[^"]*"' "$scratch/golden.json" | head -n 1 | cut -d'"' -f4)
golden_value=$(awk -v id="$case_id" '$0 ~ "\"id\": \"" id "\"" { on = 1 } on && /"value":/ { gsub(/[",]/, "", $2); print $2; exit }' "$scratch/golden.json")
run oracle show --case "$case_id" --json
check "oracle show prints the golden value" grep -q "\"loss_final\": \"$golden_value\"" <<<"$out"
# Each NTK and ghost-RNN case's command (double precision) prints the golden values within
# 1e-13 relative: the golden model is the very model the command builds (a mismatch of one
# weight, input or initial state would be far larger). NTK: `ntk metrics --estimator exact`
# (trace, Frobenius norm, participation ratios); ghost RNN: the epoch-0 row of `rnn-train`, and
# the same numbers from `rnn-train --weights` of the command's saved start (R41).
check "ntk and ghost_rnn cases: the command (and the ghost_rnn --weights form) prints the golden values" \
  python3 - "$bin" "$scratch/golden.json" "$scratch" <<'PY'
import json, shlex, subprocess, sys
binary, golden = sys.argv[1], json.load(open(sys.argv[2]))

def printed_values(case):
    argv = shlex.split(case["command"])
    assert argv[0] == "learndyn", case["command"]
    out = json.loads(subprocess.run([binary] + argv[1:], check=True, capture_output=True, text=True).stdout)
    if case["area"] == "ntk":
        return {q: out[q]["value"] if isinstance(out[q], dict) else out[q]
                for q in ("trace", "frobenius", "participation_ratio", "participation_ratio_AAstar")}
    columns, row = out["table"]["columns"], out["table"]["rows"][0]
    assert row[columns.index("epoch")] == 0
    return {q: row[columns.index(q)] for q in ("loss", "gradient_norm")}

def weights_form(case, folder):
    """The ghost-RNN case's --weights form: the seeded command at --epochs 0 saves its start
    (--save-weights; initial/ = final/), and `rnn-train --weights FILE --epochs 1` with the
    task's batch options alone (N, rank and seed dropped: the file gives the network) prints
    the same epoch-0 row."""
    argv = shlex.split(case["command"])[1:]
    path = folder + "/" + case["id"] + ".npz"
    seeded = list(argv)
    seeded[seeded.index("--epochs") + 1] = "0"
    subprocess.run([binary] + seeded + ["--save-weights", path], check=True, capture_output=True)
    for option in ("--N", "--rank", "--seed"):
        k = argv.index(option)
        del argv[k:k + 2]
    out = json.loads(subprocess.run([binary] + argv + ["--weights", path], check=True, capture_output=True,
                                    text=True).stdout)
    columns, row = out["table"]["columns"], out["table"]["rows"][0]
    return {q: row[columns.index(q)] for q in ("loss", "gradient_norm")}

areas = set()
for case in golden["cases"]:
    if case["area"] not in ("ntk", "ghost_rnn"):
        continue
    areas.add(case["area"])
    printed = printed_values(case)
    for q, got in printed.items():
        want = float(case["values"][q]["value"])
        assert abs(got - want) <= 1e-13 * abs(want), (case["id"], q, got, want)
    if case["area"] == "ghost_rnn":
        assert weights_form(case, sys.argv[3]) == printed, case["id"]
assert areas == {"ntk", "ghost_rnn"}, areas
PY
run oracle show --list
check "oracle show --list lists the full suite" test "$(wc -l <<<"$out")" -gt 100
bad "unknown case" "case" oracle show --case no.such.case
bad "--list with --case" "case" oracle show --list --case x
bad "empty generate path" "output" oracle generate -o ""
bad "empty figure path" "output" ghost figure -o ""
bad "empty report folder" "out" report -o ""
# Writing to a device writes into it; it must never replace the device node. (Every command
# writes through the same write_file_atomically; a cheap one keeps this check fast.)
run overlaps filter --N 20 --T 40 --dt 0.1 --lr 1e-2 --epochs 30 --record-every 10 -o /dev/null
check "-o /dev/null exits 0" test "$rc" = 0
check "/dev/null is still a character device" test -c /dev/null
run oracle audit --json
check "oracle audit exits 0" test "$rc" = 0
check "audit reports the analytical loss" grep -q '"quantity": "loss"' <<<"$out"
# Issue 15: every row has its bound, status and pass; none fails; the flow row is bounded.
check "audit rows carry bounds and none fails" python3 -c '
import json, sys
a = json.loads(sys.stdin.read())
assert a["failed_rows"] == 0, a["failed_rows"]
for r in a["rows"]:
    assert r["status"] and "pass" in r and "bounded_cases" in r, r
    assert (r["bound"] is not None) == (r["bounded_cases"] > 0), r
flow = [r for r in a["rows"] if r["kind"] == "overlaps.flow"]
assert flow and all(r["status"] == "pass" and float(r["worst_error_over_bound"]) <= 1 for r in flow), flow
' <<<"$out"
# The main job: report.md with the audit's bound and status columns, a figure per area,
# progress on stderr.
run report -o "$scratch/report"
check "report exits 0" test "$rc" = 0
for f in report.md golden.json ghost_fig2a_8a.png overlaps_filter.png ntk_gain_sweep.png; do
  check "report writes $f" test -s "$scratch/report/$f"
done
check "report's audit has bound and status columns" grep -q '| bound (proof) | worst error/bound | status |' "$scratch/report/report.md"
check "report states the audit's verdict" grep -q '^\*\*Verdict:\*\*' "$scratch/report/report.md"
check "report shows the overlaps and NTK figures" grep -q 'overlaps_filter.png' "$scratch/report/report.md"
check "report shows the NTK figure" grep -q 'ntk_gain_sweep.png' "$scratch/report/report.md"
check "report prints its stages on stderr" grep -q '^report \[5/5\]' <<<"$err"

# --- docs/oracle.md's plain-Python example runs as printed, against a golden.json ----------
# `mycode.critical_rate` is (G16) with c = 1.
readme="$(dirname "$0")/../../docs/oracle.md"
check "docs/oracle.md is beside the tests" test -f "$readme"
if [ -f "$readme" ]; then
  mkdir -p "$scratch/py"
  awk '/^### Reading golden.json from plain Python/ { on = 1 } on && /^```python/ { grab = 1; next } grab && /^```/ { exit } grab' \
      "$readme" >"$scratch/py/example.py"
  cat >"$scratch/py/mycode.py" <<'PY'
import math
def critical_rate(T, Tr):
    return math.pi**4 / (8 * T**3) * (1 / T**2 - 1 / (T + Tr)**2)
PY
  cp "$scratch/golden.json" "$scratch/py/golden.json"
  check "the plain-Python example has 10 lines" test "$(wc -l <"$scratch/py/example.py")" = 10
  check "the plain-Python example passes" bash -c "cd '$scratch/py' && python3 example.py"
  sed -i 's|math.pi\*\*4|1.0000001 * math.pi**4|' "$scratch/py/mycode.py"
  check "the plain-Python example catches a 1e-7 error" bash -c "! (cd '$scratch/py' && python3 example.py 2>/dev/null)"
fi

# --- overlaps: the experiments of Ger & Barak 2026 at tiny sizes ----------------------------
# (the full runs and their numbers are in docs/overlaps.md; here: shapes, exactness, errors, files)
tiny_filter=(--N 20 --T 40 --dt 0.1 --lr 1e-2 --epochs 30 --record-every 10)
run overlaps filter "${tiny_filter[@]}"
check "overlaps filter exits 0" test "$rc" = 0
check "filter CSV header" test "$(head -n1 <<<"$out" | cut -d, -f1-8)" = "epoch,loss_network,loss_exact_map,loss_euler,loss_direct,gap_exact_map,gap_euler,gap_direct"
check "filter records epochs 0..9, 10, 20, 30" test "$(tail -n +2 <<<"$out" | cut -d, -f1 | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 8 9 10 20 30 "
# The linear theory is exact (O16): the network and the exact map agree to rounding.
check "filter: network = exact map to 1e-12" awk -F, 'NR > 1 && ($6 > 1e-12 || $6 < -1e-12) { bad = 1 } END { exit bad }' <<<"$out"
check "filter: the Euler theory is not exact (gap > 1e-9 at epoch 30)" awk -F, '$1 == 30 && $7 > 1e-9 { ok = 1 } END { exit !ok }' <<<"$out"
first=$out
run overlaps filter "${tiny_filter[@]}"
check "filter is deterministic" test "$out" = "$first"
run overlaps filter "${tiny_filter[@]}" --seed 1
check "another seed, another run" test "$out" != "$first"
run overlaps filter --rank 2 --N 20 --T 40 --dt 0.1 --epochs 5 --format json
check "rank-2 filter JSON lists v2u2" grep -q '"v2u2"' <<<"$out"
check "rank-2 filter JSON reproduces Fig 12" grep -q '"reproduces": "Ger & Barak 2026, Fig 12"' <<<"$out"
run overlaps filter "${tiny_filter[@]}" -o "$scratch/filter.csv" --figure "$scratch/filter.png"
check "filter -o writes the CSV" test "$(head -c 5 "$scratch/filter.csv")" = "epoch"
check "filter --figure writes a PNG" test "$(head -c 4 "$scratch/filter.png" | tail -c 3)" = "PNG"
check "filter -o prints the summary" grep -q '^  max_gap_exact_map: ' <<<"$out"
check "no partial files left" test -z "$(ls "$scratch" | grep partial)"
run overlaps filter --N 20 --T 40 --dt 0.1 --epochs 3 --reference double --reference-epochs 2 --format json
check "filter --reference double exits 0" test "$rc" = 0
check "reference columns present" grep -q '"loss_reference"' <<<"$out"
# The rounding control (E25, on by default): gap_rounding as the last column, max_gap_rounding,
# rounding_level and the verdict theory_gap in the summary; off drops the column and the fields
# and leaves every other byte of the CSV as it was.
run overlaps filter "${tiny_filter[@]}" --json
check "filter JSON: gap_rounding is the last column" python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["trajectory"]["columns"][-1] == "gap_rounding"' <<<"$out"
check "filter JSON: the summary has max_gap_rounding, rounding_level and theory_gap" python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["summary"]
assert s["max_gap_rounding"] <= s["rounding_level"] and s["theory_gap"] == "rounding level", s
assert d["settings"]["rounding_control"] == "on"' <<<"$out"
run overlaps filter "${tiny_filter[@]}"
with_control=$out
run overlaps filter "${tiny_filter[@]}" --rounding-control off
check "filter --rounding-control off exits 0" test "$rc" = 0
check "filter --rounding-control off: no gap_rounding column" bash -c '! head -n1 <<<"$1" | grep -q gap_rounding' _ "$out"
check "filter --rounding-control off: the other columns byte for byte" test "$out" = "$(sed 's/,[^,]*$//' <<<"$with_control")"
run overlaps filter "${tiny_filter[@]}" --rounding-control off -o "$scratch/off.csv"
check "filter --rounding-control off: no verdict" bash -c '! grep -q "theory_gap\|max_gap_rounding" <<<"$1"' _ "$out"
run overlaps filter --N 16 --T 40 --dt 0.1 --lr 0.12 --epochs 300 -o "$scratch/chaos.csv"
check "filter: a chaotic rate's gap is named rounding" grep -q '^  theory_gap: rounding (chaotic SGD' <<<"$out"
bad "filter --rounding-control yes" "invalid rounding-control" overlaps filter --rounding-control yes
run overlaps filter "${tiny_filter[@]}" -o "$scratch/no/such/dir/f.csv"
check "unwritable data file exits 1" test "$rc" = 1
check "unwritable data file writes nothing" test ! -e "$scratch/no/such/dir/f.csv"

run overlaps nscaling --N 16,64,256 --seeds 2 --epochs 3 --t-max 2 --batch 2 --init random --table by-n
check "nscaling exits 0" test "$rc" = 0
check "nscaling by-n has one row per N" test "$(tail -n +2 <<<"$out" | cut -d, -f1 | tr '\n' ' ')" = "16 64 256 "
check "nscaling: the linear control is exact (< 1e-12)" awk -F, 'NR > 1 && $6 > 1e-12 { bad = 1 } END { exit bad }' <<<"$out"

run overlaps aba --N 12 --T 30 --dt 0.1 --lr 1e-2 --phases A:40,B:20,A+noise:20 --table phases
check "aba exits 0" test "$rc" = 0
check "aba has one row per phase" test "$(tail -n +2 <<<"$out" | wc -l)" = 3
check "aba SGD: closure and theory at rounding" awk -F, 'NR > 1 && ($8 > 1e-10 || $9 > 1e-10) { bad = 1 } END { exit bad }' <<<"$out"
run overlaps aba --optimizer adam --N 12 --T 30 --dt 0.1 --lr 1e-2 --phases A:40,B:40 --table phases
check "aba Adam breaks the closure (gap > 1e-4)" awk -F, 'NR > 1 && $8 < 1e-4 { bad = 1 } END { exit bad }' <<<"$out"

run overlaps equivalent --N 40 --T 60 --dt 0.1 --lr 1e-2 --epochs 20 --format json -o "$scratch/eq.json"
check "equivalent exits 0" test "$rc" = 0
gap=$(sed -n 's/^  output_gap_start: //p' <<<"$out")
check "equivalent networks: same output at the start" awk -v g="$gap" 'BEGIN { exit !(g != "" && g < 1e-13) }'
check "equivalent JSON has the outputs table" grep -q '"y2_noisy"' "$scratch/eq.json"

run overlaps memory --pairs 4 --batch 2 --epochs-ab 20 --epochs-c 20 --train-pairs 3 --test-pairs 1 --splits 5
check "memory exits 0" test "$rc" = 0
check "memory decoding table: 3 times x 2 groups x 2 splits" test "$(tail -n +2 <<<"$out" | wc -l)" = 12
check "memory: identical twins decode at chance at the start" test "$(sed -n 2p <<<"$out" | cut -d, -f4)" = "0.5"

bad "overlaps N = 0" "N" overlaps filter --N 0
bad "overlaps N above 10^7" "N" overlaps filter --N 10000001 --epochs 0
bad "overlaps T above 10^7" "T" overlaps aba --T 10000001 --phases A:0
# Out of memory is an error, not a segfault (the network's aligned buffer came back null); the
# budget is lifted so that the allocation itself fails (tests/cli/test_audit_cli.sh checks the
# refusal up front). Not in the sanitizer stage (LEARNDYN_CLI_QUICK=1): the sanitizers reserve
# more address space.
if [ -z "${LEARNDYN_CLI_QUICK:-}" ]; then
  (ulimit -v 400000; LEARNDYN_MEMORY_BUDGET=1e12 "$bin" overlaps filter --N 10000000 --T 20 --dt 0.1 --epochs 1 \
    --threads 1 >/dev/null 2>"$scratch/err"); rc=$?
  check "out of memory exits 1" test "$rc" = 1
  check "out of memory says so" grep -q 'out of memory' "$scratch/err"
fi
bad "overlaps lr = 0" "lr" overlaps filter --lr 0
# A diverging run names the rate, not the theory's internal Sigma.
bad "filter diverges" "invalid lr" overlaps filter --N 10 --T 20 --dt 0.1 --epochs 3 --lr 100
bad "aba diverges" "invalid lr" overlaps aba --N 12 --T 30 --dt 0.1 --lr 100 --phases A:4
bad "overlaps rank 9" "rank" overlaps filter --rank 9
bad "overlaps format" "format" overlaps filter --format xml
bad "overlaps reference" "reference" overlaps filter --reference quad
bad "overlaps table" "table" overlaps nscaling --table nope
bad "nscaling one size" "N" overlaps nscaling --N 100
# A trailing comma is an empty item, refused like one in the middle (it passed as if absent).
bad "nscaling trailing comma" "N" overlaps nscaling --N 16,32,
bad "figure betas trailing comma" "betas" ghost figure -o "$scratch/never.png" --betas 1,
bad "nscaling init" "init" overlaps nscaling --init zeros
run overlaps flipflop --N 40 --epochs 3 --t-max 2 --batch 2 --init random --trace-t-max 2 --json
check "flipflop exits 0" test "$rc" = 0
check "flipflop: summary, five tables, theory beside SGD" python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
for t in ("trajectory", "traces", "loadings", "histogram", "qq"): assert d[t]["rows"], t
assert d["summary"]["loss_theory_final"] is not None
assert len(d["loadings"]["rows"]) == 40' <<<"$out"
bad "flipflop N" "N" overlaps flipflop --N 4
bad "flipflop optimizer" "optimizer" overlaps flipflop --optimizer sgdx
bad "flipflop bins" "bins" overlaps flipflop --bins 1
bad "flipflop trace length" "trace-t-max" overlaps flipflop --trace-t-max 0.01
bad "flipflop theory" "theory" overlaps flipflop --theory maybe
bad "flipflop diverged" "lr" overlaps flipflop --N 16 --epochs 2 --t-max 1 --batch 1 --lr 1e308
# A diverged run is refused, naming the option, not printed as empty cells and JSON null.
# (--init random: the balanced draw takes ~2 s, and a run past 3 s reports progress first.)
bad "nscaling diverged" "lr" overlaps nscaling --N 16,32 --seeds 1 --epochs 2 --t-max 2 --batch 2 --lr 1e308 --init random
bad "equivalent outputs overflow" "input-std" overlaps equivalent --N 40 --T 60 --dt 0.1 --epochs 3 --input-std 1e308
bad "aba phases" "phases" overlaps aba --phases A:10,C:5
bad "aba phases: a trailing comma is an empty phase" "phases" overlaps aba --phases A:10,
bad "filter: a subnormal dt (1/dt overflows)" "dt" overlaps filter --dt 1e-320
bad "filter: a target that overflows names decay" "decay" overlaps filter --decay -1e308
bad "equivalent: theta2-uu N overflows" "theta2-uu" overlaps equivalent --theta2-uu 1e308
bad "aba optimizer" "optimizer" overlaps aba --optimizer sgd2
bad "aba beta2" "beta2" overlaps aba --optimizer adam --beta2 1
bad "equivalent unreachable m.u" "m-dot-u" overlaps equivalent --N 40 --theta2-mu 50
bad "memory pairs" "pairs" overlaps memory --pairs 1
# Batches whose memory cannot be had are refused up front (std::bad_alloc, ~28 GB and ~200 GB).
bad "memory batch above 10^5" "batch" overlaps memory --batch 1000000
bad "nscaling trial steps above 1e7" "batch" overlaps nscaling --batch 1000000
bad "memory split" "train-pairs" overlaps memory --pairs 4 --train-pairs 4 --test-pairs 1


# An exact quotient p/q (how the Python package passes a Fraction): eta_c at T = 1/3, Tr = 2/3
# against (G16) evaluated by Python's decimal module at 70 digits, independently of learndyn.
run ghost critical-rate --T 1/3 --Tr 2/3 --normalise none --json
check "critical-rate takes --T 1/3" test "$rc" = 0
check "eta_c at T = 1/3, Tr = 2/3 is (G16) to 45 digits" python3 - "$out" <<'PY'
import decimal, json, sys
from fractions import Fraction
decimal.getcontext().prec = 70
pi = decimal.Decimal("3.141592653589793238462643383279502884197169399375105820974944592307816")
T, Tr = Fraction(1, 3), Fraction(2, 3)
rational = Fraction(1, 8) / T**3 * (1 / T**2 - 1 / (T + Tr)**2)
want = pi**4 * decimal.Decimal(rational.numerator) / decimal.Decimal(rational.denominator)
d = json.loads(sys.argv[1]); got = d["eta_c"]
got = decimal.Decimal(got["value"] if isinstance(got, dict) else got)
assert abs(got - want) <= decimal.Decimal("1e-45") * abs(want), (got, want)
PY
bad "a quotient with q = 0" "T" ghost critical-rate --T 1/0 --Tr 1

# --- --threads and LEARNDYN_NUM_THREADS: one meaning, the same bytes (proofs/common.md C16) ---
# A command of each area with chunks enough for 8 workers: --threads 8 (more than the cores
# here) writes the bytes of --threads 1, and so does LEARNDYN_NUM_THREADS=8 without --threads.
same_bytes() {  # same_bytes NAME ARGS...: --threads 1, --threads 8 and LEARNDYN_NUM_THREADS=8 agree
  local name="$1"; shift
  "$bin" "$@" --threads 1 >"$scratch/t1" 2>/dev/null
  local rc1=$?
  "$bin" "$@" --threads 8 >"$scratch/t8" 2>/dev/null
  LEARNDYN_NUM_THREADS=8 "$bin" "$@" >"$scratch/tenv" 2>/dev/null
  check "$name: exit 0" test "$rc1" = 0
  check "$name: output written" test -s "$scratch/t1"
  check "$name: --threads 8 gives the bytes of --threads 1" cmp -s "$scratch/t1" "$scratch/t8"
  check "$name: LEARNDYN_NUM_THREADS=8 gives the same bytes" cmp -s "$scratch/t1" "$scratch/tenv"
}
same_bytes "ghost rnn-sweep" ghost rnn-sweep --N 8 --ranks 1 --rates 1e-3,1e-2,4 --seeds 3 --epochs 3
same_bytes "overlaps filter (N = 40000: 3 chunks)" overlaps filter --N 40000 --T 20 --epochs 2
same_bytes "overlaps nscaling" overlaps nscaling --N 16,32 --seeds 2 --epochs 2 --t-max 1
same_bytes "overlaps flipflop (N = 20000: 2 chunks)" overlaps flipflop --N 20000 --epochs 1 --t-max 1 --batch 1 --init random --trace-t-max 1
same_bytes "ntk metrics" ntk metrics --batch 9 --steps 4 --estimator hutchinson --probes 16 --json
bad "threads above 256" "threads" overlaps filter --N 100 --epochs 1 --threads 257
bad "negative threads" "threads" ntk metrics --threads -1
for value in two -1 257 1.5; do
  LEARNDYN_NUM_THREADS=$value "$bin" overlaps filter --N 100 --epochs 1 >"$scratch/out" 2>"$scratch/err"; rc=$?
  check "LEARNDYN_NUM_THREADS=$value: exit 2" test "$rc" = 2
  check "LEARNDYN_NUM_THREADS=$value: no stdout" test ! -s "$scratch/out"
  check "LEARNDYN_NUM_THREADS=$value: one line naming it" \
    test "$(wc -l <"$scratch/err")" = 1 -a -n "$(grep -- LEARNDYN_NUM_THREADS "$scratch/err")"
done
# An explicit --threads wins over the variable (a bad variable is not read then).
LEARNDYN_NUM_THREADS=two "$bin" overlaps filter --N 100 --epochs 1 --threads 1 >/dev/null 2>&1
check "--threads given: LEARNDYN_NUM_THREADS not read" test "$?" = 0

finish
