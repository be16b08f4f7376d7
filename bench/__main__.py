"""`python -m bench [name ...] [-- options]`: run the benchmarks (every bench/*.py with a
main()), or those named; options after the names go to each named benchmark (e.g.
`python -m bench intake --pairs 10`). Results go to stdout; docs/benchmarks.md records them
with their commands.

The server benchmarks (intake, live_updates, durability_kill, surge, serving) start real
`demandhub serve` processes on DATABASE_URL's PostgreSQL (else SQLite) and REDIS_URL, and
remove them and their databases when done (serving starts gunicorn beside its server). At
their defaults durability_kill (200 SIGKILL cycles) and surge (15 minutes of surge, as much
of baseline) take half an hour or more each on a 2-core machine;
`python -m bench durability_kill surge --quick` runs both briefly.

`python -m bench --suite [name ...]` runs every benchmark (or those named) once, each in its
own process, with the options in SUITE: the whole suite
in about half an hour (the long ones in their short form), for the summary table in
docs/benchmarks.md. Run it on DATABASE_URL's PostgreSQL with REDIS_URL set."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

# The whole suite's run: each benchmark's own options (a benchmark may run more than once),
# chosen so the run fits in about half an hour on a 2-core machine while every ratio still has
# at least 3 pairs behind it. intake runs as the embedded default (one process, SQLite, one
# client), as one process on PostgreSQL, and as deployed (2 gunicorn workers, 4 clients); the
# embedded and deployed set-ups against both references (bare rows, and the call's own rows).
INTAKE = ("--pairs", "6", "--seconds", "2", "--latency-seconds", "8")
DEPLOYED = ("--http-workers", "2", "--clients", "4")
SUITE: list[tuple[str, list[str]]] = [
    ("capacity_simulate", []),
    ("crimes_links", ["--queries", "100", "--pairs", "100"]),
    ("dispatch_recommend", ["--quick"]),
    ("durability_kill", ["--quick"]),
    ("incidents_duplicates", []),
    ("intake", ["--engine", "sqlite", *INTAKE]),
    ("intake", ["--engine", "sqlite", *INTAKE, "--reference", "schema"]),
    ("intake", [*INTAKE]),
    ("intake", [*INTAKE, *DEPLOYED]),
    ("intake", [*INTAKE, *DEPLOYED, "--reference", "schema"]),
    ("intake_cpu", ["--calls", "500", "--rounds", "3"]),
    ("live_updates", ["--pairs", "6"]),
    ("serving", ["--pairs", "6"]),
    ("surge", ["--quick"]),
]


def main(argv: list[str]) -> None:
    if argv[:1] == ["--suite"]:
        # Each in a process of its own: benchmarks set up Django and the environment (one runs
        # on SQLite whatever DATABASE_URL says) in ways the next must not inherit.
        failed = []
        for name, options in SUITE:
            if argv[1:] and name not in argv[1:]:
                continue
            print(f"-- suite options for {name}: {' '.join(options) or '(defaults)'}", flush=True)
            command = [sys.executable, "-m", "bench", name, *options]
            if subprocess.run(command).returncode:  # noqa: S603 (our own interpreter and names)
                failed.append(name)
        if failed:
            sys.exit(f"failed: {', '.join(failed)}")
        return
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
