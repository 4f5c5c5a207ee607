#!/usr/bin/env bash
# Sweeps across machines (docs/cluster.md, proofs/common.md C13-C15): each sweep command run as
# 3 shards in parallel background processes, `learndyn merge` of the parts, and `cmp` against
# the unsharded run (CSV and stdout, JSON, the figure); then the bad parts and bad --shard
# values: exit 2, one line naming what is wrong, nothing written. ~5 s.
# Usage: test_shard_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")  # the parts are written in the scratch folder
cd "$scratch" || exit 1

sweep=(ghost rnn-sweep --ranks 1,2 --seeds 2 --rates 1e-3,1e-1,3 --epochs 20)
nscaling=(overlaps nscaling --N 20,40 --seeds 2 --epochs 3 --record-every 1 --batch 2 --t-max 2 --init random)
gain=(ntk gain-sweep --hidden 4 --steps 5 --inputs 3 --batch 4 --eval-batch 2 --train-steps 2 --gains 0.5,1.5
      --input-ranks 1,2 --sketch 4 --residual 4)
attention=(ntk attention-rank --inputs 1,2 --seeds 0,1 --attention 4 --mlp 8 --batch 2 --steps 5)
memory=(ntk memory-pro --hidden 4 --period 3 --batch 4 --iterations 4 --record-every 2 --eval-batch 2 --sketch 4
        --residual 4 --probes 4)

# sharded NAME ARGS...: the unsharded run (CSV + stdout, JSON), 3 shards at once, the merges.
sharded() {
  local name="$1"; shift
  "$bin" "$@" -o "$name.csv" >"$name.stdout" 2>/dev/null
  "$bin" "$@" --json -o "$name.json" >/dev/null 2>&1
  local pids=() k
  for k in 0 1 2; do
    "$bin" "$@" --shard "$k/3" -o "$name.part$k.json" 2>/dev/null &
    pids+=($!)
  done
  local failed_shards=0
  for k in "${pids[@]}"; do wait "$k" || failed_shards=1; done
  check "$name: 3 shards exit 0" test "$failed_shards" = 0
  # Parts in any order.
  "$bin" merge "$name.part2.json" "$name.part0.json" "$name.part1.json" -o "$name.merged.csv" \
    >"$name.merged.stdout" 2>/dev/null
  check "$name: merged CSV = unsharded CSV" cmp -s "$name.csv" "$name.merged.csv"
  check "$name: merged stdout (summary) = unsharded" cmp -s "$name.stdout" "$name.merged.stdout"
  "$bin" merge "$name".part*.json --json -o "$name.merged.json" >/dev/null 2>&1
  check "$name: merged JSON = unsharded JSON" cmp -s "$name.json" "$name.merged.json"
}
sharded sweep "${sweep[@]}"
sharded nscaling "${nscaling[@]}"
sharded gain "${gain[@]}"
sharded attention "${attention[@]}"
sharded memory "${memory[@]}"

# Other shapes of the same sweep: 1 shard, more shards than items (empty parts), stdout.
run "${sweep[@]}" --shard 0/1; printf '%s\n' "$out" >one.json
"$bin" merge one.json -o one.csv >/dev/null 2>&1
check "1 shard: merge = unsharded" cmp -s sweep.csv one.csv
for k in $(seq 0 12); do "$bin" "${sweep[@]}" --shard "$k/13" -o "many$k.json" 2>/dev/null & done
wait
"$bin" merge many*.json -o many.csv >/dev/null 2>&1
check "13 shards of 12 items: merge = unsharded" cmp -s sweep.csv many.csv
# The canonical arguments: --x=v and --x v, in any order, are one sweep.
"$bin" ghost rnn-sweep --epochs=20 --rates=1e-3,1e-1,3 --seeds 2 --ranks 1,2 --threads 1 --shard 1/3 -o reordered1.json \
  2>/dev/null
