"""Local-link discovery (--local-discovery): ask the link who is there, once per protocol.

Only on interfaces whose whole network is in scope (the guard holds the list), TTL 1, one
question each:

- SSDP M-SEARCH to 239.255.255.250:1900 (UPnP Device Architecture 1.1, 1.3.2);
- WS-Discovery Probe to 239.255.255.250:3702 (WS-Discovery 2005/04, ONVIF Core 7.3);
- mDNS query for the DNS-SD service list to 224.0.0.251:5353 from a high port, so responders
  answer by unicast (RFC 6762 5.1, 6.7; RFC 6763 9);
- Hikvision SADP inquiry to 239.255.255.250:37020 (the read-only "inquiry" Probe of Hikvision's
  own device-search tool: <Probe><Uuid>..</Uuid><Types>inquiry</Types></Probe>; devices answer
  with a ProbeMatch to the group; described publicly in a protocol write-up,
  https://www.mhzhuji.com/zhuji_info_958/). Only the inquiry: never the messages that change a
  device's network settings, activate it or reset its password.

A reply is believed only when its source address is in scope; others are counted and dropped
(never recorded, never followed). What a believed reply points to (an SSDP LOCATION, ONVIF
XAddrs) is fetched later through the same guard, and only on the host that answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from custodiet.model.probe import ProbeRecord
from custodiet.scan.limits import RateLimiter
from custodiet.scan.probes import _uuid4, mdns_query, now_iso, ssdp_search, wsd_probe
from custodiet.scan.scope import OutOfScope, ScopeGuard
from custodiet.scan.wire import MAX_REPLY

SSDP_GROUP = ("239.255.255.250", 1900)
WSD_GROUP = ("239.255.255.250", 3702)
MDNS_GROUP = ("224.0.0.251", 5353)
SADP_GROUP = ("239.255.255.250", 37020)
MAX_REPLIES = 4096  # per protocol and interface: a flood is cut


@dataclass
class DiscoveryResult:
    replies: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)  # address -> (protocol, reply)
    ignored: int = 0


def sadp_inquiry() -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>'
        + _uuid4().upper()
        + "</Uuid><Types>inquiry</Types></Probe>"
    ).encode()


async def discover(
    guard: ScopeGuard, limiter: RateLimiter, sink: Callable[[ProbeRecord], None], *, timeout: float
) -> DiscoveryResult:
    """Ask each allowed interface once per protocol; collect believed replies for the window."""
    result = DiscoveryResult()
    window = max(2.0, timeout)
    tasks = []
    for _name, address in guard.multicast_interfaces:
        questions = [
            ("ssdp", SSDP_GROUP, ssdp_search("239.255.255.250:1900"), None),
            ("wsd", WSD_GROUP, wsd_probe(), None),
            ("mdns", MDNS_GROUP, mdns_query(), None),
            ("sadp", SADP_GROUP, sadp_inquiry(), SADP_GROUP),
        ]
        for protocol, group, request, listen in questions:
            tasks.append(
                _ask(guard, limiter, sink, result, address, protocol, group, request, listen, window)
            )
    await asyncio.gather(*tasks)
    return result


async def _ask(
    guard: ScopeGuard,
    limiter: RateLimiter,
    sink: Callable[[ProbeRecord], None],
    result: DiscoveryResult,
    interface: str,
    protocol: str,
    group: tuple[str, int],
    request: bytes,
    listen: tuple[str, int] | None,
    window: float,
) -> None:
    try:
        sock = guard.multicast_socket(interface, listen)
    except (OutOfScope, OSError):
        return
    loop = asyncio.get_running_loop()
    when, started = now_iso(), time.monotonic()
    try:
        await limiter.wait()
        try:
            guard.send_multicast(sock, request, group[0], group[1])
        except (OutOfScope, OSError):
            return
        end = time.monotonic() + window
        count = 0
        while count < MAX_REPLIES:
            remaining = end - time.monotonic()
            if remaining <= 0:
                break
            try:
                data, source = await asyncio.wait_for(loop.sock_recvfrom(sock, MAX_REPLY), remaining)
            except TimeoutError:
                break
            except OSError:
                continue
            if data == request:
                continue  # our own question, looped back by the group
            if protocol == "sadp" and b"<ProbeMatch" not in data[:512]:
                continue  # another tool's inquiry on the group, not an answer
            count += 1
            sender = str(source[0])
            if not guard.believes(sender):
                result.ignored += 1
                continue
            sink(
                ProbeRecord(
                    target=sender,
                    port=int(source[1]),
                    transport="udp",
                    protocol=protocol,
                    request=request,
                    reply=data,
                    time=when,
                    elapsed=time.monotonic() - started,
                    via="multicast",
                )
            )
            result.replies.setdefault(sender, []).append((protocol, data))
    finally:
        guard.release(sock)
        with contextlib.suppress(OSError):
            sock.close()
