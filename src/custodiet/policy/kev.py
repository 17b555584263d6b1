"""Known exploited vulnerabilities (CISA KEV, content/kev.yaml) matched against identified devices.

Pure functions of the identity and the content. A device gets a finding for a KEV entry only when
its manufacturer is the entry's vendor and its identified model falls in one of the entry's
affected series; then the firmware decides:

- "exploited": the firmware version (or build date) is known and inside the affected range,
  the identity is confident and the KEV listing is confirmed;
- "verify": the version is unknown or cannot be read, sits on a range boundary without a build
  date, the source names no versions, the identity is weak or contested, or the KEV listing is
  unconfirmed. The reason says what to check. Nothing is guessed;
- no finding: the version is known and outside the range, or the model is another series.

A device without an identified model gets no KEV finding: a series cannot be matched without a
model, and every device of the vendor would otherwise carry every CVE. (Entries recorded with
`affected: unknown` are the exception: they ask a human to check every device of the vendor.)

Firmware strings are read as vendors write them: Hikvision "V5.4.0 build 160530" (version and a
yymmdd build date), Dahua "2.420.0001.0.R, build 2014-05-24" or "V2.800.0000000.3.R, Build Date:
2021-03-19", plain "5.4.5". Untrusted text: RE2 only, bounded length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import re2

from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError
from custodiet.model import Evidence, Finding, Identity

KEV_LIST = "cisa-kev"
EXPLOITED = "exploited"
VERIFY = "verify"
MAX_FIRMWARE_TEXT = 200
MAX_REASON_TEXT = 80
KEV_FILE = "kev.yaml"

_BUILD_ISO = re2.compile(r"(?i)build(?:[ _-]?date)?\s*[:=]?\s*([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_BUILD_8 = re2.compile(r"(?i)build(?:[ _-]?date)?\s*[:=]?\s*([0-9]{8})(?:[^0-9]|$)")
_BUILD_6 = re2.compile(r"(?i)build(?:[ _-]?date)?\s*[:=]?\s*([0-9]{6})(?:[^0-9]|$)")
_VERSION = re2.compile(r"(?i)(?:^|[^0-9A-Za-z.])v?([0-9]{1,10}(?:\.[0-9]{1,10}){1,7})(?:\.R\.([0-9]{6,8}))?")
_LENS = re2.compile(r"\s*\(?[0-9]{1,2}(?:\.[0-9]{1,2})?\s*MM\)?$")


# --------------------------------------------------------------------------------- firmware


@dataclass(frozen=True, slots=True)
class Firmware:
    """A firmware string read into what ranges compare: a version tuple and a build date.

    release is the numeric tag Dahua appends after ".R." in NVD's fixed versions
    ("2.800.0000000.29.R.210630"); it only breaks ties between equal version tuples.
    """

    text: str
    version: tuple[int, ...] | None = None
    build: dt.date | None = None
    release: int | None = None

    @property
    def readable(self) -> bool:
        return self.version is not None or self.build is not None


def parse_firmware(text: str | None) -> Firmware | None:
    """Version tuple and build date of a firmware string; None for no text. A string with
    neither (Huawei "V100R001C00SPC100", junk) gives a Firmware that is not readable."""
    if text is None or not text.strip():
        return None
    flat = " ".join(text[:MAX_FIRMWARE_TEXT].split())
    build, span = _build_date(flat)
    rest = flat[: span[0]] + " " + flat[span[1] :] if span else flat
    version, release = None, None
    if found := _VERSION.search(rest):
        version = tuple(int(part) for part in found.group(1).split("."))
        release = int(found.group(2)) if found.group(2) else None
    return Firmware(text=flat, version=version, build=build, release=release)


def _build_date(text: str) -> tuple[dt.date | None, tuple[int, int] | None]:
    if found := _BUILD_ISO.search(text):
        day = _date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        return day, found.span()
    if found := _BUILD_8.search(text):
        digits = found.group(1)
        return _date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), found.span(1)
    if found := _BUILD_6.search(text):
        digits = found.group(1)  # yymmdd, as Hikvision writes builds ("build 160530")
        return _date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:])), found.span(1)
    return None, None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _cmp(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    width = max(len(a), len(b))
    a, b = a + (0,) * (width - len(a)), b + (0,) * (width - len(b))
    return (a > b) - (a < b)


# ------------------------------------------------------------------------------------ content


@dataclass(frozen=True, slots=True)
class Rule:
    """One affected series: model patterns and the firmware that is affected."""

    series: str
    models: tuple[str, ...]  # as written in kev.yaml
    matchers: tuple[Any, ...]  # compiled RE2 patterns or literal prefixes (str)
    sources: tuple[str, ...]
    versions: tuple[Firmware, Firmware] | None = None  # inclusive range
    versions_unknown: bool = False
    build_before: dt.date | None = None
    build_before_text: str | None = None
    fixed: Firmware | None = None
    note: str | None = None

    def matches(self, model: str) -> bool:
        return any(m.search(model) if not isinstance(m, str) else model.startswith(m) for m in self.matchers)


@dataclass(frozen=True, slots=True)
class KevEntry:
    cve: str
    vendor: str
    product: str
    description: str
    cwe: str
    status: str  # "listed" | "unconfirmed"
    date_added: str | None
    due_date: str | None
    required_action: str | None
    advisory: str | None
    sources: tuple[str, ...]
    rules: tuple[Rule, ...] | None  # None: affected models and versions not recorded
    why_unconfirmed: str | None = None


def load_kev(content_dir: Path) -> tuple[KevEntry, ...]:
    """Read content/kev.yaml; ContentError (file and line) on any structural problem."""
    label = f"content/{KEV_FILE}"
    doc = load_yaml(content_dir / KEV_FILE, label)
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise ContentError("kev.yaml needs an 'entries' list", file=label)
    entries = tuple(_entry(node, label) for node in doc["entries"])
    seen: set[str] = set()
    for entry in entries:
        if entry.cve in seen:
            raise ContentError(f"{entry.cve} listed twice", file=label)
        seen.add(entry.cve)
    return entries


def kev_sources(content_dir: Path) -> dict[str, Any]:
    """The `sources:` block of kev.yaml (ids used only by KEV entries)."""
    doc = load_yaml(content_dir / KEV_FILE, f"content/{KEV_FILE}") or {}
    sources = doc.get("sources") or {}
    if not isinstance(sources, dict):
        raise ContentError("top-level 'sources' must map id -> {title, url}", file=f"content/{KEV_FILE}")
    return sources


def _entry(node: Any, label: str) -> KevEntry:
    where = line_of(node)
    if not isinstance(node, dict):
        raise ContentError("a KEV entry is a mapping", file=label, place=where)
    for key in ("cve", "vendor", "product", "description", "cwe", "kev_status", "sources", "affected"):
        if not node.get(key):
            raise ContentError(f"KEV entry lacks '{key}'", file=label, place=where)
    status = str(node["kev_status"])
    if status not in ("listed", "unconfirmed"):
        raise ContentError("kev_status must be 'listed' or 'unconfirmed'", file=label, place=where)
    if status == "listed" and not (node.get("kev_date_added") and node.get("kev_due_date")):
        raise ContentError(
            "a listed KEV entry needs kev_date_added and kev_due_date", file=label, place=where
        )
    affected = node["affected"]
    if affected == "unknown":
        rules = None
    elif isinstance(affected, list) and affected:
        rules = tuple(_rule(r, label) for r in affected)
    else:
        raise ContentError("'affected' is a list of rules or 'unknown'", file=label, place=where)
    return KevEntry(
        cve=str(node["cve"]),
        vendor=str(node["vendor"]),
        product=str(node["product"]),
        description=str(node["description"]),
        cwe=str(node["cwe"]),
        status=status,
        date_added=_opt(node, "kev_date_added"),
        due_date=_opt(node, "kev_due_date"),
        required_action=_opt(node, "kev_required_action"),
        advisory=_opt(node, "vendor_advisory"),
        sources=tuple(str(s) for s in node["sources"]),
        rules=rules,
        why_unconfirmed=_opt(node, "why_unconfirmed"),
    )


def _opt(node: dict, key: str) -> str | None:
    return str(node[key]) if node.get(key) else None


def _rule(node: Any, label: str) -> Rule:
    where = line_of(node)
    if (
        not isinstance(node, dict)
        or not node.get("series")
        or not node.get("models")
        or not node.get("sources")
    ):
        raise ContentError("an affected rule needs series, models and sources", file=label, place=where)
    models = tuple(str(m) for m in node["models"])
    matchers = tuple(_matcher(m, label, where) for m in models)
    has_versions, has_build = "versions" in node, "build_before" in node
    if has_versions == has_build:
        raise ContentError("a rule has either 'versions' or 'build_before'", file=label, place=where)
    common: dict[str, Any] = {
        "series": str(node["series"]),
        "models": models,
        "matchers": matchers,
        "sources": tuple(str(s) for s in node["sources"]),
        "note": _opt(node, "note"),
    }
    if has_build:
        return Rule(**common, **_build_rule(node, label, where))
    if node["versions"] == "unknown":
        return Rule(**common, versions_unknown=True)
    return Rule(**common, versions=_range(node["versions"], label, where))


def _matcher(pattern: str, label: str, where: str | None) -> Any:
    if not pattern.startswith("^"):
        return pattern.upper()
    try:
        return re2.compile(pattern)
    except re2.error as exc:
        raise ContentError(
            f"model pattern {pattern!r} does not compile: {exc}", file=label, place=where
        ) from exc


def _range(value: Any, label: str, where: str | None) -> tuple[Firmware, Firmware]:
    if not isinstance(value, dict) or not value.get("from") or not value.get("to"):
        raise ContentError("'versions' is {from, to} or 'unknown'", file=label, place=where)
    ends = (parse_firmware(str(value["from"])), parse_firmware(str(value["to"])))
    if any(end is None or end.version is None for end in ends):
        raise ContentError(f"cannot read the version range {value}", file=label, place=where)
    return ends  # type: ignore[return-value]


def _build_rule(node: dict[str, Any], label: str, where: str | None) -> dict[str, Any]:
    text = str(node["build_before"])
    found = re2.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
    cutoff = _date(int(found.group(1)), int(found.group(2)), 1) if found else None
    if cutoff is None:
        raise ContentError(f"build_before must be YYYY-MM, not {text!r}", file=label, place=where)
    fixed = parse_firmware(str(node["fixed"])) if node.get("fixed") else None
    if node.get("fixed") and (fixed is None or fixed.version is None):
        raise ContentError(f"cannot read the fixed version {node['fixed']!r}", file=label, place=where)
    return {"build_before": cutoff, "build_before_text": text, "fixed": fixed}


# ----------------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class Verdict:
    """One rule's answer for one firmware: affected True / False / None (a human must check)."""

    affected: bool | None
    why: str


