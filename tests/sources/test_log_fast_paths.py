"""The fast paths of the Zeek and EVE readers give what their general paths give.

The traffic logs (Zeek conn/dns/http, EVE flow/dns/http/tls) are read by batch loops that do a
line's work in place, TSV keys joined into one bytes value, JSON objects decoded by msgspec into
the few fields read, lines split by memchr with their end of line kept. Each of these has a
general counterpart that reads any line; these tests read the same mutated logs both ways and
require the same contacts, observations, counts and errors, in the same order.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.sources import logs, suricata_eve, zeek
from custodiet.sources.base import ReadStats, SourceOptions

# Values put where a log has others: wrong types, unset markers, big and odd numbers, names.
ODD = [None, True, False, 0, -5, 2**63 - 1, 2**63, 2**64 - 1, 2**70, -(2**63) - 1, 1.5, 443.0, 1e300,
       "", "-", "x", "80", "2024-05-01T12:00:00.250000Z", "2024-05-01T14:00:00.123456+0200",
       "10.0.0.1", "::ffff:10.0.0.9", "2001:DB8::1", "Name.Example.", "caf\u00e9", "a" * 3000,
       [], ["10.0.0.1"], ["a.example", 5], {}, {"a": 1}, "conn", "dns", "http"]  # fmt: skip


def read(reader, path: Path, strict: bool = False) -> tuple[list, dict, str | None]:  # type: ignore[no-untyped-def]
    stats = ReadStats()
    items: list = []
    error = None
    try:
        for item in reader(path, path.name, stats, SourceOptions(strict=strict)):
            items.append(item)
    except InputError as exc:
        error = f"{exc.place}: {exc.message}"
    counts = {"records": stats.records, "contacts": stats.contacts, "observations": stats.observations}
    return items, {**counts, **stats.skipped}, error


def mutate(r: random.Random, obj: dict) -> dict:
    keys = list(obj)
    for _ in range(r.choice((1, 1, 2))):
        roll = r.random()
        if roll < 0.6:
            obj[r.choice(keys)] = r.choice(ODD)
        elif roll < 0.75:
            obj.pop(r.choice(keys), None)
        else:
            section = [k for k in keys if isinstance(obj.get(k), dict) and obj[k]]
            if section:
                inner = obj[r.choice(section)]
                inner[r.choice(list(inner))] = r.choice(ODD)
            else:
                obj["_path"] = r.choice(ODD)
    return obj


def json_lines(r: random.Random, objects: list[dict]) -> list[bytes]:
    """The objects as lines, a third of them mutated, some broken, blank or ending in CRLF."""
    out = []
    for obj in objects:
        roll = r.random()
        text = json.dumps(mutate(r, obj) if roll < 0.35 else obj, separators=(",", ":")).encode()
        if roll > 0.97:
            text = text[: len(text) // 2]
        elif roll > 0.95:
            text = b""
        elif roll > 0.93:
            text += b"\r"
        elif roll > 0.92:
            text = text[:-1] + b',"' + text[2:6] + b'":7}'  # a repeated key
        out.append(text)
    return out


def zeek_objects(r: random.Random, kind: str, count: int) -> list[dict]:
    objects = []
    for i in range(count):
        obj = {"ts": 1714564800.0 + r.random() * 100, "uid": f"C{i}", "id.orig_h": f"10.0.0.{r.randrange(4)}",
               "id.orig_p": 40000 + i, "id.resp_h": f"203.0.113.{r.randrange(4)}", "id.resp_p": r.choice((80, 443))}  # fmt: skip
        if kind == "conn":
            obj.update(proto="tcp", orig_bytes=r.randrange(99), resp_bytes=r.randrange(99), local_orig=True,
                       local_resp=r.choice((False, None)))  # fmt: skip
        elif kind == "dns":
            obj.update(
                query=r.choice(("a.example", "B.example.")),
                answers=["192.0.2.1", "cname.example"][: r.randrange(3)],
            )
        else:
            obj.update(host=r.choice(("h.example", "h.example:8080")), user_agent=r.choice(("UA/1", "UA/2")),
                       request_body_len=0, response_body_len=r.randrange(999))  # fmt: skip
            if r.random() < 0.2:
                obj["server"] = r.choice(("srv/1", "srv/2"))
        objects.append(obj)
    return objects


def eve_objects(r: random.Random, count: int) -> list[dict]:
    objects = []
    for i in range(count):
        head = {"timestamp": f"2024-05-01T12:00:{i % 60:02d}.{i:06d}+0000", "flow_id": i, "in_iface": "eth0",
                "src_ip": f"10.0.0.{r.randrange(4)}", "src_port": 40000 + i, "dest_ip": f"203.0.113.{r.randrange(4)}"}  # fmt: skip
        kind = r.choice(("flow", "flow", "dns", "http", "tls", "alert", "anomaly", "ssh"))
        if kind == "flow":
            stamp = r.choice(("2024-05-01T11:59:00.000000+0000", "2024-05-01T13:59:00.000000+0200"))
            head.update(event_type="flow", dest_port=443, proto="TCP", flow={"bytes_toserver": r.randrange(99),
                        "bytes_toclient": r.randrange(99), "start": stamp, "end": head["timestamp"], "age": 1})  # fmt: skip
        elif kind == "dns":
            answer = {"rrname": "a.example", "rrtype": "A", "ttl": 60, "rdata": "192.0.2.7"}
            head.update(event_type="dns", dest_ip="10.0.0.53", dest_port=53, proto="UDP",
                        dns={"version": 2, "type": r.choice(("answer", "query")), "rrname": "a.example",
                             "rrtype": "A", "answers": [answer], "grouped": {"A": ["192.0.2.8"]}})  # fmt: skip
        elif kind == "http":
            http = {
                "hostname": "h.example",
                "length": r.randrange(99),
                "http_user_agent": r.choice(("UA/1", "UA/2")),
            }
            if r.random() < 0.2:
                http["response_headers"] = [{"name": "Server", "value": "srv/1"}]
            head.update(event_type="http", dest_port=80, proto="TCP", http=http)
        elif kind == "tls":
            head.update(event_type="tls", dest_port=443, proto="TCP",
                        tls={"sni": "s.example", "subject": f"CN=s{r.randrange(3)}", "issuerdn": "CN=ca"})  # fmt: skip
        else:
            head.update(event_type=kind, proto="TCP")
        objects.append(head)
    return objects


@pytest.fixture(params=range(3))
def seed(request: pytest.FixtureRequest) -> int:
    return request.param  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["conn", "dns", "http"])
def test_zeek_json_decoded_by_msgspec_or_orjson_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, seed: int
) -> None:
    r = random.Random(seed)
    objects = zeek_objects(r, kind, 400)
    if seed == 2:  # a stream naming each object's log
        for obj in objects:
            obj["_path"] = kind
    path = tmp_path / f"{kind}.log"
    path.write_bytes(b"\n".join(json_lines(r, objects)) + b"\n")
    fast = [read(zeek.read, path, strict) for strict in (False, True)]
    assert zeek.msgspec is None or fast[0][1]["records"] > 300  # the file is mostly read
    monkeypatch.setattr(zeek, "_LINE_DECODERS", {})
    monkeypatch.setattr(zeek, "_STREAM_DECODER", None)
    assert [read(zeek.read, path, strict) for strict in (False, True)] == fast


def test_eve_decoded_by_msgspec_or_orjson_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    r = random.Random(seed)
    path = tmp_path / "eve.json"
    path.write_bytes(b"\n".join(json_lines(r, eve_objects(r, 600))) + (b"\n" if seed else b""))
    fast = [read(suricata_eve.read, path, strict) for strict in (False, True)]
    assert fast[0][1]["contacts"] > 50
    monkeypatch.setattr(suricata_eve, "_DECODE", None)
    assert [read(suricata_eve.read, path, strict) for strict in (False, True)] == fast


def tsv_lines(r: random.Random, kind: str, objects: list[dict]) -> list[bytes]:
    """Zeek TSV of the objects' columns (in the order given by the first), some values odd."""
    names = list(objects[0])
    lines = [b"#separator \\x09", b"#set_separator\t,", b"#empty_field\t(empty)", b"#unset_field\t-",
             f"#path\t{kind}".encode(), ("#fields\t" + "\t".join(names)).encode()]  # fmt: skip
    for obj in objects:
        values = []
        for name in names:
            value = obj.get(name)
            if r.random() < 0.03:
                value = r.choice(["-", "(empty)", "", "x", "-5", "nan", "1e3", "\\x41\\xe6", "T", "b" * 3000])
            elif isinstance(value, list):
                value = ",".join(value) if value else "(empty)"
            elif isinstance(value, bool):
                value = "T" if value else "F"
            values.append("-" if value is None else str(value))
        if r.random() < 0.02:
            values = values[:-1]
        lines.append("\t".join(values).encode() + (b"\r" if r.random() < 0.05 else b""))
    return lines


