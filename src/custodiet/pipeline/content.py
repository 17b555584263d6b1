"""Detection content, loaded once: one typed, frozen Content for every stage that needs it.

Content is the product: the vendor catalogue, the knowledge layer's table, the signatures and
their compiled matchers, the regulatory lists and profiles, the known-exploited vulnerabilities,
the endpoint facts, the controlled vocabulary of device types and every source. Before, six
places read parts of it with partial schemas; now this module reads all of it in one pass,
collects every error with its file and line (an author sees them all at once), checks the
controlled vocabularies across files (a list's vendors must be catalogue vendors, its `covers`
known device types), compiles the matchers and caches the whole on disk, keyed by a hash of
every content file (a content change can never use a stale cache). Stages get the parts they
need; none of them reads a content file.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from custodiet.catalog import Catalog, load_catalog
from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError, ContentErrors
from custodiet.identify.compile import CompiledContent, compile_content, content_dir, content_hash
from custodiet.identify.endpoints import FIELD as CONTACT_FIELD
from custodiet.identify.endpoints import HostFact, endpoint_entries
from custodiet.identify.knowledge import Knowledge, load_knowledge
from custodiet.identify.signatures import Signature, SignatureFile, load_signature_files
from custodiet.policy.kev import KevEntry, kev_sources, load_kev
from custodiet.policy.lists import Profile, RegulatoryList, load_lists, load_profiles
from custodiet.policy.phonehome import EndpointSet, load_endpoints

CACHE_FORMAT = "content-1"  # bumped when the pickled Content changes shape


@dataclass(frozen=True)
class Content:
    """Everything custodiet knows, checked and compiled."""

    directory: Path
    version: str  # content_hash(): every content file, engine and library versions
    sources: Mapping[str, Any]  # every source id that resolves: sources.yaml and files' own blocks
    device_types: Mapping[str, str]  # controlled vocabulary: type -> description
    catalog: Catalog
    knowledge: Knowledge
    signature_files: tuple[SignatureFile, ...]
    lists: Mapping[str, RegulatoryList]
    profiles: Mapping[str, Profile]
    kev: tuple[KevEntry, ...]
    endpoints: EndpointSet
    compiled: CompiledContent = field(repr=False)

    @property
    def signatures(self) -> list[Signature]:
        return [s for f in self.signature_files for s in f.signatures]


T = TypeVar("T")


class _Collector:
    """Runs each part's loader and keeps its ContentError instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def run(self, loader: Callable[[], T], fallback: T) -> T:
        try:
            return loader()
        except ContentErrors as exc:
            self.errors.extend(exc.errors)
        except ContentError as exc:
            self.errors.append(exc)
        return fallback

    def add(self, message: str, file: str, place: str | None = None) -> None:
        self.errors.append(ContentError(message, file=file, place=place))


def read_content(directory: Path | None = None) -> Content:
    """Read, check and compile the content (no cache). ContentErrors carries every problem found,
    each with its file and place."""
    directory = directory or content_dir()
    found = _Collector()
    sources: dict[str, Any] = found.run(lambda: _global_sources(directory), {})
    device_types: dict[str, str] = found.run(lambda: load_device_types(directory), {})
    catalog = found.run(lambda: load_catalog(directory), Catalog())
    knowledge = found.run(lambda: load_knowledge(directory), None)
    files: list[SignatureFile] = found.run(
        lambda: load_signature_files(directory, knowledge.text_fields if knowledge else None), []
    )
    lists: dict[str, RegulatoryList] = found.run(lambda: load_lists(directory), {})
    profiles: dict[str, Profile] = found.run(lambda: load_profiles(directory, lists), {})
    kev: tuple[KevEntry, ...] = found.run(lambda: load_kev(directory), ())
    # every source id that resolves, whichever file defines it
    all_sources: dict[str, Any] = {**sources, **catalog.sources}
    for sig_file in files:
        all_sources.update(sig_file.sources)
    kev_known: dict[str, Any] = found.run(lambda: kev_sources(directory), {})
    all_sources.update(kev_known)
    endpoints = found.run(lambda: load_endpoints(directory, (), catalog, set(all_sources)), EndpointSet())
    all_sources.update(endpoints.sources)
    known = set(all_sources)
    if device_types:
        _check_vocabulary(found, device_types, catalog, files, lists)
    _check_references(found, catalog, lists, kev, known)
    if found.errors or knowledge is None:
        raise ContentErrors(found.errors)
    hosts = [
        HostFact(e.host, e.owner, e.brand, e.side, e.confidence)
        for e in endpoints.endpoints
        if e.host and e.owner_id is not None
    ]
    version = content_hash(directory)
    compiled = compile_content(version, catalog, knowledge, files, {CONTACT_FIELD: endpoint_entries(hosts)})
    return Content(
        directory=directory,
        version=version,
        sources=all_sources,
        device_types=device_types,
        catalog=catalog,
        knowledge=knowledge,
        signature_files=tuple(files),
        lists=lists,
        profiles=profiles,
        kev=kev,
        endpoints=endpoints,
        compiled=compiled,
    )


