"""detect_pr / detect_commit: precision-first AI-assistance detection over a labelled table of PRs, plus the
properties the processing asset relies on (bounded, monotone confidence; a version that tracks the registry;
bad input never raises)."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from dexxy_assets.processing import ai_patterns
from dexxy_assets.processing.ai_detection import (
    PATTERN_VERSION,
    PrDetection,
    combine,
    detect_commit,
    detect_pr,
)
from tests.ai_detection_cases import (
    AIDER_TRAILER,
    CASES,
    CLAUDE_FOOTER,
    CLAUDE_TRAILER,
    CURSOR_TRAILER,
    DEVIN_TRAILER,
    Case,
)

REQUIRED_TOOLS = ("claude", "copilot", "cursor", "devin", "codex", "aider", "windsurf", "gemini", "jules",
                  "amazon-q", "generic")  # fmt: skip
NEGATIVES = [c for c in CASES if not c.is_ai]
POSITIVES = [c for c in CASES if c.is_ai]


def _detect(case: Case) -> PrDetection:
    return detect_pr(case.title, case.body, case.branch, case.commits, case.author, case.labels)


def test_table_is_large_and_balanced() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES), "case ids are unique"
    assert len(NEGATIVES) >= 40 and len(POSITIVES) >= 40


def test_precision_and_recall_over_the_table() -> None:
    tp = fp = fn = tn = 0
    wrong: list[str] = []
    for case in CASES:
        result = _detect(case)
        got = result.is_ai_assisted
        tp += got and case.is_ai
        fp += got and not case.is_ai
        fn += (not got) and case.is_ai
        tn += (not got) and not case.is_ai
        if got != case.is_ai:
            wrong.append(f"  {'FP' if got else 'FN'} {case.id}: conf={result.confidence} {result.evidence}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    summary = (
        f"precision={precision:.3f} recall={recall:.3f} (tp={tp} fp={fp} fn={fn} tn={tn})\n"
        + "\n".join(wrong)
    )
    print(summary)
    assert precision >= 0.95, summary
    assert recall >= 0.9, summary


@pytest.mark.parametrize("tool", REQUIRED_TOOLS)
def test_each_tool_is_detected_in_its_own_positives(tool: str) -> None:
    own = [c for c in POSITIVES if tool in c.tools]
    assert len(own) >= 3, f"the table needs several positives for {tool}"
    missed = [(c.id, _detect(c).tools) for c in own if tool not in _detect(c).tools]
    assert not missed, f"{tool} not named in: {missed}"


@pytest.mark.parametrize("case", POSITIVES, ids=lambda c: c.id)
def test_positive_tools(case: Case) -> None:
    result = _detect(case)
    assert result.is_ai_assisted, result.evidence
    assert result.tools == list(case.tools), result.evidence
    assert result.evidence, "a positive verdict says why"


@pytest.mark.parametrize("case", NEGATIVES, ids=lambda c: c.id)
def test_hard_negatives(case: Case) -> None:
    result = _detect(case)
    assert not result.is_ai_assisted, result.evidence
    assert result.tools == []
    assert result.confidence < ai_patterns.THRESHOLD


def test_result_shape() -> None:
    for case in CASES:
        result = _detect(case)
        assert 0.0 <= result.confidence <= 1.0
        assert result.pattern_version == PATTERN_VERSION
        assert result.tools == sorted(set(result.tools))
        assert all(t == t.lower() for t in result.tools)
        assert isinstance(result.tools, list) and isinstance(result.evidence, list)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.is_ai_assisted = True  # type: ignore[misc]


EXTRA_EVIDENCE: tuple[dict[str, object], ...] = (
    {"labels": ("ai-generated",)},
    {"labels": ("codex",)},
    {"commits": ("wip" + CLAUDE_TRAILER,)},
    {"commits": ("aider: tidy",)},
    {"commits": ("x" + DEVIN_TRAILER,)},
    {"body": CLAUDE_FOOTER},
    {"body": "\n\nI asked Claude to check."},
    {"body": "\n\nUses GitHub Copilot."},
    {"body": "\n\nThis PR was generated with AI."},
    {"branch_prefix": "copilot/"},
    {"branch_prefix": "devin/"},
    {"title_suffix": " [AI-assisted]"},
)


def _with(case: Case, extras: list[dict[str, object]]) -> PrDetection:
    body, branch, title = case.body or "", case.branch or "x", case.title or ""
    commits, labels = list(case.commits), list(case.labels)
    for extra in extras:
        body += str(extra.get("body", ""))
        commits += list(extra.get("commits", ()))  # type: ignore[call-overload]
        labels += list(extra.get("labels", ()))  # type: ignore[call-overload]
        title += str(extra.get("title_suffix", ""))
        if "branch_prefix" in extra and "/" not in branch.split("-")[0]:
            branch = f"{extra['branch_prefix']}{branch}"
    return detect_pr(title, body, branch, commits, case.author, labels)


@pytest.mark.parametrize("seed", range(5))
def test_confidence_is_monotone_in_evidence(seed: int) -> None:
    """Adding evidence to any case never lowers its confidence (for a fixed author)."""
    rng = random.Random(seed)
    for case in CASES:
        chosen: list[dict[str, object]] = []
        previous = _detect(case).confidence
        for extra in rng.sample(EXTRA_EVIDENCE, k=4):
            chosen.append(extra)
            current = _with(case, chosen).confidence
            assert current >= previous - 1e-12, (case.id, chosen)
            assert 0.0 <= current <= 1.0
            previous = current


def test_combine_is_bounded_and_monotone() -> None:
    rng = random.Random(7)
    assert combine([]) == 0.0
    assert combine([1.0, 0.3]) == 1.0
    assert combine([-3.0, 7.0]) == 1.0  # clamped, never outside [0, 1]
    for _ in range(200):
        weights = [rng.random() for _ in range(rng.randint(0, 6))]
        assert combine([*weights, rng.random()]) >= combine(weights)


def test_weak_evidence_alone_is_not_enough_but_corroborated_is() -> None:
    weak = detect_pr("Tune search", "I asked Claude to double check the weights.", "feat/s", [], "alice")
    assert not weak.is_ai_assisted and 0 < weak.confidence < ai_patterns.THRESHOLD
    corroborated = detect_pr(
        "Tune search", "I asked Claude to double check the weights.", "feat/s", [], "alice", ["ai-assisted"]
    )
    assert corroborated.is_ai_assisted and corroborated.tools == ["claude"]
    assert corroborated.confidence > weak.confidence


def test_pattern_version_is_stable_and_tracks_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", PATTERN_VERSION)
    assert ai_patterns.pattern_version() == PATTERN_VERSION == ai_patterns.pattern_version()
    assert (
        detect_pr("a", "b", "c", ["d"], "e").pattern_version
        == detect_pr(None, None, None, None, None).pattern_version
    )

    original = ai_patterns.PATTERNS
    first = original[0]
    altered_regex = (dataclasses.replace(first, regex=first.regex + "|x"), *original[1:])
    altered_weight = (dataclasses.replace(first, weight=first.weight - 0.01), *original[1:])
    monkeypatch.setattr(ai_patterns, "PATTERNS", altered_regex)
    regex_version = ai_patterns.pattern_version()
    monkeypatch.setattr(ai_patterns, "PATTERNS", altered_weight)
    weight_version = ai_patterns.pattern_version()
    monkeypatch.setattr(ai_patterns, "PATTERNS", original)
    monkeypatch.setattr(ai_patterns, "THRESHOLD", ai_patterns.THRESHOLD + 0.05)
    threshold_version = ai_patterns.pattern_version()
    versions = {PATTERN_VERSION, regex_version, weight_version, threshold_version}
    assert len(versions) == 4, versions
    monkeypatch.setattr(ai_patterns, "THRESHOLD", 0.5)
    assert ai_patterns.pattern_version() == PATTERN_VERSION  # back to the same registry, same version


def test_registry_is_valid_and_rejects_bad_entries() -> None:
    ai_patterns.validate()
    assert {p.field for p in ai_patterns.PATTERNS} == set(ai_patterns.FIELDS)
    assert set(REQUIRED_TOOLS) <= {p.tool for p in ai_patterns.PATTERNS}
    with pytest.raises(ValueError, match="unknown field"):
        ai_patterns.validate([ai_patterns.Pattern("claude", "footer", "x", 0.5)])
    with pytest.raises(ValueError, match="weight"):
        ai_patterns.validate([ai_patterns.Pattern("claude", "body", "x", 1.5)])


COMMIT = """Add retry to the sync

