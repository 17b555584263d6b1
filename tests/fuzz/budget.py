"""How hard the fuzz tests try: a short budget in `make test`, a long one in `make fuzz`.

CUSTODIET_FUZZ_EXAMPLES sets the examples per target (default 60: every target together stays
within some seconds of the suite); `make fuzz` raises it (FUZZ_EXAMPLES=5000 by default).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("CUSTODIET_FUZZ_EXAMPLES", "60"))


def budget(scale: float = 1.0) -> settings:
    """Hypothesis settings for one target: `scale` times the configured examples (a cheap
    parser may take more in the same time)."""
    return settings(
        max_examples=max(1, int(EXAMPLES * scale)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
