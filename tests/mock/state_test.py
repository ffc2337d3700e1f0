"""dtoken-mock --state FILE: acknowledged changes survive kill -9 and restarts; a damaged or
foreign file is refused with a clear error.

Usage: state_test.py PATH/TO/dtoken-mock
"""
import hashlib
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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check, failures  # noqa: E402


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


def check_migration_from_version_1(binary, directory):
    """A state file of schema version 1 (before ActiveGate tokens and token settings) is migrated:
    its tokens and tenant token are kept, and it takes the new kinds of state afterwards."""
    old = os.path.join(directory, "version1.db")
    db = sqlite3.connect(old)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL,"
        " scopes TEXT NOT NULL, enabled INTEGER NOT NULL, personal INTEGER NOT NULL,"
        " creation INTEGER NOT NULL, expiration INTEGER, last_used INTEGER, last_ip TEXT NOT NULL,"
        " modified INTEGER, sequence INTEGER NOT NULL, hash BLOB NOT NULL);"
        "CREATE TABLE tenant (id INTEGER PRIMARY KEY CHECK (id = 1), active TEXT NOT NULL, old TEXT);"
        "INSERT INTO meta VALUES ('dtoken-mock-schema', 1);"
        "INSERT INTO tenant VALUES (1, 'oldtenanttoken000001', NULL);")
    db.execute("INSERT INTO tokens VALUES (?, 'from version 1', 'admin', '[\"apiTokens.read\",\"activeGateTokenManagement.create\"]', 1, 0,"
               " 1700000000000, NULL, NULL, '', NULL, 0, ?)",
               (ADMIN[:31], hashlib.sha256(ADMIN.encode()).digest()))
    db.commit()
    db.close()
    process, port = start(binary, old, directory)
    status, found = call(port, "GET", f"apiTokens/{ADMIN[:31]}")
    check("a version-1 token survives the migration", status == 200 and found["name"] == "from version 1",
          str(found))
    status, gate = call(port, "POST", "activeGateTokens", {"name": "new", "activeGateType": "CLUSTER"})
    check("a migrated file takes ActiveGate tokens", status == 201, str(gate))
    process.send_signal(signal.SIGTERM)
    process.wait()
    version = sqlite3.connect(old).execute("SELECT value FROM meta").fetchone()[0]
    check("the migrated file says version 2", version == 2, str(version))


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
    status, gate = call(port, "POST", "activeGateTokens", {"name": "gate", "activeGateType": "CLUSTER",
                                                           "seedToken": True})
    check("ActiveGate token created", status == 201, str(gate))
    status, gate_gone = call(port, "POST", "activeGateTokens", {"name": "gone", "activeGateType": "ENVIRONMENT"})
    check("ActiveGate token deleted", call(port, "DELETE", f"activeGateTokens/{gate_gone['id']}")[0] == 204)
    settings = {"newDynatraceTokenFormatEnabled": False, "patEnabled": False}
    status, _ = call(port, "POST", "settings/objects", [{"schemaId": "builtin:tokens.token-settings",
                                                         "scope": "environment", "value": settings}])
    check("token settings changed", status == 200)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process, port = start(binary, state, directory)
    status, effective = call(port, "GET", "settings/effectiveValues?schemaIds=builtin:tokens.token-settings")
    check("token settings survive", status == 200 and effective["items"][0]["value"] == settings, str(effective))
    status, found = call(port, "GET", f"apiTokens/{kept['id']}")
    check("created token survives", status == 200 and found["name"] == "kept", str(found))
    check("its secret still works", call(port, "GET", "apiTokens", token=kept["token"])[0] == 200)
    status, found = call(port, "GET", f"apiTokens/{changed['id']}")
    check("update survives", status == 200 and found["name"] == "after" and not found["enabled"], str(found))
    check("delete survives", call(port, "GET", f"apiTokens/{gone['id']}")[0] == 404)
    status, _ = call(port, "POST", "tenantTokenRotation/start")
    check("rotation state survives", status == 400)
    status, found = call(port, "GET", f"activeGateTokens/{gate['id']}")
    check("ActiveGate token survives", status == 200 and found["activeGateType"] == "CLUSTER"
          and found["seedToken"] is True and found["name"] == "gate", str(found))
    check("its secret is still no API token", call(port, "GET", "apiTokens", token=gate["token"])[0] == 401)
    check("ActiveGate delete survives", call(port, "GET", f"activeGateTokens/{gate_gone['id']}")[0] == 404)
    process.send_signal(signal.SIGTERM)
    process.wait()
    with open(state, "rb") as data:
        content = data.read()
    for token in (kept["token"], changed["token"], ADMIN):
        check("no secret in the state file", token[32:].encode() not in content)

    # Kill -9 at random moments of a mixed write workload (creates, updates that change name and
    # scopes together, deletes), from two clients: after each restart every acknowledged change
    # is there, and a change in flight at the kill is there whole or not at all.
    rng = random.Random(7)
    totals = {"create": 0, "update": 0, "delete": 0}
    for round_number in range(20):
        process, port = start(binary, state, directory)
        records = {}  # token ID -> what the client knows of it
        stop = threading.Event()

        def writer(seed):
            local = random.Random(seed)
            mine, n = [], 0
            while not stop.is_set():
                choice = local.random()
                try:
                    if not mine or choice < 0.4:
                        name = f"r{round_number}-{seed}-c"
                        status, created = call(port, "POST", "apiTokens",
                                               {"name": name, "scopes": ["metrics.read"]})
                        if status == 201:
                            records[created["id"]] = {"acked": (name, ["metrics.read"]),
                                                      "pending": None, "deleted": False}
                            mine.append(created["id"])
                            totals["create"] += 1
                    elif choice < 0.8:
                        token_id, n = local.choice(mine), n + 1
                        name = f"r{round_number}-{seed}-u{n}"
                        scopes = ["metrics.read"] if n % 2 else ["logs.ingest", "metrics.read"]
                        records[token_id]["pending"] = ("update", (name, scopes))
                        if call(port, "PUT", f"apiTokens/{token_id}",
                                {"name": name, "scopes": scopes})[0] == 204:
                            records[token_id].update(acked=(name, scopes), pending=None)
                            totals["update"] += 1
                    else:
                        token_id = mine.pop(local.randrange(len(mine)))
                        records[token_id]["pending"] = ("delete", None)
                        if call(port, "DELETE", f"apiTokens/{token_id}")[0] == 204:
                            records[token_id].update(deleted=True, pending=None)
                            totals["delete"] += 1
                except Exception:
                    return  # the kill: what was in flight stays pending

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in threads:
            thread.join()
        process, port = start(binary, state, directory)
        check(f"round {round_number}: writes were acknowledged before the kill", records)
        wrong = []
        for token_id, record in records.items():
            status, found = call(port, "GET", f"apiTokens/{token_id}")
            seen = (found["name"], found["scopes"]) if status == 200 else None
            pending = record["pending"]
            if record["deleted"]:
                allowed = [None]
            elif pending and pending[0] == "delete":
                allowed = [None, record["acked"]]
            elif pending:
                allowed = [record["acked"], pending[1]]
            else:
                allowed = [record["acked"]]
            if seen not in allowed:
                wrong.append(f"{token_id}: {seen} not in {allowed}")
        check(f"round {round_number}: every acknowledged change survives, none half-applied",
              not wrong, "; ".join(wrong[:3]))
        process.send_signal(signal.SIGTERM)
        process.wait()

    print(f"state_test: over 20 kills, {totals['create']} creates, {totals['update']} updates and "
          f"{totals['delete']} deletes acknowledged, none lost")

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
    check_migration_from_version_1(binary, directory)
    print(f"state_test: {len(failures)} failures")
    return 1 if failures else 0


sys.exit(main(sys.argv[1]))
