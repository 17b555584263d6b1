"""`custodiet scan` of a /16 that is almost all silence: time and memory at the default rate.

Two network namespaces: the scanner's, whose route to 198.18.0.0/16 goes over a veth pair to a
"sink" namespace that does not forward, so a SYN to any address there vanishes without an
answer (the way a quiet network behaves: every connection runs into its timeout). A few
emulated devices live in the sink at 198.18.7.20-23, so the scan finds something. Nothing
leaves the namespace pair.

Prints: seconds, hosts per second, connections, peak resident memory of the scanning process,
devices found. Run as root: .venv/bin/python bench/scan_silent.py [--prefix 16] [--ports LIST]
(--prefix 20 gives a quick look at a /20).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TAG = f"{os.getpid() % 100000}"
SCANNER, SINK = f"cbss-{TAG}", f"cbsk-{TAG}"
A, B = f"bs{TAG}a", f"bs{TAG}b"
PROFILES = ["hikvision-ipc", "dahua-ipc", "huawei-ont", "axis-camera"]


def ip(*args: str, check: bool = True) -> None:
    subprocess.run(["ip", *args], check=check, capture_output=True, timeout=30)


def setup() -> None:
    ip("netns", "add", SCANNER)
    ip("netns", "add", SINK)
    ip("link", "add", A, "type", "veth", "peer", "name", B)
    ip("link", "set", A, "netns", SCANNER)
    ip("link", "set", B, "netns", SINK)
    ip("netns", "exec", SCANNER, "ip", "link", "set", "lo", "up")
    ip("netns", "exec", SCANNER, "ip", "addr", "add", "198.19.255.1/30", "dev", A)
    ip("netns", "exec", SCANNER, "ip", "link", "set", A, "up")
    ip("netns", "exec", SCANNER, "ip", "route", "add", "198.18.0.0/16", "via", "198.19.255.2")
    ip("netns", "exec", SINK, "ip", "link", "set", "lo", "up")
    ip("netns", "exec", SINK, "ip", "addr", "add", "198.19.255.2/30", "dev", B)
    for n in range(len(PROFILES)):
        ip("netns", "exec", SINK, "ip", "addr", "add", f"198.18.7.{20 + n}/32", "dev", B)
    ip("netns", "exec", SINK, "ip", "link", "set", B, "up")
    subprocess.run(["ip", "netns", "exec", SINK, "sysctl", "-qw", "net.ipv4.ip_forward=0"], check=True)


def teardown() -> None:
    ip("netns", "del", SCANNER, check=False)
    ip("netns", "del", SINK, check=False)


def serve() -> None:
    """The devices (run inside the sink namespace)."""
    from tests.emulators.netns import TEST_NET
    from tests.emulators.network import EmulatedNetwork, plan
    from tests.emulators.profiles import load_profiles

    by_name = {p.name: p for p in load_profiles()}
    net = EmulatedNetwork(plan([by_name[n] for n in PROFILES], "198.18.7.", 20, 0, allow=TEST_NET))
    net.start()
    print("ready", flush=True)
    sys.stdin.read()
    net.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", type=int, default=16)
    parser.add_argument("--ports", default="22,23,80,554,8443")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    if os.geteuid() != 0:
        print("needs root (network namespaces)", file=sys.stderr)
        return 2
    try:
        setup()
        child = subprocess.Popen(
            ["ip", "netns", "exec", SINK, sys.executable, __file__, "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT,
        )  # fmt: skip
        assert child.stdout is not None and child.stdin is not None
        if child.stdout.readline().strip() != b"ready":
            print("emulators did not start", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            target = f"198.18.0.0/{args.prefix}"
            if args.prefix > 21:
                target = f"198.18.7.0/{args.prefix}"
            cmd = ["ip", "netns", "exec", SCANNER, str(Path(sys.executable).with_name("custodiet")), "scan", target,
                   "--ports", args.ports, "--db", str(work / "db.sqlite"), "--replies", str(work / "r.jsonl"),
                   "--json", str(work / "r.json"), "-q"]  # fmt: skip
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            started = time.monotonic()
            run = subprocess.run(cmd, capture_output=True)
            seconds = time.monotonic() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if run.returncode not in (0, 1):
                print(run.stderr.decode()[-3000:], file=sys.stderr)
                return 1
            lines = [orjson.loads(x) for x in (work / "r.jsonl").read_bytes().splitlines()]
            trailer = lines[-1]["custodiet_scan_end"]
            report = orjson.loads((work / "r.json").read_bytes())
        child.stdin.close()
        child.wait(30)
    finally:
        teardown()
    hosts = trailer["hosts"]
    identified = sorted(
        (d["addresses"][0], d["manufacturer"]) for d in report["devices"] if d["manufacturer"]
    )
    print(
        f"scan of {target}: {hosts} addresses x {len(args.ports.split(','))} ports, default rate and timeout"
    )
    print(f"  time                  {seconds:.1f} s ({hosts / seconds:.0f} hosts/s)")
    print(
        f"  peak memory (RSS)     {peak / 1024:.0f} MiB{' (a child used more before)' if before > peak else ''}"
    )
    print(f"  hosts that answered   {trailer['hosts_up']}; probe records {trailer['records']}")
    print(f"  devices identified    {identified}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
