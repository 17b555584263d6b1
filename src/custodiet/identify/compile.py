"""Turn content into matchers: one Hyperscan database per field, with every signature of that
field (and the generated vendor-name signatures) matched in a single pass over the text.

pipeline.content reads and checks the content once and caches the compiled result on disk,
keyed by content_hash() (every content file, the engine and library versions), so that loading is
fast and a content change can never use a stale database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import hyperscan

from custodiet.catalog import Catalog, fold
from custodiet.errors import ContentError
from custodiet.identify.knowledge import Knowledge
from custodiet.identify.linepattern import single_line
from custodiet.identify.oui import load_registry, registry_path
from custodiet.identify.signatures import Signature, SignatureFile

ENGINE_VERSION = "6"  # bumped whenever compiled databases change shape (cache key)
HS_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_MULTILINE


@dataclass(frozen=True, slots=True)
class SigEntry:
    """What the matcher needs of one signature: small, picklable."""

    id: str
    pattern: str
    sets: dict[str, str]
    weight: float
    captures: bool  # has named groups -> run RE2 after a hit
    veto: str | None = None  # for generated "not a vendor" names: the vendor id it vetoes
    text_wide: bool = False  # a knowledge signature (`fields: text`), weighed per field
    kind: str = ""  # names database: "name", "brand" or "domain" (knowledge.yaml weighs each per field)


@dataclass
class FieldMatcherData:
    field: str
    entries: list[SigEntry]  # the field's signatures: database ids 0..len-1
    database: bytes  # hyperscan.dumpb(): one report per signature per text, then every name occurrence
    batch_database: bytes | None = None  # newline-free rewrites, all reports: see linepattern.py
    names: bool = False  # the catalogue's names follow the signatures (ids len(entries)...)


@dataclass
class CompiledContent:
    version: str
    catalog: Catalog
    fields: dict[str, FieldMatcherData]
    oui: dict[int, tuple[str, str]]
    names: NamesData | None = None
    signature_files: list[SignatureFile] = field(default_factory=list)
    knowledge: Knowledge | None = None


def content_dir() -> Path:
    from custodiet.content import CONTENT_DIR

    return Path(str(CONTENT_DIR))


def content_hash(directory: Path) -> str:
    digest = hashlib.sha256()
    version = getattr(hyperscan, "__version__", "?")  # the binding's stubs do not declare it
    digest.update(f"engine {ENGINE_VERSION} hyperscan {version}".encode())
    for path in sorted(directory.rglob("*.yaml")):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    oui = registry_path()
    digest.update(f"{oui.stat().st_size}:{oui.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def hs_pattern(pattern: str) -> bytes:
    return pattern.encode("utf-8")


# Fields whose texts are documents (header blocks, pages, XML): they almost always hold newlines,
# so batch matching would not apply, and their batch databases are slow to compile (10 s+).
MULTILINE_FIELDS = frozenset(
    {"http.headers", "http.body", "rtsp.response", "upnp.description", "onvif.device_information"}
)


def compile_batch(entries: list[SigEntry], names: list[SigEntry] = ()) -> bytes | None:  # type: ignore[assignment]
    """The field's patterns rewritten never to match a newline (linepattern.single_line), for
    scanning many newline-free texts joined by newlines in one call, followed by the catalogue's
    names (caseless literals, ids after the signatures'); None if any pattern cannot be rewritten
    or compiled that way (the engine then scans texts one at a time)."""
    rewritten = [single_line(e.pattern, to_line_end=True) for e in entries]
    if any(p is None for p in rewritten):
        return None
    expressions = [hs_pattern(p) for p in rewritten] + [hs_pattern(n.pattern) for n in names]  # type: ignore[arg-type]
    flags = [hyperscan.HS_FLAG_MULTILINE] * len(entries) + [hyperscan.HS_FLAG_CASELESS] * len(names)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags
        )
    except hyperscan.error:
        return None
    return hyperscan.dumpb(database)


def compile_field(field_name: str, entries: list[SigEntry], names: list[SigEntry] = ()) -> bytes:  # type: ignore[assignment]
    """Compile one field's patterns, followed by the catalogue's names (caseless literals that
    report every occurrence, ids after the signatures'), so that one scan of a text finds both;
    a pattern Hyperscan rejects is a ContentError naming it."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    expressions = [hs_pattern(e.pattern) for e in entries] + [hs_pattern(n.pattern) for n in names]
    flags = [HS_FLAGS] * len(entries) + [hyperscan.HS_FLAG_CASELESS] * len(names)
    try:
        database.compile(
            expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags
        )
    except hyperscan.error as exc:
        bad = _find_bad_pattern(entries)
        where = f"signature {bad.id}" if bad else None
        raise ContentError(
            f"pattern rejected by Hyperscan: {exc}", file=f"field {field_name}", place=where
        ) from exc
    return hyperscan.dumpb(database)


def _find_bad_pattern(entries: list[SigEntry]) -> SigEntry | None:
    for entry in entries:
        try:
            hyperscan.Database().compile(
                expressions=[hs_pattern(entry.pattern)], ids=[0], elements=1, flags=[HS_FLAGS]
            )
        except hyperscan.error:
            return entry
    return None


def _literal(name: str) -> str:
    """A name as a Hyperscan literal: every byte that is not an ASCII letter or digit escaped."""
    return "".join(
        ch if ch.isascii() and ch.isalnum() else "".join(f"\\x{b:02x}" for b in ch.encode("utf-8"))
        for ch in name
    )


@dataclass
class NamesData:
    """Every vendor name, legal name, alias, brand and domain as a caseless literal, compiled into
    every knowledge field's database after its signatures, so that one scan of a text finds both.
    Literals compile in milliseconds (word-bounded regexes took a second per field); the engine
    checks the word boundaries itself from the match end and the literal's length."""

    entries: list[SigEntry]  # weight 1.0: the field's strength for the entry's kind applies at match time
    lengths: list[int]  # byte length of each literal


def name_entries(catalog: Catalog) -> tuple[list[SigEntry], list[int]]:
    """One entry per spelling. A name that is also a brand becomes a brand entry only: resolving the
    brand decides whether it names the maker (own brand, well-sourced relabel) or a possible maker."""
    entries: list[SigEntry] = []
    lengths: list[int] = []

    def add(sid: str, name: str, sets: dict[str, str], kind: str, veto: str | None = None) -> None:
        if not name.strip():
            return
        entries.append(SigEntry(sid, _literal(name), sets, 1.0, False, veto=veto, kind=kind))
        lengths.append(len(name.encode("utf-8")))

    for vendor in catalog.vendors.values():
        for name in dict.fromkeys((vendor.name, *vendor.aliases, *vendor.legal_names)):
            if fold(name) not in catalog.brands:
                add(f"names/{vendor.id}", name, {"manufacturer": vendor.name}, "name")
        for domain in vendor.domains:
            add(f"domains/{vendor.id}", domain, {"manufacturer": vendor.name}, "domain")
        for bad in vendor.not_aliases:
            add(f"names/not-{vendor.id}", bad, {}, "name", veto=vendor.id)
        for word in vendor.inert_words:
            # kind "inert" has no weight in any field: the span only hides the name inside it
            add(f"names/inert-{vendor.id}", word, {}, "inert")
    links = {id(link): link for link in catalog.brands.values()}
    for link in sorted(links.values(), key=lambda lk: fold(lk.brand)):
        for alias in link.aliases:
            add(f"names/brand-{fold(link.brand)}", alias, {"brand": link.brand}, "brand")
        for domain in link.domains:
            add(f"domains/brand-{fold(link.brand)}", domain, {"brand": link.brand}, "domain")
    return entries, lengths


def signature_entry(sig: Signature, weight: float | None = None) -> SigEntry:
    return SigEntry(
        id=sig.id,
        pattern=sig.pattern,
        sets=dict(sig.sets),
        weight=sig.weight if weight is None else weight,
        captures="(?P<" in sig.pattern,
        text_wide=sig.text_wide,
    )


def compile_content(
    version: str,
    catalog: Catalog,
    knowledge: Knowledge,
    files: list[SignatureFile],
    extra: dict[str, list[SigEntry]] | None = None,
) -> CompiledContent:
    """Compile loaded content into matchers (one Hyperscan database per field, plus the names
    database). `extra`: generated signatures per field (contact.name from the endpoint facts).
    Reading and checking the files is pipeline.content's job; this only compiles."""
    per_field: dict[str, list[SigEntry]] = {}
    for sig_file in files:
        for sig in sig_file.signatures:
            for name in sig.fields:
                # a text-wide signature weighs what knowledge.yaml gives its strength in this field
                weight = knowledge.weight(name, sig.strength) if sig.text_wide else None
                per_field.setdefault(name, []).append(signature_entry(sig, weight))
    for name, entries in (extra or {}).items():
        per_field.setdefault(name, []).extend(entries)
    names, lengths = name_entries(catalog)
    named = set(knowledge.name_weights())
    fields = {}
    for name in sorted({f for f, e in per_field.items() if e} | named):
        entries = per_field.get(name, [])
        with_names = names if name in named else []
        fields[name] = FieldMatcherData(
            field=name,
            entries=entries,
            database=compile_field(name, entries, with_names),
            batch_database=compile_batch(entries, with_names),
            names=bool(with_names),
        )
    return CompiledContent(
        version=version,
        catalog=catalog,
        fields=fields,
        oui=load_registry(),
        names=NamesData(names, lengths),
        signature_files=files,
        knowledge=knowledge,
    )
