"""Accuracy of `custodiet identify` on the labelled corpus in tests/accuracy/corpus/.

Every record goes through the real contract code path (custodiet.pipeline.identify_lines on a
JSON-Lines stream), and the answers are compared with the labels:

- recall: share of records labelled with a covered maker whose answer names that maker;
- precision: share of answers with covered=true whose label is that same covered maker;
- false-covered rate: share of records labelled "not covered" that were answered covered=true;
- naming accuracy: share of records labelled with a non-covered catalogue maker whose answer
  names that maker (records labelled "no maker" are not counted here).

Figures are printed per field, per origin and overall, and again split by SOURCE: a record whose
origin (its address in tests/accuracy/SOURCES.md, or its id) is cited by any detection-content file
is "development" data (a signature, name or relation was written from it); every other record is
"evaluation" data, from sources no signature was written from. Only the evaluation figures show
how well the content generalises; for them the bench also prints per vendor, per vendor x field
and per source. The split is computed, never declared: citing an evaluation source in content
moves its records to development at the next run. --misses prints every miss (id, field,
text excerpt, expected, got); --write-misses FILE writes them grouped by vendor and field as
Markdown. --hosts audits whole hosts of the IVRE sample: the records of one host are matched with
Identifier.match and fused with custodiet.identify.fusion.fuse, as an audit does, and compared
with the host labels in tests/accuracy/ivre-hosts.jsonl.

Run: .venv/bin/python bench/accuracy.py [--misses] [--hosts] [--write-misses FILE] [--json] [--split-only]
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "accuracy" / "corpus"
HOSTS = ROOT / "tests" / "accuracy" / "ivre-hosts.jsonl"
SOURCES_MD = ROOT / "tests" / "accuracy" / "SOURCES.md"
CONTENT = ROOT / "src" / "custodiet" / "content"
CONFIDENT = 0.6  # the policy's threshold for a "covered" finding (custodiet.policy.evaluate)


def load_records(directory: Path = CORPUS) -> list[dict]:
    """Every record of every corpus file, in file order."""
    records = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    records.append(orjson.loads(line))
    return records


def identify(records: list[dict], context) -> list[dict]:
    """Answers of the `custodiet identify` contract for the records, in order."""
    from custodiet.pipeline.identify_lines import identify_lines

    lines = b"\n".join(
        orjson.dumps({"id": n, "field": r["field"], "text": r["text"]}) for n, r in enumerate(records)
    )
    out = io.BytesIO()
    identify_lines(io.BytesIO(lines + b"\n"), out, context)
    answers = [orjson.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    if len(answers) != len(records) or any("error" in a for a in answers):
        bad = next((a for a in answers if "error" in a), None)
        raise RuntimeError(f"identify answered {len(answers)} lines for {len(records)} records; {bad}")
    return answers


@dataclass
class Tally:
    """Counts behind the four figures for one slice of the corpus."""

    records: int = 0
    covered_labelled: int = 0
    covered_found: int = 0
    covered_calls: int = 0
    covered_calls_right: int = 0
    not_covered: int = 0
    false_covered: int = 0
    named_labelled: int = 0
    named_right: int = 0

    def add(self, label: dict, answer: dict, device: str | None = None) -> None:
        """Count one answer. `device` is the maker of the device that sent a text which names no
        maker itself (known from another text of the same host and port): a call naming that
        maker is right about the device, so it is neither a false-covered call nor a wrong one."""
        self.records += 1
        expected = label.get("manufacturer")
        got = answer.get("manufacturer")
        device_call = bool(device) and got == device
        if label.get("covered"):
            self.covered_labelled += 1
            self.covered_found += got == expected
        else:
            self.not_covered += 1
            self.false_covered += bool(answer.get("covered")) and not device_call
            if expected:
                self.named_labelled += 1
                self.named_right += got == expected
        if answer.get("covered"):
            self.covered_calls += 1
            self.covered_calls_right += (bool(label.get("covered")) and got == expected) or device_call

    @staticmethod
    def _ratio(num: int, den: int) -> float | None:
        return num / den if den else None

    @property
    def recall(self) -> float | None:
        return self._ratio(self.covered_found, self.covered_labelled)

    @property
    def precision(self) -> float | None:
        return self._ratio(self.covered_calls_right, self.covered_calls)

    @property
    def false_covered_rate(self) -> float | None:
        return self._ratio(self.false_covered, self.not_covered)

    @property
    def naming(self) -> float | None:
        return self._ratio(self.named_right, self.named_labelled)

    def as_dict(self) -> dict:
        return {
            "records": self.records,
            "covered_labelled": self.covered_labelled,
            "recall": self.recall,
            "covered_calls": self.covered_calls,
            "precision": self.precision,
            "not_covered": self.not_covered,
            "false_covered": self.false_covered,
            "false_covered_rate": self.false_covered_rate,
            "named_labelled": self.named_labelled,
            "naming": self.naming,
        }


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_field: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_origin: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[dict] = field(default_factory=list)
    # split -> slice -> tally; split is "development" or "evaluation" (see the module docstring)
    by_split: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_split_vendor: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_split_field: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_split_vendor_field: dict[tuple[str, str, str], Tally] = field(
        default_factory=lambda: defaultdict(Tally)
    )
    by_split_origin: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))


# --------------------------------------------------------------------------- source split


def normalise_url(url: str) -> str:
    """An address reduced to what names one document: no scheme, www, query, fragment or trailing
    slash, lower case; a GitHub issue or pull request (with or without a comment anchor or a
    /files suffix) is its repository and number."""
    url = url.strip().lower()
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
    url = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if url.startswith("www."):
        url = url[4:]
    parts = url.split("/")
    if len(parts) >= 5 and parts[0] == "github.com" and parts[3] in ("issues", "pull", "pulls"):
        return "/".join(["github.com", parts[1], parts[2], "issues", parts[4]])
    return url


def _walk_urls(node, urls: set[str], ids: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url" and isinstance(value, str) and value:
                urls.add(normalise_url(value))
            elif key == "sources" and isinstance(value, dict):
                ids.update(str(k) for k in value)
            _walk_urls(value, urls, ids)
    elif isinstance(node, list):
        for value in node:
            _walk_urls(value, urls, ids)
    elif isinstance(node, str) and node.startswith(("http://", "https://")):
        urls.add(normalise_url(node))


def content_citations(directory: Path = CONTENT) -> tuple[set[str], set[str]]:
    """(normalised addresses, source ids) cited anywhere in the detection content."""
    import yaml

    urls: set[str] = set()
    ids: set[str] = set()
    for path in sorted(directory.rglob("*.yaml")):
        _walk_urls(yaml.safe_load(path.read_text(encoding="utf-8")), urls, ids)
    return urls, ids


def origin_urls(path: Path = SOURCES_MD) -> dict[str, set[str]]:
    """origin id -> the normalised addresses SOURCES.md gives for it (its table rows)."""
    import re

    found: dict[str, set[str]] = {}
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        row = re.match(r"^\| `([^`]+)` \|(.*)$", line)
        if row:
            links = re.findall(r"https?://[^\s)>\]`,]+", row.group(2))
            found.setdefault(row.group(1), set()).update(normalise_url(u) for u in links)
    return found


class SourceSplit:
    """Which records are development data (their source is cited by content) and which are
    evaluation data (no signature, name or relation was written from their source)."""

    def __init__(self, origins: dict[str, set[str]], cited_urls: set[str], cited_ids: set[str]) -> None:
        self.origins = origins
        self.cited_urls = cited_urls
        self.cited_ids = cited_ids

    @classmethod
    def load(cls) -> SourceSplit:
        urls, ids = content_citations()
        return cls(origin_urls(), urls, ids)

    def of(self, origin: str) -> str:
        if origin in self.cited_ids or self.origins.get(origin, set()) & self.cited_urls:
            return "development"
        return "evaluation"


def _origin_group(origin: str) -> str:
    return origin if origin in ("ivre-modbus-2015", "ieee-oui") else "public"


def miss_kind(label: dict, answer: dict, device: str | None = None) -> str | None:
    """Why an answer disagrees with its label, or None when it does not."""
    expected = label.get("manufacturer")
    got = answer.get("manufacturer")
    if device and not expected and got == device:
        return None
    if label.get("covered"):
        if got == expected:
            return None
        return "covered: wrong maker" if answer.get("covered") else "covered: missed"
    if answer.get("covered"):
        return "false covered"
    if expected and got != expected:
        return "naming"
    return None


def _vendor_of(label: dict) -> str:
    return label.get("manufacturer") or "no maker"


def evaluate(records: list[dict], answers: list[dict], split: SourceSplit | None = None) -> Report:
    report = Report()
    for record, answer in zip(records, answers, strict=True):
        label = record["label"]
        tallies = [
            report.overall,
            report.by_field[record["field"]],
            report.by_origin[_origin_group(record["origin"])],
        ]
        if split is not None:
            part = split.of(record["origin"])
            vendor = _vendor_of(label)
            tallies += [
                report.by_split[part],
                report.by_split_vendor[(part, vendor)],
                report.by_split_field[(part, record["field"])],
                report.by_split_vendor_field[(part, vendor, record["field"])],
                report.by_split_origin[(part, record["origin"])],
            ]
        for tally in tallies:
            tally.add(label, answer, record.get("device"))
        kind = miss_kind(label, answer, record.get("device"))
        if kind:
            report.misses.append(
                {
                    "kind": kind,
                    "id": record["id"],
                    "field": record["field"],
                    "text": record["text"],
                    "expected": label.get("manufacturer"),
                    "got": answer.get("manufacturer"),
                    "signature": answer.get("signature"),
                    "confidence": answer.get("confidence"),
                }
            )
    return report


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def _table(title: str, rows: Iterable[tuple[str, Tally]], width: int = 26) -> list[str]:
    lines = [
        title,
        f"  {'':{width}} {'records':>7} {'covered':>7} {'recall':>7} {'calls':>6} {'precision':>9}"
        f" {'negatives':>9} {'false-cov':>9} {'named':>6} {'naming':>7}",
    ]
    for name, t in rows:
        lines.append(
            f"  {name:{width}} {t.records:7d} {t.covered_labelled:7d} {_pct(t.recall):>7} {t.covered_calls:6d}"
            f" {_pct(t.precision):>9} {t.not_covered:9d} {_pct(t.false_covered_rate):>9}"
            f" {t.named_labelled:6d} {_pct(t.naming):>7}"
        )
    return lines


def format_report(report: Report) -> str:
    lines = _table("per field", sorted(report.by_field.items()))
    lines += ["", *_table("per origin", sorted(report.by_origin.items()))]
    lines += ["", *_table("overall", [("all", report.overall)])]
    return "\n".join(lines)


def format_split(report: Report) -> str:
    """The source split: both parts overall, then the evaluation part per vendor, per vendor x
    field (vendors with covered or named records) and per source."""
    lines = _table(
        "by source split (development: cited by content; evaluation: not)", sorted(report.by_split.items())
    )
    ev = "evaluation"
    vendors = sorted(
        ((v, t) for (p, v), t in report.by_split_vendor.items() if p == ev),
        key=lambda vt: (-vt[1].covered_labelled, -vt[1].records, vt[0]),
    )
    lines += ["", *_table("evaluation, per vendor (label)", vendors)]
    lines += [
        "",
        *_table(
            "evaluation, per field", sorted((f, t) for (p, f), t in report.by_split_field.items() if p == ev)
        ),
    ]
    cells = sorted(
        (
            (f"{v} / {f}", t)
            for (p, v, f), t in report.by_split_vendor_field.items()
            if p == ev and v != "no maker"
        ),
        key=lambda vt: vt[0],
    )
    lines += ["", *_table("evaluation, per vendor x field", cells, width=48)]
    lines += [
        "",
        *_table(
            "evaluation, per source",
            sorted((o, t) for (p, o), t in report.by_split_origin.items() if p == ev),
        ),
    ]
    return "\n".join(lines)


def _excerpt(text: str, size: int = 110) -> str:
    flat = text.replace("\r", "\\r").replace("\n", "\\n")
    return flat if len(flat) <= size else flat[: size - 3] + "..."


def format_misses(misses: list[dict]) -> str:
    lines = []
    for m in misses:
        lines.append(
            f"{m['kind']:22} {m['id']:28} {m['field']:22} expected={m['expected']!s:18} got={m['got']!s:18}"
            f" [{m['signature'] or '-'}] {_excerpt(m['text'])!r}"
        )
    return "\n".join(lines)


def misses_markdown(report: Report) -> str:
    """MISSES.md: the misses grouped by the vendor they concern and the field."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for m in report.misses:
        vendor = m["expected"] if m["kind"] != "false covered" else f"{m['got']} (false covered)"
        groups[(vendor or "no maker", m["field"])].append(m)
    o = report.overall
    out = [
        "# Misses of `custodiet identify` on the accuracy corpus\n\n",
        "Generated by `.venv/bin/python bench/accuracy.py --write-misses tests/accuracy/MISSES.md`.\n",
        "Grouped by the vendor the miss concerns (the expected maker; for a false-covered call, the\n",
        "covered maker that was wrongly named) and by field. Each line: record id, what was expected,\n",
        "what custodiet answered (signature), and the text.\n\n",
        f"Overall: {o.records} records; recall {_pct(o.recall).strip()} of {o.covered_labelled} covered; "
        f"precision {_pct(o.precision).strip()} of {o.covered_calls} covered calls; false-covered "
        f"{o.false_covered}/{o.not_covered} ({_pct(o.false_covered_rate).strip()}); naming "
        f"{_pct(o.naming).strip()} of {o.named_labelled}.\n",
    ]
    kinds = defaultdict(int)
    for m in report.misses:
        kinds[m["kind"]] += 1
    out.append("Misses by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ".\n")
    for (vendor, fld), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"\n## {vendor} / {fld} ({len(items)})\n\n")
        for m in items[:40]:
            text = _excerpt(m["text"], 160).replace("|", "\\|").replace("`", "'")
            out.append(
                f"- `{m['id']}` {m['kind']}: expected {m['expected']}, got {m['got']}"
                f" [{m['signature'] or '-'}]: `{text}`\n"
            )
        if len(items) > 40:
            out.append(f"- ... and {len(items) - 40} more\n")
    return "".join(out)


