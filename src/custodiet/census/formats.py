"""Scan record formats -> DuckDB SQL that cuts each record into pieces.

One SQL text per format turns a relation `src(file, n, line)` of JSON lines into rows
`(file, n, addr, cc, port, kind, raw)`:

- one row per record with kind '#rec' (addr and cc as the record has them, raw NULL), or with
  kind '#bad' and the reason in raw when the record cannot be used (malformed JSON, not an
  object, a zgrab2 record without "data");
- one row per piece of identity-bearing text, kind and raw as census.derive describes them;
- '!<reason>' rows for parts of a record that are skipped (a masscan port entry with a bad port).

Each format mirrors its audit reader (sources/banners_jsonl.py for Shodan, Censys, zgrab2 and
masscan; sources/nmap_xml.py for IVRE's JSON form of nmap results): the same keys, the same
bounds (MAX_ITEMS services or list items per record), the same protocol names. The readers'
own functions then finish each distinct piece (derive.py); tests/census/test_parity.py checks
that the observations come out the same as the readers' on every fixture.

The SQL is plain DuckDB (json extension, built into the Python wheel): it runs in the DuckDB
engine over whole files and, in the Spark engine, inside each executor over one partition.
"""

from __future__ import annotations

import orjson

from custodiet.errors import InputError
from custodiet.sources import banners_jsonl, detect
from custodiet.sources.banners_jsonl import MAX_ITEMS

FORMATS = ("shodan", "censys", "zgrab2", "masscan", "ivre")
MAX_PORTS = 4096  # ports of one nmap/IVRE host read (a host with all ports open has 65,535)

# Macros every flatten query uses. c_text: a JSON value as text as sources.logs.text_of does it
# (strings as they are, cut to MAX_TEXT; numbers as digits; anything else NULL).
MACROS = """
CREATE OR REPLACE MACRO c_text(v) AS CASE json_type(v)
    WHEN 'VARCHAR' THEN nullif(left(v->>'$', 65536), '')
    WHEN 'BIGINT' THEN v->>'$' WHEN 'UBIGINT' THEN v->>'$' WHEN 'DOUBLE' THEN v->>'$' END;
CREATE OR REPLACE MACRO c_port(p, proto) AS CASE
    WHEN try_cast(p AS BIGINT) BETWEEN 0 AND 65535 AND length(trim(proto)) BETWEEN 1 AND 8
    THEN CAST(try_cast(p AS BIGINT) AS VARCHAR) || '/' || lower(trim(proto)) END;
CREATE OR REPLACE MACRO c_items(v, m) AS CASE WHEN json_type(v) = 'ARRAY'
    THEN list_slice(json_extract(v, '$[*]'), 1, m) ELSE [] END;
CREATE OR REPLACE MACRO c_obj(v) AS json_type(v) = 'OBJECT';
CREATE OR REPLACE MACRO c_piece(port, kind, raw) AS {'port': port, 'kind': kind, 'raw': raw};
"""


def _service_kind_sql(expr: str) -> str:
    """banners_jsonl.service_kind in SQL, built from its own table of names (so both agree)."""
    value = f"lower({expr})"
    for suffix in ("-simple-new", "-simple", "-tcp", "-udp", "-tls"):
        value = f"regexp_replace({value}, '{suffix}$', '')"
    cases = " ".join(f"WHEN '{name}' THEN '{kind}'" for name, kind in banners_jsonl._KINDS.items())
    return f"(CASE {value} {cases} END)"


def _records(masscan: bool = False) -> str:
    """src -> rec(file, n, j, bad): each line parsed once; bad says why a line is unusable."""
    text = "trim(line, ' \t\r\n')"
    if masscan:  # -oJ: "[" and "]" lines, and "," before or after a record
        text = f"trim(trim({text}, ','), ' \t\r\n')"
    return f"""
    lines AS (SELECT file, n, {text} AS t FROM src),
    rec AS (
        SELECT file, n, CASE WHEN ok AND json_type(t) = 'OBJECT' THEN t::JSON END AS j,
            CASE WHEN NOT ok THEN 'malformed JSON' WHEN json_type(t) <> 'OBJECT' THEN 'not a JSON object' END AS bad
        FROM (SELECT file, n, t, json_valid(t) AS ok FROM lines WHERE t <> ''{" AND t NOT IN ('[', ']')" if masscan else ""})
    )"""


_BAD = """
    SELECT file, n, NULL::VARCHAR AS addr, NULL::VARCHAR AS cc, NULL::VARCHAR AS port, '#bad' AS kind, bad AS raw
    FROM rec WHERE bad IS NOT NULL"""

