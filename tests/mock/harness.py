"""Helpers of the mock's loopback tests: start dtoken-mock on port 0, talk raw HTTP/1.1 to it."""
import json
import os
import socket
import subprocess
import time

failures = []
# Every answer that get() receives, for the contract test: (method, target, request content type,
# status, headers, body). The e2e test writes it out with --record.
recorded = []


def check(name, condition, detail=""):
    if not condition:
        failures.append(name)
        print(f"FAIL {name} {detail}")


def start(binary, directory, *extra, preexec_fn=None):
    """Starts the mock; returns (process, port, admin token, control key). Its log goes to
    DIRECTORY/log; preexec_fn runs in the child before the mock (to set limits)."""
    port_file = os.path.join(directory, "port")
    log = open(os.path.join(directory, "log"), "w")
    process = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, *extra],
                               stdout=subprocess.PIPE, stderr=log, text=True,
                               preexec_fn=preexec_fn)
    for _ in range(200):
        if os.path.exists(port_file):
            break
        time.sleep(0.05)
    port = int(open(port_file).read())
    banner = [process.stdout.readline() for _ in range(4)]
    token = banner[2].split()[-1]
    control_key = banner[3].split()[-1] if "control key" in banner[3] else None
    return process, port, token, control_key


def exchange(port, raw, timeout=5):
    """Sends raw bytes on a new connection; returns every byte until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:  # the server may answer (413, 431) and stop reading before all is sent
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            data += chunk
    return data


def responses(data):
    """Splits raw HTTP responses: [(status, headers dict, body bytes)]."""
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
        length = int(headers.get("content-length", "0"))
        out.append((status, headers, rest[:length]))
        data = rest[length:]
    return out


def get(port, path, token, method="GET", body=b"", extra=""):
    raw = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Api-Token {token}\r\n"
           f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
           f"{extra}\r\n").encode() + body
    answer = responses(exchange(port, raw))[0]
    recorded.append((method, path, answer))
    return answer


def write_recording(path):
    """Writes the answers get() received as JSON lines: method, target, status, content_type,
    headers (names in lower case), body (as text)."""
    with open(path, "w") as out:
        for method, target, (status, headers, body) in recorded:
            out.write(json.dumps({"method": method, "target": target, "status": status,
                                  "content_type": headers.get("content-type"), "headers": headers,
                                  "body": body.decode("utf-8", "replace")}) + "\n")


def is_envelope(status, headers, body):
    try:
        error = json.loads(body)["error"]
    except Exception:
        return False
    return error["code"] == status and headers.get("content-type") == "application/json;charset=utf-8"
