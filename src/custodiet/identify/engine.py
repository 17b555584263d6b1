"""Match observation texts against compiled content.

One Hyperscan scan per text finds every signature of the field at once (no backtracking, linear
in the text); RE2 then runs only on the few signatures that hit and carry named groups. A MAC is
looked up in the IEEE registry instead. Each hit becomes a model.Match whose manufacturer is
canonical and whose brand has been resolved to its maker (with the link's confidence).
"""

from __future__ import annotations

import contextlib
import operator
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

import hyperscan
import re2

from custodiet.catalog import Catalog, Resolution, clean_display, fold, resolve_name
from custodiet.identify.compile import CompiledContent, SigEntry
from custodiet.identify.components import (
    COMPOSITE_FIELDS,
    HEADER_PARTS,
    part_offset,
    parts,
    without_date_values,
)
from custodiet.identify.oui import mac_prefix
from custodiet.model import Match

# How much an OUI says about the device maker, by how sure we are the block is the vendor's.
OUI_WEIGHT = {"high": 0.7, "medium": 0.5, "low": 0.3}
OUI_COMPONENT_WEIGHT = 0.15  # a chip or module maker's OUI on someone else's device
OUI_UNMAPPED_WEIGHT = 0.5  # registered organisation we have no catalogue entry for

MAX_CAPTURE = 120
_GUESS_FIELDS = frozenset({"os.match", "nmap.service"})  # a scanner's guesses, often "A, B, or C"
# b" or " in any case, looked for without a lowered copy of a text that may be megabytes long.
_OR_WORDS = (b" or ", b" OR ", b" Or ", b" oR ")
_CACHE_LIMIT = 100_000
_CACHE_TEXT_LIMIT = 512


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


_LOWER = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _camel_break(data: bytes, end: int) -> bool:
    """A name ending in a lower-case letter followed by an upper-case one ends a word in camel
    case: "HuaweiHomeGateway" names Huawei, "Huaweix" does not."""
    return data[end] in _UPPER and data[end - 1] in _LOWER


