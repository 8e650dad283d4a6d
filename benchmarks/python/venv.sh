# shellcheck shell=bash
# Sourced by benchmarks/python/run.sh and benchmarks/e2e.sh: the virtualenv with Alibaba Cloud's official
# Python SDK, pinned.
#
# It is the virtualenv of tests/interop/run.sh, at the same place ($target_dir/interop-venv) with the same pins
# and the same stamp, so each script reuses what the other installed. Keep SDK_PINS and the stamp format in
# step with tests/interop/run.sh: a difference makes the two scripts reinstall it in turn.
#
#   source benchmarks/python/venv.sh
#   bench_python="$(bench_venv_python)"   # makes or reuses the virtualenv; prints its interpreter

BENCH_SDK_PINS=(
    "aliyun-python-sdk-core==2.16.1"
    "aliyun-python-sdk-rds==2.7.40"
)

bench_venv_die() {
    echo "benchmarks: error: $*" >&2
    exit 1
}

# Cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config).
bench_target_dir() {
    local dir
    dir="$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')" ||
        bench_venv_die "could not learn cargo's target directory"
    [[ -n "$dir" ]] || bench_venv_die "could not learn cargo's target directory"
    printf '%s\n' "$dir"
}

# Makes (or reuses, while the pins and the interpreter are unchanged) the virtualenv and prints the path of
# its python. Progress goes to stderr.
bench_venv_python() {
    command -v python3 >/dev/null 2>&1 ||
        bench_venv_die "python3 is not on PATH: the comparison runs Alibaba Cloud's official Python SDK and needs Python 3.7+ with the venv module (Debian: apt-get install python3 python3-venv)."
    python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 7) else 1)' ||
        bench_venv_die "$(command -v python3) is older than Python 3.7."
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 ||
        bench_venv_die "$(command -v python3) cannot create virtualenvs (Debian: apt-get install python3-venv)."

    local target_dir venv stamp want_stamp
    target_dir="$(bench_target_dir)"
    venv="$target_dir/interop-venv"
    stamp="$venv/.interop-pins"
    want_stamp="$(
        python3 -c 'import sys; print(sys.executable); print(sys.version.split()[0])'
        printf '%s\n' "${BENCH_SDK_PINS[@]}"
    )"
    if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]] &&
        "$venv/bin/python" -c 'import aliyunsdkcore.client, aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest, aliyunsdkrds.request.v20140815.DescribeDBInstanceAttributeRequest' >/dev/null 2>&1; then
        echo "benchmarks: reusing virtualenv $venv" >&2
    else
        echo "benchmarks: creating virtualenv $venv (${BENCH_SDK_PINS[*]})" >&2
        rm -rf "$venv"
        python3 -m venv "$venv" >&2
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet --no-input "${BENCH_SDK_PINS[@]}" >&2 ||
            bench_venv_die "pip could not install ${BENCH_SDK_PINS[*]} into $venv"
        # Written last: an interrupted install is redone next time.
        printf '%s\n' "$want_stamp" >"$stamp"
    fi
    printf '%s\n' "$venv/bin/python"
}
