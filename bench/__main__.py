"""`python -m bench [name ...]`: run the benchmarks (every bench/*.py with a main()), or those
named. Results go to stdout; docs/benchmarks.md records them with their commands."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    here = Path(__file__).parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.main([])


if __name__ == "__main__":
    main(sys.argv[1:])
