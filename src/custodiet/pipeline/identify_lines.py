"""`custodiet identify`: the stable JSON-Lines contract.

In:  {"id": any, "field": F, "text": str} per line.
Out: one line per input line, in order:
     {"id", "manufacturer", "brand", "product", "model", "version", "device_type", "covered",
      "lists", "signature", "confidence"}  or  {"id", "error": "line N: ..."}.

"lists" and "covered" follow the profile (--profile): the lists of the profile that name the
manufacturer, and whether one of them applies at severity "covered" (a list the profile applies
as advisory or watch, or leaves out, never makes a text covered).

Built for throughput: the answer for a (field, text) pair is computed once and kept as the
ready-made JSON tail of the output line, so a repeated banner costs one dict lookup, and a
batch of lines is answered by passes that iterate in C.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress, repeat
from operator import attrgetter, is_, itemgetter
from typing import BinaryIO

import msgspec
import orjson

from custodiet.identify.fusion import REPORT_FLOOR, fuse_one_text
from custodiet.model.fields import ALL_FIELDS
from custodiet.pipeline.context import Context

MAX_LINE = 16 * 1024 * 1024
_CACHE_LIMIT = 100_000
# Characters of text the answer cache may hold (its keys): texts may be megabyte pages, and
# memory must stay flat whatever the input.
_CACHE_CHARS = 32 * 1024 * 1024


class _AnswerCache(dict[tuple[str, str], bytes]):
    """(field, text) -> JSON tail of the answer, emptied before it holds _CACHE_LIMIT answers
    or _CACHE_CHARS characters of text. A dict subclass: lookups stay dict's own C methods."""

    chars = 0

    def room_for(self, entries: int, chars: int) -> bool:
        """Make room for this many more entries and characters (by emptying the cache if they
        would not fit); False when it had to be emptied."""
        if len(self) + entries < _CACHE_LIMIT and self.chars + chars < _CACHE_CHARS:
            self.chars += chars
            return True
        self.clear()
        self.chars = chars
        return False


