#!/usr/bin/env bash
# Rebuilds the bundled example, examples/hello.wasm, from hello.wat with wat2wasm from the wabt
# devDependency. Run from anywhere after `npm ci`; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
npx --no-install wat2wasm examples/hello.wat -o examples/hello.wasm
echo "built examples/hello.wasm ($(wc -c < examples/hello.wasm) bytes)"
