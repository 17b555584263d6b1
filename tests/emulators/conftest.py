"""Fixtures for the emulators' own tests.

They run their own network on 127.0.3.x so they never collide with the session-wide
`emulated_network` fixture (127.0.0.20 upwards) that other tests may hold open.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .network import EmulatedNetwork, default_offset, start_network

OWN_BASE = "127.0.3."


@pytest.fixture(scope="module")
def net() -> Iterator[EmulatedNetwork]:
    """Every profile, started once per test module."""
    offset_env = os.environ.get("CUSTODIET_EMU_PORT_OFFSET")
    offset = int(offset_env) if offset_env else default_offset()
    network = start_network(base=OWN_BASE, first=20, port_offset=offset)
    try:
        yield network
    finally:
        network.stop()
