#!/usr/bin/env bash
# End to end, side by side: rds-api, a bare reqwest loop and Alibaba Cloud's official Python SDK against the
# same rds-emulator, in the same run (BENCHMARKS.md, section 5).
#
#   bash benchmarks/e2e.sh
#
# 1. builds (release) the emulator binary and the benchmark binary benchmarks/src/bin/e2e.rs,
# 2. makes (or reuses) the virtualenv of tests/interop/run.sh with the pinned official SDK,
# 3. starts target/release/rds-emulator once, on a free loopback port,
# 4. runs N calls of DescribeDBInstanceAttribute at concurrency C per round with rds-api and the bare reqwest
#    loop (the e2e binary), then with the Python SDK (benchmarks/python/e2e_official_sdk.py),
# 5. prints a table of each client's median round and the ratios.
#
# Settings (environment): E2E_CALLS (default 2000), E2E_CONCURRENCY (8), E2E_ROUNDS (7).
# The emulator is stopped on every exit path.
set -euo pipefail
shopt -s inherit_errexit # command substitutions stop at the first error too

CALLS="${E2E_CALLS:-2000}"
CONCURRENCY="${E2E_CONCURRENCY:-8}"
ROUNDS="${E2E_ROUNDS:-7}"
STARTUP_TIMEOUT=30 # seconds to wait for the emulator's banner

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
# shellcheck source=benchmarks/python/venv.sh
source "$here/python/venv.sh"

say() { echo "e2e: $*"; }
die() {
    echo "e2e: error: $*" >&2
    exit 1
}

for setting in CALLS CONCURRENCY ROUNDS; do
    [[ "${!setting}" =~ ^[1-9][0-9]*$ ]] || die "E2E_$setting must be a positive whole number, not '${!setting}'"
done

# --- Build ---------------------------------------------------------------------------------------
say "building rds-emulator and the e2e benchmark (release)"
cargo build --release --quiet -p rds-emulator -p benchmarks --bin rds-emulator --bin e2e
target_dir="$(bench_target_dir)"
emulator="$target_dir/release/rds-emulator"
e2e="$target_dir/release/e2e"
[[ -x "$emulator" && -x "$e2e" ]] || die "cargo built the binaries but $emulator or $e2e does not exist"

python="$(bench_venv_python)"

# --- Emulator ------------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/rds-e2e.XXXXXX")"
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

# The emulator logs one line per request to stderr: to a file, the same cost for every client.
"$emulator" --listen 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
emulator_pid=$!

show_emulator_output() {
    echo "--- emulator stdout:" >&2
    cat "$work/stdout" >&2 || true
    echo "--- emulator stderr (last 20 lines):" >&2
    tail -n 20 "$work/stderr" | sed $'s/\x1b\\[[0-9;]*m//g' >&2 || true
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
    die "unexpected first line from rds-emulator: '${banner[0]}'"
fi
endpoint="${BASH_REMATCH[1]}"
[[ "${banner[1]}" =~ ^AccessKeyId:\ (.+)$ ]] || die "unexpected second line from rds-emulator: '${banner[1]}'"
access_key_id="${BASH_REMATCH[1]}"
[[ "${banner[2]}" =~ ^AccessKeySecret:\ (.+)$ ]] || die "unexpected third line from rds-emulator: '${banner[2]}'"
access_key_secret="${BASH_REMATCH[1]}"
say "rds-emulator (pid $emulator_pid) on $endpoint; $CALLS calls per round, concurrency $CONCURRENCY, $ROUNDS rounds"
load_average() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
say "load average before: $(load_average) (other work on the machine skews every figure)"

common=(--endpoint "$endpoint" --access-key-id "$access_key_id" --access-key-secret "$access_key_secret"
    --calls "$CALLS" --concurrency "$CONCURRENCY" --rounds "$ROUNDS")

# --- The runs ------------------------------------------------------------------------------------
say "rds-api and bare reqwest"
"$e2e" "${common[@]}" | tee "$work/rust.out" || {
    show_emulator_output
    die "the e2e benchmark failed"
}
say "official Python SDK (aliyun-python-sdk-core, threads)"
env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy \
    "$python" "$here/python/e2e_official_sdk.py" "${common[@]}" | tee "$work/python.out" || {
    show_emulator_output
    die "the Python benchmark failed"
}

say "load average after: $(load_average)"

# --- The table -----------------------------------------------------------------------------------
# RESULT client=NAME calls=N concurrency=C calls_per_s=X p50_us=X p99_us=X
grep -h '^RESULT ' "$work/rust.out" "$work/python.out" >"$work/results"
python3 - "$work/results" "$(nproc 2>/dev/null || echo '?')" <<'EOF'
import sys

rows = {}
with open(sys.argv[1]) as results:
    for line in results:
        fields = dict(field.split("=", 1) for field in line.split()[1:])
        rows[fields["client"]] = fields
missing = {"rds-api", "bare-reqwest", "python-sdk"} - set(rows)
if missing:
    sys.exit("e2e: error: no result from %s" % ", ".join(sorted(missing)))

rust, bare, python = rows["rds-api"], rows["bare-reqwest"], rows["python-sdk"]
tput = lambda row: float(row["calls_per_s"])
ms = lambda row, key: float(row[key]) / 1000.0
print()
print("DescribeDBInstanceAttribute, %s calls at concurrency %s, median round; %s CPUs"
      % (rust["calls"], rust["concurrency"], sys.argv[2]))
print("| client | calls/s | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: |")
for name, row in (("rds-api", rust), ("bare reqwest (pre-signed)", bare), ("official Python SDK", python)):
    print("| %s | %.0f | %.3f | %.3f |" % (name, tput(row), ms(row, "p50_us"), ms(row, "p99_us")))
print()
ratio = tput(rust) / tput(python)
overhead = (tput(bare) - tput(rust)) / tput(bare) * 100.0
print("rds-api / Python SDK throughput: %.1fx (target at least 10x: %s)" % (ratio, "met" if ratio >= 10 else "NOT met"))
print("rds-api throughput vs bare reqwest: %+.1f%% overhead (target within 20%%: %s)"
      % (overhead, "met" if overhead <= 20 else "NOT met"))
print("p50 latency: Python SDK / rds-api %.1fx; rds-api / bare reqwest %.2fx"
      % (ms(python, "p50_us") / ms(rust, "p50_us"), ms(rust, "p50_us") / ms(bare, "p50_us")))
EOF
