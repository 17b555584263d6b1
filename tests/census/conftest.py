"""Shared helpers of the census tests: one loaded content per session, and a census runner."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from custodiet.census.run import CensusRequest, census
from custodiet.pipeline.context import Context, load_context

IVRE_SAMPLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "datasets"
    / "ivre-modbus-scan-2015"
    / "Nmap-Modbus-IPv4.json.bz2"
)
if not IVRE_SAMPLE.exists():
    IVRE_SAMPLE = Path("/work/shared/datasets/ivre-modbus-scan-2015/Nmap-Modbus-IPv4.json.bz2")


@pytest.fixture(scope="session")
def context() -> Context:
    return load_context()


def run_census(context: Context, paths: list[Path], out: Path, **options) -> tuple:  # type: ignore[no-untyped-def]
    """(CensusResult, footprint rows as dicts, hosts rows as dicts) of a DuckDB census."""
    request = CensusRequest(
        paths=tuple(paths), out=out, hosts=True, html=options.pop("html", False), **options
    )
    result = census(request, context)
    hosts = pq.read_table(out / "hosts.parquet").to_pylist()
    return result, result.tables.footprint.to_pylist(), hosts


def rows_key(rows: list[dict]) -> list[tuple]:
    """Footprint rows as sorted tuples (for comparing two runs)."""
    return sorted(tuple(sorted(r.items())) for r in rows)
