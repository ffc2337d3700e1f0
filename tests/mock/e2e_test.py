"""dtoken-mock over loopback: started on port 0, driven with raw HTTP/1.1, stopped with SIGTERM.

Usage: e2e_test.py PATH/TO/dtoken-mock [--record FILE]
Checks keep-alive, the three URL prefixes, error envelopes for 404/405/401/413/431 and malformed
requests, pipelined requests, that the log never holds a secret, and a clean exit on SIGTERM.
It calls every operation of the token API with each answer its spec declares (every_operation);
with --record it writes every answer it received to FILE, for contract_test.py.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (check, exchange, failures, get, is_envelope, responses, start,  # noqa: E402
                     write_recording)


def deployment_operations(port, admin, expect):
    """The deployment API: connection info, versions, and installers that run and unpack."""
    base = "/api/v1/deployment/installer"
    expect("GET connectioninfo unknown zone", 400, get(port, f"{base}/agent/connectioninfo?networkZone=nowhere", admin))
    expect("GET connectioninfo unknown zone, fallback", 200,
           get(port, f"{base}/agent/connectioninfo?networkZone=nowhere&defaultZoneFallback=true", admin))
    expect("GET connectioninfo/endpoints", 200, get(port, f"{base}/agent/connectioninfo/endpoints", admin))
    expect("GET gateway connectioninfo", 200, get(port, f"{base}/gateway/connectioninfo", admin))
    versions = json.loads(expect("GET agent versions", 200, get(port, f"{base}/agent/versions/unix/default", admin))[2])
    latest = versions["availableVersions"][0]
    expect("GET gateway versions", 200, get(port, f"{base}/gateway/versions/unix", admin))
    expect("GET metainfo", 200, get(port, f"{base}/agent/unix/default/latest/metainfo", admin))
    expect("GET processmoduleconfig", 200, get(port, f"{base}/agent/processmoduleconfig", admin))
    expect("GET processmoduleconfig current", 304, get(port, f"{base}/agent/processmoduleconfig?revision=1", admin))
    script = expect("GET agent installer", 200, get(port, f"{base}/agent/unix/default/latest", admin))
    etag = script[1].get("etag", "")
    expect("GET agent installer, not modified", 304,
           get(port, f"{base}/agent/unix/default/latest", admin, extra=f"If-None-Match: {etag}\r\n"))
    expect("GET agent installer of a version", 200,
           get(port, f"{base}/agent/unix/default/version/{latest}", admin))
    expect("GET agent installer of no version", 404, get(port, f"{base}/agent/unix/default/version/0.1", admin))
    with tempfile.TemporaryDirectory() as scratch:
        installer = os.path.join(scratch, "installer.sh")
        with open(installer, "wb") as out:
            out.write(script[2])
        ran = subprocess.run(["sh", installer], capture_output=True, text=True, timeout=30)
        check("the unix installer runs, installs nothing and exits 0",
              ran.returncode == 0 and "nothing was installed" in ran.stderr, ran.stderr)
    paas = expect("GET paas installer", 200,
                  get(port, f"{base}/agent/unix/paas/version/{latest}?skipMetadata=true&include=java", admin))
    expect("GET paas checksum", 200,
           get(port, f"{base}/agent/unix/paas/version/{latest}/checksum?skipMetadata=true&include=java", admin))
    expect("GET gateway installer", 200, get(port, f"{base}/gateway/unix/latest", admin))
    expect("GET gateway installer of a version", 200, get(port, f"{base}/gateway/windows/version/{latest}", admin))
    return paas


def every_operation(port, admin):
    """Calls each operation of the token API with its successes and the errors its spec declares,
    so that the contract test sees an answer of each kind. Checks the statuses here."""
    def expect(name, status, answer):
        check(f"every operation: {name}", answer[0] == status, f"got {answer[0]}: {answer[2][:200]}")
        return answer

    as_json = json.dumps
    # v2 access tokens
    created = []
    for index in range(105):  # more than the smallest page
        body = {"name": f"walk-{index}", "scopes": ["apiTokens.read", "metrics.read"]}
        if index == 0:
            body.update(expirationDate="now+14d", personalAccessToken=True)
        answer = expect("POST apiTokens", 201,
                        get(port, "/api/v2/apiTokens", admin, "POST", as_json(body).encode()))
        created.append(json.loads(answer[2]))
    expect("POST apiTokens without scopes", 400,
           get(port, "/api/v2/apiTokens", admin, "POST", b'{"name":"x"}'))
    first = created[0]
    expect("use a token (lastUsedDate)", 200, get(port, "/api/v2/apiTokens?pageSize=100", first["token"]))
    every_field = "%2BpersonalAccessToken%2C%2BexpirationDate%2C%2BlastUsedDate%2C%2BlastUsedIpAddress" \
                  "%2C%2BmodifiedDate%2C%2Bscopes%2C%2BadditionalMetadata"
    page = json.loads(expect("GET apiTokens page 1", 200,
                             get(port, f"/api/v2/apiTokens?pageSize=100&fields={every_field}", admin))[2])
    check("every operation: a second page", page.get("nextPageKey") is not None, str(page)[:200])
    expect("GET apiTokens page 2", 200,
           get(port, f"/api/v2/apiTokens?nextPageKey={page['nextPageKey']}", admin))
    expect("GET apiTokens exact fields, sorted, filtered", 200,
           get(port, "/api/v2/apiTokens?fields=name,lastUsedDate&sort=name"
                     "&apiTokenSelector=personalAccessToken(true)&from=now-1h", admin))
    expect("GET apiTokens bad pageSize", 400, get(port, "/api/v2/apiTokens?pageSize=7", admin))
    expect("GET apiTokens/{id}", 200, get(port, f"/api/v2/apiTokens/{first['id']}", admin))
    expect("GET apiTokens/{id} unknown", 404,
           get(port, "/api/v2/apiTokens/dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA", admin))
    expect("PUT apiTokens/{id}", 204,
           get(port, f"/api/v2/apiTokens/{first['id']}", admin, "PUT",
               b'{"name":"renamed","scopes":["metrics.read"],"enabled":false}'))
    expect("GET apiTokens/{id} modified", 200, get(port, f"/api/v2/apiTokens/{first['id']}", admin))
    expect("PUT apiTokens/{id} unknown scope", 400,
           get(port, f"/api/v2/apiTokens/{first['id']}", admin, "PUT", b'{"scopes":["nope"]}'))
    expect("PUT apiTokens/{id} unknown", 404,
           get(port, "/api/v2/apiTokens/dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA", admin, "PUT", b'{"name":"x"}'))
    expect("POST apiTokens/lookup", 200,
           get(port, "/api/v2/apiTokens/lookup", admin, "POST", as_json({"token": created[1]["token"]}).encode()))
    expect("POST apiTokens/lookup unknown", 404,
           get(port, "/api/v2/apiTokens/lookup", admin, "POST",
               as_json({"token": "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA." + "B" * 64}).encode()))
    expect("POST apiTokens/lookup without token", 400,
           get(port, "/api/v2/apiTokens/lookup", admin, "POST", b"{}"))
    expect("DELETE apiTokens/{id}", 204, get(port, f"/api/v2/apiTokens/{created[2]['id']}", admin, "DELETE"))
    expect("DELETE apiTokens/{id} again", 404, get(port, f"/api/v2/apiTokens/{created[2]['id']}", admin, "DELETE"))
    expect("DELETE apiTokens/{id} the caller", 400,
           get(port, f"/api/v2/apiTokens/{admin[:admin.rfind('.')]}", admin, "DELETE"))
    expect("GET v1 tokens without the scope", 403, get(port, "/api/v1/tokens", created[3]["token"]))
    expect("GET apiTokens unauthenticated", 401, get(port, "/api/v2/apiTokens", ""))

    # ActiveGate tokens
    gates = []
    for index in range(101):  # more than the default page of 100
        body = {"name": f"gate-{index}", "activeGateType": "CLUSTER" if index % 2 else "ENVIRONMENT"}
        if index == 0:
            body.update(expirationDate="now+1y", seedToken=True)
        answer = expect("POST activeGateTokens", 201,
                        get(port, "/api/v2/activeGateTokens", admin, "POST", as_json(body).encode()))
        gates.append(json.loads(answer[2]))
    expect("POST activeGateTokens without a type", 400,
           get(port, "/api/v2/activeGateTokens", admin, "POST", b'{"name":"x"}'))
    gate_page = json.loads(expect("GET activeGateTokens", 200, get(port, "/api/v2/activeGateTokens", admin))[2])
    check("every operation: a second page of ActiveGate tokens", gate_page.get("nextPageKey") is not None)
    expect("GET activeGateTokens page 2", 200,
           get(port, f"/api/v2/activeGateTokens?nextPageKey={gate_page['nextPageKey']}", admin))
    expect("GET activeGateTokens bad pageSize", 400, get(port, "/api/v2/activeGateTokens?pageSize=3001", admin))
    expect("GET activeGateTokens/{id}", 200, get(port, f"/api/v2/activeGateTokens/{gates[0]['id']}", admin))
    expect("GET activeGateTokens/{id} not an ID", 400, get(port, "/api/v2/activeGateTokens/nope", admin))
    expect("GET activeGateTokens/{id} unknown", 404, get(port, "/api/v2/activeGateTokens/dt0g02.AAAAAAAA", admin))
    expect("an ActiveGate token is no API token", 401, get(port, "/api/v2/apiTokens", gates[1]["token"]))
    expect("DELETE activeGateTokens/{id}", 204,
           get(port, f"/api/v2/activeGateTokens/{gates[1]['id']}", admin, "DELETE"))
    expect("DELETE activeGateTokens/{id} again", 404,
           get(port, f"/api/v2/activeGateTokens/{gates[1]['id']}", admin, "DELETE"))
    expect("DELETE activeGateTokens/{id} not an ID", 400, get(port, "/api/v2/activeGateTokens/x", admin, "DELETE"))
    expect("GET activeGates/tokenEnforcement", 200, get(port, "/api/v2/activeGates/tokenEnforcement", admin))

    # token settings (Settings 2.0, builtin:tokens.token-settings)
    schema = "builtin:tokens.token-settings"
    objects = json.loads(expect("GET settings/objects", 200,
                                get(port, f"/api/v2/settings/objects?schemaIds={schema}&fields=objectId,value,"
                                          "schemaId,schemaVersion,scope,summary,created,modified,author,"
                                          "updateToken", admin))[2])
    object_id = objects["items"][0]["objectId"]
    expect("GET settings/objects another schema", 404,
           get(port, "/api/v2/settings/objects?schemaIds=builtin:alerting.profile", admin))
    expect("GET settings/objects/{objectId}", 200, get(port, f"/api/v2/settings/objects/{object_id}", admin))
    expect("GET settings/objects/{objectId} unknown", 404, get(port, "/api/v2/settings/objects/nosuch", admin))
    value = {"newDynatraceTokenFormatEnabled": True, "patEnabled": True}
    expect("PUT settings/objects/{objectId}", 200,
           get(port, f"/api/v2/settings/objects/{object_id}", admin, "PUT", as_json({"value": value}).encode()))
    expect("PUT settings/objects/{objectId} bad value", 400,
           get(port, f"/api/v2/settings/objects/{object_id}", admin, "PUT", b'{"value":{"patEnabled":1}}'))
    expect("PUT settings/objects/{objectId} stale", 409,
           get(port, f"/api/v2/settings/objects/{object_id}", admin, "PUT",
               as_json({"value": value, "updateToken": "old"}).encode()))
    expect("PUT settings/objects/{objectId} unknown", 404,
           get(port, "/api/v2/settings/objects/nosuch", admin, "PUT", as_json({"value": value}).encode()))
    create_body = as_json([{"schemaId": schema, "scope": "environment", "value": value}]).encode()
    expect("POST settings/objects", 200, get(port, "/api/v2/settings/objects", admin, "POST", create_body))
    expect("POST settings/objects validateOnly", 200,
           get(port, "/api/v2/settings/objects?validateOnly=true", admin, "POST", create_body))
    expect("POST settings/objects bad value", 400,
           get(port, "/api/v2/settings/objects", admin, "POST",
               as_json([{"schemaId": schema, "value": {"x": 1}}]).encode()))
    expect("POST settings/objects another schema", 404,
           get(port, "/api/v2/settings/objects", admin, "POST",
               as_json([{"schemaId": "builtin:x", "value": {}}]).encode()))
    expect("GET settings/schemas/{schemaId}", 200, get(port, f"/api/v2/settings/schemas/{schema}", admin))
    expect("GET settings/schemas/{schemaId} unknown", 404, get(port, "/api/v2/settings/schemas/builtin:x", admin))
    expect("GET settings/effectiveValues", 200,
           get(port, f"/api/v2/settings/effectiveValues?schemaIds={schema}&scope=environment", admin))
    expect("GET settings/effectiveValues another schema", 404,
           get(port, "/api/v2/settings/effectiveValues?schemaIds=builtin:x", admin))

    # tenant token rotation
    expect("POST tenantTokenRotation/finish, none ongoing", 400,
           get(port, "/api/v2/tenantTokenRotation/finish", admin, "POST"))
    expect("POST tenantTokenRotation/cancel, none ongoing", 400,
           get(port, "/api/v2/tenantTokenRotation/cancel", admin, "POST"))
    expect("POST tenantTokenRotation/start", 200, get(port, "/api/v2/tenantTokenRotation/start", admin, "POST"))
    expect("POST tenantTokenRotation/start again", 400,
           get(port, "/api/v2/tenantTokenRotation/start", admin, "POST"))
    expect("POST tenantTokenRotation/cancel", 200, get(port, "/api/v2/tenantTokenRotation/cancel", admin, "POST"))
    expect("POST tenantTokenRotation/start", 200, get(port, "/api/v2/tenantTokenRotation/start", admin, "POST"))
    expect("POST tenantTokenRotation/finish", 200, get(port, "/api/v2/tenantTokenRotation/finish", admin, "POST"))

    # v1: connection info, cluster version, tokens
    info = json.loads(expect("GET connectioninfo", 200,
                             get(port, "/api/v1/deployment/installer/agent/connectioninfo", admin))[2])
    endpoint = info["formattedCommunicationEndpoints"]
    check("connectioninfo points at the mock over the scheme it serves (http here)",
          endpoint == "http://127.0.0.1/communication", endpoint)
    expect("the communication endpoint answers, with an envelope", 501, get(port, "/communication", ""))
    deployment_operations(port, admin, expect)
    expect("GET clusterversion", 200, get(port, "/api/v1/config/clusterversion", admin))
    v1_body = as_json({"name": "v1", "scopes": ["DataExport"], "expiresIn": {"value": 3, "unit": "DAYS"}}).encode()
    v1 = json.loads(expect("POST v1 tokens", 201, get(port, "/api/v1/tokens", admin, "POST", v1_body))[2])["token"]
    for accept in ("text/plain", "text/csv; header=present", "text/csv; header=absent"):
        expect(f"POST v1 tokens as {accept}", 201,
               get(port, "/api/v1/tokens", admin, "POST", v1_body, f"Accept: {accept}\r\n"))
    expect("POST v1 tokens without scopes", 400, get(port, "/api/v1/tokens", admin, "POST", b'{"name":"x"}'))
    v1_id = v1[:v1.rfind(".")]
    expect("GET v1 tokens", 200, get(port, "/api/v1/tokens", admin))
    expect("GET v1 tokens/{id}", 200, get(port, f"/api/v1/tokens/{v1_id}", admin))
    expect("GET v1 tokens/{id} unknown", 404, get(port, "/api/v1/tokens/dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA", admin))
    expect("PUT v1 tokens/{id}", 204,
           get(port, f"/api/v1/tokens/{v1_id}", admin, "PUT", b'{"revoked":true,"name":"v1 renamed"}'))
    expect("PUT v1 tokens/{id} the caller", 400,
           get(port, f"/api/v1/tokens/{admin[:admin.rfind('.')]}", admin, "PUT", b'{"name":"x"}'))
    expect("PUT v1 tokens/{id} unknown", 404,
           get(port, "/api/v1/tokens/dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA", admin, "PUT", b'{"name":"x"}'))
    expect("POST v1 tokens/lookup", 200, get(port, "/api/v1/tokens/lookup", admin, "POST",
                                             as_json({"token": v1}).encode()))
    expect("DELETE v1 tokens/{id}", 204, get(port, f"/api/v1/tokens/{v1_id}", admin, "DELETE"))
    expect("DELETE v1 tokens/{id} unknown", 404, get(port, f"/api/v1/tokens/{v1_id}", admin, "DELETE"))
    expect("DELETE v1 tokens/{id} the caller", 400,
           get(port, f"/api/v1/tokens/{admin[:admin.rfind('.')]}", admin, "DELETE"))


def check_installer_and_settings_options(binary):
    """--token-settings, --installer-versions and --network-zones at start."""
    directory = tempfile.mkdtemp(prefix="e2e-options-", dir=os.environ.get("DTOKEN_TEST_ARTIFACTS"))
    process, port, admin, _ = start(binary, directory, "--token-settings", "newDynatraceTokenFormatEnabled=false",
                                    "--installer-versions", "1.300.1.20250101-000000,1.310.2.20250601-000000",
                                    "--network-zones", "default,zone-b")
    status, _, body = get(port, "/api/v2/apiTokens", admin, "POST", b'{"name":"old","scopes":["metrics.read"]}')
    token = json.loads(body).get("token", "") if status == 201 else ""
    check("--token-settings: new tokens are old-format", re.fullmatch(r"[A-Za-z0-9_-]{21}", token) is not None, body)
    status, _, body = get(port, "/api/v1/deployment/installer/agent/unix/default/latest/metainfo", admin)
    check("--installer-versions: the greatest is the latest",
          status == 200 and json.loads(body)["latestAgentVersion"] == "1.310.2.20250601-000000", body)
    status, _, _ = get(port, "/api/v1/deployment/installer/agent/connectioninfo?networkZone=zone-b", admin)
    check("--network-zones: a configured zone is known", status == 200)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def main(binary, record=None):
    if record and os.path.exists(record):
        os.remove(record)  # never leave an older run's answers for the contract test
    directory = tempfile.mkdtemp(prefix="e2e-", dir=os.environ.get("DTOKEN_TEST_ARTIFACTS"))
    process, port, admin, control_key = start(binary, directory)
    token_id = admin[:admin.rfind(".")]

    # The three prefixes, and keep-alive: three requests on one connection.
    raw = b""
    for prefix in ("/api", "/e/mock00001/api", "/platform/classic/environment-api"):
        raw += (f"GET {prefix}/v2/apiTokens HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Api-Token {admin}\r\n\r\n").encode()
    answers = responses(exchange(port, raw))
    check("pipelined keep-alive", [a[0] for a in answers] == [200, 200, 200], str(answers)[:300])
    check("list body", json.loads(answers[0][2])["totalCount"] == 1)

    # Create, then use the new token.
    status, _, body = get(port, "/api/v2/apiTokens", admin, "POST",
                          b'{"name":"e2e","scopes":["apiTokens.read"]}')
    check("create", status == 201, body)
    created = json.loads(body)["token"]
    status, _, _ = get(port, "/api/v2/apiTokens", created)
    check("created token works", status == 200)

    # Errors, each an envelope.
    for name, (status, headers, body), expected in [
        ("404", get(port, "/api/v2/nothing", admin), 404),
        ("405", get(port, "/api/v2/apiTokens", admin, "PATCH"), 405),
        ("401", get(port, "/api/v2/apiTokens", "dt0c01.AAAA"), 401),
        ("403", get(port, "/api/v2/tenantTokenRotation/start", created, "POST"), 403),
        ("400 json", get(port, "/api/v2/apiTokens", admin, "POST", b"{oops"), 400),
        ("413", get(port, "/api/v2/apiTokens", admin, "POST", b"x" * (1024 * 1024 + 10)), 413),
        ("431", get(port, "/api/v2/apiTokens", admin, extra="X-Big: " + "y" * 9000 + "\r\n"), 431),
    ]:
        check(f"{name} status", status == expected, f"got {status}")
        check(f"{name} envelope", is_envelope(status, headers, body), body[:200])

    bad = responses(exchange(port, b"NOT HTTP AT ALL\r\n\r\n"))
    check("malformed request line", bad and bad[0][0] == 400 and is_envelope(*bad[0]), str(bad)[:200])
    bad = responses(exchange(port, b"GET /api/v2/apiTokens HTTP/1.1\r\nContent-Length: zz\r\n\r\n"))
    check("bad Content-Length", bad and bad[0][0] == 400, str(bad)[:200])

    # An idle connection does not block others.
    idle = socket.create_connection(("127.0.0.1", port))
    status, _, _ = get(port, "/api/v2/apiTokens", admin)
    check("served beside an idle client", status == 200)
    idle.close()

    # The control API: readiness, faults over the wire (a dropped connection, a delayed answer).
    status, _, body = get(port, "/_dtoken/health", "")
    check("health", status == 200 and json.loads(body)["status"] == "ready", body)
    key = f"X-Dtoken-Control-Key: {control_key}\r\n"
    status, _, _ = get(port, "/_dtoken/faults", "", "POST", b'{"path":"v1/config","drop":true,"count":1}', key)
    check("fault added", status == 201)
    dropped = exchange(port, (f"GET /api/v1/config/clusterversion HTTP/1.1\r\nHost: x\r\n"
                              f"Authorization: Api-Token {admin}\r\n\r\n").encode())
    check("dropped connection", dropped == b"", dropped[:100])
    status, _, _ = get(port, "/_dtoken/faults", "", "POST", b'{"path":"v1/config","latency_ms":300,"count":1}', key)
    began = time.monotonic()
    status, _, _ = get(port, "/api/v1/config/clusterversion", admin)
    check("delayed answer", status == 200 and time.monotonic() - began >= 0.3)
    status, _, body = get(port, "/_dtoken/journal?path=clusterversion", "", extra=key)
    check("journal over the wire", status == 200 and len(json.loads(body)["entries"]) == 2, body[:300])
    entries = json.loads(body)["entries"] if status == 200 else []
    check("a dropped request is journaled like others",
          [e["path"] for e in entries] == ["/api/v1/config/clusterversion"] * 2
          and all(e["time"] > "2000" for e in entries), body[:300])

    every_operation(port, admin)

    # Stop: SIGTERM, exit 0; the log has token IDs and no secret.
    process.send_signal(signal.SIGTERM)
    check("exit 0 on SIGTERM", process.wait(timeout=10) == 0)
    log = open(os.path.join(directory, "log")).read()
    check("log has token IDs", token_id in log, log[:300])
    secrets = [t[t.rfind(".") + 1:] for t in (admin, created)]
    check("log has no secret", not any(s in log for s in secrets))
    for line in log.splitlines()[:-1]:
        entry = json.loads(line)
        check("log line fields", set(entry) == {"time", "method", "path", "token_id", "status"}, line)

    # A seed file (as `dtoken generate` writes it) and --admin-token.
    seeds = os.path.join(directory, "seeds.jsonl")
    fixture = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"
    with open(seeds, "w") as out:
        out.write(json.dumps({"index": 0, "type": "dt0c01", "token": fixture}) + "\n")
    process = subprocess.Popen([binary, "--port", "0", "--port-file", os.path.join(directory, "p2"),
                                "--seed-file", seeds, "--admin-token", fixture],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(200):
        if os.path.exists(os.path.join(directory, "p2")):
            break
        time.sleep(0.05)
    # (the admin token is the seeded one: seeding it twice is refused)
    out, err = process.communicate(timeout=10)
    check("admin token seeded twice is refused", process.returncode == 2, err)
    # A seed the mock refuses stops it at start with exit code 2 and the reason.
    bad_seeds = os.path.join(directory, "seeds-refused.jsonl")
    with open(bad_seeds, "w") as out:
        out.write(json.dumps({"token": fixture, "scopes": ["metrics.read", "no.such.scope"]}) + "\n")
    refused = subprocess.run([binary, "--port", "0", "--seed-file", bad_seeds],
                             capture_output=True, text=True, timeout=10)
    check("a seed with an unknown scope: exit 2, naming it",
          refused.returncode == 2 and "unknown scope 'no.such.scope'" in refused.stderr
          and "seeds-refused.jsonl:1" in refused.stderr, refused.stderr)
    process = subprocess.Popen([binary, "--port", "0", "--port-file", os.path.join(directory, "p3"),
                                "--seed-file", seeds], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for _ in range(200):
        if os.path.exists(os.path.join(directory, "p3")):
            break
        time.sleep(0.05)
    port = int(open(os.path.join(directory, "p3")).read())
    status, _, _ = get(port, "/api/v2/apiTokens", fixture)
    check("seeded token works", status == 200)
    process.send_signal(signal.SIGINT)
    check("exit 0 on SIGINT", process.wait(timeout=10) == 0)

    # HTTPS with a certificate made at start: the certificate names 127.0.0.1, and a client that
    # trusts it gets answers over keep-alive.
    import ssl
    import http.client
    port_file = os.path.join(directory, "p4")
    process = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, "--tls-self-signed"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for _ in range(200):
        if os.path.exists(port_file):
            break
        time.sleep(0.05)
    banner = [process.stdout.readline() for _ in range(3)]
    check("https URL", "listening on https://127.0.0.1:" in banner[0], banner[0])
    tls_admin = banner[2].split()[-1]
    port = int(open(port_file).read())
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    context = ssl.create_default_context(cadata=pem)
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    for _ in range(2):
        connection.request("GET", "/api/v2/apiTokens", headers={"Authorization": f"Api-Token {tls_admin}"})
        answer = connection.getresponse()
        check("https request", answer.status == 200 and json.loads(answer.read())["totalCount"] == 1)
    connection.close()
    plain = exchange(port, b"GET /api/v2/apiTokens HTTP/1.1\r\nHost: x\r\n\r\n", timeout=3)
    check("plain HTTP on the TLS port gets no answer", not plain.startswith(b"HTTP/1.1 200"), plain[:80])
    process.send_signal(signal.SIGTERM)
    check("https mock stops", process.wait(timeout=10) == 0)
    bad = subprocess.run([binary, "--port", "0", "--tls-cert", "x.pem"], capture_output=True, text=True)
    check("--tls-cert without --tls-key", bad.returncode == 2, bad.stderr)

    # Usage errors.
    bad = subprocess.run([binary, "--port", "70000"], capture_output=True, text=True)
    check("bad port", bad.returncode == 2, bad.stderr)
    bad = subprocess.run([binary, "--admin-token", "nope", "--port", "0"], capture_output=True, text=True)
    check("bad admin token", bad.returncode == 2, bad.stderr)
    for wrong in ("patEnabled=maybe", "nosuch=true"):
        bad = subprocess.run([binary, "--port", "0", "--token-settings", wrong], capture_output=True, text=True)
        check(f"--token-settings {wrong}", bad.returncode == 2 and "--token-settings" in bad.stderr, bad.stderr)
    check_installer_and_settings_options(binary)
    if record:
        write_recording(record)
    print(f"e2e_test: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    record = None
    if "--record" in arguments:
        at = arguments.index("--record")
        record = arguments[at + 1]
        del arguments[at:at + 2]
    sys.exit(main(arguments[0], record))
