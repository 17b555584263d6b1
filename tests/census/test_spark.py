"""`--engine spark` gives the same rows as the default engine (one local-mode session: Spark's
start-up costs seconds, so this is the only Spark test)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from custodiet.census.model import EngineOptions
from custodiet.census.run import CensusRequest, census

from . import synth
from .conftest import rows_key

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (scripts/install-system-deps)"),
]


def test_same_rows_as_duckdb(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hosts = synth.hosts(600, seed=31, covered_share=0.4, distinct=0.3)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "shodan.jsonl.gz").write_bytes(gzip.compress(synth.shodan(hosts[:300])))
    (inputs / "censys.jsonl").write_bytes(synth.censys(hosts[300:450]))
    (inputs / "zgrab2.jsonl").write_bytes(synth.zgrab2(hosts[450:]))
    (inputs / "bad.jsonl").write_bytes(synth.ivre(hosts[:20]) + b'{"addr": 1, "ports": [\n')
    results = {}
    for engine in ("duckdb", "spark"):
        options = EngineOptions(spark_master="local[2]", spark_partitions=4)
        request = CensusRequest(
            paths=(inputs,), out=tmp_path / engine, engine=engine, hosts=True, html=False, options=options
        )
        results[engine] = census(request, context)
    from custodiet.census import spark

    spark.stop()
    duck, sparked = results["duckdb"].tables, results["spark"].tables
    assert rows_key(sparked.footprint.to_pylist()) == rows_key(duck.footprint.to_pylist())
    assert rows_key(sparked.brands.to_pylist()) == rows_key(duck.brands.to_pylist())
    assert rows_key(sparked.countries.to_pylist()) == rows_key(duck.countries.to_pylist())
    assert rows_key(sparked.hosts.to_pylist()) == rows_key(duck.hosts.to_pylist())
    assert sum(r["hosts"] for r in duck.footprint.to_pylist() if r["covered"]) > 150
    by_file = {Path(f.label).name: (f.records, dict(f.skipped)) for f in sparked.files}
    assert by_file == {
        Path(f.label).name: (
            f.records,
            {k: v for k, v in f.skipped.items() if k != "file ends mid-record"}
            | ({"malformed JSON": 1} if "file ends mid-record" in f.skipped else {}),
        )
        for f in duck.files
    }
