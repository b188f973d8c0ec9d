#!/usr/bin/env bash
# The binaries carry Debian's hardening (issue 44, case 8), checked in the
# ELF files themselves with readelf (binutils): position-independent
# (Type DYN), full RELRO (a GNU_RELRO segment and BIND_NOW), the stack
# protector (__stack_chk_fail imported) and fortified libc calls (__*_chk
# imported).
#
#   binaries_are_hardened.sh BINARY...
set -u
fail() { echo "FAIL $*"; exit 1; }
for binary in "$@"; do
  [ -f "$binary" ] || continue  # recdiff-studio is absent in a build without the GUI
  name=$(basename "$binary")
  readelf -h "$binary" | grep -qE "Type: +DYN" || fail "$name is not position-independent (PIE)"
  readelf -lW "$binary" | grep -q "GNU_RELRO" || fail "$name has no RELRO segment"
  readelf -dW "$binary" | grep -qE "BIND_NOW|FLAGS_1.*NOW" || fail "$name is not bound immediately (partial RELRO)"
  symbols=$(readelf --dyn-syms -W "$binary")
  grep -q "__stack_chk_fail" <<< "$symbols" || fail "$name is built without the stack protector"
  grep -qE "__[a-z]+_chk" <<< "$symbols" || fail "$name calls no fortified libc function (_FORTIFY_SOURCE)"
  echo "$name: PIE, full RELRO, stack protector, fortified"
done