def normalise_model(model: str) -> str:
    """Upper case, single spaces, no trailing lens size: the form series patterns are written for."""
    flat = " ".join(model[:MAX_FIRMWARE_TEXT].split()).upper()
    return _LENS.sub("", flat).strip()


def judge(rule: Rule, firmware: Firmware | None) -> Verdict:
    """Whether the firmware falls in the rule's affected range. Never guesses: anything the
    firmware does not settle is None with the reason."""
    if rule.versions_unknown:
        known = "compare the firmware with the vendor advisory" if firmware else "version unknown"
        return Verdict(None, f"the sources name no affected or fixed versions for this series; {known}")
    if firmware is None:
        return Verdict(None, "version unknown")
    if not firmware.readable:
        return Verdict(None, f"version {firmware.text!r} could not be read")
    if rule.build_before is not None:
        return _judge_build(rule, firmware)
    return _judge_range(rule, firmware)


def _judge_range(rule: Rule, firmware: Firmware) -> Verdict:
    low, high = rule.versions  # type: ignore[misc]
    span = f"{low.text} to {high.text}"
    if firmware.version is None:
        return Verdict(None, f"version unknown (only a build date in {firmware.text!r}); affected: {span}")
    below, above = _cmp(firmware.version, low.version), _cmp(firmware.version, high.version)  # type: ignore[arg-type]
    if below < 0 or above > 0:
        return Verdict(False, f"{firmware.text} is outside {span}")
    for end, side in ((low, below), (high, above)):
        if side == 0 and end.build is not None:
            if firmware.build is None:
                return Verdict(
                    None, f"{firmware.text} is on the boundary {end.text} and its build date is unknown"
                )
            if (end is low and firmware.build < end.build) or (end is high and firmware.build > end.build):
                return Verdict(False, f"{firmware.text} is outside {span}")
    return Verdict(True, f"{firmware.text} is within {span}")