# --------------------------------------------------------------------------- hosts


def load_hosts(path: Path = HOSTS) -> dict[str, dict]:
    hosts = {}
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                row = orjson.loads(line)
                hosts[row["host"]] = row
    return hosts


def audit_hosts(records: list[dict], context, hosts: dict[str, dict]) -> dict:
    """Fuse each IVRE host's records as an audit would and compare with the host labels."""
    from custodiet.identify.fusion import fuse
    from custodiet.model import Evidence, Provenance

    by_host: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        if record.get("host"):
            by_host[record["host"]].append(record)
    policy = context.policy
    rows = []
    for host, recs in sorted(by_host.items()):
        evidence = [
            Evidence(
                field=r["field"],
                text=r["text"][:80],
                provenance=Provenance(file="corpus", place=r["id"]),
                signature=m.signature,
                sets=m.sets,
                strength=m.strength,
                port=r.get("port"),
                relabel=m.relabel,
            )
            for r in recs
            for m in context.identifier.match(r["field"], r["text"])
        ]
        identity = fuse(evidence)
        label = hosts.get(host, {})
        rows.append(
            {
                "host": host,
                "expected": label.get("manufacturer"),
                "expected_covered": bool(label.get("covered")),
                "mixed": bool(label.get("mixed")),
                "got": identity.manufacturer,
                "confidence": identity.confidence,
                "got_covered": policy.is_covered(identity.manufacturer),
            }
        )
    return summarise_hosts(rows)