Long description.

Co-authored-by: Claude <noreply@anthropic.com>
co-authored-by:   Devin Smith <devin@example.com>
Not-a-trailer: Co-authored-by: nobody
"""


def test_detect_commit_finds_ai_co_authors_and_ignores_humans() -> None:
    result = detect_commit(COMMIT)
    assert result.is_ai_assisted and result.tools == ["claude"]
    assert result.ai_co_authors == ["Claude <noreply@anthropic.com>"]
    assert result.pattern_version == PATTERN_VERSION

    many = detect_commit("x" + CURSOR_TRAILER + AIDER_TRAILER + "\nCo-authored-by: Ana <ana@acme.io>")
    assert many.tools == ["aider", "cursor"]
    assert many.ai_co_authors == [
        "Cursor Agent <cursoragent@cursor.com>",
        "aider (anthropic/claude-sonnet-4) <noreply@aider.chat>",
    ]

    human = detect_commit("Pair on refunds\n\nCo-authored-by: Devin Smith <devin@example.com>", "alice")
    assert not human.is_ai_assisted and human.ai_co_authors == [] and human.tools == []
    named_claude = detect_commit("x\n\nCo-authored-by: Claude Dupont <claude@acme.io>")
    assert not named_claude.is_ai_assisted and named_claude.ai_co_authors == []


def test_detect_commit_other_markers() -> None:
    assert detect_commit("aider: add health endpoint").tools == ["aider"]
    assert detect_commit("Add docs", "Hana Sato (aider)").tools == ["aider"]
    assert detect_commit("Initial plan", "Copilot").tools == ["copilot"]
    assert detect_commit("fix" + CLAUDE_FOOTER).tools == ["claude"]
    bump = detect_commit("Bump x from 1 to 2" + CLAUDE_TRAILER, "dependabot[bot]")
    assert not bump.is_ai_assisted


@pytest.mark.parametrize(
    "args",
    [
        (None, None, None, None, None, None),
        ("", "", "", [], "", []),
        ("", "", "", "", "", ""),
        (None, None, None, [None, "", None], None, [None, ""]),
        (123, b"bytes \xff body", 4.5, 7, 42, 3),
        (
            "t",
            {"weird": 1},
            ["branch"],
            [{"message": "aider: x"}, {"commit": {"message": "y"}}, {}],
            {"login": None},
            [{"name": "ai-generated"}, {"color": "red"}, {"name": None}],
        ),
        ("t", "x" * 300_000 + CLAUDE_FOOTER, "b", ["m"] * 500, "u", ["l"] * 200),
        ("t", "Co-authored-by:\nCo-authored-by:   \n", "/", ["Co-authored-by: <>"], "[bot]", ["   "]),
    ],
    ids=[
        "none",
        "empty-lists",
        "empty-strings",
        "none-items",
        "wrong-types",
        "github-objects",
        "huge",
        "odd",
    ],
)
def test_bad_input_never_raises(args: tuple[object, ...]) -> None:
    result = detect_pr(*args)  # type: ignore[arg-type]
    assert isinstance(result.is_ai_assisted, bool)
    assert 0.0 <= result.confidence <= 1.0
    assert result.pattern_version == PATTERN_VERSION
    commit = detect_commit(args[3] if isinstance(args[3], str) else None, args[4])  # type: ignore[arg-type]
    assert isinstance(commit.ai_co_authors, list)


def test_github_shapes_are_understood() -> None:
    result = detect_pr(
        "t", None, "b", [{"commit": {"message": "aider: x"}}], {"login": "alice"}, [{"name": "ai-generated"}]
    )
    assert result.is_ai_assisted and result.tools == ["aider"]
    huge = detect_pr("t", "x" * 300_000 + CLAUDE_FOOTER, "b", [], "u")
    assert huge.tools == ["claude"], "a footer after a huge body is still seen"


def test_without_labels_argument() -> None:
    assert detect_pr("t", None, "copilot/fix-1", [], "Copilot").tools == ["copilot"]
