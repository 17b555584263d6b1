"""Odd input paths (issue 12, row 13): a FIFO, /dev/zero, a symlink loop, a folder where a file is
expected. Each gets an accurate message, never "no such file", and nothing blocks or reads
forever (a FIFO without a writer, /dev/zero)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet.cli.exits import Exit
from custodiet.errors import InputError
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.paths import open_input, problem
from custodiet.sources.registry import READERS

from .helpers import deadline

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "examples" / "inventory.csv"


@pytest.fixture
def odd(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    (tmp_path / "dangling").symlink_to(tmp_path / "absent")
    (tmp_path / "folder").mkdir()
    return {
        "fifo": fifo,
        "zero": Path("/dev/zero"),
        "loop": tmp_path / "loop-a",
        "dangling": tmp_path / "dangling",
        "folder": tmp_path / "folder",
        "missing": tmp_path / "missing.csv",
    }


EXPECTED = {
    "fifo": "is a FIFO (named pipe), not a regular file",
    "zero": "is a character device, not a regular file",
    "loop": "symlink loop (or too many levels of symlinks)",
    "dangling": "broken symlink (its target does not exist)",
    "folder": "is a folder, not a file",
    "missing": "no such file or folder",
}


def test_each_odd_path_is_named_for_what_it_is(odd: dict[str, Path]) -> None:
    assert {name: problem(path) for name, path in odd.items()} == EXPECTED
    assert problem(odd["folder"], folder_ok=True) is None
    assert problem(INVENTORY) is None


@pytest.mark.parametrize("name", ["fifo", "zero", "loop", "folder", "missing"])
def test_no_reader_blocks_or_reads_forever(odd: dict[str, Path], name: str) -> None:
    path = odd[name]
    with deadline(10):
        with pytest.raises(InputError) as caught:
            open_input(path, "x").close()
        assert EXPECTED[name] in caught.value.message
        with pytest.raises(InputError, match=r"FIFO|character device|symlink loop|folder|no such file"):
            detect_format(path, path.name)
        for fmt, reader in READERS.items():
            with pytest.raises(InputError) as caught:
                list(reader(path, path.name, ReadStats(), SourceOptions()))
            assert caught.value.file == path.name, fmt
            assert EXPECTED[name] in caught.value.message, (fmt, caught.value.message)


def custodiet(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CUSTODIET_DB": str(tmp_path / "db.sqlite"), "COLUMNS": "300"},
    )


def test_audit_names_odd_paths_and_audits_the_rest(odd: dict[str, Path], tmp_path: Path) -> None:
    result = custodiet(
        tmp_path, "audit", odd["fifo"], odd["zero"], odd["loop"], INVENTORY, "--json", tmp_path / "r.json"
    )
    assert result.returncode == Exit.INPUT, result.stderr
    assert "no such file" not in result.stderr and "Traceback" not in result.stderr
    for name in ("fifo", "zero", "loop"):
        assert f"{odd[name]}: {EXPECTED[name]}" in result.stderr, (name, result.stderr)
    report = json.loads((tmp_path / "r.json").read_text())
    assert any(d["manufacturer"] == "Hytera" for d in report["devices"])  # the inventory was audited
    result = custodiet(tmp_path, "audit", INVENTORY, "--endpoints", odd["folder"], "--quiet")
    assert result.returncode == Exit.INPUT
    assert f"{odd['folder']}: cannot be read as an endpoints file: is a folder, not a file" in result.stderr
