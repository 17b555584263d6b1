"""Plain Shodan files are read by DuckDB's typed reader (census/typed.py) when it can give their
rows: the census then comes out exactly as by the exact way (lines cut by formats.py). A file
the typed reader cannot read exactly (broken JSON, a record that is no object, a duplicate key,
bytes that are not UTF-8, an over-long line, an object where an address or port belongs) is
read the exact way from the start, so its odd records are counted per reason as before."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import duckdb
import orjson
import pytest
import zstandard

from custodiet.census import duck, formats, lines, typed
from custodiet.census.evidence import Matcher
from custodiet.census.model import EngineOptions, PlannedFile
from custodiet.census.run import CensusRequest, census

from . import synth
from .conftest import census_rows

GOOD = synth.shodan(synth.hosts(120, seed=77, covered_share=0.6, distinct=0.3))

HTTP_HEAD = "HTTP/1.1 200 OK\r\nServer: Hikvision-Webs\r\n\r\n"
# Records whose values test the typing: every one is read the same both ways, none is refused.
TYPED = [
    {"ip_str": "10.0.0.1", "port": 80, "_shodan": {"module": "http"}, "data": 5, "http": {"title": 1e5}},
    {"ip_str": "10.0.0.2", "port": "8080", "transport": "UDP", "data": "", "http": None},
    {"ip_str": "10.0.0.3", "port": 80, "data": None, "http": {}, "_shodan": {"module": "HTTPS-simple-new"}},
    {"ip_str": "10.0.0.4", "port": 81, "data": {"Server": "Hikvision"}, "_shodan": {"module": "http"}},
    {"ip_str": "10.0.0.5", "port": 82, "data": HTTP_HEAD, "_shodan": {"module": "no-such-module"}},
    {"ip_str": "10.0.0.6", "port": 83, "data": HTTP_HEAD, "_shodan": {"module": 5}, "http": {"server": ""}},
    {"ip_str": "10.0.0.7", "port": 84, "http": {"html": "<title>caf\u00e9 \U0001f600 DS-2CD2042WD</title>"}},
    {
        "ip_str": "10.0.0.8",
        "port": 443,
        "ssl": {"cert": {"subject": {"CN": "x", "O": "Hikvision"}, "issuer": "CN=y"}},
    },
    {"ip_str": "10.0.0.9", "port": 443, "ssl": {"cert": {"subject": True, "issuer": 7}}},
    {"ip_str": "10.0.0.10", "port": 443, "ssl": {"cert": None}, "hostnames": ["a.example", 5, None]},
    {
        "ip_str": "10.0.0.11",
        "port": 22,
        "ssl": {},
        "hostnames": [],
        "cpe23": ["cpe:2.3:h:hikvision:x"],
        "cpe": "c",
    },
    {
        "ip_str": "10.0.0.19",
        "port": 80,
        "cpe23": ["cpe:/h:dahua"],
        "cpe": ["cpe:/h:dahua"],
    },  # one piece twice
    # a port, module or country that is no text: none, as the exact way reads it
    {
        "ip_str": "10.0.0.20",
        "port": True,
        "_shodan": {"module": ["http"]},
        "location": {"country_code": {"a": 1}},
        "data": "x",
    },
    {
        "ip_str": "10.0.0.21",
        "port": {"p": 80},
        "_shodan": {"module": True},
        "location": {"country_code": False},
        "data": "y",
    },
    {
        "ip_str": "10.0.0.22",
        "port": [80],
        "_shodan": {"module": {"m": "ssh"}},
        "location": {"country_code": ["FR"]},
        "data": "z",
    },
    {"ip_str": "10.0.0.12", "port": -1, "snmp": {"description": 18446744073709551615}},
    {"ip_str": "10.0.0.13", "port": 70000, "transport": "", "snmp": {"description": "Huawei AR"}},
    {"ip_str": 167772174, "port": 161, "location": {"country_code": "fr"}, "data": "x"},
    {"ip_str": " 10.0.0.15 ", "port": 23, "location": {"country_code": 7}, "data": "Dahua telnet"},
    {"ip_str": "", "port": 23, "location": None, "data": "y"},
    {"ip_str": "10.0.0.17", "port": 554, "_shodan": {"module": "rtsp-tcp"}, "data": "RTSP/1.0 401\r\n\r\n"},
    {
        "ip_str": "10.0.0.18",
        "port": 554,
        "_shodan": None,
        "data": "RTSP/1.0 200\r\n\r\n",
        "extra": {"a": [1]},
    },
]


def write(path: Path, *extra: bytes, good: bytes = GOOD, end: bytes = b"\n") -> Path:
    path.write_bytes(
        good + b"".join(line + b"\n" for line in extra[:-1]) + (extra[-1] + end if extra else b"")
    )
    return path


def results(context, path: Path, out: Path) -> dict:  # type: ignore[no-untyped-def]
    return census_rows(context, [path], out)


@pytest.fixture
def outcomes(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """What became of each typed reading: 'typed', or the reason it was refused."""
    seen: list[str] = []
    real = typed.load

    def load(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            records = real(*args, **kwargs)
        except typed.Refused as exc:
            seen.append(str(exc))
            raise
        seen.append("typed")
        return records

    monkeypatch.setattr(typed, "load", load)
    return seen


@pytest.fixture(params=["once", "twice"])
def way(request, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """Both typed ways: one parse with the texts kept, and two parses (a file too large for a
    quarter of DuckDB's memory)."""
    monkeypatch.setattr(typed, "_fits", lambda con, planned: request.param == "once")
    return str(request.param)


def exact(context, path: Path, out: Path) -> dict:  # type: ignore[no-untyped-def]
    """The census of `path` read line by line (the typed reader turned off)."""
    return census_rows(context, [path], out, EngineOptions(typed_reader=False))


def test_typed_reading_gives_the_exact_rows(context, tmp_path: Path, outcomes, way) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "typed.jsonl", *(orjson.dumps(r) for r in TYPED))
    got = results(context, path, tmp_path / "typed")
    assert outcomes == ["typed"]
    want = exact(context, path, tmp_path / "exact")
    assert outcomes == ["typed"]  # the exact run never tried the typed reader
    assert got == want
    assert dict(got["files"][0][2])["no address"] == 1
    assert sum(dict(r)["hosts"] for r in got["footprint"] if dict(r)["covered"]) > 40


