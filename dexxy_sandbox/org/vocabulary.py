"""Words the generator draws from: names, places, repository domains, PR titles, packages.

Kept apart from the generator so the generator reads as distributions and rules, not word lists.
"""

from __future__ import annotations

# fmt: off
FIRST_NAMES: tuple[str, ...] = (
    "Alice", "Bruno", "Chen", "Dana", "Devin", "Elif", "Farah", "Gabriel", "Hana", "Ivan", "Jonas", "Kenji",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen",
    "Ximena", "Yusuf", "Zoe", "Aarav", "Beatriz", "Carlos", "Dmytro", "Emma", "Fatima", "Goran", "Helga",
    "Ines", "Jamal", "Kasia", "Liam", "Mei", "Nikolai", "Olga", "Pedro", "Rahul", "Sakura", "Tomasz", "Ulla",
    "Valentina", "William", "Yara", "Zainab", "Amir", "Bianca", "Connor", "Diego", "Eun-ji", "Felix", "Grace",
    "Hiro", "Isla", "Jorge", "Karin", "Lucas", "Maya", "Noah", "Oskar", "Paula", "Rafael", "Sara", "Theo",
    "Ugo", "Vera", "Wanjiru", "Xavier", "Yvonne", "Zeynep", "Anika", "Boris", "Camila", "Dev", "Esther",
    "Finn", "Gita", "Hugo", "Irene", "Joao", "Kofi", "Leila", "Marek", "Nora", "Otto", "Pia", "Ravi",
)

LAST_NAMES: tuple[str, ...] = (
    "Nguyen", "Silva", "Wang", "Kowalski", "Harper", "Yilmaz", "Haddad", "Moreau", "Sato", "Petrov", "Berg",
    "Tanaka", "Fischer", "Garcia", "Rahman", "Farouk", "Iyer", "Murphy", "Lopez", "Lindqvist", "Aziz",
    "Menon", "Novak", "Zhang", "Ortega", "Demir", "Okafor", "Costa", "Kumar", "Shevchenko", "Brown",
    "Ansah", "Horvat", "Jensen", "Martins", "Bello", "Nowak", "O'Brien", "Li", "Volkov", "Ivanova",
    "Santos", "Sharma", "Takahashi", "Wojcik", "Nieminen", "Rossi", "Walker", "Mansour", "Adeyemi",
    "Schmidt", "Kim", "Reyes", "Eriksson", "Mwangi", "Dubois", "Park", "Alvarez", "Ozturk", "Chowdhury",
    "Becker", "Ferreira", "Hoang", "Kaur", "Mendes", "Osei", "Pereira", "Quispe", "Richter", "Svoboda",
)

# (UTC offset in hours, location); DST is ignored on purpose: it would only blur working-hour patterns.
LOCATIONS: tuple[tuple[float, str], ...] = (
    (-8.0, "San Francisco, CA"),
    (-5.0, "New York, NY"),
    (-3.0, "Sao Paulo, Brazil"),
    (0.0, "London, UK"),
    (1.0, "Berlin, Germany"),
    (1.0, "Warsaw, Poland"),
    (2.0, "Kyiv, Ukraine"),
    (3.0, "Istanbul, Turkey"),
    (5.5, "Bengaluru, India"),
    (9.0, "Tokyo, Japan"),
)

TEAMS: tuple[tuple[str, str], ...] = (
    ("platform", "Platform"),
    ("payments", "Payments"),
    ("growth", "Growth"),
    ("data", "Data"),
    ("mobile", "Mobile"),
    ("identity", "Identity"),
    ("search", "Search"),
    ("infra", "Infrastructure"),
)

# (domain, Jira project key, description); several repositories of one domain share a Jira project.
DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("payments", "PAY", "card payments and payouts"),
    ("web", "WEB", "the customer web application"),
    ("data", "DATA", "batch and streaming data pipelines"),
    ("mobile", "MOB", "the iOS and Android apps"),
    ("auth", "AUTH", "sign-in, sessions and permissions"),
    ("search", "SRCH", "product search and ranking"),
    ("billing", "BILL", "invoices, plans and subscriptions"),
    ("notifications", "NOTIF", "e-mail, push and in-app notifications"),
    ("platform", "PLAT", "shared platform services"),
    ("ledger", "LEDG", "the double-entry ledger"),
    ("checkout", "CHK", "the checkout flow"),
    ("catalog", "CAT", "the product catalog"),
    ("risk", "RISK", "fraud and risk scoring"),
    ("reporting", "REP", "customer-facing reports"),
    ("onboarding", "ONB", "merchant onboarding"),
    ("infra", "INFRA", "infrastructure as code"),
    ("support", "SUP", "support tooling"),
    ("pricing", "PRICE", "pricing rules and experiments"),
    ("ml", "ML", "machine-learning features and models"),
    ("docs", "DOCS", "developer documentation"),
)

