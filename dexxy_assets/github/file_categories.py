"""What kind of file a pull request touched. Rules apply in order; the first that matches wins
(documented in docs/metrics.md)."""

from __future__ import annotations

import re

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "test",
        re.compile(
            r"(^|/)(tests?|__tests__|spec|specs|testdata|e2e)/"
            r"|(^|/)test_[^/]+\.py$|_test\.(py|go|rb|exs?)$|\.(test|spec)\.[jt]sx?$|Tests?\.(java|kt|cs)$"
        ),
    ),
    (
        "docs",
        re.compile(
            r"(^|/)docs?/|\.(md|mdx|rst|adoc|txt)$|(^|/)(README|LICENSE|CHANGELOG|CONTRIBUTING)[^/]*$", re.I
        ),
    ),
    (
        "infra",
        re.compile(
            r"(^|/)(Dockerfile[^/]*|docker-compose[^/]*|\.dockerignore)$|\.(tf|tfvars|hcl)$"
            r"|(^|/)\.github/workflows/|(^|/)(terraform|helm|charts|k8s|kubernetes|deploy|ansible|\.circleci)/",
            re.I,
        ),
    ),
    ("data", re.compile(r"(^|/)(migrations?|dbt|seeds)/|\.(sql|csv|parquet|ipynb|avro|jsonl|ndjson)$", re.I)),
    (
        "frontend",
        re.compile(
            r"\.(tsx|jsx|vue|svelte|css|scss|sass|less|html?)$"
            r"|(^|/)(frontend|web|ui|client|components|pages|public|static)/[^/]*.*\.[jt]s$",
            re.I,
        ),
    ),
    (
        "config",
        re.compile(
            r"\.(ya?ml|json|toml|ini|cfg|conf|properties|lock)$|(^|/)\.[^/]+$|(^|/)(Makefile|Procfile|go\.sum|go\.mod)$",
            re.I,
        ),
    ),
    (
        "backend",
        re.compile(
            r"\.(py|go|java|kt|kts|rb|rs|cs|php|scala|exs?|c|cc|cpp|h|hpp|swift|[jt]s|mjs|cjs|sh)$", re.I
        ),
    ),
)
FILE_CATEGORIES = (*(name for name, _ in _RULES), "other")


def categorize_file(path: str) -> str:
    for name, pattern in _RULES:
        if pattern.search(path):
            return name
    return "other"
