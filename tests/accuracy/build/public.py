"""Build corpus/public.jsonl and SOURCES.md from the tables of public_records*.py.

Why generated: the records and their source addresses live together in reviewed Python tables
(each Source carries its records); the corpus and the source list are derived from them, so a
record can never lose its source.

Run: .venv/bin/python tests/accuracy/build/public.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import public_records
import public_records_dhcp
import public_records_onvif
import public_records_snmp
from common import COVERED
from public_records import Source

# The tables in the order of the corpus and of SOURCES.md.
TABLES = (public_records, public_records_dhcp, public_records_onvif, public_records_snmp)

HERE = Path(__file__).resolve().parent.parent

_HEADER = """# Sources of the accuracy corpus

Every record of `corpus/*.jsonl` names its origin. This file lists them.

| origin | what | records |
|---|---|---|
| `ivre-modbus-2015` | Real internet scan, IVRE Modbus sample 2014-12..2015-02 (GitHub `ivre/ivre-test-samples`, `tests/samples/Nmap-Modbus-IPv4.json.bz2`, GPL-3.0), read through custodiet's nmap reader; addresses and site names removed (README.md) | {ivre} |
| `ieee-oui` | IEEE MA-L registry as shipped by netaddr (`netaddr/eui/oui.txt`, https://standards-oui.ieee.org/oui/oui.txt); labels from the registrant names (build/mac.py) | {mac} |

## Public captures (`corpus/public.jsonl`)

| origin | source | records |
|---|---|---|
"""


def all_sources() -> list[Source]:
    """Every source of every table; an id used twice would give two sources the same record ids."""
    sources = [source for table in TABLES for source in table.SOURCES]
    twice = sorted(sid for sid, n in Counter(s.sid for s in sources).items() if n > 1)
    if twice:
        raise SystemExit(f"source ids used twice: {twice}")
    return sources


def build(sources: list[Source]) -> list[dict]:
    records = []
    for source in sources:
        for n, (field, text, maker, note, device) in enumerate(source.records, start=1):
            record = {
                "id": f"{source.sid}-{n:02d}",
                "field": field,
                "text": text,
                "label": {"manufacturer": maker, "covered": maker in COVERED},
                "origin": source.sid,
            }
            if note:
                record["note"] = note
            if device:
                record["device"] = device
            records.append(record)
    return records


def _count(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8")) if path.exists() else 0


def main() -> None:
    sources = all_sources()
    records = build(sources)
    with (HERE / "corpus" / "public.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    per_source = Counter(r["origin"] for r in records)
    lines = [
        _HEADER.format(
            ivre=_count(HERE / "corpus" / "ivre-modbus-2015.jsonl"),
            mac=_count(HERE / "corpus" / "mac-oui.jsonl"),
        )
    ]
    for source in sources:
        lines.append(f"| `{source.sid}` | [{source.title}]({source.url}) | {per_source[source.sid]} |\n")
    (HERE / "SOURCES.md").write_text("".join(lines), encoding="utf-8")
    print(f"{len(records)} public records from {len(sources)} sources")
    import evaluation  # the evaluation section of SOURCES.md is rewritten after the development one

    evaluation.main()


if __name__ == "__main__":
    main()
