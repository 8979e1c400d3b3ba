"""Words for changed files: repository layouts per language, and code-like lines for diff hunks.

Templates use `{pkg}` (a module such as "invoices"), `{name}` (a file stem such as "client"), `{Comp}` (a
PascalCase type such as "InvoiceTable"), `{Pkg}` (the module capitalised), `{env}`, `{wf}` and `{n}` (a
sequence number). Categories: source, test, config, docs, infra, data.
"""

from __future__ import annotations

MODULES: tuple[str, ...] = (
    "invoices",
    "payouts",
    "sessions",
    "webhooks",
    "refunds",
    "ledger",
    "checkout",
    "search",
    "ranking",
    "exports",
    "imports",
    "retries",
    "cache",
    "auth",
    "settlement",
    "notifications",
    "onboarding",
    "pricing",
    "fraud",
    "reports",
    "queue",
    "metrics",
    "accounts",
    "orders",
    "customers",
    "merchants",
    "users",
    "events",
    "audit",
    "billing",
    "plans",
    "flags",
)
STEMS: tuple[str, ...] = (
    "client",
    "handler",
    "service",
    "repository",
    "serializer",
    "parser",
    "scheduler",
    "worker",
    "router",
    "validator",
    "mapper",
    "store",
    "config",
    "middleware",
    "models",
    "formatter",
    "limiter",
    "backoff",
    "resolver",
    "errors",
    "types",
    "queries",
)
COMPONENT_SUFFIXES: tuple[str, ...] = (
    "Form",
    "Table",
    "List",
    "Card",
    "Modal",
    "Banner",
    "Button",
    "Panel",
    "Header",
    "Settings",
    "Service",
    "Repository",
    "Controller",
    "Mapper",
)
ENVIRONMENTS: tuple[str, ...] = ("staging", "production", "dev")
WORKFLOWS: tuple[str, ...] = ("ci", "deploy", "release", "lint", "nightly")

_COMMON: dict[str, tuple[str, ...]] = {
    "docs": (
        "README.md",
        "docs/{pkg}.md",
        "docs/adr/{n:04d}-{pkg}-{name}.md",
        "CHANGELOG.md",
        "docs/runbooks/{pkg}.md",
    ),
    "infra": (
        "Dockerfile",
        ".github/workflows/{wf}.yml",
        "terraform/{pkg}.tf",
        "deploy/{env}/values.yaml",
        "Makefile",
        "docker-compose.yml",
    ),
}

LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Go": {
        "source": (
            "internal/{pkg}/{name}.go",
            "internal/{pkg}/{pkg}.go",
            "pkg/{pkg}/{name}.go",
            "internal/http/{pkg}_handler.go",
            "cmd/server/main.go",
        ),
        "test": (
            "internal/{pkg}/{name}_test.go",
            "internal/http/{pkg}_handler_test.go",
            "pkg/{pkg}/{name}_test.go",
        ),
        "config": ("go.mod", "go.sum", ".golangci.yml", "config/{env}.yaml"),
        "data": ("migrations/{n:04d}_{pkg}_{name}.sql", "testdata/{pkg}_{name}.json", "testdata/{pkg}.csv"),
    },
    "TypeScript": {
        "source": (
            "src/components/{Comp}.tsx",
            "src/components/{Comp}/index.ts",
            "src/hooks/use{Pkg}.ts",
            "src/lib/{pkg}/{name}.ts",
            "src/pages/{pkg}/index.tsx",
            "src/api/{pkg}.ts",
            "src/styles/{pkg}.css",
        ),
        "test": (
            "src/components/{Comp}.spec.tsx",
            "src/lib/{pkg}/{name}.spec.ts",
            "e2e/{pkg}.spec.ts",
            "src/components/__snapshots__/{Comp}.spec.tsx.snap",
        ),
        "config": (
            "package.json",
            "package-lock.json",
            "tsconfig.json",
            ".eslintrc.json",
            "vite.config.ts",
            "config/{env}.yml",
        ),
        "data": ("src/fixtures/{pkg}.json", "public/images/{pkg}-{name}.png", "src/assets/{pkg}.svg"),
    },
    "Python": {
        "source": (
            "app/{pkg}/{name}.py",
            "app/{pkg}/__init__.py",
            "app/api/{pkg}.py",
            "dags/{pkg}_{name}.py",
        ),
        "test": ("tests/test_{pkg}_{name}.py", "tests/{pkg}/test_{name}.py", "tests/conftest.py"),
        "config": (
            "pyproject.toml",
            "requirements.txt",
            "setup.cfg",
            "config/{env}.yml",
            ".pre-commit-config.yaml",
        ),
        "data": ("migrations/{n:04d}_{pkg}_{name}.sql", "data/{pkg}_{name}.csv", "tests/fixtures/{pkg}.json"),
    },
    "Kotlin": {
        "source": (
            "app/src/main/java/com/dexxy/{pkg}/{Comp}.kt",
            "app/src/main/java/com/dexxy/{pkg}/{Pkg}ViewModel.kt",
            "app/src/main/res/layout/{pkg}_{name}.xml",
            "ios/Dexxy/{Pkg}/{Comp}View.swift",
        ),
        "test": ("app/src/test/java/com/dexxy/{pkg}/{Comp}Test.kt", "ios/DexxyTests/{Comp}Tests.swift"),
        "config": (
            "build.gradle.kts",
            "app/build.gradle.kts",
            "gradle/libs.versions.toml",
            "app/src/main/AndroidManifest.xml",
        ),
        "data": ("app/src/main/res/values/strings.xml", "app/src/main/res/drawable/{pkg}_{name}.png"),
    },
    "Java": {
        "source": (
            "src/main/java/com/dexxy/{pkg}/{Comp}.java",
            "src/main/java/com/dexxy/{pkg}/{Pkg}Controller.java",
            "src/main/java/com/dexxy/{pkg}/{Pkg}Service.java",
        ),
        "test": (
            "src/test/java/com/dexxy/{pkg}/{Comp}Test.java",
            "src/test/java/com/dexxy/{pkg}/{Pkg}ServiceTest.java",
        ),
        "config": (
            "pom.xml",
            "src/main/resources/application.yml",
            "src/main/resources/application-{env}.yml",
        ),
        "data": ("src/main/resources/db/migration/V{n}__{pkg}_{name}.sql", "src/test/resources/{pkg}.json"),
    },
    "Rust": {
        "source": ("src/{pkg}/mod.rs", "src/{pkg}/{name}.rs", "src/lib.rs", "src/main.rs"),
        "test": ("tests/{pkg}_{name}.rs", "tests/{pkg}.rs"),
        "config": ("Cargo.toml", "Cargo.lock", "clippy.toml"),
        "data": ("benches/{pkg}.rs", "fixtures/{pkg}.json", "fixtures/{pkg}_{name}.csv"),
    },
    "HCL": {
        "source": (
            "modules/{pkg}/main.tf",
            "modules/{pkg}/variables.tf",
            "modules/{pkg}/outputs.tf",
            "envs/{env}/main.tf",
            "envs/{env}/{pkg}.tf",
        ),
        "test": ("tests/{pkg}.tftest.hcl", "modules/{pkg}/tests/{name}_test.go"),
        "config": ("envs/{env}/terraform.tfvars", ".terraform.lock.hcl", "versions.tf", ".tflint.hcl"),
        "data": ("policies/{pkg}.rego", "modules/{pkg}/files/{name}.json"),
    },
}
for _layout in LAYOUTS.values():
    _layout.update(_COMMON)

# Files a dependency update touches, per dependabot ecosystem (manifest first, then lock files).
DEPENDENCY_FILES: dict[str, tuple[str, ...]] = {
    "go_modules": ("go.mod", "go.sum", "tools/go.mod"),
    "npm_and_yarn": ("package.json", "package-lock.json", "packages/ui/package.json"),
    "pip": ("requirements.txt", "requirements-dev.txt", "poetry.lock"),
    "gradle": ("gradle/libs.versions.toml", "build.gradle.kts", "app/build.gradle.kts"),
    "maven": ("pom.xml", "service/pom.xml", "client/pom.xml"),
    "cargo": ("Cargo.toml", "Cargo.lock", "crates/core/Cargo.toml"),
    "terraform": ("versions.tf", ".terraform.lock.hcl", "modules/network/versions.tf"),
}

# Relative weight of each category in a PR, by kind.
CATEGORY_WEIGHTS: dict[str, dict[str, int]] = {
    "feature": {"source": 50, "test": 25, "config": 6, "docs": 6, "infra": 5, "data": 8},
    "fix": {"source": 55, "test": 30, "config": 5, "docs": 3, "infra": 3, "data": 4},
    "chore": {"source": 30, "test": 15, "config": 20, "docs": 15, "infra": 15, "data": 5},
    "hotfix": {"source": 70, "test": 20, "config": 5, "docs": 0, "infra": 5, "data": 0},
}

