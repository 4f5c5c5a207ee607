#!/usr/bin/env bash
# `learndyn reproduce` (docs/reproduce.md, proofs/common.md C19-C22): the --list format (every id
# well-formed and unique, every status one of four), three short reproductions (ghost, overlaps,
# ntk) with their files, summary.json's keys, commands.txt run by hand giving the same CSV bytes,
# the .gp beside each figure drawing the same figure again from another folder, PDF and SVG by
# extension; the refusals (unknown id, a missing panel, unknown protocol, no -o, a non-empty
# folder without --force, --shard where there is none: exit 2, one line, nothing written); and a
# shard of ghost/fig6a's paper protocol, byte-identical to the part `ghost rnn-sweep --shard`
# writes (so `learndyn merge` joins either), an empty shard of ntk/fig5b's, and a smoke run of ghost/fig8c
# (ghost fig8c, 1 seed, 50 + 50 epochs). ~15 s.
# Usage: test_reproduce_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
source "$(dirname "${BASH_SOURCE[0]}")/reproduce_checks.sh"  # reproduce_ok
cd "$scratch" || exit 1

# ---- --list ----
run reproduce --list
check "--list: exit 0" test "$rc" = 0
printf '%s\n' "$out" >list.tsv
check "--list: at least 60 panels" test "$(wc -l <list.tsv)" -ge 60
check "--list: 4 tab-separated fields a line" awk -F'\t' 'NF != 4 { bad = 1 } END { exit bad }' list.tsv
check "--list: every id <paper>/fig<number><panel>" \
  awk -F'\t' '$1 !~ /^(ghost|overlaps|ntk)\/fig[1-9][0-9]*[a-z]?$/ { bad = 1 } END { exit bad }' list.tsv
check "--list: ids unique" test "$(cut -f1 list.tsv | sort | uniq -d | wc -l)" = 0
check "--list: status in the set" \
  awk -F'\t' '$2 !~ /^(reproduced|qualitatively|missing|not applicable)$/ { bad = 1 } END { exit bad }' list.tsv
check "--list: every missing panel says why" awk -F'\t' '$2 == "missing" && length($4) < 10 { bad = 1 } END { exit bad }' list.tsv
for paper in ghost overlaps ntk; do
  check "--list: $paper has reproduced panels" grep -q "^$paper/fig[0-9a-z]*	reproduced" list.tsv
done
run reproduce --list --markdown
check "--list --markdown: a table" grep -q '^| `ghost/fig6a` | reproduced |' <<<"$out"

# ---- reproductions ----
reproduce_ok canonical ghost/fig2a
check "canonical: the flat no-learning zone passes" grep -q '"verdict": "pass"' canonical/summary.json
reproduce_ok filter overlaps/fig5c --protocol smoke
reproduce_ok flipflop overlaps/fig8 --protocol smoke --threads 1
reproduce_ok attention ntk/fig6b --protocol smoke --threads 1
reproduce_ok intervention ghost/fig8c --protocol smoke --threads 1
check "intervention: four claims of Fig. 8C" test "$(grep -c '"quantity"' intervention/summary.json)" = 4
check "intervention: commands.txt runs ghost fig8c" grep -q '^learndyn ghost fig8c --protocol quick --epochs 50' intervention/commands.txt

# The figure's format by --figure-format (the extension of every figure path).
run reproduce ghost/fig2a -o vector --figure-format pdf
check "pdf: a PDF" test "$(head -c 4 vector/fig2a.pdf)" = "%PDF"
check "pdf: its script says pdfcairo" grep -q pdfcairo vector/fig2a.gp
if command -v gnuplot >/dev/null; then
  "$bin" ghost figure -o shared.svg >/dev/null 2>&1
  check "ghost figure -o .svg: an SVG" grep -q "<svg" shared.svg
  check "ghost figure: script and data beside" test -s shared.gp -a -s shared.dat
  mv shared.svg shared.original.svg
  (cd / && gnuplot "$scratch/shared.gp" >/dev/null 2>&1)
  check "ghost figure: shared.gp redraws it" cmp -s shared.original.svg shared.svg
fi

# ---- refusals: exit 2, one line, nothing written ----
bad "unknown id" id reproduce ghost/fig99 -o x1
bad "not an id" id reproduce fig6a -o x1
# A missing panel is refused like a schematic (check_request; tests/common/test_reproduce.cpp
# refuses a constructed one): checked here while the catalogue still has one.
missing=$(awk -F'\t' '$2 == "missing" { print $1; exit }' list.tsv)
if [ -n "$missing" ]; then
  bad "missing panel" id reproduce "$missing" -o x1
  check "missing panel: says why" grep -q "missing:" <<<"$err"
fi
bad "schematic" id reproduce overlaps/fig1a -o x1
bad "unknown protocol" protocol reproduce ghost/fig2a --protocol slow -o x1
bad "smoke where none" protocol reproduce ghost/fig6b --protocol smoke -o x1
check "smoke where none: names the protocols" grep -q "grid-quick" <<<"$err"
bad "no -o" output reproduce ghost/fig2a
bad "seeds out of range" seeds reproduce ghost/fig3a --seeds 5000 -o x1
bad "seeds of a panel without seeds" seeds reproduce overlaps/fig5c --seeds 3 -o x1
bad "figure format" figure-format reproduce ghost/fig2a --figure-format jpg -o x1
bad "shard of a panel without shards" shard reproduce ghost/fig2a --shard 0/2 -o x1
bad "shard of the quick protocol" shard reproduce ghost/fig6a --shard 0/2 -o x1
check "refusals wrote nothing" test ! -e x1
bad "non-empty folder" output reproduce ghost/fig2a -o canonical
check "non-empty folder: left as it was" test -s canonical/fig2a_limit.csv -a -s canonical.original.png
run reproduce ghost/fig8a -o canonical --force
check "--force: replaced" test "$rc" = 0 -a -s canonical/fig8a.png -a ! -e canonical/fig2a.png
check "--force: no old or scratch folder left" test -z "$(ls -A | grep -F '.canonical.')"

# ---- a shard of the paper protocol = the sweep command's own part ----
run reproduce ghost/fig6a --protocol paper --shard 0/600 -o shard0
check "shard: exit 0" test "$rc" = 0
check "shard: the part" test -s shard0/part-0-of-600.json
line=$(grep '^learndyn ghost rnn-sweep' shard0/commands.txt)
(eval "\"$bin\" ${line#learndyn }" >/dev/null 2>&1)  # writes part-0-of-600.json here
check "shard: byte-identical to ghost rnn-sweep --shard 0/600" cmp -s shard0/part-0-of-600.json part-0-of-600.json

# ntk/fig5b's paper sweep: an empty shard (no cell is i mod 100000 = 500 of its 100) costs
# nothing and compares the command and its canonical arguments.
run reproduce ntk/fig5b --protocol paper --shard 500/100000 -o shard500
check "ntk shard: exit 0" test "$rc" = 0
line=$(grep '^learndyn ntk gain-sweep' shard500/commands.txt)
(eval "\"$bin\" ${line#learndyn }" >/dev/null 2>&1)
check "ntk shard: byte-identical to ntk gain-sweep --shard 500/100000" \
  cmp -s shard500/part-500-of-100000.json part-500-of-100000.json

finish "cli reproduce"
