"""SNMP GET of the system group's identity (sysDescr.0, sysObjectID.0, sysName.0), only with the
credentials the user gave: communities (v1, v2c) or one SNMPv3 user (USM, RFC 3414: noAuthNoPriv,
authNoPriv with HMAC-MD5/SHA-1/SHA-2 (RFC 7860), authPriv with AES-128 (RFC 3826)). Nothing is
ever guessed: without credentials no SNMP datagram leaves the scan.

Messages are built and read with a few lines of BER (RFC 1157, RFC 3416, RFC 3412). An SNMPv3
reply's plaintext scoped PDU (decrypted when the user gave a privacy key) is handed over with the
wire bytes, so the replies source reads SNMPv3 answers like v2c ones; keys never leave this module.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

SYSTEM_OIDS = ("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0")
GET_REQUEST = 0xA0
GET_RESPONSE = 0xA2
REPORT = 0xA8

# auth protocol -> (hash name, length of msgAuthenticationParameters)
AUTH = {"MD5": ("md5", 12), "SHA": ("sha1", 12), "SHA-224": ("sha224", 16), "SHA-256": ("sha256", 24),
        "SHA-384": ("sha384", 32), "SHA-512": ("sha512", 48)}  # fmt: skip
PRIV = ("AES",)  # AES-128-CFB; DES is not offered (broken, and deprecated by RFC 3414's successors)


class SnmpError(ValueError):
    """A reply that is not the SNMP message expected."""


@dataclass(frozen=True)
class SnmpV3User:
    user: str
    auth_protocol: str | None = None  # a key of AUTH
    auth_password: str | None = None
    priv_protocol: str | None = None  # "AES"
    priv_password: str | None = None

    def __post_init__(self) -> None:
        if self.auth_protocol is not None and self.auth_protocol not in AUTH:
            raise ValueError(f"SNMPv3 authentication protocol must be one of {', '.join(AUTH)}")
        if self.priv_protocol is not None and self.priv_protocol not in PRIV:
            raise ValueError("SNMPv3 privacy protocol must be AES")
        if (self.auth_protocol is None) != (self.auth_password is None):
            raise ValueError("SNMPv3 authentication needs both a protocol and a password")
        if (self.priv_protocol is None) != (self.priv_password is None):
            raise ValueError("SNMPv3 privacy needs both a protocol and a password")
        if self.priv_protocol and not self.auth_protocol:
            raise ValueError("SNMPv3 privacy needs authentication too")
        for password in (self.auth_password, self.priv_password):
            if password is not None and len(password) < 8:
                raise ValueError("SNMPv3 passwords have at least 8 characters (RFC 3414 11.2)")


@dataclass(frozen=True)
class SnmpCredentials:
    """What the user allowed: communities (tried in order, in the version given) and/or one
    SNMPv3 user (tried first)."""

    communities: tuple[str, ...] = ()
    version: str = "2c"  # "1" or "2c"
    v3: SnmpV3User | None = None


# --------------------------------------------------------------------------- BER


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def integer(value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return tlv(0x02, raw)


def octets(value: bytes) -> bytes:
    return tlv(0x04, value)


def oid(text: str) -> bytes:
    parts = [int(p) for p in text.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for value in parts[2:]:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out.extend(reversed(chunk))
    return tlv(0x06, bytes(out))


def read_tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the element at pos; raises SnmpError."""
    if pos + 2 > len(data):
        raise SnmpError("short element")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or pos + count > len(data):
            raise SnmpError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise SnmpError("element past the end")
    return tag, pos, pos + length


def elements(data: bytes, start: int, end: int, limit: int = 64) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    pos = start
    while pos < end and len(out) < limit:
        tag, vs, ve = read_tlv(data, pos)
        out.append((tag, vs, ve))
        pos = ve
    return out


def _int(data: bytes, element: tuple[int, int, int]) -> int:
    tag, vs, ve = element
    if tag != 0x02 or not 0 < ve - vs <= 8:
        raise SnmpError("not an integer")
    return int.from_bytes(data[vs:ve], "big", signed=True)


def pdu(kind: int, request_id: int, oids: tuple[str, ...] = SYSTEM_OIDS) -> bytes:
    varbinds = b"".join(tlv(0x30, oid(o) + b"\x05\x00") for o in oids)
    return tlv(kind, integer(request_id) + integer(0) + integer(0) + tlv(0x30, varbinds))


def get_request(community: str, version: int, request_id: int, oids: tuple[str, ...] = SYSTEM_OIDS) -> bytes:
    """A v1 (version 0) or v2c (version 1) GetRequest."""
    return tlv(
        0x30, integer(version) + octets(community.encode("utf-8")) + pdu(GET_REQUEST, request_id, oids)
    )