def _judge_build(rule: Rule, firmware: Firmware) -> Verdict:
    cutoff = f"built before {rule.build_before_text}"
    if firmware.build is not None:
        if firmware.build < rule.build_before:  # type: ignore[operator]
            return Verdict(
                True, f"build date {firmware.build.isoformat()} is before {rule.build_before_text}"
            )
        return Verdict(
            False, f"build date {firmware.build.isoformat()} is not before {rule.build_before_text}"
        )
    if rule.fixed is not None and firmware.version is not None:
        order = _cmp(firmware.version, rule.fixed.version)  # type: ignore[arg-type]
        if order == 0 and firmware.release is not None and rule.fixed.release is not None:
            order = (firmware.release > rule.fixed.release) - (firmware.release < rule.fixed.release)
        if order > 0 or (order == 0 and firmware.release is not None and rule.fixed.release is not None):
            return Verdict(False, f"{firmware.text} is at or above the fixed version {rule.fixed.text} (NVD)")
        relation = "below" if order < 0 else "at the version number of"
        return Verdict(
            None,
            f"build date unknown; {firmware.text} is {relation} the fixed version {rule.fixed.text} (NVD); affected: {cutoff}",
        )
    return Verdict(None, f"build date unknown in {firmware.text!r}; affected: {cutoff}")


