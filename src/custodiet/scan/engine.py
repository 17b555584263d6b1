"""Run a scan over its scope: hosts in parallel, each host's ports a few at a time, every probe
through the guard and the rate limiter, every reply to the replies file as soon as it comes.

Memory stays flat in the scope's size: addresses are drawn lazily from the scope by a fixed
pool of workers, and a host's state is dropped when the host is done. Ctrl-C (a cancelled
task) stops the workers; what was written stays, and the file's last record says the scan was
interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import orjson

from custodiet.model.probe import FORMAT_VERSION, HEADER_KEY, ProbeRecord
from custodiet.scan.discovery import DiscoveryResult, discover
from custodiet.scan.limits import DEFAULT_PER_HOST, DEFAULT_RATE, DEFAULT_TIMEOUT, RateLimiter
from custodiet.scan.probes import DEFAULT_TCP_PORTS, DEFAULT_UDP_PORTS, HostReport, Prober, now_iso
from custodiet.scan.scope import Scope, ScopeGuard
from custodiet.scan.snmp import SnmpCredentials

MAX_WORKERS = 4096

# progress(hosts done, hosts total)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ScanPlan:
    """What to scan and how politely."""

    scope: Scope
    tcp_ports: tuple[int, ...] = DEFAULT_TCP_PORTS
    udp_ports: tuple[int, ...] = DEFAULT_UDP_PORTS
    rate: float = DEFAULT_RATE
    timeout: float = DEFAULT_TIMEOUT
    per_host: int = DEFAULT_PER_HOST
    snmp: SnmpCredentials | None = None
    local_discovery: bool = False
    multicast_interfaces: tuple[tuple[str, str], ...] = ()  # (name, address) allowed for multicast
    assume_up: bool = False  # UDP probes also to hosts that answered nothing on TCP


@dataclass
class ScanSummary:
    hosts: int = 0
    hosts_done: int = 0
    hosts_up: int = 0
    records: int = 0
    connections: int = 0
    datagrams: int = 0
    refused: int = 0  # destinations the guard refused
    refused_examples: list[str] = field(default_factory=list)
    discovery_ignored: int = 0  # discovery replies from out-of-scope or excluded addresses
    interrupted: bool = False
    seconds: float = 0.0


class RepliesWriter:
    """The replies file: a header record, one record per probe, a trailer record."""

    def __init__(self, path: Path, plan: ScanPlan) -> None:
        self.path = path
        self.handle: BinaryIO = path.open("wb")
        self.records = 0
        header = {
            HEADER_KEY: FORMAT_VERSION,
            "started": now_iso(),
            "targets": list(plan.scope.texts),
            "exclude": list(plan.scope.exclude_texts),
            "tcp_ports": list(plan.tcp_ports),
            "udp_ports": list(plan.udp_ports),
            "rate": plan.rate,
            "timeout": plan.timeout,
            "per_host": plan.per_host,
            "local_discovery": plan.local_discovery,
            "snmp": bool(plan.snmp),
        }
        self.handle.write(orjson.dumps(header) + b"\n")

    def write(self, record: ProbeRecord) -> None:
        self.handle.write(orjson.dumps(record.to_json()) + b"\n")
        self.records += 1

    def flush(self) -> None:
        self.handle.flush()

    def close(self, summary: ScanSummary) -> None:
        trailer = {
            "custodiet_scan_end": {
                "finished": now_iso(),
                "hosts": summary.hosts,
                "hosts_done": summary.hosts_done,
                "hosts_up": summary.hosts_up,
                "records": self.records,
                "refused": summary.refused,
                "discovery_ignored": summary.discovery_ignored,
                "interrupted": summary.interrupted,
            }
        }
        self.handle.write(orjson.dumps(trailer) + b"\n")
        self.handle.close()


async def run_scan(plan: ScanPlan, writer: RepliesWriter, progress: Progress | None = None) -> ScanSummary:
    """Scan every address in scope; return the summary (also when cancelled: then interrupted)."""
    started = time.monotonic()
    guard = ScopeGuard(plan.scope, plan.multicast_interfaces if plan.local_discovery else ())
    limiter = RateLimiter(plan.rate)
    summary = ScanSummary(hosts=plan.scope.size())
    prober = Prober(
        guard, limiter, writer.write, timeout=plan.timeout, per_host=plan.per_host, snmp=plan.snmp
    )
    found = DiscoveryResult()
    try:
        if plan.local_discovery and guard.multicast_interfaces:
            found = await discover(guard, limiter, writer.write, timeout=plan.timeout)
            summary.discovery_ignored = found.ignored
            writer.flush()
        addresses = plan.scope.addresses()
        workers = worker_count(plan, summary.hosts)
        if progress:
            progress(0, summary.hosts)
        await asyncio.gather(
            *(_worker(addresses, prober, plan, found, writer, summary, progress) for _ in range(workers))
        )
    except asyncio.CancelledError:
        summary.interrupted = True
    finally:
        summary.seconds = time.monotonic() - started
        summary.connections = guard.counts.connections
        summary.datagrams = guard.counts.datagrams
        summary.refused = guard.counts.refused
        summary.refused_examples = list(guard.counts.refused_examples)
        summary.records = writer.records
    return summary


def worker_count(plan: ScanPlan, hosts: int) -> int:
    """Hosts scanned at once: enough that the rate limiter always has connects waiting (a quiet
    network's connects each sit out the timeout, and a host's ports go out a few at a time), and
    no more than the open-file limit allows."""
    ports = max(1, len(plan.tcp_ports))
    waves = -(-ports // plan.per_host)
    per_host_open = min(plan.per_host, ports)
    wanted = int(2 * plan.rate * (plan.timeout + 0.5) * waves / ports) + 1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # as nmap and masscan do
            soft = hard
    allowed = (soft - 256) // (per_host_open + 1) if soft != resource.RLIM_INFINITY else MAX_WORKERS
    return max(1, min(MAX_WORKERS, hosts, wanted, allowed))


async def _worker(
    addresses: Iterator[str],
    prober: Prober,
    plan: ScanPlan,
    found: DiscoveryResult,
    writer: RepliesWriter,
    summary: ScanSummary,
    progress: Progress | None,
) -> None:
    for address in addresses:
        host = HostReport(address)
        await scan_host(prober, plan, host, found)
        summary.hosts_done += 1
        summary.hosts_up += host.up
        writer.flush()
        if progress:
            progress(summary.hosts_done, summary.hosts)


async def scan_host(prober: Prober, plan: ScanPlan, host: HostReport, found: DiscoveryResult) -> None:
    """Every port of one host, at most plan.per_host at once."""
    gate = asyncio.Semaphore(plan.per_host)

    async def tcp(port: int) -> None:
        async with gate:
            await prober.tcp_port(host, port)

    async def udp(port: int) -> None:
        async with gate:
            await prober.udp_port(host, port)

    await asyncio.gather(*(tcp(port) for port in plan.tcp_ports))
    discovered = found.replies.get(host.address, [])
    if discovered:
        host.up = True
    udp_ports = list(plan.udp_ports)
    if plan.snmp is not None and 161 not in udp_ports:
        udp_ports.append(161)  # credentials given: SNMP was asked for
    # UDP goes to hosts that showed themselves (or to all: --assume-up, or no TCP port asked).
    if udp_ports and (host.up or plan.assume_up or not plan.tcp_ports):
        await asyncio.gather(*(udp(port) for port in udp_ports))
    for protocol, reply in discovered:
        if protocol == "ssdp":
            await prober.follow_ssdp(host, reply)
        elif protocol == "wsd":
            await prober.follow_wsd(host, reply)