# --------------------------------------------------------------------------- USM (RFC 3414)


def password_to_key(password: str, hash_name: str) -> bytes:
    """RFC 3414 A.2: the password repeated to 1 MiB, hashed."""
    raw = password.encode("utf-8")
    repeated = (raw * (1048576 // len(raw) + 1))[:1048576]
    return hashlib.new(hash_name, repeated).digest()


def localize(key: bytes, engine_id: bytes, hash_name: str) -> bytes:
    return hashlib.new(hash_name, key + engine_id + key).digest()


@dataclass
class V3Reply:
    """What a v3 reply says: its engine, its flags and its plaintext scoped PDU (or None)."""

    engine_id: bytes
    boots: int
    time: int
    flags: int
    scoped: bytes | None
    pdu_type: int | None


class V3Session:
    """One user towards one agent: discovery, then an authenticated (and encrypted) GET."""

    def __init__(self, user: SnmpV3User) -> None:
        self.user = user
        self.engine_id = b""
        self.boots = 0
        self.time = 0
        self.auth_key = b""
        self.priv_key = b""
        self.salt = int.from_bytes(os.urandom(8), "big")

    def discovery(self) -> bytes:
        """A reportable, unauthenticated request with an empty engine ID (RFC 3414 4)."""
        return self._message(pdu(GET_REQUEST, _request_id(), ()), flags=0x04, secure=False)

    def learn(self, reply: V3Reply) -> None:
        self.engine_id, self.boots, self.time = reply.engine_id, reply.boots, reply.time
        if self.user.auth_protocol and self.user.auth_password:
            hash_name = AUTH[self.user.auth_protocol][0]
            self.auth_key = localize(
                password_to_key(self.user.auth_password, hash_name), self.engine_id, hash_name
            )
            if self.user.priv_password:
                self.priv_key = localize(
                    password_to_key(self.user.priv_password, hash_name), self.engine_id, hash_name
                )

    def get(self) -> bytes:
        flags = 0x04 | (0x01 if self.auth_key else 0) | (0x02 if self.priv_key else 0)
        return self._message(pdu(GET_REQUEST, _request_id()), flags=flags, secure=True)

    def _message(self, body: bytes, flags: int, secure: bool) -> bytes:
        scoped = tlv(0x30, octets(self.engine_id if secure else b"") + octets(b"") + body)
        protocol = self.user.auth_protocol
        auth_len = AUTH[protocol][1] if secure and self.auth_key and protocol else 0
        priv_params = b""
        if secure and self.priv_key:
            self.salt = (self.salt + 1) % (1 << 64)
            priv_params = self.salt.to_bytes(8, "big")
            scoped = octets(
                _aes(self.priv_key[:16], self.boots, self.time, priv_params, scoped, encrypt=True)
            )
        placeholder = b"\x00" * auth_len
        before_auth = (
            octets(self.engine_id if secure else b"")
            + integer(self.boots if secure else 0)
            + integer(self.time if secure else 0)
            + octets(self.user.user.encode("utf-8") if secure else b"")
        )
        usm = before_auth + octets(placeholder) + octets(priv_params)
        security = tlv(0x30, usm)
        wrapped = octets(security)
        header = tlv(0x30, integer(_request_id()) + integer(65507) + octets(bytes([flags])) + integer(3))
        body = integer(3) + header + wrapped + scoped
        message = tlv(0x30, body)
        if auth_len:
            at = (len(message) - len(body)) + len(integer(3)) + len(header)
            at += (len(wrapped) - len(security)) + (len(security) - len(usm)) + len(before_auth) + 2
            digest = hmac.new(self.auth_key, message, AUTH[self.user.auth_protocol][0]).digest()[:auth_len]  # type: ignore[index]
            message = message[:at] + digest + message[at + auth_len :]
        return message

    def read(self, data: bytes) -> V3Reply:
        """Parse (and check and decrypt, with keys) a v3 reply; raises SnmpError."""
        tag, vs, ve = read_tlv(data, 0)
        if tag != 0x30:
            raise SnmpError("not a message")
        parts = elements(data, vs, ve, 4)
        if len(parts) != 4 or _int(data, parts[0]) != 3:
            raise SnmpError("not SNMPv3")
        header = elements(data, parts[1][1], parts[1][2], 4)
        if len(header) != 4 or header[2][0] != 0x04:
            raise SnmpError("bad header")
        flags = data[header[2][1]] if header[2][2] > header[2][1] else 0
        sec_tag, sec_start, sec_end = parts[2]
        if sec_tag != 0x04:
            raise SnmpError("bad security parameters")
        inner = read_tlv(data, sec_start)
        if inner[2] > sec_end:
            raise SnmpError("bad security parameters")
        usm = elements(data, inner[1], inner[2], 6)
        if len(usm) != 6:
            raise SnmpError("bad USM parameters")
        engine_id = data[usm[0][1] : usm[0][2]]
        boots, when = _int(data, usm[1]), _int(data, usm[2])
        auth_params = data[usm[4][1] : usm[4][2]]
        priv_params = data[usm[5][1] : usm[5][2]]
        if flags & 0x01 and self.auth_key:
            zeroed = data[: usm[4][1]] + b"\x00" * len(auth_params) + data[usm[4][2] :]
            hash_name, length = AUTH[self.user.auth_protocol]  # type: ignore[index]
            expected = hmac.new(self.auth_key, zeroed, hash_name).digest()[:length]
            if not hmac.compare_digest(expected, auth_params):
                raise SnmpError("authentication failed")
        scoped: bytes | None
        body_tag, bs, be = parts[3]
        if body_tag == 0x04:
            if not (flags & 0x02 and self.priv_key):
                scoped = None
            else:
                scoped = _aes(self.priv_key[:16], boots, when, priv_params, data[bs:be], encrypt=False)
        else:
            scoped = tlv(0x30, data[bs:be]) if body_tag == 0x30 else None
        pdu_type = None
        if scoped:
            try:
                stag, ss, se = read_tlv(scoped, 0)
                items = elements(scoped, ss, se, 3)
                pdu_type = items[2][0] if stag == 0x30 and len(items) == 3 else None
            except SnmpError:
                pdu_type = None
        return V3Reply(engine_id, boots, when, flags, scoped, pdu_type)


def _aes(key: bytes, boots: int, when: int, salt: bytes, data: bytes, encrypt: bool) -> bytes:
    """AES-128-CFB of RFC 3826: IV = boots | time | salt."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

    try:  # CFB moved to the "decrepit" module in cryptography 44 (SNMP still uses it)
        from cryptography.hazmat.decrepit.ciphers.modes import CFB
    except ImportError:  # pragma: no cover - older cryptography
        from cryptography.hazmat.primitives.ciphers.modes import CFB

    if len(salt) != 8:
        raise SnmpError("bad privacy parameters")
    iv = boots.to_bytes(4, "big") + when.to_bytes(4, "big") + salt
    cipher = Cipher(algorithms.AES(key), CFB(iv))
    worker = cipher.encryptor() if encrypt else cipher.decryptor()
    return worker.update(data) + worker.finalize()


def _request_id() -> int:
    return int.from_bytes(os.urandom(3), "big")


# --------------------------------------------------------------------------- one host's exchange


class SnmpExchange:
    """The requests of one host, in order: the v3 user (discovery, then GET), then each community
    until one is answered. decoded() gives the plaintext scoped PDU of a v3 reply."""

    def __init__(self, credentials: SnmpCredentials) -> None:
        version = 0 if credentials.version == "1" else 1
        self.plan: list[tuple[str, object]] = []
        if credentials.v3 is not None:
            self.session: V3Session | None = V3Session(credentials.v3)
            self.plan.append(("v3-discovery", None))
        else:
            self.session = None
        self.plan += [("community", get_request(c, version, _request_id())) for c in credentials.communities]
        self.index = 0
        self.last_decoded: bytes | None = None
        self.error: str | None = None

    def first(self) -> bytes | None:
        return self._request()

    def _request(self) -> bytes | None:
        while self.index < len(self.plan):
            kind, data = self.plan[self.index]
            if kind == "v3-discovery":
                return self.session.discovery()  # type: ignore[union-attr]
            if kind == "v3-get":
                return self.session.get()  # type: ignore[union-attr]
            return data  # type: ignore[return-value]
        return None

    def next(self, reply: bytes | None) -> bytes | None:
        """Read a reply (None: unanswered); the next request, or None when done."""
        kind, _ = self.plan[self.index]
        self.last_decoded = None
        self.error = None
        if kind == "v3-discovery" and reply:
            try:
                answer = self.session.read(reply)  # type: ignore[union-attr]
            except SnmpError as exc:
                self.error = str(exc)
                answer = None
            if answer is not None and answer.engine_id:
                self.session.learn(answer)  # type: ignore[union-attr]
                self.plan[self.index] = ("v3-get", None)
                return self._request()
        elif kind == "v3-get" and reply:
            try:
                answer = self.session.read(reply)  # type: ignore[union-attr]
                if answer.pdu_type == GET_RESPONSE:
                    self.last_decoded = answer.scoped
                    return None
                self.error = "report instead of a response (wrong user, key or level?)"
            except SnmpError as exc:
                self.error = str(exc)
        elif kind == "community" and reply:
            return None
        self.index += 1
        return self._request()


def snmp_request(credentials: SnmpCredentials) -> SnmpExchange:
    return SnmpExchange(credentials)
