"""The scope: target forms, exclusions, iteration, and the guard's refusals."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from custodiet.errors import UsageError
from custodiet.scan.scope import MAX_HOSTS, OutOfScope, Scope, ScopeGuard, parse_ports


def fake_resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(name: str) -> list[str]:
        if name not in table:
            raise UsageError(f"cannot resolve target {name!r}")
        return table[name]

    return resolve


def test_forms_of_targets() -> None:
    scope = Scope.parse(
        ["10.0.0.0/30", "10.0.1.5-7", "10.0.2.250-10.0.3.1", "192.0.2.9", "cam.lan", "2001:db8::1"],
        resolve=fake_resolver({"cam.lan": ["198.51.100.7"]}),
    )
    assert list(scope.addresses()) == [
        "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.1.5", "10.0.1.6", "10.0.1.7",
        "10.0.2.250", "10.0.2.251", "10.0.2.252", "10.0.2.253", "10.0.2.254", "10.0.2.255", "10.0.3.0",
        "10.0.3.1", "192.0.2.9", "198.51.100.7", "2001:db8::1",
    ]  # fmt: skip
    assert scope.size() == 18
    assert scope.allows("198.51.100.7") and not scope.allows("198.51.100.8")
    assert scope.allows("::ffff:10.0.0.2")  # an IPv4-mapped IPv6 address is that IPv4 address
    assert not scope.allows("not an address")


def test_exclusions_win_and_are_skipped_lazily() -> None:
    scope = Scope.parse(["10.1.0.0/16"], ["10.1.0.0/24", "10.1.5.5", "10.1.255.0-255"])
    assert scope.size() == 65536 - 256 - 1 - 256
    addresses = scope.addresses()
    assert next(addresses) == "10.1.1.0"
    assert not scope.allows("10.1.5.5") and scope.allows("10.1.5.6")
    assert sum(1 for _ in scope.addresses()) == scope.size()
    assert not scope.allows("10.2.0.1")


def test_targets_file(tmp_path: Path) -> None:
    path = tmp_path / "targets.txt"
    path.write_text("# office\n10.0.0.1, 10.0.0.2  # two\n\n10.0.0.8/31\n")
    assert list(Scope.parse([str(path)]).addresses()) == ["10.0.0.1", "10.0.0.2", "10.0.0.8", "10.0.0.9"]
    assert Scope.parse([f"@{path}"]).size() == 4
    bad = tmp_path / "bad.txt"
    bad.write_text("10.0.0.1\nnot/a/net\n")
    with pytest.raises(UsageError, match=r"bad\.txt: line 2"):
        Scope.parse([str(bad)])


@pytest.mark.parametrize(
    "target",
    ["10.0.0.9-3", "10.0.0.1-2001:db8::1", "10.0.0.0/33", "ev!l;name", "10.0.0.1-300"],
)
def test_bad_targets_are_usage_errors(target: str) -> None:
    with pytest.raises(UsageError):
        Scope.parse([target], resolve=fake_resolver({}))


def test_too_large_or_empty_scopes_are_refused() -> None:
    with pytest.raises(UsageError, match="more than"):
        Scope.parse(["10.0.0.0/7"])
    assert Scope.parse(["10.0.0.0/8"]).size() == MAX_HOSTS
    with pytest.raises(UsageError, match="excluded"):
        Scope.parse(["10.0.0.1"], ["10.0.0.0/24"])
    with pytest.raises(UsageError, match="no targets"):
        Scope.parse([])


def test_covers_network() -> None:
    import ipaddress

    scope = Scope.parse(["192.0.2.0/24"], ["192.0.2.7"])
    assert scope.covers_network(ipaddress.ip_network("192.0.2.0/24"))
    assert scope.covers_network(ipaddress.ip_network("192.0.2.128/25"))
    assert not scope.covers_network(ipaddress.ip_network("192.0.0.0/16"))


def test_ports() -> None:
    assert parse_ports(None, (80,), (1900,)) == ([80], [1900])
    assert parse_ports("22,80-82,U:161,1900,T:443", (), ()) == ([22, 80, 81, 82, 443], [161, 1900])
    assert parse_ports("80", (1,), (2,)) == ([80], [])
    for bad in ("0", "70000", "a", "90-80"):
        with pytest.raises(UsageError):
            parse_ports(bad, (), ())


def test_guard_refuses_before_any_socket_exists() -> None:
    guard = ScopeGuard(Scope.parse(["127.0.0.0/30"], ["127.0.0.2"]))

    async def attempt(address: str) -> str:
        try:
            await guard.open_connection(address, 9, timeout=1)
        except OutOfScope:
            return "refused"
        except OSError:
            return "tried"
        return "connected"

    assert asyncio.run(attempt("127.0.0.2")) == "refused"
    assert asyncio.run(attempt("127.0.0.9")) == "refused"
    assert asyncio.run(attempt("127.0.0.1")) == "tried"  # allowed: nothing listens on port 9
    assert guard.counts.refused == 2 and guard.counts.connections == 1
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with sock, pytest.raises(OutOfScope):
        guard.connect_udp(sock, "127.0.0.2", 161)
    with pytest.raises(OutOfScope):
        guard.multicast_socket("127.0.0.1")  # no interface was allowed for multicast
    assert guard.counts.datagrams == 0