BINARY_EXTENSIONS: tuple[str, ...] = (".png", ".jpg", ".ico", ".woff2")

# Code-like lines by file extension, for diff hunks. `{a}`/`{b}` are identifiers, `{s}` a short phrase.
CODE_LINES: dict[str, tuple[str, ...]] = {
    ".py": (
        "def {a}({b}):",
        "    return {a}({b})",
        "    if {b} is None:",
        '        raise ValueError("{s}")',
        '    {a} = {b}.get("{a}")',
        '    logger.info("{s}", {b})',
        "from app.{a} import {b}",
        "",
        "    for {a} in {b}:",
        "        yield {a}",
        "# {s}",
        "    assert {a} == {b}",
    ),
    ".go": (
        "func {A}(ctx context.Context, {b} string) error {{",
        "\tif err != nil {{",
        '\t\treturn fmt.Errorf("{s}: %w", err)',
        "\t}}",
        "\t{a} := {b}.{A}()",
        "}}",
        "",
        "\t// {s}",
        '\tlog.Info("{s}", "{a}", {b})',
        "\treturn nil",
    ),
    ".ts": (
        "export function {a}({b}: string) {{",
        "  const {a} = await fetch{A}({b});",
        "  return {a};",
        "}}",
        "import {{ {a} }} from './{b}';",
        "",
        "  if (!{b}) return null;",
        "  // {s}",
        "  expect({a}).toEqual({b});",
    ),
    ".tsx": (
        "export function {A}({{ {b} }}: Props) {{",
        "  const [{a}, set{A}] = useState({b});",
        "  return <{A} {b}={{{a}}} />;",
        "}}",
        "",
        "      <span>{s}</span>",
        "  // {s}",
        "import {{ {A} }} from './{A}';",
    ),
    ".java": (
        "public {A} {a}({A} {b}) {{",
        "        return {b}.{a}();",
        "    }}",
        "",
        "    // {s}",
        '        if ({b} == null) throw new IllegalArgumentException("{s}");',
        "import com.dexxy.{a}.{A};",
    ),
    ".kt": (
        "fun {a}({b}: String): {A} {{",
        "    val {a} = {b}.{a}()",
        "    return {a}",
        "}}",
        "",
        "    // {s}",
    ),
    ".rs": (
        "pub fn {a}({b}: &str) -> Result<{A}> {{",
        "    let {a} = {b}.parse()?;",
        "    Ok({a})",
        "}}",
        "",
        "    // {s}",
    ),
    ".tf": (
        'resource "aws_s3_bucket" "{a}" {{',
        '  bucket = "{a}-{b}"',
        "}}",
        "",
        'variable "{a}" {{',
        "  type    = string",
        '  default = "{b}"',
        "# {s}",
    ),
    ".sql": (
        "ALTER TABLE {a} ADD COLUMN {b} text;",
        "CREATE INDEX {a}_{b}_idx ON {a} ({b});",
        "UPDATE {a} SET {b} = NULL WHERE {b} = '';",
        "-- {s}",
        "",
    ),
    ".md": ("## {S}", "{S} for {a}.", "- {s}", "", "See `{a}` for details."),
    ".yml": ("  {a}: {b}", "{a}:", "    - {b}", "  # {s}", ""),
    ".json": ('  "{a}": "{b}",', '  "{a}": {{', "  }},", '    "{b}": true,'),
    ".csv": ("{a},{b},{n}", "{b},{a},{n}"),
    ".txt": ("{a}=={n}.{m}.0", "{b}>={n}.{m}"),
}
CODE_WORDS: tuple[str, ...] = (
    "invoice",
    "payout",
    "session",
    "retry",
    "limit",
    "cursor",
    "amount",
    "currency",
    "customer",
    "order",
    "event",
    "token",
    "config",
    "client",
    "result",
    "status",
    "attempt",
    "deadline",
    "batch",
    "record",
)
CODE_PHRASES: tuple[str, ...] = (
    "retry on timeout",
    "keep the old behaviour behind the flag",
    "invalid amount",
    "missing customer id",
    "handle the empty page",
    "validate the payload",
    "backfill existing rows",
    "close the connection",
)
