"""`custodiet identify` on one very long line that repeats a vendor name (issue 12, row 7).

Runs the real command in a child process per case and prints its wall time and peak memory
(ru_maxrss of the child) next to the line's size; the target is peak memory under 10x the
longest line. Usage: python bench/identify_long_line.py [--mb 15.6] [--fields F,F]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_FIELDS = "inventory.vendor,nmap.service,http.title,http.body,http.server"


def run_case(field: str, megabytes: float, folder: Path, word: str) -> tuple[float, int, int, str]:
    """(seconds, peak RSS bytes of the child, line bytes, first 120 bytes of the answer)."""
    text = word * int(megabytes * 1_000_000 / len(word))
    line = json.dumps({"id": 1, "field": field, "text": text}).encode() + b"\n"
    path = folder / "line.jsonl"
    path.write_bytes(line)
    del text
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: one fresh python per case.
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run([sys.executable, '-m', 'custodiet.cli.main', 'identify', sys.argv[1]],"
        " capture_output=True)\n"
        "took = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
        "sys.stdout.write(f'{took} {peak} {done.returncode}\\n')\n"
        "sys.stdout.buffer.write(done.stdout[:120])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, check=True)
    head, _, answer = result.stdout.partition(b"\n")
    took, peak, _code = head.split()
    return float(took), int(peak), len(line), answer.decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=15.6, help="line size in MB (default 15.6)")
    parser.add_argument("--fields", default=DEFAULT_FIELDS)
    parser.add_argument("--word", default="Hikvision ", help="the text repeated (default 'Hikvision ')")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for field in args.fields.split(","):
            took, peak, size, answer = run_case(field, args.mb, Path(tmp), args.word)
            print(
                f"{field:18} line {size / 1e6:6.1f} MB  {took:6.2f} s  peak {peak / 1e6:7.1f} MB "
                f"({peak / size:4.1f}x line)  {answer[:70]}"
            )


if __name__ == "__main__":
    main()
