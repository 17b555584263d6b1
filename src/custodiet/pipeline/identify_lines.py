"""`custodiet identify`: the stable JSON-Lines contract.

In:  {"id": any, "field": F, "text": str} per line.
Out: one line per input line, in order:
     {"id", "manufacturer", "brand", "product", "model", "version", "device_type", "covered",
      "lists", "signature", "confidence"}  or  {"id", "error": "line N: ..."}.

Built for throughput: the answer for a (field, text) pair is computed once and kept as the
ready-made JSON tail of the output line, so a repeated banner costs one dict lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import orjson

from custodiet.identify.fusion import fuse
from custodiet.model import Evidence, Provenance
from custodiet.model.fields import ALL_FIELDS
from custodiet.pipeline.context import Context

MAX_LINE = 16 * 1024 * 1024
_CACHE_LIMIT = 100_000
_FLUSH_EVERY = 2048
_PROVENANCE = Provenance(file="-", place="identify")


class _Answerer:
    def __init__(self, context: Context) -> None:
        self.identifier = context.identifier
        self.policy = context.policy
        self.cache: dict[tuple[str, str], bytes] = {}

    def tail(self, field: str, text: str) -> bytes:
        key = (field, text)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = self.answer(field, text)
        tail = orjson.dumps(result)[1:]  # drop "{": the id is spliced in front
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = tail
        return tail

    def answer(self, field: str, text: str) -> dict:
        matches = self.identifier.match(field, text)
        evidence = [
            Evidence(
                field=m.field,
                text="",
                provenance=_PROVENANCE,
                signature=m.signature,
                sets=m.sets,
                strength=m.strength,
                relabel=m.relabel,
            )
            for m in matches
        ]
        identity = fuse(evidence)
        lists = self.policy.lists_naming(identity.manufacturer)
        signature = None
        if evidence:
            maker = identity.manufacturer
            ranked = sorted(evidence, key=lambda e: (e.sets.get("manufacturer") != maker, -e.strength))
            signature = ranked[0].signature
        return {
            "manufacturer": identity.manufacturer,
            "brand": identity.brand,
            "product": identity.product,
            "model": identity.model,
            "version": identity.firmware,
            "device_type": identity.device_type,
            "covered": bool(lists),
            "lists": list(lists),
            "signature": signature,
            "confidence": identity.confidence,
        }


def _error(record_id: object, number: int, message: str) -> bytes:
    return orjson.dumps({"id": record_id, "error": f"line {number}: {message}"})


def _lines(stream: BinaryIO) -> Iterable[bytes]:
    """Lines of at most MAX_LINE bytes; a longer line is yielded as None-marker b"" overflow."""
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while True:  # skip the rest of an oversized line without holding it
                rest = stream.readline(MAX_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
            yield b"\x00oversize"
            continue
        yield line


def identify_lines(source: BinaryIO, out: BinaryIO, context: Context) -> tuple[int, int]:
    """Answer every line of `source` on `out`; returns (lines, errors)."""
    answerer = _Answerer(context)
    known = ALL_FIELDS
    loads = orjson.loads
    dumps = orjson.dumps
    pending: list[bytes] = []
    errors = 0
    number = 0
    for number, line in enumerate(_lines(source), 1):
        if line == b"\x00oversize":
            pending.append(_error(None, number, f"line longer than {MAX_LINE} bytes"))
            errors += 1
            continue
        try:
            record = loads(line)
        except orjson.JSONDecodeError as exc:
            pending.append(_error(None, number, f"bad JSON: {exc}"))
            errors += 1
            continue
        if type(record) is not dict:
            pending.append(_error(None, number, "expected a JSON object"))
            errors += 1
            continue
        record_id = record.get("id")
        field = record.get("field")
        text = record.get("text")
        if field not in known:
            pending.append(_error(record_id, number, f"unknown field {field!r}"))
            errors += 1
            continue
        if type(text) is not str:
            pending.append(_error(record_id, number, "'text' must be a string"))
            errors += 1
            continue
        pending.append(b'{"id":' + dumps(record_id) + b"," + answerer.tail(field, text))
        if len(pending) >= _FLUSH_EVERY:
            out.write(b"\n".join(pending) + b"\n")
            pending.clear()
    if pending:
        out.write(b"\n".join(pending) + b"\n")
    out.flush()
    return number, errors
