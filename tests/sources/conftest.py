"""Fixtures for source tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import DATA, Listeners


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    group = Listeners()
    yield group
    group.close()


@pytest.fixture
def nmap_binary() -> str:
    path = shutil.which("nmap")
    if path is None:
        pytest.skip("nmap is not installed")
    return path
