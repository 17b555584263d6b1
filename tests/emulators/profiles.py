"""Device profiles: the data that says what each emulated device answers.

A profile is one YAML file under profiles/ (schema in profiles/README.md). This module
only loads and checks them; it knows no vendor. Keeping every byte a device sends in
data, next to the source it was copied from, is what lets a reviewer audit the
emulators without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROFILE_DIR = Path(__file__).parent / "profiles"

# Service kinds the servers module implements, and their transport.
KINDS: dict[str, str] = {
    "http": "tcp",
    "https": "tcp",
    "rtsp": "tcp",
    "banner": "tcp",
    "silent": "tcp",
    "snmp": "udp",
    "sip": "udp",
    "ssdp": "udp",
    "wsd": "udp",
}


class ProfileError(ValueError):
    """A profile file that does not follow the schema."""


@dataclass(frozen=True)
class Service:
    """One listening service of a device: a name, a kind, a nominal port and its data."""

    name: str
    kind: str
    port: int
    spec: dict[str, Any]

    @property
    def transport(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Profile:
    """One emulated device."""

    name: str
    vendor: str
    model: str
    firmware: str
    serial: str
    mac: str | None
    category: str
    covered: bool
    services: tuple[Service, ...]
    sources: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def service(self, name: str) -> Service:
        for svc in self.services:
            if svc.name == name:
                return svc
        raise KeyError(f"{self.name} has no service {name!r}")


def _require(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ProfileError(f"{where}: missing {key!r}")
    return data[key]


def _check_sources(obj: Any, where: str) -> None:
    """Every route, reply, banner and agent must say where its bytes come from."""
    if isinstance(obj, dict):
        if "source" in obj and not obj["source"]:
            raise ProfileError(f"{where}: empty source")
        for key, value in obj.items():
            _check_sources(value, f"{where}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            _check_sources(value, f"{where}[{i}]")


def parse_profile(data: dict[str, Any], path: Path | None = None) -> Profile:
    """Build a Profile from loaded YAML, checking the parts the servers rely on."""
    where = str(path) if path else "<profile>"
    services: list[Service] = []
    for name, spec in (_require(data, "services", where) or {}).items():
        kind = _require(spec, "kind", f"{where}.services.{name}")
        if kind not in KINDS:
            raise ProfileError(f"{where}.services.{name}: unknown kind {kind!r}")
        port = int(_require(spec, "port", f"{where}.services.{name}"))
        if kind != "https" and "source" not in spec and kind not in ("http", "rtsp"):
            raise ProfileError(f"{where}.services.{name}: no source for its bytes")
        services.append(Service(name=name, kind=kind, port=port, spec=spec))
    _check_sources(data.get("services"), f"{where}.services")
    return Profile(
        name=str(_require(data, "name", where)),
        vendor=str(_require(data, "vendor", where)),
        model=str(_require(data, "model", where)),
        firmware=str(data.get("firmware", "")),
        serial=str(data.get("serial", "")),
        mac=data.get("mac"),
        category=str(data.get("category", "")),
        covered=bool(data.get("covered", False)),
        services=tuple(services),
        sources=dict(data.get("sources") or {}),
        path=path,
        data=data,
    )


def load_profile(path: Path) -> Profile:
    """Load one profile file."""
    with path.open("rb") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: not a mapping")
    return parse_profile(data, path)


def load_profiles(directory: Path = PROFILE_DIR) -> list[Profile]:
    """All profiles, in file-name order (the order fixes each device's address)."""
    profiles = [load_profile(p) for p in sorted(directory.glob("*.yaml"))]
    names = [p.name for p in profiles]
    if len(set(names)) != len(names):
        raise ProfileError(f"duplicate profile names in {directory}")
    return profiles