# (repository suffix, language, dependabot ecosystem, secondary languages)
REPO_KINDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("api", "Go", "go_modules", ("Shell", "Dockerfile")),
    ("web", "TypeScript", "npm_and_yarn", ("CSS", "HTML", "JavaScript")),
    ("pipeline", "Python", "pip", ("SQL", "Shell")),
    ("app", "Kotlin", "gradle", ("Swift", "Java")),
    ("service", "Java", "maven", ("Shell", "Dockerfile")),
    ("engine", "Rust", "cargo", ("Shell",)),
    ("worker", "Python", "pip", ("Dockerfile",)),
    ("terraform", "HCL", "terraform", ("Shell",)),
    ("ui", "TypeScript", "npm_and_yarn", ("CSS", "MDX")),
    ("sdk", "TypeScript", "npm_and_yarn", ("JavaScript",)),
)

# Packages per dependabot ecosystem: (name, a plausible current version).
PACKAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "go_modules": (
        ("github.com/stretchr/testify", "1.9.0"), ("golang.org/x/net", "0.26.0"),
        ("google.golang.org/grpc", "1.64.0"), ("github.com/jackc/pgx/v5", "5.6.0"),
    ),
    "npm_and_yarn": (
        ("react", "18.3.1"), ("typescript", "5.4.5"), ("vite", "5.2.13"), ("eslint", "9.4.0"),
        ("axios", "1.7.2"), ("@types/node", "20.14.2"), ("zod", "3.23.8"),
    ),
    "pip": (
        ("requests", "2.32.3"), ("pydantic", "2.7.4"), ("sqlalchemy", "2.0.30"), ("pytest", "8.2.2"),
        ("boto3", "1.34.127"), ("pandas", "2.2.2"),
    ),
    "gradle": (
        ("org.jetbrains.kotlin:kotlin-stdlib", "2.0.0"), ("com.squareup.okhttp3:okhttp", "4.12.0"),
        ("androidx.core:core-ktx", "1.13.1"),
    ),
    "maven": (
        ("org.springframework.boot:spring-boot-starter-parent", "3.3.0"),
        ("com.fasterxml.jackson.core:jackson-databind", "2.17.1"),
        ("org.postgresql:postgresql", "42.7.3"),
    ),
    "cargo": (("tokio", "1.38.0"), ("serde", "1.0.203"), ("reqwest", "0.12.4"), ("clap", "4.5.7")),
    "terraform": (("hashicorp/aws", "5.54.1"), ("hashicorp/google", "5.33.0")),
}

VERBS_FEATURE: tuple[str, ...] = ("Add", "Support", "Introduce", "Implement", "Expose", "Enable")
VERBS_FIX: tuple[str, ...] = ("Fix", "Handle", "Guard against", "Correct", "Prevent")
VERBS_CHORE: tuple[str, ...] = ("Refactor", "Clean up", "Simplify", "Rename", "Remove", "Update", "Migrate")

OBJECTS: tuple[str, ...] = (
    "retry logic for webhook delivery", "pagination in the invoices endpoint", "idempotency keys on payouts",
    "a feature flag for the new checkout", "rate limiting on the public API", "currency rounding in reports",
    "timeouts in the search client", "the session refresh flow", "batch export to S3",
    "null handling in the customer serializer", "metrics for queue latency", "the merchant onboarding form",
    "audit logging for admin actions", "the daily settlement job", "caching of exchange rates",
    "dark mode in the dashboard", "push notification preferences", "a health check endpoint",
    "the ledger reconciliation query", "SSO login for enterprise accounts", "flaky integration tests",
    "the CSV import parser", "structured logging", "the refund state machine", "database connection pooling",
    "the price experiment bucketing", "accessibility labels on forms", "the search ranking weights",
    "error messages on the signup page", "a migration for the orders table", "the deploy pipeline cache",
    "tracing spans around the payment gateway", "the fraud score threshold", "the mobile deep links",
    "a backfill for missing invoices", "duplicate e-mails on password reset", "the OpenAPI schema",
    "the Kafka consumer group rebalancing", "support for UTF-8 filenames", "SHA-256 checksums for uploads",
    "ISO-8601 dates in the export", "the cursor position after autocomplete", "the GPT-4 prompt template",
)

CONVENTIONAL_PREFIXES: dict[str, tuple[str, ...]] = {
    "feature": ("feat: ", "feat(api): ", "feat(ui): "),
    "fix": ("fix: ", "fix(api): ", "fix(db): "),
    "chore": ("chore: ", "refactor: ", "ci: ", "docs: "),
}

