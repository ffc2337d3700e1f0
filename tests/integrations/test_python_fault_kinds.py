"""Each fault kind as Python's urllib sees it, through the dtoken_testing pytest plugin: a reset
is ECONNRESET, an empty answer a RemoteDisconnected, a bad chunk or a short body an incomplete
read, random bytes a bad status line; the real-answer kinds arrive late, slowly or changed. Also
the plugin's fixtures: the server is reset before each test, seeds, the journal, the clock."""
import http.client
import json
import time
import urllib.error
import urllib.request

import pytest


def get(mock, path="/api/v2/apiTokens", token=None, timeout=10):
    request = urllib.request.Request(
        mock.url + path, headers={"Authorization": f"Api-Token {token or mock.admin_token}"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return answer.status, dict(answer.headers), answer.read()


def failure_of(mock):
    try:
        get(mock)
    except Exception as error:  # noqa: BLE001 - the very class is what is checked
        return error
    return None


def test_reset_is_econnreset(dtoken_mock):
    dtoken_mock.fault(kind="reset")
    error = failure_of(dtoken_mock)
    reason = getattr(error, "reason", error)
    assert isinstance(reason, ConnectionResetError), repr(error)


def test_empty_is_a_remote_disconnect(dtoken_mock):
    dtoken_mock.fault(kind="empty", latency_ms=50)
    started = time.monotonic()
    error = failure_of(dtoken_mock)
    assert isinstance(error, http.client.RemoteDisconnected), repr(error)
    assert time.monotonic() - started >= 0.05  # latency combines with a dropped connection


def test_a_malformed_chunk_is_an_incomplete_read(dtoken_mock):
    dtoken_mock.fault(kind="malformed_chunk")
    assert isinstance(failure_of(dtoken_mock), http.client.IncompleteRead)


def test_random_bytes_are_a_bad_status_line(dtoken_mock):
    dtoken_mock.fault(kind="random_bytes", bytes=256, seed=5)
    assert isinstance(failure_of(dtoken_mock), http.client.BadStatusLine)


def test_a_truncated_body_is_an_incomplete_read(dtoken_mock):
    dtoken_mock.fault(kind="truncated")
    assert isinstance(failure_of(dtoken_mock), http.client.IncompleteRead)


def test_a_slow_body_arrives_whole_at_its_rate(dtoken_mock):
    status, _, real = get(dtoken_mock)
    dtoken_mock.fault(kind="slow_body", bytes_per_second=1000, count=1)
    started = time.monotonic()
    status, _, body = get(dtoken_mock)
    elapsed = time.monotonic() - started
    assert status == 200 and body == real
    # (a lower bound the mock's own waits guarantee: the head and the body, 100 bytes at a time
    # every 100 ms, the first step at once)
    assert elapsed >= len(real) / 1000 - 0.1, elapsed


def test_latency_with_jitter_delays_the_real_answer(dtoken_mock):
    dtoken_mock.fault(kind="latency", latency_ms=200, jitter_ms=100, count=1)
    started = time.monotonic()
    assert get(dtoken_mock)[0] == 200
    assert time.monotonic() - started >= 0.2


def test_custom_error_and_429_answers(dtoken_mock):
    dtoken_mock.fault(kind="custom", status=200, body='{"apiTokens": [', count=1,
                      headers={"Content-Type": "application/json"})
    status, _, body = get(dtoken_mock)
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    dtoken_mock.fault(kind="status", status=502, count=1)
    with pytest.raises(urllib.error.HTTPError) as caught:
        get(dtoken_mock)
    assert caught.value.code == 502
    assert json.loads(caught.value.read())["error"]["code"] == 502
    dtoken_mock.fault(kind="rate_limit", retry_after=2, count=1)
    with pytest.raises(urllib.error.HTTPError) as caught:
        get(dtoken_mock)
    assert caught.value.code == 429
    assert caught.value.headers["Retry-After"] == "2"
    assert caught.value.headers["X-RateLimit-Limit"] == "50"
    assert int(caught.value.headers["X-RateLimit-Reset"]) > time.time() * 1_000_000


def test_mutate_changes_the_answer_and_the_journal_says_how(dtoken_mock):
    real = get(dtoken_mock, "/api/v2/apiTokens?fields=%2Bscopes")[2]
    rule = dtoken_mock.fault(kind="mutate", seed=3, count=1)
    mutated = get(dtoken_mock, "/api/v2/apiTokens?fields=%2Bscopes")[2]
    assert mutated != real
    note = dtoken_mock.journal(fault=rule["id"])[0]["fault"]
    assert note["mutation"]["kind"] in ("drop_field", "wrong_type", "huge_string", "non_ascii",
                                        "unknown_field", "null_value", "date_format")
    dtoken_mock.fault(kind="mutate", mutation_seed=note["seed"], count=1)
    assert get(dtoken_mock, "/api/v2/apiTokens?fields=%2Bscopes")[2] == mutated  # replayed


def test_each_test_starts_from_a_reset_mock(dtoken_mock):
    assert dtoken_mock.journal() == []
    rules = dtoken_mock.control("GET", "faults")["faults"]
    assert rules == []


def test_seeds_journal_and_clock(dtoken_mock, dtoken_token):
    token = dtoken_token()
    assert token == dtoken_token() and token != dtoken_token(index=1)
    dtoken_mock.seed(token=token, scopes=["apiTokens.read"], expirationDate="now+1d")
    assert [s["id"] for s in dtoken_mock.seeds()][-1] == token[:31]
    assert get(dtoken_mock, token=token)[0] == 200
    dtoken_mock.advance("25h")
    with pytest.raises(urllib.error.HTTPError) as caught:
        get(dtoken_mock, token=token)
    assert caught.value.code == 401
    assert dtoken_mock.count(status=401, token_id=token[:31]) == 1
    entry = dtoken_mock.journal(status=200)[0]
    assert ["Authorization", "Api-Token " + token[:31]] in entry["headers"]
    with pytest.raises(Exception, match="unknown scope 'nope'"):
        dtoken_mock.seed(token=dtoken_token(index=2), scopes=["nope"])
