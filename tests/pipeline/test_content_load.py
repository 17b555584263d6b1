"""Content is loaded once, whole, and checked whole: every kind of bad content is reported with
its file (and line where the file has one), several problems at once, and `content verify` fails."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from custodiet.errors import ContentErrors
from custodiet.identify.compile import content_dir
from custodiet.pipeline.content import load_content, read_content, verify_all


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(content_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(directory: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        read_content(directory)
    return [str(e) for e in caught.value.errors]


BREAKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a list names a vendor the catalogue lacks": (
        lambda c: _edit(c / "lists/us-fcc-covered-list.yaml", "vendors: [huawei]", "vendors: [huawie]"),
        "content/lists/us-fcc-covered-list.yaml: entry 'huawei': unknown vendor 'huawie'",
    ),
    "a list covers an unknown device type": (
        lambda c: _edit(
            c / "lists/uk-sensitive-sites-surveillance-2022.yaml", "covers: [camera,", "covers: [camrea,"
        ),
        "unknown device type 'camrea'",
    ),
    "a signature sets an unknown device type": (
        lambda c: _edit(c / "fingerprints/http.server.yaml", "device_type: recorder", "device_type: recordr"),
        "content/fingerprints/http.server.yaml: line ",
    ),
    "a list cites an unknown source": (
        lambda c: _edit(c / "lists/us-ndaa-fy2019-s889.yaml", "sources: [", "sources: [no-such-source, "),
        "unknown source 'no-such-source'",
    ),
    "a relabel names an unknown maker": (
        lambda c: _edit(c / "relabels.yaml", "maker: dahua", "maker: dahwa"),
        "content/relabels.yaml: line ",
    ),
    "a KEV entry names an unknown vendor": (
        lambda c: _edit(c / "kev.yaml", "vendor: hikvision", "vendor: hikvisoin"),
        "content/kev.yaml: ",
    ),
    "an endpoint names an unknown owner": (
        lambda c: _edit(c / "endpoints.yaml", "    owner: hikvision", "    owner: hikvisoin"),
        "content/endpoints.yaml: line ",
    ),
    "a profile names an unknown list": (
        lambda c: _edit(c / "profiles.yaml", "us-fcc-covered-list: covered", "us-fcc-covered-lst: covered"),
        "content/profiles.yaml: line ",
    ),
    "the knowledge table names an unknown context": (
        lambda c: _edit(c / "knowledge.yaml", "  http.server: device\n", "  http.server: lobby\n"),
        "content/knowledge.yaml: line ",
    ),
    "a device type is not a lower-case word": (
        lambda c: _edit(c / "device-types.yaml", "  camera:", "  Big Camera:"),
        "content/device-types.yaml",
    ),
}


@pytest.mark.parametrize("why", list(BREAKS))
def test_each_kind_of_bad_content_is_reported_with_its_file(content: Path, why: str) -> None:
    breaker, expected = BREAKS[why]
    breaker(content)
    problems = _problems(content)
    assert any(expected in p for p in problems), problems
    reported, _ = verify_all(content)
    assert any(expected in str(p) for p in reported), reported


def test_several_problems_are_reported_at_once(content: Path) -> None:
    for why in ("a list names a vendor the catalogue lacks", "a KEV entry names an unknown vendor"):
        BREAKS[why][0](content)
    problems = _problems(content)
    assert any("huawie" in p for p in problems) and any("hikvisoin" in p for p in problems)


def test_good_content_loads_once_with_every_part() -> None:
    loaded = load_content()
    assert {"hikvision", "huawei", "zte", "dahua", "hytera"} <= set(loaded.catalog.vendors)
    assert "camera" in loaded.device_types and "ont" in loaded.device_types
    assert loaded.lists and loaded.profiles and loaded.kev and loaded.endpoints.endpoints
    assert loaded.knowledge.fields["http.www_authenticate"] == "device"
    assert loaded.compiled.version == loaded.version
    assert "contact.name" in loaded.compiled.fields  # endpoint hosts became signatures


def test_cache_is_keyed_by_content(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (content / "fingerprints").glob("*.yaml"):  # a small content compiles in a second
        if path.name != "http.server.yaml":
            path.unlink()
    monkeypatch.setenv("CUSTODIET_CACHE", str(tmp_path / "cache"))
    first = load_content(content)
    again = load_content(content)
    assert again.version == first.version and len(list((tmp_path / "cache").iterdir())) == 1
    _edit(content / "vendors/covered.yaml", '"Hik Vision",', '"Hik Vision", "HikVisionary",')
    changed = load_content(content)
    assert changed.version != first.version
    assert "hikvisionary" in changed.catalog.by_name
