"""`custodiet scan`: probe the scope, write the replies file, then audit it like any input.

The scan's replies file is an input of the ordinary audit (with any other inputs the user adds),
so a scan is stored as a run and judged exactly like an audit: same identification, findings,
store and reports. Ctrl-C stops the probing and keeps what was found: the partial replies file
is audited all the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from custodiet.errors import UsageError
from custodiet.pipeline.audit import AuditRequest, AuditResult, Progress, audit
from custodiet.pipeline.context import Context
from custodiet.scan.engine import RepliesWriter, ScanPlan, ScanSummary, run_scan
from custodiet.sources.base import SourceOptions

ScanProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class ScanRequest:
    plan: ScanPlan
    db: Path
    replies: Path  # where the raw replies go (JSON Lines)
    inputs: tuple[Path, ...] = ()  # other files audited together with the scan
    source_options: SourceOptions = field(default_factory=SourceOptions)


@dataclass
class ScanResult:
    summary: ScanSummary
    replies: Path
    audit: AuditResult


def default_replies_path(db: Path) -> Path:
    """<inventory folder>/scans/scan-<UTC time>.jsonl"""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return db.parent / "scans" / f"scan-{stamp}.jsonl"


def probe(plan: ScanPlan, replies: Path, progress: ScanProgress | None = None) -> ScanSummary:
    """Run the probes (blocking); Ctrl-C ends them and keeps the file."""
    replies.parent.mkdir(parents=True, exist_ok=True)
    try:
        writer = RepliesWriter(replies, plan)
    except OSError as exc:
        raise UsageError(f"cannot write the replies file {replies}: {exc.strerror}") from None
    summary = ScanSummary(hosts=plan.scope.size())
    try:
        summary = asyncio.run(run_scan(plan, writer, progress))
    except KeyboardInterrupt:
        summary.interrupted = True
        summary.records = writer.records
    finally:
        writer.close(summary)
    return summary


def scan(
    request: ScanRequest,
    context: Context,
    scan_progress: ScanProgress | None = None,
    audit_progress: Progress | None = None,
) -> ScanResult:
    """Probe, then audit the replies (and the other inputs) into one run."""
    summary = probe(request.plan, request.replies, scan_progress)
    result = audit(
        AuditRequest(
            paths=(request.replies, *request.inputs),
            db=request.db,
            source_options=request.source_options,
        ),
        context,
        audit_progress,
    )
    return ScanResult(summary, request.replies, result)
