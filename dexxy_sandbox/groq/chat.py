"""Deterministic chat completions: the same messages and response format always get the same answer.

Plain requests get a short text reply. `response_format` `{"type": "json_object"}` gets a JSON object, and
`{"type": "json_schema", "json_schema": {"schema": ...}}` an object that satisfies the schema: required
properties filled by type (all properties when none are required), enums with the first value that matches
what the prompt suggests (else the first), numbers within their bounds. Values come from simple keyword
heuristics on the prompt, so a PR-summary schema (summary, change_type, risk, ai_usage {verdict, evidence},
tech_areas...) gets plausible answers: "Co-authored-by: Claude" means AI-assisted, "Bump x from" a dependency
update, "Revert" a revert; anything else is derived from a hash of the prompt. A weekly team note (figures
as JSON, a schema asking for headline, observations and suggested_focus) is written from the figures
(``weekly_note``). Tokens are counted as about four characters each.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from dexxy_sandbox.groq.weekly_note import note_answer

Json = dict[str, Any]

AI_TRACES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "claude",
        re.compile(r"co-authored-by:\s*claude|generated with \[?claude code|noreply@anthropic\.com", re.I),
    ),
    ("copilot", re.compile(r"co-authored-by:\s*(github\s+)?copilot|copilot-swe-agent|copilot\[bot\]", re.I)),
    ("cursor", re.compile(r"co-authored-by:\s*cursor|cursoragent@cursor\.com", re.I)),
    ("aider", re.compile(r"\(aider\)|aider\.chat", re.I)),
    ("devin", re.compile(r"devin-ai-integration|devin\.ai", re.I)),
    ("codex", re.compile(r"co-authored-by:\s*codex|chatgpt-codex-connector", re.I)),
)
TECH_AREAS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("backend", re.compile(r"\bapi\b|endpoint|service|handler|\.py\b|\.go\b|\.java\b|\.kt\b", re.I)),
    ("frontend", re.compile(r"\.tsx?\b|\.jsx?\b|\.css\b|react|component|\bui\b", re.I)),
    ("database", re.compile(r"\bsql\b|migration|schema|postgres|database|\bquery\b", re.I)),
    ("infrastructure", re.compile(r"terraform|\.tf\b|\bhcl\b|kubernetes|helm|docker", re.I)),
    ("ci", re.compile(r"\.github/workflows|\bci\b|pipeline|github actions", re.I)),
    ("security", re.compile(r"\bauth|security|oauth|token|permission|cve-", re.I)),
    ("dependencies", re.compile(r"\bbump\b|dependabot|renovate|lock ?file|requirements|package\.json", re.I)),
    ("testing", re.compile(r"\btests?\b|pytest|jest|spec\.", re.I)),
    ("documentation", re.compile(r"readme|\bdocs?\b|\.md\b", re.I)),
)
CHANGE_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("revert", re.compile(r"\brevert", re.I)),
    ("hotfix", re.compile(r"\bhotfix", re.I)),
    ("dependency", re.compile(r"\bbump\b|dependabot|renovate|update dependency", re.I)),
    ("fix", re.compile(r"\bfix|\bbug", re.I)),
    ("refactor", re.compile(r"\brefactor", re.I)),
    ("docs", re.compile(r"\bdocs?\b|readme", re.I)),
    ("test", re.compile(r"\badd(ed)? tests?\b|\btest:", re.I)),
    ("chore", re.compile(r"\bchore\b|\bci:", re.I)),
)
SYNONYMS = {
    "feature": ("feature", "feat", "enhancement", "new_feature"),
    "fix": ("fix", "bugfix", "bug_fix", "bug"),
    "dependency": ("dependency", "dependencies", "deps", "dependency_update", "chore"),
    "docs": ("docs", "documentation"),
    "test": ("test", "tests", "testing"),
    "revert": ("revert", "rollback"),
    "hotfix": ("hotfix", "fix"),
    "refactor": ("refactor", "refactoring"),
    "chore": ("chore", "maintenance"),
}


def count_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


def message_text(messages: list[Any]) -> str:
    """All message contents as one string (content may be a string or a list of parts)."""
    parts: list[str] = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts += [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"]
    return "\n".join(parts)


@dataclass
class PromptFacts:
    """What the heuristics read in a prompt."""

    text: str
    digest: bytes
    ai_tools: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    change_type: str = "feature"
    risk: str = "medium"
    tech_areas: list[str] = field(default_factory=list)
    title: str = ""

    @classmethod
    def read(cls, text: str, salt: str = "") -> PromptFacts:
        facts = cls(text, hashlib.sha256((salt + "\n" + text).encode()).digest())
        for line in text.splitlines():
            for tool, pattern in AI_TRACES:
                if pattern.search(line):
                    if tool not in facts.ai_tools:
                        facts.ai_tools.append(tool)
                    if line.strip() not in facts.evidence:
                        facts.evidence.append(line.strip()[:200])
        title = re.search(r"^\s*(?:pr\s+)?title\s*[:=]\s*(.+)$", text, re.I | re.M)
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        facts.title = (title.group(1) if title else first).strip()[:160]
        head = f"{facts.title}\n{text[:4000]}"
        facts.change_type = next((name for name, pattern in CHANGE_TYPES if pattern.search(head)), "feature")
        facts.tech_areas = [name for name, pattern in TECH_AREAS if pattern.search(text)][:4]
        if facts.change_type in ("hotfix", "revert") or re.search(
            r"migration|security|payment|auth", head, re.I
        ):
            facts.risk = "high"
        elif facts.change_type in ("dependency", "docs", "test", "chore"):
            facts.risk = "low"
        return facts

    @property
    def ai_assisted(self) -> bool:
        return bool(self.ai_tools)

    def number(self, salt: str) -> float:
        """A number in [0, 1) fixed by the prompt and `salt`."""
        digest = hashlib.blake2b(self.digest + salt.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def summary(self) -> str:
        subject = self.title.rstrip(".") or "the requested change"
        verbs = {
            "revert": "reverts",
            "hotfix": "hot-fixes",
            "dependency": "updates a dependency:",
            "fix": "fixes",
            "refactor": "refactors",
            "docs": "documents",
            "test": "adds tests for",
            "chore": "maintains",
        }
        areas = ", ".join(self.tech_areas[:2]) or "the codebase"
        verb = verbs.get(self.change_type, "implements")
        return f"This pull request {verb} {subject[:1].lower() + subject[1:]} ({areas})."


def _resolve(schema: Any, root: Json) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        node: Any = root
        for part in ref.lstrip("#/").split("/") if ref.startswith("#") else ():
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _pick_enum(options: list[Any], wanted: list[Any]) -> Any:
    for value in wanted:
        for option in options:
            if isinstance(option, str) and isinstance(value, str) and option.lower() == value.lower():
                return option
            if option == value and type(option) is type(value):
                return option
    return options[0]


class SchemaFiller:
    """Builds an instance of a JSON schema from the facts of a prompt."""

    def __init__(self, facts: PromptFacts, root: Json) -> None:
        self.facts = facts
        self.root = root

    def fill(self, schema: Any, name: str = "", depth: int = 0) -> Any:
        schema = _resolve(schema, self.root)
        if not isinstance(schema, dict) or depth > 12:
            return None if depth > 12 else self._string(name, {})
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return _pick_enum(list(schema["enum"]), self._wanted(name))
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                options = [_resolve(option, self.root) for option in schema[key]]
                usable = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
                return self.fill((usable or options)[0], name, depth + 1)
        if schema.get("allOf"):
            merged: Json = {}
            for part in schema["allOf"]:
                part = _resolve(part, self.root)
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                merged.setdefault("type", part.get("type"))
            return self.fill({**{k: v for k, v in schema.items() if k != "allOf"}, **merged}, name, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind == "boolean":
            return self._boolean(name)
        if kind in ("integer", "number"):
            return self._number(schema, name, kind == "integer")
        if kind == "null":
            return None
        return self._string(name, schema)

    def _object(self, schema: Json, depth: int) -> Json:
        properties: Json = schema.get("properties") or {}
        required = schema.get("required")
        names = list(required) if required else list(properties)
        return {name: self.fill(properties.get(name, {"type": "string"}), name, depth + 1) for name in names}

    def _array(self, schema: Json, name: str, depth: int) -> list[Any]:
        items = _resolve(schema.get("items", {"type": "string"}), self.root)
        low, high = int(schema.get("minItems", 0)), int(schema.get("maxItems", 5))
        facts = self.facts
        values: list[Any]
        lowered = name.lower()
        options = items.get("enum") if isinstance(items, dict) else None
        if "evidence" in lowered or "trace" in lowered:
            values = list(facts.evidence)
        elif "tool" in lowered:
            values = list(facts.ai_tools)
        elif "area" in lowered or "tech" in lowered or "topic" in lowered or "tag" in lowered:
            values = list(facts.tech_areas)
        else:
            values = []
        if options:
            values = [_pick_enum(options, [v]) for v in values if any(str(o) == str(v) for o in options)]
        elif isinstance(items, dict) and items.get("type") not in (None, "string"):
            values = []
        if not values and low == 0 and lowered and any(k in lowered for k in ("evidence", "tool")):
            return []
        if len(values) < max(low, 1 if not values else 0):
            values += [
                self.fill(items, name.rstrip("s"), depth + 1) for _ in range(max(low, 1) - len(values))
            ]
        unique = (
            [v for i, v in enumerate(values) if v not in values[:i]] if schema.get("uniqueItems") else values
        )
        return unique[: max(high, low)]

    def _boolean(self, name: str) -> bool:
        lowered = name.lower()
        if any(k in lowered for k in ("verdict", "ai", "assisted", "generated", "detected")):
            return self.facts.ai_assisted
        if "risk" in lowered or "breaking" in lowered:
            return self.facts.risk == "high"
        return self.facts.number(name) < 0.5

    def _number(self, schema: Json, name: str, integer: bool) -> float | int:
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get(
            "maximum", schema.get("exclusiveMaximum", 1 if "confidence" in name.lower() else 100)
        )
        if "confidence" in name.lower() or "probability" in name.lower():
            unit = 0.92 if self.facts.ai_assisted else 0.18
        elif "risk" in name.lower():
            unit = {"low": 0.2, "medium": 0.5, "high": 0.85}[self.facts.risk]
        else:
            unit = self.facts.number(name)
        value = low + (high - low) * unit
        if integer:
            return int(min(max(math.floor(value), math.ceil(low)), math.floor(high)))
        return round(min(max(value, low), high), 2)

    def _wanted(self, name: str) -> list[Any]:
        facts, lowered = self.facts, name.lower()
        if "risk" in lowered:
            return [facts.risk, {"low": "minor", "medium": "moderate", "high": "major"}[facts.risk]]
        if "verdict" in lowered or "ai" in lowered.split("_"):
            yes = ("yes", "true", "ai_assisted", "ai-assisted", "likely", "assisted", "detected")
            no = ("no", "false", "human", "not_ai", "unlikely", "none", "not_detected")
            return [*(yes if facts.ai_assisted else no)]
        if "tool" in lowered:
            return [*facts.ai_tools, "none", "unknown"]
        if "area" in lowered or "tech" in lowered:
            return [*facts.tech_areas, "other"]
        return [*SYNONYMS.get(facts.change_type, (facts.change_type,)), "other"]

    def _string(self, name: str, schema: Json) -> str:
        facts, lowered = self.facts, name.lower()
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2025-01-01T00:00:00Z"
        if fmt == "date":
            return "2025-01-01"
        if "summary" in lowered or "description" in lowered:
            text = facts.summary()
        elif "title" in lowered:
            text = facts.title or "Sandbox title"
        elif "risk" in lowered:
            text = facts.risk
        elif "type" in lowered or "category" in lowered or "kind" in lowered:
            text = facts.change_type
        elif "evidence" in lowered or "reason" in lowered or "rationale" in lowered:
            text = "; ".join(facts.evidence) or "No AI co-author trailers or tool signatures were found."
        elif "tool" in lowered:
            text = facts.ai_tools[0] if facts.ai_tools else "none"
        elif "area" in lowered or "tech" in lowered:
            text = facts.tech_areas[0] if facts.tech_areas else "general"
        else:
            text = f"{name.replace('_', ' ') or 'value'} {facts.digest.hex()[:8]}".strip()
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        text = text.ljust(low, ".")
        return text[: int(high)] if high is not None else text


def answer(body: Json) -> str:
    """The assistant message content for a chat-completion request body."""
    messages = body.get("messages") or []
    text = message_text(messages)
    response_format = body.get("response_format") or {}
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    facts = PromptFacts.read(text, salt=json.dumps(response_format, sort_keys=True))
    if kind == "json_schema":
        spec = response_format.get("json_schema") or {}
        schema = spec.get("schema") or {"type": "object"}
        note = note_answer(text, schema)  # a weekly team note is written from its figures
        return json.dumps(note or SchemaFiller(facts, schema).fill(schema), ensure_ascii=False)
    if kind == "json_object":
        return json.dumps(note_answer(text, None) or json_object(facts), ensure_ascii=False)
    return plain_text(facts)


def json_object(facts: PromptFacts) -> Json:
    """A free-form JSON answer: a PR summary for PR-like prompts, otherwise a generic answer."""
    if re.search(r"pull request|\bPR\b|diff|commit", facts.text, re.I):
        return {
            "summary": facts.summary(),
            "change_type": facts.change_type,
            "risk": facts.risk,
            "ai_usage": {"verdict": facts.ai_assisted, "tools": facts.ai_tools, "evidence": facts.evidence},
            "tech_areas": facts.tech_areas,
        }
    return {"answer": plain_text(facts), "confidence": round(0.5 + facts.number("confidence") / 2, 2)}


def plain_text(facts: PromptFacts) -> str:
    tag = facts.digest.hex()[:8]
    if re.search(r"pull request|\bPR\b|diff|commit", facts.text, re.I):
        return f"{facts.summary()} (sandbox answer {tag})"
    return f"Sandbox answer {tag} to: {facts.title[:120] or 'an empty prompt'}"
