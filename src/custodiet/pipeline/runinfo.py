"""What a run records about how it was made: the options that change its result (and so its key:
the same inputs audited with another --map are another run) and the lists in force, with their
versions and sources, so that a report of the run shows them even after the content moved on."""

from __future__ import annotations

import hashlib
from urllib.parse import urlparse

from custodiet.datafile import load_yaml
from custodiet.identify.compile import content_dir
from custodiet.model import ListVersion, SourceRef
from custodiet.pipeline.context import Context
from custodiet.sources.base import SourceOptions

# Official sources first (see model.run.SourceRef.rank).
_REGULATOR = ("fcc.gov",)
_REGISTER = ("federalregister.gov", "govinfo.gov", "ecfr.gov")
_OFFICIAL_SUFFIXES = (
    ".gov",
    ".mil",
    ".gov.uk",
    ".gov.au",
    ".gc.ca",
    ".canada.ca",
    ".europa.eu",
    ".bund.de",
    ".pts.se",
)


def source_rank(url: str | None) -> int:
    """0 the regulator (fcc.gov), 1 the Federal Register / eCFR, 2 other government sites, 3 others."""
    host = (urlparse(url).hostname or "").lower() if url else ""
    if not host:
        return 3
    if any(host == h or host.endswith("." + h) for h in _REGULATOR):
        return 0
    if any(host == h or host.endswith("." + h) for h in _REGISTER):
        return 1
    if any(host.endswith(s) or host == s.lstrip(".") for s in _OFFICIAL_SUFFIXES):
        return 2
    return 3


def run_options(
    fmt: str | None,
    source_options: SourceOptions,
    endpoints: tuple[str, ...] = (),
    home_country: str | None = None,
) -> dict[str, str]:
    """Options beyond the inputs and the profile that change what a run concludes."""
    options: dict[str, str] = {}
    if fmt:
        options["format"] = fmt
    if source_options.column_map:
        options["map"] = "; ".join(
            f"{role}={header}" for role, header in sorted(source_options.column_map.items())
        )
    if source_options.strict:
        options["strict"] = "yes"
    if endpoints:
        options["endpoints"] = ", ".join(endpoints)
    if home_country:
        options["home_country"] = home_country
    return options


def options_key(fmt: str | None, source_options: SourceOptions) -> str:
    """What the source options add to a run's key ('' for none: runs without them keep their key).
    Phone-home options have their own part (pipeline.phonehome.key_extra)."""
    options = run_options(fmt, source_options)
    if not options:
        return ""
    text = "|".join(f"{k}={v}" for k, v in sorted(options.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def list_versions(context: Context) -> list[ListVersion]:
    """The lists the run's profile applies, with versions and their sources (official first)."""
    try:
        catalog = (load_yaml(content_dir() / "sources.yaml", "content/sources.yaml") or {}).get(
            "sources"
        ) or {}
    except Exception:
        catalog = {}
    policy = context.policy
    out: list[ListVersion] = []
    for list_id, severity in policy.profile.lists.items():
        lst = policy.lists[list_id]
        ids: list[str] = list(lst.sources)
        for entry in lst.entries:
            ids.extend(s for s in entry.sources if s not in ids)
        refs = []
        for source_id in dict.fromkeys(ids):
            fact = catalog.get(source_id) or {}
            url = fact.get("url")
            refs.append(
                SourceRef(
                    id=source_id,
                    title=str(fact.get("title", source_id)),
                    url=str(url) if url else None,
                    publisher=str(fact["publisher"]) if fact.get("publisher") else None,
                    date=str(fact["date"]) if fact.get("date") else None,
                    rank=source_rank(str(url) if url else None),
                )
            )
        if lst.url and not any(r.url == lst.url for r in refs):
            refs.insert(
                0, SourceRef(id=f"{list_id}:url", title=lst.name, url=lst.url, rank=source_rank(lst.url))
            )
        refs.sort(key=lambda r: r.rank)  # stable: the list's own order within a rank
        dates = [e.date_added for e in lst.entries if e.date_added]
        out.append(
            ListVersion(
                id=lst.id,
                name=lst.name,
                jurisdiction=lst.jurisdiction,
                severity=severity,
                as_of=lst.as_of,
                first_published=lst.first_published,
                latest_entry=max(dates) if dates else None,
                entries=len(lst.entries),
                url=lst.url,
                authority=lst.authority,
                sources=tuple(refs),
            )
        )
    return out
