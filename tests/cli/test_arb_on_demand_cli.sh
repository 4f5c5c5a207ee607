#!/usr/bin/env bash
# Arb loaded on demand (common/arb_library.hpp, proofs/common.md C27, C30): the learndyn binary
# does not need Arb's libraries to start; a command that computes no enclosure runs without them;
# one that does, when Arb cannot be loaded, fails in one line naming the library and the package.
# LEARNDYN_ARB_LIBRARY names the file the loader opens instead of Arb's (here a missing one).
# ~1 s.
source "$(dirname "$0")/harness.sh"

# The libraries the binary needs (DT_NEEDED): none of the Arb stack.
if command -v readelf >/dev/null; then
  needed=$(readelf -d "$bin" | grep NEEDED)
  check "readelf lists the binary's libraries" grep -q 'libc\.so' <<<"$needed"
  for lib in libflint-arb libflint libntl libgf2x libmpfr libgmp; do
    check "the binary does not need $lib" bash -c "! grep -q '\[$lib\.so' <<<\"\$1\"" _ "$needed"
  done
else
  echo "SKIPPED: readelf (binutils) not found: the binary's DT_NEEDED entries are not checked"
fi

missing=libflint-arb-missing.so.0
# A command without enclosures never loads Arb: it runs with the library missing.
LEARNDYN_ARB_LIBRARY=$missing run ntk metrics --model gru --hidden 8 --inputs 3 --batch 4 --steps 3 \
  --estimator exact --json
check "ntk metrics runs without Arb: exit 0" test "$rc" = 0
check "ntk metrics runs without Arb: JSON on stdout" python3 -c 'import json, sys; json.loads(sys.argv[1])' "$out"

# An enclosure without Arb: exit 1, nothing on stdout, one line naming the file and the package.
LEARNDYN_ARB_LIBRARY=$missing run oracle show --case 'ghost.critical_rate.T=10.Tr=10.normalise=none'
check "oracle show without Arb: exit 1" test "$rc" = 1
check "oracle show without Arb: no stdout" test -z "$out"
check "oracle show without Arb: one line" test "$(wc -l <<<"$err")" = 1
check "oracle show without Arb: learndyn: failed:" grep -q '^learndyn: failed: the enclosures need Arb' <<<"$err"
check "oracle show without Arb: names the library" grep -qF "$missing" <<<"$err"
check "oracle show without Arb: names the package" grep -qF 'apt-get install libflint-arb2' <<<"$err"
# oracle generate writes nothing half-made.
LEARNDYN_ARB_LIBRARY=$missing run oracle generate -o "$scratch/golden.json"
check "oracle generate without Arb: exit 1" test "$rc" = 1
check "oracle generate without Arb: no file" test ! -e "$scratch/golden.json"

# The same enclosure with Arb: it loads on demand and computes.
run oracle show --case 'ghost.critical_rate.T=10.Tr=10.normalise=none'
check "oracle show with Arb: exit 0" test "$rc" = 0
check "oracle show with Arb: an enclosure" grep -q 'enclosure_by_quantity' <<<"$out"

finish "arb on demand"
