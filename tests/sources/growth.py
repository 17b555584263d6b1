"""Linear-time checks: time a piece of work on growing inputs and bound how it grows.

Absolute times depend on the machine (and on what else runs on it); how time grows with the input
does not. A linear reader takes about k times as long on an input k times larger, a quadratic one
k squared times: the checks compare the two sizes' CPU times (this process only, so that other
work on the machine does not count), best of a few runs, against a bound between the two."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(work: Callable[[], object], repeat: int = 3) -> float:
    """The least CPU time of `repeat` runs of work (garbage collected before each)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def growth(
    make: Callable[[int], Callable[[], object]], small: int, factor: int = 4, repeat: int = 3
) -> float:
    """time(work on factor*small) / time(work on small); make(n) prepares the work for size n
    (outside the timing) and returns it."""
    little = cpu_seconds(make(small), repeat)
    large = cpu_seconds(make(small * factor), repeat)
    return large / max(little, 1e-4)


def assert_linear(
    make: Callable[[int], Callable[[], object]], small: int, factor: int = 4, repeat: int = 3
) -> None:
    """The work grows at most about linearly: for a 4x larger input, under 8x the time (a quadratic
    one takes 16x). One retry, since a single timing may be disturbed by the machine."""
    bound = factor * 2
    ratio = growth(make, small, factor, repeat)
    if ratio >= bound:
        ratio = growth(make, small, factor, repeat)
    assert ratio < bound, f"{factor}x the input took {ratio:.1f}x the time (linear: about {factor}x)"
