"""Record files -> Arrow batches of lines, for an engine to parse.

Why here and not in the engine's own reader: scan exports come plain, gzip, bzip2 or zstd
compressed, and a census must say what it could not read, per reason and without stopping. So
the bytes are read here, in 8 MiB chunks, cut at newlines with numpy (no Python object per line)
and handed over as Arrow string arrays that point into the chunk; the engine parses the JSON in
C++ on its own threads. What is checked here, once per chunk:

- a line longer than MAX_LINE is dropped through to its newline ("record too large") and never
  held whole, so memory stays bounded whatever the input;
- a chunk that is not valid UTF-8 is split into its lines and the bad ones dropped ("not UTF-8");
- a file whose last line has no newline is remembered (`Tally.unterminated`): if that line turns
  out to be broken JSON the engine counts it as "file ends mid-record", not as a bad record.

Each batch has the columns `n` (line number in the file, from 1) and `line`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from custodiet.errors import InputError

MAX_LINE = 8 << 20  # as sources.logs.MAX_LINE: Shodan/Censys records carry whole pages
CHUNK = 8 << 20

SCHEMA = pa.schema([("n", pa.int64()), ("line", pa.large_string())])

GZIP = b"\x1f\x8b"
BZIP2 = b"BZh"
ZSTD = b"\x28\xb5\x2f\xfd"
PARQUET = b"PAR1"


@dataclass
class Tally:
    """What the line reader saw of one file."""

    lines: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unterminated: int | None = None  # number of a last line without a newline


def _unreadable(exc: OSError, label: str) -> InputError:
    """The error a file that cannot be read gives, naming it."""
    return InputError(f"cannot read: {exc.strerror or exc}", file=label)


def compression(path: Path, label: str) -> str | None:
    """'gzip', 'bz2', 'zstd', 'parquet' or None (plain), from the file's first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise _unreadable(exc, label) from exc
    if head.startswith(GZIP):
        return "gzip"
    if head.startswith(BZIP2):
        return "bz2"
    if head.startswith(ZSTD):
        return "zstd"
    if head.startswith(PARQUET):
        return "parquet"
    return None


def open_text_stream(path: Path, label: str) -> BinaryIO:
    """The decompressed bytes of a JSON-lines file."""
    kind = compression(path, label)
    try:
        if kind == "gzip":
            return gzip.open(path, "rb")  # type: ignore[return-value]
        if kind == "bz2":
            return bz2.open(path, "rb")  # type: ignore[return-value]
        if kind == "zstd":
            import zstandard

            return zstandard.ZstdDecompressor().stream_reader(path.open("rb"), read_across_frames=True)
        if kind == "parquet":
            raise InputError("a Parquet file is read by the engine, not as lines", file=label)
        return path.open("rb")
    except OSError as exc:
        raise _unreadable(exc, label) from exc


def head_bytes(path: Path, label: str, size: int = 1 << 16) -> bytes:
    """The first `size` decompressed bytes (for format detection)."""
    got = b""
    with open_text_stream(path, label) as handle:
        while len(got) < size:
            try:
                piece = handle.read(min(4096, size - len(got)))
            except Exception as exc:  # a stream broken off: what came before it is the head
                if got:
                    break
                raise InputError(f"cannot decompress: {exc}", file=label) from None
            if not piece:
                break
            got += piece
    return got


def batches(path: Path, label: str, tally: Tally, max_line: int = MAX_LINE) -> Iterator[pa.RecordBatch]:
    """The lines of a (possibly compressed) file as Arrow batches (see the module docstring).

    A stream that cannot be decompressed further (truncated gzip, corrupt bzip2) ends the file
    with the reason counted; the lines read before it stay."""
    with open_text_stream(path, label) as handle:
        yield from _batches(handle, label, tally, max_line)


def _batches(handle: BinaryIO, label: str, tally: Tally, max_line: int) -> Iterator[pa.RecordBatch]:
    pending = b""
    number = 0  # lines handed out or dropped so far
    discarding = False
    broken = False
    while not broken:
        chunk, broken = _read_chunk(handle)
        if broken:
            tally.skipped["compressed stream broken off"] += 1
        if not chunk:
            break
        if discarding:
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            number += 1
            tally.skipped["record too large"] += 1
            discarding = False
            chunk = chunk[cut + 1 :]
        data = pending + chunk if pending else chunk
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        if len(ends) == 0:
            pending = data
        else:
            whole = int(ends[-1]) + 1
            batch = _lines(data[:whole], ends, number, max_line, tally)
            number += len(ends)
            if batch is not None:
                yield batch
            pending = data[whole:]
        if len(pending) > max_line:
            pending = b""
            discarding = True
    if discarding:
        number += 1
        tally.skipped["record too large"] += 1
    elif pending.strip():
        number += 1
        tally.unterminated = number
        batch = _lines(pending + b"\n", np.array([len(pending)]), number - 1, max_line, tally)
        if batch is not None:
            yield batch
    tally.lines = number


def _read_chunk(handle: BinaryIO) -> tuple[bytes, bool]:
    """Up to CHUNK bytes, and whether the stream broke off (a truncated or corrupt compressed
    file): the bytes decoded before the break are returned, not lost with it."""
    read = getattr(handle, "read1", None) or handle.read
    parts: list[bytes] = []
    size = 0
    while size < CHUNK:
        try:
            piece = read(CHUNK - size)
        except Exception as exc:  # EOFError, OSError, zlib/bz2/zstd errors: the stream is broken
            del exc
            return b"".join(parts), True
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts), False