def kev_findings(
    device_id: str,
    identity: Identity,
    vendor_id: str | None,
    entries: tuple[KevEntry, ...],
    confident: float = 0.6,
) -> list[Finding]:
    """Findings of every KEV entry for one device (see the module docstring for the severities)."""
    if vendor_id is None or not entries:
        return []
    results = []
    for entry in entries:
        if entry.vendor == vendor_id and (finding := _entry_finding(device_id, identity, entry, confident)):
            results.append(finding)
    return results


def _entry_finding(device_id: str, identity: Identity, entry: KevEntry, confident: float) -> Finding | None:
    firmware = parse_firmware(identity.firmware)
    if entry.rules is None:
        return _finding(
            device_id, identity, entry, VERIFY, None, ["affected models and versions not recorded"], ()
        )
    if not identity.model:
        return None
    model = normalise_model(identity.model)
    hits = [(rule, judge(rule, firmware)) for rule in entry.rules if rule.matches(model)]
    if not hits or all(v.affected is False for _, v in hits):
        return None
    sources = tuple(s for rule, _ in hits for s in rule.sources)
    affected = [(r, v) for r, v in hits if v.affected]
    if affected:
        rule, verdict = affected[0]
        checks = _doubts(identity, entry, confident)
        return _finding(
            device_id, identity, entry, VERIFY if checks else EXPLOITED, (rule, verdict), checks, sources
        )
    rule, verdict = next((r, v) for r, v in hits if v.affected is None)
    checks = [verdict.why, *_doubts(identity, entry, confident)]
    return _finding(device_id, identity, entry, VERIFY, (rule, verdict), checks, sources)


