"""custodiet's capture reader against tshark extracting the same fields, on one capture.

    python bench/pcap_vs_tshark.py [CAPTURE] [--size-mb 1100] [--keep]

Without CAPTURE, bench/gen_pcap.py writes a realistic one (at least 1 GB) to a temporary folder.
Each tool runs in its own process; the script prints wall seconds, MB/s and the peak RSS of
each (from wait4's rusage), and what each found. tshark is asked, in one pass, for the fields
the reader uses: frame.number, eth.src, ip.src, ip.dst, TCP and UDP ports, dns.qry.name,
tls.handshake.extensions_server_name, http.host, http.server, dhcp.option.hostname.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TSHARK_FIELDS = [
    "frame.number", "eth.src", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "udp.srcport",
    "udp.dstport", "dns.qry.name", "tls.handshake.extensions_server_name", "http.host", "http.server",
    "dhcp.option.hostname",
]  # fmt: skip

READER = """
import sys
from collections import Counter
from pathlib import Path
from custodiet.model import Contact
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.pcap import read
path = Path(sys.argv[1])
stats = ReadStats()
kinds = Counter()
for item in read(path, path.name, stats, SourceOptions()):
    kinds[item.kind if isinstance(item, Contact) else item.field] += 1
print(f"{stats.records} packets, {stats.observations} observations, {stats.contacts} contacts; "
      f"{dict(kinds.most_common(8))}; skipped {dict(stats.skipped)}")
"""


def measure(command: list[str], stdout: int | None = subprocess.PIPE) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, first output line) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
    output = b""
    if proc.stdout is not None:
        output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} failed with exit code {proc.returncode}")
    return took, usage.ru_maxrss / 1024, output.decode(errors="replace").strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("capture", nargs="?", type=Path)
    parser.add_argument("--size-mb", type=int, default=1100, help="size of the generated capture")
    parser.add_argument("--keep", action="store_true", help="keep the generated capture")
    args = parser.parse_args()
    tshark = shutil.which("tshark")
    if tshark is None:
        print("tshark is not installed (scripts/install-system-deps installs it)", file=sys.stderr)
        return 2
    folder = None
    capture = args.capture
    if capture is None:
        folder = Path(tempfile.mkdtemp(prefix="custodiet-bench-pcap-"))
        capture = folder / "bench.pcap"
        subprocess.run(
            [sys.executable, str(HERE / "gen_pcap.py"), str(capture), "--size-mb", str(args.size_mb)],
            check=True,
        )
    size_mb = capture.stat().st_size / 1e6
    try:
        ours = measure([sys.executable, "-c", READER, str(capture)])
        fields = [arg for field in TSHARK_FIELDS for arg in ("-e", field)]
        theirs = measure([tshark, "-r", str(capture), "-T", "fields", *fields], stdout=subprocess.DEVNULL)
    finally:
        if folder is not None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"capture: {capture} ({size_mb:,.0f} MB)")
    print(f"{'tool':<12} {'seconds':>9} {'MB/s':>8} {'peak RSS MB':>12}")
    for name, (took, rss, _out) in (("custodiet", ours), ("tshark", theirs)):
        print(f"{name:<12} {took:>9.1f} {size_mb / took:>8.0f} {rss:>12.0f}")
    print(f"custodiet found: {ours[2]}")
    print(f"speed-up over tshark: {theirs[0] / ours[0]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