def _collect_end(sig_index: int, _from: int, to: int, _flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((sig_index, to))


# A text repeating a name a million times says no more than one that says it a few thousand times:
# a scan stops after this many reports (each signature reports once per text; names every time).
MAX_REPORTS = 4096
BATCH_TEXT_LIMIT = 8192  # longer texts are matched alone, where a scan's reports are bounded


def _collect_end_bounded(
    sig_index: int, _from: int, to: int, _flags: int, hits: list[tuple[int, int]]
) -> bool:
    """As _collect_end; stops the scan (a true return) once MAX_REPORTS are held."""
    hits.append((sig_index, to))
    return len(hits) >= MAX_REPORTS


def _load_database(serialized: bytes) -> Any:
    database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
    database.scratch = hyperscan.Scratch(database)
    return database


class Identifier:
    """Thread-compatible matcher over one CompiledContent (create one per process)."""

    def __init__(self, compiled: CompiledContent) -> None:
        self.compiled = compiled
        self.catalog: Catalog = compiled.catalog
        self._databases: dict[str, Any] = {
            name: _load_database(data.database) for name, data in compiled.fields.items()
        }
        self._entries: dict[str, list[SigEntry]] = {
            name: data.entries for name, data in compiled.fields.items()
        }
        self._static: dict[tuple[str, int], Match | None] = {}
        self._static_names: dict[tuple[str, str], Match | None] = {}
        self._oui_cache: dict[int, tuple[Match, ...]] = {}
        # (field, signature id, captured values) -> resolved match
        self._resolved: dict[tuple[str, str, tuple[tuple[str, str], ...]], Match | None] = {}
        self._regex: dict[str, Any] = {}  # signature id -> its pattern compiled by RE2
        self._captures: dict[str, Any] = {}  # signature id -> _compile_captures of that regex
        self._resolutions: dict[str, Resolution] = {}  # name on a device -> catalogue resolution
        self._cache: dict[tuple[str, str], tuple[Match, ...]] = {}
        self._batch_databases: dict[str, Any] = {
            name: _load_database(data.batch_database)
            for name, data in compiled.fields.items()
            if data.batch_database is not None
        }
        names = compiled.names
        self._names_entries = names.entries if names else []
        self._names_len = names.lengths if names else []
        self._text_wide = frozenset(
            e.id for data in compiled.fields.values() for e in data.entries if e.text_wide
        )
        # field -> {name kind: weight}: how much a vendor name, brand or domain says in that field;
        # only fields whose database holds the names after the signatures
        weights = compiled.knowledge.name_weights() if compiled.knowledge else {}
        self._name_weights: dict[str, dict[str, float]] = {
            name: weights[name] for name, data in compiled.fields.items() if data.names and name in weights
        }

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self._databases) | {"mac"} | frozenset(self._name_weights)

    def match(self, field: str, text: str) -> tuple[Match, ...]:
        """Every signature of `field` that hits `text`, resolved; () when none."""
        key = (field, text)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self.match_uncached(field, text)
        if len(text) <= _CACHE_TEXT_LIMIT:  # long texts (pages, bodies) rarely repeat: keep memory flat
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = result
        return result

    def match_uncached(self, field: str, text: str) -> tuple[Match, ...]:
        """As match(), for callers that keep their own cache."""
        if field == "mac":
            return self._match_mac(text)
        if field in HEADER_PARTS:
            text = without_date_values(text)  # a reply's time says nothing of its maker (components.py)
        found = self._match_text(field, text)
        if field in COMPOSITE_FIELDS:
            found = self._with_parts(field, text, found)
        return found

    def _with_parts(self, field: str, text: str, found: tuple[Match, ...]) -> tuple[Match, ...]:
        """A composite text's own matches, then those of its parts under their own fields'
        signatures (components.py): a Server line of a header block is matched as http.server.
        A part's Match keeps its field and signature id, so the evidence says which it was."""
        extra: list[Match] = []
        for part_field, value in parts(field, text):
            for match in self.match(part_field, value):
                if match not in found and match not in extra:
                    extra.append(match)
        return (*found, *extra) if extra else found

    def match_many(self, field: str, texts: list[str]) -> list[tuple[Match, ...]]:
        """match_uncached() for many texts of one field, with one Hyperscan call for all texts that
        hold no newline and no NUL: they are joined by newlines and scanned with the field's
        newline-free rewrite of its patterns (linepattern.py), so no match can span two texts and
        each report's end offset says which text it belongs to. The result is the same as one
        call per text (the test suite checks this on every example of the content); the saving
        is the per-call overhead, which dominates for short banners."""
        batch_db = self._batch_databases.get(field)
        if field == "mac" or batch_db is None or len(texts) < 2 or field in COMPOSITE_FIELDS:
            return [self.match_uncached(field, t) for t in texts]
        if any(len(t) > BATCH_TEXT_LIMIT for t in texts):
            return self._match_many_split(field, texts, lambda t: len(t) <= BATCH_TEXT_LIMIT)
        joined_text = "\n".join(texts)
        if joined_text.count("\n") != len(texts) - 1 or "\x00" in joined_text:
            return self._match_many_mixed(field, texts)
        buffer = joined_text.encode("utf-8", "surrogatepass")
        lengths = (
            map(len, texts)
            if len(buffer) == len(joined_text)
            else (len(t.encode("utf-8", "surrogatepass")) for t in texts)
        )
        # start of text i in the buffer: the lengths before it plus one newline per text before it
        starts = list(map(operator.add, accumulate(lengths, initial=0), range(len(texts) + 1)))
        results: list[tuple[Match, ...]] = [()] * len(texts)
        hits: list[tuple[int, int]] = []
        batch_db.scan(buffer, match_event_handler=_collect_end, context=hits)
        entries = self._entries[field]
        signatures = len(entries)
        per_text: dict[int, set[int]] = {}
        named: dict[int, list[tuple[int, int]]] = {}  # text -> its name hits, ends relative to it
        for index, end in hits:
            text_index = bisect_right(starts, end - 1) - 1
            if index < signatures:
                per_text.setdefault(text_index, set()).add(index)
            else:
                named.setdefault(text_index, []).append((index - signatures, end - starts[text_index]))
        name_weights = self._name_weights.get(field)
        for index in per_text.keys() | named.keys():
            data = buffer[starts[index] : starts[index + 1] - 1]
            matches = []
            for sig_index in sorted(per_text.get(index, ())):
                match = self._build(field, sig_index, entries[sig_index], data)
                if match is not None:
                    matches.append(match)
            if index in named and name_weights is not None:
                matches = self._with_names(
                    matches, self._match_names(field, data, name_weights, named[index])
                )
            results[index] = tuple(matches)
        return results

    def _match_many_mixed(self, field: str, texts: list[str]) -> list[tuple[Match, ...]]:
        """Texts with newlines or NULs one at a time, the others together."""
        return self._match_many_split(field, texts, lambda t: "\n" not in t and "\x00" not in t)

    def _match_many_split(
        self, field: str, texts: list[str], batchable: Callable[[str], bool]
    ) -> list[tuple[Match, ...]]:
        """The texts `batchable` accepts together (match_many), the others one at a time."""
        clean = [i for i, t in enumerate(texts) if batchable(t)]
        results: list[tuple[Match, ...]] = (
            [()] * len(texts) if clean else [self.match_uncached(field, t) for t in texts]
        )
        if clean:
            for i, matches in zip(clean, self.match_many(field, [texts[i] for i in clean]), strict=True):
                results[i] = matches
            chosen = set(clean)
            for i, text in enumerate(texts):
                if i not in chosen:
                    results[i] = self.match_uncached(field, text)
        return results

    def _match_text(self, field: str, text: str) -> tuple[Match, ...]:
        database = self._databases.get(field)
        if database is None:
            return ()
        data = text.encode("utf-8", "surrogatepass")
        hits: list[tuple[int, int]] = []
        # At MAX_REPORTS the handler stops the scan, which hyperscan reports by raising.
        with contextlib.suppress(hyperscan.ScanTerminated):
            database.scan(data, match_event_handler=_collect_end_bounded, context=hits)
        if not hits:
            return ()
        entries = self._entries[field]
        signatures = len(entries)
        matches: list[Match] = []
        names: list[tuple[int, int]] = []
        for index in sorted({i for i, _ in hits if i < signatures}):
            match = self._build(field, index, entries[index], data)
            if match is not None:
                matches.append(match)
        names = [(i - signatures, end) for i, end in hits if i >= signatures]
        name_weights = self._name_weights.get(field)
        if names and name_weights is not None:
            matches = self._with_names(matches, self._match_names(field, data, name_weights, names))
        return tuple(matches)

    def _with_names(self, matches: list[Match], names: list[Match]) -> list[Match]:
        """A text's signature matches plus its name matches, where a field-specific signature
        outranks a bare name: "Web Viewer for Samsung DVR" is a Hanwha page (Samsung Techwin's
        DVRs became Hanwha's), so the name Samsung does not contradict the signature that says so.
        Text-wide signatures (model numbers) do not outrank names: "Dell DS-6505B" keeps Dell."""
        if not names:
            return matches
        specific = {
            m.sets["manufacturer"]
            for m in matches
            if m.sets.get("manufacturer") and m.signature not in self._text_wide
        }
        if specific:
            names = [n for n in names if (n.sets.get("manufacturer") or n.relabel) in specific]
        return [*matches, *names]

    def _match_names(
        self, field: str, data: bytes, weights: dict[str, float], hits: list[tuple[int, int]]
    ) -> list[Match]:
        """Vendor names, brands and domains as whole words, each weighed by what its kind says in
        this field; a 'not this vendor' name vetoes its vendor. `hits`: (name index, end) of the
        names' reports on `data` (the field's database holds them after its signatures)."""
        size = len(data)
        spans: list[tuple[int, int, int]] = []  # (start, -end, entry index) of whole-word hits
        for index, end in hits:
            start = end - self._names_len[index]
            if (start > 0 and data[start - 1] in _WORD) or (
                end < size and data[end] in _WORD and not _camel_break(data, end)
            ):
                continue
            spans.append((start, -end, index))
        spans.sort()
        found: dict[str, SigEntry] = {}
        vetoed: set[str] = set()
        reach, reach_start = -1, -1  # the furthest end of a hit starting at or before this one
        for start, negative_end, index in spans:
            end = -negative_end
            if end < reach or (end == reach and start > reach_start):
                continue  # inside a longer name: "Hewlett Packard Enterprise" is not "Hewlett Packard"
            if end > reach:
                reach, reach_start = end, start
            entry = self._names_entries[index]
            if entry.veto:
                vetoed.add(entry.veto)
            elif entry.kind in weights:
                found.setdefault(entry.id, entry)
        matches = []
        for entry in found.values():
            key = (field, entry.id)
            if key not in self._static_names:
                self._static_names[key] = self.resolve(field, entry.id, dict(entry.sets), weights[entry.kind])
            match = self._static_names[key]
            if match is None:
                continue
            if (
                vetoed
                and self.catalog.by_name.get(fold(match.sets.get("manufacturer") or match.relabel or ""))
                in vetoed
            ):
                continue  # "Teltronic AG" is not Hytera's Teltronic, whether named as vendor or brand
            matches.append(match)
        makers = {m.sets.get("manufacturer") or m.relabel for m in matches}
        if len(makers) > 1 or (field in _GUESS_FIELDS and any(w in data for w in _OR_WORDS)):
            return []  # "GlobespanVirata GS8100, Huawei MT880, or Solwise ...": a list of guesses names nobody
        return matches

    def _build(self, field: str, index: int, entry: SigEntry, data: bytes) -> Match | None:
        if not entry.captures:
            key = (field, index)
            if key not in self._static:
                self._static[key] = self.resolve(field, entry.id, dict(entry.sets), entry.weight)
            return self._static[key]
        values = dict(entry.sets)
        values.update(self.captures(entry, data))
        captured = (field, entry.id, tuple(values.items()))
        if captured in self._resolved:
            return self._resolved[captured]
        match = self.resolve(field, entry.id, values, entry.weight)
        if len(self._resolved) >= _CACHE_LIMIT:
            self._resolved.clear()
        self._resolved[captured] = match
        return match

    def captures(self, entry: SigEntry, data: bytes) -> dict[str, str]:
        """Named-group values of a signature on a text (RE2, linear time)."""
        compiled = self._captures.get(entry.id)
        if compiled is None:
            compiled = self._captures[entry.id] = _compile_captures(self._regex_of(entry))
        spans_of, names = compiled
        spans = spans_of(data)
        if spans is None:
            return {}
        values = {}
        for name, (start, end) in zip(names, spans, strict=True):
            if name and end > start:
                value = clean_display(
                    data[start:end].decode("utf-8", "backslashreplace").strip(" \t\r\n\"'")
                )[:MAX_CAPTURE]
                if value:
                    values[name] = value
        return values

    def _regex_of(self, entry: SigEntry) -> Any:
        """The signature's pattern compiled by RE2 (multi-line, as Hyperscan runs it), once."""
        regex = self._regex.get(entry.id)
        if regex is None:
            regex = self._regex[entry.id] = re2.compile(b"(?m)" + entry.pattern.encode("utf-8"))
        return regex

    def resolve(self, field: str, signature: str, values: dict[str, str], weight: float) -> Match | None:
        """Canonicalise the manufacturer and follow a brand to its maker."""
        possible = None
        name = values.get("manufacturer") or values.get("brand")
        if name:
            resolution = self._resolutions.get(name)
            if resolution is None:
                if len(self._resolutions) >= _CACHE_LIMIT:
                    self._resolutions.clear()
                resolution = self._resolutions[name] = resolve_name(self.catalog, name)
            if resolution.manufacturer:
                values["manufacturer"] = resolution.manufacturer
            else:
                values.pop("manufacturer", None)
            if resolution.brand:
                values["brand"] = resolution.brand
            weight *= resolution.factor
            possible = resolution.possible_maker
        if (
            values.get("brand")
            and values.get("manufacturer")
            and fold(values["brand"]) == fold(values["manufacturer"])
        ):
            del values["brand"]
        if not values and possible is None:
            return None
        return Match(
            signature=signature, field=field, sets=values, strength=round(weight, 4), relabel=possible
        )

    def _match_mac(self, text: str) -> tuple[Match, ...]:
        prefix = mac_prefix(text)
        if prefix is None:
            return ()
        cached = self._oui_cache.get(prefix)
        if cached is None:
            cached = self._oui_cache[prefix] = self._match_oui(prefix)
        return cached

    def _match_oui(self, prefix: int) -> tuple[Match, ...]:
        registered = self.compiled.oui.get(prefix)
        if registered is None:
            return ()
        org, _country = registered
        known = self.catalog.oui_orgs.get(fold(org))
        if known is not None:
            vendor = self.catalog.vendors[known.vendor]
            weight = OUI_COMPONENT_WEIGHT if vendor.kind == "component" else OUI_WEIGHT[known.confidence]
            values = {"manufacturer": vendor.name}
            if known.brand:
                values["brand"] = known.brand
            return (Match(signature=f"oui/{vendor.id}", field="mac", sets=values, strength=weight),)
        by_name = [m for m in self.match("mac.vendor", org) if m.sets.get("manufacturer")]
        if by_name:
            best = by_name[0]
            maker = self.catalog.vendor_by_name(best.sets["manufacturer"])
            weight = OUI_COMPONENT_WEIGHT if maker and maker.kind == "component" else OUI_UNMAPPED_WEIGHT
            return (
                Match(
                    signature="oui/registry",
                    field="mac",
                    sets=dict(best.sets),
                    strength=weight,
                    relabel=best.relabel,
                ),
            )
        return (
            Match(
                signature="oui/registry",
                field="mac",
                sets={"manufacturer": clean_display(org)},
                strength=OUI_UNMAPPED_WEIGHT,
            ),
        )

    def registered_org(self, text: str) -> tuple[str, str] | None:
        """(organisation, country) registered for a MAC's OUI, for explanations."""
        prefix = mac_prefix(text)
        return self.compiled.oui.get(prefix) if prefix is not None else None

    def excerpt(self, field: str, signature: str, text: str, width: int = 240) -> str:
        """The part of a long text that a signature matched, with some context, for display."""
        if len(text) <= width:
            return text
        own_field = signature.split("/", 1)[0]  # a part's signature belongs to the part's field
        entries = self._entries.get(own_field) or self._entries.get(field) or []
        entry = next((e for e in entries if e.id == signature), None)
        if entry is None:
            return text[:width] + "..."
        data = text.encode("utf-8", "surrogatepass")
        found = self._regex_of(entry).search(data)
        if found:
            first, last = found.start(), found.end()
        else:  # a part's signature, written for the part alone: show where the part stands
            first = part_offset(field, own_field, data)
            if first is None:
                return text[:width] + "..."
            last = first
        start = max(0, first - width // 3)
        end = min(len(data), max(last, start + width))
        snippet = data[start:end].decode("utf-8", "backslashreplace")
        return ("..." if start else "") + snippet + ("..." if end < len(data) else "")


def _compile_captures(
    regex: Any,
) -> tuple[Callable[[bytes], Sequence[tuple[int, int]] | None], list[str | None]]:
    """(data -> the spans of the groups of the first match or None, the groups' names) of a
    compiled RE2 pattern.

    RE2's own Match call returns the spans directly; the google-re2 wrapper's search() and
    groups() cost three times as much per text, which shows on a run of distinct banners.
    The wrapper stays the way when the binding lacks the call."""
    names: list[str | None] = [None] * regex.groups
    for name, group in regex.groupindex.items():
        names[group - 1] = name.decode() if isinstance(name, bytes) else name
    low = getattr(regex, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    if low is not None and anchor is not None and hasattr(low, "Match"):
        match = low.Match

        def spans_of(data: bytes) -> Sequence[tuple[int, int]] | None:
            spans = match(anchor, data, 0, len(data))
            return None if spans[0][0] < 0 else spans[1:]

    else:  # pragma: no cover - another build of the binding

        def spans_of(data: bytes) -> Sequence[tuple[int, int]] | None:
            found = regex.search(data)
            return None if found is None else [found.span(i) for i in range(1, regex.groups + 1)]

    return spans_of, names
