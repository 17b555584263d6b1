"""Politeness: one global rate of new connections and datagrams, and few at once per host.

The rate limiter hands out send slots 1/rate seconds apart (a scheduler, not a bucket that may
burst): with the default of 1000/s a scan never sends more than 1000 SYNs or datagrams in any
second, however many hosts are in flight.
"""

from __future__ import annotations

import asyncio
import time

DEFAULT_RATE = 1000.0  # new connections + datagrams per second
DEFAULT_PER_HOST = 4  # connections open at once to one host
DEFAULT_TIMEOUT = 2.0  # seconds: connect, and silence while a reply is awaited


class RateLimiter:
    """await limiter.wait() before each new connection or datagram."""

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._next = 0.0
        self.sent = 0

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        self.sent += 1
        if slot > now:
            await asyncio.sleep(slot - now)
