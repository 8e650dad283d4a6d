#!/usr/bin/env python3
"""Drive the local rds-emulator with Alibaba Cloud's official Python SDKs.

Uses only what a customer would use, from both SDK generations:

- legacy: ``aliyunsdkcore.client.AcsClient`` and the generated request class
  ``aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest``, which
  sign with RPC HMAC-SHA1 (signature V1);
- current (Tea): ``alibabacloud_rds20140815.client.Client`` on
  ``alibabacloud_tea_openapi``, which signs with ACS3-HMAC-SHA256 (signature V3)
  by default.

The SDKs build, sign and send every request themselves; this script only points
them at the emulator and judges what comes back. With the Tea SDK it also runs
the database and account lifecycle a migration script runs around an import
(DescribeRegions, CreateDatabase, CreateAccount, GrantAccountPrivilege,
DescribeAccounts, ..., DeleteDatabase), and checks that the SDK's response
models, which read every answer (from_map), keep every field the emulator sent. Between SDK calls it drives the
emulator through its HTTP control API (``/_emulator/...``: faults, counters, the
clock, the state), as any test written in Python would.

    python check_official_sdk.py --endpoint http://127.0.0.1:PORT \
        --access-key-id ID --access-key-secret SECRET

Prints one line per check and closes with ``N passed, M failed``. Exits 1 when
any check failed, 2 on a usage error. On a failure it also prints exactly what
the SDK sent and what came back.

Normally started by tests/interop/run.sh, which installs the pinned SDK and
starts the emulator.
"""

import argparse
import hashlib
import hmac
import json
import sys
import traceback
import urllib.error
import urllib.request

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    sys.exit("check_official_sdk.py needs Python 3")

import aliyunsdkcore
import aliyunsdkrds
import alibabacloud_rds20140815
import alibabacloud_tea_openapi
import requests
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkrds.request.v20140815.ImportDatabaseBetweenInstancesRequest import (
    ImportDatabaseBetweenInstancesRequest,
)
from alibabacloud_rds20140815 import models as rds_models
from alibabacloud_rds20140815.client import Client as TeaRdsClient
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import utils_models as open_api_util_models
from darabonba.runtime import RuntimeOptions

SOURCE = "rm-demo-source"
DESTINATION = "rm-demo-destination"
STOPPED = "rm-demo-stopped"
MISSING = "rm-does-not-exist"
# The emulator's demo STS credentials (rds-emulator/README.md, "The demo state").
DEMO_STS = ("STS.demo-sts-access-key-id", "demo-sts-access-key-secret", "demo-sts-security-token")
V3_PREFIX = "ACS3-HMAC-SHA256 "


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
        return describe_exchange(self.request, self.response)


class EverySessionRecorder(object):
    """Records the last exchange of any ``requests.Session`` while active.

    The Tea SDK creates and caches its sessions inside darabonba, out of reach, so
    ``requests.Session.send`` itself is wrapped for the duration of a check (and
    restored by ``stop``). Only records, like ``Recorder``.
    """

    def __init__(self):
        self.request = None
        self.response = None
        self._original = original = requests.Session.send
        recorder = self

        def send(session, prepared, **kwargs):
            recorder.request, recorder.response = prepared, None
            recorder.response = original(session, prepared, **kwargs)
            return recorder.response

        requests.Session.send = send

    def stop(self):
        requests.Session.send = self._original

    def describe(self):
        return describe_exchange(self.request, self.response)


def describe_exchange(req, resp):
    """The request as sent and the response as received, for a failure report."""
    lines = []
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


# --- The current (Tea) SDK, signature V3 ----------------------------------------------------------------


class TeaWire(object):
    """Records every exchange of a Tea check; `describe` shows the last one."""

    def __init__(self, wire):
        self.recorder = EverySessionRecorder()
        wire.append(self.recorder)

    def __enter__(self):
        return self.recorder

    def __exit__(self, *exc):
        self.recorder.stop()
        return False


