#!/usr/bin/env bash
# What issue 44 found, as a user meets it (cases 3, 4 and 7):
# - hyper-parameters out of their declared ranges (batch_size=0, heads=3 …)
#   end in one clear line naming the parameter and its range, exit 2, with
#   no stack frames, no checkpoint and no stray CKPT.resume;
# - a run whose loss turns NaN stops with exit 1 naming the stage,
#   epoch, batch and loss term, reports no metrics, and an existing
#   checkpoint stays as it was;
# - train --out refuses an existing file unless --force (or --resume).
set -u
recdiff="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $*"; exit 1; }

"$recdiff" dataset synth "$tmp/data" --users 300 > /dev/null || fail "dataset synth"
train=(train "$tmp/data" --epochs 1 --threads 1 --quiet)

# refused SETTING FRAGMENT [MODEL]: training with --set SETTING fails cleanly
# (exit 2, not a signal) with FRAGMENT in its message and writes nothing.
refused() {
  local setting=$1 fragment=$2 model=${3:-sasrec}
  "$recdiff" "${train[@]}" --model "$model" --set "$setting" --out "$tmp/bad.ckpt" > "$tmp/bad.out" 2> "$tmp/bad.err"
  local code=$?
  [ "$code" = 2 ] || fail "--model $model --set $setting: exit $code, expected 2: $(tail -c 300 "$tmp/bad.err")"
  grep -qF -- "$fragment" "$tmp/bad.err" || fail "--set $setting: the message lacks \"$fragment\": $(cat "$tmp/bad.err")"
  [ "$(wc -l < "$tmp/bad.err")" = 1 ] || fail "--set $setting: more than one line: $(cat "$tmp/bad.err")"
  ! grep -q "frame #" "$tmp/bad.err" || fail "--set $setting: C++ stack frames in the message"
  [ ! -e "$tmp/bad.ckpt" ] || fail "--set $setting wrote a checkpoint"
  [ ! -e "$tmp/bad.ckpt.resume" ] || fail "--set $setting left $tmp/bad.ckpt.resume"
}
refused batch_size=0 "--set: parameter 'batch_size' = 0 is out of range: expected an integer in 1..65536"
refused batch_size=-1 "parameter 'batch_size' = -1 is out of range"
refused heads=0 "parameter 'heads' = 0 is out of range: expected an integer in 1..64"
refused heads=3 "heads=3 does not divide dim=64"
refused dim=0 "parameter 'dim' = 0 is out of range: expected an integer in 1..4096"
refused dim=-5 "parameter 'dim' = -5"
refused dim=99999999999 "parameter 'dim' = 99999999999"
refused lr=nan "parameter 'lr' = nan is out of range: expected a finite number in (0, 10]"
refused lr=-1 "parameter 'lr' = -1"
refused lr=1e30 "parameter 'lr' = 1e+30 is out of range"
refused max_length=0 "parameter 'max_length' = 0"
refused interests=0 "parameter 'interests' = 0" adigrec
refused negatives=0 "parameter 'negatives' = 0" adigrec
refused heads=3 "heads=3 does not divide dim=128" diffurec

# `recdiff models` shows the ranges and the rules.
"$recdiff" models sasrec > "$tmp/models.txt" || fail "recdiff models sasrec"
grep -qE "^ +dim .*\(range 1\.\.4096\)" "$tmp/models.txt" || fail "no range for dim: $(cat "$tmp/models.txt")"
grep -qE "^ +lr .*\(range \(0, 10\]\)" "$tmp/models.txt" || fail "no range for lr: $(cat "$tmp/models.txt")"
grep -qF "rule: heads divides dim" "$tmp/models.txt" || fail "no rule shown: $(cat "$tmp/models.txt")"

# A good checkpoint, then no silent overwrite of it.
"$recdiff" "${train[@]}" --model sasrec --set dim=16 --out "$tmp/good.ckpt" > /dev/null 2> "$tmp/good.err" ||
  fail "a good run: $(cat "$tmp/good.err")"
cp "$tmp/good.ckpt" "$tmp/good.copy"
"$recdiff" "${train[@]}" --model comirec --out "$tmp/good.ckpt" > /dev/null 2> "$tmp/again.err"
code=$?
[ "$code" = 2 ] || fail "train --out EXISTING should be refused (exit 2), got $code: $(cat "$tmp/again.err")"
grep -qF -- "--out $tmp/good.ckpt: the file exists" "$tmp/again.err" && grep -qF -- "--force" "$tmp/again.err" ||
  fail "the refusal should name the file and --force: $(cat "$tmp/again.err")"
cmp -s "$tmp/good.ckpt" "$tmp/good.copy" || fail "a refused run changed the existing checkpoint"

# Divergence within the ranges: AdamW with lr x weight_decay = 100 scales the
# weights by -99 at every step, so they overflow and the loss turns NaN. With
# --force onto the good checkpoint, the run fails and that checkpoint stays.
diverging=dim=16,optimizer=adamw,lr=10,weight_decay=10,batch_size=8
"$recdiff" "${train[@]}" --model sasrec --set "$diverging" --out "$tmp/good.ckpt" --force > "$tmp/div.out" 2> "$tmp/div.err"
code=$?
[ "$code" = 1 ] || fail "a diverged run should exit 1, got $code: $(tail -c 300 "$tmp/div.err")"
grep -qE "training diverged in stage 'train', epoch 1, batch [0-9]+ of [0-9]+: loss term '[a-z_]+' is (-?nan|-?inf)" \
  "$tmp/div.err" || fail "the divergence message should name stage, epoch, batch and loss term: $(cat "$tmp/div.err")"
! grep -qiE "HR@|NDCG|100\.000" "$tmp/div.out" || fail "a diverged run reported metrics: $(cat "$tmp/div.out")"
cmp -s "$tmp/good.ckpt" "$tmp/good.copy" || fail "the diverged run overwrote the last good checkpoint"
[ ! -e "$tmp/good.ckpt.resume" ] || fail "the diverged run left a .resume"

# --force replaces it with a run that goes well.
"$recdiff" "${train[@]}" --model comirec --out "$tmp/good.ckpt" --force > /dev/null 2> "$tmp/force.err" ||
  fail "--force: $(cat "$tmp/force.err")"
! cmp -s "$tmp/good.ckpt" "$tmp/good.copy" || fail "--force did not replace the checkpoint"
echo "bad settings, divergence and overwrites fail cleanly"
