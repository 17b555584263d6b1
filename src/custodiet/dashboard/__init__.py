"""dashboard: a local, read-only web view of the inventory (`custodiet serve`).

Pages are rendered on the server from the store's queries (store.queries, store.history): an
overview with charts over time, devices (filtered, sorted and paged in SQL), a page per device
(evidence, history, decisions), findings, runs, diffs and sites. Every page also answers as JSON
at the same path with ".json". Everything it shows is escaped (Jinja2 autoescaping, and SVG built
from escaped text); it ships its own stylesheet, draws charts as inline SVG, runs no script, loads
nothing from elsewhere, and opens the inventory read-only.
"""