def _doubts(identity: Identity, entry: KevEntry, confident: float) -> list[str]:
    """What keeps an in-range match from being 'exploited'."""
    doubts = []
    if entry.status != "listed":
        doubts.append(
            "KEV status unconfirmed" + (f" ({entry.why_unconfirmed})" if entry.why_unconfirmed else "")
        )
    if identity.confidence < confident:
        doubts.append(f"identity confidence {identity.confidence:.2f} is below {confident}")
    for conflict in identity.conflicts:
        if conflict.attribute in ("model", "version"):
            values = ", ".join(v for v, _ in conflict.values)
            doubts.append(f"the evidence disagrees on the {conflict.attribute} ({_excerpt(values)})")
    return doubts


def _finding(
    device_id: str,
    identity: Identity,
    entry: KevEntry,
    severity: str,
    match: tuple[Rule, Verdict] | None,
    checks: list[str],
    extra_sources: tuple[str, ...],
) -> Finding:
    if entry.status != "listed" and not any(c.startswith("KEV status unconfirmed") for c in checks):
        checks = [
            *checks,
            "KEV status unconfirmed" + (f" ({entry.why_unconfirmed})" if entry.why_unconfirmed else ""),
        ]
    parts = [f"{entry.cve} ({entry.description.rstrip('.')}; {_listing(entry)})"]
    if match is not None:
        rule, verdict = match
        parts.append(
            f"model {identity.model} is in the series {rule.series} [{_evidence(identity, 'model')}]"
        )
        if identity.firmware:
            model_evidence, version_evidence = _evidence(identity, "model"), _evidence(identity, "version")
            same = version_evidence == model_evidence and model_evidence != "no evidence recorded"
            parts.append(f"firmware {identity.firmware!r} [{'same evidence' if same else version_evidence}]")
        if verdict.affected:
            parts.append(verdict.why)
        if rule.note:
            parts.append(f"note: {rule.note}")
    else:
        parts.append(f"{identity.manufacturer or entry.vendor} device, model {identity.model or 'unknown'}")
    if checks:
        parts.append("verify: " + "; ".join(checks))
    return Finding(
        device=device_id,
        rule=f"kev:{entry.cve}",
        list=KEV_LIST,
        entity=entry.product,
        reason="; ".join(parts),
        scope=_scope(entry),
        severity=severity,
        sources=tuple(dict.fromkeys(entry.sources + extra_sources)),
    )


def _listing(entry: KevEntry) -> str:
    if entry.status != "listed":
        return "KEV status unconfirmed"
    return f"CISA KEV, added {entry.date_added}, due {entry.due_date}"


def _scope(entry: KevEntry) -> str:
    advisory = f" Vendor advisory: {entry.advisory}" if entry.advisory else ""
    if entry.status != "listed":
        return f"Not confirmed in the CISA KEV catalogue; no federal due date.{advisory}"
    action = f" ({entry.required_action.rstrip('.')})" if entry.required_action else ""
    return f"CISA KEV: US federal civilian agencies had to act by {entry.due_date}{action}.{advisory}"


def _evidence(identity: Identity, attribute: str) -> str:
    value = identity.model if attribute == "model" else identity.firmware
    wanted = normalise_model(value) if attribute == "model" and value else value
    items = [e for e in identity.evidence if _sets(e, attribute, wanted)]
    if not items:
        return "no evidence recorded"
    best = max(items, key=lambda e: e.strength)
    return f"{best.field} {_excerpt(best.text)!r} ({best.signature})"


def _sets(item: Evidence, attribute: str, wanted: str | None) -> bool:
    value = item.sets.get(attribute)
    if not value or wanted is None:
        return False
    return (normalise_model(value) if attribute == "model" else value) == wanted


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_REASON_TEXT else flat[: MAX_REASON_TEXT - 3] + "..."
