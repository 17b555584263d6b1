"""The vendor catalogue: canonical manufacturer names, aliases, brands, relabels, IEEE OUI
organisation names. Shared by identify (naming makers) and policy (which lists name them).
Loaded from content/vendors/*.yaml and content/relabels.yaml.

Why one catalogue: the same company is spelled many ways (the IEEE registry alone spells Dahua
three ways); every claim custodiet makes must use one canonical name per maker, and a brand on a
label must lead to the company that built the device, with the strength of that link.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError

CONFIDENCE_LEVELS = ("low", "medium", "high")

# How far a brand->maker link carries a hit's strength to the maker.
LINK_FACTOR = {"high": 1.0, "medium": 0.85, "low": 0.6}


@dataclass(frozen=True, slots=True)
class Vendor:
    id: str
    name: str
    country: str | None
    kind: str  # "maker" or "component" (an OUI of a component maker says nothing of the device maker)
    product_classes: tuple[str, ...]
    aliases: tuple[str, ...]
    not_aliases: tuple[str, ...]
    sources: tuple[str, ...]
    legal_names: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # web and e-mail domains that name the vendor ("hikvision.com")
    # words that hold the vendor's name but name none of its devices ("AppleWebKit", the engine
    # every Android and Chrome User-Agent names): they swallow the name inside them, and say nothing
    inert_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BrandLink:
    """A label name and the company believed to make what carries it."""

    brand: str
    maker: str  # vendor id
    confidence: str  # low | medium | high
    relation: str
    kind: str  # "own-brand" (the maker's own label) or "relabel" (another company's label)
    sources: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # every spelling of the brand, the brand itself first
    domains: tuple[str, ...] = ()  # the brand's own web and e-mail domains ("ezviz.com")


@dataclass(frozen=True, slots=True)
class OuiOrg:
    org: str
    vendor: str  # vendor id
    brand: str | None
    confidence: str


@dataclass
class Catalog:
    vendors: dict[str, Vendor] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)  # folded canonical name or alias -> vendor id
    brands: dict[str, BrandLink] = field(default_factory=dict)  # folded brand -> link
    oui_orgs: dict[str, OuiOrg] = field(default_factory=dict)  # folded IEEE org name -> org
    sources: dict[str, Any] = field(default_factory=dict)  # source ids defined by vendor files themselves

    def vendor_by_name(self, name: str) -> Vendor | None:
        vid = self.by_name.get(fold(name))
        return self.vendors.get(vid) if vid else None

    def canonical(self, name: str) -> str:
        """Canonical manufacturer name for a name, alias or brand; the name itself if unknown."""
        vendor = self.vendor_by_name(name)
        if vendor:
            return vendor.name
        link = self.brands.get(fold(name))
        if link and link.confidence != "low":
            return self.vendors[link.maker].name
        return clean_display(name)


_ASCII_NOT_ALNUM = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def fold(text: str) -> str:
    """Comparison key for names: case, accents, punctuation and spacing do not matter."""
    if text.isascii():
        return text.lower().translate(_ASCII_NOT_ALNUM)
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def clean_display(text: str) -> str:
    return " ".join(text.split())[:120]


def _strings(node: Any, key: str, where: str | None, file: str) -> tuple[str, ...]:
    value = node.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError(f"'{key}' must be a list of strings", file=file, place=where)
    return tuple(value)


def _require(node: Any, key: str, file: str) -> Any:
    if not isinstance(node, dict) or key not in node or node[key] in (None, ""):
        raise ContentError(f"missing '{key}'", file=file, place=line_of(node))
    return node[key]


def load_catalog(content_dir: Path) -> Catalog:
    """Read every vendors/*.yaml and relabels.yaml into one catalogue; ContentError on any problem."""
    catalog = Catalog()
    pending_brands: list[tuple[dict, str, str]] = []
    for path in sorted((content_dir / "vendors").glob("*.yaml")):
        label = f"content/vendors/{path.name}"
        doc = load_yaml(path, label) or {}
        own_sources = doc.get("sources") or {}
        if not isinstance(own_sources, dict):
            raise ContentError("top-level 'sources' must map id -> {title, url}", file=label)
        catalog.sources.update(own_sources)
        for node in doc.get("vendors") or []:
            vendor = _vendor(node, label)
            if vendor.id in catalog.vendors:
                raise ContentError(f"vendor id '{vendor.id}' defined twice", file=label, place=line_of(node))
            catalog.vendors[vendor.id] = vendor
            for name in (vendor.name, *vendor.aliases, *vendor.legal_names):
                other = catalog.by_name.get(fold(name))
                if other and other != vendor.id:
                    raise ContentError(
                        f"name '{name}' of '{vendor.id}' already names '{other}'",
                        file=label,
                        place=line_of(node),
                    )
                catalog.by_name[fold(name)] = vendor.id
            for org in node.get("oui_orgs") or []:
                _add_oui_org(catalog, org, vendor.id, label)
            for brand in node.get("brands") or []:
                pending_brands.append((brand, vendor.id, label))
    for brand, vendor_id, label in pending_brands:
        _add_brand(catalog, brand, vendor_id, "own-brand", label)
    relabels = content_dir / "relabels.yaml"
    doc = load_yaml(relabels, "content/relabels.yaml")
    for node in (doc or {}).get("relabels") or []:
        maker = _require(node, "maker", "content/relabels.yaml")
        if maker not in catalog.vendors:
            raise ContentError(f"unknown maker '{maker}'", file="content/relabels.yaml", place=line_of(node))
        _add_brand(catalog, node, maker, "relabel", "content/relabels.yaml")
    return catalog


def _vendor(node: Any, label: str) -> Vendor:
    where = line_of(node)
    kind = node.get("kind", "maker")
    if kind not in ("maker", "component"):
        raise ContentError(f"kind must be maker or component, not {kind!r}", file=label, place=where)
    return Vendor(
        id=str(_require(node, "id", label)),
        name=str(_require(node, "name", label)),
        country=node.get("country"),
        kind=kind,
        product_classes=_strings(node, "product_classes", where, label),
        aliases=_strings(node, "aliases", where, label),
        not_aliases=_strings(node, "not_aliases", where, label),
        sources=_strings(node, "sources", where, label),
        legal_names=_strings(node, "legal_names", where, label),
        domains=_domains(node, where, label),
        inert_words=_strings(node, "inert_words", where, label),
    )


def _domains(node: Any, where: str | None, label: str) -> tuple[str, ...]:
    """A vendor's or brand's domains, lower case; each must look like a registrable name."""
    domains = _strings(node, "domains", where, label)
    for domain in domains:
        labels = domain.split(".")
        if domain != domain.lower() or len(labels) < 2 or not all(labels) or " " in domain:
            raise ContentError(f"domain {domain!r} must be a lower-case DNS name", file=label, place=where)
    return domains


def _add_oui_org(catalog: Catalog, node: Any, vendor_id: str, label: str) -> None:
    if isinstance(node, str):
        node = {"org": node}
    org = str(_require(node, "org", label))
    confidence = node.get("confidence", "high")
    if confidence not in CONFIDENCE_LEVELS:
        raise ContentError(f"bad confidence {confidence!r}", file=label, place=line_of(node))
    key = fold(org)
    if key in catalog.oui_orgs and catalog.oui_orgs[key].vendor != vendor_id:
        raise ContentError(f"IEEE org '{org}' claimed by two vendors", file=label, place=line_of(node))
    catalog.oui_orgs[key] = OuiOrg(org=org, vendor=vendor_id, brand=node.get("brand"), confidence=confidence)


def _add_brand(catalog: Catalog, node: Any, maker: str, kind: str, label: str) -> None:
    name = str(_require(node, "brand" if kind == "relabel" else "name", label))
    confidence = node.get("confidence", "high")
    if confidence not in CONFIDENCE_LEVELS:
        raise ContentError(f"bad confidence {confidence!r}", file=label, place=line_of(node))
    sources = node.get("sources") or []
    if not sources:
        raise ContentError(f"brand '{name}' has no sources", file=label, place=line_of(node))
    aliases = (name, *(str(a) for a in node.get("aliases") or []))
    link = BrandLink(
        brand=name,
        maker=maker,
        confidence=confidence,
        relation=str(node.get("relation", "")),
        kind=kind,
        sources=tuple(sources),
        aliases=aliases,
        domains=_domains(node, line_of(node), label),
    )
    for alias in aliases:
        key = fold(alias)
        existing = catalog.brands.get(key)
        if existing and existing.maker != maker:
            raise ContentError(
                f"brand '{alias}' linked to both '{existing.maker}' and '{maker}'",
                file=label,
                place=line_of(node),
            )
        catalog.brands[key] = link


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a name on a device (a vendor name, alias or brand) tells about who made it.

    manufacturer: canonical maker name, or None; brand: the label when it differs from the maker;
    factor: how much of a hit's strength carries over to the maker (the link's confidence);
    possible_maker: a maker linked to the brand too weakly to name it (a "verify" case);
    link: the brand link used, for the explanation.
    """

    manufacturer: str | None
    brand: str | None = None
    factor: float = 1.0
    possible_maker: str | None = None
    link: BrandLink | None = None


def resolve_name(catalog: Catalog, name: str) -> Resolution:
    """Resolve a vendor or brand name as it appears on a device or in an inventory."""
    key = fold(name)
    link = catalog.brands.get(key)
    vendor_id = catalog.by_name.get(key)
    if link and (link.confidence != "low" or vendor_id is None):
        maker = catalog.vendors[link.maker].name
        if link.confidence == "low":
            return Resolution(manufacturer=None, brand=link.brand, possible_maker=maker, link=link)
        return Resolution(
            manufacturer=maker, brand=link.brand, factor=LINK_FACTOR[link.confidence], link=link
        )
    if vendor_id:
        vendor = catalog.vendors[vendor_id]
        possible = catalog.vendors[link.maker].name if link else None
        return Resolution(manufacturer=vendor.name, possible_maker=possible, link=link)
    return Resolution(manufacturer=clean_display(name) or None)
