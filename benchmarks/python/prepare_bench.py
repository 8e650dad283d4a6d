#!/usr/bin/env python3
"""Request preparation with Alibaba Cloud's official (legacy) Python SDK.

Times what the SDK does before anything goes on the wire for an
ImportDatabaseBetweenInstances request, the request the Rust benchmark
``request_preparation`` prepares (benches/request_preparation.rs, same
parameters and credentials):

* ``prepare``: build the request object (``ImportDatabaseBetweenInstancesRequest``,
  its three parameters, ``DBInfo`` serialised with ``json.dumps``) and sign it
  into a URL with ``RpcRequest.get_url(region, ak, secret)``: the call the
  client's signer (``aliyunsdkcore.auth.signers.access_key_signer``) makes for
  every request. It adds the common parameters (fresh nonce, timestamp), sorts
  and percent-encodes them, builds the string to sign, signs it (HMAC-SHA1) and
  encodes the query.
* ``sign``: the HMAC-SHA1 signature of that string to sign alone
  (``sha_hmac1.get_sign_string``).

Nothing is sent. Each figure is the median, over ``--repeat`` runs, of the mean
time of ``--number`` calls, in microseconds (``timeit``). The last line is
machine-readable:

    RESULT client=python-sdk prepare_median_us=... sign_median_us=...

Normally started by ``benchmarks/python/run.sh prepare``, which installs the
pinned SDK in a virtualenv.
"""

import argparse
import json
import platform
import statistics
import sys
import timeit

import aliyunsdkcore
from aliyunsdkcore.auth.algorithm import sha_hmac1
from aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest import (
    ImportDatabaseBetweenInstancesRequest,
)

# The same request and credentials as the Rust benchmark (benchmarks/src/fixtures.rs). The SDK draws a
# fresh nonce and timestamp for every URL; the Rust benchmark signs with fixed ones (Client::prepare_at).
ACCESS_KEY_ID = "testid"
ACCESS_KEY_SECRET = "testsecret"
REGION = "cn-hangzhou"
DESTINATION = "rm-uf6wjk5xxxxxxx"
SOURCE = "rm-uf6wjk5yyyyyyy"
DB_NAMES = {"sales": "sales_copy", "inventory": "inventory"}


def prepare():
    """Builds the request and signs it into a URL, as the client does before sending.

    Returns the URL (``/?...&Signature=...``) and the string that was signed.
    """
    request = ImportDatabaseBetweenInstancesRequest()
    request.set_DBInstanceId(DESTINATION)
    request.set_SourceDBInstanceId(SOURCE)
    request.set_DBInfo(json.dumps({"DBNames": DB_NAMES}, separators=(",", ":")))
    url = request.get_url(REGION, ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    return url, request.string_to_sign


def median_us(function, number, repeat):
    """Median over `repeat` runs of the mean time of one call of `function`, in microseconds."""
    runs = timeit.Timer(function).repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timed run (default 2000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs (default 15)")
    args = parser.parse_args()
    if args.number < 1 or args.repeat < 1:
        parser.error("--number and --repeat must be at least 1")

    url, string_to_sign = prepare()
    if not url.startswith("/?") or "Signature=" not in url or "Action=ImportDatabaseBetweenInstances" not in url:
        sys.exit("prepare_bench.py: unexpected URL from get_url: %s" % url)
    key = ACCESS_KEY_SECRET + "&"

    prepare_us = median_us(prepare, args.number, args.repeat)
    sign_us = median_us(lambda: sha_hmac1.get_sign_string(string_to_sign, key), args.number * 10, args.repeat)

    print(
        "python %s (%s), aliyun-python-sdk-core %s; %d runs of %d calls"
        % (platform.python_version(), platform.python_implementation(), aliyunsdkcore.__version__, args.repeat, args.number)
    )
    print("prepare (build + sign into a URL): %.2f us median" % prepare_us)
    print("sign (HMAC-SHA1 of the string to sign, %d bytes): %.2f us median" % (len(string_to_sign), sign_us))
    print("RESULT client=python-sdk prepare_median_us=%.3f sign_median_us=%.3f" % (prepare_us, sign_us))


if __name__ == "__main__":
    main()
