#!/usr/bin/env bash
# The second bad-input audit, as a new user meets it: sizes whose memory cannot be had are
# refused up front naming the size option (and the estimate is within 2x of the measured peak),
# running out of memory anyway is one line and exit 1, long runs announce their work and report
# progress on stderr while short ones stay quiet, a diverging run names the option that caused
# it, empty paths are refused, figures take any printable path, -o writes through a symbolic
# link, `oracle generate` finds an unwritable output before computing, and golden names that
# would break the checker's table are refused on one line.
# Usage: test_audit_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# --- memory refused up front, naming the size option -----------------------------------------
bad "scan: 10^7 points as JSON (was an abort)" "invalid points" ghost scan --points 10000000 --format json
bad "train --reference: 10^8 epochs" "invalid epochs" ghost train --eta 0.1 --reference --epochs 100000000
bad "train: 10^6 runs of 100 epochs (~34 GB)" "invalid runs" ghost train --eta 0.1 --runs 1000000 --epochs 100
# The ghost-paper RNNs: BPTT keeps every state of every trial (fast::ghost::run_memory_bytes).
bad "rnn-train: DCD, N 4096, 10^4 trials per class (~75 GB)" "invalid trials" ghost rnn-train --task dcd --N 4096 --rank 0 --trials 10000 --epochs 1
bad "rnn-slow-points: the same network" "invalid trials" ghost rnn-slow-points --task dcd --N 4096 --rank 0 --trials 10000 --at 0
bad "rnn-sweep: 256 full-rank N = 4096 runs at once (~170 GB)" "invalid threads" ghost rnn-sweep --N 4096 --ranks 0 --threads 256 --rates 1e-3,1e-2,30 --seeds 10 --epochs 1
bad "filter: N = T = 10^7 at rank 8" "invalid T" overlaps filter --N 10000000 --T 10000000 --rank 8 --epochs 1 --rounding-control off
# The rounding control (E25) doubles the network, which then is the largest term.
bad "filter: the same with the rounding control" "invalid N" overlaps filter --N 10000000 --T 10000000 --rank 8 --epochs 1
bad "filter: a table of 10^8 epochs" "invalid epochs" overlaps filter --epochs 100000000 --record-every 1
bad "aba: N = 10^6 (an N x N charge of 8 TB; was out of memory at the end)" "invalid N" overlaps aba --N 1000000 --T 10 --phases A:1
check "the refusal states the estimate" grep -q "estimated working memory" <<<"$err"
# The estimate against the measured peak resident memory: within a factor 2 either way. The
# estimate is what a refusal states under LEARNDYN_MEMORY_BUDGET=1. These and the ulimit -v
# checks are not in the sanitizer stage (LEARNDYN_CLI_QUICK=1): the sanitizers reserve address
# space and their shadow memory is not the program's.
within_2x() {  # within_2x ARGS...: the estimate of the command is within 2x of its peak RSS
  python3 - "$bin" "$@" <<'EOF'
import os, re, resource, subprocess, sys
command = sys.argv[1:]
refused = subprocess.run(command, env=dict(os.environ, LEARNDYN_MEMORY_BUDGET="1"),
                         capture_output=True, text=True)
m = re.search(r"estimated working memory \(([0-9.e+]+) (GB|MB)\)", refused.stderr)
if not m:
    sys.exit("no estimate in: " + refused.stderr)
estimate = float(m.group(1)) * (1e9 if m.group(2) == "GB" else 1e6)
subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024.0
print(f"{' '.join(command[1:])}: estimate {estimate / 1e6:.0f} MB, peak {peak / 1e6:.0f} MB",
      file=sys.stderr)
sys.exit(0 if peak / 2 <= estimate <= 2 * peak else 1)
EOF
}
# An address-space limit lowers the budget: the refusal comes before any allocation.
if [ -z "${LEARNDYN_CLI_QUICK:-}" ]; then
  run_limited() {  # run_limited KILOBYTES ARGS...
    local limit="$1"; shift
    (ulimit -v "$limit"; "$bin" "$@") >"$scratch/out" 2>"$scratch/err"; rc=$?
    out=$(cat "$scratch/out"); err=$(cat "$scratch/err")
  }
  run_limited 400000 ghost scan --points 1000000 --format json
  check "scan under ulimit -v: exit 2" test "$rc" = 2
  check "scan under ulimit -v: names points" grep -q "invalid points" <<<"$err"
  check "scan under ulimit -v: one line" test "$(wc -l <<<"$err")" = 1
  # Out of memory all the same (a size the estimates do not cover): one line, exit 1, no abort.
  run_limited 400000 ghost figure --points 1000000 -o "$scratch/oom.png"
  check "std::bad_alloc: exit 1" test "$rc" = 1
  check "std::bad_alloc: one line" test "$(wc -l <<<"$err")" = 1
  check "std::bad_alloc: says out of memory" grep -q "out of memory" <<<"$err"
  # 256 threads cannot all start in 1.2 GB of address space (8 MB of stack each): the sweep
  # works short-handed and prints the single-thread bytes (it aborted in ~vector<thread>).
  "$bin" ghost rnn-sweep --N 8 --ranks 1 --threads 1 --rates 1e-3,1e-2,30 --seeds 10 --epochs 3 >"$scratch/sweep1.csv"
  run_limited 1200000 ghost rnn-sweep --N 8 --ranks 1 --threads 256 --rates 1e-3,1e-2,30 --seeds 10 --epochs 3
  check "rnn-sweep with threads that cannot start: exit 0" test "$rc" = 0
  check "rnn-sweep with threads that cannot start: the single-thread bytes" test "$out" = "$(cat "$scratch/sweep1.csv")"
  # The same for the overlap network's team: it aborted ("terminate called without an active
  # exception"), then, with the team sized after the threads start, its workers found no memory
  # left beside 256 stacks; the team is now at most one thread per core, and starts short-handed
  # when even those cannot start.
  "$bin" overlaps filter --N 200000 --T 50 --epochs 3 --threads 1 >"$scratch/filter1.csv"
  run_limited 1200000 overlaps filter --N 200000 --T 50 --epochs 3 --threads 256
  check "filter with threads that cannot start: exit 0" test "$rc" = 0
  check "filter with threads that cannot start: the single-thread bytes" test "$out" = "$(cat "$scratch/filter1.csv")"
  run_limited 400000 overlaps filter --N 10000000 --T 20 --dt 0.1 --epochs 1 --threads 1
  check "filter under ulimit -v: exit 2" test "$rc" = 2
  check "filter under ulimit -v: names N" grep -q "invalid N" <<<"$err"
  check "filter N-bound: estimate within 2x of the peak" within_2x overlaps filter --N 4000000 --T 10 --epochs 2
  check "filter T-bound: estimate within 2x of the peak" within_2x overlaps filter --N 1000 --T 1000000 --epochs 1
  check "filter table-bound: estimate within 2x of the peak" within_2x overlaps filter --N 100 --T 100 --epochs 30000 --record-every 1 --format json
  check "aba N-bound (the N x N charge): estimate within 2x of the peak" within_2x overlaps aba --N 4000 --T 10 --phases A:1
  check "aba T-bound: estimate within 2x of the peak" within_2x overlaps aba --N 100 --T 400000 --phases A:1
  check "scan CSV: estimate within 2x of the peak" within_2x ghost scan --points 1000000
  check "scan JSON: estimate within 2x of the peak" within_2x ghost scan --points 300000 --format json
  check "rnn-train trial-bound: estimate within 2x of the peak" within_2x ghost rnn-train --task dcd --N 1024 --rank 0 --trials 200 --epochs 1
  check "rnn-train weight-bound: estimate within 2x of the peak" within_2x ghost rnn-train --N 2048 --rank 0 --epochs 1
  check "rnn-sweep: estimate within 2x of the peak" within_2x ghost rnn-sweep --N 1024 --ranks 0 --threads 2 --rates 1e-3,1e-2,4 --seeds 2 --epochs 1
  check "train CSV: estimate within 2x of the peak" within_2x ghost train --eta 0.1 --runs 1000 --epochs 999
  check "train JSON: estimate within 2x of the peak" within_2x ghost train --eta 0.1 --runs 300 --epochs 999 --format json
  check "train --reference: estimate within 2x of the peak" within_2x ghost train --eta 0.1 --reference --epochs 200000 --record-every 100
  check "equivalent N x T-bound (the state noise): estimate within 2x of the peak" within_2x overlaps equivalent --N 20000 --T 2000 --epochs 1
  check "equivalent N-bound: estimate within 2x of the peak" within_2x overlaps equivalent --N 2000000 --T 10 --epochs 1
  check "nscaling N-bound, 2 runs at once: estimate within 2x of the peak" within_2x overlaps nscaling --N 1000000,500000 --seeds 1 --epochs 1 --threads 2 --t-max 0.2
  check "nscaling batch-bound: estimate within 2x of the peak" within_2x overlaps nscaling --N 10,20 --seeds 1 --epochs 1 --batch 2000 --threads 2
  check "flipflop N-bound: estimate within 2x of the peak" within_2x overlaps flipflop --N 1000000 --epochs 1 --t-max 0.2 --batch 1 --init random --trace-t-max 0.2
  check "flipflop trace-bound: estimate within 2x of the peak" within_2x overlaps flipflop --N 16 --epochs 1 --t-max 0.2 --batch 1 --init random --trace-t-max 20000
  check "memory table-bound: estimate within 2x of the peak" within_2x overlaps memory --pairs 50 --epochs-ab 2000 --epochs-c 2000 --record-every 1 --splits 2
  check "memory batch-bound: estimate within 2x of the peak" within_2x overlaps memory --pairs 2 --batch 10000 --epochs-ab 1 --epochs-c 1 --threads 2 --splits 2 --train-pairs 1 --test-pairs 1
  check "audit T-bound (the 50-digit BPTT's states): estimate within 2x of the peak" within_2x overlaps audit --N 100 --T 20000 --epochs 1
  check "memory-pro training-bound: estimate within 2x of the peak" within_2x ntk memory-pro --hidden 32 --batch 1000 --period 10 --iterations 1 --eval-batch 8
  check "memory-pro measurement-bound: estimate within 2x of the peak" within_2x ntk memory-pro --hidden 128 --batch 8 --period 10 --iterations 0 --eval-batch 32
  check "gain-sweep: estimate within 2x of the peak" within_2x ntk gain-sweep --hidden 32 --steps 30 --batch 1000 --train-steps 1 --eval-batch 8 --gains 1 --input-ranks 1
  # The NTK metrics (experiments/ntk/metrics_memory.hpp): each term of the estimate dominant once.
  check "ntk GRU states-bound (Hutch++): estimate within 2x of the peak" within_2x ntk metrics --hidden 64 --batch 32 --steps 64
  check "ntk GRU parameter-bound: estimate within 2x of the peak" within_2x ntk metrics --hidden 1024 --batch 2 --steps 8 --estimator hutchinson --probes 32
  check "ntk GRU input-bound: estimate within 2x of the peak" within_2x ntk metrics --hidden 4 --batch 16 --steps 512 --inputs 1024 --estimator hutchinson --probes 8
  check "ntk exact: estimate within 2x of the peak" within_2x ntk metrics --hidden 8 --batch 4 --steps 40 --estimator exact
  check "ntk attention (Hutch++): estimate within 2x of the peak" within_2x ntk metrics --model attention --batch 32 --steps 64
  check "ntk attention softmax-bound: estimate within 2x of the peak" within_2x ntk metrics --model attention --batch 2 --steps 2048 --estimator hutchinson --probes 8
  check "ntk attention float32 (Hutch++): estimate within 2x of the peak" within_2x ntk metrics --model attention --batch 32 --steps 64 --precision float32
  check "ntk attention float32 softmax-bound: estimate within 2x of the peak" within_2x ntk metrics --model attention --batch 2 --steps 2048 --estimator hutchinson --probes 8 --precision float32
  check "attention-rank: estimate within 2x of the peak" within_2x ntk attention-rank --inputs 4 --seeds 0 --batch 8 --steps 256
