"""dtoken scan and redact on tokens in base64 and percent-encoding, against Python's own encoders
(base64, urllib.parse) as the oracle: random files of many lines, each holding a token written
one way or another (or a decoy that holds none), in the syntaxes where encoded tokens leak.

Checks, for every format that carries the fields: each token is found once, with its encoding,
the offset and length of the encoded run, its line and column and its token ID; nothing else is
found, in a file and in standard input alike; --no-decode finds only the plain tokens; dtoken redact masks each encoded run byte for byte
and nothing else but the plain tokens' secrets; dtoken scan --git finds an encoded token in history.

Usage: encoded_cli_test.py PATH/TO/dtoken
"""
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.parse

DTOKEN = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(*args, stdin=None, cwd=None):
    return subprocess.run([DTOKEN, *args], input=stdin, capture_output=True, cwd=cwd)


def tokens(kind, count, seed):
    out = run("generate", "--type", kind, "--count", str(count), "--seed", str(seed), "--label", "encoded")
    return out.stdout.decode().split()


def b64(data, rng):
    encoded = (base64.urlsafe_b64encode if rng.random() < 0.5 else base64.b64encode)(data).decode()
    return encoded.rstrip("=") if rng.random() < 0.3 else encoded


def case(token, rng):
    """One line: (text, expected finding or None); the finding's run is where the text holds it."""
    raw = token.encode()
    kind = rng.choice(["secret_data", "basic", "dockerconfig", "percent_dot", "percent_all", "plain",
                       "decoy_b64", "decoy_percent"])
    if kind == "secret_data":
        run_text = b64(raw, rng)
        head = "  apiToken: "
    elif kind == "basic":
        run_text = b64(b"tenant:" + raw, rng)
        head = "Authorization: Basic "
    elif kind == "dockerconfig":
        config = json.dumps({"auths": {"registry.example": {"username": "t", "password": token}}})
        run_text = b64(config.encode(), rng)
        head = "  .dockerconfigjson: "
    elif kind == "percent_dot":
        run_text = token.replace(".", rng.choice(["%2E", "%2e"]))
        head = "GET /api/v2/entities?Api-Token="
    elif kind == "percent_all":
        run_text = "".join("%%%02X" % byte for byte in raw)
        run_text = run_text if rng.random() < 0.5 else run_text.lower()
        head = "curl https://x.example/?t="
    elif kind == "plain":
        run_text = token
        head = "token: "
    elif kind == "decoy_b64":  # base64 of something that holds no token: no finding
        run_text = b64(("user:" + token[:40]).encode(), rng)
        head = "  other: "
    else:
        run_text = urllib.parse.quote(token[:50], safe="") + "%2Eshort"
        head = "q="
    tail = rng.choice(["\n", " end\n", "&x=1\n", '"\n'])
    expected = None
    if not kind.startswith("decoy"):
        encoding = {"plain": None, "percent_dot": "percent", "percent_all": "percent"}.get(kind, "base64")
        # a percent-encoded token's run is its own encoded bytes; the test leaves it to be all of them
        expected = {"head": len(head), "length": len(run_text), "encoding": encoding,
                    "token_id": token.rsplit(".", 1)[0]}
    return head + run_text + tail, expected


def build(rng, count):
    lines, expected = [], []
    kinds = ["dt0c01", "dt0g02", "dt0s16", "dt0a01"]
    pool = [t for k in kinds for t in tokens(k, count, rng.randrange(1 << 30))]
    offset = 0
    for number in range(1, count + 1):
        text, want = case(rng.choice(pool), rng)
        if want is not None:
            want["offset"] = offset + want.pop("head")
            want["line"] = number
            want["column"] = want["offset"] - offset + 1
            expected.append(want)
        lines.append(text)
        offset += len(text.encode())
    return "".join(lines), expected


def found_records(path, *extra):
    out = run("scan", "--format", "jsonl", *extra, path)
    check(out.returncode in (0, 1), f"scan exited {out.returncode}: {out.stderr.decode()}")
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def compare(records, expected, label):
    got = sorted((r["offset"], r["length"], r.get("encoding"), r["token_id"], r["line"], r["column"])
                 for r in records)
    want = sorted((w["offset"], w["length"], w["encoding"], w["token_id"], w["line"], w["column"])
                  for w in expected)
    check(got == want, f"{label}: findings differ: missing {sorted(set(want) - set(got))[:3]}, "
                       f"extra {sorted(set(got) - set(want))[:3]}")


def redacted(text, expected):
    data = bytearray(text.encode())
    for want in expected:
        begin, end = want["offset"], want["offset"] + want["length"]
        if want["encoding"] is None:
            begin = end - 64  # mask_secret: the secret only
        data[begin:end] = b"*" * (end - begin)
    return bytes(data)


def main():
    rng = random.Random(int(os.environ.get("DTOKEN_TEST_SEED", "2026")))
    with tempfile.TemporaryDirectory() as work:
        for round_number in range(6):
            text, expected = build(rng, 300)
            path = os.path.join(work, f"round{round_number}.yaml")
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            compare(found_records(path), expected, f"round {round_number}")
            piped_scan = run("scan", "--format", "jsonl", "-", stdin=text.encode())
            compare([json.loads(line) for line in piped_scan.stdout.decode().splitlines()], expected,
                    f"round {round_number} from standard input")
            plain_only = [w for w in expected if w["encoding"] is None]
            compare(found_records(path, "--no-decode"), plain_only, f"round {round_number} --no-decode")
            check(len(plain_only) < len(expected), "no encoded token was planted")
            out = run("redact", path)
            check(out.stdout == redacted(text, expected), f"round {round_number}: redact differs")
            piped = run("redact", stdin=text.encode())
            check(piped.stdout == out.stdout, f"round {round_number}: redact of standard input differs")
            sarif = json.loads(run("scan", "--format", "sarif", path).stdout)
            encodings = sorted(r["properties"].get("encoding", "") for r in sarif["runs"][0]["results"])
            check(encodings == sorted(w["encoding"] or "" for w in expected),
                  f"round {round_number}: SARIF results carry other encodings")
        text_line = run("scan", path).stdout.decode()
        check(" (base64)" in text_line and " (percent)" in text_line, "text lines name no encoding")

        # history: a token committed base64-encoded, then deleted
        repo = os.path.join(work, "repo")
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
        subprocess.run(["git", "init", "-q", repo], check=True)
        token = tokens("dt0c01", 1, 99)[0]
        with open(os.path.join(repo, "secret.yaml"), "w") as out:
            out.write("data:\n  apiToken: " + base64.b64encode(token.encode()).decode() + "\n")
        subprocess.run(["git", "-C", repo, "add", "."], check=True, env=env)
        subprocess.run(["git", "-C", repo, "commit", "-qm", "add"], check=True, env=env)
        subprocess.run(["git", "-C", repo, "rm", "-q", "secret.yaml"], check=True, env=env)
        subprocess.run(["git", "-C", repo, "commit", "-qm", "remove"], check=True, env=env)
        history = [json.loads(line) for line in
                   run("scan", "--git", "--format", "jsonl", repo).stdout.decode().splitlines()]
        check([(r["token_id"], r.get("encoding"), r["line"], r["column"]) for r in history] ==
              [(token.rsplit(".", 1)[0], "base64", 2, 13)], f"history: {history}")

    for failure in failures:
        print("FAIL", failure)
    print(f"{len(failures)} failure(s)" if failures else "encoded tokens: scan, redact and history agree with Python's encoders")
    return 1 if failures else 0


sys.exit(main())
