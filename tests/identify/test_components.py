"""Parts of composite texts (header blocks, RTSP replies, pages) matched by their own fields'
signatures: what a user gets when sending a whole header block instead of its Server line."""

from __future__ import annotations

import pytest

from custodiet.identify.components import MAX_LINES, page_title, parts, without_date_values
from custodiet.identify.engine import Identifier
from custodiet.pipeline.context import load_context


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return load_context().identifier


def test_header_block_parts_in_order_without_repeats() -> None:
    block = (
        'HTTP/1.1 401 Unauthorized\r\nserver: App-webs/\r\nWWW-Authenticate: Digest realm="x"\r\n'
        'WWW-Authenticate: Digest realm="x"\r\nSET-COOKIE: a=1\r\nX-Server: no\r\nnot a header\r\n\r\n'
    )
    assert parts("http.headers", block) == [
        ("http.server", "App-webs/"),
        ("http.www_authenticate", 'Digest realm="x"'),
        ("http.cookie", "a=1"),
    ]
    assert parts("rtsp.response", "RTSP/1.0 200 OK\r\nCSeq: 2\r\nServer: Rtsp Server/3.0\r\n") == [
        ("rtsp.server", "Rtsp Server/3.0")
    ]
    assert parts("http.server", "App-webs/") == []
    nmap_output = "\n  Date: Mon, 02 Nov 2026 10:00:00 GMT\n  Server: App-webs/\n  \n  (Request type: HEAD)\n"
    assert parts("http.headers", nmap_output) == [("http.server", "App-webs/")]


def test_header_parts_are_bounded() -> None:
    block = "X-Filler: 1\r\n" * MAX_LINES + "Server: App-webs/\r\n"
    assert parts("http.headers", block) == []  # past the lines a header block may have
    assert parts("http.headers", "Server: " + "A" * 100_000)[0][1] == "A" * 1024


def test_page_title() -> None:
    assert page_title("<html><HEAD><TITLE id=t>\n  Hikvision   Network\tCamera </TITLE>") == (
        "Hikvision Network Camera"
    )
    # offsets stay right after characters whose lower case is longer ("İ" lowers to two)
    assert page_title("İİİ <title>Web Viewer for Samsung DVR</title>") == "Web Viewer for Samsung DVR"
    assert page_title("<title>no end") == ""
    assert page_title("<body>no title</body>") == ""
    assert parts("http.body", "<title>x</title>") == [("http.title", "x")]


@pytest.mark.parametrize(
    ("field", "text", "maker", "signature"),
    [
        (
            "http.headers",
            'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="level_15_access"\r\n\r\n',
            "Cisco",
            "http.www_authenticate/cisco-ios-level15-realm",
        ),
        (
            "rtsp.response",
            'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm="DS-7608NI-K2"\r\n',
            "Hikvision",
            "http.www_authenticate/hikvision-realm-model",
        ),
        (
            "http.body",
            "<!DOCTYPE html><html><head><title>Hikvision Network Camera</title></head><body></body></html>",
            "Hikvision",
            "http.title/hikvision-network-video-title",
        ),
    ],
)
def test_a_composite_text_gets_the_signatures_of_its_parts(
    identifier: Identifier, field: str, text: str, maker: str, signature: str
) -> None:
    matches = identifier.match_uncached(field, text)
    hit = [m for m in matches if m.signature == signature]
    assert hit and hit[0].sets.get("manufacturer") == maker
    # the batch path answers the same, text for text
    texts = [text, text.replace("Hikvision", "Nothing").replace("level_15", "level_99"), "x"]
    assert identifier.match_many(field, texts) == [identifier.match_uncached(field, t) for t in texts]


def test_the_excerpt_of_a_part_shows_the_line_it_came_from(identifier: Identifier) -> None:
    block = "HTTP/1.1 200 OK\r\n" + "X-Padding: " + "p" * 400 + "\r\nServer: DNVRS-Webs\r\n\r\n"
    signatures = {m.signature for m in identifier.match_uncached("http.headers", block)}
    assert "http.server/hikvision-dnvrs-webs" in signatures
    shown = identifier.excerpt("http.headers", "http.server/hikvision-dnvrs-webs", block)
    assert "Server: DNVRS-Webs" in shown and len(shown) < len(block)


def test_the_excerpt_of_a_title_part_shows_the_title(identifier: Identifier) -> None:
    page = "<!DOCTYPE html>\n<html><head>" + "<meta name=x content=y>\n" * 30 + "<title>WEB SERVICE</title>"
    hits = [m.signature for m in identifier.match_uncached("http.body", page) if m.field == "http.title"]
    assert hits, "the page's title is matched as http.title"
    shown = identifier.excerpt("http.body", hits[0], page)
    assert "<title>WEB SERVICE</title>" in shown and shown.startswith("...")


def test_date_values_are_removed_and_their_lines_kept() -> None:
    block = (
        "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nDATE:x\ry\r\nServer: a\r\nX-Date: 1\r\n"
    )
    assert without_date_values(block) == "HTTP/1.1 200 OK\r\nDate:\r\nDate:\ry\r\nServer: a\r\nX-Date: 1\r\n"
    assert without_date_values("date: first line\nDate") == "Date:\nDate"
    # not a Date line: indented, a space before the colon, a non-ASCII letter
    for kept in ("  Date: x", "Date : x", "Dat\u0435: x", "Server: Date: x"):
        assert without_date_values(kept) == kept


def test_a_date_value_is_not_matched(identifier: Identifier) -> None:
    """The moment a reply was sent names no maker: a vendor's name there is not evidence, and
    replies that differ only by their Date values are matched alike (a census matches one)."""
    plain = "HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n"
    other_time = plain.replace("Mon, 01 Jan 2024 00:00:00", "Tue, 02 Jan 2024 11:11:11")
    assert identifier.match_uncached("http.headers", plain) == identifier.match_uncached(
        "http.headers", other_time
    )
    assert any(
        m.sets.get("manufacturer") == "Hikvision" for m in identifier.match_uncached("http.headers", plain)
    )
    named = "HTTP/1.1 200 OK\r\nDate: Hikvision\r\n\r\n"
    assert identifier.match_uncached("http.headers", named) == ()
    assert identifier.match_uncached("rtsp.response", named.replace("HTTP/1.1", "RTSP/1.0")) == ()
    # elsewhere than a Date line the same names are evidence
    assert identifier.match_uncached("http.headers", named.replace("Date:", "X-Vendor:")) != ()
