"""Build corpus/eval.jsonl and the "Evaluation sources" section of SOURCES.md from eval_records_*.py.

Why a separate file: these records measure how custodiet's signatures generalise. They were
labelled from each source's own words by an engineer who neither read the signatures nor ran
`custodiet identify` while choosing and labelling them, from sources no signature is written from
(an evaluation source's address must never be cited by a file under src/custodiet/content/). Kept
apart from corpus/public.jsonl so the two sides can be reported apart.

Run: .venv/bin/python tests/accuracy/build/evaluation.py   (after build/public.py, which rewrites SOURCES.md)
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_records_cameras
import eval_records_cameras2
import eval_records_grow1
import eval_records_grow2
import eval_records_grow3
import eval_records_mac2
import eval_records_negatives
import eval_records_negatives2
import eval_records_telecom
import eval_records_telecom2
import public
from public_records import Source

# The tables in the order of the corpus and of the SOURCES.md section.
TABLES = (
    eval_records_cameras,
    eval_records_telecom,
    eval_records_negatives,
    # round 2 (origin ids ev2-): other kinds of sources than round 1's issue search
    eval_records_cameras2,
    eval_records_telecom2,
    eval_records_negatives2,
    eval_records_mac2,
    # round 3 (origin ids ev3-): RTSP client threads, blog mirrors, LTE CPE APIs, banners
    eval_records_grow1,
    eval_records_grow2,
    # round 3 continued: covered makers' devices (RTSP proxy logs, SSH debug logs, scan READMEs)
    eval_records_grow3,
)

HERE = Path(__file__).resolve().parent.parent
MARK = "\n## Evaluation sources (`corpus/eval.jsonl`)\n"

_SECTION = (
    MARK
    + """
Real device texts from public sources that no signature is written from, labelled from each
source's own words without reading custodiet's signatures (build/evaluation.py, build/eval_records_*.py).

| origin | source | records |
|---|---|---|
"""
)


def all_sources() -> list[Source]:
    """Every evaluation source; an id used twice, or also used by a development table, is an error."""
    sources = [source for table in TABLES for source in table.SOURCES]
    taken = {s.sid for s in public.all_sources()}
    twice = sorted(sid for sid, n in Counter(s.sid for s in sources).items() if n > 1 or sid in taken)
    if twice:
        raise SystemExit(f"source ids used twice: {twice}")
    return sources


def main() -> None:
    sources = all_sources()
    records = public.build(sources)
    with (HERE / "corpus" / "eval.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    per_source = Counter(r["origin"] for r in records)
    path = HERE / "SOURCES.md"
    head = path.read_text(encoding="utf-8").split(MARK)[0].rstrip("\n") + "\n"
    lines = [head, _SECTION]
    for source in sources:
        lines.append(f"| `{source.sid}` | [{source.title}]({source.url}) | {per_source[source.sid]} |\n")
    path.write_text("".join(lines), encoding="utf-8")
    covered = sum(r["label"]["covered"] for r in records)
    print(f"{len(records)} evaluation records ({covered} covered) from {len(sources)} sources")


if __name__ == "__main__":
    main()
