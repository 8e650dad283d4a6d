#!/usr/bin/env python3
"""End to end with Alibaba Cloud's official (legacy) Python SDK against rds-emulator.

N calls of DescribeDBInstanceAttribute (instance ``rm-demo-source``) at
concurrency C: a thread pool of C threads, each with its own ``AcsClient``
(``auto_retry=False``), taking the next call from a shared counter until N calls
are done. A call is what an application does: build the request
(``DescribeDBInstanceAttributeRequest``), ``do_action_with_exception`` (sign,
send, read) and ``json.loads`` of the body. Its latency is measured from
building the request to the decoded answer.

The endpoint is given as ``http://127.0.0.1:PORT`` and used as
tests/interop/check_official_sdk.py does: ``set_endpoint("127.0.0.1:PORT")``
and ``set_protocol_type("http")``, which bypasses the SDK's endpoint resolver.

Each round runs ``--warmup`` calls (not measured, they open the connections),
then the N measured calls. The figures are those of the median round by
throughput. The last line is machine-readable:

    RESULT client=python-sdk calls=N concurrency=C calls_per_s=... p50_us=... p99_us=...

Normally started by ``benchmarks/e2e.sh``.
"""

import argparse
import concurrent.futures
import itertools
import json
import sys
import threading
import time

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    sys.exit("e2e_official_sdk.py needs Python 3")

from aliyunsdkcore.client import AcsClient
from aliyunsdkrds.request.v20140815.DescribeDBInstanceAttributeRequest import (
    DescribeDBInstanceAttributeRequest,
)

INSTANCE = "rm-demo-source"
REGION = "cn-hangzhou"


class CallFailed(Exception):
    pass


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list (the same definition as the Rust benchmark's)."""
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))  # ceil(fraction * n), at least 1
    return sorted_values[min(rank, len(sorted_values)) - 1]


class Bench(object):
    def __init__(self, host_port, access_key_id, access_key_secret):
        self.host_port = host_port
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.local = threading.local()

    def client(self):
        client = getattr(self.local, "client", None)
        if client is None:
            client = AcsClient(
                self.access_key_id,
                self.access_key_secret,
                REGION,
                auto_retry=False,  # one request per call: a replayed nonce would be refused
                timeout=15,
                connect_timeout=5,
            )
            self.local.client = client
        return client

    def call(self):
        """One call; returns its latency in seconds."""
        client = self.client()
        started = time.perf_counter()
        request = DescribeDBInstanceAttributeRequest()
        request.set_endpoint(self.host_port)
        request.set_protocol_type("http")
        request.set_DBInstanceId(INSTANCE)
        body = json.loads(client.do_action_with_exception(request))
        elapsed = time.perf_counter() - started
        items = body.get("Items", {}).get("DBInstanceAttribute", [])
        if not items or items[0].get("DBInstanceId") != INSTANCE:
            raise CallFailed("unexpected answer: %s" % json.dumps(body)[:300])
        return elapsed

    def run(self, calls, concurrency):
        """`calls` calls on `concurrency` threads; returns (wall seconds, sorted latencies in seconds)."""
        counter = itertools.count()  # next() on it is atomic under the GIL

        def worker():
            latencies = []
            while next(counter) < calls:
                latencies.append(self.call())
            return latencies

        with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
            # Every thread makes its client (and its connection) before the clock starts.
            list(pool.map(lambda _: self.client(), range(concurrency)))
            started = time.perf_counter()
            futures = [pool.submit(worker) for _ in range(concurrency)]
            latencies = []
            for future in futures:
                latencies.extend(future.result())
            wall = time.perf_counter() - started
        latencies.sort()
        return wall, latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--access-key-id", required=True)
    parser.add_argument("--access-key-secret", required=True)
    parser.add_argument("--calls", type=int, default=2000, help="measured calls per round (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="threads (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median one is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=None, help="calls before each round (default calls/10)")
    args = parser.parse_args()
    if args.calls < 1 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--calls, --concurrency and --rounds must be at least 1")
    warmup = args.warmup if args.warmup is not None else max(args.concurrency, args.calls // 10)

    endpoint = urlsplit(args.endpoint)
    if endpoint.scheme != "http" or not endpoint.netloc:
        parser.error("--endpoint must be http://HOST:PORT, not %r" % args.endpoint)
    bench = Bench(endpoint.netloc, args.access_key_id, args.access_key_secret)

    results = []
    try:
        for round_number in range(1, args.rounds + 1):
            if warmup:
                bench.run(warmup, args.concurrency)
            wall, latencies = bench.run(args.calls, args.concurrency)
            result = (
                args.calls / wall,
                percentile(latencies, 0.50) * 1e6,
                percentile(latencies, 0.99) * 1e6,
            )
            results.append(result)
            print(
                "round %d: python-sdk %.0f calls/s (p50 %.0f us, p99 %.0f us)" % ((round_number,) + result),
                flush=True,
            )
    except Exception as e:  # the SDK's ClientException/ServerException, or CallFailed
        sys.exit("e2e_official_sdk.py: a call failed: %s: %s" % (type(e).__name__, e))

    throughput, p50, p99 = sorted(results)[len(results) // 2]
    print(
        "RESULT client=python-sdk calls=%d concurrency=%d calls_per_s=%.1f p50_us=%.1f p99_us=%.1f"
        % (args.calls, args.concurrency, throughput, p50, p99)
    )


if __name__ == "__main__":
    main()
