"""The pytest plugin of dtoken_testing (registered through the pytest11 entry point).

Fixtures:
  dtoken_mock   a dtoken-mock server, one per test session, reset before each test.
  dtoken_token  makes deterministic fixture tokens: dtoken_token(), dtoken_token("dt0g02"),
                dtoken_token(index=3); the label is the test's name, so tokens differ by test.
Options: --dtoken-mock-arg=ARG (repeatable) passes ARG to dtoken-mock.
"""
import re

import pytest

from . import MockServer, generate_token


def pytest_addoption(parser):
    parser.addoption("--dtoken-mock-arg", action="append", default=[],
                     help="an argument for dtoken-mock (repeatable)")


@pytest.fixture(scope="session")
def dtoken_mock_session(request):
    server = MockServer(args=request.config.getoption("--dtoken-mock-arg"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dtoken_mock(dtoken_mock_session):
    dtoken_mock_session.reset()
    return dtoken_mock_session


@pytest.fixture
def dtoken_token(request):
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)[:64]

    def make(type="dt0c01", index=0, seed=0, marked=True):
        return generate_token(type=type, index=index, seed=seed, label=label, marked=marked)
    return make
