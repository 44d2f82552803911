#!/bin/sh
# Rebuilds every benchmark module in bench/programs (the .wasm files are committed next to the sources):
#
#   NAME.wasm      WASI command: `NAME.wasm SIZE` prints `checksum: N`   (wasi-libc, clang -O2)
#   NAME.run.wasm  no imports; exports `run()` returning the checksum at the `small` size of sizes.json
#                  (-nostdlib with rt.c for malloc/mem*; for wasm-interp and other engines without WASI)
#
# Needs Debian's clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (or CLANG=... and SYSROOT=...),
# and node (to read sizes.json). Output is byte-identical from run to run: no debug info (Debian's libc.a
# carries DWARF with build paths, which --strip-debug drops), no timestamps. No SIMD: wajit has none yet.
# bulk-memory.c alone is built with -mbulk-memory, so that its memcpy/memmove/memset become
# memory.copy/memory.fill.
# Usage: sh bench/programs/build.sh [NAME...]   (from anywhere; default: every program in sizes.json)
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-14 || command -v clang)}"
SYSROOT="${SYSROOT:-/usr}"
CFLAGS="-O2 -Wall -Wextra -Werror -fno-ident"
# 1 MiB of shadow stack (the default is 64 KiB) so that the tree-walking evaluator in minivm can recurse.
LDFLAGS="-Wl,--strip-debug -Wl,-z,stack-size=1048576"

names="$*"
[ -n "$names" ] || names=$(node -e 'console.log(Object.keys(require("./sizes.json")).join(" "))')

for name in $names; do
  [ -f "$name.c" ] || { echo "no such program: $name" >&2; exit 1; }
  small=$(node -e 'const s = require("./sizes.json")[process.argv[1]]; if (!s) process.exit(1); console.log(s.small)' "$name")
  extra=""
  [ "$name" = bulk-memory ] && extra="-mbulk-memory"
  "$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" $CFLAGS $extra $LDFLAGS -o "$name.wasm" "$name.c"
  "$CLANG" --target=wasm32 -nostdlib $CFLAGS $extra -DNO_WASI -DRUN_SIZE="$small" -c -o "$name.run.o" "$name.c"
  "$CLANG" --target=wasm32 -nostdlib $CFLAGS -ffreestanding -c -o rt.o rt.c
  "$CLANG" --target=wasm32 -nostdlib $LDFLAGS -Wl,--no-entry -Wl,--export=run -o "$name.run.wasm" "$name.run.o" rt.o
  rm -f "$name.run.o" rt.o
  chmod 644 "$name.wasm" "$name.run.wasm"
  echo "built bench/programs/$name.wasm ($(wc -c < "$name.wasm") bytes) and $name.run.wasm ($(wc -c < "$name.run.wasm") bytes)"
done
