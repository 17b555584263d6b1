"""Targets on held-out Shodan-style records (heldout.py): covered-maker host counts per country
with recall at least 0.90 and at most 1% over-count."""

from __future__ import annotations

from pathlib import Path

from . import heldout
from .conftest import run_census


def test_recall_and_overcount_per_country(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, hosts = heldout.records(tmp_path)
    _, _, found_rows = run_census(context, [path], tmp_path / "out")
    found = {h["address"]: h["manufacturer"] for h in found_rows if h["band"] != "hint"}
    per_country = heldout.score(hosts, found)
    assert sum(per_country.truth.values()) > 800
    assert per_country.recall() >= 0.90
    assert per_country.over() <= 0.01
    for country, truth in per_country.truth.items():
        if truth >= 40:  # countries with enough hosts for a share to mean something (8 of them)
            assert per_country.recall(country) >= 0.90, country
            assert per_country.over(country) <= 0.01, country
    per_maker = heldout.score(hosts, found, by="maker")
    assert per_maker.recall("Hikvision") >= 0.95 and per_maker.recall("Huawei") >= 0.95
    # Dahua: one of the public banners (an RTSP answer "Server: Rtsp Server/3.0" of a Dahua
    # camera) names no maker; the census misses those hosts, as a careful reader would.
    assert 0.80 <= per_maker.recall("Dahua") < 0.95
