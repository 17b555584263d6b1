"""report.text: what every renderer does to device strings before its own escaping."""

from __future__ import annotations

from custodiet.report.text import excerpt, percent, visible


def test_controls_become_visible_escapes() -> None:
    assert visible("a\x00b\x1b[2Jc\x7fd\x9be\r\n\t") == "a\\x00b\\x1b[2Jc\\x7fd\\x9be\\x0d\\x0a\\x09"


def test_newlines_kept_only_when_asked() -> None:
    assert visible("a\nb\rc", newlines=True) == "a\nb\\x0dc"


def test_invisible_reordering_characters_become_visible() -> None:
    assert visible("cam\u202eexe.txt\u200b\u2066\ufeff") == "cam\\u202eexe.txt\\u200b\\u2066\\ufeff"


def test_lone_surrogates_become_text_that_encodes() -> None:
    out = visible("x\udcff")
    assert out == "x\\udcff"
    out.encode("utf-8")


def test_ordinary_text_is_unchanged() -> None:
    text = "Hikvision-Webs ünïcödé 摄像机 😀 \\xff"
    assert visible(text) == text


def test_excerpt_bounds_and_says_how_much_was_cut() -> None:
    assert excerpt("abc", 3) == "abc"
    assert excerpt("a\x00" * 1_000_000, 4) == "a\\x00a\\x00 … [1,999,996 more characters not shown]"


def test_percent() -> None:
    assert percent(0.8725) == "87%"
    assert percent(1.0) == "100%"
