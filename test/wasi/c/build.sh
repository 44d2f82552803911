#!/bin/sh
# Rebuilds the committed .wasm files of the WASI test programs (the .c files beside it) with wasi-libc.
# Needs Debian's clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (or CLANG=... and SYSROOT=...
# pointing at equivalents); the tests only need the .wasm outputs. The build is deterministic: the same
# toolchain gives byte-identical files, and no path of this machine ends up in them.
# Usage: sh test/wasi/c/build.sh   (from anywhere)
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-14 || command -v clang)}"
SYSROOT="${SYSROOT:-/usr}"
for src in *.c; do
  out="${src%.c}.wasm"
  # -D_WASI_EMULATED_SIGNAL + its library: signal()/raise() in sockets_misc.c (unused elsewhere).
  # --strip-debug drops the DWARF that Debian's libc.a brings along (4x the size); the name section stays.
  "$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O2 -Wall -Wextra -Werror \
    -D_WASI_EMULATED_SIGNAL -Wl,--strip-debug -o "$out" "$src" -lwasi-emulated-signal
  chmod 644 "$out"
  echo "built $out"
done
