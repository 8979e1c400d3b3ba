"""A child the CLI started is gone after `stop_child`, even one that ignores SIGTERM (the bench sandbox's
child once outlived `terminate()` + `wait(10)`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from dexxy_assets.cli.child_process import stop_child

IGNORES_SIGTERM = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "while True:\n"
    "    time.sleep(1)\n"
)
EXITS_ON_SIGTERM = "import sys, time\nprint('ready', flush=True)\ntime.sleep(600)\n"


def _child(code: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"  # its handler is set
    return process


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True  # neither running nor a zombie: reaped
    return False


def test_a_child_that_ignores_sigterm_is_killed_and_reaped() -> None:
    process = _child(IGNORES_SIGTERM)
    try:
        assert stop_child(process, grace_seconds=0.5) == -signal.SIGKILL
        assert _gone(process.pid)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("finished", [False, True])
def test_a_child_that_obeys_sigterm_is_terminated_not_killed(finished: bool) -> None:
    process = _child(EXITS_ON_SIGTERM)
    if finished:
        process.terminate()
        process.wait()
    assert stop_child(process) == -signal.SIGTERM
    assert _gone(process.pid)
