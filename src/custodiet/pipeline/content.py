"""Content tooling: verify all content, list and count it."""

from __future__ import annotations

from dataclasses import dataclass

from custodiet.datafile import load_yaml
from custodiet.errors import ContentError
from custodiet.identify.compile import content_dir
from custodiet.identify.signatures import Signature, load_signature_files
from custodiet.identify.verify import Problem, verify
from custodiet.policy.lists import Profile, RegulatoryList, load_lists, load_profiles


def verify_all() -> tuple[list[Problem], dict[str, int]]:
    """Signatures (identify.verify) plus lists and profiles (policy), with their sources."""
    directory = content_dir()
    report = verify(directory)
    problems = list(report.problems)
    sources = set((load_yaml(directory / "sources.yaml", "content/sources.yaml") or {}).get("sources") or {})
    from custodiet.catalog import load_catalog

    catalog = load_catalog(directory)
    sources |= set(catalog.sources)
    lists: dict[str, RegulatoryList] = {}
    try:
        lists = load_lists(directory)
        load_profiles(directory, lists)
    except ContentError as exc:
        problems.append(Problem(exc.file or "content/lists", exc.place, exc.message))
    for lst in lists.values():
        for source in lst.sources + tuple(s for e in lst.entries for s in e.sources):
            if source not in sources:
                problems.append(Problem(f"content/lists/{lst.id}.yaml", None, f"unknown source '{source}'"))
    from custodiet.policy.kev import kev_problems
    from custodiet.policy.phonehome import endpoint_problems

    for place, message in endpoint_problems(directory, catalog, sources):
        problems.append(Problem("content/endpoints.yaml", place, message))

    for place, message in kev_problems(directory, sources, set(catalog.vendors)):
        problems.append(Problem("content/kev.yaml", place, message))
    counts = {
        "signatures": report.signatures,
        "examples": report.examples,
        "counter_examples": report.counter_examples,
        "lists": len(lists),
    }
    return problems, counts


@dataclass
class ContentListing:
    signatures: list[Signature]
    lists: dict[str, RegulatoryList]
    profiles: dict[str, Profile]


def content_listing(field: str | None = None, vendor: str | None = None) -> ContentListing:
    directory = content_dir()
    signatures = [s for f in load_signature_files(directory) for s in f.signatures]
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
    lists = load_lists(directory)
    return ContentListing(signatures=signatures, lists=lists, profiles=load_profiles(directory, lists))
