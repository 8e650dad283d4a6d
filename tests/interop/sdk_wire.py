#!/usr/bin/env python3
"""What Alibaba Cloud's OFFICIAL Tea Python SDK would put on the wire, without sending anything.

The SDK half of a differential test: rds-api's test generates requests, this script asks
alibabacloud-rds20140815==16.0.2 on alibabacloud-tea-openapi==0.4.6 (the pins of run.sh) which parameters it
would send for each, and the test compares them with what rds-api sends. See tests/interop/README.md.

    <venv>/bin/python tests/interop/sdk_wire.py cases.json   # or "-" (or no argument) to read stdin

Input: a JSON array of cases {"id": <any JSON>, "action": "CreateAccount", "params": {...}}; params are logical
values keyed by WIRE names, as the SDK's request model from_map() takes them (scalars as JSON strings, numbers,
booleans; lists as arrays; objects as objects).
Output (stdout): a JSON array, same order, one of
    {"id", "action", "method": "POST"|"GET", "query": {name: str}, "body": {name: str}}
    {"id", "action", "error": "..."}              (e.g. "not in SDK 16.0.2" for a withdrawn operation)
query/body hold the operation's own parameters, as the final strings the SDK sends (flattened, JSON-encoded,
comma-joined, stringified), before percent-encoding; nothing the SDK adds itself (signature, x-acs-* headers).
Exit status 0, also when cases fail; 2 when the input cannot be read or is not a JSON array.

How: each case becomes <Action>Request().from_map(params) and goes through the generated client's
<action>_with_options(request, RuntimeOptions()), the real call_api -> do_request path of tea-openapi, up to
darabonba's DaraCore.do_action (the function that would build the URL and send it), which is replaced by one
that records the finished DaraRequest and answers a fake HTTP 200 "{}". requests' Session.send is replaced by
one that raises, so nothing can leave the process even if that hook were bypassed.

One deliberate difference from a bare from_map(): from_map() sets every list-of-models field to [] even when the
map lacks it, and the SDK then sends a JSON-encoded ("Shrink") one as "[]" (ModifyDBInstance DBNodes=[], ...).
The script unsets such fields again, so a parameter absent from params is not sent, as when the request is made
with keyword arguments. SDK_WIRE_RAW_FROM_MAP=1 in the environment keeps from_map()'s [] instead.
"""

import importlib
import importlib.metadata
import json
import os
import re
import sys
import urllib.parse

SDK_PACKAGE = "alibabacloud-rds20140815"


class _Capture:
    """What the SDK built for the case being run."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.params = None  # open_api_util_models.Params given to call_api
        self.api_request = None  # OpenApiRequest given to call_api
        self.wire_request = None  # darabonba DaraRequest handed to do_action


def _load_sdk():
    """Imports the SDK, installs the interception, makes the client; returns what _run_case needs."""
    client_module = importlib.import_module("alibabacloud_rds20140815.client")
    models = importlib.import_module("alibabacloud_rds20140815.models")
    open_api_models = importlib.import_module("alibabacloud_tea_openapi.utils_models")
    core = importlib.import_module("darabonba.core")
    response_module = importlib.import_module("darabonba.response")
    runtime_options = importlib.import_module("darabonba.runtime").RuntimeOptions
    version = importlib.metadata.version(SDK_PACKAGE)

    capture = _Capture()

    def fake_do_action(request, runtime_option=None):
        capture.wire_request = request
        response = response_module.DaraResponse()
        response.status_code = 200
        response.status_message = "OK"
        response.headers = {"content-type": "application/json;charset=utf-8"}
        response.body = b"{}"
        return response

    async def fake_async_do_action(request, runtime_option=None):
        return fake_do_action(request, runtime_option)

    core.DaraCore.do_action = staticmethod(fake_do_action)
    core.DaraCore.async_do_action = staticmethod(fake_async_do_action)
    try:
        requests = importlib.import_module("requests")

        def refuse_send(self, *args, **kwargs):
            raise RuntimeError("sdk_wire.py: the SDK tried to send a request")

        requests.Session.send = refuse_send
    except ImportError:
        pass

    config = open_api_models.Config(
        access_key_id="ak",
        access_key_secret="sk",
        endpoint="rds.aliyuncs.com",
        region_id="cn-hangzhou",
    )
    client = client_module.Client(config)
    real_call_api = client.call_api

    def recording_call_api(params, request, runtime):
        capture.params = params
        capture.api_request = request
        return real_call_api(params, request, runtime)

    client.call_api = recording_call_api

    # Action -> (method name, request class name), from the generated client's source: the snake-case method
    # names are not derivable from the action (DescribeDBInstanceCLS -> describe_dbinstance_clswith_options).
    ops = {}
    with open(client_module.__file__, encoding="utf-8") as source:
        text = source.read()
    for block in re.split(r"\n    (?=(?:async )?def )", text):
        head = re.match(r"def (\w+with_options)\(\s*self,\s*\w+: main_models\.(\w+),", block)
        if not head:
            continue
        action = re.search(r"\baction = '(\w+)'", block)
        if action:
            ops[action.group(1)] = (head.group(1), head.group(2))
    dara_model = importlib.import_module("darabonba.model").DaraModel
    return client, models, runtime_options, ops, version, capture, dara_model


class _Probe:
    """Stands in a model's attribute for a moment so that to_map() shows which wire key the attribute has."""

    MARK = object()

    def to_map(self):
        return _Probe.MARK

    def validate(self):
        pass


