"""What `dexxy bench` prints and appends to BENCHMARKS.md: titled tables, each rendered once to the terminal
(rich) and once as Markdown, under a dated heading with the machine they were measured on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def print(self, console: Console) -> None:
        table = Table(title=self.title)
        for index, column in enumerate(self.columns):
            table.add_column(column, justify="left" if index == 0 else "right")
        for row in self.rows:
            table.add_row(*row)
        console.print(table)
        for note in self.notes:
            console.print(note)

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        if self.rows:
            lines.append("| " + " | ".join(self.columns) + " |")
            lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.columns))) + "|")
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"{note}  " for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """One line: CPU model, cores, RAM, Python, OS."""
    cores = os.cpu_count() or 0
    ram = psutil.virtual_memory().total / 1024**3
    python = platform.python_version()
    return (
        f"{cpu_model()}, {cores} cores, {ram:.1f} GiB RAM, Python {python} ({sys.implementation.name}), "
        f"{platform.system()} {platform.release()}"
    )


def document(sections: list[Section], settings: str, now: dt.datetime) -> str:
    """The dated Markdown section appended to BENCHMARKS.md."""
    head = [
        f"## {now:%Y-%m-%d %H:%M} UTC: `dexxy bench {settings}`".rstrip(),
        "",
        f"Machine: {machine()}.",
        "",
        "",
    ]
    return "\n".join(head) + "\n".join(section.markdown() for section in sections)


def append(path: Path, text: str) -> None:
    """Append a section; a new file starts with a line saying what the file is."""
    if not path.exists():
        path.write_text(
            "# Benchmarks\n\nEach section is one `dexxy bench` run, appended by the command itself "
            "(see docs/benchmarks.md for what each figure means).\n"
        )
    with path.open("a") as out:
        out.write("\n" + text)
