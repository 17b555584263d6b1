"""The capture reader on real traffic: emulated devices and tiny servers on loopback, recorded by
tcpdump (pcap, micro- and nanosecond timestamps) and tshark (pcapng) at the same time.

Every expected text is what the client itself received, or the exact bytes our own servers sent.
"""

from __future__ import annotations

import pytest
from tests.emulators.profiles import load_profiles

from .conftest import KINDS, Recorded
from .helpers import contact_keys, facts, run, texts
from .traffic import DHCP_HOSTNAME, DHCP_PARAMS, DHCP_VENDOR, SNI


@pytest.fixture(scope="module")
def results(loopback_recording: Recorded):
    return {kind: run(path) for kind, path in loopback_recording.files.items()}


def test_the_three_recordings_agree(results) -> None:
    reference_obs, reference_contacts, reference_stats = results["pcap"]
    assert len(reference_obs) > 30
    for kind in KINDS[1:]:
        observations, contacts, stats = results[kind]
        assert facts(observations) == facts(reference_obs), kind
        assert contact_keys(contacts) == contact_keys(reference_contacts), kind
        assert not stats.skipped, (kind, stats.skipped)
        # The same packets, numbered alike; on a loaded machine a recorder may drop a packet or two
        # in the kernel (not ours to fix), and the numbers then shift by at most that many.
        places = [packet_number(o) for o in observations]
        reference_places = [packet_number(o) for o in reference_obs]
        drift = abs(stats.records - reference_stats.records)
        assert drift <= 3, (kind, stats.records, reference_stats.records)
        assert all(abs(a - b) <= drift for a, b in zip(places, reference_places, strict=True)), kind


def packet_number(observation) -> int:
    place = observation.provenance.place
    assert place.startswith("packet ")
    return int(place.removeprefix("packet "))


@pytest.mark.parametrize("kind", KINDS)
def test_server_texts_are_about_the_server(results, loopback_recording: Recorded, kind: str) -> None:
    observations, _contacts, stats = results[kind]
    where = loopback_recording.addresses
    seen = loopback_recording.seen
    assert stats.records > 100
    hik, dahua, huawei, zte, linux = (
        where[n] for n in ("hikvision-ipc", "dahua-xvr", "huawei-switch", "zte-ont", "linux-server")
    )
    # HTTP: headers as received, the title of the page, the first KiB of the body.
    assert (
        texts(observations, "http.server", hik)
        == [seen.http_server["hikvision-ipc"].decode()]
        == ["App-webs/"]
    )
    assert texts(observations, "http.title", hik) == ["index"]
    assert texts(observations, "http.headers", hik)[0].startswith("HTTP/1.1 200 OK\r\nDate: ")
    assert "\r\nServer: App-webs/\r\n" in texts(observations, "http.headers", hik)[0]
    assert texts(observations, "http.body", hik)[0].startswith("\ufeff<!doctype html>")
    assert texts(observations, "http.title", zte) == ["F6600P"]
    assert texts(observations, "http.server", linux) == ["nginx/1.22.1"]
    # RTSP, banners, SNMP, SSDP, WS-Discovery, SIP.
    rtsp = texts(observations, "rtsp.response", hik)
    assert rtsp == [seen.rtsp.decode().rstrip("\r\n")]
    assert rtsp[0].startswith(
        'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="Hikvision"'
    )
    assert facts(observations, huawei) >= {
        ("ssh.banner", "SSH-2.0-HUAWEI-1.5", "22/tcp"),
        ("snmp.sysdescr", seen.sysdescr["huawei-switch"].decode(), "161/udp"),
        ("snmp.sysobjectid", "1.3.6.1.4.1.2011.2.23.398", "161/udp"),
    }
    assert ("ftp.banner", "220 (vsFTPd 3.0.3)", "21/tcp") in facts(observations, linux)
    assert ("ssh.banner", seen.banners["linux-server/ssh"].decode().strip(), "22/tcp") in facts(
        observations, linux
    )
    telnet = seen.banners["zte-ont/telnet"]
    assert texts(observations, "telnet.banner", zte) == [telnet.strip().decode("utf-8", "backslashreplace")]
    profile = {p.name: p for p in load_profiles()}["hikvision-ipc"]
    server = dict(profile.service("ssdp").spec["headers"])["SERVER"]
    assert facts(observations, hik) >= {
        ("upnp.server", server, "1900/udp"),
        ("upnp.description", f"Location: http://{hik}:80/upnp/desc.xml", "1900/udp"),
    }
    scopes = texts(observations, "wsd.scopes", hik)
    assert len(scopes) == 1
    assert scopes[0].startswith(
        "dn:NetworkVideoTransmitter tds:Device onvif://www.onvif.org/type/video_encoder "
    )
    assert "onvif://www.onvif.org/name/HIKVISION%20DS-2CD2386G2-IU" in scopes[0]
    assert scopes[0].endswith(f" http://{hik}:80/onvif/device_service")
    assert ("sip.server", "Asterisk PBX 13.9.1", "5060/udp") in facts(observations, linux)
    # TLS 1.2: the leaf certificate's names.
    assert seen.tls_version == "TLSv1.2"
    assert facts(observations, dahua) >= {
        ("tls.subject", f"CN={dahua},C=CN", "443/tcp"),
        (
            "tls.issuer",
            "CN=Dahua\u00a0Device\u00a0NVR\u00a0CA,O=Zhejiang\u00a0Dahua\u00a0Technology\u00a0Co.\\,Ltd.,"
            "L=Hangzhou,ST=Zhejiang,C=CN",
            "443/tcp",
        ),
        ("snmp.sysdescr", "NVR", "161/udp"),
    }
    # Loopback frames carry no MAC addresses.
    assert all(o.subject.mac is None for o in observations if o.subject.address)
    # Every text comes from one packet, named as Wireshark numbers them.
    assert all(o.provenance.place.startswith("packet ") for o in observations)


