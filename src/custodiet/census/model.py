"""The values a census passes between its engine, its outputs and the CLI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

# The country of a host no record names and no registry knows (CLDR's "unknown region").
UNKNOWN_COUNTRY = "ZZ"

# progress(label, records or bytes so far, done)
Progress = Callable[[str, int, bool], None]


@dataclass(frozen=True)
class PlannedFile:
    """One input file: where it is, what it holds, how it is packed."""

    path: Path
    label: str
    format: str  # a key of formats.FORMATS
    packing: str | None  # None (plain), 'gzip', 'bz2', 'zstd' or 'parquet'


@dataclass
class FileSummary:
    """What the census read of one file, and what it skipped, per reason."""

    label: str
    format: str
    records: int = 0  # records used (with a usable address)
    skipped: Counter[str] = field(default_factory=Counter)
    error: str | None = None


@dataclass(frozen=True)
class EngineOptions:
    """How an engine runs: memory and threads of DuckDB, master of Spark, where to spill."""

    memory_limit: str = "2GB"
    threads: int | None = None
    work_dir: Path | None = None  # DuckDB's database and spill files (default: a temporary folder)
    spark_master: str | None = None  # None: $SPARK_MASTER / spark-submit's, else local[*]
    spark_partitions: int | None = None
    typed_reader: bool = True  # False: DuckDB reads every file line by line (for comparison)


@dataclass
class CensusTables:
    """What an engine produces: Arrow tables with the schemas below, and the file summaries."""

    footprint: pa.Table
    brands: pa.Table
    countries: pa.Table
    files: list[FileSummary]
    hosts: pa.Table | None = None  # per-host identities, when asked for
    stages: dict[str, float] = field(default_factory=dict)  # seconds per engine stage (benchmarks)


FOOTPRINT_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("manufacturer", pa.string()),
        ("device_type", pa.string()),
        ("covered", pa.bool_()),
        ("lists", pa.string()),
        ("hosts", pa.int64()),
        ("services", pa.int64()),
        ("hosts_high", pa.int64()),
        ("hosts_medium", pa.int64()),
        ("hosts_low", pa.int64()),
        ("hint_hosts", pa.int64()),
        ("own_brand_hosts", pa.int64()),
        ("relabel_hosts", pa.int64()),
    ]
)

BRANDS_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("manufacturer", pa.string()),
        ("brand", pa.string()),
        ("brand_kind", pa.string()),
        ("hosts", pa.int64()),
    ]
)

COUNTRIES_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("hosts", pa.int64()),
        ("services", pa.int64()),
        ("identified_hosts", pa.int64()),
        ("covered_hosts", pa.int64()),
        ("country_from_record", pa.int64()),
        ("country_from_registry", pa.int64()),
    ]
)

HOSTS_SCHEMA = pa.schema(
    [
        ("address", pa.string()),
        ("country", pa.string()),
        ("manufacturer", pa.string()),
        ("brand", pa.string()),
        ("device_type", pa.string()),
        ("confidence", pa.float64()),
        ("band", pa.string()),
        ("covered", pa.bool_()),
        ("services", pa.int64()),
    ]
)
