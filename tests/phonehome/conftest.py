"""Fixtures of the phone-home tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a not yet existing inventory file."""
    return tmp_path / "inventory.db"
