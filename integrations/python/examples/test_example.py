import urllib.error
import urllib.request

import pytest


def test_my_client_gets_a_503_then_its_retry_succeeds(dtoken_mock, dtoken_token):
    token = dtoken_token()  # deterministic, marked as a fixture
    dtoken_mock.seed(token=token, scopes=["apiTokens.read"])
    dtoken_mock.fault(kind="status", status=503, path="/api/v2/apiTokens", count=1)
    get = urllib.request.Request(f"{dtoken_mock.url}/api/v2/apiTokens?pageSize=100",
                                 headers={"Authorization": f"Api-Token {token}"})
    with pytest.raises(urllib.error.HTTPError):  # your client would retry here
        urllib.request.urlopen(get)
    assert urllib.request.urlopen(get).status == 200
    assert dtoken_mock.count(path="/api/v2/apiTokens", query={"pageSize": "100"}) == 2
