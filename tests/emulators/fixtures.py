"""pytest plugin: a session-wide emulated network.

Load it from tests/conftest.py with

    pytest_plugins = ["tests.emulators.fixtures"]

and ask for `emulated_network` in a test. As root the devices listen on their real
ports; otherwise every port is shifted by 10000 (CUSTODIET_EMU_PORT_OFFSET overrides),
and Device.ports has the real numbers. CUSTODIET_EMU_BASE / CUSTODIET_EMU_FIRST move the
address block (default 127.0.0.20 upwards; 127.N.0.20 for pytest-xdist worker gwN) if it
collides with something else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .network import EmulatedNetwork, default_offset, start_network, worker_index


def _settings() -> tuple[str, int, int]:
    worker = worker_index()
    base = os.environ.get("CUSTODIET_EMU_BASE", f"127.{worker}.0." if worker else "127.0.0.")
    first = int(os.environ.get("CUSTODIET_EMU_FIRST", "20"))
    offset_env = os.environ.get("CUSTODIET_EMU_PORT_OFFSET")
    offset = int(offset_env) if offset_env else default_offset()
    return base, first, offset


@pytest.fixture(scope="session")
def emulated_network() -> Iterator[EmulatedNetwork]:
    """All profiles running, one loopback address each, for the whole test session."""
    base, first, offset = _settings()
    try:
        net = start_network(base=base, first=first, port_offset=offset)
    except OSError as exc:
        pytest.skip(f"cannot bind the emulated network on {base}{first}+ (offset {offset}): {exc}")
    try:
        yield net
    finally:
        net.stop()
