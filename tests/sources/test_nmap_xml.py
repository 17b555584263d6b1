"""The nmap XML reader on handwritten files (scripts that cannot run on loopback) and hostile input."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from tests.bench_modules import bench_module

from custodiet.errors import InputError
from custodiet.model.fields import ALL_FIELDS
from custodiet.model.observation import MAX_TEXT
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.nmap_xml import (
    fp_segments,
    fp_unescape,
    nmap_text,
    parse_servicefp,
    read,
    render_dn,
    unescape_banner,
)

from .helpers import DATA, run_reader, texts

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap" version="7.93">\n'


def host(ip: str, inner: str = "") -> str:
    return (
        f'<host><status state="up" reason="syn-ack" reason_ttl="0"/><address addr="{ip}" addrtype="ipv4"/>'
        f"<ports>{inner}</ports></host>\n"
    )


def port(
    number: int, service: str = '<service name="http" method="probed" conf="10"/>', scripts: str = ""
) -> str:
    return f'<port protocol="tcp" portid="{number}"><state state="open" reason="syn-ack"/>{service}{scripts}</port>'


def write(tmp_path: Path, text: str | bytes, name: str = "scan.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def read_until_error(path: Path) -> tuple[list, ReadStats, InputError | None]:
    stats = ReadStats()
    out = []
    try:
        for obs in read(path, path.name, stats, SourceOptions()):
            out.append(obs)
    except InputError as exc:
        return out, stats, exc
    return out, stats, None


# --------------------------------------------------------------------------- handwritten scan


@pytest.fixture(scope="module")
def scripts_scan() -> tuple[list, ReadStats]:
    return run_reader(read, DATA / "nmap_scripts.xml")


def test_hosts_counted_and_down_host_skipped(scripts_scan) -> None:
    obs, stats = scripts_scan
    assert stats.records == 3
    assert stats.skipped["host down"] == 1
    assert stats.observations == len(obs)
    assert "192.0.2.11" not in {o.subject.address for o in obs}
    assert all(o.field in ALL_FIELDS for o in obs)
    assert all(o.provenance.file == "nmap_scripts.xml" for o in obs)


def test_host_identity(scripts_scan) -> None:
    obs, _ = scripts_scan
    cam = [o for o in obs if o.subject.address == "192.0.2.10"]
    assert {o.subject.mac for o in cam} == {"02:00:5E:12:34:56"}
    assert texts(cam, "mac") == ["02:00:5E:12:34:56"]
    assert texts(cam, "mac.vendor") == ["Example Vision Technology"]
    assert texts(cam, "hostname") == ["cam-lobby", "cam-lobby.example.internal"]
    # Best three OS guesses only, best first; their CPEs once each, as guesses (os.cpe), never
    # as the device's own CPE.
    assert texts(cam, "os.match") == ["Linux 3.2 - 4.9", "Example embedded", "Linux 2.6.32"]
    assert not [o for o in cam if o.field == "cpe" and o.port is None]
    os_cpes = [o.text for o in cam if o.field == "os.cpe"]
    assert os_cpes == [
        "cpe:/o:linux:linux_kernel:3",
        "cpe:/o:linux:linux_kernel:4",
        "cpe:/h:example:x-100",
        "cpe:/o:linux:linux_kernel:2.6.32",
    ]


def test_ports_and_services(scripts_scan) -> None:
    obs, _ = scripts_scan
    cam = [o for o in obs if o.subject.address == "192.0.2.10"]
    assert texts(cam, "port") == [
        "22/tcp ssh",
        "23/tcp telnet?",
        "80/tcp http",
        "443/tcp ssl/http",
        "554/tcp rtsp",
        "8000/tcp http-alt?",
        "161/udp snmp",
        "1900/udp upnp",
        "5060/udp sip",
    ]
    http = [o for o in cam if o.port == "80/tcp"]
    assert texts(http, "nmap.service") == ["Example IP camera httpd 1.0 (model X-100)"]
    assert texts(http, "nmap.devicetype") == ["webcam"]
    assert texts(http, "cpe") == ["cpe:/h:example:x-100"]
    assert all(o.provenance.place.startswith("host 192.0.2.10 port 80/tcp") for o in http)
    # Closed ports are not reported.
    assert not [o for o in obs if o.port == "7547/tcp"]


def test_http_scripts(scripts_scan) -> None:
    obs, _ = scripts_scan
    http = [o for o in obs if o.port == "80/tcp"]
    assert texts(http, "http.title") == [
        "Camera Login Page With A Rather Long Title That nmap Cuts Beyond Sixty-Five Characters"
    ]
    assert texts(http, "http.headers") == [
        "Server: Example-Webs\r\nDate: Thu, 27 Nov 2026 02:00:00 GMT\r\n"
        'WWW-Authenticate: Basic realm="Example Camera"\r\nSet-Cookie: session=abc; HttpOnly\r\n'
        "Set-Cookie: lang=en\r\nConnection: close"
    ]
    assert texts(http, "http.server") == ["Example-Webs"]  # http-headers and http-server-header agree: once
    assert texts(http, "http.www_authenticate") == ['Basic realm="Example Camera"']
    assert texts(http, "http.cookie") == ["session=abc; HttpOnly", "lang=en"]
    places = {o.provenance.place for o in http if o.field == "http.title"}
    assert places == {"host 192.0.2.10 port 80/tcp script http-title"}


def test_ssl_cert_tables_and_text(scripts_scan) -> None:
    obs, _ = scripts_scan
    assert texts(obs, "tls.subject", "192.0.2.10") == [
        "CN=192.0.2.10,OU=\\#Cameras,O=Example Vision\\, Inc.,C=CN"
    ]
    assert texts(obs, "tls.issuer", "192.0.2.10") == [
        "CN=Example Root CA,O=Example Vision\\, Inc.,ST=Zhejiang"
    ]
    # Without tables (older nmap): the "Subject:" line, values with "/" kept whole.
    assert texts(obs, "tls.subject", "2001:db8::1") == ["CN=router.example,O=Example Networks/Unit 7,C=CN"]
    assert texts(obs, "tls.issuer", "2001:db8::1") == ["CN=Example CA"]


def test_banner_fields_by_service(scripts_scan) -> None:
    obs, stats = scripts_scan
    # Telnet IAC bytes: valid UTF-8 control bytes stay as they are, invalid bytes become \xNN.
    assert texts(obs, "telnet.banner") == [
        "\\xff\\xfd\x01\\xff\\xfd\x1f\\xff\\xfb\x01\\xff\\xfb\x03\r\n\r\nLogin as: camera"
    ]
    assert stats.skipped["ssh-hostkey: no identity in output"] == 1
    assert stats.skipped["rtsp-methods: no identity in output"] == 1
    assert stats.skipped["script not identity-bearing"] == 1  # broadcast-dhcp-discover
    # A script no handler knows: its output still reaches the matcher, as nmap printed it.
    assert texts(obs, "nmap.script") == ["OS: Unix"]


def test_udp_scripts(scripts_scan) -> None:
    obs, _ = scripts_scan
    assert texts(obs, "snmp.sysdescr") == ["Example Camera X-100\nFirmware V5.5.0 build 170725"]
    cam_upnp = [o for o in obs if o.port == "1900/udp"]
    assert texts(cam_upnp, "upnp.server") == ["Linux/3.10 UPnP/1.0 ExampleCam/1.0"]
    assert texts(cam_upnp, "upnp.description") == [
        "Location: http://192.0.2.10:49152/rootDesc.xml\nWebserver: ExampleCam-httpd\nName: Lobby Camera\n"
        "Manufacturer: Example Vision\nModel Descr: IP Camera\nModel Name: X-100\nModel Version: 5.5"
    ]
    wsd = [o for o in obs if o.field == "wsd.scopes" and o.subject.address == "192.0.2.10"]
    assert [(o.port, o.text) for o in wsd] == [
        ("3702/udp", "NetworkVideoTransmitter tds:Device http://192.0.2.10/onvif/device_service")
    ]


def test_broadcast_scripts_name_their_hosts(scripts_scan) -> None:
    obs, _ = scripts_scan
    assert texts(obs, "wsd.scopes", "192.0.2.30") == [
        "NetworkVideoTransmitter tds:Device http://192.0.2.30/onvif/device_service"
    ]
    assert texts(obs, "wsd.scopes", "192.0.2.31") == [
        "Device pub:Computer http://192.0.2.31:5357/deadbeef-ea5c-4b9a-a68d-deadbeefceb3/",
        "http://win-7:8090/discovery/scenarios/service2/",
    ]
    assert texts(obs, "upnp.server", "192.0.2.40") == ["Linux/3.10 UPnP/1.0 ExampleNVR/2.0"]
    assert "Manufacturer: Example Recorders" in texts(obs, "upnp.description", "192.0.2.40")[0]
    assert {o.provenance.place for o in obs if o.subject.address == "192.0.2.30"} == {
        "prescript script broadcast-wsdd-discover"
    }


def test_servicefp_replies_of_unnamed_services(scripts_scan) -> None:
    obs, _ = scripts_scan
    fp = [o for o in obs if o.port == "8000/tcp"]
    assert texts(fp, "http.headers") == [
        "HTTP/1.1 200 OK\r\nServer: Mystery-Webs/1.2\r\nSet-Cookie: id=7; path=/"
    ]
    # The "\nSF:" wraps (here inside an escape) are removed; escaped backslashes stay single.
    assert texts(fp, "http.body") == ["<html><title> Mystery NVR </title>\\\\x41 (?)</html>"]
    assert texts(fp, "http.title") == ["Mystery NVR"]
    # Server headers of every HTTP reply, GetRequest first.
    assert texts(fp, "http.server") == ["Mystery-Webs/1.2", "Mystery-Webs/1.3"]
    assert texts(fp, "http.cookie") == ["id=7; path=/"]
    assert {o.provenance.place for o in fp if o.field == "http.headers"} == {
        "host 192.0.2.10 port 8000/tcp servicefp GetRequest"
    }
    sip = [o for o in obs if o.port == "5060/udp"]
    assert texts(sip, "sip.server") == ["ExamplePhone/3.1"]
    assert texts(sip, "sip.user_agent") == ["ExamplePhone UA"]


# --------------------------------------------------------------------------- decoding helpers


def test_fp_unescape_follows_nmap_escaping() -> None:
    escaped = 'A\\x20b\\r\\n\\t\\0\\x00\\.\\(\\)\\?\\*\\+\\$\\^\\|\\[\\]\\"\\\\x7e\\xff\\xFE-/:;'
    assert fp_unescape(escaped) == b'A b\r\n\t\x00\x00.()?*+$^|[]"\\x7e\xff\xfe-/:;'


def test_fp_segments_handles_wraps_and_many_probes() -> None:
    fp = (
        'SF-Port9-TCP:V=7.93%I=7%D=1/1%Time=0%P=x%r(NULL,3,"a\\x2\nSF:0b")'
        '%r(GetRequest,2,"\\)\\"")%r(Help,0,"")%r(Broken,1,"unterminated'
    )
    assert parse_servicefp(fp) == [
        ("NULL", b"a b"),
        ("GetRequest", b')"'),
        ("Help", b""),
        ("Broken", b"unterminated"),
    ]
    assert fp_segments("no replies here;") == []


def test_unescape_banner_drops_layout_newlines() -> None:
    assert (
        unescape_banner("220 ready\\x0D\\x0A230 o\nk \\xC3\\xA9 \\xZZ")
        == b"220 ready\r\n230 ok \xc3\xa9 \\xZZ"
    )


def test_render_dn_escapes_and_orders() -> None:
    pairs = [("countryName", "CN"), ("commonName", "a+b"), ("1.2.3.4", "x"), ("organizationName", ' "Q" ')]
    assert render_dn(pairs) == 'CN=a\\+b,O=\\ \\"Q\\"\\ ,C=CN,1.2.3.4=x'


# --------------------------------------------------------------------------- hostile and broken input


def test_truncated_xml_yields_complete_hosts_then_errors(tmp_path: Path) -> None:
    text = HEAD + host("192.0.2.1", port(80)) + host("192.0.2.2", port(80)) + host("192.0.2.3", port(80))
    cut = text + '<host><status state="up"/><address addr="192.0.2.4" addrty'
    obs, stats, error = read_until_error(write(tmp_path, cut))
    assert error is not None
    assert error.file == "scan.xml"
    assert error.place is not None and error.place.startswith("line 7, column ")
    assert "malformed XML" in error.message
    assert {o.subject.address for o in obs} == {"192.0.2.1", "192.0.2.2", "192.0.2.3"}
    assert stats.records == 3


def test_malformed_xml_reports_line_and_column(tmp_path: Path) -> None:
    text = HEAD + host("192.0.2.1", port(80)) + "<host><status state=up/></host>\n</nmaprun>\n"
    obs, _, error = read_until_error(write(tmp_path, text))
    assert error is not None and error.place == "line 5, column 21"
    assert "not well-formed" in error.message
    assert [o.subject.address for o in obs] == ["192.0.2.1"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE nmaprun [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<nmaprun><host><status state="up"/><address addr="192.0.2.1" addrtype="ipv4"/>
<hostnames><hostname name="&lol9;"/></hostnames></host></nmaprun>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<nmaprun><host><status state="up"/><address addr="192.0.2.1" addrtype="ipv4"/>
<hostnames><hostname name="&xxe;"/></hostnames></host></nmaprun>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY % remote SYSTEM "http://192.0.2.1/x.dtd"> %remote;]>
<nmaprun/>
"""


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY], ids=["laughs", "xxe", "param"]
)
def test_entity_declarations_are_refused(tmp_path: Path, text: str) -> None:
    obs, stats, error = read_until_error(write(tmp_path, text))
    assert error is not None
    assert "declares entities" in error.message
    assert error.place is not None and error.place.startswith("line ")
    assert obs == [] and stats.records == 0


