"""The shipped detection content: every signature's examples and counter-examples replayed, every
fact sourced, and batch matching equal to one-text-at-a-time matching on all of it."""

from __future__ import annotations

from collections import defaultdict

import pytest

from custodiet.identify.engine import Identifier
from custodiet.identify.verify import verify_signatures
from custodiet.pipeline.content import load_content, verify_all

CONTENT = load_content()
SIGNATURES = CONTENT.signatures


@pytest.fixture(scope="module")
def problems_by_signature() -> dict[str, list[str]]:
    report = verify_signatures(CONTENT.compiled, set(CONTENT.sources))
    grouped: dict[str, list[str]] = defaultdict(list)
    for problem in report.problems:
        key = next((s.id for s in SIGNATURES if problem.place and f"({s.id})" in problem.place), "(content)")
        grouped[key].append(str(problem))
    return grouped


@pytest.mark.parametrize("signature", [s.id for s in SIGNATURES])
def test_signature_examples_and_counter_examples(signature: str, problems_by_signature) -> None:
    assert problems_by_signature.get(signature, []) == []


def test_content_outside_signatures_verifies(problems_by_signature) -> None:
    assert problems_by_signature.get("(content)", []) == []


def test_lists_kev_and_sources_verify() -> None:
    problems, counts = verify_all()
    assert [str(p) for p in problems] == []
    assert counts["signatures"] >= 400 and counts["lists"] >= 9


def test_every_signature_has_examples_and_counter_examples() -> None:
    for sig in SIGNATURES:
        assert sig.examples and sig.counter_examples and sig.sources, sig.id


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return Identifier(CONTENT.compiled)


def test_batch_matching_equals_single_matching_on_all_content(identifier: Identifier) -> None:
    texts: dict[str, list[str]] = defaultdict(list)
    for sig in SIGNATURES:
        for field in sig.fields:
            texts[field].extend(e.text for e in sig.examples)
            texts[field].extend(sig.counter_examples)
    for field, batch in texts.items():
        batch = [*batch, *(t.replace("\n", " ") for t in batch), "x" * 300, ""]
        single = [identifier.match_uncached(field, t) for t in batch]
        assert identifier.match_many(field, batch) == single, field


def test_signature_ids_are_unique() -> None:
    ids = [s.id for s in SIGNATURES]
    assert len(ids) == len(set(ids))


def test_batch_matching_equals_single_matching_on_random_splices(identifier: Identifier) -> None:
    """Fragments of real examples glued with case changes and separators: batch == single."""
    import random

    rng = random.Random(11)
    pieces: dict[str, list[str]] = defaultdict(list)
    for sig in SIGNATURES:
        for field in sig.fields:
            for text in [*(e.text for e in sig.examples), *sig.counter_examples]:
                cut = rng.randrange(len(text) + 1)
                pieces[field] += [text[:cut], text[cut:]]
    glue = ["", " ", "-", "_", ".", "/", ":", "\t", "\r", "\n", "A", "z", "0", "\u00e9"]
    for field, parts in pieces.items():
        batch = []
        for _ in range(300):
            text = "".join(rng.choice(parts) + rng.choice(glue) for _ in range(rng.randint(1, 3)))
            batch.append(text.swapcase() if rng.random() < 0.2 else text)
        assert identifier.match_many(field, batch) == [identifier.match_uncached(field, t) for t in batch], (
            field
        )
