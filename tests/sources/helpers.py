"""Helpers for source tests: a reader runner and tiny TCP listeners on loopback for real nmap."""

from __future__ import annotations

import random
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from custodiet.model import Observation
from custodiet.sources.base import ReadStats, SourceOptions

DATA = Path(__file__).parent / "data"


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a reader that loops forever, or an open that blocks (a FIFO with
    no writer), raises TimeoutError after `seconds` (SIGALRM; the main thread only)."""

    def expired(_signum, _frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_reader(
    reader, path: Path, options: SourceOptions | None = None
) -> tuple[list[Observation], ReadStats]:
    """All observations of one file, and the stats the reader filled."""
    stats = ReadStats()
    observations = list(reader(path, path.name, stats, options or SourceOptions()))
    return observations, stats


def texts(observations: list[Observation], field: str, address: str | None = None) -> list[str]:
    """The texts of one field, in order, optionally for one address."""
    return [
        o.text for o in observations if o.field == field and (address is None or o.subject.address == address)
    ]


Handler = Callable[[socket.socket], None]


class Listeners:
    """TCP listeners on one random 127.x.y.z address, each answering with its own handler."""

    def __init__(self) -> None:
        self.address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()

    def add(self, handler: Handler) -> int:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.address, 0))
        server.listen(64)
        server.settimeout(0.2)
        self._sockets.append(server)
        threading.Thread(target=self._serve, args=(server, handler), daemon=True).start()
        return server.getsockname()[1]

    def _serve(self, server: socket.socket, handler: Handler) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn, handler), daemon=True).start()

    @staticmethod
    def _handle(conn: socket.socket, handler: Handler) -> None:
        # nmap's first probe sends nothing and waits several seconds for a banner; a handler that
        # gave up earlier would close the connection unanswered ("tcpwrapped" on a loaded machine)
        conn.settimeout(30)
        try:
            handler(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        for server in self._sockets:
            server.close()
