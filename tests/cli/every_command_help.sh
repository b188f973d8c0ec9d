#!/usr/bin/env bash
# Every `recdiff` command builds its option parser (a duplicate declaration
# throws there) and prints its --help with exit status 0; a bad invocation
# exits 2 with a one-line reason, found before any data is read.
set -u
recdiff="$1"
status=0
# The overview lists "  NAME<two or more spaces>summary"; a NAME may be two words.
commands=$("$recdiff" --help | awk -F'  +' '/^Commands:/{on=1; next} on && /^  [a-z]/{print $2}')
[ -n "$commands" ] || { echo "FAIL no commands listed"; exit 1; }
count=0
while IFS= read -r c; do
  count=$((count + 1))
  # shellcheck disable=SC2086
  if ! out=$("$recdiff" $c --help 2>&1); then
    echo "FAIL recdiff $c --help: $out"
    status=1
  fi
done <<< "$commands"
"$recdiff" train --no-such-option >/dev/null 2>/tmp/recdiff-usage.$$; code=$?
if [ "$code" != 2 ] || [ "$(wc -l < /tmp/recdiff-usage.$$)" != 1 ]; then
  echo "FAIL a bad option should exit 2 with one line, got $code: $(cat /tmp/recdiff-usage.$$)"
  status=1
fi
# An option's value is checked before any data is read.
for c in train compare; do
  "$recdiff" $c /nonexistent --select ndcg@7 >/dev/null 2>/tmp/recdiff-usage.$$; code=$?
  if [ "$code" != 2 ] || ! grep -q -- "--select" /tmp/recdiff-usage.$$; then
    echo "FAIL recdiff $c --select ndcg@7 should exit 2 naming --select, got $code: $(cat /tmp/recdiff-usage.$$)"
    status=1
  fi
done
# A hyper-parameter out of its declared range too (issue 44), for one model and for a variant.
"$recdiff" train /nonexistent --set batch_size=0 >/dev/null 2>/tmp/recdiff-usage.$$; code=$?
if [ "$code" != 2 ] || ! grep -q "'batch_size' = 0 is out of range" /tmp/recdiff-usage.$$; then
  echo "FAIL train --set batch_size=0 should exit 2 naming batch_size, got $code: $(cat /tmp/recdiff-usage.$$)"
  status=1
fi
"$recdiff" compare /nonexistent --models sasrec:heads=3 >/dev/null 2>/tmp/recdiff-usage.$$; code=$?
if [ "$code" != 2 ] || ! grep -q "heads=3 does not divide dim=64" /tmp/recdiff-usage.$$; then
  echo "FAIL compare --models sasrec:heads=3 should exit 2 naming the rule, got $code: $(cat /tmp/recdiff-usage.$$)"
  status=1
fi
# A variant's settings written with ',' instead of ':' get the corrected entry.
"$recdiff" compare /nonexistent --models sasrec:eval_every=5,patience=4 >/dev/null 2>/tmp/recdiff-usage.$$; code=$?
if [ "$code" != 2 ] || ! grep -q "did you mean 'sasrec:eval_every=5:patience=4'" /tmp/recdiff-usage.$$; then
  echo "FAIL a split variant should exit 2 with the joined entry, got $code: $(cat /tmp/recdiff-usage.$$)"
  status=1
fi
rm -f /tmp/recdiff-usage.$$
echo "$count commands checked"
exit $status
