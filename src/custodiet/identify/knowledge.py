"""The cross-field knowledge layer's table: how strong a name, brand, domain or text-wide
signature hit is in each field (content/knowledge.yaml).

Why a table rather than per-field signatures: a maker's names, domains, product families and
model numbers are facts about the maker, not about a protocol. Held once and applied to every
free-text field, a family added for page titles is also recognised in a realm, a SIP agent or a
telnet prompt; the table only says how much a hit means where it was found (a name in a Server
header names the device, the same name in a whole page may be a link to someone else).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError
from custodiet.identify.signatures import STRENGTHS
from custodiet.model.fields import ALL_FIELDS

FILE = "content/knowledge.yaml"
NAME_KINDS = ("name", "brand", "domain")
KINDS = (*NAME_KINDS, *STRENGTHS)
NONE = "none"


@dataclass(frozen=True, slots=True)
class Knowledge:
    """contexts: context -> kind -> strength name (or "none"); fields: field -> context."""

    contexts: dict[str, dict[str, str]]
    fields: dict[str, str]

    def strength(self, field: str, kind: str) -> str | None:
        """The strength name a hit of `kind` has in `field`, or None when it is not matched there."""
        context = self.fields.get(field)
        if context is None:
            return None
        value = self.contexts[context][kind]
        return None if value == NONE else value

    def weight(self, field: str, kind: str) -> float | None:
        strength = self.strength(field, kind)
        return STRENGTHS[strength] if strength else None

    def name_weights(self) -> dict[str, dict[str, float]]:
        """field -> {name kind: weight} for every field where some name kind is matched."""
        out: dict[str, dict[str, float]] = {}
        for field in self.fields:
            weights = {k: w for k in NAME_KINDS if (w := self.weight(field, k)) is not None}
            if weights:
                out[field] = weights
        return out

    def text_fields(self, strength: str) -> tuple[str, ...]:
        """The fields a text-wide signature of this declared strength is matched in."""
        return tuple(f for f in self.fields if self.strength(f, strength) is not None)


def load_knowledge(content_dir: Path) -> Knowledge:
    """Read and check content/knowledge.yaml; ContentError names the file and line."""
    doc = load_yaml(content_dir / "knowledge.yaml", FILE)
    if not isinstance(doc, dict):
        raise ContentError("must be a mapping with 'contexts' and 'fields'", file=FILE)
    contexts = _contexts(doc.get("contexts"), doc)
    fields_node = doc.get("fields")
    if not isinstance(fields_node, dict) or not fields_node:
        raise ContentError("'fields' must map field -> context", file=FILE, place=line_of(doc))
    fields: dict[str, str] = {}
    for field, context in fields_node.items():
        if field not in ALL_FIELDS or field == "mac":
            raise ContentError(
                f"unknown or unmatchable field '{field}'", file=FILE, place=line_of(fields_node)
            )
        if context not in contexts:
            raise ContentError(
                f"field '{field}': unknown context '{context}'", file=FILE, place=line_of(fields_node)
            )
        fields[str(field)] = str(context)
    return Knowledge(contexts=contexts, fields=fields)


def _contexts(node: Any, doc: Any) -> dict[str, dict[str, str]]:
    if not isinstance(node, dict) or not node:
        raise ContentError("'contexts' must map context -> {kind: strength}", file=FILE, place=line_of(doc))
    contexts: dict[str, dict[str, str]] = {}
    for name, table in node.items():
        where = line_of(table) if isinstance(table, dict) else line_of(node)
        if not isinstance(table, dict):
            raise ContentError(f"context '{name}' must map kind -> strength", file=FILE, place=where)
        missing = [k for k in KINDS if k not in table]
        unknown = [k for k in table if k not in KINDS]
        if missing or unknown:
            raise ContentError(
                f"context '{name}': "
                + "; ".join(
                    part
                    for part in (
                        f"missing kinds {', '.join(missing)}" if missing else "",
                        f"unknown kinds {', '.join(map(str, unknown))}" if unknown else "",
                    )
                    if part
                ),
                file=FILE,
                place=where,
            )
        for kind, value in table.items():
            if value != NONE and value not in STRENGTHS:
                raise ContentError(
                    f"context '{name}', kind '{kind}': strength must be one of "
                    f"{', '.join(STRENGTHS)} or none, not {value!r}",
                    file=FILE,
                    place=where,
                )
        contexts[str(name)] = {str(k): str(v) for k, v in table.items()}
    return contexts
