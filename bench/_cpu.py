"""CPU seconds spent by processes, read from Linux's /proc: what a run cost, not how long it
took, so it moves far less with the machine's other load than a rate does.

  * tree(pid): a process and all its descendants (a server and its workers);
  * postgres(): the whole PostgreSQL cluster on this machine, including backends that ended
    during the run (a finished child's time is added to its parent's cutime/cstime once the
    postmaster has reaped it), so pgbench's short-lived backend is counted too. It counts
    every database's sessions: read it on a machine where nothing else uses PostgreSQL.
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # gone, or not ours to read
        return None
    name_end = text.rindex(")")
    return [text[text.index("(") + 1 : name_end], *text[name_end + 2 :].split()]


def _processes() -> dict[int, list[str]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def _own(stat: list[str]) -> float:
    """utime + stime (fields 14 and 15 of /proc/<pid>/stat; here shifted by the name)."""
    return (int(stat[12]) + int(stat[13])) / TICK


def tree(root: int) -> float:
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, stat in processes.items():
        children.setdefault(int(stat[2]), []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in processes:
            total += _own(processes[pid])
        todo.extend(children.get(pid, []))
    return total


def postgres() -> float:
    processes = _processes()
    total = 0.0
    for stat in processes.values():
        if stat[0].startswith("postgres"):
            total += _own(stat)
            parent = processes.get(int(stat[2]))
            if parent is None or not parent[0].startswith("postgres"):  # the postmaster
                total += (int(stat[14]) + int(stat[15])) / TICK  # its reaped children's
    return total
