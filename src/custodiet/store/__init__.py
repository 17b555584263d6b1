"""store stage: the SQLite inventory of runs, observations, devices and findings.

The pipeline opens a Store, asks find_run() whether these inputs were already audited, writes a
run through begin_run() (one transaction: all or nothing), and reports read it back with
load_run(). Nothing here knows vendors or formats.
"""

from custodiet.store.codec import ContactSummary
from custodiet.store.store import DeviceDetail, RunInfo, Store
from custodiet.store.writer import DeviceGroup, RunWriter

__all__ = ["ContactSummary", "DeviceDetail", "DeviceGroup", "RunInfo", "RunWriter", "Store"]
