"""Structure-aware fuzz targets for the parsers under the readers: inputs built from the grammar
each parser expects (HTTP heads with chunking and compression, SOAP datagrams with declared
encodings, XML streams cut anywhere), where mutating a seed rarely reaches the deep branches. The
byte-level targets of the packet parsers are in tests/sources/pcap/test_fuzz.py."""

from __future__ import annotations

import contextlib
import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st

from custodiet.sources import xml_encoding
from custodiet.sources.pcap import http, ssdp, wsd
from custodiet.sources.xml_feed import TokenFeeder, TokenRefused

from .budget import budget
from .strategies import TOKENS

CHUNK_SIZES = st.one_of(
    st.integers(0, 70000).map(lambda n: f"{n:x}".encode()),
    st.sampled_from(
        [b"-6", b"-1", b"+4", b"0x4", b"4_0", b"", b" ", b"ffffffffffffffffffff", b"4;ext=1", b"\xd9\xa6"]
    ),
)
HEADER_VALUES = st.one_of(
    st.sampled_from(TOKENS), st.binary(max_size=40), st.text(max_size=40).map(str.encode)
)


@st.composite
def http_response(draw: st.DrawFn) -> bytes:
    status = draw(
        st.sampled_from([b"HTTP/1.1 200 OK", b"HTTP/1.0 401 Unauthorized", b"HTTP/1.1 ", b"HTTP/1."])
    )
    headers = [status]
    chunked = draw(st.booleans())
    encoding = draw(st.sampled_from([None, b"gzip", b"deflate", b"x-gzip", b"br"]))
    if chunked:
        headers.append(
            b"Transfer-Encoding: " + draw(st.sampled_from([b"chunked", b"Chunked", b"gzip, chunked"]))
        )
    if encoding:
        headers.append(b"Content-Encoding: " + encoding)
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from([b"Server", b"Content-Length", b"Set-Cookie", b"WWW-Authenticate", b"X"]))
        headers.append(name + b": " + draw(HEADER_VALUES))
    body = draw(st.binary(max_size=300)) + draw(
        st.sampled_from([b"", b"<title>x</title>", b"<device><deviceType>"])
    )
    if encoding in (b"gzip", b"x-gzip"):
        body = gzip.compress(body + b"\x00" * draw(st.integers(0, 200_000)))[: draw(st.integers(0, 4000))]
    elif encoding == b"deflate":
        body = zlib.compress(body)
    if chunked:
        parts = []
        for _ in range(draw(st.integers(0, 6))):
            parts.append(draw(CHUNK_SIZES) + b"\r\n" + draw(st.binary(max_size=50)) + b"\r\n")
        body = b"".join(parts) + draw(st.sampled_from([b"0\r\n\r\n", b"", b"-2\r\n"])) + body
    sep = draw(st.sampled_from([b"\r\n", b"\n"]))
    return sep.join(headers) + sep + sep + body


@budget(4)
@given(http_response())
def test_http_heads_and_bodies(data: bytes) -> None:
    http.response(data)
    http.response_wants_more(data)
    http.rtsp_response(data)
    http.sip_message(data)
    http.request_host(data)
    ssdp.extract(data.replace(b"HTTP/1.1 200 OK", b"NOTIFY * HTTP/1.1", 1))


ENCODING_NAMES = st.one_of(
    st.sampled_from(["UTF-8", "utf-16", "UTF-32", "latin-1", "cp1252", "Shift_JIS", "EUC-JP", "utf-7", "GB18030",
                     "x-klingon", "rot13", "base64", "idna", "punycode", "undefined", "unicode_escape", "hz",
                     "iso2022_jp", "cp037", "mbcs", "", "utf-8\x00", "a" * 100]),
    st.text(max_size=20),
)  # fmt: skip


@st.composite
def soap_datagram(draw: st.DrawFn) -> bytes:
    name = draw(ENCODING_NAMES)
    text = draw(st.text(max_size=60))
    doc = (
        f'<?xml version="1.0" encoding="{name}"?><e:Envelope xmlns:e="s" xmlns:d="d"><e:Body><d:ProbeMatches>'
        f"<d:ProbeMatch><d:Types>{text}</d:Types><d:Scopes>{text}</d:Scopes></d:ProbeMatch></d:ProbeMatches>"
        "</e:Body></e:Envelope>"
    )
    codec = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp932", "utf-7"]))
    data = doc.encode(codec, "replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.sampled_from(TOKENS)) + data[cut:]
    return data


@budget(4)
@given(soap_datagram())
def test_ws_discovery_datagrams(data: bytes) -> None:
    """Any declared encoding, any real encoding of the bytes: facts or WsdError only."""
    with contextlib.suppress(wsd.WsdError):
        wsd.extract(data)
    chosen = xml_encoding.choose(data)
    if chosen.codec is not None:
        xml_encoding.transcode(data, chosen.codec)
        transcoder = xml_encoding.Transcoder(chosen.codec)
        transcoder.feed(data[: len(data) // 2])
        transcoder.feed(data[len(data) // 2 :], final=True)


XML_PIECES = st.sampled_from(
    [b"<a>", b"</a>", b"<b x='1' y=\"2\"/>", b"text", b"<!-- c < d -->", b"<!--", b"-->", b"<?pi x?>", b"<?",
     b"?>", b"<![CDATA[ < ]]>", b"<![CDATA[", b"]]>", b"<", b">", b"'", b'"', b"=", b"&amp;", b"\n", b"\xff",
     b"<c v='" + b"v" * 5000 + b"'>", b"<!DOCTYPE r>"]
)  # fmt: skip


@budget(4)
@given(st.lists(XML_PIECES, max_size=60), st.lists(st.integers(1, 300), max_size=40))
def test_token_feeder_keeps_every_byte(pieces: list[bytes], sizes: list[int]) -> None:
    """Whatever the bytes (well-formed or not) and the chunking, the feeder hands out the input
    unchanged while nothing is over its bounds."""
    data = b"".join(pieces)
    feeder = TokenFeeder()
    out: list[bytes] = []
    pos = 0
    try:
        for size in [*sizes, len(data)]:
            out += feeder.push(data[pos : pos + size])
            pos += size
        out += feeder.finish()
    except TokenRefused:  # pragma: no cover - needs megabytes, which these inputs never reach
        raise AssertionError("refused a small input") from None
    assert b"".join(out) == data
    assert not feeder.cuts
