"""Shared test set-up: an isolated cache for compiled content, and the device emulators."""

from __future__ import annotations

import os
import tempfile

# Compiled-content cache in a per-run temporary folder: tests never read a developer's cache.
os.environ.setdefault("CUSTODIET_CACHE", tempfile.mkdtemp(prefix="custodiet-test-cache-"))


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    """Compile the content once, in the controlling process, before any worker starts.

    Otherwise each xdist worker, and the first `custodiet` subprocess of a test, compiles it
    (about 20 s of CPU, twice as long while the other worker does the same): a scan test that
    interrupts its subprocess after a few seconds then waits for a compile instead of a scan.
    """
    if hasattr(config, "workerinput"):
        return
    from custodiet.pipeline.context import load_context

    load_context()
