"""What an alert says, whatever the channel: one line of cause and one of advice, never a traceback."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    ERROR = "error"  # a run failed
    WARNING = "warning"  # it worked, but something needs a look (a sync far slower than its norm)


@dataclass(frozen=True)
class Alert:
    """``alert_class`` is a failure class (RATE_LIMIT, …) or SLOW_SYNC; the policy routes on it."""

    alert_class: str
    cause: str  # one line: what went wrong
    advice: str  # one line: what a person does about it
    source: str | None = None
    run_id: str | None = None
    severity: Severity = Severity.ERROR
    facts: tuple[tuple[str, str], ...] = field(default=())  # e.g. (("ladder", "every 2 days"),)

    @property
    def subject(self) -> str:
        where = f" {self.source}" if self.source else ""
        return f"[dexxy {self.severity.value}]{where} {self.alert_class}: {_one_line(self.cause)[:120]}"

    def one_line(self) -> str:
        run = f"run {self.run_id}: " if self.run_id else ""
        where = f"{self.source} " if self.source else ""
        return f"{run}[{self.alert_class}] {where}{_one_line(self.cause)} → {_one_line(self.advice)}"

    def body(self) -> str:
        lines = [f"Cause: {_one_line(self.cause)}", f"Advice: {_one_line(self.advice)}"]
        if self.source:
            lines.append(f"Source: {self.source}")
        if self.run_id:
            lines.append(f"Run: {self.run_id}")
        lines.extend(f"{name}: {value}" for name, value in self.facts)
        return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
