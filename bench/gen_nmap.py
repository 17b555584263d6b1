"""Write a large, realistic nmap XML file (`nmap -oX` shape) for speed and memory measurements.

The hosts mix cameras, recorders, routers, printers and servers with plausible server strings,
MAC vendors, TLS certificates, banners, OS guesses and unrecognised services (servicefp), so the
reader exercises every branch. The strings are invented for load only; they are not detection
content. The file is written host by host, so generating a million hosts needs no memory.

Usage: python bench/gen_nmap.py OUT.xml --hosts 100000 [--seed 1]
       python bench/gen_nmap.py OUT.xml --hosts 100000 --measure   (then read it and report)
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.93 scan initiated Thu Nov 27 02:00:00 2026 as: nmap -sV -O -oX out.xml 10.0.0.0/8 -->
<nmaprun scanner="nmap" args="nmap -sV -O -oX out.xml 10.0.0.0/8" start="1795744800" startstr="Thu Nov 27 02:00:00 2026" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="1000" services="1-1000"/>
<verbose level="0"/>
<debugging level="0"/>
"""

FOOTER = """<runstats><finished time="1795748400" timestr="Thu Nov 27 03:00:00 2026" summary="done" elapsed="3600.00" exit="success"/><hosts up="{up}" down="{down}" total="{total}"/>
</runstats>
</nmaprun>
"""

# (mac vendor, http server, http title, rtsp server, os guess, device type)
PROFILES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Hangzhou Hikvision Digital Technology", "Hikvision-Webs", "", "", "Linux 3.2 - 4.9", "webcam"),
    ("Hangzhou Hikvision Digital Technology", "App-webs/", "index", "", "Linux 3.2 - 4.9", "webcam"),
    ("Zhejiang Dahua Technology", "", "WEB SERVICE", "Dahua Rtsp Server", "Linux 2.6.32 - 3.10", "webcam"),
    ("Huawei Technologies", "HuaweiHomeGateway", "HG8245H", "", "Linux 2.6.32 - 3.10", "router"),
    ("zte corporation", "Mini web server 1.0 ZTE corp 2005.", "F660", "", "Linux 2.6.32", "router"),
    ("Cisco Systems", "cisco-IOS", "", "", "Cisco IOS 15.X", "switch"),
    ("Hewlett Packard", "HP HTTP Server; HP LaserJet", "HP LaserJet", "", "HP embedded", "printer"),
    ("Dell", "Apache/2.4.41 (Ubuntu)", "Apache2 Ubuntu Default Page: It works", "", "Linux 5.0 - 5.4", ""),
    ("VMware", "Microsoft-IIS/10.0", "IIS Windows Server", "", "Microsoft Windows Server 2019", ""),
    ("Axis Communications AB", "", "AXIS", "GStreamer RTSP server", "Linux 4.15 - 5.6", "webcam"),
    ("Ubiquiti Networks", "lighttpd/1.4.54", "UniFi", "", "Linux 3.10 - 4.11", "WAP"),
    ("Synology", "nginx", "Synology DiskStation", "", "Linux 3.10 - 4.11", "storage-misc"),
)

SSH_BANNERS = (
    "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5",
    "SSH-2.0-dropbear_2019.78",
    "SSH-2.0-OpenSSH_7.4",
    "SSH-2.0-Cisco-1.25",
)
FTP_BANNERS = ("220 DVR FTP server ready.", "220 (vsFTPd 3.0.3)", "220 Microsoft FTP Service")
OSMATCH_EXTRA = ("Linux 4.15 - 5.6", "Linux 2.6.32", "Linux 3.2 - 4.9", "Linux 5.0 - 5.4")


def _fp_escape(data: bytes) -> str:
    """nmap's servicefp escaping (service_scan.cc addToServiceFingerprint)."""
    out = []
    for i, b in enumerate(data):
        c = chr(b)
        if c.isascii() and c.isalnum():
            out.append(c)
        elif b == 0:
            nxt = data[i + 1 : i + 2]
            out.append("\\x00" if nxt.isdigit() else "\\0")
        elif c in '\\?"[]().*+$^|':
            out.append("\\" + c)
        elif 33 <= b <= 126:
            out.append(c)
        elif c == "\r":
            out.append("\\r")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


def servicefp(port: int, responses: list[tuple[str, bytes]]) -> str:
    """A servicefp attribute value as nmap 7.93 writes it in XML (one line, no SF: wraps)."""
    parts = [f"SF-Port{port}-TCP:V=7.93%I=7%D=11/27%Time=6B08E84D%P=x86_64-pc-linux-gnu"]
    for probe, data in responses:
        parts.append(f'%r({probe},{len(data):X},"{_fp_escape(data[:900])}")')
    return "".join(parts) + ";"


def _mac(rng: random.Random) -> str:
    return ":".join(f"{rng.randrange(256):02X}" for _ in range(6))


