"""Benchmark: the dashboard and the static HTML report over a 100,000-host inventory.

Audits a generated 100,000-host nmap scan (bench/gen_nmap.py) into an inventory (or uses --db if
it exists), starts `custodiet serve` on loopback, and times the first page of /devices and
/devices.json (default sort, covered only, a search, a deep page) and the other pages, each
twice (first answer and again); then reads the server's peak RSS (VmHWM). Last, it writes the
run's static HTML report and prints its size, and how long Chromium takes to load it when Debian's
chromium and Playwright are there.

Targets (issue 10): first page of /devices and /devices.json under 1 s each; dashboard memory
under 300 MB; the HTML report under 10 MB and usable.

Run: .venv/bin/python bench/dashboard_scale.py [--hosts 100000] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = (
    "/devices",
    "/devices.json",
    "/devices?status=covered",
    "/devices.json?covered=1",
    "/devices?q=hikvision&sort=address",
    "/devices?page=500",
    "/devices?sort=site&order=desc",
    "/",
    "/findings",
    "/sites",
    "/runs",
    "/diff",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:  # /diff of a single run answers 400: timed all the same
        body, status = exc.read(), exc.code
    return time.perf_counter() - started, status, len(body)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="an inventory to use (audited here when it does not exist)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="custodiet-dashboard-"))
    try:
        db = args.db or work / "inventory.sqlite"
        if not db.exists():
            xml = work / "scan.xml"
            subprocess.run(
                [sys.executable, str(HERE / "gen_nmap.py"), str(xml), "--hosts", str(args.hosts)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "custodiet.cli.main", "audit", str(xml), "--db", str(db), "--quiet"],
                check=True,
            )
            print(f"audited {args.hosts:,} hosts in {time.perf_counter() - started:.0f} s -> {db}")
            xml.unlink()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "custodiet.cli.main", "serve", "--db", str(db), "--port", str(port)],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    fetch(base + "/runs.json")
                    break
                except OSError:
                    time.sleep(0.1)
            worst = {"/devices": 0.0, "/devices.json": 0.0}
            for path in PAGES:
                first, status, size = fetch(base + path)
                again, _, _ = fetch(base + path)
                print(
                    f"GET {path:38s} {status}  first {first * 1000:7.0f} ms, again {again * 1000:7.0f} ms, {size / 1024:8.1f} KiB"
                )
                if path in worst:
                    worst[path] = max(first, again)
            rss = peak_rss_mib(server.pid)
            print(
                f"first page: /devices {worst['/devices']:.2f} s, /devices.json {worst['/devices.json']:.2f} s "
                f"(target < 1 s); dashboard peak RSS {rss:.0f} MiB (target < 300 MiB)"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        html = work / "report.html"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "custodiet.cli.main", "report", "--db", str(db), "--html", str(html)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        made = time.perf_counter() - started
        size = html.stat().st_size
        print(f"static HTML report: {size / 1e6:.1f} MB (target < 10 MB), written in {made:.0f} s")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            sync_playwright = None  # type: ignore[assignment]
        if sync_playwright is not None and os.path.exists(chromium):
            flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]  # fmt: skip
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=flags)
                page = browser.new_page()
                started = time.perf_counter()
                page.goto(html.as_uri(), wait_until="load", timeout=300_000)
                page.wait_for_selector("#page-info")
                loaded = time.perf_counter() - started
                shown = page.eval_on_selector_all("#devices > tbody:not([hidden])", "b => b.length")
                started = time.perf_counter()
                page.fill("#filter", "hikvision")
                filtered = time.perf_counter() - started
                browser.close()
            print(
                f"  Chromium: loaded and paged in {loaded:.1f} s ({shown} rows on the first page), filter {filtered:.2f} s"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
