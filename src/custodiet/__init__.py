"""custodiet: find equipment from high-risk vendors in an organisation's own network data.

The package is laid out along the data flow:
sources -> observations -> identities -> findings -> store -> reports.
"""

__version__ = "0.1.0"
