"""The contract test: every answer the end-to-end suite received from dtoken-mock, checked against
the response its operation declares in Dynatrace's own OpenAPI spec (../shared/dynatrace-openapi,
Environment API v1 and v2, build 1.254.47).

Usage: contract_test.py SPEC_DIR RECORDING
  RECORDING: JSON lines written by `e2e_test.py --record` (method, target, status, content_type,
  body).

For each answer: its operation (path template and method), its status among the declared ones,
its content type among the declared media types, its declared headers present, and its body valid
against the declared schema. The schemas are made stricter than OpenAPI's defaults: an object may
hold no property the spec does not name, and every date in v2 is `yyyy-MM-ddTHH:mm:ss.SSSZ`.

Allowed, and only these: the six spec-versus-docs differences of section 5 of the facts file
(../shared/reference/dynatrace-token-facts.md), and two nulls the spec itself or the docs show
(NULLS_SHOWN). Every operation dtoken-mock implements must appear in the recording with its
success status, so that the contract covers the whole API; and the admin token's scopes (every
scope the mock knows) must be exactly the creatable scopes of the spec and the 2026 docs.
"""
import copy
import json
import os
import re
import sys
from urllib.parse import urlsplit

import jsonschema

V2_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
TOKEN = re.compile(r"^dt0[a-zA-Z][0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}$")

# The operations dtoken-mock implements: (API version, method, path template, success status).
IMPLEMENTED = [
    ("v2", "get", "/apiTokens", 200), ("v2", "post", "/apiTokens", 201),
    ("v2", "get", "/apiTokens/{id}", 200), ("v2", "put", "/apiTokens/{id}", 204),
    ("v2", "delete", "/apiTokens/{id}", 204), ("v2", "post", "/apiTokens/lookup", 200),
    ("v2", "post", "/tenantTokenRotation/start", 200),
    ("v2", "post", "/tenantTokenRotation/finish", 200),
    ("v2", "post", "/tenantTokenRotation/cancel", 200),
    ("v2", "get", "/activeGateTokens", 200), ("v2", "post", "/activeGateTokens", 201),
    ("v2", "get", "/activeGateTokens/{activeGateTokenIdentifier}", 200),
    ("v2", "delete", "/activeGateTokens/{activeGateTokenIdentifier}", 204),
    ("v2", "get", "/activeGates/tokenEnforcement", 200),
    ("v2", "get", "/settings/objects", 200), ("v2", "post", "/settings/objects", 200),
    ("v2", "get", "/settings/objects/{objectId}", 200),
    ("v2", "put", "/settings/objects/{objectId}", 200),
    ("v2", "get", "/settings/schemas/{schemaId}", 200),
    ("v2", "get", "/settings/effectiveValues", 200),
    ("v1", "get", "/deployment/installer/agent/connectioninfo", 200),
    ("v1", "get", "/deployment/installer/agent/connectioninfo/endpoints", 200),
    ("v1", "get", "/deployment/installer/gateway/connectioninfo", 200),
    ("v1", "get", "/deployment/installer/agent/versions/{osType}/{installerType}", 200),
    ("v1", "get", "/deployment/installer/gateway/versions/{osType}", 200),
    ("v1", "get", "/deployment/installer/agent/{osType}/{installerType}/latest/metainfo", 200),
    ("v1", "get", "/deployment/installer/agent/processmoduleconfig", 200),
    ("v1", "get", "/deployment/installer/agent/{osType}/{installerType}/latest", 200),
    ("v1", "get", "/deployment/installer/agent/{osType}/{installerType}/latest", 304),
    ("v1", "get", "/deployment/installer/agent/{osType}/{installerType}/version/{version}", 200),
    ("v1", "get", "/deployment/installer/agent/{osType}/{installerType}/version/{version}/checksum", 200),
    ("v1", "get", "/deployment/installer/gateway/{osType}/latest", 200),
    ("v1", "get", "/deployment/installer/gateway/{osType}/version/{version}", 200),
    ("v1", "get", "/config/clusterversion", 200),
    ("v1", "get", "/tokens", 200), ("v1", "post", "/tokens", 201),
    ("v1", "get", "/tokens/{id}", 200), ("v1", "put", "/tokens/{id}", 204),
    ("v1", "delete", "/tokens/{id}", 204), ("v1", "post", "/tokens/lookup", 200),
]

# Operations whose spec declares no content, but whose description names the body: "The payload
# contains the installer file", endpoints "separated by a semicolon".
UNTYPED_BODIES = {
    ("v1", "/deployment/installer/agent/connectioninfo/endpoints"): "text/plain;charset=utf-8",
    **{("v1", template): "application/octet-stream" for template in (
        "/deployment/installer/agent/{osType}/{installerType}/latest",
        "/deployment/installer/agent/{osType}/{installerType}/version/{version}",
        "/deployment/installer/gateway/{osType}/latest",
        "/deployment/installer/gateway/{osType}/version/{version}")},
}