"$bin" merge sweep.part0.json reordered1.json sweep.part2.json -o reordered.csv >/dev/null 2>&1
check "reordered options and --threads: one sweep" cmp -s sweep.csv reordered.csv
if command -v gnuplot >/dev/null; then
  "$bin" "${sweep[@]}" -o fig.csv --figure full.png >/dev/null 2>&1
  "$bin" merge sweep.part*.json -o fig.csv --figure merged.png >/dev/null 2>&1
  check "merged figure = unsharded figure (gnuplot is deterministic)" cmp -s full.png merged.png
fi

# --- bad --shard -----------------------------------------------------------------------------
bad "shard k = n" shard "${sweep[@]}" --shard 3/3
bad "shard k > n" shard "${sweep[@]}" --shard 5/3
bad "shard n = 0" shard "${sweep[@]}" --shard 0/0
bad "shard without n" shard "${sweep[@]}" --shard 1
bad "shard negative" shard "${sweep[@]}" --shard -1/3
bad "shard with a figure" figure "${sweep[@]}" --shard 0/3 --figure x.png
bad "shard with --table" table "${nscaling[@]}" --shard 0/3 --table fits

# --- bad parts: exit 2, one line naming the fault, nothing written ------------------------------
bad_merge() {  # bad_merge NAME TEXT PARTS...
  local name="$1" text="$2"; shift 2
  rm -f out.csv
  bad "$name" "$text" merge "$@" -o out.csv
  check "$name: nothing written" test ! -e out.csv
}
p=(sweep.part0.json sweep.part1.json sweep.part2.json)
bad_merge "missing shard" "shard 2/3 is missing" "${p[0]}" "${p[1]}"
bad_merge "duplicated part" "shard 1/3 again" "${p[@]}" "${p[1]}"
"$bin" ghost rnn-sweep --ranks 1,2 --seeds 2 --rates 1e-3,1e-1,3 --epochs 21 --shard 1/3 -o other1.json 2>/dev/null
bad_merge "parts of different sweeps" 'other1.json:$.arguments' "${p[0]}" other1.json "${p[2]}"
bad_merge "parts of different commands" 'gain.part1.json:$.command' "${p[0]}" gain.part1.json "${p[2]}"
"$bin" "${sweep[@]}" --shard 1/4 -o four1.json 2>/dev/null
bad_merge "parts of different n" 'four1.json:$.shard.count' "${p[0]}" four1.json "${p[2]}"
head -c 100 "${p[0]}" >cut.json
bad_merge "truncated JSON" "cut.json: parse error" cut.json "${p[1]}" "${p[2]}"
{ cat "${p[0]}"; echo x; } >trailing.json
bad_merge "trailing bytes" "trailing.json: parse error" trailing.json "${p[1]}" "${p[2]}"
sed 's/"version": 1,/"version": 1, "version": 1,/' "${p[0]}" >dup.json
bad_merge "duplicate key" 'dup.json:$.version: duplicate key' dup.json "${p[1]}" "${p[2]}"
sed 's/"0x0p+0"/0/' "${p[0]}" >type.json
bad_merge "a number for a hex float" 'type.json:$.results\[0\].values.epochs\[0\]' type.json "${p[1]}" "${p[2]}"
sed 's/"0x0p+0"/"0"/' "${p[0]}" >decimal.json
bad_merge "a decimal for a hex float" 'decimal.json:$.results\[0\].values.epochs\[0\]' decimal.json "${p[1]}" "${p[2]}"
sed 's/"item":3,/"item":4,/' "${p[0]}" >item.json
bad_merge "an item of another shard" 'item.json:$.results\[1\].item' item.json "${p[1]}" "${p[2]}"
sed 's/"final_loss"/"final_lost"/' "${p[0]}" >key.json
bad_merge "a missing value" 'key.json:$.results\[0\].values: missing "final_loss"' key.json "${p[1]}" "${p[2]}"
sed 's/seed 0"/seed 9"/' "${p[0]}" >id.json
bad_merge "an item id not of this sweep" 'id.json:$.results\[0\].id' id.json "${p[1]}" "${p[2]}"
echo '{}' >empty.json
bad_merge "not a part" 'empty.json:$: missing' empty.json
bad_merge "no such part" "none.json" none.json

finish "shard cli"
