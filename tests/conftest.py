"""Shared test set-up: an isolated cache for compiled content, and the device emulators."""

from __future__ import annotations

import os
import tempfile

# Compiled-content cache in a per-run temporary folder: tests never read a developer's cache.
os.environ.setdefault("CUSTODIET_CACHE", tempfile.mkdtemp(prefix="custodiet-test-cache-"))