def _script(sid: str, output: str, inner: str = "") -> str:
    if inner:
        return f"<script id={quoteattr(sid)} output={quoteattr(output)}>{inner}</script>"
    return f"<script id={quoteattr(sid)} output={quoteattr(output)}/>"


def _port(portid: int, service: str, scripts: list[str], proto: str = "tcp") -> str:
    return (
        f'<port protocol="{proto}" portid="{portid}"><state state="open" reason="syn-ack" reason_ttl="64"/>'
        + service
        + "".join(scripts)
        + "</port>\n"
    )


def _http_port(rng: random.Random, profile: tuple[str, ...], portid: int) -> str:
    _, server, title, _, _, devtype = profile
    headers = ["Content-Type: text/html", "Connection: close"]
    if server:
        headers.insert(0, f"Server: {server}")
    if rng.random() < 0.3:
        headers.append('WWW-Authenticate: Digest realm="Login to device", nonce="0123456789abcdef"')
    if rng.random() < 0.3:
        headers.append("Set-Cookie: language=en; path=/")
    scripts = []
    if title:
        scripts.append(_script("http-title", title, f'<elem key="title">{escape(title)}</elem>\n'))
    header_out = "\n  " + "\n  ".join(headers) + "\n  \n  (Request type: HEAD)\n"
    scripts.append(_script("http-headers", header_out))
    if server:
        scripts.append(_script("http-server-header", server, f"<elem>{escape(server)}</elem>\n"))
    attrs = f'name="http" product={quoteattr(server or "httpd")} method="probed" conf="10"'
    if devtype:
        attrs += f" devicetype={quoteattr(devtype)}"
    service = f"<service {attrs}><cpe>cpe:/a:example:httpd</cpe></service>"
    return _port(portid, service, scripts)


def _tls_port(rng: random.Random, profile: tuple[str, ...]) -> str:
    org = profile[0].split(" ")[0]
    cn = f"device-{rng.randrange(10**6)}.local"
    subject = (
        f'<table key="subject"><elem key="commonName">{cn}</elem>'
        f'<elem key="organizationName">{escape(org)}</elem><elem key="countryName">CN</elem></table>'
    )
    issuer = (
        f'<table key="issuer"><elem key="commonName">{escape(org)} Root CA</elem>'
        f'<elem key="organizationName">{escape(org)}</elem></table>'
    )
    output = (
        f"Subject: commonName={cn}/organizationName={org}/countryName=CN\nIssuer: commonName={org} Root CA"
    )
    service = '<service name="http" tunnel="ssl" method="probed" conf="10"/>'
    return _port(443, service, [_script("ssl-cert", output, subject + issuer)])


