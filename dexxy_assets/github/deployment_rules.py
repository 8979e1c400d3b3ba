"""Which GitHub Actions workflow runs and which releases are deployments, per repository
(``DEXXY_DEPLOYMENT_RULES``), for teams that never call the Deployments API.

The variable holds YAML (or JSON), inline or as the path of a file: a list of rules, each with

- ``repos``: a glob on ``owner/name`` (default ``*``);
- either ``workflow``: a glob on the workflow run's name or its workflow file path
  (e.g. ``Deploy to production`` or ``.github/workflows/deploy*.yml``), with an optional ``branch`` glob on
  the run's head branch; or ``release``: a glob on the release's tag (``v*``), with ``prereleases: true``
  to count pre-releases too (drafts never count);
- ``environment``: the environment the match deploys to (default ``production``).

Globs are case-insensitive. Unset or empty: no rules, and the workflow-run and release assets fetch
nothing. A malformed value fails the run with a message naming the rule: a silently ignored rule would
silently drop deployments.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dexxy_assets.github.staging_rows import is_production_environment

RULES_VARIABLE = "DEXXY_DEPLOYMENT_RULES"
WORKFLOW_RUN, RELEASE = "workflow_run", "release"
_KEYS = frozenset({"repos", "workflow", "branch", "release", "prereleases", "environment"})


class DeploymentRulesError(ValueError):
    """``DEXXY_DEPLOYMENT_RULES`` cannot be read."""


@dataclass(frozen=True)
class DeploymentRule:
    source: str  # workflow_run or release
    repos: str
    pattern: str  # workflow name/path glob, or tag glob
    branch: str | None = None
    environment: str = "production"
    prereleases: bool = False

    @property
    def is_production(self) -> bool:
        return is_production_environment(self.environment, None)

    def applies_to(self, repo_full_name: str) -> bool:
        return _glob(self.repos, repo_full_name)


def glob_regex(pattern: str) -> str:
    """The anchored regex a glob stands for (``*`` any text, ``?`` one character, the rest literal); the
    same text works in Python's ``re`` and in PostgreSQL's ``~*``, so SQL and Python agree."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return "^" + "".join(parts) + "$"


def _glob(pattern: str, value: str) -> bool:
    return re.match(glob_regex(pattern), value, re.IGNORECASE | re.DOTALL) is not None


def parse_rules(text: str) -> list[DeploymentRule]:
    """The rules a ``DEXXY_DEPLOYMENT_RULES`` value (YAML text) states."""
    try:
        loaded = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as error:
        raise DeploymentRulesError(f"{RULES_VARIABLE} is not valid YAML: {error}") from error
    if loaded is None:
        return []
    if not isinstance(loaded, list):
        raise DeploymentRulesError(f"{RULES_VARIABLE} must be a list of rules, not {type(loaded).__name__}")
    return [_rule(index, item) for index, item in enumerate(loaded)]


def _rule(index: int, item: Any) -> DeploymentRule:
    where = f"{RULES_VARIABLE} rule {index + 1}"
    if not isinstance(item, dict):
        raise DeploymentRulesError(f"{where} must be a mapping, not {item!r}")
    unknown = set(item) - _KEYS
    if unknown:
        raise DeploymentRulesError(f"{where} has unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")
    if ("workflow" in item) == ("release" in item):
        raise DeploymentRulesError(f"{where} needs exactly one of `workflow` or `release`")
    named = ("repos", "workflow", "branch", "release", "environment")
    texts = {key: item[key] for key in named if key in item}
    for key, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            raise DeploymentRulesError(f"{where}: `{key}` must be a non-empty string")
    if "release" in item and "branch" in item:
        raise DeploymentRulesError(f"{where}: `branch` applies to workflow rules only")
    if not isinstance(item.get("prereleases", False), bool):
        raise DeploymentRulesError(f"{where}: `prereleases` must be true or false")
    return DeploymentRule(
        source=WORKFLOW_RUN if "workflow" in item else RELEASE,
        repos=item.get("repos", "*"),
        pattern=item.get("workflow") or item["release"],
        branch=item.get("branch"),
        environment=item.get("environment", "production"),
        prereleases=bool(item.get("prereleases", False)),
    )


def configured_rules(environ: dict[str, str] | None = None) -> list[DeploymentRule]:
    """The rules of the environment: the variable's text, or the file it names."""
    value = (environ if environ is not None else os.environ).get(RULES_VARIABLE, "")
    candidate = value.strip()
    looks_like_yaml = "\n" in candidate or ": " in candidate or candidate.startswith(("[", "-", "{"))
    if candidate and not looks_like_yaml:
        path = Path(candidate).expanduser()
        if not path.is_file():
            raise DeploymentRulesError(f"{RULES_VARIABLE} names {candidate!r}, which is not a file")
        return parse_rules(path.read_text(encoding="utf-8"))
    return parse_rules(value)


def rules_for(rules: list[DeploymentRule], repo_full_name: str, source: str) -> list[DeploymentRule]:
    return [rule for rule in rules if rule.source == source and rule.applies_to(repo_full_name)]
