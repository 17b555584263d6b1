"""What custodiet concludes about a device, with the evidence for each claim."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from custodiet.model.observation import Provenance


@dataclass(frozen=True, slots=True)
class Match:
    """One signature that hit one text, and the attribute values it produced.

    strength (0..1) is how much this hit alone supports its manufacturer claim; it comes
    from the signature's declared strength. relabel is set when the hit names a brand
    whose maker differs (the attribute 'manufacturer' then holds the maker).
    """

    signature: str
    field: str
    sets: Mapping[str, str]
    strength: float
    relabel: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A match tied to the observation it came from."""

    field: str
    text: str  # excerpt of the observed text, bounded for display
    provenance: Provenance
    signature: str
    sets: Mapping[str, str]
    strength: float
    port: str | None = None
    relabel: str | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """Evidence that disagrees on one attribute: every value claimed, with its score."""

    attribute: str
    values: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Identity:
    """The fused identity of one device.

    manufacturer is the company that made the device (canonical name); brand is the name on
    the label when it differs from the maker (an OEM relabel or consumer brand). confidence
    in 0..1 is how sure custodiet is of the manufacturer (see identify.fusion for how it is
    computed); explanation lists the steps of that computation in words.
    """

    manufacturer: str | None = None
    brand: str | None = None
    product: str | None = None
    model: str | None = None
    firmware: str | None = None
    device_type: str | None = None
    confidence: float = 0.0
    evidence: tuple[Evidence, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    explanation: tuple[str, ...] = field(default=())
