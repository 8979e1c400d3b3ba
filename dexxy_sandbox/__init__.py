"""Local emulators of the services Dexxy reads, over a deterministic synthetic organisation.

Never imports the product packages: the product (and its tests) import the sandbox, not the other way round.
"""

from __future__ import annotations

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.org import SyntheticOrg, generate_org
from dexxy_sandbox.server import SandboxServer

__all__ = ["FaultConfig", "SandboxServer", "SyntheticOrg", "generate_org"]
