#!/usr/bin/env bash
# `learndyn oracle check` as a CI job uses it: a golden file as the candidate, --digits at
# which every correctly rounded value passes (proofs/common.md C11), --failures-only, --junit,
# "did you mean" for a mistyped case id, and golden/candidate faults refused when read.
source "$(dirname "$0")/harness.sh"

run oracle generate --digits 10 -o "$scratch/g10.json"
check "generate --digits 10 exits 0" test "$rc" = 0
run oracle generate --digits 50 -o "$scratch/g50.json"
check "generate --digits 50 exits 0" test "$rc" = 0

# A golden file is a candidate: the 50-digit values pass the 10-digit file at rtol 0 (C11),
# and a file passes against itself.
run oracle check "$scratch/g10.json" "$scratch/g50.json" --rtol 0
check "50-digit golden values pass the 10-digit golden file at rtol 0" test "$rc" = 0
check "... and every value was compared" grep -qE '^[0-9]+ passed, 0 failed, 0 missing, 0 extra: PASS$' <<<"$out"
run oracle check "$scratch/g50.json" "$scratch/g10.json" --rtol 0
check "10-digit values fail the 50-digit file at rtol 0" test "$rc" = 1
run oracle check "$scratch/g50.json" "$scratch/g50.json" --rtol 0 --json
check "a golden file passes against itself" test "$rc" = 0

# Every 50-digit value rounded (by Python, independently of learndyn) to 10 significant
# digits passes the 10-digit file at rtol 0.
python3 - "$scratch/g50.json" "$scratch/rounded.csv" <<'PY'
import decimal, json, sys
decimal.getcontext().prec = 10
decimal.getcontext().rounding = decimal.ROUND_HALF_EVEN
g = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    out.write("case,quantity,value\n")
    for c in g["cases"]:
        for q, v in c["values"].items():
            out.write("%s,%s,%s\n" % (c["id"], q, +decimal.Decimal(v["value"])))
PY
run oracle check "$scratch/g10.json" "$scratch/rounded.csv" --rtol 0
check "values rounded to 10 digits by Python pass the 10-digit file at rtol 0" test "$rc" = 0

# --failures-only and --junit.
id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['cases'][0]['id'])" "$scratch/g50.json")
q=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['cases'][0]; print(sorted(c['values'])[0])" "$scratch/g50.json")
v=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['cases'][0]; print(c['values'][sys.argv[2]]['value'])" "$scratch/g50.json" "$q")
id2=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['cases'][1]['id'])" "$scratch/g50.json")
q2=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['cases'][1]; print(sorted(c['values'])[0])" "$scratch/g50.json")
printf 'case,quantity,value\n%s,%s,%s\n%s,%s,1e300\n' "$id" "$q" "$v" "$id2" "$q2" >"$scratch/one_wrong.csv"
run oracle check "$scratch/g50.json" "$scratch/one_wrong.csv" --allow-missing --failures-only --junit "$scratch/junit.xml"
check "one wrong value: exit 1" test "$rc" = 1
check "--failures-only lists the failing row" grep -q "^$id2 .*FAIL" <<<"$out"
check "--failures-only leaves out the passing row" bash -c "! grep -q '^$id ' <<<\"\$1\"" _ "$out"
check "--failures-only keeps the full summary" grep -q '^1 passed, 1 failed' <<<"$out"
# Every golden value is a testcase; the allowed missing ones are <skipped>.
check "--junit writes JUnit XML: 1 failure, 1 pass, the rest skipped" python3 - "$scratch/junit.xml" "$id2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = list(suite.iter("testcase"))
skipped = [t for t in cases if t.find("skipped") is not None]
assert suite.get("tests") == str(len(cases)) and suite.get("failures") == "1", suite.attrib
assert suite.get("skipped") == str(len(skipped)) == str(len(cases) - 2), suite.attrib
failed = [t for t in suite.iter("testcase") if t.find("failure") is not None]
assert [t.get("classname") for t in failed] == [sys.argv[2]], failed
assert "expected" in failed[0].find("failure").get("message")
PY
check "--junit says so on stderr" grep -q "wrote $scratch/junit.xml" <<<"$err"

# A mistyped case id: "did you mean".
typo="${id%?}X"
printf 'case,quantity,value\n%s,%s,%s\n' "$typo" "$q" "$v" >"$scratch/typo.csv"
printf 'case,quantity,value\n%s,%s,%s\n%s,%s,%s\n' "$id" "$q" "$v" "$typo" "$q" "$v" >"$scratch/typo_and_right.csv"
run oracle check "$scratch/g50.json" "$scratch/typo_and_right.csv" --allow-missing --allow-extra
check "a mistyped case id is an extra row with a suggestion" grep -q "did you mean $id?" <<<"$out"
run oracle show --case "$typo"
check "show: unknown case exits 2" test "$rc" = 2
check "show: unknown case suggests the nearest id" grep -q "did you mean $id?" <<<"$err"

# Nothing compared is not a pass.
printf 'case,quantity,value\n' >"$scratch/empty.csv"
run oracle check "$scratch/g50.json" "$scratch/empty.csv" --allow-missing
check "an empty candidate with --allow-missing exits 2" test "$rc" = 2
check "... naming the file" grep -q "empty.csv" <<<"$err"
run oracle check "$scratch/g50.json" "$scratch/typo.csv" --allow-missing --allow-extra
check "only unknown values with --allow-missing exits 2" test "$rc" = 2

# Faults inside golden.json are errors when the file is read, naming the JSON path.
corrupt() {  # corrupt NAME PYTHON-EXPRESSION-ON-v (the first value object)
  python3 - "$scratch/g50.json" "$scratch/$1.json" "$2" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
c = g["cases"][0]; q = sorted(c["values"])[0]; v = c["values"][q]
exec(sys.argv[3])
json.dump(g, open(sys.argv[2], "w"), indent=1)
PY
}
corrupt huge 'v["value"] = "1e99999999"'
run oracle check "$scratch/huge.json" "$scratch/one_wrong.csv" --allow-missing
check "golden value 1e99999999: exit 2" test "$rc" = 2
check "... naming the JSON path" grep -q '\$\.cases\[0\]\.values\.' <<<"$err"
corrupt long 'v["value"] = "1." + "3" * 1000'
run oracle check "$scratch/long.json" "$scratch/one_wrong.csv" --allow-missing
check "a 1000-digit golden value: exit 2" test "$rc" = 2
check "... saying why" grep -q "significant digits" <<<"$err"
corrupt newline 'c["values"]["a\nb"] = c["values"].pop(q)'
run oracle check "$scratch/newline.json" "$scratch/one_wrong.csv" --allow-missing
check "a quantity name with a newline: exit 2" test "$rc" = 2

finish cli_oracle
