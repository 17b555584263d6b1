"""Regulatory lists and profiles, read from content/lists/*.yaml and content/profiles.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError

SEVERITIES = ("covered", "advisory", "watch")


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of a list: named vendors, or a category of equipment (category entries)."""

    id: str
    entity: str
    vendors: tuple[str, ...]  # vendor ids; empty for category entries
    covers: tuple[str, ...] | None  # device types it reaches; None = all equipment of the vendor
    scope: str
    date_added: str
    sources: tuple[str, ...]
    purpose_limited: bool = False
    category: str | None = None  # device type of a category entry ("drone", "router")
    produced_outside: str | None = None  # country a category entry exempts ("US")
    consumer_only: bool = False
    waiver_until: str | None = None


@dataclass(frozen=True, slots=True)
class RegulatoryList:
    id: str
    name: str
    jurisdiction: str
    url: str | None
    effect: str
    entries: tuple[ListEntry, ...]
    sources: tuple[str, ...]
    # "regulatory" (a rule or government measure) or "watch" (vendors worth watching)
    kind: str = "regulatory"
    authority: str | None = None
    first_published: str | None = None
    as_of: str | None = None  # when custodiet's copy was last checked against its sources


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    description: str
    lists: dict[str, str]  # list id -> severity
    default: bool = False
    kev: bool = True  # known-exploited-vulnerability findings on (profiles.yaml `kev:`)


def _entry(node: Any, label: str) -> ListEntry:
    where = line_of(node)
    for key in ("id", "entity", "scope", "date_added", "sources"):
        if not node.get(key):
            raise ContentError(f"list entry lacks '{key}'", file=label, place=where)
    covers = node.get("covers", "all")
    if covers != "all" and not isinstance(covers, list):
        raise ContentError("'covers' is 'all' or a list of device types", file=label, place=where)
    vendors = node.get("vendors") or []
    if not vendors and not node.get("category"):
        raise ContentError("a list entry names vendors or a category", file=label, place=where)
    return ListEntry(
        id=str(node["id"]),
        entity=str(node["entity"]),
        vendors=tuple(vendors),
        covers=None if covers == "all" else tuple(covers),
        scope=" ".join(str(node["scope"]).split()),
        date_added=str(node["date_added"]),
        sources=tuple(node["sources"]),
        purpose_limited=bool(node.get("purpose_limited", False)),
        category=node.get("category"),
        produced_outside=node.get("produced_outside"),
        consumer_only=bool(node.get("consumer_only", False)),
        waiver_until=str(node["waiver_until"]) if node.get("waiver_until") else None,
    )


def load_lists(content_dir: Path) -> dict[str, RegulatoryList]:
    lists: dict[str, RegulatoryList] = {}
    for path in sorted((content_dir / "lists").glob("*.yaml")):
        label = f"content/lists/{path.name}"
        doc = load_yaml(path, label)
        if not isinstance(doc, dict) or not doc.get("id") or not doc.get("entries"):
            raise ContentError("a list file needs 'id' and 'entries'", file=label)
        if doc["id"] != path.stem:
            raise ContentError(f"list id '{doc['id']}' differs from the file name", file=label)
        lists[doc["id"]] = RegulatoryList(
            id=doc["id"],
            name=str(doc.get("name", doc["id"])),
            jurisdiction=str(doc.get("jurisdiction", "")),
            url=doc.get("url"),
            effect=str(doc.get("effect", "")),
            entries=tuple(_entry(e, label) for e in doc["entries"]),
            sources=tuple(doc.get("sources") or ()),
            kind=_kind(doc, label),
            authority=str(doc["authority"]) if doc.get("authority") else None,
            first_published=str(doc["first_published"]) if doc.get("first_published") else None,
            as_of=str(doc["as_of"]) if doc.get("as_of") else None,
        )
    return lists


def _kind(doc: dict, label: str) -> str:
    kind = str(doc.get("kind", "regulatory"))
    if kind not in ("regulatory", "watch"):
        raise ContentError(f"list kind must be 'regulatory' or 'watch', not {kind!r}", file=label)
    return kind


def load_profiles(content_dir: Path, lists: dict[str, RegulatoryList]) -> dict[str, Profile]:
    label = "content/profiles.yaml"
    doc = load_yaml(content_dir / "profiles.yaml", label)
    profiles: dict[str, Profile] = {}
    for node in (doc or {}).get("profiles") or []:
        for list_id, severity in (node.get("lists") or {}).items():
            if list_id not in lists:
                raise ContentError(
                    f"profile '{node.get('id')}' names unknown list '{list_id}'",
                    file=label,
                    place=line_of(node),
                )
            if severity not in SEVERITIES:
                raise ContentError(f"severity must be one of {SEVERITIES}", file=label, place=line_of(node))
        kev = node.get("kev", True)
        if not isinstance(kev, bool):
            raise ContentError("'kev' must be true or false", file=label, place=line_of(node))
        profiles[node["id"]] = Profile(
            id=node["id"],
            description=str(node.get("description", "")),
            lists=dict(node.get("lists") or {}),
            default=bool(node.get("default", False)),
            kev=kev,
        )
    if sum(p.default for p in profiles.values()) != 1:
        raise ContentError("exactly one profile must be the default", file=label)
    return profiles
