"""The DuckDB engine's stages per host, after the files are read (duck.py): the addresses in
their normal form, the hosts and their countries, their services, and their identities.

They read the views recs(file, addr, cc, k), pieces(addr, port, h) and host_rows(addr, cc,
k, port) and the tables answers(h, items) and item_keys that duck.py fills, and leave hosts
(with their services) and the view host_ident for the counts (counts.py).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from custodiet.census import places
from custodiet.census.arrow_results import arrow_reader
from custodiet.census.evidence import Matcher, combo_of, item_maker
from custodiet.census.model import UNKNOWN_COUNTRY, FileSummary

REGISTRY_BATCH = 131_072  # addresses per registry lookup


def item_keys(con: duckdb.DuckDBPyConnection, ids: dict[str, int]) -> None:
    """item_keys: each item id with its canonical key and the maker it names (folded)."""
    keys = list(ids)
    items = pa.table(
        {
            "item": pa.array(range(len(keys)), pa.int32()),
            "item_key": pa.array(keys, pa.string()),
            "maker_fold": pa.array([item_maker(k) for k in keys], pa.string()),
        }
    )
    con.register("item_arrow", items)
    con.execute("CREATE TABLE item_keys AS SELECT * FROM item_arrow")
    con.unregister("item_arrow")


def addresses(con: duckdb.DuckDBPyConnection, summaries: list[FileSummary]) -> None:
    """addr_map: each distinct address spelling that is not already a normal IPv4 address ->
    its normal form (NULL: not an address); the records read and skipped per file."""
    con.execute(
        f"""CREATE TABLE addr_map AS
        SELECT DISTINCT addr AS raw, NULL::VARCHAR AS addr FROM recs
        WHERE addr IS NOT NULL AND NOT regexp_matches(addr, '{places.IPV4_SQL}')"""
    )
    odd = [row[0] for row in con.execute("SELECT raw FROM addr_map").fetchall()]
    if odd:
        mapping = pa.table(
            {
                "raw": pa.array(odd, pa.string()),
                "addr": pa.array(places.normalise_addresses(odd), pa.string()),
            }
        )
        con.register("addr_map_arrow", mapping)
        con.execute(
            "UPDATE addr_map SET addr = m.addr FROM addr_map_arrow m WHERE addr_map.raw = m.raw AND m.addr IS NOT NULL"
        )
        con.unregister("addr_map_arrow")
    for file, reason, count in con.execute(
        f"""SELECT file, CASE WHEN raw IS NULL THEN 'no address' WHEN addr IS NULL THEN 'bad address' END, sum(k)
        FROM {_normalised(con, "recs")} GROUP BY ALL"""
    ).fetchall():
        if reason is None:
            summaries[file].records = count
        else:
            summaries[file].skipped[reason] += count


def hosts(con: duckdb.DuckDBPyConnection) -> None:
    """hosts: one row per address with its country (the records' most frequent one, the
    greater code on a tie; else the registry's) and its services (the distinct ports of its
    rows that are services). Most hosts' records all name one country and show one port: one
    GROUP BY takes each host's least and greatest country and port (a port by its 64-bit
    hash: DuckDB compares integers faster than texts), and only the other hosts are counted
    again, by their records (a few percent of the hosts for the country, those of three
    service rows or more that show two ports or more)."""
    rows = f"""(SELECT addr, CASE WHEN regexp_matches(cc, '{places.COUNTRY_SQL}') THEN upper(cc) END AS cc, k, port
        FROM {_normalised(con, "host_rows")} WHERE addr IS NOT NULL)"""
    con.execute(
        f"""CREATE TABLE host_rows_seen AS
        SELECT addr, cc_lo, CASE WHEN cc_lo = cc_hi THEN cc_lo END AS cc,
            CASE WHEN ports = 0 THEN 0 WHEN port_lo = port_hi THEN 1 WHEN ports = 2 THEN 2 END AS services
        FROM (
            SELECT addr, min(cc) AS cc_lo, max(cc) AS cc_hi, count(port) AS ports,
                min(hash(port)) FILTER (WHERE port IS NOT NULL) AS port_lo,
                max(hash(port)) FILTER (WHERE port IS NOT NULL) AS port_hi
            FROM {rows} GROUP BY addr)"""
    )
    _counted_again(con, rows)
    _registry_countries(con)
    # A view: most hosts as the GROUP BY left them, the others joined to what was found apart
    # (a table made of all of them again costs as much as DuckDB's UPDATE of a few: a scan of
    # every row).
    con.execute(
        f"""CREATE VIEW hosts AS
        SELECT addr, cc, 'record' AS cc_source, services FROM host_rows_seen WHERE cc IS NOT NULL AND services IS NOT NULL
        UNION ALL
        SELECT s.addr, coalesce(s.cc, c.cc, r.cc, '{UNKNOWN_COUNTRY}') AS cc,
            CASE WHEN s.cc_lo IS NOT NULL THEN 'record' WHEN r.cc IS NOT NULL THEN 'registry' ELSE 'unknown' END AS cc_source,
            coalesce(s.services, p.services) AS services
        FROM host_rows_seen s LEFT JOIN host_countries c USING (addr) LEFT JOIN host_ports p USING (addr)
            LEFT JOIN registry r USING (addr)
        WHERE s.cc IS NULL OR s.services IS NULL"""
    )


def _counted_again(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """host_countries (the most frequent country of a host whose records name several) and
    host_ports (the distinct ports of a host the first GROUP BY could not tell), from the host
    rows `rows`; made empty when no host needs them (DuckDB scans every row even for none)."""
    [(split, several)] = con.execute(
        """SELECT count(*) FILTER (WHERE cc IS NULL AND cc_lo IS NOT NULL), count(*) FILTER (WHERE services IS NULL)
        FROM host_rows_seen"""
    ).fetchall()
    countries = f"""SELECT addr, arg_max(cc, (k, cc)) AS cc
        FROM (SELECT addr, cc, sum(k) AS k FROM {rows} r
            SEMI JOIN (SELECT addr FROM host_rows_seen WHERE cc IS NULL AND cc_lo IS NOT NULL) USING (addr)
            WHERE cc IS NOT NULL GROUP BY ALL)
        GROUP BY addr"""
    ports = f"""SELECT addr, count(DISTINCT port) AS services FROM {rows} r
        SEMI JOIN (SELECT addr FROM host_rows_seen WHERE services IS NULL) USING (addr)
        WHERE port IS NOT NULL GROUP BY addr"""
    con.execute(
        f"CREATE TABLE host_countries AS {countries}"
        if split
        else "CREATE TABLE host_countries (addr VARCHAR, cc VARCHAR)"
    )
    con.execute(
        f"CREATE TABLE host_ports AS {ports}"
        if several
        else "CREATE TABLE host_ports (addr VARCHAR, services BIGINT)"
    )


def _registry_countries(con: duckdb.DuckDBPyConnection) -> None:
    """registry: the registered country of each host whose records name none (offline
    registry data, a batch of addresses at a time)."""
    con.execute("CREATE TABLE registry (addr VARCHAR, cc VARCHAR)")
    cursor = con.cursor()
    try:
        for batch in arrow_reader(
            cursor, "SELECT addr FROM host_rows_seen WHERE cc_lo IS NULL", REGISTRY_BATCH
        ):
            addresses = batch.column(0).to_pylist()
            found = pa.table(
                {
                    "addr": pa.array(addresses, pa.string()),
                    "cc": pa.array(places.registry_countries(addresses), pa.string()),
                }
            )
            con.register("registry_arrow", found)
            con.execute("INSERT INTO registry SELECT * FROM registry_arrow WHERE cc IS NOT NULL")
            con.unregister("registry_arrow")
    finally:
        cursor.close()


def identify(con: duckdb.DuckDBPyConnection, matcher: Matcher, hosts: Callable[[], None]) -> None:
    """The pieces (with their host's normal address, _normalised()) give each host's hits (the
    address, port and hash of each piece that hit something). Each host's answers (the distinct
    hashes of its hits, sorted: most hosts show one) are grouped with its hits; each distinct
    set of answers gets its combo (the items of its answers, distinct and sorted), and each
    distinct combo is fused once (ident, numbered). host_ident is the hosts whose combo names a
    maker, with the services whose own pieces name that maker (set_support: per set of answers,
    those whose items name the maker its combo names); the identity's columns are joined from
    ident where they are counted (a view), not copied to every host. Sets and combos are joined
    as lists, never by hash: DuckDB's hash of a list is a weak mix of its items' hashes ([0, 9,
    68] and [0, 13, 64] share one)."""
    pieces = f"(SELECT addr, port, h FROM {_normalised(con, 'pieces')} WHERE addr IS NOT NULL)"
    _name_hosts(con, matcher, pieces, hosts)
    con.execute(
        """CREATE VIEW host_ident AS
        SELECT n.addr, n.cc, i.* EXCLUDE (cid, combo), n.services
        FROM host_ident_narrow n JOIN ident i USING (cid)"""
    )


def _respelled(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether some address is spelled otherwise than in its normal form (addr_map)."""
    [(count,)] = con.execute("SELECT count(*) FROM addr_map WHERE addr IS DISTINCT FROM raw").fetchall()
    return bool(count)


