"""Every option that changes what an audit concludes is part of the key that decides whether a run
is a repeat: a corrected --map must not return the old result."""

from __future__ import annotations

from pathlib import Path

from custodiet.pipeline.audit import AuditRequest, audit
from custodiet.pipeline.context import load_context
from custodiet.sources.base import SourceOptions
from custodiet.store import Store


def test_a_corrected_map_is_a_new_run_and_the_same_map_a_repeat(tmp_path: Path) -> None:
    inventory = tmp_path / "cmdb.csv"
    inventory.write_text(
        "Host IP,Maker Name,Where\n10.0.0.5,Hikvision,HQ\n10.0.0.6,Cisco,HQ\n", encoding="utf-8"
    )
    db = tmp_path / "inventory.sqlite"
    context = load_context()

    def run(column_map: dict[str, str], strict: bool = False):  # type: ignore[no-untyped-def]
        options = SourceOptions(column_map=column_map, strict=strict)
        return audit(AuditRequest(paths=(inventory,), db=db, source_options=options), context)

    first = run({"address": "Host IP"})
    corrected = run({"address": "Host IP", "vendor": "Maker Name", "site": "Where"})
    repeat = run({"vendor": "Maker Name", "site": "Where", "address": "Host IP"})  # same map, other order
    strict = run({"address": "Host IP", "vendor": "Maker Name", "site": "Where"}, strict=True)
    assert not first.reused and not corrected.reused and corrected.run_id != first.run_id
    assert repeat.reused and repeat.run_id == corrected.run_id
    assert not strict.reused and strict.run_id not in (first.run_id, corrected.run_id)
    with Store(db) as store:
        before = store.load_run(first.run_id)
        after = store.load_run(corrected.run_id)
        infos = {i.id: i for i in store.runs()}
    assert not any(d.covered for d in before.devices)
    camera = next(d for d in after.devices if d.addresses == ("10.0.0.5",))
    assert camera.identity.manufacturer == "Hikvision" and camera.site == "HQ"
    assert after.options == (("map", "address=Host IP; site=Where; vendor=Maker Name"),)
    assert infos[first.run_id].profile == "us-federal"
