"""`dexxy bench` at a tiny size writes its dated BENCHMARKS.md section with every measure present and
plausible; the peers' output is counted per repository and compared with what Dexxy landed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from dexxy_assets.cli.bench import agreement_section
from dexxy_assets.cli.bench_peers import _airbyte_record, _count, _singer_catalog, _singer_record
from dexxy_assets.cli.memory_growth_bench import GrowthPoint, growth_sizes, mib_per_doubling

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tables(markdown: str) -> dict[str, list[dict[str, str]]]:
    """Each `### title` of the document and its table's rows, keyed by column."""
    tables: dict[str, list[dict[str, str]]] = {}
    for block in markdown.split("\n### ")[1:]:
        title, _, body = block.partition("\n")
        lines = [line for line in body.splitlines() if line.startswith("|")]
        if len(lines) < 2:
            continue
        header = [cell.strip() for cell in lines[0].strip("|").split("|")]
        rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
        tables[title] = [dict(zip(header, row, strict=True)) for row in rows]
    return tables


def _number(cell: str) -> float:
    match = re.search(r"[-\d,.]+", cell)
    assert match is not None, cell
    return float(match.group().replace(",", ""))


def test_bench_appends_a_dated_section_with_every_measure(database_url: str, tmp_path: Path) -> None:
    benchmarks = tmp_path / "BENCHMARKS.md"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith("GITHUB_")}
    env |= {
        "DATABASE_URL": database_url,
        "DEXXY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    args = ["--engineers", "2", "--repos", "1", "--days", "2", "--history-days", "0", "--webhook-events", "0"]
    result = subprocess.run(
        [str(BIN / "dexxy"), "bench", *args, "--benchmarks-file", str(benchmarks)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    text = benchmarks.read_text()
    assert re.search(r"^## \d{4}-\d\d-\d\d \d\d:\d\d UTC: `dexxy bench --engineers 2 ", text, re.M), text[
        :500
    ]
    assert re.search(r"^Machine: .+, \d+ cores, [\d.]+ GiB RAM, Python 3\.\d+", text, re.M), text[:800]
    tables = _tables(text)

    sync = {
        row["pass"]: row for row in next(v for k, v in tables.items() if k.startswith("Dexxy GitHub sync"))
    }
    assert set(sync) == {"graphql full", "graphql incremental", "rest full", "rest incremental"}
    for label, row in sync.items():
        assert _number(row["PRs"]) > 0, label
        assert _number(row["REST req + GQL pts / PR"]) > 0, label
        assert _number(row["PRs / s"]) > 0 and _number(row["rows / s"]) > 0, label
    assert _number(sync["graphql full"]["GraphQL points"]) > 0  # each mode spends its own kind of budget
    assert _number(sync["rest full"]["REST requests"]) > _number(sync["rest full"]["PRs"])

    memory = {row["pass"]: row for row in tables["Peak memory (RSS) of every process"]}
    for label in sync:
        assert _number(memory[label]["Dexxy process"]) > 0, label
        assert _number(memory[label]["PostgreSQL backends (sum)"]) > 0, label
    assert _number(memory["sandbox (whole bench)"]["sandbox"]) > 0

    overhead = {
        row["pass"]: row for row in next(v for k, v in tables.items() if k.startswith("Dagster overhead"))
    }
    assert overhead["graphql full"]["partitions"] == "2" and overhead["rest incremental"]["partitions"] == "1"
    for label, row in overhead.items():
        assert 0 < _number(row["in steps s"]) <= _number(row["run s"]), label
        assert _number(row["overhead s / partition"]) >= 0, label

    bulk = {
        row["mode: table"]: row
        for row in next(v for k, v in tables.items() if k.startswith("Warehouse bulk"))
    }
    assert {"graphql: all", "rest: all", "graphql: raw.github_pull_requests"} <= set(bulk)
    assert bulk["rest: all, as uncompressed text"]["rows"] == bulk["rest: all"]["rows"]  # the same rows
    assert all(_number(row["rows"]) > 0 and _number(row["rows / s"]) > 0 for row in bulk.values())
    assert all(_number(row["MB"]) > 0 and _number(row["MB / s"]) > 0 for row in bulk.values())
    assert "large values compressed with" in text

    growth = next(v for k, v in tables.items() if k.startswith("Memory as the org grows"))
    assert [row["org"] for row in growth] == ["1 engineers, 1 repos", "2 engineers, 1 repos"]
    assert all(_number(row["PRs"]) > 0 and _number(row["peak RSS"]) > 0 for row in growth)
    assert re.search(r"^growth: [-+][\d.]+ MiB per doubling of pull requests", text, re.M) or (
        "growth: one org size only" in text
    )
    assert "appended to" in result.stderr


def test_growth_sizes_scale_the_org_down_without_repeats() -> None:
    assert growth_sizes(200, 30) == [(25, 4), (50, 8), (100, 15)]
    assert growth_sizes(2, 1) == [(1, 1)]
    assert growth_sizes(1, 1) == []


def test_growth_per_doubling_is_the_slope_over_log2_pull_requests() -> None:
    flat = [GrowthPoint(1, 1, n, 250.0) for n in (1_000, 2_000, 4_000)]
    assert mib_per_doubling(flat) == 0.0
    growing = [GrowthPoint(1, 1, n, rss) for n, rss in ((1_000, 200.0), (2_000, 230.0), (8_000, 290.0))]
    assert abs((mib_per_doubling(growing) or 0.0) - 30.0) < 1e-9
    assert mib_per_doubling([GrowthPoint(1, 1, 500, 100.0)]) is None


def test_peer_messages_are_counted_per_repository_once(tmp_path: Path) -> None:
    """Airbyte and Singer RECORD messages become distinct records per entity and repository."""
    airbyte = [
        {"type": "RECORD", "record": {"stream": "pull_requests", "data": {"id": 1, "repository": "o/a"}}},
        {"type": "RECORD", "record": {"stream": "pull_requests", "data": {"id": 1, "repository": "o/a"}}},
        {"type": "RECORD", "record": {"stream": "reviews", "data": {"id": 9, "repository": "o/a"}}},
        {
            "type": "RECORD",
            "record": {
                "stream": "pull_request_commits",
                "data": {"pull_number": 1, "sha": "x", "repository": "O/A"},
            },
        },
        {"type": "STATE", "state": {}},
    ]
    singer = [
        {"type": "RECORD", "stream": "pull_requests", "record": {"id": 1, "org": "o", "repo": "a"}},
        {"type": "RECORD", "stream": "repositories", "record": {"id": 5, "org": "o", "repo": "a"}},
        {"type": "RECORD", "stream": "reviews", "record": {"id": 9, "org": "o", "repo": "a"}},
        {
            "type": "RECORD",
            "stream": "pull_request_commits",
            "record": {"pull_number": 1, "sha": "x", "org": "o", "repo": "a"},
        },
    ]
    counted = {}
    for name, messages, classify in (("airbyte", airbyte, _airbyte_record), ("tap", singer, _singer_record)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(m) + "\n" for m in messages) + "not json: a log line\n")
        counted[name] = _count(path, classify)
    expected = {
        "pull_requests": Counter({"o/a": 1}),
        "reviews": Counter({"o/a": 1}),
        "commits": Counter({"o/a": 1}),
    }
    assert counted["airbyte"] == expected and counted["tap"] == expected


def test_agreement_names_the_repositories_that_differ() -> None:
    same = {
        "pull_requests": Counter({"o/a": 2, "o/b": 1}),
        "reviews": Counter({"o/a": 3}),
        "commits": Counter(),
    }
    fewer = same | {"reviews": Counter({"o/a": 2})}

    class Run:
        def __init__(self, label: str, counts: dict[str, Counter[str]]) -> None:
            self.label, self.counts = label, counts

    class Mode:
        counts = same

    identical = agreement_section({"graphql": Mode()}, [Run("airbyte-source-github 2.7.1", same)])  # type: ignore[list-item, dict-item]
    assert identical.notes[-1].startswith("identical")
    different = agreement_section({"graphql": Mode()}, [Run("tap 1", fewer)])  # type: ignore[list-item, dict-item]
    assert "DIFFERENT in 1 of 2 repositories: o/a" in different.notes[-1]


def test_singer_catalog_selects_only_the_wanted_streams() -> None:
    catalog = {
        "streams": [
            {"tap_stream_id": name, "metadata": [{"breadcrumb": [], "metadata": {"inclusion": "available"}}]}
            for name in ("repositories", "issues", "reviews")
        ]
    }
    selected = _singer_catalog(catalog, {"repositories", "reviews"})
    flags = {s["tap_stream_id"]: s["metadata"][0]["metadata"]["selected"] for s in selected["streams"]}
    assert flags == {"repositories": True, "issues": False, "reviews": True}
