"""Wiring for traffic: contacts from sources -> store -> phone-home facts per device.

The audit stages contacts in the store as they stream in (they are summed there per device, kind,
name, remote and port), turns each named contact into a `contact.name` observation so that
identification sees the vendor infrastructure a device talks to, and after grouping asks
policy.phonehome what each device's contacts mean.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodiet import geo
from custodiet.errors import ContentError, InputError, UsageError
from custodiet.model import Contact, Device, Identity, Observation, PhoneHome
from custodiet.pipeline.context import Context
from custodiet.policy.phonehome import (
    EndpointSet,
    Resolution,
    device_phone_home,
    extend_endpoints,
    resolve_names,
)

CONTACT_FIELD = "contact.name"
_SEEN_LIMIT = 200_000


@dataclass
class PhoneHomeSetup:
    """What phone-home needs for one run: endpoint facts, the home country, the countries that
    count as abroad without one, and the address lookup."""

    endpoints: EndpointSet
    home_country: str | None = None
    watch_countries: frozenset[str] = frozenset()
    lookup: Callable[[str], Any] = geo.lookup
    country_of: Callable[[str], str | None] | None = geo.country
    resolved: dict[str, tuple[Resolution, ...]] = field(default_factory=dict)
    traffic: bool = True  # False when the run holds no contact: nothing to look up per device


def check_country(code: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code, upper case; UsageError for anything else."""
    if code is None:
        return None
    text = code.strip().upper()
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise UsageError(f"--home-country expects a two-letter ISO 3166 code such as US, not {code!r}")
    return text


def prepare(
    context: Context, endpoint_files: Sequence[Path] = (), home_country: str | None = None
) -> PhoneHomeSetup:
    """Load content's endpoints plus the user's files. A bad content file is a ContentError (exit
    3); a bad user file is an InputError naming it (exit 2)."""
    home = check_country(home_country)
    content = context.content
    endpoints = content.endpoints
    for path in endpoint_files:
        if not path.is_file():
            raise InputError("no such endpoints file", file=str(path))
    if endpoint_files:
        try:
            endpoints = extend_endpoints(
                endpoints, tuple(endpoint_files), content.catalog, set(content.sources)
            )
        except ContentError as exc:
            raise InputError(exc.message, file=exc.file, place=exc.place) from exc
    return PhoneHomeSetup(endpoints=endpoints, home_country=home, watch_countries=covered_countries(context))


def covered_countries(context: Context) -> frozenset[str]:
    """Home countries of the vendors that the profile's lists name (CN for the covered five)."""
    policy = context.policy
    countries = set()
    for list_id in policy.profile.lists:
        lst = policy.lists.get(list_id)
        if lst is None or lst.kind != "regulatory":
            continue
        for entry in lst.entries:
            for vendor_id in entry.vendors:
                vendor = policy.catalog.vendors.get(vendor_id)
                if vendor is not None and vendor.country:
                    countries.add(vendor.country.upper())
    return frozenset(countries)


def key_extra(endpoint_files: Sequence[Path], home_country: str | None) -> str:
    """What the phone-home options add to a run's identity ('' when none is used, so that runs
    without them keep their key): the same inputs audited with another endpoints file or home
    country are another run."""
    if not endpoint_files and not home_country:
        return ""
    digest = hashlib.sha256(f"home={check_country(home_country) or ''}".encode())
    for path in endpoint_files:
        try:
            digest.update(b"|" + hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    return digest.hexdigest()


class ContactObservations:
    """Named contacts as `contact.name` observations, each (device, name) once per input."""

    def __init__(self) -> None:
        self._seen: set[tuple[str | None, str | None, str]] = set()

    def __call__(self, contact: Contact) -> Observation | None:
        name = contact.name
        if not name:
            return None
        text = name.strip().rstrip(".").lower()[:253]
        if not text:
            return None
        key = (contact.subject.address, contact.subject.mac, text)
        if key in self._seen:
            return None
        if len(self._seen) >= _SEEN_LIMIT:
            self._seen.clear()
        self._seen.add(key)
        return Observation(
            subject=contact.subject, field=CONTACT_FIELD, text=text, provenance=contact.provenance
        )


def resolve(setup: PhoneHomeSetup, writer: Any) -> None:
    """Collect, once per run, which addresses DNS answered for endpoint names."""
    setup.traffic = writer.has_contacts()
    setup.resolved = resolve_names(writer.dns_answers(), setup.endpoints) if setup.traffic else {}


def phone_home(setup: PhoneHomeSetup, writer: Any, device_id: str, key: str | None) -> list[PhoneHome]:
    """The phone-home facts of one device (key: its contacts' device key)."""
    if not setup.traffic:
        return []
    contacts = writer.contacts_of(key or device_id)
    if not contacts:
        return []
    return device_phone_home(
        device_id,
        contacts,
        setup.endpoints,
        setup.lookup,
        resolved=setup.resolved,
        home_country=setup.home_country,
        watch_countries=setup.watch_countries,
        country_of=setup.country_of,
    )


def traffic_only_device(key: str, addresses: tuple[str, ...], mac: str | None) -> Device:
    """A host seen only in traffic: no evidence names its maker, but it is on the network."""
    return Device(
        id=key,
        addresses=tuple(sorted(addresses, key=lambda a: (":" in a, a))),
        mac=mac,
        hostnames=(),
        services=(),
        identity=Identity(explanation=("seen only in traffic: no observation names a manufacturer",)),
        covered=False,
    )