fi
# Attention at the largest allowed B T D: ~200 GB, refused at once naming batch (it ended in
# std::bad_alloc after ~45 s); the softmax weights' B T^2 name steps.
bad "ntk attention at B T D = 3.4e7" "invalid batch" ntk metrics --model attention --batch 20000 --steps 50 --mlp 1
check "the refusal states the estimate" grep -q "estimated working memory" <<<"$err"
bad "attention-rank at B T D = 4e7" "invalid batch" ntk attention-rank --batch 10000 --steps 40 --mlp 4000 --attention 1
bad "ntk GRU of hidden 4096 at 64 probes" "invalid hidden" ntk metrics --hidden 4096 --batch 1 --steps 2
# At the hard caps (B T n = 2.5e7 training states, 1e6 measured states: ~8 GB) under a 4 GB budget.
LEARNDYN_MEMORY_BUDGET=4e9 bad "memory-pro at its state caps" "invalid eval-batch" ntk memory-pro --hidden 256 --batch 1000 --period 30 --iterations 1 --eval-batch 40
bad "memory: 10^8 recorded epochs of 10^5 pairs" "invalid epochs-ab" overlaps memory --pairs 100000 --epochs-ab 100000000 --record-every 1
bad "equivalent at N = T = 10^7 (an N x T state noise of 800 TB; was out of memory)" "invalid N" overlaps equivalent --N 10000000 --T 10000000 --epochs 1
bad "nscaling: 10^4 seeds of N = 10^7 on 256 threads" "invalid N" overlaps nscaling --N 10000000,20 --seeds 10000 --threads 256 --epochs 1

