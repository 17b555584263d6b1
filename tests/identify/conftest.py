"""A content folder built from the real vendors, relabels and lists, with test signatures."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from custodiet.identify.compile import content_dir

MakeContent = Callable[..., Path]


@pytest.fixture
def make_content(tmp_path: Path) -> MakeContent:
    """make_content({"http.server.yaml": "yaml text"}) -> a content dir with only those fingerprints."""

    def make(fingerprints: dict[str, str] | None = None) -> Path:
        target = tmp_path / "content"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(
            content_dir(), target, ignore=shutil.ignore_patterns("fingerprints", "__pycache__", "*.py")
        )
        (target / "fingerprints").mkdir()
        for name, text in (fingerprints or {}).items():
            (target / "fingerprints" / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    return make
