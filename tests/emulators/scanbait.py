"""Servers that test a scanner's manners: decoys that must never be contacted, and devices that
misbehave (redirects and discovery answers pointing out of scope, slowloris replies, huge and
malformed replies).

    with Bait() as bait:
        decoy = bait.decoy("127.0.41.5", tcp=[80, 554], udp=[1900])
        bait.redirector("127.0.40.9", to="http://127.0.41.5/")
        ...
        assert bait.contacts == []   # nobody touched a decoy

Decoys listen on every port a scanner might try and record each connection and datagram
(address, port, transport) before closing; a test that sees any entry in `contacts` failed
its scope guard. Everything runs on one asyncio loop in a background thread, on loopback
addresses (or on the namespace addresses of a test that made them).

The misbehaving replies are synthetic on purpose (they describe no vendor): their point is
their shape, not their words.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Contact:
    address: str  # the decoy address that was contacted
    port: int
    transport: str
    peer: str  # who contacted it


class _DecoyUdp(asyncio.DatagramProtocol):
    def __init__(self, bait: Bait, address: str, port: int) -> None:
        self.bait, self.address, self.port = bait, address, port

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.bait.contacts.append(Contact(self.address, self.port, "udp", addr[0]))


class _Reply(asyncio.DatagramProtocol):
    """Answers every datagram with answer(data) (None: silence)."""

    def __init__(self, answer: Callable[[bytes], bytes | None]) -> None:
        self.answer = answer
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        reply = self.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Coroutine[Any, Any, None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    data = b""
    with contextlib.suppress(TimeoutError, ConnectionError):
        while b"\r\n\r\n" not in data and len(data) < 16384:
            chunk = await asyncio.wait_for(reader.read(4096), 5)
            if not chunk:
                break
            data += chunk
    return data


def http_reply(status: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode() + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


class Bait:
    """A loop thread serving decoys and misbehaving devices; `contacts` lists decoy hits."""

    def __init__(self) -> None:
        self.contacts: list[Contact] = []
        self.requests: list[tuple[str, int, bytes]] = []  # (address, port, request) seen by baits
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="scanbait", daemon=True)
        self._closers: list[Any] = []

    def __enter__(self) -> Bait:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            for item in self._closers:
                item.close()
            # Handlers still serving (slowloris, floods) end here rather than being destroyed
            # pending when the loop stops.
            current = asyncio.current_task()
            pending = [task for task in asyncio.all_tasks() if task is not current]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def tcp(self, address: str, port: int, handler: Handler) -> None:
        async def start() -> None:
            server = await asyncio.start_server(handler, address, port, reuse_address=True)
            self._closers.append(server)

        self._run(start())

    def udp(self, address: str, port: int, factory: Callable[[], asyncio.DatagramProtocol]) -> None:
        async def start() -> None:
            transport, _ = await self._loop.create_datagram_endpoint(factory, local_addr=(address, port))
            self._closers.append(transport)

        self._run(start())

    # ------------------------------------------------------------------ decoys

    def decoy(self, address: str, tcp: list[int], udp: list[int] = ()) -> None:  # type: ignore[assignment]
        """Listen on these ports and record every contact."""
        for port in tcp:

            async def hit(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int = port
            ) -> None:
                peer = writer.get_extra_info("peername")
                self.contacts.append(Contact(address, port, "tcp", str(peer[0]) if peer else "?"))
                writer.close()

            self.tcp(address, port, hit)
        for port in udp:
            self.udp(address, port, lambda port=port: _DecoyUdp(self, address, port))

    # ------------------------------------------------------------------ misbehaving devices

    def recorder(self, address: str, port: int, reply: bytes) -> None:
        """Answer every HTTP request with `reply`, keeping the request."""

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request = await _read_request(reader)
            self.requests.append((address, port, request))
            with contextlib.suppress(ConnectionError):
                writer.write(reply)
                await writer.drain()
            writer.close()

        self.tcp(address, port, handle)

    def redirector(self, address: str, port: int, routes: dict[str, str]) -> None:
        """GET path -> 302 to routes[path]; other paths 200 with a small page."""

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request = await _read_request(reader)
            self.requests.append((address, port, request))
            parts = request.split(b" ", 2)
            path = parts[1].decode("latin-1") if len(parts) > 2 else "/"
            if path in routes:
                reply = http_reply("302 Found", [("Location", routes[path]), ("Server", "bait-redirector")])
            else:
                body = b"<html><head><title>bait landing " + path.encode() + b"</title></head></html>"
                reply = http_reply(
                    "200 OK", [("Server", "bait-redirector"), ("Content-Type", "text/html")], body
                )
            with contextlib.suppress(ConnectionError):
                writer.write(reply)
                await writer.drain()
            writer.close()

        self.tcp(address, port, handle)

    def slowloris(
        self,
        address: str,
        port: int,
        first: bytes,
        drip: bytes = b"x",
        every: float = 0.3,
        seconds: float = 60.0,
    ) -> None:
        """Send `first`, then one byte of `drip` every `every` seconds for a long time."""

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                writer.write(first)
                await writer.drain()
                loop = asyncio.get_running_loop()
                end = loop.time() + seconds
                while loop.time() < end and not writer.is_closing():
                    await asyncio.sleep(every)
                    writer.write(drip)
                    await writer.drain()
            writer.close()

        self.tcp(address, port, handle)

    def flood(self, address: str, port: int, head: bytes, size: int, chunk: bytes = b"A" * 65536) -> None:
        """Send `head` then `size` bytes as fast as the peer reads them."""

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                writer.write(head)
                sent = 0
                while sent < size and not writer.is_closing():
                    writer.write(chunk)
                    sent += len(chunk)
                    await writer.drain()
            writer.close()

        self.tcp(address, port, handle)

    def speaks_first(self, address: str, port: int, data: bytes) -> None:
        """Send `data` on connect, then close."""

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                writer.write(data)
                await writer.drain()
            writer.close()

        self.tcp(address, port, handle)

    def udp_answer(self, address: str, port: int, answer: Callable[[bytes], bytes | None]) -> None:
        self.udp(address, port, lambda: _Reply(answer))
