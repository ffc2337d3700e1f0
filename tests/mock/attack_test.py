"""dtoken-mock under attack, over loopback.

Usage: attack_test.py PATH/TO/dtoken-mock SOAK_SECONDS [--sanitized]
  1. Malformed HTTP: each gets its 4xx as the JSON error envelope, and the server goes on.
  2. Slow and idle clients (slowloris): each is cut off after --idle-timeout, though it keeps
     sending; other clients are served while they hang on.
  3. A flood of 1,000 connections against a server allowed 256 file descriptors: each is served
     or refused, none hangs, and the server serves again afterwards. (--sanitized: the server
     keeps its own limit, which the flood does not reach: ASan and UBSan need file descriptors
     for their own checks, and without them UBSan reports a false "invalid vptr".)
  4. A soak: wrk at 64 connections for SOAK_SECONDS of reads and writes: no socket error, no
     answer but 2xx, and the resident memory after warm-up does not keep growing.
"""
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, exchange, failures, get, is_envelope, responses, start  # noqa: E402

IDLE_TIMEOUT = 5  # seconds, given to the mock with --idle-timeout


def request(path, token, method="GET", body=b"", extra=""):
    return (f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Api-Token {token}\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def malformed(port, admin):
    auth = f"Authorization: Api-Token {admin}\r\n".encode()
    post = b"POST /api/v2/apiTokens HTTP/1.1\r\nHost: x\r\n" + auth
    cases = [
        ("bad request line", b"GET\r\n\r\n", 400),
        ("unknown HTTP version", b"GET /api/v2/apiTokens HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
        ("bare LF line ends", b"GET /api/v2/apiTokens HTTP/1.1\nHost: x\n\n", 400),
        ("missing Host", b"GET /api/v2/apiTokens HTTP/1.1\r\n" + auth + b"\r\n", 400),
        ("duplicate Host", b"GET /api/v2/apiTokens HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + auth + b"\r\n",
         400),
        ("space in a header name", b"GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", 400),
        ("NUL in a header value", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
        ("a header line over 8 KiB", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n",
         431),
        ("2,000 headers", b"GET / HTTP/1.1\r\nHost: x\r\n"
         + b"".join(b"X-%d: y\r\n" % i for i in range(2000)) + b"\r\n", 431),
        ("negative Content-Length", post + b"Content-Length: -5\r\n\r\n", 400),
        ("Content-Length not a number", post + b"Content-Length: zz\r\n\r\n", 400),
        ("Content-Length beyond 64 bits", post + b"Content-Length: 99999999999999999999999\r\n\r\n",
         400),
        ("two Content-Lengths", post + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef", 400),
        ("a body over 1 MB", post + b"Content-Length: 2000000\r\n\r\n" + b"x" * 2_000_000, 413),
        ("Content-Length and chunked", post + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"0\r\n\r\n", 400),
        ("Transfer-Encoding not ending in chunked", post + b"Transfer-Encoding: gzip\r\n\r\nabc", 400),
        ("chunk size not hex", post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        ("chunk size beyond 64 bits",
         post + b"Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400),
        ("chunk longer than its size", post + b"Transfer-Encoding: chunked\r\n\r\n5\r\nabcdefgh\r\n0\r\n\r\n",
         400),
        ("chunked body over 1 MB", post + b"Transfer-Encoding: chunked\r\n\r\n200000\r\n"
         + b"x" * 0x200000 + b"\r\n0\r\n\r\n", 413),
        ("invalid UTF-8 in the JSON", post + b"Content-Length: 30\r\n\r\n"
         + b'{"name":"\xff\xfe","scopes":["a"]}'[:30].ljust(30), 400),
        ("invalid JSON", post + b"Content-Length: 5\r\n\r\n{oops", 400),
        ("a method the route lacks", b"BREW /api/v2/apiTokens HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n",
         405),
        ("TRACE", b"TRACE /api/v2/apiTokens HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n", 405),
    ]
    for name, raw, expected in cases:
        answers = responses(exchange(port, raw, timeout=10))
        ok = bool(answers) and answers[0][0] == expected and is_envelope(*answers[0])
        check(f"malformed: {name} -> {expected}", ok, str(answers)[:300])

    # Pipelined: a good request, a malformed one, a good one. The first is answered, the second
    # gets its 400 and ends the connection, the third is never read.
    raw = (request("/api/v2/apiTokens", admin) + b"GET / HTTP/1.1\r\nContent-Length: zz\r\n\r\n"
           + request("/api/v2/apiTokens", admin))
    answers = responses(exchange(port, raw))
    check("pipelined good, bad, good", [a[0] for a in answers] == [200, 400], str(answers)[:300])
    status, _, _ = get(port, "/api/v2/apiTokens", admin)
    check("served after the malformed requests", status == 200)


def slow_clients(port, admin):
    # 40 clients that send a header line every 0.2 s and never finish, 40 that send nothing.
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    for s in slow:
        s.sendall(b"GET /api/v2/apiTokens HTTP/1.1\r\nHost: x\r\n")
    closed = {}
    stop = threading.Event()

    def dribble():
        n = 0
        while not stop.is_set() and len(closed) < len(slow):
            for i, s in enumerate(slow):
                if i in closed:
                    continue
                try:
                    s.sendall(b"X-%d: y\r\n" % n)
                except OSError:
                    closed[i] = time.monotonic()
            n += 1
            time.sleep(0.2)

    dribbler = threading.Thread(target=dribble)
    dribbler.start()
    # Others are served while the slow ones hang on.
    served = [get(port, "/api/v2/apiTokens", admin)[0] for _ in range(20)]
    cut_before_served = len(closed)
    check("served beside 80 slow and idle clients", served == [200] * 20, str(served))
    check("the others were served while the slow clients hung on", cut_before_served == 0,
          f"{cut_before_served} slow clients were cut off first")

    # Every slow and idle client is cut off (EOF or reset) after the idle timeout: the deadline
    # covers the whole request, so dribbling does not extend it. 30 s is a bound for a hang.
    def cut_off(s):
        s.settimeout(30)
        try:
            while s.recv(4096):
                pass
        except socket.timeout:
            return False
        except OSError:
            pass
        return True

    idle_cut = all(cut_off(s) for s in idle)
    stop.set()
    dribbler.join()
    slow_cut = all(cut_off(s) for s in slow)
    check("idle clients cut off", idle_cut)
    check("slow clients cut off though they keep sending", slow_cut)
    for s in slow + idle:
        s.close()


def flood(binary, directory, sanitized):
    # The mock may hold 256 file descriptors; 1,000 connections come at once, each with a request.
    def limit():
        if not sanitized:
            resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    flood_dir = os.path.join(directory, "flood")
    os.mkdir(flood_dir)
    process, port, admin, _ = start(binary, flood_dir, "--idle-timeout", "10", "--quiet",
                                    preexec_fn=limit)
    connections, refused = [], 0
    for _ in range(1000):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(request("/api/v1/config/clusterversion", admin, extra="Connection: close\r\n"))
            connections.append(s)
        except OSError:
            refused += 1
    served = 0
    for s in connections:
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            check("no flood connection hangs", False)
        except OSError:
            pass
        s.close()
        answers = responses(data) if data else []
        if answers and answers[0][0] == 200:
            served += 1
        else:
            refused += 1
    print(f"flood: {served} served, {refused} refused")
    check("flood: every connection served or refused", served + refused == 1000)
    check("flood: more served than the mock could hold at once", served > 256, f"{served}")
    check("flood: the mock is alive", process.poll() is None)
    status, _, _ = get(port, "/api/v2/apiTokens", admin)
    check("flood: served afterwards", status == 200)
    process.send_signal(signal.SIGTERM)
    check("flood: clean exit", process.wait(timeout=10) == 0)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def soak(binary, directory, seconds, sanitized):
    soak_dir = os.path.join(directory, "soak")
    os.mkdir(soak_dir)
    if sanitized:
        # ASan holds freed memory in a quarantine of 256 MB by default, which RSS would count as
        # growth; a small one keeps the check meaningful (LeakSanitizer checks leaks at exit).
        options = os.environ.get("ASAN_OPTIONS", "")
        os.environ["ASAN_OPTIONS"] = (options + ":" if options else "") + "quarantine_size_mb=8"
    process, port, admin, _ = start(binary, soak_dir, "--threads", "2")
    status, _, body = get(port, "/api/v2/apiTokens", admin, "POST",
                          b'{"name":"soak target","scopes":["metrics.read"]}')
    check("soak: target created", status == 201, body)
    target = json.loads(body)["token"]
    target_id = target[:target.rfind(".")]
    samples = []
    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "--timeout", "10s", "-s",
         os.path.join(os.path.dirname(os.path.abspath(__file__)), "soak.lua"),
         f"http://127.0.0.1:{port}", "--", admin, target_id, target],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while wrk.poll() is None:
        samples.append(rss_kib(process.pid))
        time.sleep(1)
    output = wrk.stdout.read()
    print(output)
    total = re.search(r"(\d+) requests in", output)
    requests = int(total.group(1)) if total else 0
    check("soak: wrk ran", wrk.returncode == 0 and requests > 0, output)
    check("soak: no socket errors", "Socket errors" not in output, output)
    check("soak: every answer 2xx", "Non-2xx" not in output, output)
    # Warm-up is the first quarter (the journal fills to its 10,000 entries, the allocator finds
    # its size); after it, growth beyond allocator noise would be a leak.
    warm = samples[len(samples) // 4] if samples else 0
    end = samples[-1] if samples else 0
    print(f"soak: {requests} requests in {seconds}s, RSS {samples[0] if samples else 0} KiB at start, "
          f"{warm} KiB after warm-up, {end} KiB at the end")
    check("soak: memory stable after warm-up", 0 < end <= warm * 1.2 + 8192, f"{warm} -> {end} KiB")
    status, _, body = get(port, "/api/v2/apiTokens/" + target_id, admin)
    check("soak: served afterwards", status == 200, body)
    process.send_signal(signal.SIGTERM)
    check("soak: clean exit", process.wait(timeout=10) == 0)


def main(binary, soak_seconds, sanitized):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    directory = tempfile.mkdtemp(prefix="attack-", dir=os.environ.get("DTOKEN_TEST_ARTIFACTS"))
    process, port, admin, _ = start(binary, directory, "--idle-timeout", str(IDLE_TIMEOUT))
    malformed(port, admin)
    slow_clients(port, admin)
    check("alive after malformed and slow clients", process.poll() is None)
    process.send_signal(signal.SIGTERM)
    check("clean exit", process.wait(timeout=10) == 0)
    flood(binary, directory, sanitized)
    soak(binary, directory, soak_seconds, sanitized)
    print(f"attack_test: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), "--sanitized" in sys.argv[3:]))
