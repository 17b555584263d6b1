"""The benchmarks' own modules (bench/*.py, scripts rather than a package), for the tests that
generate their inputs with them or check their figures."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


@functools.cache
def bench_module(name: str) -> ModuleType:
    """bench/<name>.py, loaded once per process as the module `bench_<name>` (registered in
    sys.modules: dataclasses look their module up there)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