_OUT = """
    SELECT file, n, addr, cc, NULL::VARCHAR AS port, '#rec' AS kind, NULL::VARCHAR AS raw FROM parsed
    UNION ALL
    SELECT file, n, addr, NULL, p.port, p.kind, p.raw
    FROM (SELECT file, n, addr, unnest(pieces) AS p FROM parsed)
    WHERE p.raw IS NOT NULL AND p.raw <> '' AND p.kind IS NOT NULL"""


def _shodan() -> str:
    kind = _service_kind_sql("left(coalesce(c_text(v[5]), ''), 64)")
    return f"""
    WITH {_records()},
    x AS (
        SELECT file, n, json_extract(j, ['$.ip_str', '$.location.country_code', '$.port', '$.transport',
            '$._shodan.module', '$.http', '$.data', '$.ssl.cert', '$.snmp', '$.hostnames', '$.cpe23', '$.cpe']) AS v
        FROM rec WHERE bad IS NULL
    ),
    y AS (
        SELECT file, n, v, c_port(c_text(v[3]), coalesce(c_text(v[4]), 'tcp')) AS port,
            CASE WHEN c_obj(v[6]) THEN coalesce({kind}, 'http') ELSE {kind} END AS svc
        FROM x
    ),
    parsed AS (
        SELECT file, n, c_text(v[1]) AS addr, c_text(v[2]) AS cc, list_concat([
            c_piece(port, 'http.server', CASE WHEN c_obj(v[6]) THEN c_text(v[6]->'$.server') END),
            c_piece(port, 'http.title', CASE WHEN c_obj(v[6]) THEN c_text(v[6]->'$.title') END),
            c_piece(port, 'http.body', CASE WHEN c_obj(v[6]) THEN c_text(v[6]->'$.html') END),
            c_piece(port, 'banner:' || svc, c_text(v[7])),
            c_piece(port, 'dn:tls.subject', CASE WHEN c_obj(v[8]) THEN (v[8]->'$.subject')::VARCHAR END),
            c_piece(port, 'dn:tls.issuer', CASE WHEN c_obj(v[8]) THEN (v[8]->'$.issuer')::VARCHAR END),
            c_piece(port, 'snmp.sysdescr', CASE WHEN c_obj(v[9]) THEN c_text(v[9]->'$.description') END)
        ],
            list_transform(c_items(v[10], {MAX_ITEMS}), lambda h: c_piece(NULL, 'hostname', c_text(h))),
            list_transform(c_items(v[11], {MAX_ITEMS}), lambda c: c_piece(port, 'cpe', c_text(c))),
            list_transform(c_items(v[12], {MAX_ITEMS}), lambda c: c_piece(port, 'cpe', c_text(c)))
        ) AS pieces
        FROM y
    )
    {_OUT} UNION ALL {_BAD}"""


def _unwrap(expr: str) -> str:
    """One step of banners_jsonl.unwrap_censys."""
    return f"""CASE
        WHEN c_obj({expr}->'$.result') AND (json_exists({expr}, '$.result.services') OR json_exists({expr}, '$.result.ip'))
            THEN {expr}->'$.result'
        WHEN c_obj({expr}->'$.host') THEN {expr}->'$.host'
        WHEN c_obj({expr}->'$.resource') THEN {expr}->'$.resource'
        ELSE {expr} END"""


