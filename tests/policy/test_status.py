"""One word, one meaning: a device is covered when it has a covered finding, needs review when its
only list findings are verify findings, and neither otherwise; the sample network shows it."""

from __future__ import annotations

from pathlib import Path

from custodiet.model import Device, Finding, Identity
from custodiet.pipeline.audit import AuditRequest, audit
from custodiet.pipeline.context import load_context
from custodiet.policy.status import judged, status
from custodiet.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _finding(severity: str) -> Finding:
    return Finding("ip:10.0.0.1", "l:e", "l", "entity", "reason", "scope", severity)


def test_status_from_findings() -> None:
    assert status([]) == (False, False)
    assert status([_finding("verify")]) == (False, True)
    assert status([_finding("verify"), _finding("covered")]) == (True, False)
    assert status([_finding("advisory"), _finding("watch")]) == (False, False)
    device = Device("ip:10.0.0.1", ("10.0.0.1",), None, (), (), Identity(), covered=True)
    assert judged(device, [_finding("verify")]) == Device(
        "ip:10.0.0.1", ("10.0.0.1",), None, (), (), Identity(), covered=False, review=True
    )


def test_the_sample_networks_weak_relabel_needs_review_and_counts_agree(tmp_path: Path) -> None:
    db = tmp_path / "inventory.sqlite"
    result = audit(
        AuditRequest(
            paths=(ROOT / "examples" / "sample-network.xml", ROOT / "examples" / "inventory.csv"), db=db
        ),
        load_context(),
    )
    with Store(db) as store:
        run = store.load_run(result.run_id)
        info = store.runs()[-1]
    by_device: dict[str, set[str]] = {}
    for finding in run.findings:
        by_device.setdefault(finding.device, set()).add(finding.severity)
    for device in run.devices:
        severities = by_device.get(device.id, set())
        assert device.covered == ("covered" in severities), device.id
        assert device.review == ("covered" not in severities and "verify" in severities), device.id
    assert info.covered == sum(d.covered for d in run.devices)
    assert info.review == sum(d.review for d in run.devices)
    # The Amcrest doorbell of the inventory is a weakly linked relabel: it needs review.
    amcrest = next(
        d for d in run.devices if d.identity.manufacturer == "Amcrest" or d.identity.brand == "Amcrest"
    )
    assert amcrest.review and not amcrest.covered
