# `reproduce_ok NAME ID ARGS...` for the CLI tests of `learndyn reproduce` (sourced after
# harness.sh, from the scratch folder, with $bin absolute): runs `reproduce ID -o NAME ARGS...` and
# checks its files, summary.json's keys and verdicts, commands.txt giving the same CSV bytes in an
# empty folder, and the .gp beside the figure drawing the same figure again (docs/reproduce.md).
# reproduce_ok NAME ID ARGS...: runs into NAME, checks the files and summary.json.
reproduce_ok() {
  local name="$1" id="$2"; shift 2
  run reproduce "$id" -o "$name" "$@"
  check "$name: exit 0" test "$rc" = 0
  local figure=${id#*/}
  for f in summary.json commands.txt data.json "$figure.png" "$figure.gp" "$figure.dat"; do
    check "$name: wrote $f" test -s "$name/$f"
  done
  check "$name: summary.json has its keys, claims with verdicts" python3 - "$name/summary.json" "$id" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["id"] == sys.argv[2]
for k in ("description", "status", "reason", "protocol", "seeds", "claims", "notes", "files"):
    assert k in s, k
assert s["claims"], "no claims"
for c in s["claims"]:
    assert set(c) == {"quantity", "paper", "measured", "verdict", "note"}, c
    assert c["verdict"] in ("pass", "fail", "qualitative"), c
for f in s["files"]:
    import os
    assert os.path.exists(os.path.join(os.path.dirname(sys.argv[1]), f)), f
EOF
  check "$name: data.json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$name/data.json"
  check "$name: no scratch folder left" test -z "$(ls -A | grep -F ".$name.")"
  # commands.txt, run by hand in an empty folder: the same CSV bytes.
  mkdir "$name.by-hand"
  (cd "$name.by-hand" && sed "s|^learndyn |\"$bin\" |" "../$name/commands.txt" | bash >/dev/null 2>&1)
  local csv made=0
  for csv in "$name.by-hand"/*.csv; do
    made=$((made + 1))
    check "$name: commands.txt gives $(basename "$csv") byte for byte" cmp -s "$csv" "$name/$(basename "$csv")"
  done
  check "$name: commands.txt wrote CSV files" test "$made" -gt 0
  # The script beside the figure draws it again, from another folder.
  if command -v gnuplot >/dev/null; then
    mv "$name/$figure.png" "$name.original.png"
    (cd / && gnuplot "$scratch/$name/$figure.gp" >/dev/null 2>&1)
    check "$name: gnuplot $figure.gp redraws the same figure" cmp -s "$name.original.png" "$name/$figure.png"
  fi
}