def drop_reads(con: duckdb.DuckDBPyConnection) -> None:
    """The views of what was read, and the pieces of the files read line by line: counted."""
    con.execute("DROP VIEW pieces")
    con.execute("DROP VIEW host_rows")
    con.execute("DROP TABLE cut_pieces")


def _normalised(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """`relation` (with an addr column) with each address in its normal form (addr; NULL when
    it is no address) beside its spelling (raw); joined to addr_map only when some spelling is
    not its own normal form."""
    if not _respelled(con):
        return f"(SELECT *, addr AS raw FROM {relation})"
    return f"""(SELECT p.* REPLACE (CASE WHEN m.raw IS NULL THEN p.addr ELSE m.addr END AS addr), p.addr AS raw
        FROM {relation} p LEFT JOIN addr_map m ON m.raw = p.addr)"""


def _name_hosts(
    con: duckdb.DuckDBPyConnection, matcher: Matcher, pieces: str, hosts: Callable[[], None]
) -> None:
    """host_answers, answer_sets, ident, answer_makers, set_support and host_ident_narrow of
    _identify(), from `pieces` (a relation of addr, port, h); `hosts` waits for the hosts
    table, which only host_ident_narrow reads."""
    from custodiet.catalog import fold

    # Most hosts show one answer, on one port: a host's hits are reduced to their least answer
    # and whether they show one port (by its hash, as hosts() does); only the others (a few
    # percent) are grouped into lists: their answers (the distinct hashes, sorted) and their
    # hits (port, answer). A host of one answer has the set [h]; each distinct set of answers
    # is made into its combo once.
    con.execute(
        f"CREATE TABLE host_hits AS SELECT addr, port, h FROM {pieces} p SEMI JOIN answers a USING (h)"
    )
    con.execute(
        """CREATE TABLE host_first AS
        SELECT addr, min(h) AS h, count(port) > 0 AS on_port,
            min(h) = max(h) AND min(hash(port)) FILTER (WHERE port IS NOT NULL)
                IS NOT DISTINCT FROM max(hash(port)) FILTER (WHERE port IS NOT NULL) AS single
        FROM host_hits GROUP BY addr"""
    )
    con.execute(
        """CREATE TABLE host_answers AS
        SELECT addr, list_sort(list_distinct(list(h))) AS hs, list({'port': port, 'h': h}) AS hits
        FROM host_hits SEMI JOIN (SELECT addr FROM host_first WHERE NOT single) f USING (addr)
        GROUP BY addr"""
    )
    con.execute("DROP TABLE host_hits")
    # A set of one answer takes that answer's items; only the sets of several are unnested.
    con.execute(
        """CREATE TABLE answer_sets AS
        SELECT hs, list_sort(list_distinct(flatten(list(a.items)))) AS combo
        FROM (SELECT hs, unnest(hs) AS h FROM (SELECT DISTINCT hs FROM host_answers WHERE len(hs) > 1))
        JOIN answers a USING (h)
        GROUP BY hs
        UNION ALL
        SELECT [h] AS hs, list_sort(list_distinct(flatten(list(items)))) AS combo
        FROM answers SEMI JOIN (
            SELECT h FROM host_first WHERE single UNION SELECT hs[1] AS h FROM host_answers WHERE len(hs) = 1) USING (h)
        GROUP BY h"""
    )
    key_of = dict(con.execute("SELECT item, item_key FROM item_keys").fetchall())
    combos = [combo for (combo,) in con.execute("SELECT DISTINCT combo FROM answer_sets").fetchall()]
    identities = [matcher.identity(combo_of(key_of[i] for i in combo)) for combo in combos]
    table = pa.table(
        {
            "cid": pa.array(range(len(combos)), pa.int32()),
            "combo": pa.array(combos, pa.list_(pa.int32())),
            "manufacturer": pa.array([i.manufacturer for i in identities], pa.string()),
            "maker_fold": pa.array(
                [fold(i.manufacturer) if i.manufacturer else None for i in identities], pa.string()
            ),
            "brand": pa.array([i.brand for i in identities], pa.string()),
            "brand_kind": pa.array([i.brand_kind for i in identities], pa.string()),
            "device_type": pa.array([i.device_type for i in identities], pa.string()),
            "confidence": pa.array([i.confidence for i in identities], pa.float64()),
            "band": pa.array([i.band for i in identities], pa.string()),
            "covered": pa.array([i.covered for i in identities], pa.bool_()),
            "lists": pa.array([i.lists for i in identities], pa.string()),
        }
    )
    con.register("ident_arrow", table)
    con.execute("CREATE TABLE ident AS SELECT * FROM ident_arrow WHERE manufacturer IS NOT NULL")
    con.unregister("ident_arrow")
    con.execute(
        """CREATE TABLE answer_makers AS
        SELECT DISTINCT a.h, k.maker_fold
        FROM (SELECT h, unnest(items) AS item FROM answers) a JOIN item_keys k USING (item)
        WHERE k.maker_fold IS NOT NULL"""
    )
    # Per set of answers and the maker its combo names: the answers whose own items name
    # that maker (a host's services that support its identity are the ports of those).
    con.execute(
        """CREATE TABLE set_support AS
        SELECT x.hs, any_value(x.cid) AS cid, list(x.h) FILTER (WHERE am.h IS NOT NULL) AS supporting
        FROM (SELECT s.hs, i.cid, i.maker_fold, unnest(s.hs) AS h FROM answer_sets s JOIN ident i USING (combo)) x
        LEFT JOIN answer_makers am ON am.h = x.h AND am.maker_fold = x.maker_fold
        GROUP BY x.hs"""
    )
    hosts()
    # A host of one answer on one port: its identity's service is that port when the answer
    # names the identified maker (none for a host name, which has no port).
    con.execute(
        """CREATE TABLE host_ident_narrow AS
        SELECT f.addr, h.cc, s.cid, CASE WHEN s.supports AND f.on_port THEN 1 ELSE 0 END AS services
        FROM host_first f
        JOIN (SELECT hs[1] AS h, cid, supporting IS NOT NULL AS supports FROM set_support WHERE len(hs) = 1) s USING (h)
        JOIN hosts h USING (addr)
        WHERE f.single
        UNION ALL
        SELECT a.addr, h.cc, s.cid, length(list_distinct(list_transform(
            list_filter(a.hits, lambda x: list_contains(coalesce(s.supporting, []), x.h)), lambda x: x.port))) AS services
        FROM host_answers a JOIN set_support s USING (hs) JOIN hosts h USING (addr)"""
    )
