"""Lists and a profile -> findings for a device. Pure functions of the identity and the content.

A finding is "covered" (at the profile's severity) only when the identity is confident
(CONFIDENT or more); a weaker identity, an unknown device type where the entry covers only some
types, a weakly sourced brand->maker link, or a category entry whose conditions the evidence
cannot settle (where was it produced? is it consumer-grade?) makes a "verify" finding: a human
must look, and the finding says what to check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from custodiet.catalog import Catalog, Vendor, fold
from custodiet.model import Device, Evidence, Finding, Identity
from custodiet.policy.kev import KevEntry, kev_findings
from custodiet.policy.lists import ListEntry, Profile, RegulatoryList

CONFIDENT = 0.6
MAX_REASON_TEXT = 80


@dataclass
class Policy:
    catalog: Catalog
    lists: dict[str, RegulatoryList]
    profile: Profile
    _naming: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _vendors: dict[str, Vendor | None] = field(default_factory=dict)
    _walks: dict[tuple[str, str | None, str | None], _Walk] = field(default_factory=dict)
    # Known exploited vulnerabilities (policy.kev), when the profile wants them.
    kev: tuple[KevEntry, ...] = ()

    @cached_property
    def _by_vendor(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for lst in self.lists.values():
            if lst.kind != "regulatory":
                continue  # a watch list is not a high-risk list: it never makes a device "covered"
            for entry in lst.entries:
                for vendor in entry.vendors:
                    if lst.id not in index.setdefault(vendor, []):
                        index[vendor].append(lst.id)
        return {k: tuple(v) for k, v in index.items()}

    def lists_naming(self, manufacturer: str | None) -> tuple[str, ...]:
        """Ids of every regulatory list (in any jurisdiction) that names this manufacturer."""
        if not manufacturer:
            return ()
        cached = self._naming.get(manufacturer)
        if cached is None:
            vendor = self.catalog.vendor_by_name(manufacturer)
            cached = self._by_vendor.get(vendor.id, ()) if vendor else ()
            if len(self._naming) < 100_000:
                self._naming[manufacturer] = cached
        return cached

    def is_covered(self, manufacturer: str | None) -> bool:
        return bool(self.lists_naming(manufacturer))

    @cached_property
    def _relevant(self) -> tuple[frozenset[str], frozenset[str]]:
        """Vendor ids and device types that any entry of the profile's lists can reach: a device
        matching neither (and carrying no weak relabel) cannot have a list finding."""
        vendors: set[str] = set()
        categories: set[str] = set()
        for list_id in self.profile.lists:
            for entry in self.lists[list_id].entries:
                vendors.update(entry.vendors)
                if entry.category:
                    categories.add(entry.category)
        return frozenset(vendors), frozenset(categories)

    def _vendor(self, manufacturer: str | None) -> Vendor | None:
        """catalog.vendor_by_name, memoised: the same few makers recur on every device."""
        if not manufacturer:
            return None
        found = self._vendors.get(manufacturer, False)
        if found is False:
            found = self.catalog.vendor_by_name(manufacturer)
            if len(self._vendors) < 100_000:
                self._vendors[manufacturer] = found
        return found  # type: ignore[return-value]

    @cached_property
    def _kev_by_vendor(self) -> dict[str, tuple[KevEntry, ...]]:
        """KEV entries per vendor id, in content order (kev_findings keeps only the vendor's)."""
        index: dict[str, list[KevEntry]] = {}
        for entry in self.kev:
            index.setdefault(entry.vendor, []).append(entry)
        return {k: tuple(v) for k, v in index.items()}

    def _entries(self, list_id: str, vendor_id: str | None, category: str | None) -> _Walk:
        """The entries of a list that can give a vendor finding for this vendor, and those that
        can give a category finding for this device type, in list order."""
        key = (list_id, vendor_id, category)
        walk = self._walks.get(key)
        if walk is None:
            entries = self.lists[list_id].entries
            walk = (
                tuple(e for e in entries if vendor_id is not None and vendor_id in e.vendors),
                tuple(e for e in entries if e.category and e.category == category),
            )
            if len(self._walks) < 100_000:
                self._walks[key] = walk
        return walk

    def findings(self, device: Device) -> list[Finding]:
        identity = device.identity
        vendor = self._vendor(identity.manufacturer)
        vendors, categories = self._relevant
        relabelled = any(e.relabel for e in identity.evidence)
        kev = self._kev_by_vendor.get(vendor.id, ()) if vendor is not None else ()
        if (
            (vendor is None or vendor.id not in vendors)
            and identity.device_type not in categories
            and not relabelled
        ):
            if vendor is None or not kev:
                return []
            return list(kev_findings(device.id, identity, vendor.id, kev, CONFIDENT))
        results: list[Finding] = []
        said: dict[str, str] = {}  # the device's reason, the same for every entry naming its maker
        for list_id, severity in self.profile.lists.items():
            lst = self.lists[list_id]
            naming, category = self._entries(list_id, vendor.id if vendor else None, identity.device_type)
            if relabelled:
                # Each entry gives a vendor finding, or else one for a weakly linked brand.
                named = [
                    f
                    for entry in lst.entries
                    if (
                        f := _vendor_finding(device, vendor, lst, entry, severity, said)
                        or _relabel_finding(device, self.catalog, lst, entry)
                    )
                ]
            else:
                named = [
                    f
                    for entry in naming
                    if (f := _vendor_finding(device, vendor, lst, entry, severity, said))
                ]
            results.extend(named)
            if not named:  # a category entry adds nothing where the maker itself is listed
                results.extend(
                    f for entry in category if (f := _category_finding(device, vendor, lst, entry, severity))
                )
        if kev:
            results.extend(kev_findings(device.id, identity, vendor.id if vendor else None, kev, CONFIDENT))
        return results


# A list's entries that can name one vendor, and those of one category (see Policy._entries).
_Walk = tuple[tuple[ListEntry, ...], tuple[ListEntry, ...]]


def policy_for(
    catalog: Catalog,
    lists: Mapping[str, RegulatoryList],
    profiles: Mapping[str, Profile],
    kev: tuple[KevEntry, ...],
    profile: str | None = None,
) -> Policy:
    """The policy of one profile (the default when None) over content already loaded
    (pipeline.content.load_content reads it once)."""
    from custodiet.errors import UsageError

    if profile is None:
        chosen = next(p for p in profiles.values() if p.default)
    elif profile in profiles:
        chosen = profiles[profile]
    else:
        raise UsageError(f"unknown profile '{profile}' (known: {', '.join(sorted(profiles))})")
    return Policy(catalog=catalog, lists=dict(lists), profile=chosen, kev=kev if chosen.kev else ())


def _strongest(evidence: tuple[Evidence, ...], manufacturer: str | None, limit: int = 2) -> list[Evidence]:
    agreeing = [e for e in evidence if e.sets.get("manufacturer") == manufacturer]
    agreeing.sort(key=lambda e: -e.strength)
    picked: list[Evidence] = []
    for item in agreeing:
        if all(p.field != item.field for p in picked):
            picked.append(item)
        if len(picked) == limit:
            break
    return picked


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_REASON_TEXT else flat[: MAX_REASON_TEXT - 3] + "..."


def _describe(identity: Identity) -> str:
    label = identity.manufacturer or "unknown maker"
    if identity.brand:
        label += f" (brand {identity.brand})"
    if identity.model:
        label += f" {identity.model}"
    return label


def _vendor_finding(
    device: Device,
    vendor: Vendor | None,
    lst: RegulatoryList,
    entry: ListEntry,
    severity: str,
    said: dict[str, str] | None = None,
) -> Finding | None:
    """said: where the device's reason is kept between the entries of one findings() call (it
    does not depend on the entry)."""
    if vendor is None or vendor.id not in entry.vendors:
        return None
    identity = device.identity
    checks: list[str] = []
    if entry.covers is not None:
        if identity.device_type and identity.device_type not in entry.covers:
            return None
        if not identity.device_type:
            checks.append(f"device type unknown; the entry covers {', '.join(entry.covers)}")
    if identity.confidence < CONFIDENT:
        checks.append(f"identity confidence {identity.confidence:.2f} is below {CONFIDENT}")
    reason = said.get(vendor.id) if said is not None else None
    if reason is None:
        evidence = "; ".join(
            f"{e.field} {_excerpt(e.text)!r} ({e.signature}, {e.strength:.2f})"
            for e in _strongest(identity.evidence, identity.manufacturer)
        )
        reason = (
            f"{_describe(identity)} is made by {vendor.name}, named by this entry; "
            f"confidence {identity.confidence:.2f}"
        )
        if evidence:
            reason += f"; evidence: {evidence}"
        if said is not None:
            said[vendor.id] = reason
    if checks:
        reason += "; verify: " + "; ".join(checks)
    scope = entry.scope
    if entry.purpose_limited:
        scope = "Purpose-limited entry. " + scope
    return Finding(
        device.id,
        f"{lst.id}:{entry.id}",
        lst.id,
        entry.entity,
        reason,
        scope,
        "verify" if checks else severity,
        entry.sources,
    )


def _relabel_finding(
    device: Device, catalog: Catalog, lst: RegulatoryList, entry: ListEntry
) -> Finding | None:
    for item in device.identity.evidence:
        if not item.relabel:
            continue
        maker = catalog.vendor_by_name(item.relabel)
        if maker is None or maker.id not in entry.vendors:
            continue
        brand = item.sets.get("brand") or item.sets.get("manufacturer") or "this brand"
        link = catalog.brands.get(fold(brand))
        why = f" ({link.relation} Sources: {', '.join(link.sources)})" if link else ""
        return Finding(
            device=device.id,
            rule=f"{lst.id}:{entry.id}",
            list=lst.id,
            entity=entry.entity,
            reason=(
                f"brand {brand} may be made by {maker.name}: the link is weakly sourced{why}; "
                f"evidence: {item.field} {_excerpt(item.text)!r} ({item.signature}). Verify the product's origin."
            ),
            scope=entry.scope,
            severity="verify",
            sources=entry.sources,
        )
    return None


def _category_finding(
    device: Device, vendor: Vendor | None, lst: RegulatoryList, entry: ListEntry, severity: str
) -> Finding | None:
    """Category entries (foreign-produced drones, foreign consumer routers). A confident identity of a
    maker headquartered abroad settles "foreign" for an entry without further conditions; where the
    maker is domestic or unknown, or the entry has conditions we cannot see (consumer-grade, model
    authorization date), the finding asks a human to verify."""
    identity = device.identity
    if not entry.category or identity.device_type != entry.category:
        return None
    if vendor is not None and entry.vendors and vendor.id in entry.vendors:
        return None  # already a vendor finding
    maker = vendor.name if vendor else (identity.manufacturer or "an unidentified maker")
    country = vendor.country if vendor else None
    if country and entry.produced_outside and country == entry.produced_outside:
        where = f"{maker} is headquartered in {country}, but the entry counts where the product was produced (incl. design)"
    elif country:
        where = f"{maker} is headquartered in {country}"
    else:
        where = f"the country of production of {maker} is unknown"
    checks = [where]
    if entry.consumer_only:
        checks.append("the entry covers consumer-grade models only")
    if entry.waiver_until:
        checks.append(f"new models only; firmware updates allowed under waiver until {entry.waiver_until}")
    settled = (
        country is not None
        and country != entry.produced_outside
        and identity.confidence >= CONFIDENT
        and not entry.consumer_only
        and not entry.waiver_until
    )
    if settled:
        return Finding(
            device=device.id,
            rule=f"{lst.id}:{entry.id}",
            list=lst.id,
            entity=entry.entity,
            reason=f"{_describe(identity)} is a {entry.category}; {where} (confidence {identity.confidence:.2f})",
            scope=entry.scope,
            severity=severity,
            sources=entry.sources,
        )
    return Finding(
        device=device.id,
        rule=f"{lst.id}:{entry.id}",
        list=lst.id,
        entity=entry.entity,
        reason=f"{_describe(identity)} is a {entry.category}; category entry; verify: " + "; ".join(checks),
        scope=entry.scope,
        severity="verify",
        sources=entry.sources,
    )
