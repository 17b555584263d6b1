"""What a census writes to its output folder, and the snapshots that make trends.

DIR/
  footprint.csv, footprint.parquet   one row per country x manufacturer x device type
  footprint.csv-metadata.json        the columns and their units (W3C CSV on the Web metadata)
  brands.csv                         hosts per maker and label (relabel shares)
  countries.csv                      every host seen, per country, and how its country was found
  comparison.csv                     AIGS 2019/2022 next to the census, per country (aigs.py)
  trends.csv                         per snapshot x country x maker: hosts and services
  skipped.csv                        per input file: records read and skipped, per reason
  census.json                        the run: snapshot, engine, inputs, totals, units
  census.html                        the page (html.py)
  hosts.parquet                      per-host identities (only with --hosts)
  snapshots/<DATE>/*.parquet         each snapshot's footprint, brands and countries (kept)

Units are stated wherever counts are: a host is one IP address; a service is one
(address, port/transport) pair.
"""

from __future__ import annotations

import csv
import json
import os
import re
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from custodiet.census.model import UNKNOWN_COUNTRY, CensusTables
from custodiet.errors import UsageError
from custodiet.report.csv_report import cell

HOST_UNIT = "host: one IP address"
SERVICE_UNIT = "service: one (address, port/transport) pair"
UNITS = {"hosts": HOST_UNIT, "services": SERVICE_UNIT}

COLUMN_NOTES = {
    "country": f"ISO 3166-1 alpha-2; from the scan record when it has one, else the registry's ({UNKNOWN_COUNTRY}: neither)",
    "manufacturer": "the company that made the equipment (canonical name, custodiet's vendor catalogue)",
    "device_type": "camera, recorder, router, ... ('unknown' when no evidence says)",
    "covered": "the maker is named by a list of the profile (FCC Covered List / NDAA 889 by default)",
    "lists": "ids of the lists naming the maker, ';'-separated",
    "hosts": "hosts (IP addresses) identified as this maker's with confidence >= 0.45",
    "services": "services (address, port/transport) of those hosts whose own evidence names this maker",
    "hosts_high": "of the hosts, those identified with confidence >= 0.85",
    "hosts_medium": "of the hosts, confidence 0.6 to 0.85",
    "hosts_low": "of the hosts, confidence 0.45 to 0.6",
    "hint_hosts": "hosts whose best claim is this maker but below 0.45: not counted in hosts (upper band)",
    "own_brand_hosts": "of the hosts, those labelled with one of the maker's own other brands (EZVIZ for Hikvision)",
    "relabel_hosts": "of the hosts, those sold under another company's brand (OEM relabels such as Lorex)",
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def snapshot_date(text: str | None) -> str:
    """An ISO date (YYYY-MM-DD) for a snapshot; today when none is given."""
    if text is None:
        return date.today().isoformat()
    if not _DATE.match(text):
        raise UsageError(f"--snapshot expects a date as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"--snapshot: {text!r} is not a date") from None


def write_csv(path: Path, table: pa.Table) -> None:
    """A table as CSV, every cell through the report's formula-safe cell() (once per distinct
    text: countries, makers and kinds repeat down the columns)."""
    tmp = path.with_name(path.name + ".tmp")
    texts: dict[str, str] = {}
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.column_names)
        for batch in table.to_batches(65_536):
            columns = [column.to_pylist() for column in batch.columns]
            for values in zip(*columns, strict=True):
                writer.writerow([_cell(v, texts) for v in values])
    os.replace(tmp, path)


def _cell(value: object, texts: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    safe = texts.get(text)
    if safe is None:
        safe = texts[text] = cell(text)
    return safe


def write_parquet(path: Path, table: pa.Table, units: bool = True) -> None:
    """A table as Parquet, with the column notes and units in its schema's metadata."""
    if units:
        fields = [
            field.with_metadata({"description": COLUMN_NOTES[field.name]})
            if field.name in COLUMN_NOTES
            else field
            for field in table.schema
        ]
        schema = pa.schema(fields, metadata={"units": json.dumps(UNITS)})
        table = table.cast(schema)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def csvw_metadata(table: pa.Table, name: str) -> dict:
    """W3C CSV on the Web metadata naming each column and its unit."""
    columns = []
    for field in table.schema:
        column: dict = {"name": field.name, "titles": field.name}
        if field.name in COLUMN_NOTES:
            column["dc:description"] = COLUMN_NOTES[field.name]
        if field.name in UNITS:
            column["dc:description"] = f"{COLUMN_NOTES.get(field.name, '')} ({UNITS[field.name]})"
        columns.append(column)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": name,
        "dc:description": f"custodiet census footprint. Units: {HOST_UNIT}; {SERVICE_UNIT}.",
        "tableSchema": {"columns": columns},
    }


# --------------------------------------------------------------------------- snapshots and trends

TRENDS_SCHEMA = pa.schema(
    [
        ("snapshot", pa.string()),
        ("country", pa.string()),
        ("manufacturer", pa.string()),
        ("covered", pa.bool_()),
        ("hosts", pa.int64()),
        ("services", pa.int64()),
        ("country_hosts", pa.int64()),
    ]
)


def save_snapshot(out: Path, snapshot: str, tables: CensusTables) -> Path:
    """Keep this run's tables under snapshots/<DATE>/ (a run of the same date replaces it)."""
    folder = out / "snapshots" / snapshot
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(folder / "footprint.parquet", tables.footprint)
    write_parquet(folder / "brands.parquet", tables.brands, units=False)
    write_parquet(folder / "countries.parquet", tables.countries, units=False)
    return folder


def trends(out: Path) -> pa.Table:
    """Every kept snapshot's hosts and services per country and maker, oldest first."""
    rows: list[dict] = []
    root = out / "snapshots"
    folders = sorted(p for p in root.iterdir() if p.is_dir() and _DATE.match(p.name)) if root.is_dir() else []
    for folder in folders:
        try:
            footprint = pq.read_table(folder / "footprint.parquet").to_pylist()
            countries = {
                r["country"]: r["hosts"] for r in pq.read_table(folder / "countries.parquet").to_pylist()
            }
        except (OSError, pa.ArrowInvalid, KeyError):
            continue  # a snapshot folder that is not ours, or damaged: left out, not fatal
        merged: dict[tuple[str, str], dict] = {}
        for row in footprint:
            key = (row["country"], row["manufacturer"])
            entry = merged.setdefault(
                key,
                {
                    "snapshot": folder.name,
                    "country": row["country"],
                    "manufacturer": row["manufacturer"],
                    "covered": bool(row["covered"]),
                    "hosts": 0,
                    "services": 0,
                    "country_hosts": countries.get(row["country"], 0),
                },
            )
            entry["hosts"] += row["hosts"]
            entry["services"] += row["services"]
        rows.extend(merged[k] for k in sorted(merged))
    return pa.Table.from_pylist(rows, schema=TRENDS_SCHEMA)


def skipped_table(tables: CensusTables) -> pa.Table:
    rows = []
    for summary in tables.files:
        rows.append(
            {
                "file": summary.label,
                "format": summary.format,
                "reason": "records read",
                "count": summary.records,
            }
        )
        for reason, count in sorted(summary.skipped.items()):
            rows.append({"file": summary.label, "format": summary.format, "reason": reason, "count": count})
        if summary.error:
            rows.append(
                {
                    "file": summary.label,
                    "format": summary.format,
                    "reason": f"error: {summary.error}",
                    "count": 0,
                }
            )
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [("file", pa.string()), ("format", pa.string()), ("reason", pa.string()), ("count", pa.int64())]
        ),
    )
