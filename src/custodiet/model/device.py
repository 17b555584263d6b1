"""A device: one host of the audited network, with everything known about it."""

from __future__ import annotations

from dataclasses import dataclass

from custodiet.model.identity import Identity


@dataclass(frozen=True, slots=True)
class Service:
    """An open port and what runs there, as the source described it."""

    port: str  # "80/tcp"
    name: str  # "http", "rtsp", "" when unknown
    product: str = ""  # scanner's product/version text, if any


@dataclass(frozen=True, slots=True)
class Device:
    """id is stable across runs: "mac:AA:BB:CC:DD:EE:FF" when a MAC is known, else "ip:<address>"."""

    id: str
    addresses: tuple[str, ...]
    mac: str | None
    hostnames: tuple[str, ...]
    services: tuple[Service, ...]
    identity: Identity
    covered: bool = False
