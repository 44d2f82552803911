#!/bin/sh
# Rebuilds the committed .wasm files of the differential C programs (test/diff/c/*.c), without libc.
# Needs clang 14 (or newer) with the wasm32 target and wasm-ld; the tests only need the .wasm outputs.
# Usage: sh test/diff/c/build.sh   (from anywhere; CLANG=... selects the compiler)
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-14 || command -v clang)}"
for src in *.c; do
  "$CLANG" --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
    -mbulk-memory -msign-ext -mnontrapping-fptoint -mmutable-globals \
    -o "${src%.c}.wasm" "$src"
  chmod 644 "${src%.c}.wasm"
  echo "built ${src%.c}.wasm"
done
