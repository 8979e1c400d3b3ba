"""Was a pull request (or a commit) written with an AI coding tool, and which one?

Pure, regex-only and versioned: the markers live in ``ai_patterns`` and ``PATTERN_VERSION`` is their hash, so
the ``processing/pr_ai_detection`` asset can use it as its code version and re-classify stored PRs when it
changes. Precision comes first: a PR counts as AI-assisted only on markers a tool leaves by itself (trailers,
bot authors, footers, agent branches, session links) or on corroborated weaker evidence.

How matches become a verdict:

- Each field is one piece of evidence and weighs as its strongest match: ten commits carrying the same
  trailer, or three tools named in one paragraph, are one piece of evidence, not ten. Corroboration means
  another field (a label, a branch, a trailer), not more words in the same one.
- ``confidence = 1 - prod(1 - weight)`` over the fields (a noisy-or): adding evidence never lowers it.
- ``is_ai_assisted = confidence >= THRESHOLD``.
- ``tools`` are the tools whose own evidence (noisy-or over fields) reaches the threshold; when only
  corroboration decided (e.g. an ``ai-assisted`` label plus "Claude Code" in the body), every tool named is
  listed, and ``generic`` only when no tool is named at all.
- PRs by dependency bots (dependabot, renovate, ...) are never AI-assisted: they quote upstream release notes.
- Inputs may be ``None``, empty, or raw GitHub shapes (label objects, commit nodes): bad input never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dexxy_assets.processing import ai_patterns
from dexxy_assets.processing.ai_patterns import GENERIC_TOOL, Pattern

PATTERN_VERSION: str = ai_patterns.pattern_version()

# Bodies can be huge (generated changelogs); markers sit in the first pages or at the very end.
_MAX_FIELD_CHARS = 100_000
_SNIPPET_CHARS = 60
_TRAILER = re.compile(r"^[ \t]*co-authored-by:[ \t]*(\S.*?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_DEPENDENCY_BOT = re.compile(ai_patterns.DEPENDENCY_BOTS, re.IGNORECASE)
_COMPILED: dict[str, tuple[tuple[Pattern, re.Pattern[str]], ...]] = {
    field: tuple(
        (p, re.compile(p.regex, ai_patterns.REGEX_FLAGS)) for p in ai_patterns.PATTERNS if p.field == field
    )
    for field in sorted(ai_patterns.FIELDS)
}


@dataclass(frozen=True, slots=True)
class PrDetection:
    """The verdict on one pull request; ``evidence`` says which pattern matched where, for audits."""

    is_ai_assisted: bool
    tools: list[str]
    confidence: float
    pattern_version: str
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class CommitDetection:
    """The verdict on one commit; ``ai_co_authors`` are its AI Co-authored-by values as written."""

    is_ai_assisted: bool
    ai_co_authors: list[str]
    tools: list[str]
    confidence: float
    pattern_version: str
    evidence: list[str]


@dataclass(frozen=True, slots=True)
class _Match:
    tool: str
    field: str
    weight: float
    text: str


def detect_pr(
    title: str | None,
    body: str | None,
    branch: str | None,
    commit_messages: Iterable[str | None] | None,
    author_login: str | None,
    labels: Iterable[str | None] | None = (),
) -> PrDetection:
    """Classify a pull request from its title, body, head branch, commit messages, author and labels."""
    author = _login(author_login)
    if author and _DEPENDENCY_BOT.match(author):
        return PrDetection(False, [], 0.0, PATTERN_VERSION, [f"author: {author} is a dependency bot, not AI"])
    body_text = _text(body)
    messages = _texts(commit_messages, keys=("message",))
    fields: dict[str, list[str]] = {
        "title": [_text(title)],
        "body": [_without_trailers(body_text)],
        "branch": [_text(branch).strip()],
        "commit_message": [_without_trailers(m) for m in messages],
        "co_author_trailer": _trailers([*messages, body_text]),
        "label": [label.strip() for label in _texts(labels, keys=("name",))],
        "author": [author],
    }
    if _branch_is_personal_namespace(fields["branch"][0], author):
        fields["branch"] = []
    is_ai, tools, confidence, evidence = _verdict(_matches(fields))
    return PrDetection(is_ai, tools, confidence, PATTERN_VERSION, evidence)


def detect_commit(message: str | None, author_login: str | None = None) -> CommitDetection:
    """Classify one commit from its message (trailers included) and its author login or name."""
    author = _login(author_login)
    if author and _DEPENDENCY_BOT.match(author):
        return CommitDetection(False, [], [], 0.0, PATTERN_VERSION, [f"author: {author} is a dependency bot"])
    text = _text(message)
    trailers = _trailers([text])
    fields = {"commit_message": [_without_trailers(text)], "co_author_trailer": trailers, "author": [author]}
    matches = _matches(fields)
    ai_trailers = {m.text for m in matches if m.field == "co_author_trailer"}
    is_ai, tools, confidence, evidence = _verdict(matches)
    co_authors = [t for t in trailers if t in ai_trailers]
    return CommitDetection(is_ai, co_authors, tools, confidence, PATTERN_VERSION, evidence)


def combine(weights: Iterable[float]) -> float:
    """Noisy-or of independent pieces of evidence, clamped to [0, 1]: more evidence never lowers it."""
    miss = 1.0
    for weight in weights:
        miss *= 1.0 - min(max(float(weight), 0.0), 1.0)
    return min(max(1.0 - miss, 0.0), 1.0)


def _matches(fields: Mapping[str, list[str]]) -> list[_Match]:
    found: list[_Match] = []
    for field, texts in fields.items():
        for text in texts:
            if not text:
                continue
            for pattern, regex in _COMPILED.get(field, ()):
                hit = regex.search(text)
                if hit:
                    shown = text if field == "co_author_trailer" else hit.group(0).strip() or text
                    found.append(_Match(pattern.tool, field, pattern.weight, shown))
    return found


def _verdict(matches: list[_Match]) -> tuple[bool, list[str], float, list[str]]:
    strongest: dict[tuple[str, str], _Match] = {}
    for match in matches:
        key = (match.tool, match.field)
        if key not in strongest or match.weight > strongest[key].weight:
            strongest[key] = match
    per_field: dict[str, float] = {}
    for (_tool, field), match in strongest.items():
        per_field[field] = max(per_field.get(field, 0.0), match.weight)
    threshold = ai_patterns.THRESHOLD
    confidence = round(combine(per_field.values()), 6)
    is_ai = confidence >= threshold
    tools: list[str] = []
    if is_ai:
        per_tool: dict[str, list[float]] = {}
        for (tool, _field), match in strongest.items():
            per_tool.setdefault(tool, []).append(match.weight)
        named = {tool: combine(ws) for tool, ws in per_tool.items() if tool != GENERIC_TOOL}
        confident = sorted(t for t, score in named.items() if score >= threshold)
        tools = confident or sorted(named) or [GENERIC_TOOL]
    evidence = [
        f"{m.field}: {m.tool} {m.weight:g} {_snippet(m.text)!r}"
        for m in sorted(strongest.values(), key=lambda m: (-m.weight, m.tool, m.field))
    ]
    return is_ai, tools, confidence, evidence


def _branch_is_personal_namespace(branch: str, author: str) -> bool:
    """``claude/fix`` pushed by a human whose login is ``claude`` is their namespace, not Claude Code's."""
    if "/" not in branch or not author:
        return False
    if any(regex.search(author) for _pattern, regex in _COMPILED["author"]):
        return False
    return branch.split("/", 1)[0].lower() == author.lower()