# Nulls that the spec's schemas do not allow but Dynatrace shows: the spec's own description of
# ApiTokenList.nextPageKey ("Has the value of `null` on the last page") and the docs' example
# answer of POST /tenantTokenRotation/cancel (`"old":{"value":null}`).
NULLS_SHOWN = {("v2", "ApiTokenList", "nextPageKey"), ("v2", "ActiveGateTokenList", "nextPageKey"),
               ("v2", "TenantToken", "value")}

PREFIXES = ("/api/", "/platform/classic/environment-api/")


def api_route(target):
    """'/e/abc/api/v2/apiTokens?x' -> ('v2', '/apiTokens'); None for other paths."""
    path = urlsplit(target).path
    if path.startswith("/e/"):
        slash = path.find("/", 3)
        path = path[slash:] if slash > 0 else path
    for prefix in PREFIXES:
        if path.startswith(prefix):
            rest = path[len(prefix):]
            version, _, route = rest.partition("/")
            return version, "/" + route.rstrip("/")
    return None


def strict(schema):
    """A copy of an OpenAPI 3.0 schema as JSON Schema: `nullable` becomes a null type, and objects
    take no property the spec does not name."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: strict(value) if key != "properties" else
           {name: strict(sub) for name, sub in value.items()}
           for key, value in schema.items() if key not in ("example", "description", "readOnly")}
    if out.get("nullable"):
        del out["nullable"]
        out["type"] = [out["type"], "null"] if "type" in out else ["null"]
        if "enum" in out:
            out["enum"] = out["enum"] + [None]
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.get("type") == "object" and "properties" not in out and "additionalProperties" not in out:
        out["additionalProperties"] = True  # a free-form object (additionalMetadata)
    return out


class Spec:
    def __init__(self, directory):
        scopes = json.load(open(os.path.join(directory, "token-scopes.json")))
        self.scope_names = set(scopes["ApiToken_scopes_enum_docs_2026"]) | set(
            scopes["ApiTokenCreate_scopes_enum_docs_2026"])
        # What a token can be created with: today's (2026) docs' ApiTokenCreate, which dropped
        # AppMonIntegration of the 1.254 spec.
        self.creatable = set(scopes["ApiTokenCreate_scopes_enum_docs_2026"])
        self.documents = {}
        for version, name in (("v1", "spec3-env-v1-1.254.47-sprint-orig.json"),
                              ("v2", "spec3-env-v2-1.254.47-sprint-orig.json")):
            document = json.load(open(os.path.join(directory, name)))
            schemas = document["components"]["schemas"]
            converted = {key: strict(value)
                         for key, value in schemas.items()}
            self.allow_differences(version, converted)
            converted = {key: as_definitions(value) for key, value in converted.items()}
            document = dict(document, components=dict(document["components"], schemas=converted))
            self.documents[version] = document

    def allow_differences(self, version, schemas):
        # 2. ConstraintViolation.parameterLocation gains HEADER.
        location = schemas["ConstraintViolation"]["properties"]["parameterLocation"]
        location["enum"] = location["enum"] + ["HEADER"]
        # 3. The scope enums grew (2026 docs): any scope of token-scopes.json is allowed.
        for schema in schemas.values():
            for name, prop in schema.get("properties", {}).items():
                items = prop.get("items", {})
                if name == "scopes" and "enum" in items:
                    items["enum"] = sorted(set(items["enum"]) | self.scope_names)
        if version == "v2":
            # PropertyDefinition.default and .type are `type: object` in the spec, the generator's
            # rendering of a Java Object: any JSON value (a boolean property has "type":"boolean"
            # and a boolean default, as the Settings docs show).
            for name in ("default", "type"):
                schemas["PropertyDefinition"]["properties"][name] = {}
        if version == "v1":
            info = schemas["ConnectionInfo"]["properties"]
            # 4. formattedCommunicationEndpoints: a string in the docs and in every client.
            info["formattedCommunicationEndpoints"] = {"type": ["string", "array"]}
            # 5. connectioninfo gains defaultZoneFallback.
            info["defaultZoneFallback"] = {"type": "boolean"}
        for where, schema_name, field in NULLS_SHOWN:
            if where == version:
                prop = schemas[schema_name]["properties"][field]
                prop["type"] = [prop["type"], "null"]

    def operation(self, version, method, route):
        """(path template, operation) of a request, or None. A literal segment beats a
        parameter, as in any router: /activeGates/tokenEnforcement is not /activeGates/{agId}."""
        matches = []
        for template, operations in self.documents[version]["paths"].items():
            pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, route) and method in operations:
                matches.append((template.count("{"), template, operations[method]))
        return min(matches)[1:] if matches else None

    def validate(self, version, schema, body):
        """Validates against a schema whose $refs name the spec's components."""
        root = dict(as_definitions(schema),
                    definitions=self.documents[version]["components"]["schemas"])
        jsonschema.Draft7Validator(root).validate(body)


