"""Fuzzing the parsers with hypothesis: random bytes and mutations of valid messages may only
raise each parser's own error (counted as a skip by the reader), and the whole reader raises
nothing on a damaged capture but an InputError for one corrupt from its first record. Bounded example counts keep this under a few seconds."""

from __future__ import annotations

import contextlib
import io
import struct

from hypothesis import given
from hypothesis import strategies as st
from tests.emulators import ber as enc
from tests.fuzz.budget import budget

from custodiet.errors import InputError
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.pcap import banners, ber, dhcp, dns, http, snmp, ssdp, tls, wsd
from custodiet.sources.pcap.capture import PARSER_FAILURE, read_capture

from .craft import REQUEST, RESPONSE, http_exchange, write_pcap
from .test_extractors import client_hello, mdns_response, server_flight

# 300 examples per target in the suite; `make fuzz` (CUSTODIET_FUZZ_EXAMPLES) raises it.
FAST = budget(5)

SNMP = enc.encode_snmp(1, b"public", enc.GET_RESPONSE, 7, [("1.3.6.1.2.1.1.1.0", enc.enc_str(b"Huawei VRP"))])
DHCP = (
    struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, 1, 0, 0, 0, 0, 0, 0) + b"\x02" * 6 + b"\x00" * 202
    + b"\x63\x82\x53\x63\x35\x01\x01\x0c\x03cam\x3c\x04udhc\xff"
)  # fmt: skip
WSD = b'<E xmlns:d="x"><d:ProbeMatch><d:Types>a</d:Types><d:Scopes>b</d:Scopes></d:ProbeMatch></E>'
SSDP = b"NOTIFY * HTTP/1.1\r\nSERVER: x\r\nLOCATION: http://a/\r\n\r\n"


def mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """The seed with a few bytes changed, cut, or extended."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 6))):
            if not data:
                break
            pos = draw(st.integers(0, len(data) - 1))
            data[pos] = draw(st.integers(0, 255))
        cut = draw(st.integers(0, len(data)))
        return bytes(data[:cut]) + draw(st.binary(max_size=8))

    return build()


def inputs(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=600), mutated(seed))


@FAST
@given(inputs(mdns_response()))
def test_dns(data: bytes) -> None:
    for mdns in (False, True):
        with contextlib.suppress(dns.DnsError):
            dns.parse(data, mdns=mdns)
    dns.netbios_name(data)


@FAST
@given(inputs(DHCP))
def test_dhcp(data: bytes) -> None:
    with contextlib.suppress(dhcp.DhcpError):
        dhcp.parse(data)


@FAST
@given(inputs(SNMP))
def test_snmp(data: bytes) -> None:
    with contextlib.suppress(ber.BerError):
        snmp.extract(data)


@FAST
@given(inputs(client_hello("a.example")), inputs(server_flight(SNMP)))
def test_tls(hello: bytes, flight: bytes) -> None:
    with contextlib.suppress(tls.TlsError):
        tls.client_sni(hello)
    for final in (False, True):
        with contextlib.suppress(tls.TlsError, ber.BerError):
            tls.server_certificate(flight, final)
    with contextlib.suppress(ber.BerError):
        tls.certificate_names(flight)


@FAST
@given(inputs(RESPONSE), inputs(WSD), inputs(SSDP))
def test_text_protocols(response: bytes, xml: bytes, notify: bytes) -> None:
    http.response(response)
    http.response_wants_more(response)
    http.rtsp_response(response)
    http.sip_message(response)
    http.request_host(response)
    ssdp.extract(notify)
    with contextlib.suppress(wsd.WsdError):
        wsd.extract(xml)
    for kind in ("ssh", "ftp", "telnet"):
        banners.complete(kind, response)
        banners.text(kind, response)


CAPTURE = None


def _capture() -> bytes:
    global CAPTURE
    if CAPTURE is None:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            frames = http_exchange("10.0.0.5", "10.0.0.64", REQUEST, RESPONSE)
            frames += http_exchange(
                "10.0.0.5", "10.0.0.64", client_hello("b.example"), server_flight(None), dport=443
            )
            CAPTURE = write_pcap(Path(folder) / "f.pcap", frames).read_bytes()
    return CAPTURE


@budget(5)
@given(st.data())
def test_the_reader_never_raises_on_a_damaged_capture(data: st.DataObject) -> None:
    capture = bytearray(_capture())
    for _ in range(data.draw(st.integers(1, 12))):
        pos = data.draw(st.integers(24, len(capture) - 1))
        capture[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(24, len(capture)))
    stats = ReadStats()
    items: list = []
    try:
        items.extend(read_capture(io.BytesIO(bytes(capture[:cut])), "fuzz.pcap", stats, SourceOptions()))
    except InputError as exc:  # only a capture corrupt from its first record (issue 12, row 14)
        assert exc.file == "fuzz.pcap" and exc.place is not None and exc.place.startswith("byte ")
        assert stats.records == 0
    assert stats.observations + stats.contacts == len(items)
    assert not [r for r in stats.skipped if r.startswith(PARSER_FAILURE)]
    try:
        list(
            read_capture(
                io.BytesIO(bytes(capture[:cut])), "fuzz.pcap", ReadStats(), SourceOptions(strict=True)
            )
        )
    except InputError as exc:
        assert exc.file == "fuzz.pcap"
