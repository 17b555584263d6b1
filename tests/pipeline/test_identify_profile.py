"""`custodiet identify`: "covered" and "lists" follow the chosen profile (issue 10: one word, one
meaning). A list the profile leaves out, or applies only as advisory or watch, never makes a text
covered."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from custodiet.pipeline.context import Context, load_context
from custodiet.pipeline.identify_lines import identify_lines
from custodiet.policy.evaluate import policy_for

HUAWEI = {"id": 1, "field": "inventory.vendor", "text": "Huawei"}
AXIS = {"id": 2, "field": "mac", "text": "00:40:8C:01:02:03"}
TP_LINK = {"id": 3, "field": "inventory.vendor", "text": "TP-Link"}


@pytest.fixture(scope="module")
def base() -> Context:
    return load_context()


def answers(context: Context, records: list[dict]) -> list[dict]:
    out = io.BytesIO()
    identify_lines(io.BytesIO(b"".join(orjson.dumps(r) + b"\n" for r in records)), out, context)
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def with_policy(base: Context, profile: str | None, lists: dict | None = None) -> Context:
    """The real matcher, with the policy of a profile over the content's lists (or these)."""
    content = base.content
    policy = policy_for(content.catalog, lists or content.lists, content.profiles, content.kev, profile)
    return replace(base, policy=policy)


def test_lists_are_those_of_the_profile(base: Context) -> None:
    federal = answers(with_policy(base, "us-federal"), [HUAWEI])[0]
    assert federal["manufacturer"] == "Huawei" and federal["covered"] is True
    assert federal["lists"] == ["us-fcc-covered-list", "us-ndaa-fy2019-s889"]  # not the UK or EU lists
    everything = answers(with_policy(base, "all-lists"), [HUAWEI])[0]
    assert everything["covered"] is True
    assert {"eu-5g-toolbox", "uk-huawei-designated-vendor-direction-2022"} <= set(everything["lists"])
    watch = answers(with_policy(base, "watch"), [TP_LINK])[0]
    assert watch["manufacturer"] == "TP-Link"
    assert watch["lists"] == ["custodiet-watch"] and watch["covered"] is False


def test_a_list_outside_the_profile_or_advisory_does_not_make_covered(base: Context) -> None:
    lists = dict(base.content.lists)  # the EU 5G toolbox, as if it also named Axis
    eu = lists["eu-5g-toolbox"]
    entries = tuple(
        replace(e, vendors=(*e.vendors, "axis")) if "huawei" in e.vendors else e for e in eu.entries
    )
    lists["eu-5g-toolbox"] = replace(eu, entries=entries)
    federal = answers(with_policy(base, "us-federal", lists), [AXIS])[0]
    assert federal["manufacturer"] == "Axis"
    assert federal["covered"] is False and federal["lists"] == []  # the EU list is not in us-federal
    advisory = answers(with_policy(base, "all-lists", lists), [AXIS])[0]
    assert advisory["lists"] == ["eu-5g-toolbox"] and advisory["covered"] is False  # advisory there


def test_the_command_takes_a_profile(tmp_path: Path) -> None:
    line = orjson.dumps(HUAWEI) + b"\n"
    lists = {}
    for profile in ("us-federal", "all-lists"):
        done = subprocess.run(
            [sys.executable, "-m", "custodiet.cli.main", "identify", "--profile", profile],
            input=line, capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        lists[profile] = orjson.loads(done.stdout)["lists"]
    assert len(lists["all-lists"]) > len(lists["us-federal"]) == 2
