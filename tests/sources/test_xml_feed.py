"""sources.xml_feed: the stream cut between tokens loses and changes nothing (whatever the chunk
sizes, comments and PIs holding "<", CDATA), and only oversized tokens are cut or refused."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodiet.sources import xml_feed
from custodiet.sources.xml_feed import TokenFeeder, TokenRefused

TEXT = st.text(alphabet="ab <>&'\"-?!]\n", max_size=12).map(
    lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("]]", "]")
)
VALUE = st.text(alphabet="ab<>&'\n", max_size=10).map(
    lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace('"', "")
)
COMMENT = st.text(alphabet="ab<>?!-[] \n", max_size=12).map(
    lambda t: "<!--" + t.replace("--", "-a").rstrip("-") + "-->"
)
PI = st.text(alphabet="ab<>!-[] \n", max_size=12).map(lambda t: "<?pi " + t + "?>")
CDATA = st.text(alphabet="ab<>!-? \n", max_size=12).map(lambda t: "<![CDATA[" + t + "]]>")


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from(["a", "host", "x-y"]))
    attrs = "".join(f' k{i}="{v}"' for i, v in enumerate(draw(st.lists(VALUE, max_size=3))))
    if depth > 3 or draw(st.booleans()):
        return f"<{name}{attrs}/>"
    parts = draw(st.lists(st.one_of(TEXT, COMMENT, PI, CDATA, element(depth + 1)), max_size=5))
    return f"<{name}{attrs}>{''.join(parts)}</{name}>"


@st.composite
def document(draw: st.DrawFn) -> bytes:
    misc = draw(st.lists(st.one_of(COMMENT, PI), max_size=3))
    return ('<?xml version="1.0"?>\n' + "".join(misc) + draw(element()) + "\n").encode()


def feed_all(doc: bytes, sizes: list[int]) -> list[bytes]:
    feeder = TokenFeeder()
    segments: list[bytes] = []
    pos = 0
    for size in sizes:
        segments += feeder.push(doc[pos : pos + size])
        pos += size
    segments += feeder.push(doc[pos:])
    segments += feeder.finish()
    assert not feeder.cuts
    return segments


def canonical(segments: list[bytes]) -> str:
    parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(insert_comments=True, insert_pis=True))
    for segment in segments:
        parser.feed(segment)
    return ElementTree.tostring(parser.close(), encoding="unicode")


@settings(max_examples=300, deadline=None)
@given(document(), st.lists(st.integers(1, 40), max_size=30))
def test_segments_join_to_the_input_and_parse_the_same(doc: bytes, sizes: list[int]) -> None:
    segments = feed_all(doc, sizes)
    assert b"".join(segments) == doc
    assert canonical(segments) == canonical([doc])


def test_a_start_tag_is_never_split() -> None:
    doc = b"<r>" + b'<a v="' + b"x" * 100_000 + b'"/>' + b"text" * 10 + b"<b/></r>"
    segments = feed_all(doc, [1000] * 100)
    assert b"".join(segments) == doc
    (holding,) = [s for s in segments if b"<a " in s]
    assert holding.startswith(b'<a v="xxx') and b'xx"/>' in holding  # the whole tag in one segment


def test_an_open_comment_holding_lt_is_held_whole() -> None:
    comment = b"<!--" + b"a<" * 50_000 + b"-->"
    segments = feed_all(b"<r>" + comment + b"<b/></r>", [4096] * 30)
    assert comment in segments


@pytest.mark.parametrize(
    "value",
    [
        "é".encode() * (xml_feed.KEEP // 2 - 1) + b"&amp;" + b"b" * xml_feed.MAX_TOKEN,  # KEEP inside &amp;
        b"x" + "é".encode() * (xml_feed.MAX_TOKEN // 2 + (1 << 20)),  # KEEP inside an é
    ],
    ids=["reference", "utf-8"],
)
def test_oversized_value_cut_at_a_character_and_reference_boundary(value: bytes) -> None:
    doc = b'<r><a v="' + value + b'" w="1"/></r>'
    segments: list[bytes] = []
    feeder = TokenFeeder()
    for pos in range(0, len(doc), 1 << 16):
        segments += feeder.push(doc[pos : pos + (1 << 16)])
    segments += feeder.finish()
    assert feeder.cuts == {xml_feed.CUT_VALUE: 1}
    element = ElementTree.fromstring(canonical(segments))[0]
    kept = element.get("v")
    assert kept is not None and xml_feed.KEEP - 8 <= len(kept.encode()) <= xml_feed.KEEP
    assert value.decode().startswith(kept)
    assert element.get("w") == "1"


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (b"<r>\n\n<!DOCTYPE " + b"d" * (9 << 20), 3),
        (b"<r>\n</" + b"e" * (9 << 20), 2),
        (b"<r><![CDATA[" + b"c" * (9 << 20), 1),
    ],
    ids=["declaration", "end-tag", "cdata"],
)
def test_tokens_that_cannot_be_cut_are_refused_with_their_line(doc: bytes, line: int) -> None:
    feeder = TokenFeeder()
    with pytest.raises(TokenRefused) as caught:
        for pos in range(0, len(doc), 1 << 16):
            feeder.push(doc[pos : pos + (1 << 16)])
    assert caught.value.line == line
