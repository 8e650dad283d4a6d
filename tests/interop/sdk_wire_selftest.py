#!/usr/bin/env python3
"""Self-test of sdk_wire.py: one case per operation of api-specs/metadata/rds-surface.json, every parameter filled.

    <venv>/bin/python tests/interop/sdk_wire_selftest.py [path/to/rds-surface.json]

Run it with the interpreter of a virtualenv that has the pinned Tea SDK (run.sh's target/interop-venv). It makes
a case for each of the 413 operations of 16.0.2 with every request parameter set to a plausible value (lists of
2 elements, objects with all their fields, non-ASCII and reserved characters in strings), one for each of the
10 historical operations and one more for each of the 413 with no parameter; runs sdk_wire.py once over all of them in a subprocess; and checks that
- every current operation yields method/query/body and no error, the method being the metadata's http_method;
- its query and body are exactly the parameters given, under the metadata's wire names and positions, with the
  values the metadata's encoding predicts (flattened Name.N / Name.N.Field / Name.Key, comma-joined, compact
  JSON without ASCII escaping, Python's str() of scalars): nothing dropped, renamed or added;
- every historical operation answers "not in SDK 16.0.2";
- every current operation given no parameter sends none (no "[]" from from_map(), see sdk_wire.py).
Prints one line per failure and closes with "N passed, N failed"; exits 1 if anything failed.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TEXT = "數據庫 ü&=+/ %"


class Gen:
    def __init__(self):
        self.n = 0

    def value(self, spec):
        """A plausible logical value for a parameter (or field) spec of the metadata."""
        self.n += 1
        kind = spec["type"]
        if kind == "string" or kind == "binary":
            return "%s-%d %s" % (spec["name"], self.n, TEXT) if kind == "string" else "cn-hangzhou"
        if kind in ("integer", "long"):
            return 1234567890123 + self.n if spec.get("width") == "int64" or spec.get("legacy_type") == "long" else 7 + self.n
        if kind == "boolean":
            return self.n % 2 == 0
        if kind == "number":
            return [1.0, 2.5, 0.125][self.n % 3]
        if kind == "map":
            return {"k%d" % self.n: TEXT, "n": "v&=%d" % self.n}
        if kind == "object":
            return {f["name"]: self.value(f) for f in spec["fields"]}
        if kind == "array":
            item = spec.get("items")
            if item == "object":
                return [{f["name"]: self.value(f) for f in spec["fields"]} for _ in range(2)]
            return [self.value({"name": spec["name"], "type": item or "string"}) for _ in range(2)]
        raise ValueError("unknown type %r of %s" % (kind, spec["name"]))


def scalar(value):
    # What the SDK's Utils.query/_object_handler does to a leaf: Python str().
    return str(value)


def flatten(prefix, value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten("%s.%s" % (prefix, k), v, out)
    elif isinstance(value, list):
        for i, v in enumerate(value, 1):
            flatten("%s.%d" % (prefix, i), v, out)
    elif value is not None:
        out[prefix] = scalar(value)


def expected_wire(param, value, out):
    name, encoding = param["name"], param.get("encoding")
    if encoding == "json-string":
        out[name] = ("json", value)
    elif encoding == "comma-joined":
        out[name] = ",".join(scalar(v) for v in value)
    else:
        flatten(name, value, out)


def same_json(wire, value):
    """The SDK's JSON: compact separators, non-ASCII as is; member order is the SDK model's, so compare parsed."""
    try:
        parsed = json.loads(wire)
    except ValueError:
        return False
    return parsed == value and json.dumps(parsed, ensure_ascii=False, separators=(",", ":")) == wire


def main(argv):
    surface_path = argv[1] if len(argv) > 1 else os.path.join(ROOT, "api-specs", "metadata", "rds-surface.json")
    with open(surface_path, encoding="utf-8") as f:
        surface = json.load(f)
    gen = Gen()
    cases, expected = [], {}
    for op in surface["operations"] + surface["historical_operations"]:
        case_id = len(cases)
        params = {p["name"]: gen.value(p) for p in op["request"]}
        cases.append({"id": case_id, "action": op["name"], "params": params})
        query, body = {}, {}
        for p in op["request"]:
            expected_wire(p, params[p["name"]], body if p["position"] == "Body" else query)
        expected[case_id] = (op, query, body, op in surface["historical_operations"])
    for op in surface["operations"]:  # and with no parameter at all: nothing may be sent
        expected[len(cases)] = (op, {}, {}, False)
        cases.append({"id": len(cases), "action": op["name"], "params": {}})

    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "sdk_wire.py"), "-"],
        input=json.dumps(cases).encode("utf-8"),
        stdout=subprocess.PIPE,
        check=True,
    )
    results = json.loads(run.stdout)
    passed = failed = 0

    def fail(case, message):
        nonlocal failed
        failed += 1
        print("FAIL %s: %s" % (case["action"], message))

    if [r.get("id") for r in results] != [c["id"] for c in cases]:
        fail({"action": "*"}, "results are not the cases in order")
    for case, result in zip(cases, results):
        op, query, body, historical = expected[case["id"]]
        if historical:
            if result.get("error") != "not in SDK 16.0.2":
                fail(case, "a historical operation got %r" % result)
                continue
            passed += 1
            continue
        if "error" in result:
            fail(case, result["error"])
            continue
        problems = []
        if result["method"] != op["http_method"]:
            problems.append("method %s, metadata says %s" % (result["method"], op["http_method"]))
        for where, want, got in (("query", query, result["query"]), ("body", body, result["body"])):
            for name in sorted(set(want) | set(got)):
                if name not in got:
                    problems.append("%s %s missing (want %r)" % (where, name, want[name]))
                elif name not in want:
                    problems.append("%s %s=%r not given" % (where, name, got[name]))
                elif isinstance(want[name], tuple):
                    if not same_json(got[name], want[name][1]):
                        problems.append("%s %s=%r is not the compact JSON of %r" % (where, name, got[name], want[name][1]))
                elif got[name] != want[name]:
                    problems.append("%s %s=%r, want %r" % (where, name, got[name], want[name]))
        if problems:
            fail(case, "; ".join(problems))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