# --- long runs: the work up front, progress on stderr; short runs quiet ----------------------
run overlaps filter --epochs 20
check "short filter: exit 0" test "$rc" = 0
check "short filter: nothing on stderr" test -z "$err"
# until_stderr PATTERN COMMAND...: runs a long command in the background until PATTERN shows on
# its stderr ($scratch/err), it exits, or 60 s pass, then stops it. The progress rules are in
# seconds of the run's own time, so a loaded CI machine takes longer to show them: the wait
# is for the line, not for a fixed time.
until_stderr() {
  local pattern="$1"; shift
  "$bin" "$@" >"$scratch/out" 2>"$scratch/err" &
  local pid=$!
  for _ in $(seq 300); do
    grep -q -- "$pattern" "$scratch/err" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
}
# 10^14 neuron-steps (~0.5 s an epoch): announced at once, then progress every few seconds.
until_stderr "overlaps filter: epoch [0-9]* of 1e+06, about" overlaps filter --N 100000 --T 1000 --epochs 1000000
check "long filter: the work announced" grep -q "overlaps filter: N T epochs = 1e+14 neuron-steps" "$scratch/err"
check "long filter: an estimated duration" grep -q "estimated" "$scratch/err"
check "long filter: progress after a few seconds" grep -q "overlaps filter: epoch [0-9]* of 1e+06, about" "$scratch/err"
# The full-space search at N = 4096, every visited state a start (~45 min each): announced
# before the first search (after the start is drawn and simulated: 3-5 s of CPU on a loaded
# 2-core machine); at N = 256 (~0.7 s a start) its starts are reported after 3 s.
until_stderr "Newton searches" ghost rnn-slow-points --N 4096 --rank 0 --at 0 --stride 1
check "long slow-point search: the work announced before the first search" grep -q "ghost rnn-slow-points: epoch 0: 41 Newton searches in N = 4096 dimensions, estimated [0-9.]* h" "$scratch/err"
until_stderr "Newton start [0-9]* of 41, about" ghost rnn-slow-points --N 256 --rank 0 --at 0 --stride 1
check "slow-point search: progress after a few seconds" grep -q "ghost rnn-slow-points: Newton start [0-9]* of 41, about" "$scratch/err"
run ghost rnn-slow-points --N 32 --rank 0 --at 0,10 --stride 4
check "short slow-point search: nothing on stderr" test -z "$err"

