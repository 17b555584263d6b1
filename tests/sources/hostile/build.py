"""Write the hostile-input corpus (tests/sources/hostile/): one small file per case, each described
in README.md and expected in test_hostile_corpus.py. Deterministic: run it again and nothing
changes (`python -m tests.sources.hostile.build`). Cases that need many megabytes (a 64 MB
attribute, 30 MB of unclosed elements) are built by their tests instead of being stored."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

from tests.sources.pcap.craft import (
    MAC_A,
    MAC_B,
    REQUEST,
    RESPONSE,
    epb,
    eth,
    http_exchange,
    idb,
    ip,
    shb,
    tcp,
    udp,
    write_pcap,
)

HERE = Path(__file__).resolve().parent
CLIENT, CAMERA, OTHER = "10.0.0.5", "10.0.0.64", "10.0.0.65"
NMAP_HEAD = (
    '<?xml version="1.0" encoding="{enc}"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap" version="7.94">\n'
)
NMAP_HOST = (
    '<host><status state="up"/><address addr="192.0.2.{n}" addrtype="ipv4"/>'
    '<hostnames><hostname name="{name}" type="PTR"/></hostnames>'
    '<ports><port protocol="tcp" portid="80"><state state="open"/><service name="http"/></port></ports></host>\n'
)


def good_http() -> list[bytes]:
    return http_exchange(CLIENT, CAMERA, REQUEST, RESPONSE)


def wsd(payload: bytes, src: str = OTHER) -> bytes:
    return eth(ip(src, CLIENT, udp(3702, 40000, payload)), MAC_B, MAC_A)


def pcaps() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    klingon = (
        b'<?xml version="1.0" encoding="x-klingon"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Body><d:ProbeMatches><d:ProbeMatch>'
        b"<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/name/EVIL</d:Scopes>"
        b"</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
    )
    out["wsd-unknown-encoding.pcap"] = _pcap(
        [wsd(klingon), wsd(klingon.replace(b"x-klingon", b"rot13")), *good_http()]
    )
    chunked = b"HTTP/1.1 200 OK\r\nServer: Evil/1\r\nTransfer-Encoding: chunked\r\n\r\n-6\r\nab"
    out["http-negative-chunk-size.pcap"] = _pcap(
        [*http_exchange(CLIENT, OTHER, REQUEST, chunked, sport=40001), *good_http()]
    )
    bomb = gzip.compress(b"\x00" * (8 << 20))
    zipped = b"HTTP/1.1 200 OK\r\nServer: Zip/1\r\nContent-Encoding: gzip\r\n\r\n" + bomb[:12000]
    out["http-gzip-bomb.pcap"] = _pcap(
        [*http_exchange(CLIENT, OTHER, REQUEST, zipped, sport=40002), *good_http()]
    )
    frames = good_http()
    caplen = bytearray(_pcap(frames))
    struct.pack_into("<I", caplen, 24 + 8, 0xFFFFFFF0)
    out["pcap-first-caplen-fffffff0.pcap"] = bytes(caplen)
    bad_block = b"\x06\x00\x00\x00\x0d\x00\x00\x00" + b"\x00" * 8
    out["pcapng-bad-block-length.pcapng"] = (
        shb() + idb() + bad_block + b"".join(epb(f, i) for i, f in enumerate(frames))
    )
    # 80 early segments of a response whose first segment comes last: 16 past the queue.
    body = b"HTTP/1.1 200 OK\r\nServer: Late/1\r\nContent-Length: 200\r\n\r\n" + b"x" * 200
    early = [
        eth(ip(CAMERA, CLIENT, tcp(80, 40000, 5061 + i, 0x18, body[60 + i : 61 + i])), MAC_B, MAC_A)
        for i in range(80)
    ]
    first = eth(ip(CAMERA, CLIENT, tcp(80, 40000, 5001, 0x18, body[:60])), MAC_B, MAC_A)
    out["tcp-out-of-order-flood.pcap"] = _pcap(
        [*http_exchange(CLIENT, CAMERA, REQUEST, b"")[:3], *early, first]
    )
    dns_loop = b"\x00\x01\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01" + b"\xc0\x0c" * 40
    snmp_deep = b"\x30\x84\x7f\xff\xff\xff" + b"\x30\x80" * 200
    out["udp-malformed-protocols.pcap"] = _pcap(
        [
            eth(ip(OTHER, CLIENT, udp(53, 40000, dns_loop)), MAC_B, MAC_A),
            eth(ip(OTHER, CLIENT, udp(5353, 5353, dns_loop)), MAC_B, MAC_A),
            eth(ip(OTHER, CLIENT, udp(161, 40000, snmp_deep)), MAC_B, MAC_A),
            eth(ip(OTHER, CLIENT, udp(67, 68, b"\x02\x01\x06" + b"\xff" * 300)), MAC_B, MAC_A),
            *good_http(),
        ]
    )
    return out


def _pcap(frames: list[bytes]) -> bytes:
    path = HERE / ".tmp.pcap"
    try:
        return write_pcap(path, frames).read_bytes()
    finally:
        path.unlink(missing_ok=True)


def nmap() -> dict[str, bytes]:
    good = NMAP_HOST.format(n=1, name="good-before") + NMAP_HOST.format(n=2, name="good-after")
    return {
        "nmap-unknown-encoding.xml": (NMAP_HEAD.format(enc="x-klingon") + good + "</nmaprun>\n").encode(),
        "nmap-shift-jis.xml": (NMAP_HEAD.format(enc="Shift_JIS") + NMAP_HOST.format(n=1, name="カメラ") + "</nmaprun>\n").encode("cp932"),
        "nmap-utf-7.xml": (NMAP_HEAD.format(enc="UTF-7") + good + "</nmaprun>\n").encode("utf-7"),
        "nmap-unclosed-nesting.xml": (NMAP_HEAD.format(enc="UTF-8") + NMAP_HOST.format(n=1, name="good-before") + "<host>" + "<a>" * 12_000).encode(),
        "nmap-billion-laughs.xml": (
            b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<nmaprun><host><hostnames><hostname name="&c;"/></hostnames></host></nmaprun>\n'
        ),
        "nmap-external-entity.xml": (
            b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<nmaprun><host><hostnames><hostname name="&x;"/></hostnames></host></nmaprun>\n'
        ),
        "nmap-comment-full-of-lt.xml": (
            NMAP_HEAD.format(enc="UTF-8") + "<!-- " + "<a " * 20_000 + "-->\n" + good + "</nmaprun>\n"
        ).encode(),
    }  # fmt: skip


def text_files() -> dict[str, bytes]:
    rows = "".join(f"10.0.0.{i},Vendor {i}\n" for i in range(10, 20))
    eve = b'{"timestamp":"2024-05-01T12:00:03.000000+0000","flow_id":4,"event_type":"http","src_ip":"192.168.10.20",'
    eve += b'"src_port":50000,"dest_ip":"192.168.10.30","dest_port":80,"proto":"TCP","tx_id":0,"http":{"hostname":'
    eve += b'"192.168.10.30","url":"/","server":"uc-httpd 1.0.0","status":200,"length":10}}\n'
    zeek_wide = (
        "#separator \\x09\n#path\tconn\n#fields\t" + "\t".join(f"c{i}" for i in range(5000)) + "\n1.0\tx\n"
    )
    return {
        "csv-unterminated-quote.csv": ("ip,vendor\n10.0.0.1,Acme\n" + '10.0.0.2,"never closed\n' + rows).encode(),
        "csv-utf16-spreadsheet.txt": "IP Address\tManufacturer\tModel\n192.0.2.7\tHikvision\tDS-2CD2143G0-I\n".encode("utf-16"),
        "csv-latin1.csv": "ip;vendor;site\n10.0.0.3;Acme;Malmö\n".encode("latin-1"),
        "csv-shift-jis.csv": "ip,vendor,設置場所\n10.0.0.4,Hikvision,東京\n".encode("cp932"),
        "csv-nul-byte.csv": ("ip,vendor\n10.0.0.5,a\x00b\n" + rows).encode(),
        "eve-utf8-bom.json": b"\xef\xbb\xbf" + eve,
        "eve-gzip-line-bomb.json.gz": gzip.compress(eve + b"{" * (12 << 20) + b"\n" + eve, 9),
        "zeek-5000-columns.log": zeek_wide.encode(),
        "dhcpd-unbalanced.leases": b"}\nlease 10.0.0.1 {\n  hardware ethernet 02:00:5e:00:53:01;\n",
        "masscan-garbage.json": b"[\n{not json\n,\n" + b"\xff\xfe\x00" * 100 + b"\n]\n",
    }  # fmt: skip


def build() -> dict[str, bytes]:
    return {**pcaps(), **nmap(), **text_files()}


def main() -> None:
    for name, data in build().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
