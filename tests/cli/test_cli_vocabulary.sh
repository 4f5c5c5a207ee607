#!/usr/bin/env bash
# One vocabulary across every `learndyn` command: each help page ends with one example of that
# very command; integer options show INT; --seed, --threads, --N and --hidden carry one help
# text each; every command that prints a table accepts --json and prints the same bytes as with
# --format json; every option that takes a value states its default; "wrote ..." goes to
# stderr, never into the data or summary on stdout.
# Usage: test_cli_vocabulary.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

subcommands() {  # the names under "Subcommands:" of a help page
  sed -n '/^Subcommands:/,$p' <<<"$1" | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}

run --help
commands=()
for group in $(subcommands "$out"); do
  run "$group" --help
  subs=$(subcommands "$out")
  if [ -z "$subs" ]; then commands+=("$group"); else for s in $subs; do commands+=("$group $s"); done; fi
done
check "every command is listed (at least 24)" test "${#commands[@]}" -ge 24

declare -A help_of
for c in "${commands[@]}"; do
  read -ra words <<<"$c"
  run "${words[@]}" --help
  help="$out"
  check "$c --help exits 0" test "$rc" = 0
  # The footer: "Example:" then one indented line running this very command.
  check "$c: help ends with one example of itself" test "$(tail -n 2 <<<"$help" | head -n 1)" = "Example:"
  check "$c: the example runs learndyn $c" grep -q "^  learndyn $c\( \|$\)" <<<"$(tail -n 1 <<<"$help")"
  for name in seed threads N hidden epochs record-every points batch steps; do
    line=$(grep -E "^  --$name( |$)" <<<"$help")
    [ -n "$line" ] && check "$c: --$name shows INT" grep -q -- "--$name INT" <<<"$line"
  done
  if grep -qE "^  --format " <<<"$help"; then
    check "$c: --format comes with --json" grep -qE "^  --json( |$)" <<<"$help"
  fi
  # Every option that takes a value states its default, except the required ones and those
  # whose absence is the default by nature (files to read or write, a case to export).
  # CLI11 wraps a long option name's text onto the next line: join the two first.
  undefaulted=$(awk '/^  -/ { if (opt != "") print opt; opt = $0; next }
                     /^      / && opt != "" { opt = opt " " $0; next }
                     { if (opt != "") print opt; opt = "" }
                     END { if (opt != "") print opt }' <<<"$help" |
    grep -E -- "--[a-z0-9-]+ (INT|DECIMAL|TEXT|ID)( |$)" | grep -v -e default -e REQUIRED |
    grep -vE -- "^ *(-o,)?--(output|figure|manifest|case|junit|dir) " || true)
  check "$c: every option shows its default${undefaulted:+ (missing: $undefaulted)}" test -z "$undefaulted"
  help_of[$c]="$help"
done

# One help text per shared option.
for name in seed threads N hidden; do
  texts=$(for c in "${commands[@]}"; do grep -E "^  --$name INT" <<<"${help_of[$c]}"; done |
          sed -E "s/^  --$name INT[^ ]* +//; s/,.*//" | sort -u)
  check "--$name has one help text (got: $texts)" test "$(grep -c . <<<"$texts")" -le 1
done

# --json is --format json.
tiny=(ghost rnn-train --N 5 --epochs 3)
run "${tiny[@]}" --format json; a="$out"
run "${tiny[@]}" --json
check "rnn-train --json = --format json" test "$out" = "$a"
run ntk attention-rank --inputs 1 --seeds 0 --attention 2 --mlp 2 --batch 1 --steps 3 --format json; a="$out"
run ntk attention-rank --inputs 1 --seeds 0 --attention 2 --mlp 2 --batch 1 --steps 3 --json
check "attention-rank --json = --format json" test "$out" = "$a"
run ghost scan --points 3 --format json; a="$out"
run ghost scan --points 3 --json
check "ghost scan --json = --format json" test "$out" = "$a"

# "wrote" on stderr only.
run "${tiny[@]}" -o "$scratch/train.csv"
check "-o: exit 0" test "$rc" = 0
check "-o: stdout has the summary" grep -q "final_loss" <<<"$out"
check "-o: no 'wrote' on stdout" bash -c "! grep -q wrote <<<\"\$1\"" _ "$out"
check "-o: 'wrote' on stderr" grep -q "^wrote $scratch/train.csv" <<<"$err"
run ghost figure -o "$scratch/fig.png" --points 20
check "ghost figure: 'wrote' on stderr only" test -z "$out" -a -n "$(grep "^wrote" <<<"$err")"

finish "CLI vocabulary"
