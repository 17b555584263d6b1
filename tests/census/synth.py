"""Labelled-synthetic scan records: real banners, invented addresses and countries.

The banners are real device output from public sources (banners.py says where each comes from);
the hosts they are put on, the addresses, the ports' neighbours and the countries are invented
here, deterministically from a seed. Each host carries its label (the maker a careful reader
concludes from its banners, or None), so tests and benches know the true count per country.

Writers turn the same hosts into each format the census reads: Shodan banners (one record per
service), Censys host records, zgrab2, masscan (-oJ) and IVRE (nmap) host records.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field

import orjson

from .banners import Banner, pool

# Invented country mix (ISO 3166-1 alpha-2, weights): nothing measured, only spread.
COUNTRIES = (
    ("US", 20), ("CN", 12), ("DE", 6), ("BR", 6), ("IN", 6), ("IT", 5), ("FR", 5), ("GB", 5), ("RU", 4),
    ("TR", 4), ("VN", 4), ("MX", 3), ("KR", 3), ("JP", 3), ("ES", 3), ("PL", 2), ("AR", 2), ("ZA", 2),
    ("EG", 2), ("PK", 2), ("TH", 2), ("ID", 2), ("NL", 1), ("SE", 1), ("KE", 1), ("UZ", 1),
)  # fmt: skip


@dataclass
class Service:
    port: int
    transport: str
    banner: Banner
    extra_date: str | None = None  # a Date header making the text distinct


@dataclass
class Host:
    address: str
    country: str
    label: str | None  # the maker of the device, or None
    services: list[Service] = field(default_factory=list)


def _address(rng: random.Random, used: set[str]) -> str:
    """An invented unicast address outside private, shared, loopback and reserved blocks."""
    while True:
        first = rng.randrange(1, 224)
        if first in (10, 100, 127, 169, 172, 192, 198, 203):
            continue
        address = f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        if address not in used:
            used.add(address)
            return address


def hosts(count: int, seed: int = 7, covered_share: float = 0.3, distinct: float = 0.0) -> list[Host]:
    """`count` invented hosts; about `covered_share` of them wear a covered maker's banners,
    the others another maker's or generic software's. `distinct`: the share of HTTP and RTSP
    services whose text is made unique by a Date header (as real snapshots are)."""
    rng = random.Random(seed)
    banners = pool()
    covered = [b for b in banners if b.covered]
    others = [b for b in banners if not b.covered]
    names = [c for c, _ in COUNTRIES]
    weights = [w for _, w in COUNTRIES]
    used: set[str] = set()
    out = []
    for index in range(count):
        banner = rng.choice(covered if rng.random() < covered_share else others)
        host = Host(_address(rng, used), rng.choices(names, weights)[0], banner.maker)
        host.services.append(_service(banner, rng, distinct, index))
        if rng.random() < 0.3:  # a second, generic service on the same address
            generic = [b for b in others if b.maker is None and b.kind != banner.kind]
            if generic:
                host.services.append(_service(rng.choice(generic), rng, distinct, index))
        out.append(host)
    return out


def _service(banner: Banner, rng: random.Random, distinct: float, index: int) -> Service:
    date = None
    if banner.kind in ("http", "rtsp") and rng.random() < distinct:
        date = f"Mon, {1 + index % 28:02d} Jan 2024 {index % 24:02d}:{index % 60:02d}:{(index * 7) % 60:02d} GMT #{index}"
    return Service(banner.port, banner.transport, banner, date)


def _data(service: Service) -> str:
    """The raw banner of a service, with its Date header when it has one."""
    text = service.banner.data
    if service.extra_date and "\r\n" in text:
        first, rest = text.split("\r\n", 1)
        text = f"{first}\r\nDate: {service.extra_date}\r\n{rest}"
    return text


# --------------------------------------------------------------------------- writers


def shodan(hosts_: list[Host]) -> bytes:
    lines = []
    for host in hosts_:
        for service in host.services:
            b = service.banner
            record: dict = {
                "ip_str": host.address,
                "port": service.port,
                "transport": service.transport,
                "location": {"country_code": host.country, "city": None},
                "_shodan": {"module": b.module},
                "org": "Invented Networks",
                "data": _data(service),
                "hostnames": [],
            }
            record.update(b.shodan_extra)
            lines.append(orjson.dumps(record))
    return b"\n".join(lines) + b"\n"


def censys(hosts_: list[Host]) -> bytes:
    lines = []
    for host in hosts_:
        services = []
        for service in host.services:
            b = service.banner
            entry: dict = {
                "port": service.port,
                "transport_protocol": service.transport.upper(),
                "service_name": b.module.split("-")[0].upper(),
                "banner": _data(service),
            }
            if b.kind == "snmp":
                entry["snmp"] = {"oid_system": {"desc": b.text}}
                entry.pop("banner")
            services.append(entry)
        lines.append(
            orjson.dumps(
                {"ip": host.address, "location": {"country_code": host.country}, "services": services}
            )
        )
    return b"\n".join(lines) + b"\n"


def zgrab2(hosts_: list[Host]) -> bytes:
    lines = []
    for host in hosts_:
        data: dict = {}
        for i, service in enumerate(host.services):
            b = service.banner
            if b.kind == "http":
                status, headers = _split_http(_data(service))
                header_map: dict = {}
                for name, value in headers:
                    header_map.setdefault(name.lower().replace("-", "_"), []).append(value)
                data[f"http{i}"] = {
                    "status": "success",
                    "protocol": "http",
                    "port": service.port,
                    "result": {"response": {"status_line": status.split(" ", 1)[1] if " " in status else status,
                                            "protocol": {"name": status.split(" ", 1)[0]}, "headers": header_map,
                                            "body": b.shodan_extra.get("http", {}).get("html")}},
                }  # fmt: skip
            elif b.kind == "ssh":
                data[f"ssh{i}"] = {"status": "success", "protocol": "ssh", "port": service.port,
                                   "result": {"server_id": {"raw": b.text}}}  # fmt: skip
            elif b.kind in ("telnet", "ftp"):
                data[f"{b.kind}{i}"] = {"status": "success", "protocol": b.kind, "port": service.port,
                                        "result": {"banner": b.text}}  # fmt: skip
        lines.append(orjson.dumps({"ip": host.address, "data": data}))
    return b"\n".join(lines) + b"\n"


def _split_http(text: str) -> tuple[str, list[tuple[str, str]]]:
    head = text.split("\r\n\r\n", 1)[0]
    rows = head.split("\r\n")
    headers = []
    for row in rows[1:]:
        name, sep, value = row.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    return rows[0], headers


def masscan(hosts_: list[Host]) -> bytes:
    """-oJ: a JSON array, one record per line."""
    lines = [b"["]
    for host in hosts_:
        ports = []
        for service in host.services:
            b = service.banner
            name = {"http": "http", "rtsp": "rtsp", "ssh": "ssh", "telnet": "telnet", "ftp": "ftp"}.get(
                b.kind
            )
            if name is None:
                continue
            banner = _data(service).encode("utf-8").decode("latin-1")  # masscan escapes each byte
            ports.append({"port": service.port, "proto": service.transport,
                          "service": {"name": name, "banner": banner}})  # fmt: skip
        lines.append(orjson.dumps({"ip": host.address, "timestamp": "1700000000", "ports": ports}) + b",")
    lines.append(b"]")
    return b"\n".join(lines) + b"\n"


def ivre(hosts_: list[Host]) -> bytes:
    """IVRE host records: nmap results as JSON (address as an integer, country in infos)."""
    lines = []
    for host in hosts_:
        a, b, c, d = (int(x) for x in host.address.split("."))
        ports = []
        for service in host.services:
            banner = service.banner
            port: dict = {"port": service.port, "protocol": service.transport, "state_state": "open",
                          "service_name": banner.kind}  # fmt: skip
            if banner.kind == "http":
                status, headers = _split_http(_data(service))
                output = (
                    "\n"
                    + "".join(f"  {k}: {v}\n" for k, v in [("Status", status), *headers])
                    + "  \n  (Request type: GET)\n"
                )
                output = output.replace("  Status: ", "  ", 1)
                port["scripts"] = [{"id": "http-headers", "output": output}]
            elif banner.kind in ("ssh", "telnet", "ftp"):
                port["scripts"] = [{"id": "banner", "output": banner.text}]
            ports.append(port)
        record = {"addr": (a << 24) | (b << 16) | (c << 8) | d, "infos": {"country_code": host.country}}
        record.update({"ports": ports, "source": "invented"})
        lines.append(orjson.dumps(record))
    return b"\n".join(lines) + b"\n"


WRITERS = {"shodan": shodan, "censys": censys, "zgrab2": zgrab2, "masscan": masscan, "ivre": ivre}


def truth(hosts_: list[Host], covered: set[str]) -> dict[tuple[str, str], int]:
    """(country, covered maker) -> hosts, as labelled."""
    out: dict[tuple[str, str], int] = {}
    for host in hosts_:
        if host.label in covered:
            key = (host.country, host.label)
            out[key] = out.get(key, 0) + 1
    return out


def der_b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
