"""Load the content once per process: compiled matchers, catalogue and policy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from custodiet.identify.engine import Identifier
from custodiet.pipeline.content import Content, load_content
from custodiet.policy.evaluate import Policy, policy_for


@dataclass
class Context:
    identifier: Identifier
    policy: Policy
    content_version: str
    content: Content


def load_context(
    profile: str | None = None, directory: Path | None = None, use_cache: bool = True
) -> Context:
    content = load_content(directory, use_cache=use_cache)
    policy = policy_for(content.catalog, content.lists, content.profiles, content.kev, profile)
    return Context(
        identifier=Identifier(content.compiled),
        policy=policy,
        content_version=content.version,
        content=content,
    )
