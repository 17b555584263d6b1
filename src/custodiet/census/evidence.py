"""Distinct pieces -> evidence items; a host's items -> its identity. The batch API a census
needs, on top of identify.Identifier and identify.fusion (the matcher and the fusion `audit` uses).

An *item* is one signature hit on one observed field: (field, signature, what it set, strength,
relabel). It is written as a canonical JSON string so that both engines, and every Spark
executor, name the same hit with the same key, and a host's evidence is the sorted set of its
items' keys (the *combo*). Fusion reads nothing else of a piece of evidence (fusion.py: maker,
channel of the field, strength, attributes, signature, relabel), so a combo fused once stands
for every host that shows it: internet hosts of one kind show the same few combos.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from custodiet.catalog import fold
from custodiet.census.derive import Deriver
from custodiet.identify.fusion import CONTRADICTION_FLOOR, REPORT_FLOOR, fuse
from custodiet.model import Evidence, Match, Provenance
from custodiet.pipeline.context import Context

# Matched (field, text) answers kept between batches: texts repeat across distinct raw pieces
# (the Server line of banners that differ only by their Date). Bounded in entries and characters.
_PAIR_CACHE = 200_000
_PAIR_CHARS = 32 << 20
_COMBO_CACHE = 100_000
_NOWHERE = Provenance("census", "")

# Confidence bands of an identity (fusion's 0..1 scale): what the report's bands mean.
BANDS = (("high", 0.85), ("medium", 0.6), ("low", REPORT_FLOOR))


def band(confidence: float) -> str:
    """'high', 'medium', 'low' for a reported identity; 'hint' below fusion.REPORT_FLOOR."""
    for name, floor in BANDS:
        if confidence >= floor:
            return name
    return "hint"


@dataclass(frozen=True, slots=True)
class HostIdentity:
    """What a census keeps of a fused identity."""

    manufacturer: str | None
    brand: str | None
    brand_kind: str | None  # "own-brand", "relabel", or None (no brand, or a name we cannot place)
    device_type: str | None
    confidence: float
    band: str  # see band()
    covered: bool
    lists: str  # list ids naming the maker, ";"-joined


class Matcher:
    """One per process (or Spark executor): the compiled content, loaded once, and its caches."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.identifier = context.identifier
        self.fields = context.identifier.fields
        self.deriver = Deriver()
        self._pairs: dict[tuple[str, str], tuple[str, ...]] = {}
        self._pair_chars = 0
        self._item_keys: dict[tuple[str, int], tuple[Match, str]] = {}  # (field, id(match)) -> (match, key)
        self._combos: dict[str, HostIdentity] = {}

    # ------------------------------------------------------------------ pieces -> items

    def items(self, kinds: Sequence[str], raws: Sequence[str]) -> list[list[str]]:
        """The item keys of each (kind, raw) piece, in order; [] where nothing hits."""
        derived = [
            self.deriver.derive(kind, raw) if raw else [] for kind, raw in zip(kinds, raws, strict=True)
        ]
        wanted: dict[str, dict[str, None]] = {}
        pairs = self._pairs
        for found in derived:
            for pair in found:
                if pair[0] in self.fields and pair not in pairs:
                    wanted.setdefault(pair[0], {})[pair[1]] = None
        if wanted:
            size = sum(len(t) for texts in wanted.values() for t in texts)
            if (
                len(pairs) + sum(map(len, wanted.values())) > _PAIR_CACHE
                or self._pair_chars + size > _PAIR_CHARS
            ):
                pairs.clear()
                self._pair_chars = 0
            self._pair_chars += size
            for field, texts in wanted.items():
                listed = list(texts)
                for text, matches in zip(listed, self.identifier.match_many(field, listed), strict=True):
                    pairs[(field, text)] = tuple(self._key(field, m) for m in matches)
        out: list[list[str]] = []
        for found in derived:
            keys: dict[str, None] = {}
            for pair in found:
                for key in pairs.get(pair, ()):
                    keys[key] = None
            out.append(list(keys))
        return out

    def _key(self, field: str, match: Match) -> str:
        """The canonical key of a hit on a field (memoised per Match object: the engine interns them)."""
        memo = (field, id(match))
        known = self._item_keys.get(memo)
        if known is not None:
            return known[1]
        key = item_key(field, match)
        if len(self._item_keys) >= _COMBO_CACHE:
            self._item_keys.clear()
        self._item_keys[memo] = (match, key)  # the match is kept alive: its id stays its own
        return key

    # ------------------------------------------------------------------ items -> identity

    def identity(self, combo: str) -> HostIdentity:
        """The fused identity of a host whose item keys, sorted and joined by newlines, are `combo`."""
        known = self._combos.get(combo)
        if known is not None:
            return known
        evidence = [evidence_of(key) for key in combo.split("\n") if key]
        identity = fuse(evidence)
        maker = identity.manufacturer
        brand = identity.brand
        brand_kind = None
        if brand and maker and fold(brand) != fold(maker):
            link = self.identifier.catalog.brands.get(fold(brand))
            brand_kind = link.kind if link is not None else None
        else:
            brand = None
        lists = self.context.policy.lists_naming(maker) if maker else ()
        result = HostIdentity(
            maker,
            brand,
            brand_kind,
            identity.device_type,
            identity.confidence,
            band(identity.confidence) if maker else "hint",
            bool(lists) and identity.confidence >= REPORT_FLOOR,
            ";".join(lists),
        )
        if len(self._combos) >= _COMBO_CACHE:
            self._combos.clear()
        self._combos[combo] = result
        return result


def item_key(field: str, match: Match) -> str:
    """[field, signature, sets, strength, relabel] as canonical JSON (sorted keys, no spaces)."""
    return orjson.dumps(
        [field, match.signature, dict(match.sets), match.strength, match.relabel],
        option=orjson.OPT_SORT_KEYS,
    ).decode()


def item_maker(key: str) -> str | None:
    """The manufacturer an item names, folded (for "does this service support the host's maker")."""
    value = orjson.loads(key)
    maker = value[2].get("manufacturer")
    return fold(maker) if maker else None


def evidence_of(key: str) -> Evidence:
    """The Evidence fusion reads, back from an item key (text and place are not kept: a census
    reports counts, and `custodiet audit` on the same file shows the evidence of any host)."""
    field, signature, sets, strength, relabel = orjson.loads(key)
    return Evidence(field, "", _NOWHERE, signature, sets, strength, None, relabel)


def combo_of(keys: Iterable[str]) -> str:
    """A host's combo: its distinct item keys, sorted, joined by newlines (keys hold none)."""
    return "\n".join(sorted(set(keys)))


__all__ = [
    "BANDS",
    "CONTRADICTION_FLOOR",
    "REPORT_FLOOR",
    "HostIdentity",
    "Matcher",
    "band",
    "combo_of",
    "evidence_of",
    "item_key",
    "item_maker",
]
