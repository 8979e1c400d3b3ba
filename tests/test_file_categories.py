"""File categories of docs/metrics.md, rule by rule."""

from __future__ import annotations

import pytest

from dexxy_assets.github.file_categories import FILE_CATEGORIES, categorize_file


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("tests/test_refunds.py", "test"),
        ("app/refunds_test.py", "test"),
        ("internal/pay/charge_test.go", "test"),
        ("web/src/components/Refund.spec.tsx", "test"),
        ("src/__tests__/api.test.js", "test"),
        ("docs/refunds.md", "docs"),
        ("README.md", "docs"),
        ("CHANGELOG", "docs"),
        ("Dockerfile", "infra"),
        ("terraform/main.tf", "infra"),
        (".github/workflows/ci.yml", "infra"),
        ("deploy/helm/values.yaml", "infra"),
        ("migrations/0007_add_refunds.sql", "data"),
        ("analytics/seed.csv", "data"),
        ("web/src/components/Refund.tsx", "frontend"),
        ("src/styles/main.scss", "frontend"),
        ("frontend/api/client.ts", "frontend"),
        ("package.json", "config"),
        ("config/settings.yaml", "config"),
        (".eslintrc", "config"),
        ("go.mod", "config"),
        ("app/services/refunds.py", "backend"),
        ("internal/pay/charge.go", "backend"),
        ("server/index.ts", "backend"),
        ("assets/logo.png", "other"),
    ],
)
def test_categorize_file(path: str, category: str) -> None:
    assert categorize_file(path) == category
    assert category in FILE_CATEGORIES