def _trailers(texts: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for text in texts:
        for value in _TRAILER.findall(text):
            if value not in seen:
                seen.append(value)
    return seen


def _without_trailers(text: str) -> str:
    """Prose without its Co-authored-by lines: a trailer counts once, as a trailer, not again as prose."""
    return _TRAILER.sub("", text)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "…"


def _login(value: Any) -> str:
    """A login from a string or a GitHub user object; anything else is stringified."""
    if isinstance(value, Mapping):
        value = value.get("login") or value.get("name")
    return _text(value).strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # a broken __str__ in a payload object must not stop a run
        return ""
    return text[:_MAX_FIELD_CHARS] + ("\n" + text[-2_000:] if len(text) > _MAX_FIELD_CHARS else "")


def _texts(values: Any, keys: tuple[str, ...]) -> list[str]:
    """Strings from a list of strings or of GitHub objects (``{"name": ...}``, ``{"commit": {"message"}}``);
    a lone string is one item."""
    if values is None:
        return []
    if isinstance(values, str | bytes | Mapping):
        values = [values]
    try:
        items = list(values)
    except TypeError:
        items = [values]
    out: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            item = next((item[k] for k in keys if isinstance(item.get(k), str)), None) or (
                item.get("commit", {}).get("message") if isinstance(item.get("commit"), Mapping) else None
            )
        text = _text(item)
        if text:
            out.append(text)
    return out
