"""The census reads a record exactly as `audit` does: the (address, field, port, text)
observations its SQL and derivations make equal the audit readers' on every fixture, and each
host's identity equals the one `audit` fuses for the same host."""

from __future__ import annotations

import bz2
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest

from custodiet.census import formats, lines
from custodiet.census.derive import Deriver
from custodiet.sources import nmap_xml
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.registry import READERS

from . import synth
from .conftest import IVRE_SAMPLE

LOGS = Path(__file__).resolve().parents[1] / "sources" / "data" / "logs"


def census_facts(path: Path, fmt: str) -> set[tuple]:
    con = duckdb.connect()
    con.execute(formats.MACROS)
    tally = lines.Tally()
    con.register("batches", lines.reader(path, str(path), tally))
    con.execute("CREATE VIEW src AS SELECT 0 AS file, n, line FROM batches")
    deriver = Deriver()
    out = set()
    rows = con.execute(formats.flatten_sql(fmt)).fetchall()
    address = {(f, n): addr for f, n, addr, _cc, _port, kind, _raw in rows if kind == "#rec"}
    for file, n, _addr, _cc, port, kind, raw in rows:
        if kind.startswith(("#", "!")):
            continue
        for field, text in deriver.derive(kind, raw):
            out.add((address[(file, n)], field, port, text))
    return out


def reader_facts(path: Path, fmt: str) -> set[tuple]:
    observations = READERS[fmt](path, str(path), ReadStats(), SourceOptions())
    return {(o.subject.address, o.field, o.port, o.text) for o in observations if o.field != "port"}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("shodan.json", "shodan"), ("censys.json", "censys"), ("zgrab2.json", "zgrab2"),
     ("masscan.json", "masscan"), ("masscan.ndjson", "masscan")],
)  # fmt: skip
def test_reader_fixtures(name: str, fmt: str) -> None:
    got = census_facts(LOGS / name, fmt)
    assert got == reader_facts(LOGS / name, fmt)
    assert len(got) >= 1


@pytest.mark.parametrize("fmt", ["shodan", "censys", "zgrab2", "masscan"])
def test_synthetic_records(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"{fmt}.jsonl"
    path.write_bytes(synth.WRITERS[fmt](synth.hosts(150, seed=3, distinct=0.5)))
    got = census_facts(path, fmt)
    assert got == reader_facts(path, fmt)
    assert len(got) > 50


def _host_xml(host: dict) -> ElementTree.Element:
    """The nmap XML <host> an IVRE record was made from."""
    a = host["addr"]
    elem = ElementTree.Element("host")
    ElementTree.SubElement(elem, "status", state="up")
    ElementTree.SubElement(
        elem, "address", addr=".".join(str((a >> s) & 255) for s in (24, 16, 8, 0)), addrtype="ipv4"
    )
    names = ElementTree.SubElement(elem, "hostnames")
    for name in host.get("hostnames", []):
        ElementTree.SubElement(names, "hostname", name=name["name"])
    ports = ElementTree.SubElement(elem, "ports")
    for port in host.get("ports", []):
        if port.get("port", -1) < 0:
            continue
        pelem = ElementTree.SubElement(
            ports, "port", protocol=str(port.get("protocol", "tcp")), portid=str(port["port"])
        )
        ElementTree.SubElement(pelem, "state", state=str(port.get("state_state", "open")))
        keys = (
            "name",
            "product",
            "version",
            "extrainfo",
            "devicetype",
            "ostype",
            "tunnel",
            "method",
            "servicefp",
            "hostname",
        )
        attrs = {k: str(port[f"service_{k}"]) for k in keys if port.get(f"service_{k}") is not None}
        if attrs:
            ElementTree.SubElement(pelem, "service", attrs)
        for script in port.get("scripts", []):
            ElementTree.SubElement(
                pelem, "script", id=str(script["id"]), output=str(script.get("output", ""))
            )
    if host.get("os"):
        os_elem = ElementTree.SubElement(elem, "os")
        for match in host["os"].get("osmatch", []):
            ElementTree.SubElement(os_elem, "osmatch", name=match["name"])
    if host.get("scripts"):
        scripts = ElementTree.SubElement(elem, "hostscript")
        for script in host["scripts"]:
            ElementTree.SubElement(
                scripts, "script", id=str(script["id"]), output=str(script.get("output", ""))
            )
    return elem


def ivre_as_nmap_xml(path: Path) -> bytes:
    root = ElementTree.Element("nmaprun")
    with bz2.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            root.append(_host_xml(json.loads(line)))
    return ElementTree.tostring(root)


@pytest.mark.skipif(not IVRE_SAMPLE.exists(), reason="the IVRE sample (../shared/datasets) is not here")
def test_ivre_sample_reads_as_nmap_xml() -> None:
    """Every observation nmap_xml reads from the sample's hosts (as XML), and no other."""
    got = census_facts(IVRE_SAMPLE, "ivre")
    stats = ReadStats()
    want = {
        (o.subject.address, o.field, o.port, o.text)
        for o in nmap_xml.read_stream(io.BytesIO(ivre_as_nmap_xml(IVRE_SAMPLE)), "x", stats)
        if o.field not in ("port", "mac", "mac.vendor")
    }
    assert got == want
    assert len(got) > 9000  # 15,377 with the nmap reader of 2026-12 (every script output read)