class _Answerer:
    """(field, text) -> the JSON tail of the answer line.

    identify_lines caches by text (a repeated banner costs one lookup); texts that hit nothing share
    one constant answer; the others are fused on the fast single-text path (fusion.fuse_one_text)."""

    def __init__(self, context: Context) -> None:
        self.identifier = context.identifier
        self.policy = context.policy
        self._naming: dict[str | None, tuple[list[str], bool]] = {}
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
        lists, covered = self.lists_naming(values["manufacturer"])
        return {
            "manufacturer": values["manufacturer"],
            "brand": values["brand"],
            "product": values["product"],
            "model": values["model"],
            "version": values["version"],
            "device_type": values["device_type"],
            "covered": covered,
            "lists": lists,
            "signature": signature,
            "confidence": confidence,
        }

    def lists_naming(self, manufacturer: str | None) -> tuple[list[str], bool]:
        """(ids of the profile's lists naming the manufacturer, in profile order; whether one of
        them applies at severity "covered")."""
        known = self._naming.get(manufacturer)
        if known is not None:
            return known
        policy = self.policy
        vendor = policy.catalog.vendor_by_name(manufacturer) if manufacturer else None
        lists: list[str] = []
        covered = False
        if vendor is not None:
            for list_id, severity in policy.profile.lists.items():
                if any(vendor.id in entry.vendors for entry in policy.lists[list_id].entries):
                    lists.append(list_id)
                    covered = covered or severity == "covered"
        if len(self._naming) < _CACHE_LIMIT:
            self._naming[manufacturer] = (lists, covered)
        return lists, covered


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
        del chunk  # the pieces are copies: the chunk need not live on while they are answered
        if skipping:
            if len(pieces) == 1:
                continue
            pieces[0] = _OVERSIZE
            skipping = False
        elif len(partial) + len(pieces[0]) > MAX_LINE:
            # The line grew past the limit in this chunk (it may end here, or later).
            if len(pieces) == 1:
                partial = b""
                skipping = True
                continue
            pieces[0] = _OVERSIZE
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

    A batch of lines (1,024 lines) is answered in a handful of passes that iterate in C (map, zip,
    join), with Python code only for texts not seen before: that is what a 1,000,000-line run
    spends its time on. A batch holding any line the fast passes cannot take (bad JSON, a
    missing key, an unknown field, a text that is not a string) is answered line by line
    instead, which finds and explains each bad line."""
    answerer = _Answerer(context)
    cache = _AnswerCache()
    errors = 0
    number = 0
    for lines in _batches(source):
        answers = []
        for start in range(0, len(lines), _PASS):
            batch = lines[start : start + _PASS]
            answered = _answer_batch(batch, cache, answerer)
            if answered is None:
                answered, bad = _answer_lines(batch, number, cache, answerer)
                errors += bad
            number += len(batch)
            answers.append(answered)
        out.write(b"".join(answers))
    out.flush()
    return number, errors


# Lines per pass: the records of a pass stay in the CPU's cache between the passes over them
# (measured: 1,024 lines take half the time of 40,000).
_PASS = 1024


class _Record(msgspec.Struct, gc=False):
    """One input line as the fast path reads it. The id is kept as the JSON text it came as and
    echoed unchanged (what the caller sent, not a re-encoding of it)."""

    field: str
    text: str
    id: msgspec.Raw = msgspec.Raw(b"null")


_DECODER = msgspec.json.Decoder(_Record)
_BAD_LINE = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
_field_of = attrgetter("field")
_text_of = attrgetter("text")
_id_of = attrgetter("id")
_first, _second = itemgetter(0), itemgetter(1)
_line_of = b'{"id":%b,%b'.__mod__


def _utf8(data: bytes) -> bool:
    """Whether data is valid UTF-8 (msgspec checks the strings it decodes, not a raw id)."""
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _answer_batch(batch: list, cache: _AnswerCache, answerer: _Answerer) -> bytes | None:
    """The answer lines of a batch of good lines (newline-terminated); None when some line is bad."""
    try:
        buffer = b"\n".join(batch)
        records = _DECODER.decode_lines(buffer)
    except (*_BAD_LINE, TypeError):
        return None
    if len(records) != len(batch) or not _utf8(buffer):  # (decode_lines passes over blank lines)
        return None
    keys = list(zip(map(_field_of, records), map(_text_of, records), strict=True))
    tails = list(map(cache.get, keys))
    if None in tails:
        if not _learn(keys, tails, cache, answerer):
            return None
        tails = list(map(cache.__getitem__, keys))
    return b"\n".join(map(_line_of, zip(map(_id_of, records), tails, strict=True))) + b"\n"


def _learn(keys: list[tuple[str, str]], tails: list, cache: _AnswerCache, answerer: _Answerer) -> bool:
    """Answer the keys of a batch the cache lacks and add them to it; False (nothing learnt)
    when one of them is not a known field."""
    missing = dict.fromkeys(compress(keys, map(is_, tails, repeat(None))))  # distinct, in order
    if not set(map(_first, missing)) <= ALL_FIELDS:
        return False
    if not cache.room_for(len(missing), sum(map(len, map(_second, missing)))):
        missing = dict.fromkeys(keys)  # emptied: the batch's own keys are all learnt again
        cache.room_for(len(missing), sum(map(len, map(_second, missing))))
    new: dict[str, list[str]] = {}
    for field, text in missing:
        texts = new.get(field)
        if texts is None:
            new[field] = [text]
        else:
            texts.append(text)
    for field, texts in new.items():
        cache.update(zip(zip(repeat(field), texts), answerer.compute_many(field, texts), strict=True))
    return True


def _answer_lines(batch: list, number: int, cache: _AnswerCache, answerer: _Answerer) -> tuple[bytes, int]:
    """The answer lines of a batch one line at a time (line numbers after `number`), and how
    many of them were errors."""
    parts: list[bytes] = []
    errors = 0
    for line in batch:
        number += 1
        try:
            record = _DECODER.decode(line)
        except (*_BAD_LINE, TypeError):
            record = None
        if record is None or not _utf8(line):
            parts.append(_diagnose(line, number))
            errors += 1
            continue
        field, text = key = record.field, record.text
        tail = cache.get(key)
        if tail is None:
            if field not in ALL_FIELDS:
                parts.append(_diagnose(line, number))
                errors += 1
                continue
            cache.room_for(1, len(text))
            tail = cache[key] = answerer.compute(field, text)
        parts.append(_line_of((record.id, tail)))
    return b"\n".join(parts) + b"\n", errors