def test_entity_declaration_far_into_a_long_prolog_is_refused(tmp_path: Path) -> None:
    # The guard must see every chunk of the prolog, not only the first one.
    padding = "<!-- " + "x" * 100_000 + " -->\n"
    text = BILLION_LAUGHS.replace("<!DOCTYPE", padding + "<!DOCTYPE", 1)
    _, _, error = read_until_error(write(tmp_path, text))
    assert error is not None and "declares entities" in error.message


def test_old_nmap_public_doctype_is_accepted(tmp_path: Path) -> None:
    text = HEAD.replace(
        "<!DOCTYPE nmaprun>",
        '<!DOCTYPE nmaprun PUBLIC "-//IDN nmap.org//DTD Nmap XML 1.04//EN" "https://svn.nmap.org/nmap/docs/nmap.dtd">',
    )
    obs, stats = run_reader(read, write(tmp_path, text + host("192.0.2.1", port(80)) + "</nmaprun>\n"))
    assert texts(obs, "port") == ["80/tcp http"] and stats.records == 1


def test_undeclared_entity_is_malformed(tmp_path: Path) -> None:
    text = HEAD + '<host><status state="up"/><hostnames><hostname name="&x;"/></hostnames></host></nmaprun>'
    _, _, error = read_until_error(write(tmp_path, text))
    assert error is not None and "undefined entity" in error.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no element found"),
        (b"hello, this is not XML\n", "syntax error"),
        (b'<?xml version="1.0"?>\n<inventory><host/></inventory>\n', "root element is <inventory>"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed"),
    ],
    ids=["empty", "text", "other-xml", "binary"],
)
def test_files_that_are_not_nmap_xml(tmp_path: Path, content: bytes, message: str) -> None:
    _, _, error = read_until_error(write(tmp_path, content))
    assert error is not None and message in error.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(read(tmp_path / "absent.xml", "absent.xml", ReadStats(), SourceOptions()))


