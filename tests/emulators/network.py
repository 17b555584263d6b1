"""Start a set of emulated devices on loopback addresses, one address per device.

    with start_network() as net:
        for dev in net.devices:
            print(dev.address, dev.ports)

All servers run on one asyncio loop in a background thread. Linux routes all of
127.0.0.0/8 to lo, so each device gets its own 127.x.y.z without any setup. When the
process cannot bind ports below 1024 (not root), pass port_offset (e.g. 10000): port
80 then listens on 10080, and Device.ports records the real numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .profiles import PROFILE_DIR, Profile, load_profile, load_profiles
from .servers import UDP_PROTOCOLS, Context, HttpApp, tcp_handler
from .tlsutil import available as tls_available
from .tlsutil import server_context

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


@dataclass
class Device:
    """One running emulated device."""

    address: str
    profile: Profile
    ports: dict[str, int] = field(default_factory=dict)  # service name -> real port
    protocols: dict[str, str] = field(default_factory=dict)  # service name -> "tcp"/"udp"
    skipped: list[str] = field(default_factory=list)  # services not started (https without openssl)

    @property
    def name(self) -> str:
        return self.profile.name

    def port(self, service: str) -> int:
        return self.ports[service]

    def ports_of(self, kind: str) -> list[int]:
        """Real ports of every service of one kind ("http", "snmp", ...)."""
        return [self.ports[s.name] for s in self.profile.services if s.kind == kind]


class EmulatedNetwork:
    """Running devices; a context manager that stops them on exit."""

    def __init__(self, devices: list[Device]) -> None:
        self.devices = devices
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closers: list[Any] = []

    def __enter__(self) -> EmulatedNetwork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def device(self, name: str) -> Device:
        for dev in self.devices:
            if dev.name == name:
                return dev
        raise KeyError(name)

    @property
    def addresses(self) -> list[str]:
        return [d.address for d in self.devices]

    def start(self) -> None:
        ready = threading.Event()
        errors: list[BaseException] = []
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_all())
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop_all())
            loop.close()

        self._thread = threading.Thread(target=run, name="emulated-network", daemon=True)
        self._thread.start()
        ready.wait(120)
        if errors:
            self._thread.join(5)
            raise errors[0]

    async def _start_all(self) -> None:
        try:
            for dev in self.devices:
                await self._start_device(dev)
        except BaseException:
            await self._stop_all()
            raise

    async def _start_device(self, dev: Device) -> None:
        ctx = Context(address=dev.address, ports=dev.ports, profile=dev.profile)
        apps: dict[str, HttpApp] = {}
        loop = asyncio.get_running_loop()
        for svc in dev.profile.services:
            port = dev.ports[svc.name]
            if svc.kind == "https" and not tls_available():
                dev.skipped.append(svc.name)  # no openssl CLI: no certificate, no TLS service
                continue
            if svc.transport == "udp":
                transport, _ = await loop.create_datagram_endpoint(
                    lambda svc=svc: UDP_PROTOCOLS[svc.kind](ctx, svc.spec),
                    local_addr=(dev.address, port),
                    reuse_port=False,
                )
                self._closers.append(transport)
            else:
                ssl_ctx = (
                    server_context(_rendered_cert(ctx, svc.spec["cert"])) if svc.kind == "https" else None
                )
                server = await asyncio.start_server(
                    tcp_handler(ctx, svc, apps),
                    host=dev.address,
                    port=port,
                    ssl=ssl_ctx,
                    reuse_address=True,
                    limit=16384,
                )
                self._closers.append(server)

    async def _stop_all(self) -> None:
        for item in self._closers:
            item.close()
            if isinstance(item, asyncio.base_events.Server):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(item.wait_closed(), 2)
        self._closers.clear()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None


def _rendered_cert(ctx: Context, cert: dict[str, Any]) -> dict[str, Any]:
    """Fill templates in certificate names (a Dahua leaf is issued to the device's own IP)."""
    out = dict(cert)
    for key in ("subject", "issuer"):
        if key in out:
            out[key] = [[k, ctx.render(v).decode("utf-8")] for k, v in out[key]]
    return out


def worker_index() -> int:
    """pytest-xdist worker number (gw3 -> 3), 0 without xdist: parallel workers get
    disjoint address blocks so their emulators never fight over a port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = worker[2:] if worker.startswith("gw") else "0"
    return int(digits) if digits.isdigit() else 0


def default_offset() -> int:
    """0 as root (real ports), else 10000 so that 80 becomes 10080."""
    return 0 if hasattr(os, "geteuid") and os.geteuid() == 0 else 10000


def plan(
    profiles: Sequence[Profile],
    base: str = "127.0.0.",
    first: int = 20,
    port_offset: int = 0,
    allow: ipaddress.IPv4Network = LOOPBACK,
) -> list[Device]:
    """Assign addresses and real ports without binding anything.

    `allow` is 127.0.0.0/8 except for the netns module, which binds 198.18.0.0/15
    inside a namespace it created.
    """
    devices: list[Device] = []
    for i, prof in enumerate(profiles):
        address = f"{base}{first + i}"
        if ipaddress.ip_address(address) not in allow:
            raise ValueError(f"{address} is not a loopback address; emulators stay on 127.0.0.0/8")
        dev = Device(address=address, profile=prof)
        for svc in prof.services:
            real = svc.port + port_offset
            if not 0 < real < 65536:
                raise ValueError(f"{prof.name}.{svc.name}: port {real} out of range (offset {port_offset})")
            dev.ports[svc.name] = real
            dev.protocols[svc.name] = svc.transport
        devices.append(dev)
    return devices


def start_network(
    profiles: Iterable[Profile | str | Path] | None = None,
    base: str = "127.0.0.",
    first: int = 20,
    port_offset: int | None = 0,
) -> EmulatedNetwork:
    """Start devices (all profiles by default) on base+first, base+first+1, ...

    profiles may be Profile objects, profile names ("hikvision-ipc") or YAML paths.
    port_offset None means default_offset().
    """
    if profiles is None:
        chosen = load_profiles()
    else:
        chosen = []
        for item in profiles:
            if isinstance(item, Profile):
                chosen.append(item)
            elif isinstance(item, Path) or str(item).endswith(".yaml"):
                chosen.append(load_profile(Path(item)))
            else:
                matches = [p for p in load_profiles() if p.name == item]
                if not matches:
                    raise KeyError(f"no profile named {item!r} in {PROFILE_DIR}")
                chosen.append(matches[0])
    offset = default_offset() if port_offset is None else port_offset
    net = EmulatedNetwork(plan(chosen, base, first, offset))
    net.start()
    return net