def _lines(data: bytes, ends: np.ndarray, before: int, max_line: int, tally: Tally) -> pa.RecordBatch | None:
    """One batch from `data`, whose lines end at the offsets `ends` (each a "\n")."""
    starts = np.empty(len(ends), dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    keep = lengths <= max_line
    too_large = len(keep) - int(keep.sum())
    if too_large:
        tally.skipped["record too large"] += too_large
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            for i in np.flatnonzero(keep):
                try:
                    data[starts[i] : ends[i]].decode("utf-8")
                except UnicodeDecodeError:
                    keep[i] = False
                    tally.skipped["not UTF-8"] += 1
    offsets = np.empty(len(ends) + 1, dtype=np.int64)
    offsets[:-1] = starts
    offsets[-1] = len(data)
    # Each value runs from its start to the next line's start: the "\n" stays in the value
    # (JSON takes it as white space), so no byte is copied.
    lines = pa.LargeStringArray.from_buffers(len(ends), pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))
    numbers = pa.array(np.arange(before + 1, before + 1 + len(ends), dtype=np.int64))
    batch = pa.record_batch([numbers, lines], schema=SCHEMA)
    if not keep.all():
        if not keep.any():
            return None
        batch = batch.filter(pa.array(keep))
    return batch


def reader(path: Path, label: str, tally: Tally, max_line: int = MAX_LINE) -> pa.RecordBatchReader:
    """batches() as a RecordBatchReader, which DuckDB and Arrow consumers stream from."""
    return pa.RecordBatchReader.from_batches(SCHEMA, batches(path, label, tally, max_line))


def lines_of(data: bytes) -> Iterator[pa.RecordBatch]:
    """The lines of bytes in memory (tests, Spark partitions of raw text)."""
    tally = Tally()
    yield from _batches(io.BytesIO(data), "<memory>", tally, MAX_LINE)


def has_longer_line(path: Path, label: str, limit: int = MAX_LINE) -> bool:
    """Whether some line of a file, decompressed, is longer than `limit` bytes (its newline not
    counted), or its compressed stream breaks off: what the typed reader (typed.py) checks,
    since DuckDB's reader takes a record of any size. It runs beside DuckDB's parse, so it
    looks at next to nothing: from the start of each line it finds the last newline within
    `limit` bytes (str.rfind, backwards from the window's end: a few hundred bytes at most on
    scan records), jumping a window at a time; a window without a newline holds a longer line.
    A plain file is mapped, not read: only the pages around each window's end are touched."""
    if compression(path, label) is None:
        return _has_longer_line_mapped(path, label, limit)
    run = 0  # bytes of the current line before this chunk
    with open_text_stream(path, label) as handle:
        while True:
            chunk, broken = _read_chunk(handle)
            if broken:
                return True
            if not chunk:
                return False
            pos, size = 0, len(chunk)
            while True:
                end = pos - run + limit + 1  # the current line must end before this
                last = chunk.rfind(b"\n", pos, min(end, size))
                if end <= size:
                    if last < 0:
                        return True
                    pos, run = last + 1, 0
                    continue
                run = size - last - 1 if last >= 0 else run + size - pos
                break


def _has_longer_line_mapped(path: Path, label: str, limit: int) -> bool:
    """has_longer_line() of a plain file, on a memory map of it."""
    import mmap

    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                return False
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                pos = 0
                while True:
                    end = pos + limit + 1  # the line from pos must end before this
                    if end > size:
                        return False  # what is left is no longer than the limit
                    last = mapped.rfind(b"\n", pos, end)
                    if last < 0:
                        return True
                    pos = last + 1
    except OSError as exc:
        raise _unreadable(exc, label) from exc


def cut_tail(path: Path, label: str, limit: int = MAX_LINE) -> bytes | None:
    """The last line of a plain file that has no newline after it and a line before it (a
    download broken off mid-record leaves one); None for any other file, or when that line is
    longer than `limit` (the exact way counts it as too large). Reads the last byte, and only
    when that is no newline up to `limit` + 1 bytes from the end."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, io.SEEK_END)
            if size == 0:
                return None
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return None  # the common case: a whole last line
            handle.seek(max(0, size - limit - 1))
            data = handle.read()
    except OSError as exc:
        raise _unreadable(exc, label) from exc
    last = data.rfind(b"\n")
    return data[last + 1 :] if last >= 0 else None  # none: the only line, or one over `limit`


def copy_head(path: Path, target: Path, length: int) -> None:
    """The first `length` bytes of `path` into a new file `target`, copied by the kernel where it
    can (copy_file_range: no byte passes through Python, and a file system that shares extents
    copies none), else a chunk at a time. Raises OSError (the caller reads the file otherwise)."""
    with path.open("rb", buffering=0) as source, target.open("xb", buffering=0) as out:
        left = length
        try:
            while left > 0:
                copied = os.copy_file_range(source.fileno(), out.fileno(), left)
                if copied == 0:
                    break
                left -= copied
        except OSError:  # not between these file systems: copy the rest ourselves
            pass
        source.seek(length - left)
        out.seek(length - left)
        while left > 0:
            chunk = source.read(min(left, CHUNK))
            if not chunk:
                raise OSError(f"{path} is shorter than {length} bytes")
            view = memoryview(chunk)
            while view:
                view = view[out.write(view) :]
            left -= len(chunk)
