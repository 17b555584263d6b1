"""A policy over a content folder, loaded the way the pipeline loads it (pipeline.content)."""

from __future__ import annotations

from pathlib import Path

from custodiet.pipeline.content import load_content
from custodiet.policy.evaluate import Policy, policy_for


def load_policy(directory: Path | None = None, profile: str | None = None) -> Policy:
    content = load_content(directory)
    return policy_for(content.catalog, content.lists, content.profiles, content.kev, profile)
