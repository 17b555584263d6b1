"""Streaming: a run of 200,000 observations over 50,000 devices never sits in memory at once."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from custodiet.model import Match, Observation, Provenance, Subject
from custodiet.store import Store

OBSERVATIONS = 200_000
DEVICES = 50_000
MIB = 2**20


def _rows() -> Iterator[tuple[Observation, tuple[Match, ...]]]:
    """Generated on demand, one Observation per device reused for its four rows.

    The 50,000 objects are made before tracing starts, so the traced peak is the store's own
    memory (row tuples, objects it builds) and tracing stays fast enough for a unit test.
    """
    pool = [
        Observation(
            Subject(
                f"10.{d >> 16 & 255}.{d >> 8 & 255}.{d & 255}",
                f"02:00:00:00:{d >> 8 & 255:02X}:{d & 255:02X}" if d % 4 == 0 else None,
            ),
            "http.title",
            f"Device {d} " + "x" * 100,
            Provenance("scan.xml", f"host {d}"),
            "80/tcp",
        )
        for d in range(DEVICES)
    ]
    return ((pool[i % DEVICES], ()) for i in range(OBSERVATIONS))


def test_add_and_group_stream_with_bounded_memory(db: Path) -> None:
    rows = _rows()
    with Store(db) as store, store.begin_run("k", "v") as writer:
        tracemalloc.start()
        try:
            writer.add_observations(rows)
            _, insert_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            groups = seen = largest = 0
            for group in writer.device_groups():
                groups += 1
                seen += len(group)
                largest = max(largest, len(group))
            _, group_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert (groups, seen, largest) == (DEVICES, OBSERVATIONS, 4)
    # Materialised, the 200,000 row tuples alone would take ~30 MiB and the 200,000 Observations
    # read back over 100 MiB; one batch of 5,000 rows or one device group plus caches stay far below.
    assert insert_peak < 8 * MIB, f"add_observations peaked at {insert_peak / MIB:.1f} MiB"
    assert group_peak < 8 * MIB, f"device_groups peaked at {group_peak / MIB:.1f} MiB"
