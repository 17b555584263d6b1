"""History values: a device as a run saw it, and what changed from one run to another (store.history
computes them; reports and the dashboard show them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from custodiet.model.device import status_word

COMPARED = ("manufacturer", "brand", "model", "firmware", "device_type", "site", "status", "addresses")


@dataclass(frozen=True, slots=True)
class DeviceSummary:
    id: str
    addresses: tuple[str, ...]
    mac: str | None
    manufacturer: str | None
    brand: str | None
    model: str | None
    firmware: str | None
    device_type: str | None
    site: str | None
    covered: bool
    review: bool

    @property
    def status(self) -> str:
        return status_word(self.covered, self.review)

    def value(self, name: str) -> Any:
        return self.status if name == "status" else getattr(self, name)


@dataclass(frozen=True, slots=True)
class Change:
    device: DeviceSummary  # as the later run saw it
    changes: tuple[tuple[str, Any, Any], ...]  # (what, before, after)


@dataclass(frozen=True, slots=True)
class Unexamined:
    device: DeviceSummary
    absent_from: int  # the run it is missing from, whose inputs did not cover its addresses


@dataclass
class RunDiff:
    from_run: int
    to_run: int
    from_started: str
    to_started: str
    new: list[DeviceSummary] = field(default_factory=list)
    gone: list[DeviceSummary] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    not_examined: list[Unexamined] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DeviceVersion:
    """A device as one run saw it: what the device page's history lists."""

    run_id: int
    started: str
    state_id: int
    device: DeviceSummary
