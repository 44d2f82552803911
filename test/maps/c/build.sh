#!/bin/sh
# Rebuilds the C program of the source-map tests with DWARF debug info: divide.wasm, a WASI command with
# DWARF 4 (what clang 14 emits for wasm32 by default; wasi-libc's own debug info comes along), and
# divide-dwarf5.wasm, the same code without libc and with DWARF 5 line tables. Needs clang 14 (or newer) with
# the wasm32 targets and a wasi-libc sysroot (Debian's wasi-libc package installs it under /usr); the tests
# only need the .wasm outputs.
# Usage: sh test/maps/c/build.sh   (from anywhere; CLANG=... selects the compiler, SYSROOT=... the sysroot)
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-$(command -v clang-14 || command -v clang)}"
SYSROOT="${SYSROOT:-/usr}"
# -fdebug-compilation-dir=. keeps the build directory's path out of the debug info.
"$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O0 -g -fdebug-compilation-dir=. -o divide.wasm divide.c
"$CLANG" --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--export=__main_argc_argv -O0 -gdwarf-5 \
  -fdebug-compilation-dir=. -o divide-dwarf5.wasm divide.c
chmod 644 divide.wasm divide-dwarf5.wasm
echo "built divide.wasm divide-dwarf5.wasm"