@pytest.mark.parametrize("kind", KINDS)
def test_client_facts_and_contacts(results, loopback_recording: Recorded, kind: str) -> None:
    observations, contacts, _stats = results[kind]
    client = loopback_recording.client
    # DHCP: the client's own facts, about its MAC (no server answered, so no address).
    dhcp = {(o.field, o.text) for o in observations if o.subject.mac == "44:A6:42:5B:10:99"}
    assert dhcp == {
        ("hostname", DHCP_HOSTNAME.decode()),
        ("dhcp.vendor_class", DHCP_VENDOR.decode()),
        ("dhcp.parameter_list", ",".join(map(str, DHCP_PARAMS))),
    }
    assert all(o.subject.address is None for o in observations if o.subject.mac == "44:A6:42:5B:10:99")
    # DNS: one contact per answered address, one without for NXDOMAIN.
    assert contact_keys(contacts, "dns") == {
        ("dns", client, "192.0.2.10", "cloud.vendor.example", None),
        ("dns", client, "192.0.2.11", "cloud.vendor.example", None),
        ("dns", client, "2001:db8::7", "v6.vendor.example", None),
        ("dns", client, None, "missing.vendor.example", None),
    }
    dahua = loopback_recording.addresses["dahua-xvr"]
    tls = [c for c in contacts if c.kind == "tls"]
    assert [(c.remote, c.name, c.port) for c in tls] == [(dahua, SNI, "443/tcp")]
    # HTTP requests named the servers by address only: no name, no http contact.
    assert not [c for c in contacts if c.kind == "http"]
    # Flows: one per (device, remote, service port), with both directions counted.
    flows = {(c.remote, c.port): c for c in contacts if c.kind == "flow"}
    hik = loopback_recording.addresses["hikvision-ipc"]
    assert {
        (hik, "80/tcp"),
        (hik, "554/tcp"),
        (hik, "1900/udp"),
        (hik, "3702/udp"),
        (dahua, "443/tcp"),
    } <= set(flows)
    web = flows[(hik, "80/tcp")]
    assert web.count >= 6  # handshake, request, response, FIN exchange (ACK timing varies)
    assert web.bytes_in > web.bytes_out > 0
    assert web.first_seen <= web.last_seen
    assert web.first_seen.endswith("Z")
    dns_flow = flows[(loopback_recording.dns_server, "53/udp")]
    assert dns_flow.subject.address == client and dns_flow.count == 6