def _censys() -> str:
    kind = _service_kind_sql("left(coalesce(c_text(s->'$.service_name'), c_text(s->'$.protocol'), ''), 64)")
    return f"""
    WITH {_records()},
    u1 AS (SELECT file, n, {_unwrap("j")} AS h FROM rec WHERE bad IS NULL),
    u2 AS (SELECT file, n, {_unwrap("h")} AS h FROM u1),
    u3 AS (SELECT file, n, {_unwrap("h")} AS h FROM u2),
    svc AS (
        SELECT file, n, s, c_port(c_text(s->'$.port'), coalesce(c_text(s->'$.transport_protocol'), 'tcp')) AS port,
            {kind} AS kind
        FROM (SELECT file, n, unnest(c_items(h->'$.services', {MAX_ITEMS})) AS s FROM u3)
        WHERE c_obj(s)
    ),
    svc_pieces AS (
        SELECT file, n, list_concat([
            c_piece(port, 'banner:' || kind, c_text(s->'$.banner')),
            c_piece(port, 'ssh.banner', c_text(s->'$.ssh.endpoint_id.raw')),
            c_piece(port, 'tls.subject', c_text(s->'$.tls.certificates.leaf_data.subject_dn')),
            c_piece(port, 'tls.issuer', c_text(s->'$.tls.certificates.leaf_data.issuer_dn')),
            c_piece(port, 'tls.subject', c_text(s->'$.cert.parsed.subject_dn')),
            c_piece(port, 'tls.issuer', c_text(s->'$.cert.parsed.issuer_dn')),
            c_piece(port, 'snmp.sysdescr', CASE WHEN c_obj(s->'$.snmp.oid_system') THEN c_text(s->'$.snmp.oid_system.desc') END),
            c_piece(port, 'snmp.sysobjectid', CASE WHEN c_obj(s->'$.snmp.oid_system') THEN c_text(s->'$.snmp.oid_system.object_id') END)
        ],
            flatten(list_transform(
                list_filter(list_concat([s->'$.http.response'],
                    list_transform(c_items(s->'$.endpoints', {MAX_ITEMS}), lambda e: e->'$.http')), lambda r: c_obj(r)),
                lambda r: [
                    c_piece(port, 'censys.headers', CASE WHEN c_obj(r->'$.headers') THEN (r->'$.headers')::VARCHAR END),
                    c_piece(port, 'http.title', c_text(r->'$.html_title')),
                    c_piece(port, 'http.body', c_text(r->'$.body'))
                ])),
            list_transform(list_filter(c_items(s->'$.software', {MAX_ITEMS}), lambda w: c_obj(w)),
                lambda w: c_piece(port, 'cpe', coalesce(c_text(w->'$.uniform_resource_identifier'), c_text(w->'$.cpe'))))
        ) AS pieces
        FROM svc
    ),
    parsed AS (
        SELECT u3.file, u3.n, c_text(any_value(h)->'$.ip') AS addr, c_text(any_value(h)->'$.location.country_code') AS cc,
            list_concat(
                coalesce(flatten(list(sp.pieces) FILTER (WHERE sp.pieces IS NOT NULL)), []),
                list_transform(c_items(any_value(h)->'$.dns.reverse_dns.names', {MAX_ITEMS}),
                    lambda m: c_piece(NULL, 'hostname', c_text(m)))
            ) AS pieces
        FROM u3 LEFT JOIN svc_pieces sp ON sp.file = u3.file AND sp.n = u3.n
        GROUP BY u3.file, u3.n
    )
    {_OUT} UNION ALL {_BAD}"""


def _zgrab2() -> str:
    http_port = """(CASE
        WHEN regexp_matches(coalesce(c_text(url->'$.host'), ''), '(^|:)[0-9]+$') AND NOT suffix(c_text(url->'$.host'), ']')
            THEN c_port(regexp_extract(c_text(url->'$.host'), '([0-9]+)$', 1), 'tcp')
        WHEN lower(c_text(url->'$.scheme')) = 'http' THEN '80/tcp'
        WHEN lower(c_text(url->'$.scheme')) = 'https' THEN '443/tcp' END)""".replace(
        "url->", "result->'$.response.request.url'->"
    )
    certs = "'$.handshake_log.server_certificates.certificate.parsed'"
    return f"""
    WITH {_records()},
    good AS (
        SELECT file, n, j, CASE WHEN NOT c_obj(j->'$.data') THEN 'zgrab2 record without ''data''' END AS why
        FROM rec WHERE bad IS NULL
    ),
    scans AS (
        SELECT file, n, lower(coalesce(c_text(e.value->'$.protocol'), e.key)) AS protocol,
            coalesce(c_port(c_text(e.value->'$.port'), 'tcp'), c_port(c_text(e.value->'$.result.port'), 'tcp')) AS port0,
            e.value->'$.result' AS result
        FROM good, json_each(good.j, '$.data') AS e
        WHERE good.why IS NULL AND c_obj(e.value) AND c_obj(e.value->'$.result')
    ),
    scan_pieces AS (
        SELECT file, n, CASE WHEN protocol = 'http' THEN [
                c_piece(port, 'zgrab2.http', json_array(resp->'$.status_line', resp->'$.protocol.name', resp->'$.headers')::VARCHAR),
                c_piece(port, 'html:', c_text(resp->'$.body')),
                c_piece(port, 'tls.subject', c_text(resp->'$.request.tls_log'->{certs}->'$.subject_dn')),
                c_piece(port, 'tls.issuer', c_text(resp->'$.request.tls_log'->{certs}->'$.issuer_dn'))
            ]
            WHEN protocol = 'ssh' THEN [c_piece(port, 'strip:ssh.banner', c_text(result->'$.server_id.raw'))]
            WHEN protocol = 'tls' THEN [
                c_piece(port, 'tls.subject', c_text(result->{certs}->'$.subject_dn')),
                c_piece(port, 'tls.issuer', c_text(result->{certs}->'$.issuer_dn'))
            ]
            WHEN protocol IN ('ftp', 'telnet') THEN [
                c_piece(port, 'strip:' || protocol || '.banner', c_text(result->'$.banner')),
                c_piece(port, 'tls.subject', c_text(result->'$.tls'->{certs}->'$.subject_dn')),
                c_piece(port, 'tls.issuer', c_text(result->'$.tls'->{certs}->'$.issuer_dn'))
            ]
            WHEN protocol = 'banner' AND starts_with(coalesce(c_text(result->'$.banner'), ''), 'SSH-')
                THEN [c_piece(port, 'banner:ssh', c_text(result->'$.banner'))]
            ELSE [] END AS pieces
        FROM (
            SELECT *, result->'$.response' AS resp,
                coalesce(port0, CASE WHEN protocol = 'http' THEN {http_port} END) AS port
            FROM scans
            WHERE protocol <> 'http' OR c_obj(result->'$.response')
        )
    ),
    parsed AS (
        SELECT g.file, g.n, c_text(any_value(g.j)->'$.ip') AS addr, NULL::VARCHAR AS cc,
            coalesce(flatten(list(sp.pieces) FILTER (WHERE sp.pieces IS NOT NULL)), []) AS pieces
        FROM good g LEFT JOIN scan_pieces sp ON sp.file = g.file AND sp.n = g.n
        WHERE g.why IS NULL
        GROUP BY g.file, g.n
    )
    {_OUT} UNION ALL {_BAD}
    UNION ALL SELECT file, n, NULL, NULL, NULL, '#bad', why FROM good WHERE why IS NOT NULL"""


