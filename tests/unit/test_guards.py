"""The autouse guards in tests/conftest.py really guard."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest


def test_guard_refuses_public_address() -> None:
    with pytest.raises(AssertionError, match="reach the network"), socket.socket() as s:
        s.connect(("192.0.2.1", 80))


def test_guard_refuses_name_resolution() -> None:
    with pytest.raises(AssertionError, match="resolve a host name"):
        socket.getaddrinfo("app.publer.com", 443)


def test_home_is_a_temp_folder() -> None:
    assert Path(os.environ["HOME"]) != Path("/root")
    assert "PUBLER_API_KEY" not in os.environ