def test_huge_texts_are_bounded(tmp_path: Path) -> None:
    big = "A" * (5 * 1024 * 1024)
    banner = f'<script id="banner" output="SSH-2.0-{big}"/>'
    title = f'<script id="http-title" output="x"><elem key="title">{big}</elem></script>'
    fp_body = "B" * (5 * 1024 * 1024)
    fp = f"SF-Port81-TCP:V=7.93%r(GetRequest,500000,&quot;HTTP/1\\.0\\x20200\\x20OK\\r\\nServer:\\x20{fp_body}\\r\\n\\r\\n&quot;);"
    text = (
        HEAD
        + host(
            "192.0.2.1",
            port(22, '<service name="ssh" method="probed" conf="10"/>', banner)
            + port(80, scripts=title)
            + port(81, f'<service name="http" servicefp="{fp}" method="probed" conf="10"/>'),
        )
        + "</nmaprun>\n"
    )
    obs, _ = run_reader(read, write(tmp_path, text))
    by_field = {o.field: o.text for o in obs}
    assert len(by_field["ssh.banner"]) == MAX_TEXT and by_field["ssh.banner"].startswith("SSH-2.0-AAAA")
    assert len(by_field["http.title"]) == MAX_TEXT
    assert len(by_field["http.headers"]) == MAX_TEXT and by_field["http.headers"].startswith(
        "HTTP/1.0 200 OK"
    )
    assert all(len(o.text) <= MAX_TEXT for o in obs)


