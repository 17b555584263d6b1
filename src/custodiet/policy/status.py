"""A device's status under the profile, from its findings: one word, one meaning everywhere.

- covered: at least one finding of severity "covered": a list the profile enforces names the
  device's maker and the identity is confident (policy.evaluate.CONFIDENT);
- needs review: no such finding, but at least one "verify" finding (a weak identity, a weakly
  sourced relabel, an unknown device type, a category entry): a human must settle it;
- not covered: neither.

Before this, a device counted as covered as soon as its likely maker was listed anywhere, even at
47% confidence with only a "verify" finding; the headline and the findings then disagreed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from custodiet.model import Device, Finding


def status(findings: Iterable[Finding]) -> tuple[bool, bool]:
    """(covered, needs review) of a device with these findings."""
    severities = {f.severity for f in findings}
    covered = "covered" in severities
    return covered, not covered and "verify" in severities


def judged(device: Device, findings: Iterable[Finding]) -> Device:
    """The device with covered and review set from its findings."""
    covered, review = status(findings)
    if device.covered == covered and device.review == review:
        return device
    return replace(device, covered=covered, review=review)
