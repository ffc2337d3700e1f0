"""Thin helpers over the real dtoken-mock and dtoken binaries, for test suites.

MockServer starts dtoken-mock on a free port, waits until GET /_dtoken/health answers, and wraps
its control API (/_dtoken/: seeds, faults, journal, clock, reset). generate_token() runs
`dtoken generate`. The binaries are found through DTOKEN_MOCK and DTOKEN, or on PATH.
"""
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["MockServer", "generate_token", "find_binary", "DtokenError"]

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class DtokenError(RuntimeError):
    """A binary is missing, the mock did not start, or the control API refused a request."""


def find_binary(name, variable):
    """The path of `name`: the environment variable `variable`, else PATH."""
    path = os.environ.get(variable) or shutil.which(name)
    if not path:
        raise DtokenError(f"{name} not found: put it on PATH or set {variable} "
                          f"(build it with: bash scripts/build.sh build)")
    return path


def generate_token(type="dt0c01", index=0, seed=0, label="dtoken", marked=True, dtoken=None):
    """A deterministic fixture token from `dtoken generate` (the same on every machine)."""
    command = [dtoken or find_binary("dtoken", "DTOKEN"), "generate", "--type", type,
               "--start", str(index), "--seed", str(seed), "--label", label]
    if marked:
        command.append("--marked")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DtokenError(f"dtoken generate failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _random_admin_token():
    def part(length):
        return "".join(secrets.choice(_BASE32) for _ in range(length))
    return f"dt0c01.{part(24)}.{part(64)}"


class MockServer:
    """One dtoken-mock process. Use start()/stop(), or `with MockServer() as mock:`."""

    def __init__(self, args=(), binary=None, environment="mock00001", timeout=10.0):
        self.binary = binary or find_binary("dtoken-mock", "DTOKEN_MOCK")
        self.args = list(args)
        self.environment = environment
        self.timeout = timeout
        self.admin_token = _random_admin_token()
        self.control_key = secrets.token_hex(16)
        self.process = None
        self.port = None
        self._directory = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def environment_url(self):
        return f"{self.url}/e/{self.environment}"

    @property
    def log_path(self):
        """The mock's request log (one JSON line per request, token IDs only)."""
        return os.path.join(self._directory.name, "log")

    def start(self):
        self._directory = tempfile.TemporaryDirectory(prefix="dtoken-mock-")
        port_file = os.path.join(self._directory.name, "port")
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [self.binary, "--port", "0", "--port-file", port_file,
                 "--admin-token", self.admin_token, "--control-key", self.control_key,
                 "--environment-id", self.environment, *self.args],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DtokenError(f"dtoken-mock exited with {self.process.returncode}: "
                                  + open(self.log_path).read().strip())
            if self.port is None and os.path.exists(port_file):
                text = open(port_file).read().strip()
                self.port = int(text) if text else None
            if self.port is not None and self._healthy():
                return self
            time.sleep(0.02)
        self.stop()
        raise DtokenError(f"dtoken-mock did not become healthy in {self.timeout} s")

    def _healthy(self):
        try:
            with urllib.request.urlopen(f"{self.url}/_dtoken/health", timeout=1) as answer:
                return answer.status == 200
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exception):
        self.stop()

    def control(self, method, path, body=None, query=None):
        """A call to the control API: its JSON answer; DtokenError with the mock's message on
        an error status."""
        target = f"{self.url}/_dtoken/{path}"
        if query:
            target += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(target, data=data, method=method, headers={
            "X-Dtoken-Control-Key": self.control_key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise DtokenError(f"{method} /_dtoken/{path}: {error.code} {error.read().decode()}")

    def seed(self, *seeds, **fields):
        """Adds seeds: dicts ({"token": ..., "scopes": [...], ...}), token strings, or one seed
        given as keyword arguments. All or none are added."""
        batch = [{"token": s} if isinstance(s, str) else s for s in seeds]
        if fields:
            batch.append(fields)
        return self.control("POST", "seeds", batch)

    def seeds(self):
        return self.control("GET", "seeds")["seeds"]

    def remove_seed(self, token_id):
        return self.control("DELETE", "seeds/" + urllib.parse.quote(token_id, safe=""))

    def fault(self, **rule):
        """Adds a fault rule (kind=..., path=..., ...): the rule with its id."""
        return self.control("POST", "faults", rule)

    def clear_faults(self):
        return self.control("DELETE", "faults")

    @staticmethod
    def _filters(filters):
        query = []
        for name, value in filters.items():
            if name in ("query", "header") and isinstance(value, dict):
                query += [(name, k if v is True else f"{k}={v}") for k, v in value.items()]
            elif value is not None:
                query.append((name, str(value)))
        return query

    def journal(self, **filters):
        """The journal's entries, oldest first. Filters: method, path, status, token_id, body,
        fault, query={"pageSize": "500"} or {"nextPageKey": True}, header={...}."""
        return self.control("GET", "journal", query=self._filters(filters))["entries"]

    def count(self, **filters):
        """How many journal entries the filters select (for verify-style assertions)."""
        return self.control("GET", "journal/count", query=self._filters(filters))["count"]

    def advance(self, duration):
        """Moves the test clock on: "25h", "90m", "1d", or seconds as a number."""
        if isinstance(duration, (int, float)):
            return self.control("POST", "clock", {"advance_ms": int(duration * 1000)})
        return self.control("POST", "clock", {"advance": duration})

    def set_time(self, when, freeze=False):
        """Sets the test clock to `when` (ISO 8601, or relative such as "now+1d")."""
        return self.control("POST", "clock", {"time": when, "freeze": freeze})

    def real_time(self):
        return self.control("DELETE", "clock")

    def reset(self):
        """Back to the start state (seeds kept); journal, faults and the test clock cleared."""
        return self.control("POST", "reset")
