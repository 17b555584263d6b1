"""Facts shared by the corpus builders."""

from __future__ import annotations

# The makers the FCC Covered List and NDAA section 889 name (with their subsidiaries), written
# as custodiet's catalogue writes them. A record is "covered" when its maker is one of these;
# test_corpus.py checks that custodiet's policy agrees.
COVERED = frozenset({"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera", "DJI", "Autel Robotics"})