def test_host_without_ip_uses_mac_and_mac_forms(tmp_path: Path) -> None:
    text = (
        HEAD
        + '<host><status state="up"/><address addr="00-1a-2b-3c-4d-5e" addrtype="mac" vendor="X"/>'
        + "<ports>"
        + port(80)
        + "</ports></host>\n"
        + '<host><status state="up"/><address addr="not-an-ip" addrtype="ipv4"/><ports>'
        + port(80)
        + "</ports></host>\n</nmaprun>\n"
    )
    obs, stats = run_reader(read, write(tmp_path, text))
    assert {(o.subject.address, o.subject.mac) for o in obs} == {(None, "00:1A:2B:3C:4D:5E")}
    assert obs[0].provenance.place == "host 00:1A:2B:3C:4D:5E"
    assert stats.skipped["host without a usable address"] == 1


def test_down_host_with_open_port_is_read(tmp_path: Path) -> None:
    text = HEAD + host("192.0.2.9", port(80)).replace('state="up"', 'state="down"', 1) + "</nmaprun>\n"
    obs, stats = run_reader(read, write(tmp_path, text))
    assert texts(obs, "port") == ["80/tcp http"] and stats.skipped["host down"] == 0


# --------------------------------------------------------------------------- streaming


def _peak_while_reading(path: Path) -> tuple[int, int]:
    stats = ReadStats()
    tracemalloc.start()
    try:
        for _ in read(path, path.name, stats, SourceOptions()):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, stats.records


