#!/usr/bin/env bash
# recdiff(1) and the bash completion are written by the program from the
# declarations --help prints (issue 41): every command has its section in the
# man page with every option its --help lists, the page renders without
# groff warnings, and the completion offers the same commands and options
# (and the model names after --model).
set -u
recdiff="$1"
status=0
fail() { echo "FAIL $*"; status=1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$recdiff" --man-page > "$work/recdiff.1" || fail "--man-page exited $?"
"$recdiff" --bash-completion > "$work/completion.bash" || fail "--bash-completion exited $?"
if command -v man > /dev/null; then
  warnings=$(MANWIDTH=80 man --warnings -l "$work/recdiff.1" 2>&1 > /dev/null)
  [ -z "$warnings" ] || fail "the man page renders with warnings: $warnings"
else
  echo "note: man is not installed; the rendering check is skipped"
fi
LC_ALL=C grep -q -P '[^\x00-\x7F]' "$work/completion.bash" && fail "the completion script holds non-ASCII bytes"
bash -n "$work/completion.bash" || fail "the completion script is not valid bash"

# What completing the words offers (COMP_WORDS as bash would set them).
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _recdiff; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$work/completion.bash" "$@"
}

commands=$("$recdiff" --help | awk -F'  +' '/^Commands:/{on=1; next} on && /^  [a-z]/{print $2}')
[ -n "$commands" ] || fail "no commands listed by --help"
first_words=$(complete_words recdiff "")
count=0
while IFS= read -r c; do
  count=$((count + 1))
  grep -q "^\.SS \"recdiff ${c// /\\ }[ \"]" <(sed 's/\\-/-/g' "$work/recdiff.1") || fail "no section for 'recdiff $c' in the man page"
  grep -qx "${c%% *}" <<< "$first_words" || fail "completion does not offer '${c%% *}'"
  # shellcheck disable=SC2086
  options=$("$recdiff" $c --help | grep -o -- '^  --[a-z0-9-]*' | sed 's/^  //' | sort -u)
  section=$(sed 's/\\-/-/g' "$work/recdiff.1" | awk -v head=".SS \"recdiff $c " 'index($0, head) == 1 {on=1; next} /^\.SS /{on=0} on')
  # shellcheck disable=SC2086
  offered=$(complete_words recdiff $c --)
  for o in $options; do
    grep -q -- "fB$o\\\\fR" <<< "$section" || fail "recdiff $c: $o is in --help but not in the man page"
    grep -qx -- "$o" <<< "$offered" || fail "recdiff $c: $o is in --help but not completed"
  done
done <<< "$commands"
models=$(complete_words recdiff train data --model "")
for m in adigrec dimerec adrec diffurec diffurecsys dae4rec sasrec comirec dreamrec; do
  grep -qx "$m" <<< "$models" || fail "completion after --model does not offer $m"
done
echo "$count commands checked in the man page and the completion"
exit $status
