"""`python -m bench --suite` runs every benchmark: a new one must say how it runs there."""

import pkgutil
from pathlib import Path

import bench
from bench.__main__ import SUITE


def test_the_suite_names_every_benchmark_and_nothing_else():
    here = Path(bench.__file__).parent
    benchmarks = {m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")}

    assert {name for name, _ in SUITE} == benchmarks
