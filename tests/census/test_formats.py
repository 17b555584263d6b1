"""Every format the census reads, plain and packed (gzip, bzip2, zstd, Parquet), gives the same
hosts, makers and counts as the same records in plain Shodan form."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import duckdb
import pytest
import zstandard

from custodiet.census.run import plan

from . import synth
from .conftest import rows_key, run_census

HOSTS = synth.hosts(300, seed=5, distinct=0.3, covered_share=0.6)
# Only what every format can carry: HTTP, RTSP (not zgrab2), SSH and Telnet banners.
KINDS = {"http", "ssh", "telnet"}


def carried(hosts: list[synth.Host]) -> list[synth.Host]:
    out = []
    for host in hosts:
        # (a page body or a certificate rides in Shodan's extra fields, which the others lack)
        services = [s for s in host.services if s.banner.kind in KINDS and not s.banner.shodan_extra]
        if services:
            out.append(synth.Host(host.address, host.country, host.label, services))
    return out


def pack(raw: bytes, packing: str, folder: Path, name: str) -> Path:
    if packing == "plain":
        path = folder / f"{name}.jsonl"
        path.write_bytes(raw)
    elif packing == "gzip":
        path = folder / f"{name}.jsonl.gz"
        path.write_bytes(gzip.compress(raw))
    elif packing == "bz2":
        path = folder / f"{name}.jsonl.bz2"
        path.write_bytes(bz2.compress(raw))
    elif packing == "zstd":
        path = folder / f"{name}.jsonl.zst"
        path.write_bytes(zstandard.ZstdCompressor().compress(raw))
    else:  # parquet: the records as rows, written by DuckDB from the JSON lines
        source = folder / f"{name}.source.jsonl"
        source.write_bytes(raw.replace(b"[\n", b"").replace(b",\n", b"\n").replace(b"\n]\n", b"\n"))
        path = folder / f"{name}.parquet"
        duckdb.execute(
            f"COPY (SELECT * FROM read_json('{source}', format='newline_delimited')) TO '{path}' (FORMAT parquet)"
        )
        source.unlink()
    return path


@pytest.fixture(scope="module")
def reference(context, tmp_path_factory) -> dict:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("reference")
    path = pack(synth.shodan(carried(HOSTS)), "plain", folder, "shodan")
    _, rows, hosts = run_census(context, [path], folder / "out")
    return {"rows": rows, "hosts": {h["address"]: (h["manufacturer"], h["device_type"]) for h in hosts}}


@pytest.mark.parametrize("fmt", ["shodan", "censys", "zgrab2", "masscan", "ivre"])
@pytest.mark.parametrize("packing", ["plain", "gzip", "bz2", "zstd", "parquet"])
def test_format_and_packing(fmt: str, packing: str, context, reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if packing == "parquet" and fmt == "masscan":
        pytest.skip("masscan writes JSON only")
    path = pack(synth.WRITERS[fmt](carried(HOSTS)), packing, tmp_path, fmt)
    planned, _, errors = plan((path,))
    assert not errors
    assert planned[0].format == fmt
    assert planned[0].packing == (None if packing == "plain" else packing)
    result, rows, hosts = run_census(context, [path], tmp_path / "out")
    got = {h["address"]: (h["manufacturer"], h["device_type"]) for h in hosts}
    assert got == reference["hosts"]
    assert sum(r["hosts"] for r in rows if r["covered"]) >= 20
    if fmt in ("shodan", "censys", "ivre"):  # records that carry the country
        assert rows_key(rows) == rows_key(reference["rows"])
    else:  # no country in zgrab2 and masscan records: the registry's, by address
        assert sum(r["hosts"] for r in rows) == sum(r["hosts"] for r in reference["rows"])
        countries = result.tables.countries.to_pylist()
        assert sum(r["country_from_registry"] for r in countries) > 0
        assert sum(r["country_from_record"] for r in countries) == 0
