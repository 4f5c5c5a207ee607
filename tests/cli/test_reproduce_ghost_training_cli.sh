#!/usr/bin/env bash
# `learndyn reproduce` for the ghost panels that follow training (docs/reproduce.md): ghost/fig2b,
# 2c, 2d at the paper's protocol (instant: GD on the analytical loss), whose claims all pass
# (proofs/ghost.md G34-G37: the abrupt drop, the stuck run above eta_c, the grid's critical rate
# around eta_c = 9.13e-10); ghost/fig4a, 4c-h at the smoke protocol (500 epochs: files, claims
# with verdicts, commands.txt giving the same CSV bytes); `ghost train --etas` and `ghost fig4
# --task` refusing bad input. ~40 s.
# Usage: test_reproduce_ghost_training_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
source "$(dirname "${BASH_SOURCE[0]}")/reproduce_checks.sh"
cd "$scratch" || exit 1

run reproduce --list
for id in ghost/fig2b ghost/fig2c ghost/fig2d ghost/fig4a ghost/fig4c ghost/fig4d ghost/fig4e ghost/fig4f ghost/fig4g ghost/fig4h; do
  check "--list: $id runs (not missing)" grep -Eq "^$id	(reproduced|qualitatively)	" <<<"$out"
done

# Figs. 2B-D: every claim passes at the paper's protocol.
for p in b c d; do
  reproduce_ok "gd2$p" "ghost/fig2$p"
  check "gd2$p: every claim passes" python3 - "gd2$p/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s["claims"]) >= 3, s["claims"]
assert all(c["verdict"] == "pass" for c in s["claims"]), [c for c in s["claims"] if c["verdict"] != "pass"]
PY
done
check "gd2b: the 1e-9 run ends at L/T = 1" grep -q '"measured": "1"' gd2b/summary.json
check "gd2d: the grid's bracket holds eta_c (8.7e-10 .. 9.33e-10)" grep -q '8.7e-10 .. 9.33e-10' gd2d/summary.json
check "gd2d: one command, the rate grid of ghost train" grep -q '^learndyn ghost train --etas 1e-11,1e-8,100 --runs 10' gd2d/commands.txt
check "gd2d: 100 rates x 10 runs x 11 records" test "$(($(wc -l <gd2d/fig2d_runs.csv) - 1))" = 11000

# Fig. 4: the smoke protocol runs every panel and writes what the summary says.
for p in a c d e f g h; do
  reproduce_ok "latent4$p" "ghost/fig4$p" --protocol smoke
done
check "latent4a: the curve from ghost fig4 --table curve" grep -q 'ghost fig4 --protocol quick --at 0,500 --table curve' latent4a/commands.txt
check "latent4e: DMTS" grep -q 'ghost fig4 --task dmts' latent4e/commands.txt
check "latent4g: four classes at two epochs" test "$(($(wc -l <latent4g/fig4g.csv) - 1))" = $((4 * 38 * 2))

# Bad input: exit 2, one line naming the parameter.
bad "train: --eta and --etas" eta ghost train --eta 1e-10 --etas 1e-11,1e-8,3
bad "train: neither" eta ghost train
bad "train: --etas not lo,hi,count" etas ghost train --etas 1e-11,1e-8
bad "train: --etas hi < lo" etas ghost train --etas 1e-8,1e-11,3
bad "fig4: task" task ghost fig4 --task da
bad "fig4: table" table ghost fig4 --table nope

finish "reproduce ghost training panels"
