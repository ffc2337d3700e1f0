"""dtoken-mock over loopback: started on port 0, driven with raw HTTP/1.1, stopped with SIGTERM.

Usage: e2e_test.py PATH/TO/dtoken-mock
Checks keep-alive, the three URL prefixes, error envelopes for 404/405/401/413/431 and malformed
requests, pipelined requests, that the log never holds a secret, and a clean exit on SIGTERM.
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
from harness import check, exchange, failures, get, is_envelope, responses, start  # noqa: E402


def main(binary):
    directory = tempfile.mkdtemp(prefix="e2e-", dir=os.environ.get("DTOKEN_TEST_ARTIFACTS"))
    process, port, admin, control_key = start(binary, directory)
    token_id = admin[:admin.rfind(".")]

    # The three prefixes, and keep-alive: three requests on one connection.
    raw = b""
    for prefix in ("/api", "/e/abc12345/api", "/platform/classic/environment-api"):
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
    print(f"e2e_test: {len(failures)} failures")
    return 1 if failures else 0


sys.exit(main(sys.argv[1]))
