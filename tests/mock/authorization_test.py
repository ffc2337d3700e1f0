"""The authorization table of dtoken-mock, over loopback: every endpoint with no token, a
malformed one, an unknown one, an expired one, a disabled one, one lacking the scope, and (for
DELETE) another owner's personal access token. Each gets its exact status and the error
envelope, and leaves the state as it was. Then dtoken's own scanner checks that the log, the
journal and the state file hold no secret.

Usage: authorization_test.py PATH/TO/dtoken-mock PATH/TO/dtoken
"""
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ADMIN = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, failures  # noqa: E402


def call(port, method, path, token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        all_headers["Authorization"] = f"Api-Token {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def main(binary, dtoken):
    directory = tempfile.mkdtemp(prefix="authorization-", dir=os.environ.get("DTOKEN_TEST_ARTIFACTS"))
    port_file = os.path.join(directory, "port")
    state = os.path.join(directory, "state.db")
    log = open(os.path.join(directory, "log"), "w")
    process = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, "--admin-token", ADMIN,
                                "--control-key", "key", "--state", state],
                               stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(400):
        if os.path.exists(port_file):
            break
        time.sleep(0.025)
    port = int(open(port_file).read())
    api = "/api"

    def create(body, token=ADMIN):
        status, _, data = call(port, "POST", f"{api}/v2/apiTokens", token, body)
        assert status == 201, data
        return json.loads(data)["token"]

    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
    expiring = create({"name": "expiring", "scopes": ["apiTokens.read", "apiTokens.write"],
                       "expirationDate": soon.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
    disabled = create({"name": "disabled", "scopes": ["apiTokens.read", "apiTokens.write"]})
    check("disable", call(port, "PUT", f"{api}/v2/apiTokens/{disabled[:31]}", ADMIN, {"enabled": False})[0] == 204)
    scopeless = create({"name": "scopeless", "scopes": ["metrics.read"]})
    call(port, "POST", "/_dtoken/seeds", None,
         {"token": "dt0c01.OTHEROWNERADMIN000000000.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
          "owner": "bob"}, {"X-Dtoken-Control-Key": "key"})
    other_pat = create({"name": "bob's pat", "scopes": ["apiTokens.read", "apiTokens.write"],
                        "personalAccessToken": True},
                       "dt0c01.OTHEROWNERADMIN000000000.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM")
    victim = create({"name": "victim", "scopes": ["metrics.read"]})
    # The expiring token expires: the mock's clock is the real one, so wait it out.
    deadline = time.time() + 30
    while call(port, "GET", f"{api}/v2/apiTokens", expiring)[0] != 401 and time.time() < deadline:
        time.sleep(0.2)

    endpoints = [  # method, path, scope, body
        ("GET", "/v2/apiTokens", "apiTokens.read", None),
        ("POST", "/v2/apiTokens", "apiTokens.write", {"name": "x", "scopes": ["metrics.read"]}),
        ("GET", f"/v2/apiTokens/{victim[:31]}", "apiTokens.read", None),
        ("PUT", f"/v2/apiTokens/{victim[:31]}", "apiTokens.write", {"name": "changed"}),
        ("DELETE", f"/v2/apiTokens/{victim[:31]}", "apiTokens.write", None),
        ("POST", "/v2/apiTokens/lookup", None, {"token": victim}),
        ("GET", "/v1/tokens", "TenantTokenManagement", None),
        ("POST", "/v1/tokens", "TenantTokenManagement", {"name": "x", "scopes": ["DataExport"]}),
        ("GET", f"/v1/tokens/{victim[:31]}", "TenantTokenManagement", None),
        ("PUT", f"/v1/tokens/{victim[:31]}", "TenantTokenManagement", {"revoked": True}),
        ("DELETE", f"/v1/tokens/{victim[:31]}", "TenantTokenManagement", None),
        ("POST", "/v1/tokens/lookup", None, {"token": victim}),
        ("POST", "/v2/tenantTokenRotation/start", "tenantTokenRotation.write", None),
        ("POST", "/v2/tenantTokenRotation/finish", "tenantTokenRotation.write", None),
        ("POST", "/v2/tenantTokenRotation/cancel", "tenantTokenRotation.write", None),
        ("GET", "/v1/deployment/installer/agent/connectioninfo", "InstallerDownload", None),
        ("GET", "/v1/config/clusterversion", "DataExport", None),
    ]
    callers = [  # name, token, expected status (None: depends on the scope)
        ("no token", None, 401),
        ("malformed", "dt0c01.NOTATOKEN", 401),
        ("unknown", "dt0c01.ST2EY72KQINMH574WMNVI7YN.AAAAPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM", 401),
        ("expired", expiring, 401),
        ("disabled", disabled, 401),
        ("lacking the scope", scopeless, None),
    ]
    listing = lambda: call(port, "GET", f"{api}/v2/apiTokens?fields=%2Bscopes,%2BexpirationDate", ADMIN)[2]
    rotation = lambda: call(port, "GET", f"{api}/v1/deployment/installer/agent/connectioninfo", ADMIN)[2]
    strip = lambda text: json.dumps([{k: v for k, v in t.items() if k != "lastUsedDate"}
                                     for t in json.loads(text)["apiTokens"]])
    before = (strip(listing()), json.loads(rotation())["tenantToken"])
    for method, path, scope, body in endpoints:
        for name, token, expected in callers:
            status, headers, data = call(port, method, api + path, token, body)
            want = expected if expected is not None else (403 if scope is not None else None)
            if want is None:  # lookup takes any scope: it answers
                check(f"{method} {path} {name}", status == 200, f"got {status}")
                continue
            check(f"{method} {path} {name}", status == want, f"got {status}: {data[:200]}")
            try:
                error = json.loads(data)["error"]
                ok = error["code"] == want and headers["Content-Type"] == "application/json;charset=utf-8"
                if want == 403:
                    ok = ok and error["message"].startswith(
                        f"Token is missing required scope. Use one of: {scope}")
            except Exception:
                ok = False
            check(f"{method} {path} {name}: envelope", ok, data[:200])
    # Another owner's personal access token cannot delete; nothing changed.
    status, _, data = call(port, "DELETE", f"{api}/v2/apiTokens/{victim[:31]}", other_pat)
    check("another owner's PAT deletes", status == 403, f"got {status}")
    after = (strip(listing()), json.loads(rotation())["tenantToken"])
    check("no state change", before == after, f"{before}\n{after}")

    # Secrets: none in the log, the journal or the state file, by dtoken's own scanner.
    status, _, journal = call(port, "GET", "/_dtoken/journal", None, headers={"X-Dtoken-Control-Key": "key"})
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
    log.close()
    for name, content in [("log", open(os.path.join(directory, "log"), "rb").read()),
                          ("journal", journal),
                          ("state file", open(state, "rb").read() +
                           (open(state + "-wal", "rb").read() if os.path.exists(state + "-wal") else b""))]:
        scan = subprocess.run([dtoken, "scan", "--profile", "family", "-"], input=content, capture_output=True)
        check(f"no secret in the {name}", scan.returncode == 0, scan.stdout.decode()[:300])
        check(f"the {name} is not empty", len(content) > 100)
    # (the scanner does find them when they are there)
    scan = subprocess.run([dtoken, "scan", "-"], input=ADMIN.encode(), capture_output=True)
    check("the scanner finds a secret", scan.returncode == 1)
    print(f"authorization_test: {len(endpoints)} endpoints x {len(callers)} callers, {len(failures)} failures")
    return 1 if failures else 0


sys.exit(main(sys.argv[1], sys.argv[2]))
