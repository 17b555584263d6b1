"""Input paths: say exactly what is wrong with one, and open inputs without ever blocking.

A user (or a folder being walked) may name a FIFO, a device such as /dev/zero, a socket, a
symlink loop or a folder where a file is expected. `Path.is_file()` answers False for all of
them, and "no such file" was the message though the path exists; worse, opening a FIFO blocks
until a writer comes, and /dev/zero never ends. Here every input is opened non-blocking, checked
to be a regular file on the open descriptor (no window between the check and the read), and only
then read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from custodiet.errors import InputError

_KINDS = (
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
    (stat.S_ISDIR, "is a folder, not a file"),
)

_ERRNO = {
    errno.ENOENT: "no such file or folder",
    errno.ELOOP: "symlink loop (or too many levels of symlinks)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "no such file or folder (a part of the path is not a folder)",
    errno.ENAMETOOLONG: "file name too long",
}


def error_text(exc: OSError) -> str:
    """A short reason for an OSError met on an input path."""
    return _ERRNO.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def kind_problem(mode: int) -> str | None:
    """Why a file of this mode cannot be read as an input, None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, text in _KINDS:
        if test(mode):
            return text
    return "is not a regular file"


def problem(path: Path, folder_ok: bool = False) -> str | None:
    """Why path cannot be read as an input file (or, with folder_ok, walked as a folder); None when
    it can. Never opens the path."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.lexists(path):
            return "broken symlink (its target does not exist)"
        return error_text(exc)
    except ValueError:  # an embedded NUL byte
        return "invalid file name"
    if folder_ok and stat.S_ISDIR(mode):
        return None
    return kind_problem(mode)


def open_input(path: Path, label: str) -> BinaryIO:
    """The file at path, open for reading; an InputError naming label when it cannot be read as a
    regular file (a FIFO is refused without waiting for a writer)."""
    try:
        fd = os.open(
            path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        )
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened without a writer on some systems
            raise InputError(problem(path) or "is not a regular file", file=label) from None
        raise InputError(f"cannot read: {problem(path) or error_text(exc)}", file=label) from None
    except ValueError:
        raise InputError("cannot read: invalid file name", file=label) from None
    try:
        reason = kind_problem(os.fstat(fd).st_mode)
        if reason is not None:
            raise InputError(reason, file=label)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