def test_progress_counts_the_records_read(context, tmp_path: Path, outcomes) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "progress.jsonl", *(orjson.dumps(r) for r in TYPED))
    calls: list[tuple[str, int, bool]] = []
    census(
        CensusRequest(paths=(path,), out=tmp_path / "out", html=False),
        context,
        progress=lambda *a: calls.append(a),
    )
    assert outcomes == ["typed"]
    records = sum(1 for line in path.read_bytes().splitlines() if line.strip())
    assert calls == [(str(path), 0, False), (str(path), records, True)]


def exact_pieces(path: Path) -> set[tuple[str, str]]:
    con = duckdb.connect()
    con.execute(formats.MACROS)
    con.register("batches", lines.reader(path, str(path), lines.Tally()))
    con.execute("CREATE VIEW src AS SELECT 0 AS file, n, line FROM batches")
    rows = con.execute(
        f"SELECT DISTINCT kind, raw FROM ({formats.flatten_sql('shodan')}) WHERE kind NOT LIKE '#%'"
    )
    return {normal(kind, raw) for kind, raw in rows.fetchall()}


def normal(kind: str, raw: str) -> tuple[str, str]:
    """JSON pieces (certificate names, lists) as their parsed value: the two ways write them alike
    in meaning, not always in spelling."""
    if kind.startswith(("dn:", "list:")):
        return kind, orjson.dumps(orjson.loads(raw), option=orjson.OPT_SORT_KEYS).decode()
    return kind, raw


def with_macros() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the macros the typed reader's SQL uses."""
    con = duckdb.connect()
    con.execute(formats.MACROS)
    con.execute(typed.MACROS)
    return con


def test_typed_pieces_are_the_exact_pieces(tmp_path: Path) -> None:
    path = write(tmp_path / "pieces.jsonl", *(orjson.dumps(r) for r in TYPED))
    con = with_macros()
    rows = con.execute(f"SELECT kind, raw FROM ({typed.distinct_sql(str(path))})").fetchall()
    got = {normal(kind, raw) for kind, raw in rows}
    assert ("#odd", None) not in rows
    assert got == exact_pieces(path)
    assert ("http.body", "<title>caf\u00e9 \U0001f600 DS-2CD2042WD</title>") in got
    assert ("snmp.sysdescr", "18446744073709551615") in got
    assert ("http.title", "100000.0") in got
    assert not any(kind == "banner:http" and raw.startswith("{") for kind, raw in got)


