"""Scan records for the census benchmarks: Shodan-style banners of invented hosts wearing real
public banners (tests/census/synth.py and banners.py), written to a file.

`distinct` is the share of records whose banner text is made unique (a Date header, an SSH key
fingerprint line, an SNMP uptime), as real snapshots have; the rest repeat. The file also gets a
page body on HTTP services (an HTML page of about 1 KB) as Shodan records have."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.census import synth

PAGE = (
    "<html><head><title>{title}</title></head><body>" + "<div class='x'>content</div>" * 30 + "</body></html>"
)


def write(path: Path, records: int, distinct: float, seed: int = 1) -> dict:
    """Write `records` Shodan records; returns what was written (records, distinct texts)."""
    rng = random.Random(seed)
    hosts = synth.hosts(max(1, records * 10 // 13), seed=seed, covered_share=0.3)
    written = 0
    texts: set[int] = set()
    with path.open("wb") as out:
        while written < records:
            for host in hosts:
                for service in host.services:
                    if written >= records:
                        break
                    b = service.banner
                    data = b.data
                    if rng.random() < distinct:
                        mark = f"{written:x}-{rng.getrandbits(48):x}"
                        if "\r\n" in data:
                            first, rest = data.split("\r\n", 1)
                            data = f"{first}\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT {mark}\r\n{rest}"
                        else:
                            data = f"{data}\nFingerprint: {mark}"
                    record = {
                        "ip_str": host.address if written < len(hosts) * 2 else f"{host.address}",
                        "port": service.port,
                        "transport": service.transport,
                        "location": {"country_code": host.country, "city": None},
                        "_shodan": {"module": b.module},
                        "org": "Invented Networks",
                        "timestamp": "2024-01-01T00:00:00",
                        "data": data,
                        "hostnames": [],
                    }
                    record.update(b.shodan_extra)
                    if b.kind == "http" and "http" not in record:
                        record["http"] = {"title": "Login", "html": PAGE.format(title="Login")}
                    texts.add(hash(data))
                    out.write(orjson.dumps(record) + b"\n")
                    written += 1
    return {"records": written, "distinct_data": len(texts), "bytes": path.stat().st_size}
