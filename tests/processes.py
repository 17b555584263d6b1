"""Stopping the helper processes tests start (servers in namespaces, capture tools)."""

from __future__ import annotations

import signal
import subprocess


def stop_process(
    proc: subprocess.Popen[bytes] | None, sig: signal.Signals = signal.SIGTERM, grace: float = 10.0
) -> None:
    """Send `sig` to a process still running and wait `grace` seconds for it to exit (a capture
    tool writes out what it holds on SIGINT); kill it if it outlives them."""
    if proc is not None and proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
