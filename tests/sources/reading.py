"""Shared checks for the log and scanner-export reader tests: what every reader owes its caller.

Every reader must yield only Observations and count each one in its stats; every format must be
detected the same way whether the file is plain or gzip-compressed (exports are often shipped
gzipped). Asserting this once here keeps each test about its own format's values.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from custodiet.model import Observation
from custodiet.sources.base import Reader, ReadStats, SourceOptions
from custodiet.sources.detect import detect_format

from .helpers import run_reader


def read_checked(
    reader: Reader, path: Path, options: SourceOptions | None = None
) -> tuple[list[Observation], ReadStats]:
    """All observations of one file and its stats, after checking the reader's counting contract."""
    observations, stats = run_reader(reader, path, options)
    assert all(isinstance(o, Observation) for o in observations)
    assert stats.observations == len(observations)
    return observations, stats


def assert_detected_plain_and_gzipped(path: Path, fmt: str, tmp_path: Path) -> Path:
    """Check that `path` and a gzip copy of it are both detected as `fmt`; return the copy."""
    assert detect_format(path, path.name) == fmt
    packed = tmp_path / f"{path.name}.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert detect_format(packed, packed.name) == fmt
    return packed
