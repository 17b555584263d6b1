"""`custodiet identify`: "covered" and "lists" follow the chosen profile (issue 10: one word, one
meaning). A list the profile leaves out, or applies only as advisory or watch, never makes a text
covered."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from custodiet.identify.compile import content_dir
from custodiet.pipeline.context import Context, load_context
from custodiet.pipeline.identify_lines import identify_lines
from custodiet.policy.evaluate import load_policy

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


def with_policy(base: Context, directory: Path, profile: str | None) -> Context:
    """The real matcher, with the policy of a content folder and profile."""
    policy = load_policy(directory, catalog=base.identifier.catalog, profile=profile)
    return Context(identifier=base.identifier, policy=policy, content_version=base.content_version)


def test_lists_are_those_of_the_profile(base: Context) -> None:
    federal = answers(with_policy(base, content_dir(), "us-federal"), [HUAWEI])[0]
    assert federal["manufacturer"] == "Huawei" and federal["covered"] is True
    assert federal["lists"] == ["us-fcc-covered-list", "us-ndaa-fy2019-s889"]  # not the UK or EU lists
    everything = answers(with_policy(base, content_dir(), "all-lists"), [HUAWEI])[0]
    assert everything["covered"] is True
    assert {"eu-5g-toolbox", "uk-huawei-designated-vendor-direction-2022"} <= set(everything["lists"])
    watch = answers(with_policy(base, content_dir(), "watch"), [TP_LINK])[0]
    assert watch["manufacturer"] == "TP-Link"
    assert watch["lists"] == ["custodiet-watch"] and watch["covered"] is False


def test_a_list_outside_the_profile_or_advisory_does_not_make_covered(base: Context, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(content_dir(), content, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    eu = content / "lists" / "eu-5g-toolbox.yaml"
    eu.write_text(eu.read_text().replace("vendors: [huawei, zte]", "vendors: [huawei, zte, axis]"))
    federal = answers(with_policy(base, content, "us-federal"), [AXIS])[0]
    assert federal["manufacturer"] == "Axis"
    assert federal["covered"] is False and federal["lists"] == []  # the EU list is not in us-federal
    advisory = answers(with_policy(base, content, "all-lists"), [AXIS])[0]
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
