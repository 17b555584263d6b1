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
engine over each chunk of a file and, in the Spark engine, inside each executor over one batch.

Every query is one streaming pipeline: no CTE is read twice (DuckDB would hold it whole) and
records are never regrouped. A record is parsed as few times as possible: json_type and
json_extract_string each take a list of paths, so one parse gives the types, one the texts of
every leaf used. Nested parts (Censys services and HTTP responses, IVRE ports, zgrab2 scans,
masscan port entries) travel as work items {k: kind, v: text, p: port} that one level unnests
and the next expands, passing the other items through (see _censys()).
"""

from __future__ import annotations

import functools
import re

import orjson

from custodiet.errors import InputError
from custodiet.sources import banners_jsonl, detect
from custodiet.sources.banners_jsonl import MAX_ITEMS

FORMATS = ("shodan", "censys", "zgrab2", "masscan", "ivre")
MAX_PORTS = 4096  # ports of one nmap/IVRE host read (a host with all ports open has 65,535)

# Macros every flatten query uses. c_text: a JSON value as text as sources.logs.text_of does it
# (strings as they are, cut to MAX_TEXT; numbers as digits; anything else NULL). c_str: the same
# for the i-th leaf of a json_type list t and json_extract_string list s over the same paths,
# without parsing anything again; c_at: the same when the lists' paths differ (t[i], s[j]).
# c_port: "port/transport", the port as digits (0-65535) and the transport in lower case; its
# first branch gives the common spelling ("80", "tcp") at a third of the cost of the general one,
# which it equals there.
MACROS = """
CREATE OR REPLACE MACRO c_text(v) AS CASE json_type(v)
    WHEN 'VARCHAR' THEN nullif(left(v->>'$', 65536), '')
    WHEN 'BIGINT' THEN v->>'$' WHEN 'UBIGINT' THEN v->>'$' WHEN 'DOUBLE' THEN v->>'$' END;
CREATE OR REPLACE MACRO c_str(t, s, i) AS CASE t[i]
    WHEN 'VARCHAR' THEN nullif(left(s[i], 65536), '')
    WHEN 'BIGINT' THEN s[i] WHEN 'UBIGINT' THEN s[i] WHEN 'DOUBLE' THEN s[i] END;
CREATE OR REPLACE MACRO c_at(t, s, i, j) AS CASE t[i]
    WHEN 'VARCHAR' THEN nullif(left(s[j], 65536), '')
    WHEN 'BIGINT' THEN s[j] WHEN 'UBIGINT' THEN s[j] WHEN 'DOUBLE' THEN s[j] END;
CREATE OR REPLACE MACRO c_port(p, proto) AS CASE
    WHEN (proto = 'tcp' OR proto = 'udp') AND CAST(try_cast(p AS USMALLINT) AS VARCHAR) = p THEN p || '/' || proto
    WHEN try_cast(p AS BIGINT) BETWEEN 0 AND 65535 AND length(trim(proto)) BETWEEN 1 AND 8
    THEN CAST(try_cast(p AS BIGINT) AS VARCHAR) || '/' || lower(trim(proto)) END;
