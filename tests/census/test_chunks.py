"""The DuckDB engine reads each file a chunk at a time and matches new pieces on a thread of its
own: cutting the same input into many small chunks gives the very rows of one big chunk, and a
matcher that fails stops the census with its error instead of hanging it."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import duckdb
import pytest

from custodiet.census import duck, lines, typed
from custodiet.census.evidence import Matcher
from custodiet.census.run import CensusRequest, census

from . import synth
from .conftest import census_rows

HOSTS = synth.hosts(500, seed=41, covered_share=0.5, distinct=0.3)


def inputs(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a-shodan.jsonl.gz").write_bytes(gzip.compress(synth.shodan(HOSTS[:250])))
    (folder / "b-censys.jsonl").write_bytes(synth.censys(HOSTS[200:350]))
    (folder / "c-zgrab2.jsonl").write_bytes(synth.zgrab2(HOSTS[350:420]))
    (folder / "d-masscan.json").write_bytes(synth.masscan(HOSTS[400:450]))
    ivre = synth.ivre(HOSTS[440:]) + b"not json\n" + b'{"addr": 1, "ports": [\n'
    (folder / "e-ivre.jsonl.bz2").write_bytes(bz2.compress(ivre))
    source = folder / "f.source.jsonl"
    source.write_bytes(synth.shodan(HOSTS[100:300]))
    duckdb.execute(
        f"COPY (SELECT * FROM read_json('{source}', format='newline_delimited')) "
        f"TO '{folder / 'f-shodan.parquet'}' (FORMAT parquet)"
    )
    source.unlink()
    # a Shodan file that ends mid-record, its last chunk holding only that line's end
    (folder / "g-cut.jsonl").write_bytes(
        synth.shodan(HOSTS[:60]) + b'{"ip_str": "8.8.8.8", "port": 80, "data": "HTTP/1.1 2'
    )
    return folder


def tables(context, folder: Path, out: Path) -> dict:  # type: ignore[no-untyped-def]
    return census_rows(context, [folder], out)


def test_small_chunks_give_the_rows_of_one_chunk(context, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = inputs(tmp_path / "in")
    monkeypatch.setattr(typed, "eligible", lambda planned: False)  # every file read line by line
    whole = tables(context, folder, tmp_path / "whole")
    chunks = []
    real = duck._chunks

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        for chunk in real(*args, **kwargs):
            chunks.append(chunk.num_rows)
            yield chunk

    monkeypatch.setattr(lines, "CHUNK", 2048)  # bytes read at a time: batches of a few lines
    monkeypatch.setattr(duck, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(duck, "CHUNK_ROWS", 40)
    monkeypatch.setattr(duck, "_chunks", counted)
    small = tables(context, folder, tmp_path / "small")
    assert len(chunks) > 30  # every file was cut in several chunks
    assert small == whole
    by_file = {name: dict(skipped) for name, _, skipped in whole["files"]}
    assert by_file["g-cut.jsonl"] == {"file ends mid-record": 1}
    assert by_file["e-ivre.jsonl.bz2"] == {"malformed JSON": 2}
    assert sum(dict(r)["hosts"] for r in whole["footprint"] if dict(r)["covered"]) > 100


def test_a_failing_matcher_stops_the_census(context, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = inputs(tmp_path / "in")
    calls = []
    real = Matcher.items

    def failing(self, kinds, raws):  # type: ignore[no-untyped-def]
        calls.append(len(kinds))
        if len(calls) == 2:
            raise RuntimeError("matcher broke")
        return real(self, kinds, raws)

    monkeypatch.setattr(lines, "CHUNK", 2048)
    monkeypatch.setattr(duck, "CHUNK_BYTES", 8192)
    monkeypatch.setattr(Matcher, "items", failing)
    with pytest.raises(RuntimeError, match="matcher broke"):
        census(CensusRequest(paths=(folder,), out=tmp_path / "out", html=False), context)


def test_lines_of_white_space_are_no_records(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """As the readers: a blank line, short or long, is skipped and not counted; anything else
    that is not JSON is a malformed record."""
    for name, writer in (("shodan", synth.shodan), ("censys", synth.censys)):
        good = writer(HOSTS[:20]).splitlines()
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(b"\n".join([good[0], b"", b" " * 200, b"\t \r", *good[1:], b"x" * 100]) + b"\n")
        result = census(CensusRequest(paths=(path,), out=tmp_path / name, html=False), context)
        summary = result.tables.files[0]
        assert dict(summary.skipped) == {"malformed JSON": 1}, name
        assert summary.records == len(good)