def as_definitions(schema):
    """The schema with '#/components/schemas/X' references as '#/definitions/X'."""
    if isinstance(schema, list):
        return [as_definitions(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {key: value.replace("#/components/schemas/", "#/definitions/") if key == "$ref"
            else as_definitions(value) for key, value in schema.items()}


def media(content_type):
    """'application/json; charset=utf-8' -> 'application/json;charset=utf-8' (no spaces, lower)."""
    return re.sub(r"\s+", "", (content_type or "").lower())


def dates_of(body, where=""):
    """Every (place, value) of a string under a key that ends in 'Date'."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key.endswith("Date") and isinstance(value, str):
                yield f"{where}/{key}", value
            yield from dates_of(value, f"{where}/{key}")
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield from dates_of(item, f"{where}/{index}")


def check_answer(spec, record, seen):
    """The problems of one recorded answer (a list of strings; empty when it keeps the contract)."""
    method, target, status = record["method"].lower(), record["target"], record["status"]
    where = f"{record['method']} {target} -> {status}"
    routed = api_route(target)
    envelope = spec.documents["v2"]["components"]["schemas"]["ErrorEnvelope"]
    problems = []

    def check_envelope(version):
        if media(record["content_type"]) != "application/json;charset=utf-8":
            problems.append(f"{where}: error content type {record['content_type']}")
            return
        try:
            body = json.loads(record["body"])
            spec.validate(version, {"$ref": "#/components/schemas/ErrorEnvelope"}, body)
            if body["error"]["code"] != status or not body["error"].get("message"):
                problems.append(f"{where}: envelope code or message: {record['body'][:200]}")
        except (ValueError, KeyError, TypeError, jsonschema.ValidationError) as failure:
            problems.append(f"{where}: not an error envelope: {str(failure)[:300]}")

    if urlsplit(target).path.startswith("/_dtoken/"):
        return problems  # the control API is dtoken-mock's own, not Dynatrace's
    if routed is None or routed[0] not in spec.documents:
        if status >= 400:  # outside the API: an envelope all the same (difference 1)
            check_envelope("v2")
        else:
            problems.append(f"{where}: a success outside the API")
        return problems
    version, route = routed
    found = spec.operation(version, method, route)
    if found is None:
        # No such operation: 404 (unknown path) or 405 (known path, other method), as envelopes.
        if status in (404, 405):
            check_envelope(version)
        else:
            problems.append(f"{where}: no operation in the spec, yet status {status}")
        return problems
    template, operation = found
    seen.add((version, method, template, status))
    declared = operation["responses"].get(str(status))
    if declared is None:
        if status >= 400:  # difference 1: 4XX/5XX envelopes appear only in the current docs
            check_envelope(version)
        else:
            problems.append(f"{where}: status not declared ({sorted(operation['responses'])})")
        return problems
    for header in declared.get("headers", {}):
        if header.lower() not in record.get("headers", {}):
            problems.append(f"{where}: declared header {header} missing")
    content = declared.get("content") or {}
    if not content:
        if status == 204:
            if record["body"]:
                problems.append(f"{where}: a body on 204")
        elif status >= 400:  # difference 6: 404s with no declared body are envelopes
            check_envelope(version)
        elif (version, template) in UNTYPED_BODIES:
            # The spec declares no schema, but its text names the body: an installer file (the
            # downloads) or a list of endpoints separated by semicolons.
            wanted = UNTYPED_BODIES[(version, template)]
            if status == 200 and media(record["content_type"] or "") != wanted:
                problems.append(f"{where}: content type {record['content_type']}, not {wanted}")
            if status == 200 and wanted == "application/octet-stream" and \
                    "attachment; filename=" not in record["headers"].get("content-disposition", ""):
                problems.append(f"{where}: a download without Content-Disposition")
            if status == 200 and not record["body"]:
                problems.append(f"{where}: an empty body")
        elif record["body"]:
            problems.append(f"{where}: a body where the spec declares none")
        return problems
    types = {media(name): value for name, value in content.items()}
    got = media(record["content_type"])
    # (a JSON answer says charset=utf-8 even where the spec's media type omits it)
    match = types.get(got) or types.get(got.replace(";charset=utf-8", ""))
    if match is None:
        problems.append(f"{where}: content type {record['content_type']} not in {sorted(types)}")
        return problems
    if got.startswith("application/json"):
        try:
            body = json.loads(record["body"])
            spec.validate(version, match["schema"], body)
        except ValueError as failure:
            problems.append(f"{where}: not JSON: {failure}")
            return problems
        except jsonschema.ValidationError as failure:
            problems.append(f"{where}: {failure.message} at {list(failure.absolute_path)}")
            return problems
        if version == "v2":
            for place, value in dates_of(body):
                if not V2_DATE.match(value):
                    problems.append(f"{where}: {place} = {value!r} is not yyyy-MM-ddTHH:mm:ss.SSSZ")
        if status >= 400 and status not in error_codes(body):
            problems.append(f"{where}: envelope code differs from the status")
    else:  # the token as text/plain or CSV (POST /v1/tokens)
        lines = record["body"].split("\r\n")
        expected = 3 if "header=present" in got else 2
        token_line = lines[1] if expected == 3 else lines[0]
        if not TOKEN.match(token_line) or len(lines) != expected and "text/csv" in got:
            problems.append(f"{where}: body is not the token as {got}: {record['body'][:40]}...")
        if expected == 3 and lines[0] != "token":
            problems.append(f"{where}: CSV header is {lines[0]!r}, not 'token'")
    return problems


def mutants(records):
    """Answers broken on purpose, each a way a mock could drift from the spec: (what, record)."""
    def first(method, pattern, status):
        return next(r for r in records if r["method"] == method and r["status"] == status
                    and re.search(pattern, urlsplit(r["target"]).path))

    def changed(record, **fields):
        out = copy.deepcopy(record)
        out.update(fields)
        return out

    def with_body(record, edit):
        body = json.loads(record["body"])
        edit(body)
        return changed(record, body=json.dumps(body))

    token = first("GET", r"/v2/apiTokens/dt0", 200)
    listed = first("GET", r"/v2/apiTokens$", 200)
    v1_created = first("POST", r"/v1/tokens$", 201)
    error = first("GET", r"/v2/apiTokens/dt0", 404)
    yield "a property the spec does not name", with_body(token, lambda b: b.update(secret="x"))
    yield "a date without milliseconds", with_body(token, lambda b: b.update(
        creationDate="2026-11-29T05:00:00Z"))
    yield "a boolean as a string", with_body(token, lambda b: b.update(enabled="true"))
    yield "an unknown scope", with_body(listed, lambda b: b["apiTokens"][0].update(scopes=["nope"]))
    yield "totalCount missing", with_body(listed, lambda b: b.pop("totalCount"))
    yield "another content type", changed(token, content_type="text/html")
    yield "an undeclared success status", changed(token, status=202)
    yield "the Location header missing", changed(v1_created, headers={})
    yield "an envelope whose code is not the status", with_body(
        error, lambda b: b["error"].update(code=400))
    yield "an error that is not an envelope", changed(error, body='{"message":"no"}')


def error_codes(body):
    """The codes an error answer carries: an envelope's; a SettingsObjectResponse's (the settings
    API answers its errors so, or as an array of them)."""
    items = body if isinstance(body, list) else [body]
    codes = set()
    for item in items:
        if isinstance(item, dict):
            codes.add(item.get("code"))
            codes.add((item.get("error") or {}).get("code"))
    return codes


def main(spec_dir, recording):
    spec = Spec(spec_dir)
    records = [json.loads(line) for line in open(recording)]
    seen = set()
    problems = []
    # The checker itself: each drift must be seen, or a pass below would mean nothing.
    for what, mutant in mutants(records):
        if not check_answer(spec, mutant, set()):
            problems.append(f"the checker missed {what}")
    for record in records:
        problems += check_answer(spec, record, seen)
    # The mock's admin token holds every scope it knows: they must be exactly the creatable ones.
    admin_scopes = [token.get("scopes") for record in records
                    if record["status"] == 200 and urlsplit(record["target"]).path.endswith("/v2/apiTokens")
                    for token in json.loads(record["body"]).get("apiTokens", [])
                    if token.get("name") == "dtoken-mock admin" and "scopes" in token]
    if not admin_scopes:
        problems.append("no list answer shows the admin token's scopes")
    elif set(admin_scopes[0]) != spec.creatable or len(admin_scopes[0]) != len(spec.creatable):
        problems.append(f"the mock's scopes differ from the creatable ones: "
                        f"missing {sorted(spec.creatable - set(admin_scopes[0]))}, "
                        f"extra {sorted(set(admin_scopes[0]) - spec.creatable)}")
    for version, method, template, status in IMPLEMENTED:
        if (version, method, template, status) not in seen:
            problems.append(f"not covered: {method.upper()} /{version}{template} -> {status}")
    for problem in problems:
        print("FAIL", problem)
    covered = sorted({(v, m.upper(), t) for v, m, t, _ in seen})
    print(f"contract_test: {len(records)} answers, {len(covered)} operations, "
          f"{len({(v, m, t, s) for v, m, t, s in seen})} (operation, status) pairs; "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
