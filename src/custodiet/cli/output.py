"""Writing report files: all or nothing, owner-only, or to standard output.

A report is written to a temporary file in the target's own folder, flushed to disk, then renamed
over the target in one step: a full disk, a killed process or a bad path never leaves a truncated
report behind, and a reader never sees half a file. Reports are created mode 0600 (owner only,
like the inventory: they map the network and its weak spots), whatever the umask; an existing
report is replaced by a new 0600 file. "-" writes to standard output instead. A target that is
not a regular file (a FIFO, /dev/stdout, a device) is written in place, never replaced; a symbolic
link is followed, so the file it names is replaced and the link kept.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from custodiet.errors import OutputError, UsageError

STDOUT = "-"


def is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == STDOUT


def check_targets(*paths: Path | None) -> None:
    """Refuse, before any work, report paths that cannot be written: a missing folder, a folder,
    an unwritable or read-only place; and more than one report sent to standard output."""
    if sum(is_stdout(p) for p in paths) > 1:
        raise UsageError("only one report can be written to standard output (-)")
    for path in paths:
        if path is not None and not is_stdout(path):
            _probe(path)


def _special(path: Path) -> bool:
    """Whether path exists and is not a regular file or folder (a FIFO, a device, a socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _real(path: Path) -> Path:
    """The file a symbolic link names (its target is what gets replaced), else the path."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _probe(path: Path) -> None:
    label = str(path)
    path = _real(path)
    folder = path.parent
    if _special(path):
        if not os.access(path, os.W_OK):
            raise OutputError("cannot write: permission denied", file=label)
        return
    if path.is_dir():
        raise OutputError("is a folder; give a file name for the report", file=label)
    if not folder.exists():
        raise OutputError(f"the folder {folder} does not exist", file=label)
    if not folder.is_dir():
        raise OutputError(f"{folder} is not a folder", file=label)
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:64]}.", suffix=".probe")
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror or exc}", file=label) from None
    os.close(fd)
    os.unlink(probe)


def write_bytes(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call write(handle) on a binary handle that becomes `path` only if it all succeeds."""
    if is_stdout(path):
        stream = sys.stdout.buffer
        write(stream)
        stream.flush()
        return
    label = str(path)
    path = _real(path)
    if _special(path):
        try:
            with path.open("wb") as stream:
                write(stream)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", file=label) from None
        return
    folder = path.parent
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:64]}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", file=label) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk may only show here (delayed allocation)
        os.replace(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"cannot write: {exc.strerror or exc}", file=label) from None
    except BaseException:
        _remove(temporary)
        raise


def write_text(path: Path, write: Callable[[TextIO], None]) -> None:
    """As write_bytes, for writers of text (UTF-8, newlines as written: the csv module's way)."""

    def through(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        try:
            write(text)
            text.flush()
        finally:
            text.detach()  # the handle (or stdout) stays open for its owner

    write_bytes(path, through)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