def summarise_hosts(rows: list[dict]) -> dict:
    covered = [r for r in rows if r["expected_covered"]]
    calls = [r for r in rows if r["got_covered"]]
    confident = [r for r in calls if r["confidence"] >= CONFIDENT]
    negatives = [r for r in rows if not r["expected_covered"]]
    found = [r for r in covered if r["got"] == r["expected"]]
    found_confident = [r for r in found if r["confidence"] >= CONFIDENT]
    right = [r for r in calls if r["expected_covered"] and r["got"] == r["expected"]]
    right_confident = [r for r in confident if r["expected_covered"] and r["got"] == r["expected"]]
    false = [r for r in negatives if r["got_covered"]]
    named = [r for r in negatives if r["expected"]]
    return {
        "hosts": len(rows),
        "covered_hosts": len(covered),
        "recall": len(found) / len(covered) if covered else None,
        "recall_confident": len(found_confident) / len(covered) if covered else None,
        "covered_calls": len(calls),
        "precision": len(right) / len(calls) if calls else None,
        "confident_calls": len(confident),
        "precision_confident": len(right_confident) / len(confident) if confident else None,
        "false_covered_hosts": len(false),
        "false_covered_rate": len(false) / len(negatives) if negatives else None,
        "named_hosts": len(named),
        "naming": sum(r["got"] == r["expected"] for r in named) / len(named) if named else None,
        "misses": [
            r
            for r in rows
            if (r["expected_covered"] and r["got"] != r["expected"])
            or (not r["expected_covered"] and r["got_covered"])
        ],
    }


