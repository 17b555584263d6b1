"""Shared helpers of the census tests: one loaded content per session, and a census runner."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from custodiet.census.model import EngineOptions
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


def census_rows(context: Context, paths: list[Path], out: Path, options: EngineOptions | None = None) -> dict:
    """Every table of a DuckDB census (with hosts) as sorted rows, and per file its name,
    records read and skipped reasons: for comparing two ways of reading the same input."""
    request = CensusRequest(
        paths=tuple(paths), out=out, hosts=True, html=False, options=options or EngineOptions()
    )
    t = census(request, context).tables
    assert t.hosts is not None
    return {
        "footprint": rows_key(t.footprint.to_pylist()),
        "brands": rows_key(t.brands.to_pylist()),
        "countries": rows_key(t.countries.to_pylist()),
        "hosts": rows_key(t.hosts.to_pylist()),
        "files": sorted((Path(f.label).name, f.records, sorted(f.skipped.items())) for f in t.files),
    }
