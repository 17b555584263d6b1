"""nmap XML shaped by an attacker (issue 12, rows 2-4): declared encodings, unclosed nesting, huge
tokens. Each is read in linear time and bounded memory, or refused with the file and the line;
the hosts before it are kept."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model.observation import MAX_TEXT
from custodiet.sources import xml_feed
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.nmap_xml import MAX_OPEN_ELEMENTS, read

from .growth import assert_linear
from .helpers import run_reader, texts


def prolog(encoding: str = "UTF-8") -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap" version="7.93">\n'


def host(ip: str, name: str = "cam", scripts: str = "") -> str:
    return (
        f'<host><status state="up"/><address addr="{ip}" addrtype="ipv4"/>'
        f'<hostnames><hostname name="{name}" type="PTR"/></hostnames>'
        f'<ports><port protocol="tcp" portid="80"><state state="open"/><service name="http"/>{scripts}</port></ports></host>\n'
    )


def write(path: Path, *parts: str | bytes) -> Path:
    with path.open("wb") as out:
        for part in parts:
            out.write(part.encode() if isinstance(part, str) else part)
    return path


def read_until_error(path: Path) -> tuple[list, ReadStats, InputError | None]:
    stats = ReadStats()
    out: list = []
    try:
        out.extend(read(path, path.name, stats, SourceOptions()))
    except InputError as exc:
        return out, stats, exc
    return out, stats, None


# --------------------------------------------------------------------------- row 2: encodings


@pytest.mark.parametrize(
    ("encoding", "codec", "name"),
    [
        ("Shift_JIS", "shift_jis", "カメラ-1"),
        ("EUC-JP", "euc_jp", "カメラ-1"),
        ("UTF-7", "utf-7", "kamera-é"),
        ("windows-1252", "cp1252", "caméra-€"),
        ("ISO-8859-1", "latin-1", "caméra"),
        ("UTF-16", "utf-16", "カメラ-1"),
        ("GB18030", "gb18030", "摄像机"),
    ],
)
def test_declared_encodings_are_read(tmp_path: Path, encoding: str, codec: str, name: str) -> None:
    """expat takes single-byte encodings only and looks others up in Python's codecs: these made
    a traceback that rolled back the whole audit; they are now transcoded and read."""
    text = prolog(encoding) + host("192.0.2.1", name) + host("192.0.2.2", "two") + "</nmaprun>\n"
    obs, stats = run_reader(read, write(tmp_path / "scan.xml", text.encode(codec)))
    assert stats.records == 2
    assert texts(obs, "hostname", "192.0.2.1") == [name]
    assert texts(obs, "hostname", "192.0.2.2") == ["two"]


@pytest.mark.parametrize(
    "encoding",
    ["x-klingon", "rot13", "base64", "idna", "undefined", "a\x1b]0;pwn\x07", "UTF-16", "utf-32-le"],
)
def test_unknown_encodings_are_an_input_error_naming_the_place(tmp_path: Path, encoding: str) -> None:
    text = prolog(encoding) + host("192.0.2.1") + "</nmaprun>\n"
    obs, _stats, error = read_until_error(write(tmp_path / "scan.xml", text))
    assert error is not None and obs == []
    assert (error.file, error.place) == ("scan.xml", "line 1")
    assert "encoding" in error.message and "\x1b" not in error.message and "\x07" not in error.message


# --------------------------------------------------------------------------- row 3: unclosed nesting


def test_unclosed_nesting_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """30 MB of <a> never closed used 2.7 GB: the cap on closed elements did not see them."""
    path = write(tmp_path / "nest.xml", prolog(), host("192.0.2.1"), "<host>", "<a>" * 10_000_000)
    tracemalloc.start()
    try:
        obs, _stats, error = read_until_error(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error is not None and f"more than {MAX_OPEN_ELEMENTS:,} elements open at once" in error.message
    assert error.file == "nest.xml" and error.place == "line 5"
    assert {o.subject.address for o in obs} == {"192.0.2.1"}  # the host before it is kept
    assert peak < 32 << 20, peak


def test_deep_but_closed_nesting_within_the_cap_is_read(tmp_path: Path) -> None:
    deep = "<table>" * 2000 + "</table>" * 2000
    script = f'<script id="x" output="y">{deep}</script>'
    obs, stats = run_reader(
        read, write(tmp_path / "deep.xml", prolog(), host("192.0.2.1", scripts=script), "</nmaprun>\n")
    )
    assert stats.records == 1 and texts(obs, "hostname") == ["cam"]


# --------------------------------------------------------------------------- row 4: huge tokens


def attribute_file(path: Path, size: int) -> Path:
    """Three hosts, the second with a script output attribute of `size` bytes."""
    big = f'<script id="banner" output="SSH-2.0-{"A" * size}"/>'
    return write(
        path, prolog(), host("192.0.2.1"), host("192.0.2.2", scripts=big), host("192.0.2.3"), "</nmaprun>\n"
    )


def test_a_large_attribute_is_read_in_linear_time(tmp_path: Path) -> None:
    """Below the cut (8 MiB), a large attribute is read whole: 4x the size, about 4x the time
    (the quadratic re-parse took 13x for 2 -> 8 MB)."""

    def make(size: int):  # type: ignore[no-untyped-def]
        path = attribute_file(tmp_path / f"a{size}.xml", size)
        return lambda: run_reader(read, path)

    assert_linear(make, 1_900_000)


def test_a_64_mb_attribute_is_cut_and_reading_goes_on(tmp_path: Path) -> None:
    path = attribute_file(tmp_path / "a64.xml", 64 << 20)
    tracemalloc.start()
    try:
        obs, stats = run_reader(read, path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stats.records == 3 and stats.skipped == {xml_feed.CUT_VALUE: 1}
    (banner,) = texts(obs, "ssh.banner", "192.0.2.2")
    assert len(banner) == MAX_TEXT and banner.startswith("SSH-2.0-AAAA")
    assert texts(obs, "hostname", "192.0.2.3") == ["cam"]
    assert peak < 48 << 20, peak  # a few times the 8 MiB held, not the 64 MiB attribute


def test_huge_text_comment_and_tag_names(tmp_path: Path) -> None:
    title = f'<script id="http-title" output="x"><elem key="title">{"T" * (20 << 20)}</elem></script>'
    comment = "<!-- " + "c<" * (10 << 20) + " -->\n"
    path = write(
        tmp_path / "t.xml",
        prolog(),
        comment,
        host("192.0.2.1", scripts=title),
        host("192.0.2.2"),
        "</nmaprun>\n",
    )
    obs, stats = run_reader(read, path)
    assert stats.records == 2
    assert stats.skipped == {xml_feed.CUT_TEXT: 1, xml_feed.CUT_COMMENT: 1}
    (title_text,) = texts(obs, "http.title", "192.0.2.1")
    assert len(title_text) == MAX_TEXT
    assert texts(obs, "hostname", "192.0.2.2") == ["cam"]
    # A tag name or a tag of many attributes cannot be cut: refused, with its line.
    for name, hostile in (
        ("name", "<" + "n" * (9 << 20) + ">"),
        ("attrs", "<x " + 'a="" ' * (2 << 20) + ">"),
        ("space", "<x" + " " * (9 << 20) + ">"),
    ):
        bad = write(tmp_path / f"{name}.xml", prolog(), host("192.0.2.1"), hostile, "</nmaprun>\n")
        obs, _stats, error = read_until_error(bad)
        assert error is not None and error.message.startswith("refused: a tag"), (name, error)
        assert error.place == "line 5", name
        assert [o.subject.address for o in obs if o.field == "hostname"] == ["192.0.2.1"], name
