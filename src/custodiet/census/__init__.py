"""Census at internet scale: how far covered equipment has spread, by country.

Internet-scan host records (Shodan, Censys, zgrab2, masscan, IVRE) are read by an engine
(DuckDB on one machine, Spark on a cluster) that cuts them into pieces of text; only the
DISTINCT pieces go through custodiet's own matcher and fusion (the ones `audit` uses), and
their identities are joined back and counted in the engine.

Units, everywhere in the census: a *host* is one IP address; a *service* is one (address,
port/transport) pair. A host counts under the maker its fused identity names (one maker per
host, as `audit` names one device per address).
"""
