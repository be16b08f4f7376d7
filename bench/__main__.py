"""`python -m bench [name ...] [-- options]`: run the benchmarks (every bench/*.py with a
main()), or those named; options after the names go to each named benchmark (e.g.
`python -m bench intake --pairs 10`). Results go to stdout; docs/benchmarks.md records them
with their commands.

The server benchmarks (intake, live_updates, durability_kill, surge, serving) start real
`demandhub serve` processes on DATABASE_URL's PostgreSQL (else SQLite) and REDIS_URL, and
remove them and their databases when done (serving starts gunicorn beside its server). At
their defaults durability_kill (200 SIGKILL cycles) and surge (15 minutes of surge, as much
of baseline) take half an hour or more each on a 2-core machine;
`python -m bench durability_kill surge --quick` runs both briefly."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    here = Path(__file__).parent
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    argv, options = argv[:first_option], [a for a in argv[first_option:] if a != "--"]
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.main(options)


if __name__ == "__main__":
    main(sys.argv[1:])
