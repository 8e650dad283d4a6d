#!/usr/bin/env python3
"""Drive the local rds-emulator with Alibaba Cloud's official Python SDK.

Uses only what a customer would use: ``aliyunsdkcore.client.AcsClient`` and the
generated legacy request class ``aliyunsdkrds.request.v20140815.
ImportDatabaseBetweenInstancesRequest``. The SDK builds, signs (RPC HMAC-SHA1) and
sends every request itself; this script only points the request at the emulator
and judges what comes back.

    python check_official_sdk.py --endpoint http://127.0.0.1:PORT \
        --access-key-id ID --access-key-secret SECRET

Prints one line per check and closes with ``N passed, M failed``. Exits 1 when
any check failed, 2 on a usage error. On a failure it also prints exactly what
the SDK sent and what came back.

Normally started by tests/interop/run.sh, which installs the pinned SDK and
starts the emulator.
"""

import argparse
import json
import sys
import traceback

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    sys.exit("check_official_sdk.py needs Python 3")

import aliyunsdkcore
import aliyunsdkrds
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest import (
    ImportDatabaseBetweenInstancesRequest,
)

SOURCE = "rm-demo-source"
DESTINATION = "rm-demo-destination"
STOPPED = "rm-demo-stopped"


class CheckFailed(Exception):
    pass


class Recorder(object):
    """Wraps the client's HTTP session to keep the last exchange on the wire.

    Only records: the request the SDK prepared is sent unchanged.
    """

    def __init__(self, session):
        self._send = session.send
        self.request = None
        self.response = None
        session.send = self.send

    def send(self, prepared, **kwargs):
        self.request, self.response = prepared, None
        self.response = self._send(prepared, **kwargs)
        return self.response

    def describe(self):
        lines = []
        req, resp = self.request, self.response
        if req is None:
            return "    (the SDK sent nothing)"
        lines.append("    sent:     %s %s" % (req.method, req.url))
        for key, value in sorted(req.headers.items()):
            lines.append("              %s: %s" % (key, value))
        body = req.body
        if body:
            if isinstance(body, bytes):
                body = body.decode("utf-8", "replace")
            lines.append("              body: %s" % body)
        if resp is None:
            lines.append("    received: nothing (no HTTP response)")
        else:
            lines.append("    received: HTTP %s" % resp.status_code)
            for key, value in sorted(resp.headers.items()):
                lines.append("              %s: %s" % (key, value))
            lines.append("              body: %s" % resp.content.decode("utf-8", "replace"))
        return "\n".join(lines)


def make_client(wire, access_key_id, secret):
    # auto_retry=False: one request per check, so the emulator sees exactly what
    # the check describes (no replays of the same SignatureNonce).
    client = AcsClient(
        access_key_id,
        secret,
        "cn-hangzhou",
        auto_retry=False,
        timeout=15,
        connect_timeout=5,
    )
    wire.append(Recorder(client.session))
    return client


def make_request(host_port, source, destination, db_names):
    request = ImportDatabaseBetweenInstancesRequest()
    # An explicit endpoint bypasses the SDK's endpoint resolver (no region
    # lookup, no location service). HttpResponse builds the URL as
    # "<protocol>://" + endpoint + <signed path>, and the client's port (80 by
    # default) is only appended when it is not 80, so "127.0.0.1:PORT" is used
    # verbatim.
    request.set_endpoint(host_port)
    request.set_protocol_type("http")
    request.set_DBInstanceId(destination)
    request.set_SourceDBInstanceId(source)
    request.set_DBInfo(json.dumps({"DBNames": db_names}, separators=(",", ":")))
    return request


def expect_server_error(client, request, codes, http_status):
    """Send `request`; it must fail with a ServerException carrying one of `codes`."""
    try:
        body = client.do_action_with_exception(request)
    except ServerException as e:
        code = e.get_error_code()
        if code not in codes:
            raise CheckFailed(
                "expected code %s, got %s (HTTP %s): %s"
                % (" or ".join(codes), code, e.get_http_status(), e.get_error_msg())
            )
        if e.get_http_status() != http_status:
            raise CheckFailed(
                "code %s as expected, but HTTP %s instead of %s"
                % (code, e.get_http_status(), http_status)
            )
        if not e.get_request_id():
            raise CheckFailed("code %s as expected, but the error has no RequestId" % code)
        return e
    raise CheckFailed(
        "expected code %s, but the call succeeded: %s"
        % (" or ".join(codes), body.decode("utf-8", "replace"))
    )


def check_import(wire, args, host_port):
    client = make_client(wire, args.access_key_id, args.access_key_secret)
    request = make_request(host_port, SOURCE, DESTINATION, {"sales": "sales_copy"})
    try:
        body = client.do_action_with_exception(request)
    except ServerException as e:
        raise CheckFailed(
            "refused: %s (HTTP %s): %s" % (e.get_error_code(), e.get_http_status(), e.get_error_msg())
        )
    try:
        answer = json.loads(body.decode("utf-8"))
    except ValueError:
        raise CheckFailed("the answer is not JSON: %r" % body[:500])
    import_id = answer.get("ImportId")
    if not isinstance(import_id, str) or not import_id.isdigit():
        raise CheckFailed("ImportId is missing or not a string of digits: %r" % (import_id,))
    if not answer.get("RequestId"):
        raise CheckFailed("the answer has no RequestId: %r" % (answer,))
    return "ImportId=%s RequestId=%s" % (import_id, answer["RequestId"])