def _wire_key(model, attr):
    saved = getattr(model, attr)
    probe = _Probe()
    setattr(model, attr, [probe])
    try:
        mapped = model.to_map()
    finally:
        setattr(model, attr, saved)
    for key, value in mapped.items():
        if isinstance(value, list) and len(value) == 1 and (value[0] is probe or value[0] is _Probe.MARK):
            return key
    raise RuntimeError("cannot tell the wire name of %s.%s" % (type(model).__name__, attr))


def _wire_key_of_object(model, attr):
    saved = getattr(model, attr)
    setattr(model, attr, _Probe())
    try:
        mapped = model.to_map()
    finally:
        setattr(model, attr, saved)
    for key, value in mapped.items():
        if value is _Probe.MARK:
            return key
    raise RuntimeError("cannot tell the wire name of %s.%s" % (type(model).__name__, attr))


def _unset_absent_lists(model, given, dara_model):
    """Undoes from_map()'s one side effect: it sets every list-of-models field to [] even when the map lacks it,
    which a Shrink (JSON-encoded) field would then send as "[]". A field absent from the params stays unset, as
    with the model's keyword constructor."""
    if not isinstance(given, dict):
        given = {}
    for attr, value in list(vars(model).items()):
        if isinstance(value, dara_model):
            _unset_absent_lists(value, given.get(_wire_key_of_object(model, attr)), dara_model)
        elif isinstance(value, list):
            if value == [] and _wire_key(model, attr) not in given:
                setattr(model, attr, None)
            elif any(isinstance(item, dara_model) for item in value):
                items = given.get(_wire_key(model, attr))
                for index, item in enumerate(value):
                    if isinstance(item, dara_model):
                        sub = items[index] if isinstance(items, list) and index < len(items) else None
                        _unset_absent_lists(item, sub, dara_model)


def _body_fields(body):
    """The form fields of the body string do_request built (urlencode of a str->str dict), decoded."""
    if body is None or body == "" or body == b"":
        return {}
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not isinstance(body, str):
        raise TypeError("unexpected request body type %s" % type(body).__name__)
    fields = {}
    for name, value in urllib.parse.parse_qsl(body, keep_blank_values=True, strict_parsing=True, encoding="utf-8", errors="strict"):
        if name in fields:
            raise ValueError("form field %r twice in the body" % name)
        fields[name] = value
    return fields


def _run_case(sdk, case):
    client, models, runtime_options, ops, version, capture, dara_model = sdk
    action = case.get("action")
    params = case.get("params", {})
    if not isinstance(action, str):
        raise ValueError("'action' must be a string")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ValueError("'params' must be a JSON object")
    if action not in ops:
        return {"error": "not in SDK %s" % version}
    method_name, request_class = ops[action]
    request = getattr(models, request_class)().from_map(params)
    if not os.environ.get("SDK_WIRE_RAW_FROM_MAP"):
        _unset_absent_lists(request, params, dara_model)
    capture.reset()
    getattr(client, method_name)(request, runtime_options())
    if capture.params is None or capture.wire_request is None:
        raise RuntimeError("the SDK returned without building a request")
    if capture.params.action != action:
        raise RuntimeError("the SDK built %s for %s" % (capture.params.action, action))
    wire = capture.wire_request
    # The operation's own query parameters are those of the OpenApiRequest the generated code built; anything
    # else in the final query the SDK added itself (RPC common/signature parameters; none with signature V3).
    own = capture.api_request.query or {}
    query = {}
    for name, value in (wire.query or {}).items():
        if name in own and value is not None:
            query[name] = str(value)  # exactly what darabonba's compose_url puts in the URL
    return {"method": wire.method.upper(), "query": query, "body": _body_fields(wire.body)}


def main(argv):
    path = argv[1] if len(argv) > 1 else "-"
    try:
        if path == "-":
            cases = json.load(sys.stdin)
        else:
            with open(path, encoding="utf-8") as f:
                cases = json.load(f)
        if not isinstance(cases, list):
            raise ValueError("the input must be a JSON array")
    except (OSError, ValueError) as e:
        print("sdk_wire.py: cannot read %s: %s" % ("stdin" if path == "-" else path, e), file=sys.stderr)
        return 2
    sdk = _load_sdk()
    out = []
    for case in cases:
        if not isinstance(case, dict):
            out.append({"id": None, "action": None, "error": "a case must be a JSON object, not %s" % json.dumps(case)[:80]})
            continue
        result = {"id": case.get("id"), "action": case.get("action")}
        try:
            result.update(_run_case(sdk, case))
        except Exception as e:  # one bad case must not stop the others
            result = {"id": case.get("id"), "action": case.get("action"), "error": "%s: %s" % (type(e).__name__, e)}
        out.append(result)
    json.dump(out, sys.stdout, ensure_ascii=True, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
