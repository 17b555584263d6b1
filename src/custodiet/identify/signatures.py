"""Signature files: read and check the shape of content/fingerprints/*.yaml.

A signature is data: a pattern, what it sets, how strong it is, where the fact comes from, and
the examples that prove it. This module only reads them; compile.py turns them into matchers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError
from custodiet.model.fields import ALL_FIELDS, IDENTITY_ATTRIBUTES

TextFields = Callable[[str], tuple[str, ...]]

STRENGTHS: dict[str, float] = {"weak": 0.3, "medium": 0.6, "strong": 0.85, "conclusive": 0.95}


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    expect: dict[str, str]


@dataclass(frozen=True, slots=True)
class Signature:
    id: str  # "<file stem>/<id>", unique across all content
    fields: tuple[str, ...]
    pattern: str
    sets: dict[str, str]
    strength: str
    sources: tuple[str, ...]
    examples: tuple[Example, ...]
    counter_examples: tuple[str, ...]
    file: str
    line: int
    note: str = ""
    text_wide: bool = False  # from a `fields: text` file: matched in every knowledge field

    @property
    def weight(self) -> float:
        return STRENGTHS[self.strength]


@dataclass(frozen=True, slots=True)
class SignatureFile:
    path: str
    fields: tuple[str, ...]
    signatures: tuple[Signature, ...]
    sources: dict[str, Any]


# `fields: text` in a signature file: its signatures are knowledge (product families, model
# numbers) matched in every free-text field, with the strength content/knowledge.yaml gives their
# declared strength in each field.
TEXT_WIDE = "text"


def load_signature_files(content_dir: Path, text_fields: TextFields | None) -> list[SignatureFile]:
    """text_fields: declared strength -> the fields a text-wide signature of that strength is
    matched in (knowledge.Knowledge.text_fields; None when the knowledge table did not load, and
    then a text-wide file is an error of its own)."""
    return [
        load_signature_file(p, text_fields) for p in sorted((content_dir / "fingerprints").glob("*.yaml"))
    ]


def load_signature_file(path: Path, text_fields: TextFields | None = None) -> SignatureFile:
    label = f"content/fingerprints/{path.name}"
    doc = load_yaml(path, label)
    if not isinstance(doc, dict):
        raise ContentError("a signature file is a mapping with 'field' and 'signatures'", file=label)
    text_wide = doc.get("fields") == TEXT_WIDE
    if text_wide and text_fields is None:
        raise ContentError("a text-wide file needs content/knowledge.yaml, which did not load", file=label)
    fields = (TEXT_WIDE,) if text_wide else _fields(doc, label)
    sources = doc.get("sources") or {}
    if not isinstance(sources, dict):
        raise ContentError("'sources' must be a mapping of id -> {title, url}", file=label)
    raw = doc.get("signatures")
    if not isinstance(raw, list) or not raw:
        raise ContentError("'signatures' must be a non-empty list", file=label, place=line_of(doc))
    stem = path.name.removesuffix(".yaml")
    seen: set[str] = set()
    signatures = []
    for node in raw:
        sig = _signature(node, stem, fields, label)
        if text_wide:
            assert text_fields is not None
            sig = replace(sig, fields=text_fields(sig.strength), text_wide=True)
        if sig.id in seen:
            raise ContentError(f"duplicate signature id '{sig.id}'", file=label, place=line_of(node))
        seen.add(sig.id)
        signatures.append(sig)
    return SignatureFile(path=label, fields=fields, signatures=tuple(signatures), sources=sources)


def _fields(doc: dict, label: str) -> tuple[str, ...]:
    if "field" in doc:
        fields: Any = (doc["field"],)
    else:
        fields = tuple(doc.get("fields") or ())
    if not fields:
        raise ContentError("missing 'field' (or 'fields')", file=label, place=line_of(doc))
    for name in fields:
        if name not in ALL_FIELDS or name == "mac":
            raise ContentError(f"unknown or unmatchable field '{name}'", file=label, place=line_of(doc))
    return tuple(fields)


def _signature(node: Any, stem: str, fields: tuple[str, ...], label: str) -> Signature:
    where = line_of(node)
    if not isinstance(node, dict):
        raise ContentError("a signature must be a mapping", file=label, place=where)

    def need(key: str) -> Any:
        if node.get(key) in (None, "", [], {}):
            raise ContentError(f"signature lacks '{key}'", file=label, place=where)
        return node[key]

    sid = str(need("id"))
    pattern = need("pattern")
    if not isinstance(pattern, str):
        raise ContentError(f"{sid}: pattern must be a string", file=label, place=where)
    sets = node.get("sets") or {}
    if not isinstance(sets, dict):
        raise ContentError(f"{sid}: 'sets' must be a mapping", file=label, place=where)
    for key, value in sets.items():
        if key not in IDENTITY_ATTRIBUTES:
            raise ContentError(f"{sid}: cannot set '{key}'", file=label, place=where)
        if not isinstance(value, str) or not value:
            raise ContentError(f"{sid}: value of '{key}' must be a non-empty string", file=label, place=where)
    for group in _group_names(pattern):
        if group not in IDENTITY_ATTRIBUTES:
            raise ContentError(f"{sid}: named group '{group}' is not an attribute", file=label, place=where)
    strength = need("strength")
    if strength not in STRENGTHS:
        raise ContentError(f"{sid}: strength must be one of {', '.join(STRENGTHS)}", file=label, place=where)
    source = need("source")
    sources = (source,) if isinstance(source, str) else tuple(str(s) for s in source)
    examples = tuple(_example(e, sid, label) for e in need("examples"))
    counters = node.get("counter_examples") or []
    if not counters:
        raise ContentError(f"{sid}: needs at least one counter-example", file=label, place=where)
    counter_texts = tuple(_counter(c, sid, label, where) for c in counters)
    return Signature(
        id=f"{stem}/{sid}",
        fields=fields,
        pattern=pattern,
        sets={str(k): str(v) for k, v in sets.items()},
        strength=strength,
        sources=sources,
        examples=examples,
        counter_examples=counter_texts,
        file=label,
        line=getattr(node, "line", 0),
        note=str(node.get("note", "")),
    )


def _example(node: Any, sid: str, label: str) -> Example:
    if not isinstance(node, dict) or not isinstance(node.get("text"), str):
        raise ContentError(f"{sid}: an example needs 'text' (a string)", file=label, place=line_of(node))
    expect = node.get("expect") or {}
    if not isinstance(expect, dict):
        raise ContentError(f"{sid}: 'expect' must be a mapping", file=label, place=line_of(node))
    return Example(text=node["text"], expect={str(k): str(v) for k, v in expect.items()})


def _counter(node: Any, sid: str, label: str, where: str | None) -> str:
    if isinstance(node, dict) and isinstance(node.get("text"), str):
        return node["text"]
    if isinstance(node, str):
        return node
    raise ContentError(f"{sid}: a counter-example is a string", file=label, place=where)


def _group_names(pattern: str) -> list[str]:
    """Names of (?P<name>...) groups, found with plain string search (no regex on content)."""
    names = []
    start = pattern.find("(?P<")
    while start != -1:
        end = pattern.find(">", start)
        if end == -1:
            break
        names.append(pattern[start + 4 : end])
        start = pattern.find("(?P<", end)
    return names