def test_kept_pieces_are_the_read_pieces(tmp_path: Path) -> None:
    """One parse with the texts kept gives the distinct pieces two parses give, hash for hash."""
    path = write(tmp_path / "pieces.jsonl", *(orjson.dumps(r) for r in TYPED))
    con = with_macros()
    read = con.execute(f"SELECT h, kind, raw FROM ({typed.distinct_sql(str(path))})").fetchall()
    con.execute(f"CREATE TABLE kept AS {typed.records_sql(str(path), 0, texts=True)}")
    kept = con.execute(f"SELECT h, kind, raw FROM ({typed.kept_distinct_sql('kept')})").fetchall()
    assert len(read) > 30
    assert sorted(kept) == sorted(read)


@pytest.mark.parametrize(
    ("size", "packing", "memory", "once"),
    [
        (100 << 20, None, "2GB", True),
        (100 << 20, None, "256MB", False),
        (20 << 20, "gzip", "2GB", True),
        (20 << 20, "gzip", "512MB", False),
    ],
)
def test_a_file_is_parsed_once_when_its_texts_fit_in_a_quarter_of_memory(
    tmp_path: Path, size: int, packing: str | None, memory: str, once: bool
) -> None:
    path = tmp_path / "records"
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: only the size is read
    con = duckdb.connect(config={"memory_limit": memory})
    assert typed._fits(con, PlannedFile(path, "records", "shodan", packing)) is once


REFUSED = {
    "broken JSON": b'{"ip_str": "8.8.8.8", "port": 80, "data": "HTTP/1.1 2',
    "no object": b"[1, 2, 3]",
    "duplicate key": b'{"ip_str": "8.8.8.8", "ip_str": "8.8.4.4", "port": 80}',
    "not UTF-8": b'{"ip_str": "1.2.3.4", "data": "\xff\xfe broken"}',
    "address object": b'{"ip_str": {"v": "1.2.3.4"}, "port": 80, "data": "x"}',
    "transport list": b'{"ip_str": "1.2.3.4", "port": 80, "transport": ["tcp"], "data": "x"}',
    "transport boolean": b'{"ip_str": "1.2.3.4", "port": 80, "transport": true, "data": "x"}',
    "location text": b'{"ip_str": "1.2.3.4", "port": 80, "location": "FR", "data": "x"}',
    "http text": b'{"ip_str": "1.2.3.4", "port": 80, "http": "yes", "data": "x"}',
    "certificate text": b'{"ip_str": "1.2.3.4", "port": 443, "ssl": {"cert": "PEM"}}',
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_file_the_typed_reader_cannot_read_exactly_is_read_the_exact_way(
    context, tmp_path: Path, outcomes, way, case: str
) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "odd.jsonl", REFUSED[case], orjson.dumps(TYPED[0]))
    got = results(context, path, tmp_path / "got")
    assert len(outcomes) == 1 and outcomes[0] != "typed"
    assert got == exact(context, path, tmp_path / "exact")
    records = sum(1 for line in GOOD.splitlines() if line.strip())
    assert got["files"][0][1] >= records  # the good records are all read


def test_an_over_long_line_is_counted_as_too_large(context, tmp_path: Path, outcomes) -> None:  # type: ignore[no-untyped-def]
    huge = orjson.dumps({"ip_str": "8.8.4.4", "port": 80, "data": "x" * (lines.MAX_LINE + 1)})
    path = write(tmp_path / "long.jsonl", huge)
    got = results(context, path, tmp_path / "got")
    assert outcomes == ["a line is longer than MAX_LINE, or the compressed stream breaks off"]
    assert got["files"][0][2] == [("record too large", 1)]