def test_memory_stays_flat_as_hosts_grow(tmp_path: Path) -> None:
    gen = bench_module("gen_nmap")
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    with small.open("w", encoding="utf-8") as out:
        gen.write_nmap_xml(out, 500, seed=3, mix="mixed")
    with large.open("w", encoding="utf-8") as out:
        gen.write_nmap_xml(out, 8000, seed=3, mix="mixed")
    peak_small, hosts_small = _peak_while_reading(small)
    peak_large, hosts_large = _peak_while_reading(large)
    assert (hosts_small, hosts_large) == (500, 8000)
    # 16 times the hosts, about the same peak (a tree kept whole would grow 16-fold).
    assert peak_large < peak_small * 1.5 + 256 * 1024, (peak_small, peak_large)


def test_generated_file_reads_completely(tmp_path: Path) -> None:
    gen = bench_module("gen_nmap")
    path = tmp_path / "gen.xml"
    with path.open("w", encoding="utf-8") as out:
        gen.write_nmap_xml(out, 300, seed=5, mix="heavy")
    obs, stats = run_reader(read, path)
    assert stats.records == 300
    assert stats.observations == len(obs) > 300 * 10
    assert {o.field for o in obs} >= {
        "tls.subject",
        "ssh.banner",
        "http.headers",
        "http.title",
        "os.match",
        "mac",
    }


def test_nmap_hex_escapes_become_device_text(tmp_path: Path) -> None:
    # nmap's XML writer escapes every non-ASCII byte, valid UTF-8 included.
    title = (
        '<script id="http-title" output="x"><elem key="title">Caf\\xE9 \\xE6\\x97\\xA5 cam</elem></script>'
    )
    server = '<script id="http-server-header" output="Caf\\xE9Cam"><elem>Caf\\xE9Cam</elem></script>'
    service = '<service name="http" product="\\xE6\\x97\\xA5 httpd" method="probed" conf="10"/>'
    text = HEAD + host("192.0.2.1", port(80, service, title + server)) + "</nmaprun>\n"
    obs, _ = run_reader(read, write(tmp_path, text))
    assert texts(obs, "http.title") == ["Caf\\xe9 日 cam"]
    assert texts(obs, "http.server") == ["Caf\\xe9Cam"]
    assert texts(obs, "nmap.service") == ["日 httpd"]
    assert nmap_text("plain \\x4") == "plain \\x4"
