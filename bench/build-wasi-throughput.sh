#!/bin/sh
# Rebuilds bench/wasi-throughput.wasm (committed) from bench/wasi-throughput.c with wasi-libc.
# Needs Debian's clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (or CLANG=... and SYSROOT=...
# pointing at equivalents); the benchmark itself only needs the .wasm. Debian's libc.a carries DWARF,
# which --strip-debug leaves out (five times smaller, and no build paths in the output).
# Usage: sh bench/build-wasi-throughput.sh   (from anywhere)
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-14 || command -v clang)}"
SYSROOT="${SYSROOT:-/usr}"
"$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O2 -Wall -Wextra -Werror \
  -Wl,--strip-debug -o wasi-throughput.wasm wasi-throughput.c
chmod 644 wasi-throughput.wasm
echo "built bench/wasi-throughput.wasm"
