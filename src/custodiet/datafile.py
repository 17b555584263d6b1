"""Read YAML data files (content, lists) so that errors can name the file and the line.

Mappings load as LineDict, which remembers the line where each mapping starts; loaders pass
that line to ContentError so a user sees `signatures/http.server.yaml: line 42: ...`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from custodiet.errors import ContentError


class LineDict(dict):
    """A dict that knows the 1-based line of the YAML mapping it was read from."""

    line: int = 0


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader (no tags, no objects) that records line numbers on mappings."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise ContentError(f"duplicate key {key!r}", place=f"line {key_node.start_mark.line + 1}")
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_timestamp_as_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # Dates stay ISO strings: content compares and shows them as text, never as objects.
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def load_yaml(path: Path | Any, label: str | None = None) -> Any:
    """Parse one YAML file; any problem becomes a ContentError naming the file and line."""
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read: {exc}", file=name) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)
    except ContentError as exc:
        raise ContentError(exc.message, file=name, place=exc.place) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        place = f"line {mark.line + 1}" if mark else None
        raise ContentError(f"invalid YAML: {exc.problem}", file=name, place=place) from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"invalid YAML: {exc}", file=name) from exc


def line_of(node: Any) -> str | None:
    """'line N' for a mapping read by load_yaml, None otherwise."""
    line = getattr(node, "line", 0)
    return f"line {line}" if line else None
