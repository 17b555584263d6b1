"""Load the content once per process: compiled matchers, catalogue and policy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from custodiet.identify.compile import content_dir, load_compiled
from custodiet.identify.engine import Identifier
from custodiet.policy.evaluate import Policy, load_policy


@dataclass
class Context:
    identifier: Identifier
    policy: Policy
    content_version: str


def load_context(
    profile: str | None = None, directory: Path | None = None, use_cache: bool = True
) -> Context:
    directory = directory or content_dir()
    compiled = load_compiled(directory, use_cache=use_cache)
    policy = load_policy(directory, catalog=compiled.catalog, profile=profile)
    return Context(identifier=Identifier(compiled), policy=policy, content_version=compiled.version)