def test_clean_edges_stay_typed(context, tmp_path: Path, outcomes, way) -> None:  # type: ignore[no-untyped-def]
    """Blank lines and a last record without its newline are no reason to leave the typed reader;
    a file that starts with a byte-order mark never takes it (DuckDB would read the mark)."""
    path = write(tmp_path / "edges.jsonl", b"", b"   ", orjson.dumps(TYPED[1]), end=b"")
    got = results(context, path, tmp_path / "got")
    assert outcomes == ["typed"]
    assert got == exact(context, path, tmp_path / "exact")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + GOOD)
    results(context, bom, tmp_path / "bom")
    assert outcomes == ["typed"]  # not tried


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_has_longer_line(tmp_path: Path, monkeypatch, chunk: int) -> None:  # type: ignore[no-untyped-def]
    """Against the lengths of the lines split in Python, on files of short and long lines,
    blank lines and a last line with or without its newline: a plain file (mapped) and the
    same gzip-compressed (read a chunk at a time)."""
    monkeypatch.setattr(lines, "CHUNK", chunk)
    plain, packed = tmp_path / "lines", tmp_path / "lines.packed"
    rng = random.Random(11)
    cases = [b"", b"abc", b"abc\n", b"a\n" + b"x" * 100 + b"\nbc\n", b"a\nbc\n" + b"y" * 50, b"\n\n\n"]
    cases += [bytes(rng.choice(b"ab\n\n") for _ in range(rng.randint(0, 80))) for _ in range(150)]
    checked = 0
    for data in cases:
        plain.write_bytes(data)
        packed.write_bytes(gzip.compress(data))
        longest = max(len(line) for line in data.split(b"\n"))
        for limit in {0, 1, 3, longest - 1, longest, longest + 1} - {-1}:
            for path in (plain, packed):
                assert lines.has_longer_line(path, "lines", limit) is (longest > limit), (data, limit, path)
                checked += 1
    assert checked > 1200


@pytest.mark.parametrize("packing", ["gzip", "zstd"])
def test_compressed_files_are_read_typed(context, tmp_path: Path, outcomes, way, packing: str) -> None:  # type: ignore[no-untyped-def]
    """Named without their codec's extension: the packing is told to DuckDB, not guessed."""
    raw = write(tmp_path / "raw.jsonl", *(orjson.dumps(r) for r in TYPED)).read_bytes()
    path = tmp_path / "records.data"
    path.write_bytes(gzip.compress(raw) if packing == "gzip" else zstandard.ZstdCompressor().compress(raw))
    got = results(context, path, tmp_path / "got")
    assert outcomes == ["typed"]
    assert got == exact(context, path, tmp_path / "exact")
    assert got == results(context, tmp_path / "raw.jsonl", tmp_path / "plain") | {"files": got["files"]}
    assert got["files"][0][1] == sum(1 for line in raw.splitlines() if line.strip()) - 2  # no or bad address


def test_a_broken_off_stream_is_read_the_exact_way(context, tmp_path: Path, outcomes, way) -> None:  # type: ignore[no-untyped-def]
    data = gzip.compress(GOOD * 4)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    got = results(context, path, tmp_path / "got")
    assert len(outcomes) == 1 and outcomes[0] != "typed"
    assert got == exact(context, path, tmp_path / "exact")
    assert ("compressed stream broken off", 1) in got["files"][0][2]
    assert got["files"][0][1] > len(GOOD.splitlines())  # what came before the break is read


