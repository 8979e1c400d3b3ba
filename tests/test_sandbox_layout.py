"""The sandbox's shape: one sub-package per emulated service plus the org, shared modules at the top, and no
import of the product anywhere (the sandbox must run, and be tested, without Dexxy)."""

from __future__ import annotations

import ast
from pathlib import Path

import dexxy_sandbox

SANDBOX = Path(dexxy_sandbox.__file__).parent
PRODUCT_PACKAGES = {"dexxy_assets", "resources", "sensors"}
SUB_PACKAGES = {"org", "github_rest", "github_graphql", "copilot", "groq", "jira", "slack"}
# used by several services (or by the tests of several), or the entry points that assemble them
SHARED_MODULES = {
    "__init__.py",
    "cli.py",
    "server.py",
    "faults.py",
    "rate_limit.py",
    "request_log.py",
    "secondary_limits.py",
    "openapi_validation.py",
    "web_page.py",  # the HTML frame of the consent pages GitHub's and Atlassian's emulators serve
}


def imported_modules(source: Path) -> set[str]:
    """Every absolute module a file imports, at any depth (lazy imports inside functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_sandbox_never_imports_the_product() -> None:
    offending = {
        f"{path.relative_to(SANDBOX)}: {module}"
        for path in SANDBOX.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in PRODUCT_PACKAGES
    }
    assert not offending, sorted(offending)


def test_each_service_has_its_own_sub_package() -> None:
    packages = {path.parent.name for path in SANDBOX.glob("*/__init__.py")}
    assert packages == SUB_PACKAGES


def test_the_top_level_holds_only_shared_modules() -> None:
    top = {path.name for path in SANDBOX.glob("*.py")}
    assert top == SHARED_MODULES, f"move {sorted(top - SHARED_MODULES)} into their service's package"


def test_shared_modules_are_used_by_more_than_one_package() -> None:
    """A module only one service imports belongs in that service's package (the entry points excepted)."""
    users: dict[str, set[str]] = {name.removesuffix(".py"): set() for name in SHARED_MODULES}
    for path in SANDBOX.rglob("*.py"):
        owner = path.relative_to(SANDBOX).parts[0].removesuffix(".py")
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "dexxy_sandbox" and len(parts) > 1 and parts[1] in users and parts[1] != owner:
                users[parts[1]].add(owner)
    tests = Path(__file__).parent
    for path in tests.glob("test_sandbox_*.py"):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "dexxy_sandbox" and len(parts) > 1 and parts[1] in users:
                users[parts[1]].add(path.stem)
    entry_points = {"__init__", "cli", "server"}
    single = {name: sorted(who) for name, who in users.items() if name not in entry_points and len(who) < 2}
    assert not single, single
