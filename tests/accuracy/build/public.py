"""Build corpus/public.jsonl and SOURCES.md from public_records.py.

Why generated: the records and their source addresses live together in one reviewed Python file
(public_records.py); the corpus and the source list are derived from it, so a record can never
lose its source.

Run: .venv/bin/python tests/accuracy/build/public.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import public_records_dhcp  # noqa: F401  (each module adds its records to RECORDS/SOURCES)
import public_records_onvif  # noqa: F401
import public_records_snmp  # noqa: F401
from common import COVERED
from public_records import RECORDS, SOURCES

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


def build() -> list[dict]:
    records = []
    seen: Counter[str] = Counter()
    for sid, field, text, maker, note, device in RECORDS:
        if sid not in SOURCES:
            raise SystemExit(f"record of unknown source {sid}")
        seen[sid] += 1
        record = {
            "id": f"{sid}-{seen[sid]:02d}",
            "field": field,
            "text": text,
            "label": {"manufacturer": maker, "covered": maker in COVERED},
            "origin": sid,
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
    records = build()
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
    for sid, (url, title) in SOURCES.items():
        lines.append(f"| `{sid}` | [{title}]({url}) | {per_source[sid]} |\n")
    (HERE / "SOURCES.md").write_text("".join(lines), encoding="utf-8")
    print(f"{len(records)} public records from {len(SOURCES)} sources")


if __name__ == "__main__":
    main()
