"""Stopping a child process the CLI started, so that none is left behind.

SIGTERM first (the child may clean up), then SIGKILL when it has not exited within the grace period, and
always a final wait: the child is reaped, never left running nor as a zombie.
"""

from __future__ import annotations

import subprocess


def stop_child(process: subprocess.Popen[str], grace_seconds: float = 10.0) -> int:
    """Terminate `process`, kill it if it outlives `grace_seconds`, reap it; its return code."""
    if process.poll() is not None:
        return process.returncode
    process.terminate()
    try:
        return process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
