"""A host's country and services: the country most of its records name (the greater code on a
tie; a code in any case, nothing that is no code), and its services, the distinct ports of its
records that carry some text. Most hosts have one country and one port; those that do not are
counted apart (per_host.hosts), and both kinds are checked here, read both ways."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from custodiet.census.model import EngineOptions

from .conftest import census_rows

SSH = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3\n"


def record(address: str, cc: object, port: int, transport: str = "tcp", data: str | None = SSH) -> dict:
    out: dict = {"ip_str": address, "port": port, "transport": transport, "_shodan": {"module": "ssh"}}
    if data is not None:
        out["data"] = data
    if cc is not None:
        out["location"] = {"country_code": cc}
    return out


RECORDS = [
    # three records, two name Brazil (in two cases): Brazil; three ports: three services
    record("203.0.113.1", "BR", 22),
    record("203.0.113.1", "br", 2222),
    record("203.0.113.1", "AR", 8022),
    # a tie: the greater code; one port twice: one service
    record("203.0.113.2", "AR", 22),
    record("203.0.113.2", "CL", 22),
    # a code that is none is not counted; a port without text is no service
    record("203.0.113.3", "ZZZ", 22),
    record("203.0.113.3", "fr", 22),
    record("203.0.113.3", "FR", 23, data=None),
    # one country, one port over two transports: two services
    record("203.0.113.4", "AR", 22),
    record("203.0.113.4", "AR", 22, transport="udp"),
    # three service rows on two ports: two services
    record("203.0.113.6", "PT", 22),
    record("203.0.113.6", "PT", 22),
    record("203.0.113.6", "PT", 80),
    # one of everything: the common case
    record("203.0.113.5", "DE", 22),
]
EXPECTED = {  # country -> (hosts, services)
    "BR": (1, 3),
    "CL": (1, 1),
    "FR": (1, 1),
    "AR": (1, 2),
    "DE": (1, 1),
    "PT": (1, 2),
}


@pytest.mark.parametrize("typed_reader", [True, False], ids=["typed", "line by line"])
def test_country_and_services_of_each_host(context, tmp_path: Path, typed_reader: bool) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in RECORDS))
    rows = census_rows(context, [path], tmp_path / "out", EngineOptions(typed_reader=typed_reader))
    countries = {dict(r)["country"]: (dict(r)["hosts"], dict(r)["services"]) for r in rows["countries"]}
    assert countries == EXPECTED


def test_the_work_folder_goes_once_the_census_is_done(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import threading

    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in RECORDS))
    work = tmp_path / "work"
    work.mkdir()
    rows = census_rows(context, [path], tmp_path / "out", EngineOptions(work_dir=work))
    assert rows["countries"]
    for thread in threading.enumerate():
        if thread.name == "census-release":
            thread.join(10)
    assert list(work.iterdir()) == []


def test_what_lives_before_the_census_is_left_out_of_collections_while_it_runs(
    context, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import gc

    from custodiet.census.run import CensusRequest, census

    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in RECORDS))
    frozen: list[int] = []
    request = CensusRequest(paths=(path,), out=tmp_path / "out", html=False)
    census(request, context, progress=lambda label, done, finished: frozen.append(gc.get_freeze_count()))
    assert frozen and min(frozen) > 10_000  # the content, among others, while the census runs
    assert gc.get_freeze_count() == 0  # and back in the collections afterwards