@pytest.mark.parametrize("kind", ["conn", "dns", "http"])
@pytest.mark.parametrize("last", [False, True])
def test_zeek_tsv_batch_loops_and_the_general_loop_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, last: bool
) -> None:
    """The traffic-log loops (raw lines, joined keys) against the loop of the other logs;
    `last` puts a column they read at the end of the line, where its end of line is."""
    r = random.Random(kind)
    objects = zeek_objects(r, kind, 300)
    if last:
        objects = [
            {**{k: v for k, v in o.items() if k != "id.orig_h"}, "id.orig_h": o["id.orig_h"]} for o in objects
        ]
    path = tmp_path / f"{kind}.log"
    path.write_bytes(b"\n".join(tsv_lines(r, kind, objects)) + b"\r\n\n")
    loop = getattr(zeek._ZeekFile, f"_{kind}_rows")
    calls = []

    def spy(self, batch, i, first):  # type: ignore[no-untyped-def]
        calls.append(i)
        return loop(self, batch, i, first)

    monkeypatch.setattr(zeek._ZeekFile, f"_{kind}_rows", spy)
    fast = [read(zeek.read, path, strict) for strict in (False, True)]
    assert calls and fast[0][1]["records"] > 250  # the kind's own loop read the rows
    for loop in ("_conn_rows", "_dns_rows", "_http_rows"):
        monkeypatch.setattr(zeek._ZeekFile, loop, zeek._ZeekFile._tsv_rows)
    assert [read(zeek.read, path, strict) for strict in (False, True)] == fast


