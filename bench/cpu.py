"""Where the CPU went: CPU seconds per process group, read from /proc (Linux only).

A benchmark names the root pid of each group it started (gunicorn's master, each task worker,
the fake, the database server); every process on the machine is counted in the group of its
nearest named ancestor, the rest as "other". Two snapshots around a phase give each group's
share of the machine and its CPU milliseconds per request: the bottleneck, measured.
"""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_stat(pid: int | str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used so far) of one process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def all_processes() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds) for every live process."""
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (stat := proc_stat(entry.name)) is not None:
            table[int(entry.name)] = stat
    return table


class CpuMeter:
    def __init__(self):
        self.roots: dict[int, str] = {os.getpid(): "client"}

    def add(self, name: str, pid: int | None) -> None:
        if pid:
            self.roots[pid] = name

    def snapshot(self) -> dict[str, float]:
        stats = all_processes()
        totals: dict[str, float] = {}
        for pid, (_, seconds) in stats.items():
            group = self._group(pid, stats)
            totals[group] = totals.get(group, 0.0) + seconds
        return totals

    def _group(self, pid: int, stats: dict) -> str:
        seen = 0
        while pid in stats and seen < 64:
            if pid in self.roots:
                return self.roots[pid]
            pid, seen = stats[pid][0], seen + 1
        return "other"


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds per group between two snapshots (processes that ended meanwhile are lost)."""
    groups = sorted(set(before) | set(after))
    return {g: max(after.get(g, 0.0) - before.get(g, 0.0), 0.0) for g in groups}


def describe(used: dict[str, float], seconds: float, requests: int) -> dict[str, dict]:
    """Per group: share of one CPU (100 = one core busy) and CPU ms per request."""
    return {
        group: {
            "cpu_percent": round(100 * cpu / seconds, 1) if seconds else None,
            "ms_per_request": round(1000 * cpu / requests, 3) if requests else None,
        }
        for group, cpu in used.items()
        if cpu > 0
    }
