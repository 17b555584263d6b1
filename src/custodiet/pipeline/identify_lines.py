"""`custodiet identify`: the stable JSON-Lines contract.

In:  {"id": any, "field": F, "text": str} per line.
Out: one line per input line, in order:
     {"id", "manufacturer", "brand", "product", "model", "version", "device_type", "covered",
      "lists", "signature", "confidence"}  or  {"id", "error": "line N: ..."}.

Built for throughput: the answer for a (field, text) pair is computed once and kept as the
ready-made JSON tail of the output line, so a repeated banner costs one dict lookup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import orjson

from custodiet.identify.fusion import REPORT_FLOOR, fuse_one_text
from custodiet.model.fields import ALL_FIELDS
from custodiet.pipeline.context import Context

MAX_LINE = 16 * 1024 * 1024
_CACHE_LIMIT = 100_000


class _Answerer:
    """(field, text) -> the JSON tail of the answer line.

    identify_lines caches by text (a repeated banner costs one lookup); texts that hit nothing share
    one constant answer; the others are fused on the fast single-text path (fusion.fuse_one_text)."""

    def __init__(self, context: Context) -> None:
        self.identifier = context.identifier
        self.policy = context.policy
        self.empty = orjson.dumps(self.answer(()))[1:]
        # The engine interns its Match objects (one per signature and resolved value set, one
        # tuple per OUI block): the same hits on a new text are the same objects, so the answer
        # can be looked up by their identities. The matches are kept with the answer, which keeps
        # them alive, so an id is never reused for another object while it is a key here.
        self.by_hits: dict[tuple[int, ...], tuple[tuple, bytes]] = {}

    def compute_many(self, field: str, texts: list[str]) -> list[bytes]:
        return [self.tail_for(m) for m in self.identifier.match_many(field, texts)]

    def compute(self, field: str, text: str) -> bytes:
        return self.tail_for(self.identifier.match_uncached(field, text))

    def tail_for(self, matches: tuple) -> bytes:
        if not matches:
            return self.empty
        key = tuple(map(id, matches))
        known = self.by_hits.get(key)
        if known is not None:
            return known[1]
        tail = orjson.dumps(self.answer(matches))[1:]  # drop "{": the id is spliced in front
        if len(self.by_hits) >= _CACHE_LIMIT:
            self.by_hits.clear()
        self.by_hits[key] = (matches, tail)
        return tail

    def answer(self, matches: tuple) -> dict:
        values, confidence, signature = fuse_one_text(matches)
        if confidence < REPORT_FLOOR:  # a hint, not an answer: see fusion.REPORT_FLOOR
            values["manufacturer"] = values["brand"] = None
        lists = self.policy.lists_naming(values["manufacturer"])
        return {
            "manufacturer": values["manufacturer"],
            "brand": values["brand"],
            "product": values["product"],
            "model": values["model"],
            "version": values["version"],
            "device_type": values["device_type"],
            "covered": bool(lists),
            "lists": list(lists),
            "signature": signature,
            "confidence": confidence,
        }


def _error(record_id: object, number: int, message: str) -> bytes:
    return orjson.dumps({"id": record_id, "error": f"line {number}: {message}"})


_OVERSIZE = object()
_CHUNK = 4 * 1024 * 1024


def _batches(stream: BinaryIO) -> Iterator[list]:
    """Lists of lines, read in 4 MiB chunks and split in C. A line longer than MAX_LINE is skipped
    without being held (it appears as _OVERSIZE), so memory stays bounded whatever the input."""
    partial = b""
    skipping = False
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        pieces: list = chunk.split(b"\n")
        if skipping:
            if len(pieces) == 1:
                continue
            pieces[0] = _OVERSIZE
            skipping = False
        else:
            pieces[0] = partial + pieces[0]
        partial = pieces.pop()
        if len(partial) > MAX_LINE:
            partial = b""
            skipping = True
        if pieces:
            yield pieces
    if skipping:
        yield [_OVERSIZE]
    elif partial:
        yield [partial]


def _diagnose(line: object, number: int) -> bytes:
    """The error answer for a line the fast path could not take."""
    if line is _OVERSIZE:
        return _error(None, number, f"line longer than {MAX_LINE} bytes")
    try:
        record = orjson.loads(line)  # type: ignore[arg-type]
    except orjson.JSONDecodeError as exc:
        return _error(None, number, f"bad JSON: {exc}")
    if type(record) is not dict:
        return _error(None, number, "expected a JSON object")
    record_id = record.get("id")
    field = record.get("field")
    if "field" not in record:
        return _error(record_id, number, "missing 'field'")
    if not isinstance(field, str) or field not in ALL_FIELDS:
        return _error(record_id, number, f"unknown field {field!r}")
    return _error(record_id, number, "'text' must be a string")


def identify_lines(source: BinaryIO, out: BinaryIO, context: Context) -> tuple[int, int]:
    """Answer every line of `source` on `out`; returns (lines, errors).

    The loop is the hot path of a 1,000,000-line run: per line one orjson parse, two dict
    lookups and one bytes concatenation when the text was seen before."""
    answerer = _Answerer(context)
    caches: dict[str, dict[str, bytes]] = {name: {} for name in ALL_FIELDS}
    loads = orjson.loads
    dumps = orjson.dumps
    compute_many = answerer.compute_many
    errors = 0
    number = 0
    for batch in _batches(source):
        parts: list[bytes] = []
        append = parts.append
        pending: dict[str, dict[str, list[int]]] = {}  # field -> new text -> slots waiting for it
        for line in batch:
            number += 1
            try:
                record = loads(line)
                field = record["field"]
                text = record["text"]
                tail = caches[field].get(text)
            except (orjson.JSONDecodeError, KeyError, TypeError):
                append(_diagnose(line, number))
                errors += 1
                continue
            if tail is not None:
                append(b'{"id":%b,%b' % (dumps(record.get("id")), tail))
                continue
            if type(text) is not str:
                append(_diagnose(line, number))
                errors += 1
                continue
            waiting = pending.get(field)
            if waiting is None:
                waiting = pending[field] = {}
            slots = waiting.get(text)
            if slots is None:
                waiting[text] = [len(parts)]
            else:
                slots.append(len(parts))
            append(b'{"id":%b,' % dumps(record.get("id")))
        for field, waiting in pending.items():
            texts = list(waiting)
            cache = caches[field]
            if len(cache) + len(texts) >= _CACHE_LIMIT:
                cache.clear()
            for text, tail in zip(texts, compute_many(field, texts), strict=True):
                cache[text] = tail
                for slot in waiting[text]:
                    parts[slot] += tail
        out.write(b"\n".join(parts) + b"\n")
    out.flush()
    return number, errors
