"""Peak memory of the processes a benchmark step runs: a child and its descendants, the sandbox, and the
PostgreSQL backends serving the bench database.

A sampler thread reads RSS with psutil every ``interval`` seconds and keeps the peak of the sum per group;
each process's own high-water mark (``VmHWM``, kept by the kernel) is read at the same time, so a short
spike between two samples still counts for the per-process peak. PostgreSQL backends' RSS includes the
shared buffers they touched, so their sum over-counts shared memory: it is an upper bound.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

MIB = 1024 * 1024


def high_water_mark(pid: int) -> int:
    """The process's peak RSS in bytes (``VmHWM``), 0 when it is gone or unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class GroupPeak:
    """Peak of the summed RSS of a group of processes, and the largest single process's peak."""

    peak_sum: int = 0
    peak_single: int = 0
    pids: set[int] = field(default_factory=set)

    def sample(self, pids: list[int]) -> None:
        total = 0
        for pid in pids:
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.Error:
                continue
            self.pids.add(pid)
            self.peak_single = max(self.peak_single, high_water_mark(pid))
        self.peak_sum = max(self.peak_sum, total)

    @property
    def peak_sum_mib(self) -> float:
        return self.peak_sum / MIB

    @property
    def peak_single_mib(self) -> float:
        return self.peak_single / MIB


def process_tree(pid: int) -> list[int]:
    """The process and its living descendants."""
    try:
        root = psutil.Process(pid)
        return [pid, *(child.pid for child in root.children(recursive=True))]
    except psutil.Error:
        return []


class PeakSampler:
    """Samples named groups of pids (each a callable returning the group's current pids) until stopped."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], interval: float = 0.2) -> None:
        self.groups = groups
        self.peaks = {name: GroupPeak() for name in groups}
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-peak-sampler", daemon=True)

    def _sample(self) -> None:
        for name, pids in self.groups.items():
            try:
                current = pids()
            except Exception:  # a group that cannot be listed right now (e.g. the database restarting)
                continue
            self.peaks[name].sample(current)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


@dataclass(frozen=True)
class MeasuredChild:
    returncode: int
    cpu_seconds: float  # user + system time of the child and the descendants it waited for
    peak_rss_mib: float  # of the child and its descendants: see ``run_measured``
    peaks: dict[str, GroupPeak]  # the other groups sampled meanwhile


def run_measured(
    command: list[str], groups: dict[str, Callable[[], list[int]]] | None = None, **popen: Any
) -> MeasuredChild:
    """Run ``command`` to its end, sampling its process tree (and ``groups``) for their peak memory.

    The peak is the larger of the tree's summed RSS and its processes' own high-water marks (``VmHWM``),
    never ``wait4``'s ``ru_maxrss``: Linux keeps that across ``execve``, so a child started by a parent that
    holds 500 MiB reports 500 MiB however little it uses itself."""
    process = subprocess.Popen(command, **popen)
    sampled = {"child": lambda: process_tree(process.pid), **(groups or {})}
    with PeakSampler(sampled) as sampler:
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    tree = sampler.peaks.pop("child")
    return MeasuredChild(
        process.returncode,
        usage.ru_utime + usage.ru_stime,
        max(tree.peak_sum_mib, tree.peak_single_mib),
        sampler.peaks,
    )
