"""Guards for every test (no real network, no writes to the user's home) and the test tiers.

As pre-commit's ``dont_write_to_home_directory``: HOME points at a temp folder,
and any socket connection to a non-loopback address fails the test. Tests are
marked ``e2e`` by where they live (``tests/e2e``, the benchmark smoke) and when they
run a contract over HTTP against a ``sandbox serve`` process, so
``make test-fast`` (``-m "not e2e"``) runs everything else.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# `make test-fast` passes --hypothesis-profile=fast: each property test runs a quarter of
# its examples (a test with a count of its own scales it by
# settings().max_examples / FULL_EXAMPLES).
# `make test` uses the default profile, every example.
FULL_EXAMPLES = 100
settings.register_profile("fast", max_examples=FULL_EXAMPLES // 4)

pytest_plugins = ["pytester"]  # tests/unit/test_tiers.py runs pytest on a small tree

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # unix sockets


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _loopback(address):
        raise AssertionError(f"a test tried to reach the network: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _loopback(address):
        raise AssertionError(f"a test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host not in (None, "localhost") and not _is_ip(host):
        raise AssertionError(f"a test tried to resolve a host name: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _is_ip(host: Any) -> bool:
    try:
        ipaddress.ip_address(host if isinstance(host, str) else host.decode())
        return True
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network_no_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in (
        "PUBLER_API_KEY",
        "PUBLER_WORKSPACE_ID",
        "CONTENTCTL_ENDPOINT",
        "CONTENTCTL_TEST_KILL_AT",
        "NO_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


_TESTS = Path(__file__).parent
# The subprocess end-to-end tier: real servers and killed processes (tests/e2e), the
# benchmark run, and the wheel built and pip-installed into a fresh venv.
_E2E_DIRS = (_TESTS / "e2e",)
_E2E_FILES = frozenset(
    {_TESTS / "unit" / "test_bench_smoke.py", _TESTS / "unit" / "test_distribution.py"}
)


def _starts_its_own_server(item: pytest.Item) -> bool:
    """A contract test over HTTP, against a ``sandbox serve`` process (the worker's shared
    one, or one of its own with ``make_remote``; any parameter ``http`` of contract_support's
    MODES): the subprocess tier. The same test in
    process stays in the fast tier, so ``make test-fast`` still runs every contract."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return False
    return "http" in callspec.params.values()  # MODES: "inprocess" or "http"


@pytest.hookimpl(tryfirst=True)  # before -m deselects, so `-m "not e2e"` sees the marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path
        if (
            path in _E2E_FILES
            or any(path.is_relative_to(d) for d in _E2E_DIRS)
            or _starts_its_own_server(item)
        ):
            item.add_marker(pytest.mark.e2e)
