"""Check detection content the way the test suite does: every example yields exactly its
declared values, every counter-example misses, no two signatures claim one example differently,
names and sources resolve, patterns compile in both engines.

Returns problems instead of stopping at the first, so an author sees them all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import hyperscan
import re2

from custodiet.catalog import Catalog, fold
from custodiet.identify.compile import HS_FLAGS, CompiledContent, hs_pattern
from custodiet.identify.engine import Identifier
from custodiet.identify.signatures import Signature

ATTRIBUTE_CHECKED = ("manufacturer", "brand", "product", "model", "version", "device_type")


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    place: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.message}" if self.place else f"{self.file}: {self.message}"


@dataclass
class VerifyReport:
    problems: list[Problem]
    signatures: int
    examples: int
    counter_examples: int


def verify_signatures(compiled: CompiledContent, sources: set[str]) -> VerifyReport:
    """Replay every signature's examples and counter-examples on the compiled content and check
    its names and sources (pipeline.content checks the rest of the content when loading it)."""
    identifier = Identifier(compiled)
    problems: list[Problem] = []
    counts = [0, 0, 0]
    for sig_file in compiled.signature_files:
        known = sources | set(sig_file.sources)
        for sig in sig_file.signatures:
            counts[0] += 1
            counts[1] += len(sig.examples)
            counts[2] += len(sig.counter_examples)
            problems.extend(_check_signature(sig, identifier, compiled, known))
    return VerifyReport(problems, *counts)


def _check_signature(
    sig: Signature, identifier: Identifier, compiled: CompiledContent, sources: set[str]
) -> list[Problem]:
    where = f"line {sig.line} ({sig.id})"
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem(sig.file, where, message))

    for source in sig.sources:
        if source not in sources and not source.startswith(("http://", "https://")):
            problem(f"unknown source '{source}'")
    try:
        hyperscan.Database().compile(
            expressions=[hs_pattern(sig.pattern)], ids=[0], elements=1, flags=[HS_FLAGS]
        )
    except hyperscan.error as exc:
        problem(f"Hyperscan rejects the pattern: {exc}")
        return problems
    try:
        re2.compile(b"(?m)" + sig.pattern.encode("utf-8"))
    except re2.error as exc:
        problem(f"RE2 rejects the pattern: {exc}")
        return problems
    _check_names(sig, compiled.catalog, problem)
    for example in sig.examples:
        for field in sig.fields:
            matches = identifier.match(field, example.text)
            own = [m for m in matches if m.signature == sig.id]
            if not own:
                problem(f"example does not match (field {field}): {example.text[:80]!r}")
                continue
            got = {k: v for k, v in own[0].sets.items() if v}
            if got != example.expect:
                problem(f"example {example.text[:60]!r} gives {got}, expected {example.expect}")
            for other in matches:
                if other.signature == sig.id:
                    continue
                for attribute, value in other.sets.items():
                    mine = example.expect.get(attribute)
                    if mine and fold(mine) != fold(value) and attribute in ATTRIBUTE_CHECKED:
                        problem(
                            f"example {example.text[:60]!r}: {other.signature} claims {attribute}={value!r}, "
                            f"this signature says {mine!r}"
                        )
    for text in sig.counter_examples:
        for field in sig.fields:
            if any(m.signature == sig.id for m in identifier.match(field, text)):
                problem(f"counter-example matches (field {field}): {text[:80]!r}")
    return problems


def _check_names(sig: Signature, catalog: Catalog, problem: Callable[[str], None]) -> None:
    maker = sig.sets.get("manufacturer")
    if maker:
        vendor = catalog.vendor_by_name(maker)
        if vendor is None:
            problem(f"manufacturer '{maker}' is not a vendor in content/vendors")
        elif vendor.name != maker:
            problem(f"manufacturer '{maker}' is not canonical: write '{vendor.name}'")
    brand = sig.sets.get("brand")
    if brand and fold(brand) not in catalog.brands and catalog.vendor_by_name(brand) is None:
        problem(f"brand '{brand}' is neither a vendor's brand nor a relabel")