CREATE OR REPLACE MACRO c_obj(v) AS json_type(v) = 'OBJECT';
"""


# The suffixes banners_jsonl.service_kind strips, in turn, when a name ends with them.
_STRIPPED = ("-simple-new", "-simple", "-tcp", "-udp", "-tls")


def _service_spellings() -> dict[str, str]:
    """banners_jsonl.service_kind as a table, built from its own names (so both agree).

    service_kind strips, in turn, "-simple-new", "-simple", "-tcp", "-udp" and "-tls" when the
    name ends with them; so a name it knows is a known base followed by any of those suffixes in
    the reverse order: every such spelling -> its kind."""
    suffixes = list(reversed(_STRIPPED))  # outermost last
    spellings: dict[str, str] = {}
    for name, kind in banners_jsonl._KINDS.items():
        for mask in range(1 << len(suffixes)):
            spelled = name + "".join(sfx for i, sfx in enumerate(suffixes) if mask & (1 << i))
            if banners_jsonl.service_kind(spelled) == kind:
                spellings[spelled] = kind
    return dict(sorted(spellings.items()))


@functools.cache
def service_kind_sql(name: str) -> str:
    """service_kind of the SQL text `name` (NULL when it names no kind we read), for rows that
    come straight from DuckDB's typed JSON reader (typed.py), where a join would stop the
    reader's parallel scan: the suffixes go by one RE2 replace (the shortest base that the
    suffixes follow, in service_kind's order, is the name service_kind strips down to), and
    the base is looked up in a MAP of the few known bases (a MAP of every spelling costs
    twice as much: its lookup goes through all of them)."""
    assert all(re.fullmatch("[a-z-]+", sfx) for sfx in _STRIPPED)  # nothing RE2 would read otherwise
    suffixes = "".join(f"({sfx})?" for sfx in reversed(_STRIPPED))
    bases = "MAP {" + ", ".join(f"'{k}': '{v}'" for k, v in banners_jsonl._KINDS.items()) + "}"
    return f"{bases}[regexp_replace(lower({name}), '{suffixes}$', '')]"


def _service_kinds_table() -> str:
    """service_kind as a relation (spelling, kind) to join on: cheaper per row than the MAP."""
    rows = ", ".join(f"('{k}', '{v}')" for k, v in _service_spellings().items())
    return f"(VALUES {rows}) AS service_kinds(spelling, kind)"


# Blank lines are no records and are not counted (the readers skip them). A line is parsed as
# it is (the JSON parser takes the white space around a value); short lines of white space
# are dropped before, long ones (rare) when the parser refuses them: _malformed() gives ''.
def _maybe_record(line: str) -> str:
    return f"(length({line}) > 64 OR trim({line}, ' \t\r\n') <> '')"


def _malformed(line: str) -> str:
    return f"(CASE WHEN trim({line}, ' \t\r\n') = '' THEN '' ELSE 'malformed JSON' END)"


_WITHOUT_DATA = "zgrab2 record without 'data'".replace("'", "''")


def _shodan() -> str:
    """One streaming pipeline (no CTE read twice, so DuckDB never materialises one). Each record
    is parsed twice in all: one json_type over a list of paths (the record's own type first,
    so a line that is not JSON fails here, inside try()), one json_extract_string over the
    paths whose text is used (never over "$.http" or "$.ssl.cert", whose types are enough).
    The slots a record fills are chosen in its lists (list_filter) and only those are
    unnested; slots are numbers, not names (string comparisons on every slot of every record
    cost more than the parse), and the service kind is a join on a small constant table.
    A path under "http" or "snmp" resolves only when that is an object, as the reader's
    isinstance checks; lists (host names, CPEs) go to derive.py whole. Every row carries the
    record's address, as the other formats' rows do (the engine then needs no join to find a
    piece's host)."""
    own = {
        "ip": "$.ip_str", "cc": "$.location.country_code", "port": "$.port", "transport": "$.transport",
        "module": "$._shodan.module",
    }  # fmt: skip
    # slot -> (kind, path): the pieces, numbered from 1 (0 is the record itself, -1 a bad line).
    # Slots 1-4 are plain texts, 5 the banner, 6-7 certificate names, 8-10 lists.
    slots = [
        ("http.server", "$.http.server"), ("http.title", "$.http.title"), ("http.body", "$.http.html"),
        ("snmp.sysdescr", "$.snmp.description"), ("banner", "$.data"),
        ("dn:tls.subject", "$.ssl.cert.subject"), ("dn:tls.issuer", "$.ssl.cert.issuer"),
        ("list:hostname", "$.hostnames"), ("list:cpe", "$.cpe23"), ("list:cpe", "$.cpe"),
    ]  # fmt: skip
    typed = ["$", *own.values(), "$.http", "$.ssl.cert", *(path for _, path in slots)]
    texts = [*own.values(), *(path for _, path in slots)]
    t_at = {key: typed.index(path) + 1 for key, path in own.items()}
    s_at = {key: texts.index(path) + 1 for key, path in own.items()}
    http, cert = typed.index("$.http") + 1, typed.index("$.ssl.cert") + 1
    t0, s0 = typed.index(slots[0][1]), texts.index(slots[0][1])  # slot i is at t0 + i, s0 + i

    def text(key: str) -> str:
        return f"c_at(t, s, {t_at[key]}, {s_at[key]})"

    def listed(paths: list[str]) -> str:
        return "[" + ", ".join(f"'{p}'" for p in paths) + "]"

    scalar = "('BIGINT', 'UBIGINT', 'DOUBLE')"
    ty, v = f"t[i + {t0}]", f"s[i + {s0}]"
    filled = f"""list_filter({list(range(1, len(slots) + 1))}, lambda i: CASE
                WHEN i <= 4 THEN ({ty} = 'VARCHAR' AND {v} <> '') OR {ty} IN {scalar}
                WHEN i = 5 THEN svc IS NOT NULL AND (({ty} = 'VARCHAR' AND {v} <> '') OR {ty} IN {scalar})
                WHEN i <= 7 THEN cert AND {ty} IN ('OBJECT', 'ARRAY', 'VARCHAR', 'BOOLEAN', {scalar[1:-1]})
                ELSE {ty} = 'ARRAY' END)"""
    names = " ".join(f"WHEN {i} THEN '{name}'" for i, (name, _) in enumerate(slots, 1) if name != "banner")
    banners = " ".join(f"WHEN '{k}' THEN 'banner:{k}'" for k in sorted(set(_service_spellings().values())))
    module = f"lower(left(coalesce({text('module')}, ''), 64))"
    return f"""
    WITH x AS (
        SELECT file, n, line, try(json_type(line, {listed(typed)})) AS t FROM src WHERE {_maybe_record("line")}
    ),
    y AS (
        SELECT file, n, t, CASE WHEN t[1] = 'OBJECT' THEN json_extract_string(line, {listed(texts)}) END AS s,
            CASE WHEN t IS NULL THEN {_malformed("line")} WHEN t[1] <> 'OBJECT' THEN 'not a JSON object' END AS bad
        FROM x
    ),
    r AS (
        SELECT file, n, t, s, bad,
            {text("ip")} AS addr, {text("cc")} AS cc,
            c_port({text("port")}, coalesce({text("transport")}, 'tcp')) AS port,
            CASE WHEN t[{http}] = 'OBJECT' THEN coalesce(service_kinds.kind, 'http') ELSE service_kinds.kind END AS svc,
            t[{cert}] = 'OBJECT' AS cert
        FROM y LEFT JOIN {_service_kinds_table()} ON service_kinds.spelling = {module}
    ),
    z AS (
        SELECT file, n, addr, cc, port, svc, t, s, bad,
            unnest(CASE WHEN bad IS NULL THEN list_concat([0], {filled}) WHEN bad = '' THEN [] ELSE [-1] END) AS i
        FROM r
    )
    SELECT file, n, CASE WHEN i >= 0 THEN addr END AS addr, CASE WHEN i = 0 THEN cc END AS cc,
        CASE WHEN i > 0 AND i <> 8 THEN port END AS port,
        CASE i WHEN 0 THEN '#rec' WHEN -1 THEN '#bad' WHEN 5 THEN CASE svc {banners} END {names} END AS kind,
        CASE WHEN i <= 0 THEN (CASE WHEN i = -1 THEN bad END)
            WHEN (i = 6 OR i = 7) AND {ty} = 'VARCHAR' THEN to_json({v})::VARCHAR ELSE {v} END AS raw
    FROM z"""


def _paths(paths: list[str]) -> str:
    return "[" + ", ".join(f"'{p}'" for p in paths) + "]"


def _unwrap_sql(types: str, index: dict[str, int], previous: str | None, depth: int) -> str:
    """One round of banners_jsonl.unwrap_censys on the path `previous` of the host object
    inside a record ("result" when it is an object with services or ip, else "host", else
    "resource", when they are objects), decided on the types of every path the rounds can look
    at (`types[index[path]]`). Round 1 starts at "$" (previous None); a later round goes on
    only from a path the round before it made (`depth` keys deep): else the unwrapping
    stopped, as the reader's loop does."""

    def step(prefix: str) -> str:
        def t(path: str) -> str:
            return f"{types}[{index[prefix + path]}]"

        return (
            f"CASE WHEN {t('.result')} = 'OBJECT' AND ({t('.result.services')} IS NOT NULL "
            f"OR {t('.result.ip')} IS NOT NULL) THEN '{prefix}.result' "
            f"WHEN {t('.host')} = 'OBJECT' THEN '{prefix}.host' "
            f"WHEN {t('.resource')} = 'OBJECT' THEN '{prefix}.resource' ELSE '{prefix}' END"
        )

    if previous is None:
        return step("$")
    prefixes = ["$"]
    for _ in range(depth):
        prefixes = [f"{p}.{k}" for p in prefixes for k in ("result", "host", "resource")]
    return (
        f"CASE {previous} "
        + " ".join(f"WHEN '{p}' THEN {step(p)}" for p in prefixes)
        + f" ELSE {previous} END"
    )


def _unwrap_paths() -> list[str]:
    """Every path whose type the three unwrap rounds can look at."""
    prefixes = ["$"]
    out = []
    for _ in range(3):
        for p in prefixes:
            out += [f"{p}.result", f"{p}.result.services", f"{p}.result.ip", f"{p}.host", f"{p}.resource"]
        prefixes = [f"{p}.{k}" for p in prefixes for k in ("result", "host", "resource")]
    return out


def _censys() -> str:
    """One streaming pipeline, no CTE read twice and no regrouping of records: each level
    unnests a list of work items {k: kind, v: text, p: port} and the next level expands the
    items of its own kind ('#svc': a service, '#resp': an HTTP response), passing the others
    through. A record is parsed twice (its type, the unwrap paths' types and the host's
    types in one json_type; the host's texts in one json_extract_string), its services array
    once more, each service twice, each HTTP response twice."""
    host = {
        "ip": "$.ip",
        "cc": "$.location.country_code",
        "services": "$.services",
        "names": "$.dns.reverse_dns.names",
    }
    unwrap = _unwrap_paths()
    first = unwrap[:5]  # the paths round 1 looks at; the others are typed only when it unwrapped
    typed = ["$", *host.values(), *first]
    at = {p: i + 1 for i, p in enumerate(typed)}
    deep = {p: i + 1 for i, p in enumerate(unwrap)}
    h = _Level(host, "h")
    # host types: from the record's own json_type when the host is the record, else parsed anew
    h_t = (
        "CASE WHEN hp = '$' THEN ["
        + ", ".join(f"w[{at[p]}]" for p in host.values())
        + f"] ELSE json_type(hj, {_paths(list(host.values()))}) END"
    )

    htext = h.text

    s = {
        "$": "$", "port": "$.port", "transport": "$.transport_protocol", "name": "$.service_name",
        "protocol": "$.protocol", "banner": "$.banner", "ssh": "$.ssh.endpoint_id.raw",
        "leaf_subject": "$.tls.certificates.leaf_data.subject_dn", "leaf_issuer": "$.tls.certificates.leaf_data.issuer_dn",
        "cert_subject": "$.cert.parsed.subject_dn", "cert_issuer": "$.cert.parsed.issuer_dn",
        "system": "$.snmp.oid_system", "desc": "$.snmp.oid_system.desc", "oid": "$.snmp.oid_system.object_id",
        "response": "$.http.response", "endpoints": "$.endpoints", "software": "$.software",
    }  # fmt: skip
    sv = _Level(s, "s")
    st, stext, sitems = sv.type, sv.text, sv.items

    def item(kind: str, text: str, port: str = "port") -> str:
        return f"{{'k': {kind}, 'v': {text}, 'p': {port}}}"

    snmp = f"{st('system')} = 'OBJECT'"
    q = {"$": "$", "headers": "$.headers", "title": "$.html_title", "body": "$.body"}
    resp = _Level(q, "q")
    service_kind = f"lower(left(coalesce({stext('name')}, {stext('protocol')}, ''), 64))"
    names, services = h.items("names", MAX_ITEMS), h.items("services", MAX_ITEMS)
    return f"""
    WITH x AS (
        SELECT file, n, line AS t, try(json_type(line, {_paths(typed)})) AS w FROM src WHERE {_maybe_record("line")}
    ),
    y AS (
        SELECT file, n, t, w,
            CASE WHEN w IS NULL THEN {_malformed("t")} WHEN w[1] <> 'OBJECT' THEN 'not a JSON object' END AS bad,
            CASE WHEN w[1] = 'OBJECT' THEN {_unwrap_sql("w", at, None, 0)} END AS p1
        FROM x
    ),
    y1 AS (SELECT *, CASE WHEN p1 <> '$' THEN json_type(t, {_paths(unwrap)}) END AS u FROM y),
    y2 AS (SELECT *, CASE WHEN p1 <> '$' THEN {_unwrap_sql("u", deep, "p1", 1)} ELSE p1 END AS p2 FROM y1),
    y3 AS (SELECT *, CASE WHEN p2 <> p1 THEN {_unwrap_sql("u", deep, "p2", 2)} ELSE p2 END AS hp FROM y2),
    h AS (
        SELECT file, n, bad, hp, hj, CASE WHEN bad IS NULL THEN {h_t} END AS h_t,
            CASE WHEN bad IS NULL THEN json_extract_string(hj, {_paths(list(host.values()))}) END AS h_s
        FROM (SELECT *, CASE WHEN bad IS NULL THEN (CASE WHEN hp = '$' THEN t ELSE json_extract(t, hp)::VARCHAR END) END AS hj FROM y3)
    ),
    r AS (
        SELECT file, n, CASE WHEN bad IS NULL THEN {htext("ip")} END AS addr, CASE WHEN bad IS NULL THEN {htext("cc")} END AS cc,
            unnest(CASE WHEN bad = '' THEN [] WHEN bad IS NOT NULL THEN [{item("'#bad'", "bad", "NULL::VARCHAR")}]
                ELSE list_concat(
                    [{item("'#rec'", "NULL::VARCHAR", "NULL::VARCHAR")}],
                    list_transform({services}, lambda sv: {item("'#svc'", "sv::VARCHAR", "NULL::VARCHAR")}),
                    list_transform({names}, lambda m: {item("'hostname'", "c_text(m)", "NULL::VARCHAR")}))
                END) AS w
        FROM h
    ),
    s AS (
        {_parse_items("#svc", s, "s")}
        FROM r
    ),
    s2 AS (
        SELECT file, n, addr, cc, w, s_t, s_s, port, service_kinds.kind AS kind
        FROM (SELECT *, CASE WHEN w.k = '#svc' THEN c_port({stext("port")}, coalesce({stext("transport")}, 'tcp')) END AS port FROM s)
        LEFT JOIN {_service_kinds_table()} ON w.k = '#svc' AND service_kinds.spelling = {service_kind}
    ),
    z AS (
        SELECT file, n, addr, cc, unnest(CASE
            WHEN w.k <> '#svc' THEN [w]
            WHEN {st("$")} <> 'OBJECT' THEN []
            ELSE list_concat([
                {item("'banner:' || kind", stext("banner"))},
                {item("'ssh.banner'", stext("ssh"))},
                {item("'tls.subject'", stext("leaf_subject"))},
                {item("'tls.issuer'", stext("leaf_issuer"))},
                {item("'tls.subject'", stext("cert_subject"))},
                {item("'tls.issuer'", stext("cert_issuer"))},
                {item("'snmp.sysdescr'", f"CASE WHEN {snmp} THEN {stext('desc')} END")},
                {item("'snmp.sysobjectid'", f"CASE WHEN {snmp} THEN {stext('oid')} END")},
                {item("'#resp'", f"CASE WHEN {st('response')} = 'OBJECT' THEN {sv.raw('response')} END")}
            ],
                list_transform({sitems("endpoints", MAX_ITEMS)},
                    lambda e: {item("'#resp'", "json_extract(e, '$.http')::VARCHAR")}),
                list_transform(list_filter({sitems("software", MAX_ITEMS)}, lambda u: c_obj(u)),
                    lambda u: {item("'cpe'", "coalesce(c_text(u->'$.uniform_resource_identifier'), c_text(u->'$.cpe'))")}))
            END) AS w
        FROM s2
    ),
    q AS (
        {_parse_items("#resp", q, "q")}
        FROM z WHERE w.v IS NOT NULL OR w.k IN ('#rec', '#bad')
    ),
    o AS (
        SELECT file, n, addr, cc, unnest(CASE
            WHEN w.k <> '#resp' THEN [w]
            WHEN q_t[1] IS DISTINCT FROM 'OBJECT' THEN []
            ELSE [
                {item("'censys.headers'", f"CASE WHEN {resp.type('headers')} = 'OBJECT' THEN {resp.raw('headers')} END", "w.p")},
                {item("'http.title'", resp.text("title"), "w.p")},
                {item("'http.body'", resp.text("body"), "w.p")}
            ] END) AS w
        FROM q
    )
    SELECT file, n, CASE WHEN w.k <> '#bad' THEN addr END AS addr, CASE WHEN w.k = '#rec' THEN cc END AS cc,
        w.p AS port, w.k AS kind, w.v AS raw
    FROM o
    WHERE w.k IN ('#rec', '#bad') OR (w.k IS NOT NULL AND w.v IS NOT NULL AND w.v <> '')"""


def _zgrab2() -> str:
    """One streaming pipeline as _censys(): the record level unnests the record itself and its
    scans ('#scan': the value of each key of "data", in order, the key in the port slot),
    expanded at the next level. A record is parsed three times (types, address text, the
    scans' keys and values), each scan twice, an HTTP scan once more (its status line,
    protocol and header map as JSON)."""
    certs = "handshake_log.server_certificates.certificate.parsed"
    z = {
        "$": "$", "protocol": "$.protocol", "port": "$.port", "result": "$.result", "result_port": "$.result.port",
        "response": "$.result.response", "body": "$.result.response.body", "host": "$.result.response.request.url.host",
        "scheme": "$.result.response.request.url.scheme",
        "req_subject": f"$.result.response.request.tls_log.{certs}.subject_dn",
        "req_issuer": f"$.result.response.request.tls_log.{certs}.issuer_dn",
        "ssh": "$.result.server_id.raw", "tls_subject": f"$.result.{certs}.subject_dn",
        "tls_issuer": f"$.result.{certs}.issuer_dn", "banner": "$.result.banner",
        "ftp_subject": f"$.result.tls.{certs}.subject_dn", "ftp_issuer": f"$.result.tls.{certs}.issuer_dn",
    }  # fmt: skip
    scan = _Level(z, "z")
    zt, ztext = scan.type, scan.text

    host = ztext("host")
    http_port = f"""(CASE
        WHEN regexp_matches(coalesce({host}, ''), '(^|:)[0-9]+$') AND NOT suffix({host}, ']')
            THEN c_port(regexp_extract({host}, '([0-9]+)$', 1), 'tcp')
        WHEN lower({ztext("scheme")}) = 'http' THEN '80/tcp'
        WHEN lower({ztext("scheme")}) = 'https' THEN '443/tcp' END)"""
    http = "['$.result.response.status_line', '$.result.response.protocol.name', '$.result.response.headers']"

    def piece(kind: str, text: str) -> str:
        return _item(kind, text, "port")

    return f"""
    WITH x AS (
        SELECT file, n, line AS t, try(json_type(line, ['$', '$.data', '$.ip'])) AS w FROM src
        WHERE {_maybe_record("line")}
    ),
    y AS (
        SELECT file, n, t, CASE
                WHEN w IS NULL THEN {_malformed("t")} WHEN w[1] <> 'OBJECT' THEN 'not a JSON object'
                WHEN w[2] IS DISTINCT FROM 'OBJECT' THEN '{_WITHOUT_DATA}' END AS bad,
            CASE WHEN w[3] = 'VARCHAR' THEN nullif(left(json_extract_string(t, '$.ip'), 65536), '')
                WHEN w[3] IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN json_extract_string(t, '$.ip') END AS addr
        FROM x
    ),
    r AS (
        SELECT file, n, addr, NULL::VARCHAR AS cc, unnest(CASE
            WHEN bad = '' THEN [] WHEN bad IS NOT NULL THEN [{_item("'#bad'", "bad")}]
            ELSE list_concat([{_item("'#rec'", "NULL::VARCHAR")}],
                list_transform(list_zip(json_keys(t, '$.data'), json_extract(t, '$.data.*')::VARCHAR[]),
                    lambda e: {_item("'#scan'", "e[2]", "e[1]")}))
            END) AS w
        FROM (SELECT *, CASE WHEN bad IS NULL THEN t END AS t FROM y)
    ),
    q AS (
        {_parse_items("#scan", z, "z")}
        FROM r
    ),
    q2 AS (
        SELECT *, CASE WHEN w.k = '#scan' THEN lower(coalesce({ztext("protocol")}, w.p)) END AS protocol,
            CASE WHEN w.k = '#scan' THEN coalesce(c_port({ztext("port")}, 'tcp'), c_port({ztext("result_port")}, 'tcp'))
                END AS port0
        FROM q
    ),
    q3 AS (
        SELECT *, coalesce(port0, CASE WHEN protocol = 'http' THEN {http_port} END) AS port,
            CASE WHEN protocol = 'http' THEN json_extract(w.v, {http}) END AS head
        FROM q2
    ),
    o AS (
        SELECT file, n, addr, cc, unnest(CASE
            WHEN w.k <> '#scan' THEN [w]
            WHEN {zt("$")} IS DISTINCT FROM 'OBJECT' OR {zt("result")} IS DISTINCT FROM 'OBJECT' THEN []
            WHEN protocol = 'http' AND {zt("response")} IS DISTINCT FROM 'OBJECT' THEN []
            WHEN protocol = 'http' THEN [
                {piece("'zgrab2.http'", "json_array(head[1], head[2], head[3])::VARCHAR")},
                {piece("'html:'", ztext("body"))},
                {piece("'tls.subject'", ztext("req_subject"))},
                {piece("'tls.issuer'", ztext("req_issuer"))}
            ]
            WHEN protocol = 'ssh' THEN [{piece("'strip:ssh.banner'", ztext("ssh"))}]
            WHEN protocol = 'tls' THEN [
                {piece("'tls.subject'", ztext("tls_subject"))},
                {piece("'tls.issuer'", ztext("tls_issuer"))}
            ]
            WHEN protocol IN ('ftp', 'telnet') THEN [
                {piece("'strip:' || protocol || '.banner'", ztext("banner"))},
                {piece("'tls.subject'", ztext("ftp_subject"))},
                {piece("'tls.issuer'", ztext("ftp_issuer"))}
            ]
            WHEN protocol = 'banner' AND starts_with(coalesce({ztext("banner")}, ''), 'SSH-')
                THEN [{piece("'banner:ssh'", ztext("banner"))}]
            ELSE [] END) AS w
        FROM q3
    )
    {_EMIT.format(source="o")}"""


def _masscan() -> str:
    """One streaming pipeline as _censys(): the record level unnests the record itself and its
    port entries ('#entry': each object of "ports", or the one -oD entry made of the record's
    own port, proto and banner fields), expanded at the next level. Lines are trimmed of the
    commas and white space of -oJ, as the reader does; "[" and "]" lines and blank ones are no
    records (they are told apart once the parser refused them: a filter on the trimmed text
    before the parse would make DuckDB trim every line twice)."""
    m = {
        "$": "$", "ip": "$.ip", "ports": "$.ports", "port": "$.port", "proto": "$.proto", "rec_type": "$.rec_type",
        "data": "$.data", "name": "$.data.service_name", "banner": "$.data.banner",
    }  # fmt: skip
    texts = [k for k in m if k != "$"]
    at = {k: i + 1 for i, k in enumerate(m)}
    sat = {k: i + 1 for i, k in enumerate(texts)}
    e = {
        "port": "$.port",
        "proto": "$.proto",
        "service": "$.service",
        "name": "$.service.name",
        "banner": "$.service.banner",
    }
    entry = _Level(e, "e")

    def mtext(key: str) -> str:
        return f"c_at(w, s, {at[key]}, {sat[key]})"

    def mjson(key: str) -> str:
        """The leaf as JSON text (objects and arrays as they are, strings quoted), else NULL."""
        t, v = f"w[{at[key]}]", f"s[{sat[key]}]"
        return (
            f"(CASE WHEN {t} IN ('OBJECT', 'ARRAY') THEN {v} WHEN {t} = 'VARCHAR' THEN to_json({v})::VARCHAR "
            f"WHEN {t} IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN') THEN {v} END)"
        )

    etext = entry.text

    data_obj = f"w[{at['data']}] = 'OBJECT'"
    ports = f"list_slice(json_extract(s[{sat['ports']}], '$[*]'), 1, {MAX_ITEMS})"
    single = f"""json_object('port', {mjson("port")}::JSON, 'proto', {mjson("proto")}::JSON,
                    'service', CASE WHEN {mtext("rec_type")} = 'banner' THEN json_object(
                        'name', CASE WHEN {data_obj} THEN {mjson("name")}::JSON END,
                        'banner', CASE WHEN {data_obj} THEN {mjson("banner")}::JSON END) END)::VARCHAR"""
    return f"""
    WITH x AS (
        SELECT file, n, t, try(json_type(t, {_paths(list(m.values()))})) AS w
        FROM (SELECT file, n, trim(trim(trim(line, ' \t\r\n'), ','), ' \t\r\n') AS t FROM src)
    ),
    y AS (
        SELECT file, n, w, CASE
                WHEN w IS NULL THEN (CASE WHEN t IN ('', '[', ']') THEN '' ELSE 'malformed JSON' END)
                WHEN w[1] <> 'OBJECT' THEN 'not a JSON object' END AS bad,
            CASE WHEN w[1] = 'OBJECT' THEN json_extract_string(t, {_paths([m[k] for k in texts])}) END AS s
        FROM x
    ),
    r AS (
        SELECT file, n, {mtext("ip")} AS addr, NULL::VARCHAR AS cc, unnest(CASE
            WHEN bad = '' THEN [] WHEN bad IS NOT NULL THEN [{_item("'#bad'", "bad")}]
            ELSE list_concat([{_item("'#rec'", "NULL::VARCHAR")}], list_transform(
                CASE WHEN w[{at["ports"]}] IS NULL THEN [{single}]
                    WHEN w[{at["ports"]}] = 'ARRAY' THEN list_filter({ports}, lambda p: c_obj(p))::VARCHAR[]
                    ELSE [] END,
                lambda en: {_item("'#entry'", "en")}))
            END) AS w
        FROM y
    ),
    q AS (
        {_parse_items("#entry", e, "e")}
        FROM r
    ),
    o AS (
        SELECT file, n, addr, cc, unnest(CASE
            WHEN w.k <> '#entry' THEN [w]
            WHEN port IS NULL THEN [{_item("'!bad port'", "'x'")}]
            WHEN {entry.type("service")} = 'OBJECT' THEN
                [{_item("'masscan:' || coalesce(" + etext("name") + ", '')", etext("banner"), "port")}]
            ELSE [] END) AS w
        FROM (SELECT *, CASE WHEN w.k = '#entry' THEN c_port({etext("port")}, {etext("proto")}) END AS port FROM q)
    )
    {_EMIT.format(source="o")}"""


def _item(kind: str, text: str, port: str = "NULL::VARCHAR") -> str:
    """A work item of the streaming pipelines: {k: kind, v: text, p: port} (SQL expressions)."""
    return f"{{'k': {kind}, 'v': {text}, 'p': {port}}}"


class _Level:
    """The leaves of one parsed level, by name: its json_type list `<prefix>_t` and its
    json_extract_string list `<prefix>_s` over the same paths (see _parse_items())."""

    def __init__(self, paths: dict[str, str], prefix: str) -> None:
        self.at = {key: i + 1 for i, key in enumerate(paths)}
        self.t, self.s = f"{prefix}_t", f"{prefix}_s"

    def type(self, key: str) -> str:
        return f"{self.t}[{self.at[key]}]"

    def raw(self, key: str) -> str:
        """The leaf's text as extracted (objects and arrays as JSON)."""
        return f"{self.s}[{self.at[key]}]"

    def text(self, key: str) -> str:
        """The leaf as c_text() gives it (strings and numbers, else NULL)."""
        return f"c_str({self.t}, {self.s}, {self.at[key]})"

    def items(self, key: str, limit: int) -> str:
        """The leaf's items (JSON) when it is an array, at most `limit`; else []."""
        return (
            f"(CASE WHEN {self.type(key)} = 'ARRAY' THEN list_slice(json_extract({self.raw(key)}, '$[*]'), 1, {limit}) "
            "ELSE [] END)"
        )


def _parse_items(kind: str, paths: dict[str, str], prefix: str) -> str:
    """The SELECT list of a level that parses its `kind` work items once for their types and
    once for their texts (columns {prefix}_t and {prefix}_s, NULL on other items)."""
    listed = _paths(list(paths.values()))
    return (
        f"SELECT file, n, addr, cc, w,\n"
        f"            CASE WHEN w.k = '{kind}' THEN json_type(w.v, {listed}) END AS {prefix}_t,\n"
        f"            CASE WHEN w.k = '{kind}' THEN json_extract_string(w.v, {listed}) END AS {prefix}_s"
    )


# The last step of the streaming pipelines: records, bad lines and the pieces with some text.
_EMIT = """
    SELECT file, n, CASE WHEN w.k <> '#bad' THEN addr END AS addr, CASE WHEN w.k = '#rec' THEN cc END AS cc,
        w.p AS port, w.k AS kind, w.v AS raw
    FROM {source}
    WHERE w.k IN ('#rec', '#bad') OR (w.k IS NOT NULL AND w.v IS NOT NULL AND w.v <> '')"""


def _ivre() -> str:
    """One streaming pipeline as _censys(): the record level unnests the record itself, its
    ports ('#port', expanded at the next level), its host scripts, OS guesses and host names.
    A record is parsed twice, its ports array once more, each port twice."""
    host = {
        "$": "$", "addr": "$.addr", "cc": "$.infos.country_code", "ports": "$.ports", "scripts": "$.scripts",
        "osmatch": "$.os.osmatch", "hostnames": "$.hostnames",
    }  # fmt: skip
    texts = [k for k in host if k != "$"]
    at = {k: i + 1 for i, k in enumerate(host)}
    sat = {k: i + 1 for i, k in enumerate(texts)}
    p = {
        "$": "$", "port": "$.port", "protocol": "$.protocol", "state": "$.state_state", "name": "$.service_name",
        "product": "$.service_product", "version": "$.service_version", "extrainfo": "$.service_extrainfo",
        "devicetype": "$.service_devicetype", "hostname": "$.service_hostname", "servicefp": "$.service_servicefp",
        "scripts": "$.scripts",
    }  # fmt: skip
    port_level = _Level(p, "p")

    def htext(key: str) -> str:
        return f"c_at(w, s, {at[key]}, {sat[key]})"

    ptext = port_level.text

    named = ("product", "version", "extrainfo", "devicetype", "hostname")
    strings = ", ".join(
        f"CASE WHEN {port_level.type(k)} = 'VARCHAR' THEN {port_level.raw(k)} END" for k in named
    )
    any_text = ", ".join(ptext(k) for k in named)
    raw_addr = f"s[{sat['addr']}]"

    def scripts(items: str, prefix: str, port: str) -> str:
        return (
            f"list_transform(list_filter({items}, lambda x: c_obj(x)), lambda x: "
            + _item(f"{prefix} || coalesce(c_text(x->'$.id'), '')", "c_text(x->'$.output')", port)
            + ")"
        )

    def host_list(key: str, limit: int) -> str:
        """A host leaf's items: its type is w[at], its text s[sat] (the lists are offset by '$')."""
        return (
            f"(CASE WHEN w[{at[key]}] = 'ARRAY' THEN list_slice(json_extract(s[{sat[key]}], '$[*]'), 1, {limit}) "
            "ELSE [] END)"
        )

    return f"""
    WITH x AS (
        SELECT file, n, line AS t, try(json_type(line, {_paths(list(host.values()))})) AS w FROM src
        WHERE {_maybe_record("line")}
    ),
    y AS (
        SELECT file, n, w,
            CASE WHEN w IS NULL THEN {_malformed("t")} WHEN w[1] <> 'OBJECT' THEN 'not a JSON object' END AS bad,
            CASE WHEN w[1] = 'OBJECT' THEN json_extract_string(t, {_paths([host[k] for k in texts])}) END AS s
        FROM x
    ),
    r AS (
        SELECT file, n, CASE WHEN w[{at["addr"]}] IN ('UBIGINT', 'BIGINT') AND try_cast({raw_addr} AS UBIGINT) < 4294967296 THEN
                concat_ws('.', ({raw_addr}::UBIGINT >> 24) & 255, ({raw_addr}::UBIGINT >> 16) & 255,
                    ({raw_addr}::UBIGINT >> 8) & 255, {raw_addr}::UBIGINT & 255)
                ELSE {htext("addr")} END AS addr,
            {htext("cc")} AS cc,
            unnest(CASE WHEN bad = '' THEN [] WHEN bad IS NOT NULL THEN [{_item("'#bad'", "bad")}]
                ELSE list_concat(
                    [{_item("'#rec'", "NULL::VARCHAR")}],
                    list_transform({host_list("ports", MAX_PORTS)}, lambda pv: {_item("'#port'", "pv::VARCHAR")}),
                    {scripts(host_list("scripts", MAX_ITEMS), "'nmap.script:|'", "NULL::VARCHAR")},
                    list_transform({host_list("osmatch", 3)},
                        lambda m: {_item("'nmap.clean:os.match'", "c_text(m->'$.name')")}),
                    list_transform({host_list("hostnames", MAX_ITEMS)},
                        lambda h: {_item("'nmap.clean:hostname'", "c_text(h->'$.name')")}))
                END) AS w
        FROM y
    ),
    q AS (
        {_parse_items("#port", p, "p")}
        FROM r
    ),
    q2 AS (
        SELECT *, coalesce({ptext("name")}, '') AS svc, coalesce({ptext("state")}, '') = 'open' AS open,
            CASE WHEN try_cast({ptext("port")} AS BIGINT) >= 0
                THEN c_port({ptext("port")}, coalesce({ptext("protocol")}, 'tcp')) END AS port
        FROM q
    ),
    o AS (
        SELECT file, n, addr, cc, unnest(CASE
            WHEN w.k <> '#port' THEN [w]
            WHEN p_t[1] IS DISTINCT FROM 'OBJECT' THEN []
            ELSE list_concat(
                CASE WHEN open THEN [
                    {_item("'nmap.service'", f"CASE WHEN coalesce({any_text}) IS NOT NULL THEN to_json([{strings}])::VARCHAR END", "port")},
                    {_item("'nmap.servicefp:' || svc", ptext("servicefp"), "port")}
                ] ELSE [] END,
                {scripts(port_level.items("scripts", MAX_ITEMS), "'nmap.script:' || svc || '|'", "port")})
            END) AS w
        FROM q2
    )
    {_EMIT.format(source="o")}"""


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
