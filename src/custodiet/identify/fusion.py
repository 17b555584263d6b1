"""Fuse the evidence of one device into one identity, with a confidence that means something.

How the confidence is computed (docs/identification.md says the same for users):
1. Each hit has a strength in 0..1 (its signature's declared strength, times the confidence of a
   brand->maker link when one was followed).
2. Hits are grouped by the manufacturer they claim and by *channel* (the protocol family:
   http, rtsp, ssh, snmp, mac, inventory, scanner, ...). Within a channel only the strongest hit
   counts: an HTTP Server header and the header block that contains it are one fact, not two.
3. Independent channels combine as a noisy-OR: S = 1 - prod(1 - s_channel).
4. The manufacturer with the highest S wins. Evidence for another manufacturer is a
   contradiction: confidence = S_best * (1 - S_second / 2). Claims below 0.2 (a chip maker's MAC
   block, say) are too weak to contradict anything.
So one weak token (0.3) stays at 0.3, a strong server string alone gives 0.85, and the same
claim from two independent channels (server string + MAC block) rises to about 0.96.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from custodiet.catalog import fold
from custodiet.model import Conflict, Evidence, Identity

CONTRADICTION_FLOOR = 0.2
# Below this confidence a manufacturer claim is a hint, not an answer: `identify` withholds it
# (manufacturer null, covered false) and an audited device is not counted as covered (policy
# still raises a "verify" finding). 0.45 lets one medium hit (0.6), a medium relabel link
# (0.51) or a vendor's own MAC block (0.7) through, and stops a single weak token (0.3).
REPORT_FLOOR = 0.45
OTHER_ATTRIBUTES = ("brand", "product", "model", "version", "device_type")
# An OS-detection guess ("Linux 3.2 - 4.9", cpe:/o:linux:linux_kernel:3.1) says something about
# who may have made a device, weakly, but its product and version are the guessed OS's, not the
# device's product or firmware: they never set those attributes.
HINT_FIELDS = frozenset({"os.match", "os.cpe"})
_HINT_ONLY = frozenset({"product", "model", "version"})

_CHANNEL_PREFIX = {
    "nmap": "scanner",
    "cpe": "scanner",
    "os": "scanner",
    "wsd": "onvif",
    "upnp": "upnp",
    "inventory": "inventory",
}


def channel(field: str) -> str:
    """The independent evidence channel a field belongs to."""
    head = field.split(".", 1)[0]
    return _CHANNEL_PREFIX.get(head, head)


# Memoised (bounded: field names and values come from the input) with functools' C cache, which
# is faster than a dict lookup in a Python function: a device's evidence comes from a few dozen
# fields, and the same few manufacturer names and attribute values recur across hosts.
_MEMO_SIZE = 10_000
_channel = lru_cache(maxsize=_MEMO_SIZE)(channel)
_fold_name = lru_cache(maxsize=_MEMO_SIZE)(fold)


@dataclass
class _Claim:
    manufacturer: str
    score: float
    channels: dict[str, Evidence]  # channel -> strongest evidence in it


def _claims(evidence: Sequence[Evidence]) -> list[_Claim]:
    by_maker: dict[str, dict[str, Evidence]] = {}
    names: dict[str, str] = {}
    for item in evidence:
        maker = item.sets.get("manufacturer")
        if not maker:
            continue
        key = _fold_name(maker)
        chans = by_maker.get(key)
        if chans is None:
            chans = by_maker[key] = {}
            names[key] = maker
        chan = _channel(item.field)
        held = chans.get(chan)
        if held is None or item.strength > held.strength:
            chans[chan] = item
    claims = []
    for key, chans in by_maker.items():
        remaining = 1.0
        for item in chans.values():
            remaining *= 1.0 - item.strength
        claims.append(_Claim(names[key], 1.0 - remaining, chans))
    if len(claims) > 1:
        claims.sort(key=lambda c: (-c.score, c.manufacturer))
    return claims


def fuse(evidence: Sequence[Evidence]) -> Identity:
    """One identity from all the evidence of one device."""
    claims = _claims(evidence)
    explanation: list[str] = []
    conflicts: list[Conflict] = []
    manufacturer = None
    confidence = 0.0
    if claims:
        best = claims[0]
        manufacturer = best.manufacturer
        confidence = best.score
        parts = [f"{chan} {e.signature} {e.strength:.2f}" for chan, e in sorted(best.channels.items())]
        explanation.append(f"{manufacturer}: " + "; ".join(parts) + f" -> 1 - prod(1 - s) = {best.score:.3f}")
        rivals = [c for c in claims[1:] if c.score >= CONTRADICTION_FLOOR]
        if rivals:
            second = rivals[0]
            confidence = best.score * (1.0 - second.score / 2.0)
            explanation.append(
                f"contradicted by {second.manufacturer} ({second.score:.3f}): "
                f"{best.score:.3f} x (1 - {second.score:.3f}/2) = {confidence:.3f}"
            )
            conflicts.append(
                Conflict("manufacturer", tuple((c.manufacturer, round(c.score, 3)) for c in [best, *rivals]))
            )
    folded = _fold_name(manufacturer) if manufacturer else ""
    # Evidence that agrees with the winner or names no maker; and per other attribute, the best
    # score of each distinct value (by folded value), in the order the evidence shows them.
    agreeing: list[Evidence] = []
    scores: dict[str, dict[str, tuple[float, str]]] = {}
    for item in evidence:
        sets = item.sets
        maker = sets.get("manufacturer")
        if maker and _fold_name(maker) != folded:
            continue
        agreeing.append(item)
        hint = item.field in HINT_FIELDS
        for attribute, value in sets.items():
            if value and attribute in _OTHER and not (hint and attribute in _HINT_ONLY):
                found = scores.get(attribute)
                if found is None:
                    found = scores[attribute] = {}
                key = _fold_name(value) or value
                held = found.get(key)
                if held is None or item.strength > held[0]:
                    found[key] = (item.strength, value)
    values: dict[str, str | None] = {}
    for attribute in OTHER_ATTRIBUTES:
        chosen, conflict = _choose(attribute, scores.get(attribute))
        values[attribute] = chosen
        if conflict:
            conflicts.append(conflict)
    for item in evidence:
        if item.relabel and item.sets.get("brand"):
            explanation.append(
                f"brand {item.sets['brand']} may be made by {item.relabel} (weak link, see relabels.yaml): verify"
            )
    for item in agreeing:
        if item.sets.get("brand") and item.sets.get("manufacturer") and item.relabel is None:
            explanation.append(
                f"brand {item.sets['brand']} -> maker {item.sets['manufacturer']} ({item.signature})"
            )
            break
    return Identity(
        manufacturer,
        values["brand"],
        values["product"],
        values["model"],
        values["version"],
        values["device_type"],
        round(confidence, 3),
        tuple(evidence),
        tuple(conflicts),
        tuple(_dedupe(explanation)) if len(explanation) > 1 else tuple(explanation),
    )


_OTHER = frozenset(OTHER_ATTRIBUTES)


def _choose(
    attribute: str, scores: dict[str, tuple[float, str]] | None
) -> tuple[str | None, Conflict | None]:
    """The value of the strongest evidence that sets `attribute` (scores: the best (strength,
    value) per folded value), and a conflict if others differ."""
    if not scores:
        return None, None
    if len(scores) == 1:
        return next(iter(scores.values()))[1], None
    ranked = sorted(scores.values(), key=lambda sv: (-sv[0], sv[1]))
    chosen = ranked[0][1]
    if attribute != "device_type":
        return chosen, Conflict(attribute, tuple((v, round(s, 3)) for s, v in ranked))
    return chosen, None


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))  # first occurrences, in order


def fuse_one_text(matches: Sequence) -> tuple[dict[str, str | None], float, str | None]:
    """fuse() for the matches of ONE text, without building Evidence: all hits of one text share
    one channel, so a maker's score is its strongest hit. Returns (attributes incl. manufacturer
    and version, confidence, id of the signature that named the maker or else the strongest).
    The test suite checks that this agrees with fuse()."""
    best: dict[str, tuple[float, str]] = {}  # folded maker -> (score, name)
    for match in matches:
        maker = match.sets.get("manufacturer")
        if maker:
            key = _fold_name(maker)
            if key not in best or match.strength > best[key][0]:
                best[key] = (match.strength, maker)
    ranked = sorted(best.values(), key=lambda sm: (-sm[0], sm[1]))
    manufacturer = ranked[0][1] if ranked else None
    confidence = ranked[0][0] if ranked else 0.0
    rivals = [score for score, _ in ranked[1:] if score >= CONTRADICTION_FLOOR]
    if rivals:
        confidence *= 1.0 - rivals[0] / 2.0
    folded = _fold_name(manufacturer) if manufacturer else ""
    values: dict[str, str | None] = {"manufacturer": manufacturer}
    chosen: dict[str, tuple[float, str]] = {}
    signature = None
    signature_rank = (-1, -1.0)
    for match in matches:
        maker = match.sets.get("manufacturer")
        agrees = not maker or _fold_name(maker) == folded
        rank = (1 if maker and agrees else 0, match.strength)
        if rank > signature_rank:
            signature, signature_rank = match.signature, rank
        if not agrees:
            continue
        hint = match.field in HINT_FIELDS
        for attribute in OTHER_ATTRIBUTES:
            if hint and attribute in _HINT_ONLY:
                continue
            value = match.sets.get(attribute)
            if value and (
                attribute not in chosen
                or match.strength > chosen[attribute][0]
                or (match.strength == chosen[attribute][0] and value < chosen[attribute][1])
            ):
                chosen[attribute] = (match.strength, value)
    for attribute in OTHER_ATTRIBUTES:
        values[attribute] = chosen[attribute][1] if attribute in chosen else None
    return values, round(confidence, 3), signature
