"""Optional: put the emulated devices behind a veth pair in a network namespace.

On loopback a scanner sees no MAC addresses. Here each device gets its own macvlan
interface, with a MAC from its vendor's IEEE OUI block (the profile's `mac`) and an
address in 198.18.N.0/24 (RFC 2544 benchmarking space), all inside a namespace we
create and delete. A scanner in the root namespace then reports the MACs.

    root ns:  veth <prefix>h  198.18.N.1/24
                 |
    netns:    veth <prefix>n (no address) -- macvlan d20 (vendor MAC, 198.18.N.20) ...

Needs root and a kernel that allows `ip netns add`; `netns_available()` says whether
it does, so tests can skip cleanly. Traffic never leaves the namespace pair.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import stop_process

from .network import EmulatedNetwork, plan
from .profiles import Profile, load_profiles

REPO = Path(__file__).resolve().parents[2]
TEST_NET = ipaddress.ip_network("198.18.0.0/15")


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["ip", *args], capture_output=True, timeout=30, check=check)


def netns_available() -> bool:
    """True when we are root and may create (and delete) a network namespace."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    name = f"cemu-probe-{os.getpid()}"
    try:
        if _ip("netns", "add", name, check=False).returncode != 0:
            return False
        _ip("netns", "del", name, check=False)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


class NetnsNetwork:
    """Devices in one namespace, one macvlan (vendor MAC, own IP) each."""

    def __init__(self, profiles: list[Profile], subnet: int = 0, first: int = 20) -> None:
        self.profiles = profiles
        self.subnet = subnet
        self.first = first
        tag = f"{os.getpid() % 100000}"
        self.ns = f"cemu-{tag}-{subnet}"
        self.host_if = f"ce{tag}h{subnet}"[:15]
        self.peer_if = f"ce{tag}n{subnet}"[:15]
        self.base = f"198.18.{subnet}."
        self.proc: subprocess.Popen[bytes] | None = None
        self.devices = plan(profiles, base=self.base, first=first, port_offset=0, allow=TEST_NET)

    @property
    def addresses(self) -> list[str]:
        return [d.address for d in self.devices]

    def __enter__(self) -> NetnsNetwork:
        try:
            self._setup()
            self._serve()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _setup(self) -> None:
        ns, host, peer = self.ns, self.host_if, self.peer_if
        _ip("netns", "add", ns)
        _ip("link", "add", host, "type", "veth", "peer", "name", peer)
        _ip("link", "set", peer, "netns", ns)
        _ip("addr", "add", f"{self.base}1/24", "dev", host)
        _ip("link", "set", host, "up")
        nsexec = ["netns", "exec", ns]
        subprocess.run(
            ["ip", *nsexec, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1"], check=True, timeout=30
        )
        _ip(*nsexec, "ip", "link", "set", "lo", "up")
        _ip(*nsexec, "ip", "link", "set", peer, "up")
        for i, dev in enumerate(self.devices):
            name = f"d{self.first + i}"
            mac = (dev.profile.mac or f"02:00:00:00:{self.subnet:02x}:{self.first + i:02x}").lower()
            _ip(*nsexec, "ip", "link", "add", name, "link", peer, "type", "macvlan", "mode", "bridge")
            _ip(*nsexec, "ip", "link", "set", name, "address", mac)
            _ip(*nsexec, "ip", "addr", "add", f"{dev.address}/24", "dev", name)
            _ip(*nsexec, "ip", "link", "set", name, "up")

    def _serve(self) -> None:
        names = ",".join(p.name for p in self.profiles)
        self.proc = serve_in_namespace(
            self.ns,
            "tests.emulators.netns",
            ["--base", self.base, "--first", str(self.first), "--profiles", names],
        )

    def close(self) -> None:
        stop_process(self.proc)
        self.proc = None
        _ip("link", "del", self.host_if, check=False)
        _ip("netns", "del", self.ns, check=False)


def serve_in_namespace(ns: str, module: str, args: list[str]) -> subprocess.Popen[bytes]:
    """`python -m <module> serve <args>` inside namespace `ns`, once it prints "ready" (stopped by
    tests.processes.stop_process). It is told
    the namespace's inode and ours, so that it refuses to bind anything outside a child namespace
    (_in_child_namespace)."""
    expect = os.stat(f"/var/run/netns/{ns}").st_ino
    cmd = ["ip", "netns", "exec", ns, sys.executable, "-m", module, "serve", *args,
           "--expect-ns", str(expect), "--root-ns", str(os.stat("/proc/self/ns/net").st_ino)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != b"ready":
        err = proc.stderr.read() if proc.stderr else b""
        raise RuntimeError(f"{module} in {ns} did not start: {line!r} {err[-1500:]!r}")
    return proc


def _in_child_namespace(expect: int, root: int) -> bool:
    """Refuse to bind non-loopback addresses outside the namespace the parent created.

    The parent passes the inode of /var/run/netns/<name> and of its own namespace.
    """
    try:
        here = os.stat("/proc/self/ns/net").st_ino
    except OSError:
        return False
    return here == expect and here != root


def _serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument("--profiles", required=True)
    parser.add_argument("--expect-ns", type=int, required=True)
    parser.add_argument("--root-ns", type=int, required=True)
    args = parser.parse_args(argv)
    if not _in_child_namespace(args.expect_ns, args.root_ns):
        print("refusing: not inside a child network namespace", file=sys.stderr)
        return 2
    wanted = args.profiles.split(",")
    by_name = {p.name: p for p in load_profiles()}
    profiles = [by_name[n] for n in wanted]
    net = EmulatedNetwork(plan(profiles, base=args.base, first=args.first, port_offset=0, allow=TEST_NET))
    net.start()
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print("ready", flush=True)
    while not stop:
        time.sleep(0.2)
    net.stop()
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        raise SystemExit(_serve(sys.argv[2:]))
    raise SystemExit("usage: python -m tests.emulators.netns serve --base 198.18.0. --profiles a,b")
