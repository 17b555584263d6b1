"""The counts of a census, in SQL that DuckDB and Spark SQL both run (so both engines count
alike). Each engine builds two relations first:

- hosts(addr, cc, cc_source, services): every address with a usable record, its country,
  where the country came from ('record', 'registry' or 'unknown'), and its services (the
  services (address, port) seen with some text);
- host_ident(addr, cc, manufacturer, maker_fold, brand, brand_kind, device_type, confidence,
  band, covered, lists, services): the hosts that some evidence names a maker for, with their
  fused identity and the services (address, port) whose own evidence names that maker.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from custodiet.census.model import (
    BRANDS_SCHEMA,
    COUNTRIES_SCHEMA,
    FOOTPRINT_SCHEMA,
    HOSTS_SCHEMA,
    CensusTables,
    FileSummary,
)

_REPORTED = "band <> 'hint'"

FOOTPRINT_SQL = f"""
SELECT cc AS country, manufacturer, coalesce(device_type, 'unknown') AS device_type,
    bool_or(lists <> '') AS covered, max(lists) AS lists,
    count(*) FILTER (WHERE {_REPORTED}) AS hosts,
    CAST(coalesce(sum(services) FILTER (WHERE {_REPORTED}), 0) AS BIGINT) AS services,
    count(*) FILTER (WHERE band = 'high') AS hosts_high,
    count(*) FILTER (WHERE band = 'medium') AS hosts_medium,
    count(*) FILTER (WHERE band = 'low') AS hosts_low,
    count(*) FILTER (WHERE band = 'hint') AS hint_hosts,
    count(*) FILTER (WHERE {_REPORTED} AND brand_kind = 'own-brand') AS own_brand_hosts,
    count(*) FILTER (WHERE {_REPORTED} AND brand_kind = 'relabel') AS relabel_hosts
FROM host_ident
GROUP BY cc, manufacturer, coalesce(device_type, 'unknown')
ORDER BY country, manufacturer, device_type
"""

BRANDS_SQL = f"""
SELECT cc AS country, manufacturer, brand, coalesce(brand_kind, 'unknown') AS brand_kind, count(*) AS hosts
FROM host_ident WHERE {_REPORTED} AND brand IS NOT NULL
GROUP BY cc, manufacturer, brand, coalesce(brand_kind, 'unknown')
ORDER BY country, manufacturer, brand
"""

# Per country, what the hosts give and what their identities give, each counted on its own
# (a host's identity carries the host's country) and then put side by side: no join of every
# host to its identity.
COUNTRIES_SQL = f"""
WITH per_host AS (
    SELECT cc, count(*) AS hosts, CAST(coalesce(sum(services), 0) AS BIGINT) AS services,
        count(*) FILTER (WHERE cc_source = 'record') AS country_from_record,
        count(*) FILTER (WHERE cc_source = 'registry') AS country_from_registry
    FROM hosts GROUP BY cc),
per_identity AS (
    SELECT cc, count(*) FILTER (WHERE {_REPORTED}) AS identified_hosts, count(*) FILTER (WHERE covered) AS covered_hosts
    FROM host_ident GROUP BY cc)
SELECT h.cc AS country, h.hosts, h.services,
    coalesce(i.identified_hosts, 0) AS identified_hosts, coalesce(i.covered_hosts, 0) AS covered_hosts,
    h.country_from_record, h.country_from_registry
FROM per_host h LEFT JOIN per_identity i ON i.cc = h.cc
ORDER BY country
"""


HOSTS_SQL = """
SELECT addr AS address, cc AS country, manufacturer, brand, device_type, confidence, band, covered, services
FROM host_ident ORDER BY address
"""


def queries(want_hosts: bool) -> list[str]:
    """The queries count() runs (an engine may start them all at once)."""
    return [FOOTPRINT_SQL, BRANDS_SQL, COUNTRIES_SQL, *([HOSTS_SQL] if want_hosts else [])]


def count(
    run: Callable[[str, pa.Schema], pa.Table], summaries: list[FileSummary], want_hosts: bool
) -> CensusTables:
    """The census tables, each query of this module run by the engine (`run(sql, schema)`)."""
    return CensusTables(
        footprint=run(FOOTPRINT_SQL, FOOTPRINT_SCHEMA),
        brands=run(BRANDS_SQL, BRANDS_SCHEMA),
        countries=run(COUNTRIES_SQL, COUNTRIES_SCHEMA),
        files=summaries,
        hosts=run(HOSTS_SQL, HOSTS_SCHEMA) if want_hosts else None,
    )
