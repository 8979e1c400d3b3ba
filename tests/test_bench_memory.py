"""The bench's peak memory of a child is the child's own, not its parent's: Linux keeps ``ru_maxrss`` across
``execve``, so a pass started by a bench process that already held 500 MiB (after the bulk-load measure) was
reported at 500 MiB whatever it used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dexxy_assets.cli.bench_memory import run_measured

# a child that holds 60 MiB for a moment, then exits
_HOLDS_60_MIB = "import time; block = bytearray(60 * 1024 * 1024); time.sleep(0.8)"


def _parent_holding(mib: int, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A parent that touches ``mib`` MiB, then measures a child that holds 60 MiB; prints the child's
    peak and wait4's ``ru_maxrss`` for it."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, subprocess, sys\n"
        "from dexxy_assets.cli.bench_memory import run_measured\n"
        f"held = bytearray({mib} * 1024 * 1024)\n"
        f"child = run_measured([sys.executable, '-c', {_HOLDS_60_MIB!r}])\n"
        f"other = subprocess.Popen([sys.executable, '-c', {_HOLDS_60_MIB!r}])\n"
        "_, _, usage = os.wait4(other.pid, 0)\n"
        "print(child.returncode, round(child.peak_rss_mib), round(usage.ru_maxrss / 1024))\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120, check=True
    )


def test_a_child_of_a_large_parent_is_measured_at_its_own_peak(tmp_path: Path) -> None:
    returncode, peak, ru_maxrss = map(int, _parent_holding(400, tmp_path).stdout.split())
    assert returncode == 0
    assert 60 <= peak < 150  # the child's 60 MiB and an interpreter, never the parent's 400
    assert ru_maxrss >= 400  # what wait4 says for the same child: the parent's high-water mark


def test_a_measured_child_reports_its_exit_and_cpu() -> None:
    child = run_measured([sys.executable, "-c", "sum(range(3_000_000)); raise SystemExit(3)"])
    assert child.returncode == 3
    assert child.cpu_seconds > 0
    assert child.peaks == {}