def check_wrong_secret(wire, args, host_port):
    client = make_client(wire, args.access_key_id, args.access_key_secret + "-wrong")
    request = make_request(host_port, SOURCE, DESTINATION, {"sales": "sales_wrong_secret"})
    # The server answers SignatureDoesNotMatch with its own string to sign after
    # a ':' in the message. The SDK compares Message.split(':')[1] with the string
    # it signed and, when they are equal, reports InvalidAccessKeySecret: that
    # outcome also proves the emulator canonicalised the request byte for byte
    # like the SDK.
    e = expect_server_error(client, request, ("SignatureDoesNotMatch", "InvalidAccessKeySecret"), 400)
    if e.get_error_code() == "InvalidAccessKeySecret":
        how = (
            "SDK reported InvalidAccessKeySecret: the server answered SignatureDoesNotMatch "
            "with a string to sign identical to the SDK's"
        )
    else:
        how = (
            "SDK reported SignatureDoesNotMatch as sent: the server's string to sign "
            "differs from the SDK's (message: %s)" % e.get_error_msg()
        )
    return "%s (HTTP 400, RequestId=%s)" % (how, e.get_request_id())


def check_stopped_source(wire, args, host_port):
    client = make_client(wire, args.access_key_id, args.access_key_secret)
    request = make_request(host_port, STOPPED, DESTINATION, {"sales": "sales_from_stopped"})
    e = expect_server_error(client, request, ("IncorrectDBInstanceState",), 403)
    # The code alone does not say which instance was in the wrong state: a busy
    # destination gets the same code. Only a refusal that names the source counts.
    if STOPPED not in e.get_error_msg():
        raise CheckFailed(
            "IncorrectDBInstanceState (HTTP 403), but the message does not name %s, "
            "so the refusal may be about another instance: %s" % (STOPPED, e.get_error_msg())
        )
    return "%s (HTTP 403, RequestId=%s): %s" % (
        e.get_error_code(),
        e.get_request_id(),
        e.get_error_msg(),
    )


# The successful import runs last: it leaves rm-demo-destination busy importing,
# and a busy destination is itself refused with IncorrectDBInstanceState, which
# would let the Stopped-source check pass for the wrong reason.
CHECKS = [
    ("a Stopped source (%s) is refused with IncorrectDBInstanceState" % STOPPED, check_stopped_source),
    ("a wrong AccessKeySecret is refused", check_wrong_secret),
    ("import %s -> %s (sales -> sales_copy) returns an ImportId" % (SOURCE, DESTINATION), check_import),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="emulator URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--access-key-id", required=True)
    parser.add_argument("--access-key-secret", required=True)
    args = parser.parse_args(argv)
    url = urlsplit(args.endpoint)
    if url.scheme != "http" or not url.hostname or url.path not in ("", "/"):
        parser.error("--endpoint must look like http://HOST:PORT, got %r" % args.endpoint)
    return args, url.netloc


def main(argv):
    args, host_port = parse_args(argv)
    print(
        "official SDK: aliyun-python-sdk-core %s, aliyun-python-sdk-rds %s; endpoint %s"
        % (aliyunsdkcore.__version__, getattr(aliyunsdkrds, "__version__", "?"), args.endpoint)
    )
    passed = failed = 0
    for number, (title, check) in enumerate(CHECKS, 1):
        wire = []  # the Recorder of each client the check makes
        try:
            detail = check(wire, args, host_port)
        except CheckFailed as e:
            failed += 1
            print("FAIL %d/%d %s: %s" % (number, len(CHECKS), title, e))
        except ClientException as e:
            failed += 1
            print(
                "FAIL %d/%d %s: the SDK raised ClientException %s: %s"
                % (number, len(CHECKS), title, e.get_error_code(), e.get_error_msg())
            )
        except Exception:  # the SDK itself choked on the answer
            failed += 1
            print("FAIL %d/%d %s: the SDK raised an unexpected error:" % (number, len(CHECKS), title))
            print("    " + traceback.format_exc().rstrip().replace("\n", "\n    "))
            if isinstance(sys.exc_info()[1], IndexError) and "split(':')" in traceback.format_exc():
                print(
                    "    hint: aliyunsdkcore reads a SignatureDoesNotMatch Message as "
                    "'<text>:<server string to sign>' and fails when it has no ':'"
                )
        else:
            passed += 1
            print("PASS %d/%d %s: %s" % (number, len(CHECKS), title, detail))
            continue
        # On failure show exactly what went over the wire.
        for rec in wire:
            print(rec.describe())
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
