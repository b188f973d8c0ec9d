#!/usr/bin/env bash
# Ctrl+C and going on, as a user does it. An interrupted `recdiff train`
# exits 130, keeps CKPT.resume and says how to continue; `--resume` then ends
# with the uninterrupted run's test metrics to the last digit. The same for
# `recdiff compare --work-dir`: given again, the command keeps the finished
# seed, resumes the interrupted one and prints the uninterrupted table.
set -u
recdiff="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $*"; exit 1; }

"$recdiff" dataset synth "$tmp/data" --users 3000 --items 500 --seed 3 > /dev/null || fail "dataset synth"

# interrupt_after PATTERN LOG COMMAND...: runs COMMAND (stdout to LOG.out,
# stderr to LOG), sends it SIGINT once LOG shows PATTERN, returns its status.
interrupt_after() {
  local pattern=$1 log=$2
  shift 2
  "$@" > "$log.out" 2> "$log" &
  local pid=$!
  for _ in $(seq 1 1200); do
    grep -q "$pattern" "$log" && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  kill -INT "$pid" 2> /dev/null
  wait "$pid"
}
test_block() { sed -n '/"test": {/,/}/p' "$1"; }

# --- recdiff train --resume ----------------------------------------------------
train=(train "$tmp/data" --model sasrec --set dim=32,patience=100 --epochs 8 --threads 1 --seed 5 --quiet --json)
"$recdiff" "${train[@]}" --out "$tmp/straight.ckpt" > "$tmp/straight.json" 2> "$tmp/straight.err" ||
  fail "uninterrupted train: $(cat "$tmp/straight.err")"
[ ! -e "$tmp/straight.ckpt.resume" ] || fail "a finished run left its state behind"

interrupt_after "train epoch 2:" "$tmp/cut.err" "$recdiff" "${train[@]}" --out "$tmp/cut.ckpt"
code=$?
[ "$code" = 130 ] || fail "an interrupted train should exit 130, got $code: $(cat "$tmp/cut.err")"
[ -e "$tmp/cut.ckpt.resume" ] || fail "the interrupted run kept no state"
grep -q -- "--resume $tmp/cut.ckpt.resume" "$tmp/cut.err" || fail "no hint how to continue: $(cat "$tmp/cut.err")"

"$recdiff" train "$tmp/data" --resume "$tmp/cut.ckpt.resume" --seed 6 > /dev/null 2> "$tmp/usage.err"
[ $? = 2 ] && grep -q -- "--seed" "$tmp/usage.err" || fail "--resume with --seed should be a usage error naming it"

"$recdiff" train "$tmp/data" --resume "$tmp/cut.ckpt.resume" --threads 1 --quiet --json > "$tmp/resumed.json" \
  2> "$tmp/resumed.err" || fail "resume: $(cat "$tmp/resumed.err")"
grep -q "resuming at train epoch" "$tmp/resumed.err" || fail "no resume notice: $(cat "$tmp/resumed.err")"
[ ! -e "$tmp/cut.ckpt.resume" ] || fail "the resumed run left its state behind"
[ -n "$(test_block "$tmp/straight.json")" ] || fail "no test metrics in $(cat "$tmp/straight.json")"
[ "$(test_block "$tmp/straight.json")" = "$(test_block "$tmp/resumed.json")" ] ||
  fail "resumed test metrics differ: $(test_block "$tmp/resumed.json") vs $(test_block "$tmp/straight.json")"

# --- recdiff compare --work-dir -------------------------------------------------
compare=(compare "$tmp/data" --models sasrec:dim=16 --seeds 1,2 --epochs 6 --threads 1)
"$recdiff" "${compare[@]}" > "$tmp/table.txt" 2> "$tmp/table.err" || fail "compare: $(cat "$tmp/table.err")"

interrupt_after "seed 2 train epoch 2:" "$tmp/wcut.err" "$recdiff" "${compare[@]}" --work-dir "$tmp/work"
code=$?
[ "$code" = 130 ] || fail "an interrupted compare should exit 130, got $code: $(tail -3 "$tmp/wcut.err")"
[ -e "$tmp/work/sasrec_dim=16-seed1.json" ] || fail "the finished seed was not kept: $(ls "$tmp/work")"
[ -e "$tmp/work/sasrec_dim=16-seed2.resume" ] || fail "the interrupted seed kept no state: $(ls "$tmp/work")"

"$recdiff" "${compare[@]}" --work-dir "$tmp/work" > "$tmp/wtable.txt" 2> "$tmp/wtable.err" ||
  fail "continued compare: $(tail -3 "$tmp/wtable.err")"
grep -q "seed 1: finished earlier, kept from" "$tmp/wtable.err" || fail "seed 1 was not kept"
grep -q "seed 2: continuing the interrupted run" "$tmp/wtable.err" || fail "seed 2 did not resume"
cmp -s "$tmp/table.txt" "$tmp/wtable.txt" ||
  fail "the continued comparison differs: $(cat "$tmp/wtable.txt") vs $(cat "$tmp/table.txt")"

"$recdiff" compare "$tmp/data" --models sasrec:dim=16 --seeds 1 --epochs 5 --threads 1 --work-dir "$tmp/work" \
  > /dev/null 2> "$tmp/other.err"
[ $? != 0 ] && grep -q "a finished run with other settings" "$tmp/other.err" ||
  fail "a kept run of other settings should be refused: $(cat "$tmp/other.err")"
echo "train --resume and compare --work-dir continue interrupted runs exactly"
