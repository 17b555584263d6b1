"""Build corpus/ivre-modbus-2015.jsonl and ivre-hosts.jsonl from the real IVRE 2015 scan sample.

Why this way: the sample is IVRE's JSON form of real nmap runs. Each host is turned back into the
nmap XML elements it came from (service attributes, servicefp, script outputs) and read by
custodiet's own nmap reader, so the corpus texts are exactly the observations an audit of that
scan would produce: same fields, same header splitting, same servicefp decoding.

Then, because the hosts are real:
- addresses are never published: every IPv4 address in a text becomes a documentation address
  (RFC 5737), and host ids are opaque numbers (hosts sorted by a hash of the address);
- host names (reverse DNS, certificate names, mail domains) are replaced by example names unless
  they belong to a vendor or a public project (VENDOR_DOMAINS);
- texts that name the operator of a site (a company, hospital, town or lab) are dropped (DROP);
- texts whose maker we cannot settle by reading are left out (UNSETTLED), so that the labels
  we publish are ones we are sure of.

Labels come from ivre_labels.RULES (read the rules there) and are written into each record.

Run: .venv/bin/python tests/accuracy/build/ivre.py [--dataset PATH]
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import re2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import COVERED
from ivre_labels import DROP, UNSETTLED, label_text

from custodiet.model.fields import IDENTIFY_FIELDS
from custodiet.sources import nmap_xml
from custodiet.sources.base import ReadStats

HERE = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = Path("/work/shared/datasets/ivre-modbus-scan-2015/Nmap-Modbus-IPv4.json.bz2")
ORIGIN = "ivre-modbus-2015"

_IPV4 = re2.compile(
    r"(?:^|[^0-9.])((?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3})(?:$|[^0-9])"
)
_IPV4_DASHED = re2.compile(r"[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,3}")
_EMAIL = re2.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_FQDN = re2.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})\.)+(?:[A-Za-z]{2,12})")

# Top-level domains we treat as host names (a token such as "index.html" or "rpcCore.js" is not one).
_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "edu",
        "gov",
        "biz",
        "info",
        "local",
        "localdomain",
        "lan",
        "cat",
        "fr",
        "it",
        "es",
        "se",
        "cz",
        "tr",
        "pl",
        "ee",
        "si",
        "hu",
        "bg",
        "be",
        "dk",
        "uk",
        "ch",
        "sk",
        "br",
        "mx",
        "lv",
        "no",
        "ca",
        "au",
        "de",
        "nl",
        "at",
        "ro",
        "gr",
        "pt",
        "ie",
        "fi",
        "ru",
        "ua",
        "il",
        "kr",
        "jp",
        "tw",
        "cn",
        "in",
        "id",
        "za",
        "hr",
        "rs",
        "ba",
        "lt",
        "is",
        "co",
    ]
)
# Domains of vendors and public projects: kept, they say who made the software.
VENDOR_DOMAINS = (
    "w3.org",
    "drupal.org",
    "sourceforge.net",
    "filezilla-project.org",
    "gmx.de",
    "ucc.asn.au",
    "sics.se",
    "cradlepoint.com",
    "lancom-systems.de",
    "fortinet.com",
    "synology.com",
    "qnap.com",
    "netgear.com",
    "ubnt.com",
    "dlink.com",
    "vmware.com",
    "sofaware.com",
    "mitel.com",
    "sofrel.com",
    "insys-tec.de",
    "inhand.com.cn",
    "aei.com",
    "piigab.se",
    "reliance-scada.com",
    "cacert.org",
    "godaddy.com",
    "starfieldtech.com",
    "verisign.com",
    "tbox.be",
    "tboxsupport.biz",
    "technotrade.biz",
    "cse-semaphore.com",
    "acquisuite.com",
    "example.com",
    "localhost.localdomain",
    "asp.net",
    "psm4.com",
    "daum.net",
    "thawte.com",
    "digicert.com",
    "comodo.com",
    "microsoft.com",
)
_ROLE_MAILBOXES = frozenset(
    [
        "support",
        "info",
        "admin",
        "postmaster",
        "root",
        "product",
        "q_support",
        "technical.support",
        "insys",
        "a",
        "webmaster",
        "kexguess2",
    ]
)


def _is_vendor_domain(name: str) -> bool:
    low = name.lower()
    return any(low == d or low.endswith("." + d) for d in VENDOR_DOMAINS)


class Scrubber:
    """Replaces addresses and site names with documentation values, consistently in one run."""

    def __init__(self) -> None:
        self.addresses: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def address(self, ip: str) -> str:
        if ip not in self.addresses:
            n = len(self.addresses)
            block = ("192.0.2", "198.51.100", "203.0.113")[(n // 250) % 3]
            self.addresses[ip] = f"{block}.{n % 250 + 1}"
        return self.addresses[ip]

    def name(self, host: str) -> str:
        key = host.lower()
        if key not in self.names:
            self.names[key] = f"site{len(self.names) + 1}.example.net"
        return self.names[key]

    def text(self, text: str) -> str:
        text = _sub_all(_IPV4, text, self.address)
        text = _sub_simple(_IPV4_DASHED, text, lambda m: "192-0-2-0")
        text = _sub_simple(_EMAIL, text, self._email)
        return _sub_simple(_FQDN, text, self._fqdn)

    def _email(self, found: str) -> str:
        local, _, domain = found.partition("@")
        if _is_vendor_domain(domain):
            return found if local.lower() in _ROLE_MAILBOXES else f"user@{domain}"
        return "user@example.net"

    def _fqdn(self, found: str) -> str:
        last = found.rsplit(".", 1)[-1].lower()
        if last not in _TLDS or _is_vendor_domain(found):
            return found
        if found.lower().startswith("www.") and _is_vendor_domain(found[4:]):
            return found
        return self.name(found)


def _sub_simple(regex: re2._Regexp, text: str, repl) -> str:
    out = []
    pos = 0
    for found in regex.finditer(text):
        out.append(text[pos : found.start()])
        out.append(repl(found.group(0)))
        pos = found.end()
    out.append(text[pos:])
    return "".join(out)


def _is_version(before: str) -> bool:
    """A dotted quad right after "Name/" or a "version" word is a version number, not an address."""
    if before.endswith("/") and not before.endswith("//"):
        return True
    return "ersion" in before[-24:] or "evision" in before[-24:]


def _sub_all(regex: re2._Regexp, text: str, repl) -> str:
    """Substitute group 1 of every match (the pattern also matches one boundary character)."""
    out = []
    pos = 0
    while True:
        found = regex.search(text, pos)
        if not found:
            break
        out.append(text[pos : found.start(1)])
        value = found.group(1)
        out.append(value if _is_version(text[: found.start(1)]) else repl(value))
        pos = found.end(1)
    out.append(text[pos:])
    return "".join(out)


def host_element(host: dict) -> ElementTree.Element:
    """The nmap XML <host> element an IVRE host record was made from (without its address)."""
    elem = ElementTree.Element("host")
    ElementTree.SubElement(elem, "status", state="up")
    ElementTree.SubElement(elem, "address", addr="192.0.2.1", addrtype="ipv4")
    ports = ElementTree.SubElement(elem, "ports")
    for port in host.get("ports", []):
        if port.get("port", -1) < 0:
            continue  # IVRE's pseudo-port for host scripts
        pelem = ElementTree.SubElement(
            ports, "port", protocol=str(port.get("protocol", "tcp")), portid=str(port["port"])
        )
        ElementTree.SubElement(pelem, "state", state=str(port.get("state_state", "open")))
        attrs = {}
        for key in (
            "name",
            "product",
            "version",
            "extrainfo",
            "devicetype",
            "ostype",
            "tunnel",
            "method",
            "servicefp",
        ):
            value = port.get(f"service_{key}")
            if value is not None:
                attrs[key] = str(value)
        if attrs:
            ElementTree.SubElement(pelem, "service", attrs)
        for script in port.get("scripts", []):
            ElementTree.SubElement(
                pelem, "script", id=str(script["id"]), output=str(script.get("output", ""))
            )
    return elem


def observations(host: dict) -> list[tuple[str, str | None, str]]:
    """(field, port, text) of every identify-contract observation custodiet reads from a host."""
    root = ElementTree.Element("nmaprun")
    root.append(host_element(host))
    data = ElementTree.tostring(root)
    stats = ReadStats()
    out = []
    for obs in nmap_xml.read_stream(io.BytesIO(data), "ivre", stats):
        if obs.field in IDENTIFY_FIELDS and obs.field not in ("hostname", "mac"):
            out.append((obs.field, obs.port, obs.text))
    return out


def hosts(dataset: Path) -> Iterator[dict]:
    with bz2.open(dataset, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _matches_any(patterns: list[re2._Regexp], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def build(dataset: Path) -> tuple[list[dict], list[dict], dict[str, int]]:
    scrubber = Scrubber()
    ordered = sorted(hosts(dataset), key=lambda h: hashlib.sha256(str(h["addr"]).encode()).hexdigest())
    records: list[dict] = []
    host_rows: list[dict] = []
    counts = {"observations": 0, "dropped_site_names": 0, "unsettled": 0, "duplicates": 0}
    for number, host in enumerate(ordered, 1):
        host_id = f"ivre-h{number:03d}"
        seen: set[tuple[str, str]] = set()
        kept = []
        for field, port, raw in observations(host):
            counts["observations"] += 1
            if not raw.strip():
                continue
            if _matches_any(DROP, raw):
                counts["dropped_site_names"] += 1
                continue
            text = scrubber.text(raw)
            if _matches_any(DROP, text):
                counts["dropped_site_names"] += 1
                continue
            if _matches_any(UNSETTLED, text):
                counts["unsettled"] += 1
                continue
            if (field, text) in seen:
                counts["duplicates"] += 1
                continue
            seen.add((field, text))
            maker, basis = label_text(field, text)
            kept.append((field, port, text, maker, basis))
        port_makers: dict[str | None, set[str]] = {}
        for _field, port, _text, maker, _basis in kept:
            if maker and port:
                port_makers.setdefault(port, set()).add(maker)
        for index, (field, port, text, maker, basis) in enumerate(kept, 1):
            record = {
                "id": f"{host_id}-{index:02d}",
                "field": field,
                "text": text,
                "label": {"manufacturer": maker, "covered": False},
                "origin": ORIGIN,
                "host": host_id,
            }
            if port:
                record["port"] = port
                device = port_makers.get(port, set())
                if not maker and len(device) == 1:
                    # Same host and port as a text that names the maker: the same device answered.
                    record["device"] = next(iter(device))
            if basis:
                record["note"] = basis
            records.append(record)
        if kept:
            makers = sorted({m for _f, _p, _t, m, _b in kept if m})
            host_rows.append({"host": host_id, "makers": makers, "records": len(kept)})
    return records, host_rows, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    args = parser.parse_args()

    records, host_rows, counts = build(args.dataset)
    for record in records:
        record["label"]["covered"] = record["label"]["manufacturer"] in COVERED
    with (HERE / "corpus" / f"{ORIGIN}.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (HERE / "ivre-hosts.jsonl").open("w", encoding="utf-8") as out:
        for row in host_rows:
            covered = [m for m in row["makers"] if m in COVERED]
            label = {
                "host": row["host"],
                "manufacturer": covered[0]
                if covered
                else (row["makers"][0] if len(row["makers"]) == 1 else None),
                "covered": bool(covered),
                "makers": row["makers"],
                "mixed": len(row["makers"]) > 1,
            }
            out.write(json.dumps(label, ensure_ascii=False) + "\n")
    print(f"{len(records)} records from {len(host_rows)} hosts; {counts}")


if __name__ == "__main__":
    main()