def _unknown_port(rng: random.Random, profile: tuple[str, ...]) -> str:
    _, server, title, rtsp, _, _ = profile
    if rtsp:
        reply = f"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: {rtsp}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n".encode()
        fp = servicefp(554, [("RTSPRequest", reply), ("GetRequest", reply)])
        return _port(554, f'<service name="rtsp" servicefp={quoteattr(fp)} method="probed" conf="10"/>', [])
    body = f"<html><head><title>{title or 'Login'}</title></head></html>".encode()
    reply = (
        b"HTTP/1.1 200 OK\r\nServer: "
        + (server or "uc-httpd 1.0.0").encode()
        + b"\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    fp = servicefp(8000, [("GetRequest", reply), ("NULL", b"\x00\x01\xff" * rng.randrange(1, 8))])
    return _port(8000, f'<service name="http-alt" servicefp={quoteattr(fp)} method="table" conf="3"/>', [])


def _os(profile: tuple[str, ...]) -> str:
    names = [profile[4], *OSMATCH_EXTRA[:2]]
    out = ['<os><portused state="open" proto="tcp" portid="80"/>']
    for i, name in enumerate(names):
        out.append(
            f'<osmatch name={quoteattr(name)} accuracy="{98 - i * 3}" line="{1000 + i}">'
            '<osclass type="general purpose" vendor="Linux" osfamily="Linux" osgen="3.X" accuracy="95">'
            "<cpe>cpe:/o:linux:linux_kernel:3</cpe></osclass></osmatch>"
        )
    out.append("</os>\n")
    return "".join(out)


def _host_head(rng: random.Random, ip: str, index: int, vendor: str) -> list[str]:
    return [
        '<host starttime="1795744800" endtime="1795744900"><status state="up" reason="arp-response" reason_ttl="0"/>\n',
        f'<address addr="{ip}" addrtype="ipv4"/>\n',
        f'<address addr="{_mac(rng)}" addrtype="mac" vendor={quoteattr(vendor)}/>\n',
        f'<hostnames>\n<hostname name="host-{index}.example.internal" type="PTR"/>\n</hostnames>\n',
        '<ports><extraports state="closed" count="995"><extrareasons reason="reset" count="995" proto="tcp" ports="1-21"/></extraports>\n',
    ]


_TAIL = '<times srtt="1869" rttvar="2150" to="100000"/>\n</host>\n'


def _light_host(rng: random.Random, ip: str, index: int) -> str:
    """`nmap -sV` without scripts or OS detection: one or two named ports."""
    profile = rng.choice(PROFILES)
    parts = _host_head(rng, ip, index, profile[0])
    server = profile[1] or "httpd"
    parts.append(
        _port(80, f'<service name="http" product={quoteattr(server)} method="probed" conf="10"/>', [])
    )
    if rng.random() < 0.5:
        parts.append(
            _port(22, '<service name="ssh" product="OpenSSH" version="7.4" method="probed" conf="10"/>', [])
        )
    parts.append("</ports>\n")
    parts.append(_TAIL)
    return "".join(parts)


def _heavy_host(rng: random.Random, ip: str, index: int) -> str:
    """`nmap -sV -sC -O`: banners, HTTP scripts, TLS certificate, servicefp, OS guesses."""
    profile = rng.choice(PROFILES)
    parts = _host_head(rng, ip, index, profile[0])
    ssh = rng.choice(SSH_BANNERS)
    parts.append(
        _port(
            22,
            '<service name="ssh" product="OpenSSH" version="8.2p1" extrainfo="protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:8.2p1</cpe></service>',
            [_script("banner", ssh)],
        )
    )
    parts.append(_http_port(rng, profile, 80))
    if rng.random() < 0.5:
        parts.append(_tls_port(rng, profile))
    if rng.random() < 0.4:
        parts.append(_unknown_port(rng, profile))
    if rng.random() < 0.2:
        ftp = rng.choice(FTP_BANNERS)
        parts.append(_port(21, '<service name="ftp" method="probed" conf="10"/>', [_script("banner", ftp)]))
    parts.append("</ports>\n")
    parts.append(_os(profile))
    parts.append(_TAIL)
    return "".join(parts)


# Share of each kind of host in a "mixed" file: what a -sV sweep of an office network with a
# camera estate looks like (most hosts show one or two ports; some were scanned with scripts).
MIXES = {
    "mixed": (("down", 0.05), ("light", 0.65), ("heavy", 0.30)),
    "heavy": (("down", 0.05), ("heavy", 0.95)),
    "light": (("down", 0.05), ("light", 0.95)),
}


def host_xml(rng: random.Random, index: int, mix: str = "mixed") -> str:
    """One <host> element of the given mix."""
    ip = f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"
    draw = rng.random()
    kind = MIXES[mix][-1][0]
    for name, share in MIXES[mix]:
        if draw < share:
            kind = name
            break
        draw -= share
    if kind == "down":
        return (
            '<host><status state="down" reason="no-response" reason_ttl="0"/>'
            f'<address addr="{ip}" addrtype="ipv4"/></host>\n'
        )
    if kind == "light":
        return _light_host(rng, ip, index)
    return _heavy_host(rng, ip, index)


def write_nmap_xml(out: TextIO, hosts: int, seed: int = 1, mix: str = "mixed") -> None:
    """Write a complete nmap XML document with `hosts` hosts to an open text file."""
    rng = random.Random(seed)
    out.write(HEADER)
    down = 0
    for i in range(hosts):
        text = host_xml(rng, i + 1, mix)
        down += text.startswith('<host><status state="down"')
        out.write(text)
    out.write(FOOTER.format(up=hosts - down, down=down, total=hosts))


def measure(path: Path) -> None:
    """Read the file with custodiet's nmap reader and print hosts/s and peak RSS."""
    from custodiet.sources.base import ReadStats, SourceOptions
    from custodiet.sources.nmap_xml import read

    stats = ReadStats()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    cpu_start = time.process_time()
    count = 0
    for _ in read(path, str(path), stats, SourceOptions()):
        count += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    size = path.stat().st_size
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{stats.records} hosts ({size / max(stats.records, 1):,.0f} bytes/host), {count} observations "
        f"in {elapsed:.2f} s wall, {cpu:.2f} s CPU: {stats.records / cpu:,.0f} hosts/s, "
        f"{size / cpu / 1e6:.1f} MB/s, {count / cpu:,.0f} obs/s (per CPU second); "
        f"peak RSS {rss_after / 1024:.1f} MiB (before reading {rss_before / 1024:.1f} MiB); "
        f"skipped {dict(stats.skipped)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mix", choices=sorted(MIXES), default="mixed", help="kinds of hosts")
    parser.add_argument("--measure", action="store_true", help="read the file back and report speed")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with args.out.open("w", encoding="utf-8") as out:
        write_nmap_xml(out, args.hosts, args.seed, args.mix)
    size = args.out.stat().st_size
    print(f"wrote {args.hosts} {args.mix} hosts, {size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
    if args.measure:
        measure(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
