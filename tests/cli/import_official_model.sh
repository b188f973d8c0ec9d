#!/usr/bin/env bash
# `recdiff import` as a user meets it (issue 42): the official ADRec code's
# state_dict (tests/parity/fixtures/adrec_state_dict.pth, 30 items) opens — named with
# --from or recognised by its keys — becomes a checkpoint that evaluates and
# samples; a crafted file that would run code, a file of another kind, a
# dataset of other items and an existing --out are refused with one line,
# writing nothing.
set -u
recdiff="$1"
fixtures="$(dirname "$0")/../parity/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL $*"; exit 1; }
one_line_error() {
  [ "$(grep -c "^recdiff: error: " "$1")" = 1 ] || fail "expected one error line: $(cat "$1")"
  ! grep -q "frame #" "$1" || fail "C++ stack frames in the message: $(cat "$1")"
}

# A dataset over the official ids 1..30, every item used, in shuffled order
# (so that our ids differ from the official ones and the rows must be
# reordered by token).
mkdir -p "$tmp/data"
for user in $(seq 1 40); do
  printf '%s' "$user"
  for k in 0 1 2 3 4 5 6; do printf ' %s' $(((user * 7 + k * 11) % 30 + 1)); done
  printf '\n'
done > "$tmp/data/sequences.txt"

"$recdiff" import --from adrec-official "$fixtures/adrec_state_dict.pth" --data "$tmp/data" --set diffusion_steps=8 \
  --out "$tmp/a.ckpt" > "$tmp/import.out" 2> "$tmp/import.err" || fail "import: $(cat "$tmp/import.err")"
grep -q "^imported [0-9]* tensors of .*adrec_state_dict.pth (adrec-official) into ADRec" "$tmp/import.out" ||
  fail "import report: $(cat "$tmp/import.out")"
grep -q "reference_code=true" "$tmp/import.out" || fail "configuration not reported: $(cat "$tmp/import.out")"
grep -q "dim=16" "$tmp/import.out" || fail "dim not inferred from the item table: $(cat "$tmp/import.out")"
"$recdiff" eval "$tmp/a.ckpt" --data "$tmp/data" --threads 1 > "$tmp/eval.out" 2> "$tmp/eval.err" ||
  fail "eval of the imported model: $(cat "$tmp/eval.err")"
grep -q "NDCG@20" "$tmp/eval.out" || fail "eval printed no metrics: $(cat "$tmp/eval.out")"

# Recognised without --from; --json for scripts.
"$recdiff" import "$fixtures/adrec_state_dict.pth" --data "$tmp/data" --set diffusion_steps=8 --out "$tmp/b.ckpt" --json \
  > "$tmp/auto.json" 2> "$tmp/auto.err" || fail "import without --from: $(cat "$tmp/auto.err")"
grep -q '"model": "adrec"' "$tmp/auto.json" || fail "json: $(cat "$tmp/auto.json")"

# Refusals: each one line, nothing written.
"$recdiff" import --from adrec-official "$fixtures/adrec_state_dict.pth" --data "$tmp/data" --out "$tmp/a.ckpt" \
  > /dev/null 2> "$tmp/exists.err"
[ $? = 2 ] || fail "an existing --out must be a usage error"
grep -q "the file exists" "$tmp/exists.err" || fail "exists: $(cat "$tmp/exists.err")"

"$recdiff" import --from adrec-official "$fixtures/malicious.pth" --data "$tmp/data" --out "$tmp/m.ckpt" \
  > /dev/null 2> "$tmp/evil.err"
[ $? = 1 ] || fail "a crafted pickle must fail"
one_line_error "$tmp/evil.err"
grep -q "refused to load 'posix.system'" "$tmp/evil.err" || fail "evil: $(cat "$tmp/evil.err")"
[ ! -e "$tmp/m.ckpt" ] || fail "a refused import wrote its --out"

"$recdiff" import --from adrec-official "$fixtures/state_dict_sample.pth" --data "$tmp/data" --out "$tmp/s.ckpt" \
  > /dev/null 2> "$tmp/other.err"
[ $? = 1 ] || fail "a state_dict of another model must fail"
one_line_error "$tmp/other.err"
grep -q "missing key 'item_embedding.weight'" "$tmp/other.err" || fail "other: $(cat "$tmp/other.err")"
[ ! -e "$tmp/s.ckpt" ] || fail "a refused import wrote its --out"

printf 'u1 a b c d\nu2 b c d a\n' > "$tmp/words.txt"
"$recdiff" import --from adrec-official "$fixtures/adrec_state_dict.pth" --data "$tmp/words.txt" --out "$tmp/w.ckpt" \
  > /dev/null 2> "$tmp/words.err"
[ $? = 1 ] || fail "a dataset of other item ids must fail: $(cat "$tmp/words.err")"
one_line_error "$tmp/words.err"
grep -q "not one of the official ids 1..30.*--same-ids" "$tmp/words.err" || fail "words: $(cat "$tmp/words.err")"
echo "PASS import_official_model"