# --- a diverging run names the option that caused it ------------------------------------------
bad "filter: amplitude 1e308 names amplitude (blamed lr)" "invalid amplitude" overlaps filter --amplitude 1e308 --epochs 5
bad "nscaling: lr 1e308 names lr (blamed sigma)" "invalid lr " overlaps nscaling --lr 1e308 --N 4,8 --seeds 1 --epochs 5
bad "memory: lr-c 1e308 exits 2 naming lr-c (was exit 1)" "invalid lr-c" overlaps memory --lr-c 1e308 --epochs-ab 5 --epochs-c 5

# --- paths --------------------------------------------------------------------------------
bad "filter -o ''" "output" overlaps filter --epochs 5 -o ""
bad "filter --figure ''" "figure" overlaps filter --epochs 5 --figure ""
bad "aba --phases ''" "phases" overlaps aba --phases "" --N 8 --T 10
bad "nscaling -o ''" "output" overlaps nscaling -o ""
if command -v gnuplot >/dev/null; then
  run overlaps filter --epochs 5 -o "$scratch/it's.csv" --figure "$scratch/it's.png"
  check "a figure path with an apostrophe: exit 0" test "$rc" = 0
  check "a figure path with an apostrophe: the PNG" test -s "$scratch/it's.png"
  check "a figure path with an apostrophe: no partial file" test ! -e "$scratch/it's.png.partial.png"
  bad "a figure path with a newline" "figure" overlaps filter --epochs 5 --figure "$scratch/a
