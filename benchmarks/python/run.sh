#!/usr/bin/env bash
# Runs one of the Python benchmarks with Alibaba Cloud's official Python SDK, pinned, in a virtualenv (made or
# reused under cargo's target directory, shared with tests/interop/run.sh).
#
#   bash benchmarks/python/run.sh prepare [--number N] [--repeat R]   # request preparation (BENCHMARKS.md §1)
#   bash benchmarks/python/run.sh e2e --endpoint URL --access-key-id ID --access-key-secret SECRET [...]
#   bash benchmarks/python/run.sh python                              # prints the virtualenv's interpreter
#
# `e2e` needs a running emulator; benchmarks/e2e.sh starts one and runs everything side by side.
set -euo pipefail
shopt -s inherit_errexit # command substitutions stop at the first error too

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
# shellcheck source=benchmarks/python/venv.sh
source "$here/venv.sh"

usage() {
    sed -n '5,7s/^#   //p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

(($# >= 1)) || usage
what="$1"
shift
case "$what" in
prepare) script="$here/prepare_bench.py" ;;
e2e) script="$here/e2e_official_sdk.py" ;;
python)
    bench_venv_python
    exit 0
    ;;
*) usage ;;
esac

python="$(bench_venv_python)"
# The SDK hands HTTP(S)_PROXY to requests itself, bypassing NO_PROXY: keep loopback traffic direct.
exec env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy \
    "$python" "$script" "$@"
