"""The nmap reader on XML written by the real nmap, scanning tiny listeners on loopback.

Only 127.0.0.0/8 is scanned: the listeners bind a random 127.x.y.z address of their own.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from custodiet.sources.nmap_xml import read

from .helpers import Listeners, run_reader, texts
from .udp_agents import UdpAgents

pytestmark = pytest.mark.nmap

BODY = b"<html><head><title>Web Camera Login</title></head><body>x</body></html>"


def http_camera(conn: socket.socket) -> None:
    conn.recv(4096)
    conn.sendall(
        b"HTTP/1.1 401 Unauthorized\r\nServer: Caf\xe9Cam-Webs/2.1\r\n"
        b'WWW-Authenticate: Digest realm="IP Camera(C1234)", nonce="abc"\r\n'
        b"Set-Cookie: language=en; path=/\r\nContent-Type: text/html\r\n"
        b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY
    )


def rtsp_server(conn: socket.socket) -> None:
    conn.recv(4096)
    conn.sendall(
        b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\n"
        b"Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n"
    )


def ftp_server(conn: socket.socket) -> None:
    conn.sendall(b"220 DVR FTP server ready.\r\n")
    conn.recv(100)
    conn.sendall(b"530 Not logged in.\r\n")


def ssh_server(conn: socket.socket) -> None:
    conn.sendall(b"SSH-2.0-dropbear_2019.78\r\n")
    conn.recv(100)


def odd_device(conn: socket.socket) -> None:
    conn.sendall(b"\x00\x01WEIRD-DEVICE v1.2\r\nready\xff\xfe\r\n")
    conn.recv(100)


def scan(nmap_binary: str, address: str, ports: list[int], scripts: str, tmp_path: Path, extra=()) -> Path:
    out = tmp_path / "scan.xml"
    command = [
        nmap_binary, "-n", "-Pn", "-sT", "-sV", "--version-intensity", "7",
        "-p", ",".join(map(str, ports)), "--script", scripts, "-oX", str(out), *extra, address,
    ]  # fmt: skip
    assert address.startswith("127.")  # never anything but loopback
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    return out


def test_real_nmap_scan_of_loopback_services(nmap_binary: str, listeners: Listeners, tmp_path: Path) -> None:
    http = listeners.add(http_camera)
    rtsp = listeners.add(rtsp_server)
    ftp = listeners.add(ftp_server)
    sshp = listeners.add(ssh_server)
    odd = listeners.add(odd_device)
    xml = scan(
        nmap_binary,
        listeners.address,
        [http, rtsp, ftp, sshp, odd],
        "http-title,http-headers,http-server-header,banner,rtsp-methods",
        tmp_path,
    )
    obs, stats = run_reader(read, xml)
    check_scan(obs, stats, xml, http, rtsp, ftp, sshp, odd, listeners.address)


def check_scan(
    obs, stats, xml: Path, http: int, rtsp: int, ftp: int, sshp: int, odd: int, address: str
) -> None:
    try:
        check_observations(obs, stats, http, rtsp, ftp, sshp, odd, address)
    except AssertionError as exc:  # show what nmap wrote: timing on a loaded machine can change it
        raise AssertionError(f"{exc}\n--- nmap XML ---\n{xml.read_text(errors='replace')[:20000]}") from exc


def check_observations(obs, stats, http: int, rtsp: int, ftp: int, sshp: int, odd: int, address: str) -> None:
    assert stats.records == 1
    assert stats.observations == len(obs)
    assert {o.subject.address for o in obs} == {address}

    hp = f"{http}/tcp"
    on_http = [o for o in obs if o.port == hp]
    # Undecodable bytes stay visible as escapes.
    assert "Caf\\xe9Cam-Webs/2.1" in texts(on_http, "http.server")
    assert texts(on_http, "http.www_authenticate") == ['Digest realm="IP Camera(C1234)", nonce="abc"']
    assert texts(on_http, "http.cookie") == ["language=en; path=/"]
    assert "Web Camera Login" in texts(on_http, "http.title")
    headers = texts(on_http, "http.headers")
    assert any(h.startswith("HTTP/1.1 401 Unauthorized\r\nServer: Caf\\xe9Cam-Webs/2.1\r\n") for h in headers)
    assert all("(Request type" not in h for h in headers)
    assert all(o.port == hp for o in on_http)

    rp = f"{rtsp}/tcp"
    responses = [o for o in obs if o.field == "rtsp.response" and o.port == rp]
    assert responses and responses[0].text.startswith(
        "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\n"
    )
    assert "servicefp" in responses[0].provenance.place
    assert texts(obs, "rtsp.server") == ["Rtsp Server/3.0"]

    assert texts([o for o in obs if o.port == f"{ftp}/tcp"], "ftp.banner") == ["220 DVR FTP server ready."]
    ssh_obs = [o for o in obs if o.port == f"{sshp}/tcp"]
    assert texts(ssh_obs, "ssh.banner") == ["SSH-2.0-dropbear_2019.78"]
    assert any(t.startswith("Dropbear sshd") for t in texts(ssh_obs, "nmap.service"))
    assert f"{sshp}/tcp ssh" in texts(ssh_obs, "port")

    # The unnamed binary service: a port observation, and its reply counted as skipped.
    assert any(t.startswith(f"{odd}/tcp") for t in texts(obs, "port"))
    assert stats.skipped["servicefp of an unknown service"] == 1
    # No observation twice.
    keys = [(o.field, o.port, o.text) for o in obs]
    assert len(keys) == len(set(keys))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_real_nmap_ssl_cert(nmap_binary: str, listeners: Listeners, tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key),
         "-out", str(cert), "-subj", "/C=CN/ST=Zhejiang/O=Example Camera, Ltd./CN=cam.example.test"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def tls_http(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(4096)
            tls.sendall(b"HTTP/1.1 200 OK\r\nServer: tls-cam\r\nContent-Length: 0\r\n\r\n")

    port = listeners.add(tls_http)
    xml = scan(nmap_binary, listeners.address, [port], "ssl-cert", tmp_path, extra=["-v"])
    obs, _ = run_reader(read, xml)
    assert texts(obs, "tls.subject") == ["CN=cam.example.test,O=Example Camera\\, Ltd.,ST=Zhejiang,C=CN"]
    assert texts(obs, "tls.issuer") == ["CN=cam.example.test,O=Example Camera\\, Ltd.,ST=Zhejiang,C=CN"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="UDP scan and ports < 1024 need root"
)
def test_real_nmap_udp_scripts(nmap_binary: str, listeners: Listeners, tmp_path: Path) -> None:
    address = listeners.address
    agents = UdpAgents(address)
    try:
        out = tmp_path / "udp.xml"
        assert address.startswith("127.")
        subprocess.run(
            [nmap_binary, "-n", "-Pn", "-sU", "-p", "161,1900,3702", "-v",
             "--script", "snmp-sysdescr,upnp-info,wsdd-discover", "-oX", str(out), address],
            check=True, capture_output=True, timeout=240,
        )  # fmt: skip
    finally:
        agents.close()
    obs, stats = run_reader(read, out)
    try:
        # nmap escapes every non-ASCII byte as \xHH; the reader restores the UTF-8 text.
        assert texts(obs, "snmp.sysdescr") == ["Example Camera X-100\nFirmware V5.5.0 日"]
        assert texts(obs, "upnp.server") == ["Linux/3.10 UPnP/1.0 ExampleCam/1.0"]
        assert texts(obs, "upnp.description") == [f"Location: http://{address}:49152/rootDesc.xml"]
        assert texts(obs, "wsd.scopes") == [
            f"dn:NetworkVideoTransmitter tds:Device http://{address}/onvif/device_service"
        ]
        assert {o.port for o in obs if o.field == "wsd.scopes"} == {"3702/udp"}
        assert stats.records == 1
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- nmap XML ---\n{out.read_text(errors='replace')}") from exc
