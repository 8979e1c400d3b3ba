"""What `dexxy demo` prints at the end: what was loaded, the Jira figures, the GitHub issues, the median
cycle time per week and where the weekly charts are."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, text

_COUNTS = text(
    """
    SELECT (SELECT count(*) FROM analytics.pull_requests) AS pull_requests,
           (SELECT count(*) FROM analytics.pr_reviews) AS reviews,
           (SELECT count(*) FROM analytics.commits) AS commits,
           (SELECT count(*) FROM analytics.team_members) AS team_members,
           (SELECT count(*) FILTER (WHERE is_ai_assisted) FROM analytics.pull_requests) AS ai_assisted,
           (SELECT count(*) FROM analytics.jira_issues) AS jira_issues,
           (SELECT count(*) FROM analytics.jira_sprints) AS jira_sprints,
           (SELECT count(*) FROM analytics.jira_users WHERE is_listed) AS jira_people,
           (SELECT count(*) FROM analytics.jira_users WHERE is_listed AND member_id IS NOT NULL)
               AS jira_people_matched,
           (SELECT coalesce(sum(prs_with_key), 0) FROM analytics.jira_linkage_weekly) AS prs_with_key,
           (SELECT coalesce(sum(prs_opened), 0) FROM analytics.jira_linkage_weekly) AS prs_opened,
           (SELECT count(*) FILTER (WHERE sent_at IS NOT NULL) FROM analytics.pr_surveys) AS surveys_sent,
           (SELECT count(*) FILTER (WHERE sent_at IS NULL) FROM analytics.pr_surveys) AS surveys_unreached,
           (SELECT count(*) FILTER (WHERE channel = 'github_comment' AND sent_at IS NOT NULL)
               FROM analytics.pr_surveys) AS surveys_by_comment,
           (SELECT count(*) FILTER (WHERE answer = 'none') FROM analytics.pr_surveys) AS survey_none,
           (SELECT count(*) FILTER (WHERE answer = 'some') FROM analytics.pr_surveys) AS survey_some,
           (SELECT count(*) FILTER (WHERE answer = 'most') FROM analytics.pr_surveys) AS survey_most,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_hours) FROM analytics.pr_surveys)
               AS survey_median_latency_hours,
           (SELECT count(*) FROM analytics.pull_requests WHERE survey_ai_answer IS NOT NULL)
               AS survey_verdicts
    """
)
_ISSUES = text(
    """
    SELECT count(*) AS issues,
           count(*) FILTER (WHERE state = 'open') AS issues_open,
           count(*) FILTER (WHERE state = 'closed') AS issues_closed,
           count(*) FILTER (WHERE closed_by_pull_request) AS issues_closed_by_pr,
           (SELECT count(*) FROM analytics.incidents WHERE source = 'github_issue') AS issue_incidents,
           (SELECT count(*) FROM analytics.github_discussions WHERE NOT is_deleted) AS discussions
    FROM analytics.github_issues
    """
)
_WEEKLY_CYCLE_TIME = text(
    """
    SELECT date_trunc('week', merged_at)::date AS week,
           count(*) AS merged,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_hours) AS median_hours,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY pickup_time_hours) AS median_pickup_hours,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_time_hours) AS median_lead_hours
    FROM analytics.pull_requests
    WHERE state = 'merged' AND NOT is_bot
    GROUP BY 1
    ORDER BY 1
    """
)


def load_summary(engine: Engine) -> tuple[dict[str, int], list[tuple]]:
    with engine.connect() as conn:
        counts = dict(conn.execute(_COUNTS).one()._mapping)
        counts.update(conn.execute(_ISSUES).one()._mapping)
        weekly = [tuple(row) for row in conn.execute(_WEEKLY_CYCLE_TIME)]
    return counts, weekly


def print_issues(console: Console, counts: dict[str, int]) -> None:
    """GitHub issues (analytics.github_issues), the incidents they raised, and the discussions."""
    if counts.get("issues"):
        console.print(
            f"GitHub issues: [bold]{counts['issues']}[/bold] ({counts['issues_open']} open, "
            f"{counts['issues_closed']} closed, {counts['issues_closed_by_pr']} by a pull request); "
            f"{counts['issue_incidents']} incidents from issues; {counts['discussions']} discussions."
        )


def print_summary(console: Console, counts: dict[str, int], weekly: list[tuple]) -> None:
    console.print(
        f"Loaded [bold]{counts['pull_requests']}[/bold] pull requests, "
        f"[bold]{counts['reviews']}[/bold] reviews, "
        f"[bold]{counts['commits']}[/bold] commits, {counts['team_members']} team members; "
        f"{counts['ai_assisted']} pull requests AI-assisted."
    )
    print_issues(console, counts)
    if counts.get("jira_issues"):
        linked = counts["prs_with_key"] / counts["prs_opened"] if counts["prs_opened"] else 0.0
        console.print(
            f"Jira: [bold]{counts['jira_issues']}[/bold] issues, {counts['jira_sprints']} sprints; "
            f"{linked:.0%} of pull requests name an issue; "
            f"{counts['jira_people_matched']} of {counts['jira_people']} Jira people matched to team members."
        )
    print_surveys(console, counts)
    table = Table(title="Per week of merge (non-bot pull requests)")
    table.add_column("week (Mon)")
    table.add_column("merged", justify="right")
    for column in ("median cycle h", "median pickup h", "median lead h (to prod)"):
        table.add_column(column, justify="right")
    for week, merged, *medians in weekly:
        table.add_row(str(week), str(merged), *(f"{m:.1f}" if m is not None else "-" for m in medians))
    console.print(table)


def print_surveys(console: Console, counts: dict[str, int]) -> None:
    """The Slack PR survey: who was asked, what they answered (analytics.pr_surveys)."""
    if not (counts.get("surveys_sent") or counts.get("surveys_unreached")):
        console.print(
            "Slack survey: nobody asked (no pull request merged in the last 72 hours, or Slack off)."
        )
        return
    answered = counts["survey_none"] + counts["survey_some"] + counts["survey_most"]
    latency = counts["survey_median_latency_hours"]
    console.print(
        f"Slack survey: [bold]{counts['surveys_sent']}[/bold] asked, [bold]{answered}[/bold] answered "
        f"(none {counts['survey_none']}, some {counts['survey_some']}, most {counts['survey_most']}"
        f"{f'; median {_duration(float(latency))} after asking' if latency is not None else ''}), "
        f"{counts.get('surveys_by_comment', 0)} of them by a comment on the pull request, "
        f"{counts['surveys_unreached']} not reachable; "
        f"{counts['survey_verdicts']} pull requests' AI verdict comes from their author's answer."
    )


def _duration(hours: float) -> str:
    seconds = hours * 3600
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 3600 else f"{hours:.1f} h"


def print_chart_paths(console: Console, paths: list[Path]) -> None:
    """Where the weekly charts (analytics/weekly_charts) were drawn, to open them."""
    if not paths:
        console.print("No weekly charts were drawn (no weekly rollup yet).")
        return
    console.print("Weekly charts ([bold]dexxy report --week W[/bold] puts them in one HTML page):")
    for path in paths:
        console.print(f"  {path}")
