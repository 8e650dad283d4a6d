#!/usr/bin/env bash
# Request preparation side by side, in one run: rds-api (the criterion benchmark request_preparation) and
# Alibaba Cloud's official Python SDK (benchmarks/python/prepare_bench.py) preparing the same
# ImportDatabaseBetweenInstances request with the same credentials; then the medians, the ratio and the
# targets of BENCHMARKS.md §1.
#
#   bash benchmarks/prepare.sh
#
# Needs python3 with venv (the SDK is installed, pinned, in a virtualenv under cargo's target directory).
set -euo pipefail
shopt -s inherit_errexit

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
# shellcheck source=benchmarks/python/venv.sh
source "$here/python/venv.sh"

echo "== rds-api: cargo bench -p benchmarks --bench request_preparation" >&2
cargo bench -p benchmarks --bench request_preparation >&2

echo "== official Python SDK: bash benchmarks/python/run.sh prepare" >&2
python_output="$(bash "$here/python/run.sh" prepare)"
printf '%s\n' "$python_output" >&2
result="$(grep '^RESULT ' <<<"$python_output" | tail -n 1)"
[[ -n "$result" ]] || bench_venv_die "prepare_bench.py printed no RESULT line"

criterion="$(bench_target_dir)/criterion"
RESULT="$result" CRITERION="$criterion" python3 - <<'PY'
import json
import os

criterion = os.environ["CRITERION"]
python = dict(field.split("=", 1) for field in os.environ["RESULT"].split()[1:])


def median_us(path):
    with open(os.path.join(criterion, path, "new", "estimates.json")) as f:
        return json.load(f)["median"]["point_estimate"] / 1000


rust = {
    "prepare_at (build, validate, serialize, sign; fixed nonce and time)": median_us(
        "request_preparation/build_validate_serialize_sign"
    ),
    "prepare (the same, fresh nonce and current time)": median_us(
        "request_preparation/build_validate_serialize_sign_fresh_nonce"
    ),
    "signing alone (canonical query, string to sign, HMAC-SHA1, Base64)": median_us(
        "signing/canonical_query_string_to_sign_sign"
    ),
    "HMAC-SHA1 of the string to sign alone": median_us("signing/hmac_sha1_of_string_to_sign"),
}
python_prepare = float(python["prepare_median_us"])
python_sign = float(python["sign_median_us"])

print()
print("| what | rds-api median (us) | official Python SDK median (us) |")
print("| --- | ---: | ---: |")
for label, us in rust.items():
    other = {"prepare": python_prepare, "HMAC": python_sign}
    theirs = next((v for k, v in other.items() if label.startswith(k)), None)
    print("| %s | %.3f | %s |" % (label, us, "%.2f" % theirs if theirs is not None else ""))
prepare_at = rust["prepare_at (build, validate, serialize, sign; fixed nonce and time)"]
prepare = rust["prepare (the same, fresh nonce and current time)"]
print()
print("Python SDK / rds-api: %.1fx (prepare_at), %.1fx (prepare, fresh nonce)" % (python_prepare / prepare_at, python_prepare / prepare))
print("target: under 1.5 us median: %s (%.2f us)" % ("met" if prepare_at < 1.5 else "not met", prepare_at))
print(
    "target: at least 50x the Python SDK: %s (%.1fx)"
    % ("met" if python_prepare / prepare_at >= 50 else "not met", python_prepare / prepare_at)
)
PY
