"""The held-out check: covered-maker host counts per country, census against labels.

Shodan-style records (one per service) of invented hosts wearing real public banners
(banners.py: none of them from custodiet's signature files); the census runs on them; for each
country and covered maker, recall = hosts of that maker the census names correctly / labelled
hosts, over-count = hosts the census puts under that maker that are not its / labelled hosts.
Used by tests/census/test_heldout.py and bench/census_accuracy.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import synth
from .banners import COVERED


@dataclass
class Score:
    truth: Counter
    correct: Counter
    extra: Counter

    def recall(self, key: object = None) -> float:
        truth = sum(self.truth.values()) if key is None else self.truth[key]
        correct = sum(self.correct.values()) if key is None else self.correct[key]
        return correct / truth if truth else 1.0

    def over(self, key: object = None) -> float:
        truth = sum(self.truth.values()) if key is None else self.truth[key]
        extra = sum(self.extra.values()) if key is None else self.extra[key]
        return extra / truth if truth else 0.0


def records(folder: Path, count: int = 3000, seed: int = 11) -> tuple[Path, list[synth.Host]]:
    hosts = synth.hosts(count, seed=seed, covered_share=0.3, distinct=0.3)
    path = folder / "heldout-shodan.jsonl"
    path.write_bytes(synth.shodan(hosts))
    return path, hosts


def score(hosts: list[synth.Host], found: dict[str, str | None], by: str = "country") -> Score:
    """found: address -> the maker the census counts the host under (None: not counted)."""
    truth: Counter = Counter()
    correct: Counter = Counter()
    extra: Counter = Counter()
    for host in hosts:
        got = found.get(host.address)
        if host.label in COVERED:
            key = host.country if by == "country" else host.label
            truth[key] += 1
            if got == host.label:
                correct[key] += 1
        if got in COVERED and got != host.label:
            extra[host.country if by == "country" else got] += 1
    return Score(truth, correct, extra)