def format_hosts(summary: dict) -> str:
    lines = [
        "hosts of the IVRE 2015 sample (records fused per host; an address may hide several devices)",
        f"  hosts {summary['hosts']}, with a covered device {summary['covered_hosts']}",
        f"  recall {_pct(summary['recall']).strip()} (with confidence >= {CONFIDENT}: "
        f"{_pct(summary['recall_confident']).strip()})",
        f"  covered calls {summary['covered_calls']}, precision {_pct(summary['precision']).strip()}; "
        f"confident calls {summary['confident_calls']}, precision {_pct(summary['precision_confident']).strip()}",
        f"  false-covered hosts {summary['false_covered_hosts']} ({_pct(summary['false_covered_rate']).strip()})",
        f"  naming of non-covered hosts with a known maker: {_pct(summary['naming']).strip()} "
        f"of {summary['named_hosts']}",
    ]
    for m in summary["misses"]:
        lines.append(
            f"  miss {m['host']}: expected {m['expected']} got {m['got']} ({m['confidence']:.2f})"
            f"{' mixed address' if m['mixed'] else ''}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def run(context=None) -> tuple[list[dict], list[dict], Report]:
    """Load the corpus, answer it, evaluate: the pieces test_corpus.py uses too."""
    if context is None:
        from custodiet.pipeline.context import load_context

        context = load_context()
    records = load_records()
    answers = identify(records, context)
    return records, answers, evaluate(records, answers, SourceSplit.load())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--hosts", action="store_true", help="also audit whole hosts of the IVRE sample")
    parser.add_argument("--write-misses", type=Path, metavar="FILE", help="write the misses as Markdown")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--split-only", action="store_true", help="print only the source-split tables")
    args = parser.parse_args(argv)

    from custodiet.pipeline.context import load_context

    context = load_context()
    records, _answers, report = run(context)
    summary = audit_hosts(records, context, load_hosts()) if args.hosts else None
    if args.json:
        data = {
            "overall": report.overall.as_dict(),
            "by_field": {k: v.as_dict() for k, v in sorted(report.by_field.items())},
            "by_origin": {k: v.as_dict() for k, v in sorted(report.by_origin.items())},
            "by_split": {k: v.as_dict() for k, v in sorted(report.by_split.items())},
            "evaluation": {
                "by_vendor": {
                    v: t.as_dict()
                    for (p, v), t in sorted(report.by_split_vendor.items())
                    if p == "evaluation"
                },
                "by_field": {
                    f: t.as_dict() for (p, f), t in sorted(report.by_split_field.items()) if p == "evaluation"
                },
                "by_vendor_field": {
                    f"{v} / {f}": t.as_dict()
                    for (p, v, f), t in sorted(report.by_split_vendor_field.items())
                    if p == "evaluation"
                },
                "by_source": {
                    o: t.as_dict()
                    for (p, o), t in sorted(report.by_split_origin.items())
                    if p == "evaluation"
                },
            },
        }
        if summary:
            data["hosts"] = {k: v for k, v in summary.items() if k != "misses"}
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.split_only:
        print(format_split(report))
    else:
        print(format_report(report))
        print()
        print(format_split(report))
        if summary:
            print()
            print(format_hosts(summary))
    if args.misses:
        print()
        print(format_misses(report.misses))
    if args.write_misses:
        args.write_misses.write_text(misses_markdown(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
