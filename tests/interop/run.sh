#!/usr/bin/env bash
# Interop check: Alibaba Cloud's OFFICIAL Python SDKs (legacy, signature V1; Tea, signature V3) against the
# local rds-emulator.
#
#   bash tests/interop/run.sh
#
# 1. makes (or reuses) a virtualenv under the cargo target directory with the pinned official SDKs,
# 2. runs the wire differential: for every operation of api-specs/, random requests put on the wire by the
#    official Tea SDK (sdk_wire.py, which never sends) and by rds-api must be equal
#    (tests/examples/wire_differential.rs),
# 3. builds rds-emulator and starts it on a free loopback port,
# 4. runs check_official_sdk.py against it and exits with its status.
# The emulator is killed on every exit path. See tests/interop/README.md.
set -euo pipefail

SDK_PINS=(
    "aliyun-python-sdk-core==2.16.1"
    # Ships aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest. So do 2.7.41 to
    # 2.7.43, with the same file; 2.7.44 and later dropped the class.
    "aliyun-python-sdk-rds==2.7.40"
    # The current ("Tea") generation, which signs with ACS3-HMAC-SHA256 (V3) by default.
    "alibabacloud-tea-openapi==0.4.6"
    "alibabacloud-rds20140815==16.0.2"
)
STARTUP_TIMEOUT="${RDS_INTEROP_STARTUP_TIMEOUT:-30}" # seconds to wait for the emulator's banner

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

say() { echo "interop: $*"; }
die() {
    echo "interop: error: $*" >&2
    exit 1
}

# --- Python --------------------------------------------------------------------------------------
command -v python3 >/dev/null 2>&1 ||
    die "python3 is not on PATH. This check runs Alibaba Cloud's official Python SDK and needs Python 3.7+ with the venv module (Debian: apt-get install python3 python3-venv)."
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 7) else 1)' ||
    die "$(command -v python3) is Python $(python3 -c 'import platform; print(platform.python_version())'); Python 3.7+ is needed."
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 ||
    die "$(command -v python3) cannot create virtualenvs (no venv/ensurepip module; Debian: apt-get install python3-venv)."

# --- Where cargo puts things (honours CARGO_TARGET_DIR and .cargo/config) ------------------------
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
[[ -n "$target_dir" ]] || die "could not learn cargo's target directory"

# --- Virtualenv with the pinned SDKs, reused while the pins and the interpreter are unchanged ----
venv="$target_dir/interop-venv"
stamp="$venv/.interop-pins"
want_stamp="$(
    python3 -c 'import sys; print(sys.executable); print(sys.version.split()[0])'
    printf '%s\n' "${SDK_PINS[@]}"
)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]] &&
    "$venv/bin/python" -c 'import aliyunsdkcore.client, aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest, alibabacloud_rds20140815.client, alibabacloud_tea_openapi.models' >/dev/null 2>&1; then
    say "reusing virtualenv $venv"
else
    say "creating virtualenv $venv (${SDK_PINS[*]})"
    rm -rf "$venv"
    python3 -m venv "$venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet --no-input "${SDK_PINS[@]}" ||
        die "pip could not install ${SDK_PINS[*]} into $venv"
    # Written last: an interrupted install is redone next time.
    printf '%s\n' "$want_stamp" >"$stamp"
fi

# --- Wire differential: every operation, as the official SDK would send it and as rds-api does -----
say "wire differential against the official Tea SDK (every operation of api-specs/)"
cargo run --quiet --locked -p integration-tests --example wire_differential -- --python "$venv/bin/python" ||
    die "rds-api and the official SDK put different parameters on the wire (see DIFFERENCE lines above)"

# --- Emulator ------------------------------------------------------------------------------------
say "building rds-emulator"
cargo build -p rds-emulator --quiet
emulator="$target_dir/debug/rds-emulator"
[[ -x "$emulator" ]] || die "cargo built rds-emulator but $emulator does not exist"

work="$(mktemp -d "${TMPDIR:-/tmp}/rds-interop.XXXXXX")"
emulator_pid=""
# shellcheck disable=SC2317 # reached through the trap
cleanup() {
    local status=$? i
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill "$emulator_pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do # 5 s to stop, then SIGKILL
            kill -0 "$emulator_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Port 0: the kernel picks a free port and the emulator prints the real one in its first line.
: >"$work/stdout" # exists before the wait loop reads it, even if the shell has not started the emulator yet
# A manual clock: imports finish only when the check advances it through the control API.
"$emulator" --listen 127.0.0.1:0 --clock manual >"$work/stdout" 2>"$work/stderr" &
emulator_pid=$!

show_emulator_output() {
    echo "--- emulator stdout:" >&2
    cat "$work/stdout" >&2 || true
    echo "--- emulator stderr (last 40 lines):" >&2
    tail -n 40 "$work/stderr" | sed $'s/\x1b\\[[0-9;]*m//g' >&2 || true
}

deadline=$((SECONDS + STARTUP_TIMEOUT))
until [[ "$(wc -l <"$work/stdout")" -ge 3 ]]; do
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        wait "$emulator_pid" && rc=0 || rc=$?
        emulator_pid=""
        show_emulator_output
        die "rds-emulator exited (status $rc) before printing its banner"
    fi
    if ((SECONDS >= deadline)); then
        show_emulator_output
        die "rds-emulator printed no banner within ${STARTUP_TIMEOUT}s"
    fi
    sleep 0.1
done

mapfile -t banner < <(head -n 3 "$work/stdout")
if [[ ! "${banner[0]}" =~ ^rds-emulator\ listening\ on\ (http://127\.0\.0\.1:([0-9]+))$ ]] ||
    [[ "${BASH_REMATCH[2]}" == 0 ]]; then
    show_emulator_output
    die "unexpected first line from rds-emulator: '${banner[0]}' (wanted 'rds-emulator listening on http://127.0.0.1:PORT')"
fi
endpoint="${BASH_REMATCH[1]}"
[[ "${banner[1]}" =~ ^AccessKeyId:\ (.+)$ ]] || die "unexpected second line from rds-emulator: '${banner[1]}'"
access_key_id="${BASH_REMATCH[1]}"
[[ "${banner[2]}" =~ ^AccessKeySecret:\ (.+)$ ]] || die "unexpected third line from rds-emulator: '${banner[2]}'"
access_key_secret="${BASH_REMATCH[1]}"
say "rds-emulator (pid $emulator_pid) listening on $endpoint"

# --- The checks ----------------------------------------------------------------------------------
# Both SDKs hand HTTP(S)_PROXY to requests themselves, bypassing NO_PROXY: keep loopback traffic direct.
rc=0
env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy \
    "$venv/bin/python" "$here/check_official_sdk.py" \
    --endpoint "$endpoint" \
    --access-key-id "$access_key_id" \
    --access-key-secret "$access_key_secret" || rc=$?
if ((rc != 0)); then
    show_emulator_output
fi
exit "$rc"