def _masscan() -> str:
    return f"""
    WITH {_records(masscan=True)},
    x AS (SELECT file, n, j FROM rec WHERE bad IS NULL),
    entries AS (
        SELECT file, n, e FROM (
            SELECT file, n, unnest(CASE WHEN json_exists(j, '$.ports')
                THEN list_filter(c_items(j->'$.ports', {MAX_ITEMS}), lambda p: c_obj(p))
                ELSE [json_object('port', j->'$.port', 'proto', j->'$.proto',
                    'service', CASE WHEN c_text(j->'$.rec_type') = 'banner' THEN json_object(
                        'name', CASE WHEN c_obj(j->'$.data') THEN j->'$.data.service_name' END,
                        'banner', CASE WHEN c_obj(j->'$.data') THEN j->'$.data.banner' END) END)]
                END) AS e
            FROM x)
    ),
    entry_pieces AS (
        SELECT file, n, CASE
            WHEN port IS NULL THEN [c_piece(NULL, '!bad port', 'x')]
            WHEN c_obj(e->'$.service') THEN
                [c_piece(port, 'masscan:' || coalesce(c_text(e->'$.service.name'), ''), c_text(e->'$.service.banner'))]
            ELSE [] END AS pieces
        FROM (SELECT *, c_port(c_text(e->'$.port'), c_text(e->'$.proto')) AS port FROM entries)
    ),
    parsed AS (
        SELECT x.file, x.n, c_text(any_value(x.j)->'$.ip') AS addr, NULL::VARCHAR AS cc,
            coalesce(flatten(list(ep.pieces) FILTER (WHERE ep.pieces IS NOT NULL)), []) AS pieces
        FROM x LEFT JOIN entry_pieces ep ON ep.file = x.file AND ep.n = x.n
        GROUP BY x.file, x.n
    )
    {_OUT} UNION ALL {_BAD}"""


