"""Zeek logs written the way Zeek writes them, from the sessions the tests drove.

Zeek is not packaged for Debian, so the tests cannot run it; this writer follows Zeek's
documented formats instead:
- the ASCII writer (docs.zeek.org, base/frameworks/logging/writers/ascii.zeek): a header of
  #separator (written as \\x09), #set_separator, #empty_field, #unset_field, #path, #open,
  #fields and #types lines, tab-separated rows with "-" for unset and "(empty)" for an empty
  container, non-printable bytes and separators inside values as \\xHH, and a #close line;
- its JSON mode (LogAscii::use_json): one object per row, dotted names ("id.orig_h"), unset
  fields left out, times as epoch seconds;
- the columns and types of each log's Info record in Zeek 6 (conn, dns, http, ssl, x509,
  dhcp with policy/protocols/dhcp/software.zeek, software, ssh, known_services, weird).
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import time
from pathlib import Path

from .log_sessions import (
    DHCP_ADDRESS,
    DHCP_HOSTNAME,
    DHCP_MAC,
    DHCP_VENDOR,
    DNS_ANSWER,
    DNS_NAME,
    HTTP_HOST,
    SERVER_HEADER,
    SSH_CLIENT,
    SSH_SERVER,
    TLS_SNI,
    TLS_SUBJECT,
    USER_AGENT,
    Sessions,
)

# (name, Zeek type) per log, in Zeek 6's column order.
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "conn": [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("proto", "enum"), ("service", "string"),
        ("duration", "interval"), ("orig_bytes", "count"), ("resp_bytes", "count"),
        ("conn_state", "string"), ("local_orig", "bool"), ("local_resp", "bool"),
        ("missed_bytes", "count"), ("history", "string"), ("orig_pkts", "count"),
        ("orig_ip_bytes", "count"), ("resp_pkts", "count"), ("resp_ip_bytes", "count"),
        ("tunnel_parents", "set[string]"),
    ],
    "dns": [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("proto", "enum"), ("trans_id", "count"),
        ("rtt", "interval"), ("query", "string"), ("qclass", "count"), ("qclass_name", "string"),
        ("qtype", "count"), ("qtype_name", "string"), ("rcode", "count"), ("rcode_name", "string"),
        ("AA", "bool"), ("TC", "bool"), ("RD", "bool"), ("RA", "bool"), ("Z", "count"),
        ("answers", "vector[string]"), ("TTLs", "vector[interval]"), ("rejected", "bool"),
    ],
    "http": [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("trans_depth", "count"), ("method", "string"),
        ("host", "string"), ("uri", "string"), ("referrer", "string"), ("version", "string"),
        ("user_agent", "string"), ("origin", "string"), ("request_body_len", "count"),
        ("response_body_len", "count"), ("status_code", "count"), ("status_msg", "string"),
        ("info_code", "count"), ("info_msg", "string"), ("tags", "set[enum]"), ("username", "string"),
        ("password", "string"), ("proxied", "set[string]"), ("orig_fuids", "vector[string]"),
        ("orig_filenames", "vector[string]"), ("orig_mime_types", "vector[string]"),
        ("resp_fuids", "vector[string]"), ("resp_filenames", "vector[string]"),
        ("resp_mime_types", "vector[string]"),
    ],
    "ssl": [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("version", "string"), ("cipher", "string"),
        ("curve", "string"), ("server_name", "string"), ("resumed", "bool"), ("last_alert", "string"),
        ("next_protocol", "string"), ("established", "bool"), ("ssl_history", "string"),
        ("cert_chain_fps", "vector[string]"), ("client_cert_chain_fps", "vector[string]"),
        ("sni_matches_cert", "bool"),
    ],
    "x509": [
        ("ts", "time"), ("fingerprint", "string"), ("certificate.version", "count"),
        ("certificate.serial", "string"), ("certificate.subject", "string"),
        ("certificate.issuer", "string"), ("certificate.not_valid_before", "time"),
        ("certificate.not_valid_after", "time"), ("certificate.key_alg", "string"),
        ("certificate.sig_alg", "string"), ("certificate.key_type", "string"),
        ("certificate.key_length", "count"), ("certificate.exponent", "string"),
        ("certificate.curve", "string"), ("san.dns", "vector[string]"), ("san.uri", "vector[string]"),
        ("san.email", "vector[string]"), ("san.ip", "vector[addr]"), ("basic_constraints.ca", "bool"),
        ("basic_constraints.path_len", "count"), ("host_cert", "bool"), ("client_cert", "bool"),
    ],
    "dhcp": [
        ("ts", "time"), ("uids", "set[string]"), ("client_addr", "addr"), ("server_addr", "addr"),
        ("mac", "string"), ("host_name", "string"), ("client_fqdn", "string"), ("domain", "string"),
        ("requested_addr", "addr"), ("assigned_addr", "addr"), ("lease_time", "interval"),
        ("client_message", "string"), ("server_message", "string"), ("msg_types", "vector[string]"),
        ("duration", "interval"), ("client_software", "string"), ("server_software", "string"),
    ],
    "software": [
        ("ts", "time"), ("host", "addr"), ("host_p", "port"), ("software_type", "enum"),
        ("name", "string"), ("version.major", "count"), ("version.minor", "count"),
        ("version.minor2", "count"), ("version.minor3", "count"), ("version.addl", "string"),
        ("unparsed_version", "string"), ("url", "string"),
    ],
    "ssh": [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("version", "count"), ("auth_success", "bool"),
        ("auth_attempts", "count"), ("direction", "enum"), ("client", "string"), ("server", "string"),
        ("cipher_alg", "string"), ("mac_alg", "string"), ("compression_alg", "string"),
        ("kex_alg", "string"), ("host_key_alg", "string"), ("host_key", "string"),
    ],
    "known_services": [
        ("ts", "time"), ("host", "addr"), ("port_num", "port"), ("port_proto", "enum"), ("service", "set[string]"),
    ],
    "weird": [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("name", "string"), ("addl", "string"),
        ("notice", "bool"), ("peer", "string"), ("source", "string"),
    ],
}  # fmt: skip


def uid(prefix: str = "C") -> str:
    return prefix + "".join(random.choice(string.ascii_letters + string.digits) for _ in range(17))


def zeek_rfc2253(pairs: list[tuple[str, str]]) -> str:
    """Zeek's X509 subject text (X509_NAME_print_ex with XN_FLAG_RFC2253): last RDN first,
    comma-separated without spaces."""
    return ",".join(f"{k}={v}" for k, v in reversed(pairs))


def _escape(value: str, sep: str = "\t", set_sep: str | None = None) -> str:
    out = []
    for char in value:
        code = ord(char)
        if char in (sep, "\\") or (set_sep is not None and char == set_sep) or code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    return "".join(out)


def _tsv_value(value: object, kind: str) -> str:
    if value is None:
        return "-"
    if kind.startswith(("set[", "vector[")):
        items = list(value)  # type: ignore[call-overload]
        if not items:
            return "(empty)"
        return ",".join(_escape(str(i), set_sep=",") for i in items)
    if kind == "bool":
        return "T" if value else "F"
    if kind in ("time", "interval"):
        return f"{float(value):.6f}"  # type: ignore[arg-type]
    if isinstance(value, str):
        return _escape(value) if value else "(empty)"
    return str(value)


def write_tsv(path: Path, log: str, rows: list[dict]) -> Path:
    schema = SCHEMAS[log]
    opened = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
    lines = [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        f"#path\t{log}",
        f"#open\t{opened}",
        "#fields\t" + "\t".join(name for name, _ in schema),
        "#types\t" + "\t".join(kind for _, kind in schema),
    ]
    for row in rows:
        lines.append("\t".join(_tsv_value(row.get(name), kind) for name, kind in schema))
    lines.append(f"#close\t{opened}")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_json(path: Path, log: str, rows: list[dict]) -> Path:
    schema = dict(SCHEMAS[log])
    with path.open("w") as handle:
        for row in rows:
            record = {}
            for name in schema:
                value = row.get(name)
                if value is None:
                    continue  # the JSON writer leaves unset fields out
                record[name] = list(value) if isinstance(value, (set, tuple)) else value
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
    return path


def _conn_row(c, local_orig: bool | None = None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "ts": c.start, "uid": uid(), "id.orig_h": c.orig_h, "id.orig_p": c.orig_p, "id.resp_h": c.resp_h,
        "id.resp_p": c.resp_p, "proto": c.proto, "service": c.service, "duration": c.end - c.start,
        "orig_bytes": c.orig_bytes, "resp_bytes": c.resp_bytes, "conn_state": "SF",
        "local_orig": local_orig, "local_resp": None, "missed_bytes": 0, "history": "ShADadFf",
        "orig_pkts": 5, "orig_ip_bytes": c.orig_bytes + 260, "resp_pkts": 4, "resp_ip_bytes": c.resp_bytes + 208,
        "tunnel_parents": set(),
    }  # fmt: skip


def session_logs(s: Sessions) -> dict[str, list[dict]]:
    """Rows of each log for the sessions, as Zeek 6 with the default scripts would log them."""
    http, tls = s.conns["http"], s.conns["ssl"]
    fingerprint = hashlib.sha256(s.cert_der).hexdigest()
    subject = zeek_rfc2253(TLS_SUBJECT)
    logs: dict[str, list[dict]] = {
        "conn": [_conn_row(c) for c in s.conns.values() if c.service != "dhcp"],
        "http": [
            {
                "ts": http.start, "uid": uid(), "id.orig_h": http.orig_h, "id.orig_p": http.orig_p,
                "id.resp_h": http.resp_h, "id.resp_p": http.resp_p, "trans_depth": 1, "method": "GET",
                "host": f"{HTTP_HOST}:8080", "uri": "/doc/page/login.asp", "version": "1.1",
                "user_agent": USER_AGENT, "request_body_len": 0, "response_body_len": 40,
                "status_code": 401, "status_msg": "Unauthorized", "tags": set(),
                "resp_fuids": [uid("F")], "resp_mime_types": ["text/html"],
            }
        ],
        "ssl": [
            {
                "ts": tls.start, "uid": uid(), "id.orig_h": tls.orig_h, "id.orig_p": tls.orig_p,
                "id.resp_h": tls.resp_h, "id.resp_p": tls.resp_p, "version": "TLSv12",
                "cipher": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "curve": "x25519",
                "server_name": TLS_SNI, "resumed": False, "established": True,
                "ssl_history": "CsxknGIi", "cert_chain_fps": [fingerprint], "client_cert_chain_fps": [],
                "sni_matches_cert": False,
            }
        ],
        "x509": [
            {
                "ts": tls.start, "fingerprint": fingerprint, "certificate.version": 3,
                "certificate.serial": "6AC312245AAF2B21", "certificate.subject": subject,
                "certificate.issuer": subject, "certificate.not_valid_before": tls.start - 86400,
                "certificate.not_valid_after": tls.start + 30 * 86400, "certificate.key_alg": "rsaEncryption",
                "certificate.sig_alg": "sha256WithRSAEncryption", "certificate.key_type": "rsa",
                "certificate.key_length": 2048, "certificate.exponent": "65537",
                "basic_constraints.ca": True, "host_cert": True, "client_cert": False,
            }
        ],
        "software": [
            {"ts": http.start, "host": http.resp_h, "host_p": 8080, "software_type": "HTTP::SERVER",
             "name": "ExampleCam-Webs", "version.major": 2, "version.minor": 1, "unparsed_version": SERVER_HEADER},
            {"ts": http.start, "host": http.orig_h, "software_type": "HTTP::BROWSER",
             "name": "ExampleClient", "version.major": 1, "version.minor": 0, "unparsed_version": USER_AGENT},
        ],
        "known_services": [
            {"ts": http.start, "host": http.resp_h, "port_num": 8080, "port_proto": "tcp", "service": {"HTTP"}},
        ],
        "weird": [
            {"ts": http.start, "uid": uid(), "id.orig_h": http.orig_h, "id.orig_p": http.orig_p,
             "id.resp_h": http.resp_h, "id.resp_p": http.resp_p, "name": "unescaped_special_URI_char",
             "notice": False, "peer": "zeek", "source": "HTTP"},
        ],
    }  # fmt: skip
    if "dns" in s.conns:
        dns = s.conns["dns"]
        logs["dns"] = [
            {
                "ts": dns.start, "uid": uid(), "id.orig_h": dns.orig_h, "id.orig_p": dns.orig_p,
                "id.resp_h": dns.resp_h, "id.resp_p": 53, "proto": "udp", "trans_id": s.dns_id,
                "rtt": dns.end - dns.start, "query": DNS_NAME, "qclass": 1, "qclass_name": "C_INTERNET",
                "qtype": 1, "qtype_name": "A", "rcode": 0, "rcode_name": "NOERROR", "AA": False, "TC": False,
                "RD": True, "RA": True, "Z": 0, "answers": [DNS_ANSWER], "TTLs": [60.0], "rejected": False,
            }
        ]  # fmt: skip
    if "ssh" in s.conns:
        ssh = s.conns["ssh"]
        logs["ssh"] = [
            {
                "ts": ssh.start, "uid": uid(), "id.orig_h": ssh.orig_h, "id.orig_p": ssh.orig_p,
                "id.resp_h": ssh.resp_h, "id.resp_p": 22, "version": 2, "client": SSH_CLIENT,
                "server": SSH_SERVER,
            }
        ]  # fmt: skip
        logs["software"].append(
            {"ts": ssh.start, "host": ssh.resp_h, "host_p": 22, "software_type": "SSH::SERVER",
             "name": "ExampleSSH", "version.major": 1, "version.minor": 5,
             "unparsed_version": SSH_SERVER.split("-", 2)[2]}
        )  # fmt: skip
    if s.dhcp:
        dhcp = s.conns["dhcp"]
        logs["dhcp"] = [
            {
                "ts": dhcp.start, "uids": {uid()}, "client_addr": DHCP_ADDRESS, "server_addr": dhcp.resp_h,
                "mac": DHCP_MAC, "host_name": DHCP_HOSTNAME, "requested_addr": DHCP_ADDRESS,
                "assigned_addr": DHCP_ADDRESS, "lease_time": 3600.0, "msg_types": ["REQUEST", "ACK"],
                "duration": dhcp.end - dhcp.start, "client_software": DHCP_VENDOR,
            }
        ]  # fmt: skip
    return logs


def write_session_logs(directory: Path, s: Sessions, mode: str) -> dict[str, Path]:
    """conn.log, dns.log, ... (TSV) or conn.json, ... (JSON) for the sessions, in directory."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for log, rows in session_logs(s).items():
        if mode == "tsv":
            out[log] = write_tsv(directory / f"{log}.log", log, rows)
        else:
            out[log] = write_json(directory / f"{log}.json", log, rows)
    return out
