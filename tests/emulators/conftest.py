"""Fixtures for the emulators' own tests.

They run their own network on 127.0.3.x so they never collide with the session-wide
`emulated_network` fixture (127.0.0.20 upwards) that other tests may hold open. Under
pytest-xdist every worker uses its own 127.N.x.x block.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .network import EmulatedNetwork, default_offset, start_network, worker_index


def own_base() -> str:
    """127.0.3.x, or 127.N.3.x for pytest-xdist worker gwN."""
    return f"127.{worker_index()}.3."


@pytest.fixture(scope="module")
def net() -> Iterator[EmulatedNetwork]:
    """Every profile, started once per test module."""
    offset_env = os.environ.get("CUSTODIET_EMU_PORT_OFFSET")
    offset = int(offset_env) if offset_env else default_offset()
    network = start_network(base=own_base(), first=20, port_offset=offset)
    try:
        yield network
    finally:
        network.stop()