def _ivre() -> str:
    return f"""
    WITH {_records()},
    x AS (
        SELECT file, n, j,
            CASE WHEN json_type(j->'$.addr') IN ('UBIGINT', 'BIGINT') AND (j->>'$.addr')::UBIGINT < 4294967296 THEN
                concat_ws('.', ((j->>'$.addr')::UBIGINT >> 24) & 255, ((j->>'$.addr')::UBIGINT >> 16) & 255,
                    ((j->>'$.addr')::UBIGINT >> 8) & 255, (j->>'$.addr')::UBIGINT & 255)
                ELSE c_text(j->'$.addr') END AS addr
        FROM rec WHERE bad IS NULL
    ),
    ports AS (
        SELECT file, n, p, coalesce(c_text(p->'$.service_name'), '') AS svc,
            coalesce(c_text(p->'$.state_state'), '') = 'open' AS open,
            CASE WHEN try_cast(c_text(p->'$.port') AS BIGINT) >= 0
                THEN c_port(c_text(p->'$.port'), coalesce(c_text(p->'$.protocol'), 'tcp')) END AS port
        FROM (SELECT file, n, unnest(c_items(j->'$.ports', {MAX_PORTS})) AS p FROM x)
        WHERE c_obj(p)
    ),
    port_pieces AS (
        SELECT file, n, list_concat(
            CASE WHEN open THEN [
                c_piece(port, 'nmap.service', CASE WHEN coalesce(c_text(p->'$.service_product'), c_text(p->'$.service_version'),
                        c_text(p->'$.service_extrainfo'), c_text(p->'$.service_devicetype'), c_text(p->'$.service_hostname')) IS NOT NULL
                    THEN json_array(p->'$.service_product', p->'$.service_version', p->'$.service_extrainfo',
                        p->'$.service_devicetype', p->'$.service_hostname')::VARCHAR END),
                c_piece(port, 'nmap.servicefp:' || svc, c_text(p->'$.service_servicefp'))
            ] ELSE [] END,
            list_transform(list_filter(c_items(p->'$.scripts', {MAX_ITEMS}), lambda s: c_obj(s)),
                lambda s: c_piece(port, 'nmap.script:' || svc || '|' || coalesce(c_text(s->'$.id'), ''), c_text(s->'$.output')))
        ) AS pieces
        FROM ports
    ),
    parsed AS (
        SELECT x.file, x.n, any_value(x.addr) AS addr, c_text(any_value(x.j)->'$.infos.country_code') AS cc,
            list_concat(
                coalesce(flatten(list(pp.pieces) FILTER (WHERE pp.pieces IS NOT NULL)), []),
                list_transform(list_filter(c_items(any_value(x.j)->'$.scripts', {MAX_ITEMS}), lambda s: c_obj(s)),
                    lambda s: c_piece(NULL, 'nmap.script:|' || coalesce(c_text(s->'$.id'), ''), c_text(s->'$.output'))),
                list_transform(list_slice(c_items(any_value(x.j)->'$.os.osmatch', 3), 1, 3),
                    lambda m: c_piece(NULL, 'nmap.clean:os.match', c_text(m->'$.name'))),
                list_transform(c_items(any_value(x.j)->'$.hostnames', {MAX_ITEMS}),
                    lambda h: c_piece(NULL, 'nmap.clean:hostname', c_text(h->'$.name')))
            ) AS pieces
        FROM x LEFT JOIN port_pieces pp ON pp.file = x.file AND pp.n = x.n
        GROUP BY x.file, x.n
    )
    {_OUT} UNION ALL {_BAD}"""


_BUILDERS = {"shodan": _shodan, "censys": _censys, "zgrab2": _zgrab2, "masscan": _masscan, "ivre": _ivre}
_CACHE: dict[str, str] = {}


def flatten_sql(fmt: str) -> str:
    """The flatten query of a format, over a relation named `src(file, n, line)`."""
    if fmt not in _BUILDERS:
        raise InputError(f"unknown census format '{fmt}' (known: {', '.join(FORMATS)})")
    if fmt not in _CACHE:
        _CACHE[fmt] = _BUILDERS[fmt]()
    return _CACHE[fmt]


def is_ivre(head: bytes) -> bool:
    """IVRE host records (nmap results as JSON): {"addr", "ports": [{"port", "protocol", ...}], ...}."""
    record = detect.first_json(head)
    if record is None:
        return detect._long_json(head, b'"addr"', b'"ports"')
    return "addr" in record and ("ports" in record or "infos" in record or "schema_version" in record)


_SNIFFERS = (
    ("zgrab2", detect.is_zgrab2),
    ("masscan", detect.is_masscan),
    ("shodan", detect.is_shodan),
    ("censys", detect.is_censys),
    ("ivre", is_ivre),
)


def sniff(head: bytes, label: str) -> str:
    """The format of a JSON-lines file from its first (decompressed) bytes."""
    if not head.strip():
        raise InputError("empty file", file=label)
    for name, test in _SNIFFERS:
        if test(head):
            return name
    # The first record may be the broken one: the first of the next lines that is a JSON object.
    for line in head.split(b"\n")[1:64]:
        text = line.strip().strip(b",").strip()
        if text.startswith(b"{"):
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError:
                continue
            if isinstance(record, dict):
                for name, test in _SNIFFERS:
                    if test(text + b"\n"):
                        return name
    raise InputError(
        "not a scan record file the census reads (Shodan, Censys, zgrab2, masscan or IVRE JSON lines, "
        "plain or compressed, or Parquet)",
        file=label,
    )
