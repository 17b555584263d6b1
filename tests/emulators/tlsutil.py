"""Certificates with the subject and issuer names devices ship, made with the openssl CLI.

Why the CLI: it is on every Debian machine and avoids a Python dependency. When the
profile's issuer differs from its subject (a leaf signed by an on-device CA, as Dahua
firmware does), we make a throwaway CA with the issuer's name and sign the leaf with it,
so a client sees exactly the subject/issuer pair real devices present. Keys are
generated at run time into a temporary directory and never stored in the repository.
"""

from __future__ import annotations

import hashlib
import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path
from typing import Any

_CACHE_DIR: Path | None = None


class TlsError(RuntimeError):
    """openssl is missing or failed."""


def _dn(parts: list[list[str]]) -> str:
    """openssl -subj text: /K=V/K=V with '/' and '=' in values escaped."""
    out = []
    for key, value in parts:
        escaped = str(value).replace("\\", "\\\\").replace("/", "\\/").replace("=", "\\=")
        out.append(f"/{key}={escaped}")
    return "".join(out)


def _run(*args: str, cwd: Path) -> None:
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise TlsError(f"openssl {args[0]} failed: {proc.stderr.decode(errors='replace')[:400]}")


def _cache_dir() -> Path:
    global _CACHE_DIR
    if _CACHE_DIR is None:
        _CACHE_DIR = Path(tempfile.mkdtemp(prefix="custodiet-emu-certs-"))
    return _CACHE_DIR


def available() -> bool:
    """Whether certificates can be made here (the openssl CLI is installed)."""
    return shutil.which("openssl") is not None


def make_cert(cert: dict[str, Any]) -> tuple[Path, Path]:
    """Return (certificate chain file, key file) for a profile's `cert:` block.

    cert = {subject: [[K, V], ...], issuer: [[K, V], ...] (default: subject),
            key: "rsa:2048" | "ec", days: int}
    """
    if shutil.which("openssl") is None:
        raise TlsError("openssl not found")
    subject = cert["subject"]
    issuer = cert.get("issuer") or subject
    key = str(cert.get("key", "rsa:2048"))
    days = str(int(cert.get("days", 3650)))
    digest = hashlib.sha256(repr((subject, issuer, key, days)).encode()).hexdigest()[:16]
    work = _cache_dir() / digest
    chain, leaf_key = work / "chain.pem", work / "leaf.key"
    if chain.exists() and leaf_key.exists():
        return chain, leaf_key
    work.mkdir(parents=True, exist_ok=True)
    newkey = (
        ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] if key == "ec" else ["-newkey", key]
    )
    if issuer == subject:
        _run(
            "req",
            "-x509",
            "-utf8",
            *newkey,
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.pem",
            "-days",
            days,
            "-subj",
            _dn(subject),
            "-sha256",
            cwd=work,
        )
        (work / "chain.pem").write_bytes((work / "leaf.pem").read_bytes())
    else:
        _run(
            "req",
            "-x509",
            "-utf8",
            *newkey,
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            days,
            "-subj",
            _dn(issuer),
            "-sha256",
            cwd=work,
        )
        _run(
            "req",
            "-new",
            "-utf8",
            *newkey,
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            _dn(subject),
            cwd=work,
        )
        _run(
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            days,
            "-sha256",
            cwd=work,
        )
        (work / "chain.pem").write_bytes((work / "leaf.pem").read_bytes())
    return chain, leaf_key


def server_context(cert: dict[str, Any]) -> ssl.SSLContext:
    """A permissive server context (old TLS versions allowed: scanners probe them)."""
    chain, key = make_cert(cert)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(chain), str(key))
    return ctx