def tea_client(host_port, access_key_id, secret, security_token=None):
    # `endpoint` is used as it is (no endpoint resolution: it becomes the `host`
    # header and the URL's authority); `protocol` overrides the operation's HTTPS.
    # No retries unless `retry_options` is set, so each call is one request.
    config = open_api_models.Config(
        access_key_id=access_key_id,
        access_key_secret=secret,
        security_token=security_token,
        endpoint=host_port,
        protocol="http",
        region_id="cn-hangzhou",
        connect_timeout=5000,
        read_timeout=15000,
    )
    return TeaRdsClient(config)


def describe_attribute(client, instance_id):
    request = rds_models.DescribeDBInstanceAttributeRequest(dbinstance_id=instance_id)
    return client.describe_dbinstance_attribute(request)


def sent_authorization(recorder):
    """The Authorization header the SDK sent, checked to be a V3 one."""
    if recorder.request is None:
        raise CheckFailed("the SDK sent nothing")
    authorization = recorder.request.headers.get("Authorization", "")
    if not authorization.startswith(V3_PREFIX):
        raise CheckFailed("the SDK did not sign with ACS3-HMAC-SHA256: Authorization %r" % authorization)
    if "Signature=" in recorder.request.url:
        raise CheckFailed("a V3 request carries no Signature parameter: %s" % recorder.request.url)
    parts = dict(part.split("=", 1) for part in authorization[len(V3_PREFIX):].split(","))
    return parts


def expect_tea_error(call, code, http_status):
    """`call()` must fail with the Tea SDK's exception carrying `code` and `http_status`."""
    try:
        response = call()
    except tea_exceptions.AlibabaCloudException as e:
        if e.code != code:
            raise CheckFailed("expected code %s, got %s (HTTP %s): %s" % (code, e.code, e.status_code, e.message))
        if e.status_code != http_status:
            raise CheckFailed("code %s as expected, but HTTP %s instead of %s" % (code, e.status_code, http_status))
        if not e.request_id:
            raise CheckFailed("code %s as expected, but the error has no RequestId" % code)
        return e
    raise CheckFailed("expected code %s, but the call succeeded: %r" % (code, response.body.to_map()))


def check_tea_describe(wire, args, host_port):
    with TeaWire(wire) as recorder:
        response = describe_attribute(tea_client(host_port, args.access_key_id, args.access_key_secret), SOURCE)
    parts = sent_authorization(recorder)
    attributes = response.body.items.dbinstance_attribute if response.body.items else []
    if response.status_code != 200 or len(attributes) != 1 or attributes[0].dbinstance_id != SOURCE:
        raise CheckFailed("unexpected answer (HTTP %s): %r" % (response.status_code, response.body.to_map()))
    if not response.body.request_id:
        raise CheckFailed("the answer has no RequestId: %r" % response.body.to_map())
    return "%s %s %s, signed ACS3-HMAC-SHA256 over %s (RequestId=%s)" % (
        attributes[0].dbinstance_id,
        attributes[0].engine,
        attributes[0].dbinstance_status,
        parts.get("SignedHeaders"),
        response.body.request_id,
    )


def check_tea_wrong_secret(wire, args, host_port):
    secret = args.access_key_secret + "-wrong"
    client = tea_client(host_port, args.access_key_id, secret)
    with TeaWire(wire) as recorder:
        e = expect_tea_error(lambda: describe_attribute(client, SOURCE), "SignatureDoesNotMatch", 400)
    parts = sent_authorization(recorder)
    # The server puts its string to sign after the first ':' of the message. The
    # SDK's signature with the (wrong) secret over that string is the signature the
    # SDK sent exactly when both computed the same canonical request.
    message = (e.data or {}).get("Message", "")
    server_sts = message.split("server string to sign is:", 1)[-1].split("\nserver canonical request is:", 1)[0]
    if not server_sts.startswith("ACS3-HMAC-SHA256\n"):
        raise CheckFailed("the message has no server string to sign: %r" % message)
    resigned = hmac.new(secret.encode("utf-8"), server_sts.encode("utf-8"), hashlib.sha256).hexdigest()
    if resigned != parts.get("Signature"):
        raise CheckFailed(
            "the server's string to sign differs from the SDK's (message: %s; sent: %s)"
            % (message, recorder.request.headers.get("Authorization"))
        )
    return (
        "SignatureDoesNotMatch (HTTP 400, RequestId=%s); the server's string to sign is the SDK's byte for byte"
        % e.request_id
    )


