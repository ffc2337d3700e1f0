"""dtoken-mock --state FILE: acknowledged changes survive kill -9 and restarts; a damaged or
foreign file is refused with a clear error.

Usage: state_test.py PATH/TO/dtoken-mock
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ADMIN = "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"
failures = []


def check(name, condition, detail=""):
    if not condition:
        failures.append(name)
        print(f"FAIL {name} {detail}")


def start(binary, state, directory):
    port_file = os.path.join(directory, "port")
    if os.path.exists(port_file):
        os.remove(port_file)
    process = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, "--quiet",
                                "--state", state, "--admin-token", ADMIN],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(400):
        if os.path.exists(port_file) or process.poll() is not None:
            break
        time.sleep(0.025)
    if process.poll() is not None:
        raise RuntimeError("the mock did not start: " + process.stderr.read())
    return process, int(open(port_file).read())


def call(port, method, path, body=None, token=ADMIN):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v2/{path}", data=data, method=method,
                                     headers={"Authorization": f"Api-Token {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def main(binary):
    directory = tempfile.mkdtemp(prefix="state-", dir=os.environ.get("DTOKEN_TEST_ARTIFACTS"))
    state = os.path.join(directory, "state.db")

    # Create, update, delete, rotate; kill -9; everything acknowledged is there after a restart.
    process, port = start(binary, state, directory)
    status, kept = call(port, "POST", "apiTokens", {"name": "kept", "scopes": ["apiTokens.read"]})
    check("create", status == 201)
    status, changed = call(port, "POST", "apiTokens", {"name": "before", "scopes": ["metrics.read"]})
    status, gone = call(port, "POST", "apiTokens", {"name": "gone", "scopes": ["metrics.read"]})
    check("update", call(port, "PUT", f"apiTokens/{changed['id']}", {"name": "after", "enabled": False})[0] == 204)
    check("delete", call(port, "DELETE", f"apiTokens/{gone['id']}")[0] == 204)
    status, rotation = call(port, "POST", "tenantTokenRotation/start")
    check("rotation", status == 200)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process, port = start(binary, state, directory)
    status, found = call(port, "GET", f"apiTokens/{kept['id']}")
    check("created token survives", status == 200 and found["name"] == "kept", str(found))
    check("its secret still works", call(port, "GET", "apiTokens", token=kept["token"])[0] == 200)
    status, found = call(port, "GET", f"apiTokens/{changed['id']}")
    check("update survives", status == 200 and found["name"] == "after" and not found["enabled"], str(found))
    check("delete survives", call(port, "GET", f"apiTokens/{gone['id']}")[0] == 404)
    status, _ = call(port, "POST", "tenantTokenRotation/start")
    check("rotation state survives", status == 400)
    process.send_signal(signal.SIGTERM)
    process.wait()
    with open(state, "rb") as data:
        content = data.read()
    for token in (kept["token"], changed["token"], ADMIN):
        check("no secret in the state file", token[32:].encode() not in content)

    # Kill -9 at random moments of a stream of creates: every acknowledged one is there.
    rng = random.Random(7)
    total_acknowledged = 0
    for round_number in range(20):
        process, port = start(binary, state, directory)
        acknowledged = []
        stop = threading.Event()

        def writer():
            while not stop.is_set():
                try:
                    status, created = call(port, "POST", "apiTokens",
                                           {"name": f"r{round_number}", "scopes": ["metrics.read"]})
                except Exception:
                    return
                if status == 201:
                    acknowledged.append(created["id"])

        threads = [threading.Thread(target=writer) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in threads:
            thread.join()
        process, port = start(binary, state, directory)
        check(f"round {round_number}: writes were acknowledged before the kill", acknowledged)
        total_acknowledged += len(acknowledged)
        missing = [i for i in acknowledged if call(port, "GET", f"apiTokens/{i}")[0] != 200]
        check(f"round {round_number}: every acknowledged create survives", not missing,
              f"{len(missing)} of {len(acknowledged)} lost")
        process.send_signal(signal.SIGTERM)
        process.wait()

    print(f"state_test: {total_acknowledged} acknowledged creates over 20 kills, none lost")

    # A damaged file, and a foreign SQLite database: refused, with a clear message.
    damaged = os.path.join(directory, "damaged.db")
    with open(damaged, "wb") as out:
        out.write(b"this is not a database" * 100)
    result = subprocess.run([binary, "--port", "0", "--state", damaged], capture_output=True, text=True, timeout=30)
    check("damaged file refused", result.returncode == 2 and "cannot be used" in result.stderr, result.stderr)
    foreign = os.path.join(directory, "foreign.db")
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.commit()
    result = subprocess.run([binary, "--port", "0", "--state", foreign], capture_output=True, text=True, timeout=30)
    check("foreign database refused", result.returncode == 2 and "not a dtoken-mock state" in result.stderr,
          result.stderr)
    with open(damaged, "rb") as data:
        check("the damaged file is left as it was", data.read() == b"this is not a database" * 100)
    print(f"state_test: {len(failures)} failures")
    return 1 if failures else 0


sys.exit(main(sys.argv[1]))