b.png"
fi
# -o through a symbolic link: the link stays, its target gets the data.
mkdir -p "$scratch/data"
echo old >"$scratch/data/target.csv"
ln -s data/target.csv "$scratch/link.csv"
run overlaps filter --epochs 5 -o "$scratch/link.csv"
check "-o a symlink: exit 0" test "$rc" = 0
check "-o a symlink: still a link" test -L "$scratch/link.csv"
check "-o a symlink: the target written" grep -q "^epoch," "$scratch/data/target.csv"
check "-o a symlink: no partial file left" test -z "$(find "$scratch" -name '*.partial*')"
ln -s data/new.csv "$scratch/dangling.csv"
run overlaps filter --epochs 5 -o "$scratch/dangling.csv"
check "-o a dangling symlink: creates its target" grep -q "^epoch," "$scratch/data/new.csv"
check "-o a dangling symlink: still a link" test -L "$scratch/dangling.csv"

# `oracle generate` opens its output before computing the suite: under a 2 s CPU limit (the
# default suite takes ~6 s) an unwritable path is still reported, not killed by the limit.
(ulimit -t 2; "$bin" oracle generate -o "$scratch/missing/golden.json") >"$scratch/out" 2>"$scratch/err"; rc=$?
check "generate to a missing folder: exit 1" test "$rc" = 1
check "generate to a missing folder: one line" test "$(wc -l <"$scratch/err")" = 1
check "generate to a missing folder: names the path" grep -q "cannot write .*missing/golden.json" "$scratch/err"

# --- golden names the checker prints must not break its table -------------------------------
python3 - "$scratch/golden.json" <<'EOF'
import json, sys
case = {"id": "a.b", "area": "ghost", "description": "", "inputs": {}, "command": "",
        "values": {"gr\nad": {"value": "1.5", "certified_digits": 10}}}
json.dump({"schema": "learndyn-golden/1", "learndyn_version": "0", "suite": "default", "command": "",
           "precision": {"digits_written": 20, "working_digits": 50, "certifying_digits": 100},
           "cases": [case]}, open(sys.argv[1], "w"))
EOF
printf 'case,quantity,value\na.b,grad,1.5\n' >"$scratch/mine.csv"
bad "golden quantity with a newline" "golden.json:\$.cases\[0\].values\[\"gr\\\\nad\"\]" oracle check "$scratch/golden.json" "$scratch/mine.csv"

finish "audit CLI"