def check_tea_sts(wire, args, host_port):
    client = tea_client(host_port, args.sts_access_key_id, args.sts_access_key_secret, args.sts_security_token)
    with TeaWire(wire) as recorder:
        response = describe_attribute(client, SOURCE)
    parts = sent_authorization(recorder)
    signed = parts.get("SignedHeaders", "").split(";")
    if recorder.request.headers.get("x-acs-security-token") != args.sts_security_token:
        raise CheckFailed("the token did not travel in x-acs-security-token")
    if "x-acs-security-token" not in signed:
        raise CheckFailed("x-acs-security-token is not signed: %s" % parts.get("SignedHeaders"))
    attributes = response.body.items.dbinstance_attribute if response.body.items else []
    if len(attributes) != 1 or attributes[0].dbinstance_id != SOURCE:
        raise CheckFailed("unexpected answer: %r" % response.body.to_map())
    return "%s with %s, token in the signed x-acs-security-token header (RequestId=%s)" % (
        SOURCE,
        args.sts_access_key_id,
        response.body.request_id,
    )


def check_tea_not_found(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    with TeaWire(wire) as recorder:
        e = expect_tea_error(lambda: describe_attribute(client, MISSING), "InvalidDBInstanceId.NotFound", 404)
    sent_authorization(recorder)
    return "InvalidDBInstanceId.NotFound (HTTP 404, RequestId=%s): %s" % (e.request_id, (e.data or {}).get("Message"))


# --- The account lifecycle a migration script runs around the import (Tea SDK, V3) ------------------------

LIFECYCLE_DATABASE = "reports_py"
LIFECYCLE_ACCOUNT = "reporter_py"
LIFECYCLE_PASSWORDS = ("Py!first-pass1", "Py!second-pass2")


def dropped_fields(raw, mapped, path=""):
    """The paths of the emulator's JSON answer that the SDK's response model did not keep.

    The SDK reads an answer with the model's from_map; its to_map gives back what the model holds. A field
    the model does not know, or knows at another place or with another shape, is missing from it.
    """
    if isinstance(raw, dict):
        if not isinstance(mapped, dict):
            return [path or "/"]
        dropped = []
        for key, value in raw.items():
            if key not in mapped:
                dropped.append(path + "/" + key)
            else:
                dropped.extend(dropped_fields(value, mapped[key], path + "/" + key))
        return dropped
    if isinstance(raw, list):
        if not isinstance(mapped, list) or len(mapped) != len(raw):
            return [path]
        dropped = []
        for index, (item, kept) in enumerate(zip(raw, mapped)):
            dropped.extend(dropped_fields(item, kept, "%s/%d" % (path, index)))
        return dropped
    return []


def tea_answer(recorder, name, call):
    """Runs one SDK call that must succeed; returns its body as the SDK's model holds it (to_map).

    The SDK has already read the answer into its response model (from_map); the model must also validate,
    and keep every field the emulator sent, so that a program using the SDK sees all of it.
    """
    response = call()
    raw = recorder.response.json() if recorder.response is not None else None
    if response.status_code != 200 or not response.body.request_id:
        raise CheckFailed("%s: unexpected answer (HTTP %s): %r" % (name, response.status_code, raw))
    response.body.validate()
    mapped = response.body.to_map()
    dropped = dropped_fields(raw, mapped)
    if dropped:
        raise CheckFailed("%s: the SDK's response model has no place for %s in %r" % (name, ", ".join(dropped), raw))
    return mapped


def check_tea_reads_keep_every_field(wire, args, host_port):
    """The emulated reads of instances, each through the SDK's own method: its response model keeps every field."""
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    with TeaWire(wire) as recorder:
        answer = lambda name, call: tea_answer(recorder, name, call)  # noqa: E731
        listed = answer(
            "DescribeDBInstances",
            lambda: client.describe_dbinstances(
                rds_models.DescribeDBInstancesRequest(region_id="cn-hangzhou", engine="SQLServer", page_size=30)
            ),
        )
        ids = [i["DBInstanceId"] for i in listed["Items"]["DBInstance"]]
        if SOURCE not in ids:
            raise CheckFailed("DescribeDBInstances does not list %s: %r" % (SOURCE, ids))
        attribute = answer(
            "DescribeDBInstanceAttribute",
            lambda: client.describe_dbinstance_attribute(
                rds_models.DescribeDBInstanceAttributeRequest(dbinstance_id=SOURCE)
            ),
        )
        if attribute["Items"]["DBInstanceAttribute"][0]["DBInstanceId"] != SOURCE:
            raise CheckFailed("DescribeDBInstanceAttribute describes another instance: %r" % attribute)
        answer(
            "DescribeResourceUsage",
            lambda: client.describe_resource_usage(rds_models.DescribeResourceUsageRequest(dbinstance_id=SOURCE)),
        )
        answer(
            "DescribeDatabases",
            lambda: client.describe_databases(rds_models.DescribeDatabasesRequest(dbinstance_id=SOURCE)),
        )
    return (
        "DescribeDBInstances (%d instances), DescribeDBInstanceAttribute, DescribeResourceUsage, DescribeDatabases: "
        "every answer read by the SDK's models with no field left over" % len(ids)
    )


def privileges_of(accounts_body):
    """{account: [(database, privilege), ...]} from a DescribeAccounts body (as the model holds it)."""
    return {
        account["AccountName"]: [
            (p["DBName"], p["AccountPrivilege"]) for p in account["DatabasePrivileges"]["DatabasePrivilege"]
        ]
        for account in accounts_body["Accounts"]["DBInstanceAccount"]
    }


def check_tea_account_lifecycle(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    first, second = LIFECYCLE_PASSWORDS
    with TeaWire(wire) as recorder:
        answer = lambda name, call: tea_answer(recorder, name, call)  # noqa: E731
        regions = answer(
            "DescribeRegions",
            lambda: client.describe_regions(rds_models.DescribeRegionsRequest(accept_language="en-US")),
        )
        zones = [z for z in regions["Regions"]["RDSRegion"] if z.get("ZoneId") == "cn-hangzhou-h"]
        if not zones or zones[0].get("LocalName") != "China (Hangzhou)" or zones[0].get("RegionId") != "cn-hangzhou":
            raise CheckFailed("DescribeRegions does not list cn-hangzhou-h as expected: %r" % zones)

        answer(
            "CreateDatabase",
            lambda: client.create_database(
                rds_models.CreateDatabaseRequest(
                    dbinstance_id=DESTINATION,
                    dbname=LIFECYCLE_DATABASE,
                    character_set_name="Chinese_PRC_CI_AS",
                    dbdescription="Reports from Python",
                )
            ),
        )
        answer(
            "CreateAccount",
            lambda: client.create_account(
                rds_models.CreateAccountRequest(
                    dbinstance_id=DESTINATION,
                    account_name=LIFECYCLE_ACCOUNT,
                    account_password=first,
                    account_description="Reporting service",
                )
            ),
        )
        answer(
            "GrantAccountPrivilege",
            lambda: client.grant_account_privilege(
                rds_models.GrantAccountPrivilegeRequest(
                    dbinstance_id=DESTINATION,
                    account_name=LIFECYCLE_ACCOUNT,
                    dbname=LIFECYCLE_DATABASE + ",archive",
                    account_privilege="ReadWrite,ReadOnly",
                )
            ),
        )
        accounts = answer(
            "DescribeAccounts",
            lambda: client.describe_accounts(rds_models.DescribeAccountsRequest(dbinstance_id=DESTINATION)),
        )
        granted = privileges_of(accounts).get(LIFECYCLE_ACCOUNT)
        if granted != [(LIFECYCLE_DATABASE, "ReadWrite"), ("archive", "ReadOnly")]:
            raise CheckFailed("DescribeAccounts after the grant: %r" % accounts)
        databases = answer(
            "DescribeDatabases",
            lambda: client.describe_databases(
                rds_models.DescribeDatabasesRequest(dbinstance_id=DESTINATION, dbname=LIFECYCLE_DATABASE)
            ),
        )
        infos = databases["Databases"]["Database"][0]["Accounts"]["AccountPrivilegeInfo"]
        if [(i["Account"], i["AccountPrivilege"]) for i in infos] != [(LIFECYCLE_ACCOUNT, "ReadWrite")]:
            raise CheckFailed("DescribeDatabases does not show the grant: %r" % databases)

        answer(
            "ModifyDBDescription",
            lambda: client.modify_dbdescription(
                rds_models.ModifyDBDescriptionRequest(
                    dbinstance_id=DESTINATION, dbname=LIFECYCLE_DATABASE, dbdescription="Monthly reports"
                )
            ),
        )
        answer(
            "ResetAccountPassword",
            lambda: client.reset_account_password(
                rds_models.ResetAccountPasswordRequest(
                    dbinstance_id=DESTINATION, account_name=LIFECYCLE_ACCOUNT, account_password=second
                )
            ),
        )
        answer(
            "RevokeAccountPrivilege",
            lambda: client.revoke_account_privilege(
                rds_models.RevokeAccountPrivilegeRequest(
                    dbinstance_id=DESTINATION, account_name=LIFECYCLE_ACCOUNT, dbname="archive"
                )
            ),
        )
        accounts = answer(
            "DescribeAccounts",
            lambda: client.describe_accounts(
                rds_models.DescribeAccountsRequest(dbinstance_id=DESTINATION, account_name=LIFECYCLE_ACCOUNT)
            ),
        )
        if privileges_of(accounts) != {LIFECYCLE_ACCOUNT: [(LIFECYCLE_DATABASE, "ReadWrite")]}:
            raise CheckFailed("DescribeAccounts after the revoke: %r" % accounts)

    # Between the calls, the state as the control API shows it: the account with a hashed password only.
    state = control_ok(args, "GET", "/state")
    text = json.dumps(state)
    if LIFECYCLE_ACCOUNT not in text or any(password in text for password in LIFECYCLE_PASSWORDS):
        raise CheckFailed("GET /_emulator/state: the account is missing, or a password is shown")
    described = [
        db.get("description")
        for account in state["accounts"]
        for instance in account["instances"]
        if instance["id"] == DESTINATION
        for db in instance["databases"]
        if db["name"] == LIFECYCLE_DATABASE
    ]
    if described != ["Monthly reports"]:
        raise CheckFailed("ModifyDBDescription did not reach the state: %r" % described)

    with TeaWire(wire) as recorder:
        answer = lambda name, call: tea_answer(recorder, name, call)  # noqa: E731
        answer(
            "DeleteAccount",
            lambda: client.delete_account(
                rds_models.DeleteAccountRequest(dbinstance_id=DESTINATION, account_name=LIFECYCLE_ACCOUNT)
            ),
        )
        answer(
            "DeleteDatabase",
            lambda: client.delete_database(
                rds_models.DeleteDatabaseRequest(dbinstance_id=DESTINATION, dbname=LIFECYCLE_DATABASE)
            ),
        )
        accounts = answer(
            "DescribeAccounts",
            lambda: client.describe_accounts(rds_models.DescribeAccountsRequest(dbinstance_id=DESTINATION)),
        )
    if privileges_of(accounts):
        raise CheckFailed("accounts left after DeleteAccount: %r" % accounts)
    return (
        "DescribeRegions, CreateDatabase, CreateAccount, GrantAccountPrivilege, DescribeAccounts, DescribeDatabases, "
        "ModifyDBDescription, ResetAccountPassword, RevokeAccountPrivilege, DeleteAccount, DeleteDatabase: every "
        "answer read by the SDK's models with no field left over; no password in the state"
    )


def check_tea_account_refusals(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    account = rds_models.CreateAccountRequest(
        dbinstance_id=DESTINATION, account_name="dup_py", account_password=LIFECYCLE_PASSWORDS[0]
    )
    seen = []
    with TeaWire(wire):
        client.create_account(account)
        try:
            for code, status, call in [
                ("InvalidAccountName.Duplicate", 400, lambda: client.create_account(account)),
                (
                    "InvalidAccountPassword.Format",
                    400,
                    lambda: client.create_account(
                        rds_models.CreateAccountRequest(
                            dbinstance_id=DESTINATION, account_name="weak_py", account_password="password"
                        )
                    ),
                ),
                (
                    "IncorrectDBInstanceState",
                    403,
                    lambda: client.create_database(
                        rds_models.CreateDatabaseRequest(
                            dbinstance_id=STOPPED, dbname="reports_py", character_set_name="Chinese_PRC_CI_AS"
                        )
                    ),
                ),
                (
                    "InvalidDBName.NotFound",
                    404,
                    lambda: client.delete_database(
                        rds_models.DeleteDatabaseRequest(dbinstance_id=DESTINATION, dbname="no_such_db")
                    ),
                ),
                (
                    "InvalidAccountName.NotFound",
                    404,
                    lambda: client.grant_account_privilege(
                        rds_models.GrantAccountPrivilegeRequest(
                            dbinstance_id=DESTINATION, account_name="nobody", dbname="archive", account_privilege="ReadOnly"
                        )
                    ),
                ),
            ]:
                e = expect_tea_error(call, code, status)
                if LIFECYCLE_PASSWORDS[0] in str(e.data):
                    raise CheckFailed("%s repeats the password: %r" % (code, e.data))
                seen.append("%s (%s)" % (code, status))
        finally:
            client.delete_account(rds_models.DeleteAccountRequest(dbinstance_id=DESTINATION, account_name="dup_py"))
    return "; ".join(seen)


# --- The emulator's control API, driven from Python -----------------------------------------------------

# Loopback only: never through a proxy, whatever the environment says.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def control(args, method, path, body=None):
    """One request to the control API: (HTTP status, JSON answer)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        args.endpoint.rstrip("/") + "/_emulator" + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with _DIRECT.open(request, timeout=10) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode("utf-8"))


def control_ok(args, method, path, body=None):
    status, answer = control(args, method, path, body)
    if status != 200:
        raise CheckFailed("control API %s %s answered HTTP %s: %r" % (method, path, status, answer))
    return answer


def check_control_fault(wire, args, host_port):
    action = "DescribeDBInstanceAttribute"
    before = control_ok(args, "GET", "/counters/" + action)
    control_ok(
        args,
        "POST",
        "/faults/" + action,
        {"fault": "error", "code": "Forbidden.RAM", "status": 403, "message": "denied by a test", "times": 1},
    )
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    with TeaWire(wire):
        e = expect_tea_error(lambda: describe_attribute(client, SOURCE), "Forbidden.RAM", 403)
    after_fault = control_ok(args, "GET", "/counters/" + action)
    if (after_fault["received"], after_fault["processed"]) != (before["received"] + 1, before["processed"]):
        raise CheckFailed("counters before %r, after the refused call %r" % (before, after_fault))
    left = control_ok(args, "GET", "/faults/" + action)["faults"]
    if left:
        raise CheckFailed("the one-shot fault is still armed: %r" % left)
    with TeaWire(wire):
        describe_attribute(client, SOURCE)
    after = control_ok(args, "GET", "/counters/" + action)
    if after["processed"] != before["processed"] + 1:
        raise CheckFailed("the call after the fault was not processed: %r" % after)
    return "injected from Python: Forbidden.RAM (HTTP 403, RequestId=%s); counters %s -> %s; then the call succeeded" % (
        e.request_id,
        "%(received)s/%(processed)s" % before,
        "%(received)s/%(processed)s" % after,
    )


def check_tea_not_emulated(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    request = rds_models.DescribeDBInstanceNetInfoRequest(dbinstance_id=DESTINATION)
    with TeaWire(wire):
        e = expect_tea_error(lambda: client.describe_dbinstance_net_info(request), "UnsupportedOperation", 400)
    message = (e.data or {}).get("Message", "")
    if "DescribeDBInstanceNetInfo" not in message:
        raise CheckFailed("the message does not name the operation: %r" % message)
    # The emulator still validates what it does not emulate, with the code generated from the specs: a
    # request without its required DBInstanceId is refused for that first.
    with TeaWire(wire):
        missing = expect_tea_error(
            lambda: generic_rpc(client, "DescribeDBInstanceNetInfo", {}), "MissingParameter", 400
        )
    missing_message = (missing.data or {}).get("Message", "")
    if "DBInstanceId" not in missing_message:
        raise CheckFailed("MissingParameter does not name DBInstanceId: %r" % missing_message)
    return "UnsupportedOperation (HTTP 400, RequestId=%s): %s; without DBInstanceId: MissingParameter first" % (
        e.request_id,
        message,
    )


def generic_rpc(client, action, query):
    """The Tea SDK's generic call, which reaches withdrawn operations its generated client lacks."""
    params = open_api_util_models.Params(
        action=action,
        version="2014-08-15",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = open_api_util_models.OpenApiRequest(query=query)
    return client.call_api(params, request, RuntimeOptions())


def check_tea_generic_withdrawn(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    with TeaWire(wire) as recorder:
        e = expect_tea_error(
            lambda: generic_rpc(client, "CancelImport", {"DBInstanceId": DESTINATION, "ImportId": "1"}),
            "InvalidImportId.NotFound",
            404,
        )
    sent_authorization(recorder)
    return "CancelImport through call_api: InvalidImportId.NotFound (HTTP 404, RequestId=%s)" % e.request_id


def destination_status(client):
    attributes = describe_attribute(client, DESTINATION).body.items.dbinstance_attribute
    return attributes[0].dbinstance_status


def check_control_clock_and_reset(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    with TeaWire(wire):
        status = destination_status(client)
    if status != "ImportingFromOthers":
        raise CheckFailed("before the clock moved, %s is %s, not ImportingFromOthers" % (DESTINATION, status))
    state = control_ok(args, "GET", "/state")
    seconds = state["settings"].get("migration_seconds") or 30
    clock = control_ok(args, "POST", "/clock/advance", {"seconds": seconds})
    with TeaWire(wire):
        status = destination_status(client)
        databases = client.describe_databases(rds_models.DescribeDatabasesRequest(dbinstance_id=DESTINATION))
    names = [db.dbname for db in databases.body.databases.database]
    if status != "Running" or "sales_copy" not in names:
        raise CheckFailed("after advancing %ss: %s is %s with databases %s" % (seconds, DESTINATION, status, names))
    control_ok(args, "POST", "/reset")
    state = control_ok(args, "GET", "/state")
    after_reset = [
        db["name"]
        for account in state["accounts"]
        for instance in account["instances"]
        if instance["id"] == DESTINATION
        for db in instance["databases"]
    ]
    if after_reset != ["archive"]:
        raise CheckFailed("after POST /_emulator/reset the destination holds %s" % after_reset)
    return "clock (%s) advanced %ss from Python: %s Running with %s; reset to the demo state: %s" % (
        clock["mode"],
        seconds,
        DESTINATION,
        ", ".join(names),
        ", ".join(after_reset),
    )


def check_tea_generic_import(wire, args, host_port):
    client = tea_client(host_port, args.access_key_id, args.access_key_secret)
    query = {
        "DBInstanceId": DESTINATION,
        "SourceDBInstanceId": SOURCE,
        "DBInfo": json.dumps({"DBNames": {"inventory": "inventory_copy"}}, separators=(",", ":")),
    }
    with TeaWire(wire) as recorder:
        answer = generic_rpc(client, "ImportDatabaseBetweenInstances", query)
    sent_authorization(recorder)
    body = answer.get("body") or {}
    import_id = body.get("ImportId")
    if not str(import_id or "").isdigit() or not body.get("RequestId"):
        raise CheckFailed("unexpected answer: %r" % (answer,))
    counts = control_ok(args, "GET", "/counters/ImportDatabaseBetweenInstances")
    if counts["processed"] != 1:
        raise CheckFailed("after the reset, the emulator processed %r imports, not 1" % counts)
    return "ImportDatabaseBetweenInstances through call_api: ImportId=%s RequestId=%s; control API counts %s" % (
        import_id,
        body["RequestId"],
        "%(received)s received, %(processed)s processed" % counts,
    )


# The successful import runs after every check that needs rm-demo-destination
# idle (the account lifecycle changes its databases and accounts, which needs it
# Running, and leaves it as it found it): it leaves the destination busy importing, and a busy destination is itself
# refused with IncorrectDBInstanceState, which would let the Stopped-source check
# pass for the wrong reason. The clock check follows: it finishes the import by
# advancing the emulator clock, then resets the emulator to its demo state, so the
# last check can start another import through the Tea SDK's generic call.
CHECKS = [
    ("legacy SDK: a Stopped source (%s) is refused with IncorrectDBInstanceState" % STOPPED, check_stopped_source),
    ("legacy SDK: a wrong AccessKeySecret is refused", check_wrong_secret),
    ("Tea SDK (V3): DescribeDBInstanceAttribute %s succeeds" % SOURCE, check_tea_describe),
    ("Tea SDK (V3): the emulated reads (instances, attribute, usage, databases) fit the SDK's models", check_tea_reads_keep_every_field),
    ("Tea SDK (V3): a wrong AccessKeySecret is refused with SignatureDoesNotMatch", check_tea_wrong_secret),
    ("Tea SDK (V3): STS credentials are accepted", check_tea_sts),
    ("Tea SDK (V3): an unknown instance is InvalidDBInstanceId.NotFound", check_tea_not_found),
    ("control API: a fault injected from Python refuses one Tea call; counters show it", check_control_fault),
    (
        "Tea SDK (V3): a real operation the emulator lacks (DescribeDBInstanceNetInfo) is validated, then UnsupportedOperation",
        check_tea_not_emulated,
    ),
    ("Tea SDK (V3): a withdrawn operation (CancelImport) through the generic call_api", check_tea_generic_withdrawn),
    ("Tea SDK (V3): the database and account lifecycle on %s, read by the SDK's models" % DESTINATION, check_tea_account_lifecycle),
    ("Tea SDK (V3): the account lifecycle's refusals carry RDS's codes", check_tea_account_refusals),
    ("legacy SDK: import %s -> %s (sales -> sales_copy) returns an ImportId" % (SOURCE, DESTINATION), check_import),
    ("control API: advancing the clock from Python finishes the import; reset restores the demo", check_control_clock_and_reset),
    ("Tea SDK (V3): the withdrawn ImportDatabaseBetweenInstances through call_api starts an import", check_tea_generic_import),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="emulator URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--access-key-id", required=True)
    parser.add_argument("--access-key-secret", required=True)
    parser.add_argument("--sts-access-key-id", default=DEMO_STS[0], help="default: the demo state's")
    parser.add_argument("--sts-access-key-secret", default=DEMO_STS[1], help="default: the demo state's")
    parser.add_argument("--sts-security-token", default=DEMO_STS[2], help="default: the demo state's")
    args = parser.parse_args(argv)
    url = urlsplit(args.endpoint)
    if url.scheme != "http" or not url.hostname or url.path not in ("", "/"):
        parser.error("--endpoint must look like http://HOST:PORT, got %r" % args.endpoint)
    return args, url.netloc


def main(argv):
    args, host_port = parse_args(argv)
    print(
        "official SDKs: aliyun-python-sdk-core %s, aliyun-python-sdk-rds %s, alibabacloud-tea-openapi %s, "
        "alibabacloud-rds20140815 %s; endpoint %s"
        % (
            aliyunsdkcore.__version__,
            getattr(aliyunsdkrds, "__version__", "?"),
            getattr(alibabacloud_tea_openapi, "__version__", "?"),
            getattr(alibabacloud_rds20140815, "__version__", "?"),
            args.endpoint,
        )
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
        except tea_exceptions.AlibabaCloudException as e:
            failed += 1
            print(
                "FAIL %d/%d %s: the Tea SDK raised %s %s (HTTP %s): %s"
                % (number, len(CHECKS), title, type(e).__name__, e.code, e.status_code, e.message)
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
