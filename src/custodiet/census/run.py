"""`custodiet census`: plan the inputs, run an engine, write the outputs.

The only module of the census that wires stages: files (by content: packing and format) ->
engine (duck.py or spark.py) -> tables -> outputs.py, aigs.py, html.py.
"""

from __future__ import annotations

import gc
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from custodiet.census import aigs, formats, lines, outputs
from custodiet.census.evidence import Matcher
from custodiet.census.model import CensusTables, EngineOptions, FileSummary, PlannedFile, Progress
from custodiet.errors import CustodietError, InputError, UsageError
from custodiet.pipeline.audit import expand_paths
from custodiet.pipeline.context import Context

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class CensusRequest:
    paths: tuple[Path, ...]
    out: Path
    engine: str = "duckdb"
    snapshot: str | None = None  # YYYY-MM-DD; today when None
    format: str | None = None  # force one format for every file
    hosts: bool = False  # also write hosts.parquet (per-address identities)
    html: bool = True
    options: EngineOptions = field(default_factory=EngineOptions)


@dataclass
class CensusResult:
    snapshot: str
    tables: CensusTables
    errors: list[str]
    written: list[Path]
    seconds: float


def plan(
    paths: tuple[Path, ...], forced: str | None = None
) -> tuple[list[PlannedFile], list[FileSummary], list[str]]:
    """Files to read (with format and packing), files passed over, and errors."""
    found, errors = expand_paths(paths)
    planned: list[PlannedFile] = []
    passed: list[FileSummary] = []
    if forced is not None and forced not in formats.FORMATS:
        raise UsageError(f"--format: unknown census format '{forced}' (known: {', '.join(formats.FORMATS)})")
    for path, label, named in found:
        try:
            if path.stat().st_size == 0:
                raise InputError("empty file", file=label)
            packing = lines.compression(path, label)
            if forced:
                fmt = forced
            elif packing == "parquet":
                fmt = _parquet_format(path, label)
            else:
                fmt = formats.sniff(lines.head_bytes(path, label), label)
            planned.append(PlannedFile(path, label, fmt, packing))
        except InputError as exc:
            if named:
                errors.append(str(exc))
                passed.append(FileSummary(label, "?", error=exc.message))
            else:
                passed.append(FileSummary(label, "-", skipped={"not a scan record file": 1}))  # type: ignore[arg-type]
        except OSError as exc:
            errors.append(str(InputError(f"cannot read: {exc.strerror}", file=label)))
    return planned, passed, errors


def _parquet_format(path: Path, label: str) -> str:
    """A Parquet file's format, from its first row written as JSON."""
    import duckdb

    try:
        row = (
            duckdb.connect()
            .execute("SELECT to_json(t)::VARCHAR FROM read_parquet(?) t LIMIT 1", [str(path)])
            .fetchone()
        )
    except duckdb.Error as exc:
        raise InputError(f"unreadable Parquet: {str(exc).splitlines()[0][:200]}", file=label) from None
    if row is None:
        raise InputError("Parquet file without rows", file=label)
    return formats.sniff(row[0].encode() + b"\n", label)


def census(request: CensusRequest, context: Context, progress: Progress | None = None) -> CensusResult:
    """Run a census (see the module docstring); raises UsageError when nothing can be read.

    What lives before the census (the loaded content above all: hundreds of thousands of
    objects, none of which the census frees) is left out of Python's garbage collections
    while it runs: a full collection walked all of it, 40 ms on the matcher's path."""
    gc.freeze()
    try:
        return _census(request, context, progress)
    finally:
        gc.unfreeze()


def _census(request: CensusRequest, context: Context, progress: Progress | None) -> CensusResult:
    started = time.perf_counter()
    if request.engine not in ENGINES:
        raise UsageError(f"--engine: '{request.engine}' is not one of {', '.join(ENGINES)}")
    snapshot = outputs.snapshot_date(request.snapshot)
    planned, passed, errors = plan(request.paths, request.format)
    if not planned:
        raise UsageError("no scan record file to read" + (f" ({errors[0]})" if errors else ""))
    if request.engine == "spark":
        from custodiet.census import spark

        tables = spark.run(planned, context, request.options, progress, want_hosts=request.hosts)
    else:
        from custodiet.census import duck

        tables = duck.run(planned, Matcher(context), request.options, progress, want_hosts=request.hosts)
    tables.files.extend(passed)
    written = write(request, context, snapshot, tables)
    return CensusResult(snapshot, tables, errors, written, time.perf_counter() - started)


def covered_makers(context: Context) -> set[str]:
    """Canonical names of the makers a list of the profile names."""
    return {
        v.name for v in context.identifier.catalog.vendors.values() if context.policy.lists_naming(v.name)
    }


def write(request: CensusRequest, context: Context, snapshot: str, tables: CensusTables) -> list[Path]:
    out = request.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder: {exc.strerror or exc}", file=str(out)) from None
    written: list[Path] = []

    def note(path: Path) -> Path:
        written.append(path)
        return path

    try:
        outputs.write_csv(note(out / "footprint.csv"), tables.footprint)
        outputs.write_parquet(note(out / "footprint.parquet"), tables.footprint)
        (note(out / "footprint.csv-metadata.json")).write_text(
            json.dumps(outputs.csvw_metadata(tables.footprint, "footprint.csv"), indent=2) + "\n",
            encoding="utf-8",
        )
        outputs.write_csv(note(out / "brands.csv"), tables.brands)
        outputs.write_csv(note(out / "countries.csv"), tables.countries)
        comparison = aigs.comparison(
            tables.footprint, tables.countries, context.identifier.catalog, covered_makers(context)
        )
        outputs.write_csv(note(out / "comparison.csv"), comparison)
        outputs.write_csv(note(out / "skipped.csv"), outputs.skipped_table(tables))
        if tables.hosts is not None:
            outputs.write_parquet(note(out / "hosts.parquet"), tables.hosts, units=False)
        outputs.save_snapshot(out, snapshot, tables)
        trend = outputs.trends(out)
        outputs.write_csv(note(out / "trends.csv"), trend)
        summary = {
            "snapshot": snapshot,
            "engine": request.engine,
            "content_version": context.content_version,
            "profile": context.policy.profile.id,
            "units": outputs.UNITS,
            "inputs": [
                {
                    "file": f.label,
                    "format": f.format,
                    "records": f.records,
                    "skipped": dict(f.skipped),
                    "error": f.error,
                }
                for f in tables.files
            ],
            "hosts": sum(tables.countries.column("hosts").to_pylist()),
            "identified_hosts": sum(tables.countries.column("identified_hosts").to_pylist()),
            "covered_hosts": sum(tables.countries.column("covered_hosts").to_pylist()),
        }
        (note(out / "census.json")).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        if request.html:
            from custodiet.census import html

            page = html.render(tables, comparison, trend, summary)
            (note(out / "census.html")).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise CustodietError(f"cannot write the census: {exc.strerror or exc}", file=str(out)) from None
    return written