def test_new_pieces_reach_the_matcher_a_batch_at_a_time(
    context, tmp_path: Path, outcomes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A typed read hands over all the new pieces of a file at once: DuckDB holds them and the
    matcher reads them a batch at a time, so Python never holds more than a batch."""
    path = write(tmp_path / "many.jsonl", *(orjson.dumps(r) for r in TYPED))
    want = results(context, path, tmp_path / "want")
    sizes: list[int] = []
    real = Matcher.items

    def counted(self, kinds, raws):  # type: ignore[no-untyped-def]
        sizes.append(len(kinds))
        return real(self, kinds, raws)

    monkeypatch.setattr(duck, "BATCH", 16)
    monkeypatch.setattr(Matcher, "items", counted)
    assert results(context, path, tmp_path / "got") == want
    assert outcomes == ["typed", "typed"]
    assert max(sizes) <= 16 and len(sizes) > 3


def test_typed_and_line_by_line_files_make_one_census(context, tmp_path: Path, outcomes) -> None:  # type: ignore[no-untyped-def]
    """Two files of one scan, records interleaved so that hosts have services in both: one read
    by the typed reader, one (holding a broken line) line by line. The hosts merge across them
    as in a census of all the records read line by line."""
    records = [line for line in GOOD.splitlines() if line.strip()]
    addresses = [orjson.loads(line)["ip_str"] for line in records]
    assert set(addresses[0::2]) & set(addresses[1::2])  # hosts with services in both files
    broken = b'{"ip_str": "8.8.8.8", "port": 80, "data": "HTTP/1.1 2'
    first = write(tmp_path / "first.jsonl", *records[0::2][1:], good=records[0] + b"\n")
    second = write(tmp_path / "second.jsonl", broken, *records[1::2], good=b"")
    both = census_rows(context, [first, second], tmp_path / "both")
    assert len(outcomes) == 2 and outcomes[0] == "typed" and outcomes[1] != "typed"
    whole = write(tmp_path / "whole.jsonl", broken, *records, good=b"")
    whole_rows = exact(context, whole, tmp_path / "whole")
    assert both["hosts"] == whole_rows["hosts"]
    assert both["footprint"] == whole_rows["footprint"]
    assert both["countries"] == whole_rows["countries"]


def test_a_record_broken_off_at_the_end_stays_typed(context, tmp_path: Path, outcomes, way) -> None:  # type: ignore[no-untyped-def]
    """A download that stopped mid-record: the typed reader reads a copy without the last line
    (which it would refuse the whole file for), counted "file ends mid-record" as the exact way
    counts it."""
    cut = orjson.dumps(TYPED[6])[:-9]
    path = write(tmp_path / "cut.jsonl", *(orjson.dumps(r) for r in TYPED), cut, end=b"")
    got = results(context, path, tmp_path / "got")
    assert outcomes == ["typed"]  # from the copy, the whole file never tried
    assert got == exact(context, path, tmp_path / "exact")
    assert ("file ends mid-record", 1) in got["files"][0][2]
    assert got["files"][0][1] == sum(1 for line in path.read_bytes().splitlines() if line.strip()) - 3
    assert not list(tmp_path.glob("**/without-last-line-*"))


@pytest.mark.parametrize(
    "tail",
    [
        b'{"ip_str": "1.2.3.4", "port": 80, "http": "yes", "data": "x"}',  # whole, but refused: a type
        b'{"ip_str": "1.2.3.4", "port": \xff\xfe',  # cut, and not UTF-8
        b"[1, 2]",  # whole, but no object
    ],
)
def test_a_last_line_that_is_not_a_record_broken_off_is_read_the_exact_way(
    context, tmp_path: Path, outcomes, tail: bytes
) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "tail.jsonl", orjson.dumps(TYPED[0]), tail, end=b"")
    got = results(context, path, tmp_path / "got")
    assert len(outcomes) == 1 and outcomes[0] != "typed"
    assert got == exact(context, path, tmp_path / "exact")


def test_a_broken_record_before_the_end_is_read_the_exact_way(context, tmp_path: Path, outcomes) -> None:  # type: ignore[no-untyped-def]
    cut = orjson.dumps(TYPED[6])[:-9]
    path = write(tmp_path / "both.jsonl", cut, orjson.dumps(TYPED[0]), cut, end=b"")
    got = results(context, path, tmp_path / "got")
    assert len(outcomes) == 1 and outcomes[0] != "typed"  # the copy without the last line refused
    assert got == exact(context, path, tmp_path / "exact")
    assert dict(got["files"][0][2]) == {"malformed JSON": 1, "file ends mid-record": 1}


def test_cut_tail_and_copy_head(tmp_path: Path) -> None:
    path = tmp_path / "lines"
    for data, tail in [
        (b"a\nb\n", None),
        (b"a\nbc", b"bc"),
        (b"abc", None),  # the only line
        (b"", None),
        (b"a\n" + b"x" * 10, None),  # longer than the limit
        (b"a\n" + b"x" * 8, b"x" * 8),
    ]:
        path.write_bytes(data)
        assert lines.cut_tail(path, "lines", limit=8) == tail, data
    big = bytes(range(256)) * 40_000
    path.write_bytes(big)
    lines.copy_head(path, tmp_path / "head", len(big) - 1000)
    assert (tmp_path / "head").read_bytes() == big[:-1000]
    with pytest.raises(OSError):
        lines.copy_head(path, tmp_path / "head", 10)  # never over an existing file
    with pytest.raises(OSError):
        lines.copy_head(path, tmp_path / "longer", len(big) + 1)