def load_content(directory: Path | None = None, use_cache: bool = True) -> Content:
    """The content, from the on-disk cache when its key matches, else read_content() and cached."""
    directory = directory or content_dir()
    if not use_cache:
        return read_content(directory)
    key = content_hash(directory)
    path = cache_dir() / f"{CACHE_FORMAT}-{key}.pickle"
    try:
        with path.open("rb") as handle:
            cached: Any = pickle.load(handle)
        if isinstance(cached, Content) and cached.version == key and cached.directory == directory:
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
        pass
    content = read_content(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as handle:
            pickle.dump(content, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home is not an error; we just compile next time too
    return content


def cache_dir() -> Path:
    base = os.environ.get("CUSTODIET_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "custodiet"
    )
    return Path(base)


# --------------------------------------------------------------------------- the parts


def _global_sources(directory: Path) -> dict[str, Any]:
    label = "content/sources.yaml"
    doc = load_yaml(directory / "sources.yaml", label) or {}
    sources = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(sources, dict):
        raise ContentError("'sources' must map id -> {title, url}", file=label)
    return dict(sources)


def load_device_types(directory: Path) -> dict[str, str]:
    """content/device-types.yaml: the controlled vocabulary of device types."""
    label = "content/device-types.yaml"
    doc = load_yaml(directory / "device-types.yaml", label) or {}
    types = doc.get("device_types") if isinstance(doc, dict) else None
    if not isinstance(types, dict) or not types:
        raise ContentError("'device_types' must map each type to its description", file=label)
    for name in types:
        if not isinstance(name, str) or not name or name != name.lower() or " " in name:
            raise ContentError(
                f"device type {name!r} must be a lower-case word", file=label, place=line_of(doc)
            )
    return {str(k): str(v) for k, v in types.items()}


def _check_vocabulary(
    found: _Collector,
    device_types: Mapping[str, str],
    catalog: Catalog,
    files: list[SignatureFile],
    lists: Mapping[str, RegulatoryList],
) -> None:
    """Every device type named anywhere is one of content/device-types.yaml."""
    known = ", ".join(sorted(device_types))
    for sig_file in files:
        for sig in sig_file.signatures:
            kind = sig.sets.get("device_type")
            if kind and kind not in device_types:
                found.add(
                    f"{sig.id}: unknown device_type '{kind}' (known: {known})", sig.file, f"line {sig.line}"
                )
    for vendor in catalog.vendors.values():
        for kind in vendor.product_classes:
            if kind not in device_types:
                found.add(f"vendor '{vendor.id}': unknown product class '{kind}'", "content/vendors")
    for lst in lists.values():
        label = f"content/lists/{lst.id}.yaml"
        for entry in lst.entries:
            for kind in (*(entry.covers or ()), *((entry.category,) if entry.category else ())):
                if kind not in device_types:
                    found.add(f"entry '{entry.id}': unknown device type '{kind}' (known: {known})", label)


def _check_references(
    found: _Collector,
    catalog: Catalog,
    lists: Mapping[str, RegulatoryList],
    kev: tuple[KevEntry, ...],
    known_sources: set[str],
) -> None:
    """Every vendor a list or KEV entry names is a catalogue vendor; every source id resolves."""
    for lst in lists.values():
        label = f"content/lists/{lst.id}.yaml"
        for source in lst.sources:
            if source not in known_sources:
                found.add(f"unknown source '{source}'", label)
        for entry in lst.entries:
            for vendor in entry.vendors:
                if vendor not in catalog.vendors:
                    found.add(
                        f"entry '{entry.id}': unknown vendor '{vendor}' (not in content/vendors)", label
                    )
            for source in entry.sources:
                if source not in known_sources:
                    found.add(f"entry '{entry.id}': unknown source '{source}'", label)
    for item in kev:
        if item.vendor not in catalog.vendors:
            found.add(f"{item.cve}: unknown vendor '{item.vendor}'", "content/kev.yaml")
        for source in item.sources + tuple(s for rule in item.rules or () for s in rule.sources):
            if source not in known_sources:
                found.add(f"{item.cve}: unknown source '{source}'", "content/kev.yaml")
    for maker in catalog.vendors.values():
        if not maker.sources:
            found.add(f"vendor '{maker.id}' has no sources", "content/vendors")
        for source in maker.sources:
            if source not in known_sources and not source.startswith("http"):
                found.add(f"vendor '{maker.id}': unknown source '{source}'", "content/vendors")
    links = {id(v): v for v in catalog.brands.values()}
    for link in links.values():
        for source in link.sources:
            if source not in known_sources and not source.startswith("http"):
                found.add(f"brand '{link.brand}': unknown source '{source}'", "content (brands/relabels)")


# --------------------------------------------------------------------------- verify, list


def verify_all(directory: Path | None = None) -> tuple[list[Any], dict[str, int]]:
    """Everything `custodiet content verify` checks: the content loads (every structural,
    vocabulary and reference error, each with its file and place), and every signature's examples
    and counter-examples replay (identify.verify)."""
    from custodiet.identify.verify import Problem, verify_signatures

    try:
        content = read_content(directory)
    except ContentErrors as exc:
        return [Problem(e.file or "content", e.place, e.message) for e in exc.errors], {
            "signatures": 0,
            "examples": 0,
            "counter_examples": 0,
            "lists": 0,
        }
    report = verify_signatures(content.compiled, set(content.sources))
    counts = {
        "signatures": report.signatures,
        "examples": report.examples,
        "counter_examples": report.counter_examples,
        "lists": len(content.lists),
    }
    return list(report.problems), counts


@dataclass
class ContentListing:
    signatures: list[Signature]
    lists: Mapping[str, RegulatoryList]
    profiles: Mapping[str, Profile]


def content_listing(field: str | None = None, vendor: str | None = None) -> ContentListing:
    content = load_content()
    signatures = content.signatures
    if field:
        signatures = [s for s in signatures if field in s.fields]
    if vendor:
        wanted = vendor.casefold()
        signatures = [
            s
            for s in signatures
            if (s.sets.get("manufacturer") or "").casefold() == wanted
            or (s.sets.get("brand") or "").casefold() == wanted
        ]
    return ContentListing(signatures=signatures, lists=content.lists, profiles=content.profiles)
