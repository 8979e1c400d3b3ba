"""Whether memory stays flat as the org grows: the GraphQL full sync's peak RSS at fractions of the bench's
org (engineers and repositories scaled together, the same days), beside the full size's, with the growth per
doubling of pull requests fitted over all of them and between the two largest. Flat is the target: what a run
holds should be bounded by its batches, never by the org or the window. A small org does not fill the
fixed-size buffers (SQLite's page cache, a COPY chunk, a server-side cursor's rows), so the verdict is taken
at scale, between the two largest sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dexxy_assets.cli.bench_report import Section

GROWTH_FRACTIONS = (1 / 8, 1 / 4, 1 / 2)
FLAT_MIB_PER_DOUBLING = 10.0  # within the noise of one RSS sample of a Python process


@dataclass(frozen=True)
class GrowthPoint:
    engineers: int
    repos: int
    pull_requests: int
    peak_rss_mib: float


def growth_sizes(engineers: int, repos: int) -> list[tuple[int, int]]:
    """(engineers, repositories) of the smaller orgs, smallest first, without repeats or the full size."""
    sizes: list[tuple[int, int]] = []
    for fraction in GROWTH_FRACTIONS:
        size = (max(1, round(engineers * fraction)), max(1, round(repos * fraction)))
        if size not in sizes and size != (engineers, repos):
            sizes.append(size)
    return sizes


def mib_per_doubling(points: list[GrowthPoint]) -> float | None:
    """The least-squares slope of peak RSS over log2(pull requests); None with fewer than two org sizes."""
    measured = [(math.log2(p.pull_requests), p.peak_rss_mib) for p in points if p.pull_requests > 0]
    if len({x for x, _ in measured}) < 2:
        return None
    mean_x = sum(x for x, _ in measured) / len(measured)
    mean_y = sum(y for _, y in measured) / len(measured)
    spread = sum((x - mean_x) ** 2 for x, _ in measured)
    return sum((x - mean_x) * (y - mean_y) for x, y in measured) / spread


def growth_section(points: list[GrowthPoint], days: int) -> Section:
    section = Section(
        f"Memory as the org grows (GraphQL full sync of {days} days, Dexxy process)",
        ["org", "PRs", "peak RSS", "RSS per 1,000 PRs"],
    )
    for p in sorted(points, key=lambda p: p.pull_requests):
        per_thousand = p.peak_rss_mib / p.pull_requests * 1000 if p.pull_requests else 0.0
        section.add(
            f"{p.engineers} engineers, {p.repos} repos",
            f"{p.pull_requests:,}",
            f"{p.peak_rss_mib:,.0f} MiB",
            f"{per_thousand:,.1f} MiB",
        )
    slope = mib_per_doubling(points)
    if slope is None:
        section.notes.append("growth: one org size only, nothing to fit")
        return section
    largest = sorted(points, key=lambda p: p.pull_requests)[-2:]
    last = mib_per_doubling(largest)
    verdict = "flat" if last is not None and last <= FLAT_MIB_PER_DOUBLING else "not flat"
    section.notes.append(
        f"growth: {slope:+.1f} MiB per doubling of pull requests over every size (least squares over log2 "
        f"PRs); {last:+.1f} MiB per doubling between the two largest (what a bigger org adds once the "
        f"fixed-size buffers are full); target ≤ {FLAT_MIB_PER_DOUBLING:.0f} at scale: {verdict}"
    )
    return section
