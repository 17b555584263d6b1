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
    """id is stable across runs: "mac:AA:BB:CC:DD:EE:FF" when a MAC is known, else "ip:<address>".

    covered and review are the device's status under the run's profile, one meaning everywhere:
    covered means at least one finding of severity "covered" (a confident identity of a listed
    maker); review ("needs review") means no such finding but at least one "verify" finding, which
    a human must settle. site, serial and owner are what an asset inventory (CMDB) says of it.
    """

    id: str
    addresses: tuple[str, ...]
    mac: str | None
    hostnames: tuple[str, ...]
    services: tuple[Service, ...]
    identity: Identity
    covered: bool = False
    review: bool = False
    site: str | None = None
    serial: str | None = None
    owner: str | None = None


def status_word(covered: bool, review: bool) -> str:
    """The one word reports use for a device's status: "covered", "needs review" or "not covered"."""
    return "covered" if covered else "needs review" if review else "not covered"