WIP_MESSAGES: tuple[str, ...] = (
    "wip", "fix tests", "address review comments", "add tests", "fix lint", "update snapshot",
    "handle edge case", "tidy up", "rename variable", "add docs", "fix typo", "simplify", "bump coverage",
    "move the cursor handling into a helper",
)

REVIEW_BODIES: dict[str, tuple[str, ...]] = {
    "APPROVED": ("", "", "", "LGTM", "LGTM 🚀", "Looks good, thanks!", "Nice one.", "Ship it"),
    "CHANGES_REQUESTED": (
        "A few things to address before we merge.", "Please add tests for the failure path.",
        "This breaks the retry semantics, see inline comments.", "Can we avoid the extra query here?",
    ),
    "COMMENTED": (
        "", "Left a couple of questions.", "Minor nits, nothing blocking.", "Not sure about the naming here.",
    ),
}

BOT_REVIEW_BODY = (
    "## Pull Request Overview\n\nCopilot reviewed {files} out of {files} changed files in this pull request "
    "and generated {comments} comments."
)

SELF_REVIEW_BODIES: tuple[str, ...] = ("Addressed the comments, PTAL.", "Replied inline.", "Done, thanks!")

PR_BODY_TEMPLATES: tuple[str, ...] = (
    "## Summary\n{summary}\n\n## Testing\n- unit tests\n- tried it locally",
    "{summary}",
    "## What\n{summary}\n\n## Why\nRequested by the team during planning.\n\n"
    "## Checklist\n- [x] tests\n- [ ] docs",
    "{summary}\n\nCloses {jira}",
)

# Traces AI assistants leave in commit messages, by canonical tool name (aider marks the author name instead).
AI_COMMIT_TRAILERS: dict[str, tuple[str, ...]] = {
    "claude": (
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude <noreply@anthropic.com>",
        "Co-Authored-By: Claude <noreply@anthropic.com>",
    ),
    "copilot": ("Co-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>",),
    "cursor": ("Co-authored-by: Cursor Agent <cursoragent@cursor.com>",),
    "aider": ("",),
}
AIDER_AUTHOR_SUFFIX = " (aider)"

# Conversation (issue) comments, by who writes them.
AUTHOR_ISSUE_COMMENTS: tuple[str, ...] = (
    "Rebased on main.", "Thanks for the reviews! Merging once CI is green.",
    "@{reviewer} could you take another look?", "Split the migration into a follow-up PR.",
    "Added screenshots of the new state.", "Blocked on the API change, picking it up tomorrow.",
    "CI flaked on the e2e job, re-running.",
)
OTHER_ISSUE_COMMENTS: tuple[str, ...] = (
    "Is this covered by the e2e suite?", "LGTM once CI is green.", "Can we get this into today's release?",
    "Heads up: this touches the same code as another open PR.", "Do we need a feature flag for this?",
    "+1, this has bitten us twice this month.", "Could you add a note to the runbook?",
)
CI_BOT_COMMENTS: tuple[str, ...] = (
    "### Coverage report\n\n| Metric | Value |\n| --- | --- |\n| Lines | {pct}% ({delta}) |\n"
    "| Branches | {branch_pct}% |\n\n_Updated for {sha}_",
    "🚀 Preview deployed to https://pr-{number}.preview.dexxy.example (commit {sha})",
)

# Inline review comments and the replies in their threads.
REVIEW_COMMENTS: tuple[str, ...] = (
    "nit: could we name this `{word}`?", "Should this handle the empty case?",
    "This could be a single query.",
    "Let's add a test for this branch.", "Why not reuse the existing helper here?",
    "Is this safe to retry?", "This will log the token, can we redact it?", "```suggestion\n{line}\n```",
)
BOT_REVIEW_COMMENTS: tuple[str, ...] = (
    "[nitpick] The variable name `{word}` is ambiguous; consider a more descriptive name.",
    "Potential null dereference: `{word}` may be undefined here.",
    "This condition is always true, so the fallback branch is unreachable.",
    "The error is swallowed here; consider returning or logging it.",
)
AUTHOR_REPLIES: tuple[str, ...] = (
    "Done.", "Good catch, fixed.", "Fixed in {sha}.", "Added a test.",
    "I'd prefer to keep it as is: it mirrors the other handlers.", "Will do in a follow-up.",
)
REVIEWER_FOLLOW_UPS: tuple[str, ...] = ("Thanks!", "👍", "Makes sense.", "Sounds good.")
CLAUDE_PR_BODY_FOOTER = "\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"
# fmt: on