def test_contact_keys_of_joined_values() -> None:
    parts = (b"10.0.0.1", b"203.0.113.9", b"443", b"tcp", b"T", b"-")
    key = zeek._key(parts)
    assert key == b"10.0.0.1\n203.0.113.9\n443\ntcp\nT\n-"
    assert zeek._unkey(key) == parts
    assert logs.key_size(key) == logs.key_size(parts) == sum(len(p) for p in parts)
    assert zeek._key((b"10.0.0.1", None)) == (b"10.0.0.1", None)  # an absent column: the tuple
    assert zeek._key(("10.0.0.1", 443)) == ("10.0.0.1", 443)  # JSON values: the tuple


@pytest.mark.parametrize(
    "data",
    [
        b"a\nb\r\nc",
        b"a\nb\n",
        b"\n\n\r\n \n",
        b"x" * 700 + b"\n" + b"y" * 2000 + b"\nz\n" + b"w" * 3000,
        b"x" * 5000 + b"\r\n" + b"ok\r",
        b"",
        b"\r",
        b"line\r\r\n" + b"q" * 300 + b"\n",
    ],
)
def test_raw_lines_are_the_lines_with_their_ends(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "_CHUNK", 256)  # lines across chunks, some longer than the limit

    def batches(function):  # type: ignore[no-untyped-def]
        stats = ReadStats()
        skips = logs.Skips(stats, "x", SourceOptions())
        return list(function(io.BytesIO(data), skips, 1000)), stats.skipped

    plain, plain_skipped = batches(logs.line_batches)
    raw, raw_skipped = batches(logs.raw_line_batches)
    assert raw_skipped == plain_skipped
    assert [(n, [logs.strip_line(line) for line in lines]) for n, lines in raw] == plain
    ends = [line for _, lines in raw for line in lines]
    assert all(line.endswith(b"\n") for line in ends[:-1])  # all but a last line without one
